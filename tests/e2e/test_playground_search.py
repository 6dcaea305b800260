"""The search message extension ("Find a customer") through Microsoft's Agents
Playground: a partner finds only her own customers (typos tolerated, an empty query by
next expiry), and a chosen result posts that customer's card into the conversation,
whose Details button answers from the clicker's own scope."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.playground import Playground, card_text, missing_reason

pytestmark = [pytest.mark.playground,
              pytest.mark.skipif(missing_reason() is not None, reason=str(missing_reason()))]

DEMO = json.loads((Path(__file__).resolve().parents[2] / "bot" / "demo" /
                   "partner-demo.json").read_text("utf-8"))
CONTOSO = {o["name"] for o in DEMO["organizations"] if o["parent"] == "p-contoso"}
CHAT = "personal-chat-alice"



def _titles(result: dict[str, Any]) -> list[str]:
    return [a["preview"]["content"]["title"] for a in result.get("attachments", [])]


async def test_a_partner_finds_only_her_own_customers(playground: Playground) -> None:
    soonest = await playground.search(CHAT, "")  # the command's initial run
    assert soonest["type"] == "result" and soonest["attachmentLayout"] == "list"
    titles = _titles(soonest)
    assert titles and len(titles) <= 25 and set(titles) <= CONTOSO, titles

    found = await playground.search(CHAT, "boulangery dupon")  # typos
    assert _titles(found)[0] == "Boulangerie Dupont"
    first = found["attachments"][0]
    assert first["preview"]["contentType"] == "application/vnd.microsoft.card.thumbnail"
    assert "licenses" in first["preview"]["content"]["text"]
    assert first["content"]["type"] == "AdaptiveCard"

    for stranger in ("Brasserie Vanderberg", "vanderberg.example", "c-zurich-uhren"):
        answer = await playground.search(CHAT, stranger)  # Fabrikam's and Litware's
        assert answer["type"] == "message" and "attachments" not in answer, answer
        assert "None of your organizations" in answer["text"]


async def test_an_unknown_command_changes_nothing(playground: Playground) -> None:
    answer = await playground.search(CHAT, "boulangerie", command="deleteEverything")
    assert answer == {"type": "message",
                      "text": 'This button is no longer valid. Type "help" to start again.'}


async def test_a_chosen_result_posts_its_card(playground: Playground) -> None:
    found = await playground.search(CHAT, "greenleaf")
    card = found["attachments"][0]["content"]
    message_id = await playground.post_card(CHAT, card)
    # The Playground takes a click only on a message of that conversation: the card is
    # there, as Teams posts a chosen result; its Details button is answered from Alice's
    # own scope.
    details = next(a for a in card["actions"] if a["verb"] == "show_org")
    response = await playground.invoke(CHAT, message_id, "show_org", details["data"])
    assert response["value"]["type"] == "AdaptiveCard", response
    shown = json.dumps(response["value"], ensure_ascii=False)
    assert "Greenleaf Bio" in shown and "Subscriptions" in shown
    # The shared card is not a question: the bot's next message answers "help".
    await playground.say(CHAT, "help")
    await playground.wait_for(lambda e: "What you can ask" in card_text(e))
    assert not [e for e in playground.events if "I didn't understand" in card_text(e)]


def _message_action(html: str) -> dict[str, Any]:
    return {"commandId": "findCustomerInMessage", "commandContext": "message",
            "messagePayload": {"id": "1", "body": {"contentType": "html", "content": html}}}


async def test_a_messages_menu_finds_the_customers_it_names(playground: Playground) -> None:
    """A message's "…" menu: Alice's customers that the message names (not Fabrikam's),
    each shared by its button, whose data is checked against her scope."""
    html = ("<p>Can someone check <b>Boulangerie Dupont</b> and Brasserie Vanderberg "
            "before Friday? Also Hôtel Belle Epoque.</p>")
    task = (await playground.extension(CHAT, "composeExtension/fetchTask",
                                       _message_action(html)))["task"]
    assert task["type"] == "continue"
    lookup = task["value"]["card"]["content"]
    shown = json.dumps(lookup, ensure_ascii=False)
    assert "Boulangerie Dupont" in shown and "Hôtel Belle Époque" in shown
    assert "Vanderberg" not in shown  # Fabrikam's customer
    shares = [a["data"] for block in lookup["body"] if block["type"] == "Container"
              for item in block["items"] if item["type"] == "ActionSet"
              for a in item["actions"]]
    assert {d["org"] for d in shares} == {"c-boulangerie-dupont", "c-hotel-belle-epoque"}

    chosen = await playground.extension(CHAT, "composeExtension/submitAction", {
        "commandId": "findCustomerInMessage", "commandContext": "message",
        "data": {"org": "c-boulangerie-dupont"}})
    (attachment,) = chosen["composeExtension"]["attachments"]
    assert attachment["content"]["body"][0]["text"] == "Boulangerie Dupont"

    forged = await playground.extension(CHAT, "composeExtension/submitAction", {
        "commandId": "findCustomerInMessage", "data": {"org": "c-brasserie-vanderberg"}})
    assert forged["composeExtension"]["type"] == "message"
    assert "Vanderberg" not in json.dumps(forged)

    nothing = await playground.extension(CHAT, "composeExtension/fetchTask",
                                         _message_action("<p>lunch at noon?</p>"))
    assert nothing == {"task": {"type": "message",
                                "value": "This message names none of your organizations."}}
