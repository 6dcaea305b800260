"""Where to reach an operator proactively: their personal chat with the bot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.db.models import OperatorConversation


class ConversationBook:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._known: dict[int, str] = {}  # operator id -> conversation id already stored

    def known(self, operator_id: int, conversation_id: str) -> bool:
        """Whether this process already stored CONVERSATION_ID as the operator's chat."""
        return self._known.get(operator_id) == conversation_id

    async def remember(self, operator_id: int, reference: dict[str, Any]) -> None:
        """Store the operator's personal conversation (a write only when it changed)."""
        conversation = str((reference.get("conversation") or {}).get("id", ""))
        if not conversation or self._known.get(operator_id) == conversation:
            return
        now = dt.datetime.now(dt.UTC)
        async with self._sessions() as session, session.begin():
            result = await session.execute(update(OperatorConversation).where(
                OperatorConversation.operator_id == operator_id).values(
                reference=reference, updated_at=now))
            if not result.rowcount:  # type: ignore[attr-defined]
                try:
                    async with session.begin_nested():
                        session.add(OperatorConversation(operator_id=operator_id,
                                                         reference=reference, updated_at=now))
                except IntegrityError:
                    pass  # another instance stored it at the same time
        self._known[operator_id] = conversation

    async def personal(self, operator_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        ids = list(operator_ids)
        if not ids:
            return {}
        async with self._sessions() as session:
            rows = (await session.execute(select(
                OperatorConversation.operator_id, OperatorConversation.reference).where(
                OperatorConversation.operator_id.in_(ids)))).all()
        return {r.operator_id: r.reference for r in rows}
