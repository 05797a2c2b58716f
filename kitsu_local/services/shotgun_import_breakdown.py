"""Zou's ShotGrid importers of the breakdown (``blueprints/source/shotgun/{project,episode,
sequence,scene,shot,assets,team}.py``): the field mappings, record by record, and their
removals. The loop, the look-ups and the answer are ``shotgun_import.py``'s.

- Project: ``name``, ``sg_status`` -> a project status of that name (created when missing),
  the other ``sg_`` fields -> ``data``; a new project gets the default file tree.
- Episode / Sequence: ``code`` -> name, ``description``, ``project`` found by its *name*
  (skipped when unknown); a sequence's ``episode`` -> parent. A sequence whose name is taken in
  its episode by another sequence only takes the description and ShotGrid id (and a new one is
  left out of the answer), as Zou.
- Scene: ``code``, ``project`` by name, ``sequence_sg_scenes_1_sequences[0]`` -> parent.
- Shot: ``code``, ``project`` by name, ``sg_sequence`` -> parent, ``sg_scene`` -> source,
  ``assets`` -> casting (``entities_out``, replaced), ``sg_cut_in`` -> ``data.frame_in``,
  ``sg_cut_in + sg_cut_duration`` -> ``data.frame_out``, the other ``sg_`` fields -> ``data``
  (``sg_cut_duration`` and ``sg_scene`` too: Zou's exclusion list names ``sg_cut_out``).
- Asset: ``code``, ``description``, ``sg_asset_type`` -> an asset type of that name (created,
  ``asset-type:new``), ``project`` found by its ShotGrid id; an asset without type is ignored,
  one the database refuses is left out; ``parents`` -> each parent's ``entities_out`` lists
  its children once the list is imported (``asset:update``).
- Project connection (``ProjectUserConnection``): ``user`` joins ``project``'s team (both by
  ShotGrid id, ``project:update``), the link keeps the connection's ShotGrid id; answered with
  the project.
"""

from __future__ import annotations

from typing import Any

from .. import events, rows
from ..context import Ctx
from ..errors import DatabaseRefusal
from ..models import Entity, EntityLink, EntityType, Project, ProjectPersonLink, Task, WorkingFile
from . import cascade, file_trees, project_team
from .projects import get_or_create_status
from .shotgun_import import (
    ASSET_KIND,
    Importer,
    Record,
    Removal,
    Skipped,
    State,
    by_shotgun_id,
    column_values,
    custom_fields,
    entity_type_id,
    id_map,
    save_row,
    sg_id,
    typed_entity_id,
)
from .spec import Row

DEFAULT_FILE_TREE = "default"


# ==== projects ===============================================================================
async def prepare_projects(ctx: Ctx, entries: list[Record]) -> State:
    names = {entry["sg_status"] for entry in entries if isinstance(entry.get("sg_status"), str)}
    for name in sorted(names):
        await get_or_create_status(ctx, name)
    return {"statuses": await id_map(ctx, "project_status", "name")}


async def extract_project(ctx: Ctx, state: State, record: Record) -> dict[str, Any]:
    status = record["sg_status"]
    return {
        "project_status_id": state["statuses"].get(status) if isinstance(status, str) else None,
        "name": record["name"],
        "shotgun_id": sg_id(record),
        "data": custom_fields(record, ("sg_status",)),
    }


async def save_project(ctx: Ctx, state: State, data: dict[str, Any]) -> Row:
    project = await by_shotgun_id(ctx, "project", data["shotgun_id"])
    if project is None:
        data["file_tree"] = file_trees.bundled_tree(DEFAULT_FILE_TREE)
    return await save_row(ctx, "project", project, data)


# ==== episodes, sequences, scenes ============================================================
async def prepare_temporal(ctx: Ctx, kind: str) -> State:
    return {
        "type_id": await entity_type_id(ctx, kind),
        "projects": await id_map(ctx, "project", "name"),
    }


async def prepare_episodes(ctx: Ctx, entries: list[Record]) -> State:
    return await prepare_temporal(ctx, "Episode")


async def prepare_sequences(ctx: Ctx, entries: list[Record]) -> State:
    return await prepare_temporal(ctx, "Sequence")


