"""Suggested next questions through Microsoft's Agents Playground: an answer offers up
to three follow-up buttons; clicking one sends its question, which gets its own answer
(the Playground sends the button's data, Teams its text: both are the question)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from services.i18n import Messages
from services.understanding.followups import period
from services.understanding.ranges import DateRange
from tests.support.playground import Playground, bot_cards, card_text, missing_reason

pytestmark = [pytest.mark.playground,
              pytest.mark.skipif(missing_reason() is not None, reason=str(missing_reason()))]

CHAT = "personal-chat-alice"



def follow_up_buttons(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The card's question buttons: title -> their Action.Submit data."""
    return {a["title"]: a["data"] for block in card["body"] if block["type"] == "ActionSet"
            for a in block["actions"]
            if a["type"] == "Action.Submit" and "msteams" in a.get("data", {})}


async def test_a_follow_up_button_asks_its_question(playground: Playground) -> None:
    await playground.say(CHAT, "which clients expire in November 2026")
    answer = await playground.wait_for(lambda e: "Customers expiring" in card_text(e)
                                       and "Only those at risk" in card_text(e))
    (card,) = bot_cards(answer)
    buttons = follow_up_buttons(card)
    # The month after November 2026, said from the Playground's today (its clock).
    december = period(DateRange(dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
                      dt.date.today(), Messages("en"))
    assert december is not None
    assert list(buttons) == ["Only those at risk", december[0].upper() + december[1:],
                             "Licenses expiring"]
    data = buttons["Only those at risk"]
    assert data["msteams"] == {"type": "messageBack", "displayText": data["msteams"]["text"],
                               "text": "which customers expiring in November 2026 are at risk"}

    await playground.submit(CHAT, str(answer["message"]["messageId"]), data)
    at_risk = await playground.wait_for(lambda e: e is not answer and "at risk" in
                                        card_text(e).lower() and e.get("action") ==
                                        "createMessage" and "Only the renewed ones" in
                                        card_text(e))
    text = card_text(at_risk)
    assert "Café Lumière" in text and "Boulangerie Dupont" not in text  # renewed: left out
