"""Asset instances (zou-data-model.md 3.4): numbered copies of an asset living in a scene or in
another asset, used by shots through ``asset_instance_link``; and the shots of a scene (a shot's
``source_id``). Listings are grouped ``{key: [instances]}`` as Zou answers them, ordered by
asset and number."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, func, select

from .. import events, rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import NotFound
from ..models import AssetInstance, AssetInstanceLink, Entity, EntityType, Project
from . import crud
from .casting import readable, require_project_access, typed
from .spec import Row, spec_for_route

INSTANCE = AssetInstance.__table__
SHOT_LINK = AssetInstanceLink.__table__
ENTITY = Entity.__table__


def _serialize(found: list[Row]) -> list[dict[str, Any]]:
    return crud.serialize_plain(spec_for_route("asset-instances"), found)


def _grouped(pairs: Iterable[tuple[Any, dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    result: dict[str, list[dict[str, Any]]] = {}
    for key, item in pairs:
        result.setdefault(str(key), []).append(item)  # str(None) -> "None", as Zou's keys
    return result


def _by_asset(found: list[Row]) -> dict[str, list[dict[str, Any]]]:
    return _grouped((item["asset_id"], item) for item in _serialize(found))


def _ordered(query: Select) -> Select:
    return query.order_by(INSTANCE.c.asset_id, INSTANCE.c.number, INSTANCE.c.id)


def instance_name(asset_name: str, number: int) -> str:
    """Zou's ``<slug of the asset name>_<number on 4 digits>`` (slug keeps the case, ``_``)."""
    text = unicodedata.normalize("NFKD", asset_name).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^-a-zA-Z0-9]+", "-", re.sub(r"['\"]+", "", text))
    slug = re.sub(r"-{2,}", "-", text).strip("-").replace("-", "_")
    return f"{slug}_{str(number).zfill(4)}"


async def _instance_or_404(ctx: Ctx, instance_id: str) -> Row:
    if not is_valid_id(instance_id):
        raise NotFound()
    return await rows.fetch_or_404(ctx.conn, AssetInstance, instance_id)


async def _new_instance(
    ctx: Ctx, asset: Row, description: str | None, **place: str
) -> dict[str, Any]:
    """The next numbered instance of ``asset`` in a scene or an asset (``place``)."""
    column, value = next(iter(place.items()))
    last = (
        await ctx.conn.execute(
            select(func.max(INSTANCE.c.number)).where(
                INSTANCE.c.asset_id == asset["id"], INSTANCE.c[column] == value
            )
        )
    ).scalar()
    number = (last or 0) + 1
    row = await rows.insert_row(
        ctx.conn,
        AssetInstance,
        {
            "asset_id": asset["id"], "number": number, "description": description,
            "name": instance_name(asset["name"], number), column: value,
        },
    )  # fmt: skip
    return _serialize([row])[0]


# ==== shots ==================================================================================
async def shot_instances(ctx: Ctx, shot_id: str) -> dict[str, list[dict[str, Any]]]:
    """GET /data/shots/{s}/asset-instances: {asset id: instances used in the shot}."""
    shot = await readable(ctx, "Shot", shot_id)
    query = select(INSTANCE).join(SHOT_LINK, SHOT_LINK.c.asset_instance_id == INSTANCE.c.id)
    found = await crud.fetch(ctx, _ordered(query.where(SHOT_LINK.c.entity_id == shot["id"])))
    return _by_asset(found)


async def _shot_and_instance(ctx: Ctx, shot_id: str, instance_id: str) -> tuple[Row, Row]:
    shot = await typed(ctx, "Shot", shot_id)
    await require_project_access(ctx, shot["project_id"])
    return shot, await _instance_or_404(ctx, instance_id)


def _link_condition(shot: Row, instance: Row) -> Any:
    return (SHOT_LINK.c.entity_id == shot["id"]) & (SHOT_LINK.c.asset_instance_id == instance["id"])


async def add_to_shot(ctx: Ctx, shot_id: str, instance_id: str) -> dict[str, Any]:
    """POST /data/shots/{s}/asset-instances: the shot (as a plain entity). Adding an instance
    the shot already uses changes nothing (Zou answers 500)."""
    shot, instance = await _shot_and_instance(ctx, shot_id, instance_id)
    if not await rows.count_where(ctx.conn, SHOT_LINK, _link_condition(shot, instance)):
        await rows.insert_row(
            ctx.conn, SHOT_LINK, {"entity_id": shot["id"], "asset_instance_id": instance["id"]}
        )
        await events.emit(
            ctx, "asset_instance:add-to-shot",
            {"shot_id": shot["id"], "asset_instance_id": instance["id"]},
        )  # fmt: skip
    row = await rows.update_row(ctx.conn, Entity, shot["id"], {})
    return crud.serialize_plain(spec_for_route("entities"), [row])[0]


async def remove_from_shot(ctx: Ctx, shot_id: str, instance_id: str) -> None:
    """DELETE /data/shots/{s}/asset-instances/{i}: 404 when the shot does not use it (Zou
    answers 500)."""
    shot, instance = await _shot_and_instance(ctx, shot_id, instance_id)
    if not await rows.count_where(ctx.conn, SHOT_LINK, _link_condition(shot, instance)):
        raise NotFound()
    await rows.delete_where(ctx.conn, SHOT_LINK, _link_condition(shot, instance))
    await rows.update_row(ctx.conn, Entity, shot["id"], {})
    await events.emit(
        ctx, "asset_instance:remove-from-shot",
        {"shot_id": shot["id"], "asset_instance_id": instance["id"]},
    )  # fmt: skip


# ==== scenes =================================================================================
async def scene_instances(
    ctx: Ctx, scene_id: str, cameras: bool = False
) -> dict[str, list[dict[str, Any]]]:
    """GET /data/scenes/{s}/asset-instances (or camera-instances: assets of type Camera)."""
    scene = await readable(ctx, "Scene", scene_id)
    query = select(INSTANCE).where(INSTANCE.c.scene_id == scene["id"])
    if cameras:
        # Zou creates the Camera asset type on this read; without it there are no cameras.
        camera = select(EntityType.id).where(func.lower(EntityType.name) == "camera")
        assets = select(ENTITY.c.id).where(ENTITY.c.entity_type_id.in_(camera))
        query = query.where(INSTANCE.c.asset_id.in_(assets))
    return _by_asset(await crud.fetch(ctx, _ordered(query)))


async def add_to_scene(
    ctx: Ctx, scene_id: str, asset_id: str, description: str | None
) -> dict[str, Any]:
    """POST /data/scenes/{s}/asset-instances: a new numbered instance of an asset. Zou takes
    any entity as the asset; here it must be an asset (404)."""
    scene = await typed(ctx, "Scene", scene_id)
    await require_project_access(ctx, scene["project_id"])
    asset = await typed(ctx, "Asset", asset_id)
    item = await _new_instance(ctx, asset, description, scene_id=scene["id"])
    await events.emit(
        ctx, "asset_instance:new",
        {"scene_id": scene["id"], "asset_id": asset["id"], "asset_instance_id": item["id"]},
    )  # fmt: skip
    return item


async def scene_shots(ctx: Ctx, scene_id: str) -> list[dict[str, Any]]:
    """GET /data/scenes/{s}/shots: the shots whose source is the scene, by name."""
    scene = await readable(ctx, "Scene", scene_id)
    shot_type = select(EntityType.id).where(EntityType.name == "Shot")
    sequence = ENTITY.alias("sequence")
    query = (
        select(ENTITY, Project.name.label("project_name"), sequence.c.name.label("sequence_name"))
        .join(Project, Project.id == ENTITY.c.project_id)
        .join(sequence, sequence.c.id == ENTITY.c.parent_id)
        .where(ENTITY.c.source_id == scene["id"], ENTITY.c.entity_type_id.in_(shot_type))
    )
    found = await crud.fetch(ctx, query)
    items = crud.serialize_plain(spec_for_route("entities"), found)
    for item, row in zip(items, found, strict=True):
        item.update(type="Shot", project_name=row["project_name"])
        item["sequence_name"] = row["sequence_name"]
    return sorted(items, key=lambda item: item["name"].casefold())


async def _scene_and_shot(ctx: Ctx, scene_id: str, shot_id: str) -> tuple[Row, Row]:
    scene = await typed(ctx, "Scene", scene_id)
    await require_project_access(ctx, scene["project_id"])
    return scene, await typed(ctx, "Shot", shot_id)


async def _set_scene(ctx: Ctx, scene: Row, shot: Row, added: bool) -> Row:
    row = await rows.update_row(
        ctx.conn, Entity, shot["id"], {"source_id": scene["id"] if added else None}
    )
    project_id = shot["project_id"]
    await events.emit(ctx, "shot:update", {"shot_id": shot["id"]}, project_id)
    action = "add-to-scene" if added else "remove-from-scene"
    await events.emit(
        ctx, f"shot:{action}", {"scene_id": scene["id"], "shot_id": shot["id"]}, project_id
    )
    return row


async def add_shot_to_scene(ctx: Ctx, scene_id: str, shot_id: str) -> dict[str, Any]:
    """POST /data/scenes/{s}/shots: the shot (a plain entity) now sourced from the scene."""
    scene, shot = await _scene_and_shot(ctx, scene_id, shot_id)
    row = await _set_scene(ctx, scene, shot, added=True)
    return crud.serialize_plain(spec_for_route("entities"), [row])[0]


async def remove_shot_from_scene(ctx: Ctx, scene_id: str, shot_id: str) -> None:
    """DELETE /data/scenes/{s}/shots/{shot}: only a shot of this scene is detached (Zou
    clears the shot's scene whatever it is)."""
    scene, shot = await _scene_and_shot(ctx, scene_id, shot_id)
    if shot["source_id"] == scene["id"]:
        await _set_scene(ctx, scene, shot, added=False)


# ==== assets =================================================================================
async def asset_asset_instances(ctx: Ctx, asset_id: str) -> dict[str, list[dict[str, Any]]]:
    """GET /data/assets/{a}/asset-asset-instances: {asset id: its instances in this asset}."""
    asset = await readable(ctx, "Asset", asset_id, entity_access=False)
    query = select(INSTANCE).where(INSTANCE.c.target_asset_id == asset["id"])
    return _by_asset(await crud.fetch(ctx, _ordered(query)))


async def add_to_asset(
    ctx: Ctx, asset_id: str, instantiated_id: str, description: str | None
) -> dict[str, Any]:
    """POST /data/assets/{a}/asset-asset-instances: a new instance of an asset in this one."""
    target = await typed(ctx, "Asset", asset_id)
    await require_project_access(ctx, target["project_id"])
    asset = await typed(ctx, "Asset", instantiated_id)
    item = await _new_instance(ctx, asset, description, target_asset_id=target["id"])
    await events.emit(
        ctx, "asset_instance:new",
        {"asset_id": target["id"], "asset_instantiated": asset["id"],
         "asset_instance_id": item["id"]},
    )  # fmt: skip
    return item


async def asset_shot_instances(ctx: Ctx, asset_id: str) -> dict[str, list[dict[str, Any]]]:
    """GET /data/assets/{a}/shot-asset-instances: {shot id: the asset's instances it uses}."""
    asset = await readable(ctx, "Asset", asset_id, entity_access=False)
    query = (
        select(INSTANCE, SHOT_LINK.c.entity_id.label("shot_id"))
        .join(SHOT_LINK, SHOT_LINK.c.asset_instance_id == INSTANCE.c.id)
        .where(INSTANCE.c.asset_id == asset["id"])
    )
    found = await crud.fetch(ctx, _ordered(query).order_by(SHOT_LINK.c.entity_id))
    return _grouped(
        (row["shot_id"], item) for row, item in zip(found, _serialize(found), strict=True)
    )


async def asset_scene_instances(ctx: Ctx, asset_id: str) -> dict[str, list[dict[str, Any]]]:
    """GET /data/assets/{a}/scene-asset-instances: {scene id: the asset's instances there}."""
    asset = await readable(ctx, "Asset", asset_id, entity_access=False)
    query = select(INSTANCE).where(INSTANCE.c.asset_id == asset["id"])
    found = await crud.fetch(ctx, _ordered(query))
    return _grouped((item["scene_id"], item) for item in _serialize(found))
