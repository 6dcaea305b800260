"""Shared by the security tests: the demo operators, a snapshot of every table, and the
app over HTTP."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from services.db.engine import Database
from services.db.models import AuditEvent, Base

# aad object id, tenant (bot/demo/partner-demo.json)
CLAIRE = ("9888c69f-850f-5e5b-acd2-c8fdf8762ab4", "d752334c-2297-5126-a591-b69bc422f0d5")
HUGO = ("15addb6b-29fd-58b2-be2d-d4caae6215f8", "d752334c-2297-5126-a591-b69bc422f0d5")
ALICE = ("634cd7e1-1cfd-591b-bd2f-417196023cf5", "4ebb284a-b03c-52a7-8795-819416500e20")
BRUNO = ("c06ff11f-0b82-5537-b896-a2f8d555a553", "4ebb284a-b03c-52a7-8795-819416500e20")
STRANGER = ("0c1d2e3f-4a5b-4c6d-8e9f-a0b1c2d3e4f5", "4ebb284a-b03c-52a7-8795-819416500e20")

# Bookkeeping any received activity may write: the retry ledger, the audit trail, and an
# operator's personal chat (remembered from their turns, to reach them proactively); and
# the leases of the app's background jobs (the daily retention may start during a test).
BOOKKEEPING = frozenset({"processed_activities", "audit_events", "operator_conversations",
                         "leases"})


async def snapshot(db: Database, skip: frozenset[str] = BOOKKEEPING) -> dict[str, list[str]]:
    """Every row of every table (but SKIP), as sorted text: equal snapshots, same data."""
    out: dict[str, list[str]] = {}
    async with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name in skip:
                continue
            rows = (await conn.execute(select(table))).all()
            out[table.name] = sorted(repr(tuple(row)) for row in rows)
    return out


async def audit_actions(db: Database) -> list[tuple[str, str | None, dict[str, Any] | None]]:
    async with db.sessions() as session:
        rows = (await session.execute(select(AuditEvent.action, AuditEvent.target,
                                             AuditEvent.after).order_by(AuditEvent.id))).all()
    return [(r.action, r.target, r.after) for r in rows]
