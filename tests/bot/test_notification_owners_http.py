"""Removed or demoted operators over HTTP: an admin removes a reader and demotes another
admin with the Operators page's card actions; the passes that follow, posting to a local
fake Bot Connector, send the removed reader nothing more (not even what was already
queued), keep the channel's digests coming, and tell the remaining admin once."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.app import RUNNER, SERVICES, create_app
from bot.jobs.notifications import NotificationRunner
from bot.settings import load_settings
from cards.notifications import digest_activity
from services.db.engine import Database
from services.db.models import ChannelSubscription, OutboxMessage
from services.notifications.outbox import Backoff
from tests.support import activities as A
from tests.support.fake_connector import FakeConnector

CHANNEL = "19:general@thread.tacv2"
TODAY = dt.date(2026, 11, 23)
CHLOE_AAD = "597d744c-6312-5e87-a54e-94685d351e43"  # admin, Contoso Partners
ALICE = "alice.durand@contoso.example"
BRUNO = "bruno.petit@contoso.example"


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

    async def personal_chat(self, aad: str, text: str = "help") -> str:
        """A message in the user's personal chat (the bot remembers it); its id."""
        activity = A.message(text, aad=aad)
        await self.post(activity)
        return str(activity["conversation"]["id"])

    async def click(self, verb: str, data: dict[str, Any], aad: str, chat: str) -> str:
        """A card action in the user's personal chat CHAT."""
        activity = A.card_action(verb, data, aad=aad)
        activity["conversation"]["id"] = chat
        return json.dumps(await self.post(activity), ensure_ascii=False)

    @property
    def runner(self) -> NotificationRunner:
        return self.app[RUNNER]

    def texts(self, conversation: str) -> list[str]:
        return [s.text for s in self.connector.in_conversation(conversation)]


@pytest.fixture
async def bot(aiohttp_server: Any, aiohttp_client: Any, demo_db: Database
              ) -> AsyncIterator[Bot]:
    connector = FakeConnector()
    connector_server = await aiohttp_server(connector.app())
    settings = load_settings(DATABASE_URL=demo_db.url, BOT_ID="", NOTIFY_SCHEDULER="off")
    app = create_app(settings, database=demo_db)
    client = await aiohttp_client(app)
    app[RUNNER].sender._backoff = Backoff(base_s=0.05, cap_s=0.2)
    async with aiohttp.ClientSession() as http:
        yield Bot(http, str(client.make_url("")).rstrip("/"), connector,
                  str(connector_server.make_url("/")), demo_db, app)


async def test_removed_and_demoted_operators_stop_receiving_at_once(bot: Bot) -> None:
    alice_chat = await bot.personal_chat(A.ALICE_AAD)
    chloe_chat = await bot.personal_chat(CHLOE_AAD)
    bruno_chat = await bot.personal_chat(A.BRUNO_AAD, "notify me 30 days before expiry")
    body = await bot.post(A.message("notify this channel 30 days before expiry",
                                    channel=True))
    assert "Notifications on" in json.dumps(A.cards_of(body))

    # Today's digests are queued (not sent yet) when Chloé removes Bruno and demotes Alice.
    queued = await bot.app[SERVICES].notifications.run_pass(TODAY, digest_activity, "t")
    assert queued.digests == 2
    assert "removed" in await bot.click("confirm_remove", {"email": BRUNO}, CHLOE_AAD,
                                         chloe_chat)
    assert "Reader" in await bot.click("confirm_role", {"email": ALICE, "role": "reader"},
                                       CHLOE_AAD, chloe_chat)

    for day in range(0, 31):  # a month of daily passes, each drained
        await bot.runner.run_once(TODAY + dt.timedelta(days=day), wait_s=1)

    assert bot.texts(bruno_chat) == []  # not even the digest queued before the removal
    assert len(bot.connector.in_conversation(CHANNEL)) >= 1  # the organization's channel
    assert bot.texts(alice_chat) == []
    told = bot.texts(chloe_chat)
    assert len(told) == 1 and "now belong to your organization" in told[0], told
    assert ALICE in told[0] and "no longer an admin" in told[0]
    async with bot.database.sessions() as session:
        subs = {s.kind: s for s in (await session.execute(select(ChannelSubscription))
                                    ).scalars()}
        bruno_outbox = (await session.execute(select(OutboxMessage.status).where(
            OutboxMessage.conversation_id == bruno_chat))).scalars().all()
    assert (subs["personal"].active, subs["personal"].deactivated_reason) == (
        False, "operator_removed")
    assert (subs["channel"].active, subs["channel"].created_by_id) == (True, None)
    assert bruno_outbox == ["cancelled"]
