"""Activation links: onboard a customer's Microsoft 365 tenant by admin consent
(SPEC section 3).

An admin sends a single-use link for an organization of their scope that is not
onboarded (customers; partners too for distributor and provider operators), or for a
new customer of their own partner. The e-mail is sent first and the link is written
only once it was accepted, in one transaction with the revocation of the previous link,
the organization becoming `invited` and the audit events: a delivery failure changes
nothing. Opening the landing page never uses the link (mail scanners open links too);
only Microsoft's consent callback, with a state signed for the link, does."""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import re
import secrets
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.activation import tokens
from services.activation.mail import activation_mail
from services.activation.proof import GRAPH_DEFAULT_SCOPE, ConsentProver, ConsentUnproven
from services.activation.views import (
    ActivationError,
    Completion,
    Landing,
    LinkView,
    NewCustomer,
    SentLink,
    Target,
)
from services.clock import utc_now
from services.db.meta import bump_data_version, bump_network_version
from services.db.models import (
    ActivationLink,
    AuditEvent,
    Onboarding,
    Operator,
    Organization,
    OrgClosure,
    OrgKind,
)
from services.i18n import messages
from services.mail import Mailer, MailError
from services.network.validate import COUNTRY_RE, DOMAIN_RE, EMAIL_RE, GUID_RE
from services.scope import Right, Scope

logger = logging.getLogger(__name__)

# The organizations an operator may send links for, by the operator's organization kind.
ELIGIBLE_KINDS: dict[str, tuple[str, ...]] = {
    OrgKind.PROVIDER: (OrgKind.CUSTOMER, OrgKind.PARTNER),
    OrgKind.DISTRIBUTOR: (OrgKind.CUSTOMER, OrgKind.PARTNER),
    OrgKind.PARTNER: (OrgKind.CUSTOMER,),
}
# Link states in which Microsoft's callback (and a pending confirmation) may still use it.
USABLE = ("sent", "opened", "pending")
# The landing page waits this long at most for the tenant of the customer's domain.
LANDING_LOOKUP_S = 3.0
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def may_send_for(scope: Scope, kind: str, onboarding: str) -> bool:
    """Whether the organization's card offers this operator 'Send activation link'."""
    return scope.can(Right.SEND_ACTIVATION) and onboarding != Onboarding.ONBOARDED \
        and kind in ELIGIBLE_KINDS.get(scope.org_kind, ())


class AccountCheck(Protocol):
    async def check(self, email: str) -> str: ...


@dataclass(frozen=True)
class ActivationPolicy:
    ttl_s: int = 7 * 86400
    rate_per_hour: int = 20
    base_url: str = "http://127.0.0.1:3978"  # links: {base_url}/activate/{token}
    state_key: bytes = b""
    login_base_url: str = "https://login.microsoftonline.com"
    client_id: str = ""  # the bot's app registration, which the customer consents to
    # Its secret: proves a consent with an app-only token in the consenting tenant.
    client_secret: str = field(default="", repr=False)
    proof_timeout_s: float = 10.0  # each call to the login endpoint


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite gives naive UTC datetimes back."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def link_state(link: ActivationLink, now: dt.datetime) -> str:
    if link.used_at is not None:
        return "used"
    if link.revoked_at is not None:
        return "revoked"
    if _aware(link.expires_at) <= now:
        return "expired"
    if link.pending_tenant_id is not None:
        return "pending"
    return "opened" if link.opened_at is not None else "sent"


