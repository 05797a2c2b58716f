"""The caller's own work views (Zou's user_service): the entities, tasks and task types of the
open productions on which the caller has a task assigned (zou-behaviour.md, the ``/data/user``
routes). Zou checks only that the parent exists (404) and lets anybody ask: the answer is
narrowed to the caller's assigned tasks, so nobody reads anything of somebody else's work.

Each view is one query on the tasks assigned to the caller in an open production.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, select

from .. import rows
from ..columns import is_valid_id
from ..context import OPEN_STATUS_NAME, Ctx
from ..errors import NotFound
from ..models import Entity, EntityType, Project, ProjectStatus, Task, TaskPersonLink, TaskType
from .breakdown import get_typed, serialize_typed
from .crud import fetch, serialize_plain
from .entities import TEMPORAL_KINDS
from .project_listings import open_projects
from .spec import Row, spec_for_table

PARENT = Entity.__table__.alias("parent")
CHILD = Entity.__table__.alias("child")
CHILD_TYPE = EntityType.__table__.alias("child_type")


def open_project_ids() -> Select:
    """The ids of the open productions (Zou's ``build_open_project_filter``)."""
    return (
        select(Project.id)
        .join(ProjectStatus, ProjectStatus.id == Project.project_status_id)
        .where(ProjectStatus.name == OPEN_STATUS_NAME)
    )


def my_task_ids(ctx: Ctx) -> Select:
    """The tasks assigned to the caller (Zou's ``build_assignee_filter``)."""
    return select(TaskPersonLink.task_id).where(TaskPersonLink.person_id == ctx.me.id)


def _my_open_tasks() -> list[ColumnElement[bool]]:
    return [Task.project_id.in_(open_project_ids())]


# ==== one entity's tasks and task types ======================================================
async def entity_tasks(ctx: Ctx, kind: str, entity_id: str) -> list[dict[str, Any]]:
    """GET /data/user/<kind>s/{id}/tasks: the caller's tasks of that entity (plain tasks)."""
    entity = await typed_or_404(ctx, kind, entity_id)
    found = await fetch(
        ctx,
        select(Task.__table__)
        .where(Task.entity_id == entity["id"], Task.id.in_(my_task_ids(ctx)), *_my_open_tasks())
        .order_by(Task.created_at, Task.id),
    )
    return serialize_plain(spec_for_table("task"), found)


async def entity_task_types(ctx: Ctx, kind: str, entity_id: str) -> list[dict[str, Any]]:
    """GET /data/user/<kind>s/{id}/task-types: the types of the caller's tasks of that entity."""
    entity = await typed_or_404(ctx, kind, entity_id)
    mine = select(Task.task_type_id).where(
        Task.entity_id == entity["id"], Task.id.in_(my_task_ids(ctx)), *_my_open_tasks()
    )
    found = await fetch(
        ctx,
        select(TaskType.__table__)
        .where(TaskType.id.in_(mine))
        .order_by(TaskType.priority, TaskType.name),
    )
    return serialize_plain(spec_for_table("task_type"), found)


# ==== the entities the caller works on =======================================================
def _worked_on(ctx: Ctx, entity_column: Any) -> ColumnElement[bool]:
    """``entity_column`` names an entity with one of the caller's tasks in an open project."""
    return entity_column.in_(
        select(Task.entity_id).where(Task.id.in_(my_task_ids(ctx)), *_my_open_tasks())
    )


async def _entities(ctx: Ctx, kind: str, query: Select) -> list[dict[str, Any]]:
    return serialize_typed(await fetch(ctx, query.order_by(Entity.name, Entity.id)), kind)


def _typed(name: str) -> Select:
    """The entities of the type of that name."""
    return (
        select(Entity.__table__)
        .join(EntityType, EntityType.id == Entity.entity_type_id)
        .where(EntityType.name == name)
    )


async def found_or_404(ctx: Ctx, model: Any, row_id: str) -> Row:
    """The row; a malformed id is a 404 on these routes, as in Zou."""
    if not is_valid_id(row_id):
        raise NotFound()
    return await rows.fetch_or_404(ctx.conn, model, row_id)


async def typed_or_404(ctx: Ctx, kind: str, entity_id: str) -> Row:
    if not is_valid_id(entity_id):
        raise NotFound()
    return await get_typed(ctx, kind, entity_id)


async def _project(ctx: Ctx, project_id: str) -> Row:
    return await found_or_404(ctx, Project, project_id)


async def asset_types(ctx: Ctx, project_id: str) -> list[dict[str, Any]]:
    """GET /data/user/projects/{id}/asset-types: types of the assets the caller works on."""
    project = await _project(ctx, project_id)
    used = select(Entity.entity_type_id).where(
        Entity.project_id == project["id"], _worked_on(ctx, Entity.id)
    )
    found = await fetch(
        ctx,
        select(EntityType.__table__)
        .where(EntityType.id.in_(used), EntityType.name.not_in(TEMPORAL_KINDS))
        .order_by(EntityType.name),
    )
    items = serialize_plain(spec_for_table("entity_type"), found)
    for item in items:
        item["type"] = "AssetType"
    return items


async def assets_of_type(ctx: Ctx, project_id: str, asset_type_id: str) -> list[dict[str, Any]]:
    """GET /data/user/projects/{id}/asset-types/{type id}/assets: the caller's assets."""
    project = await _project(ctx, project_id)
    asset_type = await found_or_404(ctx, EntityType, asset_type_id)
    if asset_type["name"] in TEMPORAL_KINDS:
        raise NotFound()
    query = select(Entity.__table__).where(
        Entity.project_id == project["id"],
        Entity.entity_type_id == asset_type["id"],
        _worked_on(ctx, Entity.id),
    )
    return await _entities(ctx, "Asset", query)


async def project_sequences(ctx: Ctx, project_id: str) -> list[dict[str, Any]]:
    """GET /data/user/projects/{id}/sequences: sequences with a shot the caller works on."""
    project = await _project(ctx, project_id)
    shots = _typed_children("Shot").where(_worked_on(ctx, CHILD.c.id))
    query = _typed("Sequence").where(Entity.project_id == project["id"], Entity.id.in_(shots))
    return await _entities(ctx, "Sequence", query)


async def project_episodes(ctx: Ctx, project_id: str) -> list[dict[str, Any]]:
    """GET /data/user/projects/{id}/episodes: episodes with a shot the caller works on."""
    project = await _project(ctx, project_id)
    shots = _typed_children("Shot").where(_worked_on(ctx, CHILD.c.id))
    sequences = (
        select(PARENT.c.parent_id)
        .join(EntityType, EntityType.id == PARENT.c.entity_type_id)
        .where(EntityType.name == "Sequence", PARENT.c.id.in_(shots))
    )
    query = _typed("Episode").where(Entity.project_id == project["id"], Entity.id.in_(sequences))
    return await _entities(ctx, "Episode", query)


def _typed_children(name: str) -> Select:
    """The parent ids of the entities of the type of that name (``CHILD``)."""
    return (
        select(CHILD.c.parent_id)
        .join(CHILD_TYPE, CHILD_TYPE.c.id == CHILD.c.entity_type_id)
        .where(CHILD_TYPE.c.name == name)
    )


async def sequence_children(ctx: Ctx, kind: str, sequence_id: str) -> list[dict[str, Any]]:
    """GET /data/user/sequences/{id}/shots and /scenes: those the caller works on."""
    sequence = await typed_or_404(ctx, "Sequence", sequence_id)
    query = _typed(kind).where(Entity.parent_id == sequence["id"], _worked_on(ctx, Entity.id))
    return await _entities(ctx, kind, query)


async def my_open_projects(ctx: Ctx, name: str | None) -> list[dict[str, Any]]:
    """GET /data/user/projects/open: the open productions of the caller's teams (every open
    one for an admin), as ``/data/projects/open`` answers them."""
    return await open_projects(ctx, name)
