"""Scope leak sweep: nothing outside an operator's scope ever shows in what the bot says.

For every operator of the demo network, the development evaluation's questions, list
questions, and questions generated for every organization of the network (its expiry, its
licences, its customers, in English and in French) go through the bot's real in-process
turn (`bot.teams.inprocess.ask`, with one page and with the full answer). Card actions carrying
the id of every organization (show_org, a list page filtered by parent) are clicked too.
Each reply's card and structured answer are serialized and searched for the names, ids and
domains of every organization the operator may not see.

The scope, written out here rather than taken from services/scope.py (SPEC section 2):
an operator sees the organizations strictly below their own one in the tree (`parent`)
whose kind has a page their organization kind has (provider: distributors, partners,
customers; distributor: partners, customers; partner: customers). Their own organization
may be named (titles, "your network"), never listed; its ancestors and every other branch
must not appear at all.

The same questions are asked again with the answer cache on, each by every operator in
turn, so a reply cached for someone who sees more is there to be (wrongly) reused.

The notification digests are swept the same way: every operator subscribes a personal
chat and every admin a channel; passes on several dates write digests into the outbox,
and each digest's card is searched for what its subscription's organization may not see.

Not counted as leaks (false positives): a name the question itself contains (the bot
echoes an unknown name back), and text inside an allowed string (an in-scope or own name,
a SKU name, the operator's own account manager or colleagues): allowed strings are masked
before the search, so an out-of-scope name only counts where it stands on its own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from botbuilder.schema import ActivityTypes
from sqlalchemy import select

from bot.services import BotServices
from bot.settings import load_settings
from bot.teams.handler import PartnerBot
from bot.teams.inprocess import InProcessAdapter, ask, message_activity
from cards.common import inert
from cards.notifications import digest_activity
from services.db.engine import Database
from services.db.models import ChannelSubscription, OutboxMessage
from services.notifications import NotificationService
from services.scope import ScopeService
from tests.conftest import demo_document

DEMO: dict[str, Any] = demo_document()
TODAY = dt.date.fromisoformat(DEMO["as_of"])
ORGS: dict[str, dict[str, Any]] = {o["id"]: o for o in DEMO["organizations"]}
OPERATORS: list[dict[str, Any]] = DEMO["operators"]
ADMINS = [op for op in OPERATORS if "admin" in op["roles"]]
SKUS: list[dict[str, Any]] = DEMO["skus"]

# SPEC section 2, by hand: the organization kinds an organization kind's pages list.
VISIBLE_KINDS: dict[str, frozenset[str]] = {
    "provider": frozenset({"distributor", "partner", "customer"}),
    "distributor": frozenset({"partner", "customer"}),
    "partner": frozenset({"customer"}),
    "customer": frozenset(),
}
ORG_ITEM_INTENTS = {"list", "org_details"}  # answers whose items are organizations


# -- the scope oracle --------------------------------------------------------------------


def ancestors(org_id: str) -> list[str]:
    out, parent = [], ORGS[org_id]["parent"]
    while parent is not None:
        out.append(parent)
        parent = ORGS[parent]["parent"]
    return out


def visible_orgs(org_id: str) -> set[str]:
    """Strict descendants of ORG_ID whose kind its pages show."""
    kinds = VISIBLE_KINDS[ORGS[org_id]["kind"]]
    return {o for o in ORGS if org_id in ancestors(o) and ORGS[o]["kind"] in kinds}


def _fold(text: str) -> str:
    return text.replace("\\", "").casefold()


@dataclasses.dataclass(frozen=True)
class Sight:
    """What one organization's operators (or subscriptions) may and may not see."""

    org_id: str
    visible: frozenset[str]
    allowed: tuple[str, ...]  # folded strings masked before the search, longest first
    forbidden: tuple[tuple[str, str], ...]  # (folded term, the organization it names)
    foreign_people: tuple[tuple[str, str], ...]  # operators of other organizations

    @classmethod
    def of(cls, org_id: str) -> Sight:
        visible = visible_orgs(org_id)
        own = ORGS[org_id]
        allowed: set[str] = set()
        for oid in visible | {org_id}:
            org = ORGS[oid]
            allowed.update(_fold(s) for s in (org["id"], org["name"], org.get("domain") or "")
                           if s)
        for sku in SKUS:
            allowed.update({_fold(sku["code"]), _fold(sku["name"])})
        manager = own.get("account_manager") or {}
        allowed.update(_fold(v) for v in manager.values() if v)
        colleagues = [op for op in OPERATORS if op["organization"] == org_id]
        for op in colleagues:
            allowed.update({_fold(op["email"]), _fold(op["name"])})
        forbidden = []
        for oid, org in ORGS.items():
            if oid in visible or oid == org_id:
                continue
            for term in (org["id"], org["name"], org.get("domain")):
                if term:
                    forbidden.append((_fold(term), oid))
        foreign = tuple((_fold(term), op["email"]) for op in OPERATORS
                        if op["organization"] != org_id for term in (op["email"], op["name"]))
        return cls(org_id, frozenset(visible), tuple(sorted(allowed, key=len, reverse=True)),
                   tuple(forbidden), foreign)

    def leaks(self, payload: Any, question: str = "") -> list[str]:
        """The out-of-scope organizations (and other organizations' operators) PAYLOAD
        names, the question's own words excepted."""
        text = _fold(json.dumps(payload, ensure_ascii=False, default=str))
        for term in self.allowed:
            text = text.replace(term, "\x00")
        asked = _fold(question)
        found = [f"{term!r} ({oid})" for term, oid in self.forbidden
                 if term not in asked and term in text]
        found += [f"operator {term!r} ({email})" for term, email in self.foreign_people
                  if term not in asked and term in text]
        return found

    def names_any_visible(self, payload: Any) -> bool:
        text = _fold(json.dumps(payload, ensure_ascii=False, default=str))
        return any(_fold(ORGS[o]["name"]) in text for o in self.visible)


