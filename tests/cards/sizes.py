"""How big a card is for Teams: the activity that carries it, as JSON measured in UTF-16
(Teams refuses a message over 40 KB so measured: 413 MessageSizeTooBig)."""

from __future__ import annotations

from typing import Any

from cards.common import TEAMS_MESSAGE_LIMIT, utf16_size

_GUID = "8b0f3c5e-2d4a-4f6b-9c1e-7a2b3c4d5e6f"
# A reply in a channel thread as the bot sends it, with ids as long as Teams makes them.
ENVELOPE: dict[str, Any] = {
    "type": "message", "id": "1733224567890", "timestamp": "2026-12-03T12:54:27.1234567Z",
    "localTimestamp": "2026-12-03T13:54:27.1234567+01:00", "channelId": "msteams",
    "serviceUrl": f"https://smba.trafficmanager.net/emea/{_GUID}/",
    "from": {"id": f"28:{_GUID}", "name": "Partner App"},
    "conversation": {"conversationType": "channel", "isGroup": True, "tenantId": _GUID,
                     "id": "19:" + "a" * 32 + "@thread.tacv2;messageid=1733224567890"},
    "recipient": {"id": "29:1" + "x" * 130, "name": "N" * 256, "aadObjectId": _GUID},
    "replyToId": "1733224567890", "locale": "fr-FR", "inputHint": "acceptingInput",
    "textFormat": "plain", "entities": [], "channelData": {"tenant": {"id": _GUID}},
}


def message_size(card: dict[str, Any]) -> int:
    """The UTF-16 size of the activity carrying CARD."""
    return utf16_size({**ENVELOPE, "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}]})


def assert_fits(card: dict[str, Any], where: str) -> None:
    size = message_size(card)
    assert size <= TEAMS_MESSAGE_LIMIT, \
        f"{where}: {size} bytes as UTF-16 with its activity, over Teams' {TEAMS_MESSAGE_LIMIT}"
