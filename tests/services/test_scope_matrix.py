"""The scope rules (SPEC section 2) tested cell by cell.

* the page matrix: org kind x role x page, spelled out as a literal table;
* the rights of each role;
* on the demo network, for every demo operator: each directory page (Directory.search,
  count, license_total) either refuses with Forbidden or lists exactly the strict
  descendants of that kind, and nothing outside the subtree (own organization, siblings,
  parents, other branches) can be reached by id (detail, org_name, a parent filter): it
  raises NotFound exactly as a nonexistent id does;
* operators that are not active get no scope at all.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from services.db.engine import Database
from services.db.models import Operator
from services.directory import Directory, NotFound, OrgPage
from services.network.importer import NetworkImporter
from services.scope import Forbidden, Page, Right, Scope, ScopeService
from services.understanding.model import Filters

DEMO_FILE = Path(__file__).resolve().parents[2] / "bot" / "demo" / "partner-demo.json"
DEMO: dict[str, Any] = json.loads(DEMO_FILE.read_text("utf-8"))
TODAY = dt.date.fromisoformat(DEMO["as_of"])
ALL = 10_000  # a page size larger than any list here

# --------------------------------------------------------------------------------------
# The matrix of SPEC section 2, written out by hand (not derived from PAGES_BY_ORG_KIND):
# (org kind, role, page) -> may the operator open the page?
# --------------------------------------------------------------------------------------
Y, N = True, False
PAGE_MATRIX: list[tuple[str, str, str, bool]] = [
    # org kind      role      page            allowed
    ("provider",    "reader", "customers",    Y),
    ("provider",    "reader", "partners",     Y),
    ("provider",    "reader", "distributors", Y),
    ("provider",    "reader", "operators",    N),
    ("provider",    "admin",  "customers",    Y),
    ("provider",    "admin",  "partners",     Y),
    ("provider",    "admin",  "distributors", Y),
    ("provider",    "admin",  "operators",    Y),
    ("distributor", "reader", "customers",    Y),
    ("distributor", "reader", "partners",     Y),
    ("distributor", "reader", "distributors", N),
    ("distributor", "reader", "operators",    N),
    ("distributor", "admin",  "customers",    Y),
    ("distributor", "admin",  "partners",     Y),
    ("distributor", "admin",  "distributors", N),
    ("distributor", "admin",  "operators",    Y),
    ("partner",     "reader", "customers",    Y),
    ("partner",     "reader", "partners",     N),
    ("partner",     "reader", "distributors", N),
    ("partner",     "reader", "operators",    N),
    ("partner",     "admin",  "customers",    Y),
    ("partner",     "admin",  "partners",     N),
    ("partner",     "admin",  "distributors", N),
    ("partner",     "admin",  "operators",    Y),
]
ALLOWED = {(k, r, p): a for k, r, p, a in PAGE_MATRIX}

# The rights of each role, written out by hand.
RIGHTS_MATRIX: list[tuple[str, str, bool]] = [
    # role      right                   granted
    ("reader", "read",                  Y),
    ("reader", "manage_operators",      N),
    ("reader", "send_activation",       N),
    ("reader", "manage_notifications",  N),
    ("admin",  "read",                  Y),
    ("admin",  "manage_operators",      Y),
    ("admin",  "send_activation",       Y),
    ("admin",  "manage_notifications",  Y),
]

# Directory kinds and the page that lists them.
KIND_PAGES = {"customer": "customers", "partner": "partners", "distributor": "distributors"}
NONEXISTENT = "no-such-org"


def make_scope(kind: str, role: str, org_id: str = "org-1") -> Scope:
    return Scope(operator_id=1, email="op@example.com", name="Op", organization_id=org_id,
                 organization_name="Org", org_kind=kind, role=role)


# ---------------------------------------------------------------------- the page matrix


def test_matrix_is_complete() -> None:
    cells = {(k, r, p) for k, r, p, _ in PAGE_MATRIX}
    assert len(cells) == len(PAGE_MATRIX) == 3 * 2 * 4
    assert {p for _, _, p, _ in PAGE_MATRIX} == {p.value for p in Page}


@pytest.mark.parametrize(("kind", "role", "page", "allowed"), PAGE_MATRIX,
                         ids=[f"{k}-{r}-{p}" for k, r, p, _ in PAGE_MATRIX])
def test_page_matrix_cell(kind: str, role: str, page: str, allowed: bool) -> None:
    scope = make_scope(kind, role)
    assert scope.can_view(Page(page)) is allowed
    assert (Page(page) in scope.pages) is allowed
    if allowed:
        scope.require_page(Page(page))
    else:
        with pytest.raises(Forbidden) as exc:
            scope.require_page(Page(page))
        assert exc.value.page is Page(page)
        assert exc.value.right is None


@pytest.mark.parametrize("kind", ["provider", "distributor", "partner"])
@pytest.mark.parametrize("role", ["reader", "admin"])
def test_pages_and_visible_kinds(kind: str, role: str) -> None:
    scope = make_scope(kind, role)
    expected_pages = {p for (k, r, p), a in ALLOWED.items() if k == kind and r == role and a}
    assert {p.value for p in scope.pages} == expected_pages
    assert len(scope.pages) == len(expected_pages)
    assert set(scope.visible_kinds) == {
        k for k, p in KIND_PAGES.items() if p in expected_pages}


@pytest.mark.parametrize("role", ["reader", "admin"])
@pytest.mark.parametrize("page", list(Page))
def test_customer_kind_sees_no_page(role: str, page: Page) -> None:
    scope = make_scope("customer", role)
    assert not scope.can_view(page)
    with pytest.raises(Forbidden) as exc:
        scope.require_page(page)
    assert exc.value.page is page
    assert scope.pages == []


@pytest.mark.parametrize("page", list(Page))
def test_unknown_role_is_not_admin(page: Page) -> None:
    scope = make_scope("provider", "owner")
    assert not scope.is_admin
    assert scope.rights == frozenset({Right.READ})
    assert scope.can_view(page) is (page is not Page.OPERATORS)


# ------------------------------------------------------------------------------ rights


@pytest.mark.parametrize("kind", ["provider", "distributor", "partner"])
@pytest.mark.parametrize(("role", "right", "granted"), RIGHTS_MATRIX,
                         ids=[f"{r}-{g}" for r, g, _ in RIGHTS_MATRIX])
def test_rights_cell(kind: str, role: str, right: str, granted: bool) -> None:
    scope = make_scope(kind, role)
    assert scope.can(Right(right)) is granted
    assert (Right(right) in scope.rights) is granted
    assert scope.is_admin is (role == "admin")
    if granted:
        scope.require(Right(right))
    else:
        with pytest.raises(Forbidden) as exc:
            scope.require(Right(right))
        assert exc.value.right is Right(right)
        assert exc.value.page is None


@pytest.mark.parametrize("role", ["reader", "admin"])
def test_rights_per_role_exactly(role: str) -> None:
    scope = make_scope("partner", role)
    expected = {g for r, g, ok in RIGHTS_MATRIX if r == role and ok}
    assert {r.value for r in scope.rights} == expected


# ----------------------------------------------------- the demo network, operator by operator

DEMO_ORGS: dict[str, dict[str, Any]] = {o["id"]: o for o in DEMO["organizations"]}
DEMO_OPERATORS: list[dict[str, Any]] = DEMO["operators"]


def strict_descendants(orgs: dict[str, dict[str, Any]], root: str) -> set[str]:
    """Organizations strictly below ROOT, by walking each org's parent links upwards."""
    out = set()
    for oid in orgs:
        cur = orgs[oid]["parent"]
        while cur is not None:
            if cur == root:
                out.add(oid)
                break
            cur = orgs[cur]["parent"]
    return out


