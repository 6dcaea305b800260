"""The parser by family of question (SPEC section 1 "Derived values" and "Dates in
questions", section 3): each family is tested with members of its own, in English and
French, worded as a Teams user would type them (none comes from an evaluation file),
and every field of the Query that a family can set is asserted exactly, for two
different turn dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import pytest

from services.understanding import Intent, parse
from services.understanding.model import Query
from services.understanding.names import Named, NameIndex, NameMatch
from services.understanding.ranges import DateRange

MON = dt.date(2026, 11, 23)  # a Monday, in Q4 2026
TUE = dt.date(2027, 3, 30)  # a Tuesday, in the last days of Q1 2027


def days(start: str, end: str) -> DateRange:
    return DateRange(dt.date.fromisoformat(start), dt.date.fromisoformat(end))


@dataclass(frozen=True)
class Expect:
    """The fields a family sets; the defaults are a plain customer list."""

    intent: str = Intent.LIST
    kind: str | None = "customer"
    expiry: DateRange | None = None
    renewal: str | None = None
    booked: bool = False
    expired_subscription: bool = False
    lapsed: bool = False
    country: str | None = None
    licenses_gt: int | None = None
    licenses_lt: int | None = None
    sku: str | None = None
    onboarding: str | None = None
    parent: str | None = None
    subject: str | None = None
    measure: str | None = None
    group_by: str | None = None
    limit: int | None = None
    role: str | None = None
    unaccounted: tuple[str, ...] = ()


def observed(q: Query) -> Expect:
    f = q.filters
    return Expect(intent=q.intent, kind=q.kind, expiry=f.expiry, renewal=f.renewal,
                  booked=f.booked, expired_subscription=f.expired_subscription,
                  lapsed=f.lapsed, country=f.country, licenses_gt=f.licenses_gt,
                  licenses_lt=f.licenses_lt, sku=f.sku, onboarding=f.onboarding,
                  parent=f.parent, subject=q.subject, measure=q.measure,
                  group_by=q.group_by, limit=q.limit, role=q.role,
                  unaccounted=q.unaccounted)


LIST = Expect()


def case(text: str, language: str, today: dt.date, expected: Expect,
         xfail: str | None = None) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(text, language, today, expected, marks=marks,
                        id=f"{language}-{today.isoformat()}-{text}")


async def check(text: str, language: str, today: dt.date, expected: Expect,
                resolve: Any = None) -> None:
    got = observed(await parse(text, language, today, resolve))
    assert got == expected, _differences(got, expected)


def _differences(got: Expect, expected: Expect) -> str:
    return "; ".join(f"{key}: got {getattr(got, key)!r}, expected {value!r}"
                     for key, value in vars(expected).items() if getattr(got, key) != value)


def expiring(start: str, end: str, **more: Any) -> Expect:
    return replace(LIST, expiry=days(start, end), **more)


# --- quarters: Q1..Q4 / T1..T4, with a year or its next occurrence ----------------------

QUARTERS = [
    case("customers expiring in Q1", "en", MON, expiring("2027-01-01", "2027-03-31")),
    case("customers expiring in Q1", "en", TUE, expiring("2027-01-01", "2027-03-31")),
    case("any customer renewal in Q4?", "en", MON, expiring("2026-10-01", "2026-12-31")),
    case("any customer renewal in Q4?", "en", TUE, expiring("2027-10-01", "2027-12-31")),
    case("customers that expire in q3 2027", "en", MON, expiring("2027-07-01", "2027-09-30")),
    case("which customers end in Q2 2028", "en", TUE, expiring("2028-04-01", "2028-06-30")),
    case("clients qui arrivent à échéance au T2", "fr", MON,
         expiring("2027-04-01", "2027-06-30")),
    case("quels clients expirent pendant le T1", "fr", TUE, expiring("2027-01-01", "2027-03-31")),
    case("clients dont l'abonnement expire au T3 2027", "fr", MON,
         expiring("2027-07-01", "2027-09-30")),
    case("les clients qui expirent en T4 2026", "fr", TUE,
         expiring("2026-10-01", "2026-12-31")),
    case("customers up for renewal in the first quarter of 2027", "en", MON,
         expiring("2027-01-01", "2027-03-31")),
    case("customers expiring in the third quarter", "en", TUE,
         expiring("2027-07-01", "2027-09-30")),
    case("clients qui expirent le deuxième trimestre", "fr", MON,
         expiring("2027-04-01", "2027-06-30")),
    case("clients à renouveler au premier trimestre 2028", "fr", TUE,
         expiring("2028-01-01", "2028-03-31")),
    case("clients qui expirent au quatrième trimestre", "fr", TUE,
         expiring("2027-10-01", "2027-12-31")),
]


@pytest.mark.parametrize(("text", "language", "today", "expected"), QUARTERS)
async def test_quarters(text: str, language: str, today: dt.date, expected: Expect) -> None:
    await check(text, language, today, expected)


# --- Christmas and New Year with before / by / d'ici / jusqu'à -----------------------------
# "before D" = today .. the day before D; "by / until / d'ici / jusqu'au D" = today .. D.

HOLIDAYS = [
    case("which of my customers expire before Christmas?", "en", MON,
         expiring("2026-11-23", "2026-12-24")),
    case("customers with an expiry before Christmas", "en", TUE,
         expiring("2027-03-30", "2027-12-24")),
    case("customers that expire by xmas", "en", MON, expiring("2026-11-23", "2026-12-25")),
    case("customers expiring before xmas", "en", TUE, expiring("2027-03-30", "2027-12-24")),
    case("customers to renew until Christmas", "en", TUE,
         expiring("2027-03-30", "2027-12-25")),
    case("clients qui arrivent à terme avant Noël", "fr", MON,
         expiring("2026-11-23", "2026-12-24")),
    case("mes clients qui arrivent à échéance d'ici Noël", "fr", TUE,
         expiring("2027-03-30", "2027-12-25")),
    case("clients à renouveler jusqu'à Noël", "fr", MON, expiring("2026-11-23", "2026-12-25")),
    case("show customers expiring before the New Year", "en", MON,
         expiring("2026-11-23", "2026-12-31")),
    case("customers due for renewal by new year's day", "en", TUE,
         expiring("2027-03-30", "2028-01-01")),
    case("customers that expire until New Year", "en", MON,
         expiring("2026-11-23", "2027-01-01")),
    case("clients qui expirent avant le jour de l'an", "fr", TUE,
         expiring("2027-03-30", "2027-12-31")),
    case("clients qui expirent d'ici le nouvel an", "fr", MON,
         expiring("2026-11-23", "2027-01-01")),
    case("clients qui arrivent à échéance jusqu'au nouvel an", "fr", TUE,
         expiring("2027-03-30", "2028-01-01")),
    case("clients qui expirent avant le nouvel an", "fr", MON,
         expiring("2026-11-23", "2026-12-31")),
]


@pytest.mark.parametrize(("text", "language", "today", "expected"), HOLIDAYS)
async def test_christmas_and_new_year(text: str, language: str, today: dt.date,
                                      expected: Expect) -> None:
    await check(text, language, today, expected)


# --- weekdays: the next occurrence, today included; "next Friday" is next week's -----------

WEEKDAYS = [
    case("customers expiring by Friday", "en", MON, expiring("2026-11-23", "2026-11-27")),
    case("customers expiring by Friday", "en", TUE, expiring("2027-03-30", "2027-04-02")),
    case("customers that expire before Thursday", "en", MON,
         expiring("2026-11-23", "2026-11-25")),
    case("customers expiring on Wednesday", "en", TUE, expiring("2027-03-31", "2027-03-31")),
    case("customers expiring on Monday", "en", MON, expiring("2026-11-23", "2026-11-23")),
    case("customers expiring next Friday", "en", MON, expiring("2026-12-04", "2026-12-04")),
    case("customers expiring next Friday", "en", TUE, expiring("2027-04-09", "2027-04-09")),
    case("clients qui expirent avant vendredi", "fr", MON,
         expiring("2026-11-23", "2026-11-26")),
    case("clients qui expirent avant vendredi", "fr", TUE,
         expiring("2027-03-30", "2027-04-01")),
    case("clients qui expirent d'ici jeudi", "fr", MON, expiring("2026-11-23", "2026-11-26")),
    case("clients qui expirent jusqu'à dimanche", "fr", TUE,
         expiring("2027-03-30", "2027-04-04")),
    case("clients qui expirent vendredi prochain", "fr", MON,
         expiring("2026-12-04", "2026-12-04")),
]


@pytest.mark.parametrize(("text", "language", "today", "expected"), WEEKDAYS)
async def test_weekdays(text: str, language: str, today: dt.date, expected: Expect) -> None:
    await check(text, language, today, expected)


# --- fortnight / quinzaine: today .. today + 14 ---------------------------------------------

FORTNIGHTS = [
    case("customers expiring in the next fortnight", "en", MON,
         expiring("2026-11-23", "2026-12-07")),
    case("customers that expire within a fortnight", "en", TUE,
         expiring("2027-03-30", "2027-04-13")),
    case("customer renewals over the coming fortnight", "en", MON,
         expiring("2026-11-23", "2026-12-07")),
    case("clients qui expirent dans la prochaine quinzaine", "fr", TUE,
         expiring("2027-03-30", "2027-04-13")),
    case("clients à renouveler dans la quinzaine à venir", "fr", MON,
         expiring("2026-11-23", "2026-12-07")),
]


@pytest.mark.parametrize(("text", "language", "today", "expected"), FORTNIGHTS)
async def test_fortnights(text: str, language: str, today: dt.date, expected: Expect) -> None:
    await check(text, language, today, expected)


# --- by / before the end of the week / quarter / year: today .. its last day --------------

PERIOD_ENDS = [
    case("list customers that expire by the end of the quarter", "en", MON,
         expiring("2026-11-23", "2026-12-31")),
    case("customers up for renewal by the end of the quarter", "en", TUE,
         expiring("2027-03-30", "2027-03-31")),
    case("customers that expire before the end of the year", "en", TUE,
         expiring("2027-03-30", "2027-12-31")),
    case("customers to renew by year end", "en", MON, expiring("2026-11-23", "2026-12-31")),
    case("customers expiring by the end of the week", "en", MON,
         expiring("2026-11-23", "2026-11-29")),
    case("customers expiring before the end of the week", "en", TUE,
         expiring("2027-03-30", "2027-04-04")),
    case("montre-moi les clients qui expirent avant la fin du trimestre", "fr", MON,
         expiring("2026-11-23", "2026-12-31")),
    case("clients à renouveler avant la fin du trimestre", "fr", TUE,
         expiring("2027-03-30", "2027-03-31")),
    case("clients qui expirent d'ici la fin de l'année", "fr", TUE,
         expiring("2027-03-30", "2027-12-31")),
    case("clients qui expirent avant la fin de la semaine", "fr", MON,
         expiring("2026-11-23", "2026-11-29")),
]


@pytest.mark.parametrize(("text", "language", "today", "expected"), PERIOD_ENDS)
async def test_end_of_a_period(text: str, language: str, today: dt.date,
                               expected: Expect) -> None:
    await check(text, language, today, expected)


# --- soon / upcoming / bientôt / à venir: the next 30 days -------------------------------

SOON = [
    case("any customers expiring soon?", "en", MON, expiring("2026-11-23", "2026-12-23")),
    case("which customers will expire soon", "en", TUE, expiring("2027-03-30", "2027-04-29")),
    case("upcoming customer expiries", "en", MON, expiring("2026-11-23", "2026-12-23")),
    case("customers with renewals coming up", "en", TUE, expiring("2027-03-30", "2027-04-29")),
    case("quels clients vont expirer bientôt", "fr", MON, expiring("2026-11-23", "2026-12-23")),
    case("les échéances clients à venir", "fr", TUE, expiring("2027-03-30", "2027-04-29")),
]


@pytest.mark.parametrize(("text", "language", "today", "expected"), SOON)
async def test_soon(text: str, language: str, today: dt.date, expected: Expect) -> None:
    await check(text, language, today, expected)


# --- renewal states: at risk (not renewed) / renewed -------------------------------------

AT_RISK = replace(LIST, renewal="at_risk")
RENEWED = replace(LIST, renewal="renewed")

RENEWALS = [
    case("customers not renewed yet", "en", MON, AT_RISK),
    case("customers that haven't renewed", "en", TUE, AT_RISK),
    case("which customers are at risk next month", "en", MON,
         replace(AT_RISK, expiry=days("2026-12-01", "2026-12-31"))),
    case("partners at risk", "en", TUE, replace(AT_RISK, kind="partner")),
    case("liste des clients non renouvelés", "fr", MON, AT_RISK),
    case("clients à risque en janvier", "fr", MON,
         replace(AT_RISK, expiry=days("2027-01-01", "2027-01-31"))),
    case("clients à risque en janvier", "fr", TUE,
         replace(AT_RISK, expiry=days("2028-01-01", "2028-01-31"))),
    case("clients qui ne sont pas encore renouvelés", "fr", TUE, AT_RISK),
    case("customers who won't renew", "en", MON, AT_RISK),
    case("clients qui ne se renouvellent pas automatiquement", "fr", TUE, AT_RISK),
    case("customers already renewed", "en", MON, RENEWED),
    case("auto-renewing customers", "en", TUE, RENEWED),
    case("customers expiring this month that are already renewed", "en", MON,
         replace(RENEWED, expiry=days("2026-11-01", "2026-11-30"))),
    case("clients en reconduction tacite", "fr", MON, RENEWED),
    case("clients déjà renouvelés", "fr", TUE, RENEWED),
]


@pytest.mark.parametrize(("text", "language", "today", "expected"), RENEWALS)
async def test_renewal_states(text: str, language: str, today: dt.date,
                              expected: Expect) -> None:
    await check(text, language, today, expected)


# --- booked: a subscription that has not started yet -------------------------------------

BOOKED = replace(LIST, booked=True)

BOOKINGS = [
    case("customers whose subscription has not started yet", "en", MON, BOOKED),
    case("customers with a subscription that hasn't started yet", "en", TUE, BOOKED),
    case("booked renewals", "en", MON, BOOKED),
    case("customers with booked renewals", "en", TUE, BOOKED),
    case("clients dont l'abonnement n'a pas encore commencé", "fr", MON, BOOKED),
    case("clients avec un abonnement qui n'a pas encore démarré", "fr", TUE, BOOKED),
]


@pytest.mark.parametrize(("text", "language", "today", "expected"), BOOKINGS)
async def test_booked(text: str, language: str, today: dt.date, expected: Expect) -> None:
    await check(text, language, today, expected)


# --- an expired subscription (one in the past) vs lapsed (nothing active or booked) -------

ONE_EXPIRED = replace(LIST, expired_subscription=True)
LAPSED = replace(LIST, lapsed=True)
NO_ACTIVE = ("the phrase of the lapsed state holds the word 'subscription', so "
             "states.expired_subscription reads it as 'with an expired subscription': "
             "expired_subscription=True, lapsed=False")

EXPIRED = [
    case("show customers that have an expired subscription", "en", MON, ONE_EXPIRED),
    case("partners that have an expired subscription", "en", TUE,
         replace(ONE_EXPIRED, kind="partner")),
    case("quels clients ont un abonnement expiré", "fr", MON, ONE_EXPIRED),
    case("clients ayant un abonnement échu", "fr", TUE, ONE_EXPIRED),
    case("customers whose subscriptions have all expired", "en", MON, LAPSED),
    case("customers where all their subscriptions expired", "en", TUE, LAPSED),
    case("customers with no active subscription", "en", MON, LAPSED),
    case("clients sans abonnement actif", "fr", TUE, LAPSED),
    case("partners without an active subscription", "en", TUE,
         replace(LAPSED, kind="partner")),
    case("clients dont tous les abonnements sont expirés", "fr", MON, LAPSED),
    case("lapsed partners", "en", TUE, replace(LAPSED, kind="partner")),
]


@pytest.mark.parametrize(("text", "language", "today", "expected"), EXPIRED)
async def test_expired_subscription_versus_lapsed(text: str, language: str, today: dt.date,
                                                  expected: Expect) -> None:
    await check(text, language, today, expected)


# --- license thresholds: strict and inclusive bounds, encoded as strict gt / lt ----------


def seats(gt: int | None = None, lt: int | None = None, **more: Any) -> Expect:
    return replace(LIST, licenses_gt=gt, licenses_lt=lt, **more)


THRESHOLDS = [
    case("customers with more than 250 licenses", "en", MON, seats(gt=250)),
    case("customers over 1000 seats", "en", TUE, seats(gt=1000)),
    case("clients avec plus de 80 licences", "fr", MON, seats(gt=80)),
    case("clients au-delà de 400 licences", "fr", TUE, seats(gt=400)),
    case("customers with at least 300 licenses", "en", MON, seats(gt=299)),
    case("customers with 300 licenses or more", "en", TUE, seats(gt=299)),
    case("clients avec au moins 50 licences", "fr", MON, seats(gt=49)),
    case("clients à 120 sièges et plus", "fr", TUE, seats(gt=119)),
    case("customers with at most 40 seats", "en", MON, seats(lt=41)),
    case("customers with 25 licenses or fewer", "en", TUE, seats(lt=26)),
    case("clients avec au plus 60 licences", "fr", MON, seats(lt=61)),
    case("clients avec maximum 75 licences", "fr", TUE, seats(lt=76)),
    case("customers with fewer than 10 licenses", "en", MON, seats(lt=10)),
    case("customers under 20 seats", "en", TUE, seats(lt=20)),
    case("clients avec moins de 15 licences", "fr", MON, seats(lt=15)),
    case("customers with between 100 and 200 licenses", "en", TUE, seats(gt=99, lt=201)),
    case("clients ayant entre 20 et 40 licences", "fr", MON, seats(gt=19, lt=41)),
    case("partners with at least 1000 licenses", "en", MON, seats(gt=999, kind="partner")),
    case("partners with 500 or more licenses", "en", TUE, seats(gt=499, kind="partner")),
    case("clients avec 30 licences ou moins", "fr", MON, seats(lt=31)),
    case("customers with more than 90 seats expiring next month", "en", TUE,
         seats(gt=90, expiry=days("2027-04-01", "2027-04-30"))),
]


@pytest.mark.parametrize(("text", "language", "today", "expected"), THRESHOLDS)
async def test_license_thresholds(text: str, language: str, today: dt.date,
                                  expected: Expect) -> None:
    await check(text, language, today, expected)


# --- countries: English and French names, "based in", an ISO code after "in" --------------

COUNTRIES = [
    case("show me customers in Germany", "en", MON, replace(LIST, country="DE")),
    case("clients en Allemagne", "fr", TUE, replace(LIST, country="DE")),
    case("which customers are based in Switzerland", "en", MON, replace(LIST, country="CH")),
    case("quels clients sont basés en Belgique", "fr", TUE, replace(LIST, country="BE")),
    case("customers in NL", "en", MON, replace(LIST, country="NL")),
    case("partners in ES", "en", TUE, replace(LIST, country="ES", kind="partner")),
    case("clients au Canada", "fr", MON, replace(LIST, country="CA")),
    case("customers in the UK", "en", TUE, replace(LIST, country="GB")),
    case("clients aux Pays-Bas", "fr", MON, replace(LIST, country="NL")),
    case("customers located in Italy expiring next month", "en", TUE,
         replace(LIST, country="IT", expiry=days("2027-04-01", "2027-04-30"))),
    case("clients en Espagne qui expirent avant Noël", "fr", MON,
         replace(LIST, country="ES", expiry=days("2026-11-23", "2026-12-24"))),
    case("customers in Austria at risk", "en", MON,
         replace(LIST, country="AT", renewal="at_risk")),
]


@pytest.mark.parametrize(("text", "language", "today", "expected"), COUNTRIES)
async def test_countries(text: str, language: str, today: dt.date, expected: Expect) -> None:
    await check(text, language, today, expected)


# --- rankings: every organization of a kind sorted by a measure; limit None = default ----


def ranked(kind: str = "customer", measure: str = "licenses", limit: int | None = None,
           **more: Any) -> Expect:
    return replace(LIST, intent=Intent.RANKING, kind=kind, measure=measure, limit=limit,
                   **more)


RANKINGS = [
    case("top 7 customers by licenses", "en", MON, ranked(limit=7)),
    case("our biggest customers", "en", TUE, ranked()),
    case("who is our biggest customer", "en", MON, ranked(limit=1)),
    case("what partner has the most customers", "en", TUE,
         ranked("partner", "organizations", 1)),
    case("which distributor has the most licenses", "en", MON, ranked("distributor", limit=1)),
    case("top partners by number of customers", "en", TUE, ranked("partner", "organizations")),
    case("le plus gros client", "fr", MON, ranked(limit=1)),
    case("les 3 plus gros clients", "fr", TUE, ranked(limit=3)),
    case("quel revendeur a le plus de clients", "fr", MON,
         ranked("partner", "organizations", 1)),
    case("top 4 partenaires par licences", "fr", TUE, ranked("partner", limit=4)),
    case("top 10 partners", "en", MON, ranked("partner", limit=10)),
    case("le client avec le plus de licences", "fr", TUE, ranked(limit=1)),
]


@pytest.mark.parametrize(("text", "language", "today", "expected"), RANKINGS)
async def test_rankings(text: str, language: str, today: dt.date, expected: Expect) -> None:
    await check(text, language, today, expected)


# --- breakdowns: one group per partner / SKU / country / month ---------------------------


def grouped(group_by: str, measure: str, **more: Any) -> Expect:
    return replace(LIST, intent=Intent.BREAKDOWN, group_by=group_by, measure=measure, **more)


BREAKDOWNS = [
    case("show licenses per partner", "en", MON, grouped("partner", "licenses")),
    case("number of customers per partner", "en", TUE, grouped("partner", "organizations")),
    case("combien de clients par pays", "fr", MON, grouped("country", "organizations")),
    case("les licences par pays", "fr", TUE, grouped("country", "licenses")),
    case("licenses broken down by SKU", "en", MON, grouped("sku", "licenses")),
    case("répartition des licences par produit", "fr", TUE, grouped("sku", "licenses")),
    case("customer expiries month by month", "en", MON, grouped("month", "expiries")),
    case("expirations clients mois par mois", "fr", TUE, grouped("month", "expiries")),
    case("renewals per month", "en", TUE, grouped("month", "expiries")),
    case("distributeurs par pays", "fr", MON,
         grouped("country", "organizations", kind="distributor")),
]


@pytest.mark.parametrize(("text", "language", "today", "expected"), BREAKDOWNS)
async def test_breakdowns(text: str, language: str, today: dt.date, expected: Expect) -> None:
    await check(text, language, today, expected)


PER_MONTH = [("customers per month", "en"), ("clients par mois", "fr"),
             ("show me partners per month", "en")]


@pytest.mark.parametrize(("text", "language"), PER_MONTH)
async def test_organizations_per_month_is_not_a_breakdown(text: str, language: str) -> None:
    """Nothing to count per month but expiries: no breakdown is made up."""
    query = await parse(text, language, MON)
    assert query.intent != Intent.BREAKDOWN
    assert query.group_by is None and query.measure is None


@pytest.mark.parametrize(("text", "language"), PER_MONTH)
async def test_organizations_per_month_is_clarify(text: str, language: str) -> None:
    """The grouping is reported, not dropped (never confidently wrong)."""
    query = await parse(text, language, MON)
    assert query.intent == Intent.CLARIFY
    assert query.unaccounted != ()


# --- operators by role, listed and counted ------------------------------------------------


def operators(role: str | None, intent: str = Intent.OPERATORS) -> Expect:
    return replace(LIST, intent=intent, kind=None, role=role)


OPERATORS = [
    case("who are the readers", "en", MON, operators("reader")),
    case("list our administrators", "en", TUE, operators("admin")),
    case("show me the admins", "en", MON, operators("admin")),
    case("qui sont nos admins", "fr", TUE, operators("admin")),
    case("donne-moi la liste des lecteurs", "fr", MON, operators("reader")),
    case("how many admins do we currently have", "en", TUE,
         operators("admin", Intent.OPERATOR_COUNT)),
    case("count the readers", "en", MON, operators("reader", Intent.OPERATOR_COUNT)),
    case("combien d'administrateurs avons-nous", "fr", TUE,
         operators("admin", Intent.OPERATOR_COUNT)),
    case("combien de lecteurs", "fr", MON, operators("reader", Intent.OPERATOR_COUNT)),
]


@pytest.mark.parametrize(("text", "language", "today", "expected"), OPERATORS)
async def test_operators_by_role(text: str, language: str, today: dt.date,
                                 expected: Expect) -> None:
    await check(text, language, today, expected)


# --- a real filter next to content nothing understands: clarify, the filter kept --------

CLARIFY = [
    case("customers in Germany with green logos", "en", MON,
         replace(LIST, intent=Intent.CLARIFY, country="DE", unaccounted=("green", "logos"))),
    case("customers expiring before Christmas in the pharma vertical", "en", TUE,
         replace(LIST, intent=Intent.CLARIFY, expiry=days("2027-03-30", "2027-12-24"),
                 unaccounted=("pharma", "vertical"))),
    case("clients à risque du secteur agricole", "fr", MON,
         replace(AT_RISK, intent=Intent.CLARIFY, unaccounted=("agricole",))),
    case("clients avec plus de 100 licences et un logo rouge", "fr", TUE,
         replace(LIST, intent=Intent.CLARIFY, licenses_gt=100, unaccounted=("logo", "rouge"))),
    case("partners in Q2 with a gold badge", "en", MON,
         replace(LIST, intent=Intent.CLARIFY, kind="partner",
                 expiry=days("2027-04-01", "2027-06-30"), unaccounted=("gold", "badge"))),
]


@pytest.mark.parametrize(("text", "language", "today", "expected"), CLARIFY)
async def test_unknown_content_next_to_a_filter_is_clarify(text: str, language: str,
                                                          today: dt.date,
                                                          expected: Expect) -> None:
    """The filter that was understood is kept and the content that was not is reported
    (SPEC section 3, never confidently wrong)."""
    got = observed(await parse(text, language, today))
    assert got.unaccounted != () and set(got.unaccounted) <= set(expected.unaccounted)
    assert replace(got, unaccounted=()) == replace(expected, unaccounted=())



@pytest.mark.parametrize(("text", "language", "today", "expected"), [
    pytest.param(*p.values, id=p.id) for p in CLARIFY])
async def test_every_unknown_word_is_reported(text: str, language: str, today: dt.date,
                                             expected: Expect) -> None:
    got = observed(await parse(text, language, today))
    assert set(got.unaccounted) >= set(expected.unaccounted)


# --- a name, through a real NameIndex: the family's filters apply below it ---------------

INDEX = NameIndex.build([
    Named("p-northwind", "Northwind Traders", "partner"),
    Named("d-alpinedist", "Alpine Distribution", "distributor"),
    Named("CS-ENT", "CoreSuite Enterprise", "sku"),
])


async def lookup(tokens: Sequence[str], anchors: Sequence[int]) -> list[NameMatch]:
    return INDEX.match(tokens, anchors)


@pytest.mark.parametrize(("text", "language", "today", "expected"), [
    case("customers of Northwind Traders expiring before New Year", "en", TUE,
         expiring("2027-03-30", "2027-12-31", parent="p-northwind")),
    case("clients de Northwind Traders à risque au T1", "fr", MON,
         replace(AT_RISK, parent="p-northwind", expiry=days("2027-01-01", "2027-03-31"))),
    case("customers with at least 50 CS-ENT licenses", "en", MON,
         seats(gt=49, sku="CS-ENT")),
    case("partenaires d'Alpine Distribution en Suisse", "fr", TUE,
         replace(LIST, kind="partner", parent="d-alpinedist", country="CH")),
])
async def test_families_below_a_named_parent(text: str, language: str, today: dt.date,
                                             expected: Expect) -> None:
    await check(text, language, today, expected, lookup)
