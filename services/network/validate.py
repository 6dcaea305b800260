"""Validation of `partner-network/1` documents (SPEC section 4).

The whole document is checked before anything is written; every problem names the
section, the record id and the field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from services.db.models import BillingCycle, Onboarding, OperatorStatus, OrgKind, Role

FORMAT = "partner-network/1"

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
GUID_RE = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")
DOMAIN_RE = re.compile(
    r"^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")

# Which parent kinds each kind may sit under (provider is the root).
ALLOWED_PARENTS: dict[str, frozenset[str | None]] = {
    OrgKind.PROVIDER: frozenset({None}),
    OrgKind.DISTRIBUTOR: frozenset({OrgKind.PROVIDER}),
    OrgKind.PARTNER: frozenset({OrgKind.PROVIDER, OrgKind.DISTRIBUTOR}),
    OrgKind.CUSTOMER: frozenset({OrgKind.PARTNER}),
}
KIND_RANK: dict[str, int] = {
    OrgKind.PROVIDER: 0, OrgKind.DISTRIBUTOR: 1, OrgKind.PARTNER: 2, OrgKind.CUSTOMER: 3}


@dataclass(frozen=True)
class Problem:
    section: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.section}[{self.record}].{self.field}: {self.message}"


class NetworkValidationError(Exception):
    """The document is refused whole; `problems` names every bad record and field."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the document:\n{shown}{more}")


@dataclass(frozen=True)
class SkuRecord:
    code: str
    name: str


@dataclass(frozen=True)
class OrgRecord:
    id: str
    name: str
    kind: str
    parent: str | None
    # Optional fields: only those present in the document are written.
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SubscriptionRecord:
    id: str
    organization: str
    sku: str
    licenses: int
    starts_on: dt.date
    expires_on: dt.date
    # auto_renew / billing_cycle, only when the document has them (an update of a record
    # without them keeps what the database holds; a new row gets false / none).
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OperatorRecord:
    email: str
    name: str
    organization: str
    role: str
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class NetworkDocument:
    skus: list[SkuRecord]
    organizations: list[OrgRecord]
    subscriptions: list[SubscriptionRecord]
    operators: list[OperatorRecord]
    # Records marked `"removed": true` (ids, e-mails): removed when they exist.
    removed_organizations: list[str] = field(default_factory=list)
    removed_subscriptions: list[str] = field(default_factory=list)
    removed_operators: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class KnownNetwork:
    """What the database already holds, for references the document does not carry."""

    org_kinds: Mapping[str, str] = field(default_factory=dict)
    org_parents: Mapping[str, str | None] = field(default_factory=dict)
    sku_codes: frozenset[str] = frozenset()
    aad_owners: Mapping[str, str] = field(default_factory=dict)  # aad_object_id -> email


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, section: str, record: str, fld: str, message: str) -> None:
        self.problems.append(Problem(section, record, fld, message))

    def text(
        self, section: str, rid: str, rec: Mapping[str, Any], fld: str, *, required: bool,
        max_len: int = 200, pattern: re.Pattern[str] | None = None, what: str = "",
    ) -> str | None:
        value = rec.get(fld)
        if value is None:
            if required:
                self.add(section, rid, fld, "is required")
            return None
        if not isinstance(value, str):
            self.add(section, rid, fld, "must be a string")
            return None
        value = value.strip()
        if required and not value:
            self.add(section, rid, fld, "must not be empty")
            return None
        if len(value) > max_len:
            self.add(section, rid, fld, f"is longer than {max_len} characters")
            return None
        if value and pattern is not None and not pattern.match(value):
            self.add(section, rid, fld, f"is not a valid {what or fld}: {value!r}")
            return None
        return value

    def date(self, section: str, rid: str, rec: Mapping[str, Any], fld: str) -> dt.date | None:
        value = rec.get(fld)
        if not isinstance(value, str):
            self.add(section, rid, fld, "must be a date YYYY-MM-DD")
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.add(section, rid, fld, f"is not a valid date YYYY-MM-DD: {value!r}")
            return None


def _records(doc: Mapping[str, Any], section: str, chk: _Checker) -> list[Mapping[str, Any]]:
    value = doc.get(section, [])
    if not isinstance(value, list):
        chk.add(section, "*", section, "must be a list")
        return []
    out: list[Mapping[str, Any]] = []
    for i, rec in enumerate(value):
        if not isinstance(rec, dict):
            chk.add(section, f"#{i}", "*", "must be an object")
            continue
        out.append(rec)
    return out


