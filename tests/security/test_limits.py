"""A burst of questions from one operator is answered politely once, not processed a
hundred times; other operators are not slowed by it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.app import create_app
from bot.settings import load_settings
from bot.turn.ratelimit import RateLimiter, Verdict
from services.db.engine import Database
from tests.security.support import BRUNO, CLAIRE
from tests.support import activities as A
from tests.support.clock import ManualClock


def test_the_bucket_refills_and_tells_once_per_burst() -> None:
    clock = ManualClock()
    limiter = RateLimiter(per_minute=60, burst=3, clock=clock)
    assert [limiter.check("a") for _ in range(5)] == [
        Verdict.ALLOW, Verdict.ALLOW, Verdict.ALLOW, Verdict.TELL, Verdict.DROP]
    assert limiter.check("b") is Verdict.ALLOW  # per sender
    clock.now += 1.0  # one question a second
    assert [limiter.check("a") for _ in range(3)] == [Verdict.ALLOW, Verdict.TELL,
                                                      Verdict.DROP]
    clock.now += 60
    assert [limiter.check("a") for _ in range(4)] == [Verdict.ALLOW] * 3 + [Verdict.TELL]
    assert RateLimiter(per_minute=0, burst=1).check("a") is Verdict.ALLOW  # off


@pytest.fixture
async def client(aiohttp_client: Any, demo_db: Database) -> Any:
    settings = load_settings(DATABASE_URL=demo_db.url, BOT_ID="", QUESTION_RATE="6",
                             QUESTION_BURST="5")
    return await aiohttp_client(create_app(settings, database=demo_db))


async def test_a_burst_of_100_is_answered_politely_not_100_times(
        client: Any, caplog: Any) -> None:
    answered = told = silent = 0
    with caplog.at_level("INFO", logger="partnerbot.turn"):
        for n in range(100):
            response = await client.post("/api/messages", json=A.message(
                "which clients expire this month", aad=CLAIRE[0], tenant=CLAIRE[1],
                locale="fr-FR" if n % 2 else "en-US"))
            assert response.status == 200
            text = json.dumps(A.cards_of(await response.json()), ensure_ascii=False)
            if "Boulangerie" in text:
                answered += 1
            elif "plus vite" in text or "faster than I can" in text:
                told += 1
            elif text == "[]":
                silent += 1
    # 5 at once, then one every 10 s: the whole burst takes far less than 10 s
    assert 5 <= answered <= 6 and told == 1 and answered + told + silent == 100
    intents = [r.getMessage() for r in caplog.records if "rate_limited" in r.getMessage()]
    assert len(intents) == 100 - answered
    other = await client.post("/api/messages", json=A.message(
        "which clients expire this month", aad=BRUNO[0], tenant=BRUNO[1]))
    assert "Boulangerie" in json.dumps(A.cards_of(await other.json()), ensure_ascii=False)
