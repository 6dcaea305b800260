"""What a handler gets for one turn, and what it gives back. No Bot Framework types here,
so handlers are plain async functions that tests and `partnerbot ask` call the same way."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bot.services import BotServices
from services.exports import ExportQuestion
from services.i18n import Messages
from services.scope import Scope
from services.understanding import Query


class BadCardData(Exception):
    """A card action's data does not validate: answered, never trusted."""


@dataclass
class Reply:
    intent: str
    card: dict[str, Any]
    # The structured answer the card was built from (the `ask` contract, SPEC section 5).
    answer: dict[str, Any] = field(default_factory=dict)
    # Short messages to post in the conversation besides the card (e.g. "approved").
    notices: list[str] = field(default_factory=list)
    # Replace the card message itself for everyone, not only the clicker's view, and its
    # copies in other conversations ({"reference", "activity_id"}).
    update_message: bool = False
    copies: list[dict[str, Any]] = field(default_factory=list)
    # Where the notices go when not this conversation (e.g. the requester's own chat).
    notice_reference: dict[str, Any] | None = None
    # An operator request whose approval card must be posted (here and to the admins).
    post_request: Any = None
    # A multi-turn dialog to start instead of sending the card (e.g. add an operator).
    dialog: str | None = None
    dialog_options: dict[str, Any] = field(default_factory=dict)
    # The question a "Download CSV" button of the card asks again (a cached card gets a
    # new link for each asker).
    export: ExportQuestion | None = None


@dataclass(frozen=True)
class Request:
    scope: Scope
    query: Query
    tr: Messages
    services: BotServices
    today: dt.date
    data: dict[str, Any] = field(default_factory=dict)  # card action data (never trusted)
    full_answer: bool = False  # `ask`: list answers carry every item, not one page
    cid: str | None = None  # the turn's correlation id (logs, audit events)
    # This turn's Teams conversation (a conversation reference) and team, for what is
    # set up per conversation (notifications); None from `partnerbot ask`.
    conversation: dict[str, Any] | None = None
    team_id: str | None = None
    timezone: str | None = None  # the Teams client's IANA time zone, when it says
