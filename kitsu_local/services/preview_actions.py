"""The preview actions (zou-behaviour.md 3.8-3.9): the main preview of an entity or a task,
positions within a revision, annotations, and frames or tiles taken from a movie.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from .. import events, rows
from ..context import Ctx
from ..errors import NotFound, PermissionDenied, WrongParameter
from ..media import MediaError
from ..models import (
    PreviewFile,
    Task,
)  # fmt: skip
from ..models.base import utc_now
from ..storage import remove_tree
from .crud import serialize_plain
from .previews import (
    PICTURE_PREFIXES,
    preview_dict,
    readable_preview,
    refresh_task_preview,
    set_entity_preview,
)
from .spec import Row, spec_for_table


async def set_main_preview(
    ctx: Ctx, preview_id: str, frame_number: int | None = None
) -> dict[str, Any]:
    """The preview becomes its entity's thumbnail; a movie frame can replace its pictures."""
    from ..permissions import require_task_action_access

    preview = await rows.fetch_or_404(ctx.conn, PreviewFile, preview_id)
    task = await rows.fetch_or_404(ctx.conn, Task, preview["task_id"])
    await require_task_action_access(ctx, task)
    if ctx.me.role_in(task["project_id"]) == "client":
        raise PermissionDenied()
    if frame_number is not None and preview["extension"] == "mp4":
        await _replace_pictures_with_frame(ctx, preview, frame_number)
    entity = await set_entity_preview(ctx, task["entity_id"], preview["id"], task["project_id"])
    from .entities import entity_kind

    item = serialize_plain(spec_for_table("entity"), [entity])[0]
    item["type"] = await entity_kind(ctx, entity)
    return item


async def set_task_main_preview(ctx: Ctx, task_id: str) -> dict[str, Any]:
    """The last preview of the task becomes its entity's thumbnail."""
    task = await rows.fetch_or_404(ctx.conn, Task, task_id)
    last = (
        await ctx.conn.execute(
            select(PreviewFile.id)
            .where(PreviewFile.task_id == task["id"])
            .order_by(PreviewFile.revision.desc(), PreviewFile.position)
            .limit(1)
        )
    ).scalar_one_or_none()
    if last is None:
        raise WrongParameter("This task has no preview.")
    return await set_main_preview(ctx, last)


async def update_position(ctx: Ctx, preview_id: str, position: Any) -> list[dict[str, Any]]:
    """Move a preview inside its revision (1-based); answers the revision in its new order."""
    from ..permissions import require_task_action_access

    if not isinstance(position, int) or isinstance(position, bool) or position < 0:
        raise WrongParameter("position must be a positive integer.")
    preview = await rows.fetch_or_404(ctx.conn, PreviewFile, preview_id)
    task = await rows.fetch_or_404(ctx.conn, Task, preview["task_id"])
    await require_task_action_access(ctx, task)
    siblings = await rows.fetch_where(
        ctx.conn, PreviewFile, PreviewFile.task_id == task["id"],
        PreviewFile.revision == preview["revision"], order_by=[PreviewFile.position, PreviewFile.created_at],
    )  # fmt: skip
    ordered = [row for row in siblings if row["id"] != preview["id"]]
    ordered.insert(max(0, min(position - 1, len(ordered))), preview)
    now = utc_now()
    for index, row in enumerate(ordered, start=1):
        if row["position"] != index:
            await ctx.conn.execute(
                update(PreviewFile)
                .where(PreviewFile.id == row["id"])
                .values(position=index, updated_at=now)
            )
    main = await rows.fetch_one(ctx.conn, PreviewFile, ordered[0]["id"])
    await refresh_task_preview(ctx, task, main)
    await events.emit(
        ctx, "preview-file:update", {"preview_file_id": preview["id"]}, task["project_id"]
    )
    reordered = await rows.fetch_where(
        ctx.conn,
        PreviewFile,
        PreviewFile.id.in_([row["id"] for row in ordered]),
        order_by=PreviewFile.position,
    )
    return [preview_dict(row) for row in reordered]


async def update_annotations(ctx: Ctx, preview_id: str, body: Any) -> dict[str, Any]:
    """Merge annotation changes by frame ``time`` and drawing object ``id``."""
    from ..permissions import is_department_supervisor

    if not isinstance(body, dict):
        raise WrongParameter("A JSON object with additions, updates and deletions is expected.")
    preview = await rows.fetch_or_404(ctx.conn, PreviewFile, preview_id)
    task = await rows.fetch_or_404(ctx.conn, Task, preview["task_id"])
    me = ctx.me
    allowed = me.is_manager_of(task["project_id"]) or (
        me.is_member(task["project_id"]) and me.role_in(task["project_id"]) == "client"
    )
    if not (allowed or await is_department_supervisor(ctx, task)):
        raise PermissionDenied()
    annotations = _merge_annotations(
        list(preview["annotations"] or []),
        _annotation_list(body, "additions"),
        _annotation_list(body, "updates"),
        _annotation_list(body, "deletions"),
    )
    updated = await rows.update_row(
        ctx.conn, PreviewFile, preview["id"], {"annotations": annotations}
    )
    await events.emit(
        ctx,
        "preview-file:annotation-update",
        {
            "preview_file_id": preview["id"],
            "person_id": me.id,
            "updated_at": preview_dict(updated)["updated_at"],
        },
        task["project_id"],
    )
    return preview_dict(updated)


