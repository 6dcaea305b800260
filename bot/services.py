"""The objects one bot process shares, built once in the app factory."""

from __future__ import annotations

from dataclasses import dataclass

from bot.settings import Settings
from services.db.engine import Database
from services.directory import Directory, NameResolver
from services.network.importer import NetworkExporter, NetworkImporter
from services.scope import ScopeService
from services.state_store import StateStore


@dataclass
class BotServices:
    settings: Settings
    database: Database
    scopes: ScopeService
    directory: Directory
    names: NameResolver
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
            importer=NetworkImporter(s),
            exporter=NetworkExporter(s),
            state=StateStore(s),
        )
