"""Secrets: a whole session with the bot's password, Bot Framework channel tokens, Teams SSO
tokens and activation links in play, logged at DEBUG through the app's own logging set-up;
then every log line and every row of every table is searched for them: zero hits."""

from __future__ import annotations

import io
import json
import logging
import re
import urllib.parse
import uuid
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest
from botbuilder.core import MemoryStorage
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount

from bot.app import SERVICES, create_app
from bot.logs import configure_logging
from bot.services import BotServices
from bot.settings import load_settings
from bot.teams.handler import PartnerBot
from services.db.engine import Database
from tests.security.support import ALICE, snapshot
from tests.support import activities as A
from tests.support.fake_login import FakeLogin
from tests.support.jwt_issuer import LocalIssuer, fresh_channel_keys
from tests.support.playground import free_port
from tests.support.settings import PRODUCTION_MAIL
from tests.support.smtp_server import SmtpServer

BOT_ID = "5a2c0f4e-7d0b-4b8e-9a57-0b6b2f6c1d11"
BOT_PASSWORD = f"pw-{uuid.uuid4().hex}-Secret~"  # noqa: S105 - a test value to hunt for
TENANT = "0f8fad5b-d9cb-469f-a165-70867728950e"
LINK_RE = re.compile(r"/activate/([A-Za-z0-9_-]{43})")


