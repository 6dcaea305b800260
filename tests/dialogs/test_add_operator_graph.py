"""With SSO, the add-operator dialog looks the user up in Graph on behalf of the admin
(real msal OBO against a local HTTPS login, a local Graph server)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import web
from botbuilder.core import MemoryStorage
from botbuilder.schema import Activity, ActivityTypes
from sqlalchemy import select

from bot.services import BotServices
from bot.settings import load_settings
from bot.teams.handler import PartnerBot
from services.accounts import AccountVerifier
from services.db.engine import Database
from services.db.models import Operator
from services.graph import GraphClient
from services.graph_auth import GraphTokenProvider
from tests.dialogs.test_sign_in import ALICE_AAD, BOT_ID, CONNECTION, adapter_for, sso_token
from tests.support.fake_login import FakeLogin
from tests.support.jwt_issuer import LocalIssuer
from tests.support.settings import PRODUCTION_MAIL

JANE_OID = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"


@pytest.fixture
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as local:
        yield local


@pytest.fixture
def login() -> Iterator[FakeLogin]:
    with FakeLogin() as fake:
        yield fake


async def test_graph_lookup_fills_the_name_and_object_id(
        demo_db: Database, issuer: LocalIssuer, login: FakeLogin, aiohttp_server: Any) -> None:
    seen: list[str] = []

    async def users(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Authorization", ""))
        if not request.headers.get("Authorization", "").startswith("Bearer graph-for-"):
            return web.json_response({"error": "unauthorized"}, status=401)
        if request.match_info["email"] != "jane@contoso.example":
            return web.json_response({"error": "not found"}, status=404)
        return web.json_response({"id": JANE_OID, "displayName": "Jane Doe (Graph)",
                                  "userPrincipalName": "jane@contoso.example"})

    app = web.Application()
    app.router.add_get("/v1.0/users/{email}", users)
    graph = await aiohttp_server(app)

    settings = load_settings(BOT_ID=BOT_ID, BOT_PASSWORD="secret", DATABASE_URL=demo_db.url,
                             OAUTH_CONNECTION_NAME=CONNECTION,
                             ENTRA_OPENID_METADATA_URL=issuer.metadata_url,
                             **PRODUCTION_MAIL)
    services = BotServices.create(settings, demo_db)
    services.accounts = AccountVerifier(login.base_url, login.session())
    services.graph = GraphTokenProvider(BOT_ID, "secret", "contoso-tenant",
                                        login_base_url=login.base_url,
                                        http_client=login.session())
    services.graph_api = GraphClient(str(graph.make_url("")))
    bot = PartnerBot(services, MemoryStorage())
    adapter = adapter_for(bot, ALICE_AAD)
    adapter.add_user_token(CONNECTION, "msteams", f"29:{ALICE_AAD}",
                           sso_token(issuer, ALICE_AAD, "alice.durand@contoso.example"))

    await adapter.receive_activity("add jane@contoso.example as reader")
    texts = " ".join(json.dumps(a.attachments[0].content, ensure_ascii=False)
                     for a in adapter.activity_buffer if a.attachments)
    adapter.activity_buffer.clear()
    assert "Jane Doe \\\\(Graph\\\\)" in texts  # shown inert (markdown escaped)
    assert seen and all(h.startswith("Bearer graph-for-") for h in seen)
    (token_request,) = login.token_requests()
    assert token_request["requested_token_use"] == ["on_behalf_of"]

    await adapter.receive_activity(Activity(type=ActivityTypes.message,
                                            value={"add_operator": "apply"}))
    async with demo_db.sessions() as session:
        jane = (await session.execute(select(Operator).where(
            Operator.email == "jane@contoso.example"))).scalar_one()
    assert jane.name == "Jane Doe (Graph)" and jane.aad_object_id == JANE_OID
