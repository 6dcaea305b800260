"""Cards are pure functions: valid schema-1.5 dicts, small, and inert names."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from cards.common import inert
from cards.help import help_card, welcome_card
from cards.notices import error_card, not_operator_card
from services.i18n import messages
from services.scope import Scope
from tests.cards.sizes import assert_fits
from tests.support.card_json import walk

SCOPES = [
    Scope(1, "a@p.example", "Alice", "p", "Contoso", "partner", "admin"),
    Scope(2, "b@d.example", "Bruno", "d", "Alpha", "distributor", "reader"),
    Scope(3, "c@v.example", "Chloé", "v", "CoreView", "provider", "admin"),
]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: f"{s.org_kind}-{s.role}")
def test_cards_are_valid_and_small(scope: Scope, language: str) -> None:
    tr = messages(language)
    for card in (help_card(scope, tr), welcome_card(scope, tr), welcome_card(None, tr),
                 not_operator_card(tr), error_card(tr, "abc123")):
        assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
        assert card["$schema"].startswith("http://adaptivecards.io/")
        assert_fits(card, f"{scope.org_kind} {language}")


def test_names_are_inert() -> None:
    hostile = Scope(1, "a@p.example", "[click](https://evil.example) <at>All</at> **x**",
                    "p", "Org_${secret}", "partner", "admin")
    content = json.dumps(help_card(hostile, messages("en")))
    assert "[click](https" not in content
    assert "<at>" not in content
    assert "**x**" not in content
    assert "${secret}" not in content


def test_inert_removes_control_characters() -> None:
    assert inert("a\x00b\x1bc") == "abc"
    assert inert(None) == ""


NUMBER = re.compile(r"^[+−-]?\d[\d\s\u202f\u00a0,.]*$")


def _text(cell: dict[str, Any]) -> str:
    return next((i.get("text", "") for i in cell.get("items", []) if i.get("text")), "")


def test_numbers_are_right_aligned(samples: dict[str, dict[str, Any]]) -> None:
    """A table column of numbers (licences, seats, changes, days, ranks) is right-aligned,
    its header included, in every card."""
    checked = 0
    for name, content in sorted(samples.items()):
        for table in (e for e in walk(content) if e.get("type") == "Table"):
            header, *rows = table["rows"]
            for n, column in enumerate(table["columns"]):
                cells = [r["cells"][n] for r in rows]
                if not cells or not all(NUMBER.match(_text(c).replace("d", "").replace(
                        "j", "").strip()) for c in cells):
                    continue
                checked += 1
                assert column.get("horizontalCellContentAlignment") == "Right", (name, n)
                for c in [header["cells"][n], *cells]:
                    assert c["items"][0].get("horizontalAlignment") == "Right", (name, n)
    assert checked >= 20


