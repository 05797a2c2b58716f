"""Typed views of the entity table: assets, asset types, shots, sequences, episodes, scenes,
edits and concepts as the specialised routes serve them (zou-data-model.md 11.1, 11.2)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, false, select

from .. import events, rows
from ..context import Ctx
from ..errors import BadRequest, NotFound, PermissionDenied, WrongParameter
from ..models import (
    Entity,
    EntityLink,
    EntityType,
    Project,
    Subscription,
    Task,
    TaskPersonLink,
)  # fmt: skip
from . import crud
from .cascade import remove_entity
from .entities import TEMPORAL_KINDS, entity_kind, save_shot_version, temporal_type_ids
from .spec import Row, spec_for_route

ASSET_TASK_FIELDS = (
    "id", "due_date", "done_date", "duration", "entity_id", "estimation", "end_date",
    "is_subscribed", "last_comment_date", "last_preview_file_id", "priority", "real_start_date",
    "retake_count", "start_date", "difficulty", "task_status_id", "task_type_id", "assignees",
    "data",
)  # fmt: skip
SHOT_TASK_FIELDS = (
    "id", "duration", "due_date", "end_date", "done_date", "entity_id", "estimation",
    "is_subscribed", "last_comment_date", "last_preview_file_id", "nb_assets_ready", "priority",
    "real_start_date", "retake_count", "start_date", "difficulty", "nb_drawings",
    "task_status_id", "task_type_id", "assignees", "data",
)  # fmt: skip


def entity_spec():
    return spec_for_route("entities")


async def kind_condition(ctx: Ctx, kind: str) -> ColumnElement[bool]:
    ids = await temporal_type_ids(ctx)
    if kind == "Asset":
        return Entity.entity_type_id.not_in(list(ids.values()))
    return Entity.entity_type_id == ids[kind]


def serialize_typed(entities: list[Row], kind: str) -> list[dict[str, Any]]:
    items = crud.serialize_plain(entity_spec(), entities)
    for item in items:
        item["type"] = kind
    return items


# ==== lists ==================================================================================
async def list_entities(ctx: Ctx, kind: str, params: Mapping[str, str]) -> list[dict[str, Any]]:
    """GET /data/assets, /data/shots...: column filters, scoped to the caller's projects."""
    me = ctx.me
    params = dict(params)
    project_id = params.get("project_id")
    if kind == "Shot" and params.get("sequence_id"):
        sequence = await rows.fetch_or_404(ctx.conn, Entity, params.pop("sequence_id"))
        params.update(project_id=sequence["project_id"], parent_id=sequence["id"])
        project_id = sequence["project_id"]
    if kind == "Sequence" and params.get("episode_id"):
        episode = await rows.fetch_or_404(ctx.conn, Entity, params.pop("episode_id"))
        params.update(project_id=episode["project_id"], parent_id=episode["id"])
        project_id = episode["project_id"]
    if (kind != "Asset" or project_id is not None) and not me.is_admin:
        # Zou answers 403 to a non-admin without a project (assets: out of their projects)
        me.require_member(project_id)
    if kind in ("Scene", "Episode") and me.role_in(project_id) == "vendor":
        raise PermissionDenied()
    episode_id = params.pop("episode_id", None) if kind == "Asset" else None
    assigned_to = params.pop("assigned_to", None) is not None or me.role_in(project_id) == "vendor"
    spec = entity_spec()
    filters = crud.build_filters(ctx, spec, {k: v for k, v in params.items() if k in spec.codecs})
    query = select(Entity.__table__).where(await kind_condition(ctx, kind), *filters)
    if not me.is_admin:
        member = sorted(me.member_project_ids)
        query = query.where(Entity.project_id.in_(member) if member else false())
    if assigned_to:
        assigned = (
            select(Task.entity_id)
            .join(TaskPersonLink, TaskPersonLink.task_id == Task.id)
            .where(TaskPersonLink.person_id == me.id)
        )
        query = query.where(Entity.id.in_(assigned))
    if episode_id is not None:
        cast_in_episode = select(EntityLink.entity_out_id).where(
            EntityLink.entity_in_id == episode_id
        )
        query = query.where((Entity.source_id == episode_id) | Entity.id.in_(cast_in_episode))
    found = await crud.fetch(ctx, query.order_by(Entity.name))
    items = serialize_typed(found, kind)
    if kind in ("Shot", "Scene", "Edit"):
        await _add_names(ctx, items, sequence=kind != "Edit")
    if kind in ("Shot", "Scene"):  # Zou joins them to their sequence
        items = [item for item in items if item["sequence_name"] is not None]
    return items