def _rid(rec: Mapping[str, Any], key: str, index: int) -> str:
    value = rec.get(key)
    return value if isinstance(value, str) and value else f"#{index}"


def validate_document(doc: Any, known: KnownNetwork | None = None) -> NetworkDocument:
    """Check DOC whole; return typed records or raise NetworkValidationError."""
    known = known or KnownNetwork()
    chk = _Checker()
    if not isinstance(doc, dict):
        raise NetworkValidationError([Problem("document", "-", "*", "must be a JSON object")])
    if doc.get("format") != FORMAT:
        chk.add("document", "-", "format", f"must be {FORMAT!r}, got {doc.get('format')!r}")

    skus = _validate_skus(_records(doc, "skus", chk), chk)
    org_recs, gone_orgs = _split_removed(_records(doc, "organizations", chk), "organizations",
                                         "id", chk)
    sub_recs, gone_subs = _split_removed(_records(doc, "subscriptions", chk), "subscriptions",
                                         "id", chk)
    op_recs, gone_ops = _split_removed(_records(doc, "operators", chk), "operators", "email",
                                       chk)
    orgs = _validate_orgs(org_recs, chk, known)
    org_kinds = {k: v for k, v in known.org_kinds.items() if k not in gone_orgs} | {
        o.id: o.kind for o in orgs}
    sku_codes = set(known.sku_codes) | {s.code for s in skus}
    subs = _validate_subscriptions(sub_recs, chk, org_kinds, sku_codes)
    ops = _validate_operators(op_recs, chk, org_kinds, known)
    _check_removed(chk, orgs, subs, ops, gone_orgs, gone_subs, gone_ops)
    if chk.problems:
        raise NetworkValidationError(chk.problems)
    return NetworkDocument(skus, orgs, subs, ops, sorted(gone_orgs), sorted(gone_subs),
                           sorted(gone_ops))


def _split_removed(recs: list[Mapping[str, Any]], section: str, key: str,
                   chk: _Checker) -> tuple[list[Mapping[str, Any]], set[str]]:
    """Records to upsert, and the keys of those marked `"removed": true` (only the key is
    read from them)."""
    kept: list[Mapping[str, Any]] = []
    removed: set[str] = set()
    for i, rec in enumerate(recs):
        flag = rec.get("removed", False)
        if not isinstance(flag, bool):
            chk.add(section, _rid(rec, key, i), "removed", "must be true or false")
            continue
        if not flag:
            kept.append(rec)
            continue
        rid = _rid(rec, key, i)
        value = chk.text(section, rid, rec, key, required=True, max_len=320 if key == "email"
                         else 64, pattern=EMAIL_RE if key == "email" else ID_RE, what=key)
        if value:
            value = value.lower() if key == "email" else value
            if value in removed:
                chk.add(section, rid, key, "is duplicated")
            removed.add(value)
    return kept, removed


def _check_removed(chk: _Checker, orgs: list[OrgRecord], subs: list[SubscriptionRecord],
                   ops: list[OperatorRecord], gone_orgs: set[str], gone_subs: set[str],
                   gone_ops: set[str]) -> None:
    """Nothing in the document may be both kept and removed, or sit in a removed
    organization (what the database holds is checked when the document is applied)."""
    for o in orgs:
        if o.id in gone_orgs:
            chk.add("organizations", o.id, "removed", "is both updated and removed")
        if o.parent in gone_orgs:
            chk.add("organizations", o.id, "parent", f"{o.parent!r} is being removed")
    for s in subs:
        if s.id in gone_subs:
            chk.add("subscriptions", s.id, "removed", "is both updated and removed")
    for op in ops:
        if op.email in gone_ops:
            chk.add("operators", op.email, "removed", "is both updated and removed")


def _validate_skus(recs: list[Mapping[str, Any]], chk: _Checker) -> list[SkuRecord]:
    out: list[SkuRecord] = []
    seen: set[str] = set()
    for i, rec in enumerate(recs):
        rid = _rid(rec, "code", i)
        code = chk.text("skus", rid, rec, "code", required=True, max_len=32, pattern=ID_RE,
                        what="SKU code")
        name = chk.text("skus", rid, rec, "name", required=True)
        if code and code in seen:
            chk.add("skus", rid, "code", "is duplicated")
            continue
        if code and name:
            seen.add(code)
            out.append(SkuRecord(code, name))
    return out


