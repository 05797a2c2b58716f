"""Planning: milestones, schedule items, production schedule versions and their task links
(zou-data-model.md 3.3), and the project access checks the planning routes share."""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import Select, insert, select

from .. import events, rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import NotFound, PermissionDenied, WrongParameter
from ..models import (
    Entity,
    EntityType,
    Milestone,
    ProductionScheduleVersion,
    Project,
    ProjectTaskTypeLink,
    ScheduleItem,
    Task,
    TaskType,
)
from ..models.base import new_id, utc_now
from .crud import CrudHooks, serialize_plain
from .entities import TEMPORAL_KINDS
from .spec import Row, spec_for_table


class ScheduleItemHooks(CrudHooks):
    def clean_body(self, ctx: Ctx, body: dict[str, Any], row: Row | None) -> dict[str, Any]:
        if row is not None and isinstance(body.get("man_days"), str):
            body = {key: value for key, value in body.items() if key != "man_days"}
        return body

    async def prepare_create(self, ctx, spec, data, values):
        existing = await rows.first_where(
            ctx.conn, ScheduleItem,
            ScheduleItem.project_id == values.get("project_id"),
            ScheduleItem.task_type_id == values.get("task_type_id"),
            ScheduleItem.object_id == values.get("object_id")
            if values.get("object_id") else ScheduleItem.object_id.is_(None),
        )  # fmt: skip
        if existing is not None:
            raise WrongParameter("A similar schedule item already exists")
        return values


async def check_schedule_item_update(ctx: Ctx, row: Row, data: dict[str, Any]) -> None:
    from ..permissions import is_department_supervisor

    me = ctx.me
    if me.is_manager_of(row["project_id"]):
        return
    if row["task_type_id"] and await is_department_supervisor(
        ctx, {"project_id": row["project_id"], "task_type_id": row["task_type_id"]}
    ):
        return
    raise PermissionDenied()


# ==== production schedule versions ===========================================================
async def check_schedule_versions_list(ctx: Ctx) -> None:
    me = ctx.me
    project_id = ctx.params.get("project_id")
    if project_id:
        me.require_member(project_id)
    else:
        me.require_admin()
    if me.role_in(project_id) in ("vendor", "client"):
        raise PermissionDenied()


async def check_schedule_version_read(ctx: Ctx, row: Row) -> None:
    ctx.me.require_member(row["project_id"])
    if ctx.me.role_in(row["project_id"]) in ("vendor", "client"):
        raise PermissionDenied()


async def _version_of(ctx: Ctx, row: Row) -> Row:
    version = await rows.fetch_one(
        ctx.conn, ProductionScheduleVersion, row["production_schedule_version_id"]
    )
    if version is None:
        raise PermissionDenied()
    return version


async def check_version_task_links_list(ctx: Ctx) -> None:
    me = ctx.me
    version_id = ctx.params.get("production_schedule_version_id")
    if me.is_admin:
        return
    version = (
        await rows.fetch_one(ctx.conn, ProductionScheduleVersion, version_id)
        if version_id
        else None
    )
    if version is None:
        raise PermissionDenied()
    await check_schedule_version_read(ctx, version)


async def check_version_task_link_create(ctx: Ctx, data: dict[str, Any]) -> None:
    version = await rows.fetch_or_404(
        ctx.conn, ProductionScheduleVersion, data.get("production_schedule_version_id")
    )
    ctx.me.require_manager(version["project_id"])
    task = await rows.fetch_or_404(ctx.conn, Task, data.get("task_id"))
    if task["project_id"] != version["project_id"]:
        raise WrongParameter(
            "The task and the production schedule version must be in the same project."
        )


async def check_version_task_link_read(ctx: Ctx, row: Row) -> None:
    task = await rows.fetch_one(ctx.conn, Task, row["task_id"])
    project_id = task["project_id"] if task else None
    ctx.me.require_member(project_id)
    if ctx.me.role_in(project_id) in ("vendor", "client"):
        raise PermissionDenied()


async def check_version_task_link_change(ctx: Ctx, row: Row, *_: Any) -> None:
    version = await _version_of(ctx, row)
    ctx.me.require_manager(version["project_id"])


