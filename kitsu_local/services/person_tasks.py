"""A person's task lists (zou-data-model.md 11.3): the to-do list, the done list and the tasks
of a type on the entities the person works on. The lists are built as the caller's own
(``user_todos``): one join for the tasks, one ``IN`` query per relation."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from .. import rows
from ..context import Ctx
from ..errors import PermissionDenied
from ..models import (
    Entity,
    Project,
    ProjectStatus,
    Task,
    TaskPersonLink,
    TaskStatus,
    TaskType,
)
from .crud import fetch, serialize_plain
from .persons import person_or_404
from .project_listings import OPEN_STATUS_NAMES, open_project_ids
from .spec import Row, spec_for_table
from .user_todos import cast_in_episodes, task_dicts, task_query


async def person_or_403(ctx: Ctx, person_id: str) -> Row:
    """The person read (404 when unknown); bots have no task list (403), and a vendor reads
    only their own."""
    person = await person_or_404(ctx, person_id)
    if person["is_bot"] or (person["id"] != ctx.me.id and ctx.me.role == "vendor"):
        raise PermissionDenied()
    return person


async def person_tasks(ctx: Ctx, person_id: str, done: bool) -> list[dict[str, Any]]:
    """GET /data/persons/{id}/tasks (not done) or done-tasks, in the open projects the caller
    belongs to (every open project for admins). Clients and vendors read none of the lists of
    vendors (nor, for clients, of anyone)."""
    person = await person_or_403(ctx, person_id)
    role = ctx.me.role
    if role == "client" or (role == "vendor" and person["role"] == "vendor"):
        return []
    query = _tasks_query(person["id"], await open_project_ids(ctx), done)
    items = await task_dicts(ctx, query)
    await cast_in_episodes(ctx, items)
    return items


async def related_tasks(ctx: Ctx, person_id: str, task_type_id: str) -> list[dict[str, Any]]:
    """GET /data/persons/{id}/related-tasks/{task_type_id}: the tasks of that type on every
    entity of an open project where the person has a task."""
    person = await person_or_403(ctx, person_id)
    task_type_id = rows.check_id(task_type_id, "Wrong UUID format.")
    worked_on = (
        select(Task.entity_id)
        .join(TaskPersonLink, TaskPersonLink.task_id == Task.id)
        .join(Project, Project.id == Task.project_id)
        .join(ProjectStatus, ProjectStatus.id == Project.project_status_id)
        .where(TaskPersonLink.person_id == person["id"])
        .where(ProjectStatus.name.in_(OPEN_STATUS_NAMES))
    )
    query = select(Task.__table__).where(
        Task.entity_id.in_(worked_on), Task.task_type_id == task_type_id
    )
    return serialize_plain(spec_for_table("task"), await fetch(ctx, query))


def _tasks_query(person_id: str, project_ids: list[str], done: bool) -> Select:
    query = task_query().where(
        Task.id.in_(select(TaskPersonLink.task_id).where(TaskPersonLink.person_id == person_id)),
        Task.project_id.in_(project_ids),
        TaskStatus.is_done.is_(True) if done else TaskStatus.is_done.isnot(True),
    )
    if done:
        query = query.order_by(Task.end_date.desc(), TaskType.name, Entity.name)
    return query
