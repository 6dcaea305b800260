"""Generate the third blind evaluation set, ``questions.blind3.jsonl``.

Written on 2026-12-02 from ``SPEC.md`` alone (sections 1, 2, 3 and 5), blind to the
bot's parser, services and cards and to every earlier evaluation set: the only inputs
were the SPEC, the demo fixture, ``scoring.py`` (expectation format) and the JSON line
format of ``questions.dev.jsonl`` (none of its phrasings are reused).

Every expectation except ``denied`` / ``unknown`` ones is computed here, over the
fixture, by an independent implementation of the SPEC definitions: scope per operator
organization kind and role, active / booked subscriptions, licenses, expiry of an
organization, expiry in a date range with renewed / at-risk status, lapsed
organizations, thresholds, totals, counts, rankings, breakdowns, operators and the
date phrases of "Dates in questions".  Where two readings of the SPEC would give
different answers for a question, the script raises ``Ambiguous`` instead of
guessing, so such questions cannot silently enter the set.

Usage: python make_blind3.py [FIXTURE.json] [OUT.jsonl]
"""

from __future__ import annotations

import calendar
import json
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_FIXTURE = Path(__file__).resolve().parents[2] / "bot" / "demo" / "partner-demo.json"
DEFAULT_OUT = HERE / "questions.blind3.jsonl"

NOW = "2026-11-23"

DENIED = {"denied": True}
UNKNOWN = {"unknown": True}


class Denied(Exception):
    """The asker's role or scope must not get this (or the name is unknown to them)."""


class Ambiguous(Exception):
    """The SPEC allows two answers for this question: the question must be dropped."""


# ---------------------------------------------------------------------------
# Text helpers


