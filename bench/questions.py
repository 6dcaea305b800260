"""Questions for `bench.turns`, made from the generated network's own names, dates and
numbers: the operators who ask them (the largest distributor's admin and readers,
partners' operators), every question distinct (no answer can be reused), half English
half French, of twelve kinds; the eight questions of the repeated load; and the check
that a sample of them is understood (`partnerbot ask --batch`, the same turn in process).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import random
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import project_env
from services.network.generate import largest_distributor

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")
MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre")
# The countries the generator uses: English name, French name with its preposition.
COUNTRIES = {
    "FR": ("France", "en France"), "BE": ("Belgium", "en Belgique"),
    "CH": ("Switzerland", "en Suisse"), "LU": ("Luxembourg", "au Luxembourg"),
    "IT": ("Italy", "en Italie"), "DE": ("Germany", "en Allemagne"),
    "AT": ("Austria", "en Autriche"), "SE": ("Sweden", "en Suède"),
    "FI": ("Finland", "en Finlande"), "ES": ("Spain", "en Espagne"),
    "NL": ("the Netherlands", "aux Pays-Bas"), "GB": ("the United Kingdom", "au Royaume-Uni"),
    "IE": ("Ireland", "en Irlande"), "US": ("the United States", "aux États-Unis"),
}
# Kind -> the intents that answer it as meant (the parse check).
KINDS: dict[str, tuple[str, ...]] = {
    "list_expiry": ("list",), "list_renewal": ("list",), "list_threshold": ("list",),
    "list_sku": ("list",), "list_country": ("list",), "list_parent": ("list",),
    "count": ("count",), "licence_total": ("license_total",), "ranking": ("ranking",),
    "breakdown": ("breakdown",), "org_licences": ("org_licenses",),
    "org_expiry": ("org_expiry",),
}
# The repeated load: the same eight questions again and again (each operator's own).
REPEATED = (
    ("list_expiry", "en", "which customers expire this month"),
    ("list_expiry", "fr", "quels clients expirent le mois prochain"),
    ("licence_total", "en", "how many licenses in total"),
    ("count", "fr", "combien de clients sont à risque ?"),
    ("ranking", "en", "top 5 customers by licenses"),
    ("breakdown", "fr", "licences par SKU"),
    ("list_threshold", "en", "customers with more than 500 licenses"),
    ("list_renewal", "fr", "clients qui expirent ce mois-ci et qui sont déjà renouvelés"),
)


@dataclass(frozen=True)
class Operator:
    email: str
    aad: str
    tenant: str | None
    organization: str  # its organization's id
    label: str  # "distributor admin", "distributor reader", "partner admin", ...


@dataclass(frozen=True)
class Question:
    kind: str
    locale: str  # "en" | "fr"
    text: str


@dataclass
class Scope:
    """What one organization's operators see: the customers below it."""

    customers: list[dict[str, Any]] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)  # names of partners below it
    countries: list[str] = field(default_factory=list)
    skus: list[str] = field(default_factory=list)
    licences: list[int] = field(default_factory=list)  # each customer's total


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: two texts the bot could take as one."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


