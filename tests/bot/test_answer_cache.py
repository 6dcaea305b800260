"""Cached answers are the answers: a repeated question is not run again, and any change an
answer can show (an import on another instance, an invitation) is seen by the next turn;
an answer cached for one operator is never given to someone who may see less."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

from bot.services import BotServices
from bot.settings import load_settings
from bot.teams.handler import PartnerBot
from bot.teams.inprocess import InProcessAdapter, ask, message_activity
from cards.download import export_url_of, with_export_url
from services.accounts import AccountVerifier
from services.activation import ActivationService
from services.db.engine import Database
from services.mail import MailConfig, create_mailer
from services.network.importer import NetworkImporter
from services.scope import ScopeService
from tests.conftest import demo_document
from tests.support.fake_login import FakeLogin

TODAY = dt.date(2026, 11, 23)
CLAIRE = ("9888c69f-850f-5e5b-acd2-c8fdf8762ab4", "d752334c-2297-5126-a591-b69bc422f0d5")
HUGO = ("15addb6b-29fd-58b2-be2d-d4caae6215f8", "d752334c-2297-5126-a591-b69bc422f0d5")
ALICE = ("634cd7e1-1cfd-591b-bd2f-417196023cf5", "4ebb284a-b03c-52a7-8795-819416500e20")


@pytest.fixture
def services(demo_db: Database) -> BotServices:
    return BotServices.create(load_settings(DATABASE_URL=demo_db.url, BOT_ID=""), demo_db)


async def question(bot: PartnerBot, who: tuple[str, str], text: str) -> Any:
    reply = await ask(bot, InProcessAdapter(), message_activity(*who, text, "en-US", TODAY),
                      full_answer=False)
    assert reply is not None
    return reply


def names(reply: Any) -> set[str]:
    return {item["name"] for item in reply.answer["items"]}


async def test_a_repeated_question_is_cached_until_another_instance_imports(
        services: BotServices, demo_db: Database) -> None:
    bot = PartnerBot(services)
    first = await question(bot, CLAIRE, "which clients expire this month")
    again = await question(bot, CLAIRE, "which  clients expire this month")
    assert services.answers.hits == 1
    # the same card, but each asker gets a link of their own (single use)
    assert export_url_of(again.card) != export_url_of(first.card)
    assert with_export_url(again.card, "-") == with_export_url(first.card, "-")
    assert "Boulangerie Dupont" in names(first)

    # Another instance (its own importer) renews Boulangerie Dupont's licence.
    doc = demo_document()
    for sub in doc["subscriptions"]:
        if sub["id"] == "sub-001":
            sub["expires_on"] = "2027-11-30"
    assert (await NetworkImporter(demo_db.sessions).import_document(doc)).changed

    after = await question(bot, CLAIRE, "which clients expire this month")
    assert services.answers.hits == 1
    assert "Boulangerie Dupont" not in names(after)
    assert after.answer["total"] == first.answer["total"] - 1


async def test_a_cached_answer_never_reaches_someone_who_may_see_less(
        services: BotServices) -> None:
    bot = PartnerBot(services)
    admin = await question(bot, CLAIRE, "when does Atelier Marchand expire")
    reader = await question(bot, HUGO, "when does Atelier Marchand expire")
    assert services.answers.hits == 0
    assert "send_activation" in json.dumps(admin.card)
    assert "send_activation" not in json.dumps(reader.card)

    distributor = await question(bot, CLAIRE, "which clients expire this month")
    partner = await question(bot, ALICE, "which clients expire this month")
    assert services.answers.hits == 0
    assert names(partner) < names(distributor)
    contoso = {o["name"] for o in demo_document()["organizations"]
               if o.get("parent") == "p-contoso"}
    assert names(partner) <= contoso


@pytest.fixture
def login() -> Iterator[FakeLogin]:
    with FakeLogin() as fake:
        fake.realms["ateliermarchand.fr"] = "Managed"
        yield fake


async def test_an_invitation_shows_in_the_next_answer(
        services: BotServices, demo_db: Database, login: FakeLogin) -> None:
    activation = ActivationService(demo_db.sessions, create_mailer(MailConfig()),
                                   AccountVerifier(login.base_url, login.session()),
                                   services.activation._policy)
    bot = PartnerBot(dataclasses.replace(services, activation=activation))
    before = await question(bot, ALICE, "customers waiting for activation")
    assert "Atelier Marchand" not in names(before)
    alice = await ScopeService(demo_db.sessions).for_email("alice.durand@contoso.example")
    assert alice is not None
    await activation.send(alice, "marie@ateliermarchand.fr", "en",
                          organization_id="c-atelier-marchand")
    after = await question(bot, ALICE, "customers waiting for activation")
    assert "Atelier Marchand" in names(after)
    assert services.answers.hits == 0
