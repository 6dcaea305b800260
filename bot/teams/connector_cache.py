"""Connector clients made once per (app, service URL, audience), not twice per turn.

`CloudAdapter.process_activity` asks the authentication for a new `ConnectorClient` and
a new `UserTokenClient` on every turn, each with its msrest configuration, requests
session and urllib3 retry objects; botbuilder never closes them. Measured on the turn
benchmark this was about 7% of the serving process's CPU. The clients hold nothing
specific to a turn (credentials are per app id and cache their own tokens), so one per
key serves every turn, and outbound calls reuse its connection pool."""

from __future__ import annotations

from typing import Any

from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)
from botframework.connector.auth.authentication_constants import AuthenticationConstants

from bot.teams.wire import use_card_bodies
from services.batches import Lru

MAX_CLIENTS = 256  # service URLs are a handful per region; bounded all the same


def _app_id(identity: ClaimsIdentity | None) -> str:
    claims = (identity.claims if identity is not None else None) or {}
    return str(claims.get(AuthenticationConstants.AUDIENCE_CLAIM)
               or claims.get(AuthenticationConstants.APP_ID_CLAIM) or "")


_Clients = Lru[tuple[str, ...], Any]


class CachingConnectorFactory(ConnectorFactory):
    def __init__(self, inner: ConnectorFactory, app_id: str, clients: _Clients,
                 timeout_s: float) -> None:
        self._inner = inner
        self._app_id = app_id
        self._clients = clients
        self._timeout_s = timeout_s

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        key = ("connector", self._app_id, service_url or "", audience or "")
        client = self._clients.get(key)
        if client is None:
            client = await self._inner.create(service_url, audience)  # type: ignore[arg-type]
            client.config.connection.timeout = self._timeout_s
            use_card_bodies(client)
            self._clients.put(key, client)
        return client


class CachingBotFrameworkAuthentication(ConfigurationBotFrameworkAuthentication):
    """botbuilder's configuration authentication; connector and user-token clients are
    kept per app id (and service URL and audience) instead of made per turn. A reply the
    Bot Connector has not accepted after TIMEOUT_S fails the turn (logged once) instead of
    holding it for msrest's default 100 s."""

    def __init__(self, configuration: Any, timeout_s: float = 10) -> None:
        super().__init__(configuration)
        self._clients: _Clients = Lru(MAX_CLIENTS)
        self._timeout_s = timeout_s

    def _factory(self, inner: ConnectorFactory | None,
                 identity: ClaimsIdentity | None) -> ConnectorFactory | None:
        if inner is None or isinstance(inner, CachingConnectorFactory):
            return inner
        return CachingConnectorFactory(inner, _app_id(identity), self._clients,
                                       self._timeout_s)

    async def authenticate_request(self, activity: Activity,
                                   auth_header: str) -> AuthenticateRequestResult:
        result = await super().authenticate_request(activity, auth_header)
        result.connector_factory = self._factory(result.connector_factory,
                                                 result.claims_identity)
        return result

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        factory = self._factory(super().create_connector_factory(claims_identity),
                                claims_identity)
        assert factory is not None
        return factory

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        key = ("user_token", _app_id(claims_identity))
        client = self._clients.get(key)
        if client is None:
            client = await super().create_user_token_client(claims_identity)
            self._clients.put(key, client)
        return client  # type: ignore[no-any-return]
