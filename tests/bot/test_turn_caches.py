"""What a process keeps between turns (the operator's scope, "this conversation holds no
dialog") never outlives a change made elsewhere: two bot instances on one database (as
behind a load balancer), and a change made by another writer, on SQLite and PostgreSQL.
A question answered from the answer cache costs three statements: the retry ledger, the
versions, and its download link."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import delete, event, select, update

from bot.app import create_app
from bot.settings import load_settings
from services.db.engine import Database
from services.db.models import AppMeta, BotStateRecord, Operator, OperatorStatus, Organization
from tests.support import activities as A

ALICE = "alice.durand@contoso.example"


@pytest.fixture
async def instances(aiohttp_client: Any, demo_db: Database) -> AsyncIterator[list[Any]]:
    settings = load_settings(DATABASE_URL=demo_db.url, BOT_ID="", NOTIFY_SCHEDULER="off")
    yield [await aiohttp_client(create_app(settings, database=demo_db)) for _ in range(2)]


async def say(client: Any, text: str | None, conversation: str = "a:caches",
              value: dict[str, Any] | None = None) -> str:
    activity = A.message(text or "")
    activity["conversation"]["id"] = conversation
    if value is not None:
        activity.update(text=None, value=value)
    response = await client.post("/api/messages", json=activity)
    assert response.status == 200, await response.text()
    return json.dumps(await response.json(), ensure_ascii=False)


async def set_status(db: Database, status: OperatorStatus) -> None:
    async with db.sessions.begin() as session:
        await session.execute(update(Operator).where(Operator.email == ALICE)
                              .values(status=status))


async def test_a_removed_operator_is_refused_at_once(instances: list[Any],
                                                     demo_db: Database) -> None:
    first, second = instances
    for client in instances:
        assert "What you can ask" in await say(client, "help")
    await set_status(demo_db, OperatorStatus.REMOVED)  # another writer
    for client in (first, second, first):
        assert "What you can ask" not in await say(client, "help")
    await set_status(demo_db, OperatorStatus.ACTIVE)
    assert "What you can ask" in await say(second, "help")


async def test_a_renamed_organization_shows_at_once(instances: list[Any],
                                                    demo_db: Database) -> None:
    first, _ = instances
    assert "Contoso Partners" in await say(first, "help")  # "you are ... of <org>"
    async with demo_db.sessions.begin() as session:
        await session.execute(update(Organization).where(Organization.id == "p-contoso")
                              .values(name="Renamed Partners"))
    assert "Renamed Partners" in await say(first, "help")


async def test_a_dialog_begun_elsewhere_continues_here(instances: list[Any]) -> None:
    first, second = instances
    # the first instance learns that this conversation holds no dialog
    assert "What you can ask" in await say(first, "help")
    assert "work or school e-mail" in await say(second, "add an operator")
    # ...and sees at once that it now does
    assert "Which role?" in await say(first, "jane.doe@contoso.example")
    assert "Add this operator?" in await say(second, "reader")
    assert "was added as Reader" in await say(first, None, value={"add_operator": "apply"})
    assert "What you can ask" in await say(first, "help")  # the dialog is over everywhere
    assert "What you can ask" in await say(second, "help")


async def test_a_cached_answer_costs_three_statements(instances: list[Any],
                                                      demo_db: Database) -> None:
    first, _ = instances
    question = "which customers expire this month"
    await say(first, question)
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement.split(None, 3)[:3][0])

    event.listen(demo_db.engine.sync_engine, "before_cursor_execute", count)
    try:
        await say(first, question)
    finally:
        event.remove(demo_db.engine.sync_engine, "before_cursor_execute", count)
    assert len(statements) == 3, statements


async def versions(db: Database) -> tuple[str, str]:
    async with db.sessions() as session:
        rows = dict((await session.execute(select(AppMeta.key, AppMeta.value).where(
            AppMeta.key.in_(("operators_version", "state_version"))))).tuples().all())
    return rows["operators_version"], rows["state_version"]


async def test_the_versions_move_on_a_change_and_only_on_a_change(demo_db: Database) -> None:
    """The triggers behind the caches: a statement that changed no row (a retention
    DELETE that found nothing, an import writing an organization's same name) moves no
    version, so a snapshot of an unchanged database stays equal; a change moves it."""
    start = await versions(demo_db)
    async with demo_db.sessions.begin() as session:
        await session.execute(delete(BotStateRecord).where(BotStateRecord.key == "absent"))
        await session.execute(update(Operator).where(Operator.email == "nobody@example.com")
                              .values(status=OperatorStatus.REMOVED))
        await session.execute(update(Organization).where(Organization.id == "p-contoso")
                              .values(name="Contoso Partners", kind=Organization.kind))
    assert await versions(demo_db) == start
    async with demo_db.sessions.begin() as session:
        await session.execute(update(Organization).where(Organization.id == "p-contoso")
                              .values(name="Contoso Partners Ltd"))
    renamed = await versions(demo_db)
    assert renamed[0] != start[0] and renamed[1] == start[1]
    async with demo_db.sessions.begin() as session:
        session.add(BotStateRecord(key="k", etag="1", data="{}"))
    assert (await versions(demo_db))[1] != start[1]
