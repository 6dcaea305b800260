"""`partnerbot chat`: the bot on the demo network and Microsoft's Agents Playground (the
Teams client emulator) together, for a newcomer's first chat. Stops both on Ctrl+C."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from bot.cli.serve import cmd_serve
from bot.settings import Settings

PLAYGROUND = Path("node_modules") / "@microsoft" / "m365agentsplayground" / "cli.js"


def cmd_chat(settings: Settings, args: argparse.Namespace) -> int:

    if shutil.which("node") is None or not PLAYGROUND.is_file():
        print("The Agents Playground is missing: run `npm install` in the project folder "
              "(Node.js 18 or newer).", file=sys.stderr)  # noqa: T201
        return 2
    if not settings.local_mode:
        print("partnerbot chat runs in local mode: unset BOT_ID.", file=sys.stderr)  # noqa: T201
        return 2
    env = {**os.environ, "TEAMSAPPTESTER_BROWSER": "none",
           "APPLICATION_INSIGHTS_NO_STATSBEAT": "true"}
    playground = subprocess.Popen(
        ["node", str(PLAYGROUND), "-e", f"http://127.0.0.1:{settings.port}/api/messages",
         "-c", "msteams", "-p", str(args.playground_port), "--disable-telemetry"], env=env)
    print(f"Agents Playground: open http://127.0.0.1:{args.playground_port} "  # noqa: T201
          "(users and channels: .m365agentsplayground.yml)", flush=True)
    try:
        return cmd_serve(settings, argparse.Namespace(host=None, port=None, demo=True))
    finally:
        playground.terminate()
        try:
            playground.wait(timeout=10)
        except subprocess.TimeoutExpired:
            playground.kill()


def register(sub: Any) -> None:
    chat = sub.add_parser("chat", help="the bot on demo data with the Agents Playground",
                          description="Run the bot on the demo network and Microsoft's "
                          "Agents Playground (Teams client emulator) pointed at it; open "
                          "the printed URL to chat as a demo operator.")
    chat.add_argument("--playground-port", type=int, default=56150, metavar="PORT")
    chat.set_defaults(func=cmd_chat)
