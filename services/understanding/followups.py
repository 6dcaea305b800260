"""Suggested next questions under an answer, built from the parsed question: after
"which clients expire this month", "only those at risk", "next month", "licences per
partner". Each is a whole question in the answer's language that the parser reads back
to the intent it names (tests/services/test_followups.py asks every one)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from babel.dates import format_date

from services.i18n import Messages
from services.understanding.model import Intent, Query
from services.understanding.ranges import DateRange
from services.understanding.text import fold

MAX_FOLLOW_UPS = 3
PLAIN_NAME = re.compile(r"[\w .,&'\u2019-]{1,80}")  # letters, digits, spaces, . , & ' -
ORG_QUESTIONS = (Intent.ORG_LICENSES, Intent.ORG_EXPIRY, Intent.ORG_SKUS)


@dataclass(frozen=True)
class FollowUp:
    label: str  # the button's short title
    question: str  # what the button sends, as the user would type it
    intent: str  # what the question asks (the parser reads it back to this)
    renewal: str | None = None  # and, for an expiry list, these filters
    expiry: DateRange | None = None


def _month(day: dt.date, months: int) -> DateRange:
    index = day.year * 12 + day.month - 1 + months
    start = dt.date(index // 12, index % 12 + 1, 1)
    end = dt.date((index + 1) // 12, (index + 1) % 12 + 1, 1) - dt.timedelta(days=1)
    return DateRange(start, end)


def period(expiry: DateRange, today: dt.date, tr: Messages) -> str | None:
    """How a question says EXPIRY ("this month", "in January 2027", "in the next 30
    days"), or None when it is no period a follow-up can name exactly."""
    if expiry == _month(today, 0):
        return tr("followup.period.this_month")
    if expiry == _month(today, 1):
        return tr("followup.period.next_month")
    if expiry == _month(expiry.start, 0):
        return tr("followup.period.month",
                  month=format_date(expiry.start, "MMMM y", locale=tr.language))
    days = (expiry.end - expiry.start).days
    if expiry.start == today and 0 < days <= 366:
        return tr("followup.period.next_days", n=days)
    return None


def _next(expiry: DateRange) -> DateRange | None:
    """The calendar month after EXPIRY, when EXPIRY is one."""
    return _month(expiry.start, 1) if expiry == _month(expiry.start, 0) else None


def _expiry_follow_ups(q: Query, expiry: DateRange, partners: bool,
                       tr: Messages) -> list[FollowUp]:
    said = period(expiry, q.today, tr)
    if said is None:
        return []
    out: list[FollowUp] = []
    if q.intent == Intent.COUNT:
        out.append(FollowUp(tr("followup.label.list"), tr("followup.list", period=said),
                            Intent.LIST, expiry=expiry))
    other = "renewed" if q.filters.renewal == "at_risk" else "at_risk"
    out.append(FollowUp(tr(f"followup.label.{other}"), tr(f"followup.{other}", period=said),
                        Intent.LIST, other, expiry))
    following = _next(expiry)
    if following is not None:
        said_next = period(following, q.today, tr)
        if said_next is not None:
            out.append(FollowUp(_capital(said_next), tr("followup.list", period=said_next),
                                Intent.LIST, expiry=following))
    if partners:
        out.append(_per("partner", tr))
    out.append(FollowUp(tr("followup.label.licences"), tr("followup.licences", period=said),
                        Intent.LICENSE_TOTAL, expiry=expiry))
    return out


def _org_follow_ups(q: Query, tr: Messages) -> list[FollowUp]:
    """The organization's other facts; a name with markup or link characters is never
    put into a button (it comes from the data, and the chat would show it)."""
    if not q.subject_name or not PLAIN_NAME.fullmatch(q.subject_name):
        return []
    return [FollowUp(tr(f"followup.label.{intent}"),
                     tr(f"followup.{intent}", name=q.subject_name), intent)
            for intent in ORG_QUESTIONS if intent != q.intent]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _per(group: str, tr: Messages) -> FollowUp:
    return FollowUp(tr(f"followup.label.per_{group}"), tr(f"followup.per_{group}"),
                    Intent.BREAKDOWN)


def _this_month(q: Query, tr: Messages) -> FollowUp:
    return FollowUp(tr("followup.label.this_month"),
                    tr("followup.list", period=tr("followup.period.this_month")),
                    Intent.LIST, expiry=_month(q.today, 0))


def follow_ups(q: Query, tr: Messages, *, partners: bool) -> list[FollowUp]:
    """Up to three next questions for the answer to Q, in TR's language; PARTNERS: the
    operator may see partners (a breakdown per partner makes sense)."""
    customers = q.kind in (None, "customer")
    out: list[FollowUp] = []
    if q.intent in (Intent.LIST, Intent.COUNT) and customers:
        if q.filters.expiry is not None:
            out = _expiry_follow_ups(q, q.filters.expiry, partners, tr)
        else:
            out = [_this_month(q, tr),
                   FollowUp(tr("followup.label.at_risk_soon"), tr("followup.at_risk_soon"),
                            Intent.LIST, "at_risk"),
                   FollowUp(tr("followup.label.waiting"), tr("followup.waiting"), Intent.LIST)]
    elif q.intent in (Intent.LICENSE_TOTAL, Intent.BREAKDOWN, Intent.RANKING) and customers:
        groups = [g for g in ("sku", "partner") if g != q.group_by
                  and (g != "partner" or partners)]
        out = [*(_per(g, tr) for g in groups), _this_month(q, tr)]
    elif q.intent in ORG_QUESTIONS:
        out = _org_follow_ups(q, tr)
    asked = fold(q.text)
    seen: set[str] = set()
    kept = []
    for follow_up in out:
        key = fold(follow_up.question)
        if key != asked and key not in seen:
            seen.add(key)
            kept.append(follow_up)
    return kept[:MAX_FOLLOW_UPS]
