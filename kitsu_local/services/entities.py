"""The polymorphic ``entity`` table (zou-data-model.md 2, 3.4): kinds, creation, the generic
``/data/entities`` rules, shot versions, and the typed views (assets, shots, sequences...)."""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Any

from sqlalchemy import select

from .. import rows
from ..context import Ctx
from ..errors import PermissionDenied, WrongParameter
from ..models import (
    DepartmentMetadataDescriptorLink,
    Entity,
    EntityConceptLink,
    EntityLink,
    EntityType,
    EntityVersion,
    MetadataDescriptor,
    Subscription,
)  # fmt: skip
from ..models.base import utc_now
from .crud import CrudHooks
from .spec import Row

TEMPORAL_KINDS = ("Shot", "Sequence", "Scene", "Edit", "Concept", "Episode")
VERSION_FOLD_SECONDS = 60


async def get_or_create_entity_type(ctx: Ctx, name: str) -> Row:
    entity_type = await rows.first_where(ctx.conn, EntityType, EntityType.name == name)
    if entity_type is None:
        entity_type = await rows.insert_row(ctx.conn, EntityType, {"name": name})
    return entity_type


async def type_names(ctx: Ctx) -> dict[str, str]:
    """{entity type id: name} (a small table, read whole)."""
    result = await ctx.conn.execute(select(EntityType.id, EntityType.name))
    return {row.id: row.name for row in result}


def kind_of(type_name: str | None) -> str:
    """Asset, or one of the six temporal kinds."""
    return type_name if type_name in TEMPORAL_KINDS else "Asset"


async def entity_kind(ctx: Ctx, entity: Row) -> str:
    entity_type = await rows.fetch_one(ctx.conn, EntityType, entity["entity_type_id"])
    return kind_of(entity_type["name"] if entity_type else None)


async def temporal_type_ids(ctx: Ctx) -> dict[str, str]:
    """{kind: entity type id} of the six temporal kinds (created when missing)."""
    return {kind: (await get_or_create_entity_type(ctx, kind))["id"] for kind in TEMPORAL_KINDS}


def slugify_field_name(name: str) -> str:
    """Zou's descriptor field name: the slug of the name with ``_`` separators."""
    value = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", value.lower()).strip("_")


async def create_entity(
    ctx: Ctx,
    project_id: str,
    entity_type_id: str,
    name: str,
    kind: str = "Asset",
    parent_id: str | None = None,
    **values: Any,
) -> Row:
    from .. import events

    row = await rows.insert_row(
        ctx.conn,
        Entity,
        {
            "project_id": project_id,
            "entity_type_id": entity_type_id,
            "name": name,
            "parent_id": parent_id,
            "created_by": ctx.actor.id if ctx.actor else None,
            **values,
        },
    )
    await events.emit(ctx, f"{kind.lower()}:new", {f"{kind.lower()}_id": row["id"]}, project_id)
    return row


class EntityHooks(CrudHooks):
    """``/data/entities``: typed by kind on the wire, events per kind, ``data`` merged."""

    async def present(self, ctx, spec, found, items, view):
        names = await type_names(ctx)
        for item in items:
            item["type"] = kind_of(names.get(item["entity_type_id"]))
        return items

    def update_relations(self) -> bool:
        return True

    def read_only(self, ctx, row):
        return frozenset(
            {"instance_casting", "entities_in", "entities_out", "type", "shotgun_id", "created_by"}
        )

    async def prepare_create(self, ctx, spec, data, values):
        merge_metadata(values, None)
        values["created_by"] = ctx.me.id
        return values

    def clean_body(self, ctx, body, row):
        if row is not None and body.get("source_id") in ("null", ""):
            body = {**body, "source_id": None}
        return body

    async def prepare_update(self, ctx, spec, row, data, values):
        merge_metadata(values, row, always_object=True)
        await _check_unique_name(ctx, row, values)
        return values

    async def after_update(self, ctx, spec, before, row, data, changes):
        if await entity_kind(ctx, row) == "Shot":
            await save_shot_version(ctx, before, row)

    async def delete(self, ctx, spec, row, force):
        entity_id = row["id"]
        if await entity_kind(ctx, row) == "Sequence":
            await rows.delete_where(ctx.conn, Subscription, Subscription.entity_id == entity_id)
        for model in (EntityLink, EntityConceptLink):
            table = model.__table__
            await rows.delete_where(ctx.conn, model, table.c.entity_in_id == entity_id)
            await rows.delete_where(ctx.conn, model, table.c.entity_out_id == entity_id)
        await super().delete(ctx, spec, row, force)

    async def event(self, ctx, spec, action, row):
        kind = (await entity_kind(ctx, row)).lower()
        return f"{kind}:{action}", {f"{kind}_id": row["id"]}, row["project_id"]


