"""A demo that is always current (issue 20): `partnerbot serve --demo` and `partnerbot chat`
load the demo network with every date moved by (today - as_of) days, so "which clients
expire this month" has answers as Alice Durand whatever today is; a database already
holding the demo is moved again; `partnerbot import` never moves a date."""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.cli.serve import _prepare_serve
from bot.settings import load_settings
from services.db.engine import Database
from services.db.models import Operator, Subscription
from services.network.demo import load_demo
from services.network.importer import NetworkImporter
from services.network.shift import as_of, as_of_today, days_to, shift_document
from services.network.validate import validate_document
from tests.conftest import DEMO_FILE, demo_document
from tests.support.demo_turns import demo_asker

ALICE = "alice.durand@contoso.example"
AS_OF = dt.date(2026, 11, 23)
# the first and last days of months, leap days, the turn of a year, a day far ahead
TODAYS = [dt.date(2026, 11, 23), dt.date(2027, 1, 1), dt.date(2027, 1, 31),
          dt.date(2027, 2, 28), dt.date(2028, 2, 29), dt.date(2027, 7, 15),
          dt.date(2030, 12, 31)]


def _month(day: dt.date) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def _contoso_customers(doc: dict[str, Any]) -> set[str]:
    return {o["id"] for o in doc["organizations"]
            if o["kind"] == "customer" and o["parent"] == "p-contoso"}


def test_the_demo_is_written_as_of_its_day() -> None:
    assert as_of(demo_document()) == AS_OF
    assert days_to(demo_document(), dt.date(2026, 12, 3)) == 10


def test_every_date_of_every_record_moves_by_the_same_days() -> None:
    doc = demo_document()
    moved = shift_document(doc, 400)
    assert moved["as_of"] == "2027-12-28" and moved["format"] == doc["format"]
    before, after = validate_document(doc), validate_document(moved)
    for section in ("skus", "organizations", "subscriptions", "operators"):
        for old, new in zip(getattr(before, section), getattr(after, section), strict=True):
            for f in dataclasses.fields(old):
                a, b = getattr(old, f.name), getattr(new, f.name)
                if isinstance(a, dt.date):
                    assert b - a == dt.timedelta(days=400), (section, f.name)
                else:
                    assert a == b, (section, f.name)
    assert doc == demo_document()  # the document itself is untouched


def test_dates_of_any_field_and_date_times_move_too() -> None:
    doc = {"format": "partner-network/1", "as_of": "2026-11-23",
           "organizations": [{"id": "x", "name": "2026-01-01 Ltd", "created_on": "2026-02-28",
                              "meta": {"onboarded_at": "2026-02-28T10:00:00+01:00"}}]}
    org = shift_document(doc, 1)["organizations"][0]
    assert org["created_on"] == "2026-03-01" and org["name"] == "2026-01-01 Ltd"
    assert org["meta"]["onboarded_at"] == "2026-03-01T10:00:00+01:00"


def test_alice_has_expiries_this_month_on_every_day_of_four_years() -> None:
    """The property behind "always current": whatever the day (first or last of a month,
    29 February), the moved demo has a Contoso customer expiring in that calendar month.
    It holds because Contoso's expiries around as_of are never more than 28 days apart
    (5 Nov, 24 Nov: any month's days around as_of hold one of them)."""
    customers = _contoso_customers(demo_document())
    day = dt.date(2026, 11, 1)
    while day < dt.date(2030, 11, 1):
        first, last = _month(day)
        moved = as_of_today(demo_document(), day)
        expiring = {s["organization"] for s in moved["subscriptions"]
                    if s["organization"] in customers
                    and first.isoformat() <= s["expires_on"] <= last.isoformat()}
        assert expiring, day
        day += dt.timedelta(days=1)


@pytest.mark.parametrize("today", TODAYS, ids=str)
async def test_which_clients_expire_this_month_as_alice(database: Database,
                                                        today: dt.date) -> None:
    loaded = await load_demo(database.sessions, demo_document(), today)
    assert loaded.outcome == "loaded" and today.isoformat() in loaded.note
    answer = await demo_asker(database).answer(ALICE, "which clients expire this month", "en",
                                               today)
    assert answer["intent"] != "unknown" and answer["items"], answer
    customers = _contoso_customers(demo_document())
    assert {i["id"] for i in answer["items"]} <= customers
    first, last = _month(today)
    async with database.sessions() as session:
        expiries = (await session.execute(select(Subscription.expires_on).where(
            Subscription.organization_id.in_([i["id"] for i in answer["items"]])))).scalars()
        assert any(first <= e <= last for e in expiries)


