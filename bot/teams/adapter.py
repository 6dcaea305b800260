"""The Bot Framework adapter: CloudAdapter with our settings, middleware and error handler."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from http import HTTPStatus

from aiohttp import ClientError
from botbuilder.core import InvokeResponse, Storage, TurnContext
from botbuilder.core.teams import TeamsSSOTokenExchangeMiddleware
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import DeliveryModes
from botframework.connector.auth import ChannelValidation
from msrest.exceptions import ClientRequestError, HttpOperationError
from requests import RequestException
from sqlalchemy.exc import DBAPIError, InterfaceError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.settings import Settings
from bot.teams import patches
from bot.teams.connector_cache import CachingBotFrameworkAuthentication
from bot.teams.middleware import DedupMiddleware, TurnLogMiddleware
from bot.teams.typing import TypingMiddleware
from bot.teams.wire import serialize_activity
from cards.notices import error_card, notice_card
from dialogs.common import card_activity
from services.correlation import correlation_id
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
    patches.install()
    if settings.bot_openid_metadata_url:
        # Channel tokens are checked against these keys (tests: a local issuer).
        ChannelValidation.open_id_metadata_endpoint = settings.bot_openid_metadata_url
    config = _AuthConfig(
        APP_ID=settings.bot_id,
        APP_PASSWORD=settings.bot_password,
        APP_TYPE=settings.bot_type.value,
        APP_TENANTID=settings.bot_tenant_id,
    )
    adapter = PartnerCloudAdapter(CachingBotFrameworkAuthentication(
        config, settings.connector_timeout))
    adapter.use(TurnLogMiddleware())
    adapter.use(DedupMiddleware(ledger))
    adapter.use(TypingMiddleware())
    if settings.sso:
        # Several Teams clients of one user exchange the same token: only one proceeds.
        adapter.use(TeamsSSOTokenExchangeMiddleware(storage, settings.oauth_connection_name))
    adapter.on_turn_error = on_turn_error
    return adapter


class PartnerCloudAdapter(CloudAdapter):
    """CloudAdapter whose expectReplies answers serialize cards cheaply."""

    def _process_turn_results(self, context: TurnContext) -> InvokeResponse:
        if context.activity.delivery_mode == DeliveryModes.expect_replies:
            return InvokeResponse(status=int(HTTPStatus.OK), body={
                "activities": [serialize_activity(a)
                               for a in context.buffered_reply_activities]})
        return super()._process_turn_results(context)  # type: ignore[no-any-return]


SQLITE_DOWN = ("unable to open database file", "disk i/o error")


def _database_down(error: BaseException) -> bool:
    """The database did not answer (refused, dropped, shut down, timed out, pool
    exhausted), as opposed to a statement that failed."""
    if isinstance(error, PoolTimeout):
        return True
    if isinstance(error, DBAPIError):
        if error.connection_invalidated:
            return True
        orig = error.orig
        state = str(getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "")
        if state.startswith(("08", "57P")):  # connection exception, server shutting down
            return True
        if isinstance(error, InterfaceError) or isinstance(orig, (OSError, TimeoutError)):
            return True
        return any(text in str(orig).lower() for text in SQLITE_DOWN)
    # a driver's own connect failure (refused, unreachable), not an HTTP client's
    return isinstance(error, (OSError, TimeoutError)) and not isinstance(
        error, (RequestException, ClientError))


def _reply_failed(error: BaseException) -> bool:
    """Sending to the Bot Connector failed (an HTTP error status or no answer)."""
    return isinstance(error, (HttpOperationError, ClientRequestError))


async def on_turn_error(context: TurnContext, error: Exception) -> None:
    """Log once with the correlation id; tell the user briefly, in their language: the
    database is unavailable (try again), or something failed (a reference). When the
    reply itself could not reach the Bot Connector, another reply would fail the same way:
    it is logged, not retried."""
    cid = correlation_id.get()
    if _reply_failed(error):
        logger.error("turn cid=%s: the reply could not be delivered to the Bot Connector: "
                     "%s", cid, _describe(error))
        return
    tr = messages(context.activity.locale if context.activity else None)
    if _database_down(error):
        logger.error("turn cid=%s: database unavailable: %s", cid, _describe(error))
        card = notice_card(tr("error.unavailable", ref=cid))
    else:
        logger.error("turn failed cid=%s: %s", cid, error.__class__.__name__, exc_info=error)
        card = error_card(tr, cid)
    try:
        await context.send_activity(card_activity(card))
    except Exception as exc:  # noqa: BLE001 - the reply itself failed; logged once above
        logger.warning("turn cid=%s: the error reply was not delivered either: %s", cid,
                       exc.__class__.__name__)


def _describe(error: BaseException) -> str:
    """The error's class and, for HTTP errors, the status; never the request or the
    message text (which can hold a URL with tokens)."""
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    return error.__class__.__name__ + (f" (HTTP {status})" if status else "")
