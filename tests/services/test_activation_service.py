"""The activation service on SQLite and PostgreSQL, with a real local SMTP server and the
login stand-in (HTTPS) for the work-or-school check and for the proof of the consent: an
app-only token in the consenting tenant, granted only once that tenant consented, and the
tenant of the customer's domain by OpenID discovery."""

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
    Completion,
    NewCustomer,
)
from services.activation.proof import ConsentProver
from services.db.engine import Database
from services.db.meta import data_version, network_version
from services.db.models import ActivationLink, AuditEvent, Organization, OrgClosure
from services.mail import MailConfig, create_mailer
from services.scope import Forbidden, Scope, ScopeService
from tests.support.fake_login import FakeLogin
from tests.support.smtp_server import SmtpServer

TENANT = "0f8fad5b-d9cb-469f-a165-70867728950e"
OTHER_TENANT = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
DOMAIN = "atelier-marchand.example"  # Atelier Marchand's domain in the demo network


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
        fake.domains[DOMAIN] = TENANT
        yield fake


@dataclass
class Env:
    service: ActivationService
    clock: Clock
    smtp: SmtpServer
    db: Database
    login: FakeLogin

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

    async def events(self, action: str) -> list[AuditEvent]:
        async with self.db.sessions() as session:
            return list((await session.execute(select(AuditEvent).where(
                AuditEvent.action == action).order_by(AuditEvent.id))).scalars())

    async def invited(self, email: str = "marie@ateliermarchand.fr") -> str:
        """Alice sends Atelier Marchand a link; the consent state of its landing page."""
        alice = await self.scope("alice.durand@contoso.example")
        await self.service.send(alice, email, "en", organization_id="c-atelier-marchand")
        landing = await self.service.landing(self.token())
        assert landing is not None
        return _state(landing.consent_url)

    def token_calls(self) -> list[str]:
        return [path for path, form in self.login.requests if path.endswith("/token")
                and form.get("grant_type") == ["client_credentials"]]


def _service(db: Database, smtp_port: int, login: FakeLogin, clock: Clock,
             rate: int = 20, client_id: str = "bot-app-id",
             secret: str = "bot-secret") -> ActivationService:  # noqa: S107 - a test value
    mailer = create_mailer(MailConfig(transport="smtp", sender="partners@vendor.example",
                                      smtp_host="127.0.0.1", smtp_port=smtp_port,
                                      smtp_starttls=False, timeout_s=5))
    policy = ActivationPolicy(ttl_s=7 * 86400, rate_per_hour=rate, base_url="https://bot.example",
                              state_key=b"test-key", login_base_url=login.base_url,
                              client_id=client_id, client_secret=secret, proof_timeout_s=5)
    prover = ConsentProver(login.base_url, client_id, secret, timeout_s=5,
                           ssl_context=login.ssl_context())
    return ActivationService(db.sessions, mailer, AccountVerifier(login.base_url,
                                                                  login.session()),
                             policy, clock, prover=prover)


@pytest.fixture
def env(demo_db: Database, smtp: SmtpServer, login: FakeLogin) -> Env:
    clock = Clock()
    return Env(_service(demo_db, smtp.port, login, clock), clock, smtp, demo_db, login)


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
    # The domain's tenant is known: Microsoft's consent in that tenant.
    assert f"{url.scheme}://{url.netloc}" == env.login.base_url
    assert url.path == f"/{TENANT}/v2.0/adminconsent"
    assert query["client_id"] == ["bot-app-id"]
    assert query["redirect_uri"] == ["https://bot.example/activate/callback"]
    state = _state(landing.consent_url)
    with pytest.raises(ActivationError, match="bad_tenant"):
        await env.service.complete(state, "not-a-guid")
    forged = ActivationService(env.db.sessions, create_mailer(MailConfig()),
                               AccountVerifier(), ActivationPolicy(state_key=b"other"))
    with pytest.raises(ActivationError, match="bad_state"):
        await forged.complete(state, TENANT)
    assert env.token_calls() == []  # nothing asked of Microsoft for a refused callback
    env.login.consent(TENANT)
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
    completed = (await env.events("activation.completed"))[0].after
    assert completed is not None and (completed["proof"], completed["domain_tenant"]) == (
        "app_token", TENANT)


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
    assert env.token_calls() == []  # refused before asking Microsoft
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


# -- the proof of the consent --------------------------------------------------------


async def _link(env: Env) -> ActivationLink:
    async with env.db.sessions() as session:
        return (await session.execute(select(ActivationLink).order_by(
            ActivationLink.id.desc()).limit(1))).scalar_one()


