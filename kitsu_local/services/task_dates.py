"""The team schedule's dates (``GET /data/persons/task-dates``, Zou's
``schedule_service.get_persons_tasks_dates``): per active person, the first start date and the
last due date of the tasks assigned to them.

Admins see every open production (or the one asked for); managers and supervisors the one asked
for when they are on its team, else the open productions of their teams, the tasks of the other
open productions coming back as anonymous merged ``busy_periods``. Other roles: 403.
"""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import func, select

from ..context import OPEN_STATUS_NAME, Ctx
from ..errors import PermissionDenied
from ..models import Person, Project, ProjectStatus, Task, TaskPersonLink
from .time_sheets import optional_id


async def persons_task_dates(ctx: Ctx) -> list[dict[str, Any]]:
    project_id = optional_id(ctx, "project_id")
    me = ctx.me
    busy_ids: list[str] = []
    if project_id is not None:
        if not me.is_admin:
            _require_supervisor(ctx)
            me.require_member(project_id)
        project_ids = [project_id]
    else:
        open_ids = await _open_project_ids(ctx)
        if me.is_admin:
            project_ids = open_ids
        else:
            _require_supervisor(ctx)
            project_ids = sorted(me.open_project_ids)
            busy_ids = [key for key in open_ids if key not in me.open_project_ids]
    entries: dict[str, dict[str, Any]] = {}
    found = await ctx.conn.execute(
        _assigned(Person.id, func.min(Task.start_date), func.max(Task.due_date))
        .where(Task.project_id.in_(project_ids))
        .group_by(Person.id)
    )
    for person_id, min_date, max_date in found:
        entries[person_id] = _entry(person_id, _iso(min_date), _iso(max_date))
    if busy_ids:
        busy = await ctx.conn.execute(
            _assigned(Person.id, Task.start_date, Task.due_date).where(
                Task.project_id.in_(busy_ids),
                Task.start_date.is_not(None),
                Task.due_date.is_not(None),
            )
        )
        intervals: dict[str, list[tuple[datetime.datetime, datetime.datetime]]] = {}
        for person_id, start, end in busy:
            intervals.setdefault(person_id, []).append((start, end))
        for person_id, pairs in intervals.items():
            entry = entries.setdefault(person_id, _entry(person_id, None, None))
            entry["busy_periods"] = [
                {"start_date": str(start), "end_date": str(end)} for start, end in _merged(pairs)
            ]
    return list(entries.values())


def _require_supervisor(ctx: Ctx) -> None:
    if ctx.me.role not in ("manager", "supervisor"):
        raise PermissionDenied()


def _assigned(*columns: Any) -> Any:
    return (
        select(*columns)
        .join(TaskPersonLink, TaskPersonLink.person_id == Person.id)
        .join(Task, Task.id == TaskPersonLink.task_id)
        .where(Person.active.is_(True))
    )


async def _open_project_ids(ctx: Ctx) -> list[str]:
    found = await ctx.conn.execute(
        select(Project.id)
        .join(ProjectStatus, ProjectStatus.id == Project.project_status_id)
        .where(ProjectStatus.name == OPEN_STATUS_NAME)
    )
    return list(found.scalars())


def _entry(person_id: str, min_date: str | None, max_date: str | None) -> dict[str, Any]:
    return {"person_id": person_id, "min_date": min_date, "max_date": max_date, "busy_periods": []}


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _merged(
    pairs: list[tuple[datetime.datetime, datetime.datetime]],
) -> list[list[datetime.datetime]]:
    """Overlapping periods merged, so a busy period tells neither the task count nor the split."""
    merged: list[list[datetime.datetime]] = []
    for start, end in sorted(pairs):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged
