"""Scoring of `ask` answers against evaluation expectations (SPEC section 5)."""

from __future__ import annotations

from typing import Any


def is_right(expect: dict[str, Any], answer: dict[str, Any]) -> bool:
    if expect.get("denied"):
        return "error" in answer or (answer.get("items") == [] and "value" not in answer)
    if "ids" in expect:
        items = answer.get("items")
        return isinstance(items, list) and {i.get("id") for i in items} == set(expect["ids"]) \
            and "error" not in answer
    if "value" in expect:
        return "error" not in answer and answer.get("value") == expect["value"]
    raise ValueError(f"unknown expectation {expect}")
