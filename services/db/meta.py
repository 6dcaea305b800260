"""Versions of the shared data, so per-process caches know when to rebuild.

- The network version changes whenever the partner network's organizations or SKUs do
  (the name index follows it).
- The data version changes with any change an answer can show: the network, licence
  subscriptions, onboarding states (the answer cache follows it)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.clock import utc_now
from services.db.models import AppMeta

NETWORK_VERSION = "network_version"
DATA_VERSION = "data_version"
DATA_CHANGED_AT = "data_changed_at"  # when the data version last changed (UTC, ISO 8601)


async def _version(session: AsyncSession, key: str) -> str:
    value = (await session.execute(
        select(AppMeta.value).where(AppMeta.key == key))).scalar_one_or_none()
    return value or "0"


async def _bump(session: AsyncSession, key: str) -> str:
    return await _set(session, key, uuid.uuid4().hex)


async def _set(session: AsyncSession, key: str, value: str) -> str:
    result = await session.execute(update(AppMeta).where(AppMeta.key == key).values(value=value))
    if not result.rowcount:  # type: ignore[attr-defined]
        session.add(AppMeta(key=key, value=value))
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
    value = (await session.execute(
        select(AppMeta.value).where(AppMeta.key == DATA_CHANGED_AT))).scalar_one_or_none()
    return dt.datetime.fromisoformat(value) if value else None


async def bump_network_version(session: AsyncSession) -> str:
    """In the transaction that changes the network; the data changes with it."""
    await bump_data_version(session)
    return await _bump(session, NETWORK_VERSION)
