"""The e-mail transports against real local servers: aiosmtpd for SMTP; the Graph stand-in
and the login stand-in (client credentials) for Microsoft Graph; the log."""

from __future__ import annotations

import logging
import socket
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

LINK = "https://bot.example/activate/abc"
MESSAGE = MailMessage(
    to="marie@ateliermarchand.fr", subject="Activez la Partner App — élève, été, garçon",
    text=f"Bonjour Hélène,\nouvrez {LINK} avant le 3 décembre.\n",
    html=f'<p>Bonjour Hélène, <a href="{LINK}">activez</a> avant le 3 décembre.</p>')
SENDER = "partners@vendor.example"
SECRET = "s3cr3t-client-value"
PASSWORD = "p4ssw0rd-never-shown"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- SMTP ---------------------------------------------------------------------------------


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


def _smtp_config(server: SmtpServer, **kwargs: Any) -> MailConfig:
    return MailConfig(transport="smtp", sender=SENDER, smtp_host=server.host,
                      smtp_port=server.port, smtp_starttls=False, timeout_s=5, **kwargs)


async def test_smtp_delivers_text_and_html_with_accents(smtp: SmtpServer) -> None:
    await create_mailer(_smtp_config(smtp)).send(MESSAGE)
    [mail] = smtp.messages
    assert (mail["From"], mail["To"], mail["Subject"]) == (SENDER, MESSAGE.to, MESSAGE.subject)
    assert mail["Message-ID"].endswith("@vendor.example>") and mail["Date"]
    assert mail.get_content_type() == "multipart/alternative"
    plain, html = mail.get_body(("plain",)), mail.get_body(("html",))
    assert plain is not None and html is not None
    assert plain.get_content().replace("\r\n", "\n") == MESSAGE.text
    assert html.get_content().strip() == MESSAGE.html
    assert smtp.envelopes == [(SENDER, [MESSAGE.to])]


async def test_smtp_logs_in_when_a_username_is_set() -> None:
    with SmtpServer(auth=("relay", PASSWORD)) as server:
        await SmtpMailer(_smtp_config(server, smtp_username="relay",
                                      smtp_password=PASSWORD)).send(MESSAGE)
        assert server.logins == ["relay"] and len(server.messages) == 1


async def test_smtp_wrong_password() -> None:
    with SmtpServer(auth=("relay", "the-right-one")) as server:
        with pytest.raises(MailError) as exc:
            await SmtpMailer(_smtp_config(server, smtp_username="relay",
                                          smtp_password=PASSWORD)).send(MESSAGE)
        assert exc.value.code == "smtp_auth" and server.messages == []
    assert PASSWORD not in str(exc.value)


async def test_smtp_credentials_for_a_server_without_auth(smtp: SmtpServer) -> None:
    with pytest.raises(MailError) as exc:
        await SmtpMailer(_smtp_config(smtp, smtp_username="relay",
                                      smtp_password=PASSWORD)).send(MESSAGE)
    assert exc.value.code == "smtp_auth" and PASSWORD not in str(exc.value)


async def test_smtp_refused_recipient(smtp: SmtpServer) -> None:
    smtp.refuse = True
    with pytest.raises(MailError) as exc:
        await SmtpMailer(_smtp_config(smtp)).send(MESSAGE)
    assert exc.value.code == "smtp_refused" and "550" in str(exc.value)
    assert smtp.messages == []


async def test_smtp_refused_after_login() -> None:
    with SmtpServer(auth=("relay", PASSWORD)) as server:
        server.refuse = True
        with pytest.raises(MailError) as exc:
            await SmtpMailer(_smtp_config(server, smtp_username="relay",
                                          smtp_password=PASSWORD)).send(MESSAGE)
    assert exc.value.code == "smtp_refused" and PASSWORD not in str(exc.value)


async def test_smtp_nothing_listening() -> None:
    config = MailConfig(transport="smtp", smtp_host="127.0.0.1", smtp_port=_closed_port(),
                        smtp_starttls=False, smtp_username="relay", smtp_password=PASSWORD,
                        timeout_s=5)
    with pytest.raises(MailError) as exc:
        await SmtpMailer(config).send(MESSAGE)
    assert exc.value.code == "smtp_unreachable" and PASSWORD not in str(exc.value)


async def test_smtp_a_line_break_in_the_address_is_not_sent(smtp: SmtpServer) -> None:
    forged = MailMessage(to="marie@ateliermarchand.fr\r\nBcc: eve@evil.example",
                         subject="x", text="x", html="x")
    with pytest.raises(MailError) as exc:
        await SmtpMailer(_smtp_config(smtp)).send(forged)
    assert exc.value.code == "smtp_refused" and smtp.messages == []


# --- Microsoft Graph ------------------------------------------------------------------------


@pytest.fixture
def login() -> Iterator[FakeLogin]:
    with FakeLogin() as fake:
        yield fake


