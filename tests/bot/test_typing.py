"""The typing indicator (bot/teams/typing.py) on botbuilder's own test adapter: a slow
answer is preceded by "typing", a fast one is not delayed and has none, none is sent
after the answer, and expectReplies turns (`partnerbot ask`) get none."""

from __future__ import annotations

import asyncio
import time

from botbuilder.core import TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ActivityTypes, DeliveryModes

from bot.teams.typing import TypingMiddleware

MESSAGE, TYPING = "message", "typing"


async def _turn(answer_after_s: float, delivery_mode: str | None = None) -> list[str]:
    sent: list[str] = []

    async def logic(context: TurnContext) -> None:
        async def record(ctx: TurnContext, activities: list[Activity], send):  # type: ignore[no-untyped-def]
            sent.extend(getattr(a.type, "value", a.type) for a in activities)
            return await send()
        context.on_send_activities(record)
        await asyncio.sleep(answer_after_s)
        await context.send_activity("the answer")
        await asyncio.sleep(0.4)  # work after the answer (logging, the cache)

    adapter = TestAdapter(logic)
    adapter.use(TypingMiddleware(delay_s=0.1, period_s=0.15))
    activity = Activity(type=ActivityTypes.message, text="which clients expire this month",
                        delivery_mode=delivery_mode)
    await adapter.receive_activity(activity)
    return sent


async def test_a_slow_answer_shows_typing_until_it_comes() -> None:
    sent = await _turn(0.5)
    assert sent[-1] == MESSAGE and sent.count(MESSAGE) == 1
    assert sent[0] == TYPING and sent.count(TYPING) >= 2
    # nothing after the answer, though the turn went on for 0.4 s
    assert sent.index(MESSAGE) == len(sent) - 1


async def test_a_fast_answer_is_not_delayed_and_has_no_typing() -> None:
    started = time.perf_counter()
    sent = await _turn(0.0)
    assert sent == [MESSAGE]
    assert time.perf_counter() - started < 0.45 + 0.2  # the answer's own 0.4 s of work


async def test_expect_replies_has_no_typing() -> None:
    assert await _turn(0.5, DeliveryModes.expect_replies) == [MESSAGE]
