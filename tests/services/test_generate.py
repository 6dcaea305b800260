"""The generator of large partner networks: valid, deterministic, skewed, fast enough."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from services.db.engine import Database
from services.network.generate import (
    DEFAULT_TODAY,
    SKUS,
    customers_per_distributor,
    generate_network,
    largest_distributor,
)
from services.network.importer import NetworkImporter
from services.network.validate import validate_document
from tests.conftest import demo_document

# Generated once per size: the documents are read, never modified, by the tests below.
_CACHE: dict[tuple[int, int], dict[str, Any]] = {}


def network(customers: int, seed: int = 1) -> dict[str, Any]:
    key = (customers, seed)
    if key not in _CACHE:
        _CACHE[key] = generate_network(customers, seed)
    return _CACHE[key]


def orgs_of(doc: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [o for o in doc["organizations"] if o["kind"] == kind]


@pytest.mark.parametrize("customers", [0, 1, 10, 50, 2000])
def test_output_validates_with_exactly_n_customers(customers: int) -> None:
    doc = network(customers)
    net = validate_document(doc)
    kinds = Counter(o.kind for o in net.organizations)
    assert kinds["customer"] == customers
    assert kinds["provider"] == 1
    assert kinds["distributor"] == 2 + customers // 8000
    assert kinds["partner"] == customers // 40 + 3
    assert doc["format"] == "partner-network/1"
    assert doc["as_of"] == DEFAULT_TODAY.isoformat()


def test_same_skus_as_the_demo() -> None:
    demo = [(s["code"], s["name"]) for s in demo_document()["skus"]]
    assert [(s["code"], s["name"]) for s in network(50)["skus"]] == demo == list(SKUS)


def test_deterministic_for_a_seed() -> None:
    assert generate_network(300, seed=7) == generate_network(300, seed=7)
    assert generate_network(300, seed=7) != generate_network(300, seed=8)
    later = generate_network(300, seed=7, today=DEFAULT_TODAY + dt.timedelta(days=30))
    assert later["subscriptions"] != generate_network(300, seed=7)["subscriptions"]


def test_calls_share_no_state() -> None:
    first = generate_network(20, seed=3)
    first["organizations"][1]["account_manager"]["name"] = "Changed"
    first["organizations"].clear()
    again = generate_network(20, seed=3)
    assert again["organizations"] and all(
        o.get("account_manager", {}).get("name") != "Changed" for o in again["organizations"])


def test_negative_size_is_refused() -> None:
    with pytest.raises(ValueError):
        generate_network(-1)


@pytest.mark.parametrize("customers", [50, 2000])
def test_ids_names_domains_emails_and_aad_ids_are_unique(customers: int) -> None:
    doc = network(customers)
    for section, key in [("organizations", "id"), ("organizations", "name"),
                         ("organizations", "domain"), ("subscriptions", "id"),
                         ("operators", "email"), ("operators", "aad_object_id")]:
        values = [rec[key] for rec in doc[section]]
        assert len(values) == len(set(values)), (section, key)
    tenants = [o["tenant_id"] for o in doc["organizations"] if o["tenant_id"]]
    assert len(tenants) == len(set(tenants))
    assert all(len(o["id"]) <= 64 for o in doc["organizations"])


def test_every_distributor_and_partner_has_operators() -> None:
    doc = network(2000)
    orgs = {o["id"]: o for o in doc["organizations"]}
    ops_by_org: dict[str, list[dict[str, Any]]] = {}
    for op in doc["operators"]:
        ops_by_org.setdefault(op["organization"], []).append(op)
    assert len(ops_by_org["vendor"]) == 2
    for org in orgs_of(doc, "distributor") + orgs_of(doc, "partner"):
        ops = ops_by_org.get(org["id"], [])
        assert 1 <= len(ops) <= 3, org["id"]
        assert ops[0]["roles"] == ["admin"]
        assert all(op["roles"] == ["reader"] for op in ops[1:])
        for op in ops:
            assert op["aad_object_id"]
            assert op["tenant_id"] == org["tenant_id"]
            assert op["email"].endswith("@" + org["domain"])
        assert org["onboarding"] == "onboarded" and org["tenant_id"]
        assert org["account_manager"]["email"].endswith("@coreview.example")
    assert all(orgs[op["organization"]]["kind"] != "customer" for op in doc["operators"])


def test_partners_sit_mostly_under_distributors() -> None:
    doc = network(2000)
    kinds = {o["id"]: o["kind"] for o in doc["organizations"]}
    parents = Counter(kinds[p["parent"]] for p in orgs_of(doc, "partner"))
    assert parents["provider"] >= 1
    assert parents["distributor"] > 10 * parents["provider"]
    assert all(kinds[c["parent"]] == "partner" for c in orgs_of(doc, "customer"))
    assert len({d["country"] for d in orgs_of(doc, "distributor")}) == 2


@pytest.mark.parametrize("customers", [1, 2, 4, 2000, 20000])
def test_one_distributor_holds_the_largest_share(customers: int) -> None:
    doc = network(customers)
    counts = customers_per_distributor(doc)
    largest = largest_distributor(doc)
    assert counts[largest] == max(counts.values())
    assert all(n < counts[largest] for d, n in counts.items() if d != largest)
    if customers >= 1000:
        assert 0.35 <= counts[largest] / customers <= 0.6
    # The largest is the first distributor of the document.
    assert largest == orgs_of(doc, "distributor")[0]["id"]
    if customers >= 20000:
        assert len({d["country"] for d in orgs_of(doc, "distributor")}) >= 3


def test_largest_distributor_needs_a_distributor() -> None:
    with pytest.raises(ValueError):
        largest_distributor({"organizations": [{"id": "x", "kind": "provider"}]})


def _follows(renewal: dict[str, Any], ends: set[tuple[str, str, int, str]]) -> bool:
    day_before = dt.date.fromisoformat(renewal["starts_on"]) - dt.timedelta(days=1)
    return (renewal["organization"], renewal["sku"], renewal["licenses"],
            day_before.isoformat()) in ends


def booked_renewals(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The renewals booked ahead: a subscription that starts the day after another of the
    same organization, SKU and seats expires."""
    subs = doc["subscriptions"]
    ends = {(s["organization"], s["sku"], s["licenses"], s["expires_on"]) for s in subs}
    return [s for s in subs if _follows(s, ends)]


