"""The live data feed's throughput: a document of N licence subscription changes POSTed to
`/api/feed` of a `partnerbot serve` process (HMAC-signed, applied in one transaction,
pending digests and licence alerts included), against the same kind of document applied
in process by `NetworkImporter` (what `partnerbot import` runs): the feed's own cost on top
of the shared upsert path.

    python -m bench.feed --customers 10000 --subscriptions 10000 [--db postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp

from bench.common import loaded_database, network, pg_database, serving
from services.db.engine import Database
from services.feed import signature
from services.network.importer import NetworkImporter

WORK = Path(__file__).resolve().parent / ".work"
SECRET = "bench-feed-secret"  # noqa: S105 - a local benchmark value


def changes(doc: dict[str, Any], count: int, run: int) -> dict[str, Any]:
    """COUNT subscriptions renewed by RUN + 1 years, every tenth with 10% more licences."""
    subs = doc["subscriptions"][:count]
    out = []
    for n, sub in enumerate(subs):
        expires = dt.date.fromisoformat(sub["expires_on"])
        licenses = sub["licenses"] + (sub["licenses"] // 10 + 1) * run if n % 10 == 0 \
            else sub["licenses"]
        out.append({**sub, "licenses": licenses,
                    "expires_on": expires.replace(year=expires.year + run + 1).isoformat()})
    return {"format": "partner-network/1", "subscriptions": out}


async def measure(url: str, doc: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    feed, imports = [], []
    async with serving(url, WORK, FEED_SECRET=SECRET, FEED_RATE="0") as bot, \
            aiohttp.ClientSession() as http:
        for run in range(args.repeat):
            body = json.dumps(changes(doc, args.subscriptions, 2 * run)).encode()
            stamp = str(int(time.time()))
            started = time.perf_counter()
            async with http.post(f"{bot.base}/api/feed", data=body, headers={
                    "Content-Type": "application/json", "X-Feed-Timestamp": stamp,
                    "X-Feed-Signature": signature(SECRET, stamp, body)}) as response:
                result = await response.json()
            feed.append(time.perf_counter() - started)
            assert response.status == 200, result
            assert result["subscriptions"]["updated"] == args.subscriptions, result
            # the baseline: the same kind of document through the import path
            db = Database(url)
            started = time.perf_counter()
            imported = await NetworkImporter(db.sessions).import_document(
                changes(doc, args.subscriptions, 2 * run + 1))
            imports.append(time.perf_counter() - started)
            await db.dispose()
            assert imported.subscriptions.updated == args.subscriptions
    return {"feed": feed, "import": imports, "bytes": len(body)}


async def main(args: argparse.Namespace) -> int:
    WORK.mkdir(exist_ok=True)
    doc = network(args.customers, args.seed, WORK)
    if len(doc["subscriptions"]) < args.subscriptions:
        raise SystemExit(f"the network has only {len(doc['subscriptions'])} subscriptions")
    if args.db == "sqlite":
        path = WORK / f"feed-{args.customers}-{uuid.uuid4().hex[:6]}.db"
        db, _ = await loaded_database(f"sqlite+aiosqlite:///{path}", doc)
        await db.dispose()
        try:
            figures = await measure(f"sqlite+aiosqlite:///{path}", doc, args)
        finally:
            path.unlink(missing_ok=True)
    else:
        base = os.environ.get("BENCH_DATABASE_URL") or os.environ["TEST_DATABASE_URL"]
        async with pg_database(base, "bench_feed") as url:
            db, _ = await loaded_database(url, doc)
            await db.dispose()
            figures = await measure(url, doc, args)
    feed_s, import_s = statistics.median(figures["feed"]), statistics.median(figures["import"])
    print(f"network: {args.customers} customers, {len(doc['subscriptions'])} subscriptions; "  # noqa: T201
          f"document: {args.subscriptions} subscription changes, "
          f"{figures['bytes'] / 1e6:.1f} MB; db={args.db}; runs={args.repeat}")
    print("  feed over HTTP    " + " ".join(f"{s:.2f}s" for s in figures["feed"]))  # noqa: T201
    print("  import in process " + " ".join(f"{s:.2f}s" for s in figures["import"]))  # noqa: T201
    print(f"SUMMARY feed db={args.db} subscriptions={args.subscriptions} "  # noqa: T201
          f"median={feed_s:.2f}s rate={args.subscriptions / feed_s:.0f}/s "
          f"import_median={import_s:.2f}s import_rate={args.subscriptions / import_s:.0f}/s "
          f"ratio={feed_s / import_s:.2f}")
    return 0


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.feed", description=__doc__)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args(argv)


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main(parse(sys.argv[1:]))))
