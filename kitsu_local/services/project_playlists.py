"""The playlists of a production (zou-data-model.md 3.7): the paged lists (20 a page, sorted
as Zou), one playlist with the previews of its entities, and the temporary playlist built
from task ids (nothing stored)."""

from __future__ import annotations

from collections.abc import Mapping
from operator import itemgetter
from typing import Any

from sqlalchemy import Select, or_, select

from .. import rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import NotFound, PermissionDenied
from ..models import (
    BuildJob,
    Entity,
    Playlist,
    PreviewFile,
    Project,
    ProjectTaskTypeLink,
    Task,
    TaskPersonLink,
    TaskType,
)
from .crud import fetch, parse_int, serialize_plain
from .entities import kind_of, type_names
from .project_listings import page_of
from .spec import spec_for_table

PAGE_SIZE = 20
LIST_KEYS = (
    "id", "name", "project_id", "episode_id", "task_type_id", "for_client", "for_entity",
    "is_for_all", "created_at", "updated_at", "created_by",
)  # fmt: skip
LIGHT_PREVIEW_KEYS = ("id", "revision", "extension", "width", "height", "status", "task_id")


# ==== lists ==================================================================================
async def project_playlists(
    ctx: Ctx, project_id: str, params: Mapping[str, str], episode_id: str | None = None
) -> list[dict[str, Any]]:
    """GET .../playlists and .../episodes/{episode_id}/playlists (``main``: no episode and not
    for all; ``all``: the ones for all episodes); clients only see ``for_client`` ones."""
    project = await _playlist_reader_project(ctx, project_id)
    query = select(Playlist.__table__).where(Playlist.project_id == project["id"])
    if episode_id == "main":
        query = query.where(
            Playlist.episode_id.is_(None),
            or_(Playlist.is_for_all.is_(None), Playlist.is_for_all.is_(False)),
        )
    elif episode_id == "all":
        query = query.where(Playlist.episode_id.is_(None), Playlist.is_for_all.is_(True))
    elif episode_id is not None:
        episode = await rows.fetch_or_404(ctx.conn, Entity, episode_id)
        if kind_of((await type_names(ctx)).get(episode["entity_type_id"])) != "Episode":
            raise NotFound()
        query = query.where(Playlist.episode_id == episode["id"])
    if ctx.me.role_in(project["id"]) == "client":
        query = query.where(Playlist.for_client.is_(True))
    if params.get("task_type_id"):
        query = query.where(Playlist.task_type_id == params["task_type_id"])
    page = max(parse_int(params.get("page"), "page", default=1), 1)
    query = _sorted(query, params.get("sort_by")).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    found = await fetch(ctx, query)
    items = []
    for item, row in zip(serialize_plain(spec_for_table("playlist"), found), found, strict=True):
        entry = {"type": "Playlist", **{key: item[key] for key in LIST_KEYS}}
        entry["for_entity"] = entry["for_entity"] or "shot"
        shots = row["shots"]
        first = shots[0] if shots and isinstance(shots, list) else None
        if isinstance(first, dict) and first.get("preview_file_id"):
            entry["first_preview_file_id"] = first["preview_file_id"]
        items.append(entry)
    return items


async def all_project_playlists(ctx: Ctx, project_id: str, params: Mapping[str, str]) -> Any:
    """GET .../playlists/all (admins): every playlist with relations, paged when asked."""
    ctx.me.require_admin()
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    query = select(Playlist.__table__).where(Playlist.project_id == project["id"])
    return await page_of(ctx, spec_for_table("playlist"), query, params, relations=True)


def _sorted(query: Select, sort_by: str | None) -> Select:
    columns = Playlist.__table__.c
    names = {column.name for column in columns}  # a ColumnCollection refuses ``None in``
    if sort_by in names and sort_by not in ("created_at", "updated_at"):
        return query.order_by(columns[sort_by])
    return query.order_by(columns[sort_by if sort_by in names else "updated_at"].desc())


async def _playlist_reader_project(ctx: Ctx, project_id: str) -> dict[str, Any]:
    ctx.me.require_not_vendor()
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    ctx.me.require_member(project["id"])
    return project