async def test_a_callback_for_a_tenant_that_never_consented_onboards_nothing(env: Env) -> None:
    """The callback's `tenant` is only a claim: without an app token in that tenant (the
    stand-in, like Entra, grants none before consent) nothing changes."""
    state = await env.invited()
    with pytest.raises(ActivationError) as refused:
        await env.service.complete(state, TENANT, cid="cid-forged")
    assert (refused.value.code, refused.value.detail) == ("consent_unproven", "Atelier Marchand")
    assert env.token_calls() == [f"/{TENANT}/oauth2/v2.0/token"]
    assert await env.onboarding("c-atelier-marchand") == ("invited", None)
    failed = (await env.events("activation.failed"))[-1]
    assert failed.after == {"link": (await _link(env)).id, "reason": "consent_unproven",
                            "proof": "token_refused", "tenant": TENANT}
    assert failed.correlation_id == "cid-forged"
    # The link still works: once the customer's admin really consents, it completes.
    assert await env.service.landing(env.token()) is not None
    env.login.consent(TENANT)
    done = await env.service.complete(state, TENANT)
    assert (done.tenant_id, done.pending) == (TENANT, False)
    assert await env.onboarding("c-atelier-marchand") == ("onboarded", TENANT)


async def test_login_unreachable_means_not_onboarded(env: Env) -> None:
    state = await env.invited()
    env.login.consent(TENANT)
    env.login.unreachable()
    with pytest.raises(ActivationError, match="consent_unproven"):
        await env.service.complete(state, TENANT)
    assert await env.onboarding("c-atelier-marchand") == ("invited", None)
    after = (await env.events("activation.failed"))[-1].after
    assert after is not None and after["proof"] == "login_unreachable"
    assert [link.state for link in await env.service.links()] == ["opened"]


async def test_a_token_naming_another_tenant_or_app_is_no_proof(env: Env) -> None:
    state = await env.invited()
    env.login.consent(TENANT)
    env.login.token_tids[TENANT] = OTHER_TENANT
    with pytest.raises(ActivationError, match="consent_unproven"):
        await env.service.complete(state, TENANT)
    after = (await env.events("activation.failed"))[-1].after
    assert after is not None and after["proof"] == "tenant_mismatch"
    assert await env.onboarding("c-atelier-marchand") == ("invited", None)


async def test_without_an_app_identity_nothing_can_be_proven(demo_db: Database, smtp: SmtpServer,
                                                             login: FakeLogin) -> None:
    """Local mode (no BOT_ID, no secret): not onboarded, audited, and login never asked."""
    clock = Clock()
    service = _service(demo_db, smtp.port, login, clock, client_id="", secret="")
    env = Env(service, clock, smtp, demo_db, login)
    state = await env.invited()
    login.consent(TENANT)
    with pytest.raises(ActivationError, match="consent_unproven"):
        await service.complete(state, TENANT)
    assert env.token_calls() == []
    assert await env.onboarding("c-atelier-marchand") == ("invited", None)
    after = (await env.events("activation.failed"))[-1].after
    assert after is not None and after["proof"] == "no_credentials"


async def test_the_consent_url_names_the_domains_tenant_when_login_knows_it(env: Env) -> None:
    alice = await env.scope("alice.durand@contoso.example")
    await env.service.send(alice, "marie@ateliermarchand.fr", "en",
                           organization_id="c-atelier-marchand")
    landing = await env.service.landing(env.token())
    assert landing is not None
    assert urllib.parse.urlsplit(landing.consent_url).path == f"/{TENANT}/v2.0/adminconsent"
    env.login.domains[DOMAIN] = None  # a domain no tenant has
    landing = await env.service.landing(env.token())
    assert landing is not None
    assert urllib.parse.urlsplit(landing.consent_url).path == "/organizations/v2.0/adminconsent"
    env.login.unreachable()  # the landing page still works, with the generic endpoint
    landing = await env.service.landing(env.token())
    assert landing is not None
    assert urllib.parse.urlsplit(landing.consent_url).path == "/organizations/v2.0/adminconsent"


async def _pending(env: Env, domain_tenant: str | None = OTHER_TENANT) -> tuple[Completion, str]:
    """A consent proven for TENANT while the domain belongs to DOMAIN_TENANT."""
    env.login.domains[DOMAIN] = domain_tenant
    state = await env.invited()
    env.login.consent(TENANT)
    pending = await env.service.complete(state, TENANT, cid="cid-pending")
    return pending, state