def merge_metadata(values: dict[str, Any], row: Row | None, always_object: bool = False) -> None:
    """``data`` is an object merged into the stored one on update; null keeps the stored one.
    ``always_object`` (Zou's entity PUT): an update always leaves an object there, so a
    ``data`` still null becomes ``{}`` whatever the body holds (Zou's task PUT does not)."""
    incoming = values.get("data")
    if incoming is not None and not isinstance(incoming, dict):
        raise WrongParameter("data must be a JSON object.")
    if row is not None and (incoming is not None or always_object):
        values["data"] = {**(row["data"] or {}), **(incoming or {})}
    elif "data" in values and incoming is None:
        values.pop("data")


async def _check_unique_name(ctx: Ctx, row: Row, values: dict[str, Any]) -> None:
    name = values.get("name", row["name"])
    type_id = values.get("entity_type_id", row["entity_type_id"])
    parent_id = values.get("parent_id", row["parent_id"])
    if (name, type_id, parent_id) == (row["name"], row["entity_type_id"], row["parent_id"]):
        return
    conditions = [
        Entity.name == name,
        Entity.project_id == row["project_id"],
        Entity.entity_type_id == type_id,
        Entity.id != row["id"],
        Entity.parent_id.is_(None) if parent_id is None else Entity.parent_id == parent_id,
    ]
    if await rows.first_where(ctx.conn, Entity, *conditions):
        raise WrongParameter(
            f"An entity with name '{name}', project_id '{row['project_id']}', "
            f"entity_type_id '{type_id}', and parent_id '{parent_id}' already exists. "
            "The combination of these fields must be unique."
        )


def _frames(data: Any) -> tuple[Any, Any]:
    data = data or {}
    return data.get("frame_in", 0), data.get("frame_out", 0)


async def save_shot_version(ctx: Ctx, before: Row, shot: Row) -> None:
    """Record the previous name with the new frame range when either changed; a burst of
    edits by one person within a minute is folded into one version."""
    if _frames(before["data"]) == _frames(shot["data"]) and before["name"] == shot["name"]:
        return
    person_id = ctx.actor.id if ctx.actor else None
    last = (
        (
            await ctx.conn.execute(
                select(EntityVersion.__table__)
                .where(EntityVersion.entity_id == shot["id"])
                .order_by(EntityVersion.created_at.desc())
                .limit(1)
            )
        )
        .mappings()
        .first()
    )
    recent = utc_now() - datetime.timedelta(seconds=VERSION_FOLD_SECONDS)
    if last is not None and last["person_id"] == person_id and last["updated_at"] >= recent:
        await rows.update_row(ctx.conn, EntityVersion, last["id"], {"data": shot["data"]})
        return
    await rows.insert_row(
        ctx.conn,
        EntityVersion,
        {
            "entity_id": shot["id"],
            "name": before["name"],
            "data": shot["data"],
            "person_id": person_id,
        },
    )


# ==== permissions ============================================================================
async def check_entity_create(ctx: Ctx, data: dict[str, Any]) -> None:
    ctx.me.require_manager(
        data.get("project_id") if isinstance(data.get("project_id"), str) else None
    )


async def check_entity_read(ctx: Ctx, row: Row) -> None:
    from ..permissions import require_entity_access

    await require_entity_access(ctx, row)


async def check_entity_update(ctx: Ctx, row: Row, data: dict[str, Any]) -> None:
    me = ctx.me
    project_id = row["project_id"]
    if me.is_manager_of(project_id):
        return
    if not me.is_member(project_id):
        raise PermissionDenied()
    if row["created_by"] == me.id:
        return
    if me.role_in(project_id) != "supervisor":
        raise PermissionDenied()
    # A supervisor may only change metadata of their departments' descriptors.
    changed = {key for key in data if key not in ("id", "type", "project_id")}
    if changed - {"data"}:
        raise PermissionDenied()
    if not me.department_ids:
        return
    fields = list((data.get("data") or {}).keys())
    descriptors = await rows.fetch_where(
        ctx.conn, MetadataDescriptor, MetadataDescriptor.project_id == project_id,
        MetadataDescriptor.field_name.in_(fields),
    )  # fmt: skip
    links = await rows.grouped_links(
        ctx.conn, DepartmentMetadataDescriptorLink.__table__, "metadata_descriptor_id",
        "department_id", [descriptor["id"] for descriptor in descriptors],
    )  # fmt: skip
    for descriptor in descriptors:
        departments = set(links[descriptor["id"]])
        if departments and not departments & me.department_ids:
            raise PermissionDenied()


async def check_entity_delete(ctx: Ctx, row: Row) -> None:
    if row["created_by"] != ctx.me.id:
        ctx.me.require_manager(row["project_id"])


async def check_asset_instance_access(ctx: Ctx, row: Row, *_: Any) -> None:
    """Admins, or members of the instantiated asset's project with access to that asset."""
    from ..permissions import require_entity_access

    if ctx.me.is_admin:
        return
    asset = await rows.fetch_one(ctx.conn, Entity, row["asset_id"])
    if asset is None:
        raise PermissionDenied()
    await require_entity_access(ctx, asset)
