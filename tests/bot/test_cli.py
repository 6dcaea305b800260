"""The `partnerbot` command line, run as a newcomer would."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from services.db.migrate import head_revision
from tests.conftest import DEMO_FILE
from tests.support import activities as A

COMMANDS = [[], ["serve"], ["db"], ["db", "upgrade"], ["import"], ["export"], ["ask"], ["audit"],
            ["migrate-legacy"],
            ["demo-data"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "partnerbot")
def test_help_on_each_command(command: list[str], capsys: Any) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0
    assert "usage: partnerbot" in capsys.readouterr().out


def test_import_twice_then_export(sqlite_env: Path, tmp_path: Path, capsys: Any) -> None:
    assert main(["import", str(DEMO_FILE)]) == 0
    assert "organizations: 41 created" in capsys.readouterr().out
    assert main(["import", str(DEMO_FILE)]) == 0
    out = capsys.readouterr().out
    assert "organizations: 0 created, 0 updated, 41 unchanged" in out
    assert "operators: 0 created, 0 updated, 15 unchanged" in out
    target = tmp_path / "export.json"
    assert main(["export", str(target)]) == 0
    exported = json.loads(target.read_text("utf-8"))
    original = json.loads(DEMO_FILE.read_text("utf-8"))
    assert {o["id"]: o for o in exported["organizations"]} == {
        o["id"]: o for o in original["organizations"]}


def test_bad_file_is_refused_whole(sqlite_env: Path, tmp_path: Path, capsys: Any) -> None:
    doc = json.loads(DEMO_FILE.read_text("utf-8"))
    doc["subscriptions"][5]["licenses"] = -3
    bad_id = doc["subscriptions"][5]["id"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), "utf-8")
    assert main(["import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "nothing was written" in err and f"subscriptions[{bad_id}].licenses" in err
    assert main(["export", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["organizations"] == []


def test_unreadable_file(sqlite_env: Path, tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{", "utf-8")
    with pytest.raises(SystemExit, match="not valid JSON"):
        main(["import", str(tmp_path / "broken.json")])


def test_bad_setting_names_the_variable(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.setenv("PORT", "eighty")
    assert main(["db", "upgrade"]) == 2
    assert "PORT" in capsys.readouterr().err


def test_db_upgrade(sqlite_env: Path, capsys: Any) -> None:
    assert main(["db", "upgrade"]) == 0
    assert f"revision {head_revision()}" in capsys.readouterr().out
    assert sqlite_env.exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, data: bytes | None = None) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as resp:  # noqa: S310 - 127.0.0.1 only
        return resp.status, resp.read()


def test_serve_demo_answers_over_http(tmp_path: Path) -> None:
    """`partnerbot serve --demo` on a fresh machine: health, and the help card over HTTP."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"BOT_ID", "BOT_PASSWORD"}}
    env.update(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}", PORT=str(port))
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--demo"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                assert _get(f"{base}/healthz")[0] == 200
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise AssertionError("server did not start") from None
                time.sleep(0.2)
        status, body = _get(f"{base}/api/messages", json.dumps(A.message("help")).encode())
        assert status == 200
        cards = A.cards_of(json.loads(body))
        assert "What you can ask" in json.dumps(cards)
    finally:
        proc.terminate()
        output = proc.communicate(timeout=10)[0]
    assert "demo network loaded" in output
    assert "local mode" in output


