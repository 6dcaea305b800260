"""Outbound e-mail behind one interface (activation links, later notifications).

`MAIL_TRANSPORT` chooses the transport: `log` (the local default: the message is
written to the log, nothing leaves the machine), `smtp` (aiosmtplib) or `graph`
(Microsoft Graph `sendMail` with an app-only token). Every transport raises MailError
on a failure, with a short code and never a secret."""

from __future__ import annotations

from services.mail.base import MailConfig, Mailer, MailError, MailMessage
from services.mail.graph import GraphMailer
from services.mail.log import LogMailer
from services.mail.smtp import SmtpMailer


def create_mailer(config: MailConfig, http_client: object | None = None) -> Mailer:
    """The transport CONFIG names. HTTP_CLIENT (a requests session) is only for msal in
    tests that trust a local certificate."""
    if config.transport == "smtp":
        return SmtpMailer(config)
    if config.transport == "graph":
        return GraphMailer(config, http_client=http_client)
    if config.transport == "log":
        return LogMailer(config.sender)
    raise ValueError(f"unknown mail transport {config.transport!r}")


__all__ = ["MailConfig", "MailError", "MailMessage", "Mailer", "create_mailer"]
