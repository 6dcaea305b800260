"""The search message extension's cards (cards/search.py) in both languages, and the
manifest's command that Teams sends to the bot."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from bot.handlers.search import FIND_CUSTOMER, FIND_IN_MESSAGE
from cards.search import extension_message, search_results
from services.directory.views import OrgRow
from services.i18n import Messages

TODAY = dt.date(2026, 11, 23)
APP = Path(__file__).resolve().parents[2] / "appPackage"
ROW = OrgRow(id="c-x", name="Café <b>Lumière</b>", kind="customer", parent_name="Contoso",
             licenses=1250, expiry=dt.date(2026, 12, 4), skus=("CS-ENT",),
             onboarding="invited", match_date=dt.date(2026, 12, 4), renewal="at_risk")


def test_a_result_previews_and_inserts_the_organization_in_both_languages() -> None:
    for language, words in (("en", ("1,250 licenses", "expires Dec 4, 2026", "At risk")),
                            ("fr", ("1\u202f250 licences", "expire le 4 déc. 2026",
                                    "À risque"))):
        result = search_results([ROW], {"CS-ENT": "CoreSuite Enterprise"},
                                Messages(language), TODAY)
        (attachment,) = result["attachments"]
        preview = attachment["preview"]["content"]
        assert preview["title"] == "Café &lt;b&gt;Lumière&lt;/b&gt;"  # no markup from data
        for word in words:
            assert word in preview["text"], (language, preview["text"])
        card = json.dumps(attachment["content"], ensure_ascii=False)
        assert "CoreSuite Enterprise" in card and words[2] in card
        assert attachment["content"]["actions"][0]["data"] == {"verb": "show_org",
                                                               "org": "c-x"}


def test_the_renewal_is_said_only_for_an_expiry_in_the_next_90_days() -> None:
    later = OrgRow(**{**ROW.__dict__, "match_date": None, "renewal": "renewed"})
    result = search_results([later], {}, Messages("en"), TODAY)
    assert "Renewed" not in json.dumps(result) and "At risk" not in json.dumps(result)


def test_a_message_answer() -> None:
    assert extension_message("composeExtension/query", "none") == {
        "composeExtension": {"type": "message", "text": "none"}}
    assert extension_message("composeExtension/fetchTask", "none") == {
        "task": {"type": "message", "value": "none"}}


def test_the_manifest_declares_the_command_in_both_languages() -> None:
    manifest = json.loads((APP / "manifest.json").read_text("utf-8"))
    french = json.loads((APP / "fr.json").read_text("utf-8"))
    command, in_message = manifest["composeExtensions"][0]["commands"]
    assert command["id"] == FIND_CUSTOMER and command["type"] == "query"
    assert command["title"] == "Find a customer" and command["initialRun"] is True
    assert command["context"] == ["compose", "commandBox"]
    assert [p["name"] for p in command["parameters"]] == ["query"]
    assert in_message["id"] == FIND_IN_MESSAGE and in_message["type"] == "action"
    assert in_message["context"] == ["message"] and in_message["fetchTask"] is True
    for n in (0, 1):
        assert french[f"composeExtensions[0].commands[{n}].title"] == "Trouver un client"
