"""The event log (``api_event``) as read through the API (zou-behaviour.md 4.4, 4.5)."""

from __future__ import annotations

from .crud import CrudHooks

MAX_EVENTS = 1000


class EventLogHooks(CrudHooks):
    def list_limit(self) -> int | None:
        return MAX_EVENTS