def ancestors(orgs: dict[str, dict[str, Any]], oid: str) -> list[str]:
    out, cur = [], orgs[oid]["parent"]
    while cur is not None:
        out.append(cur)
        cur = orgs[cur]["parent"]
    return out


def test_demo_has_what_these_tests_need() -> None:
    kinds = {DEMO_ORGS[o["organization"]]["kind"] for o in DEMO_OPERATORS}
    assert kinds == {"provider", "distributor", "partner"}
    roles = {tuple(o["roles"]) for o in DEMO_OPERATORS}
    assert roles == {("reader",), ("admin",)}
    # sanity of the independent helper on a known branch
    assert strict_descendants(DEMO_ORGS, "p-tailspin") == {
        "c-oslo-fjord", "c-bergen-seafood", "c-trondheim-tech", "c-tromso-arctic"}
    assert "d-alpha" not in strict_descendants(DEMO_ORGS, "d-alpha")


async def list_kind(directory: Directory, scope: Scope, kind: str,
                    filters: Filters | None = None, *, offset: int = 0,
                    limit: int = ALL) -> OrgPage:
    return await directory.search(scope, kind, filters or Filters(), TODAY, offset=offset,
                                  limit=limit, want_all=True)


@pytest.mark.parametrize("op", DEMO_OPERATORS, ids=[o["email"] for o in DEMO_OPERATORS])
async def test_demo_operator_sees_exactly_strict_descendants(
    demo_db: Database, op: dict[str, Any]
) -> None:
    scope = await ScopeService(demo_db.sessions).for_email(op["email"])
    assert scope is not None
    org = DEMO_ORGS[op["organization"]]
    assert scope.organization_id == org["id"]
    assert scope.org_kind == org["kind"]
    assert scope.role == op["roles"][0]
    directory = Directory(demo_db.sessions)
    below = strict_descendants(DEMO_ORGS, org["id"])
    for kind, page in KIND_PAGES.items():
        if not ALLOWED[(org["kind"], scope.role, page)]:
            for query in (directory.search, directory.count, directory.license_total):
                with pytest.raises(Forbidden) as exc:
                    await query(scope, kind, Filters(), TODAY)
                assert exc.value.page == Page(page), query
            continue
        expected = {oid for oid in below if DEMO_ORGS[oid]["kind"] == kind}
        result = await list_kind(directory, scope, kind)
        ids = [r.id for r in result.rows]
        assert len(ids) == len(set(ids))
        assert set(ids) == expected
        assert result.all_items is not None
        assert [r.id for r in result.all_items] == ids
        assert result.total == len(expected)
        assert result.offset == 0
        assert (await directory.count(scope, kind, Filters(), TODAY)).value == len(expected)
        for row in result.rows:
            assert row.kind == kind
            assert row.name == DEMO_ORGS[row.id]["name"]
            assert row.parent_name == DEMO_ORGS[DEMO_ORGS[row.id]["parent"]]["name"]
        # the same for every visible organization used as a parent filter
        for parent in sorted(below):
            sub = await list_kind(directory, scope, kind, Filters(parent=parent))
            assert {r.id for r in sub.rows} == {
                o for o in strict_descendants(DEMO_ORGS, parent) if o in expected}

    # by id: everything strictly below, and nothing else (own org, siblings, parents...)
    for oid in sorted(DEMO_ORGS):
        if oid in below:
            detail = await directory.detail(scope, oid, TODAY)
            assert detail.id == oid
            assert detail.kind == DEMO_ORGS[oid]["kind"]
            assert await directory.org_name(scope, oid) == DEMO_ORGS[oid]["name"]
        else:
            await assert_not_found(directory, scope, oid)
    await assert_not_found(directory, scope, NONEXISTENT)


