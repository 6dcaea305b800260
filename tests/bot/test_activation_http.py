"""Activation links end to end over HTTP: the Teams dialog sends the link through a real
local SMTP server; the test reads the mail, opens the link, follows the consent URL to a
local Microsoft login stand-in which redirects back to the callback, and the sender's
Teams conversation (a local fake Bot Connector) hears that the customer is onboarded."""

from __future__ import annotations

import json
import re
import socket
import urllib.parse
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select, update

from bot.app import SERVICES, create_app
from bot.settings import load_settings
from services.db.engine import Database
from services.db.models import ActivationLink, AuditEvent, Organization
from tests.support import activities as A
from tests.support.fake_connector import FakeConnector
from tests.support.fake_login import FakeLogin
from tests.support.smtp_server import SmtpServer

TENANT = "7d3c1f0e-5b2a-4c8d-9e6f-0a1b2c3d4e5f"
LINK_RE = re.compile(r"https?://\S+/activate/([A-Za-z0-9_-]{43})")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def login(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLogin]:
    with FakeLogin() as fake:
        fake.realms["ateliermarchand.fr"] = "Managed"
        fake.realms["lycee-hugo.fr"] = "Managed"
        fake.consent_tenant = TENANT
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(fake.cert))
        yield fake


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@dataclass
class Bot:
    base: str
    http: aiohttp.ClientSession
    connector: FakeConnector
    connector_url: str
    database: Database
    app: Any

    def activity(self, conversation: str, *, text: str | None = None,
                 value: dict[str, Any] | None = None, locale: str = "fr-FR",
                 aad: str = A.ALICE_AAD) -> dict[str, Any]:
        activity = A.message(text or "", aad=aad, locale=locale, expect_replies=False)
        activity["conversation"]["id"] = conversation
        activity["serviceUrl"] = self.connector_url
        if value is not None:
            activity.update(text=None, value=value)
        return activity

    async def say(self, conversation: str, **kwargs: Any) -> None:
        async with self.http.post(f"{self.base}/api/messages",
                                  json=self.activity(conversation, **kwargs)) as resp:
            assert resp.status in (200, 201), await resp.text()

    def told(self, conversation: str) -> str:
        return " ".join(s.text for s in self.connector.in_conversation(conversation))


@pytest.fixture
async def bot(aiohttp_server: Any, demo_db: Database, login: FakeLogin,
              smtp: SmtpServer) -> AsyncIterator[Bot]:
    connector = FakeConnector()
    connector_server = await aiohttp_server(connector.app())
    port = _free_port()
    settings = load_settings(
        DATABASE_URL=demo_db.url, BOT_ID="", PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        LOGIN_BASE_URL=login.base_url, MAIL_TRANSPORT="smtp", MAIL_SENDER="partners@vendor.example",
        SMTP_HOST=smtp.host, SMTP_PORT=smtp.port, SMTP_STARTTLS=False)
    app = create_app(settings, database=demo_db)
    await aiohttp_server(app, port=port)
    async with aiohttp.ClientSession() as http:
        yield Bot(f"http://127.0.0.1:{port}", http, connector,
                  str(connector_server.make_url("/")), demo_db, app)


async def _org(db: Database, org_id: str) -> tuple[str, str | None]:
    async with db.sessions() as session:
        org = await session.get(Organization, org_id)
        assert org is not None
        return org.onboarding, org.tenant_id


def _token(smtp: SmtpServer, index: int = -1) -> str:
    mail = smtp.messages[index]
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    match = LINK_RE.search(text)
    assert match, text
    return match.group(1)


async def _get(http: aiohttp.ClientSession, url: str, **kwargs: Any) -> tuple[int, str]:
    async with http.get(url, allow_redirects=False, **kwargs) as resp:
        return resp.status, await resp.text()


def _consent_url(page: str) -> str:
    match = re.search(r'<a class="button" href="([^"]+)"', page)
    assert match, page
    return match.group(1).replace("&amp;", "&")


async def _send_by_dialog(bot: Bot, conversation: str, org_name: str, email: str) -> None:
    await bot.say(conversation, text=f"envoie un lien d'activation à {org_name}")
    assert "administrateur Microsoft 365" in bot.told(conversation)
    await bot.say(conversation, text=email)
    assert "Envoyer ce lien" in bot.told(conversation)
    await bot.say(conversation, value={"activation_step": "send", "language": "fr"})


