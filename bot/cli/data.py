"""The partner network's data: `db upgrade`, `import`, `export`, `demo-data`, `audit` and
`migrate-legacy`."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from bot.cli.common import EXIT_USAGE, ensure_schema, err, load_json, out, with_db
from bot.settings import Settings
from cards.notifications import reowned_activity
from services.db.engine import Database
from services.db.migrate import current_revision, upgrade
from services.network.importer import NetworkExporter, NetworkImporter
from services.network.validate import NetworkValidationError
from services.notifications.owners import SubscriptionOwners


async def _upgrade(db: Database) -> str | None:
    await upgrade(db.engine)
    return await current_revision(db.engine)


def cmd_db_upgrade(settings: Settings, _args: argparse.Namespace) -> int:
    revision = asyncio.run(with_db(settings, _upgrade))
    out(f"database is at revision {revision}")
    return 0


def cmd_import(settings: Settings, args: argparse.Namespace) -> int:
    doc = load_json(args.file)

    async def work(db: Database) -> Any:
        await ensure_schema(db, settings)
        owners = SubscriptionOwners(render=reowned_activity)
        return await NetworkImporter(db.sessions, owners).import_document(doc)

    try:
        result = asyncio.run(with_db(settings, work))
    except NetworkValidationError as exc:
        err(f"{args.file} refused, nothing was written.\n{exc}")
        return 1
    out(f"imported {args.file}: {result.summary()}")
    return 0


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    async def work(db: Database) -> Any:
        return await NetworkExporter(db.sessions).export_document()

    doc = asyncio.run(with_db(settings, work))
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if args.file == "-":
        sys.stdout.write(text)
    else:
        Path(args.file).write_text(text, "utf-8")
        out(f"exported {len(doc['organizations'])} organizations to {args.file}")
    return 0


def cmd_audit(settings: Settings, args: argparse.Namespace) -> int:
    from services.audit import AuditLog

    since = dt.datetime.combine(args.since, dt.time(), tzinfo=dt.UTC) if args.since else None

    async def work(db: Database) -> Any:
        await ensure_schema(db, settings)
        return await AuditLog(db.sessions).entries(organization_id=args.org, since=since,
                                                   limit=args.limit)

    for e in asyncio.run(with_db(settings, work)):
        changes = json.dumps({"before": e.before, "after": e.after}, ensure_ascii=False)
        out(f"{e.at.isoformat(timespec='seconds')} org={e.organization_id or '-'} "
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
        report = asyncio.run(with_db(settings, work))
    except LegacyFileError as exc:
        err(f"{args.file} refused: {exc}")
        return 1
    for label, emails in (("admin", report.as_admin), ("reader", report.as_reader),
                          ("skipped (no Invoice module)", report.skipped),
                          ("already present", report.already_present)):
        for email in emails:
            out(f"  {label}: {email}")
    for problem in report.invalid:
        err(f"  invalid: {problem}")
    if report.invalid and not args.skip_invalid:
        err(f"{args.file} refused, nothing was written ({len(report.invalid)} invalid "
             "row(s); --skip-invalid migrates the others)")
        return 1
    prefix = "dry run, nothing written: " if args.dry_run else ""
    out(prefix + report.summary())
    return 0


def cmd_demo_data(_settings: Settings, args: argparse.Namespace) -> int:
    from services.network.generate import generate_network, largest_distributor

    if args.customers < 0:
        err("--customers must be 0 or more")
        return EXIT_USAGE
    doc = generate_network(args.customers, seed=args.seed)
    Path(args.out).write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    out(f"wrote {args.out}: {len(doc['organizations'])} organizations, "
         f"{len(doc['subscriptions'])} subscriptions, {len(doc['operators'])} operators; "
         f"largest distributor: {largest_distributor(doc)}")
    return 0


def register(sub: Any) -> None:
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
