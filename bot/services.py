"""The objects one bot process shares, built once in the app factory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.settings import Settings
from services.accounts import AccountVerifier
from services.audit import AuditLog
from services.conversations import ConversationBook
from services.db.engine import Database
from services.directory import Directory, NameResolver
from services.graph import GraphClient
from services.graph_auth import GraphTokenProvider
from services.identity import EntraTokenValidator, IdentityService
from services.network.importer import NetworkExporter, NetworkImporter
from services.operators import OperatorService
from services.scope import ScopeService
from services.state_store import StateStore


def _identity(settings: Settings, sessions: Any) -> IdentityService | None:
    """Teams SSO when an OAuth connection is configured (never in local mode)."""
    if not settings.sso:
        return None
    audiences = [settings.bot_id, f"api://botid-{settings.bot_id}"]
    validator = EntraTokenValidator(settings.entra_openid_metadata_url, audiences)
    return IdentityService(sessions, validator, settings.sso_session_seconds)


def _graph(settings: Settings) -> GraphTokenProvider | None:
    """Graph on behalf of the signed-in operator (with SSO only)."""
    if not settings.sso:
        return None
    return GraphTokenProvider(settings.bot_id, settings.bot_password, settings.bot_tenant_id,
                              login_base_url=settings.login_base_url)


@dataclass
class BotServices:
    settings: Settings
    database: Database
    scopes: ScopeService
    directory: Directory
    names: NameResolver
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

    @classmethod
    def create(cls, settings: Settings, database: Database) -> BotServices:
        s = database.sessions
        return cls(
            settings=settings,
            database=database,
            scopes=ScopeService(s),
            directory=Directory(s),
            names=NameResolver(s),
            operators=OperatorService(s),
            audit=AuditLog(s),
            accounts=AccountVerifier(settings.login_base_url),
            graph_api=GraphClient(settings.graph_base_url),
            conversations=ConversationBook(s),
            identity=_identity(settings, s),
            graph=_graph(settings),
            importer=NetworkImporter(s),
            exporter=NetworkExporter(s),
            state=StateStore(s),
        )
