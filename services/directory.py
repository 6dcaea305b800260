"""Directory queries over the partner network. Every query takes the caller's Scope
and filters in SQL; results are plain dataclasses."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.db.models import Organization
from services.scope import PAGE_OF_KIND, Page, Scope


class NotFound(Exception):  # noqa: N818 - a domain outcome
    """No such organization in the caller's scope (outside scope looks exactly the same)."""


@dataclass(frozen=True)
class OrgSummary:
    id: str
    name: str
    kind: str
    parent_id: str | None
    onboarding: str


@dataclass(frozen=True)
class OrgPage:
    items: list[OrgSummary]
    total: int
    offset: int


def _summary(o: Organization) -> OrgSummary:
    return OrgSummary(o.id, o.name, o.kind, o.parent_id, o.onboarding)


class Directory:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def list_organizations(
        self, scope: Scope, kind: str, *, offset: int = 0, limit: int | None = None
    ) -> OrgPage:
        """Organizations of KIND in scope, by name. Refuses a page the scope lacks."""
        scope.require_page(PAGE_OF_KIND[kind])
        base = scope.restrict(select(Organization), Organization.id).where(
            Organization.kind == kind)
        count = scope.restrict(select(func.count()).select_from(Organization),
                               Organization.id).where(Organization.kind == kind)
        stmt = base.order_by(Organization.name, Organization.id).offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        async with self._sessions() as session:
            total = (await session.execute(count)).scalar_one()
            rows = (await session.execute(stmt)).scalars().all()
        return OrgPage([_summary(o) for o in rows], total, offset)

    async def get_organization(self, scope: Scope, org_id: str) -> OrgSummary:
        """One organization in scope; NotFound whether it is unknown or out of scope."""
        stmt = scope.restrict(select(Organization), Organization.id).where(
            Organization.id == org_id)
        async with self._sessions() as session:
            org = (await session.execute(stmt)).scalar_one_or_none()
        if org is None or not scope.can_view(PAGE_OF_KIND.get(org.kind, Page.OPERATORS)):
            raise NotFound(org_id)
        return _summary(org)
