"""Assigning a task to someone and clearing assignations (Zou's ``tasks_service.assign_task``,
``clear_assignation`` and their permission checks)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete

from .. import events, rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import ApiError, PermissionDenied, WrongParameter
from ..models import DepartmentLink, Person, Project, Task, TaskPersonLink, TaskType
from .crud import serialize
from .spec import spec_for_table
from .tasks import add_to_team, create_assignation_notification

NO_ASSIGNEE = {"error": "Assignee doesn't exist in database."}


async def assign(ctx: Ctx, task_id: str, person_id: str) -> dict[str, Any]:
    """PUT /actions/tasks/{id}/assign: the task with its assignees; ``task:assign``, an
    ``assignation`` notification and the person joins the team."""
    task = await rows.fetch_or_404(ctx.conn, Task, task_id)
    valid = is_valid_id(person_id)
    person = await rows.fetch_one(ctx.conn, Person, person_id.lower()) if valid else None
    if person is None:
        raise ApiError(400, NO_ASSIGNEE)
    if person["is_bot"]:
        project = await rows.fetch_one(ctx.conn, Project, task["project_id"])
        if not (project and project["is_bot_collaboration_enabled"]):
            raise PermissionDenied()
    await _check_department_access(ctx, task, person)
    if person["preview_project_id"] is not None:
        raise WrongParameter("A preview account can't be assigned")
    if not await rows.first_where(
        ctx.conn, TaskPersonLink, TaskPersonLink.task_id == task["id"],
        TaskPersonLink.person_id == person["id"],
    ):  # fmt: skip
        await ctx.conn.execute(
            TaskPersonLink.__table__.insert().values(task_id=task["id"], person_id=person["id"])
        )
    task = await rows.update_row(ctx.conn, Task, task["id"], {"assigner_id": ctx.me.id})
    project_id = task["project_id"]
    await events.emit(
        ctx, "task:assign", {"task_id": task["id"], "person_id": person["id"]}, project_id
    )
    await events.emit(ctx, "task:update", {"task_id": task["id"]}, project_id)
    await create_assignation_notification(ctx, task, person["id"])
    await add_to_team(ctx, project_id, person["id"])
    return (await serialize(ctx, spec_for_table("task"), [task], relations=True))[0]


async def _check_department_access(ctx: Ctx, task: dict[str, Any], person: dict[str, Any]) -> None:
    """Admins, managers of the project, supervisors without departments or sharing one with the
    assignee in the task's department, and anyone assigning themself in their department."""
    me = ctx.me
    if me.is_admin:
        return
    project_id = task["project_id"]
    if not me.is_member(project_id):
        raise PermissionDenied()
    role = me.role_in(project_id)
    if role == "manager":
        return
    task_type = await rows.fetch_one(ctx.conn, TaskType, task["task_type_id"])
    department = task_type["department_id"] if task_type else None
    mine = me.department_ids
    if role == "supervisor":
        if not mine:
            return
        theirs = await rows.grouped_links(
            ctx.conn, DepartmentLink.__table__, "person_id", "department_id", [person["id"]]
        )
        if department in mine and set(theirs[person["id"]]) & mine:
            return
    if department in mine and person["id"] == me.id:
        return
    raise PermissionDenied()


async def clear_assignations(ctx: Ctx, task_ids: list[str], person_id: str | None) -> list[str]:
    """PUT /actions/tasks/clear-assignation: the ids of the tasks cleared, skipping the unknown
    ones and those the caller may not change; one ``task:unassign`` per removed link."""
    wanted = sorted({task_id.lower() for task_id in task_ids if is_valid_id(task_id)})
    tasks = await rows.fetch_where(ctx.conn, Task, Task.id.in_(wanted)) if wanted else []
    if not tasks:
        return []
    ids = [task["id"] for task in tasks]
    links = await rows.grouped_links(
        ctx.conn, TaskPersonLink.__table__, "task_id", "person_id", ids
    )
    types = {
        row["id"]: row["department_id"]
        for row in await rows.fetch_where(
            ctx.conn, TaskType, TaskType.id.in_({task["task_type_id"] for task in tasks})
        )
    }
    allowed = [
        task for task in tasks
        if _may_unassign(ctx, task, types.get(task["task_type_id"]), links[task["id"]], person_id)
    ]  # fmt: skip
    if not allowed:
        return []
    cleared = [task["id"] for task in allowed]
    statement = delete(TaskPersonLink).where(TaskPersonLink.task_id.in_(cleared))
    if person_id is not None:
        statement = statement.where(TaskPersonLink.person_id == person_id)
    await ctx.conn.execute(statement)
    unassigned = [
        ({"person_id": removed_id, "task_id": task["id"]}, task["project_id"])
        for task in allowed
        for removed_id in ([person_id] if person_id is not None else links[task["id"]])
    ]
    await events.emit_many(ctx, "task:unassign", unassigned)
    await events.emit_many(
        ctx, "task:update", [({"task_id": task["id"]}, task["project_id"]) for task in allowed]
    )
    return [task_id for task_id in wanted if task_id in set(cleared)]


def _may_unassign(
    ctx: Ctx, task: dict[str, Any], department: str | None, assignees: list[str],
    person_id: str | None,
) -> bool:  # fmt: skip
    me = ctx.me
    if me.is_admin:
        return True
    project_id = task["project_id"]
    if not me.is_member(project_id):
        return False
    role = me.role_in(project_id)
    if role == "manager":
        return True
    if role == "supervisor" and (not me.department_ids or department in me.department_ids):
        return True
    return me.id in assignees and person_id == me.id
