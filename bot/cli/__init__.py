"""The `partnerbot` command line: one parser, on which each command group (a module of
this package) registers its sub-commands."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from bot.cli import activation, ask, chat, data, manifest, notify, serve
from bot.cli.common import EXIT_USAGE, err
from bot.settings import SettingsError, load_settings

GROUPS = (serve, data, ask, activation, notify, manifest, chat)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="partnerbot", description="Partner App bot for Microsoft Teams.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in GROUPS:
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        err(str(exc))
        return EXIT_USAGE
    return int(args.func(settings, args) or 0)
