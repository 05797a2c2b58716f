"""Time sheets: a person's time spents by date, their totals per task over a day, ISO week, month
or year, and the studio tables of totals per person by day, week, month or year, as Zou's
``time_spents_service`` and ``blueprints/persons`` answer them.

Who reads what (global roles, as Zou checks them without a project context): admins and the
person themself read everything of the person; a manager or a supervisor reads another person's
time spent on the projects whose team they are in (a supervisor only that of the task types of
their departments, when they have some); the others nobody else's. Periods are half-open
``[start, end[`` of calendar days, weeks are ISO weeks (``date.fromisocalendar``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from .. import rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import NotFound, PermissionDenied, WrongParameter
from ..models import Entity, EntityType, Person, Project, Task, TaskType, TimeSpent
from .crud import serialize_plain
from .spec import spec_for_table

INVALID_MONTH = "Invalid month or year."
INVALID_DATE = "Invalid date format."
BOTH_DATES = (
    "If querying for a range of dates, both a `start_date` and an `end_date` must be given."
)
SUPERVISOR_DEPARTMENT = "Supervisor not allowed to access this department"
TABLE_UNITS = ("day", "week", "month", "year")

Scope = tuple[list[str] | None, list[str] | None]


# ==== who may read a person's time ==========================================================
async def person_or_404(ctx: Ctx, person_id: str) -> dict[str, Any]:
    """The person (404 when malformed or unknown); bots have no time sheet (403), as Zou."""
    person = None
    if is_valid_id(person_id):
        person = await rows.fetch_one(ctx.conn, Person, person_id.lower())
    if person is None:
        raise NotFound()
    if person["is_bot"]:
        raise PermissionDenied()
    return person


def reader_scope(ctx: Ctx, person_id: str) -> Scope:
    """(project ids, department ids) the caller reads of the person's time: (None, None) for
    everything (admin, themself), else the caller's projects and, for a supervisor, their
    departments; 403 for the other roles."""
    me = ctx.me
    if me.is_admin or me.id == person_id:
        return None, None
    if me.role not in ("manager", "supervisor"):
        raise PermissionDenied()
    departments = sorted(me.department_ids) if me.role == "supervisor" else None
    return sorted(me.member_project_ids), departments


def optional_id(ctx: Ctx, name: str) -> str | None:
    """A UUID query parameter, when given and not blank (Zou lets a malformed one reach the
    database: a 500)."""
    value = (ctx.params.get(name) or "").strip()
    if not value:
        return None
    if not is_valid_id(value):
        raise WrongParameter(f"Invalid {name}.")
    return value.lower()


def _scoped_projects(ctx: Ctx, project_ids: list[str] | None) -> list[str] | str | None:
    """The ``project_id`` filter asked for, within the projects the caller may read."""
    project_id = optional_id(ctx, "project_id")
    if project_ids is None:
        return project_id
    if project_id is None:
        return project_ids
    if project_id not in project_ids:
        raise PermissionDenied()
    return project_id


def _scope_query(query: Select, projects: list[str] | str | None, departments: Any) -> Select:
    """Restrict a query on time spents to projects and to the task types of departments."""
    if projects is None and departments is None:
        return query
    return _task_scope(query.join(Task, Task.id == TimeSpent.task_id), projects, departments)


def _task_scope(query: Select, projects: list[str] | str | None, departments: Any) -> Select:
    """The same restriction on a query already joined to the tasks."""
    if isinstance(projects, list):
        query = query.where(Task.project_id.in_(projects))
    elif projects is not None:
        query = query.where(Task.project_id == projects)
    if departments:
        query = query.join(TaskType, TaskType.id == Task.task_type_id).where(
            TaskType.department_id.in_(departments)
        )
    return query


# ==== a person's time spents ================================================================
def parse_day(value: str, message: str) -> datetime.date:
    """A day as the database casts it: ``2025-01-05``, ``2025-1-5``, or a timestamp's day."""
    try:
        return datetime.datetime.strptime(value.split("T")[0].split(" ")[0], "%Y-%m-%d").date()
    except (TypeError, ValueError):
        raise WrongParameter(message) from None


