"""Per-intent turn time (understanding + query + card) on a large network.

    python -m bench.queries --customers 100000 [--db sqlite|postgresql] [--iterations 40]

Generates (and caches) a network with `partnerbot demo-data`'s generator, imports it,
then runs realistic questions as an admin of the largest distributor through the bot's
real turn pipeline in process (the Teams path: one page per list), with the answer cache
off so every turn runs its query. Prints per-intent p50/p95 and a one-line summary."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import time
from pathlib import Path
from typing import Any

from bench.common import loaded_database, network, percentile, pg_database, summary_ms
from bot.services import BotServices
from bot.settings import load_settings
from bot.teams.handler import PartnerBot
from bot.teams.inprocess import InProcessAdapter, ask, message_activity
from services.network.generate import largest_distributor

TODAY = dt.date(2026, 11, 23)


def questions(doc: dict[str, Any], distributor: str) -> dict[str, list[str]]:
    rng = random.Random(7)
    orgs = {o["id"]: o for o in doc["organizations"]}
    partners = [o for o in doc["organizations"] if o["parent"] == distributor]
    customers = [o for o in doc["organizations"] if o["kind"] == "customer"
                 and orgs[o["parent"]]["parent"] == distributor]
    partner = rng.choice(partners)["name"]
    names = [c["name"] for c in rng.sample(customers, 5)]
    return {
        "expiring_this_month": ["which clients expire this month",
                                "quels clients expirent ce mois-ci ?"],
        "expiring_next_30_days": ["customers expiring in the next 30 days"],
        "lapsed": ["expired customers"],
        "sku": ["which customers have CoreSuite Enterprise"],
        "threshold": ["customers with more than 500 licenses"],
        "not_onboarded": ["which customers are not onboarded yet"],
        "parent": [f"customers of {partner}"],
        "count": ["how many customers expire this month"],
        "license_total": ["how many licenses do my customers have in total"],
        "org_licenses": [f"how many licenses does {n} have" for n in names],
        "org_expiry": [f"when does {n} expire" for n in names],
        "list_partners": ["list partners"],
        "help": ["help"],
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--workdir", type=Path, default=Path("bench/.work"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)

    doc = network(args.customers, args.seed, args.workdir)
    if args.db == "sqlite":
        db_file = args.workdir / f"queries-{args.customers}-{args.seed}.db"
        await measure(f"sqlite+aiosqlite:///{db_file}", doc, args)
        return
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ["TEST_DATABASE_URL"]
    async with pg_database(base, "bench_queries") as url:  # only this network in it
        await measure(url, doc, args)


async def measure(url: str, doc: dict[str, Any], args: argparse.Namespace) -> None:
    db, import_s = await loaded_database(url, doc)
    distributor = largest_distributor(doc)
    admin = next(o for o in doc["operators"] if o["organization"] == distributor
                 and "admin" in o["roles"])
    # The answer cache off: every turn pays understanding, SQL and card (the cache's own
    # effect is measured by bench.turns).
    services = BotServices.create(load_settings(DATABASE_URL=url, ANSWER_CACHE_SIZE=0), db)
    bot, adapter = PartnerBot(services), InProcessAdapter()

    async def turn(text: str) -> float:
        activity = message_activity(admin["aad_object_id"], admin["tenant_id"], text,
                                    "fr-FR" if "quels" in text else "en-US", TODAY)
        started = time.perf_counter()
        reply = await ask(bot, adapter, activity, full_answer=False)
        elapsed = time.perf_counter() - started
        assert reply is not None and "error" not in reply.answer, (text, reply)
        return elapsed

    per_intent = questions(doc, distributor)
    for texts in per_intent.values():  # warm-up: caches, name index, recognizers
        for text in texts:
            await turn(text)
    results: dict[str, list[float]] = {}
    for name, texts in per_intent.items():
        results[name] = [await turn(texts[i % len(texts)]) for i in range(args.iterations)]
    await db.dispose()

    n_customers = sum(1 for o in doc["organizations"] if o["kind"] == "customer")
    print(f"network: {n_customers} customers, {len(doc['subscriptions'])} subscriptions; "
          f"largest distributor {distributor}; "
          f"import {'already loaded' if import_s != import_s else f'{import_s:.1f}s'}; "
          f"db={args.db}")
    for name, values in results.items():
        print(f"  {name:24} {summary_ms(values)}")
    key = results["expiring_this_month"]
    every = [v for values in results.values() for v in values]
    print(f"SUMMARY queries db={args.db} customers={n_customers} "
          f"expiring_this_month_p95={percentile(key, 95) * 1000:.1f}ms "
          f"all_intents_p50={percentile(every, 50) * 1000:.1f}ms "
          f"all_intents_p95={percentile(every, 95) * 1000:.1f}ms")


if __name__ == "__main__":
    asyncio.run(main())
