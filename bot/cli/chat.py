"""`partnerbot chat`: the bot on the demo network and Microsoft's Agents Playground (the
Teams client emulator) together, for a newcomer's first chat. Stops both on Ctrl+C.

`--as EMAIL` chats as that demo operator: the Playground gets a configuration of its own
(bot/cli/playground_config.py) in a temporary folder; `.m365agentsplayground.yml` is
left as it is."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from bot.cli.common import EXIT_USAGE, demo_network, err
from bot.cli.playground_config import (
    CONFIG_ENV,
    CONFIG_NAME,
    UnknownDemoOperator,
    config_as,
    find_user,
)
from bot.cli.serve import cmd_serve
from bot.settings import Settings

PLAYGROUND = Path("node_modules") / "@microsoft" / "m365agentsplayground" / "cli.js"


def cmd_chat(settings: Settings, args: argparse.Namespace) -> int:
    who = f"(users and channels: {CONFIG_NAME})"
    if args.as_email:
        try:
            who = "as " + find_user(demo_network(), args.as_email).label
        except UnknownDemoOperator as exc:
            err(f"{exc.email} is not an operator of the demo network. Demo operators:\n  "
                + "\n  ".join(exc.known))
            return EXIT_USAGE
    if shutil.which("node") is None or not PLAYGROUND.is_file():
        err("The Agents Playground is missing: run `npm install` in the project folder "
            "(Node.js 18 or newer).")
        return EXIT_USAGE
    if not settings.local_mode:
        err("partnerbot chat runs in local mode: unset BOT_ID.")
        return EXIT_USAGE
    if args.as_email and not Path(CONFIG_NAME).is_file():
        err(f"{CONFIG_NAME} is missing: run partnerbot chat in the project folder.")
        return EXIT_USAGE
    env = {**os.environ, "TEAMSAPPTESTER_BROWSER": "none",
           "APPLICATION_INSIGHTS_NO_STATSBEAT": "true"}
    with tempfile.TemporaryDirectory(prefix="partnerbot-playground-") as folder:
        if args.as_email:
            config = Path(folder) / CONFIG_NAME
            config.write_text(config_as(Path(CONFIG_NAME).read_text("utf-8"), demo_network(),
                                        args.as_email), "utf-8")
            env[CONFIG_ENV] = str(config)
        return _run(settings, args, env, who)


def _run(settings: Settings, args: argparse.Namespace, env: dict[str, str], who: str) -> int:
    playground = subprocess.Popen(
        ["node", str(PLAYGROUND), "-e", f"http://127.0.0.1:{settings.port}/api/messages",
         "-c", "msteams", "-p", str(args.playground_port), "--disable-telemetry"], env=env)
    print(f"Agents Playground: open http://127.0.0.1:{args.playground_port} {who}",  # noqa: T201
          flush=True)
    try:
        return cmd_serve(settings, argparse.Namespace(host=None, port=None, workers=None,
                                                      demo=True, demo_date=args.demo_date))
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
    chat.add_argument("--as", dest="as_email", metavar="EMAIL",
                      help="chat as this demo operator (default: Alice Durand, partner admin "
                      "of Contoso Partners); an unknown e-mail lists the demo operators")
    chat.add_argument("--demo-date", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                      help="the day the demo's dates are moved to (default: today)")
    chat.set_defaults(func=cmd_chat)
