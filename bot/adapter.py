"""The Bot Framework adapter: CloudAdapter with our settings, middleware and error handler."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from botbuilder.core import Storage, TurnContext
from botbuilder.core.teams import TeamsSSOTokenExchangeMiddleware
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botframework.connector.auth import ChannelValidation

from bot import auth_keys, msrest_fix
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
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(config))
    adapter.use(TurnLogMiddleware())
    adapter.use(DedupMiddleware(ledger))
    if settings.sso:
        # Several Teams clients of one user exchange the same token: only one proceeds.
        adapter.use(TeamsSSOTokenExchangeMiddleware(storage, settings.oauth_connection_name))
    adapter.on_turn_error = on_turn_error
    return adapter


async def on_turn_error(context: TurnContext, error: Exception) -> None:
    """Log the stack with the correlation id; tell the user briefly, in their language."""
    cid = context.turn_state.get(CID, "-")
    logger.error("turn failed cid=%s: %s", cid, error.__class__.__name__, exc_info=error)
    tr = messages(context.activity.locale if context.activity else None)
    try:
        await context.send_activity(card_activity(error_card(tr, cid)))
    except Exception:  # noqa: BLE001 - the reply itself failed; the log has the cause
        logger.exception("could not send the error reply cid=%s", cid)
