"""The tasks of the breakdown: each entity's tasks and task types, the tasks of a project, and
the bulk creation and deletion of tasks (zou-data-model.md 8.1, 11.3).

Every list and bulk action runs a constant number of statements whatever the number of rows:
rows are selected by a condition (never one query per entity), link tables are read with one
query each, writes are one ``executemany`` per table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, and_, insert, select

from .. import events, rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import NotFound, PermissionDenied, WrongParameter
from ..models import (
    Entity,
    EntityLink,
    EntityType,
    Project,
    ProjectTaskTypeLink,
    Task,
    TaskPersonLink,
    TaskStatus,
    TaskType,
    TaskTypeAssetTypeLink,
)  # fmt: skip
from ..models.base import new_id, utc_now
from ..permissions import assigned_task_ids, require_entity_access
from . import crud
from .breakdown import get_typed, kind_condition
from .cascade import remove_tasks
from .entities import entity_kind, kind_of
from .spec import Row, spec_for_table
from .statuses import default_task_status

# What a client reads of a task: the studio side blank, the keys kept (Zou's
# CLIENT_BLANK_TASK_VALUES).
CLIENT_BLANK_TASK_VALUES: dict[str, Any] = {
    "assignees": [], "assigner_id": None, "completion_rate": 0, "difficulty": None,
    "done_date": None, "due_date": None, "duration": 0, "end_date": None, "estimation": 0,
    "last_comment_date": None, "nb_assets_ready": 0, "nb_drawings": 0, "priority": 0,
    "real_start_date": None, "retake_count": 0, "start_date": None,
}  # fmt: skip
SEQUENCE = Entity.__table__.alias("sequence")
NOT_A_LIST = "Request body must be a JSON array."


# ==== shared helpers =========================================================================
def blank_for_client(ctx: Ctx, project_id: str | None, tasks: list[dict[str, Any]]) -> list[dict]:
    """Tasks as a client of the project reads them (Zou's blank_tasks_for_current_user)."""
    if ctx.me.role_in(project_id) != "client":
        return tasks
    return [
        {**task, **{k: list(v) if isinstance(v, list) else v
                    for k, v in CLIENT_BLANK_TASK_VALUES.items() if k in task}}
        for task in tasks
    ]  # fmt: skip


async def readable_entity(ctx: Ctx, kind: str, entity_id: str) -> Row:
    """The entity of that kind (404 otherwise), readable by the caller (member, and a vendor
    only when assigned to one of its tasks)."""
    entity = await get_typed(ctx, kind, entity_id)
    await require_entity_access(ctx, entity)
    return entity


async def assignees_of(ctx: Ctx, condition: ColumnElement[bool]) -> dict[str, list[str]]:
    """``{task id: [person ids]}`` for the tasks matching ``condition``, in one query."""
    query = (
        select(TaskPersonLink.task_id, TaskPersonLink.person_id)
        .join(Task, Task.id == TaskPersonLink.task_id)
        .join(Entity, Entity.id == Task.entity_id, isouter=True)
        .where(condition)
    )
    result: dict[str, list[str]] = {}
    for task_id, person_id in await ctx.conn.execute(query):
        result.setdefault(task_id, []).append(person_id)
    return result


# ==== task lists =============================================================================
async def detailed_tasks(
    ctx: Ctx, condition: ColumnElement[bool], project_id: str | None, relations: bool
) -> list[dict[str, Any]]:
    """Tasks with ``project_name``, ``task_type_name``, ``task_status_name``,
    ``entity_type_name`` and ``entity_name`` (and ``assignees`` with relations), sorted as Zou
    sorts them."""
    query = (
        select(
            Task.__table__,
            Project.name.label("project_name"),
            TaskType.name.label("task_type_name"),
            TaskStatus.name.label("task_status_name"),
            EntityType.name.label("entity_type_name"),
            Entity.name.label("entity_name"),
        )
        .join(Project, Project.id == Task.project_id)
        .join(TaskType, TaskType.id == Task.task_type_id)
        .join(TaskStatus, TaskStatus.id == Task.task_status_id)
        .join(Entity, Entity.id == Task.entity_id)
        .join(EntityType, EntityType.id == Entity.entity_type_id)
        .where(condition)
    )
    found = [dict(row) for row in (await ctx.conn.execute(query)).mappings()]
    names = ("project_name", "task_type_name", "task_status_name", "entity_type_name",
             "entity_name")  # fmt: skip
    items = crud.serialize_plain(spec_for_table("task"), found)
    for item, row in zip(items, found, strict=True):
        item.update({name: row[name] for name in names})
    items.sort(
        key=lambda t: tuple(
            (t[key] or "").casefold()
            for key in ("name", "project_name", "task_type_name", "entity_type_name",
                        "entity_name")
        )
    )  # fmt: skip
    if relations and items:
        assignees = await assignees_of(ctx, condition)
        for item in items:
            item["assignees"] = assignees.get(item["id"], [])
    return blank_for_client(ctx, project_id, items)


async def entity_tasks(
    ctx: Ctx, kind: str, entity_id: str, params: Mapping[str, str]
) -> list[dict[str, Any]]:
    """GET /data/<kind>s/{id}/tasks. Vendors read only their tasks of sequences and episodes
    (plain task objects, as Zou's user_service answers them)."""
    entity = await readable_entity(ctx, kind, entity_id)
    project_id = entity["project_id"]
    if kind == "Concept" and ctx.me.role_in(project_id) == "client":
        raise PermissionDenied()
    if kind in ("Sequence", "Episode") and ctx.me.role_in(project_id) == "vendor":
        return await _my_open_tasks(ctx, entity["id"])
    relations = crud.is_true(params.get("relations")) and kind not in ("Episode", "Scene")
    return await detailed_tasks(ctx, Task.entity_id == entity["id"], project_id, relations)


async def _my_open_tasks(ctx: Ctx, entity_id: str) -> list[dict[str, Any]]:
    if not ctx.me.open_project_ids:
        return []
    found = await rows.fetch_where(
        ctx.conn, Task, Task.entity_id == entity_id, Task.id.in_(assigned_task_ids(ctx)),
        Task.project_id.in_(sorted(ctx.me.open_project_ids)),
    )  # fmt: skip
    return crud.serialize_plain(spec_for_table("task"), found)


async def episode_child_tasks(
    ctx: Ctx, kind: str, episode_id: str, params: Mapping[str, str]
) -> list[dict[str, Any]]:
    """GET /data/episodes/{id}/shot-tasks, asset-tasks, edit-tasks (``kind`` Shot, Asset,
    Edit) and /data/sequences/{id}/shot-tasks (``kind`` SequenceShot). Vendors are refused."""
    parent_kind = "Sequence" if kind == "SequenceShot" else "Episode"
    parent = await readable_entity(ctx, parent_kind, episode_id)
    project_id = parent["project_id"]
    if ctx.me.role_in(project_id) == "vendor":
        raise PermissionDenied()
    if kind == "SequenceShot":
        condition = Entity.parent_id == parent["id"]
    elif kind == "Shot":
        sequences = select(SEQUENCE.c.id).where(SEQUENCE.c.parent_id == parent["id"])
        condition = Entity.parent_id.in_(sequences)
    elif kind == "Asset":
        condition = (await kind_condition(ctx, "Asset")) & (Entity.source_id == parent["id"])
    else:
        condition = (await kind_condition(ctx, "Edit")) & (Entity.parent_id == parent["id"])
    relations = crud.is_true(params.get("relations"))
    return await detailed_tasks(ctx, condition, project_id, relations)


async def entity_task_type_tasks(
    ctx: Ctx, entity_id: str, task_type_id: str
) -> list[dict[str, Any]]:
    """GET /data/entities/{id}/task-types/{task_type_id}/tasks: plain tasks, by name."""
    entity = await rows.fetch_or_404(ctx.conn, Entity, entity_id)
    ctx.me.require_member(entity["project_id"])
    if not is_valid_id(task_type_id):
        return []
    found = await rows.fetch_where(
        ctx.conn, Task, Task.entity_id == entity["id"], Task.task_type_id == task_type_id.lower(),
        order_by=Task.name,
    )  # fmt: skip
    return blank_for_client(
        ctx, entity["project_id"], crud.serialize_plain(spec_for_table("task"), found)
    )


async def project_tasks(ctx: Ctx, project_id: str, params: Mapping[str, str]) -> Any:
    """GET /data/projects/{id}/tasks: the project's tasks with their assignees, last updated
    first; ``page`` gives Zou's page object; ``task_type_id`` and ``episode_id`` narrow it."""
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    me = ctx.me
    me.require_member(project["id"])
    page = crud.parse_int(params.get("page"), "page", default=0)
    conditions = [Task.project_id == project["id"]]
    task_type_id = params.get("task_type_id")
    if task_type_id:
        conditions.append(Task.task_type_id == rows.check_id(task_type_id))
    episode_id = params.get("episode_id")
    if episode_id:
        sequences = select(SEQUENCE.c.id).where(SEQUENCE.c.parent_id == rows.check_id(episode_id))
        shots = select(Entity.id).where(Entity.parent_id.in_(sequences)).correlate(None)
        conditions.append(Task.entity_id.in_(shots))
        if me.role_in(project["id"]) == "vendor":
            conditions.append(Task.id.in_(assigned_task_ids(ctx).correlate(None)))
    query = select(Task.__table__).where(*conditions).order_by(Task.updated_at.desc(), Task.id)
    if page < 1:
        return await _tasks_with_assignees(ctx, await crud.fetch(ctx, query), and_(*conditions))
    limit = ctx.settings.nb_records_per_page
    total = await rows.count_where(ctx.conn, Task, *conditions)
    offset = (page - 1) * limit
    found = await crud.fetch(ctx, query.limit(limit).offset(offset)) if total >= offset else []
    return {
        "data": await _tasks_with_assignees(ctx, found, Task.id.in_([t["id"] for t in found])),
        "total": total,
        "nb_pages": math.ceil(total / limit), "limit": limit, "offset": offset, "page": page,
    }  # fmt: skip


async def _tasks_with_assignees(
    ctx: Ctx, found: list[Row], condition: ColumnElement[bool]
) -> list[dict[str, Any]]:
    """Tasks with ``assignees``, read in one query for the tasks matching ``condition``."""
    items = crud.serialize_plain(spec_for_table("task"), found)
    assignees = await assignees_of(ctx, condition)
    for item in items:
        item["assignees"] = assignees.get(item["id"], [])
    return items


# ==== task types =============================================================================
async def entity_task_types(ctx: Ctx, kind: str, entity_id: str) -> list[dict[str, Any]]:
    """GET /data/<kind>s/{id}/task-types: the types of the entity's tasks; for a sequence the
    types of its shots' tasks, for an episode those of its sequences' shots."""
    entity = await readable_entity(ctx, kind, entity_id)
    if kind == "Concept" and ctx.me.role_in(entity["project_id"]) == "client":
        raise PermissionDenied()
    if kind == "Sequence":
        entities = select(Entity.id).where(Entity.parent_id == entity["id"])
    elif kind == "Episode":
        sequences = select(SEQUENCE.c.id).where(SEQUENCE.c.parent_id == entity["id"])
        entities = select(Entity.id).where(Entity.parent_id.in_(sequences))
    else:
        entities = select(Entity.id).where(Entity.id == entity["id"])
    used = select(Task.task_type_id).where(Task.entity_id.in_(entities))
    query = select(TaskType.__table__).where(TaskType.id.in_(used)).order_by(TaskType.name)
    return crud.serialize_plain(spec_for_table("task_type"), await crud.fetch(ctx, query))


async def project_task_types(ctx: Ctx, project_id: str) -> list[dict[str, Any]]:
    """GET /data/projects/{id}/task-types: the task types linked to the project."""
    if not is_valid_id(project_id):
        raise WrongParameter("Malformed ID.")
    ctx.me.require_member(project_id.lower())
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    query = (
        select(TaskType.__table__)
        .join(ProjectTaskTypeLink, ProjectTaskTypeLink.task_type_id == TaskType.id)
        .where(ProjectTaskTypeLink.project_id == project["id"])
        .order_by(TaskType.name)
    )
    return crud.serialize_plain(spec_for_table("task_type"), await crud.fetch(ctx, query))


# ==== creation ===============================================================================
async def create_tasks(
    ctx: Ctx, project_id: str, task_type_id: str, kind: str | None, entity_ids: Any,
    params: Mapping[str, str], entity_type: str | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """POST .../task-types/{tt}/<kind>s/create-tasks (``kind``) and .../create-tasks/{entity
    type} (``entity_type``, a type name such as ``shot`` or ``character``): one ``main`` task of
    the type for each entity (the given ids, else every entity of that kind in the project,
    ``episode_id`` narrowing) that has none yet; the answer lists the tasks created."""
    me = ctx.me
    if kind == "Concept":
        me.require_member(project_id)
        if me.role_in(project_id) in ("vendor", "client"):
            raise PermissionDenied()
    else:
        me.require_manager(project_id)
    task_type = await rows.fetch_or_404(ctx.conn, TaskType, task_type_id)
    if entity_type is not None:
        type_row = await rows.first_where(
            ctx.conn, EntityType, EntityType.name == entity_type.capitalize()
        )
        if type_row is None:
            raise NotFound()
        kind, condition = kind_of(type_row["name"]), Entity.entity_type_id == type_row["id"]
    else:
        condition = await kind_condition(ctx, kind or "Asset")
    ids = id_list(entity_ids, required=False)
    if ids:
        entities = await _entities_by_id(ctx, ids, condition)
        entities = [entity for entity in entities if entity["project_id"] == project_id]
    else:
        entities = await _project_entities(ctx, project_id, condition, kind, entity_type, params)
    if not entities:
        return []
    if kind == "Concept" and me.role_in(project_id) == "vendor":
        raise PermissionDenied()
    existing = set(
        (
            await ctx.conn.execute(
                select(Task.entity_id).where(
                    Task.task_type_id == task_type["id"], Task.project_id == project_id
                )
            )
        ).scalars()
    )
    status = await default_task_status(ctx, for_concept=kind == "Concept")
    pairs = [(entity, task_type) for entity in entities if entity["id"] not in existing]
    return await _insert_tasks(ctx, pairs, status)


async def _insert_tasks(
    ctx: Ctx, pairs: list[tuple[Row, Row]], status: Row
) -> list[dict[str, Any]]:
    """One ``main`` task per (entity, task type), in one statement; answered as Zou answers
    a creation (status and type names, no assignee) with a ``task:new`` event each."""
    if not pairs:
        return []
    now = utc_now()
    new_rows = [
        {
            "id": new_id(),
            "created_at": now,
            "updated_at": now,
            "name": "main",
            "duration": 0,
            "estimation": 0,
            "completion_rate": 0,
            "priority": 0,
            "difficulty": 3,
            "retake_count": 0,
            "sort_order": 0,
            "nb_assets_ready": 0,
            "nb_drawings": 0,
            "data": None,
            "project_id": entity["project_id"],
            "task_type_id": task_type["id"],
            "task_status_id": status["id"],
            "entity_id": entity["id"],
            "assigner_id": ctx.me.id,
        }
        for entity, task_type in pairs
    ]
    with rows.database_refusals():
        await ctx.conn.execute(insert(Task), new_rows)
    full = [{column.name: row.get(column.name) for column in Task.__table__.c} for row in new_rows]
    items = crud.serialize_plain(spec_for_table("task"), full)
    for item, (_, task_type) in zip(items, pairs, strict=True):
        item.update(
            assignees=[], task_status_name=status["name"],
            task_status_short_name=status["short_name"], task_status_color=status["color"],
            task_type_name=task_type["name"] or "", task_type_color=task_type["color"] or "",
            task_type_priority=task_type["priority"],
        )  # fmt: skip
    await events.emit_many(
        ctx, "task:new", [({"task_id": item["id"]}, item["project_id"]) for item in items]
    )
    return items


async def entity_for_tasks(ctx: Ctx, entity_id: str) -> Row:
    """The entity, for a member of its project who is neither a client nor a vendor."""
    if not is_valid_id(entity_id):
        raise NotFound()
    entity = await rows.fetch_or_404(ctx.conn, Entity, entity_id)
    await require_entity_access(ctx, entity)
    if ctx.me.role_in(entity["project_id"]) in ("vendor", "client"):
        raise PermissionDenied()
    return entity


async def create_entity_tasks(ctx: Ctx, entity: Row, type_ids: list[str]) -> list[dict]:
    """POST /data/entities/{id}/tasks: a ``main`` task of each type given (by default every
    type enabled in the project, in the asset type's workflow for an asset, for the entity's
    kind) that the entity has not yet, in the order given."""
    project_id = entity["project_id"]
    task_types = []
    for type_id in type_ids:
        if not is_valid_id(type_id):
            raise NotFound()
        task_types.append(await rows.fetch_or_404(ctx.conn, TaskType, type_id))
    kind = await entity_kind(ctx, entity)
    enabled = set(
        (
            await ctx.conn.execute(
                select(ProjectTaskTypeLink.task_type_id).where(
                    ProjectTaskTypeLink.project_id == project_id
                )
            )
        ).scalars()
    )
    workflow: set[str] | None = None
    if kind == "Asset":
        workflow = (
            set(
                (
                    await ctx.conn.execute(
                        select(TaskTypeAssetTypeLink.task_type_id).where(
                            TaskTypeAssetTypeLink.asset_type_id == entity["entity_type_id"]
                        )
                    )
                ).scalars()
            )
            or None
        )
    if not task_types:
        candidates = enabled & workflow if workflow is not None else enabled
        if not candidates:
            return []
        task_types = [
            task_type
            for task_type in await rows.fetch_where(
                ctx.conn, TaskType, TaskType.id.in_(candidates), order_by=TaskType.name
            )
            if not task_type["for_entity"] or task_type["for_entity"] == kind
        ]
    else:
        for task_type in task_types:
            type_id, expected = task_type["id"], task_type["for_entity"]
            if expected and expected != kind:
                raise WrongParameter(f"Task type {type_id} is for {expected} entities, got {kind}.")
            if type_id not in enabled:
                raise WrongParameter(f"Task type {type_id} is not enabled in project {project_id}.")
            if workflow is not None and type_id not in workflow:
                raise WrongParameter(
                    f"Task type {type_id} is not in the workflow of asset type "
                    f"{entity['entity_type_id']}."
                )
    existing = set(
        (
            await ctx.conn.execute(
                select(Task.task_type_id).where(
                    Task.entity_id == entity["id"],
                    Task.name == "main",
                    Task.task_type_id.in_([task_type["id"] for task_type in task_types]),
                )
            )
        ).scalars()
    )
    fresh = list({t["id"]: t for t in task_types if t["id"] not in existing}.values())
    status = await default_task_status(ctx, for_concept=kind == "Concept")
    return await _insert_tasks(ctx, [(entity, task_type) for task_type in fresh], status)


async def _project_entities(
    ctx: Ctx, project_id: str, condition: ColumnElement[bool], kind: str | None,
    entity_type: str | None, params: Mapping[str, str],
) -> list[Row]:  # fmt: skip
    """Every entity of the kind in the project, in Zou's order: by name for shots and entity
    types, as created otherwise; ``episode_id`` keeps an episode's children (its assets: the
    ones it is the source of or casts)."""
    conditions = [condition, Entity.project_id == project_id]
    episode_id = params.get("episode_id")
    if episode_id:
        episode_id = rows.check_id(episode_id)
        if entity_type is not None:
            conditions.append(Entity.parent_id == episode_id)
        elif kind == "Asset":
            cast_in = select(EntityLink.entity_out_id).where(EntityLink.entity_in_id == episode_id)
            conditions.append((Entity.source_id == episode_id) | Entity.id.in_(cast_in))
    by_name = entity_type is not None or kind == "Shot"
    order = Entity.name if by_name else (Entity.created_at, Entity.id)
    return await rows.fetch_where(ctx.conn, Entity, *conditions, order_by=order)


def id_list(value: Any, required: bool = True) -> list[str]:
    """Zou's validate_id_list: a JSON list of ids (without ``required``, nothing means "all")."""
    if not isinstance(value, list):
        if not required and value in (None, {}):
            return []
        raise WrongParameter(NOT_A_LIST)
    if not all(isinstance(item, str) and is_valid_id(item) for item in value):
        raise WrongParameter("Request body must only contain valid UUIDs.")
    return [item.lower() for item in value]


async def _entities_by_id(ctx: Ctx, ids: list[str], condition: ColumnElement[bool]) -> list[Row]:
    """The entities of those ids, all of the right kind (404 for any other, as Zou's
    get_shot / get_asset... answer), in the order given."""
    found: dict[str, Row] = {}
    for chunk in rows.chunked(sorted(set(ids))):
        for row in await rows.fetch_where(ctx.conn, Entity, Entity.id.in_(chunk), condition):
            found[row["id"]] = row
    if any(entity_id not in found for entity_id in ids):
        raise NotFound()
    return [found[entity_id] for entity_id in dict.fromkeys(ids)]


# ==== deletion ===============================================================================
async def delete_task_type_tasks(ctx: Ctx, project_id: str, task_type_id: str) -> None:
    """DELETE /actions/projects/{p}/task-types/{tt}/delete-tasks: admins only."""
    ctx.me.require_admin()
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    if not is_valid_id(task_type_id):
        return
    found = await rows.fetch_where(
        ctx.conn, Task, Task.project_id == project["id"], Task.task_type_id == task_type_id.lower()
    )
    await remove_tasks(ctx, found)


async def delete_tasks(ctx: Ctx, project_id: str, task_ids: Any) -> list[str]:
    """POST /actions/projects/{p}/delete-tasks with a list of task ids: managers; the tasks of
    other projects are left; the answer echoes the valid ids sent."""
    ctx.me.require_manager(project_id)
    valid = id_list(task_ids)
    found: list[Row] = []
    for chunk in rows.chunked(valid):
        found += await rows.fetch_where(
            ctx.conn, Task, Task.project_id == project_id, Task.id.in_(chunk)
        )
    await remove_tasks(ctx, found)
    return task_ids
