"""Declarative routing: intent name -> handler, card verb -> handler. Domain refusals
(Forbidden, NotFound) and bad card data become replies here, in one place."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace

from bot.handlers import (
    activation,
    directory,
    help,
    notifications,
    operators,
    rankings,
    reports,
    search,
)
from bot.handlers.common import not_found, refusal
from bot.turn.context import BadCardData, Reply, Request
from cards import verbs
from cards.common import with_footnote, with_language
from cards.notices import notice_card
from services.directory import NotFound
from services.scope import Forbidden
from services.understanding import Intent

logger = logging.getLogger(__name__)

Handler = Callable[[Request], Awaitable[Reply]]

INTENT_HANDLERS: dict[str, Handler] = {
    Intent.HELP: help.handle_help,
    Intent.FAQ: help.handle_faq,
    Intent.UNKNOWN: help.handle_unknown,
    Intent.CLARIFY: help.handle_clarify,
    Intent.UNSUPPORTED: help.handle_unsupported,
    Intent.LIST: directory.handle_list,
    Intent.COUNT: directory.handle_count,
    Intent.LICENSE_TOTAL: directory.handle_license_total,
    Intent.RANKING: rankings.handle_ranking,
    Intent.BREAKDOWN: rankings.handle_breakdown,
    Intent.ORG_LICENSES: directory.handle_org,
    Intent.ORG_EXPIRY: directory.handle_org,
    Intent.ORG_SKUS: directory.handle_org,
    Intent.ORG_DETAILS: directory.handle_org,
    Intent.ORG_ONBOARDING: directory.handle_org,
    Intent.OPERATOR_COUNT: directory.handle_operator_count,
    Intent.LICENCE_REPORT: reports.handle_licence_report,
    Intent.REPORT_SUBSCRIBE: reports.handle_report_subscribe,
    Intent.REPORT_STOP: reports.handle_report_stop,
    Intent.OPERATORS: directory.handle_operators,
    Intent.AUDIT: directory.handle_audit,
    Intent.ADD_OPERATOR: operators.handle_add_operator,
    Intent.REMOVE_OPERATOR: operators.handle_remove_request,
    Intent.CHANGE_ROLE: operators.handle_role_request,
    Intent.SEND_ACTIVATION: activation.handle_send_activation,
    Intent.NOTIFY_SUBSCRIBE: notifications.handle_subscribe,
    Intent.NOTIFY_STOP: notifications.handle_stop,
    Intent.NOTIFY_SETTINGS: notifications.handle_settings,
    Intent.NOTIFY_STATUS: notifications.handle_status,
    Intent.NOTIFY_SNOOZE: notifications.handle_snooze,
    Intent.NOTIFY_UNSNOOZE: notifications.handle_unsnooze,
    Intent.NOTIFY_SNOOZED: notifications.handle_snoozed,
}

VERB_HANDLERS: dict[str, Handler] = {
    verbs.HELP: help.handle_help,
    verbs.LIST_PAGE: directory.handle_list_page,
    verbs.SHOW_ORG: directory.handle_show_org,
    verbs.OPERATORS_PAGE: directory.handle_operators_page,
    verbs.APPROVE_REQUEST: operators.handle_approve,
    verbs.REJECT_REQUEST: operators.handle_reject,
    verbs.REQUEST_REFRESH: operators.handle_request_refresh,
    verbs.CONFIRM_REMOVE: operators.handle_confirm_remove,
    verbs.CONFIRM_ROLE: operators.handle_confirm_role,
    verbs.SEND_ACTIVATION: activation.handle_send_activation_button,
    verbs.CONFIRM_ACTIVATION: activation.handle_confirm_activation,
    verbs.CANCEL_ACTIVATION: activation.handle_cancel_activation,
    verbs.NOTIFY_SUBSCRIBE: notifications.handle_subscribe_button,
    verbs.NOTIFY_SNOOZE: notifications.handle_snooze_button,
    verbs.REPORT_CSV: reports.handle_report_csv,
}

# The message extension's invokes.
EXTENSION_HANDLERS: dict[str, Handler] = {
    search.QUERY: search.handle_search,                  # the compose box's search
    search.FETCH_TASK: search.handle_message_lookup,     # a message's "…" menu
    search.SUBMIT_ACTION: search.handle_share,           # the organization chosen there
}


def handler_for_intent(intent: str) -> Handler:
    return INTENT_HANDLERS.get(intent, help.handle_unknown)


def handler_for_verb(verb: str) -> Handler | None:
    return VERB_HANDLERS.get(verb)


async def run(handler: Handler, req: Request) -> Reply:
    """The handler's reply, its buttons carrying the reply's language (so page 2 of a
    French answer stays French for a client set to English)."""
    reply = await _run(handler, req)
    card = with_language(reply.card, req.tr.language)
    if reply.intent in AS_OF_INTENTS and "error" not in reply.answer:
        changed = await req.services.directory.data_as_of()
        if changed is not None:
            zone = req.timezone or req.services.settings.notify_tz
            card = with_footnote(card, req.tr("data.as_of", when=req.tr.moment(changed, zone)))
    return replace(reply, card=card)


# Answers read from the partner network: their cards say when it last changed.
AS_OF_INTENTS = frozenset({
    Intent.LIST, Intent.COUNT, Intent.LICENSE_TOTAL, Intent.RANKING, Intent.BREAKDOWN,
    Intent.ORG_LICENSES, Intent.ORG_EXPIRY, Intent.ORG_SKUS, Intent.ORG_DETAILS,
    Intent.ORG_ONBOARDING, Intent.LICENCE_REPORT})


async def _run(handler: Handler, req: Request) -> Reply:
    try:
        return await handler(req)
    except Forbidden as exc:
        logger.info("refused: %s", exc)
        return refusal(req, exc)
    except NotFound:
        return not_found(req, req.query.subject_name or req.query.unknown_name)
    except BadCardData as exc:
        logger.warning("bad card data: %s", exc)
        message = req.tr("error.bad_action")
        return Reply("bad_action", notice_card(message),
                     {"intent": "bad_action", "error": "bad_request", "message": message})