async def time_spents_of_date(ctx: Ctx, person_id: str, date: str) -> list[dict[str, Any]]:
    """The person's time spent rows of one day."""
    person_id = (await person_or_404(ctx, person_id))["id"]
    projects, departments = reader_scope(ctx, person_id)
    day = parse_day(date, INVALID_MONTH)
    query = select(TimeSpent).where(TimeSpent.person_id == person_id, TimeSpent.date == day)
    query = _scope_query(query, projects, departments)
    found = await _fetch(ctx, query.order_by(TimeSpent.created_at, TimeSpent.id))
    return serialize_plain(spec_for_table("time_spent"), found)


async def time_spents(ctx: Ctx, person_id: str) -> list[dict[str, Any]]:
    """The person's time spent rows of ``start_date``..``end_date`` (inclusive) with the project
    and task type of their task; none without a range, as Zou."""
    person_id = (await person_or_404(ctx, person_id))["id"]
    projects, departments = reader_scope(ctx, person_id)
    start, end = ctx.params.get("start_date"), ctx.params.get("end_date")
    if start is None and end is None:
        # Zou then matches the rows whose date is NULL: there are none.
        return []
    if start is None or end is None:
        raise WrongParameter(BOTH_DATES)
    wrong = f"Wrong date format for {start} and/or {end}"
    first, last = parse_day(start, wrong), parse_day(end, wrong)
    query = (
        select(TimeSpent, Task.project_id.label("task_project_id"), Task.task_type_id)
        .join(Task, Task.id == TimeSpent.task_id)
        .where(TimeSpent.person_id == person_id, TimeSpent.date.between(first, last))
    )
    query = _task_scope(query, projects, departments)
    found = await _fetch(ctx, query.order_by(TimeSpent.date, TimeSpent.created_at))
    items = serialize_plain(spec_for_table("time_spent"), found)
    return [
        {**item, "project_id": row["task_project_id"], "task_type_id": row["task_type_id"]}
        for item, row in zip(items, found, strict=True)
    ]


async def month_time_spents(
    ctx: Ctx, person_id: str, year: str, month: str
) -> list[dict[str, Any]]:
    """Every time spent row of the person in a month (``month/all``): themself and admins."""
    person_id = (await person_or_404(ctx, person_id))["id"]
    if not (ctx.me.is_admin or ctx.me.id == person_id):
        raise PermissionDenied()
    start, end = month_interval(year, month, INVALID_MONTH)
    query = select(TimeSpent).where(
        TimeSpent.person_id == person_id, TimeSpent.date >= start, TimeSpent.date < end
    )
    found = await _fetch(ctx, query.order_by(TimeSpent.date, TimeSpent.created_at))
    return serialize_plain(spec_for_table("time_spent"), found)


async def period_totals(
    ctx: Ctx, person_id: str, period: str, *values: str
) -> list[dict[str, Any]]:
    """The person's time per task over a day, week, month or year, with the names a time
    sheet shows (project, entity, its type, sequence and episode)."""
    person_id = (await person_or_404(ctx, person_id))["id"]
    project_ids, departments = reader_scope(ctx, person_id)
    projects = _scoped_projects(ctx, project_ids)
    message = INVALID_DATE if period in ("year", "month") else INVALID_MONTH
    start, end = INTERVALS[period](*values, message)
    sequence = aliased(Entity, name="sequence")
    episode = aliased(Entity, name="episode")
    query = (
        select(
            Task.id.label("task_id"), Task.task_type_id, Project.id.label("project_id"),
            Project.name.label("project_name"), Entity.name.label("entity_name"),
            EntityType.name.label("entity_type_name"), sequence.name.label("sequence_name"),
            episode.name.label("episode_name"), func.sum(TimeSpent.duration).label("duration"),
        )
        .join(Entity, Entity.id == Task.entity_id)
        .join(Project, Project.id == Task.project_id)
        .join(TimeSpent, TimeSpent.task_id == Task.id)
        .join(EntityType, EntityType.id == Entity.entity_type_id)
        .outerjoin(sequence, sequence.id == Entity.parent_id)
        .outerjoin(episode, episode.id == sequence.parent_id)
        .where(TimeSpent.person_id == person_id, TimeSpent.date >= start, TimeSpent.date < end)
        .group_by(
            Task.id, Task.task_type_id, Project.id, Project.name, Entity.name, EntityType.name,
            sequence.name, episode.name,
        )
        .order_by(Project.name, episode.name, sequence.name, Entity.name, Task.id)
    )  # fmt: skip
    query = _task_scope(query, projects, departments)
    return [dict(row) for row in (await ctx.conn.execute(query)).mappings()]


