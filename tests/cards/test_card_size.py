"""Every message stays under Teams' limit: 40 KB, measured as UTF-16, for the activity that
carries the card (tests/cards/sizes.py). The samples of every card; cards of rows holding
the longest names the import accepts (200 characters, each one escaped); and the largest
page a list answer can give on a 100,000-customer network (the bench's generator), asked
in French by the provider's admin (the parent in each row), of this month's expiries (the
renewal status in each row), with the longest names, the most and longest SKU codes and
names: it fits, showing fewer rows when need be, and "Next" goes on from its last row."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from bot.app import create_app
from bot.settings import load_settings
from cards.breakdown import MAX_GROUPS, BreakdownView, breakdown_card
from cards.common import CARD_BUDGET, utf16_size
from cards.describe import Described
from cards.lists import PAGE_SIZE, ListView, org_list_card
from cards.notifications import ROWS, digest_card
from cards.operators import operators_card
from cards.ranking import RankingView, ranking_card
from services.directory.rankings import MAX_LIMIT, Group, Ranking, RankItem
from services.directory.views import OrgPage, OrgRow
from services.i18n import messages
from services.network.generate import generate_network
from services.network.importer import NetworkImporter
from services.notifications import Digest, DigestItem
from services.operators import OperatorsPage, OperatorView
from services.understanding.model import Filters
from services.understanding.ranges import DateRange
from tests.cards.sizes import assert_fits, message_size
from tests.support import activities as A
from tests.support.databases import fresh_database

TODAY = dt.date(2026, 11, 23)
NAME_CHARS = 200  # the longest name the import accepts
SKU_CODE_CHARS = 32  # the longest SKU code
# The most a character can weigh: inert() escapes a backslash, JSON escapes both.
HEAVY = "\\"


def longest(prefix: str, filler: str = HEAVY) -> str:
    return (prefix + " " + filler * NAME_CHARS)[:NAME_CHARS]


def test_every_sample_fits_a_teams_message(samples: dict[str, dict[str, Any]]) -> None:
    assert len(samples) >= 60
    for name, card in sorted(samples.items()):
        assert_fits(card, name)


def _rows(n: int, filler: str) -> list[OrgRow]:
    skus = tuple(f"SKU-{k}".ljust(SKU_CODE_CHARS, "X") for k in range(8))
    return [OrgRow(f"c-{k:06d}".ljust(64, "0"), longest(f"Client {k}", filler), "customer",
                   longest(f"Partner {k}", filler), 123_456, TODAY, skus, "not_invited",
                   lapsed=True, match_date=TODAY, renewal="at_risk") for k in range(n)]


def _list(rows: list[OrgRow]) -> dict[str, Any]:
    filters = Filters(expiry=DateRange(TODAY, TODAY + dt.timedelta(days=90)))
    view = ListView("customer", OrgPage(rows, 100_000, 99_980, PAGE_SIZE),
                    Described(filters), True,
                    {"intent": "list", "kind": "customer", "filters": filters.to_data()},
                    "https://bot.example/exports/" + "x" * 200)
    return org_list_card(view, messages("fr"))


def table_rows(card: dict[str, Any]) -> list[list[dict[str, Any]]]:
    table = next(e for e in card["body"] if e["type"] == "Table")
    return [row["cells"] for row in table["rows"][1:]]


def test_a_page_of_long_accented_names_shows_every_row() -> None:
    card = _list(_rows(PAGE_SIZE, "é"))
    assert len(table_rows(card)) == PAGE_SIZE
    assert_fits(card, "a page of 200-character names")


def test_a_page_of_the_heaviest_names_shows_fewer_rows_and_pages_on() -> None:
    card = _list(_rows(PAGE_SIZE, HEAVY))
    shown = len(table_rows(card))
    assert 1 <= shown < PAGE_SIZE and utf16_size(card) <= CARD_BUDGET
    last = f"{99_980 + shown:,}".replace(",", "\u202f")
    assert f"99\u202f981–{last} sur 100\u202f000" in json.dumps(card, ensure_ascii=False)
    following = [a for e in card["body"] if e["type"] == "ActionSet" for a in e["actions"]]
    assert [a["data"]["offset"] for a in following] == [99_970, 99_980 + shown]
    assert_fits(card, "a page of the heaviest names")


def test_other_cards_of_the_heaviest_names_fit() -> None:
    tr = messages("fr")
    ranking = ranking_card(RankingView(Ranking("customer", "licenses", [
        RankItem(f"c-{k}", longest(f"Client {k}"), 10_000 - k, longest(f"Partner {k}"))
        for k in range(MAX_LIMIT)], 100_000), Described(Filters()), MAX_LIMIT, True, TODAY), tr)
    groups = [Group(f"p-{k}", longest(f"Partner {k}"), 10_000 - k) for k in range(40)]
    breakdown = breakdown_card(BreakdownView("customer", "licenses", "partner", groups,
                                             Described(Filters()), TODAY), tr)
    items = tuple(DigestItem(f"c-{k}", longest(f"Client {k}"), "invited", f"s-{k}",
                             longest("SKU"), 5000, TODAY + dt.timedelta(days=k), k, 30,
                             parent_name=longest(f"Partner {k}")) for k in range(ROWS + 5))
    digest = digest_card(Digest(longest("Distributor"), TODAY, items, (), 30,
                                renewed_since=items[:12], show_parent=True), tr)
    operators = operators_card(longest("Org"), OperatorsPage([OperatorView(
        f"{'o' * 60}{k}@{'d' * 60}.example", longest(f"Op {k}"), "admin", "active",
        longest("Admin"), None) for k in range(15)], 15, 0, 15), tr)
    for name, card in (("ranking", ranking), ("breakdown", breakdown), ("digest", digest),
                       ("operators", operators)):
        assert utf16_size(card) <= CARD_BUDGET, name
        assert_fits(card, name)
    text = json.dumps([ranking, breakdown, digest], ensure_ascii=False)
    assert "tiennent dans un message" in text  # the ranking says it shows fewer
    assert f"Les {MAX_GROUPS} plus grands groupes sur {len(groups)}" in text \
        or f"plus grands groupes sur {len(groups)}" in text  # fewer, when need be
    assert "Voir le détail" in text  # the digest: the rest through "Show details"


# --------------------------------------------------------- a 100,000-customer network

CUSTOMERS = 100_000
MONTH = DateRange(dt.date(2026, 11, 1), dt.date(2026, 11, 30))  # "ce mois-ci", TODAY


def largest_pages(doc: dict[str, Any]) -> dict[str, Any]:
    """The bench's network with the heaviest names everywhere, and the customers that
    open this month's list holding as many SKUs as a row names, of the longest codes."""
    for org in doc["organizations"]:
        if org["kind"] != "provider":
            org["name"] = longest(org["id"])
    long_skus = [f"SKU-{k}".ljust(SKU_CODE_CHARS, "X") for k in range(6)]
    doc["skus"] += [{"code": code, "name": longest(code)} for code in long_skus]
    first_days = {s["organization"] for s in doc["subscriptions"]
                  if MONTH.start.isoformat() <= s["expires_on"] <= "2026-11-03"}
    doc["subscriptions"] += [
        {"id": f"long-{n}-{k}", "organization": org, "sku": code, "licenses": 5000,
         "starts_on": "2025-12-01", "expires_on": MONTH.end.isoformat()}
        for n, org in enumerate(sorted(first_days)) for k, code in enumerate(long_skus)]
    return doc