async def test_serve_demo_loads_the_demo_as_of_today(tmp_path: Path) -> None:
    """The function `partnerbot serve --demo` (and `partnerbot chat`) runs at start-up."""
    settings = load_settings(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}")
    today = dt.date(2027, 2, 28)
    note = await _prepare_serve(settings, True, today)
    assert note.startswith("demo network loaded, its dates as of 2027-02-28")
    db = Database(settings.database_url)
    try:
        answer = await demo_asker(db).answer(ALICE, "which clients expire this month", "en",
                                             today)
        assert answer["items"], answer
        async with db.sessions() as session:
            sub = await session.get(Subscription, "sub-001")
        assert sub is not None and sub.expires_on == dt.date(2026, 11, 30) + (today - AS_OF)
    finally:
        await db.dispose()
    assert (await _prepare_serve(settings, True, today)).startswith(
        "demo network already there, its dates as of 2027-02-28")


async def test_a_database_holding_the_demo_is_moved_again(database: Database) -> None:
    """`partnerbot chat` keeps ./partnerbot.db: run again weeks later, its demo follows."""
    first, later = dt.date(2026, 12, 3), dt.date(2027, 3, 31)
    assert (await load_demo(database.sessions, demo_document(), first)).outcome == "loaded"
    async with database.sessions() as session, session.begin():
        chloe = (await session.execute(select(Operator).where(
            Operator.email == "chloe.leroy@contoso.example"))).scalar_one()
        chloe.role = "reader"  # a change made while chatting with the demo
    assert (await load_demo(database.sessions, demo_document(), first)).outcome == "current"
    moved = await load_demo(database.sessions, demo_document(), later)
    assert moved.outcome == "moved" and "118 days" in moved.note, moved.note
    want = {s["id"]: s for s in as_of_today(demo_document(), later)["subscriptions"]}
    async with database.sessions() as session:
        subs = (await session.execute(select(Subscription))).scalars().all()
        chloe = (await session.execute(select(Operator).where(
            Operator.email == "chloe.leroy@contoso.example"))).scalar_one()
    assert {s.id: (s.starts_on.isoformat(), s.expires_on.isoformat()) for s in subs} == {
        i: (s["starts_on"], s["expires_on"]) for i, s in want.items()}
    assert chloe.role == "reader"  # kept: only the subscriptions' dates move
    answer = await demo_asker(database).answer(ALICE, "which clients expire this month", "en",
                                               later)
    assert answer["items"], answer


async def test_a_database_holding_other_data_is_left_alone(database: Database) -> None:
    doc = demo_document()
    doc["subscriptions"][0]["licenses"] += 1  # not the demo any more
    await NetworkImporter(database.sessions).import_document(doc)
    loaded = await load_demo(database.sessions, demo_document(), dt.date(2027, 5, 1))
    assert loaded.outcome == "skipped" and "not loading" in loaded.note
    async with database.sessions() as session:
        sub = await session.get(Subscription, "sub-001")
    assert sub is not None and sub.expires_on == dt.date(2026, 11, 30)


def test_import_never_moves_dates(sqlite_env: Path, tmp_path: Path, capsys: Any) -> None:
    """`partnerbot import` writes the demo file's dates as they are, whatever today is
    and although the file says `as_of` (only serve --demo and chat move the demo)."""
    assert main(["import", str(DEMO_FILE)]) == 0
    assert main(["export", str(tmp_path / "out.json")]) == 0
    exported = json.loads((tmp_path / "out.json").read_text("utf-8"))
    dates = {s["id"]: (s["starts_on"], s["expires_on"]) for s in exported["subscriptions"]}
    assert dates == {s["id"]: (s["starts_on"], s["expires_on"])
                     for s in demo_document()["subscriptions"]}
    old = demo_document() | {"as_of": "2020-01-01"}
    (tmp_path / "old.json").write_text(json.dumps(old), "utf-8")
    assert main(["import", str(tmp_path / "old.json")]) == 0
    assert "subscriptions: 0 created, 0 updated, 49 unchanged" in capsys.readouterr().out
