"""Creating the breakdown below a project (episodes, sequences, shots, scenes, edits, concepts,
assets) and the bulk actions on it (asset sharing, shot lengths from previews), as Zou's
specialised routes do them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, select, update

from .. import events, rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import NotFound, PermissionDenied, WrongParameter
from ..models import Entity, EntityConceptLink, EntityType, PreviewFile, Project, Task
from ..models.base import utc_now
from .breakdown import kind_condition, serialize_typed
from .entities import TEMPORAL_KINDS, temporal_type_ids
from .spec import Row

EPISODE_STATUSES = ("running", "complete", "standby", "canceled")
DEFAULT_FPS = 25.0


async def project_or_404(ctx: Ctx, project_id: str) -> Row:
    """The project: 404 for an unknown or malformed id, as Zou's ``get_project``."""
    project = (
        await rows.fetch_one(ctx.conn, Project, project_id.lower())
        if is_valid_id(project_id)
        else None
    )
    if project is None:
        raise NotFound()
    return project


async def typed_or_404(ctx: Ctx, kind: str, entity_id: str, project_id: str | None = None) -> Row:
    """An entity of that temporal kind (in that project when given), else 404."""
    entity = (
        await rows.fetch_one(ctx.conn, Entity, entity_id.lower())
        if is_valid_id(entity_id)
        else None
    )
    ids = await temporal_type_ids(ctx)
    if entity is None or entity["entity_type_id"] != ids[kind]:
        raise NotFound()
    if project_id is not None and entity["project_id"] != project_id:
        raise NotFound()
    return entity


