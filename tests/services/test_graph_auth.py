"""On-behalf-of Graph tokens with msal against a real local HTTPS login endpoint."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from services.graph_auth import GraphAuthError, GraphTokenProvider
from tests.support.fake_login import FakeLogin

TENANT = "4ebb284a-b03c-52a7-8795-819416500e20"


@pytest.fixture
def fake_login() -> Iterator[FakeLogin]:
    with FakeLogin() as login:
        yield login


def provider(login: FakeLogin) -> GraphTokenProvider:
    return GraphTokenProvider("bot-app-id", "bot-secret", TENANT,
                              login_base_url=login.base_url, http_client=login.session())


async def test_on_behalf_of_exchanges_and_caches_per_user(fake_login: FakeLogin) -> None:
    graph = provider(fake_login)
    token = await graph.on_behalf_of("sso-token-of-alice-AAAA", "alice-oid")
    assert token == "graph-for-ice-AAAA"
    (form,) = fake_login.token_requests()
    assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
    assert form["requested_token_use"] == ["on_behalf_of"]
    assert form["assertion"] == ["sso-token-of-alice-AAAA"]
    assert "https://graph.microsoft.com/.default" in form["scope"][0]
    again = await graph.on_behalf_of("sso-token-of-alice-AAAA", "alice-oid")
    assert again == token and len(fake_login.token_requests()) == 1  # from the cache
    await graph.on_behalf_of("sso-token-of-bruno-BBBB", "bruno-oid")
    assert len(fake_login.token_requests()) == 2


async def test_a_failed_exchange_is_an_error_without_the_token(fake_login: FakeLogin,
                                                                caplog: Any) -> None:
    fake_login.fail_with = "invalid_grant"
    with caplog.at_level(logging.DEBUG), pytest.raises(GraphAuthError) as err:
        await provider(fake_login).on_behalf_of("secret-sso-token-XYZ", "alice-oid")
    assert err.value.code == "invalid_grant"
    assert "secret-sso-token-XYZ" not in str(err.value)
    assert "secret-sso-token-XYZ" not in caplog.text
