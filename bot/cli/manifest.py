"""`partnerbot manifest build|validate`: the Teams app package."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from manifest.render import ManifestError, build
from manifest.validate import validate


def cmd_manifest(_settings: Any, args: argparse.Namespace) -> int:
    try:
        if args.manifest_command == "build":
            target = build(Path(args.app_dir), Path(args.env_dir), args.env)
            print(f"wrote {target}")  # noqa: T201
            problems = validate(target)
        else:
            problems = validate(Path(args.path))
    except ManifestError as exc:
        print(f"error: {exc}", file=sys.stderr)  # noqa: T201
        return 1
    for problem in problems:
        print(f"invalid: {problem}", file=sys.stderr)  # noqa: T201
    if problems:
        return 1
    print("valid")  # noqa: T201
    return 0


def register(sub: Any) -> None:
    man = sub.add_parser("manifest", help="build and validate the Teams app package",
                         description="The Teams app package (appPackage/).")
    man_sub = man.add_subparsers(dest="manifest_command", required=True, metavar="ACTION")
    b = man_sub.add_parser("build", help="fill the placeholders from env/.env.NAME and zip",
                           description="Render appPackage/ with env/.env.NAME into "
                           "appPackage/build/appPackage.NAME.zip, then validate it.")
    b.add_argument("--env", required=True, metavar="NAME")
    b.add_argument("--app-dir", default="appPackage")
    b.add_argument("--env-dir", default="env")
    b.set_defaults(func=cmd_manifest)
    v = man_sub.add_parser("validate", help="check a package against Microsoft's schema",
                           description="Check a package (zip, folder or manifest.json): "
                           "the JSON schema of its manifestVersion (npm install provides "
                           "it), icon sizes and transparency, command limits, "
                           "localization files.")
    v.add_argument("path", metavar="PATH")
    v.set_defaults(func=cmd_manifest)