# ==== one playlist ===========================================================================
async def project_playlist(ctx: Ctx, project_id: str, playlist_id: str) -> dict[str, Any]:
    """The playlist, its build jobs (newest first) and, for each of its entities, the
    previews by task type (revisions mixed, without annotations)."""
    project = await _playlist_reader_project(ctx, project_id)
    playlist = await rows.fetch_or_404(ctx.conn, Playlist, playlist_id)
    if playlist["project_id"] != project["id"]:
        raise NotFound()
    if ctx.me.role_in(project["id"]) == "client" and not playlist["for_client"]:
        raise PermissionDenied()
    item = serialize_plain(spec_for_table("playlist"), [playlist])[0]
    jobs = await rows.fetch_where(
        ctx.conn, BuildJob, BuildJob.playlist_id == playlist["id"],
        order_by=BuildJob.created_at.desc(),
    )  # fmt: skip
    item["build_jobs"] = [
        {"id": job["id"], "status": job["status"], "created_at": _when(job["created_at"])}
        for job in jobs
    ]
    shots = [dict(shot) for shot in item["shots"] or [] if isinstance(shot, dict)]
    for shot in shots:
        entity_id = shot.get("id") or shot.get("shot_id") or shot.get("entity_id")
        if entity_id:
            shot.setdefault("id", entity_id)
    previews = await _previews_by_entity(
        ctx, [shot["id"] for shot in shots if is_valid_id(shot.get("id"))]
    )
    by_id = {
        preview["id"]: preview
        for by_type in previews.values()
        for revisions in by_type.values()
        for main in revisions
        for preview in (main, *main["previews"])
    }
    for shot in shots:
        shot["preview_files"] = previews.get(shot.get("id"), [])
        preview = by_id.get(shot.get("preview_file_id"))
        if preview is None:
            shot.pop("preview_file_id", None)
            continue
        for key in ("extension", "revision", "width", "height", "duration", "status", "task_id"):
            shot[f"preview_file_{key}"] = preview[key]
        shot["preview_file_previews"] = preview.get("previews", [])
    item["shots"] = shots
    return item


