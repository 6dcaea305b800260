"""The objects one bot process shares, built once in the app factory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.settings import Settings
from bot.turn.answer_cache import AnswerCache
from bot.turn.ratelimit import RateLimiter
from bot.turn.trust import TrustGate
from cards.notifications import digest_activity, license_change_activity, reowned_activity
from services.accounts import AccountVerifier
from services.activation import ActivationPolicy, ActivationService
from services.activation.tokens import state_key
from services.audit import AuditLog
from services.conversations import ConversationBook
from services.db.engine import Database
from services.directory import Directory, NameResolver
from services.directory.search import OrgSearch
from services.exports import ExportService, export_key
from services.feed import (
    MAX_SKEW_S,
    FeedAuth,
    FeedService,
    FeedTokenValidator,
    SignatureLedger,
)
from services.graph import GraphClient
from services.graph_auth import GraphTokenProvider
from services.identity import EntraTokenValidator, IdentityService
from services.mail import MailConfig, Mailer, create_mailer
from services.network.importer import NetworkExporter, NetworkImporter
from services.notifications import NotificationService
from services.operators import OperatorService
from services.roster import RosterBinder
from services.scope import ScopeService
from services.state_store import StateStore


def _identity(settings: Settings, sessions: Any) -> IdentityService | None:
    """Teams SSO when an OAuth connection is configured (never in local mode)."""
    if not settings.sso:
        return None
    audiences = [settings.bot_id, f"api://botid-{settings.bot_id}"]
    validator = EntraTokenValidator(settings.entra_openid_metadata_url, audiences)
    return IdentityService(sessions, validator, settings.sso_session_seconds)


def _feed_auth(settings: Settings, sessions: Any) -> FeedAuth:
    """HMAC with FEED_SECRET (each signature once, across instances) and/or Entra
    app-only tokens for the bot's app id, from allowed apps and tenants, with the role."""
    validator = None
    if settings.feed_app_ids and settings.bot_id:
        validator = FeedTokenValidator(settings.entra_openid_metadata_url, [
            settings.bot_id, f"api://{settings.bot_id}", f"api://botid-{settings.bot_id}"])
    return FeedAuth(secret=settings.feed_secret, app_ids=settings.feed_app_ids,
                    validator=validator, ledger=SignatureLedger(sessions, 2 * MAX_SKEW_S),
                    tenants=settings.feed_tenant_ids, role=settings.feed_app_role)


def _graph(settings: Settings) -> GraphTokenProvider | None:
    """Graph on behalf of the signed-in operator (with SSO only)."""
    if not settings.sso:
        return None
    return GraphTokenProvider(settings.bot_id, settings.bot_password, settings.bot_tenant_id,
                              login_base_url=settings.login_base_url,
                              timeout_s=settings.outbound_timeout)


def mail_config(settings: Settings) -> MailConfig:
    return MailConfig(
        transport=settings.mail_transport.value,
        sender=settings.mail_sender or "partnerbot@localhost",
        smtp_host=settings.smtp_host, smtp_port=settings.smtp_port,
        smtp_username=settings.smtp_username, smtp_password=settings.smtp_password,
        smtp_starttls=settings.smtp_starttls, client_id=settings.bot_id,
        client_secret=settings.bot_password, tenant_id=settings.bot_tenant_id,
        login_base_url=settings.login_base_url, graph_base_url=settings.graph_base_url,
        timeout_s=settings.outbound_timeout)


def activation_policy(settings: Settings) -> ActivationPolicy:
    return ActivationPolicy(
        ttl_s=settings.activation_ttl, rate_per_hour=settings.activation_rate,
        base_url=settings.base_url,
        state_key=state_key(settings.activation_secret, settings.bot_password),
        login_base_url=settings.login_base_url, client_id=settings.bot_id,
        client_secret=settings.bot_password, proof_timeout_s=settings.outbound_timeout)


@dataclass
class BotServices:
    settings: Settings
    database: Database
    scopes: ScopeService
    directory: Directory
    names: NameResolver
    search: OrgSearch
    operators: OperatorService
    audit: AuditLog
    accounts: AccountVerifier
    graph_api: GraphClient
    conversations: ConversationBook
    identity: IdentityService | None
    graph: GraphTokenProvider | None
    importer: NetworkImporter
    exporter: NetworkExporter
    state: StateStore
    mailer: Mailer
    activation: ActivationService
    notifications: NotificationService
    exports: ExportService
    answers: AnswerCache[Any]  # of bot.turn.context.Reply
    feed: FeedService
    feed_auth: FeedAuth
    feed_limiter: RateLimiter
    limiter: RateLimiter
    gate: TrustGate

    @classmethod
    def create(cls, settings: Settings, database: Database) -> BotServices:
        s = database.sessions
        accounts = AccountVerifier(settings.login_base_url, timeout_s=settings.outbound_timeout,
                                   local=settings.local_mode)
        mailer = create_mailer(mail_config(settings))
        notifications = NotificationService(s, render_reowned=reowned_activity,
                                            default_time=settings.notify_at,
                                            default_tz=settings.notify_tz)
        identity = _identity(settings, s)
        limiter = RateLimiter(settings.question_rate, settings.question_burst)
        scopes = ScopeService(s)
        return cls(
            settings=settings,
            database=database,
            scopes=scopes,
            directory=Directory(s),
            names=NameResolver(s),
            search=OrgSearch(s),
            operators=OperatorService(s, notifications.owners),
            audit=AuditLog(s),
            accounts=accounts,
            graph_api=GraphClient(settings.graph_base_url),
            conversations=ConversationBook(s),
            identity=identity,
            graph=_graph(settings),
            importer=NetworkImporter(s, notifications.owners),
            exporter=NetworkExporter(s),
            state=StateStore(s),
            mailer=mailer,
            activation=ActivationService(s, mailer, accounts, activation_policy(settings)),
            notifications=notifications,
            exports=ExportService(s, export_key(
                settings.export_secret, settings.activation_secret or settings.bot_password),
                settings.base_url),
            answers=AnswerCache(s, settings.answer_cache_size),
            limiter=limiter,
            gate=TrustGate(settings, scopes, identity, limiter, RosterBinder(s),
                           searches=RateLimiter(settings.search_rate, settings.search_burst)),
            feed=FeedService(s, notifications, settings.feed_alert_pct,
                             render_digest=digest_activity,
                             render_change=license_change_activity,
                             manages_operators=settings.feed_manages_operators),
            feed_auth=_feed_auth(settings, s),
            feed_limiter=RateLimiter(settings.feed_rate, settings.feed_burst),
        )
