"""Versions of the shared data, so per-process caches know when to rebuild.

- The network version changes whenever the partner network's organizations or SKUs do
  (the name index follows it).
- The data version changes with any change an answer can show: the network, licence
  subscriptions, onboarding states (the answer cache follows it).
- The operators version and the state version are changed by the database itself
  (triggers, migration 0017) whenever an operator or an operator's organization, or any
  bot state row, changes: a process reuses an operator's scope, and its knowledge that a
  conversation holds no dialog, only while they are unchanged."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.clock import utc_now
from services.db.models import AppMeta

NETWORK_VERSION = "network_version"
DATA_VERSION = "data_version"
DATA_CHANGED_AT = "data_changed_at"  # when the data version last changed (UTC, ISO 8601)
OPERATORS_VERSION = "operators_version"
STATE_VERSION = "state_version"
KEYS = (NETWORK_VERSION, DATA_VERSION, DATA_CHANGED_AT, OPERATORS_VERSION, STATE_VERSION)

# Inside a turn: the values read so far (all of KEYS, read together the first time).
_of_this_turn: ContextVar[dict[str, str | None] | None] = ContextVar("meta_of_this_turn",
                                                                     default=None)


@contextmanager
def read_once() -> Iterator[None]:
    """Within it (one turn), the versions are read from the database once, all in one
    query, and reused: the answer cache, the name index and the "data as of" line of a
    turn cost one round trip, and see one state of the data. A change made in the turn
    is seen by the rest of it."""
    token = _of_this_turn.set({})
    try:
        yield
    finally:
        _of_this_turn.reset(token)


async def _value(session: AsyncSession, key: str) -> str | None:
    memo = _of_this_turn.get()
    if memo is None:
        return (await session.execute(
            select(AppMeta.value).where(AppMeta.key == key))).scalar_one_or_none()
    if not memo:
        memo.update(dict.fromkeys(KEYS))
        memo.update((await session.execute(select(AppMeta.key, AppMeta.value).where(
            AppMeta.key.in_(KEYS)))).tuples().all())
    return memo.get(key)


async def turn_version(sessions: async_sessionmaker[AsyncSession], key: str) -> str | None:
    """Inside a turn (`read_once`), KEY's value as the turn reads it (with the others, in
    one query, the first time); None outside a turn, or when the database has no such
    value: nothing a cache may be keyed on (read the data itself)."""
    memo = _of_this_turn.get()
    if memo is None:
        return None
    if not memo:
        async with sessions() as session:
            await _value(session, key)
    return memo.get(key)


async def _version(session: AsyncSession, key: str) -> str:
    return await _value(session, key) or "0"


async def _bump(session: AsyncSession, key: str) -> str:
    return await _set(session, key, uuid.uuid4().hex)


async def _set(session: AsyncSession, key: str, value: str) -> str:
    result = await session.execute(update(AppMeta).where(AppMeta.key == key).values(value=value))
    if not result.rowcount:  # type: ignore[attr-defined]
        session.add(AppMeta(key=key, value=value))
    memo = _of_this_turn.get()
    if memo:  # the rest of this turn sees its own change
        memo[key] = value
    return value


async def network_version(session: AsyncSession) -> str:
    return await _version(session, NETWORK_VERSION)


async def data_version(session: AsyncSession) -> str:
    return await _version(session, DATA_VERSION)


async def bump_data_version(session: AsyncSession) -> str:
    """In the transaction that changes what answers show (e.g. an onboarding state); the
    time of the change is kept with it ("data as of" on the cards)."""
    await _set(session, DATA_CHANGED_AT, utc_now().isoformat(timespec="seconds"))
    return await _bump(session, DATA_VERSION)


async def data_changed_at(session: AsyncSession) -> dt.datetime | None:
    """When what answers show last changed (None: never, since this was kept)."""
    value = await _value(session, DATA_CHANGED_AT)
    return dt.datetime.fromisoformat(value) if value else None


async def bump_network_version(session: AsyncSession) -> str:
    """In the transaction that changes the network; the data changes with it."""
    await bump_data_version(session)
    return await _bump(session, NETWORK_VERSION)
