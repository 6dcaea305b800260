"""MAIL_TRANSPORT=smtp: multipart (text + HTML) messages through aiosmtplib."""

from __future__ import annotations

import email.utils
from email.message import EmailMessage

import aiosmtplib

from services.mail import MailConfig, MailError, MailMessage


class SmtpMailer:
    def __init__(self, config: MailConfig) -> None:
        self.sender = config.sender
        self._config = config

    def _build(self, message: MailMessage) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.to
        mail["Subject"] = message.subject
        mail["Date"] = email.utils.formatdate(localtime=False)
        mail["Message-ID"] = email.utils.make_msgid(domain=self.sender.rpartition("@")[2]
                                                    or None)
        mail.set_content(message.text)
        mail.add_alternative(message.html, subtype="html")
        return mail

    async def send(self, message: MailMessage) -> None:
        config = self._config
        try:
            await aiosmtplib.send(self._build(message), hostname=config.smtp_host,
                                  port=config.smtp_port, start_tls=config.smtp_starttls,
                                  timeout=config.timeout_s,
                                  username=config.smtp_username or None,
                                  password=config.smtp_password or None)
        except aiosmtplib.SMTPAuthenticationError as exc:
            raise MailError("smtp_auth", f"{exc.code}") from None
        except (aiosmtplib.SMTPRecipientsRefused, aiosmtplib.SMTPRecipientRefused,
                aiosmtplib.SMTPSenderRefused) as exc:
            raise MailError("smtp_refused", type(exc).__name__) from None
        except (TimeoutError, OSError, aiosmtplib.SMTPConnectError,
                aiosmtplib.SMTPTimeoutError, aiosmtplib.SMTPServerDisconnected) as exc:
            raise MailError("smtp_unreachable", type(exc).__name__) from None
        except aiosmtplib.SMTPException as exc:
            raise MailError("smtp_error", type(exc).__name__) from None
