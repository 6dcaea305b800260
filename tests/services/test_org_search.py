"""The search message extension's matcher (services/directory/search.py): names,
domains and ids with typos tolerated, only inside the searcher's scope, an empty query
by next expiry, at most 25, and a renamed organization found by its new name at once."""

from __future__ import annotations

import datetime as dt
import json

from services.db.engine import Database
from services.directory.search import MAX_RESULTS, Candidates, OrgSearch, rank
from services.network.importer import NetworkImporter
from services.scope import Scope, ScopeService
from services.understanding.text import fold
from tests.conftest import demo_document

TODAY = dt.date(2026, 11, 23)
ALICE, SOFIA = "alice.durand@contoso.example", "sofia.marino@coreview.example"


async def _scope(db: Database, email: str) -> Scope:
    scope = await ScopeService(db.sessions).for_email(email)
    assert scope is not None
    return scope


async def test_names_domains_and_ids_with_typos(demo_db: Database) -> None:
    search, alice = OrgSearch(demo_db.sessions), await _scope(demo_db, ALICE)
    for text, expected in (("Boulangerie", "c-boulangerie-dupont"),
                           ("boulangery dupon", "c-boulangerie-dupont"),  # two typos
                           ("cafe lumiere", "c-cafe-lumiere"),  # no accents typed
                           ("belle-epoque.example", "c-hotel-belle-epoque"),  # domain
                           ("moreau-transport", "c-transports-moreau"),  # domain, a typo
                           ("c-lycee-victor-hugo", "c-lycee-victor-hugo"),  # id
                           ("  GREENLEAF  ", "c-greenleaf-bio")):
        found = await search.find(alice, text, TODAY)
        assert found and found[0] == expected, (text, found)


async def test_only_the_searchers_own_organizations(demo_db: Database) -> None:
    search = OrgSearch(demo_db.sessions)
    alice, sofia = await _scope(demo_db, ALICE), await _scope(demo_db, SOFIA)
    contoso = {o["id"] for o in demo_document()["organizations"]
               if o["parent"] == "p-contoso"}
    for text in ("Brasserie Vanderberg", "c-zurich-uhren", "vanderberg.example",
                 "Fabrikam", "Contoso Partners", "Alpha Distribution", "CoreView"):
        assert await search.find(alice, text, TODAY) == [], text  # not hers, nor herself
    assert (await search.find(sofia, "Brasserie Vanderberg", TODAY))[0] == \
        "c-brasserie-vanderberg"
    assert (await search.find(sofia, "contoso", TODAY))[0] == "p-contoso"
    for text in ("e", "example", "o", ""):
        assert set(await search.find(alice, text, TODAY)) <= contoso, text


async def test_an_empty_query_lists_the_next_expiries(demo_db: Database) -> None:
    search, sofia = OrgSearch(demo_db.sessions), await _scope(demo_db, SOFIA)
    found = await search.find(sofia, "", TODAY)
    assert 0 < len(found) <= MAX_RESULTS and len(set(found)) == len(found)
    document = demo_document()
    nxt: dict[str, str] = {}
    for sub in document["subscriptions"]:
        if sub["expires_on"] >= TODAY.isoformat():
            org = sub["organization"]
            nxt[org] = min(nxt.get(org, "9999"), sub["expires_on"])
    expected = sorted(nxt, key=lambda org: (nxt[org], org))[:MAX_RESULTS]
    assert found == expected


async def test_a_renamed_organization_is_found_by_its_new_name(demo_db: Database) -> None:
    search, alice = OrgSearch(demo_db.sessions), await _scope(demo_db, ALICE)
    assert await search.find(alice, "Boulangerie Martin", TODAY) == []
    document = json.loads(json.dumps(demo_document()))
    for org in document["organizations"]:
        if org["id"] == "c-boulangerie-dupont":
            org["name"] = "Boulangerie Martin"
    await NetworkImporter(demo_db.sessions).import_document(document)
    assert (await search.find(alice, "Boulangerie Martin", TODAY))[0] == \
        "c-boulangerie-dupont"


def test_at_most_25_best_first() -> None:
    names = [f"Contoso Branch {i:03d}" for i in range(100)] + ["Contoso"]
    ids = [f"c-{i}" for i in range(101)]
    candidates = Candidates(ids, names, [fold(n) for n in names], [""] * 101,
                            [fold(i) for i in ids])
    found = rank(candidates, fold("contoso"))
    assert len(found) == MAX_RESULTS and found[0] == "c-100"  # the exact name first
    assert rank(candidates, fold("zzzz")) == []


async def test_the_organizations_a_message_names(demo_db: Database) -> None:
    search, alice = OrgSearch(demo_db.sessions), await _scope(demo_db, ALICE)
    message = ("Hi team, Boulangerie Dupnt (sic) asked about renewal; "
               "cafe-lumiere.example too. And Brasserie Vanderberg?")
    found = await search.named_in(alice, message)
    assert set(found) == {"c-boulangerie-dupont", "c-cafe-lumiere"}  # not Fabrikam's
    assert await search.named_in(alice, "ok") == []  # a short word names nothing
    assert await search.named_in(alice, "") == []
