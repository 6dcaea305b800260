"""Every fix this bot makes to botbuilder 4.17.1 and msrest, in one place: what it
changes, why, and a fingerprint of the code it was written against.

botbuilder-python is archived (4.17.1 is its last release), so these fixes are ours to
keep. Two are monkeypatches applied by `install()`; the others are subclasses or
workarounds elsewhere in `bot/teams/` and `bot/web/`, listed here so that a reader finds
them all. `tests/bot/test_patches.py` checks each fingerprint: when a botbuilder or
msrest upgrade changes a patched function, that test fails and names the patch to
review."""

from __future__ import annotations

import ast
import asyncio
import datetime as dt
import hashlib
import importlib
import inspect
import json
import logging
from dataclasses import dataclass
from typing import Any

from botframework.connector.auth import jwt_token_extractor
from jwt.algorithms import RSAAlgorithm
from msrest.universal_http.requests import ClientRetryPolicy

from services.openid import fetch_signing_keys

logger = logging.getLogger(__name__)

WRITTEN_AGAINST = "botbuilder 4.17.1, msrest 0.7.1"


@dataclass(frozen=True)
class Patch:
    target: str  # "module:Qualified.name" of the code the fix works around
    fix: str  # where the fix is
    why: str
    fingerprint: str  # sha256 of the target's source, first 16 hex digits


PATCHES: tuple[Patch, ...] = (
    Patch("botframework.connector.auth.jwt_token_extractor:_OpenIdMetadata.get",
          "bot.teams.patches:_get (install)",
          "an unknown signing key id raises IndexError in _find, so the 'refresh when a "
          "key is unknown' branch never runs: after Microsoft rotates its keys genuine "
          "Teams traffic gets 401 until the daily refresh", "bd735d49e0752334"),
    Patch("botframework.connector.auth.jwt_token_extractor:_OpenIdMetadata._find",
          "bot.teams.patches:_find (install)",
          "returns None for an unknown key id instead of raising IndexError",
          "93dc993a5d90f865"),
    Patch("botframework.connector.auth.jwt_token_extractor:_OpenIdMetadata._refresh",
          "bot.teams.patches:_refresh (install)",
          "fetches the keys with blocking requests and no timeout inside the event loop; "
          "the fix fetches in a thread with a timeout", "37aae6dec1d48537"),
    Patch("msrest.universal_http.requests:ClientRetryPolicy.__init__",
          "bot.teams.patches:install (safe_codes as a frozenset)",
          "computes its retry codes with a list comprehension over 999 x 501 items, "
          "about 6 ms per connector client (two per turn)", "e67155738b9c6bc3"),
    Patch("botbuilder.integration.aiohttp.cloud_adapter:CloudAdapter.process",
          "bot.web.messages:messages_handler (our own handler around process_activity)",
          "re-serializes an already serialized body: every invoke and expectReplies "
          "response is a 500; a missing Content-Type, malformed JSON or a bad token "
          "are 500s too", "b17a1e96578f6bd7"),
    Patch("botbuilder.core.activity_handler:ActivityHandler.on_invoke_activity",
          "bot.teams.handler:PartnerBot.on_invoke_activity (adaptiveCard/action handled "
          "before it)", "on_adaptive_card_invoke's response hits the same "
          "re-serialization defect", "1e11d34dd96b3390"),
    Patch("botbuilder.core.cloud_adapter_base:CloudAdapterBase._process_turn_results",
          "bot.teams.adapter:PartnerCloudAdapter._process_turn_results (bot.teams.wire)",
          "expectReplies answers are serialized by msrest walking every card's JSON, "
          "about a tenth of a card turn's CPU", "85aee0ba0997dc5d"),
    Patch("botbuilder.core.cloud_adapter_base:CloudAdapterBase.process_activity",
          "bot.teams.connector_cache:CachingBotFrameworkAuthentication",
          "asks for a new ConnectorClient and UserTokenClient on every turn and never "
          "closes them (about 7% of the serving process's CPU)", "1d6801943ca40b23"),
    Patch("msrest.serialization:Serializer.body",
          "bot.teams.wire:CardBodySerializer (set on each cached connector client by "
          "bot.teams.connector_cache)",
          "a reply's body is deserialized back into models, then serialized, walking "
          "every card value twice: the largest part of a reply's cost on the production "
          "path (replies POSTed to the Bot Connector)", "c465e0bbe5efd5e7"),
    Patch("botbuilder.core.bot_state:BotState.load",
          "bot.teams.storage:TurnCachedDialogState.load",
          "treats a cached but empty state as not loaded, so a turn without dialog state "
          "read storage twice", "41d32b37170caf67"),
    Patch("botbuilder.core.turn_context:TurnContext.send_activities",
          "dialogs.common:CardAttachment.__deepcopy__",
          "deep-copies every outgoing activity, card JSON included (a tenth of a cached "
          "answer's time); our cards are never changed once built", "cbf91615acb1dad7"),
)


