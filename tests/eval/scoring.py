"""Scoring of `ask` answers against evaluation expectations (SPEC section 5)."""

from __future__ import annotations

from typing import Any

NOT_UNDERSTOOD = frozenset({"unknown", "clarify", "unsupported"})


def is_right(expect: dict[str, Any], answer: dict[str, Any]) -> bool:
    if expect.get("denied"):
        return "error" in answer or (answer.get("items") == [] and "value" not in answer)
    if expect.get("unknown"):
        return answer.get("intent") in NOT_UNDERSTOOD and not answer.get("items") \
            and "value" not in answer
    if "ids" in expect or "ordered_ids" in expect:
        items = answer.get("items")
        if not isinstance(items, list) or "error" in answer:
            return False
        ids = [i.get("id") for i in items]
        if "ordered_ids" in expect and ids != list(expect["ordered_ids"]):
            return False
        if "ids" in expect and set(ids) != set(expect["ids"]):
            return False
        status = expect.get("status") or {}
        return all(i.get("status") == status[i.get("id")] for i in items
                   if i.get("id") in status)
    if "value" in expect:
        return "error" not in answer and answer.get("value") == expect["value"]
    if "groups" in expect:
        groups = answer.get("groups")
        # A group whose value is 0 and a group left out say the same thing (SPEC section 1
        # lists "one group per month"; the shared dev2 examples leave empty months out).
        return isinstance(groups, list) and "error" not in answer and \
            {g.get("id"): g.get("value") for g in groups if g.get("value")} == \
            {k: v for k, v in expect["groups"].items() if v}
    raise ValueError(f"unknown expectation {expect}")


def confidently_wrong(expect: dict[str, Any], answer: dict[str, Any]) -> bool:
    """An answer that looks right and is not: items or a value where the right answer
    is 'I did not understand' (SPEC section 3)."""
    return bool(expect.get("unknown")) and (bool(answer.get("items")) or "value" in answer)
