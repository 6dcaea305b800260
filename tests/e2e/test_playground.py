"""The bot through Microsoft's Teams client emulator (Agents Playground): a question,
a reader's request approved by an admin from the card, a channel subscription and its
digest. The Playground posts real Teams activities to the bot and hosts the Bot
Connector the bot replies to."""

from __future__ import annotations

import asyncio
import sqlite3
import sys

import pytest

from tests.support.playground import (
    Playground,
    Stack,
    bot_cards,
    card_text,
    missing_reason,
)

pytestmark = [pytest.mark.playground,
              pytest.mark.skipif(missing_reason() is not None, reason=str(missing_reason()))]

BRUNO = {"id": "user-bruno", "aadObjectId": "c06ff11f-0b82-5537-b896-a2f8d555a553"}



def _created_in(conversation: str, text: str):  # type: ignore[no-untyped-def]
    return lambda e: e.get("action") == "createMessage" and \
        str(e.get("actionConversationId", "")).startswith(conversation) and \
        text in card_text(e)


async def test_the_playground_is_configured_with_demo_operators(playground: Playground
                                                               ) -> None:
    config = await playground.config()
    assert config["currentUser"]["email"] == "alice.durand@contoso.example"
    assert {u["email"].split("@")[1] for u in config["users"]} >= {
        "contoso.example", "alphadist.example", "coreview.example"}


async def test_a_question_gets_the_right_card(playground: Playground) -> None:
    await playground.say("personal-chat-alice", "which clients expire this month")
    event = await playground.wait_for(_created_in("personal-chat-alice", "Customers expiring"))
    card = bot_cards(event)[0]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    assert any(block.get("type") == "Table" for block in card["body"])


async def test_a_readers_request_is_approved_from_the_card(playground: Playground) -> None:
    await playground.say("personal-chat-alice", "help")  # Alice's chat is known to the bot
    await playground.say_as("group-chat-contoso", "remove chloe.leroy@contoso.example",
                            BRUNO)
    posted = await playground.wait_for(lambda e: _created_in("group-chat-contoso", "chloe.leroy")(e)
                                       and any("refresh" in c for c in bot_cards(e)))
    card = next(c for c in bot_cards(posted) if "refresh" in c)
    request_id = card["refresh"]["action"]["data"]["request"]
    message_id = str(posted["message"]["messageId"])

    response = await playground.invoke("group-chat-contoso", message_id, "approve_request",
                                       {"verb": "approve_request", "request": request_id})
    assert "Approved" in str(response), response
    updated = await playground.wait_for(
        lambda e: e.get("action") == "updateMessage" and "Approved" in card_text(e))
    assert str(updated.get("actionConversationId", "")).startswith("group-chat-contoso")


async def test_a_channel_subscription_gets_its_digest(playground: Playground,
                                                     stack: Stack) -> None:
    await playground.say("team-contoso", "notify this channel 30 days before expiry",
                         mention=True)
    await playground.wait_for(_created_in("team-contoso", "Notifications on"))
    run = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "notify", "run", "--now", "2026-11-23", "--wait", "5",
        cwd=stack.workdir, env=stack.env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT)
    output = (await run.communicate())[0].decode()
    assert run.returncode == 0 and "1 digests" in output, output
    digest = await playground.wait_for(_created_in("team-contoso", "Expiring soon"))
    assert "Contoso Partners" in card_text(digest)


async def test_the_offline_demo_adds_an_operator_and_sends_an_activation_link(
        playground: Playground, stack: Stack) -> None:
    """Local mode checks e-mail addresses offline (syntax and consumer domains) and mails
    to the log: both dialogs complete in the Playground without Microsoft 365."""
    chat = "personal-chat-alice"
    turns = await stack.turns_done()
    await playground.say(chat, "add jane@contoso.example as reader")
    await playground.wait_for(_created_in(chat, "jane@contoso.example"))
    await stack.settle(turns + 1)  # the dialog's state is saved when its turn ends
    await playground.say(chat, "apply")
    await playground.wait_for(_created_in(chat, "jane@contoso.example was added as"))

    await playground.say(chat, "send an activation link to Atelier Marchand")
    await playground.wait_for(lambda e: e.get("action") == "createMessage" and
                              "Atelier Marchand" in str((e.get("message") or {}).get("text")))
    await stack.settle(turns + 3)
    await playground.say(chat, "it@ateliermarchand.example")
    await playground.wait_for(_created_in(chat, "it@ateliermarchand.example"))
    await stack.settle(turns + 4)
    await playground.say(chat, "send")
    await playground.wait_for(_created_in(chat, "Activation link for Atelier Marchand sent"))

    path = stack.database_url.split("///", 1)[1]
    with sqlite3.connect(path) as db:
        operator = db.execute("SELECT status FROM operators WHERE email = ?",
                              ("jane@contoso.example",)).fetchone()
        link = db.execute("SELECT recipient_email FROM activation_links").fetchall()
        onboarding = db.execute("SELECT onboarding FROM organizations WHERE name = ?",
                                ("Atelier Marchand",)).fetchone()
    assert operator == ("active",)
    assert link == [("it@ateliermarchand.example",)] and onboarding == ("invited",)
