"""Playlist movies and archives: builds through the job queue, build jobs, ZIP download.

GET    /data/playlists/{playlist_id}/jobs/{build_job_id}             a build job (manager, client)
DELETE /data/playlists/{playlist_id}/jobs/{build_job_id}             remove it and its movie
GET    /data/playlists/{playlist_id}/build/mp4                       start a build (manager)
GET    /data/playlists/{playlist_id}/jobs/{build_job_id}/build/mp4   the built movie (400 before)
GET    /data/playlists/{playlist_id}/download/zip                    the previews' originals, zipped
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request
from litestar.response import Stream

from ..context import Ctx
from ..services import playlist_builds
from .endpoint import endpoint
from .files_http import file_response


@endpoint("GET", "/data/playlists/{playlist_id}/jobs/{build_job_id}")
async def get_build_job(ctx: Ctx, playlist_id: str, build_job_id: str) -> Any:
    return await playlist_builds.get_build_job(ctx, playlist_id, build_job_id)


@endpoint("DELETE", "/data/playlists/{playlist_id}/jobs/{build_job_id}")
async def delete_build_job(ctx: Ctx, playlist_id: str, build_job_id: str) -> Any:
    await playlist_builds.remove_build_job(ctx, playlist_id, build_job_id)
    return None, 204


@endpoint("GET", "/data/playlists/{playlist_id}/build/mp4", write=True)
async def get_build_movie(ctx: Ctx, playlist_id: str) -> Any:
    return await playlist_builds.start_build(ctx, playlist_id)


@endpoint("GET", "/data/playlists/{playlist_id}/jobs/{build_job_id}/build/mp4")
async def get_built_movie(ctx: Ctx, request: Request, playlist_id: str, build_job_id: str) -> Any:
    path, name = await playlist_builds.built_movie(ctx, playlist_id, build_job_id)
    return file_response(request, path, "video/mp4", download_name=name, attachment=True)


@endpoint("GET", "/data/playlists/{playlist_id}/download/zip")
async def get_playlist_zip(ctx: Ctx, playlist_id: str) -> Any:
    entries, name = await playlist_builds.archive(ctx, playlist_id)
    return Stream(
        content=playlist_builds.zip_chunks(entries),
        media_type="application/zip",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )


ROUTES = [
    get_build_job,
    delete_build_job,
    get_build_movie,
    get_built_movie,
    get_playlist_zip,
]
