"""Tasks, time spents and days off (zou-data-model.md 3.5, 8.1, 8.5)."""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import and_, func, select

from .. import events, rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import DatabaseRefusal, PermissionDenied, WrongParameter
from ..models import DayOff, Entity, Notification, Person, Task, TaskPersonLink, TaskType, TimeSpent
from .crud import CrudHooks
from .entities import merge_metadata
from .spec import Row, spec_for_table

# What a department supervisor may change on a task of their department.
SUPERVISOR_TASK_FIELDS = frozenset(
    {"priority", "start_date", "due_date", "estimation", "difficulty", "data"}
)


class TaskHooks(CrudHooks):
    async def extra_filters(self, ctx, spec, params):
        episode_id = params.get("episode_id")
        if episode_id is None:
            return []
        if not is_valid_id(episode_id):
            raise WrongParameter(f"Invalid UUID format for episode_id: {episode_id}")
        sequence = Entity.__table__.alias("sequence")
        shots = (
            select(Entity.id)
            .join(sequence, Entity.parent_id == sequence.c.id)
            .where(sequence.c.parent_id == episode_id.lower())
        )
        return [spec.table.c.entity_id.in_(shots)]

    async def prepare_create(self, ctx, spec, data, values):
        for key in ("task_type_id", "entity_id"):
            if not is_valid_id(data.get(key)):
                raise WrongParameter(f"A valid {key} is required.")
        values["name"] = values.get("name") or "main"
        merge_metadata(values, None)
        if "assignees" in data and not isinstance(data["assignees"], list):
            raise WrongParameter("assignees must be a list.")
        task_type = await rows.fetch_or_404(ctx.conn, TaskType, data["task_type_id"])
        entity = await rows.fetch_or_404(ctx.conn, Entity, data["entity_id"])
        from .entities import entity_kind

        kind = await entity_kind(ctx, entity)
        expected = task_type["for_entity"] or "Asset"
        if kind != expected:
            raise WrongParameter("Task type of the task does not match entity type.")
        if values.get("project_id") is None:
            values["project_id"] = entity["project_id"]
        elif values["project_id"] != entity["project_id"]:
            raise WrongParameter("The task and its entity must belong to the same project.")
        duplicate = await rows.first_where(
            ctx.conn, Task, Task.name == values["name"], Task.project_id == values["project_id"],
            Task.task_type_id == task_type["id"], Task.entity_id == entity["id"],
        )  # fmt: skip
        if duplicate is not None:
            raise DatabaseRefusal("Task already exists.")
        if not values.get("task_status_id"):
            from .statuses import default_task_status

            values["task_status_id"] = (await default_task_status(ctx, kind == "Concept"))["id"]
        return values

    async def after_create(self, ctx, spec, row, data):
        assignees = await rows.grouped_links(
            ctx.conn, TaskPersonLink.__table__, "task_id", "person_id", [row["id"]]
        )
        for person_id in assignees[row["id"]]:
            await add_to_team(ctx, row["project_id"], person_id)

    def read_only(self, ctx, row):
        return frozenset()

    async def prepare_update(self, ctx, spec, row, data, values):
        merge_metadata(values, row)
        return values

    async def after_update(self, ctx, spec, before, row, data, changes):
        added, removed = changes.get("assignees", (set(), set()))
        for person_id in sorted(added):
            await add_to_team(ctx, row["project_id"], person_id)
            await events.emit(
                ctx,
                "task:assign",
                {"task_id": row["id"], "person_id": person_id},
                row["project_id"],
            )
            await create_assignation_notification(ctx, row, person_id)
        for person_id in sorted(removed):
            await events.emit(
                ctx, "task:unassign", {"task_id": row["id"], "person_id": person_id},
                row["project_id"],
            )  # fmt: skip

    async def delete(self, ctx, spec, row, force):
        from .cascade import remove_task

        await remove_task(ctx, row, force)

    async def event(self, ctx, spec, action, row):
        if action == "delete":
            return None  # remove_task emits task:delete with its entity and type
        return f"task:{action}", {"task_id": row["id"]}, row["project_id"]


