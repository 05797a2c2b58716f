"""The open tasks pool (Zou's ``todos_service.get_open_tasks`` and its stats): the tasks of the
open projects (the caller's, unless admin), filtered and paged, in a constant number of
queries."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, and_, case, func, select

from .. import rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import PermissionDenied, WrongParameter
from ..models import (
    DepartmentLink,
    Entity,
    EntityType,
    Person,
    Project,
    Task,
    TaskPersonLink,
    TaskStatus,
    TaskType,
)  # fmt: skip
from .crud import fetch, serialize_plain
from .project_listings import open_project_ids
from .spec import spec_for_table

DATE_MESSAGE = (
    "Wrong date format for before argument.Expected format: 2020-01-05T13:23:10 or 2020-01-05"
)
# The columns each open task carries besides its own, as Zou's query adds them.
EXTRA_COLUMNS = (
    Project.name.label("project_name"),
    Project.has_avatar.label("project_has_avatar"),
    Entity.name.label("entity_name"),
    Entity.description.label("entity_description"),
    Entity.data.label("entity_data"),
    Entity.preview_file_id.label("entity_preview_file_id"),
    EntityType.name.label("entity_type_name"),
    Entity.canceled.label("entity_canceled"),
    Entity.parent_id.label("entity_parent_id"),
    Entity.source_id.label("entity_source_id"),
    TaskType.name.label("task_type_name"),
    TaskType.for_entity.label("task_type_for_entity"),
    TaskType.color.label("task_type_color"),
    TaskStatus.name.label("task_status_name"),
    TaskStatus.color.label("task_status_color"),
    TaskStatus.short_name.label("task_status_short_name"),
)
ID_FILTERS = ("project_id", "task_type_id", "task_status_id", "studio_id", "department_id")


def _integer(params: Mapping[str, str], key: str) -> int | None:
    value = params.get(key)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise WrongParameter(f"Wrong value for parameter {key}.") from None


def _date(value: str | None) -> datetime.datetime | None:
    if value is None:
        return None
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        raise WrongParameter(DATE_MESSAGE) from None


def _joined(query: Select) -> Select:
    return (
        query.join(TaskType, TaskType.id == Task.task_type_id)
        .join(TaskStatus, TaskStatus.id == Task.task_status_id)
        .join(Entity, Entity.id == Task.entity_id)
        .join(EntityType, EntityType.id == Entity.entity_type_id)
        .join(Project, Project.id == Task.project_id)
    )


async def _filtered(ctx: Ctx, query: Select, params: Mapping[str, str]) -> Select:
    """The pool's scope and filters, shared by the listing and its stats."""
    project_id = params.get("project_id")
    if project_id is not None:
        if not ctx.me.is_member(project_id.lower()):
            raise PermissionDenied()
        query = query.where(Project.id == project_id.lower())
    else:
        query = query.where(Project.id.in_(await open_project_ids(ctx)))
    if params.get("task_type_id") is not None:
        query = query.where(TaskType.id == params["task_type_id"].lower())
    else:
        query = query.where(TaskType.for_entity != "Concept")
    if params.get("task_status_id") is not None:
        query = query.where(TaskStatus.id == params["task_status_id"].lower())
    person_id = params.get("person_id")
    assigned = select(TaskPersonLink.task_id).join(Person, Person.id == TaskPersonLink.person_id)
    if person_id == "unassigned":
        query = query.where(Task.id.notin_(select(TaskPersonLink.task_id)))
    elif person_id is not None:
        ids = [value.lower() for value in person_id.split(",")]
        query = query.where(Task.id.in_(assigned.where(Person.id.in_(ids))))
    if params.get("studio_id") is not None:
        query = query.where(
            Task.id.in_(assigned.where(Person.studio_id == params["studio_id"].lower()))
        )
    if params.get("department_id") is not None:
        in_department = assigned.join(DepartmentLink, DepartmentLink.person_id == Person.id).where(
            DepartmentLink.department_id == params["department_id"].lower()
        )
        query = query.where(Task.id.in_(in_department))
    start, due = _date(params.get("start_date")), _date(params.get("due_date"))
    if start is not None:
        query = query.where(Task.start_date >= start)
    if due is not None:
        query = query.where(Task.due_date <= due)
    priority = _integer(params, "priority")
    if priority is not None:
        query = query.where(TaskType.priority == priority)
    return query


def _check(params: Mapping[str, str]) -> None:
    for key in ID_FILTERS:
        if params.get(key) is not None and not is_valid_id(params[key]):
            raise WrongParameter("Wrong UUID format.")
    person_id = params.get("person_id")
    if person_id not in (None, "unassigned") and not all(
        is_valid_id(value) for value in person_id.split(",")
    ):
        raise WrongParameter("Wrong UUID format.")
    _date(params.get("start_date"))
    _date(params.get("due_date"))