class ProductionScheduleVersionHooks(CrudHooks):
    async def event(self, ctx, spec, action, row):
        return (
            f"production_schedule_version:{action}",
            {"production_schedule_version_id": row["id"]},
            row["project_id"],
        )


# ==== project access (Zou's check_project_access / check_manager_project_access) ==============
WRONG_UUID = "Wrong UUID format."
PRESENT_DROPPED = frozenset({"type", "created_at", "updated_at"})
SCHEDULED_ENTITIES = ("Asset", "Shot", "Sequence", "Episode", "Edit")


async def require_project_access(ctx: Ctx, project_id: str) -> str:
    """The checked project id. Admins pass on any well-formed id (Zou does not look the project
    up for them); anyone else must be in the team of an existing project (404 / 403)."""
    me = ctx.me
    if me.is_admin:
        return rows.check_id(project_id, WRONG_UUID)
    if (
        not is_valid_id(project_id)
        or await rows.fetch_one(ctx.conn, Project, project_id.lower()) is None
    ):
        raise NotFound()
    project_id = project_id.lower()
    me.require_member(project_id)
    return project_id


async def require_manager_access(ctx: Ctx, project_id: str) -> str:
    project_id = await require_project_access(ctx, project_id)
    ctx.me.require_manager(project_id)
    return project_id


def block_roles(ctx: Ctx, project_id: str, *roles: str) -> None:
    """Zou's block_access_to_client / block_access_to_vendor, on the role in that project."""
    if ctx.me.role_in(project_id) in roles:
        raise PermissionDenied()


def present(table_name: str, found: list[Row]) -> list[dict[str, Any]]:
    """Zou's ``present()``: the columns without ``type`` and the timestamps."""
    return [
        {key: value for key, value in item.items() if key not in PRESENT_DROPPED}
        for item in serialize_plain(spec_for_table(table_name), found)
    ]


# ==== milestones and schedule items of a production ===========================================
async def project_milestones(ctx: Ctx, project_id: str) -> list[dict[str, Any]]:
    project_id = await require_project_access(ctx, project_id)
    block_roles(ctx, project_id, "client")
    found = await rows.fetch_where(
        ctx.conn, Milestone, Milestone.project_id == project_id,
        order_by=(Milestone.date, Milestone.name),
    )  # fmt: skip
    return present("milestone", found)


async def project_schedule_items(ctx: Ctx, project_id: str) -> list[dict[str, Any]]:
    project_id = await require_project_access(ctx, project_id)
    block_roles(ctx, project_id, "client", "vendor")
    found = await rows.fetch_where(
        ctx.conn, ScheduleItem, ScheduleItem.project_id == project_id,
        order_by=(ScheduleItem.created_at, ScheduleItem.id),
    )  # fmt: skip
    return serialize_plain(spec_for_table("schedule_item"), found)


async def task_type_schedule_items(ctx: Ctx, project_id: str) -> list[dict[str, Any]]:
    """One item per task type the project has tasks for (created when missing), restricted to
    the task types of the project settings when it has some; sorted by start date."""
    project_id = await require_project_access(ctx, project_id)
    block_roles(ctx, project_id, "vendor")
    settings = set(
        (
            await ctx.conn.execute(
                select(ProjectTaskTypeLink.task_type_id).where(
                    ProjectTaskTypeLink.project_id == project_id
                )
            )
        ).scalars()
    )
    used = (
        await ctx.conn.execute(
            select(TaskType.id, TaskType.name)
            .where(TaskType.id.in_(select(Task.task_type_id).where(Task.project_id == project_id)))
            .where(TaskType.for_entity.in_(SCHEDULED_ENTITIES))
        )
    ).all()
    names = {row.id: row.name for row in used if not settings or row.id in settings}
    existing = await rows.fetch_where(
        ctx.conn, ScheduleItem, ScheduleItem.project_id == project_id,
        ScheduleItem.object_id.is_(None),
    )  # fmt: skip
    known = {item["task_type_id"] for item in existing}
    created = await _create_items(
        ctx,
        project_id,
        [(task_type_id, None) for task_type_id in names if task_type_id not in known],
    )
    items = [
        item
        for item in existing + created
        if item["task_type_id"] is None or item["task_type_id"] in names
    ]
    # Undated items (made through /data/schedule-items) last, where Zou fails on them.
    items.sort(
        key=lambda item: (
            item["start_date"] is None,
            item["start_date"] or datetime.date.min,
            names.get(item["task_type_id"]) or "",
        )
    )
    return present("schedule_item", items)


