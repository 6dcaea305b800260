"""The operators of an organization (the Operators page, admins only), paged. One entry
an operator, without a table so that an e-mail address has the card's whole width on a
phone: the name with the role on its right, then the e-mail, then the status, who added
them and when they were last seen."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import Container, TextBlock

from cards import verbs
from cards.common import card, entry, fitting, inert, note, paging, paragraph, title
from services.i18n import Messages
from services.operators import OperatorsPage, OperatorView


def _entry(o: OperatorView, tr: Messages, first: bool) -> Container:
    seen = tr("operators.seen", date=tr.date(o.last_seen_at.date())) if o.last_seen_at \
        else tr("operators.never_seen")
    status = " · ".join([tr(f"opstatus.{o.status}"),
                         tr("operators.added_by", who=inert(o.added_by or "—")), seen])
    return entry([TextBlock(text=inert(o.name), wrap=True, weight="Bolder")],
                 [TextBlock(text=tr(f"role.{o.role}"), horizontal_alignment="Right")],
                 [note(inert(o.email)), note(status, is_subtle=True)], first=first)


def operators_card(organization: str, page: OperatorsPage, tr: Messages,
                   role: str | None = None) -> dict[str, Any]:
    """The operators of ORGANIZATION (of ROLE only: "who are the admins")."""
    heading = tr(f"operators.title.{role}", organization=inert(organization)) if role \
        else tr("operators.title", organization=inert(organization))
    body: list[Any] = [title(heading)]
    if not page.rows:
        body.append(paragraph(tr("list.empty")))
        return card(body)
    return fitting(lambda n: _page_card(body, page, tr, role, n), len(page.rows))


def _page_card(head: list[Any], page: OperatorsPage, tr: Messages, role: str | None,
               shown: int) -> dict[str, Any]:
    """The first SHOWN operators of the page ("Next" goes on from the last one)."""
    first, last = page.offset + 1, page.offset + shown
    body = [*head, paragraph(tr("list.page", first=first, last=last, total=page.total),
                             is_subtle=True, spacing="None")]
    body += [_entry(o, tr, n == 0) for n, o in enumerate(page.rows[:shown])]
    buttons = paging(page.offset, shown, page.limit, page.total,
                     tr("list.previous"), tr("list.more"), verbs.OPERATORS_PAGE,
                     {"role": role} if role else {})
    if buttons:
        body.append(buttons)
    return card(body)
