"""The Operators page: who has access, additions (direct or by request), approvals,
role changes and removals (SPEC sections 1-3).

Every rule is decided here from the caller's Scope, never from card data: only an
active admin of the request's organization decides; nobody decides their own request;
a decided request cannot be decided again (a conditional UPDATE, so two admins
clicking at once give exactly one decision); an organization always keeps an admin.
Each change is one transaction with its audit event; a removal or a lost admin role
also settles, in that transaction, the subscriptions the operator made
(services/notifications/owners.py): personal ones end, channel ones pass to the
organization, whose admins are told, and nothing more is sent to a removed operator."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.clock import utc_now
from services.db.models import (
    AuditEvent,
    Operator,
    OperatorRequest,
    OperatorStatus,
    Organization,
    RequestStatus,
    Role,
)
from services.notifications.owners import SubscriptionOwners
from services.scope import Forbidden, Page, Right, Scope


class OperatorError(Exception):
    """A refused operator change; `code` says why (for a translated message)."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


@dataclass(frozen=True)
class OperatorView:
    email: str
    name: str
    role: str
    status: str
    added_by: str | None
    last_seen_at: dt.datetime | None


@dataclass(frozen=True)
class OperatorsPage:
    rows: list[OperatorView]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True)
class RequestView:
    id: int
    action: str  # add / change_role / remove
    organization_id: str
    email: str
    name: str | None
    role: str
    status: str
    requested_by: str
    requested_by_id: int
    decided_by: str | None
    decided_at: dt.datetime | None


@dataclass(frozen=True)
class AddOutcome:
    applied: bool  # True: the operator exists now; False: a request awaits approval
    request: RequestView | None = None


def _view(op: Operator) -> OperatorView:
    return OperatorView(op.email, op.name, op.role, op.status, op.added_by, op.last_seen_at)


