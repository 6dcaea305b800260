"""`partnerbot serve`: the bot's web server (and the demo network with --demo)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
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
    configure_logging(settings.log_level)
    note = asyncio.run(_prepare_serve(settings, args.demo, args.demo_date))
    if note:
        out(note)
    web.run_app(create_app(settings), host=settings.bind_host, port=settings.port,
                access_log=None, print=out)
    return 0


def register(sub: Any) -> None:
    serve = sub.add_parser("serve", help="run the bot's web server (POST /api/messages)",
                           description="Run the bot's web server.")
    serve.add_argument("--host", help="address to bind (default: HOST, or 127.0.0.1 in "
                       "local mode)")
    serve.add_argument("--port", type=int, help="port (default: PORT, 3978)")
    serve.add_argument("--demo", action="store_true",
                       help="load the demo partner network when the database is empty, its "
                       "dates moved to follow today's (a database holding the demo is moved "
                       "again)")
    serve.add_argument("--demo-date", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                       help="with --demo: the day the demo's dates are moved to (default: "
                       "today; its as_of, 2026-11-23, keeps them as shipped)")
    serve.set_defaults(func=cmd_serve)
