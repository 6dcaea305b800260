"""Turns over HTTP as users live them, against the framework's floor.

Three loads, each sent by CONCURRENCY operators at once (each its own personal chat, one
question in flight, the next as soon as the answer is in) to `partnerbot serve` as
deployed (answer cache on; QUESTION_RATE=0 and SEARCH_RATE=0, as this load is far above
the per-operator limits), on a network of CUSTOMERS customers freshly imported with
`partnerbot import`:

- distinct: every question distinct (no answer can be reused), made from the network's
  names, dates and numbers, half English half French, twelve kinds (bench/questions.py),
  replies returned in the response (expectReplies);
- repeated: eight questions asked again and again (the answer cache), expectReplies;
- delivery: distinct questions, replies POSTed to a local fake Bot Connector as in
  production (no expectReplies); a turn lasts until its reply has reached the connector.

Each load also goes to Microsoft's stock botbuilder echo bot (bench/echo_bot.py) just
before and just after the bot, and to an echo bot on the Microsoft 365 Agents SDK
(bench/agents_echo.py, in its own venv bench/.work/agents-venv); the ratios are the bot's
throughput over theirs (the botbuilder echo: the mean of before and after).

    python -m bench.turns --customers 20000
    python -m bench.turns --customers 100000 --db postgresql   # a database of its own
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import os
import platform
import re
import resource
import statistics
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bench import agents_venv
from bench.common import (
    ROOT,
    free_port,
    network,
    percentile,
    pg_database,
    project_env,
    serving,
    wait_ready,
)
from bench.connector import Connector, start
from bench.questions import (
    KINDS,
    Network,
    Operator,
    Question,
    distinct_plans,
    parse_check,
    repeated_plans,
)

WORK = ROOT / "bench" / ".work"
PG_DEFAULT = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
LOADS = {
    "distinct": "every question distinct (no answer can be reused), half French",
    "repeated": "8 questions asked again and again (cache)",
    "delivery": "distinct questions, replies POSTed to a local Bot Connector as in production",
}
REPLY_TIMEOUT_S = 30.0
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- processes


def _tree(pid: int) -> list[int]:
    """PID and its descendants (a server with worker processes)."""
    pids = [pid]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                pids += _tree(int(child))
    except OSError:
        pass
    return pids


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by PID and its descendants."""
    total = 0
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / CLK_TCK


def rss_mb(pid: int) -> float:
    """Resident memory of PID and its descendants, MB."""
    total = 0
    for p in _tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def machine_busy_s() -> float:
    """CPU seconds all the machine's processes used so far (every core)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    values = [int(v) for v in fields[:8]]
    return (sum(values) - values[3] - values[4]) / CLK_TCK  # less idle and iowait


async def idle_at(pid: int, started: float, limit_s: float = 120) -> float:
    """Seconds from STARTED (perf_counter) until PID's processes are idle (under 5% of a
    core over half a second): a server that keeps warming up after /readyz."""
    last = cpu_s(pid)
    while time.perf_counter() - started < limit_s:
        await asyncio.sleep(0.5)
        now = cpu_s(pid)
        if now - last < 0.025:
            return time.perf_counter() - started - 0.5
        last = now
    return float("nan")


def own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Target:
    name: str  # "bot", "botbuilder echo", "Agents SDK echo"
    base: str
    pid: int


@asynccontextmanager
async def echo_server(name: str, command: list[str], env: dict[str, str] | None = None,
                      cwd: Path = ROOT) -> AsyncIterator[Target]:
    port = free_port()
    quiet = asyncio.subprocess.DEVNULL
    process = await asyncio.create_subprocess_exec(*command, str(port), stdout=quiet,
                                                   stderr=quiet, env=env, cwd=cwd)
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_ready(f"{base}/readyz", process)
        yield Target(name, base, process.pid)
    finally:
        process.terminate()
        await process.wait()


def botbuilder_echo() -> Any:
    return echo_server("botbuilder echo", [sys.executable, "-m", "bench.echo_bot"])


def agents_echo(python: Path) -> Any:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CONNECTIONS__") and k != "PYTHONPATH"}
    # No client id: anonymous, as the Partner App bot in local mode.
    env["CONNECTIONS__SERVICE_CONNECTION__SETTINGS__ANONYMOUS_ALLOWED"] = "true"
    return echo_server("Agents SDK echo", [str(python), str(WORK.parent / "agents_echo.py")],
                       env=env)


# --------------------------------------------------------------------------- the load


@dataclass
class Run:
    target: str
    turns: int
    wall: float
    latencies: dict[str, list[float]]  # kind -> seconds
    errors: int
    error_samples: list[str]
    server_cpu: float  # CPU seconds of the server during the run
    client_cpu: float  # CPU seconds of this process (load generator, connector)
    other_cpu: float  # CPU seconds of every other process of the machine
    hit_rate: float | None = None
    replies: int = 0
    typing: int = 0
    per_turn_replies: Counter[int] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        return self.turns / self.wall

    @property
    def all(self) -> list[float]:
        return [v for values in self.latencies.values() for v in values]


def activity(op: Operator, question: Question, service_url: str, expect_replies: bool,
             today: dt.date) -> dict[str, Any]:
    body = {"type": "message", "id": uuid.uuid4().hex, "channelId": "msteams",
            "serviceUrl": service_url, "timestamp": f"{today.isoformat()}T09:00:00Z",
            "locale": "fr-FR" if question.locale == "fr" else "en-US",
            "from": {"id": f"29:{op.aad}", "aadObjectId": op.aad},
            "recipient": {"id": "28:bot"},
            "conversation": {"id": f"a:{op.aad}", "conversationType": "personal",
                             "tenantId": op.tenant},
            "channelData": {"tenant": {"id": op.tenant}}, "text": question.text}
    if expect_replies:
        body["deliveryMode"] = "expectReplies"
    return body


async def _metric(session: aiohttp.ClientSession, base: str, name: str) -> dict[str, float]:
    """The samples of metric NAME in the server's /metrics, by their labels."""
    async with session.get(f"{base}/metrics") as response:
        text = await response.text()
    found = {}
    for line in text.splitlines():
        if line.startswith(name) and not line.startswith("#"):
            key, _, value = line.rpartition(" ")
            found[key[len(name):]] = float(value)
    return found


