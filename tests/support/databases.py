"""Test databases: a fresh, migrated SQLite file or PostgreSQL schema per test.

PostgreSQL comes from TEST_DATABASE_URL (CI sets it to the machine's local server);
each test gets its own schema in it, dropped afterwards, so runs never collide."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from services.db.engine import Database
from services.db.migrate import upgrade

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
PG_SKIP_REASON = "TEST_DATABASE_URL is not set: PostgreSQL tests skipped (CI sets it)"
BACKENDS = ("sqlite", "postgresql")


def _asyncpg_dsn(url: str) -> str:
    u = make_url(url).set(drivername="postgresql")
    return u.render_as_string(hide_password=False)


@asynccontextmanager
async def fresh_database(backend: str, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated, empty database of BACKEND, dropped on exit."""
    if backend == "sqlite":
        db = Database(f"sqlite+aiosqlite:///{tmp_path / f'test-{uuid.uuid4().hex[:8]}.db'}")
        try:
            await upgrade(db.engine)
            yield db
        finally:
            await db.dispose()
        return
    schema = f"t_{uuid.uuid4().hex[:16]}"
    conn = await asyncpg.connect(_asyncpg_dsn(PG_URL))
    try:
        await conn.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await conn.close()
    db = Database(PG_URL, connect_args={"server_settings": {"search_path": schema}},
                  pool_size=5, max_overflow=5)
    try:
        await upgrade(db.engine)
        yield db
    finally:
        await db.dispose()
        conn = await asyncpg.connect(_asyncpg_dsn(PG_URL))
        try:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await conn.close()


@asynccontextmanager
async def separate_pg_database() -> AsyncIterator[str]:
    """A PostgreSQL database of its own (URL), for tests whose separate processes cannot
    share a test schema; dropped on exit."""
    name = f"t_proc_{uuid.uuid4().hex[:12]}"
    admin_dsn = _asyncpg_dsn(PG_URL)
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    try:
        yield PG_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        conn = await asyncpg.connect(admin_dsn)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
