"""What an activity says about its sender and conversation, for the pipeline: the
`Caller` the trust gate judges, the Bot Connector's roster entry of the sender, the
team and tenant of the conversation."""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo

from bot.turn.trust import Caller
from dialogs.common import activity_tenant
from services.roster import RosterMember

logger = logging.getLogger(__name__)


def caller_of(context: TurnContext, in_process: bool = False) -> Caller:
    activity = context.activity
    sender = activity.from_property
    aad = getattr(sender, "aad_object_id", None) if sender is not None else None
    user = getattr(sender, "id", None) if sender is not None else None
    return Caller(channel_id=activity.channel_id if isinstance(activity.channel_id, str)
                  else None,
                  user_id=user if isinstance(user, str) and user else None,
                  aad_object_id=aad if isinstance(aad, str) and aad else None,
                  tenant_id=activity_tenant(context), in_process=in_process)


async def roster_member(context: TurnContext) -> RosterMember | None:
    """The sender as the Bot Connector's roster knows them (Microsoft's word for their
    object id, tenant and UPN); None when it cannot be asked or does not answer."""
    sender = context.activity.from_property
    if sender is None or not sender.id:
        return None
    try:
        member = await TeamsInfo.get_member(context, sender.id)
    except Exception as exc:  # noqa: BLE001 - no roster: nobody is bound
        logger.warning("Teams roster lookup failed: %s", exc.__class__.__name__)
        return None
    aad = getattr(member, "aad_object_id", None)
    tenant = getattr(member, "tenant_id", None)
    upn = getattr(member, "user_principal_name", None)
    if not all(isinstance(v, str) and v for v in (aad, tenant, upn)):
        return None
    return RosterMember(str(aad), str(tenant), str(upn))


def team_id_of(context: TurnContext) -> str | None:
    data = context.activity.channel_data
    team = data.get("team") if isinstance(data, dict) else None
    return str(team["id"]) if isinstance(team, dict) and team.get("id") else None


def client_timezone(activity: Any) -> str | None:
    """The Teams client's time zone (activity.localTimezone), when it is a real IANA
    name; anything else is ignored (it only chooses how a time is shown)."""
    name = getattr(activity, "local_timezone", None)
    if not isinstance(name, str) or not 0 < len(name) <= 64:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def tenant_of(context: TurnContext) -> str | None:
    conversation = context.activity.conversation
    return getattr(conversation, "tenant_id", None) if conversation else None
