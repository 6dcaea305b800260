"""`partnerbot activation send|list`: the activation service for scripts, with the same
rules as the Teams dialog (the sender must be an admin who may send for the org)."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from bot.cli.common import ensure_schema, err, out
from bot.services import BotServices
from bot.settings import Settings
from services.activation import ActivationError
from services.db.engine import Database
from services.i18n import messages
from services.scope import Forbidden

EXIT_REFUSED = 1
EXIT_UNKNOWN_OPERATOR = 2




async def _send(settings: Settings, args: argparse.Namespace) -> int:
    from dialogs.send_activation import refusal_text, sent_text

    db = Database(settings.database_url, **settings.engine_options())
    try:
        await ensure_schema(db, settings)
        services = BotServices.create(settings, db)
        scope = await services.scopes.for_email(args.as_email)
        if scope is None:
            err(f"{args.as_email} is not an active operator")
            return EXIT_UNKNOWN_OPERATOR
        tr = messages("en")
        try:
            sent = await services.activation.send(scope, args.to, args.locale,
                                                  organization_id=args.org)
        except ActivationError as exc:
            err(f"refused ({exc.code}): {refusal_text(tr, exc)}")
            return EXIT_REFUSED
        except Forbidden:
            err(f"refused: {args.as_email} is not an admin; only admins send activation "
                 "links")
            return EXIT_REFUSED
        out(sent_text(tr, sent))
        return 0
    finally:
        await db.dispose()


async def _list(settings: Settings, args: argparse.Namespace) -> int:

    db = Database(settings.database_url, **settings.engine_options())
    try:
        await ensure_schema(db, settings)
        links = await BotServices.create(settings, db).activation.links(args.org, args.limit)
    finally:
        await db.dispose()
    for link in links:
        when = {"opened": link.opened_at, "used": link.used_at}.get(link.state)
        out(f"#{link.id} org={link.organization_id} ({link.organization_name}) "
             f"to={link.recipient} by={link.sent_by} lang={link.language} "
             f"sent={link.created_at.isoformat(timespec='seconds')} "
             f"expires={link.expires_at.isoformat(timespec='seconds')} state={link.state}"
             + (f" at={when.isoformat(timespec='seconds')}" if when else "")
             + (f" tenant={link.tenant_id}" if link.tenant_id else ""))
    if not links:
        out("no activation links")
    return 0


def cmd_activation(settings: Settings, args: argparse.Namespace) -> int:
    work: Any = _send if args.activation_command == "send" else _list
    return int(asyncio.run(work(settings, args)))


def register(sub: Any) -> None:
    act = sub.add_parser("activation", help="send and list activation links",
                         description="Onboard customer tenants by admin consent.")
    act_sub = act.add_subparsers(dest="activation_command", required=True, metavar="ACTION")
    send = act_sub.add_parser(
        "send", help="e-mail an activation link (same rules as in Teams)",
        description="Send an activation link for organization ID to the customer's "
        "Microsoft 365 administrator, as the admin EMAIL (MAIL_TRANSPORT delivers it).")
    send.add_argument("--as", dest="as_email", required=True, metavar="EMAIL",
                      help="the sending admin's e-mail")
    send.add_argument("--org", required=True, metavar="ID", help="the organization's id")
    send.add_argument("--to", required=True, metavar="EMAIL",
                      help="the customer's administrator (work or school account)")
    send.add_argument("--locale", default="en", choices=("en", "fr"),
                      help="language of the e-mail (default: en)")
    send.set_defaults(func=cmd_activation)
    lst = act_sub.add_parser("list", help="the links and their states (never the token)",
                             description="Activation links, newest first: sent, opened, "
                             "used, expired or revoked.")
    lst.add_argument("--org", metavar="ID", help="one organization only")
    lst.add_argument("--limit", type=int, default=100)
    lst.set_defaults(func=cmd_activation)
