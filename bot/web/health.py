"""GET /healthz (the process is alive), GET /readyz (the database answers, else 503),
GET /metrics (Prometheus), and the middleware that counts every request."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

from bot.services import BotServices

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def metrics_middleware(registry: CollectorRegistry) -> Any:
    requests = Counter("partnerbot_http_requests_total", "HTTP requests",
                       ["route", "status"], registry=registry)
    latency = Histogram("partnerbot_http_request_seconds", "HTTP request duration",
                        ["route"], registry=registry)

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        route = request.match_info.route.resource.canonical if request.match_info.route.resource \
            else "unmatched"
        started = time.perf_counter()
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        finally:
            requests.labels(route, str(status)).inc()
            latency.labels(route).observe(time.perf_counter() - started)

    return middleware


def health_routes(services: Callable[[web.Request], BotServices],
                  registry: CollectorRegistry) -> list[web.RouteDef]:
    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(request: web.Request) -> web.Response:
        if await services(request).database.ping():
            return web.json_response({"status": "ready"})
        return web.json_response({"status": "database unreachable"}, status=503)

    async def metrics(_request: web.Request) -> web.Response:
        body = generate_latest(registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    return [web.get("/healthz", healthz), web.get("/readyz", readyz),
            web.get("/metrics", metrics)]