SIGHTS = {org_id: Sight.of(org_id) for org_id in {op["organization"] for op in OPERATORS}}


# -- the questions -------------------------------------------------------------------------


DEV_FILE = Path(__file__).resolve().parents[1] / "eval" / "questions.dev.jsonl"


def dev_questions() -> list[tuple[str, str, dt.date]]:
    """The development evaluation's questions (each asked by every operator here)."""
    lines = [json.loads(line) for line in DEV_FILE.read_text("utf-8").splitlines()
             if line.strip()]
    return [(q["q"], q.get("locale", "en"), dt.date.fromisoformat(q["now"])) for q in lines]


LIST_QUESTIONS: list[tuple[str, str]] = [
    ("which clients expire this month", "en"),
    ("show my customers", "en"),
    ("show partners", "en"),
    ("list distributors", "en"),
    ("list operators", "en"),
    ("who are the operators", "en"),
    ("customers waiting for activation", "en"),
    ("which customers are not onboarded yet", "en"),
    ("onboarded customers", "en"),
    ("expired customers", "en"),
    ("customers expiring this year", "en"),
    ("customers expiring next year", "en"),
    ("partners expiring this year", "en"),
    ("distributors expiring this year", "en"),
    ("customers with more than 1 licenses", "en"),
    ("which customers have CoreSuite Professional", "en"),
    ("how many customers do I have", "en"),
    ("how many partners do I have", "en"),
    ("how many licenses do my customers have in total", "en"),
    ("audit log", "en"),
    ("help", "en"),
    ("what can I see", "en"),
    ("who is my account manager", "en"),
    ("how do I add an operator", "en"),
    ("notification settings", "en"),
    ("affiche mes clients", "fr"),
    ("quels clients expirent ce mois-ci ?", "fr"),
    ("liste des partenaires", "fr"),
    ("liste des opérateurs", "fr"),
    ("clients en attente d'activation", "fr"),
    ("qui est mon responsable de compte", "fr"),
]

PER_ORG: list[tuple[str, str]] = [
    ("when does {name} expire", "en"),
    ("licenses of {name}", "en"),
    ("show customers of {name}", "en"),
    ("quand expire {name}", "fr"),
]


