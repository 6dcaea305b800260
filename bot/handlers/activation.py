"""'Send an activation link': who may (admins; readers are told who can), then the
dialog, pre-filled from the question or the organization card's button. And the answer to
a consent from another tenant than the customer's domain: confirm or cancel, decided from
the clicker's own scope (an admin who may send links for that organization)."""

from __future__ import annotations

from bot.handlers.common import not_found
from bot.turn.context import BadCardData, Reply, Request
from cards.activation_pending import cancelled_card, confirmed_card
from cards.common import inert
from cards.notices import notice_card
from dialogs.send_activation import SEND_ACTIVATION, refusal_text
from services.activation import ActivationError
from services.network.validate import GUID_RE
from services.scope import Right
from services.understanding import Intent


async def _readers_refusal(req: Request) -> Reply:
    admins = await req.services.operators.admins_of(req.scope.organization_id)
    message = req.tr("activation.readers", organization=inert(req.scope.organization_name),
                     admins=", ".join(inert(email) for _id, email, _aad in admins) or "?")
    return Reply(Intent.SEND_ACTIVATION, notice_card(message),
                 {"intent": Intent.SEND_ACTIVATION, "error": "forbidden", "message": message})


async def handle_send_activation(req: Request) -> Reply:
    """'send an activation link to Atelier Marchand [to marie@…]'."""
    if not req.scope.can(Right.SEND_ACTIVATION):
        return await _readers_refusal(req)
    q = req.query
    if q.subject is None and q.unknown_name:
        return not_found(req, q.unknown_name)
    options = {"org": q.subject, "email": q.email}
    return Reply(Intent.SEND_ACTIVATION, {}, {"intent": Intent.SEND_ACTIVATION, **options},
                 dialog=SEND_ACTIVATION, dialog_options=options)


async def handle_send_activation_button(req: Request) -> Reply:
    """The 'Send activation link' button of an organization's card."""
    org = req.data.get("org")
    if not isinstance(org, str) or not 0 < len(org) <= 64:
        raise BadCardData("bad organization id")
    if not req.scope.can(Right.SEND_ACTIVATION):
        return await _readers_refusal(req)
    try:  # the id is the card's: checked against this clicker's scope before anything
        await req.services.activation.target(req.scope, org)
    except ActivationError as exc:
        message = refusal_text(req.tr, exc)
        return Reply(Intent.SEND_ACTIVATION, notice_card(message),
                     {"intent": Intent.SEND_ACTIVATION, "error": exc.code, "message": message})
    return Reply(Intent.SEND_ACTIVATION, {}, {"intent": Intent.SEND_ACTIVATION, "org": org},
                 dialog=SEND_ACTIVATION, dialog_options={"org": org})


def _link_id(req: Request) -> int:
    value = req.data.get("link")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 10 ** 18:
        raise BadCardData("bad link id")
    return value


def _pending_refusal(req: Request, intent: str, exc: ActivationError) -> Reply:
    if exc.code == "not_found":  # outside the clicker's scope reads like unknown
        return not_found(req, None)
    key = "activation.pending.tenant_in_use" if exc.code == "tenant_in_use" \
        else "activation.pending.stale"
    message = req.tr(key, organization=inert(exc.detail) or "?")
    return Reply(intent, notice_card(message), {"intent": intent, "error": exc.code,
                                                "message": message})


async def handle_confirm_activation(req: Request) -> Reply:
    """'Confirm onboarding with tenant X': the link's pending consent, if still valid."""
    link_id = _link_id(req)
    tenant = req.data.get("tenant")
    if not isinstance(tenant, str) or not GUID_RE.match(tenant):
        raise BadCardData("bad tenant")
    if not req.scope.can(Right.SEND_ACTIVATION):
        return await _readers_refusal(req)
    try:
        done = await req.services.activation.confirm_pending(req.scope, link_id, tenant,
                                                             cid=req.cid)
    except ActivationError as exc:
        return _pending_refusal(req, "confirm_activation", exc)
    return Reply("confirm_activation", confirmed_card(req.tr, done, req.scope.name),
                 {"intent": "confirm_activation", "value": "onboarded",
                  "id": done.organization_id}, update_message=True)


async def handle_cancel_activation(req: Request) -> Reply:
    """'Cancel': the pending consent is dropped and the link revoked."""
    link_id = _link_id(req)
    if not req.scope.can(Right.SEND_ACTIVATION):
        return await _readers_refusal(req)
    try:
        done = await req.services.activation.cancel_pending(req.scope, link_id, cid=req.cid)
    except ActivationError as exc:
        return _pending_refusal(req, "cancel_activation", exc)
    return Reply("cancel_activation", cancelled_card(req.tr, done.organization_name),
                 {"intent": "cancel_activation", "value": "cancelled",
                  "id": done.organization_id}, update_message=True)
