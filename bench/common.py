"""Shared by the benchmarks: a generated network imported into a database, timing stats."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

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
