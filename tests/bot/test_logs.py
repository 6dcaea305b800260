import logging

from bot.logs import RedactingFormatter, redact

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSIsImF1ZCI6ImJvdCJ9.c2lnbmF0dXJlLXZhbHVl"


def test_tokens_and_secrets_are_redacted() -> None:
    assert JWT not in redact(f"header Authorization: Bearer {JWT}")
    assert "s3cr3t" not in redact("BOT_PASSWORD=s3cr3t, next")
    assert "abc.def.ghi" not in redact("client_secret: abc.def.ghi")
    assert JWT not in redact(f"token was {JWT}")
    assert redact("nothing secret here") == "nothing secret here"


def test_formatter_redacts_messages_and_arguments() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "got %s", (f"Bearer {JWT}",),
                               None)
    record.cid = "-"
    assert JWT not in RedactingFormatter("%(message)s").format(record)
