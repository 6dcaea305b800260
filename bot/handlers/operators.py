"""Approval cards: each viewer's view (refresh), approve and reject."""

from __future__ import annotations

from bot.turn.context import BadCardData, Reply, Request
from cards.common import inert
from cards.notices import notice_card
from cards.operator_requests import approval_card, change_confirm_card, teams_user_ids
from dialogs.add_operator import ADD_OPERATOR
from services.operators import OperatorError
from services.scope import Right
from services.understanding import Intent


async def admin_user_ids(req: Request, organization_id: str) -> list[str]:
    """Teams user ids of the organization's admins, for the card's refresh."""
    return teams_user_ids(await req.services.operators.admins_of(organization_id))


def _request_id(req: Request) -> int:
    value = req.data.get("request")
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise BadCardData("bad request id")
    return value


async def handle_request_refresh(req: Request) -> Reply:
    """What this viewer sees: the buttons for an active admin of the organization."""
    try:
        request = await req.services.operators.request(req.scope, _request_id(req))
    except OperatorError:
        raise BadCardData("request not visible to this operator") from None
    decider = req.scope.is_admin and request.requested_by_id != req.scope.operator_id
    admins = await admin_user_ids(req, request.organization_id)
    card = approval_card(request, req.tr, decider_view=decider, admin_user_ids=admins)
    return Reply("request_refresh", card, {"intent": "request_refresh",
                                           "value": request.status})


async def _decide(req: Request, approve: bool) -> Reply:
    operators = req.services.operators
    request_id = _request_id(req)
    note = None
    try:
        request = await operators.decide(req.scope, request_id, approve, cid=req.cid)
    except OperatorError as exc:  # own request, decided already, or it cannot apply
        request = await operators.request(req.scope, request_id)
        note = req.tr(f"approval.{exc.code}") if exc.code in {
            "own_request", "already_decided"} else req.tr(
            f"opchange.{exc.code}" if exc.code in {"last_admin", "not_found"}
            else "error.bad_action", email=inert(request.email))
    admins = await admin_user_ids(req, request.organization_id)
    card = approval_card(request, req.tr, decider_view=False, admin_user_ids=admins,
                         note=note)
    answer = {"intent": "decide", "value": request.status,
              **({"error": "refused", "message": note} if note else {})}
    chats = await req.services.conversations.personal([request.requested_by_id])
    reply = Reply("decide", card, answer, update_message=True,
                  copies=await operators.card_refs(request_id),
                  notice_reference=chats.get(request.requested_by_id))
    if note is None:  # tell the requester, in their own chat when the bot knows it
        reply.notices.append(req.tr(f"approval.told.{request.status}",
                                    email=request.email, who=request.decided_by or "?"))
    return reply


async def handle_add_operator(req: Request) -> Reply:
    """'add jane@contoso.com as reader': the add dialog, pre-filled."""
    options = {"email": req.query.email, "role": req.query.role}
    return Reply(Intent.ADD_OPERATOR, {}, {"intent": Intent.ADD_OPERATOR, **options},
                 dialog=ADD_OPERATOR, dialog_options=options)


async def handle_approve(req: Request) -> Reply:
    return await _decide(req, True)


async def handle_reject(req: Request) -> Reply:
    return await _decide(req, False)


async def _reader_request(req: Request, action: str, email: str, role: str | None) -> Reply:
    """A reader's change goes to the admins as a request with an approval card."""
    try:
        request = await req.services.operators.request_change(req.scope, action, email, role,
                                                              cid=req.cid)
    except OperatorError as exc:
        key = "addop.already_requested" if exc.code == "already_requested" else \
            "opchange.not_found"
        message = req.tr(key, email=inert(email))
        return Reply(action, notice_card(message), {"intent": action, "error": exc.code,
                                                    "message": message})
    message = req.tr("opchange.requested", email=inert(email),
                     organization=inert(req.scope.organization_name))
    return Reply(action, notice_card(message), {"intent": action, "value": "requested"},
                 post_request=request)


async def handle_remove_request(req: Request) -> Reply:
    """'remove jane@contoso.com': a confirmation card for admins, a request for readers."""
    email = req.query.email or ""
    if not req.scope.is_admin:
        return await _reader_request(req, "remove", email, None)
    card = change_confirm_card(req.tr, email=email, role=None)
    return Reply(Intent.REMOVE_OPERATOR, card, {"intent": Intent.REMOVE_OPERATOR,
                                                "value": email})


async def handle_role_request(req: Request) -> Reply:
    email, role = req.query.email or "", req.query.role or "reader"
    if not req.scope.is_admin:
        return await _reader_request(req, "change_role", email, role)
    card = change_confirm_card(req.tr, email=email, role=role)
    return Reply(Intent.CHANGE_ROLE, card, {"intent": Intent.CHANGE_ROLE, "value": email})


def _email(req: Request) -> str:
    email = req.data.get("email")
    if not isinstance(email, str) or not 3 <= len(email) <= 320:
        raise BadCardData("bad e-mail")
    return email.strip().lower()


def _change_refused(req: Request, exc: OperatorError, email: str) -> Reply:
    message = req.tr(f"opchange.{exc.code}" if exc.code in {"last_admin", "not_found"}
                     else "error.bad_action", email=inert(email))
    return Reply("operator_change", notice_card(message),
                 {"intent": "operator_change", "error": exc.code, "message": message})


async def handle_confirm_remove(req: Request) -> Reply:
    """Decided on the server: admin of the same organization, an admin always remains;
    removing yourself asks twice."""
    email = _email(req)
    if email == req.scope.email and req.data.get("again") is not True:
        req.scope.require(Right.MANAGE_OPERATORS)
        return Reply("operator_change", change_confirm_card(req.tr, email=email, role=None,
                                                            again=True),
                     {"intent": "operator_change", "value": "confirm_again"})
    try:
        await req.services.operators.remove(req.scope, email, cid=req.cid)
    except OperatorError as exc:
        return _change_refused(req, exc, email)
    message = req.tr("opchange.removed", email=inert(email))
    return Reply("operator_change", notice_card(message),
                 {"intent": "operator_change", "value": "removed"})


async def handle_confirm_role(req: Request) -> Reply:
    email, role = _email(req), req.data.get("role")
    if role not in ("reader", "admin"):
        raise BadCardData("bad role")
    try:
        await req.services.operators.change_role(req.scope, email, role, cid=req.cid)
    except OperatorError as exc:
        return _change_refused(req, exc, email)
    message = req.tr("opchange.role_changed", email=inert(email), role=req.tr(f"role.{role}"))
    return Reply("operator_change", notice_card(message),
                 {"intent": "operator_change", "value": role})
