"""A key/value store for conversation and dialog state with optimistic concurrency.

Several bot instances share it through the database: every write names the e-tag it
read, and a write over a newer e-tag is refused (StateConflict) instead of silently
losing the other instance's change. The botbuilder `Storage` adapter is in bot/storage.py.

botbuilder's TeamsSSOTokenExchangeMiddleware writes one item per sign-in token exchange
(key `{channel}/{conversation}/{exchange id}`, a `_TokenStoreItem`) only to refuse a
duplicate exchange arriving at once; nothing reads them later, so the daily retention
removes them after a day (`prune_token_exchanges`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.db.meta import STATE_VERSION, turn_version
from services.db.models import BotStateRecord

ANY = "*"
MAX_ABSENT = 50_000  # keys known to hold nothing, per process (then forgotten)
# How SqlStorage (jsonpickle) stores botbuilder's token-exchange item.
TOKEN_EXCHANGE_ITEM = ('{"py/object": "botbuilder.core.teams.'
                       'teams_sso_token_exchange_middleware._TokenStoreItem"')


class StateConflict(Exception):
    """The stored item changed since it was read (e-tag mismatch)."""


@dataclass(frozen=True)
class StoredItem:
    etag: str
    data: str


@dataclass(frozen=True)
class Change:
    data: str
    expected_etag: str | None = None  # None or "*": last writer wins


def _new_etag() -> str:
    return uuid.uuid4().hex


class StateStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._absent: set[str] = set()  # keys that held nothing at version _absent_at
        self._absent_at: str | None = None

    async def read(self, keys: Iterable[str]) -> dict[str, StoredItem]:
        """The stored items of KEYS. In a turn, keys known to hold nothing at the state
        version the turn reads (a conversation with no dialog: most turns) are not read
        again; any write to the state, by any instance, moves that version (a database
        trigger)."""
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        version = await turn_version(self._sessions, STATE_VERSION)
        if version is not None and version == self._absent_at \
                and all(key in self._absent for key in wanted):
            return {}
        stmt = select(BotStateRecord.key, BotStateRecord.etag, BotStateRecord.data).where(
            BotStateRecord.key.in_(wanted))
        async with self._sessions() as session:
            rows = (await session.execute(stmt)).all()
        found = {r.key: StoredItem(r.etag, r.data) for r in rows}
        if version is not None:  # read before the rows: never newer than what they show
            if version != self._absent_at or len(self._absent) >= MAX_ABSENT:
                self._absent, self._absent_at = set(), version
            self._absent.update(key for key in wanted if key not in found)
        return found

    def _changed(self) -> None:
        """This process wrote the state: what it knew to be absent is forgotten."""
        self._absent, self._absent_at = set(), None

    async def write(self, changes: Mapping[str, Change]) -> dict[str, str]:
        """Write all CHANGES in one transaction; return the new e-tag of each key."""
        etags: dict[str, str] = {}
        self._changed()
        try:
            async with self._sessions() as session, session.begin():
                for key, change in changes.items():
                    etags[key] = await self._write_one(session, key, change)
        finally:
            self._changed()  # a read while it was written saw the old state
        return etags

    async def _write_one(self, session: AsyncSession, key: str, change: Change) -> str:
        etag = _new_etag()
        conditional = change.expected_etag not in (None, ANY)
        for _attempt in range(3):
            stmt = update(BotStateRecord).where(BotStateRecord.key == key)
            if conditional:
                stmt = stmt.where(BotStateRecord.etag == change.expected_etag)
            result = await session.execute(stmt.values(etag=etag, data=change.data))
            if result.rowcount:  # type: ignore[attr-defined]
                return etag
            if conditional and (await session.execute(
                    select(BotStateRecord.etag).where(BotStateRecord.key == key))).first():
                raise StateConflict(f"Etag conflict: state {key!r} changed since it was read")
            try:
                async with session.begin_nested():
                    await session.execute(insert(BotStateRecord).values(
                        key=key, etag=etag, data=change.data))
                return etag
            except IntegrityError:
                if conditional:
                    raise StateConflict(
                        f"Etag conflict: state {key!r} was created concurrently") from None
                # another instance created it first: last writer wins, update it
        raise StateConflict(f"state {key!r} kept changing under concurrent writers")

    async def delete(self, keys: Iterable[str]) -> None:
        wanted = list(keys)
        if not wanted:
            return
        self._changed()
        try:
            async with self._sessions() as session, session.begin():
                await session.execute(delete(BotStateRecord).where(
                    BotStateRecord.key.in_(wanted)))
        finally:
            self._changed()

    async def prune_token_exchanges(self, before: dt.datetime) -> int:
        """Delete the SSO token-exchange items last written before BEFORE (never
        conversation, user or dialog state); how many."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(delete(BotStateRecord).where(
                BotStateRecord.updated_at < before,
                BotStateRecord.data.startswith(TOKEN_EXCHANGE_ITEM, autoescape=True),
                ~BotStateRecord.key.contains("/conversations/", autoescape=True),
                ~BotStateRecord.key.contains("/users/", autoescape=True)))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
