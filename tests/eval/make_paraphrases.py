"""DEV-TIME TOOL: writes tests/eval/questions.paraphrases.jsonl.

Not a test and not used at run time. It validates the oracle against the project's
copy of the development evaluation (tests/eval/questions.dev.jsonl); tests use the
generated jsonl, which is committed, and test_eval.py re-runs the oracle check.

    .venv/bin/python tests/eval/make_paraphrases.py [--dev PATH] [--out PATH]

1. Checks the oracle (tests/eval/oracle.py) against every expectation of the
   development evaluation, each dev question being mapped to an oracle call by hand
   in DEV below; any disagreement, unmapped or unused entry fails loudly.
2. Writes the paraphrase set: questions a busy Teams user would type, in English
   and French, covering every capability of the dev set, with expected answers
   computed by the oracle over the demo network at now = 2026-11-23. The file has
   the dev file's format exactly: {"as", "locale", "now", "q", "expect"}.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from tests.eval.oracle import DENIED, Oracle, expectation  # noqa: E402

DEV_FILE = HERE / "questions.dev.jsonl"
OUT_FILE = HERE / "questions.paraphrases.jsonl"
NOW = "2026-11-23"

OPS = {
    # provider (CoreView)
    "sofia": "sofia.marino@coreview.example",        # admin
    "luca": "luca.bianchi@coreview.example",         # reader
    # distributors
    "claire": "claire.martin@alphadist.example",     # Alpha, admin
    "hugo": "hugo.bernard@alphadist.example",        # Alpha, reader
    "erik": "erik.lindqvist@nordiccloud.example",    # Nordic, admin
    # partners
    "alice": "alice.durand@contoso.example",         # Contoso (Alpha), admin
    "bruno": "bruno.petit@contoso.example",          # Contoso, reader
    "chloe": "chloe.leroy@contoso.example",          # Contoso, admin
    "jan": "jan.peeters@fabrikam.example",           # Fabrikam (Alpha), admin
    "lotte": "lotte.janssens@fabrikam.example",      # Fabrikam, reader
    "nina": "nina.keller@litware.example",           # Litware (Alpha), reader
    "anders": "anders.berg@northwind.example",       # Northwind (Nordic), admin
    "ingrid": "ingrid.haugen@tailspin.example",      # Tailspin (Nordic), admin
    "james": "james.carter@adatum.example",          # Adatum (under provider), admin
    "emily": "emily.nguyen@adatum.example",          # Adatum, reader
}

Call = Callable[[Oracle, str, dt.date], Any]

# -- range specs (see oracle.date_range)
THIS, NEXT, LAST, YEAR, TODAY = ("this_month",), ("next_month",), ("last_month",), \
    ("this_year",), ("today",)


def DAYS(n: int) -> tuple:
    return ("next_days", n)


def MONTH(m: int, y: int | None = None) -> tuple:
    return ("month", m) if y is None else ("month", m, y)


def BETWEEN(a: int, b: int, y: int | None = None) -> tuple:
    return ("between", a, b) if y is None else ("between", a, b, y)


ESS, PRO, ENT = "CS-ESS", "CS-PRO", "CS-ENT"
AUDIT, BACKUP, LIC = "CV-AUDIT", "CV-BACKUP", "CV-LIC"


# -- oracle calls
def L(kind: str = "customer", **kw: Any) -> Call:
    return lambda o, a, t: o.list_orgs(a, kind, t, **kw)


def N(kind: str = "customer", **kw: Any) -> Call:
    return lambda o, a, t: o.count(a, kind, t, **kw)


def T(kind: str = "customer", **kw: Any) -> Call:
    return lambda o, a, t: o.license_total(a, t, kind=kind, **kw)


def LICS(ref: str) -> Call:
    return lambda o, a, t: o.org_licenses(a, ref, t)


def EXP(ref: str) -> Call:
    return lambda o, a, t: o.org_expiry(a, ref, t)


def SKUS(ref: str) -> Call:
    return lambda o, a, t: o.org_skus(a, ref, t)


def OPERATORS() -> Call:
    return lambda o, a, t: o.operators(a)


# ------------------------------------------------------------------ the dev set
# (operator, locale, question, oracle call), in the dev file's order.
DEV: list[tuple[str, str, str, Call]] = [
    ("alice", "en", "which clients expire this month", L(range=THIS)),
    ("alice", "fr", "quels clients expirent ce mois-ci ?", L(range=THIS)),
    ("claire", "en", "which clients expire this month", L(range=THIS)),
    ("sofia", "en", "which customers expire this month?", L(range=THIS)),
    ("claire", "en", "customers expiring next month", L(range=NEXT)),
    ("alice", "fr", "clients qui expirent le mois prochain", L(range=NEXT)),
    ("sofia", "en", "customers expiring in January 2027", L(range=MONTH(1, 2027))),
    ("claire", "en", "which customers expire between January and March 2027",
     L(range=BETWEEN(1, 3, 2027))),
    ("alice", "en", "customers expiring in the next 30 days", L(range=DAYS(30))),
    ("claire", "fr", "clients qui expirent dans les 30 prochains jours", L(range=DAYS(30))),
    ("sofia", "en", "customers expiring in the next 7 days", L(range=DAYS(7))),
    ("alice", "en", "which customers expire today", L(range=TODAY)),
    ("james", "fr", "quels clients expirent aujourd'hui", L(range=TODAY)),
    ("claire", "en", "customers that expired last month", L(range=LAST)),
    ("sofia", "en", "customers expiring this year", L(range=YEAR)),
    ("claire", "en", "which partners expire this month", L("partner", range=THIS)),
    ("claire", "en", "expired customers", L(lapsed=True)),
    ("alice", "fr", "clients expirés", L(lapsed=True)),
    ("alice", "en", "show my customers", L()),
    ("bruno", "fr", "affiche mes clients", L()),
    ("claire", "en", "list partners", L("partner")),
    ("hugo", "fr", "liste des partenaires", L("partner")),
    ("sofia", "en", "list distributors", L("distributor")),
    ("sofia", "en", "list partners", L("partner")),
    ("alice", "en", "list partners", L("partner")),
    ("bruno", "fr", "liste des partenaires", L("partner")),
    ("claire", "en", "list distributors", L("distributor")),
    ("claire", "en", "customers of Fabrikam", L(parent="p-fabrikam")),
    ("hugo", "fr", "clients de Contoso Partners", L(parent="p-contoso")),
    ("sofia", "en", "customers of Northwind", L(parent="p-northwind")),
    ("claire", "en", "which Fabrikam customers expire this month",
     L(parent="p-fabrikam", range=THIS)),
    ("claire", "en", "customers of Northwind Solutions", L(parent="p-northwind")),
    ("claire", "en", "which customers have CoreSuite Enterprise", L(sku=ENT)),
    ("sofia", "fr", "clients avec CoreView Audit", L(sku=AUDIT)),
    ("alice", "en", "customers using CoreSuite Essentials", L(sku=ESS)),
    ("sofia", "en", "customers whose CoreSuite Enterprise expires this month",
     L(sku=ENT, range=THIS)),
    ("claire", "en", "what SKUs does Hôtel Belle Époque have", SKUS("c-hotel-belle-epoque")),
    ("sofia", "en", "which products has Banque Privée de Genève bought",
     SKUS("c-geneve-banque")),
    ("alice", "en", "how many licenses does Café Lumière have", LICS("c-cafe-lumiere")),
    ("claire", "fr", "combien de licences a la Clinique Saint-Louis",
     LICS("c-clinique-saint-louis")),
    ("sofia", "en", "license count for Denver Health Network", LICS("c-denver-health")),
    ("claire", "en", "customers with more than 500 licenses", L(gt=500)),
    ("sofia", "fr", "clients avec plus de 1000 licences", L(gt=1000)),
    ("alice", "en", "customers with fewer than 50 licenses", L(lt=50)),
    ("alice", "en", "how many licenses do my customers have in total", T()),
    ("claire", "fr", "nombre total de licences", T()),
    ("alice", "en", "when does Boulangerie Dupont expire", EXP("c-boulangerie-dupont")),
    ("claire", "fr", "quand expire Liège Medical Group ?", EXP("c-liege-medical")),
    ("sofia", "en", "when does Seattle Coffee Roasters expire?", EXP("c-seattle-coffee")),
    ("alice", "en", "when does Ghent Logistics expire", EXP("c-ghent-logistics")),
    ("claire", "en", "which customers are not onboarded yet", L(onboarding="not_onboarded")),
    ("sofia", "fr", "clients pas encore intégrés", L(onboarding="not_onboarded")),
    ("claire", "en", "customers waiting for activation", L(onboarding="pending")),
    ("sofia", "fr", "clients en attente d'activation", L(onboarding="pending")),
    ("alice", "en", "onboarded customers", L(onboarding="onboarded")),
    ("alice", "en", "how many customers do I have", N()),
    ("claire", "fr", "combien de clients avons-nous", N()),
    ("claire", "en", "how many customers expire this month", N(range=THIS)),
    ("alice", "en", "who are the operators", OPERATORS()),
    ("claire", "fr", "liste des opérateurs", OPERATORS()),
    ("bruno", "en", "list operators", OPERATORS()),
    ("alice", "en", "wich clients expire this mnth", L(range=THIS)),
]

# ------------------------------------------------------------ the paraphrases
# (capability, locale, operator, question, oracle call)
P: list[tuple[str, str, str, str, Call]] = [
    # -- customers expiring in a date range
    ("expiry_range", "en", "luca", "expiring this month, which customers?", L(range=THIS)),
    ("expiry_range", "en", "erik", "this month's expiring clients", L(range=THIS)),
    ("expiry_range", "en", "james", "what customers are up for renewal this month", L(range=THIS)),
    ("expiry_range", "en", "anders", "show me customers expiring next month", L(range=NEXT)),
    ("expiry_range", "en", "luca", "who expires next month?", L(range=NEXT)),
    ("expiry_range", "en", "sofia", "give me the list of customers expiring in December",
     L(range=MONTH(12))),
    ("expiry_range", "en", "hugo", "any customers expiring within the next 14 days?",
     L(range=DAYS(14))),
    ("expiry_range", "en", "emily", "custmers expirng today", L(range=TODAY)),
    ("expiry_range", "en", "sofia", "which customers expired last month", L(range=LAST)),
    ("expiry_range", "en", "claire", "customers expiring between February and April 2027",
     L(range=BETWEEN(2, 4, 2027))),
    ("expiry_range", "en", "erik", "customers expiring between December and February",
     L(range=BETWEEN(12, 2))),
    ("expiry_range", "en", "sofia", "customers expiring in October", L(range=MONTH(10))),
    ("expiry_range", "en", "lotte", "which clients are expiring this year", L(range=YEAR)),
    ("expiry_range", "fr", "lotte", "quels clients expire ce mois-ci", L(range=THIS)),
    ("expiry_range", "fr", "chloe",
     "quels sont les clients qui arrivent à échéance le mois prochain ?", L(range=NEXT)),
    ("expiry_range", "fr", "hugo", "liste des clients qui expirent en décembre",
     L(range=MONTH(12))),
    ("expiry_range", "fr", "jan", "clients qui expirent en novembre", L(range=MONTH(11))),
    ("expiry_range", "fr", "nina", "mes clients qui expirent en mars", L(range=MONTH(3))),
    ("expiry_range", "fr", "luca", "clients expirant en février 2027", L(range=MONTH(2, 2027))),
    ("expiry_range", "fr", "chloe",
     "donne-moi la liste des clients qui expirent dans les 90 prochains jours",
     L(range=DAYS(90))),
    ("expiry_range", "fr", "nina", "clients qui expirent entre janvier et mars 2027",
     L(range=BETWEEN(1, 3, 2027))),
    ("expiry_range", "fr", "alice", "clients qui expirent cette année", L(range=YEAR)),
    ("expiry_range", "fr", "hugo", "quels clients ont expiré le mois dernier ?", L(range=LAST)),
    ("expiry_range", "fr", "sofia", "qui expire aujourd'hui ?", L(range=TODAY)),
    # -- partners expiring
    ("expiry_range_partner", "en", "sofia", "partners expiring in January",
     L("partner", range=MONTH(1))),
    ("expiry_range_partner", "en", "erik", "which resellers expire in the next 90 days",
     L("partner", range=DAYS(90))),
    ("expiry_range_partner", "fr", "hugo", "quels partenaires expirent ce mois-ci",
     L("partner", range=THIS)),
    # -- lapsed customers
    ("lapsed", "en", "sofia", "which customers have lapsed?", L(lapsed=True)),
    ("lapsed", "en", "jan", "show expired clients", L(lapsed=True)),
    ("lapsed", "en", "anders", "any lapsed customers?", L(lapsed=True)),
    ("lapsed", "fr", "chloe", "quels clients ont expiré ?", L(lapsed=True)),
    ("lapsed", "fr", "lotte", "liste des clients expirés", L(lapsed=True)),
    # -- plain lists
    ("list", "en", "emily", "list my customers", L()),
    ("list", "en", "anders", "give me my tenants", L()),
    ("list", "en", "erik", "show me our resellers", L("partner")),
    ("list", "fr", "nina", "montre-moi mes clients", L()),
    ("list", "fr", "hugo", "donne-moi la liste des clients", L()),
    ("list", "fr", "claire", "affiche les partenaires", L("partner")),
    ("list", "fr", "sofia", "quels sont nos partenaires ?", L("partner")),
    ("list", "fr", "sofia", "liste des distributeurs", L("distributor")),
    # -- parent filters
    ("parent", "en", "sofia", "Fabrikam's customers", L(parent="p-fabrikam")),
    ("parent", "en", "luca", "customers of tailspin", L(parent="p-tailspin")),
    ("parent", "en", "sofia", "customers of Alpha Distribution", L(parent="d-alpha")),
    ("parent", "en", "erik", "Tailspin customers expiring in the next 30 days",
     L(parent="p-tailspin", range=DAYS(30))),
    ("parent", "en", "sofia", "Adatum customers with CoreSuite Enterprise",
     L(parent="p-adatum", sku=ENT)),
    ("parent", "en", "erik", "which Northwind clients have fewer than 200 licenses",
     L(parent="p-northwind", lt=200)),
    ("parent", "fr", "hugo", "clients de Litware", L(parent="p-litware")),
    ("parent", "fr", "sofia", "partenaires d'Alpha Distribution", L("partner", parent="d-alpha")),
    ("parent", "fr", "claire", "clients de Contoso qui expirent ce mois-ci",
     L(parent="p-contoso", range=THIS)),
    ("parent", "fr", "sofia", "clients de Northwind Solutions pas encore intégrés",
     L(parent="p-northwind", onboarding="not_onboarded")),
    ("parent", "fr", "hugo", "clients de Fabrikam avec plus de 500 licences",
     L(parent="p-fabrikam", gt=500)),
    ("parent", "fr", "hugo", "clients expirés de Fabrikam", L(parent="p-fabrikam", lapsed=True)),
    # -- customers having a SKU
    ("sku", "en", "luca", "which customers have License Optimizer", L(sku=LIC)),
    ("sku", "en", "erik", "customers on CoreSuite Professional", L(sku=PRO)),
    ("sku", "en", "james", "who has CoreSuite Enterprise?", L(sku=ENT)),
    ("sku", "en", "sofia", "which tenants use coresuite essentials", L(sku=ESS)),
    ("sku", "fr", "hugo", "clients avec le plan CoreView Audit", L(sku=AUDIT)),
    ("sku", "fr", "lotte", "clients avec l'offre CoreSuite Enterprise", L(sku=ENT)),
    ("sku", "fr", "sofia", "qui a le produit CoreSuite Enterprise ?", L(sku=ENT)),
    # -- a SKU expiring in a date range (same subscription)
    ("sku_range", "en", "claire", "customers whose CoreSuite Professional expires this month",
     L(sku=PRO, range=THIS)),
    ("sku_range", "en", "erik",
     "which customers have CoreSuite Essentials expiring in the next 30 days",
     L(sku=ESS, range=DAYS(30))),
    ("sku_range", "en", "james", "customers with CoreSuite Professional expiring today",
     L(sku=PRO, range=TODAY)),
    ("sku_range", "fr", "sofia", "clients dont CoreView Backup expire ce mois-ci",
     L(sku=BACKUP, range=THIS)),
    ("sku_range", "fr", "hugo", "clients dont le CoreSuite Enterprise expire le mois prochain",
     L(sku=ENT, range=NEXT)),
    ("sku_range", "fr", "chloe", "clients avec License Optimizer qui expire en décembre",
     L(sku=LIC, range=MONTH(12))),
    # -- license thresholds
    ("threshold", "en", "sofia", "customers with over 2000 seats", L(gt=2000)),
    ("threshold", "en", "luca", "customers above 500 licenses", L(gt=500)),
    ("threshold", "en", "claire", "who has more than 1000 licences?", L(gt=1000)),
    ("threshold", "en", "james", "which customers have fewer than 50 seats", L(lt=50)),
    ("threshold", "en", "ingrid", "customers under 100 licenses", L(lt=100)),
    ("threshold", "fr", "nina", "quels clients ont plus de 300 licences ?", L(gt=300)),
    ("threshold", "fr", "jan", "quels clients ont plus de 1000 sièges ?", L(gt=1000)),
    ("threshold", "fr", "hugo", "clients ayant moins de 20 licences", L(lt=20)),
    ("threshold", "fr", "chloe", "clients avec moins de 40 licences", L(lt=40)),
    ("threshold", "fr", "lotte", "clients avec moins de 100 licenses", L(lt=100)),
    # -- onboarding status
    ("onboarding", "en", "luca", "which customers haven't been onboarded yet",
     L(onboarding="not_onboarded")),
    ("onboarding", "en", "james", "customers pending activation", L(onboarding="pending")),
    ("onboarding", "en", "erik", "who's still waiting for activation?", L(onboarding="pending")),
    ("onboarding", "en", "emily", "onboarded clients", L(onboarding="onboarded")),
    ("onboarding", "fr", "bruno", "quels clients ne sont pas encore intégrés ?",
     L(onboarding="not_onboarded")),
    ("onboarding", "fr", "hugo", "liste des clients non intégrés", L(onboarding="not_onboarded")),
    ("onboarding", "fr", "lotte", "quels clients sont en attente d'activation ?",
     L(onboarding="pending")),
    ("onboarding", "fr", "nina", "clients intégrés", L(onboarding="onboarded")),
    ("onboarding", "fr", "jan", "montre-moi les clients déjà intégrés", L(onboarding="onboarded")),
    # -- counts
    ("count", "en", "sofia", "how many customers do we have", N()),
    ("count", "en", "erik", "number of customers", N()),
    ("count", "en", "luca", "how many partners are there?", N("partner")),
    ("count", "en", "james", "how many clients expire next month", N(range=NEXT)),
    ("count", "en", "anders", "how many customers have CoreSuite Enterprise", N(sku=ENT)),
    ("count", "en", "ingrid", "how many customers aren't onboarded yet",
     N(onboarding="not_onboarded")),
    ("count", "fr", "nina", "on a combien de clients", N()),
    ("count", "fr", "claire", "nombre de partenaires", N("partner")),
    ("count", "fr", "jan", "combien de clients expirent ce mois-ci ?", N(range=THIS)),
    ("count", "fr", "hugo", "combien de clients ont plus de 500 licences", N(gt=500)),
    ("count", "fr", "alice", "combien de clients ont CoreSuite Essentials", N(sku=ESS)),
    ("count", "fr", "sofia", "combien de clients a Tailspin ?", N(parent="p-tailspin")),
    # -- license totals
    ("license_total", "en", "sofia", "total licenses across all customers", T()),
    ("license_total", "en", "erik", "how many seats in total?", T()),
    ("license_total", "en", "james", "total number of licenses for my clients", T()),
    ("license_total", "en", "luca", "total licenses for Fabrikam's customers",
     T(parent="p-fabrikam")),
    ("license_total", "en", "sofia", "how many licenses do our partners have in total",
     T("partner")),
    ("license_total", "fr", "jan", "total des licences", T()),
    ("license_total", "fr", "bruno", "combien de licences ont nos clients en tout", T()),
    ("license_total", "fr", "hugo", "nombre total de licences des clients de Contoso",
     T(parent="p-contoso")),
    ("license_total", "fr", "claire", "total des licences de nos partenaires", T("partner")),
    # -- one organization's licenses
    ("org_licenses", "en", "luca", "how many seats does Ghent Logistics have",
     LICS("c-ghent-logistics")),
    ("org_licenses", "en", "erik", "licenses for goteborg shipping", LICS("c-goteborg-shipping")),
    ("org_licenses", "en", "james", "boston legal partners licenses", LICS("c-boston-legal")),
    ("org_licenses", "en", "emily", "how many licenses has Miami Marine Supply got",
     LICS("c-miami-marine")),
    ("org_licenses", "en", "claire", "how many licenses does Contoso Partners have",
     LICS("p-contoso")),
    ("org_licenses", "fr", "chloe", "combien de licences pour hotel belle epoque",
     LICS("c-hotel-belle-epoque")),
    ("org_licenses", "fr", "jan", "nombre de licences de Liege Medical Group",
     LICS("c-liege-medical")),
    ("org_licenses", "fr", "nina", "combien de sièges a la Banque Privée de Genève ?",
     LICS("c-geneve-banque")),
    ("org_licenses", "fr", "alice", "licences de l'Atelier Marchand", LICS("c-atelier-marchand")),
    ("org_licenses", "fr", "hugo", "combien de licences a Zurich Uhren", LICS("c-zurich-uhren")),
    # -- one organization's expiry
    ("org_expiry", "en", "erik", "expiry date for Luleå Steel", EXP("c-lulea-steel")),
    ("org_expiry", "en", "anders", "stockholm design studio expiry date?",
     EXP("c-stockholm-design")),
    ("org_expiry", "en", "sofia", "when does cafe lumiere expire", EXP("c-cafe-lumiere")),
    ("org_expiry", "en", "sofia", "when does Fabrikam IT expire?", EXP("p-fabrikam")),
    ("org_expiry", "fr", "bruno", "quand expire l'Hôtel Belle Époque ?",
     EXP("c-hotel-belle-epoque")),
    ("org_expiry", "fr", "claire", "date d'expiration de Brasserie Vanderberg",
     EXP("c-brasserie-vanderberg")),
    ("org_expiry", "fr", "lotte", "quand est-ce que Ghent Logistics expire",
     EXP("c-ghent-logistics")),
    ("org_expiry", "fr", "nina", "date d'échéance de Lausanne Pharma", EXP("c-lausanne-pharma")),
    ("org_expiry", "fr", "hugo", "quand expire ecoles de namur ?", EXP("c-namur-ecoles")),
    ("org_expiry", "fr", "chloe", "quand expire le lycée victor hugo", EXP("c-lycee-victor-hugo")),
    # -- one organization's SKUs
    ("org_skus", "en", "luca", "what products does Göteborg Shipping have",
     SKUS("c-goteborg-shipping")),
    ("org_skus", "en", "erik", "which SKUs does lulea steel have?", SKUS("c-lulea-steel")),
    ("org_skus", "en", "james", "what plans is Boston Legal Partners on", SKUS("c-boston-legal")),
    ("org_skus", "en", "claire", "SKUs for Cafe Lumiere", SKUS("c-cafe-lumiere")),
    ("org_skus", "en", "erik", "what SKUs does Northwind Solutions have", SKUS("p-northwind")),
    ("org_skus", "fr", "alice", "quels produits a Clinique Saint-Louis ?",
     SKUS("c-clinique-saint-louis")),
    ("org_skus", "fr", "jan", "quelles offres a Bruxelles Assurances",
     SKUS("c-bruxelles-assurances")),
    ("org_skus", "fr", "nina", "quels sont les produits de la Banque Privée de Genève",
     SKUS("c-geneve-banque")),
    ("org_skus", "fr", "hugo", "produits de liege medical group", SKUS("c-liege-medical")),
    # -- the operators list (admins)
    ("operators", "en", "sofia", "who has access?", OPERATORS()),
    ("operators", "en", "erik", "list the operators", OPERATORS()),
    ("operators", "en", "ingrid", "show me the opertors", OPERATORS()),
    ("operators", "fr", "chloe", "qui a accès ?", OPERATORS()),
    ("operators", "fr", "claire", "affiche les opérateurs", OPERATORS()),
    ("operators", "fr", "alice", "qui sont les opérateurs de mon organisation", OPERATORS()),
    # -- refusals: the operators list for readers
    ("denied_operators", "en", "luca", "show me the operators", OPERATORS()),
    ("denied_operators", "en", "emily", "list all operators", OPERATORS()),
    ("denied_operators", "fr", "lotte", "qui a accès au bot ?", OPERATORS()),
    ("denied_operators", "fr", "nina", "liste des opérateurs svp", OPERATORS()),
    # -- refusals: a page the operator's org kind lacks
    ("denied_page", "en", "bruno", "show me the partners", L("partner")),
    ("denied_page", "en", "emily", "list resellers", L("partner")),
    ("denied_page", "en", "ingrid", "how many partners are there", N("partner")),
    ("denied_page", "en", "james", "which distributors do we have", L("distributor")),
    ("denied_page", "en", "erik", "show distributors", L("distributor")),
    ("denied_page", "fr", "jan", "affiche les partenaires", L("partner")),
    ("denied_page", "fr", "alice", "quels partenaires expirent ce mois-ci",
     L("partner", range=THIS)),
    ("denied_page", "fr", "nina", "liste des distributeurs", L("distributor")),
    ("denied_page", "fr", "hugo", "combien de distributeurs ?", N("distributor")),
    # -- refusals: a name outside the operator's scope, or unknown
    ("denied_scope", "en", "alice", "how many licenses does Bergen Seafood have",
     LICS("c-bergen-seafood")),
    ("denied_scope", "en", "ingrid", "when does Lausanne Pharma expire", EXP("c-lausanne-pharma")),
    ("denied_scope", "en", "erik", "what SKUs does Ghent Logistics have",
     SKUS("c-ghent-logistics")),
    ("denied_scope", "en", "claire", "licenses of Denver Health Network", LICS("c-denver-health")),
    ("denied_scope", "en", "sofia", "when does Globex Corporation expire",
     EXP("Globex Corporation")),
    ("denied_scope", "en", "claire", "Tailspin's customers", L(parent="p-tailspin")),
    ("denied_scope", "en", "alice", "customers of Fabrikam IT", L(parent="p-fabrikam")),
    ("denied_scope", "fr", "nina", "quand expire Café Lumière ?", EXP("c-cafe-lumiere")),
    ("denied_scope", "fr", "chloe", "combien de licences a Globex ?", LICS("Globex")),
    ("denied_scope", "fr", "hugo", "clients de Nordic Cloud Distribution", L(parent="d-nordic")),
    ("denied_scope", "fr", "james", "montre les clients de Contoso", L(parent="p-contoso")),
]


def norm(q: str) -> str:
    return re.sub(r"[\s?!.]+", " ", q.casefold()).strip()


def same(expect: dict[str, Any], result: Any) -> bool:
    if expect.get("denied"):
        return result == DENIED
    if "ids" in expect:
        return isinstance(result, list) and set(result) == set(expect["ids"])
    return result == expect.get("value", object())


def check_dev(oracle: Oracle, dev_file: Path) -> int:
    lines = [json.loads(x) for x in dev_file.read_text("utf-8").splitlines() if x.strip()]
    table = {(OPS[who], loc, q): call for who, loc, q, call in DEV}
    if len(table) != len(DEV):
        raise SystemExit("DEV table has duplicate entries")
    problems, used = [], set()
    for line in lines:
        key = (line["as"], line.get("locale", "en"), line["q"])
        call = table.get(key)
        if call is None:
            problems.append(f"dev question not mapped: {key}")
            continue
        used.add(key)
        got = call(oracle, line["as"], dt.date.fromisoformat(line["now"]))
        if not same(line["expect"], got):
            problems.append(f"oracle disagrees on {key}: expected {line['expect']}, got {got}")
    problems += [f"DEV entry matches no dev question: {k}" for k in table.keys() - used]
    if problems:
        raise SystemExit("ORACLE CHECK FAILED:\n  " + "\n  ".join(problems))
    return len(lines)


def build(oracle: Oracle, dev_questions: set[str]) -> list[dict[str, Any]]:
    today = dt.date.fromisoformat(NOW)
    out, seen, problems = [], set(), []
    for cap, locale, who, q, call in P:
        email = OPS[who]
        if norm(q) in dev_questions:
            problems.append(f"identical to a dev question: {q!r}")
        if (email, norm(q)) in seen:
            problems.append(f"duplicate: {who} {q!r}")
        seen.add((email, norm(q)))
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
        raise SystemExit("PARAPHRASE SET FAILED:\n  " + "\n  ".join(problems))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEV_FILE)
    parser.add_argument("--out", type=Path, default=OUT_FILE)
    args = parser.parse_args(argv)

    oracle = Oracle.load()
    n_dev = check_dev(oracle, args.dev)
    print(f"oracle reproduces all {n_dev} dev expectations")

    dev_questions = {norm(json.loads(x)["q"])
                     for x in args.dev.read_text("utf-8").splitlines() if x.strip()}
    rows = build(oracle, dev_questions)
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")

    by_lang = collections.Counter(r["locale"] for r in rows)
    by_cap = collections.Counter((cap, loc) for cap, loc, *_ in P)
    kinds = collections.Counter(next(iter(r["expect"])) for r in rows)
    print(f"wrote {len(rows)} questions to {args.out}")
    print("by language:", dict(by_lang))
    print("by expectation:", dict(kinds))
    print("by capability (en/fr):")
    for cap in dict.fromkeys(c for c, *_ in P):
        print(f"  {cap:22} {by_cap[(cap, 'en')]:3} {by_cap[(cap, 'fr')]:3}")


if __name__ == "__main__":
    main()
