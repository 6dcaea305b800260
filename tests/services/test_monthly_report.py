"""The monthly licence report on SQLite and PostgreSQL: every figure checked against a
model computed here from the demo fixture's JSON (the tree from `parent`; active =
starts_on <= day <= expires_on), for every demo operator who may see customers, for
October 2026 and the current month; onboardings from activation audit events; a
month after today is refused; a reader sees the same report as an admin."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from services.db.engine import Database
from services.db.models import AuditEvent
from services.directory.reports import MonthlyReports, report_days
from services.scope import Forbidden, ScopeService
from tests.conftest import demo_document
from tests.services.test_rankings import below

DEMO: dict[str, Any] = demo_document()
ORGS = {o["id"]: o for o in DEMO["organizations"]}
OPERATORS = [o for o in DEMO["operators"] if o.get("status", "active") == "active"]
TODAY = dt.date(2026, 11, 23)


def active(sub: dict[str, Any], day: dt.date) -> bool:
    return dt.date.fromisoformat(sub["starts_on"]) <= day <= dt.date.fromisoformat(
        sub["expires_on"])


def model(org_id: str, day: dt.date, before: dt.date) -> dict[str, Any]:
    customers = {o for o in below(org_id) if ORGS[o]["kind"] == "customer"}
    subs = [s for s in DEMO["subscriptions"] if s["organization"] in customers]

    def seats(d: dt.date, keep: Any = lambda s: True) -> int:
        return sum(s["licenses"] for s in subs if active(s, d) and keep(s))

    def customers_active(d: dt.date) -> set[str]:
        return {s["organization"] for s in subs if active(s, d)}

    skus = {s["sku"] for s in subs}
    partners = {o for o in below(org_id) if ORGS[o]["kind"] == "partner"}
    return {
        "seats": seats(day), "previous": seats(before),
        "added": sum(s["licenses"] for s in subs
                     if before < dt.date.fromisoformat(s["starts_on"]) <= day),
        "removed": sum(s["licenses"] for s in subs
                       if before <= dt.date.fromisoformat(s["expires_on"]) < day),
        "skus": {k: (seats(day, lambda s, k=k: s["sku"] == k),
                     seats(before, lambda s, k=k: s["sku"] == k)) for k in skus},
        "partners": {p: (seats(day, lambda s, p=p: s["organization"] in below(p)),
                         seats(before, lambda s, p=p: s["organization"] in below(p)))
                     for p in partners},
        "new": customers_active(day) - customers_active(before),
        "lapsed": customers_active(before) - customers_active(day),
    }


async def scope_of(db: Database, email: str) -> Any:
    scope = await ScopeService(db.sessions).for_email(email)
    assert scope is not None
    return scope


@pytest.mark.parametrize("month", [(2026, 10), (2026, 11), (2026, 6)])
@pytest.mark.parametrize("operator", [o["email"] for o in OPERATORS],
                         ids=[o["email"].split("@")[0] for o in OPERATORS])
async def test_the_report_follows_the_model(demo_db: Database, operator: str,
                                            month: tuple[int, int]) -> None:
    scope = await scope_of(demo_db, operator)
    report = await MonthlyReports(demo_db.sessions).report(scope, *month, TODAY)
    day, before = report_days(*month, TODAY)
    want = model(scope.organization_id, day, before)
    assert (report.day, report.previous_day) == (day, before)
    assert (report.seats, report.previous_seats) == (want["seats"], want["previous"])
    assert (report.added, report.removed) == (want["added"], want["removed"])
    assert report.seats == report.previous_seats + report.added - report.removed
    assert {s.id: (s.seats, s.previous) for s in report.skus} == {
        k: v for k, v in want["skus"].items() if any(v)}
    if scope.org_kind == "partner":
        assert report.partners == []
    else:
        assert {p.id: (p.seats, p.previous) for p in report.partners} == {
            k: v for k, v in want["partners"].items() if any(v)}
    assert {c.id for c in report.new_customers} == want["new"]
    assert {c.id for c in report.lapsed_customers} == want["lapsed"]


async def test_october_2026_has_figures_and_changes(demo_db: Database) -> None:
    """The demo network's October is not empty: the comparison above is not vacuous."""
    scope = await scope_of(demo_db, "sofia.marino@coreview.example")
    report = await MonthlyReports(demo_db.sessions).report(scope, 2026, 10, TODAY)
    assert report.seats > 0 and report.added > 0 and len(report.skus) >= 4
    assert report.day == dt.date(2026, 10, 31)
    assert len(report.partners) >= 4


async def test_onboardings_are_the_activations_completed_in_the_month(
        demo_db: Database) -> None:
    async with demo_db.sessions() as session, session.begin():
        for target, when in (("c-atelier-marchand", dt.datetime(2026, 10, 5, tzinfo=dt.UTC)),
                             ("c-namur-ecoles", dt.datetime(2026, 9, 30, 23, tzinfo=dt.UTC)),
                             ("c-bern-energie", dt.datetime(2026, 10, 31, 22, tzinfo=dt.UTC))):
            session.add(AuditEvent(actor="test", organization_id="p-contoso",
                                   action="activation.completed", target=target,
                                   created_at=when))
    reports = MonthlyReports(demo_db.sessions)
    alice = await scope_of(demo_db, "alice.durand@contoso.example")
    sofia = await scope_of(demo_db, "sofia.marino@coreview.example")
    mine = {c.id for c in (await reports.report(alice, 2026, 10, TODAY)).onboarded}
    everyone = {c.id for c in (await reports.report(sofia, 2026, 10, TODAY)).onboarded}
    contoso = {o for o in below("p-contoso")}
    assert everyone == {"c-atelier-marchand", "c-bern-energie"}
    assert mine == everyone & contoso


async def test_a_month_after_today_is_refused(demo_db: Database) -> None:
    scope = await scope_of(demo_db, "sofia.marino@coreview.example")
    with pytest.raises(ValueError):
        await MonthlyReports(demo_db.sessions).report(scope, 2026, 12, TODAY)


async def test_only_operators_who_see_customers_get_a_report(demo_db: Database) -> None:
    scope = await scope_of(demo_db, "bruno.petit@contoso.example")  # a reader sees it
    await MonthlyReports(demo_db.sessions).report(scope, 2026, 10, TODAY)
    nobody = type(scope)(**{**scope.__dict__, "org_kind": "customer"})
    with pytest.raises(Forbidden):
        await MonthlyReports(demo_db.sessions).report(nobody, 2026, 10, TODAY)
