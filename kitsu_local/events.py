"""Events: every mutation writes an ``api_event`` row in the same transaction as the change, and
is published to live listeners once that transaction commits (zou-behaviour.md 4.1-4.2).

Names are ``<object>:<action>``; the payload carries ``<table>_id`` and ``project_id`` when the
change is scoped to a project.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from .models import ApiEvent
from .models.base import new_id, utc_now

log = logging.getLogger(__name__)

Listener = Callable[[str, dict[str, Any]], Awaitable[None] | None]


class UnitOfWork(Protocol):
    """What ``emit`` needs of a ``context.Ctx``: its transaction, who acts, and the events to
    publish once it commits (a protocol, so that this module stays below ``context``)."""

    conn: AsyncConnection
    pending_events: list[dict[str, Any]]

    @property
    def actor_id(self) -> str | None: ...


async def emit(
    ctx: UnitOfWork,
    name: str,
    data: dict[str, Any],
    project_id: str | None = None,
    persist: bool = True,
) -> None:
    await emit_many(ctx, name, [(data, project_id)], persist)


async def emit_many(
    ctx: UnitOfWork,
    name: str,
    payloads: list[tuple[dict[str, Any], str | None]],
    persist: bool = True,
) -> None:
    """The same event for many rows (``(data, project_id)`` each), written in one statement."""
    if not payloads:
        return
    name = name.lower()
    now = utc_now()
    values = []
    for data, project_id in payloads:
        if project_id == "None":  # Zou's str() of a missing project
            project_id = None
        payload = {**data, **({"project_id": project_id} if project_id else {})}
        values.append(
            {"id": new_id(), "created_at": now, "updated_at": now, "name": name,
             "user_id": ctx.actor_id, "project_id": project_id or None, "data": payload}
        )  # fmt: skip
        ctx.pending_events.append({"name": name, "data": payload})
    if persist:
        await ctx.conn.execute(insert(ApiEvent), values)


class EventBus:
    """In-process fan-out of committed events (the Socket.IO stream subscribes here)."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self.streaming = False  # the Socket.IO stream listens (event_stream.py)

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
