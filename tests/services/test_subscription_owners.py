"""Removed or moved operators stop receiving data at once (services/notifications/owners.py
through the operator service, the daily pass and licence alerts), on SQLite and
PostgreSQL: a personal subscription ends with its operator and what is queued for it is
not sent; a channel subscription whose creator left is the organization's, and its
admins are told once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select, update

from cards.notifications import digest_activity, license_change_activity, reowned_activity
from services.conversations import ConversationBook
from services.db.engine import Database
from services.db.models import (
    AuditEvent,
    ChannelSubscription,
    Operator,
    OrgClosure,
    OutboxMessage,
    Subscription,
)
from services.notifications import NotificationService
from services.notifications.views import LicenseChange
from services.operators import OperatorService
from services.scope import Scope, ScopeService

TODAY = dt.date(2026, 11, 23)
SERVICE_URL = "https://smba.test.invalid/"
ALICE = "alice.durand@contoso.example"  # admin, Contoso Partners
BRUNO = "bruno.petit@contoso.example"  # reader, Contoso Partners
CHLOE = "chloe.leroy@contoso.example"  # admin, Contoso Partners
CHANNEL = "19:general@thread.tacv2"


def clock() -> dt.datetime:
    """The service's clock: the morning of TODAY."""
    return dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)


def reference(conversation_id: str) -> dict[str, Any]:
    return {"serviceUrl": SERVICE_URL, "channelId": "msteams",
            "conversation": {"id": conversation_id, "tenantId": "contoso-tenant"},
            "bot": {"id": "28:partnerbot"}}


def chat(email: str) -> str:
    return f"a:personal-{email.split('@')[0]}"


class World:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.notifications = NotificationService(db.sessions, clock,
                                                 render_reowned=reowned_activity)
        self.operators = OperatorService(db.sessions, self.notifications.owners)
        self.scopes = ScopeService(db.sessions)
        self.book = ConversationBook(db.sessions)

    async def scope(self, email: str) -> Scope:
        scope = await self.scopes.for_email(email)
        assert scope is not None
        return scope

    async def known_chats(self, *emails: str) -> None:
        for email in emails:
            await self.book.remember((await self.scope(email)).operator_id,
                                     reference(chat(email)))

    async def personal(self, email: str) -> int:
        view = await self.notifications.subscribe(
            await self.scope(email), reference(chat(email)), kind="personal",
            lead_days=[30], language="en")
        return view.id

    async def channel(self, email: str) -> int:
        view = await self.notifications.subscribe(
            await self.scope(email), reference(CHANNEL), kind="channel", lead_days=[30],
            language="en")
        return view.id

    async def run_pass(self, today: dt.date = TODAY) -> Any:
        return await self.notifications.run_pass(today, digest_activity, "test")

    async def sub(self, sub_id: int) -> ChannelSubscription:
        async with self.db.sessions() as session:
            sub = await session.get(ChannelSubscription, sub_id)
            assert sub is not None
            return sub

    async def outbox(self, conversation_id: str, status: str | None = None
                     ) -> list[OutboxMessage]:
        async with self.db.sessions() as session:
            stmt = select(OutboxMessage).where(OutboxMessage.conversation_id == conversation_id)
            if status is not None:
                stmt = stmt.where(OutboxMessage.status == status)
            return list((await session.execute(stmt.order_by(OutboxMessage.id))).scalars())

    async def audit(self, action: str) -> list[AuditEvent]:
        async with self.db.sessions() as session:
            return list((await session.execute(select(AuditEvent).where(
                AuditEvent.action == action).order_by(AuditEvent.id))).scalars())

    async def set_operator(self, email: str, **values: Any) -> None:
        """A change made elsewhere (the system of record's feed, an import)."""
        async with self.db.sessions() as session, session.begin():
            await session.execute(update(Operator).where(Operator.email == email)
                                  .values(**values))


def text(message: OutboxMessage) -> str:
    import json

    return json.dumps(message.activity, ensure_ascii=False)


