"""MAIL_TRANSPORT=smtp: multipart (text + HTML) messages through aiosmtplib."""

from __future__ import annotations

import datetime as dt
import email.utils
from email.message import EmailMessage
from typing import Any

import aiosmtplib

from services.mail.base import MailConfig, MailError, MailMessage


class SmtpMailer:
    def __init__(self, config: MailConfig) -> None:
        self.sender = config.sender
        self._config = config

    def _build(self, message: MailMessage) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.to
        mail["Subject"] = message.subject
        mail["Date"] = email.utils.format_datetime(dt.datetime.now(dt.UTC))
        domain = email.utils.parseaddr(self.sender)[1].rpartition("@")[2]
        mail["Message-ID"] = email.utils.make_msgid(domain=domain or None)
        mail.set_content(message.text)
        mail.add_alternative(message.html, subtype="html")
        return mail

    def _error(self, code: str, detail: str) -> MailError:
        """MailError(CODE, DETAIL) with the password masked, should a server echo it."""
        password = self._config.smtp_password
        return MailError(code, detail.replace(password, "***") if password else detail)

    async def send(self, message: MailMessage) -> None:
        config = self._config
        try:
            mail = self._build(message)
        except (ValueError, TypeError) as exc:  # e.g. a line break in an address or subject
            raise MailError("smtp_refused", f"invalid message: {type(exc).__name__}") from None
        login: dict[str, Any] = {}
        if config.smtp_username:
            login = {"username": config.smtp_username, "password": config.smtp_password}
        try:
            await aiosmtplib.send(mail, hostname=config.smtp_host, port=config.smtp_port,
                                  start_tls=config.smtp_starttls, timeout=config.timeout_s,
                                  **login)
        except aiosmtplib.SMTPAuthenticationError as exc:
            raise self._error("smtp_auth", f"{exc.code} {exc.message}") from None
        except aiosmtplib.SMTPRecipientsRefused as exc:
            first = exc.recipients[0] if exc.recipients else None
            raise self._error("smtp_refused", f"{first.code} {first.message}" if first
                              else "recipients refused") from None
        except (aiosmtplib.SMTPConnectError, aiosmtplib.SMTPTimeoutError,
                aiosmtplib.SMTPServerDisconnected) as exc:
            raise self._error("smtp_unreachable", f"{type(exc).__name__} {exc}") from None
        except aiosmtplib.SMTPResponseException as exc:  # sender refused, DATA refused, ...
            code = "smtp_refused" if exc.code >= 500 else "smtp_error"
            raise self._error(code, f"{exc.code} {exc.message}") from None
        except aiosmtplib.SMTPException as exc:
            # "The SMTP AUTH extension is not supported": credentials the server won't take
            code = "smtp_auth" if " AUTH " in str(exc) else "smtp_error"
            raise self._error(code, str(exc)) from None
        except (TimeoutError, OSError) as exc:
            raise self._error("smtp_unreachable", type(exc).__name__) from None
