"""The Teams app package: built from appPackage/ and env/.env.local, validated against
Microsoft's schema (npm @microsoft/app-manifest), icons, commands, localization."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from manifest.icons import ACCENT, draw
from manifest.png import read_png, write_png
from manifest.render import ManifestError, build, fill, read_env
from manifest.validate import SCHEMAS, validate

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not (ROOT / SCHEMAS).is_dir(),
                                reason="Teams manifest schemas missing: run `npm install`")


@pytest.fixture
def app(tmp_path: Path) -> Path:
    """A copy of the app sources and env/, to break on purpose."""
    shutil.copytree(ROOT / "appPackage", tmp_path / "appPackage",
                    ignore=shutil.ignore_patterns("build"))
    shutil.copytree(ROOT / "env", tmp_path / "env")
    return tmp_path


def _edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text("utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")


def _problems(app: Path) -> list[str]:
    return validate(build(app / "appPackage", app / "env", "local"), search_from=ROOT)


def test_the_local_package_builds_and_is_valid(app: Path) -> None:
    target = build(app / "appPackage", app / "env", "local")
    assert target == app / "appPackage" / "build" / "appPackage.local.zip"
    assert validate(target, search_from=ROOT) == []
    with zipfile.ZipFile(target) as package:
        manifest = json.loads(package.read("manifest.json"))
        french = json.loads(package.read("fr.json"))
    assert manifest["manifestVersion"] >= "1.22"
    assert manifest["bots"][0]["scopes"] == ["personal", "team", "groupChat"]
    assert manifest["webApplicationInfo"] == {
        "id": manifest["bots"][0]["botId"],
        "resource": f"api://botid-{manifest['bots'][0]['botId']}"}
    assert manifest["name"]["short"] == "Partner App (local)"
    assert french["name.short"] == "Partner App (local)"
    assert french["bots[0].commandLists[0].commands[1].title"] == \
        "quels clients expirent ce mois-ci"


def test_the_cli_builds_and_validates(app: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: Any) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["manifest", "build", "--env", "local", "--app-dir",
                 str(app / "appPackage"), "--env-dir", str(app / "env")]) == 0
    assert "valid" in capsys.readouterr().out
    assert main(["manifest", "validate", str(app / "appPackage/build/appPackage.local.zip")]) == 0


def test_an_unresolved_placeholder_is_named(app: Path) -> None:
    env = app / "env" / ".env.local"
    env.write_text("\n".join(line for line in env.read_text("utf-8").splitlines()
                             if not line.startswith("BOT_DOMAIN")), "utf-8")
    with pytest.raises(ManifestError, match=r"\$\{\{BOT_DOMAIN\}\}"):
        build(app / "appPackage", app / "env", "local")
    with pytest.raises(ManifestError, match="does not exist"):
        build(app / "appPackage", app / "env", "prod")


def test_env_files_and_placeholders() -> None:
    assert fill('"${{A}}-${{ B }}"', {"A": 'x"y', "B": "z"}, "t") == '"x\\"y-z"'
    values = read_env(ROOT / "env" / ".env.local")
    assert values["APP_NAME_SUFFIX"] == " (local)"


def test_schema_errors_are_reported(app: Path) -> None:
    _edit(app / "appPackage" / "manifest.json",
          lambda m: m["bots"][0].update(scopes=["personal", "everywhere"]))
    problems = _problems(app)
    assert any("bots/0/scopes" in p for p in problems), problems


def test_icons_are_checked(app: Path) -> None:
    write_png(app / "appPackage" / "color.png", draw(96, ACCENT))
    write_png(app / "appPackage" / "outline.png", draw(32, (0, 0, 0)))
    problems = _problems(app)
    assert any("icons.color" in p and "must be 192×192" in p for p in problems)
    assert any("transparent background" in p for p in problems)
    assert any("white on transparent" in p for p in problems)


def test_command_limits(app: Path) -> None:
    def crowd(m: dict[str, Any]) -> None:
        commands = m["bots"][0]["commandLists"][0]["commands"]
        commands.append({"title": "a title far longer than thirty-two characters",
                         "description": "x"})
        m["bots"][0]["commandLists"].append({"scopes": ["personal"], "commands": []})

    _edit(app / "appPackage" / "manifest.json", crowd)
    problems = " ".join(_problems(app))
    assert "commandLists" in problems and "already have a command list" in problems
    assert "11 commands" in problems or "maxItems" in problems or "is too long" in problems


def test_localization_keys_must_exist(app: Path) -> None:
    _edit(app / "appPackage" / "fr.json",
          lambda f: f.update({"bots[0].commandLists[2].commands[9].title": "fantôme"}))
    problems = _problems(app)
    assert any("names nothing in the manifest" in p for p in problems), problems


def test_shipped_icons() -> None:
    color = read_png((ROOT / "appPackage" / "color.png").read_bytes())
    outline = read_png((ROOT / "appPackage" / "outline.png").read_bytes())
    assert (color.width, outline.width) == (192, 32)
    assert all(px[3] == 255 for row in color.pixels for px in row)
