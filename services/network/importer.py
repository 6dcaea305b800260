"""Import (idempotent upsert) and export of `partner-network/1` documents."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.batches import chunks
from services.db.meta import bump_network_version
from services.db.models import (
    ActivationLink,
    ChannelSubscription,
    Operator,
    OperatorStatus,
    Organization,
    OrgClosure,
    Sku,
    Subscription,
)
from services.network.validate import (
    FORMAT,
    KIND_RANK,
    KnownNetwork,
    NetworkDocument,
    NetworkValidationError,
    Problem,
    validate_document,
)
from services.notifications.owners import SubscriptionOwners


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "removed": self.removed}


@dataclass
class ImportResult:
    skus: Counts = field(default_factory=Counts)
    organizations: Counts = field(default_factory=Counts)
    subscriptions: Counts = field(default_factory=Counts)
    operators: Counts = field(default_factory=Counts)

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated or c.removed for c in self._all())

    def _all(self) -> list[Counts]:
        return [self.skus, self.organizations, self.subscriptions, self.operators]

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {
            "skus": self.skus.as_dict(),
            "organizations": self.organizations.as_dict(),
            "subscriptions": self.subscriptions.as_dict(),
            "operators": self.operators.as_dict(),
        }

    def summary(self) -> str:
        parts = []
        for name, c in self.as_dict().items():
            parts.append(f"{name}: {c['created']} created, {c['updated']} updated, "
                         f"{c['unchanged']} unchanged"
                         + (f", {c['removed']} removed" if c["removed"] else ""))
        return "; ".join(parts)




class NetworkImporter:
    """Validates a whole document against the database, then upserts it in one transaction."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 owners: SubscriptionOwners | None = None) -> None:
        self._sessions = sessions
        # Subscriptions follow the operators a document removes, moves or demotes, in the
        # same transaction (services/notifications/owners.py).
        self._owners = owners

    async def import_document(self, doc: Any) -> ImportResult:
        async with self._sessions() as session, session.begin():
            return await self.apply_in(session, doc)

    async def apply_in(self, session: AsyncSession, doc: Any) -> ImportResult:
        """Validate and apply DOC in the caller's transaction (the feed adds its own
        bookkeeping to the same transaction)."""
        network = validate_document(doc, await self._known(session))
        await _check_removals(session, network)
        result = await self._apply(session, network)
        await self._settle_operators(session, network)
        return result

    async def _settle_operators(self, session: AsyncSession, net: NetworkDocument) -> None:
        emails = [o.email for o in net.operators] + list(net.removed_operators)
        if self._owners is None or not emails:
            return
        ids: list[int] = []
        for part in chunks(emails):
            ids += (await session.execute(select(Operator.id).where(
                Operator.email.in_(part)))).scalars().all()
        await self._owners.settle(session, ids)

    async def _known(self, session: AsyncSession) -> KnownNetwork:
        orgs = (await session.execute(
            select(Organization.id, Organization.kind, Organization.parent_id))).all()
        skus = (await session.execute(select(Sku.code))).scalars().all()
        aad = (await session.execute(
            select(Operator.aad_object_id, Operator.email).where(
                Operator.aad_object_id.is_not(None)))).all()
        return KnownNetwork(
            org_kinds={o.id: o.kind for o in orgs},
            org_parents={o.id: o.parent_id for o in orgs},
            sku_codes=frozenset(skus),
            aad_owners={a: e for a, e in aad if a},
        )

    async def _apply(self, session: AsyncSession, net: NetworkDocument) -> ImportResult:
        result = ImportResult()
        await _upsert(session, Sku, "code",
                      [{"code": s.code, "name": s.name} for s in net.skus], result.skus)

        orgs = sorted(net.organizations, key=lambda o: (KIND_RANK[o.kind], o.id))
        org_rows = [{"id": o.id, "name": o.name, "kind": o.kind, "parent_id": o.parent,
                     **o.values} for o in orgs]
        before = {r.id: (r.parent_id, r.kind) for r in (await session.execute(
            select(Organization.id, Organization.parent_id, Organization.kind))).all()}
        await _upsert(session, Organization, "id", org_rows, result.organizations)
        moved = {o.id for o in orgs if before.get(o.id) != (o.parent, o.kind)}
        if moved:
            await rebuild_closure(session, moved)

        await _upsert(session, Subscription, "id", [
            {"id": s.id, "organization_id": s.organization, "sku_code": s.sku,
             "licenses": s.licenses, "starts_on": s.starts_on, "expires_on": s.expires_on,
             **s.values} for s in net.subscriptions], result.subscriptions,
            defaults=SUBSCRIPTION_DEFAULTS)

        await _upsert(session, Operator, "email", [
            {"email": o.email, "name": o.name, "organization_id": o.organization,
             "role": o.role, **o.values} for o in net.operators], result.operators)
        await _remove(session, net, result)
        if result.changed:
            await bump_network_version(session)
        return result