async def _send_by_service(bot: Bot, org_id: str, email: str) -> None:
    services = bot.app[SERVICES]
    scope = await services.scopes.for_email("alice.durand@contoso.example")
    await services.activation.send(scope, email, "en", organization_id=org_id)


async def test_dialog_to_onboarded_with_the_sender_told(bot: Bot, smtp: SmtpServer,
                                                        login: FakeLogin) -> None:
    conversation = f"a:{uuid.uuid4().hex}"
    await _send_by_dialog(bot, conversation, "Atelier Marchand", "marie@ateliermarchand.fr")
    assert "Lien d'activation pour Atelier Marchand envoyé" in bot.told(conversation)
    assert await _org(bot.database, "c-atelier-marchand") == ("invited", None)

    mail = smtp.messages[-1]
    assert mail["To"] == "marie@ateliermarchand.fr"
    assert "Atelier Marchand" in mail["Subject"] and "Activez" in mail["Subject"]
    token = _token(smtp)

    status, page = await _get(bot.http, f"{bot.base}/activate/{token}",
                              headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert status == 200
    assert "Alice Durand" in page and "consentement" in page
    consent = _consent_url(page)
    parsed = urllib.parse.urlsplit(consent)
    assert consent.startswith(f"{login.base_url}/organizations/v2.0/adminconsent?")
    query = urllib.parse.parse_qs(parsed.query)
    assert query["redirect_uri"] == [f"{bot.base}/activate/callback"]
    assert query["scope"] == ["https://graph.microsoft.com/.default"]

    # Microsoft's consent page: the admin accepts, Microsoft redirects to the callback.
    status, _ = await _get(bot.http, consent, ssl=login.ssl_context())
    assert status == 302
    callback = login.last_redirect
    assert callback is not None and callback.startswith(f"{bot.base}/activate/callback?")
    status, page = await _get(bot.http, callback, headers={"Accept-Language": "fr"})
    assert status == 200 and "est activée" in page
    assert await _org(bot.database, "c-atelier-marchand") == ("onboarded", TENANT)

    told = bot.told(conversation)
    assert "Atelier Marchand a terminé son activation" in told
    notice = bot.connector.in_conversation(conversation)[-1]
    actions = notice.cards[0]["actions"]
    assert actions[0]["verb"] == "show_org" and actions[0]["data"]["org"] == "c-atelier-marchand"

    # The link is single use: the page and the callback both refuse it, nothing changes.
    status, second = await _get(bot.http, f"{bot.base}/activate/{token}")
    assert status == 404 and "This activation link can" in second
    status, _ = await _get(bot.http, callback)
    assert status == 404
    assert await _org(bot.database, "c-atelier-marchand") == ("onboarded", TENANT)
    async with bot.database.sessions() as session:
        actions_logged = set((await session.execute(select(AuditEvent.action).where(
            AuditEvent.target == "c-atelier-marchand"))).scalars())
    assert {"activation.sent", "activation.opened", "activation.completed"} <= actions_logged


async def test_the_card_button_starts_the_dialog_for_that_organization(
        bot: Bot, smtp: SmtpServer) -> None:
    conversation = f"a:{uuid.uuid4().hex}"
    invoke = A.card_action("send_activation", {"org": "c-lycee-victor-hugo"}, locale="en-US")
    invoke["conversation"]["id"] = conversation
    invoke["serviceUrl"] = bot.connector_url
    async with bot.http.post(f"{bot.base}/api/messages", json=invoke) as resp:
        assert resp.status == 200
        body = await resp.json()
    assert body["type"] == "application/vnd.microsoft.activity.message"
    assert "Microsoft 365 administrator of Lycée Victor Hugo" in bot.told(conversation)
    await bot.say(conversation, text="proviseur@lycee-hugo.fr", locale="en-US")
    await bot.say(conversation, value={"activation_step": "send", "language": "en"},
                  locale="en-US")
    assert "Activation link for Lycée Victor Hugo sent" in bot.told(conversation)
    assert smtp.messages[-1]["To"] == "proviseur@lycee-hugo.fr"
    assert "Activate the Partner App" in smtp.messages[-1]["Subject"]


async def test_a_reader_is_told_who_can(bot: Bot, smtp: SmtpServer) -> None:
    conversation = f"a:{uuid.uuid4().hex}"
    await bot.say(conversation, text="send an activation link to Atelier Marchand",
                  aad=A.BRUNO_AAD, locale="en-US")
    told = bot.told(conversation)
    assert "Only admins of Contoso Partners" in told and "alice.durand@contoso.example" in told
    assert smtp.messages == []
    assert await _org(bot.database, "c-atelier-marchand") == ("not_invited", None)


async def test_expired_unknown_and_malformed_links_get_one_and_the_same_page(
        bot: Bot, smtp: SmtpServer) -> None:
    await _send_by_service(bot, "c-atelier-marchand", "marie@ateliermarchand.fr")
    token = _token(smtp)
    async with bot.database.sessions() as session, session.begin():
        await session.execute(update(ActivationLink).values(
            expires_at=ActivationLink.created_at))
    pages = []
    for candidate in (token, "A" * 43, "not-a-token", token[:-1] + ("A" if token[-1] != "A"
                                                                      else "B")):
        status, page = await _get(bot.http, f"{bot.base}/activate/{candidate}")
        pages.append((status, page))
    assert len(set(pages)) == 1 and pages[0][0] == 404
    assert await _org(bot.database, "c-atelier-marchand") == ("invited", None)


async def test_tampered_state_changes_nothing(bot: Bot, smtp: SmtpServer,
                                              login: FakeLogin) -> None:
    await _send_by_service(bot, "c-atelier-marchand", "marie@ateliermarchand.fr")
    _, page = await _get(bot.http, f"{bot.base}/activate/{_token(smtp)}")
    state = urllib.parse.parse_qs(urllib.parse.urlsplit(_consent_url(page)).query)["state"][0]
    link_id, signature = state.split(".")
    for forged in (f"{link_id}.{signature[:-2]}AA", f"{int(link_id) + 1}.{signature}",
                   "", "1.x"):
        status, body = await _get(bot.http, f"{bot.base}/activate/callback", params={
            "admin_consent": "True", "tenant": TENANT, "state": forged})
        assert status == 400 and "could not be verified" in body
    assert await _org(bot.database, "c-atelier-marchand") == ("invited", None)
    async with bot.database.sessions() as session:
        refused = (await session.execute(select(AuditEvent).where(
            AuditEvent.action == "activation.refused"))).scalars().all()
    assert len(refused) == 4


async def test_a_consent_error_leaves_the_organization_invited(bot: Bot, smtp: SmtpServer,
                                                              login: FakeLogin) -> None:
    conversation = f"a:{uuid.uuid4().hex}"
    await _send_by_dialog(bot, conversation, "Atelier Marchand", "marie@ateliermarchand.fr")
    token = _token(smtp)
    _, page = await _get(bot.http, f"{bot.base}/activate/{token}")
    login.consent_error = ("access_denied", "AADSTS65004: User declined to consent.")
    status, _ = await _get(bot.http, _consent_url(page), ssl=login.ssl_context())
    assert status == 302 and login.last_redirect is not None
    status, page = await _get(bot.http, login.last_redirect, headers={"Accept-Language": "en"})
    assert status == 200 and "access_denied" in page and "was not activated" in page
    assert await _org(bot.database, "c-atelier-marchand") == ("invited", None)
    assert "access\\\\_denied" in bot.told(conversation) or "access_denied" in bot.told(
        conversation)
    # The link still works: the admin can retry.
    status, _ = await _get(bot.http, f"{bot.base}/activate/{token}")
    assert status == 200
    async with bot.database.sessions() as session:
        failed = (await session.execute(select(AuditEvent).where(
            AuditEvent.action == "activation.failed"))).scalars().all()
    assert [e.after["error"] for e in failed if e.after] == ["access_denied"]


async def test_the_landing_page_is_inert_html(bot: Bot, smtp: SmtpServer) -> None:
    await _send_by_service(bot, "c-atelier-marchand", "marie@ateliermarchand.fr")
    async with bot.http.get(f"{bot.base}/activate/{_token(smtp)}") as resp:
        assert resp.headers["Referrer-Policy"] == "no-referrer"
        assert "default-src 'none'" in resp.headers["Content-Security-Policy"]
        assert resp.headers["Cache-Control"] == "no-store"
        page = await resp.text()
    assert "<script" not in page and "Grant consent with Microsoft" in page


async def test_pick_in_the_list_refuse_a_personal_account_then_cancel(
        bot: Bot, smtp: SmtpServer) -> None:
    conversation = f"a:{uuid.uuid4().hex}"
    await bot.say(conversation, text="send an activation link", locale="en-US")
    pick = bot.connector.in_conversation(conversation)[-1].cards[0]
    choices = {c["value"] for c in pick["body"][2]["choices"]}
    assert choices == {"c-atelier-marchand", "c-lycee-victor-hugo"}
    # A forged choice outside Alice's network reads like an unknown organization.
    await bot.say(conversation, value={"activation_step": "pick", "org": "c-bern-energie"},
                  locale="en-US")
    assert "couldn't find that organization" in bot.told(conversation)
    await bot.say(conversation, value={"activation_step": "pick", "org": "c-atelier-marchand"},
                  locale="en-US")
    await bot.say(conversation, text="marie@outlook.com", locale="en-US")
    assert "personal Microsoft account" in bot.told(conversation)
    await bot.say(conversation, text="marie@ateliermarchand.fr", locale="en-US")
    await bot.say(conversation, value={"activation_step": "cancel"}, locale="en-US")
    assert "Cancelled: nothing was changed." in bot.told(conversation)
    assert smtp.messages == []
    assert await _org(bot.database, "c-atelier-marchand") == ("not_invited", None)


async def test_a_new_customer_is_created_with_its_link(bot: Bot, smtp: SmtpServer) -> None:
    conversation = f"a:{uuid.uuid4().hex}"
    await bot.say(conversation, text="send an activation link", locale="en-US")
    await bot.say(conversation, value={"activation_step": "new"}, locale="en-US")
    form = {"activation_step": "create", "name": "Boulangerie Neuve", "country": "FR"}
    await bot.say(conversation, value={**form, "domain": "not a domain"}, locale="en-US")
    told = bot.told(conversation)
    assert "is not a domain name" in told
    refilled = bot.connector.in_conversation(conversation)[-1].cards[0]
    assert any(e.get("value") == "Boulangerie Neuve" for e in refilled["body"])
    await bot.say(conversation, value={**form, "domain": "boulangerie-neuve.fr"},
                  locale="en-US")
    assert "What is the e-mail of the Microsoft 365 administrator of Boulangerie Neuve" in \
        bot.told(conversation)
    await bot.say(conversation, text="chef@lycee-hugo.fr", locale="en-US")
    assert "new customer" in bot.told(conversation)
    await bot.say(conversation, text="yes", locale="en-US")
    assert "Activation link for Boulangerie Neuve sent" in bot.told(conversation)
    async with bot.database.sessions() as session:
        org = (await session.execute(select(Organization).where(
            Organization.name == "Boulangerie Neuve"))).scalar_one()
    assert (org.kind, org.parent_id, org.onboarding, org.domain) == (
        "customer", "p-contoso", "invited", "boulangerie-neuve.fr")
    # The new customer is part of Alice's network at once.
    ask = A.message("which customers are waiting for activation")
    async with bot.http.post(f"{bot.base}/api/messages", json=ask) as resp:
        assert "Boulangerie Neuve" in json.dumps(A.cards_of(await resp.json()))


async def test_the_organization_card_offers_the_button_to_admins_only(bot: Bot) -> None:
    async def card_for(aad: str, question: str) -> str:
        async with bot.http.post(f"{bot.base}/api/messages",
                                 json=A.message(question, aad=aad)) as resp:
            return json.dumps(A.cards_of(await resp.json()), ensure_ascii=False)

    assert '"verb": "send_activation"' in await card_for(A.ALICE_AAD, "Atelier Marchand")
    assert '"verb": "send_activation"' not in await card_for(A.BRUNO_AAD, "Atelier Marchand")
    onboarded = await card_for(A.ALICE_AAD, "Café Lumière")
    assert "Café Lumière" in onboarded and '"verb": "send_activation"' not in onboarded
