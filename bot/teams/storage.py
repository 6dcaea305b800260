"""botbuilder `Storage` on the shared SQL state store (services/state_store.py)."""

from __future__ import annotations

from typing import Any

import jsonpickle
from botbuilder.core import PrivateConversationState, Storage, TurnContext

from services.state_store import Change, StateStore

E_TAG = "e_tag"


def _get_etag(value: Any) -> str | None:
    if isinstance(value, dict):
        return value.get(E_TAG)
    return getattr(value, E_TAG, None)


def _set_etag(value: Any, etag: str) -> None:
    if isinstance(value, dict):
        value[E_TAG] = etag
    elif hasattr(value, "__dict__"):
        value.e_tag = etag


def _encode(value: Any) -> str:
    if isinstance(value, dict) and E_TAG in value:
        value = {k: v for k, v in value.items() if k != E_TAG}
    return jsonpickle.encode(value, keys=True)


class SqlStorage(Storage):
    """Dialog and conversation state shared by every bot instance on one database.

    Items read carry their e-tag; writing an item whose e-tag is stale raises
    StateConflict, like botbuilder's other stores."""

    def __init__(self, store: StateStore) -> None:
        super().__init__()
        self._store = store

    async def read(self, keys: list[str]) -> dict[str, Any]:
        items = await self._store.read(keys)
        out: dict[str, Any] = {}
        for key, item in items.items():
            value = jsonpickle.decode(item.data, keys=True)
            _set_etag(value, item.etag)
            out[key] = value
        return out

    async def write(self, changes: dict[str, Any]) -> None:
        if changes is None:
            raise ValueError("changes are required when writing")
        if not changes:
            return
        etags = await self._store.write({
            key: Change(_encode(value), _get_etag(value)) for key, value in changes.items()
        })
        for key, etag in etags.items():
            _set_etag(changes[key], etag)

    async def delete(self, keys: list[str]) -> None:
        await self._store.delete(keys)


class TurnCachedDialogState(PrivateConversationState):
    """Dialog state per conversation *and* user, read from storage once per turn.

    In a channel or a group chat each person has their own dialogs: another member's
    text or "Apply" never continues someone else's add-operator or activation dialog
    (it would run under the other member's scope). botbuilder's PrivateConversationState
    keys state by channel, conversation and user.

    botbuilder 4.17.1's `BotState.load` treats a cached but empty state as not loaded,
    so a conversation without dialog state was read twice per turn (once by
    `DialogSet.create_context`, once more by the property's default-value `set`)."""

    async def load(self, turn_context: TurnContext, force: bool = False) -> None:
        if not force and self.get_cached_state(turn_context) is not None:
            return
        await super().load(turn_context, force)
