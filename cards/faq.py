"""Answers to the Partner App's frequently asked questions."""

from __future__ import annotations

from typing import Any

from cards.common import card, paragraph, title
from services.i18n import Messages


def faq_card(text: str, tr: Messages) -> dict[str, Any]:
    return card([title(tr("faq.title")), paragraph(text)])
