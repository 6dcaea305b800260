"""Adding operators from Teams (issue 5): the dialog, the work-or-school check, the
approval card and its decisions, through the real bot with botbuilder's TestAdapter."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from botbuilder.core import MemoryStorage
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, ConversationAccount
from sqlalchemy import select

from bot.services import BotServices
from bot.settings import load_settings
from bot.teams.handler import PartnerBot
from bot.teams.middleware import TurnLogMiddleware
from services.accounts import AccountVerifier
from services.db.engine import Database
from services.db.models import AuditEvent, Operator, OperatorRequest
from tests.support.fake_login import FakeLogin

ALICE = "634cd7e1-1cfd-591b-bd2f-417196023cf5"  # admin, Contoso
CHLOE = "597d744c-6312-5e87-a54e-94685d351e43"  # admin, Contoso
BRUNO = "c06ff11f-0b82-5537-b896-a2f8d555a553"  # reader, Contoso
JAN = "6c1e4507-b867-565b-9b30-486f9f528ca8"  # admin, Fabrikam
CONTOSO = "4ebb284a-b03c-52a7-8795-819416500e20"
FABRIKAM = "cece167b-edfa-5a39-9804-0b3be068de6e"


@pytest.fixture
def login() -> Iterator[FakeLogin]:
    with FakeLogin() as fake:
        yield fake


@pytest.fixture
def bot(demo_db: Database, login: FakeLogin) -> PartnerBot:
    services = BotServices.create(load_settings(DATABASE_URL=demo_db.url), demo_db)
    services.accounts = AccountVerifier(login.base_url, login.session())
    return PartnerBot(services, MemoryStorage())


def adapter(bot: PartnerBot, aad: str, tenant: str = CONTOSO, locale: str = "en-US"
            ) -> TestAdapter:
    test_adapter = TestAdapter(bot.on_turn, Activity(
        channel_id="msteams", service_url="https://test.invalid/", locale=locale,
        from_property=ChannelAccount(id=f"29:{aad}", aad_object_id=aad),
        recipient=ChannelAccount(id="28:bot"),
        conversation=ConversationAccount(id=f"a:{aad}", tenant_id=tenant,
                                         conversation_type="personal")))
    test_adapter.use(TurnLogMiddleware())  # as in production: correlation ids
    return test_adapter


def text_of(activity: Activity) -> str:
    parts = [activity.text or ""]
    for a in activity.attachments or []:
        content = a.content if isinstance(a.content, dict) else a.content.serialize()
        parts.append(json.dumps(content, ensure_ascii=False))
    if activity.value is not None:
        parts.append(json.dumps(getattr(activity.value, "body", None) or {}, default=str))
    return " ".join(parts)


async def say(ad: TestAdapter, message: str | Activity) -> str:
    await ad.receive_activity(message)
    out = " ".join(text_of(a) for a in ad.activity_buffer)
    ad.activity_buffer.clear()
    return out


def submit(choice: str) -> Activity:
    return Activity(type=ActivityTypes.message, value={"add_operator": choice})


def invoke(verb: str, data: dict[str, Any]) -> Activity:
    return Activity(type=ActivityTypes.invoke, name="adaptiveCard/action",
                    reply_to_id="approval-card-message",
                    value={"action": {"type": "Action.Execute", "verb": verb, "data": data},
                           "trigger": "manual"})


async def find(db: Database, email: str) -> Operator | None:
    async with db.sessions() as session:
        return (await session.execute(select(Operator).where(
            Operator.email == email))).scalar_one_or_none()


async def test_an_admin_adds_an_operator(bot: PartnerBot, demo_db: Database) -> None:
    alice = adapter(bot, ALICE)
    confirm = await say(alice, "add jane.doe@contoso.example as reader")
    assert "Add this operator?" in confirm and "jane.doe@contoso.example" in confirm
    assert "added as Reader" in await say(alice, submit("apply"))
    jane = await find(demo_db, "jane.doe@contoso.example")
    assert jane is not None and jane.role == "reader" and jane.added_by == \
        "alice.durand@contoso.example"
    again = await say(alice, "add jane.doe@contoso.example as admin")
    assert "already an operator" in again


async def test_the_dialog_asks_what_is_missing(bot: PartnerBot, demo_db: Database) -> None:
    alice = adapter(bot, ALICE, locale="fr-FR")
    assert "adresse e-mail" in await say(alice, "ajoute un opérateur")
    assert "Quel rôle" in await say(alice, "marie@fabrikam.example")
    assert "Ajouter cet opérateur" in await say(alice, "administrateur")
    assert "a été ajouté comme Administrateur" in await say(alice, submit("apply"))
    marie = await find(demo_db, "marie@fabrikam.example")
    assert marie is not None and marie.role == "admin"


@pytest.mark.parametrize(("email", "reason"), [
    ("someone@outlook.com", "personal Microsoft account"),
    ("someone@nowhere.example", "not a Microsoft 365 work or school account"),
    ("not-an-address", "not a valid e-mail"),
])
async def test_accounts_that_are_not_work_or_school_are_refused(
        bot: PartnerBot, demo_db: Database, email: str, reason: str) -> None:
    alice = adapter(bot, ALICE)
    answer = await say(alice, "add an operator")
    assert "work or school e-mail" in answer
    assert reason in await say(alice, email)
    assert "cancelled" in (await say(alice, "cancel")).lower()
    assert await find(demo_db, email) is None


async def test_cancel_at_the_confirmation(bot: PartnerBot, demo_db: Database) -> None:
    alice = adapter(bot, ALICE)
    await say(alice, "add sam@contoso.example as reader")
    assert "Cancelled" in await say(alice, submit("cancel"))
    assert await find(demo_db, "sam@contoso.example") is None


async def request_by_bruno(bot: PartnerBot, demo_db: Database, email: str) -> int:
    bruno = adapter(bot, BRUNO)
    await say(bruno, f"add {email} as reader")
    sent = await say(bruno, submit("apply"))
    assert "sent to the admins of Contoso Partners" in sent
    assert "Operator request" in sent and "8:orgid:" + ALICE in sent  # refresh for admins
    async with demo_db.sessions() as session:
        return (await session.execute(select(OperatorRequest.id).where(
            OperatorRequest.email == email))).scalar_one()


async def test_a_readers_request_approved_by_an_admin(bot: PartnerBot,
                                                      demo_db: Database) -> None:
    request_id = await request_by_bruno(bot, demo_db, "kim@contoso.example")
    assert await find(demo_db, "kim@contoso.example") is None
    alice = adapter(bot, ALICE)
    view = await say(alice, invoke("request_refresh", {"request": request_id}))
    assert "Approve" in view and "Reject" in view  # an admin's own view
    bruno_view = await say(adapter(bot, BRUNO), invoke("request_refresh",
                                                       {"request": request_id}))
    assert "Approve" not in bruno_view  # the requester sees the status only
    await alice.receive_activity(invoke("approve_request", {"request": request_id}))
    told = [a for a in alice.activity_buffer if "was approved by" in text_of(a)]
    assert [a.conversation.id for a in told] == [f"a:{BRUNO}"]  # the requester's own chat
    decided = " ".join(text_of(a) for a in alice.activity_buffer)
    alice.activity_buffer.clear()
    assert "Approved by alice.durand@contoso.example" in decided
    # the card message itself, for everyone, and the copy in Bruno's conversation
    assert "approval-card-message" in {u.id for u in alice.updated_activities}
    assert all("Approved by" in text_of(u) for u in alice.updated_activities)
    assert len(alice.updated_activities) == 2
    assert "was approved by" in decided  # the requester is told in the conversation
    kim = await find(demo_db, "kim@contoso.example")
    assert kim is not None and kim.status == "active"
    # Kim's first sign-in binds her object id (tests/dialogs/test_sign_in.py covers the
    # SSO path); then she can ask questions about her organization's customers.
    kim_aad = "12345678-1234-4234-8234-123456789abc"
    async with demo_db.sessions() as session, session.begin():
        (await session.get(Operator, kim.id)).aad_object_id = kim_aad  # type: ignore[union-attr]
    assert "Greenleaf" in await say(adapter(bot, kim_aad), "expired customers")
    late = await say(adapter(bot, CHLOE), invoke("reject_request", {"request": request_id}))
    assert "already decided" in late


async def test_rejection(bot: PartnerBot, demo_db: Database) -> None:
    request_id = await request_by_bruno(bot, demo_db, "rex@contoso.example")
    decided = await say(adapter(bot, CHLOE), invoke("reject_request", {"request": request_id}))
    assert "Rejected by chloe.leroy@contoso.example" in decided
    assert await find(demo_db, "rex@contoso.example") is None


async def test_a_forged_decision_changes_nothing(bot: PartnerBot, demo_db: Database) -> None:
    request_id = await request_by_bruno(bot, demo_db, "ivy@contoso.example")
    forged = await say(adapter(bot, JAN, tenant=FABRIKAM),
                       invoke("approve_request", {"request": request_id}))
    assert "Only admins of" in forged
    assert await say(adapter(bot, BRUNO), invoke("approve_request", {"request": request_id}))
    async with demo_db.sessions() as session:
        status = (await session.execute(select(OperatorRequest.status).where(
            OperatorRequest.id == request_id))).scalar_one()
        forged_events = (await session.execute(select(AuditEvent).where(
            AuditEvent.action == "operator_request.forbidden"))).scalars().all()
    assert status == "pending" and len(forged_events) == 2
    assert await find(demo_db, "ivy@contoso.example") is None


@pytest.mark.parametrize("data", [{"request": "1; drop"}, {"request": True}, {}])
async def test_tampered_request_ids(bot: PartnerBot, data: dict[str, Any]) -> None:
    answer = await say(adapter(bot, ALICE), invoke("approve_request", data))
    assert "no longer valid" in answer


async def test_change_role_and_remove_with_confirmation(bot: PartnerBot,
                                                        demo_db: Database) -> None:
    alice = adapter(bot, ALICE)
    asked = await say(alice, "make bruno.petit@contoso.example admin")
    assert "Change the role of bruno.petit@contoso.example to Admin?" in asked
    bruno = await find(demo_db, "bruno.petit@contoso.example")
    assert bruno is not None and bruno.role == "reader"  # nothing before the confirmation
    done = await say(alice, invoke("confirm_role", {"email": "bruno.petit@contoso.example",
                                                    "role": "admin"}))
    assert "is now Admin" in done
    assert "Remove chloe.leroy" in await say(alice, "remove chloe.leroy@contoso.example")
    assert "was removed" in await say(alice, invoke(
        "confirm_remove", {"email": "chloe.leroy@contoso.example"}))
    chloe = await find(demo_db, "chloe.leroy@contoso.example")
    assert chloe is not None and chloe.status == "removed"
    async with demo_db.sessions() as session:
        events = (await session.execute(select(AuditEvent).where(AuditEvent.action.in_(
            ["operator.role_changed", "operator.removed"])))).scalars().all()
    assert len(events) == 2 and all(e.correlation_id for e in events)


async def test_removing_yourself_asks_twice_and_the_last_admin_stays(
        bot: PartnerBot, demo_db: Database) -> None:
    alice = adapter(bot, ALICE)
    await say(alice, invoke("confirm_remove", {"email": "chloe.leroy@contoso.example"}))
    first = await say(alice, invoke("confirm_remove", {"email": "alice.durand@contoso.example"}))
    assert "You are removing yourself" in first
    second = await say(alice, invoke("confirm_remove", {"email": "alice.durand@contoso.example",
                                                        "again": True}))
    assert "last admin" in second
    alice_row = await find(demo_db, "alice.durand@contoso.example")
    assert alice_row is not None and alice_row.status == "active"


async def test_readers_changes_are_requests_for_the_admins(bot: PartnerBot,
                                                          demo_db: Database) -> None:
    bruno = adapter(bot, BRUNO)
    asked = await say(bruno, "remove chloe.leroy@contoso.example")
    assert "sent to the admins of Contoso Partners" in asked and "asks to remove" in asked
    chloe_row = await find(demo_db, "chloe.leroy@contoso.example")
    assert chloe_row is not None and chloe_row.status == "active"  # nothing yet
    forged = await say(bruno, invoke("confirm_remove", {
        "email": "alice.durand@contoso.example", "again": True}))
    assert "Only admins of" in forged  # a reader cannot confirm a change himself
    async with demo_db.sessions() as session:
        removal = (await session.execute(select(OperatorRequest.id).where(
            OperatorRequest.action == "remove"))).scalar_one()
    assert "Approved by" in await say(adapter(bot, ALICE), invoke(
        "approve_request", {"request": removal}))
    chloe_row = await find(demo_db, "chloe.leroy@contoso.example")
    assert chloe_row is not None and chloe_row.status == "removed"

    # Alice is now the only admin: a request to remove her cannot be applied
    assert "sent to the admins" in await say(bruno, "remove alice.durand@contoso.example")
    async with demo_db.sessions() as session:
        last = (await session.execute(select(OperatorRequest.id).where(
            OperatorRequest.action == "remove",
            OperatorRequest.email == "alice.durand@contoso.example"))).scalar_one()
    refused = await say(adapter(bot, ALICE), invoke("approve_request", {"request": last}))
    assert "last admin" in refused
    alice_row = await find(demo_db, "alice.durand@contoso.example")
    assert alice_row is not None and alice_row.status == "active"

    assert "sent to the admins" in await say(bruno, "make bruno.petit@contoso.example admin")


async def test_an_admin_cannot_approve_their_own_request(bot: PartnerBot,
                                                          demo_db: Database) -> None:
    from services.db.models import Organization

    async with demo_db.sessions() as session, session.begin():
        org = await session.get(Organization, "p-contoso")
        assert org is not None
        org.require_approval = True
    alice = adapter(bot, ALICE)
    await say(alice, "add una@contoso.example as reader")
    assert "sent to the admins" in await say(alice, submit("apply"))
    async with demo_db.sessions() as session:
        request_id = (await session.execute(select(OperatorRequest.id).where(
            OperatorRequest.email == "una@contoso.example"))).scalar_one()
    own = await say(alice, invoke("approve_request", {"request": request_id}))
    assert "can't decide on your own request" in own
    assert await find(demo_db, "una@contoso.example") is None
    assert "Approved by chloe" in await say(adapter(bot, CHLOE), invoke(
        "approve_request", {"request": request_id}))


async def test_every_admin_gets_the_card_in_their_chat(bot: PartnerBot,
                                                        demo_db: Database) -> None:
    for admin in (ALICE, CHLOE):  # admins who have talked to the bot in their own chat
        await say(adapter(bot, admin), "help")
    bruno = adapter(bot, BRUNO)
    await say(bruno, "add nora@contoso.example as reader")
    await bruno.receive_activity(submit("apply"))
    delivered = {a.conversation.id for a in bruno.activity_buffer
                 if "Operator request" in text_of(a)}
    assert delivered == {f"a:{BRUNO}", f"a:{ALICE}", f"a:{CHLOE}"}
    async with demo_db.sessions() as session:
        refs = (await session.execute(select(OperatorRequest.card_refs).where(
            OperatorRequest.email == "nora@contoso.example"))).scalar_one()
    assert len(refs) == 3
