"""Rankings ("top 5 customers by licenses", "which partner has the most customers") and
breakdowns ("licenses per SKU", "expiries per month"): SPEC sections 1 and 5."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

from babel import Locale

from bot.handlers.common import described, not_found
from bot.handlers.export_links import export_link, question_of
from bot.turn.context import Reply, Request
from cards.breakdown import BreakdownView, breakdown_card
from cards.ranking import RankingView, ranking_card
from services.directory import effective_filters
from services.directory.rankings import DEFAULT_LIMIT, MAX_LIMIT, Group, Rankings
from services.exports import ExportQuestion
from services.understanding.model import Intent


def _show_parent(req: Request, kind: str) -> bool:
    """A parent column where the viewer sees several levels (as lists do)."""
    return (kind == "customer" and req.scope.org_kind != "partner"
            or kind == "partner" and req.scope.org_kind == "provider")


async def ranking_view(req: Request) -> tuple[RankingView, ExportQuestion]:
    """The ranking the question asks for, and the question an export asks again."""
    q = req.query
    kind = q.kind or "customer"
    filters = effective_filters(q.filters, req.today)
    limit = max(1, min(q.limit or DEFAULT_LIMIT, MAX_LIMIT))
    measure = q.measure or "licenses"
    ranking = await Rankings(req.services.directory).ranking(
        req.scope, kind, measure, filters, req.today, limit)
    view = RankingView(ranking, await described(req, filters), limit,
                       _show_parent(req, kind), req.today)
    return view, question_of(req, Intent.RANKING, kind, filters, measure=measure, limit=limit)


async def handle_ranking(req: Request) -> Reply:
    if req.query.unknown_name:
        return not_found(req, req.query.unknown_name)
    view, export = await ranking_view(req)
    ranking = view.ranking
    view = replace(view, export_url=await export_link(req, export, bool(ranking.items)))
    items = [{"id": i.id, "name": i.name, "value": i.value} for i in ranking.items]
    answer = {"intent": Intent.RANKING, "kind": ranking.kind, "measure": ranking.measure,
              "items": items, "total": len(items)}
    return Reply(Intent.RANKING, ranking_card(view, req.tr), answer,
                 export=export if view.export_url else None)


def _named(groups: list[Group], group_by: str, language: str,
           month: Callable[[dt.date], str]) -> list[Group]:
    """Countries and months named in the reply's language (ids stay ISO / YYYY-MM)."""
    if group_by == "country":
        territories = Locale.parse(language).territories
        return [replace(g, name=territories.get(g.id, g.id)) for g in groups]
    if group_by == "month":
        return [replace(g, name=month(dt.date(int(g.id[:4]), int(g.id[5:7]), 1)))
                for g in groups]
    return groups


async def breakdown_view(req: Request) -> tuple[BreakdownView, ExportQuestion]:
    """The breakdown the question asks for, and the question an export asks again."""
    q = req.query
    group_by = q.group_by or "partner"
    measure = q.measure or ("expiries" if group_by == "month" else "organizations")
    filters = effective_filters(q.filters, req.today)
    result = await Rankings(req.services.directory).breakdown(
        req.scope, q.kind, measure, group_by, filters, req.today)
    groups = _named(result.groups, group_by, req.tr.language, req.tr.month)
    view = BreakdownView(result.kind, measure, group_by, groups,
                         await described(req, filters), req.today, result.months)
    return view, question_of(req, Intent.BREAKDOWN, q.kind, filters, measure=measure,
                             group_by=group_by)


async def handle_breakdown(req: Request) -> Reply:
    if req.query.unknown_name:
        return not_found(req, req.query.unknown_name)
    view, export = await breakdown_view(req)
    view = replace(view, export_url=await export_link(req, export, bool(view.groups)))
    answer = {"intent": Intent.BREAKDOWN, "kind": view.kind, "measure": view.measure,
              "group_by": view.group_by,
              "groups": [{"id": g.id, "name": g.name, "value": g.value} for g in view.groups]}
    return Reply(Intent.BREAKDOWN, breakdown_card(view, req.tr), answer,
                 export=export if view.export_url else None)
