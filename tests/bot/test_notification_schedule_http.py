"""The time of day is honoured (issue 19): a subscription's own time in its own zone, by
a pass clock, over HTTP (and the CLI) with the local fake Bot Connector on the demo network
(SQLite and PostgreSQL). Not before its time, once per local day (also after a restart and
with a second instance), quiet days skipped."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest
from sqlalchemy import select

from bot.app import SERVICES
from bot.jobs.notifications import NotificationRunner
from services.db.models import ChannelSubscription
from tests.bot.test_notifications_http import Bot
from tests.bot.test_notifications_http import bot as bot  # noqa: F401 - the fixture
from tests.support.cli import run_cli

UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


async def _sub(bot: Bot) -> ChannelSubscription:
    async with bot.database.sessions() as session:
        return (await session.execute(select(ChannelSubscription))).scalar_one()


async def test_nine_paris_time_is_sent_at_nine_paris_once_a_day(bot: Bot) -> None:
    reply = await bot.say_in_channel(
        "notify this channel 30 days before expiry at 9:00 Paris time")
    assert "09:00 (Europe/Paris)" in reply and "Saturday, Sunday" in reply
    sub = await _sub(bot)
    assert (sub.lead_days, sub.notify_time, sub.notify_tz, sub.quiet_days) == (
        [30], "09:00", "Europe/Paris", "6,7")
    # 2026-11-23 is a Monday; Paris is UTC+1 in November: 09:00 there is 08:00 UTC
    for moment in ("2026-11-23T00:00+00:00", "2026-11-23T07:59+00:00",
                   "2026-11-23T08:59+01:00"):
        result, _ = await bot.runner.run_once(at(moment))
        assert result.ran and result.digests == 0, moment  # not before its time
    assert bot.digests() == []
    result, drained = await bot.runner.run_once(at("2026-11-23T08:00+00:00"), wait_s=5)
    assert (result.digests, drained.sent, len(bot.digests())) == (1, 1, 1)
    assert "Expiring soon" in json.dumps(bot.digests()[0])
    # the same local day again: later passes, a restarted process, a second instance
    await bot.runner.run_once(at("2026-11-23T08:05+00:00"))
    restarted = NotificationRunner(bot.app[SERVICES])
    other = NotificationRunner(bot.app[SERVICES])
    try:
        await restarted.run_once(at("2026-11-23T22:59+00:00"))  # 23:59 in Paris
        both = await asyncio.gather(restarted.run_once(at("2026-11-23T12:00+00:00")),
                                    other.run_once(at("2026-11-23T12:00+00:00")))
        assert sum(r.digests for r, _ in both) == 0
    finally:
        await restarted.close()
        await other.close()
    assert len(bot.digests()) == 1
    assert (await _sub(bot)).last_digest_on == dt.date(2026, 11, 23)


async def test_the_next_local_day_and_quiet_weekends(bot: Bot) -> None:
    await bot.say_in_channel("notify this channel 30, 7 and 1 days before expiry at 9:00 "
                             "Europe/Paris")
    await bot.runner.run_once(at("2026-11-23T09:00+01:00"))
    assert len(bot.digests()) == 1
    # 23:30 UTC on Monday is already Tuesday in Paris, but before 09:00 there
    result, _ = await bot.runner.run_once(at("2026-11-23T23:30+00:00"))
    assert result.digests == 0
    # a day's pass is made even when nothing is due: count passes, not digests
    for day in range(24, 30):
        await bot.runner.run_once(dt.datetime(2026, 11, day, 9, 0,
                                              tzinfo=dt.timezone(dt.timedelta(hours=1))))
        sub = await _sub(bot)
        weekend = dt.date(2026, 11, day).isoweekday() >= 6
        if weekend:  # Saturday 28, Sunday 29: quiet, the day is not marked
            assert sub.last_digest_on == dt.date(2026, 11, 27)
        else:
            assert sub.last_digest_on == dt.date(2026, 11, day)


async def test_every_day_then_no_weekends_again_in_french(bot: Bot) -> None:
    await bot.say_in_channel("notify this channel 30 days before expiry")
    reply = await bot.say_in_channel("notifications every day")
    assert "Quiet days" not in reply and "not on: none" in reply
    sub = await _sub(bot)
    assert (sub.lead_days, sub.quiet_days, sub.notify_time) == ([30], "", None)
    saturday = dt.date(2026, 11, 28)
    result, _ = await bot.runner.run_once(saturday)  # NOTIFY_AT in NOTIFY_TZ (UTC)
    assert result.digests == 1
    reply = await bot.say_in_channel("pas de notifications le week-end", locale="fr-FR")
    assert "samedi, dimanche" in reply
    assert (await _sub(bot)).quiet_days == "6,7"
    settings = await bot.say_in_channel("notification settings")
    assert "Quiet days" in settings and "Saturday, Sunday" in settings
    assert "08:00 (UTC)" in settings  # NOTIFY_AT, NOTIFY_TZ: the defaults


async def test_a_time_is_not_a_lead_time_and_keeps_the_rest(bot: Bot) -> None:
    await bot.say_in_channel("notify this channel 30 and 7 days before expiry, at risk only")
    reply = await bot.say_in_channel("notifie ce canal à 9h", locale="fr-FR")
    assert "09:00 (UTC)" in reply
    sub = await _sub(bot)
    assert (sub.lead_days, sub.notify_time, sub.notify_tz) == ([30, 7], "09:00", None)
    result, _ = await bot.runner.run_once(at("2026-11-23T08:59+00:00"))
    assert result.digests == 0
    result, _ = await bot.runner.run_once(at("2026-11-23T09:00+00:00"))
    assert result.digests == 1
    body = await bot.say_in_channel("notify this channel at 25:00 Mars time")
    assert "Expiring" not in body  # no time of day: nothing changed
    assert (await _sub(bot)).notify_time == "09:00"


async def test_cli_pass_at_a_time(bot: Bot, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("the CLI reaches this test's database by URL: a SQLite file")
    await bot.say_in_channel("notify this channel 30 days before expiry at 9:00 Paris time")
    code, out = await run_cli(bot.database.url, "notify", "run", "--now",
                           "2026-11-23T08:59+01:00", "--wait", "1")
    assert code == 0 and "0 digests" in out, out
    code, out = await run_cli(bot.database.url, "notify", "run", "--now",
                           "2026-11-23T09:00+01:00", "--wait", "5")
    assert code == 0 and "1 digests" in out, out
    code, out = await run_cli(bot.database.url, "notify", "run", "--now", "2026-11-23",
                           "--wait", "1")
    assert code == 0 and "0 digests" in out, out
    assert len(bot.digests()) == 1