def all_questions() -> list[tuple[str, str, dt.date]]:
    out = dev_questions()
    out += [(q, lang, TODAY) for q, lang in LIST_QUESTIONS]
    out += [(t.format(name=o["name"]), lang, TODAY)
            for o in DEMO["organizations"] for t, lang in PER_ORG]
    return out


# -- running turns -------------------------------------------------------------------------


@pytest.fixture
def services(demo_db: Database) -> BotServices:
    return BotServices.create(load_settings(DATABASE_URL=demo_db.url, BOT_ID="",
                                            ANSWER_CACHE_SIZE="0"), demo_db)


def _locale(lang: str) -> str:
    return {"en": "en-US", "fr": "fr-FR"}.get(lang, lang)


async def _say(bot: PartnerBot, op: dict[str, Any], text: str, lang: str, today: dt.date,
               full: bool) -> Any:
    activity = message_activity(op["aad_object_id"], op["tenant_id"], text, _locale(lang),
                                today)
    reply = await ask(bot, InProcessAdapter(), activity, full_answer=full)
    assert reply is not None, f"{op['email']}: the turn failed on {text!r}"
    return reply


async def _click(bot: PartnerBot, op: dict[str, Any], verb: str,
                 data: dict[str, Any]) -> Any:
    activity = message_activity(op["aad_object_id"], op["tenant_id"], "", "en-US", TODAY)
    activity.type, activity.name, activity.text = ActivityTypes.invoke, "adaptiveCard/action", None
    activity.value = {"action": {"type": "Action.Execute", "verb": verb, "data": data},
                      "trigger": "manual"}
    reply = await ask(bot, InProcessAdapter(), activity, full_answer=False)
    assert reply is not None, f"{op['email']}: the {verb} action failed on {data}"
    return reply


@dataclasses.dataclass
class Sweep:
    leaks: list[str] = dataclasses.field(default_factory=list)
    turns: int = 0
    list_cards: int = 0  # replies listing at least one organization
    full_answers: int = 0  # questions asked again for every item (`ask`'s full answer)
    intents: Counter[str] = dataclasses.field(default_factory=Counter)
    named_visible: Counter[str] = dataclasses.field(default_factory=Counter)  # per operator

    def check(self, op: dict[str, Any], text: str, reply: Any, how: str) -> None:
        sight = SIGHTS[op["organization"]]
        self.turns += 1
        self.intents[reply.intent] += 1
        payload = {"card": reply.card, "answer": reply.answer}
        where = f"{op['email']} ({op['organization']}) {how} {text!r}"
        self.leaks += [f"{where}: names {leak}" for leak in sight.leaks(payload, text)]
        items = reply.answer.get("items") or []
        if reply.answer.get("intent") in ORG_ITEM_INTENTS and not reply.answer.get("error"):
            outside = sorted({i["id"] for i in items} - sight.visible)
            if outside:
                self.leaks.append(f"{where}: answer lists {outside}")
            if items:
                self.list_cards += 1
        if sight.names_any_visible(payload):
            self.named_visible[op["email"]] += 1

    def report(self) -> str:
        return f"{len(self.leaks)} leak(s) in {self.turns} turns:\n" + "\n".join(
            self.leaks[:60])


# -- the sweeps ----------------------------------------------------------------------------


def test_the_detector_sees_escaped_names_and_ignores_allowed_ones() -> None:
    """The sweep can fail: a name rendered by inert() (markdown-escaped) is found, the
    question's own words and names inside allowed strings are not."""
    alice = SIGHTS["p-contoso"]
    card = {"body": [{"type": "TextBlock", "text": inert("Clinique Saint-Louis (Liège Medical "
                                                         "Group)")}]}
    assert "\\-" in json.dumps(card)
    assert [leak for leak in alice.leaks(card) if "c-liege-medical" in leak]
    assert not alice.leaks(card, "when does Liège Medical Group expire")
    assert not alice.leaks({"text": "CoreView Audit, giulia.romano@coreview.example"})
    assert alice.leaks({"text": "CoreView"})
    assert alice.leaks({"text": "alphadist.example"})
    assert alice.leaks({"text": "hugo.bernard@alphadist.example"})
    assert SIGHTS["coreview"].forbidden == ()  # the provider sees the whole network
    assert sum(1 for s in SIGHTS.values() if s.forbidden) >= len(SIGHTS) - 1


