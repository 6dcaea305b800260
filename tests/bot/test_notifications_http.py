"""Expiry notifications over HTTP: an admin subscribes a channel in Teams, passes run on
given dates, and a local fake Bot Connector records (or refuses) what the bot posts."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select, update

from bot.app import RUNNER, SERVICES, create_app
from bot.jobs.notifications import NotificationRunner
from bot.settings import load_settings
from services.db.engine import Database
from services.db.models import ChannelSubscription, NotificationSent, OutboxMessage
from services.notifications.outbox import Backoff
from tests.support import activities as A
from tests.support.fake_connector import FakeConnector

CHANNEL = "19:general@thread.tacv2"
TODAY = dt.date(2026, 11, 23)  # the date of the test activities


@dataclass
class Bot:
    http: aiohttp.ClientSession
    base: str
    connector: FakeConnector
    connector_url: str
    database: Database
    app: Any

    async def post(self, activity: dict[str, Any]) -> Any:
        activity["serviceUrl"] = self.connector_url
        async with self.http.post(f"{self.base}/api/messages", json=activity) as resp:
            assert resp.status in (200, 201), await resp.text()
            return await resp.json() if resp.content_type == "application/json" else None

    async def say_in_channel(self, text: str, aad: str = A.ALICE_AAD,
                             locale: str = "en-US") -> str:
        body = await self.post(A.message(text, aad=aad, channel=True, locale=locale))
        return json.dumps(A.cards_of(body), ensure_ascii=False)

    @property
    def runner(self) -> NotificationRunner:
        return self.app[RUNNER]

    def digests(self, conversation: str = CHANNEL) -> list[dict[str, Any]]:
        return [c for s in self.connector.in_conversation(conversation) for c in s.cards]


@pytest.fixture
async def bot(aiohttp_server: Any, aiohttp_client: Any, demo_db: Database
              ) -> AsyncIterator[Bot]:
    connector = FakeConnector()
    connector_server = await aiohttp_server(connector.app())
    settings = load_settings(DATABASE_URL=demo_db.url, BOT_ID="", NOTIFY_SCHEDULER="off")
    app = create_app(settings, database=demo_db)
    client = await aiohttp_client(app)
    # Retries come fast in tests (the policy is the same, only the base delay shrinks).
    app[RUNNER].sender._backoff = Backoff(base_s=0.05, cap_s=0.2)
    async with aiohttp.ClientSession() as http:
        yield Bot(http, str(client.make_url("")).rstrip("/"), connector,
                  str(connector_server.make_url("/")), demo_db, app)


async def _count(db: Database, model: Any, *where: Any) -> int:
    async with db.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model).where(
            *where))).scalar_one())


async def test_subscribe_then_one_digest_per_lead_time(bot: Bot) -> None:
    reply = await bot.say_in_channel("notify this channel 30, 7 and 1 days before expiry")
    assert "Notifications on" in reply and "30 days, 7 days, 1 days" in reply
    async with bot.database.sessions() as session:
        sub = (await session.execute(select(ChannelSubscription))).scalar_one()
    assert (sub.conversation_id, sub.lead_days, sub.kind) == (CHANNEL, [30, 7, 1], "channel")

    passes = []
    for day in range(0, 40):  # forty daily passes, some of them twice
        today = TODAY + dt.timedelta(days=day)
        passes.append(await bot.runner.run_once(today))
        if day % 10 == 0:
            again, _ = await bot.runner.run_once(today)
            assert again.digests == 0  # the same day twice: nothing new
    sent = await _count(bot.database, NotificationSent)
    assert sent == sum(p.items for p, _ in passes) > 0
    async with bot.database.sessions() as session:
        rows = (await session.execute(select(NotificationSent))).scalars().all()
    keys = {(r.subscription_id, r.lead_days, r.expires_on) for r in rows}
    assert len(keys) == len(rows)  # each (licence subscription, lead, expiry) once
    assert {r.lead_days for r in rows} <= {30, 7, 1}
    digests = bot.digests()
    assert len(digests) == sum(1 for p, _ in passes if p.digests)
    first = json.dumps(digests[0], ensure_ascii=False)
    assert "Expiring soon" in first and "Contoso Partners" in first
    assert "Nordic" not in first  # nothing outside Alice's network
    assert await _count(bot.database, OutboxMessage, OutboxMessage.status == "sent") == len(
        digests)


async def test_throttling_delays_but_loses_nothing(bot: Bot) -> None:
    await bot.say_in_channel("notify this channel 30 days before expiry")
    bot.connector.failures = [429, 429, 502]
    bot.connector.retry_after = "0.2"
    result, drained = await bot.runner.run_once(TODAY, wait_s=10)
    assert result.digests == 1 and drained.sent == 1 and drained.retried == 3
    assert [status for _c, status in bot.connector.refused] == [429, 429, 502]
    assert len(bot.digests()) == 1


async def test_a_removed_bot_deactivates_and_tells_the_admin(bot: Bot) -> None:
    await bot.post(A.message("help", expect_replies=True))  # Alice's personal chat is known
    await bot.say_in_channel("notify this channel 30 days before expiry")
    bot.connector.broken[CHANNEL] = (403, "BotNotInConversationRoster")
    _, drained = await bot.runner.run_once(TODAY, wait_s=5)
    assert drained.deactivated == 1
    async with bot.database.sessions() as session:
        sub = (await session.execute(select(ChannelSubscription))).scalar_one()
    assert (sub.active, sub.deactivated_reason) == (False, "BotNotInConversationRoster")
    told = [s for s in bot.connector.sent if s.conversation_id.startswith("a:")]
    assert any("Notifications stopped" in s.text for s in told)
    # Later passes send nothing there.
    result, _ = await bot.runner.run_once(TODAY + dt.timedelta(days=1))
    assert result.digests == 0


async def test_a_removed_bot_in_a_channel_the_organization_owns_tells_its_admins(
        bot: Bot) -> None:
    """The subscribing admin left (the organization owns the channel's subscription now):
    when the bot is removed from the channel, the organization's admins hear it."""
    await bot.post(A.message("help", expect_replies=True))  # Alice's personal chat is known
    await bot.say_in_channel("notify this channel 30 days before expiry")
    async with bot.database.sessions() as session, session.begin():
        await session.execute(update(ChannelSubscription).values(created_by_id=None))
    bot.connector.broken[CHANNEL] = (403, "BotNotInConversationRoster")
    _, drained = await bot.runner.run_once(TODAY, wait_s=5)
    assert drained.deactivated == 1
    told = [s for s in bot.connector.sent if s.conversation_id.startswith("a:")]
    assert any("Notifications stopped" in s.text for s in told)


async def test_readers_are_told_who_can_and_may_ask_for_themselves(bot: Bot) -> None:
    reply = await bot.say_in_channel("notify this channel", aad=A.BRUNO_AAD)
    assert "Only admins of Contoso Partners" in reply
    assert await _count(bot.database, ChannelSubscription) == 0
    personal = await bot.post(A.message("notify me", aad=A.BRUNO_AAD))
    assert "You will be told here" in json.dumps(A.cards_of(personal))
    async with bot.database.sessions() as session:
        sub = (await session.execute(select(ChannelSubscription))).scalar_one()
    assert sub.kind == "personal"


async def test_settings_stop_and_french(bot: Bot) -> None:
    reply = await bot.say_in_channel("notifie ce canal 15 jours avant expiration",
                                     locale="fr-FR")
    assert "Notifications activées" in reply and "15 jours" in reply
    settings = await bot.say_in_channel("notification settings")
    assert "15 days" in settings and "alice.durand@contoso.example" in settings
    assert "Notifications stopped here" in await bot.say_in_channel("stop notifications")
    assert "No expiry notifications" in await bot.say_in_channel("notification settings")
    result, _ = await bot.runner.run_once(TODAY)
    assert result.digests == 0


async def test_install_offers_and_removal_stops(bot: Bot) -> None:
    installed = A.bot_installed()
    installed["conversation"].update(id=CHANNEL, conversationType="channel")
    installed["channelData"]["team"] = {"id": "19:team@thread.tacv2"}
    body = await bot.post(installed)
    offer = A.cards_of(body)[0]
    assert offer["actions"][0]["verb"] == "notify_subscribe"
    click = A.card_action("notify_subscribe", {"lead_days": [30, 7, 1]})
    click["conversation"].update(id=CHANNEL, conversationType="channel")
    click["channelData"]["team"] = {"id": "19:team@thread.tacv2"}
    await bot.post(click)
    assert await _count(bot.database, ChannelSubscription,
                        ChannelSubscription.active.is_(True)) == 1
    removed = A.message("", channel=True, expect_replies=False)
    removed.update(type="conversationUpdate", text=None, membersRemoved=[{"id": A.BOT_ID}])
    removed["channelData"].update(eventType="teamMemberRemoved",
                                  team={"id": "19:team@thread.tacv2"})
    await bot.post(removed)
    async with bot.database.sessions() as session:
        sub = (await session.execute(select(ChannelSubscription))).scalar_one()
    assert (sub.active, sub.deactivated_reason) == (False, "app_removed")
    assert bot.app[SERVICES].notifications is not None
