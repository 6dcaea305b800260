"""The live data feed: the system of record pushes `partner-network/1` documents as
changes (upserts, and records marked `"removed": true`).

A request is validated whole and applied in one transaction with the import's own rules
(`NetworkImporter.apply_in`), with its audit event and its idempotency record. After the
commit, what matters to people is announced: pending digests are rebuilt without renewed
or removed licences (and with new onboarding states), and licence counts that moved by
more than the alert threshold are told to the channels that follow them.

Operators and their roles come only from `partnerbot import`, unless FEED_MANAGES_OPERATORS
lets the feed change them: by default a document with an `operators` section is refused
whole (403), so the billing system cannot make anyone an admin."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.batches import chunks
from services.db.models import AuditEvent, FeedRequest, Organization, Subscription
from services.network.importer import ImportResult, NetworkImporter
from services.network.validate import NetworkValidationError
from services.notifications import NotificationService
from services.notifications.service import Render, RenderChange
from services.notifications.views import LicenseChange

logger = logging.getLogger(__name__)

KEEP_KEYS = dt.timedelta(days=1)  # how long an Idempotency-Key answers a retry


@dataclass(frozen=True)
class FeedResponse:
    status: int
    body: dict[str, Any]
    replayed: bool = False


@dataclass(frozen=True)
class _State:
    """The licences and onboarding states a document touches, read before and after."""

    subscriptions: dict[str, tuple[str, str, dt.date, int]]  # id -> (org, sku, expiry, licences)
    onboarding: dict[str, str]  # organization id -> state


OPERATORS_REFUSED = ("this feed may not add, change or remove operators or their roles "
                     "(FEED_MANAGES_OPERATORS is false): nothing was applied")


def _has_operators(doc: Any) -> bool:
    """Whether DOC touches operators at all (an empty list is no change)."""
    return isinstance(doc, dict) and "operators" in doc and doc["operators"] != []


def _ids(doc: Any, section: str, key: str) -> list[str]:
    records = doc.get(section) if isinstance(doc, dict) else None
    if not isinstance(records, list):
        return []
    return [r[key] for r in records if isinstance(r, dict) and isinstance(r.get(key), str)]


class FeedService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 notifications: NotificationService, alert_pct: float, *,
                 render_digest: Render, render_change: RenderChange,
                 manages_operators: bool = False) -> None:
        self._sessions = sessions
        self._manages_operators = manages_operators
        self._importer = NetworkImporter(sessions, notifications.owners)
        self._notifications = notifications
        self._alert_pct = alert_pct
        self._render_digest = render_digest
        self._render_change = render_change

    async def replayed(self, caller: str, key: str | None) -> FeedResponse | None:
        if not key:
            return None
        async with self._sessions() as session:
            row = await session.get(FeedRequest, (caller, key))
        return FeedResponse(row.status, row.response, replayed=True) if row else None

    async def apply(self, caller: str, doc: Any, *, key: str | None = None,
                    cid: str | None = None) -> FeedResponse:
        """Apply DOC for CALLER in one transaction; 200 with the counts, or 422 naming
        every wrong record and field (nothing written but the audit and, with KEY, the
        response kept for retries); 403 for operators without FEED_MANAGES_OPERATORS."""
        if not self._manages_operators and _has_operators(doc):
            await self.refused(caller, {"operators": "FEED_MANAGES_OPERATORS is false"}, cid)
            return FeedResponse(403, {"status": "refused", "error": OPERATORS_REFUSED})
        first = await self.replayed(caller, key)
        if first is not None:
            return first
        try:
            async with self._sessions() as session, session.begin():
                before = await self._state(session, _ids(doc, "subscriptions", "id"),
                                           _ids(doc, "organizations", "id"))
                result = await self._importer.apply_in(session, doc)
                response = FeedResponse(200, {"status": "applied", **result.as_dict()})
                session.add(self._audit(caller, "feed.applied", result.as_dict(), cid))
                await self._remember(session, caller, key, response)
        except IntegrityError:
            # The same Idempotency-Key arrived twice at once: the other request applied
            # the document; answer what it answered.
            again = await self.replayed(caller, key)
            if again is None:
                raise
            return again
        except NetworkValidationError as exc:
            problems = [{"section": p.section, "record": p.record, "field": p.field,
                         "message": p.message} for p in exc.problems[:200]]
            response = FeedResponse(422, {"status": "refused", "problems": problems,
                                          "count": len(exc.problems)})
            async with self._sessions() as session, session.begin():
                session.add(self._audit(caller, "feed.refused",
                                        {"problems": len(exc.problems)}, cid))
                await self._remember(session, caller, key, response)
            return response
        try:
            await self._announce(before, result)
        except Exception:  # noqa: BLE001 - the changes are applied; telling people is extra
            logger.exception("feed cid=%s: applied, but the announcements failed", cid)
        return response

    async def refused(self, caller: str, why: dict[str, Any], cid: str | None) -> None:
        """Audit a refusal of CALLER that wrote nothing (`feed.refused`)."""
        async with self._sessions() as session, session.begin():
            session.add(self._audit(caller, "feed.refused", why, cid))

    @staticmethod
    async def _remember(session: AsyncSession, caller: str, key: str | None,
                        response: FeedResponse) -> None:
        """Keep the response for retries with the same key, for KEEP_KEYS; older keys go."""
        if not key:
            return
        await session.execute(delete(FeedRequest).where(
            FeedRequest.created_at < dt.datetime.now(dt.UTC) - KEEP_KEYS))
        session.add(FeedRequest(caller=caller, idempotency_key=key, status=response.status,
                                response=response.body))

    @staticmethod
    async def _state(session: AsyncSession, sub_ids: list[str], org_ids: list[str]) -> _State:
        subs: dict[str, tuple[str, str, dt.date, int]] = {}
        for part in chunks(sub_ids):
            rows = (await session.execute(select(
                Subscription.id, Subscription.organization_id, Subscription.sku_code,
                Subscription.expires_on, Subscription.licenses).where(
                Subscription.id.in_(part)))).all()
            subs.update({r.id: (r.organization_id, r.sku_code, r.expires_on, r.licenses)
                         for r in rows})
        onboarding: dict[str, str] = {}
        for part in chunks(org_ids):
            states = (await session.execute(select(Organization.id, Organization.onboarding)
                                            .where(Organization.id.in_(part)))).all()
            onboarding.update({r.id: r.onboarding for r in states})
        return _State(subs, onboarding)

    async def _announce(self, before: _State, result: ImportResult) -> None:
        """Renewals, removals and onboardings rebuild pending digests; large licence
        changes are told to the channels that follow the organization."""
        if not result.changed:
            return
        async with self._sessions() as session:
            now = await self._state(session, list(before.subscriptions),
                                    list(before.onboarding))
        onboarded = [oid for oid, state in before.onboarding.items()
                     if now.onboarding.get(oid, state) != state]
        touched = {sid for sid, old in before.subscriptions.items()
                   if sid not in now.subscriptions or now.subscriptions[sid][2] != old[2]}
        changes = []
        for sid, (_org, _sku, _expiry, licenses) in before.subscriptions.items():
            if sid not in now.subscriptions:
                continue
            org, sku, _expires, after = now.subscriptions[sid]
            if after != licenses and abs(after - licenses) * 100 / max(licenses, 1) \
                    > self._alert_pct:
                changes.append(LicenseChange(org, sid, sku, licenses, after))
        if touched or onboarded:
            refreshed = await self._notifications.refresh_pending(touched, onboarded,
                                                                 self._render_digest)
            logger.info("feed: %d pending digests rebuilt", refreshed)
        if changes:
            queued = await self._notifications.license_alerts(changes, self._render_change)
            logger.info("feed: %d licence changes told to %d conversations", len(changes),
                        queued)

    @staticmethod
    def _audit(caller: str, action: str, after: dict[str, Any],
               cid: str | None) -> AuditEvent:
        return AuditEvent(actor=caller[:320], organization_id=None, action=action,
                          target="feed", before=None, after=after, correlation_id=cid)
