"""Property-based tests of the scope rule (SPEC section 2) with hypothesis.

Random valid partner networks (one or two in the same database, with random ids, names
and subscriptions) and random operators on non-customer organizations are imported into
a fresh database. Then no directory query (Directory.search with random offset, limit
and parent filter, count, license_total, detail, org_name) may return
or count an organization outside the operator's strict subtree, totals must be the size
of that subtree, and pages the directory refuses raise Forbidden. A second property moves
partners (and customers, and distributors across networks) and flips childless partners
and distributors with a second import, and checks that visibility follows the new tree.

Hypothesis cannot drive async tests with function-scoped fixtures, so each test is a
sync function whose examples call asyncio.run() on a helper opening its own database.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from services.db.engine import Database
from services.directory import Directory, NotFound
from services.network.importer import NetworkImporter
from services.scope import Forbidden, Page, Scope, ScopeService
from services.understanding.model import Filters
from tests.support.databases import BACKENDS, PG_SKIP_REASON, PG_URL, fresh_database

FORMAT = "partner-network/1"

# Written out by hand (SPEC section 2): the directory pages of each org kind.
LISTABLE_KINDS: dict[str, set[str]] = {
    "provider": {"customer", "partner", "distributor"},
    "distributor": {"customer", "partner"},
    "partner": {"customer"},
}
PAGE_OF = {"customer": Page.CUSTOMERS, "partner": Page.PARTNERS,
           "distributor": Page.DISTRIBUTORS}

EXAMPLES = {"sqlite": 25, "postgresql": 15}
TODAY = dt.date(2026, 6, 15)
ALL = 10_000  # a page size larger than any list here
SKUS = {"S1": "Sku One", "S2": "Sku Two"}


# Shrinking a failure here replays hundreds of examples, each with its own database: up
# to 5 minutes per failing test. Off by default (the failing example is still reported
# and saved); SCOPE_PROPERTIES_SHRINK=1 turns it on to get a minimal example.
SHRINK = os.environ.get("SCOPE_PROPERTIES_SHRINK", "") not in ("", "0")
PHASES = tuple(Phase) if SHRINK else (Phase.explicit, Phase.reuse, Phase.generate)


def run_settings(backend: str) -> settings:
    return settings(max_examples=EXAMPLES[backend], deadline=None, phases=PHASES,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def skip_unavailable(backend: str) -> None:
    if backend == "postgresql" and not PG_URL:
        pytest.skip(PG_SKIP_REASON)


# ----------------------------------------------------------------------------- the model


@dataclass
class Net:
    """What the test believes the database holds: kind and parent of every org."""

    kind: dict[str, str] = field(default_factory=dict)
    parent: dict[str, str | None] = field(default_factory=dict)
    name: dict[str, str] = field(default_factory=dict)
    # (organization, sku, licenses, expires_on)
    subs: list[tuple[str, str, int, dt.date]] = field(default_factory=list)

    def add(self, oid: str, kind: str, parent: str | None, name: str) -> None:
        self.kind[oid], self.parent[oid], self.name[oid] = kind, parent, name

    def below(self, root: str) -> set[str]:
        """Strict descendants of ROOT, by walking parent links up from every org."""
        out = set()
        for oid in self.kind:
            cur = self.parent[oid]
            steps = 0
            while cur is not None:
                steps += 1
                assert steps <= len(self.kind), "cycle in the test's model"
                if cur == root:
                    out.add(oid)
                    break
                cur = self.parent[cur]
        return out

    def of_kind(self, kind: str) -> list[str]:
        return sorted(o for o, k in self.kind.items() if k == kind)

    def org_records(self) -> list[dict[str, Any]]:
        return [{"id": o, "name": self.name[o], "kind": self.kind[o], "parent": self.parent[o]}
                for o in self.kind]

    def sub_records(self) -> list[dict[str, Any]]:
        return [{"id": f"sub-{i}", "organization": org, "sku": sku, "licenses": lic,
                 "starts_on": (exp - dt.timedelta(days=365)).isoformat(),  # see above
                 "expires_on": exp.isoformat()}
                for i, (org, sku, lic, exp) in enumerate(self.subs)]

    def active_licenses(self, orgs: set[str]) -> Counter[str]:
        """Seats of the active subscriptions (started, a year before they expire, and
        not expired: one expiring more than a year ahead is booked, not counted yet)."""
        out: Counter[str] = Counter()
        for org, sku, lic, exp in self.subs:
            if org in orgs and exp - dt.timedelta(days=365) <= TODAY <= exp:
                out[sku] += lic
        return out


@dataclass(frozen=True)
class Op:
    email: str
    org: str
    role: str
    status: str  # active / pending / removed

    def record(self) -> dict[str, Any]:
        rec: dict[str, Any] = {"email": self.email, "name": f"Op {self.email}",
                               "organization": self.org, "roles": [self.role]}
        if self.status != "active" or len(self.email) % 2:
            rec["status"] = self.status  # "active" written explicitly half of the time
        return rec


# ------------------------------------------------------------------------------ strategies

ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}", fullmatch=True)
names = st.text(
    alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]),
    min_size=1, max_size=24,
).map(str.strip).filter(bool)


@st.composite
def trees(draw: st.DrawFn, *, networks: tuple[int, int] = (1, 2),
          min_distributors: int = 0) -> Net:
    """One or more valid partner trees (each: 1 provider, 0-4 distributors, 0-6 partners
    under the provider or a distributor, 0-8 customers under partners), random ids."""
    shapes = []
    for _ in range(draw(st.integers(*networks))):
        n_dist = draw(st.integers(min_distributors, 4))
        n_part = draw(st.integers(0, 6))
        n_cust = draw(st.integers(0, 8)) if n_part else 0
        shapes.append((n_dist, n_part, n_cust))
    total = sum(1 + d + p + c for d, p, c in shapes)
    pool = iter(draw(st.lists(ids, min_size=total, max_size=total, unique=True)))
    net = Net()
    for n_dist, n_part, n_cust in shapes:
        provider = next(pool)
        net.add(provider, "provider", None, draw(names))
        dists = [next(pool) for _ in range(n_dist)]
        for d in dists:
            net.add(d, "distributor", provider, draw(names))
        parts = [next(pool) for _ in range(n_part)]
        for p in parts:
            net.add(p, "partner", draw(st.sampled_from([provider, *dists])), draw(names))
        for _ in range(n_cust):
            net.add(next(pool), "customer", draw(st.sampled_from(parts)), draw(names))
    return net


def operators(net: Net, max_size: int = 5) -> st.SearchStrategy[list[Op]]:
    orgs = sorted(o for o, k in net.kind.items() if k != "customer")
    one = st.tuples(st.sampled_from(orgs), st.sampled_from(["reader", "admin"]),
                    st.sampled_from(["active", "active", "active", "pending", "removed"]))
    return st.lists(one, min_size=1, max_size=max_size).map(
        lambda rows: [Op(f"op{i}@ex{i % 3}.example", org, role, status)
                      for i, (org, role, status) in enumerate(rows)])


def with_subscriptions(net: Net) -> st.SearchStrategy[Net]:
    """NET plus 0-2 random subscriptions per organization, some lapsed, some active."""
    one = st.tuples(st.sampled_from(sorted(SKUS)), st.integers(0, 500),
                    st.integers(-400, 400).map(lambda d: TODAY + dt.timedelta(days=d)))
    per_org = st.fixed_dictionaries({o: st.lists(one, max_size=2) for o in sorted(net.kind)})

    def build(subs: dict[str, list[tuple[str, int, dt.date]]]) -> Net:
        out = Net(dict(net.kind), dict(net.parent), dict(net.name))
        out.subs = [(o, *sub) for o, rows in subs.items() for sub in rows]
        return out

    return per_org.map(build)


def document(net: Net, ops: list[Op]) -> dict[str, Any]:
    return {"format": FORMAT,
            "skus": [{"code": c, "name": n} for c, n in SKUS.items()],
            "organizations": net.org_records(),
            "subscriptions": net.sub_records(),
            "operators": [o.record() for o in ops]}


# ------------------------------------------------------------------------------- checking


async def search(directory: Directory, scope: Scope, kind: str,
                 filters: Filters | None = None, *, offset: int = 0,
                 limit: int = ALL) -> Any:
    return await directory.search(scope, kind, filters or Filters(), TODAY, offset=offset,
                                  limit=limit, want_all=True)


async def check_visibility(db: Database, net: Net, ops: list[Op], data: st.DataObject,
                           *, probes: int = 6) -> None:
    """Every query of every operator stays inside the strict subtree, with exact totals."""
    service = ScopeService(db.sessions)
    directory = Directory(db.sessions)
    all_ids = sorted(net.kind)
    any_id = st.sampled_from(all_ids) | ids
    for op in ops:
        scope = await service.for_email(op.email)
        if op.status != "active":
            assert scope is None, op
            continue
        assert scope is not None, op
        assert (scope.organization_id, scope.org_kind, scope.role) == (
            op.org, net.kind[op.org], op.role)
        below = net.below(op.org)
        listable = LISTABLE_KINDS[net.kind[op.org]]
        for kind, page in PAGE_OF.items():
            if kind not in listable:
                for query in (directory.search, directory.count, directory.license_total):
                    with pytest.raises(Forbidden) as exc:
                        await query(scope, kind, Filters(), TODAY)
                    assert exc.value.page == page
                continue
            expected = {o for o in below if net.kind[o] == kind}
            n = len(expected)
            full = await search(directory, scope, kind)
            full_ids = [r.id for r in full.rows]
            assert len(full_ids) == len(set(full_ids)), (op, kind)
            assert set(full_ids) == expected, (op, kind)
            assert full.total == n
            assert [r.id for r in full.all_items] == full_ids
            for row in full.rows:
                assert (row.kind, row.parent_name) == (kind, net.name[net.parent[row.id]])
            # aggregates see the same set, and nothing else
            assert (await directory.count(scope, kind, Filters(), TODAY)).value == n
            licenses = await directory.license_total(scope, kind, Filters(), TODAY)
            assert {b.label: b.value for b in licenses.breakdown if b.value} == {
                k: v for k, v in net.active_licenses(expected).items() if v}
            assert licenses.value == sum(net.active_licenses(expected).values())

            offset = data.draw(st.integers(0, n + 2), label=f"offset {op.email} {kind}")
            limit = data.draw(st.integers(0, n + 2), label=f"limit {op.email} {kind}")
            page_ = await search(directory, scope, kind, offset=offset, limit=limit)
            got = [r.id for r in page_.rows]
            assert set(got) <= expected, (op, kind, offset, limit)
            assert page_.total == n, (op, kind, offset, limit)
            assert page_.offset == offset
            assert got == full_ids[offset:offset + limit], (op, kind, offset, limit)
            assert [r.id for r in page_.all_items] == full_ids

            parent = data.draw(any_id, label=f"parent filter {op.email} {kind}")
            if (parent in below and net.kind[parent] in listable) or parent == op.org:
                # the operator's own organization as a parent: all of the kind in scope
                sub = await search(directory, scope, kind, Filters(parent=parent))
                assert {r.id for r in sub.rows} == net.below(parent) & expected
                assert sub.total == len(net.below(parent) & expected)
            else:
                with pytest.raises(NotFound) as exc:
                    await search(directory, scope, kind, Filters(parent=parent))
                assert exc.value.args == (parent,)

        targets = data.draw(st.lists(any_id, max_size=probes), label=f"get {op.email}")
        targets += [op.org] + ([net.parent[op.org]] if net.parent[op.org] else [])
        for oid in targets:
            if oid in below and net.kind[oid] in listable:
                detail = await directory.detail(scope, oid, TODAY)
                assert (detail.id, detail.kind, detail.parent_name) == (
                    oid, net.kind[oid], net.name[net.parent[oid]])
                assert detail.licenses == sum(net.active_licenses({oid}).values())
                assert await directory.org_name(scope, oid) == net.name[oid]
            else:
                with pytest.raises(NotFound) as exc:
                    await directory.detail(scope, oid, TODAY)
                assert exc.value.args == (oid,)
                with pytest.raises(NotFound):
                    await directory.org_name(scope, oid)


# ------------------------------------------------------------------ property 1: no leaks


@pytest.mark.parametrize("backend", BACKENDS)
def test_directory_never_leaves_the_strict_subtree(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    skip_unavailable(backend)

    @run_settings(backend)
    @given(data=st.data())
    def prop(data: st.DataObject) -> None:
        net = data.draw(trees().flatmap(with_subscriptions), label="network")
        ops = data.draw(operators(net), label="operators")
        event("networks", len(net.of_kind("provider")))
        event("organizations", f"<= {10 * (len(net.kind) // 10 + 1)}")

        async def run() -> None:
            async with fresh_database(backend, tmp_path_factory.mktemp("scope")) as db:
                await NetworkImporter(db.sessions).import_document(document(net, ops))
                await check_visibility(db, net, ops, data)

        asyncio.run(run())

    prop()


# ------------------------------------------------- property 2: re-parenting, kind changes


@dataclass
class Scenario:
    net: Net
    moves: list[tuple[str, str]]  # (organization, new parent), applied in order
    kind_changes: list[str]       # partners that become distributors and vice versa

    def after(self) -> Net:
        out = Net(dict(self.net.kind), dict(self.net.parent), dict(self.net.name),
                  list(self.net.subs))
        for oid, parent in self.moves:
            out.parent[oid] = parent
        for oid in self.kind_changes:
            out.kind[oid] = FLIP[out.kind[oid]]
        return out


FLIP = {"partner": "distributor", "distributor": "partner"}


@st.composite
def moves_scenario(draw: st.DrawFn) -> Scenario:
    """A tree with a partner under one distributor and the partner's new distributor,
    then 0-3 further random moves (a partner under any provider or distributor, a customer
    under any partner, a distributor under the other network's provider when there are
    two networks in the database), then 0-2 kind changes of childless organizations under
    a provider (partner <-> distributor)."""
    net = draw(trees(networks=(1, 2), min_distributors=2))
    first_provider = next(o for o in net.kind if net.kind[o] == "provider")
    dists = sorted(o for o in net.below(first_provider) if net.kind[o] == "distributor")
    old = draw(st.sampled_from(dists))
    new = draw(st.sampled_from([d for d in dists if d != old]))
    moved = draw(ids.filter(lambda i: i not in net.kind))
    net.add(moved, "partner", old, draw(names))
    for _ in range(draw(st.integers(0, 3))):  # give the moved partner customers
        cid = draw(ids.filter(lambda i: i not in net.kind))
        net.add(cid, "customer", moved, draw(names))
    moves = [(moved, new)]
    parent_kinds = {"partner": ("provider", "distributor"), "customer": ("partner",),
                    "distributor": ("provider",)}
    for _ in range(draw(st.integers(0, 3))):
        candidates = {
            "partner": [p for p in net.of_kind("partner") if p != moved],
            "customer": net.of_kind("customer"),
            "distributor": net.of_kind("distributor") if len(net.of_kind("provider")) > 1
            else [],
        }
        kinds = [k for k, c in candidates.items() if c]
        if not kinds:
            break
        kind = draw(st.sampled_from(kinds))
        oid = draw(st.sampled_from(candidates[kind]))
        choices = [o for o, k in net.kind.items()
                   if k in parent_kinds[kind] and o != net.parent[oid]]
        if choices:
            moves.append((oid, draw(st.sampled_from(sorted(choices)))))
    mid = Scenario(net, moves, []).after()
    has_children = {p for p in mid.parent.values() if p is not None}
    flippable = sorted(o for o, k in mid.kind.items() if k in FLIP and o not in has_children
                       and mid.kind[mid.parent[o]] == "provider" and o not in (old, new))
    changes = draw(st.lists(st.sampled_from(flippable), unique=True, max_size=2)
                   ) if flippable else []
    return Scenario(net, moves, changes)


def _root(net: Net, oid: str) -> str:
    while (p := net.parent[oid]) is not None:
        oid = p
    return oid


@pytest.mark.parametrize("backend", BACKENDS)
def test_reparenting_and_kind_changes_move_visibility(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    skip_unavailable(backend)

    @run_settings(backend)
    @given(data=st.data())
    def prop(data: st.DataObject) -> None:
        scenario = data.draw(moves_scenario(), label="scenario")
        net = scenario.net = data.draw(with_subscriptions(scenario.net), label="subscriptions")
        moved, new = scenario.moves[0]
        old = net.parent[moved]
        # operators on the old and new distributors, the provider and the moved partner,
        # plus random ones
        fixed = [Op(f"fixed{i}@ex.example", org, role, "active") for i, (org, role) in
                 enumerate([(old, "reader"), (new, "admin"), (_root(net, old), "reader"),
                            (moved, "admin")])]
        ops = fixed + data.draw(operators(net, max_size=2), label="operators")
        partial = data.draw(st.booleans(), label="partial second document")
        event("second document", "partial" if partial else "whole")
        event("kind changes", len(scenario.kind_changes))
        event("further moves", len(scenario.moves) - 1)
        event("networks", len(net.of_kind("provider")))

        async def run() -> None:
            async with fresh_database(backend, tmp_path_factory.mktemp("move")) as db:
                importer = NetworkImporter(db.sessions)
                await importer.import_document(document(net, ops))
                await check_visibility(db, net, ops, data, probes=2)

                after = scenario.after()
                changed = {o for o in net.kind
                           if (after.parent[o], after.kind[o]) != (net.parent[o], net.kind[o])}
                if partial:  # only the changed organizations
                    second = {"format": FORMAT, "organizations": [
                        r for r in after.org_records() if r["id"] in changed]}
                else:        # the whole network again, with the new parents and kinds
                    second = document(after, ops)
                result = await importer.import_document(second)
                assert result.organizations.updated == len(changed)

                service = ScopeService(db.sessions)
                directory = Directory(db.sessions)
                old_scope = await service.for_email(fixed[0].email)
                new_scope = await service.for_email(fixed[1].email)
                assert old_scope is not None and new_scope is not None
                carried = {moved} | after.below(moved)
                for kind in ("partner", "customer"):
                    seen_old = {r.id for r in (
                        await search(directory, old_scope, kind)).rows}
                    seen_new = {r.id for r in (
                        await search(directory, new_scope, kind)).rows}
                    assert not seen_old & carried, (kind, old, moved)
                    assert {o for o in carried if after.kind[o] == kind} <= seen_new, (
                        kind, new, moved)
                for oid in sorted(carried):
                    with pytest.raises(NotFound):
                        await directory.detail(old_scope, oid, TODAY)
                    assert (await directory.detail(new_scope, oid, TODAY)).id == oid

                await check_visibility(db, after, ops, data, probes=3)

        asyncio.run(run())

    prop()


def test_strategies_produce_valid_documents() -> None:
    """The generator itself: every tree passes the project's own validation."""
    from services.network.validate import validate_document

    @settings(max_examples=50, deadline=None)
    @given(data=st.data())
    def prop(data: st.DataObject) -> None:
        net = data.draw(trees().flatmap(with_subscriptions))
        ops = data.draw(operators(net))
        validate_document(document(net, ops))
        for oid in net.kind:
            assert oid not in net.below(oid)
        providers = net.of_kind("provider")
        for a, b in itertools.combinations(providers, 2):
            assert not (net.below(a) & net.below(b))

    prop()
