"""The live event stream (zou-behaviour.md 4.6, 4.7): Socket.IO served by the same process and
port as the API, at Zou's path (``/socket.io``) and namespace (``/events``), so that
``gazu.events.init(client)`` and Kitsu-style clients connect unchanged.

A client connects with its JWT (``Authorization: Bearer`` header, the access cookie, or
``{"token": ...}`` in the Socket.IO auth payload, which a browser or a desktop app sends) and
is refused without a valid one, with Zou's reason in its ``connect_error``. Every committed
event (the ``EventBus`` publishes after the commit, job results included) goes to every
connected client of the namespace with Zou's name and payload, as Zou's event stream does:
clients filter by ``project_id`` themselves. The review rooms (``preview-room:*`` messages)
are in ``event_rooms.py``.
"""

from __future__ import annotations

import logging
from http.cookies import SimpleCookie
from typing import Any

import socketio

from .app_state import AppState
from .context import Ctx
from .errors import ApiError
from .event_rooms import ReviewRooms
from .services import identity, tokens

log = logging.getLogger(__name__)
NAMESPACE = "/events"
COOKIE = "access_token_cookie"
MISSING_TOKEN_MESSAGE = (
    "Missing access token: send the Kitsu cookie, an Authorization header, "
    'or {"token": "<access token>"} in the socket.io auth payload.'
)
REFUSALS = {  # our API's message -> the event stream's reason, as Zou words them
    "Signature has expired": "Access token expired.",
    "Token has been revoked": "Access token revoked.",
    "Only non-refresh tokens are allowed": "A refresh token was given: send the access token.",
}


def _token(environ: dict[str, Any]) -> str | None:
    header = environ.get("HTTP_AUTHORIZATION") or ""
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    cookies = SimpleCookie(environ.get("HTTP_COOKIE") or "")
    return cookies[COOKIE].value if COOKIE in cookies else None


def refusal(error: ApiError) -> str:
    """Zou's reason for a refused connection (``socket_auth.auth_error_message``)."""
    message = str(error.body.get("msg") or error.body.get("message") or "")
    if message == tokens.MISSING_TOKEN:
        return MISSING_TOKEN_MESSAGE
    if error.body.get("two_factor_authentication_required"):
        return "Two-factor authentication setup is required."
    if message in REFUSALS:
        return REFUSALS[message]
    return "Unknown account." if error.status_code == 401 else "Invalid access token."


def event_server(state: AppState) -> socketio.AsyncServer:
    """The Socket.IO server, fed by the state's event bus."""
    server = socketio.AsyncServer(async_mode="asgi", cors_allowed_origins="*", logger=False)
    rooms = ReviewRooms(server, state, NAMESPACE)

    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        token = _token(environ)
        if token is None and isinstance(auth, dict) and isinstance(auth.get("token"), str):
            token = auth["token"] or None
        try:
            async with state.db.read() as conn:
                await identity.authenticate(Ctx(conn=conn, state=state), token)
        except ApiError as error:  # Zou refuses a client without a valid token, saying why
            raise socketio.exceptions.ConnectionRefusedError(refusal(error)) from None
        await server.save_session(sid, {"token": token}, namespace=NAMESPACE)

    async def disconnect(sid: str, *_: Any) -> None:
        await rooms.disconnected(sid)

    server.on("connect", connect, namespace=NAMESPACE)
    server.on("disconnect", disconnect, namespace=NAMESPACE)
    rooms.install()

    async def broadcast(name: str, data: dict[str, Any]) -> None:
        await server.emit(name, data, namespace=NAMESPACE)

    state.bus.subscribe(broadcast)
    state.bus.streaming = True
    return server


def with_event_stream(app: Any, state: AppState) -> socketio.ASGIApp:
    """The ASGI application serving ``/socket.io`` beside ``app`` (which keeps the rest,
    its lifespan included)."""
    return socketio.ASGIApp(event_server(state), other_asgi_app=app, socketio_path="socket.io")
