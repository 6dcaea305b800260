"""The activation landing pages: small, self-contained HTML in English or French. Pure
functions of translated strings and escaped values; no scripts, no external resources."""

from __future__ import annotations

import html

from services.activation import Landing
from services.i18n import Messages

STYLE = (
    "body{font-family:'Segoe UI',Arial,sans-serif;background:#f5f5f5;color:#242424;margin:0}"
    "main{max-width:560px;margin:48px auto;background:#fff;padding:32px;border-radius:8px;"
    "box-shadow:0 1px 4px rgba(0,0,0,.12)}h1{font-size:22px;margin-top:0}"
    "a.button{display:inline-block;background:#5b5fc7;color:#fff;padding:10px 20px;"
    "border-radius:4px;text-decoration:none;font-weight:600}"
    "p.small{font-size:13px;color:#616161}"
)


def _page(tr: Messages, heading: str, paragraphs: list[str], button: str = "") -> str:
    """PARAGRAPHS and BUTTON are HTML already escaped by the callers."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html lang="{tr.language}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(heading)}</title><style>{STYLE}</style></head>"
            f"<body><main><h1>{html.escape(heading)}</h1>{body}{button}"
            f'<p class="small">{html.escape(tr("page.footer"))}</p></main></body></html>')


def landing_page(tr: Messages, landing: Landing) -> str:
    values = {"organization": landing.organization_name, "sender": landing.sender_name,
              "sender_organization": landing.sender_organization,
              "date": tr.date(landing.expires_at.date())}
    paragraphs = [html.escape(tr(key, **values)) for key in (
        "page.landing.intro", "page.landing.consent", "page.landing.admin")]
    button = (f'<p><a class="button" href="{html.escape(landing.consent_url, quote=True)}">'
              f'{html.escape(tr("page.landing.button"))}</a></p>'
              f'<p class="small">{html.escape(tr("page.landing.expires", **values))}</p>')
    return _page(tr, tr("page.landing.title", **values), paragraphs, button)


def invalid_page(tr: Messages) -> str:
    """Every token that cannot be used (unknown, malformed, expired, used, replaced) gets
    this same page, so the page tells nothing about which case it was."""
    return _page(tr, tr("page.invalid.title"), [html.escape(tr("page.invalid.body"))])


def unverified_page(tr: Messages) -> str:
    return _page(tr, tr("page.unverified.title"), [html.escape(tr("page.unverified.body"))])


def done_page(tr: Messages, organization: str) -> str:
    return _page(tr, tr("page.done.title", organization=organization),
                 [html.escape(tr("page.done.body", organization=organization))])


def consent_error_page(tr: Messages, organization: str, error: str) -> str:
    return _page(tr, tr("page.error.title", organization=organization),
                 [html.escape(tr("page.error.body", organization=organization, error=error)),
                  html.escape(tr("page.error.retry"))])


def tenant_in_use_page(tr: Messages) -> str:
    return _page(tr, tr("page.tenant_in_use.title"),
                 [html.escape(tr("page.tenant_in_use.body"))])


def unproven_page(tr: Messages, organization: str) -> str:
    """Microsoft's callback without Microsoft's proof of the consent: nothing changed."""
    return _page(tr, tr("page.unproven.title"),
                 [html.escape(tr("page.unproven.body", organization=organization)),
                  html.escape(tr("page.unproven.retry"))])


def pending_page(tr: Messages, organization: str) -> str:
    """A proven consent from another tenant than the domain's: the sender must confirm."""
    return _page(tr, tr("page.pending.title", organization=organization),
                 [html.escape(tr("page.pending.body", organization=organization))])
