"""Shared fixtures. Database fixtures run every test on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from services.db.engine import Database
from services.network.importer import NetworkImporter
from tests.support.databases import BACKENDS, PG_SKIP_REASON, PG_URL, fresh_database

DEMO_FILE = Path(__file__).resolve().parents[1] / "bot" / "demo" / "partner-demo.json"


def demo_document() -> dict[str, Any]:
    return json.loads(DEMO_FILE.read_text("utf-8"))


def pytest_report_header(config: pytest.Config) -> str:
    return f"PostgreSQL tests: {'on (TEST_DATABASE_URL set)' if PG_URL else PG_SKIP_REASON}"


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgresql" and not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    return str(request.param)


@pytest.fixture
async def database(backend: str, tmp_path: Path) -> AsyncIterator[Database]:
    async with fresh_database(backend, tmp_path) as db:
        yield db


@pytest.fixture
async def demo_db(database: Database) -> Database:
    await NetworkImporter(database.sessions).import_document(demo_document())
    return database


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In CI the Playground and browser tests must run: a missing tool is an error there,
    not a skip."""
    import os

    if os.environ.get("CI") != "true":
        return
    from tests.cards.test_renderer import _missing as browser_missing
    from tests.support.playground import missing_reason

    wanted = {m for item in items for m in ("playground", "browser")
              if item.get_closest_marker(m)}
    problems = [p for p in ((missing_reason() if "playground" in wanted else None),
                            (browser_missing() if "browser" in wanted else None)) if p]
    if problems:
        raise pytest.UsageError("CI must run the Teams tool tests: " + "; ".join(problems))