async def prepare_scenes(ctx: Ctx, entries: list[Record]) -> State:
    return await prepare_temporal(ctx, "Scene")


async def prepare_shots(ctx: Ctx, entries: list[Record]) -> State:
    return await prepare_temporal(ctx, "Shot")


def project_by_name(state: State, record: Record) -> str | None:
    """Zou's ``get_project``: the project whose name is the record's project's name."""
    project = record["project"]
    return state["projects"].get(project["name"]) if project is not None else None


def _temporal_values(state: State, record: Record) -> dict[str, Any]:
    """What an episode and a sequence take from their record (skipped without its project)."""
    project_id = project_by_name(state, record)
    if project_id is None:
        raise Skipped("no project of that name")
    return {
        "name": record["code"],
        "shotgun_id": sg_id(record),
        "description": record["description"],
        "project_id": project_id,
        "entity_type_id": state["type_id"],
    }


async def extract_episode(ctx: Ctx, state: State, record: Record) -> dict[str, Any]:
    return _temporal_values(state, record)


async def extract_sequence(ctx: Ctx, state: State, record: Record) -> dict[str, Any]:
    episode = record.get("episode", {"id": None})
    episode_id = (
        await typed_entity_id(ctx, "Episode", episode.get("id")) if episode is not None else None
    )
    return {**_temporal_values(state, record), "parent_id": episode_id}


async def extract_scene(ctx: Ctx, state: State, record: Record) -> dict[str, Any]:
    sequences = record.get("sequence_sg_scenes_1_sequences")
    sequence_id = await typed_entity_id(ctx, "Sequence", sequences[0]["id"]) if sequences else None
    return {
        "name": record["code"],
        "shotgun_id": sg_id(record),
        "project_id": project_by_name(state, record),
        "entity_type_id": state["type_id"],
        "parent_id": sequence_id,
    }


async def save_temporal(ctx: Ctx, state: State, data: dict[str, Any]) -> Row:
    """Episodes and scenes: found by ShotGrid id and type, created (by the caller) or updated."""
    entity = await by_shotgun_id(
        ctx, "entity", data["shotgun_id"], Entity.entity_type_id == state["type_id"]
    )
    if entity is None:
        data["created_by"] = ctx.actor_id
    return await save_row(ctx, "entity", entity, data)


async def save_sequence(ctx: Ctx, state: State, data: dict[str, Any]) -> Row | None:
    sequence = await by_shotgun_id(
        ctx, "entity", data["shotgun_id"], Entity.entity_type_id == state["type_id"]
    )
    parent = data["parent_id"]
    similar = await rows.first_where(
        ctx.conn, Entity, Entity.name == data["name"], Entity.project_id == data["project_id"],
        Entity.entity_type_id == state["type_id"],
        Entity.parent_id.is_(None) if parent is None else Entity.parent_id == parent,
    )  # fmt: skip
    if sequence is None and similar is None:
        data["created_by"] = ctx.actor_id
        return await save_row(ctx, "entity", None, data)
    if sequence is None:
        return None  # Zou's answer leaves it out: a sequence of that name is there
    if similar is not None:
        data = {"description": data["description"], "shotgun_id": data["shotgun_id"]}
    return await save_row(ctx, "entity", sequence, data)


# ==== shots ==================================================================================
SHOT_NOT_CUSTOM = ("sg_cut_in", "sg_cut_out", "sg_sequence")


async def extract_shot(ctx: Ctx, state: State, record: Record) -> dict[str, Any]:
    frame_in = record["sg_cut_in"]
    frame_out = frame_in
    if frame_in is not None and record["sg_cut_duration"] is not None:
        frame_out = frame_in + record["sg_cut_duration"]
    data = custom_fields(record, SHOT_NOT_CUSTOM)
    project_id = project_by_name(state, record)
    sequence = record.get("sg_sequence")
    scene = record.get("sg_scene")
    assets: list[str] = []
    for sg_asset in record.get("assets") or []:
        asset_id = await typed_entity_id(ctx, ASSET_KIND, sg_asset["id"])
        if asset_id is not None:
            assets.append(asset_id)
    data.update(frame_in=frame_in, frame_out=frame_out)
    return {
        "name": record["code"],
        "shotgun_id": sg_id(record),
        "project_id": project_id,
        "entity_type_id": state["type_id"],
        "parent_id": await typed_entity_id(ctx, "Sequence", sequence["id"]) if sequence else None,
        "source_id": await typed_entity_id(ctx, "Scene", scene["id"]) if scene else None,
        "entities_out": assets,
        "data": data,
    }


