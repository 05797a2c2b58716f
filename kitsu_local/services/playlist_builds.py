"""Playlist builds (Zou's ``playlist_builds_service``): the movie of a playlist, built by the job
queue from its previews' movies, and the ZIP of its previews' originals.

A build is a ``build_job`` row (``running``, then ``succeeded`` or ``failed`` with a
``message``) and a job of the queue, so it resumes after a crash; its movie is stored as
``movies/playlists-<build job id>``. Only the movie previews are concatenated, as Zou does
(``only_movies``): the pictures of a playlist are left out of its movie. ``JOB_KINDS`` is handed
to the job queue by the app.
"""

from __future__ import annotations

import asyncio
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from .. import events, jobs, rows
from ..context import Ctx
from ..errors import ApiError, BadRequest, NotFound, PermissionDenied
from ..jobs import JobFailed, JobKind, JobRunner
from ..media import MediaError
from ..models import BuildJob, Entity, Organisation, Playlist, PreviewFile, Project, Task, TaskType
from ..models.base import utc_now
from ..storage import FileStore, remove_tree
from .crud import fetch, serialize_plain
from .file_trees import slugify
from .previews import DEFAULT_FPS, parse_fps, parse_resolution
from .project_news import full_entity_names
from .spec import Row, spec_for_table

JOB_KIND = "playlist-movie"
# Where the movie of a preview may be, best first (the normalisation settings decide).
MOVIE_PREFIXES = ("previews", "lowdef", "source")
ZIP_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class ArchiveEntry:
    name: str
    path: Path


# ==== access =================================================================================
async def _playlist(ctx: Ctx, playlist_id: str) -> Row:
    return await rows.fetch_or_404(ctx.conn, Playlist, playlist_id)


def check_playlist_access(ctx: Ctx, playlist: Row, supervisor_access: bool = False) -> None:
    """Zou's check_playlist_access: managers; clients for the playlists shared with them;
    supervisors too when ``supervisor_access`` (the downloads). Vendors never."""
    me = ctx.me
    me.require_not_vendor()
    project_id = playlist["project_id"]
    me.require_member(project_id)
    role = me.role_in(project_id)
    if me.is_manager_of(project_id):
        return
    if role == "client" and playlist["for_client"]:
        return
    if supervisor_access and role == "supervisor":
        return
    raise PermissionDenied()


async def _build_job_of(ctx: Ctx, playlist: Row, build_job_id: str) -> Row:
    job = await rows.fetch_or_404(ctx.conn, BuildJob, build_job_id)
    if job["playlist_id"] != playlist["id"]:
        raise NotFound()
    return job


def _wire(job: Row) -> dict[str, Any]:
    return serialize_plain(spec_for_table("build_job"), [job])[0]


# ==== the build ==============================================================================
async def start_build(ctx: Ctx, playlist_id: str) -> dict[str, Any]:
    """GET /data/playlists/{id}/build/mp4: a ``running`` build job, the movie built by a job.
    One build at a time per playlist (Zou's unique job id): 409 while one runs."""
    playlist = await _playlist(ctx, playlist_id)
    ctx.me.require_manager(playlist["project_id"])
    running = await rows.first_where(
        ctx.conn,
        BuildJob,
        BuildJob.playlist_id == playlist["id"],
        BuildJob.status == "running",
    )
    if running is not None:
        raise ApiError(
            409, {"error": True, "message": "A build is already in progress for this playlist"}
        )
    project = await rows.fetch_or_404(ctx.conn, Project, playlist["project_id"])
    width, height = parse_resolution(project["resolution"]) or (None, 1080)
    preview_ids = [
        shot["preview_file_id"]
        for shot in playlist["shots"] or []
        if isinstance(shot, dict) and shot.get("preview_file_id")
    ]
    job = await rows.insert_row(
        ctx.conn,
        BuildJob,
        {"status": "running", "job_type": "movie", "playlist_id": playlist["id"]},
    )
    await events.emit(
        ctx,
        "build-job:new",
        {
            "build_job_id": job["id"],
            "playlist_id": playlist["id"],
            "created_at": _wire(job)["created_at"],
        },
        playlist["project_id"],
    )
    await jobs.enqueue(
        ctx,
        JOB_KIND,
        job["id"],
        {
            "preview_ids": preview_ids,
            "width": width,
            "height": height,
            "fps": parse_fps(project["fps"]) or DEFAULT_FPS,
        },
    )
    return _wire(job)


