"""POST /api/feed: the system of record pushes `partner-network/1` changes.

Authenticated (an Entra app-only token from an allowed app and tenant with the feed's
app role, or an HMAC signature used once) before the body is read, or, signed, once the
headers are in order; at most 10 MB, rate limited per caller, idempotent with an
`Idempotency-Key`. The answer is JSON: the counts (200) or every wrong record and field
(422); 401, 403 (a valid token without the feed's rights; operators without
FEED_MANAGES_OPERATORS), 413, 429 and 400 otherwise. The details of a refusal go to the
log with the correlation id; a refused authenticated caller is audited (`feed.refused`)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from aiohttp import web

from bot.services import BotServices
from bot.turn.ratelimit import Verdict
from bot.web.body import read_limited
from services.correlation import new_correlation_id
from services.feed import FeedForbidden, FeedUnauthorized

logger = logging.getLogger(__name__)

MAX_FEED_BODY = 10 * 1024 * 1024
KEY_MAX = 128


def _json(status: int, body: dict[str, object], cid: str,
          headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({**body, "correlation_id": cid}, status=status,
                             headers={"Cache-Control": "no-store", **(headers or {})})


def feed_routes(services: Callable[[web.Request], BotServices]) -> list[web.RouteDef]:

    async def feed(request: web.Request) -> web.Response:
        cid = new_correlation_id()
        bot_services = services(request)
        checker = bot_services.feed_auth
        if not checker.enabled:
            logger.warning("feed cid=%s refused: FEED_SECRET / FEED_ALLOWED_APP_IDS unset", cid)
            return _json(401, {"error": "unauthorized"}, cid)
        try:
            # the headers first: a token is authenticated, a signature's form and window
            # checked, before a byte of the body is read
            credentials = await checker.precheck(request.headers)
            body = await read_limited(request, MAX_FEED_BODY)
            if body is None:
                return _json(413, {"error": f"body larger than {MAX_FEED_BODY} bytes"}, cid)
            caller = await checker.verify(credentials, body)
        except FeedForbidden as exc:
            logger.warning("feed cid=%s forbidden: %s: %s", cid, exc.caller, exc)
            if bot_services.feed_limiter.check(exc.caller) is not Verdict.ALLOW:
                return _json(429, {"error": "too many requests"}, cid, {"Retry-After": "10"})
            await bot_services.feed.refused(exc.caller, {"forbidden": str(exc)}, cid)
            return _json(403, {"error": "forbidden"}, cid)
        except FeedUnauthorized as exc:
            logger.warning("feed cid=%s unauthorized: %s", cid, exc)
            return _json(401, {"error": "unauthorized"}, cid)
        if bot_services.feed_limiter.check(caller) is not Verdict.ALLOW:
            logger.warning("feed cid=%s: %s over its rate", cid, caller)
            return _json(429, {"error": "too many requests"}, cid, {"Retry-After": "10"})
        key = request.headers.get("Idempotency-Key")
        if key is not None and not 0 < len(key) <= KEY_MAX:
            return _json(400, {"error": f"Idempotency-Key must be 1 to {KEY_MAX} characters"},
                         cid)
        try:
            doc = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return _json(400, {"error": "malformed JSON"}, cid)
        result = await bot_services.feed.apply(caller, doc, key=key, cid=cid)
        logger.info("feed cid=%s caller=%s status=%d%s", cid, caller, result.status,
                    " (replayed)" if result.replayed else "")
        headers = {"Idempotent-Replayed": "true"} if result.replayed else None
        return _json(result.status, result.body, cid, headers)

    return [web.post("/api/feed", feed)]
