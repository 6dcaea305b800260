"""The bot's dialogs on botbuilder: state per conversation and person, the dialog set of
a turn, and the Teams SSO sign-in and sign-out around them."""

from __future__ import annotations

import logging
from typing import Any

from botbuilder.core import MemoryStorage, Storage, TurnContext
from botbuilder.dialogs import DialogSet, DialogTurnStatus
from botframework.connector.auth import UserTokenClient

from bot.services import BotServices
from bot.teams.storage import TurnCachedDialogState
from bot.turn.context import Reply
from dialogs.add_operator import AddOperatorDialog
from dialogs.common import SCOPE as DIALOG_SCOPE
from dialogs.send_activation import SendActivationDialog
from dialogs.sign_in import SIGN_IN, SignInDialog
from services.i18n import messages
from services.scope import Scope

logger = logging.getLogger(__name__)


class DialogHost:
    def __init__(self, services: BotServices, storage: Storage | None = None) -> None:
        self._services = services
        self._state = TurnCachedDialogState(storage or MemoryStorage())
        self._dialog_state = self._state.create_property("dialog_state")

    async def begin(self, context: TurnContext, scope: Scope, reply: Reply) -> None:
        """Start REPLY's dialog, replacing one in progress (a button clicked mid-dialog)."""
        assert reply.dialog is not None
        context.turn_state[DIALOG_SCOPE] = scope
        dc = await self._dialogs(context).create_context(context)
        await dc.cancel_all_dialogs()
        await dc.begin_dialog(reply.dialog, reply.dialog_options)
        await self._state.save_changes(context)

    async def continue_(self, context: TurnContext, scope: Scope) -> str | None:
        """The id of the dialog in progress that took the message, or None."""
        context.turn_state[DIALOG_SCOPE] = scope
        dc = await self._dialogs(context).create_context(context)
        if dc.active_dialog is None:
            return None
        if dc.active_dialog.id == SIGN_IN:  # signed in meanwhile (another client)
            await dc.cancel_all_dialogs()
            await self._state.save_changes(context)
            return None
        dialog_id = str(dc.active_dialog.id)
        await dc.continue_dialog()
        await self._state.save_changes(context)
        return dialog_id

    async def sign_in(self, context: TurnContext) -> str | None:
        """Continue or start the SSO sign-in; the pending question once signed in."""
        text = context.activity.text if context.activity.type == "message" else None
        dc = await self._dialogs(context).create_context(context)
        result = await dc.continue_dialog()
        if result.status == DialogTurnStatus.Empty and text is not None:
            result = await dc.begin_dialog(SIGN_IN, {"text": text})
        await self._state.save_changes(context)
        if result.status == DialogTurnStatus.Complete and isinstance(result.result, dict):
            return str(result.result.get("text") or "help")
        return None

    async def sign_out(self, context: TurnContext) -> None:
        """Forget the SSO session, the Graph tokens, the Bot Service's user token and this
        person's dialogs."""
        services = self._services
        sender = context.activity.from_property
        assert services.identity is not None
        services.identity.sign_out(getattr(sender, "aad_object_id", None))
        if services.graph is not None:
            services.graph.forget(str(getattr(sender, "aad_object_id", "")).lower())
        connection = services.settings.oauth_connection_name
        client = context.turn_state.get(UserTokenClient.__name__)
        if client is not None:
            await client.sign_out_user(sender.id, connection, context.activity.channel_id)
        elif hasattr(context.adapter, "sign_out_user"):
            await context.adapter.sign_out_user(context, connection, sender.id)
        await self._state.load(context)
        await self._state.delete(context)

    def _dialogs(self, context: TurnContext) -> DialogSet:
        tr = messages(context.activity.locale)
        services = self._services
        dialogs = DialogSet(self._dialog_state)
        if services.identity is not None:
            dialogs.add(SignInDialog(services.settings.oauth_connection_name,
                                     services.identity, tr("sso.signin.title"),
                                     tr("sso.signin.text")))
        lookup = self._graph_lookup if services.graph is not None else None
        dialogs.add(AddOperatorDialog(services.operators, services.accounts,
                                      services.conversations, services.settings.bot_id,
                                      lookup))
        dialogs.add(SendActivationDialog(services.activation, services.names,
                                         services.settings.activation_ttl / 86400))
        return dialogs

    async def _graph_lookup(self, context: TurnContext, email: str) -> tuple[str, str] | None:
        """The user in the admin's directory (object id, display name), through Graph on
        behalf of the signed-in admin; None when any step is unavailable."""
        services = self._services
        sender = context.activity.from_property
        connection = services.settings.oauth_connection_name
        try:
            client: Any = context.turn_state.get(UserTokenClient.__name__)
            if client is not None:
                response = await client.get_user_token(sender.id, connection,
                                                       context.activity.channel_id, None)
            else:
                response = await context.adapter.get_user_token(context, connection)
            if response is None or not response.token or services.graph is None:
                return None
            graph_token = await services.graph.on_behalf_of(
                response.token, str(sender.aad_object_id or sender.id).lower())
            user = await services.graph_api.user(graph_token, email)
        except Exception as exc:  # noqa: BLE001 - the lookup only enriches the dialog
            logger.warning("Graph user lookup skipped: %s", exc.__class__.__name__)
            return None
        return (user.id, user.display_name) if user else None
