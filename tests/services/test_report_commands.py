"""The monthly licence report as a recurring message: the commands that start and stop it
(a family of phrasings in English and French, not a list of sentences), the on-demand
report they must not swallow, and the calendar of when it goes out."""

from __future__ import annotations

import datetime as dt

import pytest

from services.notifications.schedule import first_working_day, next_report_on, report_due
from services.understanding import parse
from services.understanding.model import Intent

TODAY = dt.date(2026, 11, 23)
REPORTS = {"en": ("the monthly licence report", "the licence report", "the monthly report",
                  "the license report"),
           "fr": ("le rapport mensuel des licences", "le rapport des licences",
                  "le rapport mensuel", "le bilan des licences")}
SUBSCRIBE = {"en": ("send {r} to this channel", "post {r} here every month",
                    "subscribe this channel to {r}", "share {r} in this chat each month",
                    "send {r} here at 9:00 Paris time", "notify this channel with {r}"),
             "fr": ("envoie {r} dans ce canal", "publie {r} ici tous les mois",
                    "abonne ce canal à {r}", "partage {r} dans cette conversation chaque mois",
                    "envoie {r} ici à 9h")}
STOP = {"en": ("stop {r}", "stop sending {r} here", "no more {r} in this channel",
               "unsubscribe this channel from {r}"),
        "fr": ("arrête {r}", "arrête d'envoyer {r} ici", "désabonne ce canal de {r}",
               "plus de {r} dans ce canal")}
ON_DEMAND = {"en": ("{r} for October", "show me {r}", "send me {r} for October",
                    "what does {r} say for last month"),
             "fr": ("{r} d'octobre", "montre-moi {r}", "envoie-moi {r} d'octobre")}


def _cases(table: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    return [(language, form.format(r=report)) for language, forms in table.items()
            for form in forms for report in REPORTS[language]]


@pytest.mark.parametrize(("language", "text"), _cases(SUBSCRIBE))
async def test_starting_the_monthly_report(language: str, text: str) -> None:
    assert (await parse(text, language, TODAY)).intent == Intent.REPORT_SUBSCRIBE


@pytest.mark.parametrize(("language", "text"), _cases(STOP))
async def test_stopping_the_monthly_report(language: str, text: str) -> None:
    assert (await parse(text, language, TODAY)).intent == Intent.REPORT_STOP


@pytest.mark.parametrize(("language", "text"), _cases(ON_DEMAND))
async def test_a_report_asked_for_now_is_shown_not_subscribed(language: str,
                                                             text: str) -> None:
    assert (await parse(text, language, TODAY)).intent == Intent.LICENCE_REPORT


@pytest.mark.parametrize(("language", "text"), [
    ("en", "notify this channel 30 days before expiry"), ("en", "stop notifications"),
    ("fr", "notifie ce canal 30 jours avant l'échéance"), ("fr", "arrête les notifications"),
    ("en", "how do I get the monthly report in this channel")])
async def test_the_digests_commands_and_how_tos_are_not_the_report(language: str,
                                                                  text: str) -> None:
    intent = (await parse(text, language, TODAY)).intent
    assert intent not in {Intent.REPORT_SUBSCRIBE, Intent.REPORT_STOP}


def test_the_first_working_day_skips_the_quiet_days() -> None:
    assert first_working_day(2027, 5, "6,7") == dt.date(2027, 5, 3)  # Sat 1st, Sun 2nd
    assert first_working_day(2027, 5, "") == dt.date(2027, 5, 1)  # no quiet day
    assert first_working_day(2026, 12, "6,7") == dt.date(2026, 12, 1)  # a Tuesday
    assert first_working_day(2026, 8, "5,6,7") == dt.date(2026, 8, 3)  # Sat 1st


def test_the_report_due_is_the_month_before_once() -> None:
    may3, may1 = dt.date(2027, 5, 3), dt.date(2027, 5, 1)
    assert report_due(may1, quiet_days="6,7", last_report_month="2027-04") is None
    assert report_due(may3, quiet_days="6,7", last_report_month="2027-04") == (2027, 4)
    assert report_due(may3, quiet_days="6,7", last_report_month="2027-05") is None
    # a missed first working day is caught up later that month, never twice
    assert report_due(dt.date(2027, 5, 20), quiet_days="6,7",
                      last_report_month="2027-03") == (2027, 4)
    assert report_due(dt.date(2027, 1, 4), quiet_days="6,7",
                      last_report_month=None) == (2026, 12)


def test_the_next_report_day() -> None:
    assert next_report_on(TODAY, quiet_days="6,7",
                          last_report_month="2026-11") == dt.date(2026, 12, 1)
    assert next_report_on(dt.date(2027, 4, 30), quiet_days="6,7",
                          last_report_month="2027-04") == dt.date(2027, 5, 3)
    assert next_report_on(dt.date(2027, 5, 1), quiet_days="6,7",
                          last_report_month="2027-04") == dt.date(2027, 5, 3)
