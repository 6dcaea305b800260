"""What a turn keeps in botbuilder's `turn_state`, by name."""

from __future__ import annotations

IN_PROCESS = "partnerbot.in_process"  # `partnerbot ask`: no Teams conversation to remember
FULL_ANSWER = "partnerbot.full_answer"  # `partnerbot ask`: list answers with every item
REPLY = "partnerbot.reply"  # the reply the pipeline built (`partnerbot ask` reads it)
OPERATOR = "partnerbot.operator"  # for the turn log
INTENT = "partnerbot.intent"  # for the turn log
