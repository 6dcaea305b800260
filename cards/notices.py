"""Short notices: refusals, not understood, errors. They never carry data."""

from __future__ import annotations

from typing import Any

from cards.common import card, paragraph, title
from services.i18n import Messages


def not_operator_card(tr: Messages) -> dict[str, Any]:
    return card([title(tr("refusal.not_operator.title")),
                 paragraph(tr("refusal.not_operator.body"))])


def notice_card(text: str) -> dict[str, Any]:
    return card([paragraph(text)])


def error_card(tr: Messages, reference: str) -> dict[str, Any]:
    return card([paragraph(tr("error.body", ref=reference), color="Attention")])
