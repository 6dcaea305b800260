"""Forged card actions: every verb the bot has, invoked by someone who may not (a reader,
an admin of another organization, an operator outside the target's scope, a removed
operator, a stranger), with tampered ids, and replayed after it was done. Each is refused
on the server, changes nothing, and leaves an `action.refused` audit event."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.app import create_app
from bot.settings import load_settings
from bot.turn.routing import VERB_HANDLERS
from cards import verbs
from services.db.engine import Database
from services.operators import OperatorService
from services.scope import ScopeService
from tests.security.support import (
    ALICE,
    BRUNO,
    CLAIRE,
    HUGO,
    STRANGER,
    audit_actions,
    snapshot,
)
from tests.support import activities as A


@pytest.fixture
async def client(aiohttp_client: Any, demo_db: Database) -> Any:
    settings = load_settings(DATABASE_URL=demo_db.url, BOT_ID="")
    return await aiohttp_client(create_app(settings, database=demo_db))


async def invoke(client: Any, who: tuple[str, str], verb: str, data: Any,
                 channel: bool = False) -> str:
    activity = A.card_action(verb, data, aad=who[0], tenant=who[1])
    if channel:
        activity["conversation"] = A.message("", channel=True)["conversation"]
        activity["channelData"] = A.message("", channel=True, tenant=who[1])["channelData"]
    response = await client.post("/api/messages", json=activity)
    assert response.status == 200, await response.text()
    return json.dumps(await response.json(), ensure_ascii=False)


async def requests(db: Database) -> tuple[int, int]:
    """Hugo (reader, Alpha) asks for two changes; Claire approves the first."""
    scopes, operators = ScopeService(db.sessions), OperatorService(db.sessions)
    hugo = await scopes.for_email("hugo.bernard@alphadist.example")
    claire = await scopes.for_email("claire.martin@alphadist.example")
    assert hugo is not None and claire is not None
    done = await operators.request_change(hugo, "change_role",
                                          "hugo.bernard@alphadist.example", "reader")
    pending = await operators.request_change(hugo, "change_role",
                                             "claire.martin@alphadist.example", "reader")
    await operators.decide(claire, done.id, True)
    return done.id, pending.id


def cases(done: int, pending: int) -> list[tuple[str, tuple[str, str], str, Any, bool]]:
    """(why, who, verb, data, in a channel)."""
    return [
        ("other org admin approves", ALICE, verbs.APPROVE_REQUEST, {"request": pending}, False),
        ("other org reader rejects", BRUNO, verbs.REJECT_REQUEST, {"request": pending}, False),
        ("requester approves own", HUGO, verbs.APPROVE_REQUEST, {"request": pending}, False),
        ("replayed approval", CLAIRE, verbs.APPROVE_REQUEST, {"request": done}, False),
        ("replayed rejection", CLAIRE, verbs.REJECT_REQUEST, {"request": done}, False),
        ("tampered id (text)", CLAIRE, verbs.APPROVE_REQUEST, {"request": "1 OR 1=1"}, False),
        ("tampered id (negative)", CLAIRE, verbs.REJECT_REQUEST, {"request": -1}, False),
        ("tampered id (unknown)", CLAIRE, verbs.APPROVE_REQUEST, {"request": 10**9}, False),
        ("other org views a request", ALICE, verbs.REQUEST_REFRESH, {"request": pending},
         False),
        ("other org removes", ALICE, verbs.CONFIRM_REMOVE,
         {"email": "claire.martin@alphadist.example"}, False),
        ("reader removes", BRUNO, verbs.CONFIRM_REMOVE,
         {"email": "alice.durand@contoso.example"}, False),
        ("tampered e-mail", ALICE, verbs.CONFIRM_REMOVE, {"email": ["x@y.z"]}, False),
        ("reader promotes self", HUGO, verbs.CONFIRM_ROLE,
         {"email": "hugo.bernard@alphadist.example", "role": "admin"}, False),
        ("other org demotes", ALICE, verbs.CONFIRM_ROLE,
         {"email": "claire.martin@alphadist.example", "role": "reader"}, False),
        ("unknown role", CLAIRE, verbs.CONFIRM_ROLE,
         {"email": "hugo.bernard@alphadist.example", "role": "owner"}, False),
        ("organization out of scope", ALICE, verbs.SHOW_ORG, {"org": "c-bern-energie"}, False),
        ("own organization's parent", ALICE, verbs.SHOW_ORG, {"org": "d-alpha"}, False),
        ("tampered organization id", ALICE, verbs.SHOW_ORG, {"org": {"$ne": ""}}, False),
        ("list under a foreign parent", ALICE, verbs.LIST_PAGE,
         {"kind": "customer", "offset": 0, "filters": {"parent": "d-alpha"}}, False),
        ("list a page the partner lacks", ALICE, verbs.LIST_PAGE,
         {"kind": "distributor", "offset": 0, "filters": {}}, False),
        ("tampered list offset", ALICE, verbs.LIST_PAGE,
         {"kind": "customer", "offset": "0; DROP TABLE organizations", "filters": {}}, False),
        ("reader pages operators", BRUNO, verbs.OPERATORS_PAGE, {"offset": 0}, False),
        ("reader sends activation", BRUNO, verbs.SEND_ACTIVATION,
         {"org": "c-atelier-marchand"}, False),
        ("activation out of scope", ALICE, verbs.SEND_ACTIVATION, {"org": "c-bern-energie"},
         False),
        ("reader subscribes a channel", BRUNO, verbs.NOTIFY_SUBSCRIBE, {"lead_days": [7]},
         True),
        ("tampered lead days", ALICE, verbs.NOTIFY_SUBSCRIBE, {"lead_days": ["7; --"]}, True),
        ("reader snoozes in a channel", BRUNO, verbs.NOTIFY_SNOOZE,
         {"org": "c-cafe-lumiere", "days": 7}, True),
        ("snooze over 30 days", ALICE, verbs.NOTIFY_SNOOZE,
         {"org": "c-cafe-lumiere", "days": 45}, True),
        ("tampered snooze days", ALICE, verbs.NOTIFY_SNOOZE,
         {"org": "c-cafe-lumiere", "days": "7; --"}, True),
        ("snooze out of scope", ALICE, verbs.NOTIFY_SNOOZE,
         {"org": "c-bern-energie", "days": 7}, False),
        ("tampered report month", CLAIRE, verbs.REPORT_CSV, {"year": 2026, "month": 13}, True),
        ("tampered report year", HUGO, verbs.REPORT_CSV, {"year": "2026; --", "month": 10},
         True),
        ("stranger downloads a report", STRANGER, verbs.REPORT_CSV,
         {"year": 2026, "month": 10}, True),
        ("stranger approves", STRANGER, verbs.APPROVE_REQUEST, {"request": pending}, False),
        ("stranger lists", STRANGER, verbs.LIST_PAGE,
         {"kind": "customer", "offset": 0, "filters": {}}, False),
        ("unknown verb", ALICE, "drop_everything", {"org": "c-bern-energie"}, False),
        ("reader confirms an onboarding", HUGO, verbs.CONFIRM_ACTIVATION,
         {"link": 1, "tenant": "0c1d2e3f-4a5b-4c6d-8e9f-a0b1c2d3e4f5"}, False),
        ("confirms an unknown link", ALICE, verbs.CONFIRM_ACTIVATION,
         {"link": 10**9, "tenant": "0c1d2e3f-4a5b-4c6d-8e9f-a0b1c2d3e4f5"}, False),
        ("tampered tenant", ALICE, verbs.CONFIRM_ACTIVATION,
         {"link": 1, "tenant": "' OR 1=1 --"}, False),
        ("cancels an unknown link", ALICE, verbs.CANCEL_ACTIVATION, {"link": 10**9}, False),
        ("tampered link id", BRUNO, verbs.CANCEL_ACTIVATION, {"link": {"$gt": 0}}, False),
    ]


async def test_every_forged_action_is_refused_unchanged_and_audited(
        client: Any, demo_db: Database) -> None:
    done, pending = await requests(demo_db)
    tried = cases(done, pending)
    forged_verbs = {verb for _why, _who, verb, _data, _ch in tried}
    assert set(VERB_HANDLERS) - {verbs.HELP} <= forged_verbs  # every verb but help
    before = await snapshot(demo_db)
    for why, who, verb, data, channel in tried:
        audited = len(await audit_actions(demo_db))
        body = await invoke(client, who, verb, data, channel)
        assert await snapshot(demo_db) == before, why
        new = (await audit_actions(demo_db))[audited:]
        refused = [(action, target) for action, target, _after in new
                   if action == "action.refused"]
        assert refused == [("action.refused", verb)], why
        # the domain may audit its own refusal too (e.g. operator_request.forbidden)
        assert all(a == "action.refused" or a.endswith((".forbidden", ".refused"))
                   for a, _t, _after in new), (why, new)
        assert "c-bern-energie" not in body or verb != verbs.SHOW_ORG, why
        assert "Bern" not in body, why  # nothing about the target leaks in the refusal


async def test_a_removed_operator_can_no_longer_act(client: Any, demo_db: Database) -> None:
    _done, pending = await requests(demo_db)
    claire = await ScopeService(demo_db.sessions).for_email("claire.martin@alphadist.example")
    assert claire is not None
    await OperatorService(demo_db.sessions).remove(claire, "hugo.bernard@alphadist.example")
    before = await snapshot(demo_db)
    body = await invoke(client, HUGO, verbs.REQUEST_REFRESH, {"request": pending})
    assert await snapshot(demo_db) == before
    assert "claire.martin" not in body
    action, target, after = (await audit_actions(demo_db))[-1]
    assert (action, target) == ("action.refused", verbs.REQUEST_REFRESH)
    assert after is not None and after["reason"] == "not_operator"
