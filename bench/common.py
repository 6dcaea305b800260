"""Shared by the benchmarks: a generated network imported into a database, timing stats."""

from __future__ import annotations

import json
import statistics
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from services.db.engine import Database
from services.db.migrate import upgrade
from services.network.generate import generate_network
from services.network.importer import NetworkImporter


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary_ms(values: list[float]) -> str:
    return (f"p50={statistics.median(values) * 1000:.1f}ms "
            f"p95={percentile(values, 95) * 1000:.1f}ms n={len(values)}")


def network(customers: int, seed: int, workdir: Path) -> dict[str, Any]:
    path = workdir / f"network-{customers}-{seed}.json"
    if path.exists():
        return json.loads(path.read_text("utf-8"))
    doc = generate_network(customers, seed=seed)
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return doc


async def loaded_database(url: str, doc: dict[str, Any]) -> tuple[Database, float]:
    """A migrated database holding DOC (imported now unless already there); import time."""
    db = Database(url)
    await upgrade(db.engine)
    started = time.perf_counter()
    result = await NetworkImporter(db.sessions).import_document(doc)
    elapsed = time.perf_counter() - started
    from sqlalchemy import text

    async with db.engine.begin() as conn:
        await conn.execute(text("ANALYZE"))
    if not result.changed:
        elapsed = float("nan")
    return db, elapsed


@asynccontextmanager
async def pg_database(base_url: str, prefix: str) -> AsyncIterator[str]:
    """A PostgreSQL database of its own for one run (dropped after), so a measure never
    runs on what an earlier run left in a shared database."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = make_url(base_url).set(drivername="postgresql").render_as_string(False)
    conn = await asyncpg.connect(admin)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    try:
        yield base_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        conn = await asyncpg.connect(admin)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()