async def assert_not_found(directory: Directory, scope: Scope, oid: str) -> None:
    """Every way to reach OID by id answers NotFound(oid), exactly as for a missing id."""
    with pytest.raises(NotFound) as exc:
        await directory.detail(scope, oid, TODAY)
    assert type(exc.value) is NotFound
    assert exc.value.args == (oid,)
    with pytest.raises(NotFound) as exc:
        await directory.org_name(scope, oid)
    assert exc.value.args == (oid,)
    for kind in scope.visible_kinds:  # as a parent filter
        if oid == scope.organization_id:
            # SPEC section 1: "customers of <my org>" = all customers in scope
            mine = await directory.count(scope, kind, Filters(parent=oid), TODAY)
            assert mine.value == (await directory.count(scope, kind, Filters(), TODAY)).value
            continue
        for query in (directory.search, directory.count, directory.license_total):
            with pytest.raises(NotFound) as exc:
                await query(scope, kind, Filters(parent=oid), TODAY)
            assert exc.value.args == (oid,), query


# Named cases: (operator e-mail, organizations that must look exactly like a missing id).
OUTSIDE_CASES = [
    ("sofia.marino@coreview.example", ["coreview"]),                       # own org
    ("luca.bianchi@coreview.example", ["coreview"]),
    ("claire.martin@alphadist.example",
     ["d-alpha", "d-nordic", "coreview", "p-northwind", "p-adatum", "c-oslo-fjord",
      "c-seattle-coffee"]),                                                # own, sibling, parent
    ("erik.lindqvist@nordiccloud.example",
     ["d-nordic", "d-alpha", "coreview", "p-contoso", "c-boulangerie-dupont"]),
    ("alice.durand@contoso.example",
     ["p-contoso", "p-fabrikam", "p-litware", "d-alpha", "coreview", "c-ghent-logistics",
      "c-seattle-coffee"]),
    ("james.carter@adatum.example",
     ["p-adatum", "coreview", "p-contoso", "d-alpha", "c-oslo-fjord"]),
]