def _validate_orgs(
    recs: list[Mapping[str, Any]], chk: _Checker, known: KnownNetwork
) -> list[OrgRecord]:
    S = "organizations"
    out: list[OrgRecord] = []
    seen: set[str] = set()
    kinds = {r.get("id"): r.get("kind") for r in recs if isinstance(r.get("id"), str)}
    for i, rec in enumerate(recs):
        rid = _rid(rec, "id", i)
        oid = chk.text(S, rid, rec, "id", required=True, max_len=64, pattern=ID_RE,
                       what="organization id")
        name = chk.text(S, rid, rec, "name", required=True)
        kind = rec.get("kind")
        if kind not in ALLOWED_PARENTS:
            chk.add(S, rid, "kind", f"unknown kind {kind!r} (provider, distributor, partner, "
                    "customer)")
            kind = None
        parent = rec.get("parent")
        if parent is not None and not isinstance(parent, str):
            chk.add(S, rid, "parent", "must be an organization id or null")
            parent = None
        elif kind is not None:
            parent_kind = None
            if parent is not None:
                parent_kind = kinds.get(parent) or known.org_kinds.get(parent)
                if parent_kind is None:
                    chk.add(S, rid, "parent", f"unknown organization {parent!r}")
            if (parent is None or parent_kind is not None) and parent_kind not in ALLOWED_PARENTS[
                kind
            ]:
                allowed = sorted(k or "none" for k in ALLOWED_PARENTS[kind])
                chk.add(S, rid, "parent", f"a {kind} cannot sit under "
                        f"{parent_kind or 'no parent'} (allowed: {', '.join(allowed)})")
        values: dict[str, Any] = {}
        if "domain" in rec:
            values["domain"] = chk.text(S, rid, rec, "domain", required=False, max_len=253,
                                        pattern=DOMAIN_RE, what="domain")
        if "country" in rec:
            values["country"] = chk.text(S, rid, rec, "country", required=False, max_len=2,
                                         pattern=COUNTRY_RE, what="ISO country code")
        if "onboarding" in rec:
            ob = rec.get("onboarding")
            if ob not in {o.value for o in Onboarding}:
                chk.add(S, rid, "onboarding", f"unknown status {ob!r} (onboarded, invited, "
                        "not_invited)")
            values["onboarding"] = ob
        if "tenant_id" in rec:
            values["tenant_id"] = chk.text(S, rid, rec, "tenant_id", required=False, max_len=36,
                                           pattern=GUID_RE, what="tenant GUID")
        if "account_manager" in rec:
            am = rec.get("account_manager")
            if am is None:
                values["account_manager_name"] = values["account_manager_email"] = None
            elif not isinstance(am, dict):
                chk.add(S, rid, "account_manager", "must be an object {name, email}")
            else:
                values["account_manager_name"] = chk.text(
                    S, rid, am, "name", required=True)
                email = chk.text(S, rid, am, "email", required=True, max_len=320,
                                 pattern=EMAIL_RE, what="e-mail")
                values["account_manager_email"] = email.lower() if email else None
        if oid and oid in seen:
            chk.add(S, rid, "id", "is duplicated")
            continue
        if oid and name and kind:
            seen.add(oid)
            out.append(OrgRecord(oid, name, kind, parent, values))
    _check_existing_children(out, chk, known)
    return out


def _check_existing_children(orgs: list[OrgRecord], chk: _Checker, known: KnownNetwork) -> None:
    """An organization whose kind changes must still fit the children the database has."""
    changed = {o.id: o.kind for o in orgs if known.org_kinds.get(o.id, o.kind) != o.kind}
    if not changed:
        return
    in_doc = {o.id for o in orgs}
    for child, parent in known.org_parents.items():
        if parent in changed and child not in in_doc:
            child_kind = known.org_kinds[child]
            if changed[parent] not in ALLOWED_PARENTS[child_kind]:
                chk.add("organizations", parent, "kind", f"cannot become {changed[parent]}: "
                        f"its {child_kind} {child!r} would sit under a {changed[parent]}")


