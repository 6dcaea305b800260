"""A sheet written as a CSV file that Excel opens cleanly in the reader's language:
UTF-8 with a byte order mark (Excel reads UTF-8 only with it); English: ',' between
fields and '.' in decimals; French: ';' between fields and a decimal comma (a French
Excel reads ',' as the decimal mark). Numbers have no grouping separator and dates are
ISO (YYYY-MM-DD), which both read as numbers and dates. Cells starting with = + - @
(or a tab or carriage return) are prefixed with a quote, so a name cannot be a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence

BOM = "\ufeff"
SEPARATORS = {"en": ",", "fr": ";"}
DECIMAL_MARKS = {"en": ".", "fr": ","}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | dt.date | None


def cell_text(value: Cell, language: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value).replace(".", DECIMAL_MARKS.get(language, "."))
    if isinstance(value, dt.date):
        return value.isoformat()
    return "'" + value if value.startswith(_FORMULA_START) else value


def to_csv(title: str, columns: Sequence[str], rows: Sequence[Sequence[Cell]],
           language: str) -> bytes:
    """TITLE on the first line (one field), the column names, then one line a row."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=SEPARATORS.get(language, ","), lineterminator="\r\n",
                        quoting=csv.QUOTE_MINIMAL)
    writer.writerow([cell_text(title, language)])
    writer.writerow([cell_text(c, language) for c in columns])
    for row in rows:
        writer.writerow([cell_text(v, language) for v in row])
    return (BOM + out.getvalue()).encode("utf-8")