def terms(doc: dict[str, Any], today: dt.date) -> list[dict[str, Any]]:
    """The subscriptions as first sold: not the renewals booked ahead."""
    booked = {s["id"] for s in booked_renewals(doc)}
    return [s for s in doc["subscriptions"] if s["id"] not in booked]


def test_subscriptions_are_realistic() -> None:
    doc = network(2000)
    today = DEFAULT_TODAY
    by_org: dict[str, list[dict[str, Any]]] = {}
    for sub in terms(doc, today):
        by_org.setdefault(sub["organization"], []).append(sub)
        starts = dt.date.fromisoformat(sub["starts_on"])
        expires = dt.date.fromisoformat(sub["expires_on"])
        assert (expires.year - starts.year) in (1, 2, 3)
        assert (expires.month, min(expires.day, 28)) == (starts.month, min(starts.day, 28))
        assert today - dt.timedelta(days=280) <= expires <= today + dt.timedelta(days=460)
        assert 5 <= sub["licenses"] <= 5000
    customers = orgs_of(doc, "customer")
    counts = Counter(len(by_org.get(c["id"], [])) for c in customers)
    assert set(counts) <= {0, 1, 2, 3, 4}
    assert 0 < counts[0] < 0.08 * len(customers)  # a few percent have none
    for subs in by_org.values():
        assert len({s["sku"] for s in subs}) == len(subs)  # different SKUs
    for org in orgs_of(doc, "distributor") + orgs_of(doc, "partner"):
        assert 1 <= len(by_org.get(org["id"], [])) <= 2

    expiries = [dt.date.fromisoformat(s["expires_on"]) for s in terms(doc, today)]
    lapsed = sum(e < today for e in expiries) / len(expiries)
    soon = sum(today <= e < today + dt.timedelta(days=120) for e in expiries) / len(expiries)
    assert 0.08 < lapsed < 0.3
    assert soon > 0.25
    assert max(expiries) > today + dt.timedelta(days=365)
    licenses = [s["licenses"] for s in doc["subscriptions"]]
    assert statistics.median(licenses) < 60
    assert max(licenses) > 300