async def test_a_consent_from_another_tenant_than_the_domains_waits_for_the_sender(
        env: Env) -> None:
    pending, state = await _pending(env)
    assert pending.pending and pending.tenant_id is None
    assert (pending.pending_tenant, pending.domain, pending.domain_tenant) == (
        TENANT, DOMAIN, OTHER_TENANT)
    assert pending.link_id == (await _link(env)).id
    assert await env.onboarding("c-atelier-marchand") == ("invited", None)
    assert [link.state for link in await env.service.links()] == ["pending"]
    event = (await env.events("activation.pending"))[-1]
    assert event.after == {"link": pending.link_id, "tenant_id": TENANT, "domain": DOMAIN,
                           "domain_tenant": OTHER_TENANT, "proof": "app_token"}
    assert "activation.completed" not in await env.actions()

    link_id = pending.link_id
    assert link_id is not None
    bruno = await env.scope("bruno.petit@contoso.example")  # a reader
    with pytest.raises(Forbidden):
        await env.service.confirm_pending(bruno, link_id, TENANT)
    jan = await env.scope("jan.peeters@fabrikam.example")  # an admin of another partner
    with pytest.raises(ActivationError, match="not_found"):
        await env.service.confirm_pending(jan, link_id, TENANT)
    alice = await env.scope("alice.durand@contoso.example")
    with pytest.raises(ActivationError, match="no_pending"):  # not the tenant on the card
        await env.service.confirm_pending(alice, link_id, OTHER_TENANT)
    assert await env.onboarding("c-atelier-marchand") == ("invited", None)

    chloe = await env.scope("chloe.leroy@contoso.example")  # another admin of Contoso
    done = await env.service.confirm_pending(chloe, link_id, TENANT, cid="cid-confirm")
    assert (done.organization_id, done.tenant_id) == ("c-atelier-marchand", TENANT)
    assert await env.onboarding("c-atelier-marchand") == ("onboarded", TENANT)
    completed = (await env.events("activation.completed"))[-1]
    assert completed.actor == "chloe.leroy@contoso.example"
    assert completed.correlation_id == "cid-confirm"
    assert completed.after is not None and completed.after["confirmed_by"] == \
        "chloe.leroy@contoso.example"
    assert [link.state for link in await env.service.links()] == ["used"]
    with pytest.raises(ActivationError, match="already_onboarded"):
        await env.service.confirm_pending(alice, link_id, TENANT)
    with pytest.raises(ActivationError, match="invalid_link"):
        await env.service.complete(state, TENANT)


async def test_an_unknown_domain_tenant_also_waits(env: Env) -> None:
    pending, _ = await _pending(env, domain_tenant=None)
    assert pending.pending and pending.domain_tenant is None
    assert await env.onboarding("c-atelier-marchand") == ("invited", None)


async def test_a_confirmation_must_still_be_valid(env: Env) -> None:
    pending, _ = await _pending(env)
    alice = await env.scope("alice.durand@contoso.example")
    assert pending.link_id is not None
    # Another organization took the tenant meanwhile.
    async with env.db.sessions() as session, session.begin():
        await session.execute(text("update organizations set tenant_id = :t where id = :o"),
                              {"t": TENANT, "o": "c-lycee-victor-hugo"})
    with pytest.raises(ActivationError, match="tenant_in_use"):
        await env.service.confirm_pending(alice, pending.link_id, TENANT)
    async with env.db.sessions() as session, session.begin():
        await session.execute(text("update organizations set tenant_id = null where id = :o"),
                              {"o": "c-lycee-victor-hugo"})
    # A new link replaces the pending one: its confirmation no longer applies.
    await env.service.send(alice, "marie@ateliermarchand.fr", "en",
                           organization_id="c-atelier-marchand")
    with pytest.raises(ActivationError, match="invalid_link"):
        await env.service.confirm_pending(alice, pending.link_id, TENANT)
    assert await env.onboarding("c-atelier-marchand") == ("invited", None)
    reasons = [e.after["reason"] for e in await env.events("activation.failed") if e.after]
    assert reasons[-2:] == ["tenant_in_use", "invalid_link"]


async def test_cancel_revokes_the_link(env: Env) -> None:
    pending, state = await _pending(env)
    assert pending.link_id is not None
    bruno = await env.scope("bruno.petit@contoso.example")
    with pytest.raises(Forbidden):
        await env.service.cancel_pending(bruno, pending.link_id)
    alice = await env.scope("alice.durand@contoso.example")
    cancelled = await env.service.cancel_pending(alice, pending.link_id, cid="cid-cancel")
    assert cancelled.organization_name == "Atelier Marchand"
    assert [link.state for link in await env.service.links()] == ["revoked"]
    assert await env.onboarding("c-atelier-marchand") == ("invited", None)
    revoked = (await env.events("activation.revoked"))[-1]
    assert revoked.after == {"reason": "tenant_not_confirmed"}
    assert revoked.before == {"link": pending.link_id, "pending_tenant": TENANT}
    with pytest.raises(ActivationError, match="invalid_link"):
        await env.service.confirm_pending(alice, pending.link_id, TENANT)
    with pytest.raises(ActivationError, match="invalid_link"):
        await env.service.complete(state, TENANT)
    assert await env.service.landing(env.token()) is None
