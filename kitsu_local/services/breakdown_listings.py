"""The breakdown listings under a project, an episode or a sequence (zou-data-model.md 11.1,
11.2), each scoped as Zou scopes it: members only, vendors to what they are assigned to (with
their metadata masked), a constant number of queries whatever the number of rows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, select

from .. import rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import PermissionDenied
from ..models import (
    DepartmentMetadataDescriptorLink,
    Entity,
    EntityConceptLink,
    EntityLink,
    EntityType,
    EntityVersion,
    MetadataDescriptor,
)  # fmt: skip
from ..permissions import assigned_entity_ids, require_entity_access
from . import crud
from .breakdown import entity_spec, kind_condition, list_entities, serialize_typed
from .breakdown_create import project_or_404, typed_or_404
from .spec import Row, spec_for_table

# Query-string keys that are options of the route, never column filters.
OPTIONS = frozenset({"relations", "page", "limit", "fields"})


def _is_vendor(ctx: Ctx, project_id: str) -> bool:
    return ctx.me.role_in(project_id) == "vendor"


async def _member_project(ctx: Ctx, project_id: str) -> Row:
    project = await project_or_404(ctx, project_id)
    ctx.me.require_member(project["id"])
    return project


async def mask_for_vendor(
    ctx: Ctx, kind: str, items: list[dict[str, Any]], project_id: str
) -> list[dict[str, Any]]:
    """A vendor does not see the metadata of descriptors restricted to other departments."""
    if not _is_vendor(ctx, project_id) or not items:
        return items
    project_ids = {item["project_id"] for item in items}
    descriptors = await rows.fetch_where(
        ctx.conn, MetadataDescriptor, MetadataDescriptor.project_id.in_(project_ids),
        MetadataDescriptor.entity_type == kind,
    )  # fmt: skip
    departments = await rows.grouped_links(
        ctx.conn, DepartmentMetadataDescriptorLink.__table__, "metadata_descriptor_id",
        "department_id", [descriptor["id"] for descriptor in descriptors],
    )  # fmt: skip
    hidden: dict[str, set[str]] = {project: set() for project in project_ids}
    for descriptor in descriptors:
        allowed = set(departments[descriptor["id"]])
        if allowed and not allowed & ctx.me.department_ids:
            hidden[descriptor["project_id"]].add(descriptor["field_name"])
    for item in items:  # Zou answers {} rather than null to a vendor
        masked = hidden[item["project_id"]]
        item["data"] = {k: v for k, v in (item.get("data") or {}).items() if k not in masked}
    return items


def _assigned_condition(ctx: Ctx, kind: str) -> ColumnElement[bool]:
    """What a vendor may list of a kind: entities with a task assigned to them; sequences and
    episodes through their shots (and, for episodes, the assets they own)."""
    assigned = assigned_entity_ids(ctx)
    if kind not in ("Sequence", "Episode"):
        return Entity.id.in_(assigned)
    child = Entity.__table__.alias("child")
    sequences = select(child.c.parent_id).where(child.c.id.in_(assigned))
    if kind == "Sequence":
        return Entity.id.in_(sequences)
    sequence = Entity.__table__.alias("sequence")
    owner = Entity.__table__.alias("owner")
    episodes = select(sequence.c.parent_id).where(sequence.c.id.in_(sequences))
    owned = select(owner.c.source_id).where(owner.c.id.in_(assigned))
    return Entity.id.in_(episodes) | Entity.id.in_(owned)


async def _entities(
    ctx: Ctx, kind: str, *conditions: Any, relations: bool = False
) -> list[dict[str, Any]]:
    query = select(Entity.__table__).where(await kind_condition(ctx, kind), *conditions)
    found = await crud.fetch(ctx, query.order_by(Entity.name))
    if relations:
        items = await crud.serialize(ctx, entity_spec(), found, relations=True)
    else:
        items = crud.serialize_plain(entity_spec(), found)
    if kind == "Concept":  # Zou serializes a concept with its links, relations or not
        links = await rows.grouped_links(
            ctx.conn, EntityConceptLink.__table__, "entity_in_id", "entity_out_id",
            [item["id"] for item in items],
        )  # fmt: skip
        for item in items:
            item["entity_concept_links"] = links[item["id"]]
    for item in items:
        item["type"] = kind
    return items


def _filters(ctx: Ctx, params: Mapping[str, str]) -> list[ColumnElement[bool]]:
    spec = entity_spec()
    wanted = {k: v for k, v in params.items() if k in spec.codecs and k not in OPTIONS}
    return crud.build_filters(ctx, spec, wanted)


# ==== under a project ========================================================================
async def project_entities(ctx: Ctx, project_id: str, kind: str) -> list[dict[str, Any]]:
    """GET /data/projects/{id}/episodes, sequences, shots, scenes, edits, concepts."""
    project = await _member_project(ctx, project_id)
    vendor = _is_vendor(ctx, project["id"])
    if kind == "Concept" and (vendor or ctx.me.role_in(project["id"]) == "client"):
        raise PermissionDenied()
    conditions = [Entity.project_id == project["id"]]
    if vendor:
        conditions.append(_assigned_condition(ctx, kind))
    items = await _entities(ctx, kind, *conditions)
    return await mask_for_vendor(ctx, kind, items, project["id"])


async def project_assets(
    ctx: Ctx, project_id: str, params: Mapping[str, str], asset_type_id: str | None = None
) -> list[dict[str, Any]]:
    """GET /data/projects/{id}/assets and .../asset-types/{id}/assets: the asset list filters
    (``episode_id``, columns), vendors to their assigned assets."""
    ctx.me.require_member(project_id)
    criteria = {**params, "project_id": project_id}
    if asset_type_id is not None:
        criteria["entity_type_id"] = asset_type_id
    items = await list_entities(ctx, "Asset", criteria)
    return await mask_for_vendor(ctx, "Asset", items, project_id)


async def project_asset_types(ctx: Ctx, project_id: str) -> list[dict[str, Any]]:
    """GET /data/projects/{id}/asset-types: the types of the project's assets."""
    ctx.me.require_member(project_id)
    if not is_valid_id(project_id):
        return []
    used = select(Entity.entity_type_id).where(
        Entity.project_id == project_id.lower(), await kind_condition(ctx, "Asset")
    )
    found = await rows.fetch_where(
        ctx.conn, EntityType, EntityType.id.in_(used), order_by=EntityType.name
    )
    items = crud.serialize_plain(spec_for_table("entity_type"), found)
    for item in items:
        item["type"] = "AssetType"
    return items