async def test_no_answer_names_an_organization_outside_the_operators_scope(
        services: BotServices) -> None:
    bot = PartnerBot(services)
    questions = all_questions()
    assert len(questions) >= 62 + len(LIST_QUESTIONS) + len(PER_ORG) * len(ORGS)
    sweep = Sweep()
    for op in OPERATORS:
        for text, lang, today in questions:
            reply = await _say(bot, op, text, lang, today, full=False)
            sweep.check(op, text, reply, "[page]")
            # The full answer (`ask`) differs from the page only in the answer's items, and
            # only when there is more than one page (list and operators): ask it again then.
            answer = reply.answer
            if len(answer.get("items") or ()) < answer.get("total", 0):
                full = await _say(bot, op, text, lang, today, full=True)
                sweep.check(op, text, full, "[full]")
                sweep.full_answers += 1

    assert not sweep.leaks, sweep.report()
    # The sweep looked at real data: lists of organizations, every operator's own network
    # named somewhere, refusals and organization cards among the replies.
    assert sweep.turns >= len(OPERATORS) * len(questions), sweep.turns
    assert sum(1 for op in OPERATORS if SIGHTS[op["organization"]].forbidden) \
        >= len(OPERATORS) - 2  # all but the provider's two have something to hide
    assert sweep.list_cards >= 300, (sweep.list_cards, sweep.intents)
    assert set(sweep.named_visible) == {op["email"] for op in OPERATORS}, sweep.named_visible
    for intent in ("list", "count", "license_total", "org_expiry", "org_licenses",
                   "org_skus", "operators", "faq", "audit"):
        assert sweep.intents[intent] > 0, (intent, sweep.intents)


async def test_cached_answers_never_cross_scopes(demo_db: Database) -> None:
    """With the answer cache on, every operator asks each question in turn (the cache has
    the others' replies to it by then): still nothing outside each one's scope."""
    services = BotServices.create(load_settings(DATABASE_URL=demo_db.url, BOT_ID="",
                                                ANSWER_CACHE_SIZE="4096"), demo_db)
    bot = PartnerBot(services)
    sweep = Sweep()
    questions = dev_questions() + [(q, lang, TODAY) for q, lang in LIST_QUESTIONS]
    for text, lang, today in questions:
        for op in OPERATORS:
            reply = await _say(bot, op, text, lang, today, full=False)
            sweep.check(op, text, reply, "[cached]")
    assert not sweep.leaks, sweep.report()
    # The cache was used: Alice and Chloé (both Contoso admins) share replies, and a
    # question asked again (the dev set repeats some) is answered from it.
    assert services.answers.hits >= 100, services.answers.hits
    assert sweep.list_cards >= 200, sweep.list_cards


async def test_card_actions_with_any_organization_id_stay_in_scope(
        services: BotServices) -> None:
    """A card action carries ids the client may have changed: show_org and a list page
    filtered by parent, with every organization's id, for every operator."""
    bot = PartnerBot(services)
    sweep = Sweep()
    shown: Counter[str] = Counter()
    for op in OPERATORS:
        sight = SIGHTS[op["organization"]]
        for org_id in ORGS:
            reply = await _click(bot, op, "show_org", {"verb": "show_org", "org": org_id})
            sweep.check(op, "", reply, f"[show_org {org_id}]")
            if not reply.answer.get("error"):
                shown[op["email"]] += 1
                assert org_id in sight.visible, (op["email"], org_id, reply.answer)
            for kind in ("customer", "partner"):
                data = {"verb": "list_page", "kind": kind, "offset": 0,
                        "filters": {"parent": org_id}}
                reply = await _click(bot, op, "list_page", data)
                sweep.check(op, "", reply, f"[list_page {kind} parent={org_id}]")
    assert not sweep.leaks, sweep.report()
    for op in OPERATORS:  # each operator opened exactly their visible organizations
        assert shown[op["email"]] == len(SIGHTS[op["organization"]].visible), op["email"]
    assert sweep.list_cards >= 50, sweep.list_cards


