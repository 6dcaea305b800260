# ruff: noqa: E501 - one question per line reads better than wrapped literals
"""DEV-TIME TOOL: writes tests/eval/questions.blind.jsonl.

Not a test and not used at run time. A blind evaluation set written without looking
at how the bot understands questions (services/understanding/ was not read): 90 new
questions, half English and half French, over the demo network at now = 2026-11-23,
five per capability. They imitate people the earlier sets did not: a terse sales
manager on a phone ("custs >2k seats"), a French-speaking account manager writing
full polite sentences ("Pourriez-vous me donner…", "J'aimerais savoir…"), Belgian
and Swiss French speakers ("septante", "nonante", "endéans", "savez-vous me…",
"une fois"), French mixed with English product words ("les tenants de Litware",
"le seat count de…"), questions written as noun phrases ("renouvellements de
janvier", "full distributor roster") and questions wrapped in context words ("for
the QBR…", "pour le comité de demain…" — whose date words filter nothing).
Every expectation is computed by the independent oracle (tests/eval/oracle.py).

    .venv/bin/python tests/eval/make_blind.py [--out PATH]

The script
1. re-checks the oracle against every dev expectation (make_paraphrases.check_dev);
2. refuses any question equal, once normalized (make_holdout.key), to a question of
   the dev, paraphrase or holdout sets, or too close to one (difflib ratio >=
   make_holdout.NEAR), and exact or near duplicates inside this set;
3. refuses an entry whose oracle result contradicts its capability (a refusal that
   is not denied, an answer that is) or that has no defined answer;
4. checks the balance (90 questions, 45 per language, 5 per capability, every demo
   operator used) and writes the file in the dev format
   {"as", "locale", "now", "q", "expect"}, then prints the counts.

Only questions whose answer the SPEC fixes are kept. Where a phrasing could still be
read two ways, the asking operator is chosen so that both readings agree (noted
inline). Deliberately avoided: "soon", "this quarter", "end of year", "tomorrow" as
a filter, "at least N", weeks or months as a "next N" unit, a month name in the past
tense (the SPEC's next-occurrence rule against a reader's "last October"), "renewal"
of one organization with several subscriptions, "no active subscription" where a
customer without subscriptions is in scope, and the operators of another org.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import difflib
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from tests.eval.make_holdout import NEAR, existing_questions, key  # noqa: E402
from tests.eval.make_holdout import OUT_FILE as HOLDOUT_FILE  # noqa: E402
from tests.eval.make_paraphrases import (  # noqa: E402
    AUDIT,
    BACKUP,
    BETWEEN,
    DAYS,
    DEV_FILE,
    ENT,
    ESS,
    EXP,
    LIC,
    LICS,
    MONTH,
    NEXT,
    NOW,
    OPERATORS,
    OPS,
    PRO,
    SKUS,
    THIS,
    TODAY,
    Call,
    L,
    N,
    T,
    check_dev,
)
from tests.eval.make_paraphrases import OUT_FILE as PARAPHRASES_FILE  # noqa: E402
from tests.eval.oracle import DENIED, Oracle, expectation  # noqa: E402

OUT_FILE = HERE / "questions.blind.jsonl"
SIZE = 90
PER_CAPABILITY = 5

# (capability, locale, operator, question, oracle call)
B: list[tuple[str, str, str, str, Call]] = [
    # ------------------------------------------------ customers expiring in a range
    ("expiry_range", "en", "erik", "renewals next mo?", L(range=NEXT)),
    ("expiry_range", "en", "james",
     "for the QBR, which customers come up for renewal between december and february?",
     L(range=BETWEEN(12, 2))),
    ("expiry_range", "en", "anders", "expiring contracts in the next 10 days", L(range=DAYS(10))),
    ("expiry_range", "fr", "claire", "renouvellements de janvier", L(range=MONTH(1))),
    ("expiry_range", "fr", "nina", "quels clients arrivent à échéance dans les nonante prochains jours ?",
     L(range=DAYS(90))),
    # ------------------------------------------------ lapsed customers (SPEC's term)
    ("lapsed", "en", "chloe", "lapsed accts?", L(lapsed=True)),
    ("lapsed", "en", "sofia", "for the churn review, which customers have fully lapsed",
     L(lapsed=True)),
    ("lapsed", "fr", "jan", "dis, quels sont nos clients expirés, une fois ?", L(lapsed=True)),
    ("lapsed", "fr", "hugo", "la liste des customers lapsed stp", L(lapsed=True)),
    ("lapsed", "fr", "bruno",
     "J'aimerais savoir quels clients sont actuellement expirés, s'il vous plaît.",
     L(lapsed=True)),
    # ------------------------------------------------ plain lists
    ("list", "en", "ingrid", "my tenants", L()),
    ("list", "en", "erik", "prepping for the partner summit - list our resellers",
     L("partner")),
    ("list", "en", "luca", "full distributor roster", L("distributor")),
    ("list", "fr", "lotte", "Savez-vous me montrer tous nos clients, s'il vous plaît ?", L()),
    ("list", "fr", "nina", "la liste de tous mes tenants", L()),
    # ------------------------------------------------ by parent
    ("parent", "en", "sofia", "customers under nordic cloud", L(parent="d-nordic")),
    ("parent", "en", "hugo", "contoso's accounts?", L(parent="p-contoso")),
    ("parent", "fr", "sofia", "Pourriez-vous m'indiquer les clients gérés par Adatum Consulting ?",
     L(parent="p-adatum")),
    ("parent", "fr", "claire", "les tenants de Litware", L(parent="p-litware")),
    ("parent", "fr", "luca", "revendeurs rattachés à Alpha Distribution",
     L("partner", parent="d-alpha")),
    # ------------------------------------------------ by SKU (active subscriptions)
    # Café Lumière's Backup lapsed on Nov 5: not "on backup" any more.
    ("sku", "en", "claire", "who's on backup", L(sku=BACKUP)),
    ("sku", "en", "anders",
     "for the upsell campaign: which of my customers run CoreSuite Essentials?", L(sku=ESS)),
    # Boston Legal's CS-PRO ends today, so it is still active; Miami Marine's lapsed.
    ("sku", "en", "james", "CS-PRO customers", L(sku=PRO)),
    ("sku", "fr", "hugo", "les clients qui ont le License Optimizer", L(sku=LIC)),
    ("sku", "fr", "chloe", "Pourriez-vous me dire quels clients disposent de CoreView Audit ?",
     L(sku=AUDIT)),
    # ------------------------------------------------ a SKU and a range (same subscription)
    ("sku_range", "en", "sofia", "ahead of the QBR: customers whose CS-ENT ends in December",
     L(sku=ENT, range=MONTH(12))),
    ("sku_range", "en", "james", "pro subs ending today?", L(sku=PRO, range=TODAY)),
    ("sku_range", "fr", "claire",
     "J'aimerais savoir quels clients ont un abonnement CoreView Audit qui arrive à échéance "
     "le mois prochain.", L(sku=AUDIT, range=NEXT)),
    ("sku_range", "fr", "erik", "les tenants dont le CoreSuite Pro expire dans les 60 jours",
     L(sku=PRO, range=DAYS(60))),
    ("sku_range", "fr", "jan", "quels clients ont leur CoreView Backup qui expire endéans les 30 jours ?",
     L(sku=BACKUP, range=DAYS(30))),
    # ------------------------------------------------ license thresholds (strict)
    ("threshold", "en", "luca", "custs >2k seats", L(gt=2000)),
    # Tromsø has no subscription: 0 licenses (SPEC: the sum over active ones), under 80.
    ("threshold", "en", "ingrid", "which customers have under 80 licenses", L(lt=80)),
    ("threshold", "en", "emily", "quick one for my manager: clients with more than 300 seats?",
     L(gt=300)),
    ("threshold", "fr", "nina", "nos clients au-delà de nonante licences ?", L(gt=90)),
    ("threshold", "fr", "jan", "quels clients ont moins de septante licences ?", L(lt=70)),
    # ------------------------------------------------ onboarding
    # Adatum has no not_invited customer: "invite not accepted" read as pending or as
    # not onboarded gives the same answer.
    ("onboarding", "en", "james", "who hasn't accepted the invite yet",
     L(onboarding="pending")),
    ("onboarding", "en", "luca", "non-onboarded tenants, full list",
     L(onboarding="not_onboarded")),
    ("onboarding", "fr", "chloe", "les customers déjà onboardés", L(onboarding="onboarded")),
    ("onboarding", "fr", "erik",
     "Pourriez-vous me lister les clients dont l'activation est encore en attente ?",
     L(onboarding="pending")),
    ("onboarding", "fr", "nina", "quels clients n'ont pas encore été intégrés chez nous ?",
     L(onboarding="not_onboarded")),
    # ------------------------------------------------ two filters
    ("combined", "en", "sofia",
     "QBR prep - customers with more than 1000 licenses that expire next month",
     L(gt=1000, range=NEXT)),
    ("combined", "en", "erik", "northwind accts pending activation",
     L(parent="p-northwind", onboarding="pending")),
    ("combined", "en", "claire", "which fabrikam customers have CS-ENT",
     L(parent="p-fabrikam", sku=ENT)),
    ("combined", "fr", "hugo", "les tenants de Contoso avec plus de 100 seats",
     L(parent="p-contoso", gt=100)),
    ("combined", "fr", "luca",
     "J'aimerais la liste des clients de Tailspin qui arrivent à échéance ce mois-ci",
     L(parent="p-tailspin", range=THIS)),
    # ------------------------------------------------ counts
    ("count", "en", "anders", "how many tenants r we managing", N()),
    ("count", "en", "luca", "for the board deck, how many partners do we have in total?",
     N("partner")),
    ("count", "fr", "nina", "Pourriez-vous me dire combien de nos clients expirent en décembre ?",
     N(range=MONTH(12))),
    ("count", "fr", "lotte",
     "pour le comité de demain, combien de clients sont en attente d'activation ?",
     N(onboarding="pending")),
    ("count", "fr", "hugo", "combien de tenants ont du CS-ENT ?", N(sku=ENT)),
    # ------------------------------------------------ license totals
    ("license_total", "en", "chloe", "total seats?", T()),
    ("license_total", "en", "erik",
     "for the quarterly review, what's the overall license count across my customers", T()),
    # Names distributors: their own licenses (SPEC section 1).
    ("license_total", "en", "sofia", "total licenses held by our distributors",
     T("distributor")),
    ("license_total", "fr", "jan",
     "Savez-vous me dire le nombre total de licences de tous nos clients, s'il vous plaît ?",
     T()),
    ("license_total", "fr", "claire",
     "pour le comité de demain, le seat count total des clients de Fabrikam ?",
     T(parent="p-fabrikam")),
    # ------------------------------------------------ one organization's licenses
    ("org_licenses", "en", "james", "austin games seats?", LICS("c-austin-games")),
    ("org_licenses", "en", "luca",
     "prepping a call w/ goteborg shipping: how many licences do they hold?",
     LICS("c-goteborg-shipping")),
    ("org_licenses", "fr", "claire", "le seat count de Zurich Uhren ?", LICS("c-zurich-uhren")),
    ("org_licenses", "fr", "nina",
     "Pourriez-vous m'indiquer le nombre de licences de Lausanne Pharma ?",
     LICS("c-lausanne-pharma")),
    ("org_licenses", "fr", "bruno",
     "J'aimerais savoir combien de licences actives a la Boulangerie Dupont.",
     LICS("c-boulangerie-dupont")),
    # ------------------------------------------------ one organization's expiry
    # Bergen: two subscriptions; its expiry is the earliest active one (SPEC).
    ("org_expiry", "en", "ingrid", "bergen seafood expiry?", EXP("c-bergen-seafood")),
    # Single-subscription customer: "contract end" has one reading.
    ("org_expiry", "en", "erik", "uppsala research labs: when does the contract end?",
     EXP("c-uppsala-university")),
    ("org_expiry", "en", "sofia",
     "for the renewal call tomorrow, when does Austin Games Studio expire?",
     EXP("c-austin-games")),
    # Lapsed: the latest date it had.
    ("org_expiry", "fr", "jan", "Quand est-ce que la Brasserie Vanderberg a expiré, une fois ?",
     EXP("c-brasserie-vanderberg")),
    ("org_expiry", "fr", "hugo", "la date d'expiry de Liège Medical ?", EXP("c-liege-medical")),
    # ------------------------------------------------ one organization's SKUs (active)
    ("org_skus", "en", "emily", "boston legal - which skus?", SKUS("c-boston-legal")),
    ("org_skus", "en", "luca",
     "for the cross-sell list: which products does Luleå Steel currently subscribe to?",
     SKUS("c-lulea-steel")),
    ("org_skus", "fr", "chloe", "Pourriez-vous me dire quels produits sont actifs chez Café Lumière ?",
     SKUS("c-cafe-lumiere")),
    ("org_skus", "fr", "nina", "les SKUs de Zürich Uhren ?", SKUS("c-zurich-uhren")),
    ("org_skus", "fr", "erik", "quels abonnements a Göteborg Shipping en ce moment ?",
     SKUS("c-goteborg-shipping")),
    # ------------------------------------------------ the operators list (admins)
    ("operators", "en", "ingrid", "who's set up as an operator here", OPERATORS()),
    ("operators", "en", "james", "for the security audit, list everyone in Adatum with bot access",
     OPERATORS()),
    ("operators", "en", "erik", "team members with access to the partner app bot", OPERATORS()),
    ("operators", "fr", "jan", "Savez-vous me donner la liste des opérateurs de notre société ?",
     OPERATORS()),
    ("operators", "fr", "alice", "la liste des users du bot chez Contoso", OPERATORS()),
    # ------------------------------------------------ refusal: operators list for a reader
    ("denied_operators", "en", "emily", "operator roster?", OPERATORS()),
    ("denied_operators", "en", "luca", "for the access review, who are the operators at CoreView?",
     OPERATORS()),
    ("denied_operators", "fr", "hugo",
     "Pourriez-vous me montrer la liste des opérateurs d'Alpha Distribution ?", OPERATORS()),
    ("denied_operators", "fr", "nina",
     "J'aimerais savoir qui a accès au bot dans notre organisation.", OPERATORS()),
    ("denied_operators", "fr", "bruno", "la liste des users qui ont accès au bot", OPERATORS()),
    # ------------------------------------------------ refusal: a page the org kind lacks
    ("denied_page", "en", "anders", "resellers list", L("partner")),
    ("denied_page", "en", "ingrid", "for the QBR deck I need the number of distributors",
     N("distributor")),
    ("denied_page", "en", "hugo", "distributors expiring next month",
     L("distributor", range=NEXT)),
    ("denied_page", "fr", "bruno", "le total des licences de nos resellers ?", T("partner")),
    ("denied_page", "fr", "claire",
     "Pourriez-vous me lister les distributeurs dont le contrat arrive à échéance en janvier ?",
     L("distributor", range=MONTH(1))),
    # ------------------------------------------------ refusal: a name outside scope / unknown
    ("denied_scope", "en", "anders", "oslo fjord ferries - expiry?", EXP("c-oslo-fjord")),
    ("denied_scope", "en", "james", "for the QBR, what SKUs does Acme Corp have?",
     SKUS("Acme Corp")),
    # Above the asker in the tree: not visible either.
    ("denied_scope", "fr", "alice", "quand expire le contrat d'Alpha Distribution ?",
     EXP("d-alpha")),
    ("denied_scope", "fr", "erik", "le seat count de Clinique Saint-Louis",
     LICS("c-clinique-saint-louis")),
    ("denied_scope", "fr", "lotte", "Savez-vous me donner les clients de Litware, s'il vous plaît ?",
     L(parent="p-litware")),
]


def build(oracle: Oracle, existing: dict[str, str]) -> list[dict[str, Any]]:
    today = dt.date.fromisoformat(NOW)
    out, problems = [], []
    own: dict[str, str] = {}
    for cap, locale, who, q, call in B:
        email = OPS[who]
        k = key(q)
        if k in existing:
            problems.append(f"duplicate of an existing question: {q!r} ~ {existing[k]!r}")
        else:
            for ek, eq in existing.items():
                if difflib.SequenceMatcher(None, k, ek).ratio() >= NEAR:
                    problems.append(f"too close to an existing question: {q!r} ~ {eq!r}")
        for ok_, oq in own.items():
            if ok_ == k or difflib.SequenceMatcher(None, k, ok_).ratio() >= NEAR:
                problems.append(f"duplicate inside the blind set: {q!r} ~ {oq!r}")
        own[k] = q
        result = call(oracle, email, today)
        if (result == DENIED) != cap.startswith("denied"):
            problems.append(f"{cap} question {who} {q!r} gives {result!r}")
        try:
            expect = expectation(result)
        except ValueError as e:
            problems.append(f"{who} {q!r}: {e}")
            continue
        out.append({"as": email, "locale": locale, "now": NOW, "q": q, "expect": expect})

    by_lang = collections.Counter(loc for _, loc, *_ in B)
    by_cap = collections.Counter(cap for cap, *_ in B)
    if len(B) != SIZE or by_lang != {"en": SIZE // 2, "fr": SIZE // 2}:
        problems.append(f"expected {SIZE} questions, half per language: {len(B)} {dict(by_lang)}")
    uneven = {c: n for c, n in by_cap.items() if n != PER_CAPABILITY}
    if uneven:
        problems.append(f"capabilities without {PER_CAPABILITY} questions: {uneven}")
    unused = set(OPS) - {who for _, _, who, *_ in B}
    if unused:
        problems.append(f"demo operators never used: {sorted(unused)}")
    if problems:
        raise SystemExit("BLIND SET FAILED:\n  " + "\n  ".join(problems))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_FILE)
    args = parser.parse_args(argv)

    oracle = Oracle.load()
    n_dev = check_dev(oracle, DEV_FILE)
    print(f"oracle reproduces all {n_dev} dev expectations")

    existing = existing_questions(DEV_FILE, PARAPHRASES_FILE, HOLDOUT_FILE)
    rows = build(oracle, existing)
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")

    by_lang = collections.Counter(r["locale"] for r in rows)
    by_cap = collections.Counter((cap, loc) for cap, loc, *_ in B)
    kinds = collections.Counter(next(iter(r["expect"])) for r in rows)
    empty = sum(1 for r in rows if r["expect"].get("ids") == [])
    print(f"wrote {len(rows)} questions to {args.out}")
    print("by language:", dict(by_lang))
    print("by expectation:", dict(kinds), f"(empty lists: {empty})")
    print(f"by capability {'':12} en  fr")
    for cap in dict.fromkeys(c for c, *_ in B):
        print(f"  {cap:22} {by_cap[(cap, 'en')]:3} {by_cap[(cap, 'fr')]:3}")


if __name__ == "__main__":
    main()
