"""'Send an activation link': who may (admins; readers are told who can), then the
dialog, pre-filled from the question or the organization card's button."""

from __future__ import annotations

from bot.context import BadCardData, Reply, Request
from bot.handlers.common import not_found
from cards.common import inert
from cards.notices import notice_card
from dialogs.send_activation import SEND_ACTIVATION, refusal_text
from services.activation import ActivationError
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
