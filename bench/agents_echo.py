"""A second reference: an echo bot on the Microsoft 365 Agents SDK (aiohttp hosting), in
the shape of Microsoft's Python quickstart sample (`AgentApplication` with a
`MemoryStorage`, `MsalConnectionManager` configured from the environment, `CloudAdapter`,
`jwt_authorization_middleware`, `start_agent_process`). No client id is configured, so
it runs anonymously, like the Partner App bot in local mode; replies are POSTed to the
activity's serviceUrl, or returned in the response for expectReplies.

It runs in the benchmark's own virtual environment (bench/.work/agents-venv, made by
`bench.agents_venv`), never in the project's: it imports nothing of this project.

    bench/.work/agents-venv/bin/python bench/agents_echo.py PORT
"""

from __future__ import annotations

import sys
from os import environ

from aiohttp.web import Application, Request, Response, run_app
from microsoft_agents.activity import load_configuration_from_env
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.aiohttp import (
    CloudAdapter,
    jwt_authorization_middleware,
    start_agent_process,
)
from microsoft_agents.hosting.core import (
    AgentApplication,
    Authorization,
    MemoryStorage,
    TurnContext,
    TurnState,
)

agents_sdk_config = load_configuration_from_env(environ)

STORAGE = MemoryStorage()
CONNECTION_MANAGER = MsalConnectionManager(**agents_sdk_config)
ADAPTER = CloudAdapter(connection_manager=CONNECTION_MANAGER)
AUTHORIZATION = Authorization(STORAGE, CONNECTION_MANAGER, **agents_sdk_config)
AGENT_APP = AgentApplication[TurnState](
    storage=STORAGE, adapter=ADAPTER, authorization=AUTHORIZATION, **agents_sdk_config)


@AGENT_APP.activity("message")
async def on_message(context: TurnContext, _state: TurnState) -> None:
    await context.send_activity(f"Echo: {context.activity.text}")


def main(port: int) -> None:
    async def entry_point(request: Request) -> Response:
        app = request.app
        return await start_agent_process(request, app["agent_app"], app["adapter"])

    async def readiness(_request: Request) -> Response:
        return Response(text="OK", status=200)

    app = Application(middlewares=[jwt_authorization_middleware])
    app.router.add_post("/api/messages", entry_point)
    app.router.add_get("/readyz", readiness)
    app["agent_configuration"] = CONNECTION_MANAGER.get_default_connection_configuration()
    app["agent_app"] = AGENT_APP
    app["adapter"] = ADAPTER
    run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


if __name__ == "__main__":
    main(int(sys.argv[1]))
