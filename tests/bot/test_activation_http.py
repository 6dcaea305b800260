"""Activation links end to end over HTTP: the Teams dialog sends the link through a real
local SMTP server; the test reads the mail, opens the link, follows the consent URL to a
local Microsoft login stand-in (HTTPS) which redirects back to the callback.

Onboarding needs Microsoft's proof of the consent (an app-only token in the consenting
tenant), so it happens only with an app identity: in local mode (no BOT_ID) the callback
onboards nothing; the production bot (BOT_ID, channel tokens from a local issuer) gets its
proof from the stand-in, which grants tokens for the consenting tenant only. A consent
from another tenant than the customer's domain waits for an admin's confirmation, given
on the Teams card (an Action.Execute invoke)."""

from __future__ import annotations

import html
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

from bot.app import NOTIFIER, SERVICES, create_app
from bot.settings import load_settings
from services.activation import Completion
from services.db.engine import Database
from services.db.models import ActivationLink, AuditEvent, Operator, Organization
from tests.support import activities as A
from tests.support.fake_connector import FakeConnector
from tests.support.fake_login import FakeLogin
from tests.support.jwt_issuer import LocalIssuer, fresh_channel_keys
from tests.support.smtp_server import SmtpServer

TENANT = "7d3c1f0e-5b2a-4c8d-9e6f-0a1b2c3d4e5f"
OTHER_TENANT = "1b4e28ba-2fa1-4d2a-883f-0016d3cca427"  # an attacker's, or a sister tenant
DOMAIN = "atelier-marchand.example"  # Atelier Marchand's domain in the demo network
BOT_ID = "5a2c0f4e-7d0b-4b8e-9a57-0b6b2f6c1d11"
BOT_PASSWORD = "test-bot-secret"  # noqa: S105 - a test value
JAN = ("6c1e4507-b867-565b-9b30-486f9f528ca8", "cece167b-edfa-5a39-9804-0b3be068de6e")
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


async def _failures(db: Database) -> list[tuple[str, str | None]]:
    async with db.sessions() as session:
        events = (await session.execute(select(AuditEvent).where(
            AuditEvent.action == "activation.failed").order_by(AuditEvent.id))).scalars()
        return [(e.after["reason"], e.after.get("proof")) for e in events if e.after]


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


async def test_local_mode_cannot_prove_a_consent_so_nothing_is_onboarded(
        bot: Bot, smtp: SmtpServer, login: FakeLogin) -> None:
    """The dialog sends the link, the customer's admin consents, Microsoft redirects back:
    without an app identity (local mode) there is no proof, so a clear page, nothing
    onboarded, an audit event, and the link still works."""
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
    page = html.unescape(page)
    assert status == 403 and "n'a pas pu être confirmé" in page
    assert "Atelier Marchand n'a donc pas été activée" in page
    assert await _org(bot.database, "c-atelier-marchand") == ("invited", None)
    assert not [p for p, _ in login.requests if p.endswith("/token")]  # nothing to ask with
    assert await _failures(bot.database) == [("consent_unproven", "no_credentials")]
    status, _ = await _get(bot.http, f"{bot.base}/activate/{token}")
    assert status == 200  # the link still works


async def test_the_sender_is_asked_to_confirm_a_consent_from_another_tenant(
        bot: Bot) -> None:
    """The card the sender gets in Teams (here through the local Bot Connector): what
    consented, what the domain says, and the two buttons with the link id and tenant."""
    conversation = f"a:{uuid.uuid4().hex}"
    reference = {"conversation": {"id": conversation}, "serviceUrl": bot.connector_url,
                 "channelId": "msteams", "bot": {"id": "28:partnerbot"},
                 "user": {"id": f"29:{A.ALICE_AAD}"}, "locale": "en-US"}
    async with bot.database.sessions() as session:
        alice = (await session.execute(select(Operator.id).where(
            Operator.email == "alice.durand@contoso.example"))).scalar_one()
    await bot.app[NOTIFIER](Completion(
        "c-atelier-marchand", "Atelier Marchand", None, alice, reference, link_id=7,
        pending_tenant=OTHER_TENANT, domain=DOMAIN, domain_tenant=TENANT))
    card = bot.connector.in_conversation(conversation)[-1].cards[0]
    shown = json.dumps(card)
    assert "Confirm the Microsoft 365 tenant of Atelier Marchand" in shown
    assert f"from tenant {OTHER_TENANT}" in shown and f"belongs to tenant {TENANT}" in shown
    actions = {a["verb"]: a for a in card["actions"]}
    # short enough for a phone; the tenant is in the facts above it and in its tooltip
    assert actions["confirm_activation"]["title"] == "Confirm this tenant"
    assert actions["confirm_activation"]["tooltip"] == \
        f"Confirm onboarding with tenant {OTHER_TENANT}"
    assert actions["confirm_activation"]["data"] == {"verb": "confirm_activation", "link": 7,
                                                     "tenant": OTHER_TENANT}
    assert actions["cancel_activation"]["data"] == {"verb": "cancel_activation", "link": 7}


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