async def save_shot(ctx: Ctx, state: State, data: dict[str, Any]) -> Row:
    assets = data.pop("entities_out")
    shot = await save_temporal(ctx, state, data)
    await set_casting(ctx, shot["id"], assets)
    return shot


async def set_casting(ctx: Ctx, entity_id: str, entity_ids: list[str]) -> None:
    """An entity's ``entities_out`` made exactly that list (Zou assigns the ORM collection,
    which leaves ``nb_entities_out`` as it was)."""
    table = EntityLink.__table__
    await rows.replace_links(
        ctx.conn, table, "entity_in_id", "entity_out_id", entity_id, dict.fromkeys(entity_ids)
    )


# ==== assets =================================================================================
async def prepare_assets(ctx: Ctx, entries: list[Record]) -> State:
    names = {
        entry["sg_asset_type"] for entry in entries if isinstance(entry.get("sg_asset_type"), str)
    }
    for name in sorted(names):
        if await rows.first_where(ctx.conn, EntityType, EntityType.name == name) is None:
            created = await rows.insert_row(ctx.conn, EntityType, {"name": name})
            await events.emit(ctx, "asset-type:new", {"asset_type_id": created["id"]})
    return {
        "projects": await id_map(ctx, "project"),
        "types": await id_map(ctx, "entity_type", "name"),
        "parents": {},
    }


async def extract_asset(ctx: Ctx, state: State, record: Record) -> dict[str, Any]:
    asset_type = record["sg_asset_type"]
    return {
        "name": record["code"],
        "shotgun_id": sg_id(record),
        "description": record["description"],
        "entity_type_id": state["types"].get(asset_type) if isinstance(asset_type, str) else None,
        "project_id": state["projects"].get(record["project"]["id"]),
        "parent_shotgun_ids": [sg_id(parent) for parent in record.get("parents", [])],
    }


async def save_asset(ctx: Ctx, state: State, data: dict[str, Any]) -> Row | None:
    """Zou's ``save_entity``: a database refusal leaves the asset out (Zou logs it)."""
    parents = data.pop("parent_shotgun_ids")
    asset_id = await typed_entity_id(ctx, ASSET_KIND, data["shotgun_id"])
    existing = await rows.fetch_one(ctx.conn, Entity, asset_id) if asset_id else None
    if existing is None and data["entity_type_id"] is None:
        return None  # "Entity ignored"
    if existing is None:
        data["created_by"] = ctx.actor_id
    values = column_values("entity", data)  # a wrong type is a 400, as for the other records
    try:
        async with ctx.conn.begin_nested():
            asset = await save_row(ctx, "entity", existing, values)
    except DatabaseRefusal:
        return None  # Zou: "Similar asset already exists or project is missing"
    for parent in parents:
        state["parents"].setdefault(parent, []).append(asset["id"])
    return asset


async def finish_assets(ctx: Ctx, state: State) -> None:
    """Zou's post_processing: each parent's ``entities_out`` becomes its children."""
    for parent_sg_id, children in state["parents"].items():
        parent_id = await typed_entity_id(ctx, ASSET_KIND, parent_sg_id)
        if parent_id is None:
            continue
        await set_casting(ctx, parent_id, children)
        parent = await rows.fetch_one(ctx.conn, Entity, parent_id)
        assert parent is not None
        await events.emit(
            ctx, "asset:update", {"asset_id": parent_id, "data": {"entities_out": children}},
            parent["project_id"],
        )  # fmt: skip


