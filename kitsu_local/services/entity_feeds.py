"""What happened on an entity: its news, its time spents and its working files
(zou-behaviour.md 3.12; Zou's ``news_service``, ``time_spents_service``, ``files_service``)."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import func, select

from .. import rows
from ..context import Ctx
from ..models import (
    Comment,
    Entity,
    EntityType,
    News,
    Person,
    PreviewFile,
    Project,
    Task,
    TimeSpent,
    WorkingFile,
)
from ..permissions import require_entity_access
from .crud import serialize, serialize_plain
from .entities import entity_kind
from .output_files import lookup_or_404
from .persons import short_form
from .spec import Row, spec_for_table

NEWS_LIMIT = 2000
TRUE_VALUES = ("true", "1", "yes", "y", "t", "on")


async def entity_or_404(ctx: Ctx, entity_id: str) -> Row:
    """The entity, 404 for an unknown or malformed id (Zou's get_entity)."""
    return await lookup_or_404(ctx, Entity, entity_id)


async def _full_name(ctx: Ctx, entity: Row) -> tuple[str, str | None]:
    """Zou's (full entity name, episode id): ``Ep / Seq / Shot``, ``Ep / Seq``, an episode's
    name, ``Asset type / Asset`` for every other kind."""
    kind = await entity_kind(ctx, entity)
    if kind in ("Shot", "Sequence"):
        parent = await _parent(ctx, entity)
        if parent is None:
            return entity["name"], None
        if kind == "Sequence":
            return f"{parent['name']} / {entity['name']}", parent["id"]
        episode = await _parent(ctx, parent)
        if episode is None:
            return f"{parent['name']} / {entity['name']}", None
        return f"{episode['name']} / {parent['name']} / {entity['name']}", episode["id"]
    if kind == "Episode":
        return entity["name"], None
    entity_type = await rows.fetch_one(ctx.conn, EntityType, entity["entity_type_id"])
    name = f"{entity_type['name']} / {entity['name']}" if entity_type else entity["name"]
    return name, entity["source_id"]


async def _parent(ctx: Ctx, entity: Row) -> Row | None:
    parent_id = entity["parent_id"]
    return await rows.fetch_one(ctx.conn, Entity, parent_id) if parent_id else None


async def entity_news(ctx: Ctx, entity_id: str) -> dict[str, Any]:
    """The last 2000 news of the entity's tasks, newest first, as Zou's project news page."""
    entity = await entity_or_404(ctx, entity_id)
    await require_entity_access(ctx, entity)
    scope = (
        select(News.id).join(Task, News.task_id == Task.id).where(Task.entity_id == entity["id"])
    )
    total = (await ctx.conn.execute(select(func.count()).select_from(scope.subquery()))).scalar()
    query = (
        select(
            News.id, News.author_id, News.comment_id, News.task_id, News.preview_file_id,
            News.created_at, News.change, Task.task_type_id, Comment.task_status_id,
            Task.entity_id, PreviewFile.extension, PreviewFile.revision, Project.id.label("project_id"),
            Project.name.label("project_name"),
        )
        .join(Task, News.task_id == Task.id)
        .join(Project, Task.project_id == Project.id)
        .outerjoin(Comment, News.comment_id == Comment.id)
        .outerjoin(PreviewFile, News.preview_file_id == PreviewFile.id)
        .where(Task.entity_id == entity["id"])
        .order_by(News.created_at.desc(), News.id.desc())
        .limit(NEWS_LIMIT)
    )  # fmt: skip
    found = list((await ctx.conn.execute(query)).mappings())
    full_name, episode_id = await _full_name(ctx, entity)
    author_ids = sorted({row["author_id"] for row in found if row["author_id"]})
    authors = {
        person["id"]: short_form(person)
        for chunk in rows.chunked(author_ids)
        for person in await rows.fetch_where(ctx.conn, Person, Person.id.in_(chunk))
    }
    data = [
        {
            "id": row["id"],
            "type": "News",
            "author_id": row["author_id"],
            "comment_id": row["comment_id"],
            "task_id": row["task_id"],
            "task_type_id": row["task_type_id"],
            "task_status_id": row["task_status_id"],
            "task_entity_id": row["entity_id"],
            "preview_file_id": row["preview_file_id"],
            "preview_file_extension": row["extension"],
            "preview_file_revision": row["revision"],
            "project_id": row["project_id"],
            "project_name": row["project_name"],
            "created_at": row["created_at"].isoformat(timespec="seconds"),
            "change": row["change"],
            "full_entity_name": full_name,
            "episode_id": episode_id,
            "entity_preview_file_id": entity["preview_file_id"],
            "person": authors.get(row["author_id"]),
        }
        for row in found
    ]
    return {
        "data": data,
        "total": total,
        "nb_pages": math.ceil(total / NEWS_LIMIT),
        "limit": NEWS_LIMIT,
        "offset": 0,
        "page": 1,
    }


async def entity_time_spents(ctx: Ctx, entity_id: str) -> list[dict[str, Any]]:
    """The time spent on the entity's tasks, latest date first."""
    entity = await entity_or_404(ctx, entity_id)
    await require_entity_access(ctx, entity)
    query = (
        select(TimeSpent)
        .join(Task, TimeSpent.task_id == Task.id)
        .where(Task.entity_id == entity["id"])
        .order_by(TimeSpent.date.desc())
    )
    found = [dict(row) for row in (await ctx.conn.execute(query)).mappings()]
    return serialize_plain(spec_for_table("time_spent"), found)


async def entity_working_files(ctx: Ctx, entity_id: str) -> list[dict[str, Any]]:
    """Working files of the entity (``task_id``, ``name`` filters), newest revision first;
    ``relations=true`` adds their ``outputs`` ids."""
    entity = await entity_or_404(ctx, entity_id)
    ctx.me.require_member(entity["project_id"])
    params = ctx.params
    conditions = [WorkingFile.entity_id == entity["id"], WorkingFile.revision >= 0]
    conditions += [
        getattr(WorkingFile, key) == params[key] for key in ("task_id", "name") if params.get(key)
    ]
    found = await rows.fetch_where(
        ctx.conn, WorkingFile, *conditions, order_by=WorkingFile.revision.desc()
    )
    relations = params.get("relations", "false").lower() in TRUE_VALUES
    return await serialize(ctx, spec_for_table("working_file"), found, relations=relations)
