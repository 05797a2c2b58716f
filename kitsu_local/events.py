"""Events: every mutation writes an ``api_event`` row in the same transaction as the change, and
is published to live listeners once that transaction commits (zou-behaviour.md 4.1-4.2).

Names are ``<object>:<action>``; the payload carries ``<table>_id`` and ``project_id`` when the
change is scoped to a project.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert

from .models import ApiEvent
from .models.base import new_id, utc_now

if TYPE_CHECKING:
    from .context import Ctx

log = logging.getLogger(__name__)

Listener = Callable[[str, dict[str, Any]], Awaitable[None] | None]


async def emit(
    ctx: Ctx,
    name: str,
    data: dict[str, Any],
    project_id: str | None = None,
    persist: bool = True,
) -> None:
    name = name.lower()
    payload = dict(data)
    if project_id is not None and project_id != "None":
        payload["project_id"] = project_id
    else:
        project_id = None
    if persist:
        await ctx.conn.execute(
            insert(ApiEvent).values(
                id=new_id(),
                created_at=utc_now(),
                updated_at=utc_now(),
                name=name,
                user_id=ctx.actor.id if ctx.actor is not None else None,
                project_id=project_id,
                data=payload,
            )
        )
    ctx.pending_events.append({"name": name, "data": payload})


class EventBus:
    """In-process fan-out of committed events (the Socket.IO stream subscribes here)."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        self._listeners.remove(listener)

    async def publish(self, events: list[dict[str, Any]]) -> None:
        for event in events:
            for listener in list(self._listeners):
                try:
                    result = listener(event["name"], event["data"])
                    if asyncio.iscoroutine(result):
                        await result
                except Exception:  # a listener never breaks the request that emitted
                    log.exception("event listener failed on %s", event["name"])
