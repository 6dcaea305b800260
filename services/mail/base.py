"""The mail transports' shared types: a message, the configuration, the error every
transport raises, and the interface they implement."""

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