def _annotation_list(body: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = body.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise WrongParameter(f"{key} must be a list of annotations.")
    return value


def _merge_annotations(current: list, additions: list, updates: list, deletions: list) -> list:
    by_time: dict[Any, dict[str, Any]] = {}
    for annotation in current:
        if isinstance(annotation, dict):
            by_time[annotation.get("time")] = annotation
    for annotation in additions + updates:
        objects = ((annotation.get("drawing") or {}).get("objects")) or []
        target = by_time.setdefault(
            annotation.get("time"), {"time": annotation.get("time"), "drawing": {"objects": []}}
        )
        existing = {
            obj.get("id"): obj for obj in target.setdefault("drawing", {}).setdefault("objects", [])
        }
        for obj in objects:
            if isinstance(obj, dict):
                existing[obj.get("id")] = obj
        target["drawing"]["objects"] = list(existing.values())
    for deletion in deletions:
        target = by_time.get(deletion.get("time"))
        if target is None:
            continue
        removed = set(deletion.get("objects") or [])
        target["drawing"]["objects"] = [
            obj for obj in target["drawing"].get("objects", []) if obj.get("id") not in removed
        ]
    return [
        annotation
        for annotation in by_time.values()
        if annotation.get("drawing", {}).get("objects")
    ]


async def extract_frame(ctx: Ctx, preview_id: str, frame_number: Any) -> Path:
    """A PNG of one frame of a movie preview (managers of the project)."""
    from ..media import extract_frame as extract

    preview = await rows.fetch_or_404(ctx.conn, PreviewFile, preview_id)
    task = await rows.fetch_or_404(ctx.conn, Task, preview["task_id"])
    ctx.me.require_manager(task["project_id"])
    number = _frame_number(frame_number)
    movie = _movie_path(ctx, preview)
    target = ctx.state.store.work_dir("frame") / f"{preview['id']}-{number}.png"
    try:
        await asyncio.to_thread(extract, movie, number, target)
    except MediaError as error:
        remove_tree(target.parent)
        raise WrongParameter(f"The frame could not be extracted: {error}") from None
    return target


async def extract_tile(ctx: Ctx, preview_id: str) -> Path:
    """Build (again) the scrubbing tile of a movie preview and store it."""
    from ..media import make_tile

    preview = await readable_preview(ctx, preview_id)
    movie = _movie_path(ctx, preview)
    work = ctx.state.store.work_dir("tile")
    try:
        tile = work / "tile.png"
        await asyncio.to_thread(make_tile, movie, tile)
        return ctx.state.store.put_file("pictures", "tiles", preview["id"], tile, move=True)
    except MediaError as error:
        raise WrongParameter(f"The tile could not be built: {error}") from None
    finally:
        remove_tree(work)


def _frame_number(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise WrongParameter("frame_number must be a positive integer.") from None
    if number < 1:
        raise WrongParameter("frame_number must be a positive integer.")
    return number


def _movie_path(ctx: Ctx, preview: Row) -> Path:
    if preview["extension"] != "mp4" or preview["status"] != "ready":
        raise WrongParameter("This preview is not a ready movie.")
    store = ctx.state.store
    for prefix in ("previews", "lowdef", "source"):
        path = store.path("movies", prefix, preview["id"])
        if path.is_file():
            return path
    raise NotFound()


async def _replace_pictures_with_frame(ctx: Ctx, preview: Row, frame_number: int) -> None:
    from ..media import extract_frame as extract
    from ..media import make_picture_derivatives

    movie = _movie_path(ctx, preview)
    work = ctx.state.store.work_dir("main-frame")
    try:
        frame = work / "frame.png"
        await asyncio.to_thread(extract, movie, _frame_number(frame_number), frame)
        derivatives = await asyncio.to_thread(make_picture_derivatives, frame, work)
        for prefix, path in zip(
            PICTURE_PREFIXES,
            (
                derivatives.original,
                derivatives.previews,
                derivatives.thumbnails,
                derivatives.thumbnails_square,
            ),
            strict=True,
        ):
            ctx.state.store.put_file("pictures", prefix, preview["id"], path, move=True)
    except MediaError as error:
        raise WrongParameter(f"The frame could not be extracted: {error}") from None
    finally:
        remove_tree(work)
