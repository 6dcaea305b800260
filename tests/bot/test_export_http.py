"""CSV export over HTTP: a list, ranking or breakdown card carries "Download CSV"
(Action.OpenUrl to /export/<token>); the file holds the same items, in the same order,
as `ask --json` for the same question and operator; a link works once, for 10 minutes,
for an operator who is still active; a forged token gets nothing. On SQLite and
PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import urllib.parse
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.app import SERVICES
from bot.cli.ask import Asker
from bot.logs import RedactingFormatter
from cards.download import export_url_of
from services.clock import utc_now
from services.db.engine import Database
from services.db.models import ExportLink, Operator, OperatorStatus
from services.exports.links import token_hash
from services.i18n import Messages
from tests.support.demo_turns import card_of, demo_asker, demo_client

TODAY = dt.date(2026, 11, 23)
SOFIA = "sofia.marino@coreview.example"  # the provider: sees every level
CLAIRE = "claire.martin@alphadist.example"  # a distributor


@pytest.fixture
async def client(aiohttp_client: Any, demo_db: Database) -> Any:
    return await demo_client(aiohttp_client, demo_db)


@pytest.fixture
def asker(demo_db: Database) -> Asker:
    return demo_asker(demo_db)


async def link_of(client: Any, email: str, text: str, locale: str = "en-US") -> str:
    card = await card_of(client, email, text, locale)
    url = export_url_of(card)
    assert url is not None, f"no Download CSV on the card of {text!r}"
    path = urllib.parse.urlsplit(url).path
    assert path.startswith("/export/")
    return path


async def download(client: Any, path: str) -> tuple[int, str, bytes]:
    resp = await client.get(path)
    return resp.status, resp.headers.get("Content-Type", ""), await resp.read()


def parse_csv(body: bytes, separator: str) -> tuple[str, list[str], list[list[str]]]:
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte order mark"
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""),
                           delimiter=separator))
    (title,) = rows[0]
    return title, rows[1], rows[2:]


async def test_a_list_file_is_the_ask_answer_every_item(client: Any, asker: Asker) -> None:
    question = "customers expiring this quarter"
    answer = await asker.answer(SOFIA, question, "en", TODAY)
    assert answer["intent"] == "list" and answer["total"] > 0
    status, ctype, body = await download(client, await link_of(client, SOFIA, question))
    assert status == 200 and ctype.startswith("text/csv")
    title, columns, rows = parse_csv(body, ",")
    assert "Sofia Marino" in title and SOFIA in title and "Nov 23, 2026" in title
    assert columns[:4] == ["ID", "Name", "Parent ID", "Partner"]
    tr = Messages("en")
    renewal = columns.index("Renewal")
    assert [{"id": r[0], "name": r[1], "status": r[renewal]} for r in rows] == [
        {**i, "status": tr(f"renewal.{i['status']}")} for i in answer["items"]]

    everyone = await asker.answer(SOFIA, "customers", "en", TODAY)
    assert everyone["total"] > 10  # more than one card page
    _, _, body = await download(client, await link_of(client, SOFIA, "customers"))
    _, columns, rows = parse_csv(body, ",")
    assert [{"id": r[0], "name": r[1]} for r in rows] == everyone["items"]
    licenses = columns.index("Licenses")
    assert all(r[licenses].isdigit() for r in rows)  # no thousands separator
    assert all(r[2].startswith(("p-", "d-")) for r in rows)  # parent ids


async def test_a_ranking_file_is_the_ask_answer(client: Any, asker: Asker) -> None:
    question = "top 5 customers by licenses"
    answer = await asker.answer(SOFIA, question, "en", TODAY)
    assert answer["intent"] == "ranking"
    status, _, body = await download(client, await link_of(client, SOFIA, question))
    assert status == 200
    title, columns, rows = parse_csv(body, ",")
    assert title.startswith("Top 5 customers by licenses")
    assert columns == ["Rank", "ID", "Name", "Parent ID", "Partner", "Licenses"]
    assert [{"id": r[1], "name": r[2], "value": int(r[-1])} for r in rows] == answer["items"]
    assert [r[0] for r in rows] == ["1", "2", "3", "4", "5"]


async def test_a_breakdown_file_is_the_ask_answer(client: Any, asker: Asker) -> None:
    question = "licenses per SKU"
    answer = await asker.answer(CLAIRE, question, "en", TODAY)
    assert answer["intent"] == "breakdown" and answer["groups"]
    status, _, body = await download(client, await link_of(client, CLAIRE, question))
    assert status == 200
    _, columns, rows = parse_csv(body, ",")
    assert columns[0] == "ID"
    assert [{"id": r[0], "name": r[1], "value": int(r[2])} for r in rows] == answer["groups"]


async def test_french_file_semicolons_decimal_comma_bom(client: Any, asker: Asker) -> None:
    question = "nombre de clients par pays"
    answer = await asker.answer(SOFIA, question, "fr", TODAY)
    status, _, body = await download(client, await link_of(client, SOFIA, question, "fr-FR"))
    assert status == 200
    title, columns, rows = parse_csv(body, ";")
    assert "demandé par Sofia Marino" in title and "23 nov. 2026" in title
    assert columns[0] == "Identifiant"
    assert [{"id": r[0], "name": r[1], "value": int(r[2])} for r in rows] == answer["groups"]
    assert "Belgique" in {r[1] for r in rows}


def test_csv_numbers_in_each_language() -> None:
    from services.exports.csv import cell_text, to_csv

    assert cell_text(1.5, "fr") == "1,5" and cell_text(1.5, "en") == "1.5"
    assert cell_text(2400, "fr") == "2400" and cell_text(dt.date(2026, 11, 23), "fr") \
        == "2026-11-23"
    assert cell_text("=HYPERLINK(1)", "en") == "'=HYPERLINK(1)"  # never a formula
    body = to_csv("T", ["a", "b"], [[1.25, "x;y"]], "fr")
    assert body == "\ufeffT\r\na;b\r\n1,25;\"x;y\"\r\n".encode()


async def test_a_link_works_once(client: Any) -> None:
    path = await link_of(client, SOFIA, "top 5 customers by licenses")
    assert (await download(client, path))[0] == 200
    status, ctype, body = await download(client, path)
    assert status == 410 and ctype.startswith("text/html")
    assert b"already used" in body


async def test_an_expired_link_is_refused(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    path = await link_of(client, SOFIA, "licenses per SKU")
    exports = client.server.app[SERVICES].exports
    later = utc_now() + dt.timedelta(minutes=10, seconds=1)
    monkeypatch.setattr(exports, "_clock", lambda: later)
    status, _, body = await download(client, path)
    assert status == 410 and b"expired" in body
    monkeypatch.setattr(exports, "_clock", lambda: later - dt.timedelta(minutes=1))
    assert (await download(client, path))[0] == 200  # still valid at 9 minutes


async def test_a_removed_operators_link_is_refused(client: Any, demo_db: Database) -> None:
    path = await link_of(client, CLAIRE, "customers")
    async with demo_db.sessions.begin() as session:
        await session.execute(update(Operator).where(Operator.email == CLAIRE).values(
            status=OperatorStatus.REMOVED))
    resp = await client.get(path, headers={"Accept-Language": "fr-FR"})
    assert resp.status == 403
    text = await resp.text()
    assert "ne vous est pas accessible" in text and "c-" not in text


async def test_a_tampered_token_is_refused(client: Any) -> None:
    path = await link_of(client, SOFIA, "customers")
    token = path.removeprefix("/export/")
    nonce, signature = token.split(".")
    flip = {"A": "B"}.get(signature[0], "A")
    other = "x" if nonce[-1] != "x" else "y"
    for forged in (f"{nonce}.{flip}{signature[1:]}", f"{nonce[:-1]}{other}.{signature}",
                   "not-a-token", nonce):
        status, _, body = await download(client, f"/export/{forged}")
        assert status == 404 and b"not valid" in body
    assert (await download(client, path))[0] == 200  # the real one still works


async def test_no_token_in_the_database_or_the_log(client: Any, demo_db: Database,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    path = await link_of(client, SOFIA, "customers")
    token = path.removeprefix("/export/")
    await download(client, path)
    async with demo_db.sessions() as session:
        links = (await session.execute(select(ExportLink))).scalars().all()
    assert [link.token_hash for link in links] == [token_hash(token)]
    stored = repr([(link.question, link.token_hash) for link in links])
    assert token not in stored and token.split(".")[0] not in stored
    assert links[0].question["intent"] == "list" and links[0].question["kind"] == "customer"
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name != "aiohttp.access")
    assert token not in ours and token.split(".")[0] not in ours
    # aiohttp's access log (WARNING and up in production) goes through the redaction too
    formatter = RedactingFormatter("%(message)s")
    access = [formatter.format(r) for r in caplog.records if r.name == "aiohttp.access"]
    assert access and not any(token.split(".")[0] in line for line in access)


async def test_cards_without_items_have_no_button(client: Any, demo_db: Database) -> None:
    card = await card_of(client, SOFIA, "customers expiring in 2040")
    assert export_url_of(card) is None
    card = await card_of(client, SOFIA, "customers")
    assert export_url_of(card) is not None
    assert card["actions"][0]["title"] == "Download CSV"
    card = await card_of(client, SOFIA, "clients", "fr-FR")
    assert card["actions"][0]["title"] == "Télécharger le CSV"


async def test_a_cached_card_gets_a_new_link_for_each_asker(client: Any) -> None:
    first = await link_of(client, SOFIA, "top 5 customers by licenses")
    second = await link_of(client, SOFIA, "top 5 customers by licenses")  # from the cache
    assert first != second
    assert (await download(client, first))[0] == 200
    assert (await download(client, second))[0] == 200
