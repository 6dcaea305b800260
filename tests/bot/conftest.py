"""Fixtures of the bot's tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def sqlite_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The command line on a SQLite file of its own, run from a folder of its own."""
    db = tmp_path / "cli.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{db}")
    monkeypatch.chdir(tmp_path)
    return db
