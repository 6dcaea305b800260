"""The aiohttp application factory: it builds the process's services, the Bot Framework
adapter and activity handler (bot/teams/), the routes (bot/web/) and the background jobs
(bot/jobs/), and closes them at shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from aiohttp import web
from botbuilder.integration.aiohttp import CloudAdapter
from prometheus_client import CollectorRegistry

from bot.jobs.notifications import NotificationRunner
from bot.services import BotServices
from bot.settings import Settings
from bot.teams.adapter import create_adapter
from bot.teams.handler import PartnerBot
from bot.teams.proactive import SenderNotifier
from bot.teams.storage import SqlStorage
from bot.turn.answer_cache import AnswerCacheMetrics
from bot.web.activation import activation_routes
from bot.web.export import export_routes
from bot.web.feed import feed_routes
from bot.web.health import health_routes, metrics_middleware
from bot.web.messages import messages_handler
from services.db.engine import Database
from services.dedup import ActivityLedger
from services.understanding import recognizers

logger = logging.getLogger(__name__)

SERVICES = web.AppKey("services", BotServices)
SETTINGS = web.AppKey("settings", Settings)
METRICS = web.AppKey("metrics", CollectorRegistry)
BOT = web.AppKey("bot", PartnerBot)
STORAGE = web.AppKey("storage", SqlStorage)
ADAPTER = web.AppKey("adapter", CloudAdapter)
NOTIFIER = web.AppKey("notifier", SenderNotifier)
RUNNER = web.AppKey("runner", NotificationRunner)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
MESSAGES: web.AppKey[Handler] = web.AppKey("messages")


def in_daemon_thread(work: Callable[[], Any]) -> asyncio.Future[Any]:
    """WORK in a daemon thread: a shutdown does not wait for it (the default executor's
    threads are joined at exit, and compiling the recognizers' models takes seconds)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()

    def settle(result: Any, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def run() -> None:
        try:
            result, error = work(), None
        except Exception as exc:  # noqa: BLE001 - handed to the awaiting task
            result, error = None, exc
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=run, name="warm-up", daemon=True).start()
    return future


async def _warm_up(services: BotServices) -> None:
    """Load the language models and the name index in the background at start-up, so the
    first questions do not pay for them."""
    try:
        await in_daemon_thread(recognizers.warm_up)
        await services.names.warm()
    except asyncio.CancelledError:
        raise
    except Exception:  # noqa: BLE001 - warming is an optimization; turns load lazily
        logger.warning("warm-up failed; models and names load on first use", exc_info=True)


def create_app(settings: Settings, database: Database | None = None) -> web.Application:
    """Build the bot's web application. DATABASE, when given, is owned by the caller;
    otherwise the app opens one from the settings and closes it at shutdown."""
    registry = CollectorRegistry()
    app = web.Application(middlewares=[metrics_middleware(registry)])
    app[SETTINGS] = settings
    app[METRICS] = registry

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        db = database or Database(settings.database_url, **settings.engine_options())
        services = BotServices.create(settings, db)
        app[SERVICES] = services
        registry.register(AnswerCacheMetrics(services.answers))
        storage = SqlStorage(services.state)
        app[STORAGE] = storage
        bot = PartnerBot(services, storage)
        app[BOT] = bot
        adapter = create_adapter(settings, ActivityLedger(db.sessions), storage)
        app[ADAPTER] = adapter
        app[NOTIFIER] = SenderNotifier(adapter, services.conversations, settings.bot_id)
        app[MESSAGES] = messages_handler(settings, adapter, bot)
        warming = asyncio.create_task(_warm_up(services))
        runner = NotificationRunner(services)
        app[RUNNER] = runner
        background = [warming]
        if settings.notify_scheduler:
            background += [asyncio.create_task(runner.scheduler()),
                           asyncio.create_task(runner.sender_loop())]
        if not settings.local_mode and not settings.sso:
            logger.warning("OAUTH_CONNECTION_NAME is empty: operators are identified by the "
                           "activity's aadObjectId, without Teams single sign-on")
        if settings.local_mode:
            logger.warning("BOT_ID is empty: local mode, inbound authentication is OFF; "
                           "use only on this machine (Agents Playground)")
            logger.warning("local mode: the Microsoft 365 account check is OFF; e-mails "
                           "are checked for syntax and personal mail domains only")
        yield
        for task in background:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await runner.close()
        if database is None:
            await db.dispose()

    async def messages(request: web.Request) -> web.StreamResponse:
        return await request.app[MESSAGES](request)

    app.cleanup_ctx.append(lifecycle)
    app.router.add_post("/api/messages", messages)
    app.router.add_routes(health_routes(lambda r: r.app[SERVICES], registry))
    app.router.add_routes(feed_routes(lambda r: r.app[SERVICES]))
    app.router.add_routes(activation_routes(lambda r: r.app[SERVICES].activation,
                                            lambda r: r.app[NOTIFIER]))
    app.router.add_routes(export_routes(lambda r: r.app[SERVICES]))
    return app