async def _previews_by_entity(
    ctx: Ctx, entity_ids: list[str]
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """``{entity id: {task type id: [previews, revisions mixed]}}`` in Zou's order: task type
    priority (highest first), name, then newest revision first."""
    found = await fetch(
        ctx,
        select(PreviewFile.__table__, Task.task_type_id, Task.entity_id)
        .join(Task, Task.id == PreviewFile.task_id)
        .join(TaskType, TaskType.id == Task.task_type_id)
        .where(Task.entity_id.in_(entity_ids))
        .order_by(
            TaskType.priority.desc(),
            TaskType.name,
            PreviewFile.revision.desc(),
            PreviewFile.created_at,
        ),
    )
    grouped: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for row in found:
        light = {key: row[key] for key in LIGHT_PREVIEW_KEYS}
        light["duration"] = float(row["duration"] or 0)
        light["created_at"] = _when(row["created_at"])
        light["original_name"] = row["original_name"]
        light["annotations"] = row["annotations"]
        light["position"] = row["position"]
        light["task_type_id"] = row["task_type_id"]
        light.update(
            {key: (row["data"] or {}).get(key) for key in ORIGINAL_KEYS}
            if isinstance(row["data"], dict)
            else dict.fromkeys(ORIGINAL_KEYS)
        )
        grouped.setdefault(row["entity_id"], {}).setdefault(row["task_type_id"], []).append(light)
    return {
        entity_id: {task_type: _mix_revisions(items) for task_type, items in by_type.items()}
        for entity_id, by_type in grouped.items()
    }


ORIGINAL_KEYS = ("original_width", "original_height", "original_duration", "original_file_size")


def _mix_revisions(previews: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per revision; the other previews of that revision under its ``previews``."""
    mains: dict[Any, dict[str, Any]] = {}
    for preview in previews:
        main = mains.get(preview["revision"])
        if main is None:
            # Zou's entry lists its keys: position and task type stay on the nested ones only.
            entry = {k: v for k, v in preview.items() if k not in ("position", "task_type_id")}
            mains[preview["revision"]] = {**entry, "previews": []}
        else:
            main["previews"].append(preview)
    return list(mains.values())


def _when(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


# ==== the temporary playlist =================================================================
async def temp_playlist(
    ctx: Ctx, project_id: str, task_ids: list[str], sort: bool
) -> list[dict[str, Any]]:
    """Playlist entries for tasks (nothing stored): each task's entity with its parent's
    names, its previews by task type and the preview to play (the task's type first, else
    the first of the production's task types having one)."""
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    ctx.me.require_member(project["id"])
    if not task_ids:
        return []
    tasks = {
        task["id"]: task for task in await rows.fetch_where(ctx.conn, Task, Task.id.in_(task_ids))
    }
    if len(tasks) != len(set(task_ids)):
        raise NotFound()
    await _check_tasks_access(ctx, list(tasks.values()))
    entities = await _with_ancestors(ctx, {task["entity_id"] for task in tasks.values()})
    kinds = await type_names(ctx)
    first = tasks[task_ids[0]]
    for_entity = kind_of(kinds.get(entities[first["entity_id"]]["entity_type_id"]))
    ranked = await fetch(
        ctx,
        select(ProjectTaskTypeLink.task_type_id)
        .join(TaskType, TaskType.id == ProjectTaskTypeLink.task_type_id)
        .where(ProjectTaskTypeLink.project_id == first["project_id"])
        .where(TaskType.for_entity == for_entity)
        .order_by(ProjectTaskTypeLink.priority.desc()),
    )
    ranked_ids = [row["task_type_id"] for row in ranked]
    previews = await _previews_by_entity(ctx, list({task["entity_id"] for task in tasks.values()}))
    entries = [
        _temp_entry(tasks[task_id], entities, kinds, previews, ranked_ids) for task_id in task_ids
    ]
    return sorted(entries, key=itemgetter("episode_name", "name")) if sort else entries


def _temp_entry(
    task: dict[str, Any], entities: dict[str, dict[str, Any]], kinds: dict[str, str],
    previews: dict[str, dict[str, list[dict[str, Any]]]], ranked: list[str],
) -> dict[str, Any]:  # fmt: skip
    entity = entities[task["entity_id"]]
    kind = kind_of(kinds.get(entity["entity_type_id"]))
    parent = entities.get(entity["parent_id"]) if entity["parent_id"] else None
    entry: dict[str, Any] = {
        "id": entity["id"], "name": entity["name"], "preview_file_task_id": task["id"],
        "parent_name": "", "episode_id": "", "episode_name": "", "sequence_id": "",
        "sequence_name": "", "asset_type_id": "", "asset_type_name": "",
    }  # fmt: skip
    if kind == "Shot" and parent is not None:
        entry.update(parent_name=parent["name"], sequence_id=parent["id"])
        entry["sequence_name"] = parent["name"]
    elif kind in ("Sequence", "Edit") and parent is not None:
        entry.update(parent_name=parent["name"], episode_id=parent["id"])
        entry["episode_name"] = parent["name"]
    elif kind == "Asset":
        asset_type = kinds.get(entity["entity_type_id"], "")
        entry.update(parent_name=asset_type, asset_type_id=entity["entity_type_id"])
        entry["asset_type_name"] = asset_type
    by_type = previews.get(entity["id"], {})
    task_type_id = task["task_type_id"]
    if not by_type.get(task_type_id):
        task_type_id = next((ranked_id for ranked_id in ranked if by_type.get(ranked_id)), None)
    if task_type_id is not None and by_type.get(task_type_id):
        preview = by_type[task_type_id][0]
        for key in ("id", "extension", "width", "height", "duration", "revision", "status"):
            entry[f"preview_file_{key}"] = preview[key]
        entry["preview_file_annotations"] = preview["annotations"] or []
        entry["preview_file_previews"] = preview["previews"]
    entry["preview_files"] = by_type
    return entry


async def _with_ancestors(ctx: Ctx, entity_ids: set[str]) -> dict[str, dict[str, Any]]:
    """The entities and their parents (sequences, episodes), in two queries."""
    entities = {
        row["id"]: row
        for row in await rows.fetch_where(ctx.conn, Entity, Entity.id.in_(entity_ids))
    }
    parent_ids = {row["parent_id"] for row in entities.values() if row["parent_id"]} - set(entities)
    for row in await rows.fetch_where(ctx.conn, Entity, Entity.id.in_(parent_ids)):
        entities[row["id"]] = row
    return entities


async def _check_tasks_access(ctx: Ctx, tasks: list[dict[str, Any]]) -> None:
    """Task access on each task: a member of its project; a vendor only on entities where a
    task is assigned to them (one query for all)."""
    me = ctx.me
    for task in tasks:
        me.require_member(task["project_id"])
    vendor_tasks = [task for task in tasks if me.role_in(task["project_id"]) == "vendor"]
    if not vendor_tasks:
        return
    reachable = set(
        (
            await ctx.conn.execute(
                select(Task.entity_id)
                .join(TaskPersonLink, TaskPersonLink.task_id == Task.id)
                .where(TaskPersonLink.person_id == me.id)
                .where(Task.entity_id.in_({task["entity_id"] for task in vendor_tasks}))
            )
        ).scalars()
    )
    if any(task["entity_id"] not in reachable for task in vendor_tasks):
        raise PermissionDenied()
