"""The monthly licence report posted to a channel (issue 19), over HTTP with the local fake
Bot Connector on the demo network (SQLite and PostgreSQL): "send the monthly licence
report to this channel" subscribes, the pass posts the month before's report on the first
working day at the subscription's time, once (also with a second instance), with the
figures of the subscriber's organization (checked against a model of the fixture); its
"Download CSV" gives the clicker a link of their own; "stop the monthly report" stops it
and leaves the expiry digests alone; readers may not; French throughout."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
import urllib.parse
from typing import Any

from sqlalchemy import func, select

from bot.app import SERVICES
from bot.cli.ask import Asker
from bot.jobs.notifications import NotificationRunner
from cards.download import export_url_of
from services.db.models import AuditEvent, ChannelSubscription
from services.i18n import Messages
from tests.bot.test_notifications_http import CHANNEL, Bot
from tests.bot.test_notifications_http import bot as bot  # noqa: F401 - the fixture
from tests.services.test_monthly_report import model
from tests.support import activities as A
from tests.support.demo_turns import demo_asker

ALICE = "alice.durand@contoso.example"  # admin of Contoso Partners (a partner)
CONTOSO = "p-contoso"
EN = Messages("en")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


async def _subs(bot: Bot) -> list[ChannelSubscription]:
    async with bot.database.sessions() as session:
        return list((await session.execute(select(ChannelSubscription))).scalars())


async def _audits(bot: Bot, action: str) -> int:
    async with bot.database.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == action))).scalar_one())


def _posted(bot: Bot) -> list[dict[str, Any]]:
    """The monthly reports the bot posted to the channel."""
    return [c for c in bot.digests() if "Licence report" in json.dumps(c)
            or "Rapport des licences" in json.dumps(c, ensure_ascii=False)]


def _button(card: dict[str, Any]) -> dict[str, Any]:
    (action,) = [a for a in card.get("actions", []) if a.get("verb") == "report_csv"]
    return action


def _in_channel(activity: dict[str, Any]) -> dict[str, Any]:
    activity["conversation"].update(id=f"{CHANNEL};messageid=7", conversationType="channel",
                                    isGroup=True)
    activity["channelData"].update(team={"id": "19:team@thread.tacv2"},
                                   channel={"id": CHANNEL})
    return activity


async def test_the_report_of_november_is_posted_on_the_first_working_day_once(
        bot: Bot) -> None:
    reply = await bot.say_in_channel("send the monthly licence report to this channel")
    assert "Monthly licence report" in reply and "Contoso Partners" in reply
    assert "Dec 1, 2026" in reply  # 2026-11-23 is past November's first working day
    (sub,) = await _subs(bot)
    assert (sub.monthly_report, sub.digests, sub.last_report_month) == (True, False, "2026-11")
    assert await _audits(bot, "notifications.report_subscribed") == 1
    # nothing before its day and time: NOTIFY_AT (08:00) in NOTIFY_TZ (UTC)
    for moment in ("2026-11-23T09:00+00:00", "2026-11-30T08:00+00:00",
                   "2026-12-01T07:59+00:00"):
        result, _ = await bot.runner.run_once(at(moment))
        assert (result.reports, result.digests) == (0, 0), moment
    result, drained = await bot.runner.run_once(at("2026-12-01T08:00+00:00"), wait_s=5)
    assert (result.reports, result.digests, drained.sent) == (1, 0, 1)
    (card,) = _posted(bot)
    text = json.dumps(card, ensure_ascii=False)
    assert "Licence report, Nov 2026" in text and "Contoso Partners" in text
    want = model(CONTOSO, dt.date(2026, 11, 30), dt.date(2026, 10, 31))
    assert want["seats"] > 0
    assert f'"{EN.number(want["seats"])} (' in text  # the seats fact: "N (+d)"
    for sku, (seats, _before) in want["skus"].items():
        if seats:
            assert sku in text and EN.number(seats) in text
    assert _button(card)["data"] == {"verb": "report_csv", "year": 2026, "month": 11}
    # once per month: later passes, a restarted process and a second instance
    restarted = NotificationRunner(bot.app[SERVICES])
    other = NotificationRunner(bot.app[SERVICES])
    try:
        both = await asyncio.gather(restarted.run_once(at("2026-12-01T12:00+00:00")),
                                    other.run_once(at("2026-12-02T12:00+00:00")))
        assert sum(r.reports for r, _ in both) == 0
    finally:
        await restarted.close()
        await other.close()
    await bot.runner.run_once(at("2026-12-31T12:00+00:00"), wait_s=1)
    assert len(_posted(bot)) == 1
    # January's comes on its first working day: Friday 1 January 2027
    result, _ = await bot.runner.run_once(at("2027-01-01T08:00+00:00"), wait_s=5)
    assert result.reports == 1 and len(_posted(bot)) == 2
    assert "Dec 2026" in json.dumps(_posted(bot)[1])


async def test_a_weekend_first_moves_the_report_to_monday_at_its_own_time(bot: Bot) -> None:
    reply = await bot.say_in_channel(
        "envoie le rapport mensuel des licences dans ce canal à 9h heure de Paris",
        locale="fr-FR")
    assert "Rapport mensuel des licences" in reply and "09:00 (Europe/Paris)" in reply
    # May 2027: Saturday the 1st, Sunday the 2nd; Monday the 3rd at 09:00 in Paris (UTC+2)
    async with bot.database.sessions() as session, session.begin():
        (await session.execute(select(ChannelSubscription))).scalar_one() \
            .last_report_month = "2027-04"
    for moment in ("2027-05-01T09:00+02:00", "2027-05-02T09:00+02:00",
                   "2027-05-03T08:59+02:00"):
        result, _ = await bot.runner.run_once(at(moment))
        assert result.reports == 0, moment
    result, _ = await bot.runner.run_once(at("2027-05-03T09:00+02:00"), wait_s=5)
    assert result.reports == 1
    (card,) = _posted(bot)
    text = json.dumps(card, ensure_ascii=False)
    assert "Rapport des licences, avr. 2027" in text, text[:400]
    assert "Télécharger le CSV" in text


async def test_the_csv_button_gives_the_clicker_their_own_link(bot: Bot) -> None:
    await bot.say_in_channel("send the monthly licence report to this channel")
    await bot.runner.run_once(at("2026-12-01T08:00+00:00"), wait_s=5)
    (card,) = _posted(bot)
    data = _button(card)["data"]
    # Bruno, a reader of Contoso, clicks: his own report of November, with his own link
    body = await bot.post(_in_channel(A.card_action("report_csv", data, aad=A.BRUNO_AAD)))
    answer = body["value"] if isinstance(body, dict) and "value" in body else body
    url = export_url_of(answer)
    assert url is not None, body
    assert "ready" in json.dumps(answer)
    async with bot.http.get(bot.base + urllib.parse.urlsplit(url).path) as resp:
        assert resp.status == 200
        raw = await resp.read()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert "Bruno" in rows[0][0] and "Nov 2026" in rows[0][0]
    assert rows[1] == ["Section", "ID", "Name", "Licences", "Change"]
    asker: Asker = demo_asker(bot.database)
    json_answer = await asker.answer("bruno.petit@contoso.example",
                                     "licence report for November", "en",
                                     dt.date(2026, 12, 1))
    assert rows[2][0] == "Total" and int(rows[2][3]) == json_answer["value"]
    assert [(r[1], int(r[3])) for r in rows if r[0] == "SKU"] == [
        (g["id"], g["value"]) for g in json_answer["groups"]]
    assert {r[1] for r in rows if r[0] == "New customer"} == set(json_answer["new"])
    async with bot.http.get(bot.base + urllib.parse.urlsplit(url).path) as again:
        assert again.status == 410  # single use
    # the month comes from the card, checked; never the scope
    for bad in ({"year": 2026, "month": 13}, {"year": "2026", "month": 11}, {}):
        body = await bot.post(_in_channel(A.card_action("report_csv", bad,
                                                        aad=A.BRUNO_AAD)))
        assert "export" not in json.dumps(body), bad


async def test_stop_leaves_the_digests_and_readers_may_not(bot: Bot) -> None:
    await bot.say_in_channel("notify this channel 30 days before expiry")
    refused = await bot.say_in_channel("send the monthly licence report to this channel",
                                       aad=A.BRUNO_AAD)
    assert "alice.durand@contoso.example" in refused  # who can
    (sub,) = await _subs(bot)
    assert sub.monthly_report is False
    await bot.say_in_channel("post the monthly licence report here every month")
    settings = await bot.say_in_channel("notification settings")
    assert "Monthly licence report" in settings and "Yes, next on Dec 1, 2026" in settings
    status = await bot.say_in_channel("notification status")
    assert "Yes, next on Dec 1, 2026" in status
    result, _ = await bot.runner.run_once(at("2026-12-01T08:00+00:00"), wait_s=5)
    assert (result.digests, result.reports) == (1, 1)
    stopped = await bot.say_in_channel("stop the monthly report")
    assert "stopped" in stopped
    (sub,) = await _subs(bot)
    assert (sub.active, sub.digests, sub.monthly_report) == (True, True, False)
    assert "does not get" in await bot.say_in_channel("stop the monthly report")
    result, _ = await bot.runner.run_once(at("2027-01-04T08:00+00:00"), wait_s=1)
    (sub,) = await _subs(bot)
    assert result.reports == 0 and sub.last_digest_on == dt.date(2027, 1, 4)  # digests go on
    # a report-only subscription that stops is stopped altogether
    await bot.say_in_channel("stop notifications")
    await bot.say_in_channel("send the monthly licence report to this channel")
    (sub,) = await _subs(bot)
    assert (sub.active, sub.digests, sub.monthly_report) == (True, False, True)
    await bot.say_in_channel("stop the monthly licence report here")
    (sub,) = await _subs(bot)
    assert sub.active is False and sub.deactivated_reason == "unsubscribed"
    assert await _audits(bot, "notifications.report_stopped") == 2
