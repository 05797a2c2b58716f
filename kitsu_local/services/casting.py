"""Casting read side (zou-data-model.md 3.4): which assets an entity casts, keyed listings per
sequence, episode and asset type, where an asset is cast, and the project's entity links.

Casting is ``entity_link`` rows: ``entity_in`` (shot, sequence, episode or asset) casts
``entity_out`` (an asset). Every listing is one query joining the links with the entities and
their types, whatever the number of links. Canceled assets are left out, as in Zou.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, func, select

from .. import rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import NotFound, PermissionDenied, WrongParameter
from ..models import Entity, EntityLink, EntityType, Project
from ..permissions import require_entity_access
from . import crud
from .breakdown import get_typed
from .entities import TEMPORAL_KINDS
from .spec import Row, spec_for_route, spec_for_table

ENTITY = Entity.__table__
LINK = EntityLink.__table__
TYPE = EntityType.__table__
ASSET = ENTITY.alias("asset")  # the cast asset (entity_out)


# ==== access =================================================================================
async def require_project_access(ctx: Ctx, project_id: str) -> None:
    """Zou's ``check_project_access``: admins pass; others need the project (404) and to be
    in its team (403)."""
    me = ctx.me
    if me.is_admin:
        return
    if not is_valid_id(project_id) or await rows.fetch_one(ctx.conn, Project, project_id) is None:
        raise NotFound()
    me.require_member(project_id)


async def require_manager_access(ctx: Ctx, project_id: str) -> None:
    await require_project_access(ctx, project_id)
    ctx.me.require_manager(project_id)


async def require_casting_reader(ctx: Ctx, project_id: str) -> None:
    """The project casting listings: team members except vendors."""
    await require_project_access(ctx, project_id)
    if ctx.me.role_in(project_id) == "vendor":
        raise PermissionDenied()


async def typed(ctx: Ctx, kind: str, entity_id: str) -> Row:
    """The asset, shot, scene or sequence with that id; 404 for anything else (a malformed id
    included, as Zou's ``get_shot``)."""
    if not is_valid_id(entity_id):
        raise NotFound()
    return await get_typed(ctx, kind, entity_id)


async def readable(ctx: Ctx, kind: str, entity_id: str, entity_access: bool = True) -> Row:
    """The typed entity, once the caller may read its project (and, for vendors, the entity)."""
    entity = await typed(ctx, kind, entity_id)
    await require_project_access(ctx, entity["project_id"])
    if entity_access:
        await require_entity_access(ctx, entity)
    return entity


async def entity_of_project(ctx: Ctx, project_id: str, entity_id: str) -> Row:
    """Zou's ``check_entities_belong_to_project``: 404 unknown, 403 in another project."""
    if not is_valid_id(entity_id):
        raise NotFound()
    entity = await rows.fetch_one(ctx.conn, Entity, entity_id)
    if entity is None:
        raise NotFound()
    if entity["project_id"] != project_id:
        raise PermissionDenied()
    return entity


# ==== one entity =============================================================================
def _cast_assets_query(*columns: Any) -> Select:
    return (
        select(*columns)
        .select_from(LINK)
        .join(ASSET, ASSET.c.id == LINK.c.entity_out_id)
        .join(TYPE, TYPE.c.id == ASSET.c.entity_type_id)
        .where(ASSET.c.canceled.is_not(True))
    )


async def casting_of(ctx: Ctx, entity_id: str) -> list[dict[str, Any]]:
    """The assets an entity casts, by type name then asset name."""
    query = _cast_assets_query(
        LINK.c.entity_out_id, ASSET.c.name, TYPE.c.name.label("type_name"), ASSET.c.ready_for,
        ASSET.c.source_id, ASSET.c.preview_file_id, LINK.c.nb_occurences, LINK.c.label,
        ASSET.c.is_shared, ASSET.c.project_id,
    ).where(LINK.c.entity_in_id == entity_id).order_by(TYPE.c.name, ASSET.c.name)  # fmt: skip
    return [
        {
            "asset_id": row.entity_out_id,
            "asset_name": row.name,
            "asset_type_name": row.type_name,
            "ready_for": row.ready_for,
            "episode_id": row.source_id,
            "preview_file_id": row.preview_file_id,
            "nb_occurences": row.nb_occurences,
            "label": row.label,
            "is_shared": row.is_shared,
            "project_id": row.project_id,
        }
        for row in await ctx.conn.execute(query)
    ]


async def project_entity_casting(ctx: Ctx, project_id: str, entity_id: str) -> list[dict]:
    """GET /data/projects/{p}/entities/{e}/casting."""
    await require_casting_reader(ctx, project_id)
    await entity_of_project(ctx, project_id, entity_id)
    return await casting_of(ctx, entity_id)


async def asset_casting(ctx: Ctx, asset_id: str) -> list[dict]:
    """GET /data/assets/{a}/casting."""
    asset = await readable(ctx, "Asset", asset_id)
    return await casting_of(ctx, asset["id"])


async def cast_entities(ctx: Ctx, kind: str, entity_id: str) -> list[dict[str, Any]]:
    """GET /data/assets/{a}/assets, /data/shots/{s}/assets: the cast entities themselves
    (canceled ones included), typed ``Asset``, by name."""
    entity = await readable(ctx, kind, entity_id)
    query = (
        select(ENTITY)
        .join(LINK, LINK.c.entity_out_id == ENTITY.c.id)
        .where(LINK.c.entity_in_id == entity["id"])
        .order_by(ENTITY.c.name, ENTITY.c.id)
    )
    items = crud.serialize_plain(spec_for_route("entities"), await crud.fetch(ctx, query))
    for item in items:
        item["type"] = "Asset"
    return items


async def shot_asset_types(ctx: Ctx, shot_id: str) -> list[dict[str, Any]]:
    """GET /data/shots/{s}/asset-types: the types of the assets the shot casts."""
    shot = await readable(ctx, "Shot", shot_id, entity_access=False)
    cast_types = (
        select(ENTITY.c.entity_type_id)
        .join(LINK, LINK.c.entity_out_id == ENTITY.c.id)
        .where(LINK.c.entity_in_id == shot["id"])
    )
    query = select(TYPE).where(TYPE.c.id.in_(cast_types)).order_by(TYPE.c.name)
    items = crud.serialize_plain(spec_for_table("entity_type"), await crud.fetch(ctx, query))
    for item in items:
        item["type"] = "AssetType"
    return items


async def cast_in(ctx: Ctx, asset_id: str) -> list[dict[str, Any]]:
    """GET /data/assets/{a}/cast-in: the shots (entities with a parent) casting the asset, by
    episode, sequence and shot name, then the assets casting it, by type and name."""
    asset = await readable(ctx, "Asset", asset_id)
    container = ENTITY.alias("container")
    sequence = ENTITY.alias("sequence")
    episode = ENTITY.alias("episode")
    shots = (
        select(
            LINK.c.entity_in_id, container.c.name, sequence.c.name.label("sequence_name"),
            episode.c.id.label("episode_id"), episode.c.name.label("episode_name"),
            container.c.preview_file_id, LINK.c.nb_occurences,
        )
        .join(container, container.c.id == LINK.c.entity_in_id)
        .join(sequence, sequence.c.id == container.c.parent_id)
        .outerjoin(episode, episode.c.id == sequence.c.parent_id)
        .where(LINK.c.entity_out_id == asset["id"], container.c.canceled.is_not(True))
        # Postgres sorts nulls last: shots without episode come after the others
        .order_by(episode.c.name.is_(None), episode.c.name, sequence.c.name, container.c.name)
    )  # fmt: skip
    result: list[dict[str, Any]] = [
        {
            "shot_id": row.entity_in_id,
            "shot_name": row.name,
            "sequence_name": row.sequence_name,
            "episode_id": str(row.episode_id),  # "None" without episode, as Zou answers
            "episode_name": row.episode_name,
            "preview_file_id": row.preview_file_id,
            "nb_occurences": row.nb_occurences,
        }
        for row in await ctx.conn.execute(shots)
    ]
    temporal = select(TYPE.c.id).where(TYPE.c.name.in_(TEMPORAL_KINDS))
    assets = (
        select(
            LINK.c.entity_in_id, container.c.name, TYPE.c.name.label("type_name"),
            container.c.preview_file_id, LINK.c.nb_occurences,
        )
        .join(container, container.c.id == LINK.c.entity_in_id)
        .join(TYPE, TYPE.c.id == container.c.entity_type_id)
        .where(
            LINK.c.entity_out_id == asset["id"], container.c.canceled.is_not(True),
            container.c.entity_type_id.not_in(temporal),
        )
        .order_by(TYPE.c.name, container.c.name)
    )  # fmt: skip
    result += [
        {
            "asset_id": row.entity_in_id,
            "asset_name": row.name,
            "asset_type_name": row.type_name,
            "preview_file_id": row.preview_file_id,
            "nb_occurences": row.nb_occurences,
        }
        for row in await ctx.conn.execute(assets)
    ]
    return result


# ==== keyed listings =========================================================================
def _keyed(found: Any, fields: Mapping[str, str]) -> dict[str, list[dict[str, Any]]]:
    """``{entity_in_id: [casting entries]}`` in query order; ``fields`` maps wire key -> column."""
    result: dict[str, list[dict[str, Any]]] = {}
    for row in found:
        mapping = row._mapping
        result.setdefault(mapping["entity_in_id"], []).append(
            {key: mapping[column] for key, column in fields.items()}
        )
    return result


LISTING_FIELDS = {
    "asset_id": "entity_out_id", "name": "name", "asset_name": "name",
    "asset_type_name": "type_name", "preview_file_id": "preview_file_id",
    "nb_occurences": "nb_occurences", "label": "label",
}  # fmt: skip
SHARED_FIELDS = {**LISTING_FIELDS, "is_shared": "is_shared", "project_id": "project_id"}
SEQUENCE_FIELDS = {
    **{key: value for key, value in SHARED_FIELDS.items() if key != "preview_file_id"},
    "sequence_name": "sequence_name", "preview_file_id": "preview_file_id",
}  # fmt: skip


def _listing_columns() -> tuple[Any, ...]:
    return (
        LINK.c.entity_in_id, LINK.c.entity_out_id, ASSET.c.name, TYPE.c.name.label("type_name"),
        ASSET.c.preview_file_id, LINK.c.nb_occurences, LINK.c.label, ASSET.c.is_shared,
        ASSET.c.project_id,
    )  # fmt: skip


async def sequence_casting(
    ctx: Ctx, project_id: str, sequence_id: str | None = None, episode_id: str | None = None
) -> dict[str, list[dict[str, Any]]]:
    """{shot id: casting} of a sequence, of a project's episode, or of the whole project."""
    await require_casting_reader(ctx, project_id)
    shot = ENTITY.alias("shot")
    sequence = ENTITY.alias("sequence")
    query = (
        _cast_assets_query(*_listing_columns(), sequence.c.name.label("sequence_name"))
        .join(shot, shot.c.id == LINK.c.entity_in_id)
        .join(sequence, sequence.c.id == shot.c.parent_id)
    )
    if sequence_id is not None:
        sequence_row = await typed(ctx, "Sequence", sequence_id)
        if sequence_row["project_id"] != project_id:
            raise PermissionDenied()
        query = query.where(shot.c.parent_id == sequence_id)
        order = (shot.c.name, TYPE.c.name, ASSET.c.name)
    else:
        query = query.where(shot.c.project_id == project_id)
        order = (sequence.c.name, shot.c.name, TYPE.c.name, ASSET.c.name)
    if episode_id is not None:
        if episode_id == "main":  # the main pack has no shots
            return {}
        rows.check_id(episode_id)
        query = query.where(sequence.c.parent_id == episode_id)
    return _keyed(await ctx.conn.execute(query.order_by(*order)), SEQUENCE_FIELDS)


async def episodes_casting(ctx: Ctx, project_id: str) -> dict[str, list[dict[str, Any]]]:
    """GET /data/projects/{p}/episodes/casting: {episode id: casting}. Zou lists the links of
    every entity of the project here (shots too); only episodes are listed, on purpose."""
    await require_casting_reader(ctx, project_id)
    episode = ENTITY.alias("episode")
    episode_type = select(TYPE.c.id).where(TYPE.c.name == "Episode")
    query = (
        _cast_assets_query(*_listing_columns())
        .join(episode, episode.c.id == LINK.c.entity_in_id)
        .where(episode.c.project_id == project_id, episode.c.entity_type_id.in_(episode_type))
        .order_by(TYPE.c.name, ASSET.c.name)
    )
    return _keyed(await ctx.conn.execute(query), SHARED_FIELDS)


async def asset_type_casting(
    ctx: Ctx, project_id: str, asset_type_id: str
) -> dict[str, list[dict[str, Any]]]:
    """GET /data/projects/{p}/asset-types/{t}/casting: {asset id: casting} of the project's
    assets of that type."""
    await require_casting_reader(ctx, project_id)
    if not is_valid_id(asset_type_id):
        raise NotFound()
    asset_type = await rows.fetch_one(ctx.conn, EntityType, asset_type_id)
    if asset_type is None or asset_type["name"] in TEMPORAL_KINDS:
        raise NotFound()
    container = ENTITY.alias("container")
    query = (
        _cast_assets_query(*_listing_columns())
        .join(container, container.c.id == LINK.c.entity_in_id)
        .where(container.c.project_id == project_id, container.c.entity_type_id == asset_type_id)
        .order_by(TYPE.c.name, ASSET.c.name)
    )
    return _keyed(await ctx.conn.execute(query), LISTING_FIELDS)


# ==== the project's links (synchronisation) ==================================================
async def project_entity_links(ctx: Ctx, project_id: str, params: Mapping[str, str]) -> Any:
    """GET /data/projects/{p}/entity-links: a plain list, a page (``page``) or the links
    created after ``cursor_created_at`` (``limit`` of each)."""
    await require_manager_access(ctx, project_id)
    if not is_valid_id(project_id) or await rows.fetch_one(ctx.conn, Project, project_id) is None:
        raise NotFound()
    page = crud.parse_int(params.get("page"), "page", -1)
    limit = crud.parse_int(params.get("limit"), "limit", 0)
    cursor = params.get("cursor_created_at")
    query = (
        select(LINK)
        .join(ENTITY, ENTITY.c.id == LINK.c.entity_in_id)
        .where(ENTITY.c.project_id == project_id)
    )
    spec = spec_for_table("entity_link")
    per_page = limit if limit > 0 else ctx.settings.nb_records_per_page
    if page > 0:
        total = await _count(ctx, query)
        offset = (page - 1) * per_page
        found = [] if total < offset else await crud.fetch(
            ctx, query.order_by(LINK.c.created_at, LINK.c.id).limit(per_page).offset(offset)
        )  # fmt: skip
        return {
            "data": crud.serialize_plain(spec, found), "total": total,
            "nb_pages": -(-total // per_page), "limit": per_page, "offset": offset, "page": page,
        }  # fmt: skip
    if cursor is not None:
        total = await _count(ctx, query)
        found = await crud.fetch(
            ctx,
            query.where(LINK.c.created_at > _cursor(cursor))
            .order_by(LINK.c.created_at, LINK.c.updated_at, LINK.c.id)
            .limit(per_page),
        )
        data = crud.serialize_plain(spec, found, milliseconds=True)
        return {"data": data, "total": total, "limit": per_page}
    query = query.order_by(LINK.c.created_at, LINK.c.id)
    if limit > 0:
        query = query.limit(limit)
    keys = ("id", "entity_in_id", "entity_out_id", "nb_occurences", "label", "data", "created_at")
    items = crud.serialize_plain(spec, await crud.fetch(ctx, query), milliseconds=True)
    return [{**{key: item[key] for key in keys}, "type": "EntityLink"} for item in items]


async def _count(ctx: Ctx, query: Select) -> int:
    return (
        await ctx.conn.execute(select(func.count()).select_from(query.order_by(None).subquery()))
    ).scalar_one()


def _cursor(value: str) -> datetime.datetime:
    """An ISO datetime (Zou answers 500 to anything but ``%Y-%m-%dT%H:%M:%S.%f``)."""
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise WrongParameter("cursor_created_at must be an ISO datetime.") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return moment
