"""The floor of the framework: Microsoft's echo bot sample on the same stack (aiohttp,
botbuilder 4.17.1's CloudAdapter, no authentication as in local mode), stock: it imports
nothing of this project, so none of its patches to botbuilder and msrest
(bot/teams/patches.py) apply (`python -m bench.stock` checks that, and that the installed
packages are their wheels' files). A message is handled by the sample's own
`adapter.process(request, bot)`, which POSTs the reply to the activity's serviceUrl. The
only change from the sample: an expectReplies turn's response body is written here,
because `CloudAdapter.process` answers 500 to every expectReplies turn in 4.17.1 (it
serializes the already-serialized body).

    python -m bench.echo_bot PORT
"""

from __future__ import annotations

import json
import sys

from aiohttp import web
from botbuilder.core import ActivityHandler, MessageFactory, TurnContext
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import Activity, DeliveryModes


class Config:
    APP_ID = ""
    APP_PASSWORD = ""
    APP_TYPE = "MultiTenant"
    APP_TENANTID = ""


class EchoBot(ActivityHandler):
    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await turn_context.send_activity(
            MessageFactory.text(f"Echo: {turn_context.activity.text}"))


def main(port: int) -> None:
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(Config()))
    bot = EchoBot()

    async def messages(request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        if body.get("deliveryMode") != DeliveryModes.expect_replies:
            return await adapter.process(request, bot)  # the sample, as it is
        activity = Activity().deserialize(body)
        response = await adapter.process_activity("", activity, bot.on_turn)
        if response is None or response.body is None:
            return web.Response(status=201)
        payload = response.body.serialize() if hasattr(response.body, "serialize") \
            else response.body
        return web.json_response(payload, status=response.status)

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/readyz", healthz)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


if __name__ == "__main__":
    main(int(sys.argv[1]))