async def build_movie(runner: JobRunner, job: Row) -> None:
    """The job: concatenate the movies, then store the result and end the build job."""
    from ..media.playlist_movies import concat_movies

    payload = job["payload"]
    async with runner.unit(write=False) as ctx:
        if await rows.fetch_one(ctx.conn, BuildJob, job["object_id"]) is None:
            return  # deleted before its turn came
        previews = await _movie_previews(ctx, payload["preview_ids"])
    sources = [path for path in (_stored_movie(runner.store, p["id"]) for p in previews) if path]
    if not sources:
        raise JobFailed("The playlist has no movie preview to build from.")
    work = runner.store.work_dir(f"job-{job['id']}")
    try:
        target = work / "playlist.mp4"
        try:
            await asyncio.to_thread(
                concat_movies, sources, target, payload["width"], payload["height"], payload["fps"]
            )
        except MediaError as error:
            raise JobFailed(str(error)) from None
        async with runner.unit() as ctx:
            build_job = await rows.fetch_one(ctx.conn, BuildJob, job["object_id"])
            if build_job is None:
                return  # deleted while it was built: the movie is discarded with the work dir
            runner.store.put_file("movies", "playlists", build_job["id"], target, move=True)
            await _end(ctx, build_job, "succeeded", None)
    finally:
        remove_tree(work)


async def fail_build(runner: JobRunner, job: Row, reason: str) -> None:
    async with runner.unit() as ctx:
        build_job = await rows.fetch_one(ctx.conn, BuildJob, job["object_id"])
        if build_job is not None:
            await _end(ctx, build_job, "failed", reason)


async def _end(ctx: Ctx, build_job: Row, status: str, message: str | None) -> None:
    await rows.update_row(
        ctx.conn,
        BuildJob,
        build_job["id"],
        {"status": status, "ended_at": utc_now(), "message": message},
    )
    playlist = await rows.fetch_one(ctx.conn, Playlist, build_job["playlist_id"])
    await events.emit(
        ctx,
        "build-job:update",
        {
            "build_job_id": build_job["id"],
            "playlist_id": build_job["playlist_id"],
            "status": status,
            "message": message,
        },
        playlist["project_id"] if playlist else None,
    )


async def _movie_previews(ctx: Ctx, preview_ids: list[str]) -> list[Row]:
    """The movie previews among ``preview_ids``, in that order (one query)."""
    found = {
        preview["id"]: preview
        for preview in await rows.fetch_where(
            ctx.conn, PreviewFile, PreviewFile.id.in_(set(preview_ids))
        )
    }
    return [
        found[preview_id]
        for preview_id in preview_ids
        if preview_id in found and found[preview_id]["extension"] == "mp4"
    ]


def _stored_movie(store: FileStore, preview_id: str) -> Path | None:
    for prefix in MOVIE_PREFIXES:
        path = store.path("movies", prefix, preview_id)
        if path.is_file():
            return path
    return None


# ==== build jobs =============================================================================
async def get_build_job(ctx: Ctx, playlist_id: str, build_job_id: str) -> dict[str, Any]:
    playlist = await _playlist(ctx, playlist_id)
    check_playlist_access(ctx, playlist)
    return _wire(await _build_job_of(ctx, playlist, build_job_id))


async def remove_build_job(ctx: Ctx, playlist_id: str, build_job_id: str) -> None:
    """The row, its movie (a build still running discards its result) and ``build-job:delete``."""
    playlist = await _playlist(ctx, playlist_id)
    check_playlist_access(ctx, playlist)
    job = await _build_job_of(ctx, playlist, build_job_id)
    await rows.delete_where(ctx.conn, BuildJob, BuildJob.id == job["id"])
    ctx.state.store.delete("movies", "playlists", job["id"])
    await events.emit(
        ctx,
        "build-job:delete",
        {"build_job_id": job["id"], "playlist_id": playlist["id"]},
        playlist["project_id"],
    )


async def built_movie(ctx: Ctx, playlist_id: str, build_job_id: str) -> tuple[Path, str]:
    """The stored movie of a succeeded build and its download name (400 before it is done)."""
    playlist = await _playlist(ctx, playlist_id)
    check_playlist_access(ctx, playlist, supervisor_access=True)
    job = await _build_job_of(ctx, playlist, build_job_id)
    if job["status"] != "succeeded":
        raise BadRequest("Build is not finished")
    created = slugify(_wire(job)["created_at"], separator="").replace("t", "_")
    context = await _context_name(ctx, playlist)
    name = f"{created}_{context}_{slugify(playlist['name'], separator='_')}.mp4"
    return ctx.state.store.path("movies", "playlists", job["id"]), name


async def _context_name(ctx: Ctx, playlist: Row) -> str:
    """Zou's download context: the project's slug, plus the episode's for a TV show."""
    project = await rows.fetch_or_404(ctx.conn, Project, playlist["project_id"])
    name = slugify(project["name"], separator="_")
    if project["production_type"] != "tvshow":
        return name
    if playlist["episode_id"] is not None:
        episode = await rows.fetch_one(ctx.conn, Entity, playlist["episode_id"])
        episode_name = episode["name"] if episode else ""
    elif playlist["is_for_all"]:
        episode_name = "all assets" if playlist["for_entity"] == "asset" else "all shots"
    else:
        episode_name = "main pack"
    return f"{name}_{slugify(episode_name, separator='_')}"


