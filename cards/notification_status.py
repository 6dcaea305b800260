"""'notification status': a conversation's subscriptions (lead days, time, zone, quiet
days, at-risk only, the monthly report), its last digest, its snoozes and what could not
be delivered."""

from __future__ import annotations

import datetime as dt
from typing import Any

from microsoft_teams.cards import Fact, FactSet

from cards.common import card, inert, paragraph, title
from cards.notifications import digest_facts, quiet_text, report_text, schedule_text
from services.i18n import Messages
from services.notifications.status import DeliveryStatus


def status_card(status: DeliveryStatus, tr: Messages, zone: str,
                today: dt.date) -> dict[str, Any]:
    """ZONE: the time zone the times are shown in (the conversation's subscription's)."""
    body: list[Any] = [title(tr("notify.status.title"))]
    if not status.subscriptions:
        body.append(paragraph(tr("notify.settings.none")))
    for view in status.subscriptions:
        body.append(FactSet(facts=[
            Fact(title=tr("notify.settings.scope"), value=inert(view.organization_name)),
            Fact(title=tr("notify.status.state"), value=tr(
                "notify.status.active") if view.active else tr(
                "notify.status.stopped", reason=view.deactivated_reason or "?")),
            *digest_facts(view, tr),
            Fact(title=tr("notify.settings.report"), value=report_text(view, today, tr)),
            Fact(title=tr("notify.settings.when"), value=schedule_text(view, tr)),
            Fact(title=tr("notify.settings.quiet"), value=quiet_text(view.quiet_days, tr)),
        ]))
    last = status.last_digest
    body.append(paragraph(tr("notify.status.last_digest", when=tr.moment(last.sent_at, zone),
                             items=tr.number(last.items)) if last
                          else tr("notify.status.no_digest")))
    if status.pending:
        body.append(paragraph(tr("notify.status.pending", count=tr.number(status.pending))))
    if status.snoozes:
        body.append(paragraph(tr("notify.status.snoozes", names=", ".join(
            tr("notify.status.snoozed_until", organization=inert(s.organization_name),
               date=tr.date(s.until)) for s in status.snoozes))))
    if not status.problems:
        body.append(paragraph(tr("notify.status.no_problems"), is_subtle=True))
        return card(body)
    body.append(paragraph(tr("notify.status.problems"), weight="Bolder"))
    body.append(FactSet(facts=[
        Fact(title=tr.moment(p.at, zone), value=tr(
            f"notify.status.{p.state}", kind=tr(f"notify.status.kind.{p.kind}"),
            error=inert(p.error or "?"), attempts=str(p.attempts)))
        for p in status.problems]))
    return card(body)