def fold(text: str) -> str:
    """Lower case, accents removed (for name order and name matching)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def norm(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(text)).split())


def edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


# ---------------------------------------------------------------------------
# Dates


def d(text: str) -> date:
    return date.fromisoformat(text)


def month_last(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def add_months(y: int, m: int, k: int) -> tuple[int, int]:
    idx = y * 12 + (m - 1) + k
    return idx // 12, idx % 12 + 1


@dataclass(frozen=True)
class Range:
    start: date
    end: date

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


class Dates:
    """The date phrases of SPEC section 1, "Dates in questions"."""

    WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    def __init__(self, today: date):
        self.today = today

    # calendar periods
    def month(self, m: int, y: int | None = None) -> Range:
        if y is None:  # next occurrence, the current month if we are in it
            y = self.today.year if m >= self.today.month else self.today.year + 1
        return Range(date(y, m, 1), month_last(y, m))

    def this_month(self) -> Range:
        return self.month(self.today.month, self.today.year)

    def next_month(self) -> Range:
        y, m = add_months(self.today.year, self.today.month, 1)
        return self.month(m, y)

    def last_month(self) -> Range:
        y, m = add_months(self.today.year, self.today.month, -1)
        return self.month(m, y)

    def year(self, y: int) -> Range:
        return Range(date(y, 1, 1), date(y, 12, 31))

    def this_year(self) -> Range:
        return self.year(self.today.year)

    def next_year(self) -> Range:
        return self.year(self.today.year + 1)

    def quarter(self, q: int, y: int | None = None) -> Range:
        if y is None:  # next occurrence; the current quarter is left out as ambiguous
            cur = (self.today.month - 1) // 3 + 1
            if q == cur:
                raise Ambiguous("quarter named without a year while we are in it")
            y = self.today.year if q > cur else self.today.year + 1
        return Range(date(y, 3 * q - 2, 1), month_last(y, 3 * q))

    def this_quarter(self) -> Range:
        return self.quarter((self.today.month - 1) // 3 + 1, self.today.year)

    def next_quarter(self) -> Range:
        q = (self.today.month - 1) // 3 + 1
        return (
            self.quarter(1, self.today.year + 1) if q == 4 else self.quarter(q + 1, self.today.year)
        )

    def this_week(self) -> Range:
        monday = self.today - timedelta(days=self.today.weekday())
        return Range(monday, monday + timedelta(days=6))

    def next_week(self) -> Range:
        r = self.this_week()
        return Range(r.start + timedelta(days=7), r.end + timedelta(days=7))

    def last_week(self) -> Range:
        r = self.this_week()
        return Range(r.start - timedelta(days=7), r.end - timedelta(days=7))

    # relative to today
    def next_days(self, n: int) -> Range:
        return Range(self.today, self.today + timedelta(days=n))

    def next_weeks(self, n: int) -> Range:
        return self.next_days(7 * n)

    def fortnight(self) -> Range:
        return self.next_days(14)

    def soon(self) -> Range:
        return self.next_days(30)

    def today_(self) -> Range:
        return Range(self.today, self.today)

    def tomorrow(self) -> Range:
        t = self.today + timedelta(days=1)
        return Range(t, t)

    def yesterday(self) -> Range:
        t = self.today - timedelta(days=1)
        return Range(t, t)

    # named days
    def day(self, m: int, dd: int, y: int | None = None) -> date:
        """A day without a year = its next occurrence, today included."""
        if y is not None:
            return date(y, m, dd)
        cand = date(self.today.year, m, dd)
        return cand if cand >= self.today else date(self.today.year + 1, m, dd)

    def weekday(self, name: str) -> date:
        wd = self.WEEKDAYS.index(name)
        return self.today + timedelta(days=(wd - self.today.weekday()) % 7)

    def christmas(self) -> date:
        return self.day(12, 25)

    def new_year(self) -> date:
        return self.day(1, 1)

    def before(self, day: date) -> Range:
        return Range(self.today, day - timedelta(days=1))

    def by(self, day: date) -> Range:
        return Range(self.today, day)

    def end_of(self, period: Range) -> Range:
        return Range(self.today, period.end)


# ---------------------------------------------------------------------------
# The fixture and one operator's view of it


class World:
    def __init__(self, data: dict[str, Any]):
        self.skus = {s["code"]: s for s in data["skus"]}
        self.orgs = {o["id"]: o for o in data["organizations"]}
        self.subs = data["subscriptions"]
        self.operators = {o["email"]: o for o in data["operators"]}
        self.children: dict[str, list[str]] = {}
        for o in data["organizations"]:
            if o.get("parent"):
                self.children.setdefault(o["parent"], []).append(o["id"])
        self.subs_of: dict[str, list[dict[str, Any]]] = {}
        for s in self.subs:
            self.subs_of.setdefault(s["organization"], []).append(s)

    def below(self, org_id: str) -> list[str]:
        out, stack = [], list(self.children.get(org_id, []))
        while stack:
            cur = stack.pop()
            out.append(cur)
            stack.extend(self.children.get(cur, []))
        return out

    def renewed(self, sub: dict[str, Any]) -> bool:
        if sub.get("auto_renew", False):
            return True
        end = d(sub["expires_on"])
        for other in self.subs_of.get(sub["organization"], []):
            if other is sub or other["sku"] != sub["sku"]:
                continue
            if d(other["starts_on"]) <= end + timedelta(days=1) and d(other["expires_on"]) > end:
                return True
        return False


PAGES = {  # SPEC section 2: which pages each org kind sees
    "provider": {"customer", "partner", "distributor"},
    "distributor": {"customer", "partner"},
    "partner": {"customer"},
}


class View:
    """What operator `email` sees on `today`, with the SPEC's derived values."""

    def __init__(self, world: World, email: str, today: date):
        self.w = world
        self.op = world.operators[email]
        self.me = world.orgs[self.op["organization"]]
        self.today = today
        self.dt = Dates(today)
        self.scope = set(world.below(self.me["id"]))

    # -- rights ----------------------------------------------------------------
    def page(self, kind: str) -> None:
        if kind not in PAGES[self.me["kind"]]:
            raise Denied(kind)

    def is_admin(self) -> bool:
        return "admin" in self.op["roles"]

    def orgs(self, kind: str = "customer", under: str | None = None) -> list[dict[str, Any]]:
        self.page(kind)
        ids = self.scope if under is None else set(self.w.below(under)) & self.scope
        return [self.w.orgs[i] for i in sorted(ids) if self.w.orgs[i]["kind"] == kind]

    def resolve(self, name: str) -> dict[str, Any]:
        """A name typed by a user (typos tolerated) -> one organization of the fixture."""
        q = norm(name)
        hits = []
        for o in self.w.orgs.values():
            full = norm(o["name"])
            words = full.split()
            prefix = " ".join(words[: len(q.split())])
            tol = 1 if len(q) < 8 else 2
            if (
                q == full
                or full.startswith(q + " ")
                or edit_distance(q, full) <= tol
                or (len(q) >= 5 and edit_distance(q, prefix) <= 1)
            ):
                hits.append(o)
        if len(hits) != 1:
            raise ValueError(f"name {name!r} matches {[h['id'] for h in hits]}")
        return hits[0]

    def org(self, name: str, kind: str | None = None) -> dict[str, Any]:
        """A named organization; outside the scope it is answered like a missing one."""
        o = self.resolve(name)
        if o["id"] not in self.scope:
            raise Denied(f"{name} is outside the scope of {self.op['email']}")
        self.page(o["kind"])
        if kind is not None and o["kind"] != kind:
            raise ValueError(f"{name} is a {o['kind']}")
        return o

    def parent(self, name: str) -> str:
        """An organization named as a parent: the asker's own one means the whole scope."""
        o = self.resolve(name)
        if o["id"] == self.me["id"]:
            return o["id"]
        return self.org(name)["id"]

    # -- subscriptions -------------------------------------------------------------
    def subs(self, org: dict[str, Any]) -> list[dict[str, Any]]:
        return self.w.subs_of.get(org["id"], [])

    def active(self, sub: dict[str, Any]) -> bool:
        return d(sub["starts_on"]) <= self.today <= d(sub["expires_on"])

    def booked(self, sub: dict[str, Any]) -> bool:
        return d(sub["starts_on"]) > self.today

    def lic(self, org: dict[str, Any]) -> int:
        return sum(s["licenses"] for s in self.subs(org) if self.active(s))

    def seats(self, org: dict[str, Any], sku: str) -> int:
        return sum(s["licenses"] for s in self.subs(org) if self.active(s) and s["sku"] == sku)

    def has_sku(self, org: dict[str, Any], sku: str) -> bool:
        return any(self.active(s) and s["sku"] == sku for s in self.subs(org))

    def customers_below(self, org: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            self.w.orgs[i]
            for i in self.w.below(org["id"])
            if i in self.scope and self.w.orgs[i]["kind"] == "customer"
        ]

    def measure(self, org: dict[str, Any]) -> int:
        """Licenses in a ranking or a breakdown: a partner's / distributor's are its customers'."""
        if org["kind"] == "customer":
            return self.lic(org)
        return sum(self.lic(c) for c in self.customers_below(org))

    def expiring_subs(self, org: dict[str, Any], rng: Range, sku: str | None = None):
        out = [
            s
            for s in self.subs(org)
            if d(s["expires_on"]) in rng and (sku is None or s["sku"] == sku)
        ]
        # "has SKU X" = an active subscription; with a date range both apply to the
        # same subscription. Where "active" would change the answer, drop the question.
        if sku is not None and [s for s in out if self.active(s)] != out:
            raise Ambiguous("SKU + date range on a non-active subscription")
        return out

    def expiry(self, org: dict[str, Any]) -> str | None:
        subs = self.subs(org)
        if not subs:
            return None
        act = [s["expires_on"] for s in subs if self.active(s)]
        if act:
            return min(act)
        if any(self.booked(s) for s in subs):
            raise Ambiguous("only booked subscriptions")
        return max(s["expires_on"] for s in subs)

    def lapsed(self, org: dict[str, Any]) -> bool:
        subs = self.subs(org)
        return bool(subs) and not any(self.active(s) or self.booked(s) for s in subs)

    def with_expired(self, org: dict[str, Any]) -> bool:
        return any(d(s["expires_on"]) < self.today for s in self.subs(org))

    def has_booked(self, org: dict[str, Any]) -> bool:
        return any(self.booked(s) for s in self.subs(org))

    # -- expectation builders ----------------------------------------------------
    @staticmethod
    def ids(orgs: Iterable[dict[str, Any]]) -> dict[str, Any]:
        return {"ids": sorted(o["id"] for o in orgs)}

    def pool(
        self,
        kind: str = "customer",
        parent: str | None = None,
        country: str | None = None,
        sku: str | None = None,
        onboarding: Iterable[str] | None = None,
        where: Callable[[dict[str, Any]], bool] | None = None,
    ) -> list[dict[str, Any]]:
        """Organizations of a kind in scope, filtered (parent: a name as typed)."""
        under = self.parent(parent) if parent is not None else None
        out = self.orgs(kind, under)
        if country:
            out = [o for o in out if o["country"] == country]
        if sku:
            out = [o for o in out if self.has_sku(o, sku)]
        if onboarding is not None:
            states = set(onboarding)
            out = [o for o in out if o["onboarding"] in states]
        if where:
            out = [o for o in out if where(o)]
        return out

    def expiring(
        self,
        rng: Range | None,
        only: str | None = None,
        kind: str = "customer",
        sku: str | None = None,
        **kw,
    ) -> dict[str, Any]:
        """Organizations with a subscription expiring in rng, each renewed / at risk."""
        if rng is None:
            if only != "at_risk":
                raise Ambiguous("a renewal filter without a range is only defined for at risk")
            rng = self.dt.next_days(90)
        status = {}
        for o in self.pool(kind, **kw):
            subs = self.expiring_subs(o, rng, sku)
            if subs:
                status[o["id"]] = "renewed" if all(self.w.renewed(s) for s in subs) else "at_risk"
        if only:
            status = {k: v for k, v in status.items() if v == only}
        return {"ids": sorted(status), "status": dict(sorted(status.items()))}

    def count(self, expect: dict[str, Any]) -> dict[str, Any]:
        return {"value": len(expect["ids"])}

    def threshold(
        self,
        op: str,
        a: int,
        b: int | None = None,
        sku: str | None = None,
        kind: str = "customer",
        **kw,
    ) -> dict[str, Any]:
        tests = {
            "gt": lambda v: v > a,
            "lt": lambda v: v < a,
            "ge": lambda v: v >= a,
            "le": lambda v: v <= a,
            "between": lambda v: a <= v <= b,
        }
        test = tests[op]
        if sku:  # the seats of its active subscriptions of that SKU, among those that have it
            orgs = self.pool(kind, sku=sku, **kw)
            return self.ids(o for o in orgs if test(self.seats(o, sku)))
        orgs = self.pool(kind, **kw)
        with_zero = [o for o in orgs if test(self.lic(o))]
        without_zero = [o for o in with_zero if self.lic(o) > 0]
        if with_zero != without_zero:
            raise Ambiguous("organizations without licenses would change a threshold")
        return self.ids(with_zero)

    def total(
        self, sku: str | None = None, rng: Range | None = None, says_customers: bool = False, **kw
    ) -> dict[str, Any]:
        """Licenses in total: the customers' licenses in scope (SKU / range: matching seats).

        says_customers: the question itself says "customers' licenses"."""
        custs = self.pool("customer", **kw)
        if sku is None and rng is None:
            return {"value": sum(self.lic(c) for c in custs)}
        if sku is not None and rng is None:
            value = sum(self.seats(c, sku) for c in custs)
            others = [o for o in self.scope if self.w.orgs[o]["kind"] != "customer"]
            if not says_customers and any(self.seats(self.w.orgs[o], sku) for o in others):
                raise Ambiguous("partners' or distributors' own seats of that SKU in scope")
            return {"value": value}
        if not says_customers:
            others = [self.w.orgs[o] for o in self.scope if self.w.orgs[o]["kind"] != "customer"]
            if any(self.expiring_subs(o, rng, sku) for o in others):
                raise Ambiguous("partners' or distributors' own subscriptions expire in the range")
        # an expiry inside the range counts whether or not that day is already past
        return {"value": sum(s["licenses"] for c in custs for s in self.expiring_subs(c, rng, sku))}

    def ranking(
        self, kind: str = "customer", by: str = "licenses", n: int = 5, **kw
    ) -> dict[str, Any]:
        orgs = self.pool(kind, **kw)
        if by == "licenses":
            key = self.measure
        elif by == "customers":
            key = lambda o: len(self.customers_below(o))  # noqa: E731
        else:
            raise ValueError(by)
        ranked = sorted(orgs, key=lambda o: (-key(o), fold(o["name"])))
        return {"ordered_ids": [o["id"] for o in ranked[:n]]}

    def breakdown(self, by: str, measure: str = "customers", **kw) -> dict[str, Any]:
        if by in ("partner", "distributor"):
            orgs = self.pool(by, **kw)
            if measure == "licenses":
                return {"groups": {o["id"]: self.measure(o) for o in orgs}}
            return {"groups": {o["id"]: len(self.customers_below(o)) for o in orgs}}
        custs = self.pool("customer", **kw)
        if by == "country":
            if measure == "licenses":
                groups: dict[str, int] = {}
                for c in custs:
                    groups[c["country"]] = groups.get(c["country"], 0) + self.lic(c)
                return {"groups": groups}
            return {"groups": dict(Counter(c["country"] for c in custs))}
        if by == "sku":
            groups = {code: sum(self.seats(c, code) for c in custs) for code in self.w.skus}
            if any(v == 0 for v in groups.values()):
                raise Ambiguous("a SKU without seats in scope: group 0 or no group?")
            others = [self.w.orgs[o] for o in self.scope if self.w.orgs[o]["kind"] != "customer"]
            if any(self.lic(o) for o in others):
                raise Ambiguous("partners' own seats in scope")
            return {"groups": groups}
        if by == "month":
            groups = {}
            for k in range(12):
                y, m = add_months(self.today.year, self.today.month, k)
                rng = Range(date(y, m, 1), month_last(y, m))
                groups[f"{y:04d}-{m:02d}"] = sum(
                    1 for c in custs if any(d(s["expires_on"]) in rng for s in self.subs(c))
                )
            return {"groups": groups}
        raise ValueError(by)

    def operators(self, role: str | None = None) -> list[dict[str, Any]]:
        if not self.is_admin():
            raise Denied("the operators page is for admins")
        ops = [
            o
            for o in self.w.operators.values()
            if o["organization"] == self.me["id"] and o.get("status", "active") == "active"
        ]
        if role == "admin":
            ops = [o for o in ops if "admin" in o["roles"]]
        elif role == "reader":
            ops = [o for o in ops if "admin" not in o["roles"]]
        return ops

    def operator_ids(self, role: str | None = None) -> dict[str, Any]:
        return {"ids": sorted(o["email"] for o in self.operators(role))}

    def operator_count(self, role: str | None = None) -> dict[str, Any]:
        return {"value": len(self.operators(role))}

    def skus_of(self, name: str) -> dict[str, Any]:
        o = self.org(name)
        return {"ids": sorted({s["sku"] for s in self.subs(o) if self.active(s)})}


