"""Fill the `${{NAME}}` placeholders of the Teams app sources from `env/.env.NAME`
(Teams Toolkit's layout) and zip the package."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

PLACEHOLDER = re.compile(r"\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


class ManifestError(Exception):
    """The package cannot be built or is not valid; the message says what and where."""


def read_env(path: Path) -> dict[str, str]:
    """KEY=VALUE lines; # comments; values may be quoted (to keep spaces)."""
    if not path.is_file():
        raise ManifestError(f"{path} does not exist (Teams Toolkit layout: env/.env.NAME)")
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key.strip()):
            raise ManifestError(f"{path}:{number}: expected KEY=VALUE")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def fill(text: str, values: dict[str, str], where: str) -> str:
    """TEXT with every placeholder replaced; an unknown one is an error naming it."""
    missing = sorted({m.group(1) for m in PLACEHOLDER.finditer(text)
                      if m.group(1) not in values})
    if missing:
        raise ManifestError(f"{where}: unresolved placeholder(s) "
                            + ", ".join(f"${{{{{name}}}}}" for name in missing))
    return PLACEHOLDER.sub(lambda m: json.dumps(values[m.group(1)])[1:-1], text)


def package_files(app_dir: Path, manifest: dict[str, Any]) -> list[str]:
    """The files the manifest names: icons and localization files."""
    icons = manifest.get("icons") or {}
    files = [str(icons.get("color", "")), str(icons.get("outline", ""))]
    for language in (manifest.get("localizationInfo") or {}).get("additionalLanguages", []):
        files.append(str(language.get("file", "")))
    return [f for f in files if f]


def build(app_dir: Path, env_dir: Path, env: str) -> Path:
    """Render APP_DIR with env/.env.ENV into APP_DIR/build/appPackage.ENV.zip."""
    values = read_env(env_dir / f".env.{env}")
    source = app_dir / "manifest.json"
    rendered = fill(source.read_text("utf-8"), values, str(source))
    manifest = json.loads(rendered)
    out_dir = app_dir / "build"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"manifest.{env}.json").write_text(rendered, "utf-8")
    target = out_dir / f"appPackage.{env}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", rendered)
        for name in package_files(app_dir, manifest):
            path = app_dir / name
            if not path.is_file():
                raise ManifestError(f"manifest.json names {name}, which is not in {app_dir}")
            if path.suffix == ".json":
                package.writestr(name, fill(path.read_text("utf-8"), values, str(path)))
            else:
                package.write(path, name)
    return target
