"""The breakdown CSV exports of a project (Zou's ``export/csv`` assets, shots and edits).

One row per entity: its names, description, time spent (the tasks' minutes, in 8-hour days),
the project's metadata columns of that entity type (by position, then name), then two columns
per task type used by these entities (by priority, then name): the task's status short name and
its assignees' full names. Zou's query parameters apply: ``id``, ``episode_id`` (an id,
``main`` or ``all``) and ``assigned_to`` (only what the caller is assigned to). Team members
except vendors may export; a project that does not exist is a 404.

The task type columns are read first (one query); the entities then stream in batches, each
batch fetching its own tasks and assignees.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, distinct, exists, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from .. import rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import NotFound, WrongParameter
from ..models import (
    Entity,
    EntityLink,
    EntityType,
    MetadataDescriptor,
    Project,
    Task,
    TaskPersonLink,
    TaskStatus,
    TaskType,
)
from .breakdown import kind_condition
from .casting import require_casting_reader
from .csv_export import EPISODE, SEQUENCE, CsvExport, full_names_by_task

EPISODE_SENTINELS = ("main", "all")
Row = dict[str, Any]


async def project_for_export(ctx: Ctx, project_id: str) -> Row:
    """Zou's ``get_project`` (404 when missing) then its project access and vendor checks."""
    project = (
        await rows.fetch_one(ctx.conn, Project, project_id) if is_valid_id(project_id) else None
    )
    if project is None:
        raise NotFound()
    await require_casting_reader(ctx, project["id"])
    return project


async def assets_export(ctx: Ctx, project_id: str) -> CsvExport:
    project = await project_for_export(ctx, project_id)
    conditions = [Entity.project_id == project["id"], await kind_condition(ctx, "Asset")]
    episode_id = _criterion_ids(ctx)
    if episode_id == "main":
        conditions.append(Entity.source_id.is_(None))
    elif episode_id is not None and episode_id != "all":
        cast_in_episode = exists().where(
            EntityLink.entity_out_id == Entity.id, EntityLink.entity_in_id == episode_id
        )
        conditions.append((Entity.source_id == episode_id) | cast_in_episode)
    query = (
        select(
            Entity.id, Entity.name, Entity.description, Entity.data,
            EntityType.name.label("asset_type_name"),
        )
        .join(EntityType, EntityType.id == Entity.entity_type_id)
    )  # fmt: skip
    return await _breakdown_export(
        ctx, project, "Asset", ["Project", "Type", "Name", "Description", "Time Spent"],
        query, conditions, [EntityType.name, Entity.name],
        lambda row: [row.asset_type_name, row.name, row.description],
    )  # fmt: skip


async def shots_export(ctx: Ctx, project_id: str) -> CsvExport:
    project = await project_for_export(ctx, project_id)
    conditions = [Entity.project_id == project["id"], await kind_condition(ctx, "Shot")]
    episode_id = _criterion_ids(ctx)
    if episode_id is not None and episode_id != "all":
        conditions.append(SEQUENCE.c.parent_id == episode_id)
    query = (
        select(
            Entity.id, Entity.name, Entity.description, Entity.data, Entity.nb_frames,
            SEQUENCE.c.name.label("sequence_name"), EPISODE.c.name.label("episode_name"),
        )
        .join(SEQUENCE, SEQUENCE.c.id == Entity.parent_id)
        .outerjoin(EPISODE, EPISODE.c.id == SEQUENCE.c.parent_id)
    )  # fmt: skip
    headers = [
        "Project", "Episode", "Sequence", "Name", "Description", "Time Spent", "Frames",
        "Frame In", "Frame Out", "FPS",
    ]  # fmt: skip
    return await _breakdown_export(
        ctx, project, "Shot", headers, query, conditions,
        [func.coalesce(EPISODE.c.name, ""), SEQUENCE.c.name, Entity.name],
        lambda row: [row.episode_name or "", row.sequence_name, row.name, row.description],
        lambda row: [
            row.nb_frames, *((row.data or {}).get(key, "") for key in ("frame_in", "frame_out", "fps"))
        ],
        shot_join=True,
    )  # fmt: skip


async def edits_export(ctx: Ctx, project_id: str) -> CsvExport:
    """Edits take no query parameter in Zou's export: always the whole project."""
    project = await project_for_export(ctx, project_id)
    conditions = [Entity.project_id == project["id"], await kind_condition(ctx, "Edit")]
    query = select(
        Entity.id, Entity.name, Entity.description, Entity.data,
        EPISODE.c.name.label("episode_name"),
    ).outerjoin(EPISODE, EPISODE.c.id == Entity.parent_id)  # fmt: skip
    return await _breakdown_export(
        ctx, project, "Edit", ["Project", "Episode", "Name", "Description", "Time Spent"],
        query, conditions, [func.coalesce(EPISODE.c.name, ""), Entity.name],
        lambda row: [row.episode_name or "", row.name, row.description],
        use_params=False,
    )  # fmt: skip


