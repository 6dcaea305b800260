"""Teams activities as the Bot Connector posts them (JSON dicts)."""

from __future__ import annotations

import uuid
from typing import Any

ALICE_AAD = "634cd7e1-1cfd-591b-bd2f-417196023cf5"  # admin, Contoso Partners (partner)
ALICE_TENANT = "4ebb284a-b03c-52a7-8795-819416500e20"
BRUNO_AAD = "c06ff11f-0b82-5537-b896-a2f8d555a553"  # reader, Contoso Partners
SOFIA_AAD = "abcacdb6-4590-5225-8a9f-850c4ca9c617"  # admin, CoreView (provider)
STRANGER_AAD = "00000000-1111-2222-3333-444444444444"
BOT_ID = "28:partnerbot"
SERVICE_URL = "http://127.0.0.1:9/"


def message(text: str, *, aad: str = ALICE_AAD, locale: str = "en-US",
            tenant: str = ALICE_TENANT, channel: bool = False,
            expect_replies: bool = True) -> dict[str, Any]:
    conversation: dict[str, Any] = {"id": f"a:{uuid.uuid4().hex}", "tenantId": tenant,
                                    "conversationType": "personal"}
    channel_data: dict[str, Any] = {"tenant": {"id": tenant}}
    if channel:
        conversation.update(id="19:general@thread.tacv2;messageid=1",
                            conversationType="channel", isGroup=True)
        channel_data.update(team={"id": "19:team@thread.tacv2"},
                            channel={"id": "19:general@thread.tacv2"})
    activity: dict[str, Any] = {
        "type": "message",
        "id": uuid.uuid4().hex,
        "timestamp": "2026-11-23T09:00:00Z",
        "channelId": "msteams",
        "serviceUrl": SERVICE_URL,
        "from": {"id": f"29:{aad}", "name": "Test User", "aadObjectId": aad},
        "recipient": {"id": BOT_ID, "name": "Partner App"},
        "conversation": conversation,
        "channelData": channel_data,
        "text": text,
        "textFormat": "plain",
        "locale": locale,
    }
    if expect_replies:
        activity["deliveryMode"] = "expectReplies"
    return activity


def card_action(verb: str, data: dict[str, Any] | None = None, *, aad: str = ALICE_AAD,
                locale: str = "en-US", tenant: str = ALICE_TENANT) -> dict[str, Any]:
    activity = message("", aad=aad, locale=locale, tenant=tenant, expect_replies=False)
    activity.update(type="invoke", name="adaptiveCard/action", text=None, value={
        "action": {"type": "Action.Execute", "verb": verb, "data": data or {}},
        "trigger": "manual",
    })
    return activity


def search(text: str, *, command: str = "findCustomer", aad: str = ALICE_AAD,
           locale: str = "en-US", tenant: str = ALICE_TENANT) -> dict[str, Any]:
    """The message extension's query, as Teams sends it while the user types."""
    activity = message("", aad=aad, locale=locale, tenant=tenant, expect_replies=False)
    activity.update(type="invoke", name="composeExtension/query", text=None, value={
        "commandId": command, "parameters": [{"name": "query", "value": text}],
        "queryOptions": {"skip": 0, "count": 25}})
    activity["channelData"]["source"] = {"name": "compose"}
    return activity


def bot_installed(*, aad: str = ALICE_AAD, locale: str = "en-US") -> dict[str, Any]:
    activity = message("", aad=aad, locale=locale)
    activity.update(type="conversationUpdate", text=None,
                    membersAdded=[{"id": BOT_ID}])
    activity["channelData"]["eventType"] = "teamMemberAdded"
    return activity


def cards_of(response_body: dict[str, Any]) -> list[dict[str, Any]]:
    """The Adaptive Cards of an expectReplies response."""
    out = []
    for activity in response_body.get("activities", []):
        for attachment in activity.get("attachments") or []:
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                out.append(attachment["content"])
    return out