@pytest.mark.parametrize(("email", "outside"), OUTSIDE_CASES, ids=[e for e, _ in OUTSIDE_CASES])
async def test_outside_the_subtree_looks_like_a_missing_id(
    demo_db: Database, email: str, outside: list[str]
) -> None:
    scope = await ScopeService(demo_db.sessions).for_email(email)
    assert scope is not None
    own = scope.organization_id
    assert own in outside
    assert set(ancestors(DEMO_ORGS, own)) <= set(outside)  # every parent is tried too
    directory = Directory(demo_db.sessions)
    await assert_not_found(directory, scope, NONEXISTENT)
    for oid in outside:
        assert oid in DEMO_ORGS
        await assert_not_found(directory, scope, oid)
    # and none of them ever shows up in a list either
    for kind in scope.visible_kinds:
        listed = {r.id for r in (await list_kind(directory, scope, kind)).rows}
        assert not listed & set(outside)


async def test_demo_pages_slice_the_same_set(demo_db: Database) -> None:
    scope = await ScopeService(demo_db.sessions).for_email("sofia.marino@coreview.example")
    assert scope is not None
    directory = Directory(demo_db.sessions)
    full = await list_kind(directory, scope, "customer")
    expected = {o for o in strict_descendants(DEMO_ORGS, "coreview")
                if DEMO_ORGS[o]["kind"] == "customer"}
    assert full.total == len(expected) == len(full.rows)
    seen: list[str] = []
    for offset in range(0, full.total + 5, 5):
        page = await list_kind(directory, scope, "customer", offset=offset, limit=5)
        assert page.total == full.total
        assert page.offset == offset
        assert [r.id for r in page.rows] == [r.id for r in full.rows][offset:offset + 5]
        seen += [r.id for r in page.rows]
    assert seen == [r.id for r in full.rows]
    assert set(seen) == expected


async def test_for_email_normalises_case_and_spaces(demo_db: Database) -> None:
    service = ScopeService(demo_db.sessions)
    scope = await service.for_email("  Claire.Martin@AlphaDist.example ")
    assert scope is not None
    assert scope.organization_id == "d-alpha"
    assert scope.role == "admin"
    by_aad = await service.for_aad_object_id("9888C69F-850F-5E5B-ACD2-C8FDF8762AB4")
    assert by_aad == scope
    assert await service.for_email("nobody@coreview.example") is None
    assert await service.for_aad_object_id(None) is None
    assert await service.for_aad_object_id("") is None


# ------------------------------------------------------------ operators that are not active