# ---------------------------------------------------------------------------
# The questions

SOFIA = "sofia.marino@coreview.example"  # provider admin
LUCA = "luca.bianchi@coreview.example"  # provider reader
CLAIRE = "claire.martin@alphadist.example"  # distributor admin
HUGO = "hugo.bernard@alphadist.example"  # distributor reader
ERIK = "erik.lindqvist@nordiccloud.example"  # distributor admin
ALICE = "alice.durand@contoso.example"  # partner admin
BRUNO = "bruno.petit@contoso.example"  # partner reader
CHLOE = "chloe.leroy@contoso.example"  # partner admin
JAN = "jan.peeters@fabrikam.example"  # partner admin
LOTTE = "lotte.janssens@fabrikam.example"  # partner reader
NINA = "nina.keller@litware.example"  # partner reader
ANDERS = "anders.berg@northwind.example"  # partner admin
INGRID = "ingrid.haugen@tailspin.example"  # partner admin (partner under a distributor)
JAMES = "james.carter@adatum.example"  # partner admin (partner under the provider)
EMILY = "emily.nguyen@adatum.example"  # partner reader

Expect = Callable[[View], dict[str, Any]]
QUESTIONS: list[tuple[str, str, str, str, str, Any]] = []  # (kind, as, locale, now, q, expect)


def q(
    kind: str, who: str, locale: str, text: str, expect: Expect | dict[str, Any], now: str = NOW
) -> None:
    QUESTIONS.append((kind, who, locale, now, text, expect))


