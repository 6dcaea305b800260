"""The adapter's middleware: one log line per turn (correlation id, activity, operator,
intent, duration), and a re-sent activity run once.

The correlation id is the context variable of services/correlation.py, so every log
line of the turn, its audit events and the error a user sees carry it."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from botbuilder.core import InvokeResponse, Middleware, TurnContext
from botbuilder.schema import Activity, ActivityTypes

from bot.teams.keys import INTENT, OPERATOR
from services.correlation import correlation_id, new_correlation_id
from services.db.meta import read_once
from services.dedup import ActivityLedger

logger = logging.getLogger("partnerbot.turn")

class TurnLogMiddleware(Middleware):
    async def on_turn(
        self, context: TurnContext, logic: Callable[[], Awaitable[None]]
    ) -> None:
        cid = new_correlation_id()
        token = correlation_id.set(cid)
        started = time.perf_counter()
        try:
            with read_once():  # the data's versions: one read for the whole turn
                await logic()
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            activity = context.activity
            kind = activity.type + (f"/{activity.name}" if activity.name else "")
            logger.info(
                "turn cid=%s activity=%s operator=%s intent=%s duration_ms=%.1f",
                cid, kind, context.turn_state.get(OPERATOR, "-"),
                context.turn_state.get(INTENT, "-"), elapsed,
            )
            correlation_id.reset(token)


class DedupMiddleware(Middleware):
    """A re-sent message or card action (same id, same conversation) runs once."""

    def __init__(self, ledger: ActivityLedger) -> None:
        self._ledger = ledger

    async def on_turn(
        self, context: TurnContext, logic: Callable[[], Awaitable[None]]
    ) -> None:
        activity = context.activity
        conversation = str(activity.conversation.id or "") if activity.conversation else ""
        tracked = bool(activity.type in {"message", "invoke"} and activity.id and conversation)
        if tracked and not await self._ledger.first_time(conversation, activity.id):
            logger.info("duplicate activity %s ignored (a retry)", activity.id[:64])
            context.turn_state[INTENT] = "duplicate"
            if activity.type == "invoke":  # acknowledged; the card stays as it is
                await context.send_activity(Activity(
                    type=ActivityTypes.invoke_response, value=InvokeResponse(status=200)))
            return
        try:
            await logic()
        except Exception:
            if tracked:
                try:  # Teams re-sends an unanswered activity: let it run then
                    await self._ledger.forget(conversation, activity.id)
                except Exception as exc:  # noqa: BLE001 - e.g. the database is still down
                    logger.warning("could not clear the retry ledger: %s",
                                   exc.__class__.__name__)
            raise
