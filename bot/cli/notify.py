"""`partnerbot notify run|status`: one notification pass for an external scheduler (cron,
a Kubernetes CronJob), and the outbox's state with its dead letters."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from typing import Any

from bot.cli.common import ensure_schema, out
from bot.services import BotServices
from bot.settings import Settings
from services.db.engine import Database
from services.notifications.outbox import outbox_status


async def _run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.jobs.notifications import NotificationRunner

    db = Database(settings.database_url, **settings.engine_options())
    runner = None
    try:
        await ensure_schema(db, settings)
        runner = NotificationRunner(BotServices.create(settings, db))
        today = args.now or dt.datetime.now(dt.UTC)
        result, drained = await runner.run_once(today, wait_s=args.wait)
        pruned = runner.pruned
    finally:
        if runner is not None:
            await runner.close()
        await db.dispose()
    if not result.ran:
        out(f"pass {today}: skipped, another instance is running it; "
             f"outbox: {drained.sent} sent")
        return 0
    out(f"pass {today}: {result.subscriptions} subscriptions, {result.digests} digests "
         f"({result.items} items), {result.reports} monthly reports; outbox: "
         f"{drained.sent} sent, {drained.retried} to retry, "
         f"{drained.dead} dead, {drained.deactivated} deactivated")
    if pruned is not None:
        out(f"retention ({settings.retention_days} days): removed {pruned.outbox} finished "
             f"outbox messages, {pruned.sign_ins} sign-in exchanges, {pruned.activities} "
             f"processed activities, {pruned.refused} refused-action audit rows")
    return 0


async def _status(settings: Settings, _args: argparse.Namespace) -> int:

    db = Database(settings.database_url, **settings.engine_options())
    try:
        await ensure_schema(db, settings)
        status = await outbox_status(db.sessions)
    finally:
        await db.dispose()
    out(f"subscriptions: {status.active_subscriptions} active, "
         f"{status.inactive_subscriptions} inactive")
    out(f"outbox: {status.pending} pending, {status.sent} sent, {status.dead} dead, "
         f"{status.cancelled} cancelled")
    for message_id, conversation, error, attempts in status.dead_letters:
        out(f"  dead #{message_id} conversation={conversation} attempts={attempts} "
             f"error={error or '-'}")
    return 0


def _when(value: str) -> dt.date | dt.datetime:
    if len(value) == 10:
        return dt.date.fromisoformat(value)
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def cmd_notify(settings: Settings, args: argparse.Namespace) -> int:
    work: Any = _run if args.notify_command == "run" else _status
    try:
        return int(asyncio.run(work(settings, args)))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)  # noqa: T201
        return 130


def register(sub: Any) -> None:
    notify = sub.add_parser("notify", help="expiry notifications: run a pass, show status",
                            description="Proactive expiry notifications.")
    notify_sub = notify.add_subparsers(dest="notify_command", required=True, metavar="ACTION")
    run = notify_sub.add_parser(
        "run", help="run one notification pass and send the outbox",
        description="Queue each subscription's due digest (once, whichever instance runs "
        "it), remove what RETENTION_DAYS no longer keeps (finished outbox messages, "
        "refused-action audit rows, day-old sign-in exchanges and processed activities) "
        "and send the outbox at Teams' pace. For cron; see NOTIFY_SCHEDULER.")
    run.add_argument("--now", type=_when, metavar="YYYY-MM-DD[THH:MM±HH:MM]",
                     help="the pass's time (default: now): subscriptions whose local time "
                     "has come then; a bare date is that whole day")
    run.add_argument("--wait", type=float, default=60.0, metavar="SECONDS",
                     help="keep sending while retries fall due within this time (default 60)")
    run.set_defaults(func=cmd_notify)
    status = notify_sub.add_parser("status", help="subscriptions and the outbox, dead letters",
                                   description="Counts of the outbox by state and the "
                                   "dead-lettered messages.")
    status.set_defaults(func=cmd_notify)