# ==== the studio tables =====================================================================
async def table(ctx: Ctx, unit: str, year: str | None = None, month: str | None = None) -> Any:
    """``{unit: {person id: total}}``: units are the days of a month, the ISO week numbers
    or the months of a year, or the years; scoped as Zou's ``TimeSpentDurationResource``."""
    person_id, projects, departments = _table_scope(ctx)
    studio_id = optional_id(ctx, "studio_id")
    if unit == "day":
        start, end = month_interval(year, month, INVALID_MONTH)
    elif unit == "year":
        start, end = None, None
    else:
        start, end = year_interval(year, INVALID_MONTH)
    query = select(TimeSpent.date, TimeSpent.person_id, TimeSpent.duration)
    if start is not None:
        query = query.where(TimeSpent.date >= start, TimeSpent.date < end)
    if person_id is not None:
        query = query.where(TimeSpent.person_id == person_id)
    query = _scope_query(query, projects, departments)
    if studio_id is not None:
        query = query.join(Person, Person.id == TimeSpent.person_id).where(
            Person.studio_id == studio_id
        )
    result: dict[str, dict[str, float]] = {}
    for row in await ctx.conn.execute(query.order_by(TimeSpent.date)):
        key = str(_unit_of(row.date, unit))
        totals = result.setdefault(key, defaultdict(float))
        totals[row.person_id] += row.duration
    return result


def _unit_of(day: datetime.date, unit: str) -> int:
    # Zou keys the week table by the ISO week number alone: 2025-12-31 is in week 1.
    if unit == "week":
        return day.isocalendar()[1]
    return getattr(day, unit)


def _table_scope(ctx: Ctx) -> tuple[str | None, list[str] | str | None, list[str] | None]:
    """(person, projects, departments) the caller's tables cover: everything for admins; for
    managers and supervisors their projects (and a supervisor's departments); else their own."""
    me = ctx.me
    project_id = optional_id(ctx, "project_id")
    department_id = optional_id(ctx, "department_id")
    departments = [department_id] if department_id is not None else None
    if me.is_admin:
        return None, project_id, departments
    if me.role not in ("manager", "supervisor"):
        return me.id, project_id, departments
    projects = _scoped_projects(ctx, sorted(me.member_project_ids))
    if me.role == "supervisor":
        if department_id is None:
            departments = sorted(me.department_ids)
        elif department_id not in me.department_ids:
            raise WrongParameter(SUPERVISOR_DEPARTMENT)
    return None, projects, departments


# ==== periods ===============================================================================
Interval = tuple[datetime.date, datetime.date]


def year_interval(year: Any, message: str) -> Interval:
    try:
        start = datetime.date(int(year), 1, 1)
        return start, start.replace(year=start.year + 1)
    except (TypeError, ValueError, OverflowError):
        raise WrongParameter(message) from None


def month_interval(year: Any, month: Any, message: str) -> Interval:
    try:
        start = datetime.date(int(year), int(month), 1)
        if start.month == 12:
            return start, start.replace(year=start.year + 1, month=1)
        return start, start.replace(month=start.month + 1)
    except (TypeError, ValueError, OverflowError):
        raise WrongParameter(message) from None


def week_interval(year: Any, week: Any, message: str) -> Interval:
    try:
        start = datetime.date.fromisocalendar(int(year), int(week), 1)
        return start, start + datetime.timedelta(days=7)
    except (TypeError, ValueError, OverflowError):
        raise WrongParameter(message) from None


def day_interval(year: Any, month: Any, day: Any, message: str) -> Interval:
    try:
        start = datetime.date(int(year), int(month), int(day))
        return start, start + datetime.timedelta(days=1)
    except (TypeError, ValueError, OverflowError):
        raise WrongParameter(message) from None


INTERVALS = {
    "year": year_interval,
    "month": month_interval,
    "week": week_interval,
    "day": day_interval,
}


async def _fetch(ctx: Ctx, query: Select) -> list[dict[str, Any]]:
    return [dict(row) for row in (await ctx.conn.execute(query)).mappings()]
