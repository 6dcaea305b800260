"""Database engine and session factory (SQLite embedded default, PostgreSQL scale-out)."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from services.db.collation import register_sqlite
from services.db.models import Base

CONNECT_TIMEOUT_S = 5
PING_TIMEOUT_S = 3


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
    register_sqlite(dbapi_connection)  # name_key(): the order of names in rankings


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine for URL with the pragmas and pool settings each backend needs."""
    if is_sqlite(url):
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # Directory queries are prepared statements whose best plan depends on the values
    # (an operator with 40 customers or 40,000): PostgreSQL's generic plan, chosen after
    # five executions, was 3x slower at 100k customers. Plan each execution.
    connect_args = dict(kwargs.pop("connect_args", {}))
    server_settings = dict(connect_args.get("server_settings", {}))
    server_settings.setdefault("plan_cache_mode", "force_custom_plan")
    connect_args["server_settings"] = server_settings
    # A database that does not answer fails the turn in seconds (the user is told to
    # retry), not after asyncpg's default minute.
    connect_args.setdefault("timeout", CONNECT_TIMEOUT_S)
    kwargs["connect_args"] = connect_args
    kwargs.setdefault("pool_timeout", CONNECT_TIMEOUT_S)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def engine_of(sessions: async_sessionmaker[AsyncSession]) -> AsyncEngine:
    """The engine a session factory is bound to, for Core statements on the hot path
    (no ORM session around a single statement)."""
    bind = sessions.kw.get("bind")
    if not isinstance(bind, AsyncEngine):
        raise TypeError("the session factory is not bound to an async engine")
    return bind


class Database:
    """An engine and its session factory; opened once per process, closed at shutdown."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = create_engine(url, **engine_kwargs)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def ping(self) -> bool:
        from sqlalchemy import text

        async def select_one() -> None:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))

        try:
            await asyncio.wait_for(select_one(), PING_TIMEOUT_S)
        except Exception:  # noqa: BLE001 - readiness reports any failure as not ready
            return False
        return True

    async def dispose(self) -> None:
        await self.engine.dispose()


metadata = Base.metadata
