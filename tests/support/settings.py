"""Settings values the tests share."""

from __future__ import annotations

# Production (BOT_ID set) refuses MAIL_TRANSPORT=log: tests of production settings that
# send no mail name an SMTP relay on the discard port (nothing listens there).
PRODUCTION_MAIL = {
    "MAIL_TRANSPORT": "smtp",
    "SMTP_HOST": "127.0.0.1",
    "SMTP_PORT": "9",
    "MAIL_SENDER": "partnerbot@bot.example.test",
    "PUBLIC_BASE_URL": "https://bot.example.test",
}
