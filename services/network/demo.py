"""The demo network in a database, its dates following today (`partnerbot serve --demo`,
`partnerbot chat`).

An empty database gets the demo with every date moved so that its `as_of` is today. A
database that already holds the demo, loaded on another day, gets its subscriptions'
dates moved again (only those: operators added, roles changed and onboardings done in
the demo are kept). A database holding anything else is left alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.db.models import Organization, Subscription
from services.network.importer import NetworkImporter
from services.network.shift import as_of_today, days_to, shift_document


@dataclass(frozen=True)
class DemoLoad:
    """What `load_demo` did: `loaded`, `moved`, `current` or `skipped`."""

    outcome: str
    note: str


async def load_demo(sessions: async_sessionmaker[AsyncSession], doc: dict[str, Any],
                    today: dt.date) -> DemoLoad:
    wanted = days_to(doc, today)
    async with sessions() as session:
        count = (await session.execute(
            select(func.count()).select_from(Organization))).scalar_one()
        applied = await demo_shift_in(session, doc) if count else None
    day = today.isoformat()
    if not count:
        result = await NetworkImporter(sessions).import_document(as_of_today(doc, today))
        return DemoLoad("loaded", f"demo network loaded, its dates as of {day}: "
                        f"{result.summary()}")
    if applied is None:
        return DemoLoad("skipped", f"demo: the database already holds {count} "
                        "organizations; not loading")
    if applied == wanted:
        return DemoLoad("current", f"demo network already there, its dates as of {day}")
    moved = shift_document(doc, wanted)
    await NetworkImporter(sessions).import_document(
        {"format": doc["format"], "skus": doc["skus"], "subscriptions": moved["subscriptions"]})
    return DemoLoad("moved", f"demo network already there: its dates moved by "
                    f"{wanted - applied} days, to be as of {day}")


async def demo_shift_in(session: AsyncSession, doc: dict[str, Any]) -> int | None:
    """By how many days the demo's subscriptions in the database are moved from DOC's
    (None: the database does not hold exactly DOC's subscriptions, moved alike)."""
    records = {s["id"]: s for s in doc["subscriptions"]}
    rows = (await session.execute(select(Subscription).where(
        Subscription.id.in_(list(records))))).scalars().all()
    if len(rows) != len(records):
        return None
    shifts: set[int] = set()
    for row in rows:
        rec = records[row.id]
        if (row.organization_id, row.sku_code, row.licenses) != (
                rec["organization"], rec["sku"], rec["licenses"]):
            return None
        shifts.add((row.starts_on - dt.date.fromisoformat(rec["starts_on"])).days)
        shifts.add((row.expires_on - dt.date.fromisoformat(rec["expires_on"])).days)
    return shifts.pop() if len(shifts) == 1 else None
