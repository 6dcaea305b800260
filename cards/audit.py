"""The audit log of an organization (admins). One entry an event, without a table so that
e-mail addresses have the card's whole width on a phone: what was done with the date on
its right, then by whom and on what."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import Container, TextBlock

from cards.common import card, entry, fitting, inert, note, paragraph, title
from services.audit import AuditEntry
from services.i18n import Messages


def _entry(e: AuditEntry, tr: Messages, first: bool) -> Container:
    under = [note(tr("audit.by", who=inert(e.actor)))]
    if e.target:
        under.append(note(tr("audit.on", target=inert(e.target)), is_subtle=True))
    return entry([TextBlock(text=inert(e.action), wrap=True, weight="Bolder")],
                 [TextBlock(text=tr.date(e.at.date()), size="Small", is_subtle=True,
                            horizontal_alignment="Right")], under, first=first)


def audit_card(organization: str, entries: list[AuditEntry], tr: Messages) -> dict[str, Any]:
    body: list[Any] = [title(tr("audit.title", organization=inert(organization)))]
    if not entries:
        body.append(paragraph(tr("audit.empty")))
        return card(body)

    def build(n: int) -> dict[str, Any]:  # fewer when long names would not fit
        shown: list[Any] = [_entry(e, tr, i == 0) for i, e in enumerate(entries[:n])]
        if n < len(entries):
            shown.append(paragraph(tr("card.shown", shown=n, total=len(entries)),
                                   is_subtle=True, size="Small"))
        return card(body + shown)

    return fitting(build, len(entries))
