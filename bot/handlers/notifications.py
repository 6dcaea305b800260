"""'notify this channel 30 days before expiry' (', at risk only'), 'stop notifications',
'notification settings', 'notify me': subscriptions of this conversation; 'snooze Café
Lumière for 14 days', 'unsnooze …', 'what is snoozed' and the digest's 'Snooze 7 days'
button. Channels are set up (and snoozed in) by admins; everyone may do both in their own
personal chat."""

from __future__ import annotations

import re

from bot.handlers.common import not_found
from bot.turn.context import BadCardData, Reply, Request
from cards.common import inert
from cards.notices import notice_card
from cards.notification_status import status_card
from cards.notifications import digest_activity, settings_card, snoozes_card, subscribed_card
from services.notifications import NotificationError
from services.notifications.schedule import Schedule, schedule_in, without_times
from services.notifications.snoozes import MAX_SNOOZE_DAYS
from services.notifications.views import SubscriptionView
from services.scope import Right
from services.understanding import Intent
from services.understanding.text import fold

DAYS_RE = re.compile(r"\b(\d{1,3})\b")
DAY_WORDS = re.compile(r"\b(days?|jours?|j)\b")


def lead_days_in(text: str) -> list[int] | None:
    """'30 days', '30, 7 and 1 days', '15 jours': the numbers when days are named."""
    folded = fold(without_times(text))  # '9:00' / '9h' is a time, not 9 days
    if not DAY_WORDS.search(folded):
        return None
    days = [int(n) for n in DAYS_RE.findall(folded) if 0 < int(n) <= 365]
    return days or None


def conversation_kind(req: Request) -> str:
    conversation = (req.conversation or {}).get("conversation") or {}
    return "personal" if conversation.get("conversationType") == "personal" else "channel"


def conversation_id_of(req: Request) -> str:
    """The channel itself, not the thread a message was posted in."""
    conversation = (req.conversation or {}).get("conversation") or {}
    return str(conversation.get("id", "")).split(";messageid=")[0]


def message_reply(req: Request, intent: str, key: str, error: str | None = None,
             **values: str) -> Reply:
    message = req.tr(key, **values)
    answer = {"intent": intent, "message": message, **({"error": error} if error else {})}
    return Reply(intent, notice_card(message), answer)


async def _admins_only(req: Request, intent: str) -> Reply:
    admins = await req.services.operators.admins_of(req.scope.organization_id)
    return message_reply(req, intent, "notify.readers", "forbidden",
                    organization=inert(req.scope.organization_name),
                    admins=", ".join(inert(email) for _i, email, _a in admins) or "?")


async def refused_here(req: Request, intent: str) -> Reply | None:
    """Set up in a Teams conversation only; a channel's by its admins only."""
    if req.conversation is None:
        return message_reply(req, intent, "notify.teams_only", "unavailable")
    if conversation_kind(req) == "channel" and not req.scope.can(Right.MANAGE_NOTIFICATIONS):
        return await _admins_only(req, intent)
    return None


async def _subscribe(req: Request, leads: list[int] | None,
                     at_risk_only: bool = False, schedule: Schedule | None = None) -> Reply:
    intent = Intent.NOTIFY_SUBSCRIBE
    refused = await refused_here(req, intent)
    if refused is not None:
        return refused
    assert req.conversation is not None
    kind = conversation_kind(req)
    schedule = schedule or Schedule()
    try:
        view = await req.services.notifications.subscribe(
            req.scope, req.conversation, kind=kind, lead_days=leads,
            language=req.tr.language, team_id=req.team_id, at_risk_only=at_risk_only,
            notify_time=schedule.time, notify_tz=schedule.zone,
            quiet_days=schedule.quiet_days, cid=req.cid)
    except NotificationError as exc:
        return message_reply(req, intent, f"notify.error.{exc.code}", exc.code)
    return Reply(intent, subscribed_card(view, req.tr),
                 {"intent": intent, "value": list(view.lead_days), "kind": kind,
                  "at_risk_only": view.at_risk_only, **_schedule_answer(req, view)})


def _schedule_answer(_req: Request, view: SubscriptionView) -> dict[str, object]:
    return {"time": view.notify_time, "zone": view.notify_tz,
            "quiet_days": list(view.quiet_days)}


async def handle_subscribe(req: Request) -> Reply:
    """'… at risk only' / '… seulement les non renouvelés': the parser's at-risk filter;
    'at 9:00 Paris time', 'à 9h', 'no notifications on weekends': its schedule."""
    text = req.query.text or ""
    return await _subscribe(req, lead_days_in(text),
                            at_risk_only=req.query.filters.renewal == "at_risk",
                            schedule=schedule_in(text))


async def handle_subscribe_button(req: Request) -> Reply:
    """'Notify this channel' on the installation card; only the lead times come from the
    card (checked), the conversation is this turn's own."""
    leads = req.data.get("lead_days")
    if not isinstance(leads, list) or not 0 < len(leads) <= 6 or not all(
            isinstance(d, int) and not isinstance(d, bool) for d in leads):
        raise BadCardData("bad lead days")
    return await _subscribe(req, leads)


async def handle_stop(req: Request) -> Reply:
    intent = Intent.NOTIFY_STOP
    refused = await refused_here(req, intent)
    if refused is not None:
        return refused
    stopped = await req.services.notifications.unsubscribe(req.scope, conversation_id_of(req),
                                                           kind=conversation_kind(req), cid=req.cid)
    return message_reply(req, intent, "notify.stopped" if stopped else "notify.nothing_to_stop")


