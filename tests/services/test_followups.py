"""Suggested next questions (services/understanding/followups.py): every follow-up of
every kind of answer, in both languages, for operators of each level and on days that
end and start months, is a whole question the parser reads back to the intent and the
filters it was made for, with no word left over."""

from __future__ import annotations

import datetime as dt

import pytest

from services.db.engine import Database
from services.directory import NameResolver
from services.i18n import Messages
from services.scope import Page, ScopeService
from services.understanding import Intent, parse
from services.understanding.followups import MAX_FOLLOW_UPS, follow_ups, period
from services.understanding.ranges import DateRange

QUESTIONS = {
    "en": ["which clients expire this month", "which customers expire next month",
           "how many customers expire this month", "customers at risk expiring this month",
           "which customers expiring this month are renewed",
           "which customers expire in the next 30 days", "which customers expire in March 2027",
           "which customers are lapsed", "customers waiting for activation",
           "how many licenses in total", "licenses per SKU", "top customers by licenses",
           "how many licenses does Café Lumière have", "when does Greenleaf Bio expire",
           "which SKUs does Transports Moreau have"],
    "fr": ["quels clients expirent ce mois-ci", "quels clients expirent le mois prochain",
           "combien de clients expirent ce mois-ci", "quels clients sont à risque ce mois-ci",
           "quels clients expirent dans les 60 prochains jours",
           "quels clients expirent en mars 2027", "quels clients sont expirés",
           "combien de licences au total", "licences par SKU",
           "combien de licences a Café Lumière", "quand expire Greenleaf Bio",
           "quels SKU a Transports Moreau"],
}
DAYS = [dt.date(2026, 11, 23), dt.date(2026, 12, 1), dt.date(2026, 12, 31),
        dt.date(2027, 1, 31), dt.date(2028, 2, 29)]
OPERATORS = ["alice.durand@contoso.example", "claire.martin@alphadist.example",
             "sofia.marino@coreview.example"]


@pytest.mark.parametrize("email", OPERATORS)
async def test_every_follow_up_reads_back_to_its_intent(demo_db: Database, email: str) -> None:
    scope = await ScopeService(demo_db.sessions).for_email(email)
    assert scope is not None
    lookup = NameResolver(demo_db.sessions).bind(scope)
    partners = scope.can_view(Page.PARTNERS)
    checked = 0
    for language, questions in QUESTIONS.items():
        tr = Messages(language)
        for today in DAYS:
            for text in questions:
                asked = await parse(text, language, today, lookup)
                assert asked.intent not in (Intent.UNKNOWN, Intent.CLARIFY), text
                suggested = follow_ups(asked, tr, partners=partners)
                assert len(suggested) <= MAX_FOLLOW_UPS
                if asked.intent in (Intent.LIST, Intent.COUNT, Intent.ORG_LICENSES):
                    assert suggested, (text, today)
                for f in suggested:
                    again = await parse(f.question, language, today, lookup)
                    where = (email, today, text, f.question)
                    assert again.intent == f.intent and again.unaccounted == (), where
                    if f.renewal is not None:
                        assert again.filters.renewal == f.renewal, where
                    if f.expiry is not None:
                        assert again.filters.expiry == f.expiry, where
                    assert f.question != text and len(f.label) <= 24, where
                    checked += 1
    assert checked > 100


def test_after_this_months_expiries_at_risk_next_month_and_per_partner() -> None:
    """The issue's own example, for a distributor (who may see partners)."""
    from services.understanding.model import Filters, Query

    today = dt.date(2026, 11, 23)
    month = DateRange(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    asked = Query(intent=Intent.LIST, language="en", today=today, kind="customer",
                  filters=Filters(expiry=month), text="which clients expire this month")
    labels = [f.label for f in follow_ups(asked, Messages("en"), partners=True)]
    assert labels == ["Only those at risk", "Next month", "Licenses per partner"]
    french = [f.label for f in follow_ups(asked, Messages("fr"), partners=False)]
    assert french == ["Seulement ceux à risque", "Le mois prochain", "Licences qui expirent"]


def test_a_period_a_follow_up_cannot_name_has_no_period_follow_ups() -> None:
    today = dt.date(2026, 11, 23)
    odd = DateRange(dt.date(2026, 11, 3), dt.date(2026, 11, 17))
    assert period(odd, today, Messages("en")) is None
    assert period(DateRange(today, today + dt.timedelta(days=30)), today,
                  Messages("fr")) == "dans les 30 prochains jours"


@pytest.mark.parametrize("email", OPERATORS + ["bruno.petit@contoso.example"])
async def test_the_help_cards_example_buttons_ask_whole_questions(demo_db: Database,
                                                                   email: str) -> None:
    from cards.help import help_card

    scope = await ScopeService(demo_db.sessions).for_email(email)
    assert scope is not None
    lookup = NameResolver(demo_db.sessions).bind(scope)
    for language in ("en", "fr"):
        card = help_card(scope, Messages(language))
        asked = [a["data"]["msteams"]["text"] for block in card["body"]
                 if block["type"] == "ActionSet" for a in block["actions"]]
        assert len(asked) >= 2, (email, language)
        for question in asked:
            query = await parse(question, language, DAYS[0], lookup)
            assert query.intent not in (Intent.UNKNOWN, Intent.CLARIFY), question
            assert query.unaccounted == (), question


def test_a_name_with_markup_is_never_put_into_a_button() -> None:
    from services.understanding.model import Query

    today = dt.date(2026, 11, 23)
    for name, offered in (("Café Lumière", True), ("O'Brien & Sons, Ltd.", True),
                          ("[Click me](https://evil.example)", False), ("<at>Bot</at>", False),
                          ("**Bold**", False)):
        asked = Query(intent=Intent.ORG_LICENSES, language="en", today=today,
                      subject="c-x", subject_name=name)
        assert bool(follow_ups(asked, Messages("en"), partners=False)) is offered, name
