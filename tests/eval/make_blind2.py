"""Blind evaluation set 2: writes tests/eval/questions.blind2.jsonl.

Written on 2026-12-01 from SPEC.md alone (sections 1, 2, 3 and 5) and the data fixture,
blind to the parser: its author never read the understanding code, the handlers, the
directory service, nor the other evaluation generators and oracles. Every expectation is
computed here from the SPEC definitions over the fixture tests/eval/partner-demo.v2.json
(the project's copy of the shared demo fixture), with today = 2026-11-23.

Run by hand only (no test runs it):  python tests/eval/make_blind2.py [FIXTURE] [-o OUT]
"""

from __future__ import annotations

import argparse
import calendar
import json
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TODAY = date(2026, 11, 23)
Range = tuple[date, date]
Expect = dict[str, Any]
Pred = Callable[[str], bool]

DENIED: Expect = {"denied": True}
UNKNOWN: Expect = {"unknown": True}


def name_key(name: str) -> str:
    """Tie order: name ignoring case and accents."""
    return "".join(c for c in unicodedata.normalize("NFKD", name)
                   if not unicodedata.combining(c)).casefold()


# --- dates (SPEC §1 "Dates in questions") -------------------------------------------------

def month(y: int, m: int) -> Range:
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


def month_offset(n: int) -> Range:
    k = TODAY.year * 12 + TODAY.month - 1 + n
    return month(k // 12, k % 12 + 1)


def named_month(m: int) -> Range:
    """A month named without a year: its next occurrence (this month if we are in it)."""
    return month(TODAY.year if m >= TODAY.month else TODAY.year + 1, m)


def quarter(y: int, q: int) -> Range:
    return date(y, 3 * q - 2, 1), month(y, 3 * q)[1]


def quarter_offset(n: int) -> Range:
    k = TODAY.year * 4 + (TODAY.month - 1) // 3 + n
    return quarter(k // 4, k % 4 + 1)


def next_quarter_named(q: int) -> Range:
    lo, hi = quarter(TODAY.year, q)
    return (lo, hi) if hi >= TODAY else quarter(TODAY.year + 1, q)


def week(n: int) -> Range:
    monday = TODAY - timedelta(days=TODAY.weekday()) + timedelta(weeks=n)
    return monday, monday + timedelta(days=6)


def next_days(n: int) -> Range:
    return TODAY, TODAY + timedelta(days=n)


def day(d: date) -> Range:
    return d, d


def next_day_of_year(m: int, d: int) -> date:
    """A day without a year: its next occurrence, today included."""
    x = date(TODAY.year, m, d)
    return x if x >= TODAY else date(TODAY.year + 1, m, d)


def next_weekday(wd: int) -> date:
    return TODAY + timedelta(days=(wd - TODAY.weekday()) % 7)


def before(d: date) -> Range:
    return TODAY, d - timedelta(days=1)


def until(d: date) -> Range:
    return TODAY, d


def year(y: int) -> Range:
    return date(y, 1, 1), date(y, 12, 31)


END_YEAR = year(TODAY.year)[1]
XMAS = next_day_of_year(12, 25)
NEW_YEAR = next_day_of_year(1, 1)


# --- the network (SPEC §1 derived values) -------------------------------------------------

class Net:
    def __init__(self, data: dict[str, Any]) -> None:
        self.orgs: dict[str, dict[str, Any]] = {o["id"]: o for o in data["organizations"]}
        self.subs: list[dict[str, Any]] = [
            {**s, "starts": date.fromisoformat(s["starts_on"]),
             "expires": date.fromisoformat(s["expires_on"]),
             "auto": bool(s.get("auto_renew", False))} for s in data["subscriptions"]]
        self.ops: list[dict[str, Any]] = data["operators"]
        self.skus: dict[str, str] = {s["code"]: s["name"] for s in data["skus"]}

    # tree and scope
    def org_of(self, email: str) -> str:
        return next(o["organization"] for o in self.ops if o["email"] == email)

    def below(self, org_id: str) -> list[str]:
        out: list[str] = []
        for o in self.orgs.values():
            p = o["parent"]
            while p is not None:
                if p == org_id:
                    out.append(o["id"])
                    break
                p = self.orgs[p]["parent"]
        return out

    def scope(self, email: str, kind: str = "customer", parent: str | None = None) -> list[str]:
        ids = self.below(self.org_of(email))
        if parent is not None:
            assert parent in ids or parent == self.org_of(email), parent
            ids = [i for i in ids if i in self.below(parent)]
        return [i for i in ids if self.orgs[i]["kind"] == kind]

    # subscriptions
    def subs_of(self, org_id: str) -> list[dict[str, Any]]:
        return [s for s in self.subs if s["organization"] == org_id]

    @staticmethod
    def active(s: dict[str, Any]) -> bool:
        return s["starts"] <= TODAY <= s["expires"]

    @staticmethod
    def booked(s: dict[str, Any]) -> bool:
        return s["starts"] > TODAY

    def renewed(self, s: dict[str, Any]) -> bool:
        if s["auto"]:
            return True
        return any(o["id"] != s["id"] and o["sku"] == s["sku"]
                   and o["starts"] <= s["expires"] + timedelta(days=1)
                   and o["expires"] > s["expires"] for o in self.subs_of(s["organization"]))

    def licences(self, org_id: str, sku: str | None = None) -> int:
        return sum(s["licenses"] for s in self.subs_of(org_id)
                   if self.active(s) and sku in (None, s["sku"]))

    def has_sku(self, org_id: str, sku: str) -> bool:
        return any(self.active(s) and s["sku"] == sku for s in self.subs_of(org_id))

    def customers_licences(self, org_id: str) -> int:
        return sum(self.licences(c) for c in self.below(org_id)
                   if self.orgs[c]["kind"] == "customer")

    def n_customers(self, org_id: str) -> int:
        return sum(1 for c in self.below(org_id) if self.orgs[c]["kind"] == "customer")

    def expiry(self, org_id: str) -> str | None:
        subs = self.subs_of(org_id)
        act = [s["expires"] for s in subs if self.active(s)]
        if act:
            return min(act).isoformat()
        return max(s["expires"] for s in subs).isoformat() if subs else None

    def lapsed(self, org_id: str) -> bool:
        subs = self.subs_of(org_id)
        return bool(subs) and not any(self.active(s) or self.booked(s) for s in subs)

    def has_expired_sub(self, org_id: str) -> bool:
        return any(s["expires"] < TODAY for s in self.subs_of(org_id))

    def expiring_subs(self, org_id: str, rng: Range, sku: str | None = None
                      ) -> list[dict[str, Any]]:
        return [s for s in self.subs_of(org_id) if rng[0] <= s["expires"] <= rng[1]
                and sku in (None, s["sku"])]

    def status(self, org_id: str, rng: Range, sku: str | None = None) -> str:
        subs = self.expiring_subs(org_id, rng, sku)
        return "renewed" if all(self.renewed(s) for s in subs) else "at_risk"


# --- expectations -------------------------------------------------------------------------

class Book:
    """Builds expectations for one operator's questions and records them."""

    def __init__(self, net: Net) -> None:
        self.net = net
        self.rows: list[dict[str, Any]] = []
        self.kinds: Counter[tuple[str, str]] = Counter()

    def add(self, kind: str, who: str, locale: str, q: str, expect: Expect) -> None:
        assert any(o["email"] == who for o in self.net.ops), who
        self.rows.append({"as": who, "locale": locale, "now": TODAY.isoformat(), "q": q,
                          "expect": expect})
        self.kinds[(kind, locale)] += 1

    # lists
    @staticmethod
    def ids(xs: list[str]) -> Expect:
        return {"ids": sorted(xs)}

    def expiring(self, who: str, rng: Range, keep: str | None = None, sku: str | None = None,
                 parent: str | None = None, count: bool = False) -> Expect:
        n = self.net
        found = {c: n.status(c, rng, sku) for c in n.scope(who, parent=parent)
                 if n.expiring_subs(c, rng, sku)}
        if sku is not None:  # the SKU applies to the same subscription: it must be active
            assert all(n.active(s) for c in found for s in n.expiring_subs(c, rng, sku)), rng
        found = {c: st for c, st in found.items() if keep in (None, st)}
        if count:
            return {"value": len(found)}
        out: Expect = self.ids(list(found))
        if sku is not None and any(n.status(c, rng) != st for c, st in found.items()):
            return out  # status over the SKU's subscriptions or all of them: left open
        out["status"] = dict(sorted(found.items()))
        return out

    def at_risk(self, who: str, rng: Range | None = None, count: bool = False) -> Expect:
        return self.expiring(who, rng or next_days(90), keep="at_risk", count=count)

    def where(self, who: str, pred: Pred, kind: str = "customer", parent: str | None = None,
              count: bool = False) -> Expect:
        xs = [c for c in self.net.scope(who, kind, parent) if pred(c)]
        return {"value": len(xs)} if count else self.ids(xs)

    def threshold(self, who: str, lo: int | None, hi: int | None, sku: str | None = None,
                  strict: bool = False, count: bool = False) -> Expect:
        n = self.net

        def ok(c: str) -> bool:
            if sku is not None and not n.has_sku(c, sku):
                return False
            v = n.licences(c, sku)
            if strict:
                return (lo is None or v > lo) and (hi is None or v < hi)
            return (lo is None or v >= lo) and (hi is None or v <= hi)
        return self.where(who, ok, count=count)

    def ops(self, who: str, role: str | None = None, count: bool = False) -> Expect:
        org = self.net.org_of(who)
        xs = [o["email"] for o in self.net.ops if o["organization"] == org
              and o.get("status", "active") == "active"
              and (role is None or ("admin" in o["roles"]) == (role == "admin"))]
        return {"value": len(xs)} if count else self.ids(xs)

    # values
    def total(self, who: str, sku: str | None = None, rng: Range | None = None,
              parent: str | None = None) -> Expect:
        n = self.net
        cs = n.scope(who, parent=parent)
        if rng is None:
            return {"value": sum(n.licences(c, sku) for c in cs)}
        return {"value": sum(s["licenses"] for c in cs for s in n.expiring_subs(c, rng, sku))}

    # rankings and breakdowns
    def measure(self, org_id: str, by: str) -> int:
        n = self.net
        if by == "customers":
            return n.n_customers(org_id)
        return n.licences(org_id) if n.orgs[org_id]["kind"] == "customer" \
            else n.customers_licences(org_id)

    def ranking(self, who: str, kind: str, by: str, top: int) -> Expect:
        xs = sorted(self.net.scope(who, kind), key=lambda i: (
            -self.measure(i, by), name_key(self.net.orgs[i]["name"])))
        return {"ordered_ids": xs[:top]}

    def per_org(self, who: str, kind: str, by: str) -> Expect:
        return {"groups": {i: self.measure(i, by) for i in self.net.scope(who, kind)
                           if self.measure(i, by)}}

    def per_sku(self, who: str) -> Expect:
        cs = self.net.scope(who)
        g = {k: sum(self.net.licences(c, k) for c in cs) for k in self.net.skus}
        return {"groups": {k: v for k, v in g.items() if v}}

    def per_country(self, who: str) -> Expect:
        return {"groups": dict(Counter(self.net.orgs[c]["country"]
                                       for c in self.net.scope(who)))}

    def per_month(self, who: str) -> Expect:
        g: dict[str, int] = {}
        for k in range(12):
            rng = month_offset(k)
            v = sum(1 for c in self.net.scope(who) if self.net.expiring_subs(c, rng))
            if v:
                g[rng[0].strftime("%Y-%m")] = v
        return {"groups": g}

    def org_skus(self, org_id: str) -> Expect:
        return self.ids(sorted({s["sku"] for s in self.net.subs_of(org_id)
                                if self.net.active(s)}))


# --- the questions ------------------------------------------------------------------------
# --- the questions ------------------------------------------------------------------------

SOFIA, LUCA = "sofia.marino@coreview.example", "luca.bianchi@coreview.example"
CLAIRE, HUGO = "claire.martin@alphadist.example", "hugo.bernard@alphadist.example"
ERIK = "erik.lindqvist@nordiccloud.example"
ALICE, BRUNO = "alice.durand@contoso.example", "bruno.petit@contoso.example"
CHLOE = "chloe.leroy@contoso.example"
JAN, LOTTE = "jan.peeters@fabrikam.example", "lotte.janssens@fabrikam.example"
NINA, ANDERS = "nina.keller@litware.example", "anders.berg@northwind.example"
INGRID = "ingrid.haugen@tailspin.example"
JAMES, EMILY = "james.carter@adatum.example", "emily.nguyen@adatum.example"
Q = tuple[str, str, str, Expect]  # operator, locale, question, expectation


def expiry(b: Book) -> list[Q]:
    e, m = b.expiring, month_offset
    return [
        (SOFIA, "en", "which customers run out this month?", e(SOFIA, m(0))),
        (HUGO, "fr", "quels clients expirent ce mois ci", e(HUGO, m(0))),
        (ERIK, "en", "who's up for expiry next month?", e(ERIK, m(1))),
        (ALICE, "fr", "qui a expiré le mois dernier ?", e(ALICE, m(-1))),
        (CLAIRE, "en", "customers expiring in january", e(CLAIRE, named_month(1))),
        (SOFIA, "fr", "clients qui arrivent à échéance en mars", e(SOFIA, named_month(3))),
        (ERIK, "en", "which of our customers expire in Feb 2027?", e(ERIK, month(2027, 2))),
        (ANDERS, "fr", "clients qui expirent en novembre", e(ANDERS, named_month(11))),
        (JAN, "en", "who expires this week", e(JAN, week(0))),
        (ALICE, "fr", "qui expire cette semaine ?", e(ALICE, week(0))),
        (JAMES, "en", "customers expiring next week", e(JAMES, week(1))),
        (LOTTE, "fr", "la semaine pro, qui expire ?", e(LOTTE, week(1))),
        (BRUNO, "en", "customers expiring in the next 10 days", e(BRUNO, next_days(10))),
        (NINA, "fr", "clients qui expirent dans les 30 prochains jours", e(NINA, next_days(30))),
        (CLAIRE, "en", "customers expiring within 3 weeks", e(CLAIRE, next_days(21))),
        (ERIK, "fr", "clients qui expirent dans la quinzaine", e(ERIK, next_days(14))),
        (SOFIA, "en", "who is expiring in the coming fortnight?", e(SOFIA, next_days(14))),
        (HUGO, "en", "customers expring in Q1", e(HUGO, next_quarter_named(1))),
        (BRUNO, "fr", "clients qui expirent au T1", e(BRUNO, next_quarter_named(1))),
        (ANDERS, "en", "who's expiring before Dec 31st?", e(ANDERS, before(END_YEAR))),
        (CLAIRE, "fr", "clients qui expirent avant le 1er décembre",
         e(CLAIRE, before(date(2026, 12, 1)))),
        (EMILY, "en", "who expires by Dec 5?", e(EMILY, until(date(2026, 12, 5)))),
        (CHLOE, "fr", "clients qui arrivent a echeance d'ici le 15 decembre",
         e(CHLOE, until(date(2026, 12, 15)))),
        (LUCA, "en", "customers expiring until 2 December", e(LUCA, until(date(2026, 12, 2)))),
        (JAN, "en", "customers expiring by the end of the quarter",
         e(JAN, until(quarter_offset(0)[1]))),
        (INGRID, "fr", "qui expire avant la fin du mois ?", e(INGRID, until(m(0)[1]))),
        (ERIK, "en", "customers expiring before the end of the year", e(ERIK, until(END_YEAR))),
        (NINA, "fr", "clients qui expirent avant la fin janvier",
         e(NINA, until(date(2027, 1, 31)))),
        (CLAIRE, "en", "which customers expire by Christmas day?", e(CLAIRE, until(XMAS))),
        (LUCA, "fr", "clients qui expirent avant Noel", e(LUCA, before(XMAS))),
        (ALICE, "en", "what's expiring before New Year?", e(ALICE, before(NEW_YEAR))),
        (HUGO, "fr", "clients qui expirent d'ici le jour de l'an", e(HUGO, until(NEW_YEAR))),
        (NINA, "en", "any upcoming expiries?", e(NINA, next_days(30))),
        (ANDERS, "fr", "quels clients expirent bientot ?", e(ANDERS, next_days(30))),
        (INGRID, "fr", "expirations à venir", e(INGRID, next_days(30))),
        (SOFIA, "en", "customers expiring today", e(SOFIA, day(TODAY))),
        (CLAIRE, "en", "who expires tomorrow?", e(CLAIRE, day(TODAY + timedelta(days=1)))),
        (JAN, "en", "customers expiring on Friday", e(JAN, day(next_weekday(4)))),
        (SOFIA, "fr", "clients qui expirent lundi", e(SOFIA, day(next_weekday(0)))),
        (LUCA, "fr", "clients qui expirent dimanche", e(LUCA, day(next_weekday(6)))),
        (HUGO, "en", "who expired last week", e(HUGO, week(-1))),
        (SOFIA, "fr", "clients qui ont expiré hier", e(SOFIA, day(TODAY - timedelta(days=1)))),
        (CLAIRE, "en", "customers expiring in 10 days", e(CLAIRE, next_days(10))),
        (SOFIA, "fr", "clients qui expirent l'année prochaine", e(SOFIA, year(2027))),
        (ERIK, "en", "customers expiring this quarter", e(ERIK, quarter_offset(0))),
        (JAN, "fr", "clients qui ont expiré le trimestre dernier", e(JAN, quarter_offset(-1))),
        (SOFIA, "en", "customers expiring on December 20", e(SOFIA, day(date(2026, 12, 20)))),
        (CLAIRE, "fr", "clients qui expirent le 30 novembre", e(CLAIRE, day(date(2026, 11, 30)))),
        (INGRID, "en", "which customers expire in the next 6 weeks?", e(INGRID, next_days(42))),
        (JAMES, "fr", "qui expire le trimestre prochain ?", e(JAMES, quarter_offset(1))),
    ]


def renewal(b: Book) -> list[Q]:
    r, e = b.at_risk, b.expiring
    return [
        (SOFIA, "en", "which customers are at risk?", r(SOFIA)),
        (CLAIRE, "fr", "clients non renouvelés", r(CLAIRE)),
        (ANDERS, "en", "customers not renewed", r(ANDERS)),
        (INGRID, "fr", "qui n'est pas renouvelé ?", r(INGRID)),
        (LOTTE, "fr", "clients pas renouveles", r(LOTTE)),
        (SOFIA, "en", "which customers expiring in December are already renewed?",
         e(SOFIA, named_month(12), keep="renewed")),
        (ALICE, "fr", "clients renouvelés qui expirent ce mois-ci",
         e(ALICE, month_offset(0), keep="renewed")),
        (CLAIRE, "en", "at-risk expiries before Christmas", r(CLAIRE, before(XMAS))),
        (SOFIA, "fr", "clients à risque d'ici la fin de l'année", r(SOFIA, until(END_YEAR))),
        (ERIK, "en", "how many customers are at risk?", r(ERIK, count=True)),
        (JAMES, "fr", "combien de clients ne sont pas renouvelés ce trimestre ?",
         r(JAMES, quarter_offset(0), count=True)),
        (LUCA, "en", "customers at risk in Q1 2027", r(LUCA, quarter(2027, 1))),
        (HUGO, "fr", "parmi les clients qui expirent la semaine prochaine, lesquels sont "
         "renouvelés ?", e(HUGO, week(1), keep="renewed")),
        (BRUNO, "en", "which customers expiring in the next 60 days haven't renewed?",
         r(BRUNO, next_days(60))),
        (JAN, "en", "renewed customers expiring in the next 90 days",
         e(JAN, next_days(90), keep="renewed")),
    ]


def lapsed(b: Book) -> list[Q]:
    w, n = b.where, b.net
    return [
        (SOFIA, "en", "lapsed customers", w(SOFIA, n.lapsed)),
        (JAN, "fr", "clients expirés", w(JAN, n.lapsed)),
        (ALICE, "en", "which customers have lapsed?", w(ALICE, n.lapsed)),
        (CLAIRE, "fr", "clients avec un abonnement expiré", w(CLAIRE, n.has_expired_sub)),
        (ERIK, "en", "who has an expired sub?", w(ERIK, n.has_expired_sub)),
        (LUCA, "fr", "combien de clients sont expirés ?", w(LUCA, n.lapsed, count=True)),
        (JAMES, "en", "any lapsed customers?", w(JAMES, n.lapsed)),
    ]


def sku(b: Book) -> list[Q]:
    w, e, n = b.where, b.expiring, b.net

    def has(k: str) -> Pred:
        return lambda c: n.has_sku(c, k)
    return [
        (CLAIRE, "en", "customers with CS-ENT", w(CLAIRE, has("CS-ENT"))),
        (SOFIA, "fr", "clients qui ont CoreView Backup", w(SOFIA, has("CV-BACKUP"))),
        (ERIK, "en", "who has CoreSuite Professional?", w(ERIK, has("CS-PRO"))),
        (ALICE, "fr", "quels clients ont du CS-ESS", w(ALICE, has("CS-ESS"))),
        (JAN, "en", "customers on cv-audit", w(JAN, has("CV-AUDIT"))),
        (HUGO, "fr", "clients avec License Optimizer", w(HUGO, has("CV-LIC"))),
        (NINA, "en", "which customers have CS-PRO?", w(NINA, has("CS-PRO"))),
        (JAMES, "fr", "qui a CoreSuite Essentials ?", w(JAMES, has("CS-ESS"))),
        (INGRID, "en", "customers with License Optimiser", w(INGRID, has("CV-LIC"))),
        (LUCA, "fr", "clients avec Coresuite Entreprise", w(LUCA, has("CS-ENT"))),
        (SOFIA, "en", "customers whose CoreSuite Enterprise expires next month",
         e(SOFIA, month_offset(1), sku="CS-ENT")),
        (CLAIRE, "fr", "clients CS-PRO qui expirent avant la fin de l'année",
         e(CLAIRE, until(END_YEAR), sku="CS-PRO")),
        (ANDERS, "en", "customers whose CS-ENT expires in Q1",
         e(ANDERS, next_quarter_named(1), sku="CS-ENT")),
        (SOFIA, "fr", "clients dont le CV-LIC expire dans les 30 jours",
         e(SOFIA, next_days(30), sku="CV-LIC")),
        (CHLOE, "en", "customers with CoreView Audit expiring in June",
         e(CHLOE, named_month(6), sku="CV-AUDIT")),
    ]


def threshold(b: Book) -> list[Q]:
    t = b.threshold
    return [
        (SOFIA, "en", "customers with more than 1000 licenses", t(SOFIA, 1000, None, strict=True)),
        (CLAIRE, "fr", "clients avec plus de 640 licences", t(CLAIRE, 640, None, strict=True)),
        (ALICE, "en", "customers with fewer than 40 licences", t(ALICE, None, 40, strict=True)),
        (ERIK, "fr", "clients avec moins de 100 licences", t(ERIK, None, 100, strict=True)),
        (JAN, "en", "customers with 35 or more licences", t(JAN, 35, None)),
        (SOFIA, "fr", "clients avec au moins 2040 licences", t(SOFIA, 2040, None)),
        (HUGO, "en", "customers with at most 95 licenses", t(HUGO, None, 95)),
        (ANDERS, "fr", "clients avec 140 licences maximum", t(ANDERS, None, 140)),
        (INGRID, "en", "customers having between 75 and 260 licences", t(INGRID, 75, 260)),
        (NINA, "fr", "clients entre 95 et 300 licences", t(NINA, 95, 300)),
        (SOFIA, "en", "customers with over 100 CS-PRO licenses",
         t(SOFIA, 100, None, sku="CS-PRO", strict=True)),
        (CLAIRE, "fr", "clients avec moins de 500 licences CS-ENT",
         t(CLAIRE, None, 500, sku="CS-ENT", strict=True)),
        (LUCA, "en", "customers with at least 610 CV-AUDIT seats",
         t(LUCA, 610, None, sku="CV-AUDIT")),
        (JAMES, "fr", "clients au-delà de 300 licences", t(JAMES, 300, None, strict=True)),
        (EMILY, "en", "customers with 55 licences or fewer", t(EMILY, None, 55)),
        (CHLOE, "fr", "clients à 120 licences et plus", t(CHLOE, 120, None)),
        (SOFIA, "fr", "clients entre 400 et 900 licences CoreSuite Enterprise",
         t(SOFIA, 400, 900, sku="CS-ENT")),
    ]


def onboarding(b: Book) -> list[Q]:
    w, n = b.where, b.net

    def st(*states: str) -> Pred:
        return lambda c: n.orgs[c]["onboarding"] in states
    no = st("invited", "not_invited")
    return [
        (SOFIA, "en", "customers not onboarded yet", w(SOFIA, no)),
        (ALICE, "fr", "clients pas encore onboardés", w(ALICE, no)),
        (JAN, "en", "which customers are pending activation?", w(JAN, st("invited"))),
        (SOFIA, "fr", "clients en attente d'activation", w(SOFIA, st("invited"))),
        (ERIK, "en", "customers that haven't been invited yet", w(ERIK, st("not_invited"))),
        (CLAIRE, "fr", "combien de clients ne sont pas onboardés ?", w(CLAIRE, no, count=True)),
        (NINA, "en", "onboarded customers", w(NINA, st("onboarded"))),
        (JAMES, "fr", "clients invités mais pas encore activés", w(JAMES, st("invited"))),
        (CLAIRE, "en", "partners not onboarded", w(CLAIRE, no, kind="partner")),
        (HUGO, "fr", "clients non onbordés", w(HUGO, no)),
    ]


def country(b: Book) -> list[Q]:
    w, n = b.where, b.net

    def cc(code: str) -> Pred:
        return lambda c: n.orgs[c]["country"] == code
    return [
        (SOFIA, "en", "customers in Belgium", w(SOFIA, cc("BE"))),
        (CLAIRE, "fr", "clients basés en Belgique", w(CLAIRE, cc("BE"))),
        (ERIK, "en", "customers in NO", w(ERIK, cc("NO"))),
        (SOFIA, "fr", "clients aux Etats-Unis", w(SOFIA, cc("US"))),
        (LUCA, "en", "how many customers in the US?", w(LUCA, cc("US"), count=True)),
        (HUGO, "fr", "clients en France", w(HUGO, cc("FR"))),
        (ALICE, "en", "customers based in Switzerland", w(ALICE, cc("CH"))),
        (ERIK, "fr", "clients en Norvège", w(ERIK, cc("NO"))),
        (SOFIA, "en", "customers in Sweden with more than 500 licenses",
         w(SOFIA, lambda c: cc("SE")(c) and n.licences(c) > 500)),
        (SOFIA, "fr", "clients CH", w(SOFIA, cc("CH"))),
        (SOFIA, "en", "partners in Sweden", w(SOFIA, cc("SE"), kind="partner")),
        (CLAIRE, "en", "customers in Germany", w(CLAIRE, cc("DE"))),
        (LUCA, "fr", "partenaires en Suisse", w(LUCA, cc("CH"), kind="partner")),
    ]


def every(_: str) -> bool:
    return True


def parent(b: Book) -> list[Q]:
    w, n = b.where, b.net
    return [
        (CLAIRE, "en", "customers of Fabrikam", w(CLAIRE, every, parent="p-fabrikam")),
        (SOFIA, "fr", "clients de Litware", w(SOFIA, every, parent="p-litware")),
        (ALICE, "en", "customers of Contoso", w(ALICE, every, parent="p-contoso")),
        (HUGO, "fr", "clients d'Alpha Distribution", w(HUGO, every, parent="d-alpha")),
        (SOFIA, "en", "partners of Nordic Cloud",
         w(SOFIA, every, kind="partner", parent="d-nordic")),
        (CLAIRE, "fr", "les partenaires d'Alpha",
         w(CLAIRE, every, kind="partner", parent="d-alpha")),
        (ERIK, "en", "Northwind's customers expiring next month",
         b.expiring(ERIK, month_offset(1), parent="p-northwind")),
        (SOFIA, "fr", "clients de Tailspin non onboardés",
         w(SOFIA, lambda c: n.orgs[c]["onboarding"] != "onboarded", parent="p-tailspin")),
        (SOFIA, "en", "customers of Adatum Consulting with CS-ENT",
         w(SOFIA, lambda c: n.has_sku(c, "CS-ENT"), parent="p-adatum")),
        (LUCA, "fr", "clients de Nordic Cloud Distribution", w(LUCA, every, parent="d-nordic")),
        (HUGO, "en", "customers of litware services not renewed",
         b.expiring(HUGO, next_days(90), keep="at_risk", parent="p-litware")),
    ]


def count(b: Book) -> list[Q]:
    w, n = b.where, b.net
    return [
        (SOFIA, "en", "how many customers do we have?", w(SOFIA, every, count=True)),
        (CLAIRE, "fr", "combien de partenaires avons-nous ?",
         w(CLAIRE, every, kind="partner", count=True)),
        (SOFIA, "en", "how many distributors?", w(SOFIA, every, kind="distributor", count=True)),
        (ERIK, "fr", "nombre de clients qui arrivent à échéance le mois prochain",
         b.expiring(ERIK, month_offset(1), count=True)),
        (JAN, "en", "how many customers have CS-ENT?",
         w(JAN, lambda c: n.has_sku(c, "CS-ENT"), count=True)),
        (ALICE, "fr", "combien de clients ont plus de 100 licences ?",
         b.threshold(ALICE, 100, None, strict=True, count=True)),
        (HUGO, "en", "how many customers does Litware have?",
         w(HUGO, every, parent="p-litware", count=True)),
        (SOFIA, "fr", "combien de partenaires a Alpha Distribution ?",
         w(SOFIA, every, kind="partner", parent="d-alpha", count=True)),
        (ANDERS, "en", "how many customers are lapsed", w(ANDERS, n.lapsed, count=True)),
        (INGRID, "fr", "combien de clients en Norvege ?",
         w(INGRID, lambda c: n.orgs[c]["country"] == "NO", count=True)),
        (EMILY, "en", "number of customers pending activation",
         w(EMILY, lambda c: n.orgs[c]["onboarding"] == "invited", count=True)),
        (CHLOE, "fr", "combien de clients expirent avant Noël ?",
         b.expiring(CHLOE, before(XMAS), count=True)),
    ]


def total(b: Book) -> list[Q]:
    t = b.total
    return [
        (CLAIRE, "en", "total licenses?", t(CLAIRE)),
        (ALICE, "fr", "combien de licences au total ?", t(ALICE)),
        (SOFIA, "en", "how many CV-BACKUP licences do we have?", t(SOFIA, sku="CV-BACKUP")),
        (ERIK, "fr", "combien de licences CoreSuite Professional en tout ?",
         t(ERIK, sku="CS-PRO")),
        (JAN, "en", "how many licenses expire next month?", t(JAN, rng=month_offset(1))),
        (SOFIA, "fr", "licences arrivant à échéance cette semaine, combien ?",
         t(SOFIA, rng=week(0))),
        (CLAIRE, "fr", "total des licences des clients de Contoso", t(CLAIRE, parent="p-contoso")),
        (HUGO, "fr", "combien de licences CS-ENT expirent avant la fin de l'année ?",
         t(HUGO, sku="CS-ENT", rng=until(END_YEAR))),
        (INGRID, "en", "how many licences expire in January?", t(INGRID, rng=named_month(1))),
        (NINA, "en", "total seat count across our customers", t(NINA)),
        (SOFIA, "fr", "combien de licences expirent en 2027 ?", t(SOFIA, rng=year(2027))),
        (ANDERS, "en", "how many licences in total", t(ANDERS)),
        (JAMES, "fr", "nombre total de licences CS-ENT", t(JAMES, sku="CS-ENT")),
    ]


def ranking(b: Book) -> list[Q]:
    r, C, P, D = b.ranking, "customer", "partner", "distributor"
    return [
        (CLAIRE, "en", "top 3 customers by license count", r(CLAIRE, C, "licences", 3)),
        (SOFIA, "fr", "les 10 plus gros clients", r(SOFIA, C, "licences", 10)),
        (ERIK, "en", "our biggest customer?", r(ERIK, C, "licences", 1)),
        (ALICE, "fr", "quel est notre plus gros client ?", r(ALICE, C, "licences", 1)),
        (SOFIA, "en", "which partner has the most licenses?", r(SOFIA, P, "licences", 1)),
        (SOFIA, "fr", "quel distributeur a le plus de clients ?", r(SOFIA, D, "customers", 1)),
        (HUGO, "en", "partners ranked by number of customers", r(HUGO, P, "customers", 5)),
        (SOFIA, "fr", "top 5 partenaires par licences", r(SOFIA, P, "licences", 5)),
        (ERIK, "en", "top partners by customers", r(ERIK, P, "customers", 5)),
        (JAN, "fr", "top 3 clients par licences", r(JAN, C, "licences", 3)),
        (LUCA, "en", "which distributor has the most licences?", r(LUCA, D, "licences", 1)),
        (SOFIA, "en", "top 5 partners by number of customers", r(SOFIA, P, "customers", 5)),
        (INGRID, "fr", "top 4 clients par nombre de licences", r(INGRID, C, "licences", 4)),
        (CLAIRE, "en", "top 18 customers by licence count", r(CLAIRE, C, "licences", 18)),
        (HUGO, "fr", "quel partenaire a le plus de licences ?", r(HUGO, P, "licences", 1)),
        (JAMES, "en", "top 2 customers", r(JAMES, C, "licences", 2)),
    ]


def breakdown(b: Book) -> list[Q]:
    g, P = b.per_org, "partner"
    return [
        (SOFIA, "en", "licenses per partner", g(SOFIA, P, "licences")),
        (CLAIRE, "fr", "licences par partenaire", g(CLAIRE, P, "licences")),
        (ERIK, "en", "how many customers per partner?", g(ERIK, P, "customers")),
        (SOFIA, "fr", "licences par distributeur", g(SOFIA, "distributor", "licences")),
        (JAN, "en", "licenses by SKU", b.per_sku(JAN)),
        (SOFIA, "fr", "répartition des licences par SKU", b.per_sku(SOFIA)),
        (CLAIRE, "en", "customers per country", b.per_country(CLAIRE)),
        (ERIK, "fr", "clients par pays", b.per_country(ERIK)),
        (SOFIA, "en", "show expiries by month", b.per_month(SOFIA)),
        (ALICE, "fr", "expirations par mois", b.per_month(ALICE)),
        (ERIK, "en", "number of customers with a subscription expiring, month by month",
         b.per_month(ERIK)),
        (JAMES, "fr", "nombre de clients qui expirent par mois", b.per_month(JAMES)),
        (ANDERS, "en", "licence breakdown per SKU", b.per_sku(ANDERS)),
        (HUGO, "fr", "répartition des licences par partenaire", g(HUGO, P, "licences")),
        (LUCA, "fr", "combien de clients a chaque partenaire ?", g(LUCA, P, "customers")),
    ]


def one_org(b: Book) -> list[Q]:
    n, s = b.net, b.org_skus

    def lic(o: str) -> Expect:
        return {"value": n.licences(o)}

    def exp(o: str) -> Expect:
        return {"value": n.expiry(o)}
    return [
        (CLAIRE, "en", "how many licences does Hotel Belle Epoque have?",
         lic("c-hotel-belle-epoque")),
        (SOFIA, "fr", "combien de licences pour Goteborg Shipping ?", lic("c-goteborg-shipping")),
        (ERIK, "en", "licenses for Lulea Steel", lic("c-lulea-steel")),
        (JAN, "fr", "licences de Bruxelles Assurances", lic("c-bruxelles-assurances")),
        (SOFIA, "en", "how many licenses does Alpha Distribution have?", lic("d-alpha")),
        (EMILY, "en", "how many seats does Denver Health have?", lic("c-denver-health")),
        (BRUNO, "fr", "combien de licences a le lycée Victor Hugo ?", lic("c-lycee-victor-hugo")),
        (LOTTE, "en", "how many licences does Ecoles de Namur have", lic("c-namur-ecoles")),
        (SOFIA, "en", "when does Ghent Logistics expire?", exp("c-ghent-logistics")),
        (ALICE, "fr", "quand expire Café Lumière ?", exp("c-cafe-lumiere")),
        (HUGO, "en", "expiry date of Brasserie Vanderberg", exp("c-brasserie-vanderberg")),
        (NINA, "fr", "date d'expiration de la Banque Privée de Genève", exp("c-geneve-banque")),
        (ANDERS, "en", "when does Uppsala Research Labs expire", exp("c-uppsala-university")),
        (INGRID, "fr", "quand expire Tromso Arctic Tours ?", exp("c-tromso-arctic")),
        (CLAIRE, "en", "Transports Moreau expiry?", exp("c-transports-moreau")),
        (LUCA, "fr", "date d'échéance de Fabrikam IT", exp("p-fabrikam")),
        (SOFIA, "en", "what SKUs does Banque Privee de Geneve have?", s("c-geneve-banque")),
        (CLAIRE, "fr", "quels produits a la Clinique Saint-Louis ?", s("c-clinique-saint-louis")),
        (ERIK, "en", "which SKUs does Luleå Steel have?", s("c-lulea-steel")),
        (JAMES, "fr", "quels SKU pour Boston Legal Partners ?", s("c-boston-legal")),
    ]


def operators(b: Book) -> list[Q]:
    o = b.ops
    return [
        (SOFIA, "en", "list the operators", o(SOFIA)),
        (SOFIA, "fr", "qui sont les lecteurs ?", o(SOFIA, "reader")),
        (CLAIRE, "en", "how many operators do we have?", o(CLAIRE, count=True)),
        (ERIK, "fr", "liste des admins", o(ERIK, "admin")),
        (ALICE, "en", "who are our readers?", o(ALICE, "reader")),
        (CHLOE, "fr", "combien d'administrateurs ?", o(CHLOE, "admin", count=True)),
        (JAN, "en", "operators list", o(JAN)),
        (JAMES, "fr", "qui sont les opérateurs ?", o(JAMES)),
        (INGRID, "en", "how many admins are there", o(INGRID, "admin", count=True)),
        (ANDERS, "fr", "nos lecteurs", o(ANDERS, "reader")),
        (JAMES, "en", "how many readers do we have?", o(JAMES, "reader", count=True)),
        (ALICE, "fr", "liste des operateurs", o(ALICE)),
    ]


REFUSALS = [  # pages the operator's role or org kind may not see; names outside the scope
    (ALICE, "en", "list our partners"), (BRUNO, "fr", "quels sont nos distributeurs ?"),
    (CLAIRE, "en", "which distributors do we have?"), (ERIK, "fr", "liste des distributeurs"),
    (JAN, "en", "partners of Alpha Distribution"), (HUGO, "en", "who are the operators?"),
    (LOTTE, "fr", "combien d'opérateurs ?"), (LUCA, "en", "list the admins"),
    (NINA, "fr", "c'est qui les admins chez nous ?"), (ALICE, "en", "customers of Fabrikam"),
    (ERIK, "en", "how many licenses does Clinique Saint-Louis have?"),
    (JAN, "fr", "quand expire Café Lumière ?"), (INGRID, "fr", "clients de Northwind"),
    (CLAIRE, "en", "customers of Adatum"),
    (ALICE, "fr", "combien de licences a Alpha Distribution ?"),
    (CLAIRE, "en", "how many licences does Nordic Cloud Distribution have?"),
    (JAMES, "fr", "licences par partenaire"),
    (EMILY, "en", "which partner has the most customers?"),
    (ANDERS, "fr", "quels produits a Bergen Seafood ?"),
]

UNKNOWNS = [  # data the Partner App does not hold, or a filter the SPEC does not define
    (SOFIA, "en", "customers in the healthcare sector"),
    (CLAIRE, "fr", "clients du secteur bancaire"),
    (ALICE, "en", "which customers have seats not assigned to any user?"),
    (JAN, "fr", "clients avec des licences non attribuées"),
    (SOFIA, "en", "revenue of Fabrikam IT this year"),
    (HUGO, "fr", "chiffre d'affaires de Contoso Partners"),
    (ERIK, "en", "customers whose admins signed in this week"),
    (NINA, "fr", "dernières connexions des utilisateurs de Lausanne Pharma"),
    (JAMES, "en", "any security alerts for our customers?"),
    (BRUNO, "fr", "alertes de sécurité chez Clinique Saint-Louis"),
    (ANDERS, "en", "licence usage for Malmö Foods"),
    (INGRID, "fr", "taux d'utilisation des licences de Bergen Seafood"),
    (LUCA, "en", "how much does CoreSuite Professional cost?"),
    (CHLOE, "fr", "prix d'une licence CoreView Audit"), (CLAIRE, "en", "overdue invoices"),
    (SOFIA, "fr", "factures de Denver Health Network"),
    (LOTTE, "en", "customers in the retail industry expiring next month"),
    (EMILY, "fr", "clients du secteur santé avec plus de 100 licences"),
    (SOFIA, "en", "customers in Paris"), (ALICE, "fr", "clients à Lyon qui expirent ce mois-ci"),
    (HUGO, "en", "customers with more than 200 employees"),
    (JAN, "fr", "clients avec plus de 50 boîtes mail"),
    (ERIK, "en", "which customers opened a support ticket last week?"),
    (JAMES, "fr", "marge sur les clients Adatum"), (CLAIRE, "en", "customers with MFA disabled"),
    (SOFIA, "fr", "clients avec des utilisateurs inactifs"),
    (NINA, "en", "how many seats are assigned at Zürich Uhren AG?"),
]

SECTIONS = {"expiry range": expiry, "renewal": renewal, "lapsed": lapsed, "sku": sku,
            "threshold": threshold, "onboarding": onboarding, "country": country,
            "parent": parent, "count": count, "licence total": total, "ranking": ranking,
            "breakdown": breakdown, "one organization": one_org, "operators": operators}


def build(net: Net) -> Book:
    b = Book(net)
    for kind, section in SECTIONS.items():
        for who, loc, q, x in section(b):
            b.add(kind, who, loc, q, x)
    for kind, fixed, x in (("scope refusal", REFUSALS, DENIED), ("unknown", UNKNOWNS, UNKNOWN)):
        for who, loc, q in fixed:
            b.add(kind, who, loc, q, x)
    return b


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("fixture", nargs="?", type=Path,
                    default=HERE / "partner-demo.v2.json")
    ap.add_argument("-o", "--out", type=Path, default=HERE / "questions.blind2.jsonl")
    args = ap.parse_args()
    book = build(Net(json.loads(args.fixture.read_text("utf-8"))))
    keys = [r["q"].casefold() + r["as"] for r in book.rows]
    assert len(keys) == len(set(keys)), "duplicate question"
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in book.rows),
                        "utf-8")
    for k in dict.fromkeys(k for k, _ in book.kinds):
        print(f"{k:18} en {book.kinds[(k, 'en')]:3}  fr {book.kinds[(k, 'fr')]:3}",
              file=sys.stderr)
    langs = Counter(r["locale"] for r in book.rows)
    print(f"{'total':18} en {langs['en']:3}  fr {langs['fr']:3}  = {len(book.rows)}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
