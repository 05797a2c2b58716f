"""Previews: adding them to comments, receiving uploads and reading them (zou-behaviour.md
3.2-3.9, zou-data-model.md 8.6). Processing is ``preview_jobs.py``; the preview actions (main
preview, position, annotations, frames) are ``preview_actions.py``.

An upload is stored as it came (``uploads/<id>.<ext>``), a job is recorded in the same
transaction, and the preview answers ``processing`` at once.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update

from .. import events, rows
from ..context import Ctx
from ..errors import NotFound, WrongParameter
from ..jobs import enqueue
from ..media import MOVIE_EXTENSIONS, PICTURE_EXTENSIONS
from ..models import (
    Comment,
    CommentPreviewLink,
    Entity,
    News,
    Organisation,
    PreviewFile,
    Project,
    Task,
    TaskType,
)  # fmt: skip
from .crud import serialize, serialize_plain
from .spec import Row, spec_for_table

FILE_EXTENSIONS = (
    "ae", "ai", "blend", "clip", "comp", "diff", "exr", "fbx", "fla", "flv", "gif", "glb", "gltf",
    "hip", "kra", "ma", "mb", "md", "mp3", "obj", "pdf", "psd", "psb", "rar", "rev", "riv", "sai",
    "sai2", "sbbkp", "svg", "swf", "tvpp", "wav", "zip",
)  # fmt: skip
PICTURE_PREFIXES = ("original", "previews", "thumbnails", "thumbnails-square")
RESOLUTION = re.compile(r"\A(\d{3,4})x(\d{3,4})\Z")
PARTIAL_RESOLUTION = re.compile(r"\Ax(\d{3,4})\Z")
DEFAULT_FPS = 25.0
ORIENTATION_TAG = 0x0112
ROTATED_ORIENTATIONS = {5, 6, 7, 8}  # EXIF orientations that swap width and height


class RejectedUpload(WrongParameter):
    """A refused upload: answered 400 with the preview's deletion kept (not rolled back)."""


@dataclass(frozen=True)
class Upload:
    """A file received by the HTTP layer, already written to ``path``."""

    file_name: str
    path: Path


def extension_of(file_name: str) -> tuple[str, str]:
    """(name without extension, lower-case extension) of an uploaded file name."""
    stem, dot, extension = file_name.rpartition(".")
    return (stem, extension.lower()) if dot else (file_name, "")


def preview_kind(extension: str) -> str | None:
    if extension in PICTURE_EXTENSIONS:
        return "picture"
    if extension in MOVIE_EXTENSIONS:
        return "movie"
    if extension in FILE_EXTENSIONS:
        return "file"
    return None


def preview_dict(preview: Row) -> dict[str, Any]:
    return serialize_plain(spec_for_table("preview_file"), [preview])[0]


# ==== creating previews ======================================================================
async def add_preview_to_comment(
    ctx: Ctx, task_id: str, comment_id: str, revision: int | None = None
) -> dict[str, Any]:
    """A new preview file (``processing``) on a comment: the next revision of the task for a
    comment without preview, else the comment's revision at the next position."""
    from ..permissions import require_task_action_access

    task = await rows.fetch_or_404(ctx.conn, Task, task_id)
    await require_task_action_access(ctx, task)
    comment = await rows.fetch_or_404(ctx.conn, Comment, comment_id)
    if comment["object_id"] != task["id"]:
        raise NotFound()
    linked = await ctx.conn.execute(
        select(PreviewFile.revision)
        .join(CommentPreviewLink, CommentPreviewLink.preview_file == PreviewFile.id)
        .where(CommentPreviewLink.comment == comment["id"])
        .order_by(PreviewFile.position)
    )
    comment_revisions = [row[0] for row in linked]
    if revision is None and not comment_revisions:
        revision = await _next_revision(ctx, task["id"])
    elif revision is None:
        revision = comment_revisions[0]
    elif not comment_revisions and await _revision_taken(ctx, task["id"], revision):
        raise WrongParameter("Revision already exists for this task.")
    position = await _next_position(ctx, task["id"], revision)
    if position > 1:
        project = await rows.fetch_one(ctx.conn, Project, task["project_id"])
        if project and project["is_single_preview_per_revision"]:
            raise WrongParameter("Only one preview file is allowed per revision for this project.")
    preview = await rows.insert_row(
        ctx.conn,
        PreviewFile,
        {
            "name": str(uuid.uuid4())[:13],
            "revision": revision,
            "position": position,
            "task_id": task["id"],
            "person_id": ctx.me.id,
            "extension": "mp4",
            "source": "webgui",
            "status": "processing",
        },
    )
    await ctx.conn.execute(
        CommentPreviewLink.__table__.insert().values(
            comment=comment["id"], preview_file=preview["id"]
        )
    )
    await ctx.conn.execute(
        update(News).where(News.comment_id == comment["id"]).values(preview_file_id=preview["id"])
    )
    project_id = task["project_id"]
    await events.emit(
        ctx,
        "preview-file:new",
        {"preview_file_id": preview["id"], "comment_id": comment["id"]},
        project_id,
    )
    await events.emit(
        ctx, "comment:update", {"comment_id": comment["id"], "task_id": task["id"]}, project_id
    )
    return (await serialize(ctx, spec_for_table("preview_file"), [preview], relations=True))[0]


