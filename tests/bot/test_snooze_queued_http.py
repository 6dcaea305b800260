"""A snooze reaches a digest already queued (issue 19): "snooze X for 14 days" in a channel
whose digest waits in the outbox rebuilds that digest without X, in the snooze's
transaction; X is announced again once the snooze is over. Over HTTP with the local fake
Bot Connector on the demo network (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
import re

from sqlalchemy import select

from bot.app import SERVICES
from cards.notifications import digest_activity
from services.db.models import NotificationSent, Organization, OutboxMessage, Subscription
from tests.bot.test_notifications_http import TODAY, Bot
from tests.bot.test_notifications_http import bot as bot  # noqa: F401 - the fixture


async def _queued(bot: Bot) -> list[tuple[str, str, int, bool]]:
    """(organization id, name, days left, at risk) of what the pending digest announces
    (a row each at risk; the renewed ones are one line)."""
    async with bot.database.sessions() as session:
        rows = (await session.execute(
            select(Organization.id, Organization.name, Subscription.expires_on,
                   NotificationSent.at_risk)
            .join(Subscription, Subscription.organization_id == Organization.id)
            .join(NotificationSent, NotificationSent.subscription_id == Subscription.id)
            .join(OutboxMessage, OutboxMessage.id == NotificationSent.outbox_id)
            .where(OutboxMessage.status == "pending", OutboxMessage.kind == "digest"))).all()
    return [(i, n, (e - TODAY).days, bool(a)) for i, n, e, a in rows]


async def test_a_snooze_takes_the_customer_out_of_the_queued_digest(bot: Bot) -> None:
    await bot.say_in_channel("notify this channel 30 days before expiry")
    services = bot.app[SERVICES]
    result = await services.notifications.run_pass(TODAY, digest_activity, "test")
    assert result.digests == 1  # queued, not sent yet
    queued = await _queued(bot)
    # Contoso's one customer at risk within 30 days, and renewals beside it
    ((org, name, days_left, _),) = [q for q in queued if q[3]]
    renewing = {q[0] for q in queued if not q[3]}
    assert days_left > 14 and renewing and org not in renewing
    reply = await bot.say_in_channel(f"snooze {name} for 14 days")
    assert "is snoozed" in reply, reply
    assert {q[0] for q in await _queued(bot)} == renewing  # rebuilt in the snooze
    _, drained = await bot.runner.run_once(TODAY, wait_s=5)
    assert drained.sent == 1
    (digest,) = bot.digests()
    shown = json.dumps(digest, ensure_ascii=False)
    assert not re.findall(r'"org": "([^"]+)"', shown)  # no row at risk: it was the one
    assert "renew automatically" in shown
    # back after the snooze: announced at its lead time, the entry having been dropped
    back = TODAY + dt.timedelta(days=14)
    result, _ = await bot.runner.run_once(back, wait_s=5)
    assert result.digests == 1
    assert f'"org": "{org}"' in json.dumps(bot.digests()[-1], ensure_ascii=False)


async def test_a_digest_left_with_nothing_is_cancelled(bot: Bot) -> None:
    await bot.say_in_channel("notify this channel 30 days before expiry, at risk only")
    services = bot.app[SERVICES]
    await services.notifications.run_pass(TODAY, digest_activity, "test")
    ((_org, name, _days, _),) = await _queued(bot)
    await bot.say_in_channel(f"snooze {name} for 14 days")
    async with bot.database.sessions() as session:
        (status,) = (await session.execute(select(OutboxMessage.status).where(
            OutboxMessage.kind == "digest"))).scalars().all()
    assert status == "cancelled"
    _, drained = await bot.runner.run_once(TODAY, wait_s=1)
    assert drained.sent == 0 and bot.digests() == []
