"""Teams installation events: the welcome card, the offer to notify a team's channel
when the app is installed in a team, and stopping notifications when it is removed."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.schema import ChannelAccount

from bot.services import BotServices
from bot.teams.edge import team_id_of, tenant_of
from bot.teams.keys import INTENT
from cards.help import welcome_card
from cards.notifications import install_offer_card
from dialogs.common import card_activity, reference_of
from services.i18n import messages
from services.scope import Scope

logger = logging.getLogger(__name__)


class TeamsEvents(TeamsActivityHandler):
    """Mixed into PartnerBot, which provides the services and the operator lookup."""

    _services: BotServices
    _operator: Callable[[TurnContext], Awaitable[Scope | None]]

    def _bot_among(self, context: TurnContext, members: list[ChannelAccount]) -> bool:
        bot_id = context.activity.recipient.id if context.activity.recipient else None
        return any(m.id == bot_id for m in members)

    async def on_teams_members_added(  # type: ignore[override]
        self, teams_members_added: list[ChannelAccount], team_info: Any,
        turn_context: TurnContext,
    ) -> None:
        if not self._bot_among(turn_context, teams_members_added):
            return
        tr = messages(turn_context.activity.locale)
        turn_context.turn_state[INTENT] = "welcome"
        team_id = team_id_of(turn_context)
        if team_id is not None:  # installed in a team: offer to notify this channel
            await self._services.notifications.installed(team_id, reference_of(turn_context),
                                                         tenant_of(turn_context))
            await turn_context.send_activity(card_activity(install_offer_card(tr)))
            return
        scope = await self._operator(turn_context)
        await turn_context.send_activity(card_activity(welcome_card(scope, tr)))

    async def on_teams_members_removed(  # type: ignore[override]
        self, teams_members_removed: list[ChannelAccount], team_info: Any,
        turn_context: TurnContext,
    ) -> None:
        if self._bot_among(turn_context, teams_members_removed):
            await self._stop_here(turn_context, "app_removed")

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        await self._stop_here(turn_context, "app_removed")

    async def on_teams_team_deleted(  # type: ignore[override]
        self, team_info: Any, turn_context: TurnContext
    ) -> None:
        await self._stop_here(turn_context, "team_deleted")

    async def on_teams_channel_deleted(  # type: ignore[override]
        self, channel_info: Any, team_info: Any, turn_context: TurnContext
    ) -> None:
        channel = getattr(channel_info, "id", None)
        if channel:
            turn_context.turn_state[INTENT] = "channel_deleted"
            await self._services.notifications.deactivate("channel_deleted",
                                                          conversation_id=str(channel))

    async def _stop_here(self, context: TurnContext, reason: str) -> None:
        """The app left this team or chat: its subscriptions stop (records are kept)."""
        context.turn_state[INTENT] = reason
        notifications = self._services.notifications
        team_id = team_id_of(context)
        if team_id is not None:
            stopped = await notifications.removed(team_id)
        else:
            conversation = context.activity.conversation
            stopped = await notifications.deactivate(
                reason, conversation_id=conversation.id if conversation else None)
        logger.info("%s: %d subscription(s) stopped", reason, len(stopped))
