"""Import/export of partner-network/1: validation of the whole file, idempotent upsert,
round trip."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from sqlalchemy import func, select

from services.db.engine import Database
from services.db.models import Operator, Organization, OrgClosure, Sku, Subscription
from services.network.importer import NetworkExporter, NetworkImporter
from services.network.validate import NetworkValidationError, validate_document
from tests.conftest import demo_document

TABLES = (Sku, Organization, OrgClosure, Subscription, Operator)


async def snapshot(db: Database) -> dict[str, Any]:
    """Every row of the network tables (sorted), to compare database states."""
    out: dict[str, Any] = {}
    async with db.sessions() as session:
        for model in TABLES:
            cols = [c for c in model.__table__.columns if c.name not in {"updated_at",
                                                                         "created_at"}]
            rows = (await session.execute(select(*cols))).all()
            out[model.__tablename__] = sorted(tuple(map(str, r)) for r in rows)
    return out


def by_key(items: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {item[key]: item for item in items}


async def test_import_twice_leaves_the_same_rows(database: Database) -> None:
    importer = NetworkImporter(database.sessions)
    first = await importer.import_document(demo_document())
    assert first.organizations.created == 41
    assert first.subscriptions.created == 49
    assert first.operators.created == 15
    before = await snapshot(database)
    second = await importer.import_document(demo_document())
    assert not second.changed
    assert second.organizations.unchanged == 41
    assert await snapshot(database) == before


async def test_export_round_trip_equals_the_file(demo_db: Database) -> None:
    exported = await NetworkExporter(demo_db.sessions).export_document()
    original = demo_document()
    assert exported["format"] == "partner-network/1"
    for section, key in (("skus", "code"), ("organizations", "id"),
                         ("subscriptions", "id"), ("operators", "email")):
        assert by_key(exported[section], key) == by_key(original[section], key), section


async def test_reimporting_an_export_changes_nothing(demo_db: Database) -> None:
    exported = await NetworkExporter(demo_db.sessions).export_document()
    result = await NetworkImporter(demo_db.sessions).import_document(exported)
    assert not result.changed


async def test_upsert_updates_changed_records_only(demo_db: Database) -> None:
    doc = demo_document()
    org = next(o for o in doc["organizations"] if o["id"] == "c-cafe-lumiere")
    org["name"] = "Café Lumière SARL"
    sub = next(s for s in doc["subscriptions"] if s["id"] == "sub-002")
    sub["licenses"] = 45
    result = await NetworkImporter(demo_db.sessions).import_document(doc)
    assert result.organizations.updated == 1 and result.organizations.unchanged == 40
    assert result.subscriptions.updated == 1
    async with demo_db.sessions() as session:
        assert (await session.get(Organization, "c-cafe-lumiere")).name == "Café Lumière SARL"
        assert (await session.get(Subscription, "sub-002")).licenses == 45


async def test_partial_document_references_existing_rows(demo_db: Database) -> None:
    doc = {
        "format": "partner-network/1",
        "organizations": [{"id": "c-new", "name": "New Customer", "kind": "customer",
                           "parent": "p-contoso", "onboarding": "not_invited"}],
        "subscriptions": [{"id": "sub-new", "organization": "c-new", "sku": "CS-PRO",
                           "licenses": 10, "starts_on": "2026-01-01",
                           "expires_on": "2027-01-01"}],
    }
    result = await NetworkImporter(demo_db.sessions).import_document(doc)
    assert result.organizations.created == 1
    async with demo_db.sessions() as session:
        ancestors = set((await session.execute(select(OrgClosure.ancestor_id).where(
            OrgClosure.descendant_id == "c-new"))).scalars())
    assert ancestors == {"c-new", "p-contoso", "d-alpha", "coreview"}


async def test_reparenting_moves_the_whole_subtree(demo_db: Database) -> None:
    doc = {"format": "partner-network/1", "organizations": [
        {"id": "p-fabrikam", "name": "Fabrikam IT", "kind": "partner", "parent": "d-nordic"}]}
    await NetworkImporter(demo_db.sessions).import_document(doc)
    async with demo_db.sessions() as session:
        rows = set((await session.execute(select(OrgClosure.ancestor_id).where(
            OrgClosure.descendant_id == "c-ghent-logistics"))).scalars())
    assert rows == {"c-ghent-logistics", "p-fabrikam", "d-nordic", "coreview"}


def bad(mutate: Any) -> dict[str, Any]:
    doc = demo_document()
    mutate(doc)
    return doc


def _org(doc: dict[str, Any], oid: str) -> dict[str, Any]:
    return next(o for o in doc["organizations"] if o["id"] == oid)


def _sub(doc: dict[str, Any], sid: str) -> dict[str, Any]:
    return next(s for s in doc["subscriptions"] if s["id"] == sid)


BAD_CASES = [
    ("unknown kind", lambda d: _org(d, "c-cafe-lumiere").update(kind="reseller"),
     "organizations", "c-cafe-lumiere", "kind"),
    ("dangling parent", lambda d: _org(d, "c-cafe-lumiere").update(parent="p-nowhere"),
     "organizations", "c-cafe-lumiere", "parent"),
    ("customer under a distributor",
     lambda d: _org(d, "c-cafe-lumiere").update(parent="d-alpha"),
     "organizations", "c-cafe-lumiere", "parent"),
    ("distributor under a partner", lambda d: _org(d, "d-nordic").update(parent="p-contoso"),
     "organizations", "d-nordic", "parent"),
    ("second root", lambda d: _org(d, "p-contoso").update(parent=None),
     "organizations", "p-contoso", "parent"),
    ("duplicate organization id",
     lambda d: d["organizations"].append(copy.deepcopy(_org(d, "c-cafe-lumiere"))),
     "organizations", "c-cafe-lumiere", "id"),
    ("duplicate subscription id",
     lambda d: d["subscriptions"].append(copy.deepcopy(_sub(d, "sub-002"))),
     "subscriptions", "sub-002", "id"),
    ("negative licenses", lambda d: _sub(d, "sub-002").update(licenses=-5),
     "subscriptions", "sub-002", "licenses"),
    ("licenses as text", lambda d: _sub(d, "sub-002").update(licenses="40"),
     "subscriptions", "sub-002", "licenses"),
    ("bad date", lambda d: _sub(d, "sub-002").update(expires_on="2027-02-30"),
     "subscriptions", "sub-002", "expires_on"),
    ("expires before it starts", lambda d: _sub(d, "sub-002").update(expires_on="2020-01-01"),
     "subscriptions", "sub-002", "expires_on"),
    ("auto_renew as text", lambda d: _sub(d, "sub-002").update(auto_renew="yes"),
     "subscriptions", "sub-002", "auto_renew"),
    ("auto_renew null", lambda d: _sub(d, "sub-002").update(auto_renew=None),
     "subscriptions", "sub-002", "auto_renew"),
    ("unknown billing cycle", lambda d: _sub(d, "sub-002").update(billing_cycle="weekly"),
     "subscriptions", "sub-002", "billing_cycle"),
    ("billing cycle not text", lambda d: _sub(d, "sub-002").update(billing_cycle=12),
     "subscriptions", "sub-002", "billing_cycle"),
    ("unknown sku", lambda d: _sub(d, "sub-002").update(sku="CS-GOLD"),
     "subscriptions", "sub-002", "sku"),
    ("subscription of unknown organization",
     lambda d: _sub(d, "sub-002").update(organization="c-ghost"),
     "subscriptions", "sub-002", "organization"),
    ("bad operator e-mail", lambda d: d["operators"][0].update(email="sofia.marino@"),
     "operators", "sofia.marino@", "email"),
    ("duplicate operator e-mail (case-insensitive)",
     lambda d: d["operators"].append(dict(d["operators"][0],
                                          email=d["operators"][0]["email"].upper(),
                                          aad_object_id=None)),
     "operators", "SOFIA.MARINO@COREVIEW.EXAMPLE", "email"),
    ("unknown role", lambda d: d["operators"][0].update(roles=["owner"]),
     "operators", "sofia.marino@coreview.example", "roles"),
    ("operator of a customer",
     lambda d: d["operators"][0].update(organization="c-cafe-lumiere"),
     "operators", "sofia.marino@coreview.example", "organization"),
    ("bad account manager e-mail",
     lambda d: _org(d, "d-alpha")["account_manager"].update(email="giulia at coreview"),
     "organizations", "d-alpha", "email"),
    ("bad tenant id", lambda d: _org(d, "p-contoso").update(tenant_id="not-a-guid"),
     "organizations", "p-contoso", "tenant_id"),
    ("wrong format", lambda d: d.update(format="partner-network/2"),
     "document", "-", "format"),
]


@pytest.mark.parametrize(("mutate", "section", "record", "field"),
                         [c[1:] for c in BAD_CASES], ids=[c[0] for c in BAD_CASES])
def test_validation_names_record_and_field(mutate: Any, section: str, record: str,
                                           field: str) -> None:
    with pytest.raises(NetworkValidationError) as err:
        validate_document(bad(mutate))
    found = {(p.section, p.record, p.field) for p in err.value.problems}
    assert (section, record, field) in found, err.value.problems
    assert f"{section}[{record}].{field}" in str(err.value)


async def test_one_bad_record_among_good_ones_writes_nothing(database: Database) -> None:
    doc = demo_document()
    _sub(doc, "sub-047" if any(s["id"] == "sub-047" for s in doc["subscriptions"])
         else doc["subscriptions"][-1]["id"]).update(licenses=-1)
    with pytest.raises(NetworkValidationError) as err:
        await NetworkImporter(database.sessions).import_document(doc)
    assert len(err.value.problems) == 1
    async with database.sessions() as session:
        for model in TABLES:
            count = (await session.execute(select(func.count()).select_from(model))).scalar()
            assert count == 0, model.__tablename__


async def test_a_bad_update_leaves_the_previous_import_intact(demo_db: Database) -> None:
    before = await snapshot(demo_db)
    doc = demo_document()
    _org(doc, "c-cafe-lumiere")["name"] = "Renamed"
    _sub(doc, "sub-002")["expires_on"] = "tomorrow"
    with pytest.raises(NetworkValidationError):
        await NetworkImporter(demo_db.sessions).import_document(doc)
    assert await snapshot(demo_db) == before


async def test_kind_change_must_fit_existing_children(demo_db: Database) -> None:
    doc = {"format": "partner-network/1", "organizations": [
        {"id": "p-contoso", "name": "Contoso Partners", "kind": "distributor",
         "parent": "coreview"}]}
    with pytest.raises(NetworkValidationError) as err:
        await NetworkImporter(demo_db.sessions).import_document(doc)
    assert any(p.record == "p-contoso" and p.field == "kind" for p in err.value.problems)


async def test_aad_object_id_cannot_move_to_another_operator(demo_db: Database) -> None:
    doc = {"format": "partner-network/1", "operators": [
        {"email": "new.person@contoso.example", "name": "New Person",
         "organization": "p-contoso", "roles": ["reader"],
         "aad_object_id": "634cd7e1-1cfd-591b-bd2f-417196023cf5"}]}
    with pytest.raises(NetworkValidationError) as err:
        await NetworkImporter(demo_db.sessions).import_document(doc)
    assert "alice.durand@contoso.example" in str(err.value)


async def test_removals_apply_only_once_nothing_hangs_on_them(demo_db: Database) -> None:
    """`"removed": true` (the feed and `partnerbot import` share it): an organization goes
    once its children, licences and operators have; everything else stays as it was."""
    importer = NetworkImporter(demo_db.sessions)
    doc = {"format": "partner-network/1"}
    with pytest.raises(NetworkValidationError) as refused:
        await importer.import_document({**doc, "organizations": [
            {"id": "p-contoso", "removed": True}, {"id": "c-cafe-lumiere", "removed": True}]})
    problems = {(p.record, p.message.split(" (")[0]) for p in refused.value.problems}
    assert problems == {("p-contoso", "still has children"),
                        ("p-contoso", "still has operators"),
                        ("p-contoso", "still has licence subscriptions"),
                        ("c-cafe-lumiere", "still has licence subscriptions")}
    with pytest.raises(NetworkValidationError, match="both updated and removed"):
        await importer.import_document({**doc, "subscriptions": [
            {"id": "sub-002", "removed": True},
            {"id": "sub-002", "organization": "c-cafe-lumiere", "sku": "CS-PRO",
             "licenses": 1, "starts_on": "2026-01-01", "expires_on": "2027-01-01"}]})
    with pytest.raises(NetworkValidationError, match="must be true or false"):
        await importer.import_document({**doc, "operators": [
            {"email": "bruno.petit@contoso.example", "removed": "yes"}]})

    cafe_subs = [s["id"] for s in demo_document()["subscriptions"]
                 if s["organization"] == "c-cafe-lumiere"]
    result = await importer.import_document({**doc,
        "subscriptions": [{"id": sid, "removed": True} for sid in cafe_subs],
        "organizations": [{"id": "c-cafe-lumiere", "removed": True}],
        "operators": [{"email": "Bruno.Petit@contoso.example", "removed": True}]})
    assert result.subscriptions.removed == len(cafe_subs)
    assert result.organizations.removed == 1 and result.operators.removed == 1
    async with demo_db.sessions() as session:
        assert await session.get(Organization, "c-cafe-lumiere") is None
        assert (await session.execute(select(func.count()).select_from(OrgClosure).where(
            OrgClosure.descendant_id == "c-cafe-lumiere"))).scalar_one() == 0
        bruno = (await session.execute(select(Operator).where(
            Operator.email == "bruno.petit@contoso.example"))).scalar_one()
        assert bruno.status == "removed"
    again = await importer.import_document({**doc, "organizations": [
        {"id": "c-cafe-lumiere", "removed": True}]})
    assert again.organizations.unchanged == 1 and not again.changed


def _without_renewal_terms(doc: dict[str, Any]) -> dict[str, Any]:
    for sub in doc["subscriptions"]:
        sub.pop("auto_renew", None)
        sub.pop("billing_cycle", None)
    return doc


async def _terms(db: Database) -> dict[str, tuple[bool, str | None]]:
    async with db.sessions() as session:
        rows = (await session.execute(select(Subscription.id, Subscription.auto_renew,
                                             Subscription.billing_cycle))).all()
    return {r.id: (r.auto_renew, r.billing_cycle) for r in rows}


async def test_renewal_terms_round_trip(demo_db: Database) -> None:
    terms = await _terms(demo_db)
    assert terms["sub-001"] == (True, "monthly")
    assert terms["sub-018"] == (False, "triennial")
    assert terms["sub-002"] == (False, "annual")
    exported = await NetworkExporter(demo_db.sessions).export_document()
    sub = by_key(exported["subscriptions"], "id")["sub-026"]
    assert (sub["auto_renew"], sub["billing_cycle"]) == (True, "monthly")

    doc = demo_document()
    _sub(doc, "sub-002").update(auto_renew=True)
    _sub(doc, "sub-003").update(billing_cycle=None)
    result = await NetworkImporter(demo_db.sessions).import_document(doc)
    assert result.subscriptions.updated == 2 and result.subscriptions.unchanged == 47
    terms = await _terms(demo_db)
    assert terms["sub-002"] == (True, "annual") and terms["sub-003"] == (False, None)
    again = await NetworkExporter(demo_db.sessions).export_document()
    assert by_key(again["subscriptions"], "id")["sub-003"]["billing_cycle"] is None
    assert not (await NetworkImporter(demo_db.sessions).import_document(again)).changed


async def test_a_file_without_renewal_terms_imports(database: Database) -> None:
    importer = NetworkImporter(database.sessions)
    result = await importer.import_document(_without_renewal_terms(demo_document()))
    assert result.subscriptions.created == 49
    assert set((await _terms(database)).values()) == {(False, None)}
    # the terms arrive later; a document without them then keeps them
    assert (await importer.import_document(demo_document())).subscriptions.updated == 49
    before = await _terms(database)
    assert not (await importer.import_document(
        _without_renewal_terms(demo_document()))).changed
    assert await _terms(database) == before


async def test_bad_renewal_terms_change_nothing(demo_db: Database) -> None:
    before = await snapshot(demo_db)
    doc = demo_document()
    _sub(doc, "sub-002").update(auto_renew=1)
    _sub(doc, "sub-004").update(billing_cycle="Annual", licenses=1)
    with pytest.raises(NetworkValidationError) as err:
        await NetworkImporter(demo_db.sessions).import_document(doc)
    assert {(p.record, p.field) for p in err.value.problems} == {
        ("sub-002", "auto_renew"), ("sub-004", "billing_cycle")}
    assert await snapshot(demo_db) == before
