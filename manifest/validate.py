"""Check a Teams app package (a zip, a folder or a manifest.json) the way the Teams
Developer Portal would, offline: Microsoft's JSON schema for the manifest's version (from
the npm package @microsoft/app-manifest), the icons, the bot's command lists, and the
localization files."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, FormatChecker

from manifest.png import Image, read_png
from manifest.render import PLACEHOLDER, ManifestError

SCHEMAS = Path("node_modules/@microsoft/app-manifest/build/json-schemas/teams")
MANIFEST_SCHEMA = "MicrosoftTeams.schema.json"
LOCALIZATION_SCHEMA = "MicrosoftTeams.Localization.schema.json"
ICON_SIZES = {"color": 192, "outline": 32}
MAX_COMMAND_LISTS, MAX_COMMANDS, MAX_TITLE, MAX_DESCRIPTION = 3, 10, 32, 128


def schema_dir(version: str, search_from: Path | None = None) -> Path:
    """The schema folder of VERSION, in the nearest node_modules (cwd, then upwards)."""
    start = (search_from or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        candidate = folder / SCHEMAS / f"v{version}"
        if (candidate / MANIFEST_SCHEMA).is_file():
            return candidate
    raise ManifestError(f"no Teams manifest schema v{version} found: run `npm install` "
                        "(package.json lists @microsoft/app-manifest)")


class Package:
    """The files of a package, wherever they are."""

    def __init__(self, path: Path) -> None:
        self._files: dict[str, bytes] = {}
        if path.is_file() and path.suffix == ".zip":
            with zipfile.ZipFile(path) as package:
                self._files = {n: package.read(n) for n in package.namelist()}
        elif path.is_dir():
            self._files = {p.name: p.read_bytes() for p in path.iterdir() if p.is_file()}
        elif path.is_file():
            self._files = {p.name: p.read_bytes() for p in path.parent.iterdir()
                           if p.is_file()}
            self._files["manifest.json"] = path.read_bytes()
        else:
            raise ManifestError(f"{path} is not a package, a folder or a manifest")

    def json(self, name: str) -> Any:
        if name not in self._files:
            raise ManifestError(f"the package has no {name}")
        try:
            return json.loads(self._files[name].decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ManifestError(f"{name} is not valid JSON: {exc}") from None

    def image(self, name: str) -> Image:
        if name not in self._files:
            raise ManifestError(f"the package has no {name}")
        return read_png(self._files[name], name)


def _schema_problems(document: Any, schema_path: Path, where: str) -> Iterator[str]:
    schema = json.loads(schema_path.read_text("utf-8"))
    validator = Draft4Validator(schema, format_checker=FormatChecker())
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.path)):
        location = "/".join(str(p) for p in error.path) or "(root)"
        yield f"{where}: {location}: {error.message[:300]}"


def _icon_problems(package: Package, manifest: dict[str, Any]) -> Iterator[str]:
    icons = manifest.get("icons") or {}
    for kind, size in ICON_SIZES.items():
        name = icons.get(kind)
        if not name:
            continue
        try:
            image = package.image(name)
        except (ManifestError, ValueError) as exc:
            yield f"icons.{kind}: {exc}"
            continue
        if (image.width, image.height) != (size, size):
            yield f"icons.{kind}: {name} is {image.width}×{image.height}, must be {size}×{size}"
        if kind == "outline":
            alphas = [px[3] for row in image.pixels for px in row]
            if image.color_type not in (4, 6) or min(alphas) > 0:
                yield f"icons.outline: {name} must have a transparent background"
            if any(px[3] > 0 and px[:3] != (255, 255, 255)
                   for row in image.pixels for px in row):
                yield f"icons.outline: {name} must be white on transparent"
            if max(alphas) == 0:
                yield f"icons.outline: {name} is empty"


def _command_problems(manifest: dict[str, Any]) -> Iterator[str]:
    for b, bot in enumerate(manifest.get("bots") or []):
        lists = bot.get("commandLists") or []
        if len(lists) > MAX_COMMAND_LISTS:
            yield f"bots[{b}].commandLists: {len(lists)} lists, at most {MAX_COMMAND_LISTS}"
        seen: set[str] = set()
        for i, command_list in enumerate(lists):
            scopes = set(command_list.get("scopes") or [])
            if scopes & seen:
                yield f"bots[{b}].commandLists[{i}]: scope(s) {sorted(scopes & seen)} " \
                      "already have a command list"
            seen |= scopes
            if not scopes <= set(bot.get("scopes") or []):
                yield f"bots[{b}].commandLists[{i}]: scopes {sorted(scopes)} are not all " \
                      "bot scopes"
            commands = command_list.get("commands") or []
            if len(commands) > MAX_COMMANDS:
                yield f"bots[{b}].commandLists[{i}]: {len(commands)} commands, at most " \
                      f"{MAX_COMMANDS}"
            titles = [c.get("title", "") for c in commands]
            if len(set(titles)) != len(titles):
                yield f"bots[{b}].commandLists[{i}]: duplicate command titles"
            for j, command in enumerate(commands):
                if not 0 < len(command.get("title", "")) <= MAX_TITLE:
                    yield f"bots[{b}].commandLists[{i}].commands[{j}].title: 1 to " \
                          f"{MAX_TITLE} characters"
                if len(command.get("description", "")) > MAX_DESCRIPTION:
                    yield f"bots[{b}].commandLists[{i}].commands[{j}].description: at " \
                          f"most {MAX_DESCRIPTION} characters"


def _resolve(manifest: Any, key: str) -> bool:
    """Whether a localization key such as bots[0].commandLists[1].commands[2].title
    names something the manifest has."""
    node = manifest
    for part in key.replace("]", "").split("."):
        name, _, index = part.partition("[")
        if not isinstance(node, dict) or name not in node:
            return False
        node = node[name]
        if index:
            if not isinstance(node, list) or int(index) >= len(node):
                return False
            node = node[int(index)]
    return True


def _localization_problems(package: Package, manifest: dict[str, Any],
                           schemas: Path) -> Iterator[str]:
    info = manifest.get("localizationInfo") or {}
    for language in info.get("additionalLanguages") or []:
        name = str(language.get("file", ""))
        try:
            strings = package.json(name)
        except ManifestError as exc:
            yield f"localizationInfo ({language.get('languageTag')}): {exc}"
            continue
        yield from _schema_problems(strings, schemas / LOCALIZATION_SCHEMA, name)
        for key in strings:
            if key != "$schema" and not _resolve(manifest, key):
                yield f"{name}: {key} names nothing in the manifest"
        if any(PLACEHOLDER.search(str(v)) for v in strings.values()):
            yield f"{name}: unresolved placeholder"


def validate(path: Path, search_from: Path | None = None) -> list[str]:
    """Every problem of the package at PATH (empty: valid)."""
    package = Package(path)
    manifest = package.json("manifest.json")
    problems: list[str] = []
    raw = json.dumps(manifest)
    if PLACEHOLDER.search(raw):
        names = sorted({m.group(1) for m in PLACEHOLDER.finditer(raw)})
        problems.append("manifest.json: unresolved placeholder(s) " + ", ".join(names))
    version = str(manifest.get("manifestVersion", ""))
    schemas = schema_dir(version, search_from)
    problems += _schema_problems(manifest, schemas / MANIFEST_SCHEMA, "manifest.json")
    problems += _icon_problems(package, manifest)
    problems += _command_problems(manifest)
    problems += _localization_problems(package, manifest, schemas)
    return problems
