"""'notification status' / 'état des notifications' over HTTP with the local fake Bot
Connector (SQLite and PostgreSQL): the conversation's subscriptions and schedule, its last
digest (when, how many items), its snoozes, and the failures and dead letters of its outbox,
provoked here by the connector."""

from __future__ import annotations

import datetime as dt
import json
import re

from sqlalchemy import func, select

from services.db.models import NotificationSent, OutboxMessage
from tests.bot.test_notifications_http import CHANNEL, Bot
from tests.bot.test_notifications_http import bot as bot  # noqa: F401 - the fixture
from tests.support import activities as A

NINE_PARIS = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)  # a Monday, 09:00 in Paris


async def _status(bot: Bot, text: str = "notification status",
                  locale: str = "en-US") -> tuple[None, str]:
    body = await bot.post(A.message(text, aad=A.ALICE_AAD, channel=True, locale=locale))
    return None, json.dumps(A.cards_of(body), ensure_ascii=False)


async def test_status_shows_a_dead_letter_then_the_last_digest(bot: Bot) -> None:
    await bot.say_in_channel("notify this channel 30 days before expiry at 9:00 Paris time")
    await bot.say_in_channel("snooze Boulangerie Dupont for 7 days")
    _, card = await _status(bot)
    assert "Notification status" in card and "No digest has been sent here yet." in card
    assert "09:00 (Europe/Paris)" in card and "Saturday, Sunday" in card
    assert "Boulangerie Dupont until" in card and "No delivery problem." in card

    bot.connector.broken[CHANNEL] = (400, "BadSyntax")  # refused for good: a dead letter
    _, drained = await bot.runner.run_once(NINE_PARIS, wait_s=5)
    assert drained.dead == 1
    _, card = await _status(bot)
    assert "Not delivered" in card
    assert "Digest given up after 3 attempts: 400 BadSyntax" in card
    assert "No digest has been sent here yet." in card

    del bot.connector.broken[CHANNEL]
    # the dead digest's expiries count as announced: a wider lead time brings new ones
    await bot.say_in_channel("notify this channel 60 days before expiry")
    _, drained = await bot.runner.run_once(NINE_PARIS + dt.timedelta(days=1), wait_s=5)
    assert drained.sent == 1
    async with bot.database.sessions() as session:
        sent_id = (await session.execute(select(OutboxMessage.id).where(
            OutboxMessage.status == "sent"))).scalar_one()
        items = (await session.execute(select(func.count()).select_from(
            NotificationSent).where(NotificationSent.outbox_id == sent_id))).scalar_one()
    _, card = await _status(bot)
    # sent_at is the sender's own clock (now), shown in the subscription's zone
    assert items > 0 and re.search(rf"Last digest: [^\"]+ \(Europe/Paris\), {items} items\.",
                                   card)
    assert "given up after 3 attempts" in card  # the dead letter is still told
    _, french = await _status(bot, "état des notifications", "fr-FR")
    assert "État des notifications" in french and "abandonné après 3 tentatives" in french


async def test_status_shows_a_retry_waiting(bot: Bot) -> None:
    await bot.say_in_channel("notify this channel 30 days before expiry at 9:00 Paris time")
    bot.connector.failures = [429]
    bot.connector.retry_after = "600"  # Teams asks to wait ten minutes
    _, drained = await bot.runner.run_once(NINE_PARIS)
    assert drained.retried == 1 and drained.sent == 0
    _, card = await _status(bot)
    assert "Digest to be retried (1 attempts so far): 429" in card
    assert "Waiting to be sent: 1." in card


async def test_status_of_a_conversation_without_subscription(bot: Bot) -> None:
    _, card = await _status(bot)
    assert "No notifications are set up here" in card or "Notification status" in card
    assert "No digest has been sent here yet." in card
