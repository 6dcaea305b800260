"""Evaluations (SPEC section 5) through the real bot turn: the development set, and an
independently written paraphrase set whose answers an independent oracle computed
(tests/eval/oracle.py, checked against every dev expectation).

Every set here has been fixed against, so each is a development set now: the shared
dev2 examples of every kind of question, and the blind sets 2 and 3, each written from
SPEC alone by someone who never read the parser (their first scores, before any fix, are
kept beside them: answers.blind2.first-try.jsonl, answers.blind3.first-try.jsonl)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli.ask import Asker
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


@pytest.mark.parametrize(("name", "size"), [("questions.paraphrases.jsonl", 164),
                                            ("questions.holdout.jsonl", 123),
                                            ("questions.blind.jsonl", 90),
                                            ("questions.dev2.jsonl", 54),
                                            ("questions.blind2.jsonl", 272),
                                            ("questions.blind3.jsonl", 347)])
async def test_paraphrase_sets_are_all_right(asker: Asker, name: str, size: int) -> None:
    questions = load(name)
    assert len(questions) == size
    wrong = await run_all(asker, questions)
    assert not wrong, "\n".join(wrong)


def test_the_oracle_reproduces_the_dev_expectations() -> None:
    from tests.eval.make_paraphrases import DEV_FILE, check_dev
    from tests.eval.oracle import Oracle

    assert check_dev(Oracle.load(), DEV_FILE) == 62
