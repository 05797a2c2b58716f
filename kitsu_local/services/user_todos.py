"""The caller's task lists (Zou's todos_service): to do, done, and the tasks waiting for their
feedback, each task enriched with its project, entity, episode, type and status names, its
assignees and its last comment.

Bulk: one query for the tasks with their names, then one per relation (episodes an asset is
cast in, assignees, last comments) whatever the number of tasks.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select

from ..columns import is_valid_id
from ..context import Ctx
from ..errors import WrongParameter
from ..models import (
    Comment,
    Entity,
    EntityLink,
    EntityType,
    Person,
    Project,
    ProjectPersonLink,
    Task,
    TaskPersonLink,
    TaskStatus,
    TaskType,
)  # fmt: skip
from .crud import fetch, serialize_plain
from .spec import spec_for_table
from .user_work import my_task_ids, open_project_ids

SEQUENCE = Entity.__table__.alias("sequence")
EPISODE = Entity.__table__.alias("episode")
SOURCE = Entity.__table__.alias("source")
EPISODE_TYPE = EntityType.__table__.alias("episode_type")
DATE_MESSAGE = (
    "Wrong date format for before argument.Expected format: 2020-01-05T13:23:10 or 2020-01-05"
)
# The name columns each row carries, under the labels the task dict is built from.
NAME_COLUMNS = {
    "project_name": Project.name,
    "project_has_avatar": Project.has_avatar,
    "entity_name": Entity.name,
    "entity_description": Entity.description,
    "entity_data": Entity.data,
    "entity_preview_file_id": Entity.preview_file_id,
    "entity_type_name": EntityType.name,
    "entity_canceled": Entity.canceled,
    "entity_parent_id": Entity.parent_id,
    "entity_source_id": Entity.source_id,
    "sequence_name": SEQUENCE.c.name,
    "episode_id_": EPISODE.c.id,
    "episode_name": EPISODE.c.name,
    "source_name": SOURCE.c.name,
    "task_type_name": TaskType.name,
    "task_type_for_entity": TaskType.for_entity,
    "task_status_name": TaskStatus.name,
    "task_type_color": TaskType.color,
    "task_status_color": TaskStatus.color,
    "task_status_short_name": TaskStatus.short_name,
}
NAME_ORDER = [Project.name, EPISODE.c.name, SEQUENCE.c.name, EntityType.name, Entity.name,
              TaskType.name]  # fmt: skip
ORDERS = {
    "priority": [Task.priority.desc().nulls_last(), Task.due_date.asc().nulls_last(),
                 *NAME_ORDER],
    "due_date": [Task.due_date.asc().nulls_last(), *NAME_ORDER],
    "estimation": [Task.estimation.desc().nulls_last(), *NAME_ORDER],
    "entity_name": [Project.name, TaskType.name, EPISODE.c.name, SEQUENCE.c.name, Entity.name],
}  # fmt: skip


def _joined(*columns: Any) -> Select:
    """Tasks joined to what their dict names (Zou's ``get_person_tasks`` query)."""
    return (
        select(*columns)
        .select_from(Task)
        .join(Project, Project.id == Task.project_id)
        .join(TaskType, TaskType.id == Task.task_type_id)
        .join(TaskStatus, TaskStatus.id == Task.task_status_id)
        .join(Entity, Entity.id == Task.entity_id)
        .join(EntityType, EntityType.id == Entity.entity_type_id)
        .outerjoin(SEQUENCE, SEQUENCE.c.id == Entity.parent_id)
        .outerjoin(EPISODE, EPISODE.c.id == SEQUENCE.c.parent_id)
        .outerjoin(SOURCE, SOURCE.c.id == Entity.source_id)
    )


def task_query() -> Select:
    return _joined(Task.__table__, *(column.label(key) for key, column in NAME_COLUMNS.items()))


async def task_dicts(ctx: Ctx, query: Select) -> list[dict[str, Any]]:
    """The enriched dicts of the tasks ``query`` selects (Zou's
    ``resolve_episode_and_build_task_dict``, assignees and last comments attached)."""
    found = await fetch(ctx, query)
    items = serialize_plain(spec_for_table("task"), found)
    for item, row in zip(items, found, strict=True):
        preview_id = row["entity_preview_file_id"] or ""
        source_id = row["entity_source_id"] or ""
        episode_id, episode_name = row["episode_id_"], row["episode_name"]
        if episode_id is None:
            episode_id = source_id
            if episode_id:
                episode_name = row["source_name"] if row["source_name"] is not None else "MP"
        if row["entity_type_name"] == "Sequence" and row["entity_parent_id"] is not None:
            # a sequence's episode is its parent, the row's "sequence" join
            episode_id, episode_name = row["entity_parent_id"], row["sequence_name"]
        item.update(
            {key: row[key] for key in ("project_name", "project_has_avatar", "entity_name",
                                       "entity_description", "entity_data", "entity_type_name",
                                       "entity_canceled", "sequence_name",
                                       "task_type_for_entity")},
            entity_preview_file_id=str(preview_id), entity_source_id=str(source_id),
            episode_id=str(episode_id), episode_name=episode_name,
            task_estimation=item["estimation"], task_duration=item["duration"],
            task_start_date=item["start_date"], task_due_date=item["due_date"],
            task_type_name=row["task_type_name"], task_status_name=row["task_status_name"],
            task_type_color=row["task_type_color"], task_status_color=row["task_status_color"],
            task_status_short_name=row["task_status_short_name"],
        )  # fmt: skip
    await _attach_assignees(ctx, items)
    await _attach_last_comments(ctx, items)
    return items


async def _attach_assignees(ctx: Ctx, items: list[dict[str, Any]]) -> None:
    if not items:
        return
    ids = [item["id"] for item in items]
    assignees: dict[str, list[str]] = defaultdict(list)
    query = select(TaskPersonLink.task_id, TaskPersonLink.person_id).where(
        TaskPersonLink.task_id.in_(ids)
    )
    for task_id, person_id in await ctx.conn.execute(query):
        assignees[task_id].append(person_id)
    for item in items:
        item["assignees"] = assignees[item["id"]]


async def _attach_last_comments(ctx: Ctx, items: list[dict[str, Any]]) -> None:
    """``last_comment``: the text, date and author of the task's last comment not written by a
    client of its production (``{}`` without one), as Zou's ``get_last_comment_map``."""
    last: dict[str, dict[str, Any]] = {}
    if items:
        role = func.coalesce(ProjectPersonLink.role, Person.role)
        query = (
            select(Comment.object_id, Comment.text, Comment.created_at, Comment.person_id)
            .join(Person, Person.id == Comment.person_id)
            .join(Task, Task.id == Comment.object_id)
            .outerjoin(
                ProjectPersonLink,
                and_(
                    ProjectPersonLink.person_id == Person.id,
                    ProjectPersonLink.project_id == Task.project_id,
                ),
            )
            .where(Comment.object_id.in_([item["id"] for item in items]), role != "client")
            .order_by(Comment.object_id, Comment.created_at)
        )
        for task_id, text, created_at, person_id in await ctx.conn.execute(query):
            last[task_id] = {
                "text": text,
                "date": created_at.isoformat(timespec="seconds"),
                "person_id": person_id,
            }
    for item in items:
        item["last_comment"] = last.get(item["id"], {})


async def cast_in_episodes(ctx: Ctx, items: list[dict[str, Any]]) -> None:
    """``episode_ids`` and ``episode_names`` of the tasks whose entity an episode casts."""
    if not items:
        return
    query = (
        select(EntityLink.entity_out_id, EPISODE.c.id, EPISODE.c.name)
        .join(EPISODE, EPISODE.c.id == EntityLink.entity_in_id)
        .join(EPISODE_TYPE, EPISODE_TYPE.c.id == EPISODE.c.entity_type_id)
        .where(
            EPISODE_TYPE.c.name == "Episode",
            EntityLink.entity_out_id.in_({item["entity_id"] for item in items}),
        )
        .order_by(EPISODE.c.name)
    )
    episodes: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for asset_id, episode_id, episode_name in await ctx.conn.execute(query):
        episodes[asset_id].append((episode_id, episode_name))
    for item in items:
        if item["entity_id"] in episodes:
            item["episode_ids"] = [pair[0] for pair in episodes[item["entity_id"]]]
            item["episode_names"] = [pair[1] for pair in episodes[item["entity_id"]]]


# ==== to do and done =========================================================================
async def my_tasks(ctx: Ctx, done: bool) -> list[dict[str, Any]]:
    """GET /data/user/tasks (``done`` false) and /data/user/done-tasks: the caller's tasks in
    the open productions of their teams; done ones latest first."""
    query = task_query().where(
        Task.id.in_(my_task_ids(ctx)),
        Task.project_id.in_(sorted(ctx.me.open_project_ids)),
        TaskStatus.is_done.is_(done),
    )
    if done:
        query = query.order_by(Task.end_date.desc(), TaskType.name, Entity.name)
    else:
        query = query.order_by(*NAME_ORDER, Task.id)
    items = await task_dicts(ctx, query)
    await cast_in_episodes(ctx, items)
    return items


# ==== to check ===============================================================================
def _id_param(params: Mapping[str, str], key: str) -> str | None:
    value = params.get(key)
    if value is not None and not is_valid_id(value):
        raise WrongParameter("Wrong UUID format.")
    return value


def _int_param(params: Mapping[str, str], key: str, default: int) -> int:
    value = params.get(key)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise WrongParameter(f"Wrong value for parameter {key}.") from None


def _date_param(params: Mapping[str, str], key: str) -> datetime.datetime | None:
    value = params.get(key)
    if value is None:
        return None
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        pass
    try:
        return datetime.datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        raise WrongParameter(DATE_MESSAGE) from None


def _check_scope(ctx: Ctx) -> list[ColumnElement[bool]] | None:
    """What the caller checks (Zou reads the global role here): admins every open
    production, managers and supervisors their open ones (a supervisor only the task types of
    their departments), nobody else anything (None)."""
    me = ctx.me
    if me.is_admin:
        return [Task.project_id.in_(open_project_ids())]
    if me.role not in ("manager", "supervisor"):
        return None
    scope = [Task.project_id.in_(sorted(me.open_project_ids))]
    if me.role == "supervisor" and me.department_ids:
        scope.append(TaskType.department_id.in_(sorted(me.department_ids)))
    return scope


def _check_filters(params: Mapping[str, str]) -> list[ColumnElement[bool]]:
    """The query options of the to-check list, as conditions (bad ones are 400s)."""
    filters: list[ColumnElement[bool]] = []
    for key, column in (("project_id", Project.id), ("task_type_id", TaskType.id),
                        ("task_status_id", TaskStatus.id)):  # fmt: skip
        value = _id_param(params, key)
        if value is not None:
            filters.append(column == value)
    person_id = params.get("person_id")
    if person_id == "unassigned":
        filters.append(~Task.id.in_(select(TaskPersonLink.task_id)))
    elif person_id is not None:
        person_ids = person_id.split(",")
        if not all(is_valid_id(value) for value in person_ids):
            raise WrongParameter("Wrong UUID format.")
        assigned = select(TaskPersonLink.task_id).where(TaskPersonLink.person_id.in_(person_ids))
        filters.append(Task.id.in_(assigned))
    episode_id = _id_param(params, "episode_id")
    if episode_id is not None:
        # every way a row resolves its episode: the sequence chain, an episode scoped entity,
        # a sequence level task
        filters.append(or_(EPISODE.c.id == episode_id, Entity.source_id == episode_id,
                           Entity.parent_id == episode_id))  # fmt: skip
    since = _date_param(params, "due_date_since")
    if since is not None:
        filters.append(Task.due_date >= since)
    until = _date_param(params, "due_date_until")
    if until is not None:
        filters.append(Task.due_date <= until)
    return filters


async def tasks_to_check(ctx: Ctx, params: Mapping[str, str]) -> Any:
    """GET /data/user/tasks-to-check: the tasks waiting for a feedback the caller gives; with
    ``page``, Zou's envelope (``data``, ``stats``, ``page``, ``limit``, ``is_more``)."""
    filters = _check_filters(params)
    page = _int_param(params, "page", 1) if "page" in params else None
    limit = _int_param(params, "limit", 100)
    order_by = params.get("order_by")
    scope = _check_scope(ctx)
    conditions = [TaskStatus.is_feedback_request.is_(True), *filters]
    conditions += scope if scope is not None else [Task.id.is_(None)]
    query = task_query().where(*conditions)
    if page is not None or order_by is not None:
        query = query.order_by(*ORDERS.get(order_by or "", NAME_ORDER), Task.id)
    if page is None:
        return await task_dicts(ctx, query)
    page, limit = max(page, 1), max(limit, 1)
    totals = _joined(func.count(Task.id), func.sum(Task.duration), func.sum(Task.estimation)).where(
        *conditions
    )
    total, duration, estimation = (await ctx.conn.execute(totals)).one()
    items = await task_dicts(ctx, query.offset((page - 1) * limit).limit(limit))
    return {
        "data": items,
        "stats": {
            "total": total,
            "total_duration": duration or 0,
            "total_estimation": estimation or 0,
        },
        "page": page,
        "limit": limit,
        "is_more": page * limit < total,
    }
