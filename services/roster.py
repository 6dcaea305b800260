"""Operators added by e-mail, recognised on their first Teams message.

Without Teams SSO an operator is identified by the activity's `aadObjectId`, which an
operator added from Teams (by e-mail) does not have yet. On their first message the bot
asks the Bot Connector for the sender's roster entry: Microsoft's own word for the
user's object id, tenant and user principal name. The operator is bound when that UPN is
their e-mail, the roster's tenant is their organization's tenant, and they are not bound
to another object id yet; each binding and each refusal is audited."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.db.models import AuditEvent, Operator, OperatorStatus, Organization

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RosterMember:
    """The sender as the Bot Connector's roster describes them."""

    aad_object_id: str
    tenant_id: str
    user_principal_name: str


class RosterBinder:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def bind(self, member: RosterMember, activity_aad: str,
                   activity_tenant: str | None) -> int | None:
        """The operator id bound to MEMBER, or None (nobody to bind, or refused)."""
        aad = member.aad_object_id.strip().lower()
        tenant = member.tenant_id.strip().lower()
        upn = member.user_principal_name.strip().lower()
        if not aad or not tenant or not upn or aad != activity_aad.strip().lower():
            return None
        if activity_tenant and activity_tenant.strip().lower() != tenant:
            return None
        async with self._sessions() as session, session.begin():
            op = (await session.execute(select(Operator).where(
                Operator.email == upn).with_for_update())).scalar_one_or_none()
            if op is None or op.status != OperatorStatus.ACTIVE:
                return None
            reason = await self._refusal(session, op, aad, tenant)
            if reason is not None:
                logger.warning("operator %s not bound from the Teams roster: %s", op.id,
                               reason)
                session.add(AuditEvent(
                    actor=upn, action="operator.bind_refused", target=op.email,
                    organization_id=op.organization_id,
                    after={"reason": reason, "aad_object_id": aad, "tenant_id": tenant,
                           "via": "teams_roster"}))
                return None
            op.aad_object_id, op.tenant_id = aad, tenant
            op.last_seen_at = dt.datetime.now(dt.UTC)
            session.add(AuditEvent(actor=op.email, action="operator.bound", target=op.email,
                                   organization_id=op.organization_id,
                                   after={"aad_object_id": aad, "tenant_id": tenant,
                                          "via": "teams_roster"}))
            return op.id

    @staticmethod
    async def _refusal(session: AsyncSession, op: Operator, aad: str,
                       tenant: str) -> str | None:
        if op.aad_object_id:
            return None if op.aad_object_id.lower() == aad else "bound_elsewhere"
        org = await session.get(Organization, op.organization_id)
        if org is None or not org.tenant_id:
            return "organization_without_tenant"
        if org.tenant_id.lower() != tenant:
            return "tenant_mismatch"
        taken = (await session.execute(select(Operator.id).where(
            Operator.aad_object_id == aad, Operator.id != op.id))).scalar_one_or_none()
        return "object_id_in_use" if taken is not None else None