async def remove_asset(ctx: Ctx, entity: Row) -> None:
    """Zou's asset removal: canceled when a working file hangs on one of its tasks,
    otherwise its tasks then the asset are deleted (``asset:delete`` either way)."""
    asset_id = await typed_entity_id(ctx, ASSET_KIND, entity["shotgun_id"])
    if asset_id is None:
        return
    asset = await rows.fetch_one(ctx.conn, Entity, asset_id)
    assert asset is not None
    tasks = await rows.fetch_where(ctx.conn, Task, Task.entity_id == asset_id)
    task_ids = [task["id"] for task in tasks]
    worked = task_ids and await rows.count_where(
        ctx.conn, WorkingFile, WorkingFile.task_id.in_(task_ids)
    )
    if worked:
        await rows.update_row(ctx.conn, Entity, asset_id, {"canceled": True})
    else:
        for task in tasks:
            await cascade.remove_task(ctx, task)
        await cascade.remove_entity(ctx, asset, force=False)
    await events.emit(ctx, "asset:delete", {"asset_id": asset_id}, asset["project_id"])


async def remove_project(ctx: Ctx, project: Row) -> None:
    """Zou's ``Project.delete()``: the team and the other project links go with it, any
    entity, task or playlist left makes the database refuse. Deliberate difference: its event
    log stays, unscoped (Zou refuses to delete a project that has events, as after an import
    of its team), as the project's own DELETE route does here."""
    await cascade.remove_project(ctx, project, force=False)


# ==== project connections ====================================================================
async def extract_connection(ctx: Ctx, state: State, record: Record) -> dict[str, Any]:
    return {
        "shotgun_id": sg_id(record),
        "project_shotgun_id": record["project"]["id"],
        "person_shotgun_id": record["user"]["id"],
    }


async def save_connection(ctx: Ctx, state: State, data: dict[str, Any]) -> Row | None:
    """The team link of that ShotGrid id, else made through the team service; answers the
    project (None, hence left out, when it is unknown here)."""
    link = await find_connection(ctx, data["shotgun_id"])
    if link is not None:
        return await rows.fetch_one(ctx.conn, Project, link["project_id"])
    project = await by_shotgun_id(ctx, "project", data["project_shotgun_id"])
    person = await by_shotgun_id(ctx, "person", data["person_shotgun_id"])
    if project is not None and person is not None:
        await project_team.add_member(ctx, project["id"], person["id"], None)
        table = ProjectPersonLink.__table__
        await ctx.conn.execute(
            table.update()
            .where(table.c.project_id == project["id"], table.c.person_id == person["id"])
            .values(shotgun_id=data["shotgun_id"])
        )
    return project


async def find_connection(ctx: Ctx, shotgun_id: int) -> Row | None:
    return await rows.first_where(
        ctx.conn, ProjectPersonLink, ProjectPersonLink.shotgun_id == shotgun_id
    )


async def remove_connection(ctx: Ctx, link: Row) -> None:
    await project_team.remove_member(ctx, link["project_id"], link["person_id"])


# ==== the routes' tables =====================================================================
IMPORTERS = {
    "projects": Importer("projects", "project", extract_project, save_project, prepare_projects),
    "episodes": Importer("episodes", "entity", extract_episode, save_temporal, prepare_episodes),
    "sequences": Importer(
        "sequences", "entity", extract_sequence, save_sequence, prepare_sequences
    ),
    "scenes": Importer("scenes", "entity", extract_scene, save_temporal, prepare_scenes),
    "shots": Importer("shots", "entity", extract_shot, save_shot, prepare_shots),
    "assets": Importer(
        "assets", "entity", extract_asset, save_asset, prepare_assets, finish=finish_assets
    ),
    "projectconnections": Importer(
        "projectconnections", "project", extract_connection, save_connection
    ),
}
REMOVALS = {
    "project": Removal("project", "project", delete=remove_project),
    "episode": Removal("episode", "entity", "Episode"),
    "sequence": Removal("sequence", "entity", "Sequence"),
    "scene": Removal("scene", "entity", "Scene"),
    "shot": Removal("shot", "entity", "Shot"),
    "asset": Removal("asset", "entity", delete=remove_asset),
    "projectconnection": Removal(
        "projectconnection",
        "project_person_link",
        delete=remove_connection,
        find=find_connection,
        has_id=False,
    ),
}