class OperatorService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 owners: SubscriptionOwners | None = None) -> None:
        """OWNERS: how the subscriptions of an operator who leaves are settled (the
        notification service's, which can tell the admins; by default personal
        subscriptions end and channel ones are left to the next pass)."""
        self._sessions = sessions
        self._owners = owners or SubscriptionOwners()

    async def page(self, scope: Scope, *, offset: int = 0, limit: int = 15,
                   role: str | None = None) -> OperatorsPage:
        """The operators of the caller's own organization (admins only), paged. With ROLE
        ("who are the admins"): the active operators of that role (SPEC: admins = the
        admin role, readers = those without it)."""
        scope.require_page(Page.OPERATORS)
        where: tuple[Any, ...] = (Operator.organization_id == scope.organization_id,
                                  Operator.status != OperatorStatus.REMOVED)
        if role is not None:
            where = (Operator.organization_id == scope.organization_id,
                     Operator.status == OperatorStatus.ACTIVE, Operator.role == role)
        async with self._sessions() as session:
            total = (await session.execute(
                select(func.count()).select_from(Operator).where(*where))).scalar_one()
            rows = (await session.execute(select(Operator).where(*where).order_by(
                Operator.name, Operator.email).offset(offset).limit(limit))).scalars().all()
        return OperatorsPage([_view(o) for o in rows], int(total), offset, limit)

    async def count(self, scope: Scope, role: str | None = None) -> int:
        """How many active operators the caller's organization has (of ROLE)."""
        scope.require_page(Page.OPERATORS)
        where = [Operator.organization_id == scope.organization_id,
                 Operator.status == OperatorStatus.ACTIVE]
        if role is not None:
            where.append(Operator.role == role)
        async with self._sessions() as session:
            return int((await session.execute(
                select(func.count()).select_from(Operator).where(*where))).scalar_one())

    async def add(self, scope: Scope, email: str, name: str, role: str, *,
                  aad_object_id: str | None = None, cid: str | None = None,
                  requester_conversation: dict[str, Any] | None = None) -> AddOutcome:
        """An admin's addition applies at once (unless the organization requires approval);
        a reader's becomes a request for the admins."""
        if scope.org_kind == "customer" or role not in (Role.READER, Role.ADMIN):
            raise OperatorError("invalid")
        email = email.strip().lower()
        async with self._sessions() as session, session.begin():
            org = await session.get(Organization, scope.organization_id)
            assert org is not None
            existing = (await session.execute(select(Operator).where(
                Operator.email == email))).scalar_one_or_none()
            if existing is not None and existing.status != OperatorStatus.REMOVED:
                raise OperatorError("already_present")
            if existing is not None and existing.organization_id != scope.organization_id:
                raise OperatorError("already_present")
            if scope.is_admin and not org.require_approval:
                before = None
                if existing is None:
                    existing = Operator(email=email, name=name, organization_id=org.id)
                    session.add(existing)
                else:
                    before = {"status": existing.status, "role": existing.role}
                existing.name, existing.role = name, role
                existing.status, existing.added_by = OperatorStatus.ACTIVE, scope.email
                if aad_object_id and not existing.aad_object_id:
                    existing.aad_object_id = aad_object_id.lower()
                self._audit(session, scope, "operator.added", email, before,
                            {"role": role, "status": "active"}, cid)
                return AddOutcome(applied=True)
            pending = (await session.execute(select(OperatorRequest.id).where(
                OperatorRequest.organization_id == org.id, OperatorRequest.email == email,
                OperatorRequest.status == RequestStatus.PENDING))).first()
            if pending is not None:
                raise OperatorError("already_requested")
            request = OperatorRequest(
                action="add", organization_id=org.id, requested_by_id=scope.operator_id,
                email=email, name=name, role=role, status=RequestStatus.PENDING,
                requester_conversation=requester_conversation, card_refs=[])
            session.add(request)
            await session.flush()
            self._audit(session, scope, "operator_request.created", email, None,
                        {"request": request.id, "role": role}, cid)
            view = await self._request_view(session, request)
        return AddOutcome(applied=False, request=view)

    async def presence(self, scope: Scope, email: str) -> str | None:
        """'already_present' / 'already_requested' when adding EMAIL would be refused."""
        email = email.strip().lower()
        async with self._sessions() as session:
            op = (await session.execute(select(Operator.status).where(
                Operator.email == email))).scalar_one_or_none()
            if op is not None and op != OperatorStatus.REMOVED:
                return "already_present"
            pending = (await session.execute(select(OperatorRequest.id).where(
                OperatorRequest.organization_id == scope.organization_id,
                OperatorRequest.email == email,
                OperatorRequest.status == RequestStatus.PENDING))).first()
        return "already_requested" if pending is not None else None

    async def decide(self, scope: Scope, request_id: int, approve: bool, *,
                     cid: str | None = None) -> RequestView:
        """Approve or reject a pending request, once, as an admin of its organization."""
        async with self._sessions() as session:
            request = await session.get(OperatorRequest, request_id)
            allowed = request is not None and scope.is_admin and \
                request.organization_id == scope.organization_id
        if not allowed:  # a forged or stale invoke: changes nothing, but is recorded
            async with self._sessions() as session, session.begin():
                self._audit(session, scope, "operator_request.forbidden", str(request_id),
                            None, {"approve": approve}, cid)
            raise Forbidden(right=Right.MANAGE_OPERATORS)
        async with self._sessions() as session, session.begin():
            request = await session.get(OperatorRequest, request_id)
            assert request is not None
            if request.requested_by_id == scope.operator_id:
                raise OperatorError("own_request")
            status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
            decided = await session.execute(
                update(OperatorRequest)
                .where(OperatorRequest.id == request_id,
                       OperatorRequest.status == RequestStatus.PENDING)
                .values(status=status, decided_by_id=scope.operator_id, decided_at=utc_now()))
            if decided.rowcount != 1:  # type: ignore[attr-defined]
                raise OperatorError("already_decided")
            if approve:
                await self._apply(session, request, scope.email)
            self._audit(session, scope, f"operator_request.{status}", request.email,
                        {"status": "pending"}, {"status": status}, cid)
        async with self._sessions() as session:
            fresh = await session.get(OperatorRequest, request_id)
            assert fresh is not None
            return await self._request_view(session, fresh)

    async def request_change(self, scope: Scope, action: str, email: str,
                             role: str | None = None, *, cid: str | None = None) -> RequestView:
        """A reader asks the admins to change a role or remove an operator."""
        if action not in ("change_role", "remove") or (
                action == "change_role" and role not in (Role.READER, Role.ADMIN)):
            raise OperatorError("invalid")
        async with self._sessions() as session, session.begin():
            target = await self._member(session, scope, email)
            pending = (await session.execute(select(OperatorRequest.id).where(
                OperatorRequest.organization_id == scope.organization_id,
                OperatorRequest.email == target.email, OperatorRequest.action == action,
                OperatorRequest.status == RequestStatus.PENDING))).first()
            if pending is not None:
                raise OperatorError("already_requested")
            request = OperatorRequest(
                action=action, organization_id=scope.organization_id,
                requested_by_id=scope.operator_id, email=target.email, name=target.name,
                role=role or target.role, status=RequestStatus.PENDING, card_refs=[])
            session.add(request)
            await session.flush()
            self._audit(session, scope, "operator_request.created", target.email, None,
                        {"request": request.id, "action": action, "role": role}, cid)
            return await self._request_view(session, request)

    async def _apply(self, session: AsyncSession, request: OperatorRequest,
                     approver: str) -> None:
        if request.action == "add":
            await self._apply_addition(session, request, approver)
            return
        op = (await session.execute(select(Operator).where(
            Operator.email == request.email, Operator.organization_id ==
            request.organization_id, Operator.status != OperatorStatus.REMOVED)
        )).scalar_one_or_none()
        if op is None:
            raise OperatorError("not_found")
        if op.role == Role.ADMIN and (request.action == "remove" or request.role != Role.ADMIN):
            await self._keep_an_admin(session, request.organization_id, op)
        if request.action == "remove":
            op.status = OperatorStatus.REMOVED
        else:
            op.role = request.role
        await self._settle(session, op)

    async def _apply_addition(self, session: AsyncSession, request: OperatorRequest,
                              approver: str) -> None:
        op = (await session.execute(select(Operator).where(
            Operator.email == request.email))).scalar_one_or_none()
        if op is None:
            session.add(Operator(email=request.email, name=request.name or request.email,
                                 organization_id=request.organization_id, role=request.role,
                                 status=OperatorStatus.ACTIVE, added_by=approver))
        elif op.status == OperatorStatus.REMOVED and \
                op.organization_id == request.organization_id:
            op.status, op.role, op.added_by = OperatorStatus.ACTIVE, request.role, approver

    async def change_role(self, scope: Scope, email: str, role: str, *,
                          cid: str | None = None) -> OperatorView:
        scope.require(Right.MANAGE_OPERATORS)
        if role not in (Role.READER, Role.ADMIN):
            raise OperatorError("invalid")
        async with self._sessions() as session, session.begin():
            op = await self._member(session, scope, email)
            if op.role == Role.ADMIN and role != Role.ADMIN:
                await self._keep_an_admin(session, scope.organization_id, op)
            before = {"role": op.role}
            op.role = role
            self._audit(session, scope, "operator.role_changed", op.email, before,
                        {"role": role}, cid)
            await self._settle(session, op)
            return _view(op)

    async def remove(self, scope: Scope, email: str, *, cid: str | None = None) -> None:
        scope.require(Right.MANAGE_OPERATORS)
        async with self._sessions() as session, session.begin():
            op = await self._member(session, scope, email)
            if op.role == Role.ADMIN:
                await self._keep_an_admin(session, scope.organization_id, op)
            before = {"status": op.status, "role": op.role}
            op.status = OperatorStatus.REMOVED
            self._audit(session, scope, "operator.removed", op.email, before,
                        {"status": "removed"}, cid)
            await self._settle(session, op)

    async def _settle(self, session: AsyncSession, op: Operator) -> None:
        """What the operator's change means for their subscriptions and queued
        messages, in the change's transaction."""
        await session.flush()
        await self._owners.settle(session, [op.id])
        if op.status != OperatorStatus.ACTIVE:
            await self._owners.silence(session, op.id)

    async def _member(self, session: AsyncSession, scope: Scope, email: str) -> Operator:
        op = (await session.execute(select(Operator).where(
            Operator.email == email.strip().lower(),
            Operator.organization_id == scope.organization_id,
            Operator.status != OperatorStatus.REMOVED))).scalar_one_or_none()
        if op is None:
            raise OperatorError("not_found")
        return op

    async def _keep_an_admin(self, session: AsyncSession, organization_id: str,
                             leaving: Operator) -> None:
        """Lock the organization's active admins and refuse to lose the last one."""
        admins = (await session.execute(select(Operator.id).where(
            Operator.organization_id == organization_id, Operator.role == Role.ADMIN,
            Operator.status == OperatorStatus.ACTIVE).with_for_update())).scalars().all()
        if [a for a in admins if a != leaving.id] == []:
            raise OperatorError("last_admin")

    async def request(self, scope: Scope, request_id: int) -> RequestView:
        async with self._sessions() as session:
            request = await session.get(OperatorRequest, request_id)
            if request is None or request.organization_id != scope.organization_id:
                raise OperatorError("not_found")
            return await self._request_view(session, request)

    async def add_card_refs(self, request_id: int, refs: list[dict[str, Any]]) -> None:
        """Remember where copies of a request's approval card were posted."""
        async with self._sessions() as session, session.begin():
            request = await session.get(OperatorRequest, request_id, with_for_update=True)
            if request is not None:
                request.card_refs = [*(request.card_refs or []), *refs]

    async def card_refs(self, request_id: int) -> list[dict[str, Any]]:
        async with self._sessions() as session:
            request = await session.get(OperatorRequest, request_id)
            return list(request.card_refs or []) if request is not None else []

    async def admins_of(self, organization_id: str) -> list[tuple[int, str, str | None]]:
        """(id, email, aad object id) of the active admins, to route approval cards."""
        async with self._sessions() as session:
            rows = (await session.execute(select(
                Operator.id, Operator.email, Operator.aad_object_id).where(
                Operator.organization_id == organization_id, Operator.role == Role.ADMIN,
                Operator.status == OperatorStatus.ACTIVE))).all()
        return [(r.id, r.email, r.aad_object_id) for r in rows]

    async def _request_view(self, session: AsyncSession, r: OperatorRequest) -> RequestView:
        names = dict((await session.execute(select(Operator.id, Operator.email).where(
            Operator.id.in_([r.requested_by_id, r.decided_by_id or -1])))).tuples().all())
        return RequestView(r.id, r.action, r.organization_id, r.email, r.name, r.role,
                           r.status,
                           names.get(r.requested_by_id, "?"), r.requested_by_id,
                           names.get(r.decided_by_id) if r.decided_by_id else None,
                           r.decided_at)

    @staticmethod
    def _audit(session: AsyncSession, scope: Scope, action: str, target: str,
               before: dict[str, Any] | None, after: dict[str, Any] | None,
               cid: str | None) -> None:
        session.add(AuditEvent(actor=scope.email, organization_id=scope.organization_id,
                               action=action, target=target, before=before, after=after,
                               correlation_id=cid))
