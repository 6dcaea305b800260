"""Digests that understand renewals, and snoozes, over HTTP (and the CLI) with the local
fake Bot Connector, on the demo network for 2026-11-23 (SQLite and PostgreSQL).

The expectations are computed here from bot/demo/partner-demo.json with SPEC section 1's
rule (renewed = auto_renew, or a subscription of the same organization and SKU starting
on or before the day after the expiry and expiring later), never from the bot's code."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from services.db.engine import Database
from services.db.models import AuditEvent, NotificationSnooze
from services.network.importer import NetworkImporter
from tests.bot.test_notifications_http import CHANNEL, TODAY, Bot
from tests.bot.test_notifications_http import bot as bot  # noqa: F401 - the fixture
from tests.conftest import demo_document
from tests.support import activities as A
from tests.support.cli import run_cli

DEMO = json.loads((Path(__file__).parents[2] / "bot/demo/partner-demo.json").read_text())
CLAIRE_AAD = "9888c69f-850f-5e5b-acd2-c8fdf8762ab4"  # admin, Alpha Distribution
CLAIRE_TENANT = "d752334c-2297-5126-a591-b69bc422f0d5"


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def expected(organization: str, today: dt.date, horizon: int,
             doc: dict[str, Any] = DEMO) -> tuple[list[tuple[str, str, int, int]], set[str]]:
    """(at-risk rows: name, SKU name, seats, days left, by expiry then name; the renewed
    subscription ids) of the organizations below ORGANIZATION of the kinds its operators
    see (SPEC section 2: customers, and partners for a distributor) expiring within
    HORIZON days."""
    orgs = {o["id"]: o for o in doc["organizations"]}
    skus = {s["code"]: s["name"] for s in doc["skus"]}
    below, todo = set(), [organization]
    while todo:
        parent = todo.pop()
        for o in doc["organizations"]:
            if o["parent"] == parent:
                below.add(o["id"])
                todo.append(o["id"])
    subs = doc["subscriptions"]
    kinds = {"partner": {"customer"}, "distributor": {"customer", "partner"}}[
        orgs[organization]["kind"]]

    def renewed(s: dict[str, Any]) -> bool:
        end = _date(s["expires_on"])
        return bool(s.get("auto_renew")) or any(
            o["organization"] == s["organization"] and o["sku"] == s["sku"]
            and _date(o["starts_on"]) <= end + dt.timedelta(days=1)
            and _date(o["expires_on"]) > end for o in subs)

    due = [s for s in subs if s["organization"] in below
           and orgs[s["organization"]]["kind"] in kinds
           and today <= _date(s["expires_on"]) <= today + dt.timedelta(days=horizon)]
    due.sort(key=lambda s: (s["expires_on"], orgs[s["organization"]]["name"], s["id"]))
    at_risk = [(orgs[s["organization"]]["name"], skus[s["sku"]], s["licenses"],
                (_date(s["expires_on"]) - today).days) for s in due if not renewed(s)]
    return at_risk, {s["id"] for s in due if renewed(s)}


def _texts(element: Any) -> list[str]:
    if isinstance(element, dict):
        # as read: inert() escapes markdown ("Saint\\-Louis")
        out = [re.sub(r"\\(.)", r"\1", element["text"])] \
            if element.get("type") == "TextBlock" else []
        for value in element.values():
            out += _texts(value)
        return out
    if isinstance(element, list):
        return [t for e in element for t in _texts(e)]
    return []


def at_risk_rows(card: dict[str, Any]) -> list[tuple[str, str, int, int]]:
    tables = [e for e in card["body"] if e.get("type") == "Table"]
    if not tables:
        return []
    rows = []
    for row in tables[0]["rows"][1:]:
        # the name (its partner, for distributors) and the SKU under it; seats; days left
        named, (seats,), (left,) = (_texts(c) for c in row["cells"])
        rows.append((named[0], named[-1], int(seats.replace(",", "").replace("\u202f", "")),
                     int(left.split()[0])))
    return rows


def renewing_line(card: dict[str, Any]) -> str | None:
    return next((t for t in _texts(card["body"]) if "renew automatically" in t
                 or "renouvellent automatiquement" in t), None)


def show_action(card: dict[str, Any]) -> dict[str, Any] | None:
    found = [a for a in _actions(card["body"])
             if a.get("data", {}).get("filters", {}).get("renewal") == "renewed"]
    return found[0] if found else None


def _actions(element: Any) -> list[dict[str, Any]]:
    if isinstance(element, dict):
        out = [element] if element.get("type") == "Action.Execute" else []
        return out + [a for v in element.values() for a in _actions(v)]
    if isinstance(element, list):
        return [a for e in element for a in _actions(e)]
    return []


def snooze_buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in _actions(card["body"]) if a.get("verb") == "notify_snooze"]


def channel_click(verb: str, data: dict[str, Any], aad: str = A.ALICE_AAD) -> dict[str, Any]:
    activity = A.card_action(verb, data, aad=aad)
    activity["conversation"].update(id=f"{CHANNEL};messageid=42", conversationType="channel",
                                    isGroup=True)
    activity["channelData"].update(team={"id": "19:team@thread.tacv2"},
                                   channel={"id": CHANNEL})
    return activity


async def _count(db: Database, model: Any, *where: Any) -> int:
    async with db.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model).where(
            *where))).scalar_one())


async def test_digest_lists_at_risk_first_then_one_line_for_the_renewed(bot: Bot) -> None:
    reply = await bot.say_in_channel("notify this channel 30 days before expiry")
    assert "Notifications on" in reply
    result, _ = await bot.runner.run_once(TODAY)
    assert result.digests == 1
    card = bot.digests()[-1]
    at_risk, renewed = expected("p-contoso", TODAY, 30)
    assert at_risk and renewed  # the demo network has both
    assert at_risk_rows(card) == at_risk
    assert renewing_line(card) == f"{len(renewed)} more renew automatically or have their " \
                                  "renewal booked."
    show = show_action(card)
    assert show is not None and show["data"]["filters"] == {
        "from": "2026-11-23", "to": "2026-12-23", "renewal": "renewed"}
    assert len(snooze_buttons(card)) == len(at_risk)
    # "Show" lists them: the directory's renewed list for that range, in Alice's scope
    body = await bot.post(A.card_action("list_page", show["data"]))
    shown = json.dumps(body, ensure_ascii=False)
    orgs = {o["id"]: o["name"] for o in DEMO["organizations"]}
    for sub in DEMO["subscriptions"]:
        if sub["id"] in renewed:
            assert orgs[sub["organization"]] in shown


async def test_distributor_digest_names_each_partner_and_french(bot: Bot) -> None:
    body = await bot.post(A.message("notifie ce canal 30 jours avant expiration",
                                    aad=CLAIRE_AAD, tenant=CLAIRE_TENANT, channel=True,
                                    locale="fr-FR"))
    assert "Notifications" in json.dumps(A.cards_of(body), ensure_ascii=False)
    await bot.runner.run_once(TODAY)
    card = bot.digests()[-1]
    at_risk, renewed = expected("d-alpha", TODAY, 30)
    assert [r[0] for r in at_risk_rows(card)] == [r[0] for r in at_risk]
    orgs = {o["id"]: o for o in DEMO["organizations"]}
    names = {o["name"]: orgs[o["parent"]]["name"] for o in DEMO["organizations"]
             if o["parent"]}
    table = next(e for e in card["body"] if e.get("type") == "Table")
    for row, (name, *_rest) in zip(table["rows"][1:], at_risk, strict=True):
        assert _texts(row["cells"][0])[:2] == [name, names[name]]  # the partner below it
    assert renewing_line(card) == f"{len(renewed)} autres se renouvellent automatiquement " \
                                  "ou ont un renouvellement réservé."
    assert "Pause 7 jours" in json.dumps(card, ensure_ascii=False)


async def test_at_risk_only_never_shows_a_renewed_expiry(bot: Bot) -> None:
    reply = await bot.say_in_channel(
        "notify this channel 30, 7 and 1 days before expiry, at risk only")
    assert "At-risk expiries only" in reply
    renewed_rows: set[tuple[str, str]] = set()
    for day in range(0, 40):
        today = TODAY + dt.timedelta(days=day)
        _at_risk, renewed = expected("p-contoso", today, 30)
        subs = {s["id"]: s for s in DEMO["subscriptions"]}
        orgs = {o["id"]: o["name"] for o in DEMO["organizations"]}
        skus = {s["code"]: s["name"] for s in DEMO["skus"]}
        renewed_rows |= {(orgs[subs[i]["organization"]], skus[subs[i]["sku"]]) for i in renewed}
        await bot.runner.run_once(today)
    digests = bot.digests()
    assert digests and renewed_rows
    for card in digests:
        assert renewing_line(card) is None and show_action(card) is None
        assert not {(r[0], r[1]) for r in at_risk_rows(card)} & renewed_rows
    settings = await bot.say_in_channel("notification settings")
    assert "At-risk expiries only" in settings


async def test_renewed_since_the_last_notice_is_said_once(bot: Bot) -> None:
    await bot.post(A.message("notifie ce canal 30 jours avant expiration", aad=CLAIRE_AAD,
                             tenant=CLAIRE_TENANT, channel=True))
    await bot.runner.run_once(TODAY)
    first = bot.digests()[-1]
    names = [r[0] for r in at_risk_rows(first)]
    assert "Banque Privée de Genève" in names and "Clinique Saint-Louis" in names
    # After the alert: auto_renew turns on for one, a renewal is booked for another.
    doc = copy.deepcopy(demo_document())
    for sub in doc["subscriptions"]:
        if sub["id"] == "sub-023":
            sub["auto_renew"] = True
    doc["subscriptions"].append({
        "id": "sub-clinique-next", "organization": "c-clinique-saint-louis",
        "sku": "CV-LIC", "licenses": 800, "starts_on": "2026-12-16",
        "expires_on": "2027-12-15", "billing_cycle": "annual", "auto_renew": False})
    await NetworkImporter(bot.database.sessions).import_document(doc)
    told = []
    for day in range(1, 12):
        await bot.runner.run_once(TODAY + dt.timedelta(days=day))
    for card in bot.digests()[1:]:
        told += [t for t in _texts(card["body"]) if "depuis le dernier avis" in t
                 or "since the last notice" in t]
        assert "Clinique Saint-Louis" not in [r[0] for r in at_risk_rows(card)]
    assert told == ["Renouvelés depuis le dernier avis : Clinique Saint-Louis (License "
                    "Optimizer), Banque Privée de Genève (CoreView Audit)."], told


async def test_a_snoozed_customer_is_absent_then_returns(bot: Bot) -> None:
    await bot.say_in_channel("notify this channel 30 days before expiry")
    reply = await bot.say_in_channel("snooze Clinique Saint-Louis for 14 days")
    assert "Clinique Saint" in reply
    assert "is snoozed in this conversation until Dec 7, 2026" in reply
    listed = await bot.say_in_channel("what is snoozed")
    assert "Clinique Saint" in listed and "Dec 7, 2026" in listed
    for day in range(0, 14):
        await bot.runner.run_once(TODAY + dt.timedelta(days=day))
    assert bot.digests()
    for card in bot.digests():
        assert "Clinique Saint" not in json.dumps(card, ensure_ascii=False)
    await bot.runner.run_once(TODAY + dt.timedelta(days=14))  # the snooze is over
    back = bot.digests()[-1]
    assert ("Clinique Saint-Louis", "License Optimizer", 800, 8) in at_risk_rows(back)
    later = A.message("what is snoozed", channel=True)
    later["timestamp"] = "2026-12-07T09:00:00Z"  # the turn's date: the day it came back
    assert "Nothing is snoozed" in json.dumps(A.cards_of(await bot.post(later)))
    async with bot.database.sessions() as session:
        actions = list((await session.execute(select(AuditEvent.action).where(
            AuditEvent.action.like("notifications.snooze%")))).scalars())
    assert actions == ["notifications.snoozed"]


async def test_french_snooze_unsnooze_and_limits(bot: Bot) -> None:
    reply = await bot.say_in_channel("mets Clinique Saint-Louis en pause 14 jours",
                                     locale="fr-FR")
    assert "en pause dans cette conversation jusqu" in reply
    assert "at most 30 days" in await bot.say_in_channel(
        "snooze Clinique Saint-Louis for 45 days")
    assert "au plus 30 jours" in await bot.say_in_channel(
        "mets Clinique Saint-Louis en pause 6 semaines", locale="fr-FR")
    async with bot.database.sessions() as session:
        until = (await session.execute(select(NotificationSnooze.until))).scalar_one()
    assert until == TODAY + dt.timedelta(days=14)  # the refused ones changed nothing
    assert "back in this conversation" in await bot.say_in_channel(
        "unsnooze Clinique Saint-Louis")
    assert await _count(bot.database, NotificationSnooze) == 0
    assert "was not snoozed" in await bot.say_in_channel("unsnooze Clinique Saint-Louis")
    # a name outside Alice's network reads like one that does not exist
    outside = await bot.say_in_channel("snooze Bergen Seafood for 7 days")
    assert "Bergen" in outside and await _count(bot.database, NotificationSnooze) == 0


async def test_the_snooze_button_and_forged_clicks(bot: Bot) -> None:
    await bot.say_in_channel("notify this channel 30 days before expiry")
    await bot.runner.run_once(TODAY)
    button = snooze_buttons(bot.digests()[-1])[0]
    assert button["data"] == {"verb": "notify_snooze", "org": "c-clinique-saint-louis",
                              "days": 7}
    forged = [
        channel_click("notify_snooze", button["data"], aad=A.BRUNO_AAD),  # a reader
        channel_click("notify_snooze", {**button["data"], "days": 45}),  # over 30 days
        channel_click("notify_snooze", {**button["data"], "days": "7"}),  # bad data
        channel_click("notify_snooze", {**button["data"], "days": True}),
        channel_click("notify_snooze", {**button["data"], "org": ["x"]}),
        channel_click("notify_snooze", {**button["data"], "org": "c-bergen-seafood"}),
        channel_click("notify_snooze", {"days": 7}),
    ]
    for activity in forged:
        body = await bot.post(activity)
        assert "is snoozed" not in json.dumps(body), activity["value"]
    assert await _count(bot.database, NotificationSnooze) == 0
    body = await bot.post(channel_click("notify_snooze", button["data"]))
    assert "is snoozed in this conversation until Nov 30, 2026" in json.dumps(body)
    async with bot.database.sessions() as session:
        snooze = (await session.execute(select(NotificationSnooze))).scalar_one()
        audit = (await session.execute(select(AuditEvent).where(
            AuditEvent.action == "notifications.snoozed"))).scalar_one()
    assert (snooze.conversation_id, snooze.until) == (CHANNEL, TODAY + dt.timedelta(days=7))
    assert audit.actor == "alice.durand@contoso.example"
    # a reader may snooze in their own personal chat
    body = await bot.post(A.card_action("notify_snooze", button["data"], aad=A.BRUNO_AAD))
    assert "is snoozed" in json.dumps(body)
    assert await _count(bot.database, NotificationSnooze) == 2


async def test_cli_pass_posts_the_renewal_aware_digest(bot: Bot, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("the CLI reaches this test's database by URL: a SQLite file")
    await bot.say_in_channel("notify this channel 30 days before expiry")
    await bot.say_in_channel("snooze Boulangerie Dupont for 7 days")
    code, out = await run_cli(bot.database.url, "notify", "run", "--now", "2026-11-23",
                              "--wait", "5")
    assert code == 0, out
    card = bot.digests()[-1]
    at_risk, renewed = expected("p-contoso", TODAY, 30)
    assert at_risk_rows(card) == at_risk
    # Boulangerie Dupont (renewed) is snoozed: one fewer in the renewed line
    assert renewing_line(card) == f"{len(renewed) - 1} more renew automatically or have " \
                                  "their renewal booked."
