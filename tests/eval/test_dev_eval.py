"""The development evaluation (SPEC section 5), all of it, through the real bot turn."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.ask_cli import Asker
from bot.services import BotServices
from bot.settings import load_settings
from services.db.engine import Database
from tests.eval.scoring import is_right

HERE = Path(__file__).parent


def load(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (HERE / name).read_text("utf-8").splitlines()
            if line.strip()]


@pytest.fixture
def asker(demo_db: Database) -> Asker:
    return Asker(BotServices.create(load_settings(DATABASE_URL=demo_db.url), demo_db))


async def run_all(asker: Asker, questions: list[dict[str, Any]]) -> list[str]:
    import datetime as dt

    wrong = []
    for q in questions:
        answer = await asker.answer(q["as"], q["q"], q.get("locale", "en"),
                                    dt.date.fromisoformat(q["now"]))
        if not is_right(q["expect"], answer):
            wrong.append(f"{q['as']} [{q.get('locale')}] {q['q']!r}: expected {q['expect']}, "
                         f"got {json.dumps(answer, ensure_ascii=False)[:300]}")
    return wrong


async def test_dev_evaluation_is_all_right(asker: Asker) -> None:
    questions = load("questions.dev.jsonl")
    assert len(questions) == 62
    wrong = await run_all(asker, questions)
    assert not wrong, "\n".join(wrong)
