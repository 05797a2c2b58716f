"""The news feed of productions (zou-data-model.md 3.5 ``news``): one entry per comment, listed
newest first with Zou's filters, page object and per-status ``stats``."""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from .. import rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import NotFound, PermissionDenied, WrongParameter
from ..models import Comment, Entity, News, Person, PreviewFile, Project, Task
from .crud import fetch
from .persons import short_form
from .project_listings import open_project_ids

DATE_MESSAGE = (
    "Wrong date format for before argument.Expected format: 2020-01-05T13:23:10 or 2020-01-05"
)
DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class NewsFilters:
    """The query options of the news routes (Zou's ``NewsMixin``)."""

    only_preview: bool = False
    task_type_id: str | None = None
    task_status_id: str | None = None
    episode_id: str | None = None
    person_id: str | None = None
    page: int = 1
    limit: int = DEFAULT_LIMIT
    after: datetime.datetime | None = None
    before: datetime.datetime | None = None

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> NewsFilters:
        ids = {}
        for key in ("task_type_id", "task_status_id", "episode_id", "person_id"):
            value = params.get(key)
            if value is not None and not is_valid_id(value):
                raise WrongParameter(f"Wrong value for parameter {key}.")
            ids[key] = value.lower() if value else None
        return cls(
            only_preview=params.get("only_preview", "false").lower() in ("true", "1"),
            page=_integer(params, "page", 1),
            limit=max(_integer(params, "limit", DEFAULT_LIMIT), 1),
            after=_date(params.get("after")),
            before=_date(params.get("before")),
            **ids,
        )


def _integer(params: Mapping[str, str], key: str, default: int) -> int:
    try:
        return int(params.get(key, default))
    except ValueError:
        raise WrongParameter(f"Wrong value for parameter {key}.") from None


def _date(value: str | None) -> datetime.datetime | None:
    if value is None:
        return None
    for parse in (datetime.datetime.fromisoformat, _day):
        try:
            return parse(value)
        except ValueError:
            continue
    raise WrongParameter(DATE_MESSAGE)


def _day(value: str) -> datetime.datetime:
    return datetime.datetime.strptime(value, "%Y-%m-%d")


# ==== the routes =============================================================================
async def news_page(
    ctx: Ctx, project_ids: list[str], filters: NewsFilters, news_id: str | None = None
) -> dict[str, Any]:
    """The page object of the news of the given projects, with ``stats``: the number of
    status changes by task status under the same filters."""
    query = _filtered(_base_query(), project_ids, filters)
    if news_id is not None:
        query = query.where(News.id == news_id)
    total = (
        await ctx.conn.execute(select(func.count()).select_from(query.order_by(None).subquery()))
    ).scalar_one()
    offset = (filters.page - 1) * filters.limit
    found = await fetch(ctx, query.limit(filters.limit).offset(max(offset, 0)))
    stats_query = _filtered(
        select(Comment.task_status_id, func.count(News.id))
        .select_from(News)
        .join(Task, Task.id == News.task_id)
        .join(Project, Project.id == Task.project_id)
        .join(Comment, Comment.id == News.comment_id)
        .join(Entity, Entity.id == Task.entity_id)
        .where(News.change.is_(True))
        .group_by(Comment.task_status_id),
        project_ids,
        filters,
    )
    stats = {
        status_id: count
        for status_id, count in (await ctx.conn.execute(stats_query)).all()
        if status_id is not None
    }
    return {
        "data": await _present(ctx, found, filters.only_preview),
        "total": total, "nb_pages": math.ceil(total / filters.limit), "limit": filters.limit,
        "offset": offset, "page": filters.page, "stats": stats,
    }  # fmt: skip


async def project_news(ctx: Ctx, project_id: str, params: Mapping[str, str]) -> dict[str, Any]:
    """Members but clients (Zou's block_access_to_client)."""
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    ctx.me.require_member(project["id"])
    if ctx.me.role_in(project["id"]) == "client":
        raise PermissionDenied()
    return await news_page(ctx, [project["id"]], NewsFilters.parse(params))


async def open_projects_news(ctx: Ctx, params: Mapping[str, str]) -> dict[str, Any]:
    """GET /data/projects/news: the caller's open projects (all open ones for admins), or the
    one ``project_id`` names when it is among them."""
    project_ids = await open_project_ids(ctx)
    wanted = params.get("project_id")
    if wanted is not None and wanted in project_ids:
        project_ids = [wanted]
    return await news_page(ctx, project_ids, NewsFilters.parse(params))


async def one_news(ctx: Ctx, project_id: str, news_id: str) -> dict[str, Any]:
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    ctx.me.require_member(project["id"])
    ctx.me.require_not_vendor()
    page = await news_page(ctx, [project["id"]], NewsFilters(), news_id=rows.check_id(news_id))
    if not page["data"]:
        raise NotFound()
    return page["data"][0]


# ==== queries ================================================================================
def _base_query() -> Select:
    columns = (
        Project.name.label("project_name"), Task.project_id, Task.task_type_id,
        Task.entity_id.label("task_entity_id"), Comment.task_status_id,
        PreviewFile.extension.label("preview_file_extension"),
        PreviewFile.revision.label("preview_file_revision"),
        Entity.preview_file_id.label("entity_preview_file_id"),
    )  # fmt: skip
    return (
        select(News.__table__, *columns)
        .join(Task, Task.id == News.task_id)
        .join(Project, Project.id == Task.project_id)
        .join(Entity, Entity.id == Task.entity_id)
        .outerjoin(Comment, Comment.id == News.comment_id)
        .outerjoin(PreviewFile, PreviewFile.id == News.preview_file_id)
        .order_by(News.created_at.desc())
    )