def test_renewal_terms_follow_the_term_and_some_renewals_are_booked() -> None:
    """SPEC section 1: billing cycle by term, auto_renew on annual terms only, and renewals
    booked ahead (same organization, SKU and seats, starting the day after the expiry)."""
    doc = network(2000)
    today = DEFAULT_TODAY
    current = terms(doc, today)
    for sub in current:
        years = int(sub["expires_on"][:4]) - int(sub["starts_on"][:4])
        assert sub["billing_cycle"] == {1: "annual", 3: "triennial"}.get(years)
        assert not sub["auto_renew"] or sub["billing_cycle"] == "annual"
    annual = [s for s in current if s["billing_cycle"] == "annual"]
    assert 0.15 < sum(s["auto_renew"] for s in annual) / len(annual) < 0.35
    booked = booked_renewals(doc)
    for renewal in booked:
        assert today < dt.date.fromisoformat(renewal["starts_on"]) <= today + dt.timedelta(121)
        assert renewal["billing_cycle"] == "annual" and not renewal["auto_renew"]
    due = [s for s in current if not s["auto_renew"] and 0 <= (
        dt.date.fromisoformat(s["expires_on"]) - today).days <= 120]
    assert 0.05 < len(booked) / len(due) < 0.15


def test_onboarding_and_tenants() -> None:
    doc = network(2000)
    customers = orgs_of(doc, "customer")
    states = Counter(c["onboarding"] for c in customers)
    assert states["onboarded"] > 0.7 * len(customers)
    assert states["invited"] > 0 and states["not_invited"] > 0
    for c in customers:
        assert bool(c["tenant_id"]) == (c["onboarding"] == "onboarded")


def test_names_are_multilingual_with_accents() -> None:
    doc = network(2000)
    customers = orgs_of(doc, "customer")
    countries = Counter(c["country"] for c in customers)
    assert len(countries) >= 6
    assert all(len(c) == 2 and c.isupper() for c in countries)
    names = [o["name"] for o in doc["organizations"]]
    assert sum(not n.isascii() for n in names) > 0.1 * len(names)
    suffixes = {n.rsplit(" ", 1)[-1] for n in names}
    assert {"GmbH", "AB", "S.L.", "Ltd"} & suffixes
    assert all(d.isascii() and d.endswith(".example") for d in (o["domain"] for o in
                                                              doc["organizations"]))


async def test_a_generated_network_imports(database: Database) -> None:
    doc = network(200)
    result = await NetworkImporter(database.sessions).import_document(doc)
    assert result.organizations.created == len(doc["organizations"])
    assert result.subscriptions.created == len(doc["subscriptions"])
    assert result.operators.created == len(doc["operators"])
    again = await NetworkImporter(database.sessions).import_document(generate_network(200))
    assert not again.changed


def test_hundred_thousand_customers(record_property: Callable[[str, object], None]) -> None:
    """Runs in the normal suite: about 3 s to generate and 2.5 s to validate on 2 cores."""
    started = time.perf_counter()
    doc = generate_network(100_000)
    generated = time.perf_counter() - started
    validate_document(doc)
    validated = time.perf_counter() - started - generated
    record_property("generate_seconds", round(generated, 2))
    record_property("validate_seconds", round(validated, 2))
    assert generated < 10, f"generating 100,000 customers took {generated:.1f} s"
    assert len(orgs_of(doc, "customer")) == 100_000
    assert len(orgs_of(doc, "distributor")) == 14
    counts = customers_per_distributor(doc)
    assert counts[largest_distributor(doc)] == 40_000