class Network:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.today = dt.date.fromisoformat(doc.get("as_of") or "2026-11-23")
        self.orgs = {o["id"]: o for o in doc["organizations"]}
        self.children: dict[str, list[str]] = defaultdict(list)
        for org in doc["organizations"]:
            if org.get("parent"):
                self.children[org["parent"]].append(org["id"])
        self.subs: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for sub in doc["subscriptions"]:
            self.subs[sub["organization"]].append(sub)
        self.skus = {s["code"]: s["name"] for s in doc.get("skus", [])}
        self._scopes: dict[str, Scope] = {}

    def scope(self, org_id: str) -> Scope:
        if org_id in self._scopes:
            return self._scopes[org_id]
        scope, stack = Scope(), list(self.children[org_id])
        countries: Counter[str] = Counter()
        skus: set[str] = set()
        while stack:
            node = self.orgs[stack.pop()]
            stack.extend(self.children[node["id"]])
            if node["kind"] == "partner":
                scope.partners.append(node["name"])
            if node["kind"] != "customer":
                continue
            scope.customers.append(node)
            countries[node.get("country") or ""] += 1
            subs = self.subs[node["id"]]
            skus.update(s["sku"] for s in subs)
            scope.licences.append(sum(s["licenses"] for s in subs))
        scope.customers.sort(key=lambda o: o["id"])
        scope.partners.sort()
        scope.countries = sorted(c for c in countries if c in COUNTRIES)
        scope.skus = sorted(skus)
        self._scopes[org_id] = scope
        return scope

    def operators(self, concurrency: int, seed: int) -> list[Operator]:
        """One operator per concurrent sender: the largest distributor's operators (its
        admin first) for up to half of them, partners' operators for the rest (partners
        with at least 10 customers, one operator each, the admin when there is one)."""
        dist = largest_distributor(self.doc)
        active = [o for o in self.doc["operators"] if o.get("aad_object_id")
                  and o.get("status", "active") == "active"]
        ours = sorted((o for o in active if o["organization"] == dist),
                      key=lambda o: ("admin" not in o.get("roles", []), o["email"]))
        picked = [_operator(o, "distributor") for o in ours[:max(1, concurrency // 2)]]
        by_partner: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for o in active:
            if self.orgs[o["organization"]]["kind"] == "partner":
                by_partner[o["organization"]].append(o)
        partners = sorted(p for p in by_partner if len(self.scope(p).customers) >= 10)
        random.Random(seed).shuffle(partners)
        for partner in partners[:concurrency - len(picked)]:
            ops = sorted(by_partner[partner],
                         key=lambda o: ("admin" not in o.get("roles", []), o["email"]))
            picked.append(_operator(ops[0], "partner"))
        return picked


def _operator(o: dict[str, Any], level: str) -> Operator:
    role = "admin" if "admin" in o.get("roles", []) else (o.get("roles") or ["reader"])[0]
    return Operator(o["email"], o["aad_object_id"], o.get("tenant_id"), o["organization"],
                    f"{level} {role}")


class Maker:
    """Distinct questions for one operator's scope. SEEN is shared by every maker of a
    run, so that no two questions of the run could share an answer."""

    def __init__(self, net: Network, op: Operator, seen: set[str], rng: random.Random) -> None:
        self.net, self.op, self.seen, self.rng = net, op, seen, rng
        self.scope = net.scope(op.organization)
        self.own_name = net.orgs[op.organization]["name"]
        self.is_partner = net.orgs[op.organization]["kind"] == "partner"
        self.makers: dict[str, Callable[[bool], str]] = {
            "list_expiry": self.list_expiry, "list_renewal": self.list_renewal,
            "list_threshold": self.list_threshold, "list_sku": self.list_sku,
            "list_country": self.list_country, "list_parent": self.list_parent,
            "count": self.count, "licence_total": self.licence_total,
            "ranking": self.ranking, "breakdown": self.breakdown,
            "org_licences": self.org_licences, "org_expiry": self.org_expiry,
        }

    # -- vocabulary drawn from the network -----------------------------------------------

    def month(self, fr: bool) -> str:
        """A month from nine months before the network's day to fifteen after it."""
        first = self.net.today.replace(day=1)
        k = self.rng.randrange(-9, 16)
        year, month = divmod(first.month - 1 + k, 12)
        name = (MONTHS_FR if fr else MONTHS_EN)[month]
        return f"{name} {first.year + year}"

    def day(self, fr: bool) -> str:
        """A day in the coming year, 'December 15, 2026' / '15 décembre 2026'."""
        d = self.net.today + dt.timedelta(days=self.rng.randrange(1, 366))
        if fr:
            return f"{'1er' if d.day == 1 else d.day} {MONTHS_FR[d.month - 1]} {d.year}"
        return f"{MONTHS_EN[d.month - 1]} {d.day}, {d.year}"

    def days(self) -> int:
        return self.rng.randrange(2, 366)

    def threshold(self) -> int:
        """A licence count some customer of the scope has (rounded a little)."""
        n = self.rng.choice(self.scope.licences or [100])
        return max(2, n + self.rng.randrange(-3, 4))

    def sku(self, named: bool = False) -> str:
        code = self.rng.choice(self.scope.skus or list(self.net.skus))
        return self.net.skus.get(code, code) if named and self.rng.random() < 0.5 else code

    def country(self, fr: bool) -> str:
        code = self.rng.choice(self.scope.countries or ["FR"])
        return COUNTRIES[code][1 if fr else 0]

    def in_country(self, fr: bool) -> str:
        return self.country(fr) if fr else f"in {self.country(fr)}"

    def customer(self) -> str:
        return str(self.rng.choice(self.scope.customers)["name"])

    def parent(self) -> str:
        if self.is_partner or not self.scope.partners:
            return self.own_name
        return self.rng.choice(self.scope.partners)

    def pick(self, *templates: str) -> str:
        return self.rng.choice(templates)

    # -- the kinds -------------------------------------------------------------------------

    def list_expiry(self, fr: bool) -> str:
        if fr:
            return self.pick(f"quels clients expirent en {self.month(fr)}",
                             f"clients qui expirent dans les {self.days()} prochains jours",
                             f"clients qui expirent avant le {self.day(fr)}",
                             f"clients qui expirent d'ici {self.days()} jours")
        return self.pick(f"which customers expire in {self.month(fr)}",
                         f"customers expiring in the next {self.days()} days",
                         f"customers expiring before {self.day(fr)}",
                         f"who expires within {self.days()} days")

    def list_renewal(self, fr: bool) -> str:
        if fr:
            return self.pick(f"clients à risque dans les {self.days()} prochains jours",
                             f"quels clients qui expirent en {self.month(fr)} ne sont pas "
                             "renouvelés",
                             f"clients renouvelés qui expirent en {self.month(fr)}")
        return self.pick(f"at risk customers in the next {self.days()} days",
                         f"customers expiring in {self.month(fr)} that aren't renewed",
                         f"which customers expiring in the next {self.days()} days are "
                         "renewed")

    def list_threshold(self, fr: bool) -> str:
        a, b = sorted((self.threshold(), self.threshold()))
        b = b if b > a else a + self.rng.randrange(5, 200)
        if fr:
            return self.pick(f"clients avec plus de {self.threshold()} licences",
                             f"clients avec moins de {self.threshold()} licences",
                             f"clients entre {a} et {b} licences",
                             f"clients avec au moins {self.threshold()} licences {self.sku()}")
        return self.pick(f"customers with more than {self.threshold()} licenses",
                         f"customers with fewer than {self.threshold()} licenses",
                         f"customers with between {a} and {b} licenses",
                         f"customers with at least {self.threshold()} {self.sku()} licenses")

    def list_sku(self, fr: bool) -> str:
        if fr:
            return self.pick(f"clients {self.in_country(fr)} avec {self.sku(True)}",
                             f"clients dont {self.sku()} expire en {self.month(fr)}",
                             f"clients qui ont {self.sku(True)} et plus de "
                             f"{self.threshold()} licences")
        return self.pick(f"customers {self.in_country(fr)} with {self.sku(True)}",
                         f"customers with {self.sku()} expiring in {self.month(fr)}",
                         f"which customers have {self.sku(True)} and more than "
                         f"{self.threshold()} licenses")

    def list_country(self, fr: bool) -> str:
        if fr:
            return self.pick(f"clients {self.in_country(fr)} qui expirent en {self.month(fr)}",
                             f"clients {self.in_country(fr)} avec plus de {self.threshold()} "
                             "licences",
                             f"clients {self.in_country(fr)} qui expirent dans les "
                             f"{self.days()} prochains jours")
        return self.pick(f"customers {self.in_country(fr)} expiring in {self.month(fr)}",
                         f"customers {self.in_country(fr)} with more than {self.threshold()} "
                         "licenses",
                         f"customers {self.in_country(fr)} expiring in the next "
                         f"{self.days()} days")

    def list_parent(self, fr: bool) -> str:
        if fr:
            return self.pick(f"clients de {self.parent()} qui expirent en {self.month(fr)}",
                             f"clients de {self.parent()} avec plus de {self.threshold()} "
                             "licences",
                             f"clients de {self.parent()} {self.in_country(fr)}")
        return self.pick(f"which {self.parent()} customers expire in {self.month(fr)}",
                         f"customers of {self.parent()} with more than {self.threshold()} "
                         "licenses",
                         f"customers of {self.parent()} {self.in_country(fr)}")

    def count(self, fr: bool) -> str:
        if fr:
            return self.pick(f"combien de clients expirent en {self.month(fr)} ?",
                             f"combien de clients ont plus de {self.threshold()} licences ?",
                             f"combien de clients {self.in_country(fr)} expirent en "
                             f"{self.month(fr)} ?",
                             f"combien de clients expirent dans les {self.days()} prochains "
                             "jours ?")
        return self.pick(f"how many customers expire in {self.month(fr)}?",
                         f"how many customers have more than {self.threshold()} licenses?",
                         f"how many customers {self.in_country(fr)} expire in "
                         f"{self.month(fr)}?",
                         f"how many customers expire in the next {self.days()} days?")

    def licence_total(self, fr: bool) -> str:
        if fr:
            return self.pick(f"combien de licences expirent en {self.month(fr)} ?",
                             f"combien de licences expirent dans les {self.days()} "
                             "prochains jours ?",
                             f"combien de licences {self.sku()} expirent en "
                             f"{self.month(fr)} ?")
        return self.pick(f"how many licenses expire in {self.month(fr)}?",
                         f"how many licenses expire in the next {self.days()} days?",
                         f"how many {self.sku()} licenses expire in {self.month(fr)}?")

    def ranking(self, fr: bool) -> str:
        k = self.rng.randrange(2, 51)
        if fr:
            return self.pick(f"nos {k} plus gros clients {self.in_country(fr)}",
                             f"top {k} des clients par licences qui expirent en "
                             f"{self.month(fr)}",
                             f"nos {k} plus gros clients {self.sku()}")
        return self.pick(f"top {k} customers {self.in_country(fr)} by licenses",
                         f"top {k} customers by licenses expiring in {self.month(fr)}",
                         f"top {k} {self.sku()} customers by licenses")

    def breakdown(self, fr: bool) -> str:
        if fr:
            return self.pick(f"licences par SKU {self.in_country(fr)}",
                             f"licences par pays pour les clients avec plus de "
                             f"{self.threshold()} licences",
                             f"licences par SKU pour les clients qui expirent en "
                             f"{self.month(fr)}",
                             f"nombre de clients par pays avec {self.sku()} et plus de "
                             f"{self.threshold()} licences")
        return self.pick(f"licenses per SKU {self.in_country(fr)}",
                         f"licenses per country for customers with more than "
                         f"{self.threshold()} licenses",
                         f"licenses per SKU for customers expiring in {self.month(fr)}",
                         f"customers per country with {self.sku()} and more than "
                         f"{self.threshold()} licenses")

    def org_licences(self, fr: bool) -> str:
        name = self.customer()
        if fr:
            return self.pick(f"combien de licences a {name} ?", f"licences de {name}")
        return self.pick(f"how many licenses does {name} have?", f"licenses of {name}")

    def org_expiry(self, fr: bool) -> str:
        name = self.customer()
        if fr:
            return self.pick(f"quand expire {name} ?", f"date d'expiration de {name}")
        return self.pick(f"when does {name} expire?", f"expiry date of {name}")

    def make(self, kind: str, fr: bool) -> Question | None:
        """A question of KIND not asked before in this run (None: none found)."""
        for _ in range(50):
            text = self.makers[kind](fr)
            key = fold(text)
            if key not in self.seen:
                self.seen.add(key)
                return Question(kind, "fr" if fr else "en", text)
        return None


def distinct_plans(net: Network, ops: list[Operator], per_sender: int, seed: int,
                   seen: set[str]) -> list[list[Question]]:
    """PER_SENDER distinct questions for each operator: the kinds in turn (shuffled per
    cycle), English or French at random (half each)."""
    rng = random.Random(seed)
    plans = []
    for op in ops:
        maker, plan = Maker(net, op, seen, rng), []
        kinds: list[str] = []
        while len(plan) < per_sender:
            if not kinds:
                kinds = list(KINDS)
                rng.shuffle(kinds)
            question = maker.make(kinds.pop(), rng.random() < 0.5)
            if question is not None:
                plan.append(question)
        plans.append(plan)
    return plans


def repeated_plans(ops: list[Operator], per_sender: int) -> list[list[Question]]:
    """Each operator asks the eight REPEATED questions in turn (sender k starts at the
    k-th, so that every question is in flight at once)."""
    questions = [Question(kind, locale, text) for kind, locale, text in REPEATED]
    return [[questions[(k + i) % len(questions)] for i in range(per_sender)]
            for k in range(len(ops))]


# --------------------------------------------------------------------------- parse check


@dataclass
class ParseCheck:
    asked: int
    understood: int  # any intent but unknown / clarify / unsupported / error
    as_meant: int  # the kind's own intent
    by_kind: dict[str, tuple[int, int, int]]  # kind -> (asked, understood, as meant)
    failures: list[tuple[str, str, str]]  # (kind, question, intent)
    elapsed_s: float


NOT_UNDERSTOOD = frozenset({"unknown", "clarify", "unsupported", "error", "unknown_operator"})


async def parse_check(url: str, workdir: Path, ops: list[Operator],
                      plans: list[list[Question]], sample: int, today: dt.date,
                      seed: int) -> ParseCheck:
    """Ask SAMPLE of the questions (spread over the kinds and operators) through
    `partnerbot ask --batch` on the run's database, and see which intent answers."""
    pool = [(op, q) for op, plan in zip(ops, plans, strict=True) for q in plan]
    by_kind: dict[str, list[tuple[Operator, Question]]] = defaultdict(list)
    for item in pool:
        by_kind[item[1].kind].append(item)
    rng = random.Random(seed)
    chosen: list[tuple[Operator, Question]] = []
    per_kind = max(1, sample // max(1, len(by_kind)))
    for kind in KINDS:
        items = by_kind.get(kind, [])
        chosen += rng.sample(items, min(per_kind, len(items)))
    batch = workdir / f"parse-check-{os.getpid()}.jsonl"
    batch.write_text("".join(json.dumps({"as": op.email, "locale": q.locale,
                                         "now": today.isoformat(), "q": q.text},
                                        ensure_ascii=False) + "\n" for op, q in chosen),
                     "utf-8")
    env = project_env(DATABASE_URL=url, LOG_LEVEL="ERROR", ANSWER_CACHE_SIZE="0")
    loop = asyncio.get_running_loop()
    started = loop.time()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "ask", "--batch", str(batch), env=env, cwd=workdir,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
    out, _ = await process.communicate()
    elapsed = loop.time() - started
    batch.unlink(missing_ok=True)
    answers = [json.loads(line) for line in out.decode("utf-8").splitlines() if line.strip()]
    counts: dict[str, list[int]] = {kind: [0, 0, 0] for kind in KINDS}
    failures = []
    for (_op, q), answer in zip(chosen, answers, strict=False):
        intent = str(answer.get("intent", "?"))
        understood = intent not in NOT_UNDERSTOOD and "error" not in answer
        meant = understood and intent in KINDS[q.kind]
        row = counts[q.kind]
        row[0] += 1
        row[1] += understood
        row[2] += meant
        if not meant:
            failures.append((q.kind, q.text, intent + (f" ({answer['error']})"
                                                      if "error" in answer else "")))
    missing = len(chosen) - len(answers)
    if missing:
        failures.append(("-", f"{missing} questions got no answer line", "ask --batch"))
    return ParseCheck(len(chosen), sum(r[1] for r in counts.values()),
                      sum(r[2] for r in counts.values()),
                      {k: (r[0], r[1], r[2]) for k, r in counts.items()}, failures, elapsed)
