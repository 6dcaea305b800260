"""GET /activate/{token} (the landing page of an activation link) and
GET /activate/callback (Microsoft's admin consent redirect).

Links are opened by people and by mail scanners: the landing page only shows where to
consent and never uses the link. Every unusable token gets one and the same page and
status. The callback trusts nothing but a state signed for the link, and onboards only
with Microsoft's proof of the consent (services.activation.proof); a consent from another
tenant than the customer's domain waits for the sender's confirmation in Teams."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.web.pages import (
    consent_error_page,
    done_page,
    invalid_page,
    landing_page,
    pending_page,
    tenant_in_use_page,
    unproven_page,
    unverified_page,
)
from services.activation import ActivationError, ActivationService, Completion
from services.correlation import new_correlation_id
from services.i18n import LANGUAGES, Messages, messages

logger = logging.getLogger(__name__)

# The sender is told in Teams; the route does not wait on (or fail with) the Bot Connector.
Notify = Callable[[Completion], Awaitable[None]]

HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                               "form-action 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",  # the token is in the URL: never pass it on
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def page_language(request: web.Request) -> Messages:
    """English or French from Accept-Language (by q-value, English by default)."""
    best, best_q = "en", -1.0
    for part in request.headers.get("Accept-Language", "").split(",")[:20]:
        tag, _, params = part.strip().partition(";")
        lang = tag.strip().split("-")[0].lower()
        try:
            q = float(params.strip()[2:]) if params.strip().startswith("q=") else 1.0
        except ValueError:
            q = 0.0
        if lang in LANGUAGES and q > best_q:
            best, best_q = lang, q
    return messages(best)


def _html(body: str, status: int = 200) -> web.Response:
    return web.Response(text=body, status=status, content_type="text/html",
                        charset="utf-8", headers=HEADERS)


def activation_routes(service: Callable[[web.Request], ActivationService],
                      notify: Callable[[web.Request], Notify]) -> list[web.RouteDef]:
    async def landing(request: web.Request) -> web.Response:
        tr, cid = page_language(request), new_correlation_id()
        view = await service(request).landing(request.match_info["token"], cid)
        if view is None:
            logger.info("activation landing cid=%s: not usable", cid)
            return _html(invalid_page(tr), 404)
        logger.info("activation landing cid=%s: link %s opened", cid, view.link_id)
        return _html(landing_page(tr, view))

    async def callback(request: web.Request) -> web.Response:
        tr, cid = page_language(request), new_correlation_id()
        query = request.query
        state = query.get("state", "")[:200]
        activation = service(request)
        try:
            if "error" in query:
                failure = await activation.consent_failed(
                    state, query.get("error", ""), query.get("error_description", ""), cid)
                logger.info("activation callback cid=%s: consent error %s", cid, failure.error)
                await notify(request)(failure)
                return _html(consent_error_page(tr, failure.organization_name,
                                                failure.error or "?"))
            if query.get("admin_consent", "").lower() != "true":
                raise ActivationError("bad_request")
            done = await activation.complete(state, query.get("tenant", ""), cid)
        except ActivationError as exc:
            logger.info("activation callback cid=%s refused: %s", cid, exc.code)
            if exc.code == "invalid_link":
                return _html(invalid_page(tr), 404)
            if exc.code == "tenant_in_use":
                return _html(tenant_in_use_page(tr), 409)
            if exc.code == "consent_unproven":
                return _html(unproven_page(tr, exc.detail), 403)
            return _html(unverified_page(tr), 400)
        await notify(request)(done)
        if done.pending:
            logger.info("activation callback cid=%s: %s awaits the sender's confirmation",
                        cid, done.organization_id)
            return _html(pending_page(tr, done.organization_name), 202)
        logger.info("activation callback cid=%s: %s onboarded", cid, done.organization_id)
        return _html(done_page(tr, done.organization_name))

    return [web.get("/activate/callback", callback),
            web.get("/activate/{token}", landing)]
