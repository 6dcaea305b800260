"""The Teams activity handler: it turns activities into the pipeline's turns
(bot/turn/pipeline.py) and gives Teams their answers. It holds no business rule: every
step of a turn is in the pipeline's declaration."""

from __future__ import annotations

from http import HTTPStatus

from botbuilder.core import InvokeResponse, Storage, TurnContext

from bot.handlers.search import FETCH_TASK, QUERY, SUBMIT_ACTION
from bot.services import BotServices
from bot.teams.dialogs import DialogHost
from bot.teams.events import TeamsEvents
from bot.teams.turn import CARD_ACTION, TeamsTurn
from bot.turn.pipeline import (
    CARD_ACTION_STEPS,
    EXTENSION_STEPS,
    MESSAGE_STEPS,
    admit,
    continue_sign_in,
    run_steps,
    sign_in_failed,
)
from services.scope import Scope

# The invokes that are turns of their own pipeline (the others: sign-in, events).
INVOKE_STEPS = {CARD_ACTION: CARD_ACTION_STEPS, QUERY: EXTENSION_STEPS,
                FETCH_TASK: EXTENSION_STEPS, SUBMIT_ACTION: EXTENSION_STEPS}


class PartnerBot(TeamsEvents):
    def __init__(self, services: BotServices, storage: Storage | None = None) -> None:
        self._services = services
        self._dialogs = DialogHost(services, storage)

    def turn(self, context: TurnContext) -> TeamsTurn:
        return TeamsTurn(context, self._services, self._dialogs)

    async def _operator(self, context: TurnContext) -> Scope | None:
        """The operator of an event's sender (the welcome card), through the trust gate."""
        return (await admit(self.turn(context))).scope

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await run_steps(MESSAGE_STEPS, self.turn(turn_context))

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        turn = self.turn(turn_context)
        steps = INVOKE_STEPS.get(str(turn_context.activity.name))
        if steps is not None:
            await run_steps(steps, turn)
            return turn.response or InvokeResponse(status=int(HTTPStatus.OK))
        if not (await admit(turn)).admitted:
            turn.intent = "refused"
            return InvokeResponse(status=int(HTTPStatus.FORBIDDEN))
        if turn_context.activity.name == "signin/failure":
            await sign_in_failed(turn, turn_context.activity.value)
            return InvokeResponse(status=int(HTTPStatus.OK))
        return await super().on_invoke_activity(turn_context)

    async def on_teams_signin_verify_state(self, turn_context: TurnContext) -> None:
        """signin/verifyState and signin/tokenExchange (after the SSO middleware)."""
        if self._services.identity is not None:
            await continue_sign_in(self.turn(turn_context))


__all__ = ["PartnerBot"]
