"""Previews and attachments travel with their records.

Pull: every object the remote serves for a preview (Zou's ``sync-full-files`` table,
zou-behaviour.md 5.6) is downloaded, streamed, into the same key of the local store (both
stores use Zou's layout), unless it is already there. A preview still processing on the remote
is fetched by a later pull. Push: a preview new on the remote gets its original uploaded
through the remote's upload route, and the remote transcodes it as any upload.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ..context import Ctx
from ..models import AttachmentFile, Comment, PreviewFile, Task
from .remote import RemoteError, RemoteUnavailable

if TYPE_CHECKING:
    from .engine import Run

MOVIE_OBJECTS = (
    ("movies", "previews", "/movies/originals/preview-files/{id}.mp4"),
    ("movies", "lowdef", "/movies/low/preview-files/{id}.mp4"),
    ("pictures", "tiles", "/movies/tiles/preview-files/{id}.png"),
)
PICTURE_OBJECTS = (
    ("pictures", "thumbnails", "/pictures/thumbnails/preview-files/{id}.png"),
    ("pictures", "thumbnails-square", "/pictures/thumbnails-square/preview-files/{id}.png"),
    ("pictures", "previews", "/pictures/previews/preview-files/{id}.png"),
    ("pictures", "original", "/pictures/originals/preview-files/{id}.png"),
)


def preview_objects(preview: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(bucket, prefix, remote path) of every object of a preview."""
    extension = (preview.get("extension") or "").lower()
    if extension == "mp4":
        objects = [*MOVIE_OBJECTS, *PICTURE_OBJECTS]
    elif extension == "png":
        objects = list(PICTURE_OBJECTS)
    else:
        objects = [("files", "previews", f"/pictures/originals/preview-files/{{id}}.{extension}")]
    return [(bucket, prefix, path.format(id=preview["id"])) for bucket, prefix, path in objects]


async def pull_files(
    run: Run,
    project_ids: list[str] | None,
    preview_ids: dict[str, Any] | None = None,
    attachment_ids: dict[str, Any] | None = None,
) -> None:
    """Download what the local store lacks: for whole projects, or for given records."""
    async with run.app.db.read() as conn:
        ctx = Ctx(conn=conn, state=run.app)
        previews = await _rows(ctx, PreviewFile, project_ids, preview_ids)
        attachments = await _rows(ctx, AttachmentFile, project_ids, attachment_ids)
    store = run.app.store
    wanted: list[tuple[Path, str]] = []
    for preview in previews:
        if preview.get("status") not in ("ready", None):
            continue
        for bucket, prefix, path in preview_objects(preview):
            target = store.path(bucket, prefix, preview["id"])
            if not target.exists():
                wanted.append((target, path))
    for attachment in attachments:
        target = store.path("files", "attachments", attachment["id"])
        if not target.exists():
            wanted.append(
                (target, f"/data/attachment-files/{attachment['id']}/file/{attachment['name']}")
            )
    if not wanted:
        return
    run.progress.stage("files", len(wanted))
    for target, path in wanted:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            if await run.client.download(path, target):
                run.summary.files += 1
        except RemoteUnavailable:
            raise  # the remote is gone: stop (the next pull fetches what is missing)
        except RemoteError as error:
            run.error(f"file {path}: {error.status}")
        run.progress.advance()


async def _rows(
    ctx: Ctx, model: Any, project_ids: list[str] | None, ids: dict[str, Any] | None
) -> list[dict[str, Any]]:
    table = model.__table__
    if ids is not None:
        query = select(table).where(table.c.id.in_(list(ids)))
    elif project_ids:
        tasks = select(Task.id).where(Task.project_id.in_(project_ids))
        if model is PreviewFile:
            query = select(table).where(table.c.task_id.in_(tasks))
        else:
            comments = select(Comment.id).where(Comment.object_id.in_(tasks))
            query = select(table).where(table.c.comment_id.in_(comments))
    else:
        return []
    return [dict(row) for row in (await ctx.conn.execute(query)).mappings()]


async def push_preview(run: Run, preview: dict[str, Any]) -> bool:
    """Upload a local preview's original to the remote (the remote processes it)."""
    store = run.app.store
    extension = (preview.get("extension") or "").lower()
    candidates = (
        [("movies", "previews")] if extension == "mp4"
        else [("pictures", "original")] if extension == "png"
        else [("files", "previews")]
    )  # fmt: skip
    for bucket, prefix in candidates:
        source = store.path(bucket, prefix, preview["id"])
        if source.exists():
            # Named as the preview's original file: the remote reads its name from the upload.
            stem = preview.get("original_name") or preview["id"]
            upload = source.with_name(f"{stem}.{extension or 'bin'}")
            try:
                upload.hardlink_to(source)
            except OSError:
                upload = source
            try:
                await run.client.upload(f"/pictures/preview-files/{preview['id']}", upload)
            finally:
                if upload != source:
                    upload.unlink(missing_ok=True)
            run.summary.files += 1
            return True
    return False


async def push_attachment(run: Run, record: dict[str, Any]) -> dict[str, Any] | None:
    """Send an attachment made here with its file. No route takes an attachment's file for a
    given id: it goes through ``add-attachment`` of its comment, which answers the remote's new
    record; the local one then takes that id (and its file follows). Answers the remote record,
    or None when the file is not here (nothing sent)."""
    store = run.app.store
    source = store.path("files", "attachments", record["id"])
    if not source.exists():
        return None
    async with run.app.db.read() as conn:
        comment = (
            (
                await conn.execute(
                    Comment.__table__.select().where(Comment.id == record["comment_id"])
                )
            )
            .mappings()
            .first()
        )
    if comment is None:
        return None
    folder = store.work_dir("attachment")
    upload = folder / (record.get("name") or record["id"])
    try:
        try:
            upload.hardlink_to(source)
        except OSError:
            shutil.copyfile(source, upload)
        answer = await run.client.upload(
            f"/actions/tasks/{comment['object_id']}/comments/{comment['id']}/add-attachment", upload
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    known = await _attachment_ids(run, comment["id"])
    added = [
        item for item in answer or () if isinstance(item, dict) and item.get("id") not in known
    ]
    if not added:
        return None
    run.summary.files += 1
    return added[-1]


async def _attachment_ids(run: Run, comment_id: str) -> set[str]:
    async with run.app.db.read() as conn:
        query = select(AttachmentFile.id).where(AttachmentFile.comment_id == comment_id)
        return set((await conn.execute(query)).scalars())


def move_attachment(run: Run, old_id: str, new_id: str) -> None:
    store = run.app.store
    source, target = (store.path("files", "attachments", old_id),
                      store.path("files", "attachments", new_id))  # fmt: skip
    if source.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        source.replace(target)