async def add_to_team(ctx: Ctx, project_id: str | None, person_id: str) -> None:
    """Assigning a task to someone makes them a member of the project."""
    from ..models import ProjectPersonLink

    if project_id is None:
        return
    existing = await rows.first_where(
        ctx.conn, ProjectPersonLink, ProjectPersonLink.project_id == project_id,
        ProjectPersonLink.person_id == person_id,
    )  # fmt: skip
    if existing is None:
        await ctx.conn.execute(
            ProjectPersonLink.__table__.insert().values(project_id=project_id, person_id=person_id)
        )


async def create_assignation_notification(ctx: Ctx, task: Row, person_id: str) -> None:
    author_id = ctx.actor.id if ctx.actor else None
    if author_id is None or author_id == person_id:
        return
    notification = await rows.insert_row(
        ctx.conn,
        Notification,
        {
            "person_id": person_id, "author_id": author_id, "task_id": task["id"],
            "type": "assignation", "read": False, "change": False,
        },
    )  # fmt: skip
    await events.emit(
        ctx, "notification:new", {"notification_id": notification["id"], "person_id": person_id},
        task["project_id"], persist=False,
    )  # fmt: skip


# ==== permissions ============================================================================
async def check_task_read(ctx: Ctx, row: Row) -> None:
    from ..permissions import require_task_access

    await require_task_access(ctx, row)


async def check_task_create(ctx: Ctx, data: dict[str, Any]) -> None:
    """Zou checks nothing here; kitsu-local asks for a manager of the entity's project."""
    me = ctx.me
    if me.is_admin:
        return
    project_id = data.get("project_id")
    if not isinstance(project_id, str) and is_valid_id(data.get("entity_id")):
        entity = await rows.fetch_one(ctx.conn, Entity, data["entity_id"])
        project_id = entity["project_id"] if entity else None
    me.require_manager(project_id if isinstance(project_id, str) else None)


async def check_task_update(ctx: Ctx, row: Row, data: dict[str, Any]) -> None:
    from ..permissions import is_department_supervisor

    me = ctx.me
    if me.is_manager_of(row["project_id"]):
        return
    if await is_department_supervisor(ctx, row):
        changed = {key for key in data if key not in ("id", "type")}
        if changed <= SUPERVISOR_TASK_FIELDS:
            return
    raise PermissionDenied()


async def check_task_delete(ctx: Ctx, row: Row) -> None:
    ctx.me.require_manager(row["project_id"])


# ==== time spents ============================================================================
async def recompute_duration(ctx: Ctx, task_id: str | None) -> None:
    if task_id is None:
        return
    total = (
        await ctx.conn.execute(
            select(func.coalesce(func.sum(TimeSpent.duration), 0)).where(
                TimeSpent.task_id == task_id
            )
        )
    ).scalar_one()
    task = await rows.update_row(ctx.conn, Task, task_id, {"duration": float(total)})
    await events.emit(ctx, "task:update", {"task_id": task_id}, task["project_id"])


class TimeSpentHooks(CrudHooks):
    async def extra_filters(self, ctx, spec, params):
        start, end = params.get("start_date"), params.get("end_date")
        if start is None and end is None:
            return []
        if start is None or end is None:
            raise WrongParameter("start_date and end_date must be given together.")
        try:
            start_date = datetime.date.fromisoformat(start[:10])
            end_date = datetime.date.fromisoformat(end[:10])
        except ValueError:
            raise WrongParameter("Wrong date format, expected YYYY-MM-DD.") from None
        return [and_(spec.table.c.date >= start_date, spec.table.c.date <= end_date)]

    async def after_create(self, ctx, spec, row, data):
        await recompute_duration(ctx, row["task_id"])

    async def after_update(self, ctx, spec, before, row, data, changes):
        await recompute_duration(ctx, row["task_id"])
        if before["task_id"] != row["task_id"]:
            await recompute_duration(ctx, before["task_id"])

    async def delete(self, ctx, spec, row, force):
        await super().delete(ctx, spec, row, force)
        await recompute_duration(ctx, row["task_id"])


async def check_time_spent_delete(ctx: Ctx, row: Row) -> None:
    """The person must be assigned to the task; the caller is them, an admin or a PM."""
    from ..permissions import is_assigned

    me = ctx.me
    if me.is_admin:
        return
    task = await rows.fetch_one(ctx.conn, Task, row["task_id"]) if row["task_id"] else None
    if task is None or not await is_assigned(ctx, task["id"], row["person_id"]):
        raise PermissionDenied()
    if row["person_id"] != me.id and not me.is_manager_of(task["project_id"]):
        raise PermissionDenied()