async def test_a_removed_operators_personal_subscription_ends_at_once(
        demo_db: Database) -> None:
    world = World(demo_db)
    sub_id = await world.personal(BRUNO)
    result = await world.run_pass()
    assert result.digests == 1
    (queued,) = await world.outbox(chat(BRUNO), "pending")  # not sent yet

    await world.operators.remove(await world.scope(ALICE), BRUNO)

    sub = await world.sub(sub_id)
    assert (sub.active, sub.deactivated_reason) == (False, "operator_removed")
    assert [m.status for m in await world.outbox(chat(BRUNO))] == ["cancelled"]
    (event,) = await world.audit("notifications.ended")
    assert event.target == chat(BRUNO) and event.after["reason"] == "operator_removed"
    # Later passes send nothing there, even for items due again later.
    for day in range(1, 30):
        assert (await world.run_pass(TODAY + dt.timedelta(days=day))).digests == 0
    assert [m.id for m in await world.outbox(chat(BRUNO))] == [queued.id]


async def test_a_removed_operator_gets_no_queued_notice_either(demo_db: Database) -> None:
    world = World(demo_db)
    await world.known_chats(BRUNO)
    await world.notifications.enqueue_notice(reference(chat(BRUNO)), {"type": "message",
                                                                      "text": "decision"})
    await world.operators.remove(await world.scope(ALICE), BRUNO)
    assert [m.status for m in await world.outbox(chat(BRUNO))] == ["cancelled"]


async def test_an_operator_moved_elsewhere_stops_receiving_the_old_network(
        demo_db: Database) -> None:
    world = World(demo_db)
    sub_id = await world.personal(BRUNO)
    await world.set_operator(BRUNO, organization_id="p-fabrikam")
    result = await world.run_pass()
    assert result.digests == 0
    assert await world.outbox(chat(BRUNO)) == []
    sub = await world.sub(sub_id)
    assert (sub.active, sub.deactivated_reason) == (False, "operator_moved")


async def test_pending_or_removed_elsewhere_ends_in_the_pass(demo_db: Database) -> None:
    world = World(demo_db)
    bruno = await world.personal(BRUNO)
    alice = await world.personal(ALICE)
    await world.set_operator(BRUNO, status="pending")
    await world.set_operator(ALICE, status="removed")
    assert (await world.run_pass()).digests == 0
    assert [(s.active, s.deactivated_reason) for s in
            (await world.sub(bruno), await world.sub(alice))] == [
        (False, "operator_pending"), (False, "operator_removed")]


async def test_licence_alerts_skip_operators_who_left(demo_db: Database) -> None:
    world = World(demo_db)
    await world.personal(BRUNO)
    await world.personal(ALICE)
    async with demo_db.sessions() as session:  # a licence of a Contoso customer
        licence = (await session.execute(select(Subscription).join(
            OrgClosure, OrgClosure.descendant_id == Subscription.organization_id).where(
            OrgClosure.ancestor_id == "p-contoso", OrgClosure.depth > 0).limit(1))
        ).scalar_one()
    await world.set_operator(BRUNO, status="removed")
    queued = await world.notifications.license_alerts([LicenseChange(
        licence.organization_id, licence.id, licence.sku_code, licence.licenses, 1)],
        license_change_activity)
    assert queued == 1
    assert await world.outbox(chat(BRUNO)) == []
    assert len(await world.outbox(chat(ALICE))) == 1


async def test_a_demoted_creator_hands_the_channel_to_the_organization(
        demo_db: Database) -> None:
    world = World(demo_db)
    await world.known_chats(ALICE, BRUNO, CHLOE)
    sub_id = await world.channel(ALICE)
    await world.operators.change_role(await world.scope(CHLOE), ALICE, "reader")

    sub = await world.sub(sub_id)
    assert (sub.active, sub.created_by_id) == (True, None)  # the organization's now
    (event,) = await world.audit("notifications.reowned")
    assert event.before == {"created_by": ALICE}
    (told,) = await world.outbox(chat(CHLOE))  # the organization's admin, once
    assert "now belong to your organization" in text(told) and ALICE in text(told)
    assert await world.outbox(chat(ALICE)) == [] and await world.outbox(chat(BRUNO)) == []
    # The channel keeps its digests (the organization's network), and nobody is told again.
    assert (await world.run_pass()).digests == 1
    assert len(await world.outbox(CHANNEL)) == 1
    assert (await world.run_pass(TODAY + dt.timedelta(days=1))).subscriptions == 1
    assert len(await world.outbox(chat(CHLOE))) == 1
    views = await world.notifications.settings(await world.scope(CHLOE), CHANNEL)
    assert [(v.active, v.created_by, v.created_by_id) for v in views] == [(True, None, None)]


