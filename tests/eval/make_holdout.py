"""DEV-TIME TOOL: writes tests/eval/questions.holdout.jsonl.

Not a test and not used at run time. The held-out set: questions a busy Teams user
would type to the bot (chat shorthand, politeness, abbreviations, lower-case or
unaccented names, a missing word in a name, small typos in ordinary words, two
filters at once), in English and French, over the demo network at now = 2026-11-23.
Every expectation is computed by the independent oracle (tests/eval/oracle.py);
nothing here looks at how the bot understands questions.

    .venv/bin/python tests/eval/make_holdout.py [--out PATH]

The script
1. re-checks the oracle against every dev expectation (make_paraphrases.check_dev);
2. refuses any question equal, once normalized (case, accents, punctuation,
   spacing), to a question of questions.dev.jsonl or questions.paraphrases.jsonl,
   or too close to one (difflib ratio >= NEAR), and duplicates inside the set;
3. refuses an entry whose oracle result contradicts its capability (a refusal that
   is not denied, an answer that is), or that has no defined answer;
4. writes the file in the dev format {"as", "locale", "now", "q", "expect"} and
   prints the counts per language and capability.

Questions are kept only where the SPEC fixes the answer; where a phrasing could be
read two ways ("lapsing", "non activés", "before the end of the month"), the asking
operator is chosen so that both readings give the same answer (noted inline).
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import difflib
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from tests.eval.make_paraphrases import (  # noqa: E402
    AUDIT,
    BACKUP,
    BETWEEN,
    DAYS,
    DEV_FILE,
    ENT,
    ESS,
    EXP,
    LAST,
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
    Call,
    L,
    N,
    T,
    check_dev,
)
from tests.eval.make_paraphrases import OUT_FILE as PARAPHRASES_FILE  # noqa: E402
from tests.eval.oracle import DENIED, Oracle, expectation  # noqa: E402

OUT_FILE = HERE / "questions.holdout.jsonl"
NEAR = 0.85  # refuse questions this close (difflib ratio, normalized) to an existing one

# (capability, locale, operator, question, oracle call)
H: list[tuple[str, str, str, str, Call]] = [
    # ============================================================== English
    # -- customers expiring in a date range
    # Tailspin's only November expiry is Bergen (29th): every reading of
    # "before the end of the month" gives the same answer.
    ("expiry_range", "en", "ingrid", "any clients expiring b4 end of month?", L(range=THIS)),
    # Adatum's only December expiry is Seattle's single subscription: "lapsing"
    # read as "expiring" or as "losing its last subscription" agree.
    ("expiry_range", "en", "emily", "any customers lapsing in dec", L(range=MONTH(12))),
    ("expiry_range", "en", "luca", "who's up for renewal in jan pls", L(range=MONTH(1))),
    ("expiry_range", "en", "erik", "pls list customers w/ expiry in the next 2 weeks",
     L(range=DAYS(14))),
    ("expiry_range", "en", "sofia",
     "which customers have subscriptions ending between feb and may?", L(range=BETWEEN(2, 5))),
    ("expiry_range", "en", "alice", "who's expiring in the next 60 days", L(range=DAYS(60))),
    ("expiry_range", "en", "chloe", "march expiries for my customers?", L(range=MONTH(3))),
    ("expiry_range", "en", "claire", "nov expiries - which clients?", L(range=MONTH(11))),
    # Greenleaf is the only October expiry and it is lapsed: both readings agree.
    ("expiry_range", "en", "luca", "who lapsed last month?", L(range=LAST)),
    # -- lapsed
    # "no active subs left" / "tous les abonnements ont expiré" would be vacuously true
    # of a customer with no subscription at all: asked by Fabrikam, which has none.
    ("lapsed", "en", "jan", "show customers with no active subs left", L(lapsed=True)),
    ("lapsed", "en", "luca", "lapsed clients pls", L(lapsed=True)),
    # -- plain lists
    ("list", "en", "anders", "list ALL my tenants", L()),
    ("list", "en", "emily", "pull up our customer list", L()),
    ("list", "en", "claire", "which partners sit under us?", L("partner")),
    # -- by parent
    ("parent", "en", "sofia", "which tenants does tailspin msp look after?",
     L(parent="p-tailspin")),
    ("parent", "en", "claire", "who are litware's clients", L(parent="p-litware")),
    ("parent", "en", "sofia", "partners under nordic", L("partner", parent="d-nordic")),
    # -- by SKU
    ("sku", "en", "sofia", "which customers are on CS-ENT", L(sku=ENT)),
    ("sku", "en", "erik", "who's got CoreView Backup?", L(sku=BACKUP)),
    ("sku", "en", "hugo", "clients using the audit module", L(sku=AUDIT)),
    ("sku", "en", "sofia", "partners on coresuite pro", L("partner", sku=PRO)),
    # -- a SKU and a date range (the same subscription)
    ("sku_range", "en", "sofia", "which customers have CS-ESS up for renewal in the next 30 days",
     L(sku=ESS, range=DAYS(30))),
    ("sku_range", "en", "claire", "whcih clients have audit expiring in dec",
     L(sku=AUDIT, range=MONTH(12))),
    ("sku_range", "en", "luca", "enterprise subscriptions ending in jan - which customers?",
     L(sku=ENT, range=MONTH(1))),
    # -- license thresholds (strict)
    ("threshold", "en", "luca", "clients w/ >1500 seats", L(gt=1500)),
    ("threshold", "en", "anders", "which clients have less than 150 licences", L(lt=150)),
    # -- onboarding
    ("onboarding", "en", "emily", "tenants pending activation", L(onboarding="pending")),
    ("onboarding", "en", "luca", "which tenants still need onboarding?",
     L(onboarding="not_onboarded")),
    ("onboarding", "en", "anders", "which customers are fully onboarded",
     L(onboarding="onboarded")),
    # -- two filters
    ("combined", "en", "sofia", "contoso clients that aren't onboarded",
     L(parent="p-contoso", onboarding="not_onboarded")),
    ("combined", "en", "luca", "adatum tenants awaiting activation",
     L(parent="p-adatum", onboarding="pending")),
    ("combined", "en", "claire", "lapsed customers at contoso", L(parent="p-contoso", lapsed=True)),
    ("combined", "en", "sofia", "northwind clients over 500 seats",
     L(parent="p-northwind", gt=500)),
    # The threshold is the customer's licenses (SPEC), phrased as a customer attribute.
    ("combined", "en", "sofia", "which of our customers with over 500 seats expire in december?",
     L(gt=500, range=MONTH(12))),
    # -- counts
    ("count", "en", "sofia", "how mnay partners have we got", N("partner")),
    ("count", "en", "claire", "next month, how many customers come up for renewal?", N(range=NEXT)),
    ("count", "en", "james", "how many of my customers are on CS-ENT", N(sku=ENT)),
    ("count", "en", "sofia", "how many lapsed customers are there", N(lapsed=True)),
    # -- license totals
    ("license_total", "en", "anders", "add up the licenses of all my customers", T()),
    ("license_total", "en", "sofia", "total seat count for tailspin's customers",
     T(parent="p-tailspin")),
    ("license_total", "en", "emily", "what's our total license count", T()),
    # -- one organization's licenses
    ("org_licenses", "en", "erik", "seat count for uppsala labs?", LICS("c-uppsala-university")),
    ("org_licenses", "en", "sofia", "lulea steel - how many licenses", LICS("c-lulea-steel")),
    ("org_licenses", "en", "james", "licenes for denver health", LICS("c-denver-health")),
    # -- one organization's expiry ("renewal" only for single-subscription customers)
    ("org_expiry", "en", "emily", "seattle coffee: when's renewal?", EXP("c-seattle-coffee")),
    ("org_expiry", "en", "ingrid", "when is oslo fjord up for renewal", EXP("c-oslo-fjord")),
    ("org_expiry", "en", "claire", "when did greenleaf bio lapse", EXP("c-greenleaf-bio")),
    ("org_expiry", "en", "anders", "when's malmo foods renewal due", EXP("c-malmo-foods")),
    # -- one organization's SKUs
    ("org_skus", "en", "ingrid", "what's bergen seafood subscribed to?", SKUS("c-bergen-seafood")),
    ("org_skus", "en", "sofia", "which SKUs is trondheim tech on", SKUS("c-trondheim-tech")),
    ("org_skus", "en", "emily", "what plans does miami marine have", SKUS("c-miami-marine")),
    # -- the operators list (admins)
    ("operators", "en", "james", "who in my org has access to the bot", OPERATORS()),
    ("operators", "en", "anders", "list my org's operators", OPERATORS()),
    ("operators", "en", "sofia", "operators list pls", OPERATORS()),
    # -- refusals
    ("denied_operators", "en", "emily", "who else can use this bot in our org?", OPERATORS()),
    ("denied_operators", "en", "luca", "could you list everyone with access?", OPERATORS()),
    ("denied_page", "en", "alice", "how many resellers do we have", N("partner")),
    ("denied_page", "en", "anders", "can u pull up the distributor list", L("distributor")),
    ("denied_page", "en", "claire", "how many distributors are there?", N("distributor")),
    ("denied_scope", "en", "alice", "ghent logistics seat count?", LICS("c-ghent-logistics")),
    ("denied_scope", "en", "erik", "when's renewal for hotel belle epoque",
     EXP("c-hotel-belle-epoque")),
    ("denied_scope", "en", "sofia", "Initech Corp licenses?", LICS("Initech Corp")),
    ("denied_scope", "en", "emily", "clients of litware expiring in dec",
     L(parent="p-litware", range=MONTH(12))),

    # =============================================================== French
    # -- clients expirant sur une période
    ("expiry_range", "fr", "lotte", "qui expire en janvier", L(range=MONTH(1))),
    ("expiry_range", "fr", "claire",
     "clients qui arrivent a echeance dans les 2 prochaines semaines", L(range=DAYS(14))),
    ("expiry_range", "fr", "nina", "y a des clients qui arrivent à terme en decembre ?",
     L(range=MONTH(12))),
    ("expiry_range", "fr", "sofia", "clients à renouveler le mois prochain", L(range=NEXT)),
    # "d'ici 15 jours" (a fortnight, 14 or 15 days): Contoso has nothing on Dec 7-8.
    ("expiry_range", "fr", "chloe", "clients dont l'abonnement se termine d'ici 15 jours",
     L(range=DAYS(15))),
    ("expiry_range", "fr", "hugo", "échéances ce mois ci ?", L(range=THIS)),
    # -- clients expirés
    # Fabrikam again: no customer without subscriptions (see the English entry).
    ("lapsed", "fr", "lotte", "clients dont tous les abonnements ont expiré", L(lapsed=True)),
    ("lapsed", "fr", "luca", "quels clients sont expirés en ce moment ?", L(lapsed=True)),
    # -- listes
    ("list", "fr", "chloe", "tous mes clients stp", L()),
    ("list", "fr", "hugo", "qui sont nos revendeurs ?", L("partner")),
    ("list", "fr", "luca", "affiche tous les distributeurs", L("distributor")),
    # -- par parent
    ("parent", "fr", "claire", "je veux voir les clients de fabrikam", L(parent="p-fabrikam")),
    ("parent", "fr", "sofia", "clients sous adatum", L(parent="p-adatum")),
    # -- par SKU
    ("sku", "fr", "claire", "clients equipes de CoreSuite Pro", L(sku=PRO)),
    ("sku", "fr", "nina", "qui a CS-ENT ?", L(sku=ENT)),
    ("sku", "fr", "jan", "quels clients ont l'offre essentials", L(sku=ESS)),
    # -- SKU et période
    ("sku_range", "fr", "sofia", "clients dont le CS-PRO expire en janvier",
     L(sku=PRO, range=MONTH(1))),
    ("sku_range", "fr", "hugo", "clients avec du CoreSuite Enterprise qui expire dans les 60 jours",
     L(sku=ENT, range=DAYS(60))),
    ("sku_range", "fr", "lotte", "clients dont License Optimizer arrive a echeance ce mois ci",
     L(sku=LIC, range=THIS)),
    # -- seuils de licences (stricts; Hôtel Belle Époque has exactly 640)
    ("threshold", "fr", "jan", "quels clients depassent les 400 licences", L(gt=400)),
    ("threshold", "fr", "alice", "clients de moins de 200 sièges", L(lt=200)),
    ("threshold", "fr", "chloe", "qui a plus de 640 licences chez nous ?", L(gt=640)),
    # -- onboarding
    # Fabrikam has no not_invited customer: "non activés" read as not onboarded or
    # as pending activation gives the same answer.
    ("onboarding", "fr", "lotte", "clients non activés", L(onboarding="pending")),
    ("onboarding", "fr", "jan", "clients pas encore onboardés", L(onboarding="not_onboarded")),
    ("onboarding", "fr", "claire", "quels clients n'ont pas encore accepté l'invitation ?",
     L(onboarding="pending")),
    # -- deux filtres
    ("combined", "fr", "claire", "clients de contoso pas encore onboardés",
     L(parent="p-contoso", onboarding="not_onboarded")),
    ("combined", "fr", "sofia", "clients fabrikam sans abonnement actif",
     L(parent="p-fabrikam", lapsed=True)),
    ("combined", "fr", "hugo", "clients contoso qui expirent en décembre",
     L(parent="p-contoso", range=MONTH(12))),
    ("combined", "fr", "luca", "clients northwind avec CS-ESS", L(parent="p-northwind", sku=ESS)),
    # -- comptages
    ("count", "fr", "alice", "combien de clients expirent en fevrier", N(range=MONTH(2))),
    ("count", "fr", "nina", "il y a combien de clients sur CoreView Audit ?", N(sku=AUDIT)),
    ("count", "fr", "claire", "combien de revendeurs ?", N("partner")),
    ("count", "fr", "hugo", "combein de clients expirés", N(lapsed=True)),
    ("count", "fr", "luca", "combien de clients en attente d'activation chez adatum",
     N(parent="p-adatum", onboarding="pending")),
    # -- totaux de licences
    ("license_total", "fr", "alice", "total des licences de nos clients", T()),
    ("license_total", "fr", "sofia", "somme des licences des clients de litware",
     T(parent="p-litware")),
    ("license_total", "fr", "nina", "total licences clients", T()),
    # -- licences d'une organisation
    ("org_licenses", "fr", "hugo", "combien de sièges chez banque de geneve",
     LICS("c-geneve-banque")),
    ("org_licenses", "fr", "claire", "combien de sieges chez transports moreau",
     LICS("c-transports-moreau")),
    ("org_licenses", "fr", "jan", "ecoles de namur : combien de licences actives ?",
     LICS("c-namur-ecoles")),
    # -- échéance d'une organisation
    ("org_expiry", "fr", "chloe", "transports moreau : date de renouvellement ?",
     EXP("c-transports-moreau")),
    ("org_expiry", "fr", "lotte", "echeance pour antwerp diamond ?", EXP("c-antwerp-diamonds")),
    ("org_expiry", "fr", "nina", "quand expire la banque privee de geneve", EXP("c-geneve-banque")),
    ("org_expiry", "fr", "hugo", "date d'échéance du contrat fabrikam", EXP("p-fabrikam")),
    # -- SKUs d'une organisation
    ("org_skus", "fr", "bruno", "quels produits a l'hotel belle epoque ?",
     SKUS("c-hotel-belle-epoque")),
    ("org_skus", "fr", "lotte", "quels produits chez ghent logistics ?",
     SKUS("c-ghent-logistics")),
    ("org_skus", "fr", "sofia", "offres souscrites par denver health", SKUS("c-denver-health")),
    # -- opérateurs (admins)
    ("operators", "fr", "claire", "qui sont les utilisateurs du bot chez nous ?", OPERATORS()),
    ("operators", "fr", "jan", "montre moi les operateurs de mon orga", OPERATORS()),
    ("operators", "fr", "chloe", "les opérateurs de contoso ?", OPERATORS()),
    # -- refus
    ("denied_operators", "fr", "lotte", "liste des opérateurs de fabrikam", OPERATORS()),
    ("denied_operators", "fr", "hugo", "montre-moi qui a accès", OPERATORS()),
    ("denied_page", "fr", "bruno", "combien de revendeurs ?", N("partner")),
    ("denied_page", "fr", "nina", "partenaires qui expirent en decembre",
     L("partner", range=MONTH(12))),
    ("denied_page", "fr", "hugo", "quels sont les distributeurs ?", L("distributor")),
    ("denied_scope", "fr", "alice", "combien de sieges chez bruxelles assurances",
     LICS("c-bruxelles-assurances")),
    ("denied_scope", "fr", "claire", "les clients tailspin arrivant a echeance en novembre",
     L(parent="p-tailspin", range=MONTH(11))),
    ("denied_scope", "fr", "hugo", "produits de trondheim tech", SKUS("c-trondheim-tech")),
    ("denied_scope", "fr", "chloe", "licences de Umbrella Corp", LICS("Umbrella Corp")),
    ("denied_scope", "fr", "claire", "quand se termine l'abonnement de malmo foods",
     EXP("c-malmo-foods")),
]


def key(q: str) -> str:
    """Normalized form for duplicate checks: case, accents, punctuation, spacing."""
    decomposed = unicodedata.normalize("NFKD", q.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w#<>+]+", " ", plain).split())


def existing_questions(*files: Path) -> dict[str, str]:
    out = {}
    for f in files:
        for line in f.read_text("utf-8").splitlines():
            if line.strip():
                q = json.loads(line)["q"]
                out[key(q)] = q
    return out


def build(oracle: Oracle, existing: dict[str, str]) -> list[dict[str, Any]]:
    today = dt.date.fromisoformat(NOW)
    out, seen, problems = [], set(), []
    for cap, locale, who, q, call in H:
        email = OPS[who]
        k = key(q)
        if k in existing:
            problems.append(f"duplicate of an existing question: {q!r} ~ {existing[k]!r}")
        else:
            for ek, eq in existing.items():
                if difflib.SequenceMatcher(None, k, ek).ratio() >= NEAR:
                    problems.append(f"too close to an existing question: {q!r} ~ {eq!r}")
        if (email, k) in seen:
            problems.append(f"duplicate inside the holdout set: {who} {q!r}")
        seen.add((email, k))
        result = call(oracle, email, today)
        if (result == DENIED) != cap.startswith("denied"):
            problems.append(f"{cap} question {who} {q!r} gives {result!r}")
        try:
            expect = expectation(result)
        except ValueError as e:
            problems.append(f"{who} {q!r}: {e}")
            continue
        out.append({"as": email, "locale": locale, "now": NOW, "q": q, "expect": expect})
    if problems:
        raise SystemExit("HOLDOUT SET FAILED:\n  " + "\n  ".join(problems))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_FILE)
    args = parser.parse_args(argv)

    oracle = Oracle.load()
    n_dev = check_dev(oracle, DEV_FILE)
    print(f"oracle reproduces all {n_dev} dev expectations")

    rows = build(oracle, existing_questions(DEV_FILE, PARAPHRASES_FILE))
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")

    by_lang = collections.Counter(r["locale"] for r in rows)
    by_cap = collections.Counter((cap, loc) for cap, loc, *_ in H)
    kinds = collections.Counter(next(iter(r["expect"])) for r in rows)
    empty = sum(1 for r in rows if r["expect"].get("ids") == [])
    print(f"wrote {len(rows)} questions to {args.out}")
    print("by language:", dict(by_lang))
    print("by expectation:", dict(kinds), f"(empty lists: {empty})")
    print(f"by capability {'':12} en  fr")
    for cap in dict.fromkeys(c for c, *_ in H):
        print(f"  {cap:22} {by_cap[(cap, 'en')]:3} {by_cap[(cap, 'fr')]:3}")


if __name__ == "__main__":
    main()
