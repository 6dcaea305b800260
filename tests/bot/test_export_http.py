"""CSV export over HTTP: a list, ranking or breakdown card carries "Download CSV"
(Action.OpenUrl to /export/<token>); the file holds the same items, in the same order,
as `ask --json` for the same question and operator, under a first line that states the
question, the operator and the data's date; a link works once, for 10 minutes, for an
operator who is still active; a forged token gets nothing. Each file served is one
`export.downloaded` audit row; each refusal of a stored link one refused-action row; no
token in the audit log or the log. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import logging
import urllib.parse
from typing import Any

import pytest
from sqlalchemy import delete, select, update

from bot.app import SERVICES, create_app
from bot.cli.ask import Asker
from bot.logs import RedactingFormatter
from bot.settings import load_settings
from cards.download import export_url_of
from services.clock import utc_now
from services.db.engine import Database
from services.db.meta import DATA_CHANGED_AT
from services.db.models import AppMeta, AuditEvent, ExportLink, Operator, OperatorStatus
from services.exports.links import token_hash
from services.i18n import Messages
from tests.support.demo_turns import asker as asker  # noqa: F401 - the fixture
from tests.support.demo_turns import card_of
from tests.support.demo_turns import client as client  # noqa: F401 - the fixture

TODAY = dt.date(2026, 11, 23)
SOFIA = "sofia.marino@coreview.example"  # the provider: sees every level
CLAIRE = "claire.martin@alphadist.example"  # a distributor


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
    assert "Sofia Marino" in title and SOFIA in title
    assert "between Oct 1, 2026 and Dec 31, 2026" in title  # the question, of Nov 23
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
    assert "demandé par Sofia Marino" in title
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


async def _set_data_changed_at(db: Database, when: dt.datetime | None) -> None:
    async with db.sessions.begin() as session:
        await session.execute(delete(AppMeta).where(AppMeta.key == DATA_CHANGED_AT))
        if when is not None:
            session.add(AppMeta(key=DATA_CHANGED_AT, value=when.isoformat()))


async def test_the_header_states_the_data_date(client: Any, demo_db: Database,
                                               aiohttp_client: Any) -> None:
    """The day of the network's last change ("Data as of" on the cards), in NOTIFY_TZ;
    the export's day only when that is unknown."""
    await _set_data_changed_at(demo_db, dt.datetime(2026, 11, 20, 23, 30, tzinfo=dt.UTC))
    _, _, body = await download(client, await link_of(client, SOFIA, "licenses per SKU"))
    title, _, _ = parse_csv(body, ",")
    assert " — data of Nov 20, 2026, exported " in title and title.endswith("(UTC)")
    _, _, body = await download(client, await link_of(client, SOFIA,
                                                      "nombre de clients par pays", "fr-FR"))
    title, _, _ = parse_csv(body, ";")
    assert " — données du 20 nov. 2026, exportées le " in title

    paris = await aiohttp_client(create_app(load_settings(
        DATABASE_URL=demo_db.url, BOT_ID="", NOTIFY_TZ="Europe/Paris"), database=demo_db))
    _, _, body = await download(paris, await link_of(paris, SOFIA, "licenses per SKU"))
    title, _, _ = parse_csv(body, ",")
    assert " — data of Nov 21, 2026, exported " in title  # 00:30 in Paris
    assert title.endswith("(Europe/Paris)")

    await _set_data_changed_at(demo_db, None)  # never recorded: the export's day
    path = await link_of(client, SOFIA, "licenses per SKU")
    before = Messages("en").date(utc_now().date())
    _, _, body = await download(client, path)
    after = Messages("en").date(utc_now().date())
    title, _, _ = parse_csv(body, ",")
    assert f" — data of {before}, exported {before}" in title \
        or f" — data of {after}, exported {after}" in title


async def _audit_rows(db: Database) -> list[AuditEvent]:
    async with db.sessions() as session:
        return list((await session.execute(
            select(AuditEvent).order_by(AuditEvent.id))).scalars().all())