# -- the production bot: onboarding with Microsoft's proof --------------------------


@dataclass
class Prod:
    base: str
    http: aiohttp.ClientSession
    issuer: LocalIssuer
    database: Database
    app: Any

    async def invoke(self, verb: str, data: dict[str, Any], *, aad: str = A.ALICE_AAD,
                     tenant: str = A.ALICE_TENANT) -> dict[str, Any]:
        """An Action.Execute from Teams, signed like the Bot Connector's; the card shown."""
        activity = A.card_action(verb, data, aad=aad, tenant=tenant)
        header = self.issuer.header(BOT_ID, service_url=activity["serviceUrl"])
        async with self.http.post(f"{self.base}/api/messages", json=activity,
                                  headers={"Authorization": header}) as resp:
            assert resp.status == 200, await resp.text()
            body = await resp.json()
        assert body["type"] == "application/vnd.microsoft.card.adaptive", body
        return dict(body["value"])

    async def invited(self, smtp: SmtpServer) -> tuple[str, str]:
        """Alice sends Atelier Marchand a link; its token and the landing's consent URL."""
        services = self.app[SERVICES]
        scope = await services.scopes.for_email("alice.durand@contoso.example")
        await services.activation.send(scope, "marie@ateliermarchand.fr", "en",
                                       organization_id="c-atelier-marchand")
        token = _token(smtp)
        status, page = await _get(self.http, f"{self.base}/activate/{token}")
        assert status == 200, page
        return token, _consent_url(page)


@pytest.fixture
async def prod(aiohttp_server: Any, demo_db: Database, login: FakeLogin,
               smtp: SmtpServer) -> AsyncIterator[Prod]:
    login.domains[DOMAIN] = TENANT  # Atelier Marchand's domain is in its tenant
    with fresh_channel_keys(), LocalIssuer() as issuer:
        port = _free_port()
        settings = load_settings(
            DATABASE_URL=demo_db.url, BOT_ID=BOT_ID, BOT_PASSWORD=BOT_PASSWORD,
            BOT_OPENID_METADATA_URL=issuer.metadata_url, PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
            LOGIN_BASE_URL=login.base_url, MAIL_TRANSPORT="smtp",
            MAIL_SENDER="partners@vendor.example", SMTP_HOST=smtp.host, SMTP_PORT=smtp.port,
            SMTP_STARTTLS=False, NOTIFY_SCHEDULER="off", OUTBOUND_TIMEOUT="3")
        app = create_app(settings, database=demo_db)
        await aiohttp_server(app, port=port)
        async with aiohttp.ClientSession() as http:
            yield Prod(f"http://127.0.0.1:{port}", http, issuer, demo_db, app)


def _callback(prod: Prod, consent_url: str, tenant: str) -> str:
    """The callback Microsoft would send for TENANT (or anyone can type)."""
    state = urllib.parse.parse_qs(urllib.parse.urlsplit(consent_url).query)["state"][0]
    return f"{prod.base}/activate/callback?" + urllib.parse.urlencode(
        {"admin_consent": "True", "tenant": tenant, "state": state})


async def test_production_onboards_with_microsofts_proof(prod: Prod, smtp: SmtpServer,
                                                        login: FakeLogin) -> None:
    _, consent = await prod.invited(smtp)
    # The domain's tenant is known: the consent URL names it.
    assert consent.startswith(f"{login.base_url}/{TENANT}/v2.0/adminconsent?")
    status, _ = await _get(prod.http, consent, ssl=login.ssl_context())
    assert status == 302 and login.last_redirect is not None
    status, page = await _get(prod.http, login.last_redirect)
    assert status == 200 and "Atelier Marchand is activated" in page
    assert await _org(prod.database, "c-atelier-marchand") == ("onboarded", TENANT)
    proofs = [form for path, form in login.requests if path == f"/{TENANT}/oauth2/v2.0/token"]
    assert [(f["grant_type"], f["client_id"], f["scope"]) for f in proofs] == [
        (["client_credentials"], [BOT_ID], ["https://graph.microsoft.com/.default"])]
    async with prod.database.sessions() as session:
        completed = (await session.execute(select(AuditEvent).where(
            AuditEvent.action == "activation.completed"))).scalar_one()
    assert completed.after is not None and completed.after["proof"] == "app_token"


async def test_a_typed_callback_with_any_tenant_onboards_nothing(prod: Prod, smtp: SmtpServer,
                                                                login: FakeLogin) -> None:
    """`/activate/callback?admin_consent=True&tenant=<any GUID>&state=...` used to onboard
    the organization with whatever tenant the query said."""
    token, consent = await prod.invited(smtp)
    status, page = await _get(prod.http, _callback(prod, consent, OTHER_TENANT),
                              headers={"Accept-Language": "en"})
    assert status == 403 and "The consent could not be confirmed" in page
    assert "Atelier Marchand was not activated" in page
    assert await _org(prod.database, "c-atelier-marchand") == ("invited", None)
    assert await _failures(prod.database) == [("consent_unproven", "token_refused")]
    # The real consent still completes with the same link.
    status, _ = await _get(prod.http, f"{prod.base}/activate/{token}")
    assert status == 200
    status, _ = await _get(prod.http, consent, ssl=login.ssl_context())
    assert login.last_redirect is not None
    status, _ = await _get(prod.http, login.last_redirect)
    assert status == 200
    assert await _org(prod.database, "c-atelier-marchand") == ("onboarded", TENANT)