async def _create_once(
    ctx: Ctx, project: Row, kind: str, name: str, parent_id: str | None,
    values: dict[str, Any], payload: dict[str, Any], links: set[str] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The entity of that kind, parent and name, created (with its ``<kind>:new`` event and its
    concept ``links``) only when missing: Zou answers the existing one to a second creation."""
    type_id = (await temporal_type_ids(ctx))[kind]
    parent = Entity.parent_id.is_(None) if parent_id is None else Entity.parent_id == parent_id
    existing = await rows.first_where(
        ctx.conn, Entity, Entity.entity_type_id == type_id, Entity.project_id == project["id"],
        Entity.name == name, parent,
    )  # fmt: skip
    if existing is not None:
        return serialize_typed([existing], kind)[0]
    row = await rows.insert_row(
        ctx.conn,
        Entity,
        {
            "entity_type_id": type_id, "project_id": project["id"], "name": name,
            "parent_id": parent_id, "created_by": ctx.me.id, **values,
        },
    )  # fmt: skip
    if links:
        await rows.replace_links(
            ctx.conn, EntityConceptLink.__table__, "entity_in_id", "entity_out_id", row["id"], links
        )
    lower = kind.lower()
    await events.emit(ctx, f"{lower}:new", {f"{lower}_id": row["id"], **payload}, project["id"])
    return serialize_typed([row], kind)[0]


async def _manager_project(ctx: Ctx, project_id: str) -> Row:
    project = await project_or_404(ctx, project_id)
    ctx.me.require_manager(project["id"])
    return project


async def create_episode(
    ctx: Ctx, project_id: str, name: str, status: str | None, description: str | None,
    data: dict | None,
) -> dict[str, Any]:  # fmt: skip
    """POST /data/projects/{id}/episodes: an unknown status becomes ``running``, as in Zou."""
    project = await _manager_project(ctx, project_id)
    values = {
        "status": status if status in EPISODE_STATUSES else "running",
        "description": description,
        "data": data or {},
    }
    return await _create_once(ctx, project, "Episode", name, None, values, {})


async def create_sequence(
    ctx: Ctx, project_id: str, episode_id: str | None, name: str, description: str | None,
    data: dict | None,
) -> dict[str, Any]:  # fmt: skip
    project = await _manager_project(ctx, project_id)
    if episode_id is not None:
        await typed_or_404(ctx, "Episode", episode_id, project["id"])
    values = {"description": description, "data": data or {}}
    return await _create_once(ctx, project, "Sequence", name, episode_id, values, {})


async def create_shot(
    ctx: Ctx, project_id: str, sequence_id: str | None, name: str, data: dict | None,
    nb_frames: int | None, description: str | None,
) -> dict[str, Any]:  # fmt: skip
    project = await _manager_project(ctx, project_id)
    episode_id = None
    if sequence_id is not None:
        sequence = await typed_or_404(ctx, "Sequence", sequence_id, project["id"])
        episode_id = sequence["parent_id"]
    values = {"data": data or {}, "nb_frames": nb_frames, "description": description}
    payload = {"episode_id": episode_id}
    return await _create_once(ctx, project, "Shot", name, sequence_id, values, payload)


async def create_scene(
    ctx: Ctx, project_id: str, sequence_id: str | None, name: str
) -> dict[str, Any]:
    project = await _manager_project(ctx, project_id)
    if sequence_id is not None:
        await typed_or_404(ctx, "Sequence", sequence_id, project["id"])
    return await _create_once(ctx, project, "Scene", name, sequence_id, {"data": {}}, {})


async def create_edit(
    ctx: Ctx, project_id: str, episode_id: str | None, name: str, description: str | None,
    data: dict | None,
) -> dict[str, Any]:  # fmt: skip
    """Zou answers 500 for an unknown episode; here it is a 404 like the sequence route's."""
    project = await _manager_project(ctx, project_id)
    if episode_id is not None:
        await typed_or_404(ctx, "Episode", episode_id, project["id"])
    values = {"description": description, "data": data or {}}
    payload = {"parent_id": episode_id}
    return await _create_once(ctx, project, "Edit", name, episode_id, values, payload)


async def create_concept(
    ctx: Ctx, project_id: str, name: str, description: str | None, data: dict | None,
    links: list[dict[str, Any]],
) -> dict[str, Any]:  # fmt: skip
    """Any member but vendors and clients may create a concept; ``entity_concept_links`` are
    ``{"id": ...}`` objects, unknown ones skipped (Zou's schema)."""
    project = await project_or_404(ctx, project_id)
    me = ctx.me
    me.require_member(project["id"])
    if me.role_in(project["id"]) in ("vendor", "client"):
        raise PermissionDenied()
    link_ids = [link.get("id") for link in links]
    if not all(is_valid_id(link_id) for link_id in link_ids):
        raise NotFound()
    known = await rows.existing_ids(ctx.conn, Entity, [link_id.lower() for link_id in link_ids])
    values = {"description": description, "data": data or {}}
    concept = await _create_once(ctx, project, "Concept", name, None, values, {}, links=known)
    table = EntityConceptLink.__table__
    current = await rows.grouped_links(
        ctx.conn, table, "entity_in_id", "entity_out_id", [concept["id"]]
    )
    concept["entity_concept_links"] = current[concept["id"]]
    return concept


async def create_asset(
    ctx: Ctx, project_id: str, asset_type_id: str, name: str, description: str | None,
    data: dict | None, is_shared: bool | None, episode_id: str | None,
) -> dict[str, Any]:  # fmt: skip
    """POST .../asset-types/{id}/assets/new: never deduplicated (two assets may share a name).
    An unknown episode is a 404 (Zou answers 500)."""
    project = await project_or_404(ctx, project_id)
    ctx.me.require_manager(project["id"])
    asset_type = (
        await rows.fetch_one(ctx.conn, EntityType, asset_type_id.lower())
        if is_valid_id(asset_type_id)
        else None
    )
    if asset_type is None or asset_type["name"] in TEMPORAL_KINDS:
        raise NotFound()
    if episode_id is not None:
        await typed_or_404(ctx, "Episode", episode_id, project["id"])
    row = await rows.insert_row(
        ctx.conn,
        Entity,
        {
            "project_id": project["id"], "entity_type_id": asset_type["id"], "name": name,
            "description": description, "data": data or {}, "is_shared": bool(is_shared),
            "source_id": episode_id, "created_by": ctx.me.id,
        },
    )  # fmt: skip
    await events.emit(
        ctx, "asset:new", {"asset_id": row["id"], "asset_type": asset_type["id"]}, project["id"]
    )
    return serialize_typed([row], "Asset")[0]


# ==== bulk actions ===========================================================================
async def share_assets(
    ctx: Ctx, is_shared: bool, project_id: str | None = None, asset_type_id: str | None = None,
    asset_ids: list[str] | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """The /actions/.../share routes: set ``is_shared`` on the matching assets in one update.
    Zou emits no event for it."""
    conditions = [await kind_condition(ctx, "Asset")]
    if project_id is not None:
        ctx.me.require_manager(project_id)
        if not is_valid_id(project_id):
            return []
        conditions.append(Entity.project_id == project_id.lower())
    if asset_type_id is not None:
        if not is_valid_id(asset_type_id):
            return []
        conditions.append(Entity.entity_type_id == asset_type_id.lower())
    if asset_ids is not None:
        if project_id is None:
            await _require_manager_of_assets(ctx, asset_ids)
        conditions.append(Entity.id.in_(asset_ids))
    await ctx.conn.execute(
        update(Entity).where(*conditions).values(is_shared=is_shared, updated_at=utc_now())
    )
    found = await rows.fetch_where(ctx.conn, Entity, *conditions, order_by=Entity.name)
    return serialize_typed(found, "Asset")


async def _require_manager_of_assets(ctx: Ctx, asset_ids: list[str]) -> None:
    """Each asset must exist (404) and the caller manage its project (403)."""
    found = await rows.fetch_where(
        ctx.conn, Entity, Entity.id.in_(asset_ids), await kind_condition(ctx, "Asset")
    )
    if len(found) != len(set(asset_ids)):
        raise NotFound()
    for project_id in {asset["project_id"] for asset in found}:
        ctx.me.require_manager(project_id)


async def set_shot_frames(
    ctx: Ctx, project_id: str, task_type_id: str, episode_id: str | None
) -> list[dict[str, Any]]:
    """POST .../set-shot-nb-frames: each shot's ``nb_frames`` from the duration of the newest
    preview of its task of that type, times the project fps."""
    ctx.me.require_manager(project_id)
    if not (is_valid_id(task_type_id) and is_valid_id(project_id)):
        raise WrongParameter("Invalid project or task type id")
    if episode_id not in ("", None) and not is_valid_id(episode_id):
        raise WrongParameter("Invalid episode id")
    project_id, task_type_id = project_id.lower(), task_type_id.lower()
    project = await rows.fetch_one(ctx.conn, Project, project_id)
    if project is None:
        return []
    shot_type = (await temporal_type_ids(ctx))["Shot"]
    shots = select(Entity.id).where(
        Entity.project_id == project_id, Entity.entity_type_id == shot_type
    )
    if episode_id:
        sequences = select(Entity.id).where(Entity.parent_id == episode_id.lower())
        shots = shots.where(Entity.parent_id.in_(sequences))
    query = (
        select(Task.entity_id, PreviewFile.duration)
        .join(PreviewFile, PreviewFile.task_id == Task.id)
        .where(Task.task_type_id == task_type_id, Task.entity_id.in_(shots))
        .order_by(Task.entity_id, PreviewFile.created_at)
    )
    newest: dict[str, float | None] = {}
    for shot_id, duration in await ctx.conn.execute(query):
        newest[shot_id] = duration  # ordered by date: the last one wins
    fps = _fps(project["fps"])
    updates = [
        {"id": shot_id, "nb_frames": round(duration * fps)}
        for shot_id, duration in newest.items()
        if duration is not None
    ]
    if updates:
        lengths = {item["id"]: item["nb_frames"] for item in updates}
        await ctx.conn.execute(
            update(Entity)
            .where(Entity.id.in_(list(lengths)))
            .values(nb_frames=case(lengths, value=Entity.id), updated_at=utc_now())
        )
    return updates


def _fps(value: str | None) -> float:
    try:
        return float(value) if value else DEFAULT_FPS
    except ValueError:
        return DEFAULT_FPS
