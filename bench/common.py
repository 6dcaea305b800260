"""Shared by the benchmarks: a generated network imported into a database, timing stats."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from services.db.engine import Database
from services.db.migrate import upgrade
from services.network.generate import generate_network
from services.network.importer import NetworkImporter

ROOT = Path(__file__).resolve().parent.parent  # the tree whose code is measured


def project_env(**settings: str) -> dict[str, str]:
    """The environment of a `partnerbot` process: local mode (no BOT_ID), this tree's
    code first on the path (a worktree's, not the one its venv was installed from), and
    SETTINGS."""
    env = {k: v for k, v in os.environ.items() if k not in {"BOT_ID", "BOT_PASSWORD"}}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env.update(settings)
    return env


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_ready(url: str, process: asyncio.subprocess.Process,
                     limit_s: float = 120) -> float:
    """Seconds until URL answers 200 (the process must stay up meanwhile)."""
    import aiohttp

    started = time.perf_counter()
    async with aiohttp.ClientSession() as session:
        while time.perf_counter() - started < limit_s:
            if process.returncode is not None:
                raise RuntimeError(f"{url} exited")
            try:
                async with session.get(url) as response:
                    if response.status == 200:
                        return time.perf_counter() - started
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.02)
    raise RuntimeError(f"{url} not ready")


@dataclass
class Server:
    base: str  # http://127.0.0.1:PORT
    process: asyncio.subprocess.Process
    startup_s: float  # process start to /readyz answering 200


@asynccontextmanager
async def serving(database_url: str, workdir: Path, log: Path | None = None,
                  **settings: str) -> AsyncIterator[Server]:
    """`partnerbot serve` in local mode on DATABASE_URL (scheduler off, quiet), stopped
    on exit; SETTINGS are more environment variables. LOG: a file that gets the
    process's output (default: none is kept)."""
    port = free_port()
    env = project_env(**{"DATABASE_URL": database_url, "PORT": str(port),
                         "NOTIFY_SCHEDULER": "off", "LOG_LEVEL": "WARNING", **settings})
    output: Any = log.open("ab") if log is not None else asyncio.subprocess.DEVNULL
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "serve", env=env, cwd=workdir, stdout=output,
            stderr=asyncio.subprocess.STDOUT if log is not None else output)
        base = f"http://127.0.0.1:{port}"
        try:
            yield Server(base, process, await wait_ready(f"{base}/readyz", process))
        finally:
            process.terminate()
            await process.wait()
    finally:
        if log is not None:
            output.close()
