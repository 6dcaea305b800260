"""`partnerbot serve`: the bot's web server (and the demo network with --demo)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import socket
from typing import Any

from bot.cli.common import EXIT_USAGE, demo_network, ensure_schema, err, out, with_db
from bot.settings import Settings
from services.db.engine import Database
from services.network.demo import load_demo


async def _prepare_serve(settings: Settings, demo: bool,
                         demo_date: dt.date | None = None) -> str:
    """The schema, and with DEMO the demo network, its dates as of DEMO_DATE (today)."""

    async def work(db: Database) -> str:
        await ensure_schema(db, settings)
        if not demo:
            return ""
        loaded = await load_demo(db.sessions, demo_network(), demo_date or dt.date.today())
        return loaded.note

    return await with_db(settings, work)


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from aiohttp import web

    from bot.app import create_app
    from bot.logs import configure_logging

    if args.host:
        settings = settings.model_copy(update={"host": args.host})
    if args.port:
        settings = settings.model_copy(update={"port": args.port})
    problem = settings.bind_problem()
    if problem:
        err(f"Invalid setting {problem}")
        return EXIT_USAGE
    if args.workers:
        settings = settings.model_copy(update={"workers": args.workers})
    configure_logging(settings.log_level)
    note = asyncio.run(_prepare_serve(settings, args.demo, args.demo_date))
    if note:
        out(note)
    if settings.workers == 1:
        web.run_app(create_app(settings), host=settings.bind_host, port=settings.port,
                    access_log=None, print=out)
        return 0
    return _serve_workers(settings)


def _serve_workers(settings: Settings) -> int:
    """SETTINGS.workers processes on one port; the port is held (bound, not listening)
    by this process from before the first worker starts, so that a port already taken
    is refused here, once, rather than by every worker."""
    from aiohttp import web

    from bot.app import create_app
    from bot.cli.workers import run_workers

    holder = socket.socket(socket.AF_INET6 if ":" in settings.bind_host else socket.AF_INET)
    try:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        holder.bind((settings.bind_host, settings.port))
    except OSError as exc:
        holder.close()
        err(f"Cannot listen on {settings.bind_host}:{settings.port}: {exc.strerror or exc}")
        return 1

    def serve(number: int) -> int:
        holder.close()
        web.run_app(create_app(settings), host=settings.bind_host, port=settings.port,
                    reuse_port=True, access_log=None,
                    print=out if number == 0 else None)
        return 0

    try:
        out(f"{settings.workers} workers on {settings.bind_host}:{settings.port}")
        return run_workers(settings.workers, serve)
    finally:
        holder.close()


def register(sub: Any) -> None:
    serve = sub.add_parser("serve", help="run the bot's web server (POST /api/messages)",
                           description="Run the bot's web server.")
    serve.add_argument("--host", help="address to bind (default: HOST, or 127.0.0.1 in "
                       "local mode)")
    serve.add_argument("--port", type=int, help="port (default: PORT, 3978)")
    serve.add_argument("--workers", type=int, choices=range(1, 65), metavar="N",
                       help="serving processes on the port (default: WORKERS, 1); each has "
                       "its own database pool and caches")
    serve.add_argument("--demo", action="store_true",
                       help="load the demo partner network when the database is empty, its "
                       "dates moved to follow today's (a database holding the demo is moved "
                       "again)")
    serve.add_argument("--demo-date", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                       help="with --demo: the day the demo's dates are moved to (default: "
                       "today; its as_of, 2026-11-23, keeps them as shipped)")
    serve.set_defaults(func=cmd_serve)
