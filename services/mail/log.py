"""MAIL_TRANSPORT=log, the local default: the message goes to the log, not to anyone."""

from __future__ import annotations

import logging

from services.mail.base import MailMessage

logger = logging.getLogger(__name__)


class LogMailer:
    def __init__(self, sender: str) -> None:
        self.sender = sender

    async def send(self, message: MailMessage) -> None:
        """Log the recipient, the subject and the plain-text body (which has the link)."""
        logger.info("mail (MAIL_TRANSPORT=log, not sent) to %s from %s: %s\n%s", message.to,
                    self.sender, message.subject, message.text)
