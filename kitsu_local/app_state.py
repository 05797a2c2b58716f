"""What lives for the life of the server: settings, database, event bus, mailer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from .db import Database
from .events import EventBus
from .settings import Settings
from .storage import FileStore


class Workers(Protocol):
    """The job workers as the state knows them (``jobs.JobQueue``, which sits above this)."""

    def wake(self) -> None: ...


@dataclass
class AppState:
    settings: Settings
    db: Database
    store: FileStore
    bus: EventBus = field(default_factory=EventBus)
    jobs: Workers | None = None  # the job workers (jobs.JobQueue), started by the app's lifespan

    @classmethod
    def from_settings(cls, settings: Settings) -> AppState:
        settings.ensure_dirs()
        return cls(
            settings=settings,
            db=Database(settings.resolved_database_url, settings.count_queries),
            store=FileStore(settings.file_store_root),
        )

    def wake_workers(self) -> None:
        if self.jobs is not None:
            self.jobs.wake()
