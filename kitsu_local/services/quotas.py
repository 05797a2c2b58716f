"""Quotas: how many shots (frames, seconds, drawings) each person delivered per day, week,
month and year in a production, as Zou's ``quotas_service`` computes them.

A shot task counts at its first feedback request (``end_date``, count modes ``weighted`` and
``feedback``) or at its approval (``done_date``, ``weighteddone`` and ``done``). The raw modes put
the whole shot on that day; the weighted ones spread it over the days worked: in proportion of
the time spents when there are some, else evenly over the business days from the WIP date
(``real_start_date``) to that end. Timestamps are shown on the caller's local day; time spent
dates are already local days.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytz
from sqlalchemy import exists, select

from .. import rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import NotFound, PermissionDenied, WrongParameter
from ..models import Entity, EntityType, Person, Project, Task, TaskPersonLink, TimeSpent
from .schedules import WRONG_UUID, block_roles, require_project_access

COUNT_MODES = ("weighted", "weighteddone", "feedback", "done")
PERIODS = ("day", "week", "month", "year")
Quotas = dict[str, dict[str, dict[str, dict[str, Any]]]]


# ==== the two routes ==========================================================================
async def task_type_quotas(ctx: Ctx, project_id: str, task_type_id: str) -> Quotas:
    """Per person (and ``total``) for one task type; team members but clients."""
    project = await quota_project(ctx, project_id)
    await require_project_access(ctx, project["id"])
    block_roles(ctx, project["id"], "client")
    weighted, feedback = _count_mode(ctx)
    task_type_id = rows.check_id(task_type_id, WRONG_UUID)
    return await compute(ctx, project, weighted, feedback, task_type_id=task_type_id)


async def person_quotas(ctx: Ctx, project_id: str, person_id: str) -> Quotas:
    """Per task type (and ``total``) for one person: managers and supervisors of the team see
    anyone's, the others only their own (members or not, as Zou)."""
    project = await quota_project(ctx, project_id)
    block_roles(ctx, project["id"], "client")
    me = ctx.me
    if me.role_in(project["id"]) in ("admin", "manager", "supervisor"):
        await require_project_access(ctx, project["id"])
    elif person_id != me.id:
        raise PermissionDenied()
    weighted, feedback = _count_mode(ctx)
    person = await rows.fetch_one(ctx.conn, Person, rows.check_id(person_id, WRONG_UUID))
    if person is None:
        raise NotFound()
    return await compute(ctx, project, weighted, feedback, person_id=person["id"])


async def quota_project(ctx: Ctx, project_id: str) -> dict[str, Any]:
    """The project, 404 when malformed or unknown (Zou looks it up before any other check)."""
    project = None
    if is_valid_id(project_id):
        project = await rows.fetch_one(ctx.conn, Project, project_id.lower())
    if project is None:
        raise NotFound()
    return project


def _count_mode(ctx: Ctx) -> tuple[bool, bool]:
    """(weighted, feedback) from ``count_mode`` (default ``weighted``)."""
    mode = ctx.params.get("count_mode", "weighted")
    if mode not in COUNT_MODES:
        raise WrongParameter(
            "count_mode must be equal to weighted, weigtheddone, feedback, or done"
        )
    return "weighted" in mode, "done" not in mode


# ==== the computation =========================================================================
async def compute(
    ctx: Ctx,
    project: dict[str, Any],
    weighted: bool,
    feedback: bool,
    task_type_id: str | None = None,
    person_id: str | None = None,
) -> Quotas:
    """Entries keyed by person (or by task type when ``person_id`` is given) plus ``total``."""
    shot_type_id = (
        await ctx.conn.execute(select(EntityType.id).where(EntityType.name == "Shot"))
    ).scalar()
    if shot_type_id is None:
        return {}
    studio_id = ctx.params.get("studio_id")
    conditions = [Task.project_id == project["id"], Entity.entity_type_id == shot_type_id]
    conditions.append((Task.end_date if feedback else Task.done_date).is_not(None))
    if task_type_id is not None:
        conditions.append(Task.task_type_id == task_type_id)
    if studio_id is not None:
        studio_id = rows.check_id(studio_id, WRONG_UUID)
        conditions.append(
            exists(
                select(TaskPersonLink.task_id)
                .join(Person, Person.id == TaskPersonLink.person_id)
                .where(TaskPersonLink.task_id == Task.id, Person.studio_id == studio_id)
            )
        )
    counter = _Counter(_fps(project), caller_timezone(ctx), person_id is not None)
    if weighted:
        await _weighted_by_time_spent(ctx, counter, conditions, person_id)
        await _weighted_by_business_days(ctx, counter, conditions, person_id, feedback)
        counter.round_counts()
    else:
        await _raw(ctx, counter, conditions, person_id, feedback)
    return counter.quotas


async def _weighted_by_time_spent(
    ctx: Ctx, counter: _Counter, conditions: list[Any], person_id: str | None
) -> None:
    """Shots with time spents: each time spent carries its share of the task's duration."""
    query = (
        select(
            Task.task_type_id, Task.duration, Task.nb_drawings, Entity.nb_frames,
            TimeSpent.date, TimeSpent.duration.label("spent"), TimeSpent.person_id,
        )
        .join(Entity, Entity.id == Task.entity_id)
        .join(TimeSpent, TimeSpent.task_id == Task.id)
        .where(*conditions)
    )  # fmt: skip
    if person_id is not None:
        query = query.where(TimeSpent.person_id == person_id)
    for row in await ctx.conn.execute(query):
        if not row.duration or row.duration <= 0:
            continue
        share = row.spent / row.duration
        frames = round((row.nb_frames or 0) * share)
        drawings = round((row.nb_drawings or 0) * share)
        counter.add(row.person_id, row.task_type_id, row.date, frames, drawings, share)


