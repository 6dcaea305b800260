"""The e-mail transports against real local servers: aiosmtpd for SMTP, a Graph stand-in
and the login stand-in (client credentials) for Microsoft Graph."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from services.mail import MailConfig, MailError, MailMessage, create_mailer
from services.mail.graph import GraphMailer
from services.mail.log import LogMailer
from services.mail.smtp import SmtpMailer
from tests.support.fake_graph import FakeGraph
from tests.support.fake_login import FakeLogin
from tests.support.smtp_server import SmtpServer

MESSAGE = MailMessage(to="marie@ateliermarchand.fr", subject="Activez la Partner App — été",
                      text="Bonjour, ouvrez https://bot.example/activate/abc\n",
                      html="<p>Bonjour, <a href=\"https://bot.example/activate/abc\">ici</a></p>")
SECRET = "s3cr3t-client-value"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


def _smtp_config(server: SmtpServer, **kwargs: Any) -> MailConfig:
    return MailConfig(transport="smtp", sender="partners@vendor.example",
                      smtp_host=server.host, smtp_port=server.port, smtp_starttls=False,
                      timeout_s=5, **kwargs)


async def test_smtp_delivers_text_and_html(smtp: SmtpServer) -> None:
    await create_mailer(_smtp_config(smtp)).send(MESSAGE)
    [mail] = smtp.messages
    assert (mail["From"], mail["To"], mail["Subject"]) == (
        "partners@vendor.example", MESSAGE.to, MESSAGE.subject)
    assert mail["Message-ID"] and mail["Date"]
    plain = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert plain.replace("\r\n", "\n") == MESSAGE.text
    assert "<a href" in mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert smtp.envelopes == [("partners@vendor.example", [MESSAGE.to])]


async def test_smtp_refused_recipient(smtp: SmtpServer) -> None:
    smtp.refuse = True
    with pytest.raises(MailError) as exc:
        await SmtpMailer(_smtp_config(smtp, smtp_username="relay",
                                      smtp_password=SECRET)).send(MESSAGE)
    assert exc.value.code in {"smtp_refused", "smtp_auth", "smtp_error"}
    assert SECRET not in str(exc.value)
    assert smtp.messages == []


async def test_smtp_refused_recipient_without_auth(smtp: SmtpServer) -> None:
    smtp.refuse = True
    with pytest.raises(MailError) as exc:
        await SmtpMailer(_smtp_config(smtp)).send(MESSAGE)
    assert exc.value.code == "smtp_refused"


async def test_smtp_nothing_listening() -> None:
    with SmtpServer() as server:
        config = _smtp_config(server)
    with pytest.raises(MailError) as exc:
        await SmtpMailer(config).send(MESSAGE)
    assert exc.value.code == "smtp_unreachable"


@pytest.fixture
def login() -> Iterator[FakeLogin]:
    with FakeLogin() as fake:
        yield fake


async def _graph(aiohttp_server: Any, login: FakeLogin,
                 graph: FakeGraph) -> GraphMailer:
    server = await aiohttp_server(graph.app())
    config = MailConfig(transport="graph", sender="partners@vendor.example",
                        client_id="bot-app-id", client_secret=SECRET,
                        tenant_id="vendor.example", login_base_url=login.base_url,
                        graph_base_url=str(server.make_url("")).rstrip("/"), timeout_s=5)
    mailer = create_mailer(config, http_client=login.session())
    assert isinstance(mailer, GraphMailer)
    return mailer


async def test_graph_send_mail_with_an_app_only_token(aiohttp_server: Any,
                                                      login: FakeLogin) -> None:
    graph = FakeGraph()
    mailer = await _graph(aiohttp_server, login, graph)
    await mailer.send(MESSAGE)
    await mailer.send(MESSAGE)
    [token_request] = login.token_requests()  # the second send reuses the cached token
    assert token_request["grant_type"] == ["client_credentials"]
    assert token_request["scope"] == ["https://graph.microsoft.com/.default"]
    assert token_request["client_id"] == ["bot-app-id"]
    sender, body, auth = graph.sent[0]
    assert sender == "partners@vendor.example" and auth.startswith("Bearer graph-for-")
    assert body["message"]["subject"] == MESSAGE.subject
    assert body["message"]["body"] == {"contentType": "HTML", "content": MESSAGE.html}
    assert body["message"]["toRecipients"] == [{"emailAddress": {"address": MESSAGE.to}}]
    assert body["saveToSentItems"] is False


@pytest.mark.parametrize(("status", "code"), [(429, "graph_throttled"),
                                              (403, "graph_rejected"), (500, "graph_error")])
async def test_graph_errors(aiohttp_server: Any, login: FakeLogin, status: int,
                            code: str) -> None:
    mailer = await _graph(aiohttp_server, login, FakeGraph(status=status))
    with pytest.raises(MailError) as exc:
        await mailer.send(MESSAGE)
    assert exc.value.code == code
    if status == 403:
        assert "ErrorAccessDenied" in str(exc.value)


async def test_graph_token_failure_never_shows_the_secret(aiohttp_server: Any,
                                                          login: FakeLogin) -> None:
    login.fail_with = "invalid_client"
    graph = FakeGraph()
    mailer = await _graph(aiohttp_server, login, graph)
    with pytest.raises(MailError) as exc:
        await mailer.send(MESSAGE)
    assert exc.value.code == "graph_token" and "invalid_client" in str(exc.value)
    assert SECRET not in str(exc.value) and graph.sent == []


async def test_log_transport_writes_the_message_to_the_log(caplog: Any) -> None:
    caplog.set_level(logging.INFO, logger="services.mail.log")
    await LogMailer("partners@vendor.example").send(MESSAGE)
    assert "https://bot.example/activate/abc" in caplog.text and "not sent" in caplog.text


def test_create_mailer_by_transport() -> None:
    assert isinstance(create_mailer(MailConfig(transport="log")), LogMailer)
    assert isinstance(create_mailer(MailConfig(transport="smtp")), SmtpMailer)
    assert isinstance(create_mailer(MailConfig(transport="graph")), GraphMailer)
    with pytest.raises(ValueError, match="unknown mail transport"):
        create_mailer(MailConfig(transport="pigeon"))