async def _post(client: Any, activity: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The card Teams gets, and the UTF-16 size of the activity that carries it."""
    resp = await client.post("/api/messages", json=activity)
    assert resp.status == 200
    body = await resp.json()
    if "activities" in body:
        (reply,) = [a for a in body["activities"] if a.get("attachments")]
        return reply["attachments"][0]["content"], utf16_size(reply)
    return dict(body["value"]), utf16_size(body)


async def test_the_largest_list_page_of_a_100000_customer_network_fits(
        aiohttp_client: Any, tmp_path: Path) -> None:
    doc = largest_pages(generate_network(CUSTOMERS))
    provider = next(o for o in doc["organizations"] if o["kind"] == "provider")
    admin = next(o for o in doc["operators"]
                 if o["organization"] == provider["id"] and "admin" in o["roles"])
    who = {"aad": admin["aad_object_id"], "tenant": admin["tenant_id"], "locale": "fr-FR"}
    async with fresh_database("sqlite", tmp_path) as db:
        await NetworkImporter(db.sessions).import_document(doc)
        settings = load_settings(DATABASE_URL=db.url, BOT_ID="")
        client = await aiohttp_client(create_app(settings, database=db))
        asked = A.message("quels clients expirent ce mois-ci", **who)
        asked["localTimestamp"] = "2026-11-23T10:00:00+01:00"
        card, sent = await _post(client, asked)
        rows = table_rows(card)
        assert rows and len(rows[0][0]["items"][1]["text"]) > NAME_CHARS  # parent, SKUs
        assert "+2" in rows[0][0]["items"][1]["text"]  # 4 SKU codes named, 2 counted
        assert any(i.get("text") == "À risque" or i.get("text") == "Renouvelé"
                   for cell in rows[0] for i in cell["items"])
        assert_fits(card, "the largest list page")
        print(f"largest page: {len(rows)} rows, card {utf16_size(card)} bytes, "
              f"activity {sent} bytes, with the test's envelope {message_size(card)}")
        assert sent <= 40 * 1024
        (following,) = [a for e in card["body"] if e["type"] == "ActionSet"
                        for a in e["actions"] if a["type"] == "Action.Execute"
                        and a.get("verb") == "list_page"]
        assert following["data"]["offset"] == len(rows)  # on from the last row shown
        click = A.card_action("list_page", following["data"], **who)
        click["localTimestamp"] = asked["localTimestamp"]
        second, _ = await _post(client, click)
        assert_fits(second, "the next page")
        names = {r[0]["items"][0]["text"] for r in rows}
        assert not names & {r[0]["items"][0]["text"] for r in table_rows(second)}
        assert f"{len(rows) + 1}–" in json.dumps(second, ensure_ascii=False)