async def drive(target: Target, ops: list[Operator], plans: list[list[Question]],
                connector: Connector, connector_url: str, delivery: bool,
                today: dt.date, metrics: bool = False) -> Run:
    """Each operator asks its plan's questions one after the other, all at once."""
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    per_turn: Counter[int] = Counter()
    replies = typing = 0

    async def sender(session: aiohttp.ClientSession, op: Operator,
                     plan: list[Question]) -> None:
        nonlocal replies, typing
        for question in plan:
            body = activity(op, question, connector_url, not delivery, today)
            pending = connector.expect(body["id"], body["conversation"]["id"])
            started = time.perf_counter()
            problem = None
            try:
                async with session.post(f"{target.base}/api/messages", json=body) as response:
                    payload = await response.read()
                    status = response.status
                answered = time.perf_counter()
                if not delivery:
                    if status != 200 or b'"activities"' not in payload \
                            or b'"message"' not in payload:
                        problem = f"HTTP {status} {payload[:120]!r}"
                    ended = answered
                elif status not in (200, 201, 202):
                    problem = f"HTTP {status} {payload[:120]!r}"
                    ended = answered
                else:
                    if not pending.messages:
                        await asyncio.wait_for(pending.first.wait(), REPLY_TIMEOUT_S)
                    # all the replies in by the HTTP answer (a bot that answers after its
                    # turn), else the first one (a bot that acknowledges first)
                    ended = max(answered, pending.messages[-1]) if answered >= \
                        pending.messages[0] else pending.messages[0]
            except TimeoutError:
                problem, ended = f"no reply at the connector in {REPLY_TIMEOUT_S:.0f}s", \
                    time.perf_counter()
            except aiohttp.ClientError as exc:
                problem, ended = f"{exc.__class__.__name__}: {exc}", time.perf_counter()
            finally:
                connector.done(body["id"])
            if problem is not None:
                errors.append(f"{question.kind} {question.text!r}: {problem}")
                continue
            latencies[question.kind].append(ended - started)
            if delivery:
                per_turn[len(pending.messages)] += 1
                replies += len(pending.messages)
                typing += pending.typing

    connector_pool = aiohttp.TCPConnector(limit=len(ops) + 4)
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(connector=connector_pool, timeout=timeout) as session:
        name = "partnerbot_answer_cache_lookups_total"
        before = await _metric(session, target.base, name) if metrics else {}
        cpu0, own0, all0 = cpu_s(target.pid), own_cpu_s(), machine_busy_s()
        started = time.perf_counter()
        await asyncio.gather(*(sender(session, op, plan)
                               for op, plan in zip(ops, plans, strict=True)))
        wall = time.perf_counter() - started
        cpu1, own1, all1 = cpu_s(target.pid), own_cpu_s(), machine_busy_s()
        hit_rate = None
        if metrics:
            after = await _metric(session, target.base, name)
            delta = {k: after.get(k, 0) - before.get(k, 0) for k in after}
            hits = sum(v for k, v in delta.items() if '"hit"' in k)
            looked = sum(delta.values())
            hit_rate = hits / looked if looked else 0.0
    turns = sum(len(plan) for plan in plans)
    return Run(target.name, turns, wall, dict(latencies), len(errors), errors[:5],
               cpu1 - cpu0, own1 - own0,
               max(0.0, (all1 - all0) - (cpu1 - cpu0) - (own1 - own0)), hit_rate, replies,
               typing, per_turn)


