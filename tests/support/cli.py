"""`partnerbot` (python -m bot.cli) in a process of its own, as an operator runs it."""

from __future__ import annotations

import asyncio
import os
import sys


async def run_cli(database_url: str, *args: str) -> tuple[int, str]:
    """Run the command line with ARGS on DATABASE_URL (local mode, no scheduler): its
    exit code and its output (stdout and stderr together)."""
    env = {k: v for k, v in os.environ.items() if k not in {"BOT_ID", "BOT_PASSWORD"}}
    env.update(DATABASE_URL=database_url, NOTIFY_SCHEDULER="off")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", *args, env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT)
    out, _ = await proc.communicate()
    return int(proc.returncode or 0), out.decode()
