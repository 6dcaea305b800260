"""Activities on the wire without msrest's slow paths.

msrest serializes a model by walking every value; an Adaptive Card is already plain JSON
(dicts, lists, strings, numbers), so walking it is pure cost, and a connector client's
request body is worse: `Serializer.body` first deserializes the activity back into
models, then serializes it, walking every card value twice. Both paths give the same
JSON as msrest (tests/bot/test_adapter.py compares them)."""

from __future__ import annotations

from typing import Any

from botbuilder.schema import Activity
from msrest.serialization import Serializer

ACTIVITY = "Activity"


def serialize_activity(activity: Activity) -> dict[str, Any]:
    """`activity.serialize()`, without msrest walking the attachments' card JSON.

    A card is already plain JSON (dicts, lists, strings, numbers), which msrest would
    copy value by value: about a tenth of a question turn's CPU. Such contents are set
    aside while msrest serializes the activity, then put back as they are."""
    attachments = activity.attachments or []
    kept = [a.content if isinstance(a.content, (dict, list)) else None for a in attachments]
    for attachment, content in zip(attachments, kept, strict=True):
        if content is not None:
            attachment.content = None
    try:
        body: dict[str, Any] = activity.serialize()
    finally:
        for attachment, content in zip(attachments, kept, strict=True):
            if content is not None:
                attachment.content = content
    for serialized, content in zip(body.get("attachments") or [], kept, strict=False):
        if content is not None:
            serialized["content"] = content
    return body


class CardBodySerializer(Serializer):  # type: ignore[misc]
    """The request-body serializer of a connector client's operations: an Activity's
    body is `serialize_activity` (what msrest would send, without its round trip);
    anything else is msrest's."""

    def body(self, data: Any, data_type: str, **kwargs: Any) -> Any:
        if data_type == ACTIVITY and isinstance(data, Activity) and not kwargs:
            return serialize_activity(data)
        return super().body(data, data_type, **kwargs)


def use_card_bodies(client: Any) -> None:
    """Make CLIENT's conversation operations (replies, sends, updates) serialize an
    activity with CardBodySerializer."""
    operations = client.conversations
    current = operations._serialize  # noqa: SLF001 - msrest's own attribute
    if isinstance(current, CardBodySerializer):
        return
    replacement = CardBodySerializer(current.dependencies)
    replacement.client_side_validation = current.client_side_validation
    operations._serialize = replacement  # noqa: SLF001