# ==== days off ===============================================================================
class DayOffHooks(CrudHooks):
    async def prepare_create(self, ctx, spec, data, values):
        values.setdefault("end_date", values.get("date"))
        await _check_no_overlap(ctx, values, None)
        return values

    async def after_create(self, ctx, spec, row, data):
        await _clear_time_spents(ctx, row)

    async def prepare_update(self, ctx, spec, row, data, values):
        if values.get("person_id", row["person_id"]) != row["person_id"]:
            ctx.me.require_admin()
        await _check_no_overlap(ctx, {**row, **values}, row["id"])
        return values

    async def after_update(self, ctx, spec, before, row, data, changes):
        await _clear_time_spents(ctx, row)


async def _check_no_overlap(ctx: Ctx, values: dict[str, Any], exclude_id: str | None) -> None:
    start, end = values.get("date"), values.get("end_date")
    if start is None or end is None:
        return
    if end < start:
        raise WrongParameter("The end date of a day off can't be before its start date.")
    conditions = [
        DayOff.person_id == values.get("person_id"),
        DayOff.date <= end,
        DayOff.end_date >= start,
    ]
    if exclude_id:
        conditions.append(DayOff.id != exclude_id)
    if await rows.first_where(ctx.conn, DayOff, *conditions):
        raise WrongParameter("Day off already exists for this period.")


async def _clear_time_spents(ctx: Ctx, day_off: Row) -> None:
    spents = await rows.fetch_where(
        ctx.conn, TimeSpent, TimeSpent.person_id == day_off["person_id"],
        TimeSpent.date >= day_off["date"], TimeSpent.date <= day_off["end_date"],
    )  # fmt: skip
    for spent in spents:
        await rows.delete_row(ctx.conn, TimeSpent, spent["id"])
    for task_id in {spent["task_id"] for spent in spents}:
        await recompute_duration(ctx, task_id)


async def get_full_task(ctx: Ctx, task_id: str) -> dict[str, Any]:
    """GET /data/tasks/{id}/full: the task with its entity, project, type, status, assignees,
    assigner and (for shots, scenes and sequences) its sequence and episode."""
    from ..models import EntityType, Project, Subscription, TaskStatus
    from ..permissions import require_task_access
    from .crud import serialize, serialize_plain
    from .persons import person_dict

    task = await rows.fetch_or_404(ctx.conn, Task, task_id)
    await require_task_access(ctx, task)
    item = (await serialize(ctx, spec_for_table("task"), [task], relations=True, view="read"))[0]

    async def plain(model: Any, row_id: str | None) -> dict[str, Any] | None:
        row = await rows.fetch_one(ctx.conn, model, row_id) if row_id else None
        return serialize_plain(spec_for_table(model.__tablename__), [row])[0] if row else None

    entity = await plain(Entity, task["entity_id"])
    entity_type = await plain(EntityType, entity["entity_type_id"]) if entity else None
    assignees = await rows.fetch_where(ctx.conn, Person, Person.id.in_(item["assignees"]))
    subscribed = await rows.first_where(
        ctx.conn,
        Subscription,
        Subscription.task_id == task["id"],
        Subscription.person_id == ctx.me.id,
    )
    item.update(
        entity=entity,
        entity_type=entity_type,
        is_subscribed=subscribed is not None,
        persons=[await person_dict(ctx, person) for person in assignees],
        project=await plain(Project, task["project_id"]),
        task_status=await plain(TaskStatus, task["task_status_id"]),
        task_type=await plain(TaskType, task["task_type_id"]),
        type="Task",
    )
    assigner = (
        await rows.fetch_one(ctx.conn, Person, task["assigner_id"]) if task["assigner_id"] else None
    )
    if assigner is not None:
        item["assigner"] = await person_dict(ctx, assigner)
    if entity and entity["parent_id"] and entity_type:
        if entity_type["name"] == "Sequence":
            sequence = entity
        elif entity_type["name"] in ("Shot", "Scene"):
            sequence = await plain(Entity, entity["parent_id"])
        else:
            return item
        if sequence is not None:
            item["sequence"] = {**sequence, "type": "Sequence"}
            if sequence["parent_id"]:
                episode = await plain(Entity, sequence["parent_id"])
                if episode is not None:
                    item["episode"] = {**episode, "type": "Episode"}
    return item
