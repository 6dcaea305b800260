"""Questions about the network: lists, counts, totals, one organization, operators."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.handlers.common import described, not_found
from bot.handlers.export_links import export_link, question_of
from bot.turn.context import BadCardData, Reply, Request
from cards.audit import audit_card
from cards.common import inert
from cards.describe import Described, describe
from cards.figures import count_card, total_card
from cards.lists import PAGE_SIZE, ListView, org_list_card
from cards.operators import operators_card
from cards.org import org_card
from services.activation import may_send_for
from services.directory import effective_filters
from services.directory.views import Figure, OrgRef
from services.understanding.model import Filters, Intent


def _items(refs: list[OrgRef]) -> list[dict[str, str]]:
    """SPEC section 5: an expiry list's items carry "status": "renewed" | "at_risk"."""
    return [{"id": r.id, "name": r.name, **({"status": r.renewal} if r.renewal else {})}
            for r in refs]


async def handle_list(req: Request, offset: int = 0) -> Reply:
    q = req.query
    if q.unknown_name:
        return not_found(req, q.unknown_name)
    kind = q.kind or "customer"
    filters = effective_filters(q.filters, req.today)  # the dates the card states
    page = await req.services.directory.search(
        req.scope, kind, filters, req.today, offset=offset, limit=PAGE_SIZE,
        want_all=req.full_answer)
    export = question_of(req, Intent.LIST, kind, filters)
    view = ListView(
        kind=kind, page=page, described=await described(req, filters),
        show_parent=kind == "customer" and req.scope.org_kind != "partner"
        or kind == "partner" and req.scope.org_kind == "provider",
        query_data={"intent": Intent.LIST, "kind": kind, "filters": filters.to_data()},
        export_url=await export_link(req, export, bool(page.rows)),
    )
    refs = page.all_items if page.all_items is not None else [
        OrgRef(r.id, r.name, r.renewal) for r in page.rows]
    answer = {"intent": Intent.LIST, "kind": kind, "items": _items(refs), "total": page.total}
    return Reply(Intent.LIST, org_list_card(view, req.tr), answer,
                 export=export if view.export_url else None)


async def handle_list_page(req: Request) -> Reply:
    """'Next' / 'Previous' on a list card: the same query, re-run for this operator."""
    data = req.data
    kind, offset = data.get("kind"), data.get("offset", 0)
    if kind not in {"customer", "partner", "distributor"} or isinstance(offset, bool) \
            or not isinstance(offset, int) or not 0 <= offset <= 10**7:
        raise BadCardData("bad list page data")
    try:
        filters = Filters.from_data(data.get("filters", {}))
    except (ValueError, KeyError) as exc:
        raise BadCardData(f"bad filters: {exc}") from None
    query = replace(req.query, intent=Intent.LIST, kind=kind, filters=filters)
    return await handle_list(replace(req, query=query), offset=offset)


def _heading(req: Request, kind: str, described: Described) -> str:
    return req.tr("count.title", kinds=req.tr(f"kinds.{kind}"),
                  description=describe(described, req.tr)).strip()


async def handle_count(req: Request) -> Reply:
    q = req.query
    if q.unknown_name:
        return not_found(req, q.unknown_name)
    kind = q.kind or "customer"
    filters = effective_filters(q.filters, req.today)
    figure = await req.services.directory.count(req.scope, kind, filters, req.today)
    stated = await described(req, filters)
    card = count_card(_heading(req, kind, stated), figure, filters.expiry is not None,
                      req.tr)
    return Reply(Intent.COUNT, card, {"intent": Intent.COUNT, "kind": kind,
                                      "value": figure.value})


