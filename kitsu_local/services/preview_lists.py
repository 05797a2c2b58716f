"""The preview listings of tasks, entities and projects (the review panels and sync)."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import select

from .. import rows
from ..context import Ctx
from ..errors import WrongParameter
from ..models import Entity, PreviewFile, Project, ProjectStatus, Task, TaskType
from ..permissions import require_entity_access, require_task_access
from .crud import fetch, parse_int, serialize_plain
from .spec import Row, spec_for_table

PRESENT_FIELDS = (
    "id", "name", "original_name", "extension", "revision", "position", "file_size", "status",
    "validation_status", "task_id", "person_id", "created_at", "token_in", "token_out",
)  # fmt: skip
PLAYLIST_FIELDS = (
    "id", "revision", "original_name", "extension", "width", "height", "duration", "status",
    "annotations", "created_at", "task_id",
)  # fmt: skip


def _wire(previews: list[Row]) -> list[dict[str, Any]]:
    return serialize_plain(spec_for_table("preview_file"), previews)


def _hide_rejected_for_clients(
    ctx: Ctx, project_id: str, items: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    if ctx.me.role_in(project_id) == "client":
        return [item for item in items if item["validation_status"] != "rejected"]
    return items


async def previews_of_task(ctx: Ctx, task_id: str) -> list[dict[str, Any]]:
    """GET /data/tasks/{id}/previews: every preview of the task, newest revision first."""
    task = await rows.fetch_or_404(ctx.conn, Task, task_id)
    await require_task_access(ctx, task)
    found = await rows.fetch_where(
        ctx.conn, PreviewFile, PreviewFile.task_id == task["id"],
        order_by=[PreviewFile.revision.desc(), PreviewFile.position],
    )  # fmt: skip
    return _hide_rejected_for_clients(ctx, task["project_id"], _wire(found))


async def _entity_previews(ctx: Ctx, entity_id: str, order: list[Any]) -> tuple[Row, list[Row]]:
    entity = await rows.fetch_or_404(ctx.conn, Entity, entity_id)
    await require_entity_access(ctx, entity)
    query = (
        select(PreviewFile.__table__, Task.task_type_id)
        .join(Task, Task.id == PreviewFile.task_id)
        .join(TaskType, TaskType.id == Task.task_type_id)
        .where(Task.entity_id == entity["id"])
        .order_by(*order)
    )
    return entity, await fetch(ctx, query)


async def previews_of_entity(ctx: Ctx, entity_id: str) -> list[dict[str, Any]]:
    """GET /data/entities/{id}/preview-files: the short form, by task type, newest first."""
    _, found = await _entity_previews(
        ctx, entity_id, [TaskType.name, PreviewFile.revision.desc(), PreviewFile.position]
    )
    return [{key: item[key] for key in PRESENT_FIELDS} for item in _wire(found)]


async def previews_by_task_type(ctx: Ctx, entity_id: str) -> dict[str, list[dict[str, Any]]]:
    """GET /data/shots/{id}/preview-files (edits, concepts, playlists/entities): per task type,
    one entry per revision with the other previews of that revision under ``previews``."""
    entity, found = await _entity_previews(
        ctx, entity_id,
        [TaskType.priority.desc(), TaskType.name, PreviewFile.revision.desc(), PreviewFile.created_at],
    )  # fmt: skip
    items = _hide_rejected_for_clients(ctx, entity["project_id"], _wire(found))
    result: dict[str, list[dict[str, Any]]] = {}
    revisions: dict[tuple[str, int], dict[str, Any]] = {}
    for item, row in zip(items, found, strict=False):
        data = row["data"] or {}
        entry = {key: item[key] for key in PLAYLIST_FIELDS}
        entry["duration"] = float(entry["duration"] or 0)
        entry.update({key: data.get(key) for key in (
            "original_width", "original_height", "original_duration", "original_file_size",
        )})  # fmt: skip
        task_type_id = row["task_type_id"]
        key = (task_type_id, item["revision"])
        if key in revisions:
            revisions[key]["previews"].append(entry)
        else:
            entry["previews"] = []
            revisions[key] = entry
            result.setdefault(task_type_id, []).append(entry)
    return result


async def previews_of_project(ctx: Ctx, project_id: str, page: str | None) -> Any:
    """GET /data/projects/{id}/preview-files (sync): managers; a page object when ``page``."""
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    ctx.me.require_manager(project["id"])
    query = (
        select(PreviewFile.__table__)
        .join(Task, Task.id == PreviewFile.task_id)
        .where(Task.project_id == project["id"])
        .order_by(PreviewFile.updated_at.desc())
    )
    return await paginated(ctx, query, parse_int(page, "page", default=-1))


async def running_previews(ctx: Ctx, cursor: str | None, limit: str | None) -> list[dict[str, Any]]:
    """GET /data/playlists/preview-files/running: processing, broken or missing previews of
    open projects (admins), newest first, paged with a cursor."""
    ctx.me.require_admin()
    query = (
        select(PreviewFile.__table__, Task.project_id, Task.task_type_id, Task.entity_id)
        .join(Task, Task.id == PreviewFile.task_id)
        .join(Project, Project.id == Task.project_id)
        .join(ProjectStatus, ProjectStatus.id == Project.project_status_id)
        .where(ProjectStatus.name.in_(("Active", "open", "Open")))
        .where(PreviewFile.status.in_(("broken", "missing", "processing")))
        .order_by(PreviewFile.created_at.desc())
    )
    if cursor:
        anchor = await rows.fetch_one(
            ctx.conn, PreviewFile, rows.check_id(cursor, "Invalid cursor.")
        )
        if anchor is None:
            raise WrongParameter(f"No preview file found with id: {cursor}")
        query = query.where(PreviewFile.created_at < anchor["created_at"])
    size = parse_int(limit, "limit", default=0)
    if size > 0:
        query = query.limit(size)
    found = await fetch(ctx, query)
    items = _wire(found)
    for item, row in zip(items, found, strict=True):
        item.update(project_id=row["project_id"], task_type_id=row["task_type_id"])
        item["full_entity_name"] = await full_entity_name(ctx, row["entity_id"])
    return items


async def full_entity_name(ctx: Ctx, entity_id: str | None) -> str:
    """``Episode / Sequence / Shot`` or ``Asset type / Asset``."""
    from .entities import entity_kind

    entity = await rows.fetch_one(ctx.conn, Entity, entity_id) if entity_id else None
    if entity is None:
        return ""
    names = [entity["name"]]
    kind = await entity_kind(ctx, entity)
    if kind == "Asset":
        from ..models import EntityType

        asset_type = await rows.fetch_one(ctx.conn, EntityType, entity["entity_type_id"])
        return f"{asset_type['name']} / {entity['name']}" if asset_type else entity["name"]
    parent_id = entity["parent_id"]
    while parent_id:
        parent = await rows.fetch_one(ctx.conn, Entity, parent_id)
        if parent is None:
            break
        names.insert(0, parent["name"])
        parent_id = parent["parent_id"]
    return " / ".join(names)


async def paginated(ctx: Ctx, query: Any, page: int, limit: int | None = None) -> Any:
    """Zou's service pagination: a plain list without ``page``, else the page object."""
    if page < 1:
        return _wire(await fetch(ctx, query))
    limit = limit or ctx.settings.nb_records_per_page
    from sqlalchemy import func

    total = (
        await ctx.conn.execute(select(func.count()).select_from(query.order_by(None).subquery()))
    ).scalar_one()
    offset = (page - 1) * limit
    data = [] if offset > total else _wire(await fetch(ctx, query.limit(limit).offset(offset)))
    return {
        "data": data, "total": total, "nb_pages": math.ceil(total / limit), "limit": limit,
        "offset": offset, "page": page,
    }  # fmt: skip
