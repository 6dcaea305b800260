"""The scope component: who sees what (SPEC section 2).

A Scope is built on the server from the authenticated operator, never from data a
client sends back. Every directory query and every action goes through it:
`Scope.restrict` joins a statement to the organization tree so only strict
descendants of the operator's organization can come back, in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import Select, and_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from services.batches import Lru
from services.db.meta import OPERATORS_VERSION, turn_version
from services.db.models import Operator, OperatorStatus, Organization, OrgClosure, OrgKind, Role

# One alias for every scoped statement: SQLAlchemy memoizes an alias's adapted columns, so
# building a statement does not adapt them again each time (a statement joins it once).
_TREE = aliased(OrgClosure, name="scope_tree")
SCOPE_CACHE_SIZE = 10_000  # operators whose scope a process keeps

S = TypeVar("S", bound=Select[*tuple[Any, ...]])


class Page(StrEnum):
    CUSTOMERS = "customers"
    PARTNERS = "partners"
    DISTRIBUTORS = "distributors"
    OPERATORS = "operators"


class Right(StrEnum):
    READ = "read"
    MANAGE_OPERATORS = "manage_operators"
    SEND_ACTIVATION = "send_activation"
    MANAGE_NOTIFICATIONS = "manage_notifications"


PAGE_OF_KIND: dict[str, Page] = {
    OrgKind.CUSTOMER: Page.CUSTOMERS,
    OrgKind.PARTNER: Page.PARTNERS,
    OrgKind.DISTRIBUTOR: Page.DISTRIBUTORS,
}
KIND_OF_PAGE: dict[Page, str] = {page: kind for kind, page in PAGE_OF_KIND.items()}

# SPEC section 2: the pages each org kind has (the operators page: admins only).
PAGES_BY_ORG_KIND: dict[str, frozenset[Page]] = {
    OrgKind.PROVIDER: frozenset(
        {Page.CUSTOMERS, Page.PARTNERS, Page.DISTRIBUTORS, Page.OPERATORS}),
    OrgKind.DISTRIBUTOR: frozenset({Page.CUSTOMERS, Page.PARTNERS, Page.OPERATORS}),
    OrgKind.PARTNER: frozenset({Page.CUSTOMERS, Page.OPERATORS}),
    OrgKind.CUSTOMER: frozenset(),
}

ADMIN_RIGHTS = frozenset(
    {Right.READ, Right.MANAGE_OPERATORS, Right.SEND_ACTIVATION, Right.MANAGE_NOTIFICATIONS})
READER_RIGHTS = frozenset({Right.READ})


class Forbidden(Exception):  # noqa: N818 - a domain outcome, not a programming error
    """The operator may not see this page or take this action.

    `page` or `right` says what was asked, so the reply can name who may."""

    def __init__(self, *, page: Page | None = None, right: Right | None = None) -> None:
        self.page = page
        self.right = right
        super().__init__(f"forbidden: page={page} right={right}")


@dataclass(frozen=True)
class Scope:
    operator_id: int
    email: str
    name: str
    organization_id: str
    organization_name: str
    org_kind: str
    role: str
    tenant_id: str | None = None  # the organization's Microsoft 365 tenant

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def rights(self) -> frozenset[Right]:
        return ADMIN_RIGHTS if self.is_admin else READER_RIGHTS

    def can(self, right: Right) -> bool:
        return right in self.rights

    def can_view(self, page: Page) -> bool:
        if page not in PAGES_BY_ORG_KIND.get(self.org_kind, frozenset()):
            return False
        return page is not Page.OPERATORS or self.is_admin

    def require_page(self, page: Page) -> None:
        if not self.can_view(page):
            raise Forbidden(page=page)

    def require(self, right: Right) -> None:
        if not self.can(right):
            raise Forbidden(right=right)

    @property
    def pages(self) -> list[Page]:
        return [p for p in Page if self.can_view(p)]

    @property
    def visible_kinds(self) -> list[str]:
        return [KIND_OF_PAGE[p] for p in self.pages if p in KIND_OF_PAGE]

    def restrict(self, stmt: S, org_id_column: Any, kind: str | None = None) -> S:
        """Join STMT so only organizations strictly below the operator's one remain
        (of KIND only, when given: one index range)."""
        tree = _TREE
        condition = and_(
            tree.ancestor_id == self.organization_id,
            tree.depth > 0,
            tree.descendant_id == org_id_column,
        )
        if kind is not None:
            condition = and_(condition, tree.descendant_kind == kind)
        return stmt.join(tree, condition)


class ScopeService:
    """Builds scopes from operators proven by the platform (local mode: aadObjectId)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        # (lookup, value) -> (the operators version it was read at, the scope or None)
        self._cache: Lru[tuple[str, str], tuple[str, Scope | None]] = Lru(SCOPE_CACHE_SIZE)

    async def for_aad_object_id(self, aad_object_id: str | None) -> Scope | None:
        if not aad_object_id:
            return None
        aad = aad_object_id.lower()
        return await self._cached(("aad", aad), Operator.aad_object_id == aad)

    async def for_operator_id(self, operator_id: int) -> Scope | None:
        return await self._cached(("id", str(operator_id)), Operator.id == operator_id)

    async def for_email(self, email: str) -> Scope | None:
        address = email.strip().lower()
        return await self._cached(("email", address), Operator.email == address)

    async def _cached(self, key: tuple[str, str], condition: Any) -> Scope | None:
        """In a turn, the scope read at the operators version the turn reads (read
        before the scope, so a scope is never kept under a newer version than its own);
        any change to an operator or an operator's organization, by any instance, moves
        that version (a database trigger), so a removed operator is refused at once."""
        version = await turn_version(self._sessions, OPERATORS_VERSION)
        if version is None:
            return await self._load(condition)
        hit = self._cache.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]
        scope = await self._load(condition)
        self._cache.put(key, (version, scope))
        return scope

    async def _load(self, condition: Any) -> Scope | None:
        stmt = (
            select(Operator.id, Operator.email, Operator.name, Operator.role,
                   Organization.id.label("org_id"), Organization.name.label("org_name"),
                   Organization.kind, Organization.tenant_id)
            .join(Organization, Organization.id == Operator.organization_id)
            .where(condition, Operator.status == OperatorStatus.ACTIVE)
        )  # columns, not entities: every turn reads it
        async with self._sessions() as session:
            row = (await session.execute(stmt)).first()
        if row is None or row.kind == OrgKind.CUSTOMER:
            return None
        return Scope(
            operator_id=row.id, email=row.email, name=row.name, organization_id=row.org_id,
            organization_name=row.org_name, org_kind=row.kind, role=row.role,
            tenant_id=row.tenant_id,
        )