async def _check_removals(session: AsyncSession, net: NetworkDocument) -> None:
    """An organization is removed only once nothing hangs on it: no child organization,
    licence subscription, operator or notification subscription (other than those the
    same document removes). Refused whole, before anything is written."""
    gone = net.removed_organizations
    if not gone:
        return
    problems: list[Problem] = []
    leaving = set(gone) | set(net.removed_subscriptions)  # what the document removes too
    checks = [
        ("children", Organization.parent_id, Organization.id),
        ("licence subscriptions", Subscription.organization_id, Subscription.id),
        ("operators", Operator.organization_id, Operator.email),
        ("notification subscriptions", ChannelSubscription.organization_id,
         ChannelSubscription.conversation_id),
    ]
    for what, owner_col, item_col in checks:
        found: dict[str, list[str]] = {}
        for part in chunks(gone):
            for owner, item in (await session.execute(
                    select(owner_col, item_col).where(owner_col.in_(part)))).all():
                if item not in leaving:
                    found.setdefault(str(owner), []).append(str(item))
        for owner, items in sorted(found.items()):
            shown = ", ".join(sorted(items)[:5]) + (" ..." if len(items) > 5 else "")
            problems.append(Problem("organizations", owner, "removed",
                                    f"still has {what} ({shown}): remove them first"))
    if problems:
        raise NetworkValidationError(problems)


async def _remove(session: AsyncSession, net: NetworkDocument, result: ImportResult) -> None:
    """Apply the document's removals; what is already gone counts as unchanged."""

    async def remove(counts: Counts, ids: list[str], statement: Any) -> None:
        for part in chunks(ids):
            done: int = (await session.execute(statement(part))).rowcount  # type: ignore[attr-defined]
            counts.removed += done
            counts.unchanged += len(part) - done

    await remove(result.subscriptions, net.removed_subscriptions,
                 lambda part: delete(Subscription).where(Subscription.id.in_(part)))
    await remove(result.operators, net.removed_operators, lambda part: update(Operator).where(
        Operator.email.in_(part), Operator.status != OperatorStatus.REMOVED).values(
        status=OperatorStatus.REMOVED))
    gone = net.removed_organizations
    for part in chunks(gone):
        await session.execute(delete(ActivationLink).where(
            ActivationLink.organization_id.in_(part)))
        await session.execute(delete(OrgClosure).where(
            OrgClosure.descendant_id.in_(part) | OrgClosure.ancestor_id.in_(part)))
    await remove(result.organizations, gone,
                 lambda part: delete(Organization).where(Organization.id.in_(part)))


# What a new subscription gets for the renewal terms its record leaves out.
SUBSCRIPTION_DEFAULTS: dict[str, Any] = {"auto_renew": False, "billing_cycle": None}


async def _upsert(
    session: AsyncSession, model: Any, key: str, rows: list[dict[str, Any]], counts: Counts,
    defaults: dict[str, Any] | None = None,
) -> None:
    """Insert new rows (DEFAULTS for the fields a row leaves out), update rows whose given
    fields differ, count the unchanged ones."""
    if not rows:
        return
    fields = sorted({f for r in rows for f in r} - {key})
    key_col = getattr(model, key)
    existing: dict[Any, tuple[Any, ...]] = {}
    keys = [r[key] for r in rows]
    for part in chunks(keys):
        stmt = select(key_col, *[getattr(model, f) for f in fields]).where(key_col.in_(part))
        for row in (await session.execute(stmt)).all():
            existing[row[0]] = tuple(row[1:])
    new, changed = [], []
    for r in rows:
        old = existing.get(r[key])
        if old is None:
            new.append({**(defaults or {}), **r})
            continue
        old_map = dict(zip(fields, old, strict=True))
        diff = {f: r[f] for f in fields if f in r and old_map[f] != r[f]}
        if diff:
            changed.append((r[key], diff))
        else:
            counts.unchanged += 1
    # Core executemany (not the ORM's bulk insert: a third of a large import's time),
    # one statement per run of rows giving the same fields, in the document's order
    # (parents before their children).
    table = model.__table__
    for part in chunks(new):
        for _fields, run in groupby(part, key=_fields_of):
            await session.execute(insert(table), list(run))
    counts.created += len(new)
    # One UPDATE statement per set of changed fields, run for all its rows at once
    # (executemany): 10,000 renewals are one statement, not 10,000.
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for pk, diff in changed:
        groups.setdefault(tuple(sorted(diff)), []).append(
            {"_key": pk, **{f"_new_{f}": v for f, v in diff.items()}})
    for names, params in groups.items():
        change = update(table).where(table.c[key] == bindparam("_key")).values(
            {name: bindparam(f"_new_{name}") for name in names})
        for part in chunks(params):
            await session.execute(change, part)
    counts.updated += len(changed)


