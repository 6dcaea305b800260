"""The order of names ignoring case and accents, the same in Python and in SQL (ties
of a ranking, SPEC section 1): `name_key(column)` compiles to a registered function on
SQLite (registered on every connection by services/db/engine.py) and to lower() plus
translate() of the Latin accented letters on PostgreSQL."""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


def fold_name(name: str | None) -> str:
    """NAME in lower case without accents (combining marks removed)."""
    decomposed = unicodedata.normalize("NFKD", (name or "").lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _accent_table() -> tuple[str, str]:
    """Letters of Latin-1 and Latin Extended-A (either case) that fold to one ASCII
    letter, and those letters: PostgreSQL's lower() may fold ASCII only (C locale)."""
    source, target = [], []
    for code in range(0xC0, 0x180):
        char = chr(code)
        folded = fold_name(char)
        if char != folded and len(folded) == 1 and folded.isascii():
            source.append(char)
            target.append(folded)
    return "".join(source), "".join(target)


ACCENTED, UNACCENTED = _accent_table()
SQLITE_FUNCTION = "partnerbot_name_key"


class name_key(FunctionElement[str]):  # noqa: N801 - a SQL function
    """A name folded for ordering: lower case, accents removed."""

    type = String()
    inherit_cache = True
    name = "name_key"


@compiles(name_key)
def _name_key_default(element: name_key, compiler: Any, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(name_key, "postgresql")
def _name_key_postgresql(element: name_key, compiler: Any, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"translate(lower({column}), '{ACCENTED}', '{UNACCENTED}')"


@compiles(name_key, "sqlite")
def _name_key_sqlite(element: name_key, compiler: Any, **kw: Any) -> str:
    return f"{SQLITE_FUNCTION}({compiler.process(element.clauses, **kw)})"


def register_sqlite(dbapi_connection: Any) -> None:
    """Make `name_key` callable on this SQLite connection."""
    dbapi_connection.create_function(SQLITE_FUNCTION, 1, fold_name, deterministic=True)