async def handle_settings(req: Request) -> Reply:
    intent = Intent.NOTIFY_SETTINGS
    if req.conversation is None:
        return message_reply(req, intent, "notify.teams_only", "unavailable")
    views = await req.services.notifications.settings(req.scope, conversation_id_of(req))
    return Reply(intent, settings_card(views, req.tr, req.today),
                 {"intent": intent, "items": [{"id": v.id, "lead_days": list(v.lead_days),
                                               "active": v.active, **_schedule_answer(req, v)}
                                              for v in views]})


async def handle_status(req: Request) -> Reply:
    """'notification status' / 'état des notifications': what this conversation gets, what
    it got last, and what could not be delivered here."""
    intent = Intent.NOTIFY_STATUS
    if req.conversation is None:
        return message_reply(req, intent, "notify.teams_only", "unavailable")
    status = await req.services.notifications.status(req.scope, conversation_id_of(req),
                                                     req.today)
    zone = next((v.notify_tz for v in status.subscriptions if v.notify_tz),
                req.services.notifications.default_tz)
    last = status.last_digest
    return Reply(intent, status_card(status, req.tr, zone or "UTC", req.today), {
        "intent": intent,
        "items": [{"id": v.id, "active": v.active, "lead_days": list(v.lead_days),
                   **_schedule_answer(req, v), "at_risk_only": v.at_risk_only}
                  for v in status.subscriptions],
        "last_digest": {"sent_at": last.sent_at.isoformat(), "items": last.items}
        if last else None,
        "snoozed": [{"id": s.organization_id, "until": s.until.isoformat()}
                    for s in status.snoozes],
        "problems": [{"id": p.message_id, "kind": p.kind, "state": p.state,
                      "error": p.error, "attempts": p.attempts} for p in status.problems],
        "pending": status.pending})


# -- snoozes ------------------------------------------------------------------------------

DEFAULT_SNOOZE_DAYS = 7  # "snooze Café Lumière" without a duration: as the digest's button


async def _snooze(req: Request, organization_id: str, days: int) -> Reply:
    intent = Intent.NOTIFY_SNOOZE
    refused = await refused_here(req, intent)
    if refused is not None:
        return refused
    try:
        view = await req.services.notifications.snooze(
            req.scope, conversation_id_of(req), kind=conversation_kind(req),
            organization_id=organization_id, days=days, today=req.today,
            render=digest_activity, cid=req.cid)
    except NotificationError as exc:
        return message_reply(req, intent, f"notify.error.{exc.code}", exc.code)
    message = req.tr("notify.snoozed", organization=inert(view.organization_name),
                     date=req.tr.date(view.until))
    return Reply(intent, notice_card(message),
                 {"intent": intent, "id": view.organization_id,
                  "value": view.until.isoformat(), "message": message})


def _named(req: Request) -> str | Reply:
    """The organization a snooze command names (from the scoped name resolver)."""
    if req.query.subject:
        return req.query.subject
    if req.query.unknown_name:
        return not_found(req, req.query.unknown_name)
    return message_reply(req, req.query.intent, "notify.snooze.which", "bad_request")


async def handle_snooze(req: Request) -> Reply:
    named = _named(req)
    if isinstance(named, Reply):
        return named
    return await _snooze(req, named, req.query.days or DEFAULT_SNOOZE_DAYS)


async def handle_snooze_button(req: Request) -> Reply:
    """'Snooze 7 days' on a digest row: only the organization and the days come from the
    card (checked); who may, and where, is this turn's own clicker and conversation."""
    org, days = req.data.get("org"), req.data.get("days")
    if not isinstance(org, str) or not 0 < len(org) <= 64:
        raise BadCardData("bad organization")
    if isinstance(days, bool) or not isinstance(days, int) or not 0 < days <= 10 * 365:
        raise BadCardData("bad days")
    if days > MAX_SNOOZE_DAYS:  # refused with its reason, nothing written
        return message_reply(req, Intent.NOTIFY_SNOOZE, "notify.error.snooze_too_long",
                        "snooze_too_long")
    return await _snooze(req, org, days)


async def handle_unsnooze(req: Request) -> Reply:
    intent = Intent.NOTIFY_UNSNOOZE
    named = _named(req)
    if isinstance(named, Reply):
        return named
    refused = await refused_here(req, intent)
    if refused is not None:
        return refused
    view = await req.services.notifications.snoozes.unsnooze(
        req.scope, conversation_id_of(req), kind=conversation_kind(req), organization_id=named,
        cid=req.cid)
    if view is None:
        return message_reply(req, intent, "notify.not_snoozed",
                             organization=inert(req.query.subject_name))
    return message_reply(req, intent, "notify.unsnoozed",
                         organization=inert(view.organization_name))


async def handle_snoozed(req: Request) -> Reply:
    intent = Intent.NOTIFY_SNOOZED
    if req.conversation is None:
        return message_reply(req, intent, "notify.teams_only", "unavailable")
    snoozes = await req.services.notifications.snoozes.snoozed(
        req.scope, conversation_id_of(req), req.today)
    return Reply(intent, snoozes_card(snoozes, req.tr), {"intent": intent, "items": [
        {"id": s.organization_id, "name": s.organization_name, "until": s.until.isoformat()}
        for s in snoozes], "total": len(snoozes)})