async def _link_ids(db: Database) -> list[int]:
    async with db.sessions() as session:
        return list((await session.execute(
            select(ExportLink.id).order_by(ExportLink.id))).scalars().all())


async def _organization_of(db: Database, email: str) -> str:
    async with db.sessions() as session:
        return (await session.execute(select(Operator.organization_id).where(
            Operator.email == email))).scalar_one()


async def test_a_download_is_audited_without_its_token(
        client: Any, demo_db: Database, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    before = await _audit_rows(demo_db)
    path = await link_of(client, SOFIA, "top 5 customers by licenses")
    assert [e.id for e in await _audit_rows(demo_db)] == [e.id for e in before]  # a link
    status, _, _ = await download(client, path)
    assert status == 200
    (event,) = [e for e in await _audit_rows(demo_db) if e.id not in {b.id for b in before}]
    (link_id,) = await _link_ids(demo_db)
    assert (event.actor, event.organization_id, event.action, event.target) == (
        SOFIA, await _organization_of(demo_db, SOFIA), "export.downloaded",
        f"export-link:{link_id}")
    assert event.before is None
    assert event.after == {"link": link_id, "intent": "ranking", "kind": "customer", "rows": 5}
    assert event.correlation_id
    ours = [r.getMessage() for r in caplog.records if r.name == "bot.web.export"]
    assert any(f"cid={event.correlation_id}:" in line for line in ours)  # one id for both

    token = path.removeprefix("/export/")
    await download(client, path)  # refused (used): its audit row has no token either
    stored = repr([(e.actor, e.organization_id, e.action, e.target, e.before, e.after,
                    e.correlation_id) for e in await _audit_rows(demo_db)])
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "aiohttp.access")
    for secret in (token, *token.split(".")):
        assert secret not in stored and secret not in logged
    assert token_hash(token) not in stored  # (the SQL echo at DEBUG shows the stored hash)


async def _refusals(db: Database) -> list[tuple[str, str | None, str | None, Any]]:
    return [(e.actor, e.organization_id, e.target, e.after)
            for e in await _audit_rows(db) if e.action == "action.refused"]


