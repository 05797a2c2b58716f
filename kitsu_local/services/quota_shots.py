"""The shots behind a person's quota of a day, ISO week or month (Zou's
``quotas_service.get_*_quota_shots``): each shot entity with its ``full_name`` and ``weight``,
sorted by full name.

Weighted modes (``weighted``, ``weighteddone``): the shots the person logged time on during the
period, weighed by that time over the task's duration; then the shots of their tasks without
any time spent, worked on (WIP to feedback or approval) during the period, weighed by the share
of business days falling in it. Raw modes (``feedback``, ``done``): the shots of their tasks that
reached the feedback (or approval) during the period, weight 1 each. Periods are the caller's
local days; task dates are UTC.

Permissions (Zou's ``PersonQuotaMixin``): with a ``project_id`` where the caller is a manager
or a supervisor, they must be on its team; otherwise only the person themself and admins.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytz
from sqlalchemy import select

from ..context import Ctx
from ..errors import PermissionDenied, WrongParameter
from ..models import Entity, EntityType, Task, TaskPersonLink, TimeSpent
from .crud import serialize_plain
from .project_news import full_entity_names
from .quotas import COUNT_MODES, caller_timezone, count_business_days, quota_project
from .spec import spec_for_table
from .time_sheets import INTERVALS, INVALID_MONTH, optional_id, person_or_404

COUNT_MODE_MESSAGE = "count_mode must be equal to weighted, weighteddone, feedback, or done"


async def quota_shots(ctx: Ctx, person_id: str, period: str, *values: str) -> list[dict[str, Any]]:
    person_id = (await person_or_404(ctx, person_id))["id"]
    task_type_id = optional_id(ctx, "task_type_id")
    mode = ctx.params.get("count_mode", "weighted")
    if mode not in COUNT_MODES:
        raise WrongParameter(COUNT_MODE_MESSAGE)
    project_id = ctx.params.get("project_id")
    if project_id is not None:  # Zou looks the production up: 404 when malformed or unknown
        project_id = (await quota_project(ctx, project_id))["id"]
    _check_access(ctx, person_id, project_id)
    first, after = INTERVALS[period](*values, INVALID_MONTH)
    start = datetime.datetime.combine(first, datetime.time.min)
    end = datetime.datetime.combine(after, datetime.time.min)
    conditions = [Entity.entity_type_id.in_(select(EntityType.id).where(EntityType.name == "Shot"))]
    if project_id is not None:
        conditions.append(Task.project_id == project_id)
    if task_type_id is not None:
        conditions.append(Task.task_type_id == task_type_id)
    finished = Task.end_date if "done" not in mode else Task.done_date
    conditions.append(finished.is_not(None))
    utc_start, utc_end = (_to_utc(ctx, value) for value in (start, end))
    if "weighted" not in mode:
        query = _assigned_shots(person_id, conditions).where(finished.between(utc_start, utc_end))
        found = [dict(row) for row in (await ctx.conn.execute(query)).mappings()]
        return await _listed(ctx, found, [1] * len(found))
    weights: dict[str, float] = {}
    shots: dict[str, dict[str, Any]] = {}
    logged = (
        select(Entity, Task.duration.label("task_duration"), TimeSpent.duration.label("spent"))
        .join(Task, Task.entity_id == Entity.id)
        .join(TimeSpent, TimeSpent.task_id == Task.id)
        .where(*conditions, TimeSpent.person_id == person_id)
        .where(TimeSpent.date >= first, TimeSpent.date < after)
    )
    for row in (await ctx.conn.execute(logged)).mappings():
        share = round(row["spent"] / row["task_duration"], 2) if row["task_duration"] else 0
        shots.setdefault(row["id"], dict(row))
        weights[row["id"]] = weights.get(row["id"], 0) + share
    unlogged = (
        _assigned_shots(person_id, conditions)
        .add_columns(Task.real_start_date.label("task_start"), finished.label("task_end"))
        .where(Task.real_start_date <= utc_end, finished >= utc_start)
        .where(~select(TimeSpent.id).where(TimeSpent.task_id == Task.id).exists())
    )
    for row in (await ctx.conn.execute(unlogged)).mappings():
        if row["id"] in shots:
            continue
        shots[row["id"]] = dict(row)
        weights[row["id"]] = _business_share(row["task_start"], row["task_end"], start, end)
    return await _listed(ctx, list(shots.values()), [weights[key] for key in shots])


def _check_access(ctx: Ctx, person_id: str, project_id: str | None) -> None:
    me = ctx.me
    if project_id is not None and me.role_in(project_id) in ("admin", "manager", "supervisor"):
        me.require_member(project_id)
    elif not (me.is_admin or me.id == person_id):
        raise PermissionDenied()


def _assigned_shots(person_id: str, conditions: list[Any]) -> Any:
    return (
        select(Entity)
        .join(Task, Task.entity_id == Entity.id)
        .join(TaskPersonLink, TaskPersonLink.task_id == Task.id)
        .where(*conditions, TaskPersonLink.person_id == person_id)
    )


def _business_share(
    task_start: datetime.datetime,
    task_end: datetime.datetime,
    start: datetime.datetime,
    end: datetime.datetime,
) -> float:
    """The share of the task's business days within the period, as Zou counts them."""
    business_days = count_business_days(task_start, task_end) + 1
    days = 1
    if task_start >= start and task_end <= end:
        days = business_days
    elif task_start >= start:
        days = count_business_days(task_start, end) + 1
    elif task_end <= end:
        days = count_business_days(start, task_end) + 1
    return round(days / business_days, 2)


def _to_utc(ctx: Ctx, value: datetime.datetime) -> datetime.datetime:
    return caller_timezone(ctx).localize(value).astimezone(pytz.utc).replace(tzinfo=None)


async def _listed(
    ctx: Ctx, found: list[dict[str, Any]], weights: list[float]
) -> list[dict[str, Any]]:
    names = await full_entity_names(ctx, [row["id"] for row in found])
    items = serialize_plain(spec_for_table("entity"), found)
    for item, weight in zip(items, weights, strict=True):
        item["full_name"] = names.get(item["id"], ("", None))[0]
        item["weight"] = weight
    return sorted(items, key=lambda item: item["full_name"])
