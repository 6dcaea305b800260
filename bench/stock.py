"""Is bench/echo_bot.py Microsoft's stock botbuilder? Run in a process of its own (as the
echo bot runs): it imports the echo bot's module, then checks that no module of this
project was imported (so bot/teams/patches.py never ran), that msrest's and botbuilder's
functions the project patches are the packages' own, and that every installed file of
the botbuilder, botframework and msrest distributions matches its wheel's RECORD hash.
Prints one JSON object.

    python -m bench.stock
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata as metadata
import json
import sys

DISTRIBUTIONS = ("botbuilder-core", "botbuilder-integration-aiohttp", "botbuilder-schema",
                 "botframework-connector", "botframework-streaming", "msrest")
PROJECT = ("bot", "services", "cards", "dialogs", "manifest")


def main() -> int:
    from msrest.universal_http.requests import ClientRetryPolicy

    import bench.echo_bot  # noqa: F401 - what the echo bot process imports

    imported = sorted(m for m in sys.modules if m.split(".")[0] in PROJECT)
    own = ClientRetryPolicy.__init__.__code__.co_filename
    checked, changed = 0, []
    versions = {}
    for name in DISTRIBUTIONS:
        dist = metadata.distribution(name)
        versions[name] = dist.version
        for file in dist.files or []:
            if file.hash is None or file.hash.mode != "sha256":
                continue
            data = file.locate().read_bytes()
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            checked += 1
            if digest.decode() != file.hash.value:
                changed.append(str(file))
    stock = not imported and not changed and "/msrest/" in own
    print(json.dumps({"stock": stock, "versions": versions, "files_checked": checked,  # noqa: T201
                      "files_changed": changed, "project_modules": imported[:10],
                      "retry_policy_from": own}))
    return 0 if stock else 1


if __name__ == "__main__":
    raise SystemExit(main())