def _fields_of(row: dict[str, Any]) -> tuple[str, ...]:
    return tuple(row)


async def rebuild_closure(session: AsyncSession, changed: set[str]) -> None:
    """Recompute the closure rows of CHANGED organizations and everything below them."""
    rows = (await session.execute(
        select(Organization.id, Organization.parent_id, Organization.kind))).all()
    parents = {r.id: r.parent_id for r in rows}
    kinds = {r.id: r.kind for r in rows}
    children: dict[str, list[str]] = {}
    for oid, pid in parents.items():
        if pid is not None:
            children.setdefault(pid, []).append(oid)
    affected: set[str] = set()
    stack = list(changed)
    while stack:
        oid = stack.pop()
        if oid in affected:
            continue
        affected.add(oid)
        stack.extend(children.get(oid, []))
    ids = sorted(affected)
    for part in chunks(ids):
        await session.execute(delete(OrgClosure).where(OrgClosure.descendant_id.in_(part)))
    closure: list[dict[str, Any]] = []
    for oid in ids:
        cur: str | None = oid
        depth, seen = 0, set()
        while cur is not None and cur not in seen:
            seen.add(cur)
            closure.append({"ancestor_id": cur, "descendant_id": oid, "depth": depth,
                            "descendant_kind": kinds[oid]})
            cur = parents.get(cur)
            depth += 1
    for batch in chunks(closure):
        await session.execute(insert(OrgClosure.metadata.tables[OrgClosure.__tablename__]),
                              batch)


class NetworkExporter:
    """Writes the database back as a `partner-network/1` document."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def export_document(self, as_of: dt.date | None = None) -> dict[str, Any]:
        async with self._sessions() as session:
            skus = (await session.execute(select(Sku).order_by(Sku.code))).scalars().all()
            orgs = (await session.execute(select(Organization))).scalars().all()
            subs = (await session.execute(
                select(Subscription).order_by(Subscription.id))).scalars().all()
            ops = (await session.execute(
                select(Operator).order_by(Operator.organization_id, Operator.email)
            )).scalars().all()
        orgs = sorted(orgs, key=lambda o: (KIND_RANK[o.kind], o.id))
        doc: dict[str, Any] = {"format": FORMAT}
        if as_of:
            doc["as_of"] = as_of.isoformat()
        doc["skus"] = [{"code": s.code, "name": s.name} for s in skus]
        doc["organizations"] = [_org_out(o) for o in orgs]
        doc["subscriptions"] = [
            {"id": s.id, "organization": s.organization_id, "sku": s.sku_code,
             "licenses": s.licenses, "starts_on": s.starts_on.isoformat(),
             "expires_on": s.expires_on.isoformat(), "billing_cycle": s.billing_cycle,
             "auto_renew": s.auto_renew} for s in subs]
        doc["operators"] = [_operator_out(o) for o in ops]
        return doc


def _org_out(o: Organization) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": o.id, "name": o.name, "kind": o.kind, "parent": o.parent_id,
        "domain": o.domain, "country": o.country, "onboarding": o.onboarding,
        "tenant_id": o.tenant_id,
    }
    if o.account_manager_name or o.account_manager_email:
        out["account_manager"] = {"name": o.account_manager_name,
                                  "email": o.account_manager_email}
    return out


def _operator_out(o: Operator) -> dict[str, Any]:
    out: dict[str, Any] = {
        "email": o.email, "name": o.name, "organization": o.organization_id,
        "roles": [o.role], "aad_object_id": o.aad_object_id, "tenant_id": o.tenant_id,
    }
    if o.status != OperatorStatus.ACTIVE:
        out["status"] = o.status
    return out


__all__ = ["ImportResult", "NetworkExporter", "NetworkImporter", "rebuild_closure"]
