"""Notification fan-out: N channel subscriptions, one pass, the outbox sent to a local
fake Bot Connector that answers a share of posts with 429 (Retry-After). Reports the
pass time, the send rate per tenant against NOTIFY_MAX_RPS, duplicates and losses.

    python -m bench.fanout --subscriptions 10000 --tenants 10 --max-rps 50 --throttle 0.05
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import multiprocessing
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import insert

from bench.common import loaded_database
from cards.notifications import digest_activity
from services.db.models import ChannelSubscription
from services.notifications import NotificationService
from services.notifications.connector import BotCredentials, ConnectorClient
from services.notifications.outbox import OutboxSender
from services.notifications.ratelimit import TeamsLimits
from services.scope import ScopeService

WORK = Path(__file__).resolve().parent / ".work"
DEMO = Path(__file__).resolve().parents[1] / "bot" / "demo" / "partner-demo.json"
TODAY = dt.date(2026, 11, 23)


class Connector:
    """The fake Bot Connector: 201 with an id, or 429 for a share of posts."""

    def __init__(self, throttle: float, seed: int) -> None:
        self.throttle = throttle
        self.random = random.Random(seed)
        self.posts: list[tuple[str, str, float]] = []  # conversation, tenant, time
        self.attempts: list[tuple[str, float]] = []  # every request: tenant, time
        self.throttled = 0

    async def post(self, request: web.Request) -> web.Response:
        conversation = request.match_info["conversation"]
        tenant = conversation.split(":")[1].split("-")[0]
        self.attempts.append((tenant, time.perf_counter()))
        if self.random.random() < self.throttle:
            self.throttled += 1
            return web.json_response({"error": {"code": "Throttled"}}, status=429,
                                     headers={"Retry-After": "1"})
        self.posts.append((conversation, tenant, time.perf_counter()))
        return web.json_response({"id": f"m{len(self.posts)}"}, status=201)

    async def stats(self, _request: web.Request) -> web.Response:
        return web.json_response({"posts": self.posts, "attempts": self.attempts,
                                  "throttled": self.throttled})


def serve_connector(throttle: float, seed: int, ports: Any) -> None:
    """The fake Bot Connector in a process of its own (a second core), as in production
    where the Bot Connector is another machine."""
    connector = Connector(throttle, seed)
    app = web.Application()
    app.router.add_post("/v3/conversations/{conversation}/activities", connector.post)
    app.router.add_get("/stats", connector.stats)

    async def start() -> None:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        ports.put(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        await asyncio.Event().wait()

    asyncio.run(start())


async def main(args: argparse.Namespace) -> int:
    import json

    WORK.mkdir(exist_ok=True)
    path = WORK / f"fanout-{args.subscriptions}.db"
    path.unlink(missing_ok=True)
    url = args.url or f"sqlite+aiosqlite:///{path}"
    db, _ = await loaded_database(url, json.loads(DEMO.read_text("utf-8")))
    ports: Any = multiprocessing.Queue()
    process = multiprocessing.Process(target=serve_connector,
                                      args=(args.throttle, args.seed, ports), daemon=True)
    process.start()
    port = ports.get(timeout=30)
    service_url = f"http://127.0.0.1:{port}/"

    scope = await ScopeService(db.sessions).for_email("alice.durand@contoso.example")
    assert scope is not None
    rows = [{
        "conversation_id": f"19:t{n % args.tenants}-c{n}@thread.tacv2",
        "conversation_reference": {"serviceUrl": service_url, "conversation": {
            "id": f"19:t{n % args.tenants}-c{n}@thread.tacv2",
            "tenantId": f"tenant-{n % args.tenants}", "conversationType": "channel"}},
        "service_url": service_url, "tenant_id": f"tenant-{n % args.tenants}",
        "organization_id": scope.organization_id, "lead_days": [30], "language": "en",
        "created_by_id": scope.operator_id, "active": True, "kind": "channel",
        "created_at": dt.datetime.now(dt.UTC)} for n in range(args.subscriptions)]
    async with db.sessions() as session, session.begin():
        await session.execute(insert(ChannelSubscription), rows)

    notifications = NotificationService(db.sessions)
    started = time.perf_counter()
    result = await notifications.run_pass(TODAY, digest_activity, "bench")
    pass_s = time.perf_counter() - started
    client = ConnectorClient(BotCredentials())
    sender = OutboxSender(db.sessions, client, TeamsLimits(args.max_rps), notifications,
                          concurrency=args.concurrency)
    started = time.perf_counter()
    drained = await sender.drain(max_wait_s=120)
    send_s = time.perf_counter() - started
    await client.close()
    await db.dispose()
    async with aiohttp.ClientSession() as http, http.get(f"{service_url}stats") as resp:
        stats = await resp.json()
    process.terminate()
    connector = Connector(args.throttle, args.seed)
    connector.posts = [tuple(p) for p in stats["posts"]]  # type: ignore[misc]
    connector.attempts = [tuple(a) for a in stats["attempts"]]  # type: ignore[misc]
    connector.throttled = stats["throttled"]

    per_conversation = Counter(c for c, _t, _s in connector.posts)
    duplicates = sum(n - 1 for n in per_conversation.values() if n > 1)
    losses = args.subscriptions - len(per_conversation)
    by_tenant: dict[str, list[float]] = defaultdict(list)
    for tenant, stamp in connector.attempts:  # requests, 429s included: what the limit counts
        by_tenant[tenant].append(stamp)
    rates = [(len(s) - 1) / (max(s) - min(s)) for s in by_tenant.values() if len(s) > 1]
    rate = statistics.median(rates) if rates else 0.0
    steady = []  # the middle 90% of each tenant's sends: the rate without the retry tail
    for stamps in by_tenant.values():
        ordered = sorted(stamps)
        lo, hi = ordered[len(ordered) // 20], ordered[len(ordered) * 19 // 20]
        if hi > lo:
            steady.append((len(ordered) * 9 // 10) / (hi - lo))
    steady_rate = statistics.median(steady) if steady else 0.0
    print(f"pass: {result.subscriptions} subscriptions, {result.digests} digests in "  # noqa: T201
          f"{pass_s:.1f}s; sent {drained.sent} in {send_s:.1f}s "
          f"({drained.retried} retries after {connector.throttled} injected 429s)")
    print(f"SUMMARY fanout subscriptions={args.subscriptions} tenants={args.tenants} "  # noqa: T201
          f"max_rps={args.max_rps:g} per_tenant_rate={rate:.1f}/s "
          f"ratio={rate / args.max_rps:.0%} steady_rate={steady_rate:.1f}/s "
          f"steady_ratio={steady_rate / args.max_rps:.0%} "
          f"total_rate={len(connector.posts) / send_s:.0f}/s "
          f"throttled={connector.throttled} duplicates={duplicates} losses={losses} "
          f"pass_s={pass_s:.1f} send_s={send_s:.1f}")
    return 0 if duplicates == 0 and losses == 0 else 1


def parse(argv: list[str]) -> Any:
    parser = argparse.ArgumentParser(prog="python -m bench.fanout", description=__doc__)
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--tenants", type=int, default=10)
    parser.add_argument("--max-rps", type=float, default=50.0)
    parser.add_argument("--throttle", type=float, default=0.05,
                        help="share of posts answered 429")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--url", help="a database URL (default: a SQLite file in bench/.work)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main(parse(sys.argv[1:]))))
