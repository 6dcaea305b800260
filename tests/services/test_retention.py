"""Tables that grow with traffic have a retention (issue 16), on SQLite and PostgreSQL:
the daily pass (the runner, and `partnerbot notify run`) removes finished outbox
messages and refused-action audit rows past RETENTION_DAYS, SSO token-exchange state
past a day and the processed-activity ledger past its day, and keeps everything else.
Refused card actions are written at most REFUSED_PER_HOUR times per actor and hour, the
rest counted in the log, through the real /api/messages route too."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from botbuilder.core.teams.teams_sso_token_exchange_middleware import _TokenStoreItem
from sqlalchemy import func, insert, select, update

from bot.app import create_app
from bot.cli import main
from bot.jobs.notifications import NotificationRunner
from bot.services import BotServices
from bot.settings import load_settings
from bot.teams.storage import SqlStorage
from cards import verbs
from services.audit import REFUSED_PER_HOUR, AuditLog
from services.db.engine import Database
from services.db.migrate import upgrade
from services.db.models import AuditEvent, BotStateRecord, OutboxMessage, ProcessedActivity
from services.state_store import StateStore
from tests.security.support import BRUNO
from tests.support import activities as A
from tests.support.databases import PG_SKIP_REASON, PG_URL, separate_pg_database

NOW = dt.datetime.now(dt.UTC)
OLD = NOW - dt.timedelta(days=40)  # past RETENTION_DAYS (30)
RECENT = NOW - dt.timedelta(days=5)
YESTERDAY = NOW - dt.timedelta(days=2)  # past the token exchange's and ledger's day
TODAY = NOW.date()


async def _seed(db: Database) -> None:
    """Old and recent rows of each kind; the old finished and traffic rows must go."""
    def message(status: str, at: dt.datetime, text: str,
                due: dt.datetime | None = None) -> dict[str, Any]:
        return {"conversation_id": "19:c@thread.tacv2", "tenant_id": "t-1",
                "reference": {}, "activity": {"type": "message", "text": text},
                "kind": "notice", "status": status, "attempts": 1,
                "next_attempt_at": due or at, "created_at": at,
                "sent_at": at if status == "sent" else None}

    async with db.sessions() as session, session.begin():
        await session.execute(insert(OutboxMessage), [
            message("sent", OLD, "old sent"), message("dead", OLD, "old dead"),
            message("cancelled", OLD, "old cancelled"), message("sent", RECENT, "recent"),
            message("pending", OLD, "due", due=NOW + dt.timedelta(days=1))])
        await session.execute(insert(ProcessedActivity), [
            {"conversation_id": "a:c", "activity_id": "old", "received_at": YESTERDAY},
            {"conversation_id": "a:c", "activity_id": "new", "received_at": NOW}])
        await session.execute(insert(AuditEvent), [
            {"actor": "mallory@contoso.example", "action": "action.refused",
             "target": "approve_request", "created_at": OLD},
            {"actor": "mallory@contoso.example", "action": "action.refused",
             "target": "approve_request", "created_at": RECENT},
            {"actor": "alice.durand@contoso.example", "action": "operator.added",
             "target": "jane@contoso.example", "created_at": OLD}])
    # botbuilder's own token-exchange item, as its middleware writes it, and dialog state
    storage = SqlStorage(StateStore(db.sessions))
    await storage.write({"msteams/a:conv-1/exchange-old": _TokenStoreItem(e_tag="x-old"),
                         "msteams/a:conv-1/exchange-new": _TokenStoreItem(e_tag="x-new"),
                         "msteams/conversations/a:conv-1": {"dialog": {"step": 2}}})
    async with db.sessions() as session, session.begin():
        await session.execute(update(BotStateRecord).where(BotStateRecord.key.in_(
            ["msteams/a:conv-1/exchange-old", "msteams/conversations/a:conv-1"]))
            .values(updated_at=YESTERDAY))


async def _left(db: Database) -> dict[str, set[str]]:
    async with db.sessions() as session:
        outbox = (await session.execute(select(OutboxMessage.activity))).scalars().all()
        state = (await session.execute(select(BotStateRecord.key))).scalars().all()
        ledger = (await session.execute(select(ProcessedActivity.activity_id))).scalars()
        audit = (await session.execute(select(AuditEvent.action, AuditEvent.created_at))
                 ).all()
    return {"outbox": {a["text"] for a in outbox}, "state": set(state),
            "ledger": set(ledger),
            "audit": {f"{action} {'old' if _aware(at) < NOW - dt.timedelta(days=30) else 'new'}"
                      for action, at in audit}}


def _aware(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


KEPT = {"outbox": {"recent", "due"},
        "state": {"msteams/a:conv-1/exchange-new", "msteams/conversations/a:conv-1"},
        "ledger": {"new"},
        "audit": {"action.refused new", "operator.added old"}}


async def test_the_daily_pass_prunes_what_grows_with_traffic(database: Database) -> None:
    await _seed(database)
    runner = NotificationRunner(BotServices.create(load_settings(DATABASE_URL=database.url),
                                                   database))
    try:
        result, _ = await runner.run_once(TODAY)
    finally:
        await runner.close()
    assert result.ran
    assert await _left(database) == KEPT
    assert runner.pruned is not None
    assert (runner.pruned.outbox, runner.pruned.sign_ins, runner.pruned.activities,
            runner.pruned.refused) == (3, 1, 1, 1)


@pytest.fixture(params=["sqlite", "postgresql"])
async def cli_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database of its own the CLI can open by URL."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
        return
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    async with separate_pg_database() as url:
        yield url


async def test_notify_run_prunes_too(cli_url: str, monkeypatch: pytest.MonkeyPatch,
                                     capsys: Any, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the checkout
    db = Database(cli_url)
    try:
        await upgrade(db.engine)
        await _seed(db)
    finally:
        await db.dispose()
    for name, value in {"DATABASE_URL": cli_url, "BOT_ID": "", "NOTIFY_SCHEDULER": "off",
                        "RETENTION_DAYS": "30"}.items():
        monkeypatch.setenv(name, value)
    code = await _in_thread(main, ["notify", "run", "--wait", "0"])
    assert code == 0
    out = capsys.readouterr().out
    assert "retention (30 days): removed 3 finished outbox messages, 1 sign-in exchanges, " \
           "1 processed activities, 1 refused-action audit rows" in out, out
    db = Database(cli_url)
    try:
        assert await _left(db) == KEPT
    finally:
        await db.dispose()


async def _in_thread(fn: Any, *args: Any) -> Any:
    """The CLI runs its own event loop (asyncio.run): not inside the test's."""
    import asyncio

    return await asyncio.to_thread(fn, *args)