async def entity_schedule_items(
    ctx: Ctx, project_id: str, task_type_id: str, kind: str
) -> list[dict[str, Any]]:
    """The items of one task type for the asset types, episodes, sequences or edits of a
    production (``kind``), created when missing, each with the ``name`` of its object, sorted
    by name. ``episode_id`` narrows them to one episode."""
    project_id = await require_project_access(ctx, project_id)
    block_roles(ctx, project_id, "vendor")
    task_type_id = rows.check_id(task_type_id, WRONG_UUID)
    episode_id = ctx.params.get("episode_id") or None
    if episode_id is not None:
        episode_id = rows.check_id(episode_id, WRONG_UUID)
    await rows.fetch_or_404(ctx.conn, TaskType, task_type_id)
    query = _scheduled_objects(project_id, kind, episode_id)
    objects = {row.id: row.name for row in await ctx.conn.execute(query)}
    existing = await rows.fetch_where(
        ctx.conn, ScheduleItem, ScheduleItem.project_id == project_id,
        ScheduleItem.task_type_id == task_type_id,
        ScheduleItem.object_id.in_(select(query.subquery().c.id)),
    )  # fmt: skip
    known = {item["object_id"] for item in existing}
    created = await _create_items(
        ctx,
        project_id,
        [(task_type_id, object_id) for object_id in objects if object_id not in known],
    )
    items = present("schedule_item", existing + created)
    for item in items:
        item["name"] = objects[item["object_id"]]
    return sorted(items, key=lambda item: item["name"])


def _scheduled_objects(project_id: str, kind: str, episode_id: str | None) -> Select:
    """The (id, name) of what a production schedules per ``kind``."""
    entity = Entity.__table__
    if kind == "asset-types":
        assets = select(Entity.entity_type_id).where(Entity.project_id == project_id)
        if episode_id is not None:
            assets = assets.where(Entity.source_id == episode_id)
        query = select(EntityType.id, EntityType.name).where(
            EntityType.id.in_(assets), EntityType.name.not_in(TEMPORAL_KINDS)
        )
    else:
        type_name = {"episodes": "Episode", "sequences": "Sequence", "edits": "Edit"}[kind]
        query = (
            select(entity.c.id, entity.c.name)
            .join(EntityType, EntityType.id == entity.c.entity_type_id)
            .where(entity.c.project_id == project_id, EntityType.name == type_name)
        )
        if kind == "edits":
            query = query.where(entity.c.canceled.is_not(True))
        if episode_id is not None:
            column = entity.c.id if kind == "episodes" else entity.c.parent_id
            query = query.where(column == episode_id)
    return query


async def _create_items(ctx: Ctx, project_id: str, keys: list[tuple[str, str | None]]) -> list[Row]:
    """Insert one item per (task type, object) in one statement, from today to tomorrow as
    Zou does, with a ``schedule-item:new`` event each."""
    if not keys:
        return []
    today = datetime.date.today()
    now = utc_now()
    created = [
        {
            "id": new_id(), "created_at": now, "updated_at": now, "project_id": project_id,
            "task_type_id": task_type_id, "object_id": object_id, "start_date": today,
            "end_date": today + datetime.timedelta(days=1), "man_days": None,
        }
        for task_type_id, object_id in keys
    ]  # fmt: skip
    with rows.database_refusals():
        await ctx.conn.execute(insert(ScheduleItem.__table__), created)
    await events.emit_many(
        ctx,
        "schedule-item:new",
        [({"schedule_item_id": item["id"]}, project_id) for item in created],
    )
    return created