# ==== the shared machinery ===================================================================
async def _breakdown_export(
    ctx: Ctx,
    project: Row,
    entity_type: str,
    headers: list[str],
    query: Select[Any],
    conditions: list[ColumnElement[bool]],
    order: list[Any],
    names: Any,
    extra: Any = None,
    shot_join: bool = False,
    use_params: bool = True,
) -> CsvExport:
    if use_params and ctx.params.get("id") is not None:
        conditions.append(Entity.id == ctx.params["id"])
    task_conditions: list[ColumnElement[bool]] = []
    if use_params and "assigned_to" in ctx.params:
        assigned = exists().where(
            TaskPersonLink.task_id == Task.id, TaskPersonLink.person_id == ctx.me.id
        )
        conditions.append(exists().where(Task.entity_id == Entity.id, assigned))
        task_conditions.append(assigned)
    entity_ids = select(Entity.id).where(*conditions)
    if shot_join:
        entity_ids = entity_ids.join(SEQUENCE, SEQUENCE.c.id == Entity.parent_id)
    columns = await _task_type_columns(ctx.conn, entity_ids, task_conditions)
    metadata = await _metadata_columns(ctx.conn, project["id"], entity_type)
    header = headers + [name for name, _, _ in metadata]
    for column in columns:
        header += [column, "Assignations"]

    async def build_rows(conn: AsyncConnection, batch: Sequence[Any]) -> list[list[Any]]:
        tasks = await _tasks_of(conn, [row.id for row in batch], task_conditions)
        lines = []
        for row in batch:
            own = tasks.get(row.id, [])
            task_map = {task["task_type_name"]: task for task in own}
            line = [project["name"], *names(row), _time_spent(own)]
            if extra is not None:
                line += extra(row)
            data = row.data or {}
            for _name, field_name, data_type in metadata:
                value = data.get(field_name, "")
                if data_type == "boolean":
                    value = "true" if str(value).lower() == "true" else "false"
                line.append(value)
            for column in columns:
                task = task_map.get(column)
                line += [task["short_name"], task["assignees"]] if task else ["", ""]
            lines.append(line)
        return lines

    label = {"Asset": "assets", "Shot": "shots", "Edit": "edits"}[entity_type]
    return CsvExport(
        f"{project['name']} {label}",
        [header],
        query.where(*conditions).order_by(*order),
        build_rows,
    )


def _criterion_ids(ctx: Ctx) -> str | None:
    """Zou's ``check_criterion_id_format`` on ``id`` and ``episode_id``; the episode id."""
    for key in ("id", "episode_id"):
        value = ctx.params.get(key)
        if value is None or (key == "episode_id" and value in EPISODE_SENTINELS):
            continue
        if not is_valid_id(value):
            raise WrongParameter(f"Invalid UUID format for {key}: {value}")
    return ctx.params.get("episode_id")


async def _task_type_columns(
    conn: AsyncConnection, entity_ids: Select[Any], task_conditions: list[ColumnElement[bool]]
) -> list[str]:
    found = await conn.execute(
        select(distinct(TaskType.name), TaskType.priority)
        .join(Task, Task.task_type_id == TaskType.id)
        .where(Task.entity_id.in_(entity_ids), *task_conditions)
    )
    priorities = {name: priority or 0 for name, priority in found}
    return sorted(priorities, key=lambda name: (priorities[name], name))


async def _metadata_columns(
    conn: AsyncConnection, project_id: str, entity_type: str
) -> list[tuple[str, str, str]]:
    found = await conn.execute(
        select(MetadataDescriptor.name, MetadataDescriptor.field_name, MetadataDescriptor.data_type)
        .where(
            MetadataDescriptor.project_id == project_id,
            MetadataDescriptor.entity_type == entity_type,
        )
        .order_by(MetadataDescriptor.position, MetadataDescriptor.name)
    )
    return [tuple(row) for row in found]  # type: ignore[misc]


async def _tasks_of(
    conn: AsyncConnection, entity_ids: list[str], task_conditions: list[ColumnElement[bool]]
) -> dict[str, list[Row]]:
    found = (
        await conn.execute(
            select(
                Task.id, Task.entity_id, Task.duration,
                TaskType.name.label("task_type_name"), TaskStatus.short_name,
            )
            .join(TaskType, TaskType.id == Task.task_type_id)
            .join(TaskStatus, TaskStatus.id == Task.task_status_id)
            .where(Task.entity_id.in_(entity_ids), *task_conditions)
        )
    ).mappings().all()  # fmt: skip
    assignees = await full_names_by_task(conn, [task["id"] for task in found])
    tasks: dict[str, list[Row]] = {}
    for task in found:
        item = dict(task, assignees=",".join(assignees.get(task["id"], [])))
        tasks.setdefault(task["entity_id"], []).append(item)
    return tasks


def _time_spent(tasks: list[Row]) -> str:
    minutes = sum(task["duration"] for task in tasks if task["duration"] is not None)
    return f"{minutes / 8.0 / 60.0 if minutes > 0 else 0:.2f}"
