"""An independent oracle for the evaluation questions (SPEC sections 1-3).

Plain Python over the ``partner-network/1`` JSON document; it imports nothing from
the project, on purpose, so that it can judge the bot. Every function takes the
asking operator's e-mail and today's date and returns what the bot must answer:
a sorted list of ids, a single value, or ``DENIED`` (a page the operator's org kind
lacks, the operators list for a reader, an organization outside the operator's
scope or unknown, an unknown operator).

Semantics, from SPEC section 1:
- a subscription is active when ``starts_on <= today <= expires_on``; booked when
  ``starts_on > today`` (a renewal booked ahead: its seats do not count yet);
- a subscription is renewed when ``auto_renew`` is true, or another subscription of
  the same organization and SKU starts on or before the day after its ``expires_on``
  and expires later; otherwise an expiring subscription is at risk;
- licenses of an org = sum over its active subscriptions;
- expiry of an org = earliest active ``expires_on``, else the latest one it had;
- expires in a range = at least one subscription with ``expires_on`` in the range
  (inclusive, past days included); such an org is renewed when every one of its
  subscriptions expiring in the range is, else at risk; "at risk" / "renewed" without
  a range = over the next 90 days;
- lapsed = has subscriptions and none is active or booked;
- has SKU X = an active subscription of X; with a date range, the SKU and the
  range apply to the same subscription (then it need not be active);
- not onboarded = ``invited`` or ``not_invited``; pending activation = ``invited``;
- license thresholds are strict;
- a license total sums the licenses of the organizations of the named kind in
  scope (customers unless the question names partners or distributors).
Visibility (section 2): strictly below the operator's org; pages by org kind.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import unicodedata
from pathlib import Path
from typing import Any

DEMO = Path(__file__).resolve().parents[2] / "bot" / "demo" / "partner-demo.json"

DENIED = "denied"

# Which list pages each org kind has (SPEC section 2).
PAGES = {
    "provider": {"customer", "partner", "distributor"},
    "distributor": {"customer", "partner"},
    "partner": {"customer"},
}

ONBOARDING = {
    "onboarded": {"onboarded"},
    "not_onboarded": {"invited", "not_invited"},
    "pending": {"invited"},
}

Range = tuple[dt.date, dt.date]


# ---------------------------------------------------------------- date ranges

def month_range(year: int, month: int) -> Range:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _shift_month(today: dt.date, delta: int) -> tuple[int, int]:
    index = today.year * 12 + (today.month - 1) + delta
    return index // 12, index % 12 + 1


def _next_occurrence(today: dt.date, month: int) -> int:
    """The year of the next occurrence of MONTH (the current month counts)."""
    return today.year if month >= today.month else today.year + 1


def date_range(spec: tuple[Any, ...], today: dt.date) -> Range:
    """Resolve a range spec such as ("this_month",), ("next_days", 30),
    ("month", 1), ("month", 1, 2027), ("between", 1, 3, 2027), ("between", 12, 2)."""
    kind, *args = spec
    if kind == "today":
        return today, today
    if kind == "this_month":
        return month_range(today.year, today.month)
    if kind == "next_month":
        return month_range(*_shift_month(today, 1))
    if kind == "last_month":
        return month_range(*_shift_month(today, -1))
    if kind == "this_year":
        return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    if kind == "next_days":
        return today, today + dt.timedelta(days=int(args[0]))
    if kind == "month":
        month = args[0]
        year = args[1] if len(args) > 1 else _next_occurrence(today, month)
        return month_range(year, month)
    if kind == "between":
        first, last = args[0], args[1]
        if len(args) > 2:  # "between January and March 2027": the year ends the range
            end_year = args[2]
            start_year = end_year if first <= last else end_year - 1
        else:  # no year: from the next occurrence of the first month onwards
            start_year = _next_occurrence(today, first)
            end_year = start_year if first <= last else start_year + 1
        return month_range(start_year, first)[0], month_range(end_year, last)[1]
    raise ValueError(f"unknown range spec {spec!r}")


# ---------------------------------------------------------------- the network

def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


class Oracle:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.orgs: dict[str, dict[str, Any]] = {o["id"]: o for o in doc["organizations"]}
        self.subs: dict[str, list[dict[str, Any]]] = {oid: [] for oid in self.orgs}
        for s in doc["subscriptions"]:
            self.subs[s["organization"]].append(
                {**s, "starts_on": dt.date.fromisoformat(s["starts_on"]),
                 "expires_on": dt.date.fromisoformat(s["expires_on"]),
                 "auto_renew": s.get("auto_renew", False) is True})
        self.operators_by_email = {o["email"].casefold(): o for o in doc["operators"]}
        self.children: dict[str, list[str]] = {oid: [] for oid in self.orgs}
        for o in self.orgs.values():
            if o.get("parent"):
                self.children[o["parent"]].append(o["id"])

    @classmethod
    def load(cls, path: Path = DEMO) -> Oracle:
        return cls(json.loads(Path(path).read_text("utf-8")))

    # -- tree and scope

    def below(self, org_id: str) -> set[str]:
        """Strict descendants of ORG_ID."""
        found: set[str] = set()
        stack = list(self.children.get(org_id, []))
        while stack:
            oid = stack.pop()
            if oid not in found:
                found.add(oid)
                stack.extend(self.children[oid])
        return found

    def _operator(self, email: str) -> dict[str, Any] | None:
        op = self.operators_by_email.get(email.casefold())
        if op is None or op.get("status", "active") == "removed":
            return None
        return op

    def _kind_of(self, op: dict[str, Any]) -> str:
        return self.orgs[op["organization"]]["kind"]

    def _resolve(self, op: dict[str, Any], ref: str) -> str | None:
        """An org id or name visible to OP (its kind's page included), else None."""
        oid = ref if ref in self.orgs else None
        if oid is None:
            matches = [o["id"] for o in self.orgs.values() if fold(o["name"]) == fold(ref)]
            oid = matches[0] if len(matches) == 1 else None
        if oid is None or oid not in self.below(op["organization"]):
            return None
        if self.orgs[oid]["kind"] not in PAGES[self._kind_of(op)]:
            return None
        return oid

    # -- derived values of one organization

    def active_subs(self, oid: str, today: dt.date) -> list[dict[str, Any]]:
        return [s for s in self.subs[oid] if s["starts_on"] <= today <= s["expires_on"]]

    def renewed(self, oid: str, sub: dict[str, Any]) -> bool:
        day_after = sub["expires_on"] + dt.timedelta(days=1)
        return sub["auto_renew"] or any(
            other["sku"] == sub["sku"] and other["starts_on"] <= day_after
            and other["expires_on"] > sub["expires_on"] for other in self.subs[oid])

    def renewal_status(self, oid: str, range: Range, sku: str | None = None) -> str:
        """'renewed' or 'at_risk' for an org that expires in RANGE (of SKU)."""
        start, end = range
        expiring = [s for s in self.subs[oid] if start <= s["expires_on"] <= end
                    and (sku is None or s["sku"] == sku)]
        return "renewed" if all(self.renewed(oid, s) for s in expiring) else "at_risk"

    def licenses(self, oid: str, today: dt.date) -> int:
        return sum(s["licenses"] for s in self.active_subs(oid, today))

    def expiry(self, oid: str, today: dt.date) -> str | None:
        active = self.active_subs(oid, today)
        if active:
            return min(s["expires_on"] for s in active).isoformat()
        if self.subs[oid]:
            return max(s["expires_on"] for s in self.subs[oid]).isoformat()
        return None

    def skus(self, oid: str, today: dt.date) -> list[str]:
        return sorted({s["sku"] for s in self.active_subs(oid, today)})

    def lapsed(self, oid: str, today: dt.date) -> bool:
        """Subscriptions, none active or booked (every one ended before today)."""
        return bool(self.subs[oid]) and all(s["expires_on"] < today for s in self.subs[oid])

    # -- the questions

    def list_orgs(self, as_: str, kind: str, today: dt.date, range: Range | tuple | None = None,
                  lapsed: bool = False, sku: str | None = None, gt: int | None = None,
                  lt: int | None = None, onboarding: str | None = None,
                  parent: str | None = None, renewal: str | None = None) -> list[str] | str:
        op = self._operator(as_)
        if op is None or kind not in PAGES[self._kind_of(op)]:
            return DENIED
        scope = self.below(op["organization"])
        if parent is not None:
            pid = self._resolve(op, parent)
            if pid is None:
                return DENIED
            scope &= self.below(pid)
        if range is not None and not isinstance(range[0], dt.date):
            range = date_range(range, today)
        if renewal is not None and range is None:
            range = today, today + dt.timedelta(days=90)
        out = []
        for oid in scope:
            org = self.orgs[oid]
            if org["kind"] != kind:
                continue
            subs = self.subs[oid]
            if range is not None:
                start, end = range
                if not any(start <= s["expires_on"] <= end
                           and (sku is None or s["sku"] == sku) for s in subs):
                    continue
                if renewal is not None and self.renewal_status(oid, range, sku) != renewal:
                    continue
            elif sku is not None and not any(s["sku"] == sku
                                             for s in self.active_subs(oid, today)):
                continue
            if lapsed and not self.lapsed(oid, today):
                continue
            if gt is not None and not self.licenses(oid, today) > gt:
                continue
            if lt is not None and not self.licenses(oid, today) < lt:
                continue
            if onboarding is not None and org["onboarding"] not in ONBOARDING[onboarding]:
                continue
            out.append(oid)
        return sorted(out)

    def count(self, as_: str, kind: str, today: dt.date, **filters: Any) -> int | str:
        ids = self.list_orgs(as_, kind, today, **filters)
        return ids if ids == DENIED else len(ids)

    def license_total(self, as_: str, today: dt.date, kind: str = "customer",
                      **filters: Any) -> int | str:
        ids = self.list_orgs(as_, kind, today, **filters)
        if ids == DENIED:
            return DENIED
        return sum(self.licenses(oid, today) for oid in ids)

    def _one(self, as_: str, ref: str) -> str | None:
        op = self._operator(as_)
        return None if op is None else self._resolve(op, ref)

    def org_licenses(self, as_: str, ref: str, today: dt.date) -> int | str:
        oid = self._one(as_, ref)
        return DENIED if oid is None else self.licenses(oid, today)

    def org_expiry(self, as_: str, ref: str, today: dt.date) -> str | None:
        oid = self._one(as_, ref)
        return DENIED if oid is None else self.expiry(oid, today)

    def org_skus(self, as_: str, ref: str, today: dt.date) -> list[str] | str:
        oid = self._one(as_, ref)
        return DENIED if oid is None else self.skus(oid, today)

    def operators(self, as_: str) -> list[str] | str:
        op = self._operator(as_)
        if op is None or "admin" not in op.get("roles", []):
            return DENIED
        return sorted(o["email"] for o in self.operators_by_email.values()
                      if o["organization"] == op["organization"]
                      and o.get("status", "active") != "removed")


def expectation(result: Any) -> dict[str, Any]:
    """The dev file's ``expect`` object for an oracle result."""
    if result == DENIED:
        return {"denied": True}
    if isinstance(result, list):
        return {"ids": sorted(result)}
    if result is None:
        raise ValueError("no defined answer (an organization without subscriptions?)")
    return {"value": result}
