"""Never confidently wrong (SPEC section 3), by family: every word of a question is
accounted for by a recognised element, a name, or a function word of English or French
(a maintained stop-word list); content nothing accounts for makes the answer `clarify`,
and data the Partner App does not hold makes it `unsupported`. Each family is tested
with phrasings of its own, in both languages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from services.understanding import Intent, parse
from services.understanding.function_words import MEANINGFUL, function_words
from services.understanding.ranges import DateRange

TODAY = dt.date(2026, 11, 23)


async def read(text: str, language: str = "en") -> Any:
    return await parse(text, language, TODAY)


@pytest.mark.parametrize(("text", "language", "words"), [
    ("customers in the healthcare sector", "en", {"healthcare", "sector"}),
    ("clients du secteur bancaire qui expirent ce mois-ci", "fr", {"bancaire"}),
    ("customers in the retail industry expiring next month", "en", {"retail", "industry"}),
    ("customers based in Atlantis", "en", {"based", "Atlantis"}),
    ("clients avec plus de 50 véhicules", "fr", {"véhicules"}),
    ("top 3 customers by headcount", "en", {"headcount"}),
])
async def test_content_nothing_accounts_for_is_reported(text: str, language: str,
                                                        words: set[str]) -> None:
    query = await read(text, language)
    assert query.intent == Intent.CLARIFY
    assert set(query.unaccounted) >= words


@pytest.mark.parametrize(("text", "language"), [
    ("which customers have unassigned seats", "en"),
    ("how many seats are assigned at Contoso", "en"),
    ("clients avec des licences non attribuées", "fr"),
    ("licence usage of our customers", "en"),
    ("taux d'utilisation des licences", "fr"),
    ("how much does a CS-ENT licence cost", "en"),
    ("prix des licences", "fr"),
    ("revenue of our customers this year", "en"),
    ("chiffre d'affaires des clients", "fr"),
    ("overdue invoices", "en"),
    ("factures des clients", "fr"),
    ("customers whose admins signed in this week", "en"),
    ("dernières connexions des utilisateurs", "fr"),
    ("any security alerts for our customers?", "en"),
    ("alertes de sécurité des clients", "fr"),
    ("customers with more than 200 employees", "en"),
    ("clients avec plus de 50 boîtes mail", "fr"),
])
async def test_data_the_partner_app_does_not_hold_is_unsupported(text: str,
                                                                 language: str) -> None:
    assert (await read(text, language)).intent == Intent.UNSUPPORTED


@pytest.mark.parametrize(("text", "language"), [
    ("could you please tell me which customers expire this month", "en"),
    ("would you please list the customers that expire next month", "en"),
    ("pourriez-vous m'indiquer les clients qui expirent ce mois-ci", "fr"),
    ("dis, quels clients expirent le mois prochain ?", "fr"),
    ("quels clients sont expirés en ce moment ?", "fr"),
    ("which customers are expired at the moment", "en"),
    ("for the board review, which customers expire next month?", "en"),
    ("QBR prep - customers that expire next month", "en"),
    ("for the QBR deck I need the customers that expire next month", "en"),
    ("pour le comité : clients qui expirent le mois prochain", "fr"),
    ("how many customers does my org have", "en"),
    ("combien de clients a notre société", "fr"),
    ("customers managed by my company that expire next month", "en"),
    ("any clients expiring b4 next month?", "en"),
    ("customers expiring thru next month", "en"),
    ("which customers do we serve that expire next month", "en"),
    ("clients suivis par nous qui expirent le mois prochain", "fr"),
    ("show me the customers we handle that expire next month", "en"),
    ("affichez les clients qui expirent le mois prochain", "fr"),
    ("quels clients arrivent à terme en décembre ?", "fr"),
    # modal verbs of asking (a closed class, not eval words)
    ("I'd love to see the customers expiring next month", "en"),
    ("we wonder which customers expire next month", "en"),
    ("sauriez-vous me donner les clients qui expirent en janvier ?", "fr"),
    ("je souhaiterais voir les clients qui expirent en janvier", "fr"),
    # nouns naming the answer as a list, adverbs of what remains
    ("an overview of the partners", "en"),
    ("un récapitulatif des clients qui expirent en janvier", "fr"),
    ("which customers have no active subscription remaining", "en"),
    ("clients sans abonnement actif restant", "fr"),
    # a purpose clause built on an occasion noun may hold modifiers and names
    ("for the renewal workshop, customers expiring in January", "en"),
    ("pour la réunion partenaires : clients qui expirent en janvier", "fr"),
])
async def test_function_words_and_frames_never_make_a_question_unclear(
        text: str, language: str) -> None:
    query = await read(text, language)
    assert query.intent not in {Intent.CLARIFY, Intent.UNSUPPORTED}, query.unaccounted
    assert query.unaccounted == ()


@pytest.mark.parametrize(("text", "word"), [
    ("customers with a deck", "deck"),  # never December: corrections keep 4 letters
    ("customers with green logos", "logos"),  # a correction nothing used is reported
    ("customers per month", "per"),  # a grouping with nothing to count that way
])
async def test_guesses_are_reported_not_used(text: str, word: str) -> None:
    query = await read(text)
    assert query.intent == Intent.CLARIFY and word in query.unaccounted
    assert query.filters.expiry is None


async def test_a_frame_without_a_purpose_marker_is_content() -> None:
    """"healthcare sector:" is not what the question is for: it is a filter the bot
    does not know, and must be reported, not dropped."""
    query = await read("healthcare sector: customers that expire next month")
    assert query.intent == Intent.CLARIFY and "healthcare" in query.unaccounted


async def test_words_the_grammar_gives_a_meaning_are_never_fillers() -> None:
    """A stop-word list holds "not", "top", "before", "between"...: they are taken out,
    so that a use the parser does not know is reported instead of ignored."""
    fillers = function_words()
    assert not MEANINGFUL & fillers
    assert {"the", "which", "could", "nous", "ete", "vous"} <= fillers


@pytest.mark.parametrize(("text", "language", "end"), [
    ("customers expiring before the end of the month", "en", dt.date(2026, 11, 30)),
    ("clients qui expirent avant la fin du mois", "fr", dt.date(2026, 11, 30)),
    ("customers expiring b4 end of month", "en", dt.date(2026, 11, 30)),
])
async def test_before_the_end_of_a_period_is_today_to_its_last_day(
        text: str, language: str, end: dt.date) -> None:
    query = await read(text, language)
    assert query.filters.expiry == DateRange(TODAY, end)


async def test_before_a_date_still_stops_the_day_before() -> None:
    query = await read("customers expiring before March 2027")
    assert query.filters.expiry == DateRange(TODAY, dt.date(2027, 2, 28))
