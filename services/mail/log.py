"""MAIL_TRANSPORT=log, the local default: the message goes to the log, not to anyone."""

from __future__ import annotations

import logging

from services.mail import MailMessage

logger = logging.getLogger(__name__)


class LogMailer:
    def __init__(self, sender: str) -> None:
        self.sender = sender

    async def send(self, message: MailMessage) -> None:
        logger.info("mail (MAIL_TRANSPORT=log, not sent) to %s: %s\n%s", message.to,
                    message.subject, message.text)