async def _refused_rows(db: Database, actor: str) -> int:
    async with db.sessions() as session:
        return int((await session.execute(select(func.count()).where(
            AuditEvent.action == "action.refused", AuditEvent.actor == actor))).scalar_one())


async def test_refused_actions_are_written_at_most_n_an_hour_per_actor(
        database: Database, caplog: Any) -> None:
    # a fixed clock: the count is per clock hour (a CI run once crossed one mid-test)
    def clock() -> dt.datetime:
        return dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)

    audit = AuditLog(database.sessions, clock=clock)
    other_instance = AuditLog(database.sessions, clock=clock)
    with caplog.at_level(logging.WARNING, logger="services.audit"):
        written = [await audit.refused("mallory@contoso.example", "p-contoso",
                                       "approve_request", "forbidden", {"request": n})
                   for n in range(REFUSED_PER_HOUR + 5)]
        # another instance agrees: the count is the database's
        assert not await other_instance.refused("mallory@contoso.example", None,
                                                "approve_request", "forbidden")
        assert await audit.refused("eve@fabrikam.example", None, "show_org", "out_of_scope")
    assert written == [True] * REFUSED_PER_HOUR + [False] * 5
    assert await _refused_rows(database, "mallory@contoso.example") == REFUSED_PER_HOUR
    assert await _refused_rows(database, "eve@fabrikam.example") == 1
    assert "refused actions by mallory@contoso.example: over 20 this hour" in caplog.text


async def test_a_new_hour_writes_again_and_logs_the_count(database: Database,
                                                          caplog: Any) -> None:
    now = [dt.datetime(2026, 11, 23, 9, 58, tzinfo=dt.UTC)]
    audit = AuditLog(database.sessions, refused_per_hour=2, clock=lambda: now[0])
    for _ in range(5):
        await audit.refused("mallory@contoso.example", None, "approve_request", "forbidden")
    now[0] = dt.datetime(2026, 11, 23, 10, 1, tzinfo=dt.UTC)
    with caplog.at_level(logging.WARNING, logger="services.audit"):
        assert await audit.refused("mallory@contoso.example", None, "approve_request",
                                   "forbidden")
    assert await _refused_rows(database, "mallory@contoso.example") == 3
    assert "3 not written in the hour from 2026-11-23T09:00:00+00:00" in caplog.text


async def test_forged_card_actions_over_http_are_audited_at_most_n_times(
        aiohttp_client: Any, demo_db: Database) -> None:
    settings = load_settings(DATABASE_URL=demo_db.url, BOT_ID="", QUESTION_RATE="0",
                             NOTIFY_SCHEDULER="off")
    client = await aiohttp_client(create_app(settings, database=demo_db))
    for _ in range(REFUSED_PER_HOUR + 6):  # a reader pages the operators: refused
        activity = A.card_action(verbs.OPERATORS_PAGE, {"offset": 0}, aad=BRUNO[0],
                                 tenant=BRUNO[1])
        response = await client.post("/api/messages", json=activity)
        assert response.status == 200, await response.text()
    async with demo_db.sessions() as session:
        actors = (await session.execute(select(AuditEvent.actor).where(
            AuditEvent.action == "action.refused"))).scalars().all()
    assert len(actors) == REFUSED_PER_HOUR and len(set(actors)) == 1