async def _next_revision(ctx: Ctx, task_id: str) -> int:
    current = (
        await ctx.conn.execute(
            select(func.max(PreviewFile.revision)).where(PreviewFile.task_id == task_id)
        )
    ).scalar()
    return (current or 0) + 1


async def _revision_taken(ctx: Ctx, task_id: str, revision: int) -> bool:
    return bool(
        await rows.count_where(
            ctx.conn, PreviewFile, PreviewFile.task_id == task_id, PreviewFile.revision == revision
        )
    )


async def _next_position(ctx: Ctx, task_id: str, revision: int) -> int:
    current = (
        await ctx.conn.execute(
            select(func.max(PreviewFile.position)).where(
                PreviewFile.task_id == task_id, PreviewFile.revision == revision
            )
        )
    ).scalar()
    return (current or 0) + 1


# ==== receiving an upload ====================================================================
async def check_upload_allowed(ctx: Ctx, preview_id: str) -> Row:
    """The preview an upload is for: 404 unknown, 400 already uploaded, 403 no task action."""
    from ..permissions import require_task_action_access

    preview = await rows.fetch_or_404(ctx.conn, PreviewFile, preview_id)
    if preview["original_name"]:
        raise WrongParameter("Re-upload of an existing preview file is not allowed.")
    task = await rows.fetch_or_404(ctx.conn, Task, preview["task_id"])
    await require_task_action_access(ctx, task)
    return preview


async def receive_upload(
    ctx: Ctx, preview: Row, upload: Upload, normalize: bool = True
) -> dict[str, Any]:
    """Store an uploaded file for a preview and record the job that processes it."""
    store = ctx.state.store
    name, extension = extension_of(upload.file_name)
    kind = preview_kind(extension)
    if kind is None or upload.path.stat().st_size == 0:
        from .cascade import remove_preview_file

        upload.path.unlink(missing_ok=True)
        await remove_preview_file(ctx, preview)  # as Zou does: the preview goes with its file
        message = (
            "The uploaded file is empty." if kind else f"Wrong file format, extension: {extension}"
        )
        raise RejectedUpload(message)
    task = await rows.fetch_or_404(ctx.conn, Task, preview["task_id"])
    values: dict[str, Any] = {"original_name": name, "file_size": upload.path.stat().st_size}
    if kind == "file":
        store.put_file("files", "previews", preview["id"], upload.path, move=True)
        values.update(extension=extension, status="ready")
    else:
        source = store.upload_path(preview["id"], extension)
        upload.path.replace(source)
        payload: dict[str, Any] = {"upload": str(source.relative_to(store.root))}
        if kind == "picture":
            values.update(extension="png", status="processing", **_picture_header(source))
        else:
            values.update(extension="mp4", status="processing")
            payload.update(normalize=normalize, **await _movie_target(ctx, task))
        await enqueue(ctx, f"preview-{kind}", preview["id"], payload)
    updated = await rows.update_row(ctx.conn, PreviewFile, preview["id"], values)
    await refresh_task_preview(ctx, task, updated)
    await _emit_add_file(ctx, updated, task)
    return preview_dict(updated)