SMALL_NET: dict[str, Any] = {
    "format": "partner-network/1",
    "organizations": [
        {"id": "net", "name": "Net", "kind": "provider", "parent": None},
        {"id": "net-d", "name": "Net Dist", "kind": "distributor", "parent": "net"},
        {"id": "net-p", "name": "Net Partner", "kind": "partner", "parent": "net-d"},
        {"id": "net-c", "name": "Net Customer", "kind": "customer", "parent": "net-p"},
    ],
    "operators": [
        {"email": "active@net.example", "name": "Active", "organization": "net-d",
         "roles": ["admin"], "aad_object_id": "00000000-0000-0000-0000-000000000001"},
        {"email": "implicit@net.example", "name": "Implicit", "organization": "net-p",
         "roles": ["reader"], "status": "active",
         "aad_object_id": "00000000-0000-0000-0000-000000000002"},
        {"email": "removed@net.example", "name": "Removed", "organization": "net",
         "roles": ["admin"], "status": "removed",
         "aad_object_id": "00000000-0000-0000-0000-000000000003"},
        {"email": "pending@net.example", "name": "Pending", "organization": "net-d",
         "roles": ["reader"], "status": "pending",
         "aad_object_id": "00000000-0000-0000-0000-000000000004"},
        {"email": "pending-admin@net.example", "name": "Pending Admin", "organization": "net-p",
         "roles": ["admin"], "status": "pending",
         "aad_object_id": "00000000-0000-0000-0000-000000000005"},
    ],
}


def _aad(email: str) -> str:
    return next(o["aad_object_id"] for o in SMALL_NET["operators"] if o["email"] == email)


@pytest.mark.parametrize("email", ["removed@net.example", "pending@net.example",
                                   "pending-admin@net.example"])
async def test_inactive_operator_gets_no_scope(database: Database, email: str) -> None:
    await NetworkImporter(database.sessions).import_document(SMALL_NET)
    service = ScopeService(database.sessions)
    assert await service.for_email(email) is None
    assert await service.for_email(email.upper()) is None
    assert await service.for_aad_object_id(_aad(email)) is None


@pytest.mark.parametrize(("email", "org"), [("active@net.example", "net-d"),
                                            ("implicit@net.example", "net-p")])
async def test_active_operator_of_the_same_doc_gets_a_scope(
    database: Database, email: str, org: str
) -> None:
    await NetworkImporter(database.sessions).import_document(SMALL_NET)
    service = ScopeService(database.sessions)
    scope = await service.for_email(email)
    assert scope is not None
    assert scope.organization_id == org
    assert await service.for_aad_object_id(_aad(email)) == scope


async def test_status_change_on_reimport_takes_the_scope_away_and_back(
    database: Database,
) -> None:
    importer = NetworkImporter(database.sessions)
    service = ScopeService(database.sessions)
    await importer.import_document(SMALL_NET)
    assert await service.for_email("active@net.example") is not None

    def with_status(status: str) -> dict[str, Any]:
        op = dict(SMALL_NET["operators"][0], status=status)
        return {"format": "partner-network/1", "operators": [op]}

    for status, has_scope in [("removed", False), ("active", True), ("pending", False),
                              ("active", True)]:
        await importer.import_document(with_status(status))
        scope = await service.for_email("active@net.example")
        assert (scope is not None) is has_scope, status
        assert (await service.for_aad_object_id(_aad("active@net.example")) is not None) \
            is has_scope


async def test_operator_on_a_customer_gets_no_scope(database: Database) -> None:
    """The importer refuses such operators; a row that got in anyway still has no scope."""
    await NetworkImporter(database.sessions).import_document(SMALL_NET)
    async with database.sessions() as session, session.begin():
        await session.execute(insert(Operator).values(
            email="cust@net.example", name="Customer Op", organization_id="net-c",
            role="admin", status="active"))
    async with database.sessions() as session:
        assert (await session.execute(select(Operator.id).where(
            Operator.email == "cust@net.example"))).scalar_one()
    assert await ScopeService(database.sessions).for_email("cust@net.example") is None
