"""The network version: changes whenever the partner network does, so per-process
caches (the name index) know when to rebuild."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.models import AppMeta

NETWORK_VERSION = "network_version"


async def network_version(session: AsyncSession) -> str:
    value = (await session.execute(
        select(AppMeta.value).where(AppMeta.key == NETWORK_VERSION))).scalar_one_or_none()
    return value or "0"


async def bump_network_version(session: AsyncSession) -> str:
    value = uuid.uuid4().hex
    result = await session.execute(
        update(AppMeta).where(AppMeta.key == NETWORK_VERSION).values(value=value))
    if not result.rowcount:  # type: ignore[attr-defined]
        session.add(AppMeta(key=NETWORK_VERSION, value=value))
    return value