def _picture_header(path: Path) -> dict[str, int]:
    """Size of an uploaded picture from its header (the job decodes it)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            width, height = image.size
            if image.getexif().get(ORIENTATION_TAG) in ROTATED_ORIENTATIONS:
                width, height = height, width
            return {"width": width, "height": height}
    except (UnidentifiedImageError, OSError, ValueError):
        return {}  # the job will find it unreadable and mark the preview broken


async def _movie_target(ctx: Ctx, task: Row) -> dict[str, Any]:
    """Frame rate, size and bitrates the movie is normalised to (entity data, then project)."""
    project = await rows.fetch_or_404(ctx.conn, Project, task["project_id"])
    entity = (
        await rows.fetch_one(ctx.conn, Entity, task["entity_id"]) if task["entity_id"] else None
    )
    data = (entity or {}).get("data") or {}
    fps = parse_fps(data.get("fps")) or parse_fps(project["fps"]) or DEFAULT_FPS
    width, height = (
        parse_resolution(data.get("resolution"))
        or parse_resolution(project["resolution"])
        or (None, 1080)
    )
    return {
        "fps": fps,
        "width": width,
        "height": height,
        "hd_bitrate": project["hd_bitrate_compression"] or ctx.settings.movie_highdef_bitrate,
        "ld_bitrate": project["ld_bitrate_compression"] or ctx.settings.movie_lowdef_bitrate,
    }


def parse_fps(value: Any) -> float | None:
    try:
        fps = float(str(value).replace(",", "."))
    except (TypeError, ValueError):
        return None
    return fps if fps > 0 else None


def parse_resolution(value: Any) -> tuple[int | None, int] | None:
    if not isinstance(value, str):
        return None
    if match := RESOLUTION.match(value):
        return int(match.group(1)), int(match.group(2))
    if match := PARTIAL_RESOLUTION.match(value):
        return None, int(match.group(1))
    return None


async def _emit_add_file(ctx: Ctx, preview: Row, task: Row) -> None:
    link = await rows.first_where(
        ctx.conn, CommentPreviewLink, CommentPreviewLink.preview_file == preview["id"]
    )
    if link is None:
        return
    project_id = task["project_id"]
    await events.emit(
        ctx, "comment:update", {"comment_id": link["comment"], "task_id": task["id"]}, project_id
    )
    await events.emit(
        ctx,
        "preview-file:add-file",
        {
            "comment_id": link["comment"],
            "task_id": task["id"],
            "preview_file_id": preview["id"],
            "revision": preview["revision"],
            "extension": preview["extension"],
            "status": preview["status"],
        },
        project_id,
    )


async def refresh_task_preview(ctx: Ctx, task: Row, preview: Row) -> None:
    """A main preview (position 1) becomes the task's last preview, and the entity thumbnail
    when the project automates it."""
    if preview["position"] != 1:
        return
    await rows.update_row(ctx.conn, Task, task["id"], {"last_preview_file_id": preview["id"]})
    project = await rows.fetch_one(ctx.conn, Project, task["project_id"])
    if project and project["is_set_preview_automated"] and task["entity_id"]:
        await set_entity_preview(ctx, task["entity_id"], preview["id"], task["project_id"])


async def set_entity_preview(ctx: Ctx, entity_id: str, preview_id: str, project_id: str) -> Row:
    from .entities import entity_kind

    entity = await rows.update_row(ctx.conn, Entity, entity_id, {"preview_file_id": preview_id})
    kind = (await entity_kind(ctx, entity)).lower()
    await events.emit(
        ctx,
        "preview-file:set-main",
        {"entity_id": entity_id, "preview_file_id": preview_id},
        project_id,
    )
    await events.emit(ctx, f"{kind}:update", {f"{kind}_id": entity_id}, project_id)
    return entity


# ==== reading ================================================================================
async def readable_preview(ctx: Ctx, preview_id: str) -> Row:
    """A preview the caller may download (task access; the main preview of a shared asset is
    readable by every non-vendor)."""
    from ..permissions import has_entity_access, require_task_access

    preview = await rows.fetch_or_404(ctx.conn, PreviewFile, preview_id)
    task = await rows.fetch_one(ctx.conn, Task, preview["task_id"]) if preview["task_id"] else None
    if task is None:
        ctx.me.require_admin()
        return preview
    if ctx.me.role != "vendor":
        shared = await rows.first_where(
            ctx.conn, Entity, Entity.preview_file_id == preview["id"], Entity.is_shared.is_(True)
        )
        if shared is not None and await has_entity_access(ctx, shared["id"]):
            return preview
    await require_task_access(ctx, task)
    return preview


async def download_name(ctx: Ctx, preview: Row) -> str:
    """``<project>_<entity>_<task type>_v<revision>[-<position>].<ext>`` or the original name."""
    organisation = await rows.first_where(ctx.conn, Organisation, Organisation.id.is_not(None))
    extension = preview["extension"] or "bin"
    if organisation and organisation["use_original_file_name"] and preview["original_name"]:
        return f"{preview['original_name']}.{extension}"
    task = await rows.fetch_one(ctx.conn, Task, preview["task_id"]) if preview["task_id"] else None
    parts: list[str] = []
    if task is not None:
        project = await rows.fetch_one(ctx.conn, Project, task["project_id"])
        entity = (
            await rows.fetch_one(ctx.conn, Entity, task["entity_id"]) if task["entity_id"] else None
        )
        task_type = (
            await rows.fetch_one(ctx.conn, TaskType, task["task_type_id"])
            if task["task_type_id"]
            else None
        )
        parent = (
            await rows.fetch_one(ctx.conn, Entity, entity["parent_id"])
            if entity and entity["parent_id"]
            else None
        )
        parts = [value["name"] for value in (project, parent, entity, task_type) if value]
    name = "_".join(_slug(part) for part in parts if part) or preview["id"]
    name += f"_v{preview['revision']}"
    if (preview["position"] or 1) > 1:
        name += f"-{preview['position']}"
    return f"{name}.{extension}"


def _slug(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", value).strip("_").lower()
