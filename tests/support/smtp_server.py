"""A real SMTP server on 127.0.0.1 (aiosmtpd, in its own thread) that keeps what it
receives: `with SmtpServer() as smtp:` then `smtp.messages`. `smtp.refuse = True` makes it
refuse every recipient (550), as a relay that rejects the address would.
`SmtpServer(auth=("user", "password"))` offers AUTH (over plain text) for that login."""

from __future__ import annotations

import email
import email.policy
import socket
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def _free_port() -> int:
    """aiosmtpd 1.4's Controller connects to its own port to see it is up: it cannot be 0."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SmtpServer:
    def __init__(self, auth: tuple[str, str] | None = None) -> None:
        self.host = "127.0.0.1"
        self.port = _free_port()
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []  # (mail from, rcpt tos)
        self.logins: list[str] = []  # the user names that logged in
        self.refuse = False
        self._auth = auth
        options: dict[str, Any] = {}
        if auth is not None:
            # AUTH offered over plain text; not required (aiosmtpd warns about that pairing)
            options = {"authenticator": self._authenticate, "auth_require_tls": False}
        # server_hostname: spares aiosmtpd a socket.getfqdn(), slow on some hosts
        self._controller = Controller(self, hostname=self.host, port=self.port,
                                      server_hostname="localhost", **options)

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                      auth_data: Any) -> AuthResult:
        if not isinstance(auth_data, LoginPassword) or self._auth is None:
            return AuthResult(success=False, handled=False)
        user, password = auth_data.login.decode(), auth_data.password.decode()
        if (user, password) != self._auth:
            return AuthResult(success=False, handled=False)
        self.logins.append(user)
        return AuthResult(success=True)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any,  # noqa: N802
                          address: str, rcpt_options: list[str]) -> str:
        if self.refuse:
            return "550 5.1.1 Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def __enter__(self) -> SmtpServer:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()
