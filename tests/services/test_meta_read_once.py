"""The data's versions in one turn (services/db/meta.read_once): read once, all together,
and reused; a change made in the turn is seen by the rest of it; outside a turn (another
instance's next turn) every read goes to the database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from services.db.engine import Database
from services.db.meta import (
    bump_data_version,
    data_changed_at,
    data_version,
    network_version,
    read_once,
)


def _counting(db: Database) -> list[str]:
    statements: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "app_meta" in statement.lower():
            statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", before)
    return statements


async def test_one_read_per_turn_and_the_turns_own_change_seen(demo_db: Database) -> None:
    statements = _counting(demo_db)
    with read_once():
        async with demo_db.sessions() as session:
            first = (await data_version(session), await network_version(session),
                     await data_changed_at(session))
        async with demo_db.sessions() as session:
            assert await data_version(session) == first[0]
        assert len(statements) == 1  # the three, in one query
        async with demo_db.sessions() as session, session.begin():
            bumped = await bump_data_version(session)
        async with demo_db.sessions() as session:
            assert await data_version(session) == bumped != first[0]


async def test_outside_a_turn_every_read_is_fresh(demo_db: Database) -> None:
    statements = _counting(demo_db)
    async with demo_db.sessions() as session:
        before = await data_version(session)
    async with demo_db.sessions() as session, session.begin():
        await bump_data_version(session)  # another instance's change
    async with demo_db.sessions() as session:
        assert await data_version(session) != before
    with read_once():  # the next turn sees it
        async with demo_db.sessions() as session:
            assert await data_version(session) != before
    assert sum("select" in s.lower() for s in statements) == 3