def _validate_subscriptions(
    recs: list[Mapping[str, Any]], chk: _Checker, org_kinds: Mapping[str, str],
    sku_codes: set[str],
) -> list[SubscriptionRecord]:
    S = "subscriptions"
    out: list[SubscriptionRecord] = []
    seen: set[str] = set()
    for i, rec in enumerate(recs):
        rid = _rid(rec, "id", i)
        sid = chk.text(S, rid, rec, "id", required=True, max_len=64, pattern=ID_RE,
                       what="subscription id")
        org = rec.get("organization")
        if not isinstance(org, str) or org not in org_kinds:
            chk.add(S, rid, "organization", f"unknown organization {org!r}")
        sku = rec.get("sku")
        if not isinstance(sku, str) or sku not in sku_codes:
            chk.add(S, rid, "sku", f"unknown SKU {sku!r}")
        lic = rec.get("licenses")
        if isinstance(lic, bool) or not isinstance(lic, int):
            chk.add(S, rid, "licenses", "must be a whole number")
            lic = None
        elif lic < 0:
            chk.add(S, rid, "licenses", f"must not be negative, got {lic}")
            lic = None
        elif lic > 10_000_000:
            chk.add(S, rid, "licenses", f"is implausibly large: {lic}")
            lic = None
        starts = chk.date(S, rid, rec, "starts_on")
        expires = chk.date(S, rid, rec, "expires_on")
        if starts and expires and expires < starts:
            chk.add(S, rid, "expires_on", "is before starts_on")
        values = _renewal_terms(rec, chk, rid)
        if sid and sid in seen:
            chk.add(S, rid, "id", "is duplicated")
            continue
        if sid:
            seen.add(sid)
        if sid and isinstance(org, str) and isinstance(sku, str) and lic is not None \
                and starts and expires:
            out.append(SubscriptionRecord(sid, org, sku, lic, starts, expires, values))
    return out


BILLING_CYCLES = tuple(c.value for c in BillingCycle)


def _renewal_terms(rec: Mapping[str, Any], chk: _Checker, rid: str) -> dict[str, Any]:
    """`auto_renew` (true / false) and `billing_cycle` (monthly, annual, triennial or
    null), each optional."""
    values: dict[str, Any] = {}
    if "auto_renew" in rec:
        auto = rec.get("auto_renew")
        if not isinstance(auto, bool):
            chk.add("subscriptions", rid, "auto_renew", f"must be true or false, got {auto!r}")
        values["auto_renew"] = auto
    if "billing_cycle" in rec:
        cycle = rec.get("billing_cycle")
        if cycle is not None and cycle not in BILLING_CYCLES:
            chk.add("subscriptions", rid, "billing_cycle",
                    f"unknown billing cycle {cycle!r} ({', '.join(BILLING_CYCLES)} or null)")
        values["billing_cycle"] = cycle
    return values


def _validate_operators(
    recs: list[Mapping[str, Any]], chk: _Checker, org_kinds: Mapping[str, str],
    known: KnownNetwork,
) -> list[OperatorRecord]:
    S = "operators"
    out: list[OperatorRecord] = []
    seen: set[str] = set()
    aad_seen: dict[str, str] = {}
    for i, rec in enumerate(recs):
        rid = _rid(rec, "email", i)
        email = chk.text(S, rid, rec, "email", required=True, max_len=320, pattern=EMAIL_RE,
                         what="e-mail")
        email = email.lower() if email else None
        name = chk.text(S, rid, rec, "name", required=True)
        org = rec.get("organization")
        if not isinstance(org, str) or org not in org_kinds:
            chk.add(S, rid, "organization", f"unknown organization {org!r}")
        elif org_kinds[org] == OrgKind.CUSTOMER:
            chk.add(S, rid, "organization", "customers have no operators")
        roles = rec.get("roles")
        role = None
        if not isinstance(roles, list) or not roles or not all(
            r in {Role.READER.value, Role.ADMIN.value} for r in roles
        ):
            chk.add(S, rid, "roles", f"must be a non-empty list of reader/admin, got {roles!r}")
        else:
            role = Role.ADMIN.value if Role.ADMIN.value in roles else Role.READER.value
        values: dict[str, Any] = {}
        if "aad_object_id" in rec:
            aad = chk.text(S, rid, rec, "aad_object_id", required=False, max_len=36,
                           pattern=GUID_RE, what="object id GUID")
            aad = aad.lower() if aad else None
            if aad:
                owner = aad_seen.get(aad) or known.aad_owners.get(aad)
                if owner and owner != email:
                    chk.add(S, rid, "aad_object_id", f"already belongs to {owner}")
                aad_seen[aad] = email or rid
            values["aad_object_id"] = aad
        if "tenant_id" in rec:
            values["tenant_id"] = chk.text(S, rid, rec, "tenant_id", required=False, max_len=36,
                                           pattern=GUID_RE, what="tenant GUID")
        if "status" in rec:
            status = rec.get("status")
            if status not in {s.value for s in OperatorStatus}:
                chk.add(S, rid, "status", f"unknown status {status!r} (active, pending, "
                        "removed)")
            values["status"] = status
        if email and email in seen:
            chk.add(S, rid, "email", "is duplicated")
            continue
        if email:
            seen.add(email)
        if email and name and isinstance(org, str) and role:
            out.append(OperatorRecord(email, name, org, role, values))
    return out