@pytest.fixture
def log() -> Iterator[io.StringIO]:
    """The app's production logging (redacting formatter) at DEBUG, into a buffer."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level
              for name in ("aiohttp.access", "msrest", "mail.log")}
    configure_logging("DEBUG")
    buffer = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(buffer)
    # The test's own SMTP server (aiosmtpd, the stand-in for the company's relay) logs
    # the mail it receives at DEBUG; it is not the bot.
    logging.getLogger("mail.log").setLevel(logging.INFO)
    yield buffer
    root.handlers[:], level = saved
    root.setLevel(level)
    for name, value in levels.items():
        logging.getLogger(name).setLevel(value)


@pytest.fixture
def channel_auth() -> Iterator[None]:
    with fresh_channel_keys():
        yield


@pytest.fixture
def login(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLogin]:
    with FakeLogin() as fake:
        fake.realms["ateliermarchand.fr"] = "Managed"
        fake.consent_tenant = TENANT
        fake.domains["atelier-marchand.example"] = TENANT  # the customer's own tenant
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(fake.cert))
        yield fake


def _sso_bot(db: Database, issuer: LocalIssuer, login: FakeLogin) -> PartnerBot:
    settings = load_settings(BOT_ID=BOT_ID, BOT_PASSWORD=BOT_PASSWORD, DATABASE_URL=db.url,
                             LOGIN_BASE_URL=login.base_url, GRAPH_BASE_URL="http://127.0.0.1:9",
                             OAUTH_CONNECTION_NAME="teams-sso",
                             ENTRA_OPENID_METADATA_URL=issuer.metadata_url, **PRODUCTION_MAIL)
    return PartnerBot(BotServices.create(settings, db), MemoryStorage())


async def _sso_session(db: Database, issuer: LocalIssuer, login: FakeLogin) -> list[str]:
    """Teams SSO: a valid token (signed in, answered) and an expired one (refused)."""
    used = []
    for expires_in, aad in ((3600, ALICE[0]), (-600, ALICE[0])):
        token = issuer.token(f"api://botid-{BOT_ID}", expires_in=expires_in, extra={
            "oid": aad, "tid": ALICE[1], "preferred_username": "alice.durand@contoso.example",
            "name": "Alice"}, issuer=f"https://login.microsoftonline.com/{ALICE[1]}/v2.0")
        used.append(token)
        bot = _sso_bot(db, issuer, login)
        adapter = TestAdapter(bot.on_turn, Activity(
            channel_id="msteams", service_url="https://test.invalid/", locale="en-US",
            from_property=ChannelAccount(id=f"29:{aad}", aad_object_id=aad),
            recipient=ChannelAccount(id="28:bot"),
            conversation=ConversationAccount(id=f"a:{aad}", tenant_id=ALICE[1],
                                             conversation_type="personal")))
        adapter.add_user_token("teams-sso", "msteams", f"29:{aad}", token)
        await adapter.receive_activity("expired customers")
        answered = any("Greenleaf" in json.dumps(t.content, default=str)
                       for a in adapter.activity_buffer for t in a.attachments or [])
        assert answered == (expires_in > 0)  # signed in with the valid token only
    return used


async def test_no_secret_reaches_the_logs_or_the_database(
        aiohttp_server: Any, demo_db: Database, log: io.StringIO, channel_auth: None,
        login: FakeLogin) -> None:
    with LocalIssuer() as issuer, SmtpServer() as smtp:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        settings = load_settings(
            DATABASE_URL=demo_db.url, BOT_ID=BOT_ID, BOT_PASSWORD=BOT_PASSWORD,
            BOT_OPENID_METADATA_URL=issuer.metadata_url, PUBLIC_BASE_URL=base,
            LOGIN_BASE_URL=login.base_url, MAIL_TRANSPORT="smtp",
            MAIL_SENDER="partners@vendor.example", SMTP_HOST=smtp.host, SMTP_PORT=smtp.port,
            SMTP_STARTTLS=False, NOTIFY_SCHEDULER="off", ALLOW_PUBLIC_LOCAL_MODE="true")
        app = create_app(settings, database=demo_db)
        await aiohttp_server(app, port=port)
        channel_tokens: list[str] = []
        async with aiohttp.ClientSession() as http:
            async def post(activity: dict[str, Any], valid: bool = True) -> int:
                header = issuer.header(BOT_ID, service_url=activity["serviceUrl"]) if valid \
                    else issuer.header("someone-else", service_url=activity["serviceUrl"])
                channel_tokens.append(header.split(" ", 1)[1])
                async with http.post(f"{base}/api/messages", json=activity,
                                     headers={"Authorization": header}) as response:
                    return response.status

            for text in ("help", "which clients expire this month", "token=abc secret: x"):
                assert await post(A.message(text, aad=ALICE[0], tenant=ALICE[1])) == 200
            assert await post(A.card_action("list_page", {"kind": "customer", "offset": 0,
                                                          "filters": {}})) == 200
            assert await post(A.message("help"), valid=False) == 401  # a forged caller

            services = app[SERVICES]
            alice = await services.scopes.for_email("alice.durand@contoso.example")
            await services.activation.send(alice, "marie@ateliermarchand.fr", "en",
                                           organization_id="c-atelier-marchand")
            body = smtp.messages[-1].get_body(("plain",)).get_content()  # type: ignore[union-attr]
            match = LINK_RE.search(body)
            assert match, body
            link_token = match.group(1)
            async with http.get(f"{base}/activate/{link_token}") as page:
                html = await page.text()
            consent = re.search(r'<a class="button" href="([^"]+)"', html)
            assert consent, html
            async with http.get(consent.group(1).replace("&amp;", "&"), allow_redirects=False,
                                ssl=login.ssl_context()) as redirect:
                assert redirect.status == 302
            assert login.last_redirect is not None
            async with http.get(login.last_redirect, allow_redirects=False) as done:
                assert done.status == 200
            # proven with an app-only token in the tenant (the secret in play, never logged)
            assert f"/{TENANT}/oauth2/v2.0/token" in [path for path, _ in login.requests]
            async with http.get(f"{base}/activate/{link_token}") as again:  # used: refused
                assert again.status == 404
            state = urllib.parse.parse_qs(urllib.parse.urlsplit(
                login.last_redirect).query)["state"][0]

        sso_tokens = await _sso_session(demo_db, issuer, login)

    logs = log.getvalue()
    data = repr(await snapshot(demo_db, skip=frozenset()))
    assert "activation.completed" in data and "turn cid=" in logs  # the session happened
    assert len(logs) > 2000
    secrets = {"BOT_PASSWORD": BOT_PASSWORD, "activation token": link_token,
               "consent state": state}
    for n, token in enumerate(channel_tokens + sso_tokens):
        secrets[f"token {n}"] = token
        secrets[f"token {n} signature"] = token.rsplit(".", 1)[1]
    leaks = [(what, where) for what, value in secrets.items()
             for where, text in (("logs", logs), ("database", data)) if value in text]
    assert leaks == []
