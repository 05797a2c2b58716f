"""What lives for the life of the server: settings, database, event bus, mailer."""

from __future__ import annotations

from dataclasses import dataclass, field

from .db import Database
from .events import EventBus
from .settings import Settings


@dataclass
class AppState:
    settings: Settings
    db: Database
    bus: EventBus = field(default_factory=EventBus)

    @classmethod
    def from_settings(cls, settings: Settings) -> AppState:
        settings.ensure_dirs()
        return cls(settings=settings, db=Database(settings.resolved_database_url))