async def test_the_operators_list_is_the_admins_own_organization(
        services: BotServices) -> None:
    bot = PartnerBot(services)
    for op in OPERATORS:
        own = {o["email"] for o in OPERATORS if o["organization"] == op["organization"]}
        for text, lang in (("list operators", "en"), ("liste des opérateurs", "fr")):
            for full in (False, True):
                reply = await _say(bot, op, text, lang, TODAY, full)
                if "admin" not in op["roles"]:
                    assert reply.answer.get("error") == "forbidden", (op["email"], reply.answer)
                    assert not any(e in json.dumps(reply.card) for e in own - {op["email"]})
                    continue
                emails = {i["id"] for i in reply.answer["items"]}
                assert emails == own, (op["email"], text, full, emails ^ own)
                shown = json.dumps(reply.card, ensure_ascii=False).replace("\\", "")
                others = sorted(o["email"] for o in OPERATORS
                                if o["email"] not in own and o["email"] in shown)
                assert not others, (op["email"], text, full, others)


# -- notification digests ------------------------------------------------------------------

PASS_DATES = [TODAY + dt.timedelta(days=d) for d in (0, 6, 20, 45, 90, 180, 300)]


async def test_digests_show_only_the_subscriptions_network(demo_db: Database) -> None:
    scopes = ScopeService(demo_db.sessions)
    service = NotificationService(demo_db.sessions)
    for n, op in enumerate(OPERATORS):
        scope = await scopes.for_email(op["email"])
        assert scope is not None, op["email"]
        # Anyone may subscribe their personal chat; channels are an admin's.
        kinds = [("personal", None, "en")]
        if scope.is_admin:
            kinds.append(("channel", [365, 90, 30, 7, 1], "fr"))
        for kind, leads, language in kinds:
            conversation = {"id": f"{'a' if kind == 'personal' else '19'}:sweep-{kind}-{n}",
                            "tenantId": op["tenant_id"], "conversationType": kind}
            await service.subscribe(scope, {"serviceUrl": "https://inprocess.invalid/",
                                            "conversation": conversation},
                                    kind=kind, lead_days=leads, language=language)
    digests = 0
    for day in PASS_DATES:
        result = await service.run_pass(day, digest_activity, "scope-sweep")
        assert result.ran, day
        digests += result.digests

    async with demo_db.sessions() as session:
        rows = (await session.execute(select(OutboxMessage, ChannelSubscription).join(
            ChannelSubscription,
            ChannelSubscription.id == OutboxMessage.channel_subscription_id,
        ).order_by(OutboxMessage.id))).all()
    assert len(rows) == digests
    leaks: list[str] = []
    per_org: Counter[str] = Counter()
    items = 0
    for message, sub in rows:
        sight = SIGHTS[sub.organization_id]
        leaks += [f"digest {message.id} of subscription {sub.id} ({sub.kind}, "
                  f"{sub.organization_id}): names {leak}"
                  for leak in sight.leaks(message.activity)]
        cards = [a["content"] for a in message.activity.get("attachments", [])]
        orgs = set(_org_ids_in(cards))
        if orgs - sight.visible:
            leaks.append(f"digest {message.id} ({sub.organization_id}) opens "
                         f"{sorted(orgs - sight.visible)}")
        items += len(orgs)
        per_org[sub.organization_id] += 1
    assert not leaks, "\n".join(leaks)
    # Every operator's organization got digests, with organizations in them.
    assert set(per_org) == {op["organization"] for op in OPERATORS}, per_org
    assert digests >= len(OPERATORS) + len(ADMINS) and items >= digests, (digests, items)


def _org_ids_in(value: Any) -> Iterable[str]:
    """The organization ids a card's actions carry (show_org, send_activation)."""
    if isinstance(value, dict):
        for key in ("org", "organization_id", "organization"):
            if isinstance(value.get(key), str):
                yield value[key]
        for v in value.values():
            yield from _org_ids_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from _org_ids_in(v)
