"""The "Download CSV" link of a list, ranking or breakdown card: the question as
structured data, bound to the asking operator (services.exports)."""

from __future__ import annotations

from bot.turn.context import Request
from services.exports import ExportQuestion
from services.understanding.model import Filters


def question_of(req: Request, intent: str, kind: str | None, filters: Filters, *,
                measure: str | None = None, group_by: str | None = None,
                limit: int | None = None) -> ExportQuestion:
    return ExportQuestion(intent=intent, kind=kind, language=req.tr.language,
                          today=req.today, filters=filters, measure=measure,
                          group_by=group_by, limit=limit)


async def export_link(req: Request, question: ExportQuestion, has_items: bool) -> str | None:
    """A new single-use link for this operator, when the card has anything to export."""
    if not has_items:
        return None
    return await req.services.exports.link(req.scope, question)
