"""API root, status and configuration routes (zou-behaviour.md 7).

GET  /                   API name and version (HEAD too: gazu's host_is_up)
GET  /status             service health
GET  /status.txt         the same as text
GET  /status/influx      the same as 0/1 numbers with a timestamp
GET  /status/resources   CPU, memory and jobs
GET  /status/test-event  emits a main:test event
GET  /stats              preview and comment counts (admin)
GET  /config             what the login page needs
"""

from __future__ import annotations

import asyncio
import datetime
import time

from litestar import Response, head
from sqlalchemy import func, select

from .. import ZOU_COMPATIBLE_VERSION, __version__, events
from ..context import Ctx
from ..jobs import running_count
from ..models import Comment, PreviewFile, ProjectStatus
from ..services.init_data import ensure_organisation
from .endpoint import endpoint


@endpoint("GET", "/", auth=False)
async def get_api_root(ctx: Ctx) -> dict:
    return {"api": "Zou", "version": ZOU_COMPATIBLE_VERSION, "kitsu_local": __version__}


@head("/", name="head:/", status_code=200)
async def head_api_root() -> None:
    return None


async def _health(ctx: Ctx) -> dict[str, bool]:
    try:
        await ctx.conn.execute(select(func.count()).select_from(ProjectStatus))
        database_up = True
    except Exception:  # the status route reports a broken database, it never fails on it
        database_up = False
    return {
        "database-up": database_up,
        "key-value-store-up": database_up,  # the key/value store is a table of that database
        "event-stream-up": ctx.state.bus.streaming,  # Socket.IO at /socket.io, same process
        "job-queue-up": ctx.state.jobs is not None,
        "indexer-up": False,
    }


@endpoint("GET", "/status", auth=False)
async def get_status(ctx: Ctx) -> dict:
    return {"name": "Zou", "version": ZOU_COMPATIBLE_VERSION, **await _health(ctx)}


@endpoint("GET", "/status.txt", auth=False)
async def get_status_text(ctx: Ctx) -> Response:
    health = await _health(ctx)
    lines = ["name: Zou", f"version: {ZOU_COMPATIBLE_VERSION}"] + [
        f"{key}: {'up' if health[key] else 'down'}"
        for key in (
            "database-up",
            "event-stream-up",
            "key-value-store-up",
            "job-queue-up",
            "indexer-up",
        )
    ]
    return Response(content="\n".join(lines), media_type="text")


@endpoint("GET", "/status/influx", auth=False)
async def get_status_influx(ctx: Ctx) -> dict:
    health = await _health(ctx)
    return {**{key: int(value) for key, value in health.items()}, "time": time.time()}


@endpoint("GET", "/status/resources", auth=False)
async def get_status_resources(ctx: Ctx) -> dict:
    import psutil  # loads on first use

    percents = await asyncio.to_thread(psutil.cpu_percent, interval=1, percpu=True)
    load1, load5, load15 = psutil.getloadavg()
    memory = psutil.virtual_memory()
    return {
        "date": datetime.datetime.now().isoformat(),
        "cpu": {
            "percent": percents,
            "loadavg": {"last 1 min": load1, "last 5 min": load5, "last 10 min": load15},
        },
        "memory": {
            "total": memory.total,
            "used": memory.used,
            "available": memory.available,
            "percent": memory.percent,
        },
        "jobs": {"running_jobs": await running_count(ctx)},
    }


@endpoint("GET", "/status/test-event", auth=False)
async def get_test_event(ctx: Ctx) -> dict:
    await events.emit(ctx, "main:test", {}, persist=False)
    return {"success": True}


@endpoint("GET", "/stats")
async def get_stats(ctx: Ctx) -> dict:
    ctx.me.require_admin()

    async def count(*conditions: object) -> int:
        return (
            await ctx.conn.execute(select(func.count()).select_from(PreviewFile).where(*conditions))
        ).scalar_one()

    comments = (await ctx.conn.execute(select(func.count()).select_from(Comment))).scalar_one()
    return {
        "number_of_video_previews": await count(PreviewFile.extension == "mp4"),
        "number_of_picture_previews": await count(PreviewFile.extension == "png"),
        "number_of_model_previews": await count(PreviewFile.extension == "obj"),
        "number_of_comments": comments,
    }


@endpoint("GET", "/config", auth=False, write=True)  # creates the organisation row if missing
async def get_config(ctx: Ctx) -> dict:
    settings = ctx.settings
    organisation = await ensure_organisation(ctx.conn)
    return {
        "is_self_hosted": True,
        "crisp_token": "",
        "dark_theme_by_default": bool(organisation["dark_theme_by_default"]),
        "indexer_configured": False,
        "saml_enabled": False,
        "saml_idp_name": "",
        "oidc_enabled": False,
        "oidc_idp_name": "",
        "default_locale": settings.default_locale,
        "default_timezone": settings.default_timezone,
        "enforce_2fa": settings.enforce_2fa,
        "movie_highdef_bitrate": settings.movie_highdef_bitrate,
        "movie_lowdef_bitrate": settings.movie_lowdef_bitrate,
        "preview_accounts_enabled": settings.preview_accounts_enabled,
    }


ROUTES = [
    get_api_root, head_api_root, get_status, get_status_text, get_status_influx,
    get_status_resources, get_test_event, get_stats, get_config,
]  # fmt: skip