async def _add_names(ctx: Ctx, items: list[dict[str, Any]], sequence: bool) -> None:
    project_ids = {item["project_id"] for item in items}
    projects = {
        row["id"]: row["name"]
        for row in await rows.fetch_where(ctx.conn, Project, Project.id.in_(project_ids))
    }
    parents = {}
    if sequence:
        parent_ids = {item["parent_id"] for item in items if item["parent_id"]}
        parents = {
            row["id"]: row["name"]
            for row in await rows.fetch_where(ctx.conn, Entity, Entity.id.in_(parent_ids))
        }
    for item in items:
        item["project_name"] = projects.get(item["project_id"])
        if sequence:
            item["sequence_name"] = parents.get(item["parent_id"])


# ==== one ====================================================================================
async def get_typed(ctx: Ctx, kind: str, entity_id: str) -> Row:
    entity = await rows.fetch_or_404(ctx.conn, Entity, entity_id)
    type_row = await rows.fetch_one(ctx.conn, EntityType, entity["entity_type_id"])
    type_name = type_row["name"] if type_row else None
    actual = type_name if type_name in TEMPORAL_KINDS else "Asset"
    if actual != kind:
        raise NotFound()
    return entity


async def get_full(ctx: Ctx, kind: str, entity_id: str) -> dict[str, Any]:
    """GET /data/assets/{id}, /data/shots/{id}...: the entity with its context."""
    from ..permissions import require_entity_access

    entity = await get_typed(ctx, kind, entity_id)
    await require_entity_access(ctx, entity)
    item = (await crud.serialize(ctx, entity_spec(), [entity], relations=True, view="read"))[0]
    item["type"] = kind
    project = await rows.fetch_one(ctx.conn, Project, entity["project_id"])
    project_name = project["name"] if project else None
    if kind == "Asset":
        asset_type = await rows.fetch_one(ctx.conn, EntityType, entity["entity_type_id"])
        item.pop("source_id", None)
        item.pop("nb_frames", None)
        item.update(project_name=project_name, asset_type_id=entity["entity_type_id"],
                    asset_type_name=asset_type["name"] if asset_type else None)  # fmt: skip
        item.update((await assets_with_tasks(ctx, [entity]))[0])
    elif kind == "Shot":
        full = (await shots_with_tasks(ctx, [entity]))[0]
        full.update(item)
        return full
    elif kind in ("Sequence", "Edit", "Scene"):
        item["project_name"] = project_name
        parent = (
            await rows.fetch_one(ctx.conn, Entity, entity["parent_id"])
            if entity["parent_id"]
            else None
        )
        if kind == "Scene":
            item["sequence_id"] = parent["id"] if parent else None
            item["sequence_name"] = parent["name"] if parent else None
            parent = (
                await rows.fetch_one(ctx.conn, Entity, parent["parent_id"])
                if parent and parent["parent_id"]
                else None
            )
        if parent is not None:
            item["episode_id"] = parent["id"]
            item["episode_name"] = parent["name"]
    else:
        item["project_name"] = project_name
    return item


async def assets_with_tasks(ctx: Ctx, assets: list[Row]) -> list[dict[str, Any]]:
    """The "assets with tasks" form of given assets (Kitsu's asset board)."""
    type_names = {row["id"]: row["name"] for row in await rows.fetch_where(ctx.conn, EntityType)}
    episode_casting = await _casting_episodes(ctx, [asset["id"] for asset in assets])
    tasks = await _tasks_by_entity(ctx, [asset["id"] for asset in assets], ASSET_TASK_FIELDS)
    return [
        {
            "id": asset["id"],
            "name": asset["name"],
            "preview_file_id": asset["preview_file_id"] or "",
            "description": asset["description"],
            "asset_type_name": type_names.get(asset["entity_type_id"]),
            "asset_type_id": asset["entity_type_id"],
            "canceled": asset["canceled"],
            "ready_for": str(asset["ready_for"]),  # "None" when unset, as Zou answers
            "episode_id": asset["source_id"] or "",
            "casting_episode_ids": episode_casting[asset["id"]],
            "is_casting_standby": asset["is_casting_standby"],
            "is_shared": asset["is_shared"],
            "data": asset["data"] or {},
            "tasks": tasks[asset["id"]],
        }
        for asset in assets
    ]