def build_questions() -> None:  # noqa: C901 - a flat list of questions, one per line
    """The questions. Expectations are functions of a View (computed), except the
    `denied` / `unknown` ones that need a hand-written answer (SPEC section 2 and 3)."""

    def exp(rng=None, **kw):  # organizations expiring in a range, with status
        return lambda v: v.expiring(rng(v.dt) if rng else None, **kw)

    def n(f):  # "how many ..." = the size of the same list
        return lambda v: v.count(f(v))

    def orgs(**kw):  # a plain filtered list
        return lambda v: v.ids(v.pool(**kw))

    def thr(op, a, b=None, **kw):
        return lambda v: v.threshold(op, a, b, **kw)

    def total(rng=None, **kw):
        return lambda v: v.total(rng=rng(v.dt) if rng else None, **kw)

    def rank(**kw):
        return lambda v: v.ranking(**kw)

    def brk(by, measure="customers", **kw):
        return lambda v: v.breakdown(by, measure, **kw)

    def lic_of(name):
        return lambda v: {"value": v.lic(v.org(name))}

    def lic_below(name):  # "licenses of X's customers"
        return lambda v: {"value": sum(v.lic(c) for c in v.pool(parent=name))}

    def expiry_of(name):
        return lambda v: {"value": v.expiry(v.org(name))}

    def skus_of(name):
        return lambda v: v.skus_of(name)

    def lapsed(**kw):
        return lambda v: v.ids(v.pool(where=v.lapsed, **kw))

    def with_expired(**kw):
        return lambda v: v.ids(v.pool(where=v.with_expired, **kw))

    def booked(**kw):
        return lambda v: v.ids(v.pool(where=v.has_booked, **kw))

    def ops(role=None):
        return lambda v: v.operator_ids(role)

    def ops_n(role=None):
        return lambda v: v.operator_count(role)

    NOT_ONBOARDED = ("invited", "not_invited")

    # --- expiry lists: months, weeks, days, quarters, named days -----------------------
    q("expiry_range", ALICE, "en", "who's expiring in december?", exp(lambda t: t.month(12)))
    q(
        "expiry_range",
        BRUNO,
        "fr",
        "quels clients arrivent a echeance le mois prochain",
        exp(lambda t: t.next_month()),
    )
    q(
        "expiry_range",
        CLAIRE,
        "fr",
        "clients à renouveler cette semaine",
        exp(lambda t: t.this_week()),
    )
    q("expiry_range", HUGO, "fr", "qui expire la semaine prochaine ?", exp(lambda t: t.next_week()))
    q(
        "expiry_range",
        SOFIA,
        "en",
        "list customers expiring in Q1 2027",
        exp(lambda t: t.quarter(1, 2027)),
    )
    q(
        "expiry_range",
        LUCA,
        "fr",
        "clients qui expirent au T1 2027",
        exp(lambda t: t.quarter(1, 2027)),
    )
    q(
        "expiry_range",
        ERIK,
        "en",
        "anything expiring next quarter?",
        exp(lambda t: t.next_quarter()),
    )
    q(
        "expiry_range",
        ERIK,
        "fr",
        "les clients dont l'abonnement se termine ce trimestre",
        exp(lambda t: t.this_quarter()),
    )
    q(
        "expiry_range",
        JAN,
        "en",
        "customers expiring in the next 10 days",
        exp(lambda t: t.next_days(10)),
    )
    q(
        "expiry_range",
        LOTTE,
        "fr",
        "clients qui expirent d'ici 10 jours",
        exp(lambda t: t.next_days(10)),
    )
    q(
        "expiry_range",
        ANDERS,
        "en",
        "which customers expire within 3 weeks",
        exp(lambda t: t.next_weeks(3)),
    )
    q(
        "expiry_range",
        INGRID,
        "en",
        "who expires in the coming fortnight?",
        exp(lambda t: t.fortnight()),
    )
    q(
        "expiry_range",
        CHLOE,
        "fr",
        "qui expire dans la quinzaine à venir ?",
        exp(lambda t: t.fortnight()),
    )
    q(
        "expiry_range",
        SOFIA,
        "en",
        "customers expiring before christmas",
        exp(lambda t: t.before(t.christmas())),
    )
    q(
        "expiry_range",
        CLAIRE,
        "fr",
        "quels clients expirent avant Noël ?",
        exp(lambda t: t.before(t.christmas())),
    )
    q("expiry_range", ANDERS, "en", "who expires by christmas", exp(lambda t: t.by(t.christmas())))
    q(
        "expiry_range",
        HUGO,
        "fr",
        "clients qui expirent d'ici le jour de l'an",
        exp(lambda t: t.by(t.new_year())),
    )
    q(
        "expiry_range",
        JAMES,
        "en",
        "customers expiring before new year",
        exp(lambda t: t.before(t.new_year())),
    )
    q(
        "expiry_range",
        NINA,
        "fr",
        "qui expire avant la fin de l'année ?",
        exp(lambda t: t.end_of(t.this_year())),
    )
    q(
        "expiry_range",
        EMILY,
        "en",
        "who expires by the end of the year",
        exp(lambda t: t.end_of(t.this_year())),
    )
    q(
        "expiry_range",
        LUCA,
        "fr",
        "clients qui expirent d'ici fin janvier",
        exp(lambda t: t.end_of(t.month(1))),
    )
    q(
        "expiry_range",
        JAN,
        "fr",
        "clients qui expirent avant la fin du T1",
        exp(lambda t: t.end_of(t.quarter(1))),
    )
    q("expiry_range", SOFIA, "en", "which customers expire soon?", exp(lambda t: t.soon()))
    q("expiry_range", ALICE, "fr", "clients qui expirent bientôt", exp(lambda t: t.soon()))
    q("expiry_range", ERIK, "fr", "échéances à venir chez nos clients", exp(lambda t: t.soon()))
    q("expiry_range", JAMES, "en", "upcoming expiries", exp(lambda t: t.soon()))
    q("expiry_range", CLAIRE, "en", "who expires tomorrow", exp(lambda t: t.tomorrow()))
    q("expiry_range", BRUNO, "fr", "quelqu'un expire demain ?", exp(lambda t: t.tomorrow()))
    q("expiry_range", EMILY, "en", "any customer expiring today?", exp(lambda t: t.today_()))
    q("expiry_range", INGRID, "fr", "clients qui expirent en janvier", exp(lambda t: t.month(1)))
    q("expiry_range", SOFIA, "fr", "qui expire en mars ?", exp(lambda t: t.month(3)))
    q("expiry_range", LOTTE, "fr", "qui expire en mai chez nous ?", exp(lambda t: t.month(5)))
    q(
        "expiry_range",
        ANDERS,
        "fr",
        "clients qui expirent en février 2027",
        exp(lambda t: t.month(2, 2027)),
    )
    q(
        "expiry_range",
        HUGO,
        "fr",
        "clients qui expirent avant le 15 décembre",
        exp(lambda t: t.before(t.day(12, 15))),
    )
    q(
        "expiry_range",
        CLAIRE,
        "en",
        "customers expiring by december 15",
        exp(lambda t: t.by(t.day(12, 15))),
    )
    q(
        "expiry_range",
        NINA,
        "fr",
        "clients qui expirent jusqu'au 20 décembre",
        exp(lambda t: t.by(t.day(12, 20))),
    )
    q(
        "expiry_range",
        CHLOE,
        "en",
        "who expires by friday?",
        exp(lambda t: t.by(t.weekday("friday"))),
    )
    q(
        "expiry_range",
        SOFIA,
        "en",
        "which customers expired last month",
        exp(lambda t: t.last_month()),
    )
    q("expiry_range", HUGO, "en", "customers that expired last week", exp(lambda t: t.last_week()))
    q(
        "expiry_range",
        LUCA,
        "fr",
        "clients qui expirent en novembre 2027",
        exp(lambda t: t.month(11, 2027)),
    )
    q(
        "expiry_range",
        SOFIA,
        "fr",
        "quels distributeurs expirent l'année prochaine ?",
        exp(lambda t: t.next_year(), kind="distributor"),
    )
    q(
        "expiry_range",
        CLAIRE,
        "en",
        "partners expiring this month",
        exp(lambda t: t.this_month(), kind="partner"),
    )
    q(
        "expiry_range",
        JAMES,
        "fr",
        "clients qui expirent dans 2 semaines",
        exp(lambda t: t.next_weeks(2)),
    )
    q(
        "expiry_range",
        ANDERS,
        "en",
        "who's up for renewal in the next 60 days",
        exp(lambda t: t.next_days(60)),
    )

    # --- renewed / at risk ---------------------------------------------------------
    q("at_risk", SOFIA, "en", "which customers are at risk?", exp(None, only="at_risk"))
    q("at_risk", CLAIRE, "fr", "clients pas renouvelés", exp(None, only="at_risk"))
    q(
        "at_risk",
        ALICE,
        "en",
        "customers expiring in december that aren't renewed",
        exp(lambda t: t.month(12), only="at_risk"),
    )
    q(
        "at_risk",
        JAN,
        "fr",
        "quels clients à risque ce mois-ci ?",
        exp(lambda t: t.this_month(), only="at_risk"),
    )
    q(
        "at_risk",
        ERIK,
        "en",
        "at risk customers in the next 30 days",
        exp(lambda t: t.next_days(30), only="at_risk"),
    )
    q(
        "at_risk",
        INGRID,
        "fr",
        "clients à risque d'ici la fin de l'année",
        exp(lambda t: t.end_of(t.this_year()), only="at_risk"),
    )
    q(
        "at_risk",
        JAMES,
        "en",
        "who hasn't renewed among those expiring before xmas?",
        exp(lambda t: t.before(t.christmas()), only="at_risk"),
    )
    q(
        "at_risk_count",
        HUGO,
        "fr",
        "combien de clients sont à risque ?",
        n(exp(None, only="at_risk")),
    )
    q(
        "at_risk_count",
        SOFIA,
        "en",
        "how many customers at risk in Q1 2027",
        n(exp(lambda t: t.quarter(1, 2027), only="at_risk")),
    )
    q(
        "at_risk_count",
        NINA,
        "en",
        "how many of our customers are at risk",
        n(exp(None, only="at_risk")),
    )
    q(
        "renewed",
        ALICE,
        "fr",
        "quels clients qui expirent ce mois-ci ont déjà renouvelé ?",
        exp(lambda t: t.this_month(), only="renewed"),
    )
    q(
        "renewed",
        SOFIA,
        "fr",
        "clients renouvelés qui expirent cette semaine",
        exp(lambda t: t.this_week(), only="renewed"),
    )
    q(
        "renewed",
        JAN,
        "en",
        "which customers expiring in the next 7 days are renewed",
        exp(lambda t: t.next_days(7), only="renewed"),
    )
    q(
        "renewed_count",
        CLAIRE,
        "en",
        "how many customers expiring this month have renewed?",
        n(exp(lambda t: t.this_month(), only="renewed")),
    )
    q(
        "renewed_count",
        ERIK,
        "fr",
        "combien de clients renouvelés parmi ceux qui expirent ce mois-ci",
        n(exp(lambda t: t.this_month(), only="renewed")),
    )

    # --- counts of expiries ----------------------------------------------------------
    q(
        "expiry_count",
        ALICE,
        "en",
        "how many customers expire next month?",
        n(exp(lambda t: t.next_month())),
    )
    q(
        "expiry_count",
        LUCA,
        "fr",
        "combien de clients expirent avant Noël",
        n(exp(lambda t: t.before(t.christmas()))),
    )
    q("expiry_count", ANDERS, "en", "how many expire in Q1?", n(exp(lambda t: t.quarter(1))))
    q(
        "expiry_count",
        CHLOE,
        "fr",
        "nb de clients qui expirent cette semaine",
        n(exp(lambda t: t.this_week())),
    )
    q(
        "expiry_count",
        ERIK,
        "en",
        "how many customers expire in january",
        n(exp(lambda t: t.month(1))),
    )

    # --- booked renewals, lapsed, expired subscriptions ----------------------------------
    q(
        "booked",
        SOFIA,
        "en",
        "which customers have a renewal booked that hasn't started yet?",
        booked(),
    )
    q("booked", CLAIRE, "fr", "clients avec un abonnement qui n'a pas encore commencé", booked())
    q("booked", NINA, "fr", "des abonnements pas encore démarrés ?", booked())
    q(
        "booked_count",
        HUGO,
        "en",
        "how many customers have a future subscription booked?",
        n(booked()),
    )
    q("lapsed", ALICE, "en", "which customers have lapsed?", lapsed())
    q("lapsed", JAN, "fr", "clients expirés", lapsed())
    q("lapsed", SOFIA, "en", "lapsed customers", lapsed())
    q("lapsed", LOTTE, "en", "show me customers whose subscriptions have all expired", lapsed())
    q("lapsed_count", CLAIRE, "fr", "combien de clients sont expirés ?", n(lapsed()))
    q("expired_sub", ANDERS, "en", "customers with an expired subscription", with_expired())
    q("expired_sub", BRUNO, "fr", "clients ayant un abonnement expiré", with_expired())
    q("expired_sub", JAMES, "en", "which customers have an expired sub", with_expired())

    # --- thresholds -------------------------------------------------------------------
    q("threshold", SOFIA, "en", "customers with more than 1000 licenses", thr("gt", 1000))
    q("threshold", CLAIRE, "fr", "clients avec au moins 640 licences", thr("ge", 640))
    q("threshold", CLAIRE, "fr", "clients avec plus de 640 licences", thr("gt", 640))
    q("threshold", HUGO, "fr", "clients entre 300 et 640 licences", thr("between", 300, 640))
    q("threshold", ERIK, "en", "customers with 900 licenses or more", thr("ge", 900))
    q("threshold", ANDERS, "en", "customers with fewer than 200 licenses", thr("lt", 200))
    q("threshold", JAMES, "en", "who has under 100 seats", thr("lt", 100))
    q("threshold", EMILY, "fr", "clients avec au plus 55 licences", thr("le", 55))
    q("threshold", ANDERS, "fr", "clients avec moins de 140 licences", thr("lt", 140))
    q("threshold", JAN, "fr", "clients avec au moins 420 licences", thr("ge", 420))
    q("threshold", LUCA, "fr", "clients au-delà de 2000 licences", thr("gt", 2000))
    q("threshold", SOFIA, "en", "customers between 100 and 300 licenses", thr("between", 100, 300))
    q("threshold", JAMES, "fr", "clients avec maximum 220 licences", thr("le", 220))
    q("threshold", INGRID, "en", "customers with 75 licences or more", thr("ge", 75))
    q(
        "threshold_count",
        ERIK,
        "fr",
        "combien de clients ont plus de 500 licences ?",
        n(thr("gt", 500)),
    )
    q(
        "threshold_count",
        SOFIA,
        "fr",
        "combien de clients ont 1500 licences et plus ?",
        n(thr("ge", 1500)),
    )

    # --- SKUs: lists, thresholds on seats, totals ----------------------------------------
    q("sku_list", SOFIA, "en", "which customers have CS-ENT?", orgs(sku="CS-ENT"))
    q("sku_list", CLAIRE, "fr", "clients qui ont CoreView Audit", orgs(sku="CV-AUDIT"))
    q("sku_list", ANDERS, "en", "who has CoreSuite Essentials", orgs(sku="CS-ESS"))
    q("sku_list", LUCA, "fr", "clients avec License Optimizer", orgs(sku="CV-LIC"))
    q("sku_list", JAMES, "en", "customers on cs-pro", orgs(sku="CS-PRO"))
    q("sku_count", ERIK, "en", "how many customers have CV-BACKUP", n(orgs(sku="CV-BACKUP")))
    q("sku_count", NINA, "fr", "combien de clients ont CS-ENT ?", n(orgs(sku="CS-ENT")))
    q(
        "sku_threshold",
        SOFIA,
        "en",
        "customers with more than 500 CS-ENT seats",
        thr("gt", 500, sku="CS-ENT"),
    )
    q(
        "sku_threshold",
        SOFIA,
        "fr",
        "clients avec au moins 540 licences CS-ENT",
        thr("ge", 540, sku="CS-ENT"),
    )
    q(
        "sku_threshold",
        HUGO,
        "fr",
        "clients avec moins de 100 licences CS-PRO",
        thr("lt", 100, sku="CS-PRO"),
    )
    q(
        "sku_threshold",
        LUCA,
        "fr",
        "clients entre 100 et 300 licences CS-PRO",
        thr("between", 100, 300, sku="CS-PRO"),
    )
    q(
        "sku_threshold",
        ERIK,
        "en",
        "who has 610 or more CV-AUDIT seats",
        thr("ge", 610, sku="CV-AUDIT"),
    )
    q(
        "sku_seats",
        CLAIRE,
        "fr",
        "combien de licences CS-ENT chez nos clients ?",
        total(sku="CS-ENT"),
    )
    q("sku_seats", ALICE, "fr", "combien de licences CS-PRO au total ?", total(sku="CS-PRO"))
    q("sku_seats", SOFIA, "en", "total CV-AUDIT seats", total(sku="CV-AUDIT"))
    q(
        "sku_seats",
        SOFIA,
        "fr",
        "combien de licences CS-ENT ont nos clients ?",
        total(sku="CS-ENT", says_customers=True),
    )
    q(
        "sku_seats",
        ANDERS,
        "en",
        "how many CoreSuite Essentials licences in total",
        total(sku="CS-ESS"),
    )
    q(
        "sku_seats",
        INGRID,
        "fr",
        "nombre total de licences CoreSuite Enterprise",
        total(sku="CS-ENT"),
    )
    q(
        "sku_expiry",
        SOFIA,
        "en",
        "customers with CS-ENT expiring in Q1 2027",
        exp(lambda t: t.quarter(1, 2027), sku="CS-ENT"),
    )
    q(
        "sku_expiry",
        CLAIRE,
        "fr",
        "clients dont CV-BACKUP expire le mois prochain",
        exp(lambda t: t.next_month(), sku="CV-BACKUP"),
    )
    q(
        "sku_expiry",
        ERIK,
        "en",
        "which CS-PRO customers expire before new year?",
        exp(lambda t: t.before(t.new_year()), sku="CS-PRO"),
    )

    # --- license totals ---------------------------------------------------------------
    q("total", ALICE, "en", "how many licenses do we have in total?", total())
    q("total", JAN, "fr", "total des licences de nos clients", total())
    q("total", SOFIA, "en", "total licences across all customers", total())
    q("total", ERIK, "fr", "combien de licences au total ?", total())
    q("total", NINA, "en", "total number of licenses", total())
    q(
        "total",
        CLAIRE,
        "fr",
        "combien de licences ont les clients de Fabrikam ?",
        lic_below("Fabrikam"),
    )
    q(
        "total",
        SOFIA,
        "fr",
        "combien de licences pour les clients de Nordic Cloud ?",
        lic_below("Nordic Cloud"),
    )
    q("total", LUCA, "fr", "total des licences en Suisse", total(country="CH"))
    q(
        "total_range",
        ALICE,
        "fr",
        "combien de licences expirent le mois prochain ?",
        total(lambda t: t.next_month()),
    )
    q(
        "total_range",
        JAN,
        "fr",
        "combien de licences expirent d'ici la fin de l'année ?",
        total(lambda t: t.end_of(t.this_year())),
    )
    q(
        "total_range",
        ANDERS,
        "en",
        "how many seats expire in the next 30 days",
        total(lambda t: t.next_days(30)),
    )
    q(
        "total_range",
        LOTTE,
        "en",
        "how many licences expire this month",
        total(lambda t: t.this_month()),
    )

    # --- counts of organizations ------------------------------------------------------
    q("org_count", ALICE, "en", "how many customers do we have", n(orgs()))
    q("org_count", CLAIRE, "fr", "combien de partenaires avons-nous ?", n(orgs(kind="partner")))
    q("org_count", SOFIA, "en", "how many distributors are there?", n(orgs(kind="distributor")))
    q("org_count", LUCA, "fr", "combien de partenaires au total", n(orgs(kind="partner")))
    q("org_count", ERIK, "en", "number of customers in Norway", n(orgs(country="NO")))
    q("org_count", JAMES, "fr", "on a combien de clients ?", n(orgs()))
    q("org_count", SOFIA, "en", "how many customers does Litware have", n(orgs(parent="Litware")))

    # --- rankings ---------------------------------------------------------------------
    q("ranking", SOFIA, "en", "top 5 customers by licenses", rank())
    q("ranking", CLAIRE, "fr", "top 3 des clients par nombre de licences", rank(n=3))
    q(
        "ranking",
        SOFIA,
        "en",
        "which partner has the most customers?",
        rank(kind="partner", by="customers", n=1),
    )
    q("ranking", LUCA, "fr", "quel partenaire a le plus de licences ?", rank(kind="partner", n=1))
    q("ranking", SOFIA, "en", "top 3 partners by licenses", rank(kind="partner", n=3))
    q("ranking", ALICE, "fr", "nos 3 plus gros clients", rank(n=3))
    q("ranking", JAN, "fr", "notre plus gros client ?", rank(n=1))
    q("ranking", NINA, "en", "top 5 customers by licences", rank())
    q("ranking", ERIK, "en", "biggest customers", rank())
    q(
        "ranking",
        SOFIA,
        "fr",
        "quel distributeur a le plus de licences",
        rank(kind="distributor", n=1),
    )
    q(
        "ranking",
        CLAIRE,
        "fr",
        "quel partenaire a le plus de clients ?",
        rank(kind="partner", by="customers", n=1),
    )
    q(
        "ranking",
        SOFIA,
        "en",
        "top 4 partners by number of customers",
        rank(kind="partner", by="customers", n=4),
    )
    q("ranking", INGRID, "fr", "classement de nos clients par licences", rank())

    # --- breakdowns -------------------------------------------------------------------
    q("breakdown", CLAIRE, "fr", "licences par partenaire", brk("partner", "licenses"))
    q("breakdown", SOFIA, "en", "customers per partner", brk("partner"))
    q("breakdown", ERIK, "en", "licenses per partner please", brk("partner", "licenses"))
    q("breakdown", JAN, "en", "licenses per SKU", brk("sku"))
    q("breakdown", LOTTE, "fr", "répartition des licences par SKU", brk("sku"))
    q("breakdown", SOFIA, "fr", "nombre de clients par pays", brk("country"))
    q("breakdown", HUGO, "fr", "clients par pays", brk("country"))
    q("breakdown", ALICE, "fr", "expirations par mois", brk("month"))
    q("breakdown", SOFIA, "fr", "échéances par mois", brk("month"))
    q("breakdown", ANDERS, "en", "expiries by month", brk("month"))
    q("breakdown", SOFIA, "en", "customers per distributor", brk("distributor"))
    q("breakdown", LUCA, "fr", "licences par pays", brk("country", "licenses"))

    # --- countries --------------------------------------------------------------------
    q("country", CLAIRE, "en", "customers in Switzerland", orgs(country="CH"))
    q("country", HUGO, "fr", "clients en Belgique", orgs(country="BE"))
    q("country", ERIK, "en", "customers in NO", orgs(country="NO"))
    q("country", SOFIA, "fr", "clients aux États-Unis", orgs(country="US"))
    q("country", LUCA, "en", "list customers in Sweden", orgs(country="SE"))
    q("country", SOFIA, "fr", "clients en Suède", orgs(country="SE"))
    q("country", ERIK, "fr", "clients en Norvège", orgs(country="NO"))
    q("country", CLAIRE, "fr", "clients en Suisse", orgs(country="CH"))
    q("country", SOFIA, "en", "customers in the United States", orgs(country="US"))
    q("country", HUGO, "fr", "clients en FR", orgs(country="FR"))
    q("country", CLAIRE, "fr", "partenaires en Belgique", orgs(kind="partner", country="BE"))
    q("country", SOFIA, "en", "customers in Germany", orgs(country="DE"))
    q("country_combo", ERIK, "en", "customers in SE with CS-ENT", orgs(country="SE", sku="CS-ENT"))
    q(
        "country_combo",
        SOFIA,
        "fr",
        "clients en Belgique qui expirent avant Noël",
        exp(lambda t: t.before(t.christmas()), country="BE"),
    )
    q(
        "country_combo",
        CLAIRE,
        "fr",
        "clients en Suisse avec plus de 250 licences",
        thr("gt", 250, country="CH"),
    )
    q(
        "country_combo",
        LUCA,
        "en",
        "how many customers in CH expire in december",
        n(exp(lambda t: t.month(12), country="CH")),
    )

    # --- onboarding -------------------------------------------------------------------
    q(
        "onboarding",
        ALICE,
        "en",
        "which customers aren't onboarded yet?",
        orgs(onboarding=NOT_ONBOARDED),
    )
    q("onboarding", SOFIA, "en", "customers pending activation", orgs(onboarding=("invited",)))
    q("onboarding", JAN, "fr", "clients en attente d'activation", orgs(onboarding=("invited",)))
    q("onboarding", INGRID, "en", "onboarded customers", orgs(onboarding=("onboarded",)))
    q("onboarding", CLAIRE, "fr", "clients pas encore onboardés", orgs(onboarding=NOT_ONBOARDED))
    q(
        "onboarding_count",
        ERIK,
        "en",
        "how many customers are still pending activation",
        n(orgs(onboarding=("invited",))),
    )
    q(
        "onboarding_count",
        LUCA,
        "fr",
        "combien de clients ne sont pas onboardés ?",
        n(orgs(onboarding=NOT_ONBOARDED)),
    )

    # --- parents, including the asker's own organization ---------------------------------
    q("parent", SOFIA, "en", "customers of Fabrikam", orgs(parent="Fabrikam"))
    q("parent", CLAIRE, "fr", "clients de Litware", orgs(parent="Litware"))
    q(
        "parent",
        SOFIA,
        "en",
        "customers of Nordic Cloud Distribution",
        orgs(parent="Nordic Cloud Distribution"),
    )
    q(
        "parent",
        SOFIA,
        "fr",
        "partenaires d'Alpha Distribution",
        orgs(kind="partner", parent="Alpha Distribution"),
    )
    q(
        "parent",
        CLAIRE,
        "en",
        "Contoso customers expiring next month",
        exp(lambda t: t.next_month(), parent="Contoso"),
    )
    q(
        "own_parent",
        ALICE,
        "fr",
        "clients de Contoso qui expirent avant Noël",
        exp(lambda t: t.before(t.christmas()), parent="Contoso"),
    )
    q(
        "own_parent",
        CLAIRE,
        "fr",
        "clients d'Alpha Distribution en Belgique",
        orgs(parent="Alpha Distribution", country="BE"),
    )
    q(
        "own_parent",
        JAN,
        "fr",
        "clients de Fabrikam IT à risque",
        exp(None, only="at_risk", parent="Fabrikam IT"),
    )
    q(
        "own_parent",
        ERIK,
        "en",
        "how many customers does Nordic Cloud have?",
        n(orgs(parent="Nordic Cloud")),
    )
    q("own_parent", ANDERS, "en", "our customers with CS-ENT", orgs(sku="CS-ENT"))
    q("own_parent", INGRID, "fr", "nos clients en Norvège", orgs(country="NO"))

    # --- one organization ------------------------------------------------------------
    q(
        "org_licenses",
        JAN,
        "en",
        "how many licenses does Ghent Logistics have?",
        lic_of("Ghent Logistics"),
    )
    q(
        "org_licenses",
        CLAIRE,
        "fr",
        "combien de licences a Contoso Partners ?",
        lic_of("Contoso Partners"),
    )
    q(
        "org_licenses",
        SOFIA,
        "en",
        "licenses of Banque Privée de Genève",
        lic_of("Banque Privée de Genève"),
    )
    q(
        "org_licenses",
        ALICE,
        "fr",
        "nb de licences de Transports Moreau",
        lic_of("Transports Moreau"),
    )
    q(
        "org_licenses",
        ERIK,
        "en",
        "how many seats has Uppsala Research Labs got",
        lic_of("Uppsala Research Labs"),
    )
    q(
        "org_licenses",
        SOFIA,
        "fr",
        "combien de licences chez Adatum Consulting ?",
        lic_of("Adatum Consulting"),
    )
    q(
        "org_expiry",
        ALICE,
        "en",
        "when does Clinique Saint-Louis expire?",
        expiry_of("Clinique Saint-Louis"),
    )
    q(
        "org_expiry",
        BRUNO,
        "fr",
        "date d'expiration de Transports Moreau",
        expiry_of("Transports Moreau"),
    )
    q(
        "org_expiry",
        LOTTE,
        "fr",
        "quand a expiré Brasserie Vanderberg ?",
        expiry_of("Brasserie Vanderberg"),
    )
    q("org_expiry", CHLOE, "fr", "quand expire Atelier Marchand ?", expiry_of("Atelier Marchand"))
    q(
        "org_expiry",
        INGRID,
        "en",
        "expiry date of Oslo Fjord Ferries",
        expiry_of("Oslo Fjord Ferries"),
    )
    q("org_expiry", CLAIRE, "fr", "date d'expiration de Fabrikam IT", expiry_of("Fabrikam IT"))
    q(
        "org_skus",
        NINA,
        "en",
        "what SKUs does Banque Privée de Genève have?",
        skus_of("Banque Privée de Genève"),
    )
    q(
        "org_skus",
        ALICE,
        "fr",
        "quels produits a la Clinique Saint-Louis ?",
        skus_of("Clinique Saint-Louis"),
    )
    q("org_skus", JAMES, "en", "skus of Boston Legal Partners", skus_of("Boston Legal Partners"))

    # --- small typos and missing accents in names ----------------------------------------
    q("typo", CLAIRE, "fr", "clients de Fabrikan", orgs(parent="Fabrikan"))
    q(
        "typo",
        JAN,
        "fr",
        "combien de licences pour Bruxelle Assurances ?",
        lic_of("Bruxelle Assurances"),
    )
    q("typo", NINA, "fr", "quand expire Lausane Pharma ?", expiry_of("Lausane Pharma"))
    q("typo", ANDERS, "fr", "licences de Goteborg Shiping", lic_of("Goteborg Shiping"))
    q("typo", SOFIA, "en", "customers of Nortwind", orgs(parent="Nortwind"))
    q("typo", ALICE, "en", "when does cafe lumiere expire?", expiry_of("cafe lumiere"))
    q("typo", INGRID, "en", "how many licences does Bergen Seafod have", lic_of("Bergen Seafod"))
    q("typo", LUCA, "fr", "quels SKU a Zurich Uhren AG ?", skus_of("Zurich Uhren AG"))

    # --- names outside the asker's scope (answered like missing names) -------------------
    q(
        "out_of_scope",
        ALICE,
        "fr",
        "combien de licences a Ghent Logistics ?",
        lic_of("Ghent Logistics"),
    )
    q("out_of_scope", ERIK, "en", "customers of Contoso", orgs(parent="Contoso"))
    q("out_of_scope", NINA, "fr", "quand expire Café Lumière ?", expiry_of("Café Lumière"))
    q(
        "out_of_scope",
        JAMES,
        "en",
        "how many licenses does Transports Moreau have",
        lic_of("Transports Moreau"),
    )
    q("out_of_scope", CLAIRE, "en", "customers of Tailspin MSP", orgs(parent="Tailspin MSP"))
    q("out_of_scope", INGRID, "en", "licenses of Northwind's customers", lic_below("Northwind"))
    q(
        "out_of_scope",
        HUGO,
        "fr",
        "partenaires de Nordic Cloud Distribution",
        orgs(kind="partner", parent="Nordic Cloud Distribution"),
    )
    q(
        "out_of_scope",
        JAN,
        "en",
        "when does Hôtel Belle Époque expire?",
        expiry_of("Hôtel Belle Époque"),
    )
    q("not_found", SOFIA, "en", "how many licenses does Globex Corporation have?", DENIED)
    q("not_found", CLAIRE, "fr", "clients de Initech Services", DENIED)

    # --- pages the asker's organization kind or role does not get -------------------------
    q("denied_page", ALICE, "en", "list our partners", orgs(kind="partner"))
    q("denied_page", JAMES, "en", "which distributors are there?", orgs(kind="distributor"))
    q("denied_page", CLAIRE, "fr", "liste des distributeurs", orgs(kind="distributor"))
    q(
        "denied_page",
        BRUNO,
        "fr",
        "partenaires qui expirent ce mois-ci",
        exp(lambda t: t.this_month(), kind="partner"),
    )
    q("denied_page", ERIK, "en", "how many distributors do we have", n(orgs(kind="distributor")))
    q("denied_page", NINA, "en", "how many partners are there", n(orgs(kind="partner")))

    # --- operators ---------------------------------------------------------------------
    q("operators", ALICE, "en", "who are the admins?", ops("admin"))
    q("operators", CHLOE, "fr", "qui sont les lecteurs ?", ops("reader"))
    q("operators", SOFIA, "fr", "liste des opérateurs", ops())
    q("operators", CLAIRE, "fr", "liste des lecteurs", ops("reader"))
    q("operators", JAN, "fr", "montre-moi nos opérateurs", ops())
    q("operators", ERIK, "fr", "qui sont les admins ?", ops("admin"))
    q("operators", JAMES, "en", "who has admin rights here", ops("admin"))
    q("operators_count", ALICE, "fr", "combien d'opérateurs avons-nous ?", ops_n())
    q("operators_count", ANDERS, "en", "how many admins do we have", ops_n("admin"))
    q("operators_count", INGRID, "en", "number of operators", ops_n())
    q("operators_count", SOFIA, "en", "how many readers are there", ops_n("reader"))
    q("operators_denied", BRUNO, "fr", "c'est qui les admins ?", ops("admin"))
    q("operators_denied", LUCA, "fr", "combien d'opérateurs ?", ops_n())
    q("operators_denied", HUGO, "fr", "liste des opérateurs stp", ops())
    q("operators_denied", LOTTE, "fr", "qui sont les admins de Fabrikam ?", ops("admin"))
    q("operators_denied", EMILY, "en", "how many readers do we have?", ops_n("reader"))

    # --- data the Partner App does not hold, or words nothing in the SPEC accounts for ------
    q("unknown", ALICE, "en", "which customers have unassigned seats", UNKNOWN)
    q("unknown", JAN, "fr", "combien de licences non attribuées chez Ghent Logistics ?", UNKNOWN)
    q("unknown", SOFIA, "en", "CS-PRO usage last month", UNKNOWN)
    q("unknown", CLAIRE, "en", "what's the price of CoreSuite Enterprise?", UNKNOWN)
    q("unknown", HUGO, "fr", "combien coûte une licence CS-ESS ?", UNKNOWN)
    q("unknown", BRUNO, "fr", "factures impayées de Café Lumière", UNKNOWN)
    q("unknown", LUCA, "fr", "factures en retard ce trimestre", UNKNOWN)
    q("unknown", ANDERS, "en", "when did Malmö Foods last sign in", UNKNOWN)
    q("unknown", INGRID, "fr", "dernières connexions de Bergen Seafood", UNKNOWN)
    q("unknown", SOFIA, "en", "customers in the healthcare sector expiring next month", UNKNOWN)
    q("unknown", NINA, "fr", "clients du secteur bancaire en Suisse", UNKNOWN)
    q("unknown", SOFIA, "en", "top 5 customers by revenue", UNKNOWN)
    q("unknown", CLAIRE, "fr", "chiffre d'affaires par partenaire", UNKNOWN)
    q("unknown", ANDERS, "en", "any security alerts for Luleå Steel?", UNKNOWN)
    q("unknown", JAMES, "en", "customers with MFA disabled", UNKNOWN)
    q("unknown", ERIK, "en", "which customers have more than 500 employees", UNKNOWN)
    q("unknown", CHLOE, "fr", "clients avec plus de 100 utilisateurs actifs", UNKNOWN)
    q("unknown", LOTTE, "en", "CS-ENT customers with open support tickets", UNKNOWN)
    q("unknown", JAN, "en", "mailbox storage used by Ghent Logistics", UNKNOWN)
    q("unknown", ALICE, "fr", "licences inutilisées chez Hôtel Belle Époque", UNKNOWN)
    q("unknown", SOFIA, "fr", "clients en France avec une remise", UNKNOWN)
    q(
        "unknown",
        EMILY,
        "en",
        "customers expiring next month with a purchase order pending",
        UNKNOWN,
    )
    q("unknown", HUGO, "fr", "quels clients ont un bon de commande en attente ?", UNKNOWN)
    q("unknown", LUCA, "en", "partners with the best NPS score", UNKNOWN)
    q("unknown", CLAIRE, "fr", "quelle est notre marge sur la Clinique Saint-Louis ?", UNKNOWN)
    q("unknown", NINA, "fr", "taux d'utilisation de CS-PRO chez Lausanne Pharma", UNKNOWN)
    q("unknown", BRUNO, "en", "customers in France with unassigned licenses", UNKNOWN)

    # --- other turn dates: 2026-12-10 (Thursday) ----------------------------------------
    D1 = "2026-12-10"
    q("expiry_range", ALICE, "en", "who expires this month?", exp(lambda t: t.this_month()), now=D1)
    q(
        "expiry_range",
        SOFIA,
        "fr",
        "clients qui expirent en décembre",
        exp(lambda t: t.month(12)),
        now=D1,
    )
    q(
        "expiry_range",
        CLAIRE,
        "fr",
        "clients qui expirent la semaine prochaine",
        exp(lambda t: t.next_week()),
        now=D1,
    )
    q("expiry_range", ANDERS, "fr", "qui expire aujourd'hui ?", exp(lambda t: t.today_()), now=D1)
    q(
        "expiry_range",
        HUGO,
        "fr",
        "clients qui expirent d'ici Noël",
        exp(lambda t: t.by(t.christmas())),
        now=D1,
    )
    q(
        "expiry_range",
        JAMES,
        "fr",
        "clients qui ont expiré le mois dernier",
        exp(lambda t: t.last_month()),
        now=D1,
    )
    q(
        "expiry_range",
        LUCA,
        "en",
        "who expires by friday",
        exp(lambda t: t.by(t.weekday("friday"))),
        now=D1,
    )
    q("expiry_range", ERIK, "fr", "qui arrive à échéance bientôt", exp(lambda t: t.soon()), now=D1)
    q(
        "expiry_range",
        NINA,
        "en",
        "customers expiring in january",
        exp(lambda t: t.month(1)),
        now=D1,
    )
    q("at_risk", SOFIA, "en", "at risk customers", exp(None, only="at_risk"), now=D1)
    q(
        "at_risk",
        CLAIRE,
        "fr",
        "clients à risque avant le jour de l'an",
        exp(lambda t: t.before(t.new_year()), only="at_risk"),
        now=D1,
    )
    q("lapsed", SOFIA, "fr", "clients expirés", lapsed(), now=D1)
    q("lapsed", ANDERS, "en", "which customers lapsed", lapsed(), now=D1)
    q("booked", SOFIA, "en", "subscriptions booked that haven't started yet", booked(), now=D1)
    q("org_licenses", CLAIRE, "en", "licenses of Fabrikam IT", lic_of("Fabrikam IT"), now=D1)
    q(
        "org_expiry",
        ALICE,
        "en",
        "when does Transports Moreau expire",
        expiry_of("Transports Moreau"),
        now=D1,
    )
    q("ranking", SOFIA, "fr", "top 5 clients par licences", rank(), now=D1)
    q("threshold", ANDERS, "en", "customers with more than 500 licences", thr("gt", 500), now=D1)
    q("breakdown", CLAIRE, "en", "expiries per month", brk("month"), now=D1)
    q("total", ALICE, "fr", "combien de licences au total ?", total(), now=D1)
    q(
        "total_range",
        SOFIA,
        "en",
        "how many licences expire before new year",
        total(lambda t: t.before(t.new_year())),
        now=D1,
    )
    q(
        "expiry_count",
        JAN,
        "en",
        "how many customers expire next month",
        n(exp(lambda t: t.next_month())),
        now=D1,
    )

    # --- 2026-12-28 (Monday) ---------------------------------------------------------
    D2 = "2026-12-28"
    q(
        "expiry_range",
        ALICE,
        "fr",
        "qui expire avant le nouvel an ?",
        exp(lambda t: t.before(t.new_year())),
        now=D2,
    )
    q(
        "expiry_range",
        SOFIA,
        "en",
        "customers expiring by new year's day",
        exp(lambda t: t.by(t.new_year())),
        now=D2,
    )
    q("expiry_range", INGRID, "en", "who expires next week", exp(lambda t: t.next_week()), now=D2)
    q(
        "expiry_range",
        CLAIRE,
        "fr",
        "clients qui expirent en janvier",
        exp(lambda t: t.month(1)),
        now=D2,
    )
    q(
        "expiry_range",
        ERIK,
        "en",
        "customers expiring in the next 2 weeks",
        exp(lambda t: t.next_weeks(2)),
        now=D2,
    )

    # --- 2027-01-04 (Monday) ---------------------------------------------------------
    D3 = "2027-01-04"
    q("expiry_range", INGRID, "en", "who expires tomorrow?", exp(lambda t: t.tomorrow()), now=D3)
    q(
        "expiry_range",
        SOFIA,
        "fr",
        "clients qui expirent ce mois-ci",
        exp(lambda t: t.this_month()),
        now=D3,
    )
    q(
        "expiry_range",
        CLAIRE,
        "fr",
        "clients qui expirent avant la fin du trimestre",
        exp(lambda t: t.end_of(t.this_quarter())),
        now=D3,
    )
    q(
        "expiry_range",
        LUCA,
        "en",
        "customers that expired last month",
        exp(lambda t: t.last_month()),
        now=D3,
    )
    q("expiry_range", NINA, "fr", "clients qui expirent au T2", exp(lambda t: t.quarter(2)), now=D3)
    q(
        "expiry_range",
        CLAIRE,
        "en",
        "customers expiring in december",
        exp(lambda t: t.month(12)),
        now=D3,
    )
    q("expiry_range", ERIK, "en", "who expires this year", exp(lambda t: t.this_year()), now=D3)
    q(
        "expiry_range",
        SOFIA,
        "en",
        "customers expiring next quarter",
        exp(lambda t: t.next_quarter()),
        now=D3,
    )
    q("at_risk", JAN, "fr", "clients non renouvelés", exp(None, only="at_risk"), now=D3)
    q("lapsed", CLAIRE, "fr", "clients dont tous les abonnements ont expiré", lapsed(), now=D3)
    q(
        "org_licenses",
        NINA,
        "fr",
        "combien de licences a la Banque Privée de Genève ?",
        lic_of("Banque Privée de Genève"),
        now=D3,
    )
    q(
        "org_expiry",
        NINA,
        "en",
        "when does Banque Privee de Geneve expire",
        expiry_of("Banque Privee de Geneve"),
        now=D3,
    )
    q(
        "ranking",
        SOFIA,
        "en",
        "which partner has the most licenses",
        rank(kind="partner", n=1),
        now=D3,
    )
    q("breakdown", SOFIA, "en", "expiries per month", brk("month"), now=D3)
    q("total", SOFIA, "fr", "total des licences", total(), now=D3)
    q(
        "expiry_count",
        ALICE,
        "en",
        "how many customers expire in Q1 2027?",
        n(exp(lambda t: t.quarter(1, 2027))),
        now=D3,
    )

    # --- 2027-02-15 (Monday) ---------------------------------------------------------
    D4 = "2027-02-15"
    q(
        "expiry_range",
        ANDERS,
        "en",
        "customers expiring this month",
        exp(lambda t: t.this_month()),
        now=D4,
    )
    q(
        "expiry_range",
        EMILY,
        "fr",
        "qui expire dans les 15 prochains jours ?",
        exp(lambda t: t.next_days(15)),
        now=D4,
    )
    q(
        "expiry_range",
        HUGO,
        "fr",
        "clients qui expirent d'ici fin mars",
        exp(lambda t: t.end_of(t.month(3))),
        now=D4,
    )
    q("at_risk", SOFIA, "fr", "combien de clients à risque ?", n(exp(None, only="at_risk")), now=D4)
    q("lapsed", JAMES, "en", "expired customers", lapsed(), now=D4)

    # --- 2027-03-30 (Tuesday) ---------------------------------------------------------
    D5 = "2027-03-30"
    q("expiry_range", ALICE, "fr", "qui expire demain ?", exp(lambda t: t.tomorrow()), now=D5)
    q(
        "expiry_range",
        SOFIA,
        "en",
        "customers expiring next month",
        exp(lambda t: t.next_month()),
        now=D5,
    )
    q(
        "expiry_range",
        CLAIRE,
        "fr",
        "clients qui expirent au T2",
        exp(lambda t: t.quarter(2)),
        now=D5,
    )
    q("expiry_range", LOTTE, "en", "who expires soon", exp(lambda t: t.soon()), now=D5)
    q("expiry_range", ERIK, "fr", "clients qui expirent en mai", exp(lambda t: t.month(5)), now=D5)
    q(
        "expiry_range",
        JAMES,
        "en",
        "customers that expired this month",
        exp(lambda t: t.this_month()),
        now=D5,
    )
    q(
        "expiry_range",
        SOFIA,
        "fr",
        "qui expire d'ici 60 jours ?",
        exp(lambda t: t.next_days(60)),
        now=D5,
    )
    q("lapsed", SOFIA, "en", "lapsed customers", lapsed(), now=D5)
    q("lapsed_count", ANDERS, "fr", "combien de clients expirés ?", n(lapsed()), now=D5)
    q("ranking", SOFIA, "en", "top 5 customers by licenses", rank(), now=D5)
    q(
        "ranking",
        CLAIRE,
        "fr",
        "quel partenaire a le plus de licences ?",
        rank(kind="partner", n=1),
        now=D5,
    )
    q("threshold", SOFIA, "en", "customers with at least 1000 licenses", thr("ge", 1000), now=D5)
    q("breakdown", ERIK, "fr", "licences par partenaire", brk("partner", "licenses"), now=D5)
    q("breakdown", ALICE, "en", "expiries per month", brk("month"), now=D5)
    q("total", JAMES, "en", "total licenses", total(), now=D5)
    q(
        "org_expiry",
        JAMES,
        "fr",
        "quand expire Denver Health Network ?",
        expiry_of("Denver Health Network"),
        now=D5,
    )
    q(
        "org_licenses",
        ALICE,
        "fr",
        "combien de licences a la Clinique Saint-Louis ?",
        lic_of("Clinique Saint-Louis"),
        now=D5,
    )
    q("sku_list", SOFIA, "fr", "clients qui ont CS-ENT", orgs(sku="CS-ENT"), now=D5)
    q("at_risk", ALICE, "fr", "clients à risque", exp(None, only="at_risk"), now=D5)

    # --- a few more date phrases --------------------------------------------------------
    q(
        "expiry_range",
        CHLOE,
        "fr",
        "qui expire d'ici la fin du mois ?",
        exp(lambda t: t.end_of(t.this_month())),
    )
    q(
        "expiry_range",
        EMILY,
        "en",
        "customers expiring until Dec 5",
        exp(lambda t: t.by(t.day(12, 5))),
    )
    q("expiry_range", NINA, "fr", "clients qui expirent en 2027", exp(lambda t: t.year(2027)))
    q(
        "expiry_range",
        SOFIA,
        "fr",
        "qui expire cette semaine ?",
        exp(lambda t: t.this_week()),
        now=D1,
    )
    q(
        "expiry_range",
        ALICE,
        "en",
        "who expired last year?",
        exp(lambda t: t.year(t.today.year - 1)),
        now=D3,
    )
    q(
        "expiry_range",
        JAMES,
        "en",
        "who expired yesterday",
        exp(lambda t: t.yesterday()),
        now="2026-11-24",
    )
    q(
        "expiry_range",
        JAN,
        "fr",
        "un client a expiré hier ?",
        exp(lambda t: t.yesterday()),
        now="2026-11-19",
    )


