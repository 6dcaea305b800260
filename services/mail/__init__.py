"""Outbound e-mail behind one interface (activation links, later notifications).

`MAIL_TRANSPORT` chooses the transport: `log` (the local default: the message is
written to the log, nothing leaves the machine), `smtp` (aiosmtplib) or `graph`
(Microsoft Graph `sendMail` with an app-only token). Every transport raises MailError
on a failure, with a short code and never a secret."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class MailMessage:
    to: str
    subject: str
    text: str  # the plain-text body
    html: str  # the HTML body (already escaped by its composer)


class MailError(Exception):
    """Delivery failed. `code` is short and safe to log (no password, no token)."""

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        super().__init__(f"{code}: {detail[:200]}" if detail else code)


class Mailer(Protocol):
    sender: str

    async def send(self, message: MailMessage) -> None:
        """Deliver MESSAGE or raise MailError."""


@dataclass(frozen=True)
class MailConfig:
    transport: str = "log"  # log / smtp / graph
    sender: str = "partnerbot@localhost"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True
    timeout_s: float = 15.0
    # graph: an app-only token for the bot's app registration in the sender's tenant
    client_id: str = ""
    client_secret: str = ""
    tenant_id: str = ""
    login_base_url: str = "https://login.microsoftonline.com"
    graph_base_url: str = "https://graph.microsoft.com"


def create_mailer(config: MailConfig, http_client: object | None = None) -> Mailer:
    """The transport CONFIG names. HTTP_CLIENT (a requests session) is only for msal in
    tests that trust a local certificate."""
    if config.transport == "smtp":
        from services.mail.smtp import SmtpMailer

        return SmtpMailer(config)
    if config.transport == "graph":
        from services.mail.graph import GraphMailer

        return GraphMailer(config, http_client=http_client)
    if config.transport == "log":
        from services.mail.log import LogMailer

        return LogMailer(config.sender)
    raise ValueError(f"unknown mail transport {config.transport!r}")


__all__ = ["MailConfig", "MailError", "MailMessage", "Mailer", "create_mailer"]