async def test_refused_downloads_of_a_stored_link_are_audited(
        client: Any, demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """As refused actions of the link's operator (limited per hour, pruned daily); a
    token that matches no stored link names nobody: logged, not audited."""
    sofia_org = await _organization_of(demo_db, SOFIA)
    used = await link_of(client, SOFIA, "top 5 customers by licenses")
    assert (await download(client, used))[0] == 200
    assert (await download(client, used))[0] == 410
    (used_id,) = await _link_ids(demo_db)
    assert await _refusals(demo_db) == [
        (SOFIA, sofia_org, "export.download", {"reason": "used", "data": {
            "link": str(used_id), "intent": "ranking", "kind": "customer"}})]

    expired = await link_of(client, SOFIA, "licenses per SKU")
    exports = client.server.app[SERVICES].exports
    monkeypatch.setattr(exports, "_clock", lambda: utc_now() + dt.timedelta(minutes=11))
    assert (await download(client, expired))[0] == 410
    monkeypatch.undo()
    expired_id = (await _link_ids(demo_db))[-1]
    assert (await _refusals(demo_db))[1:] == [
        (SOFIA, sofia_org, "export.download",
         {"reason": "expired", "data": {"link": str(expired_id), "intent": "breakdown",
                                        "kind": "customer"}})]

    nonce, signature = used.removeprefix("/export/").split(".")
    for forged in (f"{nonce[:-1]}{'x' if nonce[-1] != 'x' else 'y'}.{signature}",
                   "not-a-token"):
        assert (await download(client, f"/export/{forged}"))[0] == 404
    assert len(await _refusals(demo_db)) == 2  # nobody to name

    removed = await link_of(client, CLAIRE, "customers")
    claire_org = await _organization_of(demo_db, CLAIRE)
    async with demo_db.sessions.begin() as session:
        await session.execute(update(Operator).where(Operator.email == CLAIRE).values(
            status=OperatorStatus.REMOVED))
    assert (await download(client, removed))[0] == 403
    removed_id = (await _link_ids(demo_db))[-1]
    assert (await _refusals(demo_db))[2:] == [
        (CLAIRE, claire_org, "export.download",
         {"reason": "removed", "data": {"link": str(removed_id), "intent": "list",
                                        "kind": "customer"}})]
    assert not [e for e in await _audit_rows(demo_db) if e.action == "export.downloaded"
                and e.actor == CLAIRE]


async def test_a_download_out_of_the_operators_scope_is_audited(
        client: Any, demo_db: Database) -> None:
    """Claire (a distributor) asked for partners, then moved to a partner, which sees no
    partners: no data, a refused action, the link still unused."""
    path = await link_of(client, CLAIRE, "partners")
    async with demo_db.sessions.begin() as session:
        await session.execute(update(Operator).where(Operator.email == CLAIRE).values(
            organization_id="p-contoso"))
    status, _, body = await download(client, path)
    assert status == 403 and b"p-" not in body
    (link_id,) = await _link_ids(demo_db)
    assert await _refusals(demo_db) == [
        (CLAIRE, "p-contoso", "export.download", {"reason": "out_of_scope", "data": {
            "link": str(link_id), "intent": "list", "kind": "partner"}})]
    assert not [e for e in await _audit_rows(demo_db) if e.action == "export.downloaded"]


async def test_two_downloads_of_one_link_at_once_serve_one_file(
        client: Any, demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both pass the check and run the question; the use of the link, with its audit
    row, is claimed once."""
    path = await link_of(client, SOFIA, "customers")
    exports = client.server.app[SERVICES].exports
    check, both_checked = exports.check, asyncio.Barrier(2)

    async def check_together(token: str) -> Any:
        checked = await check(token)
        await asyncio.wait_for(both_checked.wait(), 10)
        return checked

    monkeypatch.setattr(exports, "check", check_together)
    results = await asyncio.gather(*(download(client, path) for _ in range(2)))
    assert sorted(status for status, _, _ in results) == [200, 410]
    downloads = [e for e in await _audit_rows(demo_db) if e.action == "export.downloaded"]
    assert len(downloads) == 1 and downloads[0].after is not None
    ((_, _, body),) = [r for r in results if r[0] == 200]
    assert downloads[0].after["rows"] == len(parse_csv(body, ",")[2])


async def test_expired_links_are_pruned_every_so_many_and_daily(
        client: Any, demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """A process's first link prunes the links expired a day ago, then every
    PRUNE_EVERY-th; the daily retention prunes them too (a quiet process's)."""
    from bot.jobs.notifications import NotificationRunner
    from services.exports import links

    async def expire_all() -> None:
        async with demo_db.sessions.begin() as session:
            await session.execute(update(ExportLink).values(
                expires_at=utc_now() - links.PRUNE_AFTER - dt.timedelta(minutes=1)))

    await link_of(client, SOFIA, "top 5 customers by licenses")  # the first: prunes
    await expire_all()
    monkeypatch.setattr(links, "PRUNE_EVERY", 3)
    exports = client.server.app[SERVICES].exports
    exports._until_prune = 2  # noqa: SLF001 - two links until the next prune
    await link_of(client, SOFIA, "licenses per SKU")
    assert len(await _link_ids(demo_db)) == 2  # not pruned yet
    await link_of(client, SOFIA, "top 3 customers by licenses")  # this one prunes
    assert len(await _link_ids(demo_db)) == 2  # the expired one went
    await expire_all()
    runner = NotificationRunner(client.server.app[SERVICES])
    try:
        pruned = await runner.prune()
    finally:
        await runner.close()
    assert pruned is not None and pruned.export_links == 2
    assert await _link_ids(demo_db) == []
