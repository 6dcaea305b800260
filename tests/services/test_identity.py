"""Teams SSO binding (services/identity.py) with real tokens signed by the local issuer,
on SQLite and PostgreSQL: an operator is bound by its immutable object id and tenant; a
first sign-in binds by e-mail only from the organization's own tenant; a token with a
bound operator's e-mail but another object id is refused and audited."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select, update

from services.db.engine import Database
from services.db.models import AuditEvent, Operator, Organization
from services.identity import EntraTokenValidator, IdentityService, SignInRefused
from services.network.importer import NetworkImporter
from tests.support.jwt_issuer import LocalIssuer

BOT_ID = "5a2c0f4e-7d0b-4b8e-9a57-0b6b2f6c1d11"
AUDIENCE = f"api://botid-{BOT_ID}"
ALICE_AAD = "634cd7e1-1cfd-591b-bd2f-417196023cf5"
CONTOSO = "4ebb284a-b03c-52a7-8795-819416500e20"
FABRIKAM = "cece167b-edfa-5a39-9804-0b3be068de6e"
ATTACKER_AAD = "99999999-2222-4333-8444-555555555555"
DORA_AAD = "11111111-2222-4333-8444-555555555555"


@pytest.fixture
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as local:
        yield local


def token(issuer: LocalIssuer, oid: str, username: str, tid: str) -> str:
    return issuer.token(AUDIENCE, issuer=f"https://login.microsoftonline.com/{tid}/v2.0",
                        extra={"oid": oid, "tid": tid, "preferred_username": username,
                               "name": "Test"})


def identity(db: Database, issuer: LocalIssuer) -> IdentityService:
    return IdentityService(db.sessions, EntraTokenValidator(issuer.metadata_url,
                                                            [BOT_ID, AUDIENCE]), 3600)


async def add_operator(db: Database, email: str, organization: str,
                       org: dict[str, Any] | None = None) -> None:
    doc: dict[str, Any] = {"format": "partner-network/1", "operators": [
        {"email": email, "name": "Dora New", "organization": organization,
         "roles": ["reader"]}]}
    if org is not None:
        doc["organizations"] = [org]
    await NetworkImporter(db.sessions).import_document(doc)


async def operator(db: Database, email: str) -> Operator:
    async with db.sessions() as session:
        return (await session.execute(select(Operator).where(
            Operator.email == email))).scalar_one()


async def audit(db: Database, action: str) -> list[AuditEvent]:
    async with db.sessions() as session:
        return list((await session.execute(select(AuditEvent).where(
            AuditEvent.action == action).order_by(AuditEvent.id))).scalars())


async def test_an_organization_without_a_tenant_cannot_bind_by_email(
        demo_db: Database, issuer: LocalIssuer) -> None:
    """Fail closed: with no tenant to compare, any tenant's account with a matching
    preferred_username would otherwise take the operator over."""
    await add_operator(demo_db, "dora.new@notenant.example", "p-notenant", org={
        "id": "p-notenant", "name": "No Tenant Partners", "kind": "partner",
        "parent": "d-alpha", "domain": "notenant.example"})
    ids = identity(demo_db, issuer)
    with pytest.raises(SignInRefused) as refused:
        await ids.sign_in(token(issuer, DORA_AAD, "dora.new@notenant.example", FABRIKAM),
                          DORA_AAD, FABRIKAM)
    assert refused.value.reason == "tenant_mismatch"
    op = await operator(demo_db, "dora.new@notenant.example")
    assert op.aad_object_id is None and op.tenant_id is None
    (event,) = await audit(demo_db, "operator.sign_in_refused")
    assert event.after == {"reason": "tenant_mismatch", "oid": DORA_AAD, "tid": FABRIKAM}


async def test_first_binding_from_another_tenant_is_refused_and_audited(
        demo_db: Database, issuer: LocalIssuer) -> None:
    await add_operator(demo_db, "dora.new@contoso.example", "p-contoso")
    with pytest.raises(SignInRefused) as refused:
        await identity(demo_db, issuer).sign_in(
            token(issuer, DORA_AAD, "dora.new@contoso.example", FABRIKAM), DORA_AAD, FABRIKAM)
    assert refused.value.reason == "tenant_mismatch"
    assert (await operator(demo_db, "dora.new@contoso.example")).aad_object_id is None
    (event,) = await audit(demo_db, "operator.sign_in_refused")
    assert (event.target, event.organization_id) == ("dora.new@contoso.example", "p-contoso")
    # From the organization's tenant the first sign-in binds the object id and tenant,
    ids = identity(demo_db, issuer)
    scope = await ids.sign_in(token(issuer, DORA_AAD, "Dora.New@contoso.example", CONTOSO),
                              DORA_AAD, CONTOSO)
    op = await operator(demo_db, "dora.new@contoso.example")
    assert (op.aad_object_id, op.tenant_id) == (DORA_AAD, CONTOSO)
    # and later ones are found by the object id, whatever the e-mail says by then.
    again = await ids.sign_in(token(issuer, DORA_AAD, "dora.renamed@contoso.example",
                                    CONTOSO), DORA_AAD, CONTOSO)
    assert again.operator_id == scope.operator_id


async def test_same_email_another_object_id_is_refused_and_audited(
        demo_db: Database, issuer: LocalIssuer) -> None:
    forged = token(issuer, ATTACKER_AAD, "alice.durand@contoso.example", CONTOSO)
    with pytest.raises(SignInRefused) as refused:
        await identity(demo_db, issuer).sign_in(forged, ATTACKER_AAD, CONTOSO)
    assert refused.value.reason == "bound_elsewhere"
    alice = await operator(demo_db, "alice.durand@contoso.example")
    assert alice.aad_object_id == ALICE_AAD  # unchanged
    (event,) = await audit(demo_db, "operator.sign_in_refused")
    assert event.target == "alice.durand@contoso.example"
    assert event.organization_id == "p-contoso"
    assert event.after == {"reason": "bound_elsewhere", "oid": ATTACKER_AAD, "tid": CONTOSO}
    dump = json.dumps([event.actor, event.target, event.before, event.after])
    assert forged not in dump and forged.split(".")[2] not in dump  # never the token


async def test_the_operators_own_tenant_must_match_too(demo_db: Database,
                                                       issuer: LocalIssuer) -> None:
    """Bound in one tenant, the same object id from another one is refused, even when
    the organization has no tenant (anymore) to compare with."""
    async with demo_db.sessions() as session, session.begin():
        await session.execute(update(Organization).where(
            Organization.id == "p-contoso").values(tenant_id=None))
    with pytest.raises(SignInRefused) as refused:
        await identity(demo_db, issuer).sign_in(
            token(issuer, ALICE_AAD, "alice.durand@contoso.example", FABRIKAM),
            ALICE_AAD, FABRIKAM)
    assert refused.value.reason == "tenant_mismatch"
    # From its own tenant, the bound operator still signs in.
    scope = await identity(demo_db, issuer).sign_in(
        token(issuer, ALICE_AAD, "alice.durand@contoso.example", CONTOSO), ALICE_AAD, CONTOSO)
    assert scope.email == "alice.durand@contoso.example"


async def test_a_bound_operator_whose_organization_moved_tenant_is_refused(
        demo_db: Database, issuer: LocalIssuer) -> None:
    """The organization's tenant and the operator's bound tenant must both be the
    token's: a mismatch between them is not resolved in the token's favour."""
    async with demo_db.sessions() as session, session.begin():
        await session.execute(update(Organization).where(
            Organization.id == "p-contoso").values(tenant_id=FABRIKAM))
    with pytest.raises(SignInRefused) as refused:
        await identity(demo_db, issuer).sign_in(
            token(issuer, ALICE_AAD, "alice.durand@contoso.example", FABRIKAM),
            ALICE_AAD, FABRIKAM)
    assert refused.value.reason == "tenant_mismatch"