async def shots_with_tasks(ctx: Ctx, shots: list[Row]) -> list[dict[str, Any]]:
    """The "shots with tasks" form of given shots (Kitsu's shot board)."""
    parents = {
        row["id"]: row
        for row in await rows.fetch_where(
            ctx.conn,
            Entity,
            Entity.id.in_({shot["parent_id"] for shot in shots if shot["parent_id"]}),
        )
    }
    episode_ids = {parent["parent_id"] for parent in parents.values() if parent["parent_id"]}
    episodes = {
        row["id"]: row
        for row in await rows.fetch_where(ctx.conn, Entity, Entity.id.in_(episode_ids))
    }
    projects = {
        row["id"]: row["name"]
        for row in await rows.fetch_where(
            ctx.conn, Project, Project.id.in_({s["project_id"] for s in shots})
        )
    }
    tasks = await _tasks_by_entity(ctx, [shot["id"] for shot in shots], SHOT_TASK_FIELDS)
    result = []
    for shot in shots:
        sequence = parents.get(shot["parent_id"]) or {}
        episode = episodes.get(sequence.get("parent_id")) or {}
        data = shot["data"] or {}
        result.append(
            {
                "canceled": shot["canceled"], "data": data, "description": shot["description"],
                "entity_type_id": shot["entity_type_id"], "episode_id": episode.get("id"),
                "episode_name": episode.get("name", ""), "fps": data.get("fps"),
                "frame_in": data.get("frame_in"), "frame_out": data.get("frame_out"),
                "id": shot["id"], "name": shot["name"], "nb_frames": shot["nb_frames"],
                "parent_id": shot["parent_id"], "preview_file_id": shot["preview_file_id"],
                "project_id": shot["project_id"], "project_name": projects.get(shot["project_id"]),
                "sequence_id": sequence.get("id"), "sequence_name": sequence.get("name"),
                "source_id": shot["source_id"], "nb_entities_out": shot["nb_entities_out"],
                "is_casting_standby": shot["is_casting_standby"], "type": "Shot",
                "tasks": tasks[shot["id"]],
            }
        )  # fmt: skip
    return result


async def _casting_episodes(ctx: Ctx, asset_ids: list[str]) -> dict[str, list[str]]:
    ids = await temporal_type_ids(ctx)
    result: dict[str, list[str]] = defaultdict(list)
    query = (
        select(EntityLink.entity_out_id, EntityLink.entity_in_id)
        .join(Entity, Entity.id == EntityLink.entity_in_id)
        .where(EntityLink.entity_out_id.in_(asset_ids), Entity.entity_type_id == ids["Episode"])
    )
    for asset_id, episode_id in await ctx.conn.execute(query):
        result[asset_id].append(episode_id)
    return result


async def _tasks_by_entity(
    ctx: Ctx, entity_ids: list[str], fields: tuple[str, ...]
) -> dict[str, list[dict]]:
    task_spec = spec_for_route("tasks")
    found: list[Row] = []
    for chunk in rows.chunked(entity_ids):
        found += await rows.fetch_where(ctx.conn, Task, Task.entity_id.in_(chunk))
    items = crud.serialize_plain(task_spec, found)
    assignees = await rows.grouped_links(
        ctx.conn, task_spec.relation_map["assignees"].table, "task_id", "person_id",
        [task["id"] for task in found],
    )  # fmt: skip
    subscribed = set(
        (
            await ctx.conn.execute(
                select(Subscription.task_id).where(Subscription.person_id == ctx.me.id)
            )
        ).scalars()
    )
    result: dict[str, list[dict]] = defaultdict(list)
    for item in items:
        item["assignees"] = assignees[item["id"]]
        item["is_subscribed"] = item["id"] in subscribed
        item["priority"] = item["priority"] or 0
        item["last_preview_file_id"] = item["last_preview_file_id"] or ""
        result[item["entity_id"]].append({key: item.get(key) for key in fields})
    return result


# ==== changes ================================================================================
async def update_shot(ctx: Ctx, shot_id: str, data: Any) -> dict[str, Any]:
    """PUT /data/shots/{id}: managers; ``data`` replaced as sent, as in Zou."""
    shot = await get_typed(ctx, "Shot", shot_id)
    ctx.me.require_manager(shot["project_id"])
    body = crud.require_body(data)
    spec = entity_spec()
    dropped = crud.PROTECTED_FIELDS | {
        "instance_casting", "project_id", "entities_in", "entities_out", "type", "shotgun_id",
        "created_by",
    }  # fmt: skip
    values, _ = crud.decode_body(
        spec, {k: v for k, v in body.items() if k not in dropped}, creating=False
    )
    if "name" in values and not values["name"]:
        raise WrongParameter(
            "Validation error.",
            {"errors": [{"field": "name", "message": "String should have at least 1 character"}]},
        )
    row = await rows.update_row(ctx.conn, Entity, shot["id"], values)
    await save_shot_version(ctx, shot, row)
    await events.emit(ctx, "shot:update", {"shot_id": row["id"]}, row["project_id"])
    return crud.serialize_plain(spec, [row])[0]