def target_source(target: str) -> str:
    """The source of TARGET as its module's file has it (not as patched at run time)."""
    module_name, _, qualname = target.partition(":")
    module = importlib.import_module(module_name)
    path = inspect.getsourcefile(module)
    assert path is not None, module_name
    with open(path, encoding="utf-8-sig") as handle:  # msrest's files start with a BOM
        source = handle.read()
    body: list[ast.stmt] = ast.parse(source).body
    node: ast.AST | None = None
    for name in qualname.split("."):
        node = next((n for n in body if isinstance(
            n, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and n.name == name),
            None)
        if node is None:
            raise LookupError(f"{target}: {name} not found")
        body = getattr(node, "body", [])
    segment = ast.get_source_segment(source, node) if node is not None else None
    if segment is None:
        raise LookupError(target)
    return segment


def fingerprint(target: str) -> str:
    return hashlib.sha256(target_source(target).encode("utf-8")).hexdigest()[:16]


# -- the monkeypatches -----------------------------------------------------------------

KEYS_MAX_AGE = dt.timedelta(days=1)
UNKNOWN_KEY_REFRESH_INTERVAL = dt.timedelta(minutes=5)

_Metadata = jwt_token_extractor._OpenIdMetadata  # noqa: SLF001 - the class being fixed


async def _refresh(self: Any) -> None:
    self.keys = await asyncio.to_thread(fetch_signing_keys, self.url)
    self.last_updated = dt.datetime.now()
    logger.info("channel signing keys refreshed (%d keys)", len(self.keys))


def _find(self: Any, key_id: str | None) -> Any:
    for key in self.keys or []:
        if key.get("kid") == key_id:
            public_key = RSAAlgorithm.from_jwk(json.dumps(key))
            return jwt_token_extractor._OpenIdConfig(  # noqa: SLF001
                public_key, key.get("endorsements", []))
    return None


async def _get(self: Any, key_id: str | None) -> Any:
    """Keys older than a day are refreshed; an unknown key id refreshes them too (at most
    every UNKNOWN_KEY_REFRESH_INTERVAL)."""
    now = dt.datetime.now()
    if self.last_updated < now - KEYS_MAX_AGE:
        await self._refresh()
    key = self._find(key_id)
    if key is None and self.last_updated < now - UNKNOWN_KEY_REFRESH_INTERVAL:
        await self._refresh()
        key = self._find(key_id)
    if key is None:
        raise PermissionError(f"unknown signing key {key_id!r}")
    return key


def install() -> None:
    """Apply the monkeypatches (idempotent)."""
    _Metadata._refresh = _refresh  # noqa: SLF001
    _Metadata._find = _find  # noqa: SLF001
    _Metadata.get = _get
    if not isinstance(ClientRetryPolicy.safe_codes, frozenset):
        # the same codes; `i not in safe_codes` costs microseconds instead of ~6 ms
        ClientRetryPolicy.safe_codes = frozenset(ClientRetryPolicy.safe_codes)  # type: ignore[assignment]