async def _weighted_by_business_days(
    ctx: Ctx, counter: _Counter, conditions: list[Any], person_id: str | None, feedback: bool
) -> None:
    """Shots without time spent: spread evenly over the business days from WIP to the end."""
    end_column = Task.end_date if feedback else Task.done_date
    query = (
        select(
            Task.task_type_id, Task.real_start_date, end_column.label("finished"),
            Task.nb_drawings, Entity.nb_frames, TaskPersonLink.person_id,
        )
        .join(Entity, Entity.id == Task.entity_id)
        .join(TaskPersonLink, TaskPersonLink.task_id == Task.id)
        .where(*conditions, Task.real_start_date.is_not(None))
        .where(~exists(select(TimeSpent.id).where(TimeSpent.task_id == Task.id)))
    )  # fmt: skip
    if person_id is not None:
        query = query.where(TaskPersonLink.person_id == person_id)
    for row in await ctx.conn.execute(query):
        start, end = row.real_start_date, row.finished
        business_days = count_business_days(start, end) + 1
        frames = round((row.nb_frames or 0) / business_days)
        day = start
        for _ in range((end - start).days + 1):
            if day.weekday() < 5:
                counter.add(
                    row.person_id, row.task_type_id, day, frames, row.nb_drawings or 0,
                    1 / business_days,
                )  # fmt: skip
            day = day + datetime.timedelta(days=1)


async def _raw(
    ctx: Ctx, counter: _Counter, conditions: list[Any], person_id: str | None, feedback: bool
) -> None:
    """Every shot counted whole on its end day, once per assignee."""
    end_column = Task.end_date if feedback else Task.done_date
    query = (
        select(
            Task.task_type_id, end_column.label("finished"), Task.nb_drawings, Entity.nb_frames,
            TaskPersonLink.person_id,
        )
        .join(Entity, Entity.id == Task.entity_id)
        .join(TaskPersonLink, TaskPersonLink.task_id == Task.id)
        .where(*conditions)
    )  # fmt: skip
    if person_id is not None:
        query = query.where(TaskPersonLink.person_id == person_id)
    for row in await ctx.conn.execute(query):
        counter.add(
            row.person_id, row.task_type_id, row.finished, row.nb_frames or 0,
            row.nb_drawings or 0, 1,
        )  # fmt: skip


def count_business_days(start: datetime.date, end: datetime.date) -> int:
    """Zou's count: the weekdays among the days after ``start``, up to ``end``."""
    return sum(
        1
        for offset in range((end - start).days)
        if (start + datetime.timedelta(offset + 1)).weekday() < 5
    )


def _fps(project: dict[str, Any]) -> float:
    try:
        return float(project.get("fps") or "25.00")
    except ValueError:
        return 25.0


def caller_timezone(ctx: Ctx) -> Any:
    name = ctx.me.person.get("timezone") or ctx.settings.default_timezone
    try:
        return pytz.timezone(name)
    except pytz.UnknownTimeZoneError:
        return pytz.timezone(ctx.settings.default_timezone)


class _Counter:
    """The quota entries being summed, shaped as Zou answers them."""

    def __init__(self, fps: float, timezone: Any, by_task_type: bool):
        self.fps = fps
        self.timezone = timezone
        self.by_task_type = by_task_type
        self.quotas: Quotas = {}

    def add(
        self, person_id: str, task_type_id: str, date: datetime.date, frames: int,
        drawings: int, count: float,
    ) -> None:  # fmt: skip
        """One shot (or the ``count`` share of it) on the entry and on ``total``."""
        if isinstance(date, datetime.datetime):
            local_date = pytz.utc.localize(date).astimezone(self.timezone).date()
        else:
            local_date = date
        day = local_date.strftime("%Y-%m-%d")
        iso_year, iso_week, _ = local_date.isocalendar()
        keys = {"day": day, "week": f"{iso_year}-{iso_week}", "month": day[:7], "year": day[:4]}
        # The bucket an "entries" count groups each period's buckets by.
        groups = {"day": day[:7], "week": str(iso_year), "month": day[:4]}
        seconds = frames / self.fps
        entry_id = task_type_id if self.by_task_type else person_id
        for name in (entry_id, "total"):
            entry = self.quotas.setdefault(name, _empty_entry())
            for period in PERIODS:
                buckets = entry[period]
                key = keys[period]
                if key not in buckets["frames"]:
                    for counter in ("frames", "seconds", "count", "drawings"):
                        buckets[counter][key] = 0
                    if period in groups:
                        entries = buckets["entries"]
                        entries[groups[period]] = entries.get(groups[period], 0) + 1
                buckets["frames"][key] += frames
                buckets["seconds"][key] += seconds
                buckets["drawings"][key] += drawings
                buckets["count"][key] += count

    def round_counts(self) -> None:
        """Weighted counts are summed at full precision, then rounded once (as Zou)."""
        for entry in self.quotas.values():
            for buckets in entry.values():
                buckets["count"] = {key: round(value, 2) for key, value in buckets["count"].items()}


def _empty_entry() -> dict[str, dict[str, Any]]:
    entry = {
        period: {"frames": {}, "seconds": {}, "count": {}, "entries": {}, "drawings": {}}
        for period in PERIODS
    }
    del entry["year"]["entries"]
    return entry