def _filtered(query: Select, project_ids: list[str], filters: NewsFilters) -> Select:
    query = query.where(Project.id.in_(project_ids))
    if filters.episode_id is not None:
        sequence = aliased(Entity.__table__, name="sequence")
        query = query.join(sequence, sequence.c.id == Entity.parent_id).where(
            sequence.c.parent_id == filters.episode_id
        )
    if filters.task_status_id is not None:
        query = query.where(Comment.task_status_id == filters.task_status_id)
    if filters.task_type_id is not None:
        query = query.where(Task.task_type_id == filters.task_type_id)
    if filters.person_id is not None:
        query = query.where(News.author_id == filters.person_id)
    if filters.only_preview:
        query = query.where(News.preview_file_id.is_not(None))
    if filters.after is not None:
        query = query.where(News.created_at > filters.after)
    if filters.before is not None:
        query = query.where(News.created_at < filters.before)
    return query


async def _present(ctx: Ctx, found: list[dict[str, Any]], only_preview: bool) -> list[dict]:
    names = await full_entity_names(ctx, [row["task_entity_id"] for row in found])
    authors = {
        person["id"]: short_form(person)
        for person in await rows.fetch_where(
            ctx.conn, Person, Person.id.in_({row["author_id"] for row in found})
        )
    }
    items = []
    for row in found:
        name, episode_id = names.get(row["task_entity_id"], ("", None))
        items.append(
            {
                "id": row["id"], "type": "News", "author_id": row["author_id"],
                "comment_id": row["comment_id"], "task_id": row["task_id"],
                "task_type_id": row["task_type_id"], "task_status_id": row["task_status_id"],
                "task_entity_id": row["task_entity_id"], "preview_file_id": row["preview_file_id"],
                "preview_file_extension": row["preview_file_extension"],
                "preview_file_revision": row["preview_file_revision"],
                "project_id": row["project_id"], "project_name": row["project_name"],
                "created_at": row["created_at"].isoformat(timespec="seconds"),
                "change": row["change"], "full_entity_name": name, "episode_id": episode_id,
                "entity_preview_file_id": row["entity_preview_file_id"],
                "person": authors.get(row["author_id"]),
            }
        )  # fmt: skip
    if only_preview:
        await _add_preview_files(ctx, items)
    return items


async def _add_preview_files(ctx: Ctx, items: list[dict[str, Any]]) -> None:
    """The previews of each news' revision (``only_preview``), in Zou's minimal form."""
    previews = await rows.fetch_where(
        ctx.conn, PreviewFile,
        PreviewFile.task_id.in_({item["task_id"] for item in items}),
        PreviewFile.revision.in_({item["preview_file_revision"] for item in items}),
        order_by=[PreviewFile.task_id, PreviewFile.revision, PreviewFile.position],
    )  # fmt: skip
    by_revision: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for preview in previews:
        by_revision.setdefault((preview["task_id"], preview["revision"]), []).append(
            {key: preview[key] for key in ("id", "name", "extension", "revision", "position")}
            | {"status": preview["status"]}
        )
    for item in items:
        item["preview_files"] = by_revision.get(
            (item["task_id"], item["preview_file_revision"]), []
        )


async def full_entity_names(ctx: Ctx, entity_ids: list[str]) -> dict[str, tuple[str, str | None]]:
    """``{entity id: (full name, episode id)}`` as Zou's names service builds them: shots
    ``Episode / Sequence / Shot``, sequences ``Episode / Sequence``, assets
    ``Asset type / Asset`` (episode: the asset's source episode); four queries at most."""
    from .entities import type_names

    entities: dict[str, dict[str, Any]] = {}
    wanted = set(entity_ids)
    for _ in range(3):  # the entities, their parents, their grandparents
        wanted -= set(entities)
        if not wanted:
            break
        for entity in await rows.fetch_where(ctx.conn, Entity, Entity.id.in_(wanted)):
            entities[entity["id"]] = entity
        wanted = {entity["parent_id"] for entity in entities.values() if entity["parent_id"]}
    kinds = await type_names(ctx)
    names: dict[str, tuple[str, str | None]] = {}
    for entity_id in set(entity_ids):
        entity = entities.get(entity_id)
        if entity is None:
            continue
        kind = kinds.get(entity["entity_type_id"])
        parent = entities.get(entity["parent_id"]) if entity["parent_id"] else None
        if kind == "Shot" and parent is not None:
            grandparent = entities.get(parent["parent_id"]) if parent["parent_id"] else None
            path = [grandparent, parent, entity] if grandparent else [parent, entity]
            names[entity_id] = (
                " / ".join(item["name"] for item in path),
                grandparent["id"] if grandparent else None,
            )
        elif kind == "Sequence" and parent is not None:
            names[entity_id] = (f"{parent['name']} / {entity['name']}", parent["id"])
        elif kind in ("Shot", "Sequence", "Episode"):
            names[entity_id] = (entity["name"], None)
        else:
            asset_type = kinds.get(entity["entity_type_id"])
            name = f"{asset_type} / {entity['name']}" if asset_type else entity["name"]
            names[entity_id] = (name, entity["source_id"])
    return names
