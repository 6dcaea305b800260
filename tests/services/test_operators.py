"""Operator management rules (issue 5): additions, requests and approvals, races, forged
decisions, role changes, removals and the last admin."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from services.db.engine import Database
from services.db.models import AuditEvent, Operator, OperatorRequest, Organization
from services.operators import OperatorError, OperatorService
from services.scope import Forbidden, Scope, ScopeService

ALICE = "alice.durand@contoso.example"  # admin, Contoso
CHLOE = "chloe.leroy@contoso.example"  # admin, Contoso
BRUNO = "bruno.petit@contoso.example"  # reader, Contoso
JAN = "jan.peeters@fabrikam.example"  # admin, Fabrikam


async def scope(db: Database, email: str) -> Scope:
    found = await ScopeService(db.sessions).for_email(email)
    assert found is not None
    return found


async def operator(db: Database, email: str) -> Operator | None:
    async with db.sessions() as session:
        return (await session.execute(select(Operator).where(
            Operator.email == email))).scalar_one_or_none()


async def audit(db: Database, action: str) -> list[AuditEvent]:
    async with db.sessions() as session:
        return list((await session.execute(select(AuditEvent).where(
            AuditEvent.action == action))).scalars())


async def test_an_admin_adds_at_once(demo_db: Database) -> None:
    service = OperatorService(demo_db.sessions)
    outcome = await service.add(await scope(demo_db, ALICE), "Jane@Contoso.example", "Jane",
                                "reader", cid="c1")
    assert outcome.applied
    jane = await operator(demo_db, "jane@contoso.example")
    assert jane is not None and jane.role == "reader" and jane.added_by == ALICE
    (event,) = await audit(demo_db, "operator.added")
    assert event.correlation_id == "c1" and event.organization_id == "p-contoso"
    with pytest.raises(OperatorError, match="already_present"):
        await service.add(await scope(demo_db, ALICE), "jane@contoso.example", "J", "admin")


async def test_a_readers_request_is_approved_then_the_operator_exists(
        demo_db: Database) -> None:
    service = OperatorService(demo_db.sessions)
    outcome = await service.add(await scope(demo_db, BRUNO), "kim@contoso.example", "Kim",
                                "reader")
    assert not outcome.applied and outcome.request is not None
    assert await operator(demo_db, "kim@contoso.example") is None
    with pytest.raises(OperatorError, match="already_requested"):
        await service.add(await scope(demo_db, BRUNO), "kim@contoso.example", "Kim", "reader")
    decided = await service.decide(await scope(demo_db, ALICE), outcome.request.id, True)
    assert decided.status == "approved" and decided.decided_by == ALICE
    kim = await operator(demo_db, "kim@contoso.example")
    assert kim is not None and kim.status == "active" and kim.organization_id == "p-contoso"
    with pytest.raises(OperatorError, match="already_decided"):
        await service.decide(await scope(demo_db, CHLOE), outcome.request.id, False)


async def test_rejection(demo_db: Database) -> None:
    service = OperatorService(demo_db.sessions)
    outcome = await service.add(await scope(demo_db, BRUNO), "lea@contoso.example", "Léa",
                                "admin")
    assert outcome.request is not None
    decided = await service.decide(await scope(demo_db, CHLOE), outcome.request.id, False)
    assert decided.status == "rejected"
    assert await operator(demo_db, "lea@contoso.example") is None


async def test_nobody_decides_their_own_request(demo_db: Database) -> None:
    async with demo_db.sessions() as session, session.begin():
        org = await session.get(Organization, "p-contoso")
        assert org is not None
        org.require_approval = True
    service = OperatorService(demo_db.sessions)
    outcome = await service.add(await scope(demo_db, ALICE), "max@contoso.example", "Max",
                                "reader")
    assert outcome.request is not None  # policy: even an admin's addition is a request
    with pytest.raises(OperatorError, match="own_request"):
        await service.decide(await scope(demo_db, ALICE), outcome.request.id, True)
    assert (await service.decide(await scope(demo_db, CHLOE), outcome.request.id,
                                 True)).status == "approved"


async def test_a_forged_decision_from_another_organization_changes_nothing(
        demo_db: Database) -> None:
    service = OperatorService(demo_db.sessions)
    outcome = await service.add(await scope(demo_db, BRUNO), "eve@contoso.example", "Eve",
                                "admin")
    assert outcome.request is not None
    for forger in (JAN, BRUNO):  # another org's admin; a reader of the same org
        with pytest.raises(Forbidden):
            await service.decide(await scope(demo_db, forger), outcome.request.id, True)
    async with demo_db.sessions() as session:
        request = await session.get(OperatorRequest, outcome.request.id)
        assert request is not None and request.status == "pending"
    assert await operator(demo_db, "eve@contoso.example") is None
    assert len(await audit(demo_db, "operator_request.forbidden")) == 2


async def test_two_admins_deciding_at_once_give_one_decision(demo_db: Database) -> None:
    service = OperatorService(demo_db.sessions)
    for round_ in range(5):
        outcome = await service.add(await scope(demo_db, BRUNO), f"race{round_}@contoso.example",
                                    "Race", "reader")
        assert outcome.request is not None
        results = await asyncio.gather(
            service.decide(await scope(demo_db, ALICE), outcome.request.id, True),
            service.decide(await scope(demo_db, CHLOE), outcome.request.id, False),
            return_exceptions=True)
        decided = [r for r in results if not isinstance(r, Exception)]
        refused = [r for r in results if isinstance(r, OperatorError)]
        assert len(decided) == 1 and len(refused) == 1, results
        assert refused[0].code == "already_decided"


async def test_roles_change_and_the_last_admin_stays(demo_db: Database) -> None:
    service = OperatorService(demo_db.sessions)
    alice = await scope(demo_db, ALICE)
    await service.change_role(alice, CHLOE, "reader")
    with pytest.raises(OperatorError, match="last_admin"):
        await service.change_role(alice, ALICE, "reader")
    with pytest.raises(OperatorError, match="last_admin"):
        await service.remove(alice, ALICE)
    await service.remove(alice, BRUNO)
    bruno = await operator(demo_db, BRUNO)
    assert bruno is not None and bruno.status == "removed"
    assert await ScopeService(demo_db.sessions).for_email(BRUNO) is None
    with pytest.raises(Forbidden):
        await service.change_role(await scope(demo_db, CHLOE), ALICE, "reader")  # a reader now
    with pytest.raises(OperatorError, match="not_found"):
        await service.remove(alice, JAN)  # not in her organization


async def test_operators_page(demo_db: Database) -> None:
    service = OperatorService(demo_db.sessions)
    page = await service.page(await scope(demo_db, ALICE), offset=0, limit=2)
    assert page.total == 3 and [r.email for r in page.rows] == [ALICE, BRUNO]
    with pytest.raises(Forbidden):
        await service.page(await scope(demo_db, BRUNO))
