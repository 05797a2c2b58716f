"""Preview processing in the job queue (zou-behaviour.md 3.4-3.6): the job builds the
derivatives (``media/``), moves them into the file store, and turns the preview ``ready`` (or
``broken``, with the reason in ``data.broken_reason``), emitting ``preview-file:update``.
``JOB_KINDS`` is handed to the job queue by the app.
"""

from __future__ import annotations

import asyncio
from typing import Any

from .. import events, rows
from ..context import Ctx
from ..jobs import JobFailed, JobKind, JobRunner
from ..media import MediaError
from ..models import (
    PreviewFile,
    Task,
)  # fmt: skip
from ..storage import remove_tree
from .previews import DEFAULT_FPS
from .spec import Row


async def mark_broken(runner: JobRunner, job: Row, reason: str) -> None:
    async with runner.unit() as ctx:
        preview = await rows.fetch_one(ctx.conn, PreviewFile, job["object_id"])
        if preview is None:
            return
        data = {**(preview["data"] or {}), "broken_reason": reason}
        await _update_preview(ctx, preview, {"status": "broken", "data": data})


async def process_picture(runner: JobRunner, job: Row) -> None:
    from ..media import make_picture_derivatives

    store = runner.store
    source = store.root / job["payload"]["upload"]
    work = store.work_dir(f"job-{job['id']}")
    try:
        derivatives = await _media(make_picture_derivatives, source, work)
        _store_pictures(runner, job["object_id"], derivatives)
        async with runner.unit() as ctx:
            preview = await _preview_still_there(ctx, job["object_id"])
            await _update_preview(
                ctx,
                preview,
                {
                    "status": "ready",
                    "width": derivatives.width,
                    "height": derivatives.height,
                    "file_size": derivatives.file_size,
                },
            )
    finally:
        remove_tree(work)
    source.unlink(missing_ok=True)


async def process_movie(runner: JobRunner, job: Row) -> None:
    from ..media import (
        extract_frame,
        make_picture_derivatives,
        make_tile,
        normalize_movie,
        probe_movie,
    )

    store = runner.store
    payload = job["payload"]
    preview_id = job["object_id"]
    source = store.root / payload["upload"]
    work = store.work_dir(f"job-{job['id']}")
    try:
        info = await _media(probe_movie, source)
        original = {
            "original_width": info.width,
            "original_height": info.height,
            "original_duration": info.duration,
            "original_file_size": info.file_size,
        }
        if payload.get("normalize", True):
            movie = await _media(
                normalize_movie,
                source,
                work,
                payload.get("width"),
                payload.get("height") or 1080,
                payload.get("fps") or DEFAULT_FPS,
                hd_bitrate=payload.get("hd_bitrate", 28),
                ld_bitrate=payload.get("ld_bitrate", 6),
                threads=0,
            )
            if movie.highdef is not None:
                store.put_file("movies", "previews", preview_id, movie.highdef, move=True)
            store.put_file("movies", "lowdef", preview_id, movie.lowdef, move=True)
            if movie.tile is not None:
                store.put_file("pictures", "tiles", preview_id, movie.tile, move=True)
            frame = movie.thumbnail
            values = {
                "width": movie.width,
                "height": movie.height,
                "duration": movie.duration,
                "file_size": movie.file_size,
            }
        else:
            frame = work / "frame.png"
            await _media(extract_frame, source, 1, frame)
            tile = work / "tile.png"
            await _media(make_tile, source, tile)
            store.put_file("pictures", "tiles", preview_id, tile, move=True)
            store.put_file("movies", "previews", preview_id, source)
            values = {
                "width": info.width,
                "height": info.height,
                "duration": info.duration,
                "file_size": info.file_size,
            }
        _store_pictures(runner, preview_id, await _media(make_picture_derivatives, frame, work))
        if runner.settings.preview_save_source_file:
            store.put_file("movies", "source", preview_id, source)
        async with runner.unit() as ctx:
            preview = await _preview_still_there(ctx, preview_id)
            data = {**(preview["data"] or {}), **original}
            await _update_preview(ctx, preview, {"status": "ready", "data": data, **values})
    finally:
        remove_tree(work)
    source.unlink(missing_ok=True)


async def _preview_still_there(ctx: Ctx, preview_id: str) -> Row:
    """The preview the job works for; deleted meanwhile, the job ends as an expected failure
    (logged without a traceback)."""
    preview = await rows.fetch_one(ctx.conn, PreviewFile, preview_id)
    if preview is None:
        raise JobFailed("the preview was deleted before its processing ended")
    return preview


async def _media(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a media function off the loop; an unreadable input is an expected job failure."""
    try:
        return await asyncio.to_thread(function, *args, **kwargs)
    except MediaError as error:
        raise JobFailed(str(error)) from None


def _store_pictures(runner: JobRunner, preview_id: str, derivatives: Any) -> None:
    for prefix, path in (
        ("original", derivatives.original),
        ("previews", derivatives.previews),
        ("thumbnails", derivatives.thumbnails),
        ("thumbnails-square", derivatives.thumbnails_square),
    ):
        runner.store.put_file("pictures", prefix, preview_id, path, move=True)


async def _update_preview(ctx: Ctx, preview: Row, values: dict[str, Any]) -> Row:
    updated = await rows.update_row(ctx.conn, PreviewFile, preview["id"], values)
    task = await rows.fetch_one(ctx.conn, Task, preview["task_id"]) if preview["task_id"] else None
    await events.emit(
        ctx,
        "preview-file:update",
        {"preview_file_id": preview["id"]},
        task["project_id"] if task else None,
    )
    return updated


JOB_KINDS = {
    "preview-picture": JobKind(run=process_picture, fail=mark_broken),
    "preview-movie": JobKind(run=process_movie, fail=mark_broken),
}