# --------------------------------------------------------------------------- the database


@asynccontextmanager
async def database(args: argparse.Namespace) -> AsyncIterator[str]:
    """A fresh, empty database for this run (removed after)."""
    if args.db == "postgresql":
        base = args.url or os.environ.get("TEST_DATABASE_URL") or PG_DEFAULT
        async with pg_database(base, "bench_turns") as url:
            yield url
        return
    path = WORK / f"turns-{args.customers}-{uuid.uuid4().hex[:8]}.db"
    try:
        yield f"sqlite+aiosqlite:///{path}"
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)  # noqa: ASYNC240


async def cli(url: str, *argv: str) -> tuple[int, str, float]:
    """`partnerbot ARGV` on URL: exit code, output, wall seconds."""
    env = project_env(DATABASE_URL=url, LOG_LEVEL="WARNING")
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", *argv, env=env, cwd=WORK,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await process.communicate()
    return process.returncode or 0, out.decode("utf-8", "replace"), \
        time.perf_counter() - started


async def analyze(url: str) -> None:
    from sqlalchemy import text

    from services.db.engine import Database

    db = Database(url)
    try:
        async with db.engine.begin() as conn:
            await conn.execute(text("ANALYZE"))
    finally:
        await db.dispose()


# --------------------------------------------------------------------------- report


def progress(text: str) -> None:
    """Where the run is, on stderr (the report itself is printed at the end)."""
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)  # noqa: T201


def ms(values: list[float], p: float) -> str:
    return f"{percentile(values, p) * 1000:.1f}" if values else "-"


def kind_table(load: str, bot: Run, echoes: list[Run], agents: Run | None) -> list[str]:
    lines = [f"  {'kind':18s} {'n':>5s} {'p50':>8s} {'p95':>8s} {'p99':>8s}  (ms, {load})"]
    for kind in (*KINDS, *sorted(set(bot.latencies) - set(KINDS))):
        values = bot.latencies.get(kind, [])
        if values:
            lines.append(f"  {kind:18s} {len(values):5d} {ms(values, 50):>8s} "
                         f"{ms(values, 95):>8s} {ms(values, 99):>8s}")
    rows = [("bot, all", bot.all)]
    rows.append(("botbuilder echo", [v for e in echoes for v in e.all]))
    if agents is not None:
        rows.append(("Agents SDK echo", agents.all))
    for label, values in rows:
        lines.append(f"  {label:18s} {len(values):5d} {ms(values, 50):>8s} "
                     f"{ms(values, 95):>8s} {ms(values, 99):>8s}")
    return lines


def run_line(run: Run) -> str:
    text = (f"    {run.target:16s} {run.rate:7.1f} turns/s  wall {run.wall:6.1f}s  "
            f"server CPU {run.server_cpu / run.turns * 1000:6.1f} ms/turn "
            f"({run.server_cpu / run.wall * 100:3.0f}% of a core)  load generator "
            f"{run.client_cpu / run.wall * 100:3.0f}%  other processes "
            f"{run.other_cpu / run.wall * 100:3.0f}%  errors {run.errors}")
    if run.hit_rate is not None:
        text += f"  cache hits {run.hit_rate:.2f}"
    if run.replies or run.per_turn_replies:
        shape = ", ".join(f"{n} reply x{c}" if n == 1 else f"{n} replies x{c}"
                          for n, c in sorted(run.per_turn_replies.items()))
        text += f"  connector: {run.replies} replies ({shape}), {run.typing} typing"
    return text


