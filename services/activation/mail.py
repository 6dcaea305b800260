"""The activation e-mail, in English or French: plain text and HTML (every value
escaped), with the organization, the sender, the expiry and the link."""

from __future__ import annotations

import datetime as dt
import html

from services.i18n import Messages
from services.mail import MailMessage


def activation_mail(tr: Messages, *, to: str, organization: str, sender: str,
                    sender_organization: str, expires: dt.datetime, link: str) -> MailMessage:
    values = {"organization": organization, "sender": sender,
              "sender_organization": sender_organization, "date": tr.date(expires.date())}
    subject = tr("mail.activation.subject", **values)
    paragraphs = [tr("mail.activation.greeting"), tr("mail.activation.body", **values),
                  tr("mail.activation.consent")]
    after = [tr("mail.activation.expiry", **values), tr("mail.activation.ignore", **values)]
    text = "\n\n".join([*paragraphs, tr("mail.activation.link", link=link), *after,
                        tr("mail.activation.signature")]) + "\n"
    esc_paragraphs = [html.escape(tr("mail.activation.greeting")),
                      html.escape(tr("mail.activation.body", **values)),
                      html.escape(tr("mail.activation.consent"))]
    esc_after = [html.escape(tr("mail.activation.expiry", **values)),
                 html.escape(tr("mail.activation.ignore", **values))]
    href = html.escape(link, quote=True)
    body = "".join(f"<p>{p}</p>" for p in esc_paragraphs)
    body += (f'<p><a href="{href}" style="display:inline-block;padding:10px 18px;'
             'background:#5b5fc7;color:#ffffff;border-radius:4px;text-decoration:none">'
             f"{html.escape(tr('mail.activation.button'))}</a></p>"
             f'<p style="font-size:12px;color:#555">{href}</p>')
    body += "".join(f"<p>{p}</p>" for p in esc_after)
    body += f"<p>{html.escape(tr('mail.activation.signature'))}</p>"
    page = (f'<!DOCTYPE html><html lang="{tr.language}"><head><meta charset="utf-8">'
            f"<title>{html.escape(subject)}</title></head>"
            f'<body style="font-family:Segoe UI,Arial,sans-serif;font-size:14px">{body}'
            "</body></html>")
    return MailMessage(to=to, subject=subject, text=text, html=page)
