"""What the command groups share: output, the database of a command, the schema check,
reading JSON files, the demo network."""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from bot.settings import Settings
from services.db.engine import Database, is_sqlite
from services.db.migrate import current_revision, head_revision, upgrade

EXIT_USAGE = 2


def demo_network() -> dict[str, Any]:
    """The demo partner network shipped with the project."""
    text = resources.files("bot").joinpath("demo/partner-demo.json").read_text("utf-8")
    return json.loads(text)


def out(text: str) -> None:
    print(text)  # noqa: T201 - the CLI's output


def err(text: str) -> None:
    print(text, file=sys.stderr)  # noqa: T201


async def with_db(settings: Settings, work: Any) -> Any:
    db = Database(settings.database_url, **settings.engine_options())
    try:
        return await work(db)
    finally:
        await db.dispose()


def load_json(path: str) -> Any:
    try:
        return json.loads(Path(path).read_text("utf-8"))
    except OSError as exc:
        raise SystemExit(f"cannot read {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise SystemExit(f"{path} is not valid JSON: {exc}") from None


async def ensure_schema(db: Database, settings: Settings) -> None:
    """The embedded SQLite database is migrated automatically; a shared PostgreSQL is
    migrated by `partnerbot db upgrade` only (one deliberate step for all instances)."""
    if is_sqlite(settings.database_url):
        await upgrade(db.engine)
        return
    current, head = await current_revision(db.engine), head_revision()
    if current != head:
        raise SystemExit(f"the database is at revision {current}, the code needs {head}: "
                         "run `partnerbot db upgrade` first")