# Kinds that a deletion without force only cancels while they have tasks (as Zou does).
CANCELABLE_KINDS = ("Asset", "Shot", "Edit", "Concept")


async def delete_typed(ctx: Ctx, kind: str, entity_id: str, force: bool) -> None:
    """DELETE /data/assets/{id}... An asset, shot, edit or concept with tasks is only canceled
    without force."""
    entity = await get_typed(ctx, kind, entity_id)
    _require_deleter(ctx, entity, entity["project_id"])
    await _delete_entity(ctx, kind, entity, force)


async def delete_entities(
    ctx: Ctx, project_id: str, entity_ids: list[str], force: bool
) -> list[str]:
    """POST /actions/projects/{id}/delete-entities: the project's assets, shots, edits and
    concepts among ``entity_ids``, each removed as its DELETE route would (concepts, and
    entities already canceled, for real). Unknown ids, other projects' entities and other kinds
    are skipped; answers the ids removed."""
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    found = [await rows.fetch_one(ctx.conn, Entity, entity_id.lower()) for entity_id in entity_ids]
    found = [entity for entity in found if entity is not None]
    for entity in found:
        _require_deleter(ctx, entity, project["id"])
    to_remove = []
    for entity in found:
        kind = await entity_kind(ctx, entity)
        if entity["project_id"] != project["id"] or kind not in CANCELABLE_KINDS:
            continue
        to_remove.append((kind, entity, force or entity["canceled"] or kind == "Concept"))
    for kind, entity, entity_force in to_remove:
        await _delete_entity(ctx, kind, entity, entity_force)
    return [entity["id"] for _, entity, _ in to_remove]


def _require_deleter(ctx: Ctx, entity: Row, project_id: str) -> None:
    """Creators may delete their own entities, otherwise a manager of the project must."""
    me = ctx.me
    if entity["created_by"] == me.id:
        me.require_member(project_id)
    else:
        me.require_manager(project_id)


async def _delete_entity(ctx: Ctx, kind: str, entity: Row, force: bool) -> None:
    lower = kind.lower()
    has_tasks = await rows.count_where(ctx.conn, Task, Task.entity_id == entity["id"])
    if kind in CANCELABLE_KINDS and has_tasks and not force:
        await rows.update_row(ctx.conn, Entity, entity["id"], {"canceled": True})
        await events.emit(
            ctx, f"{lower}:update", {f"{lower}_id": entity["id"]}, entity["project_id"]
        )
        return
    children = Entity.parent_id == entity["id"]
    if kind == "Sequence" and not force and await rows.count_where(ctx.conn, Entity, children):
        raise BadRequest("Some data are still linked to this sequence.")
    await remove_entity(ctx, entity, force=True if kind in CANCELABLE_KINDS else force)
    await events.emit(ctx, f"{lower}:delete", {f"{lower}_id": entity["id"]}, entity["project_id"])


# ==== asset types ============================================================================
async def list_asset_types(ctx: Ctx, params: Mapping[str, str]) -> list[dict[str, Any]]:
    spec = spec_for_route("entity-types")
    filters = crud.build_filters(ctx, spec, {k: v for k, v in params.items() if k in spec.codecs})
    query = select(EntityType.__table__).where(EntityType.name.not_in(TEMPORAL_KINDS), *filters)
    found = await crud.fetch(ctx, query.order_by(EntityType.name))
    return await _asset_type_items(ctx, found)


async def get_asset_type(ctx: Ctx, asset_type_id: str) -> dict[str, Any]:
    entity_type = await rows.fetch_or_404(ctx.conn, EntityType, asset_type_id)
    if entity_type["name"] in TEMPORAL_KINDS:
        raise NotFound()
    return (await _asset_type_items(ctx, [entity_type]))[0]


async def _asset_type_items(ctx: Ctx, found: list[Row]) -> list[dict[str, Any]]:
    spec = spec_for_route("entity-types")
    items = await crud.serialize(ctx, spec, found, relations=True)
    for item in items:
        item["type"] = "AssetType"
    return items