@dataclass
class LoadResult:
    bot: Run
    echoes: list[Run]  # botbuilder echo before, after
    agents: Run | None

    @property
    def echo_rate(self) -> float:
        return statistics.mean(e.rate for e in self.echoes)

    @property
    def ratio(self) -> float:
        return self.bot.rate / self.echo_rate

    @property
    def agents_ratio(self) -> float | None:
        return self.bot.rate / self.agents.rate if self.agents else None


def log_summary(path: Path) -> list[str]:
    """The bot's WARNING/ERROR/CRITICAL log lines and tracebacks, counted by message
    (the time and correlation id left out)."""
    if not path.exists():
        return []
    counts: Counter[str] = Counter()
    level = re.compile(r"\s(WARNING|ERROR|CRITICAL)\s|^Traceback")
    noise = re.compile(r"^\d{4}-\d\d-\d\d [\d:,.]+ |\[cid=[^\]]*\] ?")
    for line in path.read_text("utf-8", "replace").splitlines():
        if level.search(line):
            counts[noise.sub("", line)[:160].strip()] += 1
    return [f"{n:6d}x {text}" for text, n in counts.most_common(8)]


# --------------------------------------------------------------------------- main


async def main(args: argparse.Namespace) -> int:
    WORK.mkdir(exist_ok=True)
    loads = [name.strip() for name in args.loads.split(",") if name.strip()]
    unknown = set(loads) - set(LOADS)
    if unknown:
        raise SystemExit(f"unknown load(s): {', '.join(sorted(unknown))}")
    doc = network(args.customers, args.seed, WORK)
    net_file = WORK / f"network-{args.customers}-{args.seed}.json"
    net = Network(doc)
    today = net.today
    ops = net.operators(args.concurrency, args.seed)
    per_sender = -(-args.turns // len(ops))
    warm_sender = -(-args.warmup // len(ops))
    seen: set[str] = set()
    plans = {load: distinct_plans(net, ops, per_sender, args.seed + i, seen)
             for i, load in enumerate(("distinct", "delivery"))}
    warm = {load: distinct_plans(net, ops, warm_sender, args.seed + 10 + i, seen)
            for i, load in enumerate(("distinct", "delivery"))}
    plans["repeated"] = repeated_plans(ops, per_sender)
    warm["repeated"] = repeated_plans(ops, max(warm_sender, 8))

    stock = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.stock", cwd=ROOT, stdout=asyncio.subprocess.PIPE)
    stock_out, _ = await stock.communicate()
    stock_info = json.loads(stock_out or b"{}")
    agents_python: Path | None = None
    agents_note = "skipped (--skip-agents)"
    if not args.skip_agents:
        try:
            agents_python = await asyncio.to_thread(agents_venv.python)
            agents_note = await asyncio.to_thread(agents_venv.versions, agents_python)
        except (RuntimeError, OSError, ValueError) as exc:
            agents_note = f"unavailable: {exc}"

    log = WORK / f"turns-serve-{os.getpid()}.log"
    log.unlink(missing_ok=True)
    results: dict[str, LoadResult] = {}
    connector = Connector()
    runner, connector_url = await start(connector)
    try:
        async with database(args) as url:
            code, out, upgrade_s = await cli(url, "db", "upgrade")
            if code != 0:
                raise SystemExit(f"partnerbot db upgrade failed:\n{out}")
            code, out, import_s = await cli(url, "import", str(net_file))
            if code != 0:
                raise SystemExit(f"partnerbot import failed:\n{out}")
            progress(f"imported {args.customers} customers in {import_s:.1f}s")
            analyzed = args.analyze if args.analyze is not None else args.db == "postgresql"
            if analyzed:
                await analyze(url)
            check = await parse_check(url, WORK, ops,
                                      [a + b for a, b in zip(plans["distinct"],
                                                             plans["delivery"], strict=True)],
                                      args.parse_sample, today, args.seed)
            progress(f"parse check: {check.as_meant}/{check.asked} as meant")
            async with serving(url, WORK, log=log, QUESTION_RATE="0",
                               SEARCH_RATE="0", WORKERS=str(args.workers)) as server:
                bot = Target("bot", server.base, server.process.pid)
                # the measures start once the bot is idle (it warms up after /readyz)
                idle = await idle_at(bot.pid, time.perf_counter() - server.startup_s)
                rss_start = rss_mb(bot.pid)
                for load in loads:
                    delivery = load == "delivery"

                    async def measure(target: Target, load: str = load,
                                      delivery: bool = delivery) -> Run:
                        warmed = await drive(target, ops, warm[load], connector,
                                             connector_url, delivery, today)
                        plan = plans[load]
                        if target.name != "bot":  # an echo: long enough to be measured
                            reps = math.ceil(args.echo_seconds * warmed.rate
                                             / max(1, sum(len(p) for p in plan)))
                            plan = [p * min(20, max(1, reps)) for p in plan]
                        run = await drive(target, ops, plan, connector, connector_url,
                                          delivery, today,
                                          # one worker answers /metrics: not the whole
                                          metrics=target.name == "bot"
                                          and args.workers == 1)
                        progress(f"{load}: {target.name} {run.rate:.1f} turns/s, p95 "
                                 f"{ms(run.all, 95)} ms, {run.errors} errors")
                        return run

                    async def echo(maker: Callable[[], Any], measure: Any = measure) -> Run:
                        async with maker() as target:
                            return await measure(target)

                    before = await echo(botbuilder_echo)
                    bot_run = await measure(bot)
                    after = await echo(botbuilder_echo)
                    agents_run = None
                    if agents_python is not None:
                        python = agents_python
                        agents_run = await echo(lambda python=python: agents_echo(python))
                    results[load] = LoadResult(bot_run, [before, after], agents_run)
                rss = rss_mb(bot.pid)
                startup = server.startup_s
    finally:
        await runner.cleanup()

    # ------------------------------------------------------------------ print
    out_lines: list[str] = []
    say = out_lines.append
    say(f"machine: {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.platform(terse=True)}; "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    say(f"network: {args.customers} customers (seed {args.seed}), db={args.db}"
        f"{' (ANALYZE after import)' if analyzed else ''}; `partnerbot import` "
        f"{import_s:.1f}s into a fresh database (after `db upgrade` {upgrade_s:.1f}s)")
    dist = [o for o in ops if o.label.startswith("distributor")]
    say(f"senders: {len(ops)} at once, each an operator in its own personal chat: "
        f"{len(dist)} of the largest distributor {dist[0].organization if dist else '-'} "
        f"({', '.join(o.label.split()[1] for o in dist)}; "
        f"{len(net.scope(dist[0].organization).customers) if dist else 0} customers), "
        f"{len(ops) - len(dist)} partners' operators "
        f"({', '.join(str(len(net.scope(o.organization).customers)) for o in ops if o not in dist)}"
        f" customers); {per_sender * len(ops)} turns per load after "
        f"{warm_sender * len(ops)} warm-up turns")
    say(f"questions: {len(seen)} distinct made; parse check ({check.asked} asked with "
        f"`partnerbot ask --batch`, {check.elapsed_s:.0f}s): {check.understood} understood "
        f"({check.understood / max(1, check.asked):.1%}), {check.as_meant} as meant "
        f"({check.as_meant / max(1, check.asked):.1%})")
    for kind, (asked, understood, meant) in check.by_kind.items():
        if meant < asked:
            say(f"  {kind}: {meant}/{asked} as meant, {understood}/{asked} understood")
    for kind, text, intent in check.failures[:12]:
        say(f"  not as meant: [{kind}] {text!r} -> {intent}")
    say(f"stock botbuilder echo: {'yes' if stock_info.get('stock') else 'NO'} ("
        + ", ".join(f"{k} {v}" for k, v in stock_info.get("versions", {}).items())
        + f"; {stock_info.get('files_checked', 0)} files match their RECORD hashes"
        + (f", changed: {stock_info.get('files_changed')}" if stock_info.get("files_changed")
           else "")
        + (f"; project modules imported: {stock_info.get('project_modules')}"
           if stock_info.get("project_modules") else "; no project module imported") + ")")
    say(f"Agents SDK echo: {agents_note}")
    for load, result in results.items():
        say("")
        say(f"load {load}: {LOADS[load]}")
        for line in kind_table(load, result.bot, result.echoes, result.agents):
            say(line)
        say("  throughput (turns/s; CPU per turn of the server process):")
        for run in (result.echoes[0], result.bot, result.echoes[1],
                    *([result.agents] if result.agents else [])):
            say(run_line(run))
        for run in (result.bot, *result.echoes, *([result.agents] if result.agents else [])):
            for sample in run.error_samples:
                say(f"    error ({run.target}): {sample[:200]}")
        ratio = f"  ratio bot/botbuilder echo {result.ratio:.2f} (echo {result.echo_rate:.1f}/s " \
                f"= mean of {result.echoes[0].rate:.1f} before and {result.echoes[1].rate:.1f} " \
                "after)"
        if result.agents_ratio is not None:
            ratio += f"; bot/Agents SDK echo {result.agents_ratio:.2f}"
        say(ratio)
    say("")
    agents_head = " | Agents SDK echo | ratio" if agents_python else ""
    say(f"| load | bot | stock echo bot | ratio{agents_head} |")
    say("|---|---|---|---" + ("|---|---" if agents_python else "") + "|")
    for load, r in results.items():
        row = (f"| {LOADS[load]} | {r.bot.rate:.1f} turns/s, p95 {ms(r.bot.all, 95)} ms | "
               f"{r.echo_rate:.1f}/s | {r.ratio:.2f}")
        if agents_python:
            row += (f" | {r.agents.rate:.1f}/s | {r.agents_ratio:.3f}" if r.agents
                    and r.agents_ratio is not None else " | - | -")
        say(row + " |")
    say("")
    processes = "" if args.workers == 1 else f" ({args.workers} workers and their parent)"
    say(f"serve process: start-up {startup:.2f}s (process start to /readyz 200), idle "
        f"{idle:.1f}s after its start (warm-up done); resident memory {rss_start:.0f} MB "
        f"then, {rss:.0f} MB after the loads{processes}")
    say(f"fake connector: {connector.messages} replies, {connector.typing} typing, "
        f"{connector.unmatched} unmatched posts, {connector.updates} updates, "
        f"{connector.member_lookups} roster lookups")
    problems = log_summary(log)
    say(f"bot log ({log.relative_to(ROOT)}): "
        + (f"{len(problems)} kinds of warning/error line" if problems else "no warning or error"))
    for line in problems:
        say(f"  {line}")
    errors = sum(r.bot.errors + sum(e.errors for e in r.echoes)
                 + (r.agents.errors if r.agents else 0) for r in results.values())
    summary = [f"SUMMARY turns db={args.db} customers={args.customers} "
               f"concurrency={len(ops)} workers={args.workers} "
               f"turns={per_sender * len(ops)}"]
    for load, r in results.items():
        summary.append(f"{load}={r.bot.rate:.1f}/s {load}_p95={ms(r.bot.all, 95)}ms "
                       f"{load}_ratio={r.ratio:.2f}")
        if r.agents_ratio is not None:
            summary.append(f"{load}_agents_ratio={r.agents_ratio:.3f}")
    summary.append(f"import={import_s:.1f}s rss={rss:.0f}MB startup={startup:.2f}s "
                   f"warm={idle:.1f}s parsed={check.as_meant / max(1, check.asked):.3f} "
                   f"errors={errors}")
    say(" ".join(summary))
    print("\n".join(out_lines))  # noqa: T201
    return 0 if errors == 0 and stock_info.get("stock") else 1


def parse(argv: list[str]) -> Any:
    parser = argparse.ArgumentParser(prog="python -m bench.turns", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--url", help="PostgreSQL: the server to make the run's database on "
                        f"(default: $TEST_DATABASE_URL, else {PG_DEFAULT})")
    parser.add_argument("--concurrency", type=int, default=8,
                        help="operators sending at once (default 8)")
    parser.add_argument("--workers", type=int, default=1,
                        help="`partnerbot serve --workers` (default 1)")
    parser.add_argument("--turns", type=int, default=1000, help="measured turns per load "
                        "and server (default 1000)")
    parser.add_argument("--warmup", type=int, default=60, help="warm-up turns before each "
                        "measure (default 60)")
    parser.add_argument("--loads", default=",".join(LOADS),
                        help=f"comma-separated, of {', '.join(LOADS)} (default: all)")
    parser.add_argument("--parse-sample", type=int, default=240,
                        help="questions asked with `partnerbot ask --batch` (default 240)")
    parser.add_argument("--analyze", action=argparse.BooleanOptionalAction, default=None,
                        help="ANALYZE after the import (default: on PostgreSQL only, "
                        "as autovacuum would; SQLite is left as `partnerbot import` "
                        "leaves it)")
    parser.add_argument("--echo-seconds", type=float, default=10,
                        help="an echo bot's measure repeats the load's questions until it "
                        "lasts about this long (default 10 s; at most 20 times)")
    parser.add_argument("--skip-agents", action="store_true",
                        help="no Microsoft 365 Agents SDK echo bot")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args(argv)


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main(parse(sys.argv[1:]))))
