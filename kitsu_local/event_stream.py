"""The live event stream (zou-behaviour.md 4.6, 4.7): Socket.IO served by the same process and
port as the API, at Zou's path (``/socket.io``) and namespace (``/events``), so that
``gazu.events.init(client)`` and Kitsu-style clients connect unchanged.

A client connects with its JWT (``Authorization: Bearer`` header, or the access cookie) and
is refused without a valid one. Every committed event (the ``EventBus`` publishes after the
commit, job results included) goes to every connected client of the namespace with Zou's name
and payload, as Zou's event stream does: clients filter by ``project_id`` themselves.
"""

from __future__ import annotations

import logging
from http.cookies import SimpleCookie
from typing import Any

import socketio

from .app_state import AppState
from .context import Ctx
from .errors import ApiError
from .services import identity

log = logging.getLogger(__name__)
NAMESPACE = "/events"
COOKIE = "access_token_cookie"


def _token(environ: dict[str, Any]) -> str | None:
    header = environ.get("HTTP_AUTHORIZATION") or ""
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    cookies = SimpleCookie(environ.get("HTTP_COOKIE") or "")
    return cookies[COOKIE].value if COOKIE in cookies else None


def event_server(state: AppState) -> socketio.AsyncServer:
    """The Socket.IO server, fed by the state's event bus."""
    server = socketio.AsyncServer(async_mode="asgi", cors_allowed_origins="*", logger=False)

    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
        token = _token(environ)
        if token is None and isinstance(auth, dict):
            token = auth.get("token") or None
        try:
            async with state.db.read() as conn:
                await identity.authenticate(Ctx(conn=conn, state=state), token)
        except ApiError:
            return False  # Zou disconnects a client without a valid token
        return True

    server.on("connect", connect, namespace=NAMESPACE)

    async def broadcast(name: str, data: dict[str, Any]) -> None:
        await server.emit(name, data, namespace=NAMESPACE)

    state.bus.subscribe(broadcast)
    state.bus.streaming = True
    return server


def with_event_stream(app: Any, state: AppState) -> socketio.ASGIApp:
    """The ASGI application serving ``/socket.io`` beside ``app`` (which keeps the rest,
    its lifespan included)."""
    return socketio.ASGIApp(event_server(state), other_asgi_app=app, socketio_path="socket.io")