# ==== the archive ============================================================================
async def archive(ctx: Ctx, playlist_id: str) -> tuple[list[ArchiveEntry], str]:
    """What GET .../download/zip streams: every preview of the revisions the playlist shows
    (Zou's ``full``), named as the preview downloads, and the archive's name."""
    playlist = await _playlist(ctx, playlist_id)
    check_playlist_access(ctx, playlist, supervisor_access=True)
    preview_ids = [
        shot["preview_file_id"]
        for shot in playlist["shots"] or []
        if isinstance(shot, dict) and shot.get("preview_file_id")
    ]
    shown = await rows.fetch_where(ctx.conn, PreviewFile, PreviewFile.id.in_(set(preview_ids)))
    by_id = {preview["id"]: preview for preview in shown}
    revisions = [
        (by_id[preview_id]["task_id"], by_id[preview_id]["revision"])
        for preview_id in preview_ids
        if preview_id in by_id
    ]
    siblings = await _revision_previews(ctx, revisions)
    previews = [preview for revision in revisions for preview in siblings.get(revision, [])]
    names = await _download_names(ctx, previews)
    entries: list[ArchiveEntry] = []
    used: set[str] = set()
    for index, preview in enumerate(previews):
        path = _original(ctx.state.store, preview)
        if path is None:
            continue
        name = names[preview["id"]]
        # Two entries of one name: the extraction would keep one (Zou prefixes the copy).
        if name in used:
            name = f"{index:04d}_{name}"
        used.add(name)
        entries.append(ArchiveEntry(name, path))
    context = await _context_name(ctx, playlist)
    return entries, f"{context}_{slugify(playlist['name'], separator='_')}.zip"


async def _revision_previews(
    ctx: Ctx, revisions: Iterable[tuple[str, int]]
) -> dict[tuple[str, int], list[Row]]:
    """``{(task id, revision): its previews by position}`` in one query."""
    wanted = set(revisions)
    if not wanted:
        return {}
    query = (
        select(PreviewFile.__table__)
        .where(PreviewFile.task_id.in_({task_id for task_id, _ in wanted}))
        .order_by(PreviewFile.position)
    )
    grouped: dict[tuple[str, int], list[Row]] = {}
    for preview in await fetch(ctx, query):
        key = (preview["task_id"], preview["revision"])
        if key in wanted:
            grouped.setdefault(key, []).append(preview)
    return grouped


async def _download_names(ctx: Ctx, previews: list[Row]) -> dict[str, str]:
    """Zou's preview file names, ``<project>_<entity full name>_<task type>_v<revision>``
    slugified (``-<position>`` past the first), or the original name when the organisation says
    so; a constant number of queries."""
    organisation = await rows.first_where(ctx.conn, Organisation, Organisation.id.is_not(None))
    original = bool(organisation and organisation["use_original_file_name"])
    tasks = await _by_id(ctx, Task, {preview["task_id"] for preview in previews})
    task_types = await _by_id(ctx, TaskType, {task["task_type_id"] for task in tasks.values()})
    projects = await _by_id(ctx, Project, {task["project_id"] for task in tasks.values()})
    entities = await full_entity_names(ctx, [task["entity_id"] for task in tasks.values()])
    names = {}
    for preview in previews:
        if original and preview["original_name"] is not None:
            name = preview["original_name"]
        else:
            task = tasks.get(preview["task_id"]) or {}
            parts = (
                projects.get(task.get("project_id"), {}).get("name", ""),
                entities.get(task.get("entity_id"), ("", None))[0],
                task_types.get(task.get("task_type_id"), {}).get("name", ""),
            )
            name = slugify(f"{'_'.join(parts)}_v{preview['revision']}", separator="_")
        if (preview["position"] or 0) > 1:
            name = f"{name}-{preview['position']}"
        names[preview["id"]] = f"{name}.{preview['extension']}"
    return names


async def _by_id(ctx: Ctx, model: Any, ids: set[Any]) -> dict[str, Row]:
    ids.discard(None)
    if not ids:
        return {}
    return {row["id"]: row for row in await rows.fetch_where(ctx.conn, model, model.id.in_(ids))}


def _original(store: FileStore, preview: Row) -> Path | None:
    """The file Zou zips: the movie, the original picture, or the file as uploaded."""
    extension = preview["extension"]
    if extension == "mp4":
        return _stored_movie(store, preview["id"])
    bucket, prefix = ("pictures", "original") if extension == "png" else ("files", "previews")
    path = store.path(bucket, prefix, preview["id"])
    return path if path.is_file() else None


class _Sink(io.RawIOBase):
    """The unseekable file ``zipfile`` writes into: what it wrote is taken chunk by chunk."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        parts, self._parts = self._parts, []
        return b"".join(parts)


def zip_chunks(entries: list[ArchiveEntry]) -> Iterator[bytes]:
    """The archive of ``entries`` (stored, as Zou's), built file by file while it is sent: one
    chunk of a file in memory at a time."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_STORED) as archive:
        for entry in entries:
            info = zipfile.ZipInfo.from_file(entry.path, entry.name)
            with archive.open(info, "w") as out, entry.path.open("rb") as source:
                for chunk in iter(lambda: source.read(ZIP_CHUNK), b""):
                    out.write(chunk)
                    yield sink.take()
        yield sink.take()
    yield sink.take()


JOB_KINDS = {JOB_KIND: JobKind(run=build_movie, fail=fail_build)}
