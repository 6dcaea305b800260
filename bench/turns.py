"""Turns over HTTP: N concurrent operators post realistic questions (English and French,
expectReplies) to one `partnerbot serve` process on a generated network, then the same
load goes to Microsoft's echo bot sample on the same stack (bench/echo_bot.py), the floor
of the framework. Reports throughput, p50/p95/p99 per intent, the ratio, the serving
process's resident memory and its start-up time to /readyz.

    python -m bench.turns --customers 100000 --concurrency 8 --turns 1000
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import aiohttp

from bench.common import free_port, loaded_database, network, percentile, serving, wait_ready

WORK = Path(__file__).resolve().parent / ".work"
# label -> (English, French); {org} is a customer in the operator's network
QUESTIONS = {
    "expiring": ("which clients expire this month", "quels clients expirent ce mois-ci"),
    "invited": ("customers waiting for activation", "clients en attente d'activation"),
    "total": ("how many licenses in total", "combien de licences au total"),
    "lapsed": ("expired customers", "clients expirés"),
    "org": ("when does {org} expire", "quand expire {org}"),
    "help": ("help", "aide"),
}


def operators(doc: dict[str, Any], count: int, seed: int) -> list[dict[str, Any]]:
    """Active operators of distributors and partners, each with a customer of theirs."""
    parent = {o["id"]: o.get("parent") for o in doc["organizations"]}
    kind = {o["id"]: o["kind"] for o in doc["organizations"]}
    names = {o["id"]: o["name"] for o in doc["organizations"]}
    below: dict[str, str] = {}
    for org_id, org_kind in kind.items():
        if org_kind != "customer":
            continue
        node = parent.get(org_id)
        while node is not None:
            below.setdefault(node, org_id)
            node = parent.get(node)
    found = [{"aad": o["aad_object_id"], "tenant": o.get("tenant_id"),
              "org": names[below[o["organization"]]]}
             for o in doc["operators"] if o.get("aad_object_id")
             and o.get("status", "active") == "active" and o["organization"] in below
             and kind[o["organization"]] in ("distributor", "partner")]
    rng = random.Random(seed)
    rng.shuffle(found)
    return found[:count]


def activity(op: dict[str, Any], label: str, french: bool) -> dict[str, Any]:
    english, francais = QUESTIONS[label]
    text = (francais if french else english).format(org=op["org"])
    return {"type": "message", "id": uuid.uuid4().hex, "channelId": "msteams",
            "serviceUrl": "http://127.0.0.1:9/", "deliveryMode": "expectReplies",
            "timestamp": "2026-11-23T09:00:00Z", "locale": "fr-FR" if french else "en-US",
            "from": {"id": f"29:{op['aad']}", "aadObjectId": op["aad"]},
            "recipient": {"id": "28:bot"},
            "conversation": {"id": f"a:{op['aad']}", "conversationType": "personal",
                             "tenantId": op["tenant"]},
            "channelData": {"tenant": {"id": op["tenant"]}}, "text": text}


async def load(base: str, ops: list[dict[str, Any]], turns: int, concurrency: int,
               seed: int) -> tuple[float, dict[str, list[float]], int]:
    """TURNS questions from CONCURRENCY operators at once; wall time, latencies, errors."""
    rng = random.Random(seed)
    plan = [(ops[i % len(ops)], rng.choice(list(QUESTIONS)), rng.random() < 0.5)
            for i in range(turns)]
    latencies: dict[str, list[float]] = defaultdict(list)
    errors = 0
    queue: asyncio.Queue[tuple[dict[str, Any], str, bool]] = asyncio.Queue()
    for item in plan:
        queue.put_nowait(item)

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal errors
        while not queue.empty():
            op, label, french = queue.get_nowait()
            body = activity(op, label, french)
            started = time.perf_counter()
            async with session.post(f"{base}/api/messages", json=body) as response:
                payload = await response.read()
                ok = response.status == 200 and b"activities" in payload
            latencies[label].append(time.perf_counter() - started)
            errors += 0 if ok else 1

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        return time.perf_counter() - started, latencies, errors


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _ms(values: list[float], p: float) -> str:
    return f"{percentile(values, p) * 1000:.1f}"


async def _metric(base: str, name: str, label: str) -> float:
    async with aiohttp.ClientSession() as session, session.get(f"{base}/metrics") as response:
        text = await response.text()
    for line in text.splitlines():
        if line.startswith(f"{name}{{") and label in line:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def serve(url: str, ops: list[dict[str, Any]], args: argparse.Namespace,
                **extra: str) -> dict[str, Any]:
    """Start `partnerbot serve`, warm it up, run the measured load; its figures."""
    # QUESTION_RATE=0: this load would trip the per-operator limit
    async with serving(url, WORK, QUESTION_RATE="0", **extra) as bot:
        base, startup = bot.base, bot.startup_s
        await load(base, ops, 60, args.concurrency, args.seed + 1)  # warm-up
        wall, latencies, errors = await load(base, ops, args.turns, args.concurrency,
                                             args.seed)
        rss = rss_mb(bot.process.pid)
        metric = "partnerbot_answer_cache_lookups_total"
        hits, misses = await _metric(base, metric, '"hit"'), await _metric(base, metric, '"miss"')
    return {"wall": wall, "latencies": latencies, "errors": errors, "rss": rss,
            "startup": startup, "hit_rate": hits / (hits + misses) if hits + misses else 0.0}


async def echo_floor(ops: list[dict[str, Any]], args: argparse.Namespace) -> dict[str, Any]:
    port = free_port()
    quiet = asyncio.subprocess.DEVNULL
    echo = await asyncio.create_subprocess_exec(sys.executable, "-m", "bench.echo_bot",
                                                str(port), stdout=quiet, stderr=quiet)
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_ready(f"{base}/readyz", echo)
        await load(base, ops, 60, args.concurrency, 3)
        wall, latencies, errors = await load(base, ops, args.turns, args.concurrency,
                                             args.seed)
    finally:
        echo.terminate()
        await echo.wait()
    return {"wall": wall, "latencies": latencies, "errors": errors}


def _all(run: dict[str, Any]) -> list[float]:
    return [v for values in run["latencies"].values() for v in values]


async def main(args: argparse.Namespace) -> int:
    WORK.mkdir(exist_ok=True)
    doc = network(args.customers, args.seed, WORK)
    url = args.url or f"sqlite+aiosqlite:///{WORK / f'turns-{args.customers}.db'}"
    db, import_s = await loaded_database(url, doc)
    await db.dispose()
    ops = operators(doc, 40, args.seed)
    bot = await serve(url, ops, args)
    cold = await serve(url, ops, args, ANSWER_CACHE_SIZE="0")
    echo = await echo_floor(ops, args)
    rate, cold_rate, echo_rate = (args.turns / r["wall"] for r in (bot, cold, echo))
    print(f"network: {args.customers} customers (import {import_s:.1f}s or cached); "  # noqa: T201
          f"{len(ops)} operators; {args.turns} turns at concurrency {args.concurrency}")
    for label in QUESTIONS:
        values, uncached = bot["latencies"][label], cold["latencies"][label]
        print(f"  {label:10s} n={len(values):4d} p50={_ms(values, 50)}ms "  # noqa: T201
              f"p95={_ms(values, 95)}ms p99={_ms(values, 99)}ms | without the answer cache "
              f"p50={_ms(uncached, 50)}ms p95={_ms(uncached, 95)}ms")
    echo_all = _all(echo)
    print(f"  echo bot   n={len(echo_all):4d} p50={_ms(echo_all, 50)}ms "  # noqa: T201
          f"p95={_ms(echo_all, 95)}ms p99={_ms(echo_all, 99)}ms")
    print(f"  without the answer cache: throughput={cold_rate:.0f}/s "  # noqa: T201
          f"ratio={cold_rate / echo_rate:.2f} p95={_ms(_all(cold), 95)}ms")
    everything = _all(bot)
    errors = bot["errors"] + cold["errors"] + echo["errors"]
    print(f"SUMMARY turns customers={args.customers} concurrency={args.concurrency} "  # noqa: T201
          f"throughput={rate:.0f}/s echo_throughput={echo_rate:.0f}/s "
          f"ratio={rate / echo_rate:.2f} cache_hit_rate={bot['hit_rate']:.2f} "
          f"uncached_ratio={cold_rate / echo_rate:.2f} "
          f"p50={statistics.median(everything) * 1000:.1f}ms "
          f"p95={_ms(everything, 95)}ms p99={_ms(everything, 99)}ms "
          f"expiring_p95={_ms(bot['latencies']['expiring'], 95)}ms rss={bot['rss']:.0f}MB "
          f"startup={bot['startup']:.2f}s errors={errors}")
    return 0 if errors == 0 else 1


def parse(argv: list[str]) -> Any:
    parser = argparse.ArgumentParser(prog="python -m bench.turns", description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--turns", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--url", help="a database URL (default: a SQLite file in bench/.work)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main(parse(sys.argv[1:]))))