async def test_login_unreachable_at_the_callback_onboards_nothing(
        prod: Prod, smtp: SmtpServer, login: FakeLogin) -> None:
    _, consent = await prod.invited(smtp)
    login.consent(TENANT)  # the admin did consent, but Microsoft cannot be asked
    login.unreachable()
    status, page = await _get(prod.http, _callback(prod, consent, TENANT))
    assert status == 403 and "could not be confirmed" in page
    assert await _org(prod.database, "c-atelier-marchand") == ("invited", None)
    assert await _failures(prod.database) == [("consent_unproven", "login_unreachable")]


async def test_the_landing_page_falls_back_to_organizations_when_login_is_down(
        prod: Prod, smtp: SmtpServer, login: FakeLogin) -> None:
    services = prod.app[SERVICES]
    scope = await services.scopes.for_email("alice.durand@contoso.example")
    await services.activation.send(scope, "marie@ateliermarchand.fr", "en",
                                   organization_id="c-atelier-marchand")
    login.unreachable()
    status, page = await _get(prod.http, f"{prod.base}/activate/{_token(smtp)}")
    assert status == 200
    assert _consent_url(page).startswith(f"{login.base_url}/organizations/v2.0/adminconsent?")


async def _pending(prod: Prod, smtp: SmtpServer, login: FakeLogin) -> int:
    """The admin consents from OTHER_TENANT, which is not the tenant of the domain."""
    login.consent_tenant = OTHER_TENANT
    _, consent = await prod.invited(smtp)
    status, _ = await _get(prod.http, consent, ssl=login.ssl_context())
    assert status == 302 and login.last_redirect is not None
    status, page = await _get(prod.http, login.last_redirect)
    assert status == 202, page
    assert "waiting for confirmation" in page and "asked in Teams to confirm" in page
    assert await _org(prod.database, "c-atelier-marchand") == ("invited", None)
    async with prod.database.sessions() as session:
        link = (await session.execute(select(ActivationLink))).scalar_one()
    assert (link.pending_tenant_id, link.pending_domain_tenant_id) == (OTHER_TENANT, TENANT)
    return link.id


async def test_a_consent_from_another_tenant_waits_for_an_admins_confirmation(
        prod: Prod, smtp: SmtpServer, login: FakeLogin) -> None:
    link = await _pending(prod, smtp, login)
    confirm = {"link": link, "tenant": OTHER_TENANT}
    # A reader of Contoso, and an admin of another partner: nothing changes.
    shown = json.dumps(await prod.invoke("confirm_activation", confirm, aad=A.BRUNO_AAD))
    assert "Only admins of Contoso Partners" in shown
    shown = json.dumps(await prod.invoke("confirm_activation", confirm, aad=JAN[0],
                                         tenant=JAN[1]))
    assert "couldn't find that organization" in shown
    # Another tenant than the one pending (a forged card) changes nothing either.
    shown = json.dumps(await prod.invoke("confirm_activation", {**confirm, "tenant": TENANT}))
    assert "no longer applies" in shown
    assert await _org(prod.database, "c-atelier-marchand") == ("invited", None)

    shown = json.dumps(await prod.invoke("confirm_activation", confirm))
    assert f"onboarded with tenant {OTHER_TENANT}, confirmed by" in shown
    assert await _org(prod.database, "c-atelier-marchand") == ("onboarded", OTHER_TENANT)
    async with prod.database.sessions() as session:
        completed = (await session.execute(select(AuditEvent).where(
            AuditEvent.action == "activation.completed"))).scalar_one()
    assert completed.actor == "alice.durand@contoso.example"
    assert completed.after is not None and completed.after["confirmed_by"] == \
        "alice.durand@contoso.example"
    # Twice: already onboarded, nothing more.
    assert "no longer applies" in json.dumps(await prod.invoke("confirm_activation", confirm))


async def test_cancelling_a_consent_from_another_tenant_revokes_the_link(
        prod: Prod, smtp: SmtpServer, login: FakeLogin) -> None:
    link = await _pending(prod, smtp, login)
    shown = json.dumps(await prod.invoke("cancel_activation", {"link": link}))
    assert "was not onboarded and its activation link no longer works" in shown
    assert await _org(prod.database, "c-atelier-marchand") == ("invited", None)
    assert "no longer applies" in json.dumps(await prod.invoke(
        "confirm_activation", {"link": link, "tenant": OTHER_TENANT}))
    status, _ = await _get(prod.http, f"{prod.base}/activate/{_token(smtp)}")
    assert status == 404
