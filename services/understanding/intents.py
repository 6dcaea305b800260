"""Declarative intent rules over concepts (lexicon.py) and entities.

Rules are tried in order; the first whose conditions hold names the intent. A rule
never looks at raw text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from services.understanding.model import Intent


@dataclass(frozen=True)
class Signals:
    """What the parser found in one question."""

    concepts: frozenset[str]
    kind: str | None
    has_subject: bool
    has_filter: bool
    has_threshold: bool
    has_range: bool
    token_count: int
    shape: str | None = None  # "ranking" | "breakdown"
    has_duration: bool = False  # "for 14 days" (how long a snooze lasts)


@dataclass(frozen=True)
class Rule:
    intent: str
    when: Callable[[Signals], bool]
    faq: str | None = None


def _has(*concepts: str) -> Callable[[Signals], bool]:
    return lambda s: all(c in s.concepts for c in concepts)


def _any(*concepts: str) -> Callable[[Signals], bool]:
    return lambda s: any(c in s.concepts for c in concepts)


def _report(s: Signals) -> bool:
    """The monthly licence report is named ("licence report", "rapport des licences")."""
    return "licence_report" in s.concepts or _has("report_word", "license")(s)


def _faq_context(s: Signals) -> bool:
    """A question about the product, not the data ("how many" is a count, not a how-to)."""
    return not s.has_subject and not s.has_range and not s.has_threshold \
        and "count" not in s.concepts


RULES: tuple[Rule, ...] = (
    Rule(Intent.HELP, lambda s: bool({"help", "greeting"} & s.concepts) and s.token_count <= 5
         and s.kind is None and not s.has_subject),
    Rule(Intent.NOTIFY_UNSNOOZE, lambda s: "unsnooze" in s.concepts and "how" not in s.concepts),
    Rule(Intent.NOTIFY_SNOOZE, lambda s: "snooze" in s.concepts and "how" not in s.concepts
         and (s.has_subject or s.has_duration)),
    Rule(Intent.NOTIFY_SNOOZED, lambda s: "snooze" in s.concepts and "how" not in s.concepts),
    Rule(Intent.REPORT_STOP, lambda s: _report(s) and "stop" in s.concepts
         and "how" not in s.concepts and not s.has_subject),
    Rule(Intent.REPORT_SUBSCRIBE, lambda s: _report(s) and "how" not in s.concepts
         and not s.has_subject and not s.has_range and (
             _any("subscribe", "notify")(s)
             or (_any("send", "deliver")(s) and _any("here", "recurring")(s)))),
    Rule(Intent.NOTIFY_STOP, lambda s: _has("notify", "stop")(s) and "how" not in s.concepts),
    Rule(Intent.NOTIFY_STATUS, lambda s: "notify_status" in s.concepts
         and "how" not in s.concepts and not s.has_subject),
    Rule(Intent.NOTIFY_SETTINGS, lambda s: _has("notify", "settings")(s)
         and "how" not in s.concepts),
    Rule(Intent.NOTIFY_SUBSCRIBE, lambda s: "notify" in s.concepts and "how" not in s.concepts
         and not s.has_subject and "send" not in s.concepts),
    Rule(Intent.SEND_ACTIVATION, lambda s: _has("send", "onboard")(s) and "how" not in s.concepts
         and "count" not in s.concepts),
    Rule(Intent.REMOVE_OPERATOR, lambda s: "remove_word" in s.concepts and "email" in s.concepts
         and "add" not in s.concepts),
    Rule(Intent.CHANGE_ROLE, lambda s: "make_word" in s.concepts and "email" in s.concepts
         and "role_named" in s.concepts and "add" not in s.concepts),
    Rule(Intent.ADD_OPERATOR, lambda s: "add" in s.concepts and "how" not in s.concepts
         and ("email" in s.concepts or "operator" in s.concepts) and not s.has_subject),
    Rule(Intent.FAQ, lambda s: "account_manager" in s.concepts and not s.has_subject,
         faq="account_manager"),
    Rule(Intent.FAQ, lambda s: _faq_context(s) and _has("how", "add")(s)
         and _any("operator", "role")(s), faq="add_operator"),
    Rule(Intent.FAQ, lambda s: _faq_context(s) and "how" in s.concepts
         and ("onboard" in s.concepts or ("add" in s.concepts and s.kind == "customer")),
         faq="onboard"),
    Rule(Intent.FAQ, lambda s: _faq_context(s) and "role" in s.concepts
         and _any("manage", "how", "add")(s), faq="roles"),
    Rule(Intent.FAQ, lambda s: _faq_context(s) and "can_i_see" in s.concepts
         and not s.has_filter, faq="what_can_i_see"),
    Rule(Intent.AUDIT, lambda s: "audit_log" in s.concepts and not s.has_subject),
    Rule(Intent.LICENCE_REPORT, lambda s: _report(s) and not _any("notify", "how")(s)
         and not s.has_subject),
    Rule(Intent.OPERATOR_COUNT, lambda s: _has("operator", "count")(s) and not s.has_subject
         and s.kind is None),
    Rule(Intent.OPERATORS, lambda s: "operator" in s.concepts and not s.has_subject
         and s.kind is None),
    Rule(Intent.OPERATORS, lambda s: _has("role_word", "who")(s) and not s.has_subject
         and s.kind is None and "how" not in s.concepts),  # "who has admin rights"
    Rule(Intent.ORG_SKUS, lambda s: s.has_subject and "sku" in s.concepts),
    Rule(Intent.ORG_LICENSES, lambda s: s.has_subject and "license" in s.concepts),
    Rule(Intent.ORG_EXPIRY, lambda s: s.has_subject and _any("when", "expire", "expired")(s)),
    Rule(Intent.ORG_ONBOARDING, lambda s: s.has_subject and _any(
        "onboard", "onboarded", "pending", "not_invited", "need_onboarding")(s)),
    Rule(Intent.ORG_DETAILS, lambda s: s.has_subject),
    Rule(Intent.BREAKDOWN, lambda s: s.shape == "breakdown"),
    Rule(Intent.RANKING, lambda s: s.shape == "ranking"),
    Rule(Intent.COUNT, lambda s: "count" in s.concepts and "license" in s.concepts
         and s.has_threshold),
    Rule(Intent.LICENSE_TOTAL, lambda s: "license" in s.concepts and not s.has_threshold
         and _any("count", "total", "me", "list")(s)),
    Rule(Intent.COUNT, lambda s: "count" in s.concepts),
    Rule(Intent.LIST, lambda s: s.kind is not None or s.has_filter),
    Rule(Intent.FAQ, lambda s: "role" in s.concepts and _faq_context(s), faq="roles"),
    Rule(Intent.OPERATORS, lambda s: "operator" in s.concepts),
)


def classify(signals: Signals) -> tuple[str, str | None]:
    for rule in RULES:
        if rule.when(signals):
            return rule.intent, rule.faq
    return Intent.UNKNOWN, None
