"""Search across persons, assets and shots (``POST /data/search``).

Zou asks an external indexer (Meilisearch); kitsu-local matches every word of the query against
names in SQLite, case-insensitively, in the open projects the caller may read.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, false, or_, select

from .. import rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import WrongParameter
from ..models import Entity, EntityType, Person, PreviewFile, Project, ProjectStatus
from . import crud
from .breakdown import kind_condition
from .persons import minimal_form
from .spec import Row, spec_for_route

DEFAULT_INDEXES = ("assets", "shots", "persons")
MIN_QUERY_LENGTH = 3


def parse_search(body: Any) -> tuple[str, str | None, int, int, list[str]]:
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        raise WrongParameter(
            "Validation error.", {"errors": [{"field": "query", "message": "Field required"}]}
        )
    limit, offset = body.get("limit", 3), body.get("offset", 0)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise WrongParameter(
            "Validation error.",
            {
                "errors": [
                    {"field": "limit", "message": "Input should be greater than or equal to 1"}
                ]
            },
        )
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise WrongParameter(
            "Validation error.",
            {
                "errors": [
                    {"field": "offset", "message": "Input should be greater than or equal to 0"}
                ]
            },
        )
    project_id = body.get("project_id")
    if project_id is not None and not is_valid_id(project_id):
        raise WrongParameter(
            "Validation error.",
            {"errors": [{"field": "project_id", "message": "Input should be a valid UUID"}]},
        )
    indexes = body.get("index_names", list(DEFAULT_INDEXES))
    if not isinstance(indexes, list) or not all(isinstance(name, str) for name in indexes):
        raise WrongParameter(
            "Validation error.",
            {"errors": [{"field": "index_names", "message": "Input should be a valid list"}]},
        )
    return body["query"], project_id, limit, offset, indexes


async def search(ctx: Ctx, body: Any) -> dict[str, list[dict[str, Any]]]:
    text, project_id, limit, offset, indexes = parse_search(body)
    results: dict[str, list[dict[str, Any]]] = {}
    if len(text) < MIN_QUERY_LENGTH:
        return results
    terms = [term.lower() for term in text.split() if term]
    me = ctx.me
    open_ids = await _open_project_ids(ctx)
    project_ids = open_ids if me.is_admin else open_ids & me.member_project_ids
    if project_id:
        project_ids = {project_id} & project_ids
    if "persons" in indexes:
        results["persons"] = await _search_persons(ctx, terms, limit, offset)
    for index, kind in (("assets", "Asset"), ("shots", "Shot")):
        if index in indexes:
            results[index] = await _search_entities(ctx, kind, terms, project_ids, limit, offset)
    return results


def _matches(column: Any, terms: list[str]) -> Any:
    return and_(*(column.ilike(f"%{_escape(term)}%", escape="\\") for term in terms))


def _escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _matched_terms(values: list[str | None], terms: list[str]) -> list[str]:
    text = " ".join(value or "" for value in values).lower()
    return [term for term in terms if term in text]


async def _open_project_ids(ctx: Ctx) -> set[str]:
    query = select(Project.id).join(ProjectStatus, ProjectStatus.id == Project.project_status_id)
    return set((await ctx.conn.execute(query.where(ProjectStatus.name == "Open"))).scalars())


async def _search_persons(
    ctx: Ctx, terms: list[str], limit: int, offset: int
) -> list[dict[str, Any]]:
    full = Person.first_name + " " + Person.last_name
    query = (
        select(Person.__table__)
        .where(Person.is_bot.is_(False), or_(_matches(full, terms), _matches(Person.email, terms)))
        .order_by(Person.first_name, Person.last_name)
        .limit(limit)
        .offset(offset)
    )
    found = await crud.fetch(ctx, query)
    spec = spec_for_route("persons")
    items = await crud.serialize(ctx, spec, found, view="create")  # the safe form
    if not ctx.me.is_admin:
        items = [minimal_form(item) for item in items]
    for item, row in zip(items, found, strict=True):
        item["matched_terms"] = _matched_terms(
            [row["first_name"], row["last_name"], row["email"]], terms
        )
    return items


async def _search_entities(
    ctx: Ctx, kind: str, terms: list[str], project_ids: set[str], limit: int, offset: int
) -> list[dict[str, Any]]:
    from ..permissions import assigned_entity_ids

    query = select(Entity.__table__).where(
        await kind_condition(ctx, kind),
        _matches(Entity.name, terms),
        Entity.project_id.in_(sorted(project_ids)) if project_ids else false(),
    )
    if ctx.me.role == "vendor":
        query = query.where(Entity.id.in_(assigned_entity_ids(ctx)))
    found = await crud.fetch(ctx, query.order_by(Entity.name).limit(limit).offset(offset))
    items = crud.serialize_plain(spec_for_route("entities"), found)
    projects = await _names(ctx, Project, {row["project_id"] for row in found})
    previews = {
        row["id"]: row["extension"]
        for row in await rows.fetch_where(
            ctx.conn,
            PreviewFile,
            PreviewFile.id.in_({row["preview_file_id"] for row in found if row["preview_file_id"]}),
        )
    }
    if kind == "Asset":
        labels = await _names(ctx, EntityType, {row["entity_type_id"] for row in found})
    else:
        labels = await _names(ctx, Entity, {row["parent_id"] for row in found if row["parent_id"]})
    for item, row in zip(items, found, strict=True):
        item["type"] = kind
        item["project_name"] = projects.get(row["project_id"], "")
        if kind == "Asset":
            item["asset_type_name"] = labels.get(row["entity_type_id"], "")
        else:
            item["sequence_name"] = labels.get(row["parent_id"], "")
        item["preview_file_extension"] = previews.get(row["preview_file_id"])
        item["matched_terms"] = _matched_terms([row["name"]], terms)
    return items


async def _names(ctx: Ctx, model: Any, ids: set[str]) -> dict[str, str]:
    found: list[Row] = await rows.fetch_where(ctx.conn, model, model.__table__.c.id.in_(ids))
    return {row["id"]: row["name"] for row in found}