async def open_tasks(ctx: Ctx, params: Mapping[str, str]) -> dict[str, Any]:
    """GET /data/tasks/open-tasks: ``{data, stats, limit, is_more, page}``."""
    _check(params)
    page = _integer(params, "page")
    given = _integer(params, "limit")
    limit = max(100 if given is None else given, 1)
    sequence = Entity.__table__.alias("sequence")
    episode = Entity.__table__.alias("episode")
    query = (
        _joined(select(Task.__table__, *EXTRA_COLUMNS, sequence.c.name.label("sequence_name"),
                       episode.c.id.label("episode_id"), episode.c.name.label("episode_name")))
        .outerjoin(sequence, sequence.c.id == Entity.parent_id)
        .outerjoin(episode, episode.c.id == sequence.c.parent_id)
        .order_by(Project.name, episode.c.name, sequence.c.name, EntityType.name, Entity.name,
                  TaskType.name)
    )  # fmt: skip
    query = await _filtered(ctx, query, params)
    offset = (page - 1) * limit if page is not None and page > 0 else 0
    found = await fetch(ctx, query.offset(offset).limit(limit))
    result: dict[str, Any] = {
        "data": [],
        "stats": {"total_duration": 0, "total_estimation": 0, "total": 0, "status": []},
        "limit": limit,
        "is_more": False,
        "page": page or 1,
    }
    if not found:
        return result
    stats_query = await _filtered(
        ctx,
        _joined(select(func.count().label("amount"), func.sum(Task.duration).label("duration"),
                       func.sum(Task.estimation).label("estimation"))),
        params,
    )  # fmt: skip
    # As Zou, the total counts the rows from the page's offset on.
    count = (
        await ctx.conn.execute(select(func.count()).select_from(query.offset(offset).subquery()))
    ).scalar_one()
    totals = (await ctx.conn.execute(stats_query)).one()
    by_status = await ctx.conn.execute(
        stats_query.add_columns(TaskStatus.id.label("status_id")).group_by(TaskStatus.id)
    )
    result.update(
        data=await _items(ctx, found),
        stats={
            "total_duration": totals.duration,
            "total_estimation": totals.estimation,
            "total": count,
            "status": [
                {"task_status_id": row.status_id, "amount": row.amount} for row in by_status
            ],
        },
        is_more=(page or 1) * limit < count,
    )
    return result


async def _items(ctx: Ctx, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    items = serialize_plain(spec_for_table("task"), found)
    episode_ids = {row["entity_source_id"] for row in found if row["episode_id"] is None}
    episode_ids |= {
        row["entity_parent_id"] for row in found if row["entity_type_name"] == "Sequence"
    }
    episode_ids.discard(None)
    episodes = {
        row["id"]: row["name"]
        for row in (
            await rows.fetch_where(ctx.conn, Entity, Entity.id.in_(episode_ids))
            if episode_ids
            else []
        )
    }
    assignees = await rows.grouped_links(
        ctx.conn, TaskPersonLink.__table__, "task_id", "person_id", [row["id"] for row in found]
    )
    for item, row in zip(items, found, strict=True):
        source_id = row["entity_source_id"] or ""
        episode_id, episode_name = row["episode_id"], row["episode_name"]
        if episode_id is None:
            episode_id = source_id
            if source_id:
                episode_name = episodes.get(source_id, "MP")
        if row["entity_type_name"] == "Sequence" and row["entity_parent_id"] is not None:
            episode_id = row["entity_parent_id"]
            episode_name = episodes.get(episode_id)
        item.update(
            project_name=row["project_name"], project_has_avatar=row["project_has_avatar"],
            entity_name=row["entity_name"], entity_description=row["entity_description"],
            entity_data=row["entity_data"],
            entity_preview_file_id=row["entity_preview_file_id"] or "",
            entity_source_id=source_id, entity_type_name=row["entity_type_name"],
            entity_canceled=row["entity_canceled"], sequence_name=row["sequence_name"],
            episode_id=episode_id, episode_name=episode_name,
            task_type_for_entity=row["task_type_for_entity"],
            type_name=row["task_type_name"], status_name=row["task_status_name"],
            type_color=row["task_type_color"], status_color=row["task_status_color"],
            status_short_name=row["task_status_short_name"],
            assignees=assignees[row["id"]],
        )  # fmt: skip
    return items


async def open_tasks_stats(ctx: Ctx) -> dict[str, Any]:
    """GET /data/tasks/open-tasks/stats: per open project, the amounts, durations and
    estimations, with one entry per task type and status."""
    query = (
        _joined(
            select(
                func.count().label("amount"),
                func.count(case((TaskStatus.is_done.is_(True), Task.id))).label("amount_done"),
                func.sum(Task.duration).label("total_duration"),
                func.sum(Task.estimation).label("total_estimation"),
                Project.id.label("project_id"),
                TaskType.id.label("task_type_id"),
                TaskStatus.id.label("task_status_id"),
            )
        )
        .where(and_(TaskType.for_entity != "Concept", Project.id.in_(await open_project_ids(ctx))))
        .group_by(Project.id, TaskType.id, TaskStatus.id)
    )
    result: dict[str, Any] = {}
    for row in (await ctx.conn.execute(query)).mappings():
        stat = {
            key: row[key]
            for key in ("task_status_id", "task_type_id", "project_id", "amount", "amount_done",
                        "total_duration", "total_estimation")
        }  # fmt: skip
        project = result.setdefault(
            row["project_id"],
            {"amount": 0, "amount_done": 0, "total_duration": 0, "total_estimation": 0,
             "task_types": []},
        )  # fmt: skip
        for key in ("amount", "amount_done", "total_duration", "total_estimation"):
            project[key] += stat[key] or 0
        project["task_types"].append(stat)
    return result