async def test_a_creator_removed_elsewhere_is_settled_by_the_pass_once(
        demo_db: Database) -> None:
    world = World(demo_db)
    await world.known_chats(ALICE, CHLOE)
    sub_id = await world.channel(ALICE)
    personal = await world.personal(ALICE)
    await world.set_operator(ALICE, status="removed")
    result = await world.run_pass()
    assert result.digests == 1  # the channel's, not Alice's own chat
    assert (await world.sub(sub_id)).created_by_id is None
    assert (await world.sub(personal)).active is False
    assert len(await world.outbox(CHANNEL)) == 1
    assert await world.outbox(chat(ALICE)) == []
    for day in range(1, 3):
        await world.run_pass(TODAY + dt.timedelta(days=day))
    (told,) = await world.outbox(chat(CHLOE))
    assert "no longer has access" in text(told)
    async with demo_db.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "notifications.reowned"))).scalar_one() == 1


async def test_removal_through_an_approved_request_settles_too(demo_db: Database) -> None:
    world = World(demo_db)
    sub_id = await world.personal(BRUNO)
    request = await world.operators.request_change(await world.scope(BRUNO), "remove", BRUNO)
    await world.operators.decide(await world.scope(ALICE), request.id, approve=True)
    assert (await world.sub(sub_id)).active is False


async def test_french_notice(demo_db: Database) -> None:
    world = World(demo_db)
    await world.known_chats(CHLOE)
    await world.notifications.subscribe(await world.scope(ALICE), reference(CHANNEL),
                                        kind="channel", lead_days=[30], language="fr")
    await world.operators.change_role(await world.scope(CHLOE), ALICE, "reader")
    (told,) = await world.outbox(chat(CHLOE))
    assert "appartiennent maintenant à votre organisation" in text(told)
    assert "n'est plus administrateur" in text(told)


async def test_two_instances_settling_at_once_tell_the_admins_once(demo_db: Database) -> None:
    """The pass on one instance and a licence alert on another find the same departed
    creator: the conditional UPDATE lets one of them re-own and tell."""
    import asyncio

    first, second = World(demo_db), World(demo_db)
    await first.known_chats(ALICE, CHLOE)
    sub_id = await first.channel(ALICE)
    await first.personal(ALICE)
    await first.set_operator(ALICE, status="removed")

    async def settle(world: World) -> Any:
        async with demo_db.sessions() as session, session.begin():
            return await world.notifications.owners.settle(session)

    results = await asyncio.gather(settle(first), settle(second))
    assert sorted((r.ended, r.reowned) for r in results) == [(0, 0), (1, 1)]
    assert sum(r.told for r in results) == 1
    assert len(await first.outbox(chat(CHLOE))) == 1
    assert (await first.sub(sub_id)).created_by_id is None
    assert len(await first.audit("notifications.reowned")) == 1
    assert len(await first.audit("notifications.ended")) == 1


async def test_an_import_or_feed_removing_an_operator_settles_in_its_transaction(
        demo_db: Database) -> None:
    """`partnerbot import` and the feed (with FEED_MANAGES_OPERATORS) go through the
    importer: removing or demoting an operator there settles their subscriptions at
    once, not at the next pass."""
    from services.network.importer import NetworkImporter

    world = World(demo_db)
    personal = await world.personal(BRUNO)
    channel = await world.channel(ALICE)
    await world.known_chats(CHLOE)
    importer = NetworkImporter(demo_db.sessions, world.notifications.owners)
    await importer.import_document({"format": "partner-network/1", "operators": [
        {"email": BRUNO, "removed": True},
        {"email": ALICE, "name": "Alice Durand", "organization": "p-contoso",
         "roles": ["reader"]}]})
    sub = await world.sub(personal)
    assert (sub.active, sub.deactivated_reason) == (False, "operator_removed")
    assert (await world.sub(channel)).created_by_id is None  # the organization's now
    assert len(await world.outbox(chat(CHLOE))) == 1  # the remaining admin is told
