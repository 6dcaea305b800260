"""`partnerbot ask`: questions through the same bot turn as a Teams message (SPEC §5)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.cli.common import ensure_schema
from bot.services import BotServices
from bot.settings import Settings
from bot.teams.handler import PartnerBot
from bot.teams.inprocess import InProcessAdapter, ask, error_answer, message_activity
from bot.turn.context import Reply
from services.db.engine import Database
from services.db.models import Operator, OperatorStatus

EXIT_UNKNOWN_OPERATOR = 2


class UnknownOperator(Exception):  # noqa: N818
    pass


def register(sub: Any) -> None:
    p = sub.add_parser("ask", help="ask a question as an operator (same turn as Teams)",
                       description="Run QUESTION through the same bot turn as a Teams "
                       "message from that operator and print the answer.")
    p.add_argument("--as", dest="as_email", metavar="EMAIL", help="the operator's e-mail")
    p.add_argument("--locale", default="en", help="en or fr (default: en)")
    p.add_argument("--now", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                   help="today's date for the question (default: today)")
    p.add_argument("--json", action="store_true", help="print the structured JSON answer")
    p.add_argument("--batch", metavar="FILE.jsonl",
                   help='one {"as", "locale", "now", "q"} object per line; one JSON answer '
                   "per line")
    p.add_argument("question", nargs="*", metavar="QUESTION")
    p.set_defaults(func=cmd_ask)


class Asker:
    def __init__(self, services: BotServices) -> None:
        self._services = services
        self._bot = PartnerBot(services)
        self._adapter = InProcessAdapter()
        self._identities: dict[str, tuple[str, str | None]] = {}

    async def _identity(self, email: str) -> tuple[str, str | None]:
        key = email.strip().lower()
        if key not in self._identities:
            async with self._services.database.sessions() as session:
                op = (await session.execute(select(Operator).where(
                    Operator.email == key))).scalar_one_or_none()
            if op is None or op.status != OperatorStatus.ACTIVE or not op.aad_object_id:
                raise UnknownOperator(f"no active operator with the e-mail {email!r}")
            self._identities[key] = (op.aad_object_id, op.tenant_id)
        return self._identities[key]

    async def reply(self, email: str, question: str, locale: str, today: dt.date, *,
                    full_answer: bool = True) -> Reply | None:
        """The whole reply (card and answer) to QUESTION from that operator."""
        aad, tenant = await self._identity(email)
        return await ask(self._bot, self._adapter,
                         message_activity(aad, tenant, question, locale, today),
                         full_answer=full_answer)

    async def answer(self, email: str, question: str, locale: str,
                     today: dt.date) -> dict[str, Any]:
        reply = await self.reply(email, question, locale, today)
        if reply is None:
            return error_answer("the turn failed; see the log")
        return reply.answer


def _human(answer: dict[str, Any]) -> str:
    if "error" in answer or "items" not in answer and "value" not in answer:
        return str(answer.get("message", answer))
    if "value" in answer:
        return str(answer["value"])
    lines = [f"{answer.get('total', len(answer['items']))} result(s)"]
    lines += [f"- {i['name']} ({i['id']})" for i in answer["items"]]
    return "\n".join(lines)


def _batch_lines(path: str) -> Iterator[dict[str, Any]]:
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def cmd_ask(settings: Settings, args: argparse.Namespace) -> int:

    if not args.batch and (not args.as_email or not args.question):
        print("ask needs --as EMAIL and a QUESTION (or --batch FILE)", file=sys.stderr)  # noqa: T201
        return EXIT_UNKNOWN_OPERATOR

    async def run() -> int:
        db = Database(settings.database_url, **settings.engine_options())
        try:
            await ensure_schema(db, settings)
            asker = Asker(BotServices.create(settings, db))
            if args.batch:
                return await _run_batch(asker, args.batch)
            today = args.now or dt.date.today()
            try:
                answer = await asker.answer(args.as_email, " ".join(args.question),
                                            args.locale, today)
            except UnknownOperator as exc:
                print(str(exc), file=sys.stderr)  # noqa: T201
                return EXIT_UNKNOWN_OPERATOR
            text = json.dumps(answer, ensure_ascii=False) if args.json else _human(answer)
            print(text)  # noqa: T201
            return 0
        finally:
            await db.dispose()

    return asyncio.run(run())


async def _run_batch(asker: Asker, path: str) -> int:
    status = 0
    for item in _batch_lines(path):
        today = dt.date.fromisoformat(item["now"]) if item.get("now") else dt.date.today()
        try:
            answer = await asker.answer(item["as"], item["q"], item.get("locale", "en"), today)
        except UnknownOperator as exc:
            answer, status = {"intent": "unknown_operator", "error": "forbidden",
                              "message": str(exc)}, EXIT_UNKNOWN_OPERATOR
        sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return status