def _graph_config(login_base_url: str, graph_base_url: str) -> MailConfig:
    return MailConfig(transport="graph", sender=SENDER, client_id="bot-app-id",
                      client_secret=SECRET, tenant_id="vendor.example",
                      login_base_url=login_base_url, graph_base_url=graph_base_url,
                      timeout_s=5)


async def _graph(aiohttp_server: Any, login: FakeLogin, graph: FakeGraph) -> GraphMailer:
    server = await aiohttp_server(graph.app())
    config = _graph_config(login.base_url, str(server.make_url("")).rstrip("/"))
    mailer = create_mailer(config, http_client=login.session())
    assert isinstance(mailer, GraphMailer)
    return mailer


async def test_graph_send_mail_with_an_app_only_token(aiohttp_server: Any,
                                                      login: FakeLogin) -> None:
    graph = FakeGraph()
    mailer = await _graph(aiohttp_server, login, graph)
    await mailer.send(MESSAGE)
    [token_request] = login.token_requests()
    assert token_request["grant_type"] == ["client_credentials"]
    assert token_request["scope"] == ["https://graph.microsoft.com/.default"]
    assert token_request["client_id"] == ["bot-app-id"]
    [(sender, body, auth)] = graph.sent
    assert sender == SENDER and auth == "Bearer graph-for-app"
    assert body == {"message": {
        "subject": MESSAGE.subject,
        "body": {"contentType": "HTML", "content": MESSAGE.html},
        "toRecipients": [{"emailAddress": {"address": MESSAGE.to}}],
    }, "saveToSentItems": False}


async def test_graph_reuses_the_cached_token(aiohttp_server: Any, login: FakeLogin) -> None:
    graph = FakeGraph()
    mailer = await _graph(aiohttp_server, login, graph)
    await mailer.send(MESSAGE)
    await mailer.send(MESSAGE)
    assert len(login.token_requests()) == 1
    assert [auth for _, _, auth in graph.sent] == ["Bearer graph-for-app"] * 2


@pytest.mark.parametrize(("status", "code"), [(429, "graph_throttled"),
                                              (403, "graph_rejected"), (500, "graph_error")])
async def test_graph_errors(aiohttp_server: Any, login: FakeLogin, status: int,
                            code: str) -> None:
    graph = FakeGraph(status=status)
    mailer = await _graph(aiohttp_server, login, graph)
    with pytest.raises(MailError) as exc:
        await mailer.send(MESSAGE)
    assert exc.value.code == code and graph.attempts == 1 and graph.sent == []
    if status == 403:
        assert "ErrorAccessDenied" in str(exc.value)
    if status == 429:
        assert "retry after 7s" in str(exc.value)


async def test_graph_token_failure_never_shows_the_secret(aiohttp_server: Any,
                                                          login: FakeLogin) -> None:
    login.fail_with = "invalid_client"
    graph = FakeGraph()
    mailer = await _graph(aiohttp_server, login, graph)
    with pytest.raises(MailError) as exc:
        await mailer.send(MESSAGE)
    assert exc.value.code == "graph_token" and "invalid_client" in str(exc.value)
    assert SECRET not in str(exc.value) and graph.attempts == 0


async def test_graph_unreachable(login: FakeLogin) -> None:
    mailer = GraphMailer(_graph_config(login.base_url, f"http://127.0.0.1:{_closed_port()}"),
                         http_client=login.session())
    with pytest.raises(MailError) as exc:
        await mailer.send(MESSAGE)
    assert exc.value.code == "graph_unreachable"


async def test_login_unreachable() -> None:
    mailer = GraphMailer(_graph_config(f"https://127.0.0.1:{_closed_port()}",
                                       "http://127.0.0.1:9"))
    with pytest.raises(MailError) as exc:
        await mailer.send(MESSAGE)
    assert exc.value.code == "graph_unreachable" and SECRET not in str(exc.value)


# --- log and the choice of transport ----------------------------------------------------------


async def test_log_transport_writes_the_link_to_the_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="services.mail.log")
    await create_mailer(MailConfig(sender=SENDER)).send(MESSAGE)
    [record] = caplog.records
    assert record.levelno == logging.INFO
    text = record.getMessage()
    assert "MAIL_TRANSPORT=log, not sent" in text and MESSAGE.to in text and LINK in text
    assert MESSAGE.subject in text


def test_create_mailer_by_transport() -> None:
    assert isinstance(create_mailer(MailConfig()), LogMailer)
    assert isinstance(create_mailer(MailConfig(transport="smtp")), SmtpMailer)
    assert isinstance(create_mailer(MailConfig(transport="graph")), GraphMailer)
    assert create_mailer(MailConfig(transport="smtp", sender=SENDER)).sender == SENDER
    with pytest.raises(ValueError, match="unknown mail transport"):
        create_mailer(MailConfig(transport="pigeon"))
