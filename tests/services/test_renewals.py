"""The derived values of subscriptions in the directory (SPEC section 1): only active
subscriptions count (a renewal booked ahead does not yet, its expiry is listed like any
other), the expiry and lapsed state of an organization, and renewed / at-risk expiries
(the rows' status, the whole result's and the "renewal" filter), checked against the
evaluation oracle on the demo network."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from services.db.engine import Database
from services.directory import Directory, effective_filters
from services.network.importer import NetworkImporter
from services.scope import Scope, ScopeService
from services.understanding.model import Filters
from services.understanding.ranges import DateRange
from tests.conftest import demo_document
from tests.eval.oracle import Oracle

TODAY = dt.date(2026, 11, 23)
ALL = 10_000
SOFIA = "sofia.marino@coreview.example"  # provider admin: sees every customer
ALICE = "alice.durand@contoso.example"  # partner admin (Contoso)
CLAIRE = "claire.martin@alphadist.example"  # distributor admin (Alpha)


async def scope_of(db: Database, email: str) -> Scope:
    scope = await ScopeService(db.sessions).for_email(email)
    assert scope is not None
    return scope


async def listed(db: Database, email: str, filters: Filters, today: dt.date = TODAY,
                 kind: str = "customer") -> dict[str, str | None]:
    page = await Directory(db.sessions).search(await scope_of(db, email), kind, filters,
                                               today, limit=ALL, want_all=True)
    assert page.all_items is not None
    rows = {r.id: r.renewal for r in page.rows}
    assert rows == {r.id: r.renewal for r in page.all_items}  # page and whole result agree
    return rows


def month(year: int, number: int) -> DateRange:
    end = (dt.date(year + number // 12, number % 12 + 1, 1) - dt.timedelta(days=1))
    return DateRange(dt.date(year, number, 1), end)


async def test_a_renewal_booked_ahead_is_not_counted_yet(demo_db: Database) -> None:
    directory = Directory(demo_db.sessions)
    scope = await scope_of(demo_db, SOFIA)
    # Transports Moreau: sub-006 (150 CS-PRO) ends 2026-11-24, sub-048 (150) starts the 25th
    for today, licenses, expiry in ((TODAY, 150, dt.date(2026, 11, 24)),
                                    (dt.date(2026, 11, 25), 150, dt.date(2027, 11, 24))):
        detail = await directory.detail(scope, "c-transports-moreau", today)
        assert (detail.licenses, detail.expiry, detail.lapsed) == (licenses, expiry, False)
        assert [s.active for s in detail.subscriptions] == [today == TODAY, today != TODAY]
    # Banque Privée de Genève: 680 x 3 active; the 700 CS-ENT booked from 2026-12-21
    assert (await directory.detail(scope, "c-geneve-banque", TODAY)).licenses == 2040
    later = await directory.detail(scope, "c-geneve-banque", dt.date(2026, 12, 21))
    assert later.licenses == 680 + 700
    # ... and its expiry is listed like any other
    assert "c-geneve-banque" in await listed(demo_db, SOFIA, Filters(expiry=month(2027, 12)))
    assert "c-transports-moreau" in await listed(demo_db, SOFIA,
                                                 Filters(expiry=month(2027, 11)))


BOOKED_ONLY = {
    "format": "partner-network/1",
    "organizations": [{"id": "c-futura", "name": "Futura Booked", "kind": "customer",
                       "parent": "p-contoso", "onboarding": "onboarded"}],
    "subscriptions": [{"id": "sub-futura", "organization": "c-futura", "sku": "CS-ENT",
                       "licenses": 5000, "starts_on": "2027-01-01", "expires_on": "2027-12-31",
                       "auto_renew": False, "billing_cycle": "annual"}],
}


async def test_only_a_booked_subscription(demo_db: Database) -> None:
    await NetworkImporter(demo_db.sessions).import_document(BOOKED_ONLY)
    directory = Directory(demo_db.sessions)
    scope = await scope_of(demo_db, ALICE)
    detail = await directory.detail(scope, "c-futura", TODAY)
    assert (detail.licenses, detail.expiry, detail.lapsed) == (0, dt.date(2027, 12, 31), False)
    assert detail.active_skus == []
    for filters in (Filters(sku="CS-ENT"), Filters(licenses_gt=1000), Filters(lapsed=True)):
        assert "c-futura" not in await listed(demo_db, ALICE, filters), filters
    assert "c-futura" in await listed(demo_db, ALICE, Filters(licenses_lt=1))
    assert "c-futura" in await listed(demo_db, ALICE,
                                      Filters(expiry=month(2027, 12), sku="CS-ENT"))
    doc = demo_document()
    doc["organizations"] += BOOKED_ONLY["organizations"]
    doc["subscriptions"] += BOOKED_ONLY["subscriptions"]
    oracle = Oracle(doc)
    for today in (TODAY, dt.date(2027, 1, 1)):  # counted once started
        total = await directory.license_total(scope, "customer", Filters(), today)
        assert total.value == oracle.license_total(ALICE, today)
    assert oracle.licenses("c-futura", dt.date(2027, 1, 1)) == 5000
    row = (await directory.search(scope, "customer", Filters(licenses_lt=1), TODAY,
                                  limit=ALL)).rows
    futura = next(r for r in row if r.id == "c-futura")
    assert (futura.licenses, futura.skus, futura.expiry) == (0, (), dt.date(2027, 12, 31))


async def test_expiry_statuses_this_month(demo_db: Database) -> None:
    this_month = Filters(expiry=month(2026, 11))
    assert await listed(demo_db, ALICE, this_month) == {
        "c-cafe-lumiere": "at_risk",  # CV-BACKUP ended 2026-11-05, nothing after it
        "c-transports-moreau": "renewed",  # sub-048 starts the day after sub-006 ends
        "c-boulangerie-dupont": "renewed",  # monthly, auto-renewing
    }
    at_risk = Filters(expiry=month(2026, 11), renewal="at_risk")
    assert await listed(demo_db, ALICE, at_risk) == {"c-cafe-lumiere": "at_risk"}
    renewed = Filters(expiry=month(2026, 11), renewal="renewed")
    assert set(await listed(demo_db, ALICE, renewed)) == {"c-transports-moreau",
                                                          "c-boulangerie-dupont"}
    # Banque Privée de Genève in December: CS-ENT renewed (sub-049), CV-AUDIT not
    december = await listed(demo_db, SOFIA, Filters(expiry=month(2026, 12)))
    assert december["c-geneve-banque"] == "at_risk"
    only_ent = await listed(demo_db, SOFIA, Filters(expiry=month(2026, 12), sku="CS-ENT"))
    assert only_ent["c-geneve-banque"] == "renewed"
    # no expiry in the question: no status
    assert set((await listed(demo_db, ALICE, Filters())).values()) == {None}


def test_renewal_without_a_range_is_the_next_90_days() -> None:
    filters = effective_filters(Filters(renewal="at_risk"), TODAY)
    assert filters.expiry == DateRange(TODAY, dt.date(2027, 2, 21))
    assert effective_filters(Filters(expiry=month(2026, 12), renewal="renewed"),
                             TODAY).expiry == month(2026, 12)
    assert effective_filters(Filters(sku="CS-ENT"), TODAY) == Filters(sku="CS-ENT")


def test_the_renewal_filter_travels_on_cards() -> None:
    filters = Filters(expiry=month(2026, 12), renewal="at_risk")
    assert Filters.from_data(filters.to_data()) == filters
    with pytest.raises(ValueError, match="renewal"):
        Filters.from_data({"renewal": "maybe"})


RANGES: list[tuple[DateRange | None, str | None]] = [
    (month(2026, 11), None), (month(2026, 12), None), (month(2027, 1), "CS-ENT"),
    (DateRange(dt.date(2027, 1, 1), dt.date(2027, 12, 31)), None),
    (DateRange(dt.date(2026, 1, 1), dt.date(2026, 12, 31)), "CV-AUDIT"), (None, None),
]


@pytest.mark.parametrize("email", [SOFIA, CLAIRE, ALICE, "jan.peeters@fabrikam.example"])
async def test_the_directory_agrees_with_the_oracle(demo_db: Database, email: str) -> None:
    oracle = Oracle(demo_document())
    for expiry, sku in RANGES:
        for renewal in (None, "at_risk", "renewed"):
            if expiry is None and renewal is None:
                continue
            filters = effective_filters(Filters(expiry=expiry, sku=sku, renewal=renewal),
                                        TODAY)
            got = await listed(demo_db, email, filters)
            assert filters.expiry is not None
            span = (filters.expiry.start, filters.expiry.end)
            want: Any = oracle.list_orgs(email, "customer", TODAY, range=span, sku=sku,
                                         renewal=renewal)
            assert sorted(got) == want, (expiry, sku, renewal)
            assert got == {oid: oracle.renewal_status(oid, span, sku) for oid in want}
    for today in (TODAY, dt.date(2026, 12, 21), dt.date(2027, 2, 1)):
        for filters in (Filters(licenses_gt=100), Filters(sku="CS-PRO"),
                        Filters(lapsed=True)):
            want = oracle.list_orgs(email, "customer", today, gt=filters.licenses_gt,
                                    sku=filters.sku, lapsed=filters.lapsed)
            assert sorted(await listed(demo_db, email, filters, today)) == want
