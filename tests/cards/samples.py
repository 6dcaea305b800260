"""A sample of every card the bot sends, in English and French: answers built through
the real turn (the demo network), and the dialog, approval and notification cards built
from realistic views."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.cli.ask import Asker
from cards.activation import (
    completed_card,
    confirm_card,
    consent_failed_card,
    new_customer_card,
    pick_card,
)
from cards.activation_pending import cancelled_card, confirmed_card, pending_card
from cards.audit import audit_card
from cards.breakdown import BreakdownView, breakdown_card
from cards.describe import Described
from cards.help import welcome_card
from cards.lists import ListView, org_list_card
from cards.notices import error_card, not_operator_card
from cards.notification_status import status_card
from cards.notifications import (
    digest_card,
    gone_card,
    install_offer_card,
    license_change_activity,
    reowned_card,
    settings_card,
    snoozes_card,
    subscribed_card,
)
from cards.operator_requests import approval_card, change_confirm_card
from cards.operator_requests import confirm_card as operator_confirm_card
from cards.org import org_card
from cards.ranking import RankingView, ranking_card
from cards.report import posted_report_card, report_card, report_subscribed_card
from cards.search import shared_org_card
from services.activation import Completion, Target
from services.audit import AuditEntry
from services.directory.rankings import Group, Ranking, RankItem
from services.directory.reports import MonthlyReport, Seats
from services.directory.views import OrgDetail, OrgPage, OrgRef, OrgRow, SubscriptionView
from services.i18n import messages
from services.notifications import Digest, DigestItem
from services.notifications import SubscriptionView as NotifySubscription
from services.notifications.status import DeliveryProblem, DeliveryStatus, LastDigest
from services.notifications.views import LicenseChange, ReownedNotice, SnoozeView
from services.operators import RequestView
from services.understanding.model import Filters
from services.understanding.ranges import DateRange

TODAY = dt.date(2026, 11, 23)
ALICE, CLAIRE, SOFIA, BRUNO = ("alice.durand@contoso.example",
                               "claire.martin@alphadist.example",
                               "sofia.marino@coreview.example", "bruno.petit@contoso.example")
# kind -> (operator, English question, French question)
QUESTIONS = {
    "help": (ALICE, "help", "aide"),
    "list": (CLAIRE, "which clients expire this month", "quels clients expirent ce mois-ci"),
    "list_partners": (SOFIA, "partners of Alpha Distribution", "partenaires de Alpha Distribution"),
    "count": (CLAIRE, "how many customers expire in the next 3 months",
              "combien de clients expirent dans les 3 prochains mois"),
    "total": (CLAIRE, "how many licenses in total", "combien de licences au total"),
    "org": (ALICE, "Atelier Marchand", "Atelier Marchand"),
    "org_subscriptions": (ALICE, "when does Café Lumière expire", "quand expire Café Lumière"),
    "list_expired": (ALICE, "expired customers", "clients expirés"),
    "operators": (ALICE, "who are the operators", "qui sont les opérateurs"),
    "audit": (ALICE, "audit log", "journal d'audit"),
    "faq": (ALICE, "how do I onboard a tenant", "comment activer un tenant"),
    "unknown": (ALICE, "what is the weather", "quel temps fait-il"),
    "refusal": (BRUNO, "who are the operators", "qui sont les opérateurs"),
    "not_found": (ALICE, "when does Globex Unknown expire", "quand expire Globex Inconnu"),
    "clarify": (CLAIRE, "customers in the healthcare sector expiring this month",
                "clients du secteur santé qui expirent ce mois-ci"),
    "unsupported": (ALICE, "which customers have unassigned seats",
                    "quels clients ont des licences non attribuées"),
}

SUBSCRIPTION = NotifySubscription(1, "channel", "19:c@thread.tacv2", "p-contoso",
                                "Contoso Partners", (30, 7, 1), "en", None, True, ALICE,
                                None, 6)

# the monthly report only, in a personal chat, at 09:00 Paris time
REPORTING = NotifySubscription(2, "personal", "a:1", "p-contoso", "Contoso Partners",
                             (30, 7, 1), "fr", "09:00", True, ALICE, None, 6,
                             notify_tz="Europe/Paris", digests=False, monthly_report=True,
                             last_report_month="2026-11")


def _status() -> DeliveryStatus:
    sent = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC)
    return DeliveryStatus(
        (SUBSCRIPTION, REPORTING), LastDigest(sent, 12),
        (SnoozeView("c-1", "Café Lumière", TODAY + dt.timedelta(days=14)),),
        (DeliveryProblem(41, "report", "dead", "400 BadSyntax", 3, sent),
         DeliveryProblem(40, "digest", "retrying", "429 TooManyRequests", 2, sent)), 1)


def _digest() -> Digest:
    items = tuple(DigestItem(f"c-{n}", f"Customer <{n}> *bold*", "invited" if n % 3 else
                             "onboarded", f"s-{n}", "CoreSuite Enterprise", 100 + n,
                             TODAY + dt.timedelta(days=n), n, 30 if n > 7 else 7)
                  for n in range(1, 25))
    weeks = tuple((TODAY + dt.timedelta(days=7 * w), w + 2) for w in range(12))
    return Digest("Contoso Partners", TODAY, items, weeks, 30)


def _renewal_digest(at_risk: bool = True) -> Digest:
    """A distributor's digest: at-risk rows naming their partner, the renewed ones in
    one line, and what was renewed since the last notice."""
    def item(n: int, renewed: bool) -> DigestItem:
        return DigestItem(f"c-{n}", f"Client {n} Société Générale d'Électricité", "onboarded",
                          f"s-{n}", "CoreView License Optimizer", 1200 + n,
                          TODAY + dt.timedelta(days=n), n, 30, renewed,
                          f"Partner <{n % 3}> Fabrikam IT")
    weeks = tuple((TODAY + dt.timedelta(days=7 * w), w + 1) for w in range(5))
    return Digest("Alpha Distribution", TODAY,
                  tuple(item(n, False) for n in range(1, 6)) if at_risk else (), weeks, 30,
                  renewed=tuple(item(n, True) for n in range(6, 18)),
                  renewed_since=(item(20, True), item(21, True)), show_parent=True)


def _at_risk_list() -> ListView:
    """Expiries of the next 90 days that are not renewed (the "renewal" filter)."""
    filters = Filters(expiry=DateRange(TODAY, TODAY + dt.timedelta(days=90)),
                      renewal="at_risk")
    rows = [OrgRow(f"c-{n}", f"Customer <{n}> *bold*", "customer", "Contoso Partners",
                   100 * n, TODAY + dt.timedelta(days=n), ("CS-ENT", "CV-AUDIT"),
                   "onboarded" if n % 2 else "invited",
                   match_date=TODAY + dt.timedelta(days=3 * n), renewal="at_risk")
            for n in range(1, 11)]
    return ListView("customer", OrgPage(rows, 14, 0, 10), Described(filters), True,
                    {"intent": "list", "kind": "customer", "filters": filters.to_data()})


def _ranking(kind: str, measure: str, limit: int, filters: Filters) -> RankingView:
    """A ranking as the directory returns it (names as hostile as data can make them)."""
    names = ["Bruxelles Assurances", "Clinique Saint-Louis", "Banque Privée de Genève",
             "Customer <4> *bold*", "Établissements Zéphyr-Longuenom International"]
    items = [RankItem(f"c-{n}", name, 2400 - 300 * n, "Fabrikam IT" if n % 2 else
                      "Contoso Partners") for n, name in enumerate(names[:limit])]
    if kind == "partner":
        items = [RankItem("p-contoso", "Contoso Partners", 8, "Alpha Distribution")]
    return RankingView(Ranking(kind, measure, items, 32 if kind == "customer" else 6),
                       Described(filters, "CoreSuite Enterprise", None, "France"), limit,
                       True, TODAY)


def _breakdown(language: str, group_by: str) -> BreakdownView:
    if group_by == "month":
        tr = messages(language)
        groups = [Group(f"2027-{m:02d}", tr.month(dt.date(2027, m, 1)), v)
                  for m, v in ((1, 3), (2, 1), (3, 6), (5, 2), (6, 4), (9, 1))]
        return BreakdownView("customer", "expiries", "month", groups, Described(Filters()),
                             TODAY, DateRange(dt.date(2026, 11, 1), dt.date(2027, 10, 31)))
    groups = [Group("p-fabrikam", "Fabrikam IT", 3935), Group("p-contoso", "Contoso Partners",
                                                              3375),
              Group("p-litware", "Litware <Services> *bold*", 2435)]
    return BreakdownView("customer", "licenses", "partner", groups, Described(Filters()), TODAY)


def _report() -> MonthlyReport:
    skus = [Seats("CS-ENT", "CoreSuite Enterprise", 1120, 1060),
            Seats("CV-AUDIT", "CoreView Audit", 1120, 1120), Seats("CS-PRO", "CS-PRO", 190, 215)]
    partners = [Seats(f"p-{n}", f"Partner <{n}> *bold*", 900 - 40 * n, 880 - 40 * n)
                for n in range(12)]
    return MonthlyReport("Alpha Distribution", 2026, 10, dt.date(2026, 10, 31),
                         dt.date(2026, 9, 30), 2430, 2395, 85, 50, skus, partners,
                         [OrgRef("c-1", "Café Lumière")],
                         [OrgRef(f"c-{n}", f"Client {n}") for n in range(10)], [])


def _org() -> OrgDetail:
    """An organization with current and past subscriptions (long SKU names)."""
    subs = [SubscriptionView(f"s-{n}", sku, name, licenses, dt.date(2025 - n // 2, 12, 1),
                             dt.date(2026 - n // 2, 11, 30), n < 3)
            for n, (sku, name, licenses) in enumerate([
                ("CS-ENT", "CoreSuite Enterprise", 1200), ("CV-AUDIT", "CoreView Audit", 1200),
                ("CV-LIC", "CoreView License Optimizer", 25), ("CS-PRO", "CS-PRO", 12000),
                ("CV-BACKUP", "CoreView Backup", 950)])]
    return OrgDetail("c-zephyr", "Établissements Zéphyr-Longuenom International", "customer",
                     "Contoso Partners", "zephyr-longuenom.example", "FR", "onboarded", 2425,
                     dt.date(2026, 11, 30), False, subs)


def _audit() -> list[AuditEntry]:
    at = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)
    return [AuditEntry(at - dt.timedelta(days=n), actor, None, action, target, None, None,
                       None)
            for n, (actor, action, target) in enumerate([
                (ALICE, "operator.add", "jane@contoso.example"),
                (BRUNO, "notifications.subscribed", "19:c@thread.tacv2"),
                ("system", "notifications.reowned", None),
                (ALICE, "operator.sign_in_refused", "mallory.a.very.long.address@contoso"
                 ".example")])]


def _row() -> OrgRow:
    return OrgRow("c-zephyr", "Établissements Zéphyr-Longuenom International", "customer",
                  "Contoso Partners", 2425, dt.date(2026, 11, 30),
                  ("CS-ENT", "CV-AUDIT", "CV-LIC"), "onboarded",
                  match_date=dt.date(2026, 11, 30), renewal="at_risk")


def built_cards(language: str) -> dict[str, dict[str, Any]]:
    """Cards built directly from views (no turn needed)."""
    tr = messages(language)
    targets = [Target("c-atelier-marchand", "Atelier Marchand", "customer", "not_invited",
                      "Contoso Partners"),
               Target("c-lycee", "Lycée Victor Hugo", "customer", "invited", None)]
    request = RequestView(7, "remove", "p-contoso", "chloe.leroy@contoso.example", None,
                          "reader", "pending", BRUNO, 8, None, None)
    decided = RequestView(7, "add", "p-contoso", "jane@contoso.example", "Jane Doe",
                          "reader", "approved", BRUNO, 8, ALICE,
                          dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC))
    return {
        "activation_pick": pick_card(targets, tr, can_create=True, more=True),
        "activation_pick_empty": pick_card([], tr, can_create=False, more=False),
        "activation_new_customer": new_customer_card(tr, {"name": "Boulangerie Neuve"}),
        "activation_confirm": confirm_card(tr, organization="Atelier Marchand", created=True,
                                           recipient="marie@ateliermarchand.fr",
                                           language=language, ttl_days=7),
        "activation_completed": completed_card(tr, "Atelier Marchand", "c-atelier-marchand"),
        "activation_failed": consent_failed_card(tr, "Atelier Marchand", "c-atelier-marchand",
                                                 "access_denied"),
        "activation_pending": pending_card(tr, Completion(
            "c-atelier-marchand", "Atelier Marchand", None, 1, None, link_id=7,
            pending_tenant="1b4e28ba-2fa1-4d2a-883f-0016d3cca427",
            domain="atelier-marchand.example",
            domain_tenant="7d3c1f0e-5b2a-4c8d-9e6f-0a1b2c3d4e5f")),
        "activation_pending_unknown": pending_card(tr, Completion(
            "c-atelier-marchand", "Atelier Marchand", None, 1, None, link_id=7,
            pending_tenant="1b4e28ba-2fa1-4d2a-883f-0016d3cca427",
            domain="atelier-marchand.example")),
        "activation_confirmed": confirmed_card(tr, Completion(
            "c-atelier-marchand", "Atelier Marchand", "1b4e28ba-2fa1-4d2a-883f-0016d3cca427",
            1, None, link_id=7), "Alice Durand"),
        "activation_cancelled": cancelled_card(tr, "Atelier Marchand"),
        "approval_pending": approval_card(request, tr, decider_view=True,
                                          admin_user_ids=["8:orgid:634cd7e1"]),
        "approval_decided": approval_card(decided, tr, decider_view=False,
                                          admin_user_ids=["8:orgid:634cd7e1"]),
        "operator_confirm": operator_confirm_card("jane@contoso.example", "Jane Doe", "admin",
                                                  tr),
        "operator_change": change_confirm_card(tr, email="chloe.leroy@contoso.example",
                                               role="admin"),
        "digest": digest_card(_digest(), tr),
        "digest_renewals": digest_card(_renewal_digest(), tr),
        "digest_all_renewed": digest_card(_renewal_digest(at_risk=False), tr),
        "notify_snoozes": snoozes_card([SnoozeView("c-1", "Café Lumière", TODAY),
                                        SnoozeView("c-2", "Hôtel <b>", TODAY)], tr),
        "notify_snoozes_none": snoozes_card([], tr),
        "list_at_risk": org_list_card(_at_risk_list(), tr),
        "ranking": ranking_card(_ranking("customer", "licenses", 5, Filters(
            sku="CS-ENT", country="FR")), tr),
        "ranking_one": ranking_card(_ranking("partner", "organizations", 1, Filters()), tr),
        "ranking_empty": ranking_card(RankingView(Ranking("customer", "licenses", [], 0),
                                                  Described(Filters()), 5, False, TODAY), tr),
        "breakdown_partner": breakdown_card(_breakdown(language, "partner"), tr),
        "breakdown_month": breakdown_card(_breakdown(language, "month"), tr),
        "report": report_card(_report(), tr),
        "report_posted": posted_report_card(_report(), tr),
        "report_subscribed": report_subscribed_card(REPORTING, dt.date(2027, 1, 1), tr),
        "notify_subscribed": subscribed_card(SUBSCRIPTION, tr),
        "notify_settings": settings_card([SUBSCRIPTION, REPORTING], tr, TODAY),
        "notify_settings_none": settings_card([], tr, TODAY),
        "notify_status": status_card(_status(), tr, "Europe/Paris", TODAY),
        "notify_install": install_offer_card(tr),
        "notify_gone": gone_card(SUBSCRIPTION, "BotNotInConversationRoster", tr),
        "welcome_stranger": welcome_card(None, tr),
        "org_built": org_card(_org(), "org_expiry", tr, can_activate=False),
        "audit_entries": audit_card("Contoso Partners", _audit(), tr),
        "reowned": reowned_card(ReownedNotice("Contoso Partners", BRUNO, "operator_removed",
                                              2), tr),
        "license_change": license_change_activity(LicenseChange(
            "c-zephyr", "s-1", "CS-ENT", 1200, 300, "Établissements Zéphyr-Longuenom",
            "CoreSuite Enterprise"), language)["attachments"][0]["content"],
        "search_shared": shared_org_card(_row(), {"CS-ENT": "CoreSuite Enterprise"}, tr,
                                         TODAY),
        "not_operator": not_operator_card(tr),
        "error": error_card(tr, "3f2a9c1d0b7e"),
    }


async def turn_cards(asker: Asker, language: str) -> dict[str, dict[str, Any]]:
    """Cards of real answers, as Teams gets them (one page of a list)."""
    locale = "fr-FR" if language == "fr" else "en-US"
    out = {}
    for kind, (email, english, french) in QUESTIONS.items():
        reply = await asker.reply(email, french if language == "fr" else english, locale,
                                  TODAY, full_answer=False)
        assert reply is not None and reply.card, kind
        out[kind] = reply.card
    return out
