"""The SQL state store: optimistic concurrency shared by several bot instances."""

from __future__ import annotations

import asyncio

import pytest

from services.db.engine import Database
from services.state_store import Change, StateConflict, StateStore


async def test_write_read_delete(database: Database) -> None:
    store = StateStore(database.sessions)
    etags = await store.write({"a": Change('{"x": 1}'), "b": Change('{"y": 2}')})
    items = await store.read(["a", "b", "missing"])
    assert set(items) == {"a", "b"}
    assert items["a"].data == '{"x": 1}' and items["a"].etag == etags["a"]
    await store.delete(["a"])
    assert set(await store.read(["a", "b"])) == {"b"}


async def test_stale_etag_is_refused_and_changes_nothing(database: Database) -> None:
    store = StateStore(database.sessions)
    first = (await store.write({"k": Change("v1")}))["k"]
    second = (await store.write({"k": Change("v2", first)}))["k"]
    assert second != first
    with pytest.raises(StateConflict):
        await store.write({"k": Change("v3", first)})
    assert (await store.read(["k"]))["k"].data == "v2"


async def test_star_and_none_etags_overwrite(database: Database) -> None:
    store = StateStore(database.sessions)
    await store.write({"k": Change("v1")})
    await store.write({"k": Change("v2", "*")})
    await store.write({"k": Change("v3", None)})
    assert (await store.read(["k"]))["k"].data == "v3"


async def test_a_conflict_rolls_back_the_whole_write(database: Database) -> None:
    store = StateStore(database.sessions)
    etag = (await store.write({"k": Change("v1")}))["k"]
    await store.write({"k": Change("v2", etag)})
    with pytest.raises(StateConflict):
        await store.write({"other": Change("new"), "k": Change("v3", etag)})
    assert await store.read(["other"]) == {}


async def test_two_concurrent_writers_one_wins(database: Database) -> None:
    """Two bot instances read the same state and both write: exactly one succeeds."""
    instance_a, instance_b = StateStore(database.sessions), StateStore(database.sessions)
    etag = (await instance_a.write({"conv": Change("start")}))["conv"]
    for round_ in range(5):
        results = await asyncio.gather(
            instance_a.write({"conv": Change(f"a{round_}", etag)}),
            instance_b.write({"conv": Change(f"b{round_}", etag)}),
            return_exceptions=True,
        )
        wins = [r for r in results if isinstance(r, dict)]
        losses = [r for r in results if isinstance(r, StateConflict)]
        assert len(wins) == 1 and len(losses) == 1, results
        stored = (await instance_a.read(["conv"]))["conv"]
        assert stored.etag == wins[0]["conv"]
        etag = stored.etag


async def test_concurrent_first_writes_do_not_fail(database: Database) -> None:
    store = StateStore(database.sessions)
    await asyncio.gather(*(store.write({"fresh": Change(f"v{i}")}) for i in range(4)))
    assert (await store.read(["fresh"]))["fresh"].data.startswith("v")
