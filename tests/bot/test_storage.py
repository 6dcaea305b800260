"""botbuilder Storage on SQL: dialog state survives a round trip and two instances
writing the same conversation cannot silently overwrite each other."""

from __future__ import annotations

import asyncio

import pytest
from botbuilder.core import ConversationState, TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.dialogs import DialogSet, DialogTurnStatus, TextPrompt, WaterfallDialog
from botbuilder.dialogs.prompts import PromptOptions
from botbuilder.schema import Activity

from bot.teams.storage import SqlStorage
from services.db.engine import Database
from services.state_store import StateConflict, StateStore


async def test_items_round_trip_with_etags(database: Database) -> None:
    storage = SqlStorage(StateStore(database.sessions))
    await storage.write({"k": {"count": 1, "nested": {"a": [1, 2]}}})
    item = (await storage.read(["k"]))["k"]
    assert item["count"] == 1 and item["nested"] == {"a": [1, 2]}
    assert item["e_tag"]
    item["count"] = 2
    await storage.write({"k": item})
    stale = dict(item, e_tag="stale")
    with pytest.raises(StateConflict):
        await storage.write({"k": stale})
    assert (await storage.read(["k"]))["k"]["count"] == 2


async def test_two_instances_same_conversation(database: Database) -> None:
    a = SqlStorage(StateStore(database.sessions))
    b = SqlStorage(StateStore(database.sessions))
    await a.write({"conv": {"turn": 0}})
    read_a = (await a.read(["conv"]))["conv"]
    read_b = (await b.read(["conv"]))["conv"]
    read_a["turn"], read_b["turn"] = 1, 2
    results = await asyncio.gather(a.write({"conv": read_a}), b.write({"conv": read_b}),
                                   return_exceptions=True)
    assert sum(isinstance(r, StateConflict) for r in results) == 1
    assert (await a.read(["conv"]))["conv"]["turn"] in (1, 2)


async def test_a_waterfall_dialog_resumes_from_sql_state(database: Database) -> None:
    """A dialog started on one 'instance' continues on another: state is in the database."""

    def build() -> tuple[ConversationState, DialogSet]:
        state = ConversationState(SqlStorage(StateStore(database.sessions)))
        dialogs = DialogSet(state.create_property("dialog_state"))

        async def ask(step):  # type: ignore[no-untyped-def]
            return await step.prompt("name", PromptOptions(prompt=Activity(
                type="message", text="Your e-mail?")))

        async def done(step):  # type: ignore[no-untyped-def]
            await step.context.send_activity(f"Got {step.result}")
            return await step.end_dialog()

        dialogs.add(TextPrompt("name"))
        dialogs.add(WaterfallDialog("flow", [ask, done]))
        return state, dialogs

    def logic_for(state: ConversationState, dialogs: DialogSet):  # type: ignore[no-untyped-def]
        async def logic(context: TurnContext) -> None:
            dc = await dialogs.create_context(context)
            result = await dc.continue_dialog()
            if result.status == DialogTurnStatus.Empty:
                await dc.begin_dialog("flow")
            await state.save_changes(context)
        return logic

    state1, dialogs1 = build()
    adapter1 = TestAdapter(logic_for(state1, dialogs1))
    await (await adapter1.send("start")).assert_reply("Your e-mail?")

    state2, dialogs2 = build()
    adapter2 = TestAdapter(logic_for(state2, dialogs2))  # same default conversation id
    await (await adapter2.send("jane@contoso.example")).assert_reply(
        "Got jane@contoso.example")