async def handle_license_total(req: Request) -> Reply:
    q = req.query
    if q.unknown_name:
        return not_found(req, q.unknown_name)
    kind = q.kind or "customer"
    directory = req.services.directory
    filters = effective_filters(q.filters, req.today)
    figure = await directory.license_total(req.scope, kind, filters, req.today)
    stated = await described(req, filters)
    description = describe(stated, req.tr)
    kinds = req.tr(f"kinds.{kind}.lower")
    heading = req.tr("total.title.filtered", kinds=kinds, description=description) \
        if description else req.tr("total.title", kinds=kinds)
    card = total_card(heading, figure, await directory.sku_names(), req.tr)
    return Reply(Intent.LICENSE_TOTAL, card, {"intent": Intent.LICENSE_TOTAL, "kind": kind,
                                              "value": figure.value})


async def handle_org(req: Request) -> Reply:
    """One organization: its licenses, expiry, SKUs or all of it."""
    q = req.query
    if q.subject is None:
        return not_found(req, q.unknown_name)
    detail = await req.services.directory.detail(req.scope, q.subject, req.today)
    card = org_card(detail, q.intent, req.tr,
                    can_activate=may_send_for(req.scope, detail.kind, detail.onboarding))
    answer: dict[str, Any] = {"intent": q.intent}
    if q.intent == Intent.ORG_LICENSES:
        answer["value"] = detail.licenses
    elif q.intent == Intent.ORG_EXPIRY:
        answer["value"] = detail.expiry.isoformat() if detail.expiry else None
    elif q.intent == Intent.ORG_ONBOARDING:
        answer["value"] = detail.onboarding
    elif q.intent == Intent.ORG_SKUS:
        skus = detail.active_skus
        answer.update(items=[{"id": s.id, "name": s.name} for s in skus], total=len(skus))
    else:
        answer.update(items=[{"id": detail.id, "name": detail.name}], total=1)
    return Reply(q.intent, card, answer)


async def handle_show_org(req: Request) -> Reply:
    org = req.data.get("org")
    if not isinstance(org, str) or not 0 < len(org) <= 64:
        raise BadCardData("bad organization id")
    query = replace(req.query, intent=Intent.ORG_DETAILS, subject=org)
    return await handle_org(replace(req, query=query))


OPERATORS_PAGE_SIZE = 15


async def handle_operators(req: Request, offset: int = 0) -> Reply:
    limit = 10_000 if req.full_answer else OPERATORS_PAGE_SIZE
    role = req.query.role
    page = await req.services.operators.page(req.scope, offset=offset, limit=limit, role=role)
    card = operators_card(req.scope.organization_name, page, req.tr, role)
    items = [{"id": o.email, "name": o.name} for o in page.rows]
    return Reply(Intent.OPERATORS, card, {"intent": Intent.OPERATORS, "items": items,
                                          "total": page.total})


async def handle_operators_page(req: Request) -> Reply:
    offset, role = req.data.get("offset", 0), req.data.get("role")
    if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset <= 10**6:
        raise BadCardData("bad operators page offset")
    if role not in (None, "admin", "reader"):
        raise BadCardData("bad operators role")
    return await handle_operators(replace(req, query=replace(req.query, role=role)), offset)


async def handle_operator_count(req: Request) -> Reply:
    """How many active operators the organization has (of a role: "how many admins")."""
    role = req.query.role
    value = await req.services.operators.count(req.scope, role)
    key = f"operators.count.{role}" if role else "operators.count"
    heading = req.tr(key, organization=inert(req.scope.organization_name))
    card = count_card(heading, Figure(value, []), False, req.tr)
    return Reply(Intent.OPERATOR_COUNT, card, {"intent": Intent.OPERATOR_COUNT, "value": value})


async def handle_audit(req: Request) -> Reply:
    entries = await req.services.audit.for_admin(req.scope)
    card = audit_card(req.scope.organization_name, entries, req.tr)
    items = [{"id": f"{e.at.isoformat()} {e.action}", "name": e.target or ""} for e in entries]
    return Reply(Intent.AUDIT, card, {"intent": Intent.AUDIT, "items": items,
                                      "total": len(items)})
