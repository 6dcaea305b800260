"""The activation service on SQLite and PostgreSQL, with a real local SMTP server and the
login stand-in for the work-or-school check."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select, text

from services.accounts import AccountVerifier
from services.activation import (
    ActivationError,
    ActivationPolicy,
    ActivationService,
    NewCustomer,
)
from services.db.engine import Database
from services.db.meta import data_version, network_version
from services.db.models import ActivationLink, AuditEvent, Organization, OrgClosure
from services.mail import MailConfig, create_mailer
from services.scope import Forbidden, Scope, ScopeService
from tests.support.fake_login import FakeLogin
from tests.support.smtp_server import SmtpServer

TENANT = "0f8fad5b-d9cb-469f-a165-70867728950e"
OTHER_TENANT = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


@dataclass
class Clock:
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture
def login() -> Iterator[FakeLogin]:
    with FakeLogin() as fake:
        fake.realms.update({"ateliermarchand.fr": "Managed", "example.org": "Managed"})
        yield fake


@dataclass
class Env:
    service: ActivationService
    clock: Clock
    smtp: SmtpServer
    db: Database

    async def scope(self, email: str) -> Scope:
        scope = await ScopeService(self.db.sessions).for_email(email)
        assert scope is not None
        return scope

    def token(self, index: int = -1) -> str:
        body = self.smtp.messages[index].get_body(("plain",)).get_content()  # type: ignore[union-attr]
        match = re.search(r"https://bot\.example/activate/([A-Za-z0-9_-]{43})", body)
        assert match, body
        return match.group(1)

    async def actions(self) -> list[str]:
        async with self.db.sessions() as session:
            return list((await session.execute(select(AuditEvent.action).order_by(
                AuditEvent.id))).scalars())

    async def data_version(self) -> str:
        async with self.db.sessions() as session:
            return await data_version(session)

    async def onboarding(self, org_id: str) -> tuple[str, str | None]:
        async with self.db.sessions() as session:
            org = await session.get(Organization, org_id)
            assert org is not None
            return org.onboarding, org.tenant_id


def _service(db: Database, smtp_port: int, login: FakeLogin, clock: Clock,
             rate: int = 20) -> ActivationService:
    mailer = create_mailer(MailConfig(transport="smtp", sender="partners@vendor.example",
                                      smtp_host="127.0.0.1", smtp_port=smtp_port,
                                      smtp_starttls=False, timeout_s=5))
    policy = ActivationPolicy(ttl_s=7 * 86400, rate_per_hour=rate, base_url="https://bot.example",
                              state_key=b"test-key", login_base_url="https://login.example",
                              client_id="bot-app-id")
    return ActivationService(db.sessions, mailer, AccountVerifier(login.base_url,
                                                                  login.session()),
                             policy, clock)


@pytest.fixture
def env(demo_db: Database, smtp: SmtpServer, login: FakeLogin) -> Env:
    clock = Clock()
    return Env(_service(demo_db, smtp.port, login, clock), clock, smtp, demo_db)


def _state(consent_url: str) -> str:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(consent_url).query)["state"][0]


async def test_candidates_follow_the_scope(env: Env) -> None:
    alice = await env.scope("alice.durand@contoso.example")
    assert {t.id for t in await env.service.candidates(alice)} == {
        "c-atelier-marchand", "c-lycee-victor-hugo"}
    claire = await env.scope("claire.martin@alphadist.example")
    below_claire = await env.service.candidates(claire)
    assert {t.kind for t in below_claire} <= {"customer", "partner"}
    assert "c-atelier-marchand" in {t.id for t in below_claire}
    assert all(t.onboarding != "onboarded" for t in below_claire)
    with pytest.raises(Forbidden):
        await env.service.candidates(await env.scope("bruno.petit@contoso.example"))


async def test_out_of_scope_reads_like_unknown(env: Env) -> None:
    alice = await env.scope("alice.durand@contoso.example")
    codes = []
    for org in ("c-bern-energie", "no-such-org"):
        with pytest.raises(ActivationError) as exc:
            await env.service.target(alice, org)
        codes.append((exc.value.code, exc.value.detail))
    assert codes == [("not_found", ""), ("not_found", "")]
    with pytest.raises(ActivationError, match="already_onboarded"):
        await env.service.target(alice, "c-cafe-lumiere")


async def test_send_stores_only_the_hash_and_a_new_link_revokes_the_old(env: Env) -> None:
    alice = await env.scope("alice.durand@contoso.example")
    first = await env.service.send(alice, "marie@ateliermarchand.fr", "fr",
                                   organization_id="c-atelier-marchand", cid="cid-1")
    token = env.token()
    assert env.smtp.messages[-1]["Subject"] == "Activez la Partner App pour Atelier Marchand"
    assert await env.onboarding("c-atelier-marchand") == ("invited", None)
    async with env.db.sessions() as session:
        dump = " ".join(str(row) for row in (await session.execute(text(
            "select * from activation_links"))).all())
        dump += " ".join(str(row) for row in (await session.execute(text(
            "select * from audit_events"))).all())
        event = (await session.execute(select(AuditEvent).where(
            AuditEvent.action == "activation.sent"))).scalar_one()
    assert token not in dump and event.correlation_id == "cid-1"
    second = await env.service.send(alice, "marie@ateliermarchand.fr", "en",
                                    organization_id="c-atelier-marchand")
    assert (first.revoked, second.revoked) == (0, 1)
    assert await env.service.landing(token) is None
    assert await env.service.landing(env.token()) is not None
    assert "activation.revoked" in await env.actions()
    assert [link.state for link in await env.service.links()] == ["opened", "revoked"]


async def test_delivery_failure_changes_nothing(env: Env) -> None:
    env.smtp.refuse = True
    alice = await env.scope("alice.durand@contoso.example")
    with pytest.raises(ActivationError) as exc:
        await env.service.send(alice, "marie@ateliermarchand.fr", "en",
                               organization_id="c-atelier-marchand")
    assert (exc.value.code, exc.value.detail) == ("delivery", "smtp_refused")
    assert await env.onboarding("c-atelier-marchand") == ("not_invited", None)
    assert await env.service.links() == []
    assert await env.actions() == ["activation.failed"]


@pytest.mark.parametrize(("email", "code"), [("marie@outlook.com", "consumer"),
                                             ("not-an-address", "invalid"),
                                             ("x@unknown-realm.example", "unknown_domain")])
async def test_the_recipient_must_be_work_or_school(env: Env, email: str, code: str) -> None:
    alice = await env.scope("alice.durand@contoso.example")
    with pytest.raises(ActivationError, match=code):
        await env.service.send(alice, email, "en", organization_id="c-atelier-marchand")
    assert env.smtp.messages == [] and await env.service.links() == []


async def test_rate_limit_per_operator_per_hour(demo_db: Database, smtp: SmtpServer,
                                                login: FakeLogin) -> None:
    clock = Clock()
    service = _service(demo_db, smtp.port, login, clock, rate=2)
    alice = await ScopeService(demo_db.sessions).for_email("alice.durand@contoso.example")
    assert alice is not None
    for org in ("c-atelier-marchand", "c-lycee-victor-hugo"):
        await service.send(alice, "it@example.org", "en", organization_id=org)
    with pytest.raises(ActivationError, match="rate_limited"):
        await service.send(alice, "it@example.org", "en", organization_id="c-atelier-marchand")
    assert len(smtp.messages) == 2
    clock.now += dt.timedelta(minutes=61)
    await service.send(alice, "it@example.org", "en", organization_id="c-atelier-marchand")


async def test_a_new_customer_joins_the_tree(env: Env) -> None:
    alice = await env.scope("alice.durand@contoso.example")
    async with env.db.sessions() as session:
        before = await network_version(session)
    sent = await env.service.send(alice, "it@example.org", "en", new_customer=NewCustomer(
        "Boulangerie  Neuve", "Boulangerie-Neuve.fr", "fr"))
    assert sent.created and sent.organization_name == "Boulangerie Neuve"
    async with env.db.sessions() as session:
        org = await session.get(Organization, sent.organization_id)
        ancestors = set((await session.execute(select(OrgClosure.ancestor_id).where(
            OrgClosure.descendant_id == sent.organization_id))).scalars())
        after = await network_version(session)
    assert org is not None and (org.parent_id, org.domain, org.country, org.onboarding) == (
        "p-contoso", "boulangerie-neuve.fr", "FR", "invited")
    assert {"p-contoso", sent.organization_id, "coreview"} <= ancestors
    assert before != after
    assert sent.organization_id in {t.id for t in await env.service.candidates(alice)}
    for name, domain in (("boulangerie neuve", "other.fr"), ("Other", "boulangerie-neuve.fr")):
        with pytest.raises(ActivationError, match="duplicate"):
            await env.service.check_new_customer(alice, name, domain, "FR")
    for values, code in ((("X", "a.fr", "FR"), "bad_name"), (("Ok Name", "nodot", "FR"),
                                                            "bad_domain"),
                         (("Ok Name", "ok.fr", "FRA"), "bad_country")):
        with pytest.raises(ActivationError, match=code):
            await env.service.check_new_customer(alice, *values)
    claire = await env.scope("claire.martin@alphadist.example")
    with pytest.raises(ActivationError, match="create_partner_only"):
        await env.service.check_new_customer(claire, "New Co", "newco.fr", "FR")


async def test_complete_once_with_a_signed_state(env: Env) -> None:
    alice = await env.scope("alice.durand@contoso.example")
    before_send = await env.data_version()
    await env.service.send(alice, "marie@ateliermarchand.fr", "en",
                           organization_id="c-atelier-marchand")
    before_completion = await env.data_version()
    assert before_completion != before_send  # cached answers show "invited" now
    landing = await env.service.landing(env.token())
    assert landing is not None
    url = urllib.parse.urlsplit(landing.consent_url)
    query = urllib.parse.parse_qs(url.query)
    assert (url.netloc, url.path) == ("login.example", "/organizations/v2.0/adminconsent")
    assert query["client_id"] == ["bot-app-id"]
    assert query["redirect_uri"] == ["https://bot.example/activate/callback"]
    state = _state(landing.consent_url)
    with pytest.raises(ActivationError, match="bad_tenant"):
        await env.service.complete(state, "not-a-guid")
    forged = ActivationService(env.db.sessions, create_mailer(MailConfig()),
                               AccountVerifier(), ActivationPolicy(state_key=b"other"))
    with pytest.raises(ActivationError, match="bad_state"):
        await forged.complete(state, TENANT)
    results = await asyncio.gather(env.service.complete(state, TENANT),
                                   env.service.complete(state, TENANT),
                                   return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["ActivationError", "Completion"]
    assert await env.onboarding("c-atelier-marchand") == ("onboarded", TENANT)
    assert await env.data_version() != before_completion
    with pytest.raises(ActivationError, match="invalid_link"):
        await env.service.complete(state, TENANT)
    actions = await env.actions()
    assert actions.count("activation.completed") == 1 and "activation.refused" in actions


async def test_expired_links_and_foreign_tenants_are_refused(env: Env) -> None:
    alice = await env.scope("alice.durand@contoso.example")
    await env.service.send(alice, "marie@ateliermarchand.fr", "en",
                           organization_id="c-atelier-marchand")
    landing = await env.service.landing(env.token())
    assert landing is not None
    state = _state(landing.consent_url)
    async with env.db.sessions() as session, session.begin():
        await session.execute(text("update organizations set tenant_id = :t where id = :o"),
                              {"t": OTHER_TENANT, "o": "c-cafe-lumiere"})
    with pytest.raises(ActivationError, match="tenant_in_use"):
        await env.service.complete(state, OTHER_TENANT)
    env.clock.now += dt.timedelta(days=8)
    assert await env.service.landing(env.token()) is None
    with pytest.raises(ActivationError, match="invalid_link"):
        await env.service.complete(state, TENANT)
    assert await env.onboarding("c-atelier-marchand") == ("invited", None)
    assert [link.state for link in await env.service.links()] == ["expired"]


async def test_a_consent_error_keeps_the_link(env: Env) -> None:
    alice = await env.scope("alice.durand@contoso.example")
    await env.service.send(alice, "marie@ateliermarchand.fr", "en",
                           organization_id="c-atelier-marchand")
    landing = await env.service.landing(env.token())
    assert landing is not None
    failure = await env.service.consent_failed(_state(landing.consent_url), "access_denied",
                                               "AADSTS65004\x00 declined")
    assert failure.error == "access_denied" and failure.organization_id == "c-atelier-marchand"
    assert await env.service.landing(env.token()) is not None
    assert await env.onboarding("c-atelier-marchand") == ("invited", None)
    with pytest.raises(ActivationError, match="bad_state"):
        await env.service.consent_failed("1.forged", "access_denied", "")
    async with env.db.sessions() as session:
        stored = (await session.execute(select(ActivationLink))).scalar_one()
    assert stored.used_at is None and stored.opened_at is not None
