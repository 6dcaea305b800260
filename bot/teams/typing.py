"""The typing indicator: when a message's answer takes longer than TYPING_DELAY_S, Teams
shows "Partner App is typing…" until it comes (sent again every TYPING_PERIOD_S, as
Teams hides it after a few seconds). A fast answer is never delayed and sends none; a
turn whose replies are returned in the HTTP response (expectReplies: `partnerbot ask`,
the benchmarks) has no one to show it to."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from botbuilder.core import Middleware, TurnContext
from botbuilder.schema import Activity, ActivityTypes, DeliveryModes

logger = logging.getLogger(__name__)

TYPING_DELAY_S = 0.3
TYPING_PERIOD_S = 2.5


class TypingMiddleware(Middleware):
    def __init__(self, delay_s: float = TYPING_DELAY_S,
                 period_s: float = TYPING_PERIOD_S) -> None:
        self._delay_s = delay_s
        self._period_s = period_s

    async def on_turn(self, context: TurnContext,
                      logic: Callable[[], Awaitable[None]]) -> None:
        activity = context.activity
        if activity.type != ActivityTypes.message or \
                activity.delivery_mode == DeliveryModes.expect_replies:
            await logic()
            return
        typing = asyncio.create_task(self._keep_typing(context))

        async def stop_at_first_reply(ctx: TurnContext, activities: list[Activity],
                                      send: Callable[[], Awaitable[object]]) -> object:
            if any(a.type != ActivityTypes.typing for a in activities):
                typing.cancel()  # the answer is on its way: no typing after it
            return await send()

        context.on_send_activities(stop_at_first_reply)
        try:
            await logic()
        finally:
            typing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await typing

    async def _keep_typing(self, context: TurnContext) -> None:
        await asyncio.sleep(self._delay_s)
        while True:
            try:
                await context.send_activity(Activity(type=ActivityTypes.typing))
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the answer matters, not the dots
                logger.info("typing indicator not sent: %s", exc.__class__.__name__)
                return
            await asyncio.sleep(self._period_s)
