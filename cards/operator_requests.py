"""Operator additions: the confirmation card of the add dialog, and the approval card
admins decide on (Universal Actions: admins see Approve / Reject, others the status)."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import ExecuteAction, Fact, FactSet, SubmitAction

from cards import verbs
from cards.common import card, inert, paragraph, title
from services.i18n import Messages
from services.operators import RequestView

CONFIRM = "add_operator"  # key of the confirmation card's Action.Submit data


def confirm_card(email: str, name: str, role: str, tr: Messages,
                 owner: str = "") -> dict[str, Any]:
    body: list[Any] = [
        title(tr("addop.confirm.title")),
        FactSet(facts=[Fact(title=tr("col.name"), value=inert(name)),
                       Fact(title=tr("col.email"), value=inert(email)),
                       Fact(title=tr("col.role"), value=tr(f"role.{role}"))]),
    ]
    return card(body, [
        SubmitAction(title=tr("addop.apply"),
                     data={CONFIRM: "apply", verbs.DIALOG_OWNER: owner}),
        SubmitAction(title=tr("addop.cancel"),
                     data={CONFIRM: "cancel", verbs.DIALOG_OWNER: owner}),
    ])


def teams_user_ids(admins: list[tuple[int, str, str | None]]) -> list[str]:
    """Teams ids (`8:orgid:<object id>`) of admins, for the card's refresh.userIds."""
    return [f"8:orgid:{aad}" for _id, _email, aad in admins if aad]


def approval_card(request: RequestView, tr: Messages, *, decider_view: bool,
                  admin_user_ids: list[str], note: str | None = None) -> dict[str, Any]:
    """The same card for everyone; DECIDER_VIEW adds the buttons (admins, pending)."""
    body: list[Any] = [
        title(tr("approval.title")),
        paragraph(tr(f"approval.body.{request.action}", requester=inert(request.requested_by),
                     email=inert(request.email), role=tr(f"role.{request.role}"))),
    ]
    if request.status == "pending":
        body.append(paragraph(tr("approval.pending"), is_subtle=True))
    else:
        when = request.decided_at.strftime("%Y-%m-%d %H:%M UTC") if request.decided_at else ""
        body.append(paragraph(tr(f"approval.{request.status}", who=inert(
            request.decided_by or "?"), when=when), weight="Bolder",
            color="Good" if request.status == "approved" else "Attention"))
    if note:
        body.append(paragraph(note, color="Attention"))
    data = {"request": request.id}
    actions: list[Any] = []
    if decider_view and request.status == "pending":
        actions = [
            ExecuteAction(title=tr("approval.approve"), verb=verbs.APPROVE_REQUEST,
                          data={"verb": verbs.APPROVE_REQUEST, **data}, style="positive"),
            ExecuteAction(title=tr("approval.reject"), verb=verbs.REJECT_REQUEST,
                          data={"verb": verbs.REJECT_REQUEST, **data}, style="destructive"),
        ]
    result = card(body, actions)
    if request.status == "pending" and admin_user_ids:
        result["refresh"] = {
            "action": {"type": "Action.Execute", "verb": verbs.REQUEST_REFRESH,
                       "data": {"verb": verbs.REQUEST_REFRESH, **data}},
            "userIds": admin_user_ids[:60],
        }
    return result


def change_confirm_card(tr: Messages, *, email: str, role: str | None,
                        again: bool = False) -> dict[str, Any]:
    """Confirm a removal (ROLE None) or a role change; AGAIN: the second ask when
    removing yourself."""
    if role is None:
        text = tr("opchange.remove_self_again" if again else "opchange.remove",
                  email=inert(email))
        action = ExecuteAction(title=tr("opchange.confirm"), verb=verbs.CONFIRM_REMOVE,
                               data={"verb": verbs.CONFIRM_REMOVE, "email": email,
                                     "again": again}, style="destructive")
    else:
        text = tr("opchange.role", email=inert(email), role=tr(f"role.{role}"))
        action = ExecuteAction(title=tr("opchange.confirm"), verb=verbs.CONFIRM_ROLE,
                               data={"verb": verbs.CONFIRM_ROLE, "email": email,
                                     "role": role})
    return card([title(tr("opchange.title")), paragraph(text)], [action])
