"""The `partnerbot` command line."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from bot.activation_cli import add_parser as add_activation_parser
from bot.ask_cli import add_parser as add_ask_parser
from bot.chat_cli import add_parser as add_chat_parser
from bot.manifest_cli import add_parser as add_manifest_parser
from bot.notify_cli import add_parser as add_notify_parser
from bot.settings import Settings, SettingsError, load_settings
from cards.notifications import reowned_activity
from services.db.engine import Database, is_sqlite
from services.db.migrate import current_revision, head_revision, upgrade
from services.network.importer import NetworkExporter, NetworkImporter
from services.network.validate import NetworkValidationError
from services.notifications.owners import SubscriptionOwners

EXIT_USAGE = 2


def demo_network() -> dict[str, Any]:
    """The demo partner network shipped with the project."""
    text = resources.files("bot").joinpath("demo/partner-demo.json").read_text("utf-8")
    return json.loads(text)


def _out(text: str) -> None:
    print(text)  # noqa: T201 - the CLI's output


def _err(text: str) -> None:
    print(text, file=sys.stderr)  # noqa: T201


async def _with_db(settings: Settings, work: Any) -> Any:
    db = Database(settings.database_url, **settings.engine_options())
    try:
        return await work(db)
    finally:
        await db.dispose()


async def _upgrade(db: Database) -> str | None:
    await upgrade(db.engine)
    return await current_revision(db.engine)


def cmd_db_upgrade(settings: Settings, _args: argparse.Namespace) -> int:
    revision = asyncio.run(_with_db(settings, _upgrade))
    _out(f"database is at revision {revision}")
    return 0


def _load_json(path: str) -> Any:
    try:
        return json.loads(Path(path).read_text("utf-8"))
    except OSError as exc:
        raise SystemExit(f"cannot read {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise SystemExit(f"{path} is not valid JSON: {exc}") from None


def cmd_import(settings: Settings, args: argparse.Namespace) -> int:
    doc = _load_json(args.file)

    async def work(db: Database) -> Any:
        await ensure_schema(db, settings)
        owners = SubscriptionOwners(render=reowned_activity)
        return await NetworkImporter(db.sessions, owners).import_document(doc)

    try:
        result = asyncio.run(_with_db(settings, work))
    except NetworkValidationError as exc:
        _err(f"{args.file} refused, nothing was written.\n{exc}")
        return 1
    _out(f"imported {args.file}: {result.summary()}")
    return 0


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    async def work(db: Database) -> Any:
        return await NetworkExporter(db.sessions).export_document()

    doc = asyncio.run(_with_db(settings, work))
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if args.file == "-":
        sys.stdout.write(text)
    else:
        Path(args.file).write_text(text, "utf-8")
        _out(f"exported {len(doc['organizations'])} organizations to {args.file}")
    return 0


def cmd_audit(settings: Settings, args: argparse.Namespace) -> int:
    from services.audit import AuditLog

    since = dt.datetime.combine(args.since, dt.time(), tzinfo=dt.UTC) if args.since else None

    async def work(db: Database) -> Any:
        await ensure_schema(db, settings)
        return await AuditLog(db.sessions).entries(organization_id=args.org, since=since,
                                                   limit=args.limit)

    for e in asyncio.run(_with_db(settings, work)):
        changes = json.dumps({"before": e.before, "after": e.after}, ensure_ascii=False)
        _out(f"{e.at.isoformat(timespec='seconds')} org={e.organization_id or '-'} "
             f"actor={e.actor} action={e.action} target={e.target or '-'} "
             f"cid={e.correlation_id or '-'} {changes}")
    return 0


def cmd_migrate_legacy(settings: Settings, args: argparse.Namespace) -> int:
    from services.legacy import LegacyFileError, LegacyMigration

    try:
        text = Path(args.file).read_text("utf-8")
    except OSError as exc:
        raise SystemExit(f"cannot read {args.file}: {exc.strerror}") from None

    async def work(db: Database) -> Any:
        await ensure_schema(db, settings)
        return await LegacyMigration(db.sessions).run(
            text, dry_run=args.dry_run, skip_invalid=args.skip_invalid)

    try:
        report = asyncio.run(_with_db(settings, work))
    except LegacyFileError as exc:
        _err(f"{args.file} refused: {exc}")
        return 1
    for label, emails in (("admin", report.as_admin), ("reader", report.as_reader),
                          ("skipped (no Invoice module)", report.skipped),
                          ("already present", report.already_present)):
        for email in emails:
            _out(f"  {label}: {email}")
    for problem in report.invalid:
        _err(f"  invalid: {problem}")
    if report.invalid and not args.skip_invalid:
        _err(f"{args.file} refused, nothing was written ({len(report.invalid)} invalid "
             "row(s); --skip-invalid migrates the others)")
        return 1
    prefix = "dry run, nothing written: " if args.dry_run else ""
    _out(prefix + report.summary())
    return 0


def cmd_demo_data(_settings: Settings, args: argparse.Namespace) -> int:
    from services.network.generate import generate_network, largest_distributor

    if args.customers < 0:
        _err("--customers must be 0 or more")
        return EXIT_USAGE
    doc = generate_network(args.customers, seed=args.seed)
    Path(args.out).write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    _out(f"wrote {args.out}: {len(doc['organizations'])} organizations, "
         f"{len(doc['subscriptions'])} subscriptions, {len(doc['operators'])} operators; "
         f"largest distributor: {largest_distributor(doc)}")
    return 0


async def ensure_schema(db: Database, settings: Settings) -> None:
    """The embedded SQLite database is migrated automatically; a shared PostgreSQL is
    migrated by `partnerbot db upgrade` only (one deliberate step for all instances)."""
    if is_sqlite(settings.database_url):
        await upgrade(db.engine)
        return
    current, head = await current_revision(db.engine), head_revision()
    if current != head:
        raise SystemExit(f"the database is at revision {current}, the code needs {head}: "
                         "run `partnerbot db upgrade` first")


async def _prepare_serve(settings: Settings, demo: bool) -> str:
    async def work(db: Database) -> str:
        await ensure_schema(db, settings)
        if not demo:
            return ""
        from sqlalchemy import func, select

        from services.db.models import Organization

        async with db.sessions() as session:
            count = (await session.execute(select(func.count()).select_from(Organization))
                     ).scalar_one()
        if count:
            return f"demo: the database already holds {count} organizations; not loading"
        result = await NetworkImporter(db.sessions).import_document(demo_network())
        return f"demo network loaded: {result.summary()}"

    return await _with_db(settings, work)


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
        _err(f"Invalid setting {problem}")
        return EXIT_USAGE
    configure_logging(settings.log_level)
    note = asyncio.run(_prepare_serve(settings, args.demo))
    if note:
        _out(note)
    web.run_app(create_app(settings), host=settings.bind_host, port=settings.port,
                access_log=None, print=_out)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="partnerbot", description="Partner App bot for Microsoft Teams.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the bot's web server (POST /api/messages)",
                           description="Run the bot's web server.")
    serve.add_argument("--host", help="address to bind (default: HOST, or 127.0.0.1 in "
                       "local mode)")
    serve.add_argument("--port", type=int, help="port (default: PORT, 3978)")
    serve.add_argument("--demo", action="store_true",
                       help="load the demo partner network when the database is empty")
    serve.set_defaults(func=cmd_serve)

    db = sub.add_parser("db", help="database maintenance", description="Database maintenance.")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    up = db_sub.add_parser("upgrade", help="apply the database migrations",
                           description="Apply the Alembic migrations to DATABASE_URL.")
    up.set_defaults(func=cmd_db_upgrade)

    imp = sub.add_parser("import", help="import a partner-network/1 file (idempotent)",
                         description="Validate the whole file, then upsert it; a bad file "
                         "changes nothing and the error names the record and field.")
    imp.add_argument("file", metavar="FILE")
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser("export", help="export the network as partner-network/1",
                         description="Write the database as a partner-network/1 document "
                         "(FILE or - for stdout).")
    exp.add_argument("file", metavar="FILE")
    exp.set_defaults(func=cmd_export)

    demo = sub.add_parser("demo-data", help="generate a large, realistic demo network",
                          description="Write a deterministic partner-network/1 document with "
                          "N customers (distributors, partners, subscriptions, operators).")
    demo.add_argument("--customers", type=int, required=True, metavar="N")
    demo.add_argument("--seed", type=int, default=1, metavar="S")
    demo.add_argument("out", metavar="OUT.json")
    demo.set_defaults(func=cmd_demo_data)

    aud = sub.add_parser("audit", help="print the audit log (newest first)",
                         description="Every change: time, organization, actor, action, target, "
                         "before/after and correlation id.")
    aud.add_argument("--org", metavar="ID", help="one organization only")
    aud.add_argument("--since", type=dt.date.fromisoformat, metavar="YYYY-MM-DD")
    aud.add_argument("--limit", type=int, default=200)
    aud.set_defaults(func=cmd_audit)

    legacy = sub.add_parser("migrate-legacy", help="migrate the legacy portal's users",
                            description="Tenant admins become Admin, users with the Invoice "
                            "module become Reader, others are reported; existing operators "
                            "are left as they are. An invalid row refuses the file unless "
                            "--skip-invalid.")
    legacy.add_argument("file", metavar="FILE.csv")
    legacy.add_argument("--dry-run", action="store_true", help="report only, write nothing")
    legacy.add_argument("--skip-invalid", action="store_true",
                        help="migrate the valid rows even if some are invalid")
    legacy.set_defaults(func=cmd_migrate_legacy)

    add_ask_parser(sub)
    add_activation_parser(sub)
    add_notify_parser(sub)
    add_manifest_parser(sub)
    add_chat_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        _err(str(exc))
        return EXIT_USAGE
    return int(args.func(settings, args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