class ActivationService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], mailer: Mailer,
                 accounts: AccountCheck, policy: ActivationPolicy,
                 clock: Callable[[], dt.datetime] = utc_now,
                 prover: ConsentProver | None = None) -> None:
        self._sessions = sessions
        self._mailer = mailer
        self._accounts = accounts
        self._policy = policy
        self._clock = clock
        self._prover = prover or ConsentProver(policy.login_base_url, policy.client_id,
                                               policy.client_secret, policy.proof_timeout_s)

    # -- choosing what to activate -------------------------------------------------

    def _eligible(self, scope: Scope, stmt: Any, kind: str | None = None) -> Any:
        kinds = ELIGIBLE_KINDS.get(scope.org_kind, ())
        stmt = scope.restrict(stmt, Organization.id, kind)
        return stmt.where(Organization.kind.in_(kinds),
                          Organization.onboarding != Onboarding.ONBOARDED)

    async def candidates(self, scope: Scope, limit: int = 50) -> list[Target]:
        """Organizations the admin may send a link for, by name (invited ones first)."""
        scope.require(Right.SEND_ACTIVATION)
        parent = Organization.__table__.alias("parent")
        stmt = self._eligible(scope, select(Organization, parent.c.name).outerjoin(
            parent, parent.c.id == Organization.parent_id))
        stmt = stmt.order_by(Organization.name, Organization.id).limit(limit)
        async with self._sessions() as session:
            rows = (await session.execute(stmt)).all()
        return [Target(o.id, o.name, o.kind, o.onboarding, pname) for o, pname in rows]

    async def target(self, scope: Scope, organization_id: str) -> Target:
        """The organization if the admin may send a link for it. One outside the scope is
        answered as one that does not exist."""
        scope.require(Right.SEND_ACTIVATION)
        async with self._sessions() as session:
            return await self._target(session, scope, organization_id)

    async def _target(self, session: AsyncSession, scope: Scope, organization_id: str,
                      lock: bool = False) -> Target:
        stmt = scope.restrict(select(Organization), Organization.id).where(
            Organization.id == organization_id)
        if lock:
            stmt = stmt.with_for_update(of=Organization)
        org = (await session.execute(stmt)).scalar_one_or_none()
        if org is None:
            raise ActivationError("not_found")
        if org.onboarding == Onboarding.ONBOARDED:
            raise ActivationError("already_onboarded", org.name)
        if org.kind not in ELIGIBLE_KINDS.get(scope.org_kind, ()):
            raise ActivationError("not_eligible", org.name)
        parent = await session.get(Organization, org.parent_id) if org.parent_id else None
        return Target(org.id, org.name, org.kind, org.onboarding,
                      parent.name if parent else None)

    async def check_new_customer(self, scope: Scope, name: str, domain: str,
                                 country: str) -> NewCustomer:
        """A new customer of the admin's own partner: valid fields, and no customer of
        that partner with the same name or domain (only the admin's scope is searched)."""
        scope.require(Right.SEND_ACTIVATION)
        if scope.org_kind != OrgKind.PARTNER:
            raise ActivationError("create_partner_only")
        customer = NewCustomer(" ".join(str(name).split()), str(domain).strip().lower(),
                               str(country).strip().upper())
        if not 2 <= len(customer.name) <= 200 or CONTROL_RE.search(customer.name):
            raise ActivationError("bad_name")
        if not DOMAIN_RE.match(customer.domain) or len(customer.domain) > 255:
            raise ActivationError("bad_domain", customer.domain)
        if not COUNTRY_RE.match(customer.country):
            raise ActivationError("bad_country", customer.country)
        async with self._sessions() as session:
            await self._no_duplicate(session, scope, customer)
        return customer

    async def _no_duplicate(self, session: AsyncSession, scope: Scope,
                            customer: NewCustomer) -> None:
        stmt = select(Organization.name).where(
            Organization.parent_id == scope.organization_id,
            (func.lower(Organization.name) == customer.name.lower())
            | (func.lower(Organization.domain) == customer.domain)).limit(1)
        existing = (await session.execute(stmt)).scalar_one_or_none()
        if existing is not None:
            raise ActivationError("duplicate", existing)

    async def check_recipient(self, email: str) -> str:
        """The work-or-school verdict for EMAIL (services.accounts)."""
        return await self._accounts.check(email)

    # -- sending ------------------------------------------------------------------

    async def send(self, scope: Scope, recipient: str, language: str, *,
                   organization_id: str | None = None, new_customer: NewCustomer | None = None,
                   sender_conversation: dict[str, Any] | None = None,
                   cid: str | None = None) -> SentLink:
        """E-mail a new link to RECIPIENT, then record it (see the module docstring)."""
        scope.require(Right.SEND_ACTIVATION)
        recipient = recipient.strip().lower()
        language = language if language in ("en", "fr") else "en"
        if (organization_id is None) == (new_customer is None):
            raise ActivationError("bad_request")
        if not EMAIL_RE.match(recipient) or len(recipient) > 320:
            raise ActivationError("invalid", recipient)
        verdict = await self._accounts.check(recipient)
        if verdict != "work_or_school":
            raise ActivationError(verdict, recipient)
        if new_customer is not None:
            new_customer = await self.check_new_customer(
                scope, new_customer.name, new_customer.domain, new_customer.country)
            org_id, org_name = _new_id(new_customer.name), new_customer.name
        else:
            assert organization_id is not None
            target = await self.target(scope, organization_id)
            org_id, org_name = target.id, target.name
        async with self._sessions() as session:
            await self._within_rate(session, scope)

        token, now = tokens.new_token(), self._clock()
        expires = now + dt.timedelta(seconds=self._policy.ttl_s)
        mail = activation_mail(
            messages(language), to=recipient, organization=org_name, sender=scope.name,
            sender_organization=scope.organization_name, expires=expires,
            link=f"{self._policy.base_url}/activate/{token}")
        try:
            await self._mailer.send(mail)
        except MailError as exc:
            logger.warning("activation e-mail for %s not delivered: %s", org_id, exc.code)
            await self._audit_alone(scope.email, scope.organization_id, "activation.failed",
                                    org_id, {"reason": exc.code, "recipient": recipient}, cid)
            raise ActivationError("delivery", exc.code) from None

        async with self._sessions() as session, session.begin():
            if new_customer is not None:
                await self._no_duplicate(session, scope, new_customer)
                await self._create_customer(session, scope, org_id, new_customer)
            else:
                await self._target(session, scope, org_id, lock=True)
            await self._within_rate(session, scope)
            revoked = await self._revoke_open_links(session, scope, org_id, now, cid)
            link = ActivationLink(
                organization_id=org_id, recipient_email=recipient,
                token_hash=tokens.token_hash(token), language=language,
                created_by_id=scope.operator_id, created_at=now, expires_at=expires,
                sender_conversation=sender_conversation)
            session.add(link)
            org = await session.get(Organization, org_id)
            assert org is not None
            before = org.onboarding
            org.onboarding = Onboarding.INVITED
            await bump_data_version(session)
            await session.flush()
            session.add(self._event(
                scope.email, scope.organization_id, "activation.sent", org_id,
                {"onboarding": before} if new_customer is None else None,
                {"onboarding": "invited", "link": link.id, "recipient": recipient,
                 "expires_at": expires.isoformat(), "language": language,
                 **({"created": True} if new_customer else {})}, cid))
            link_id = link.id
        return SentLink(link_id, org_id, org_name, recipient, expires, revoked,
                        new_customer is not None)

    async def _within_rate(self, session: AsyncSession, scope: Scope) -> None:
        since = self._clock() - dt.timedelta(hours=1)
        sent = (await session.execute(select(func.count()).select_from(ActivationLink).where(
            ActivationLink.created_by_id == scope.operator_id,
            ActivationLink.created_at > since))).scalar_one()
        if sent >= self._policy.rate_per_hour:
            raise ActivationError("rate_limited", str(self._policy.rate_per_hour))

    async def _create_customer(self, session: AsyncSession, scope: Scope, org_id: str,
                               customer: NewCustomer) -> None:
        session.add(Organization(id=org_id, name=customer.name, kind=OrgKind.CUSTOMER,
                                 parent_id=scope.organization_id, domain=customer.domain,
                                 country=customer.country, onboarding=Onboarding.NOT_INVITED))
        await session.flush()
        ancestors = (await session.execute(select(OrgClosure.ancestor_id, OrgClosure.depth).where(
            OrgClosure.descendant_id == scope.organization_id))).all()
        session.add_all([OrgClosure(ancestor_id=a, descendant_id=org_id, depth=d + 1,
                                    descendant_kind=OrgKind.CUSTOMER) for a, d in ancestors])
        session.add(OrgClosure(ancestor_id=org_id, descendant_id=org_id, depth=0,
                               descendant_kind=OrgKind.CUSTOMER))
        session.add(self._event(scope.email, scope.organization_id, "organization.created",
                                org_id, None, {"name": customer.name, "kind": "customer",
                                               "domain": customer.domain,
                                               "country": customer.country}, None))
        await bump_network_version(session)

    async def _revoke_open_links(self, session: AsyncSession, scope: Scope, org_id: str,
                                 now: dt.datetime, cid: str | None) -> int:
        open_links = (await session.execute(select(ActivationLink).where(
            ActivationLink.organization_id == org_id, ActivationLink.used_at.is_(None),
            ActivationLink.revoked_at.is_(None)))).scalars().all()
        for old in open_links:
            old.revoked_at = now
            session.add(self._event(scope.email, scope.organization_id, "activation.revoked",
                                    org_id, {"link": old.id}, {"replaced": True}, cid))
        return len(open_links)

    # -- the landing page and Microsoft's callback ---------------------------------

    async def landing(self, token: str, cid: str | None = None) -> Landing | None:
        """What the landing page shows for a usable link; None for any other token
        (unknown, malformed, expired, used, revoked), which get one and the same page.
        The consent URL names the tenant of the customer's domain when login tells it
        (in time), else Microsoft's `organizations` endpoint."""
        if not tokens.well_formed(token):
            return None
        hashed = tokens.token_hash(token)
        now = self._clock()
        async with self._sessions() as session, session.begin():
            row = (await session.execute(
                select(ActivationLink, Organization, Operator)
                .join(Organization, Organization.id == ActivationLink.organization_id)
                .join(Operator, Operator.id == ActivationLink.created_by_id)
                .where(ActivationLink.token_hash == hashed))).first()
            if row is None or not hmac.compare_digest(row[0].token_hash, hashed):
                return None
            link, org, sender = row
            if link_state(link, now) not in USABLE or org.onboarding == Onboarding.ONBOARDED:
                return None
            first = link.opened_at is None
            if first:
                link.opened_at = now
            session.add(self._event(link.recipient_email, sender.organization_id,
                                    "activation.opened", org.id, None,
                                    {"link": link.id, "first": first}, cid))
            sender_org = await session.get(Organization, sender.organization_id)
            state = tokens.sign_state(self._policy.state_key, link.id, hashed)
            view = (link.id, org.name, sender.name, sender_org.name if sender_org else "",
                    _aware(link.expires_at), link.language)
            domain = org.domain
        tenant = await self._prover.domain_tenant(
            domain, timeout_s=min(self._policy.proof_timeout_s, LANDING_LOOKUP_S))
        return Landing(*view, self.consent_url(state, tenant))

    def consent_url(self, state: str, tenant: str | None = None) -> str:
        """Microsoft's admin consent for the app: in TENANT when known (the customer's
        admin signs in to their own tenant), else in whichever work or school tenant."""
        query = urllib.parse.urlencode({
            "client_id": self._policy.client_id,
            "redirect_uri": f"{self._policy.base_url}/activate/callback",
            "state": state, "scope": GRAPH_DEFAULT_SCOPE})
        authority = tenant if tenant and GUID_RE.match(tenant) else "organizations"
        return f"{self._policy.login_base_url.rstrip('/')}/{authority}/v2.0/adminconsent?{query}"

    async def _verified_link(self, session: AsyncSession, state: str,
                             lock: bool = False) -> ActivationLink:
        link_id = tokens.state_link_id(state)
        if link_id is None:
            raise ActivationError("bad_state")
        stmt = select(ActivationLink).where(ActivationLink.id == link_id)
        if lock:
            stmt = stmt.with_for_update()
        link = (await session.execute(stmt)).scalar_one_or_none()
        if link is None or not tokens.state_valid(self._policy.state_key, state, link.id,
                                                  link.token_hash):
            raise ActivationError("bad_state")
        return link

    async def _callback_allowed(self, session: AsyncSession, link: ActivationLink,
                                org: Organization, tenant: str) -> None:
        """What the callback needs besides Microsoft's proof (checked before asking
        Microsoft, and again under lock before writing)."""
        if not GUID_RE.match(tenant):
            raise ActivationError("bad_tenant")
        if link_state(link, self._clock()) not in USABLE or \
                org.onboarding == Onboarding.ONBOARDED:
            raise ActivationError("invalid_link")
        await self._tenant_free(session, tenant, org.id)

    @staticmethod
    async def _tenant_free(session: AsyncSession, tenant: str, org_id: str) -> None:
        owner = (await session.execute(select(Organization.id).where(
            Organization.tenant_id == tenant, Organization.id != org_id)
            .limit(1))).scalar_one_or_none()
        if owner is not None:
            raise ActivationError("tenant_in_use")

    async def complete(self, state: str, tenant: str, cid: str | None = None) -> Completion:
        """Microsoft's callback after the customer's admin granted consent. The state must
        be signed for a usable link; then Microsoft must prove the consent (an app-only
        token in TENANT, see services.activation.proof). When TENANT is the tenant of the
        organization's domain, the link is used once and the organization onboarded with
        it, in one transaction; otherwise (another tenant, or the domain's is unknown)
        the consent waits on the link for the sender's confirmation in Teams
        (`confirm_pending`). No proof: nothing changes, the link stays usable."""
        tenant = (tenant or "").strip().lower()
        refusal: ActivationError | None = None
        context: tuple[int, str, str] | None = None
        extra: dict[str, Any] = {}
        try:
            async with self._sessions() as session:
                link = await self._verified_link(session, state)
                org = await session.get(Organization, link.organization_id)
                assert org is not None
                context = (link.id, link.organization_id, link.recipient_email)
                await self._callback_allowed(session, link, org, tenant)
                org_name, domain = org.name, org.domain
            try:
                await self._prover.prove(tenant)
            except ConsentUnproven as exc:
                logger.warning("activation link %s: consent of tenant %s not proven: %s",
                               context[0], tenant, exc.reason)
                extra = {"proof": exc.reason, "tenant": tenant}
                raise ActivationError("consent_unproven", org_name) from None
            domain_tenant = await self._prover.domain_tenant(domain)
            async with self._sessions() as session, session.begin():
                link = await self._verified_link(session, state, lock=True)
                org = await session.get(Organization, link.organization_id,
                                        with_for_update=True)
                assert org is not None
                await self._callback_allowed(session, link, org, tenant)
                if domain_tenant == tenant:
                    return await self._onboard(session, link, org, tenant,
                                               link.recipient_email, None, cid,
                                               {"proof": "app_token",
                                                "domain_tenant": domain_tenant})
                return await self._hold(session, link, org, tenant, domain_tenant, cid)
        except ActivationError as exc:
            refusal = exc
        if context is not None:
            link_id, org_id, recipient = context
            await self._audit_alone(recipient, await self._sender_org(link_id),
                                    "activation.failed", org_id,
                                    {"link": link_id, "reason": refusal.code, **extra}, cid)
        else:
            await self._audit_alone("consent-callback", None, "activation.refused",
                                    str(tokens.state_link_id(state) or "?"),
                                    {"reason": "bad_state"}, cid)
        raise refusal

    async def _onboard(self, session: AsyncSession, link: ActivationLink, org: Organization,
                       tenant: str, actor: str, actor_org: str | None, cid: str | None,
                       extra: dict[str, Any]) -> Completion:
        """Use the link and onboard its organization with TENANT (in SESSION's
        transaction, with its audit event)."""
        used = await session.execute(update(ActivationLink).where(
            ActivationLink.id == link.id, ActivationLink.used_at.is_(None),
            ActivationLink.revoked_at.is_(None)).values(
            used_at=self._clock(), tenant_id=tenant, pending_tenant_id=None,
            pending_domain_tenant_id=None, pending_at=None))
        if used.rowcount != 1:  # type: ignore[attr-defined]
            raise ActivationError("invalid_link")
        before = {"onboarding": org.onboarding, "tenant_id": org.tenant_id}
        org.onboarding, org.tenant_id = Onboarding.ONBOARDED, tenant
        await bump_data_version(session)
        sender = await session.get(Operator, link.created_by_id)
        assert sender is not None
        session.add(self._event(actor, actor_org or sender.organization_id,
                                "activation.completed", org.id, before,
                                {"onboarding": "onboarded", "tenant_id": tenant,
                                 "link": link.id, **extra}, cid))
        return Completion(org.id, org.name, tenant, sender.id, link.sender_conversation,
                          link_id=link.id)

    async def _hold(self, session: AsyncSession, link: ActivationLink, org: Organization,
                    tenant: str, domain_tenant: str | None, cid: str | None) -> Completion:
        """A proven consent from a tenant that is not (known to be) the domain's: kept on
        the link for the sender to confirm; the organization stays invited."""
        link.pending_tenant_id, link.pending_domain_tenant_id = tenant, domain_tenant
        link.pending_at = self._clock()
        sender = await session.get(Operator, link.created_by_id)
        assert sender is not None
        session.add(self._event(link.recipient_email, sender.organization_id,
                                "activation.pending", org.id, None,
                                {"link": link.id, "tenant_id": tenant, "domain": org.domain,
                                 "domain_tenant": domain_tenant, "proof": "app_token"}, cid))
        return Completion(org.id, org.name, None, sender.id, link.sender_conversation,
                          link_id=link.id, pending_tenant=tenant, domain=org.domain,
                          domain_tenant=domain_tenant)

    # -- the sender's confirmation of a consent from another tenant ---------------

    async def _pending_link(self, session: AsyncSession, scope: Scope,
                            link_id: int) -> tuple[ActivationLink, Organization]:
        """The link with a pending consent, if this admin may send links for its
        organization (one outside the scope reads like one that does not exist)."""
        link = (await session.execute(select(ActivationLink).where(
            ActivationLink.id == link_id).with_for_update())).scalar_one_or_none()
        if link is None:
            raise ActivationError("not_found")
        await self._target(session, scope, link.organization_id, lock=True)
        org = await session.get(Organization, link.organization_id)
        assert org is not None
        return link, org

    async def confirm_pending(self, scope: Scope, link_id: int, tenant: str,
                              cid: str | None = None) -> Completion:
        """The sender (or another admin who may send links for the organization) confirms
        the consent that TENANT gave: the organization is onboarded with it, if the link
        is still usable, its pending tenant is still TENANT and no other organization has
        that tenant. Microsoft proved the consent at callback time."""
        scope.require(Right.SEND_ACTIVATION)
        tenant = str(tenant or "").strip().lower()
        context: tuple[int, str] | None = None
        try:
            async with self._sessions() as session, session.begin():
                link, org = await self._pending_link(session, scope, link_id)
                context = (link.id, org.id)
                if link_state(link, self._clock()) not in USABLE:
                    raise ActivationError("invalid_link", org.name)
                if link.pending_tenant_id is None or link.pending_tenant_id != tenant:
                    raise ActivationError("no_pending", org.name)
                await self._tenant_free(session, tenant, org.id)
                return await self._onboard(
                    session, link, org, tenant, scope.email, scope.organization_id, cid,
                    {"proof": "app_token", "confirmed_by": scope.email,
                     "domain_tenant": link.pending_domain_tenant_id})
        except ActivationError as exc:
            if context is not None:
                await self._audit_alone(scope.email, scope.organization_id,
                                        "activation.failed", context[1],
                                        {"link": context[0], "reason": exc.code,
                                         "step": "confirm"}, cid)
            raise

    async def cancel_pending(self, scope: Scope, link_id: int,
                             cid: str | None = None) -> Completion:
        """The admin refuses the consent from another tenant: the pending consent is
        dropped and the link revoked (it went to someone who consented for another
        organization); the organization stays invited and a new link can be sent."""
        scope.require(Right.SEND_ACTIVATION)
        async with self._sessions() as session, session.begin():
            link, org = await self._pending_link(session, scope, link_id)
            if link_state(link, self._clock()) != "pending":
                raise ActivationError("no_pending", org.name)
            tenant = link.pending_tenant_id
            link.revoked_at = self._clock()
            link.pending_tenant_id = link.pending_domain_tenant_id = None
            link.pending_at = None
            session.add(self._event(scope.email, scope.organization_id, "activation.revoked",
                                    org.id, {"link": link.id, "pending_tenant": tenant},
                                    {"reason": "tenant_not_confirmed"}, cid))
            sender = await session.get(Operator, link.created_by_id)
            assert sender is not None
            return Completion(org.id, org.name, None, sender.id, link.sender_conversation,
                              link_id=link.id)

    async def consent_failed(self, state: str, error: str, description: str,
                             cid: str | None = None) -> Completion:
        """Microsoft's callback with an error (declined, not an admin...): recorded; the
        link stays usable and the organization invited."""
        error = CONTROL_RE.sub(" ", error or "unknown")[:64]
        description = CONTROL_RE.sub(" ", description or "")[:300]
        async with self._sessions() as session:
            try:
                link = await self._verified_link(session, state)
            except ActivationError:
                await self._audit_alone("consent-callback", None, "activation.refused",
                                        str(tokens.state_link_id(state) or "?"),
                                        {"reason": "bad_state"}, cid)
                raise
            org = await session.get(Organization, link.organization_id)
            sender = await session.get(Operator, link.created_by_id)
            assert org is not None and sender is not None
            completion = Completion(org.id, org.name, None, sender.id,
                                    link.sender_conversation, error=error)
            recipient, sender_org = link.recipient_email, sender.organization_id
        await self._audit_alone(recipient, sender_org, "activation.failed", org.id,
                                {"link": link.id, "reason": "consent_error", "error": error,
                                 "description": description}, cid)
        return completion

    # -- listing ------------------------------------------------------------------

    async def links(self, organization_id: str | None = None,
                    limit: int = 100) -> list[LinkView]:
        """Links newest first, with their state (never the token), for the command line."""
        sender = Operator.__table__.alias("sender")
        stmt = (select(ActivationLink, Organization.name, sender.c.email)
                .join(Organization, Organization.id == ActivationLink.organization_id)
                .join(sender, sender.c.id == ActivationLink.created_by_id)
                .order_by(ActivationLink.created_at.desc(), ActivationLink.id.desc())
                .limit(limit))
        if organization_id is not None:
            stmt = stmt.where(ActivationLink.organization_id == organization_id)
        now = self._clock()
        async with self._sessions() as session:
            rows = (await session.execute(stmt)).all()
        return [LinkView(link.id, link.organization_id, name, link.recipient_email,
                         link.language, email, _aware(link.created_at),
                         _aware(link.expires_at), link_state(link, now),
                         _aware(link.opened_at) if link.opened_at else None,
                         _aware(link.used_at) if link.used_at else None, link.tenant_id)
                for link, name, email in rows]

    # -- audit --------------------------------------------------------------------

    async def _sender_org(self, link_id: int) -> str | None:
        async with self._sessions() as session:
            return (await session.execute(select(Operator.organization_id).join(
                ActivationLink, ActivationLink.created_by_id == Operator.id).where(
                ActivationLink.id == link_id))).scalar_one_or_none()

    @staticmethod
    def _event(actor: str, organization_id: str | None, action: str, target: str,
               before: dict[str, Any] | None, after: dict[str, Any] | None,
               cid: str | None) -> AuditEvent:
        return AuditEvent(actor=actor, organization_id=organization_id, action=action,
                          target=target, before=before, after=after, correlation_id=cid)

    async def _audit_alone(self, actor: str, organization_id: str | None, action: str,
                           target: str, after: dict[str, Any], cid: str | None) -> None:
        async with self._sessions() as session, session.begin():
            session.add(self._event(actor, organization_id, action, target, None, after, cid))


def _new_id(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "customer"
    return f"cust-{slug}-{secrets.token_hex(3)}"
