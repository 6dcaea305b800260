"""Name resolution for questions: fuzzy matches restricted to what the operator may see."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.db.meta import network_version
from services.db.models import Organization, OrgClosure, Sku
from services.scope import PAGE_OF_KIND, Scope
from services.understanding.names import Named, NameIndexCache, NameMatch
from services.understanding.parser import NameLookup


class NameResolver:
    """Shared by every turn of a process; the index follows the network version."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._cache = NameIndexCache()

    async def _load(self) -> list[Named]:
        async with self._sessions() as session:
            orgs = (await session.execute(
                select(Organization.id, Organization.name, Organization.kind))).all()
            skus = (await session.execute(select(Sku.code, Sku.name))).all()
        return [Named(o.id, o.name, o.kind) for o in orgs] + [
            Named(s.code, s.name, "sku") for s in skus]

    async def warm(self) -> None:
        """Build the index now (at start-up) rather than in a user's turn."""
        async with self._sessions() as session:
            version = await network_version(session)
        await self._cache.get(version, self._load)

    async def resolve(self, scope: Scope, tokens: Sequence[str],
                      anchors: Sequence[int]) -> list[NameMatch]:
        async with self._sessions() as session:
            version = await network_version(session)
        index = await self._cache.get(version, self._load)
        matches = index.match(tokens, anchors)
        org_ids = [m.item.id for m in matches if m.item.kind != "sku"]
        visible: set[str] = set()
        if org_ids:
            async with self._sessions() as session:
                visible = set((await session.execute(select(OrgClosure.descendant_id).where(
                    OrgClosure.ancestor_id == scope.organization_id, OrgClosure.depth > 0,
                    OrgClosure.descendant_id.in_(org_ids)))).scalars())
        # The operator's own organization may be named as a parent ("customers of <my
        # org>", SPEC section 1); the directory never shows it as a subject.
        own = scope.organization_id
        return [replace(m, own=True) if m.item.id == own else m for m in matches
                if m.item.kind == "sku" or m.item.id == own
                or (m.item.id in visible and scope.can_view(PAGE_OF_KIND[m.item.kind]))]

    def bind(self, scope: Scope) -> NameLookup:
        """The resolver understanding calls for this operator's questions."""

        async def resolve(tokens: Sequence[str], anchors: Sequence[int]) -> list[NameMatch]:
            return await self.resolve(scope, tokens, anchors)
        return resolve
