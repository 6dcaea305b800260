"""`partnerbot activation send|list`: the same service as the Teams dialog, for scripts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from tests.conftest import DEMO_FILE
from tests.support.fake_login import FakeLogin
from tests.support.smtp_server import SmtpServer

ALICE = "alice.durand@contoso.example"  # admin, Contoso Partners
BRUNO = "bruno.petit@contoso.example"  # reader, Contoso Partners


@pytest.mark.parametrize("command", [["activation"], ["activation", "send"],
                                     ["activation", "list"]], ids=" ".join)
def test_help(command: list[str], capsys: Any) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0
    assert "usage: partnerbot activation" in capsys.readouterr().out


@pytest.fixture
def smtp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> Iterator[SmtpServer]:
    with SmtpServer() as server, FakeLogin() as login:
        login.realms["ateliermarchand.fr"] = "Managed"
        for name, value in {
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}",
            "MAIL_TRANSPORT": "smtp", "MAIL_SENDER": "partners@vendor.example",
            "SMTP_HOST": server.host, "SMTP_PORT": str(server.port), "SMTP_STARTTLS": "false",
            "PUBLIC_BASE_URL": "https://bot.example", "LOGIN_BASE_URL": login.base_url,
            "REQUESTS_CA_BUNDLE": str(login.cert), "BOT_ID": "",
        }.items():
            monkeypatch.setenv(name, value)
        monkeypatch.chdir(tmp_path)
        assert main(["import", str(DEMO_FILE)]) == 0
        capsys.readouterr()
        yield server


def _send(*extra: str, sender: str = ALICE, org: str = "c-atelier-marchand") -> int:
    return main(["activation", "send", "--as", sender, "--org", org,
                 "--to", "marie@ateliermarchand.fr", *extra])


def test_send_then_list_without_the_token(smtp: SmtpServer, capsys: Any) -> None:
    assert _send("--locale", "fr") == 0
    assert "Activation link for Atelier Marchand sent to marie@ateliermarchand.fr" in \
        capsys.readouterr().out
    mail = smtp.messages[-1]
    assert mail["Subject"] == "Activez la Partner App pour Atelier Marchand"
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    token = re.search(r"https://bot\.example/activate/([A-Za-z0-9_-]{43})", body)
    assert token is not None
    assert main(["activation", "list", "--org", "c-atelier-marchand"]) == 0
    listed = capsys.readouterr().out
    assert "org=c-atelier-marchand" in listed and "state=sent" in listed
    assert f"by={ALICE}" in listed and "lang=fr" in listed
    assert token.group(1) not in listed
    # A second link revokes the first.
    assert _send() == 0
    capsys.readouterr()
    assert main(["activation", "list"]) == 0
    states = re.findall(r"state=(\w+)", capsys.readouterr().out)
    assert states == ["sent", "revoked"]


def test_refusals_write_nothing(smtp: SmtpServer, capsys: Any) -> None:
    assert _send(sender=BRUNO) == 1
    assert "only admins send activation links" in capsys.readouterr().err
    assert _send(sender="nobody@contoso.example") == 2
    assert "not an active operator" in capsys.readouterr().err
    assert _send(org="c-bern-energie") == 1  # another partner's customer
    assert "couldn't find that organization" in capsys.readouterr().err
    assert _send(org="c-cafe-lumiere") == 1  # onboarded already
    assert "already onboarded" in capsys.readouterr().err
    assert main(["activation", "list"]) == 0
    assert "no activation links" in capsys.readouterr().out
    assert smtp.messages == []