def test_demo_data_then_import(sqlite_env: Path, tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "big.json"
    assert main(["demo-data", "--customers", "300", "--seed", "7", str(out)]) == 0
    assert "largest distributor" in capsys.readouterr().out
    doc = json.loads(out.read_text("utf-8"))
    assert sum(o["kind"] == "customer" for o in doc["organizations"]) == 300
    assert main(["import", str(out)]) == 0
    assert "organizations: " in capsys.readouterr().out
    assert main(["demo-data", "--customers", "300", "--seed", "7", str(tmp_path / "b.json")]) == 0
    assert (tmp_path / "b.json").read_text("utf-8") == out.read_text("utf-8")


def test_ask_json_and_unknown_operator(sqlite_env: Path, capsys: Any) -> None:
    assert main(["import", str(DEMO_FILE)]) == 0
    capsys.readouterr()
    assert main(["ask", "--as", "alice.durand@contoso.example", "--now", "2026-11-23",
                 "--json", "how many licenses does Café Lumière have"]) == 0
    assert json.loads(capsys.readouterr().out) == {"intent": "org_licenses", "value": 40}
    assert main(["ask", "--as", "nobody@contoso.example", "help"]) == 2
    assert "no active operator" in capsys.readouterr().err


def test_ask_json_says_whether_each_expiry_is_renewed(sqlite_env: Path, capsys: Any) -> None:
    """SPEC section 5: an expiry list's items carry "status" (renewed / at_risk)."""
    assert main(["import", str(DEMO_FILE)]) == 0
    capsys.readouterr()
    assert main(["ask", "--as", "alice.durand@contoso.example", "--now", "2026-11-23",
                 "--json", "which clients expire this month"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert {i["id"]: i["status"] for i in answer["items"]} == {
        "c-cafe-lumiere": "at_risk",  # CV-BACKUP ended on the 5th, not renewed
        "c-transports-moreau": "renewed",  # a renewal booked from the day after
        "c-boulangerie-dupont": "renewed",  # monthly, auto-renewing
    }
    assert main(["ask", "--as", "alice.durand@contoso.example", "--now", "2026-11-23",
                 "--json", "expired customers"]) == 0
    assert all("status" not in i for i in json.loads(capsys.readouterr().out)["items"])


def test_ask_batch(sqlite_env: Path, tmp_path: Path, capsys: Any) -> None:
    assert main(["import", str(DEMO_FILE)]) == 0
    capsys.readouterr()
    batch = tmp_path / "q.jsonl"
    batch.write_text("\n".join(json.dumps(q) for q in [
        {"as": "alice.durand@contoso.example", "now": "2026-11-23", "q": "expired customers"},
        {"as": "bruno.petit@contoso.example", "locale": "fr", "now": "2026-11-23",
         "q": "liste des opérateurs"},
    ]) + "\n", "utf-8")
    assert main(["ask", "--batch", str(batch)]) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert [i["id"] for i in first["items"]] == ["c-greenleaf-bio"]
    assert second["error"] == "forbidden"


def test_local_mode_refuses_a_public_bind(sqlite_env: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: Any) -> None:
    monkeypatch.delenv("BOT_ID", raising=False)
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    assert "ALLOW_PUBLIC_LOCAL_MODE" in capsys.readouterr().err
    monkeypatch.setenv("HOST", "0.0.0.0")
    assert main(["db", "upgrade"]) == 2
    assert "HOST=0.0.0.0" in capsys.readouterr().err


def test_migrate_legacy_twice(sqlite_env: Path, capsys: Any) -> None:
    legacy = Path(__file__).resolve().parents[1] / "fixtures" / "legacy-users.csv"
    assert main(["import", str(DEMO_FILE)]) == 0
    capsys.readouterr()
    assert main(["migrate-legacy", "--dry-run", str(legacy)]) == 0
    assert "dry run, nothing written" in capsys.readouterr().out
    assert main(["migrate-legacy", str(legacy)]) == 0
    out = capsys.readouterr().out
    assert "migrated as admin: 2, as reader: 4, skipped (no Invoice module): 2, " \
           "already present: 1, invalid: 0" in out
    assert main(["migrate-legacy", str(legacy)]) == 0
    assert "migrated as admin: 0, as reader: 0, skipped (no Invoice module): 2, " \
           "already present: 7, invalid: 0" in capsys.readouterr().out


def test_audit_command(sqlite_env: Path, capsys: Any) -> None:
    legacy = Path(__file__).resolve().parents[1] / "fixtures" / "legacy-users.csv"
    assert main(["import", str(DEMO_FILE)]) == 0
    assert main(["migrate-legacy", str(legacy)]) == 0
    capsys.readouterr()
    assert main(["audit", "--org", "p-fabrikam"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and all("org=p-fabrikam" in line for line in lines)
    assert all("action=operator.migrated" in line for line in lines)
    assert main(["audit", "--since", "2999-01-01"]) == 0
    assert capsys.readouterr().out == ""


def test_production_refuses_the_log_mail_transport(sqlite_env: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: Any) -> None:
    """With BOT_ID set, `MAIL_TRANSPORT=log` would write live activation links to the
    log: the bot refuses to start and names the setting."""
    monkeypatch.setenv("BOT_ID", "5a2c0f4e-7d0b-4b8e-9a57-0b6b2f6c1d11")
    monkeypatch.setenv("BOT_PASSWORD", "a-secret")
    monkeypatch.delenv("MAIL_TRANSPORT", raising=False)
    assert main(["serve"]) == 2
    assert "MAIL_TRANSPORT=log" in capsys.readouterr().err
    monkeypatch.setenv("MAIL_TRANSPORT", "log")
    assert main(["db", "upgrade"]) == 2
    assert "MAIL_TRANSPORT" in capsys.readouterr().err