async def shared_assets_used(
    ctx: Ctx, project_id: str, episode_id: str | None = None
) -> list[dict[str, Any]]:
    """Shared assets of other projects cast in this project's shots (of one episode)."""
    ctx.me.require_member(project_id)
    if not is_valid_id(project_id):
        return []
    shot = Entity.__table__.alias("shot")
    sequence = Entity.__table__.alias("sequence")
    cast = (
        select(EntityLink.entity_out_id)
        .join(shot, shot.c.id == EntityLink.entity_in_id)
        .join(sequence, sequence.c.id == shot.c.parent_id)
        .where(shot.c.project_id == project_id.lower())
    )
    if episode_id not in (None, "main", "all"):
        cast = cast.where(sequence.c.parent_id == episode_id)
    query = (
        select(Entity.__table__)
        .where(
            await kind_condition(ctx, "Asset"),
            Entity.is_shared.is_(True),
            Entity.canceled.is_not(True),
            Entity.project_id != project_id.lower(),
            Entity.id.in_(cast),
        )
        .order_by(Entity.name)
    )
    return serialize_typed(await crud.fetch(ctx, query), "Asset")


# ==== under an episode or a sequence =========================================================
async def episode_sequences(
    ctx: Ctx, episode_id: str, params: Mapping[str, str]
) -> list[dict[str, Any]]:
    """GET /data/episodes/{id}/sequences: a malformed id lists nothing, as in Zou."""
    if not is_valid_id(episode_id):
        return []
    episode = await typed_or_404(ctx, "Episode", episode_id)
    project_id = episode["project_id"]
    ctx.me.require_member(project_id)
    conditions = [Entity.parent_id == episode["id"]]
    if _is_vendor(ctx, project_id):
        conditions.append(_assigned_condition(ctx, "Sequence"))
        items = await _entities(ctx, "Sequence", *conditions)
        return await mask_for_vendor(ctx, "Sequence", items, project_id)
    return await _entities(ctx, "Sequence", *conditions, *_filters(ctx, params))


async def episode_children(
    ctx: Ctx, episode_id: str, kind: str, relations: bool
) -> list[dict[str, Any]]:
    """GET /data/episodes/{id}/shots (through its sequences) and /data/episodes/{id}/edits."""
    episode = await typed_or_404(ctx, "Episode", episode_id)
    await require_entity_access(ctx, episode)
    if kind == "Shot":
        sequences = select(Entity.id).where(Entity.parent_id == episode["id"])
        condition = Entity.parent_id.in_(sequences)
    else:
        condition = Entity.parent_id == episode["id"]
    items = await _entities(ctx, kind, condition, relations=relations)
    return await mask_for_vendor(ctx, kind, items, episode["project_id"])


async def sequence_shots(
    ctx: Ctx, sequence_id: str, params: Mapping[str, str]
) -> list[dict[str, Any]]:
    """GET /data/sequences/{id}/shots: the shot list filters inside one sequence."""
    sequence = await typed_or_404(ctx, "Sequence", sequence_id)
    ctx.me.require_member(sequence["project_id"])
    criteria = {**params, "project_id": sequence["project_id"], "parent_id": sequence["id"]}
    items = await list_entities(ctx, "Shot", criteria)
    return await mask_for_vendor(ctx, "Shot", items, sequence["project_id"])


async def sequence_scenes(ctx: Ctx, sequence_id: str) -> list[dict[str, Any]]:
    sequence = await typed_or_404(ctx, "Sequence", sequence_id)
    await require_entity_access(ctx, sequence)
    items = await _entities(ctx, "Scene", Entity.parent_id == sequence["id"])
    return await mask_for_vendor(ctx, "Scene", items, sequence["project_id"])


async def versions(ctx: Ctx, kind: str, entity_id: str) -> list[dict[str, Any]]:
    """GET /data/shots/{id}/versions, /data/edits/{id}/versions: newest first."""
    entity = await typed_or_404(ctx, kind, entity_id)
    await require_entity_access(ctx, entity)
    found = await rows.fetch_where(
        ctx.conn, EntityVersion, EntityVersion.entity_id == entity["id"],
        order_by=EntityVersion.created_at.desc(),
    )  # fmt: skip
    items = crud.serialize_plain(spec_for_table("entity_version"), found)
    for item in items:
        item["type"] = f"{kind}Version"
    return items