# ---------------------------------------------------------------------------


def evaluate(world: World, who: str, now: str, expect: Any) -> dict[str, Any]:
    if isinstance(expect, dict):
        return expect
    try:
        return expect(View(world, who, d(now)))
    except Denied:
        return dict(DENIED)


def main(argv: list[str]) -> int:
    fixture = Path(argv[1]) if len(argv) > 1 else DEFAULT_FIXTURE
    out = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT
    world = World(json.loads(fixture.read_text(encoding="utf-8")))
    build_questions()
    lines, seen = [], set()
    for _kind, who, locale, now, text, expect in QUESTIONS:
        assert who in world.operators, who
        key = (who, now, text)
        assert key not in seen, f"duplicate question {key}"
        seen.add(key)
        try:
            exp = evaluate(world, who, now, expect)
        except Ambiguous as exc:
            raise SystemExit(f"ambiguous under the SPEC, drop it: {text!r} ({exc})") from None
        lines.append(
            json.dumps(
                {"as": who, "locale": locale, "now": now, "q": text, "expect": exp},
                ensure_ascii=False,
            )
        )
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    kinds = Counter(k for k, *_ in QUESTIONS)
    langs = Counter(lang for _, _, lang, *_ in QUESTIONS)
    print(f"wrote {len(lines)} questions to {out}")
    print("languages:", dict(langs))
    print("kinds:", dict(sorted(kinds.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
