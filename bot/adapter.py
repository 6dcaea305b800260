"""The Bot Framework adapter: CloudAdapter with our settings, middleware and error handler."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from botbuilder.core import InvokeResponse, Storage, TurnContext
from botbuilder.core.teams import TeamsSSOTokenExchangeMiddleware
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, DeliveryModes
from botframework.connector.auth import ChannelValidation

from bot import auth_keys, msrest_fix
from bot.connector_cache import CachingBotFrameworkAuthentication
from bot.settings import Settings
from bot.turnlog import CID, DedupMiddleware, TurnLogMiddleware
from cards.notices import error_card
from dialogs.common import card_activity
from services.dedup import ActivityLedger
from services.i18n import messages

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _AuthConfig:
    """The attribute names botbuilder's configuration classes read."""

    APP_ID: str  # noqa: N815
    APP_PASSWORD: str  # noqa: N815
    APP_TYPE: str  # noqa: N815
    APP_TENANTID: str  # noqa: N815


def create_adapter(settings: Settings, ledger: ActivityLedger,
                   storage: Storage) -> CloudAdapter:
    auth_keys.install()
    msrest_fix.install()
    if settings.bot_openid_metadata_url:
        # Channel tokens are checked against these keys (tests: a local issuer).
        ChannelValidation.open_id_metadata_endpoint = settings.bot_openid_metadata_url
    config = _AuthConfig(
        APP_ID=settings.bot_id,
        APP_PASSWORD=settings.bot_password,
        APP_TYPE=settings.bot_type.value,
        APP_TENANTID=settings.bot_tenant_id,
    )
    adapter = PartnerCloudAdapter(CachingBotFrameworkAuthentication(config))
    adapter.use(TurnLogMiddleware())
    adapter.use(DedupMiddleware(ledger))
    if settings.sso:
        # Several Teams clients of one user exchange the same token: only one proceeds.
        adapter.use(TeamsSSOTokenExchangeMiddleware(storage, settings.oauth_connection_name))
    adapter.on_turn_error = on_turn_error
    return adapter


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


class PartnerCloudAdapter(CloudAdapter):
    """CloudAdapter whose expectReplies answers serialize cards cheaply."""

    def _process_turn_results(self, context: TurnContext) -> InvokeResponse:
        if context.activity.delivery_mode == DeliveryModes.expect_replies:
            return InvokeResponse(status=int(HTTPStatus.OK), body={
                "activities": [serialize_activity(a)
                               for a in context.buffered_reply_activities]})
        return super()._process_turn_results(context)  # type: ignore[no-any-return]


async def on_turn_error(context: TurnContext, error: Exception) -> None:
    """Log the stack with the correlation id; tell the user briefly, in their language."""
    cid = context.turn_state.get(CID, "-")
    logger.error("turn failed cid=%s: %s", cid, error.__class__.__name__, exc_info=error)
    tr = messages(context.activity.locale if context.activity else None)
    try:
        await context.send_activity(card_activity(error_card(tr, cid)))
    except Exception:  # noqa: BLE001 - the reply itself failed; the log has the cause
        logger.exception("could not send the error reply cid=%s", cid)
