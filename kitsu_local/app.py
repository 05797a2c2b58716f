"""The ASGI application: ``create_app()`` builds Litestar with every API route under ``/api``,
Zou's error bodies for every failure, and the web UI at ``/``."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Request, Response
from litestar.config.cors import CORSConfig
from litestar.exceptions import HTTPException, NotFoundException

from . import registry
from .api import ROUTE_HANDLERS
from .api.endpoint import json_response
from .app_routing import ApiRouter, KitsuApp
from .app_state import AppState
from .errors import INTERNAL_ERROR_MESSAGE, NOT_FOUND_MESSAGE, ApiError
from .jobs import JobQueue
from .services import init_data, kv, playlist_builds, preview_jobs
from .settings import Settings
from .storage import remove_tree
from .webui import web_ui_handlers

log = logging.getLogger("kitsu_local")

API_PREFIX = "/api"
# Every kind of background job, by name (the job queue imports no service).
JOB_KINDS = {**preview_jobs.JOB_KINDS, **playlist_builds.JOB_KINDS}
HOUSEKEEPING_SECONDS = 3600
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Content-Security-Policy": "frame-ancestors 'self'",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def create_app(settings: Settings | None = None, state: AppState | None = None) -> Litestar:
    settings = settings or Settings()
    state = state or AppState.from_settings(settings)
    registry.install()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await init_data.prepare_database(state)
        remove_tree(state.store.root / "tmp")  # work folders of interrupted requests and jobs
        state.jobs = JobQueue(state, asyncio.get_running_loop(), JOB_KINDS)
        resumed = await state.jobs.recover()
        if resumed:
            log.info("resuming %d interrupted job(s)", resumed)
        state.jobs.start()
        housekeeping = asyncio.create_task(_purge_expired_state(state))
        # Started: the collector comes back (``serve`` loads with it off, __main__.py), and
        # what start-up made is frozen out of its reach (collections then skip it).
        gc.enable()
        gc.freeze()
        try:
            yield
        finally:
            housekeeping.cancel()
            await asyncio.to_thread(state.jobs.stop)
            await state.db.dispose()

    cors = None
    origins = [item for item in settings.cors_allowed_origins.split(";") if item]
    if origins:
        cors = CORSConfig(allow_origins=origins, allow_credentials=True)

    app = KitsuApp(
        route_handlers=[ApiRouter(API_PREFIX, route_handlers=ROUTE_HANDLERS), *web_ui_handlers()],
        exception_handlers={
            ApiError: _api_error,
            HTTPException: _http_error,
            Exception: _unexpected_error,
        },
        after_request=_security_headers,
        lifespan=[lifespan],
        cors_config=cors,
        request_max_body_size=None,
        openapi_config=None,
        debug=False,
    )
    app.state.kitsu = state
    return app


def create_server_app(settings: Settings | None = None) -> Any:
    """What ``serve`` runs: the API app with the live event stream beside it (``/socket.io``,
    same process and port; ``event_stream.py``)."""
    from .event_stream import with_event_stream

    settings = settings or Settings()
    state = AppState.from_settings(settings)
    return with_event_stream(create_app(settings, state), state)


async def _purge_expired_state(state: AppState) -> None:
    """Drop expired key/value rows (revoked tokens, codes, challenges): once the server is up
    (a second after it starts listening), then every hour. A write only when there is some:
    a write, even an empty one, makes the requests after it read their caller again."""
    delay = 1.0
    while True:
        await asyncio.sleep(delay)
        delay = HOUSEKEEPING_SECONDS
        try:
            async with state.db.read() as conn:
                due = await kv.any_expired(conn)
            if due:
                async with state.db.write() as conn:
                    await kv.purge_expired(conn)
        except Exception:  # housekeeping never stops the server
            log.exception("purging expired key/value rows failed")


def _api_error(_: Request, error: ApiError) -> Response:
    return json_response(error.body, error.status_code)


def _http_error(_: Request, error: HTTPException) -> Response:
    if isinstance(error, NotFoundException) or error.status_code == 404:
        return json_response({"error": True, "message": NOT_FOUND_MESSAGE}, 404)
    return json_response({"error": True, "message": str(error.detail)}, error.status_code)


def _unexpected_error(request: Request, error: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    return json_response({"error": True, "message": INTERNAL_ERROR_MESSAGE}, 500)


async def _security_headers(response: Response) -> Response:
    for key, value in SECURITY_HEADERS.items():
        response.headers.setdefault(key, value)
    return response
