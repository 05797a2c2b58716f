"""The "with tasks" boards Kitsu's production pages load: each entity of a kind with its tasks
(zou-data-model.md 11.1, 11.2), and the entities linked to a concept with theirs.

A board is three or four statements whatever its size: the entities, their tasks (selected by
the same condition, joined to the entity), the assignee links of those tasks, the caller's
subscriptions. Vendors see only the entities with a task assigned to them, and only those
tasks; clients get the studio side of each task blank.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, select

from .. import rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import PermissionDenied, WrongParameter
from ..models import (
    Entity,
    EntityConceptLink,
    EntityLink,
    EntityType,
    PreviewFile,
    Project,
    ProjectPersonLink,
    Subscription,
    Task,
)  # fmt: skip
from ..permissions import assigned_task_ids, require_entity_access
from . import crud
from .breakdown import ASSET_TASK_FIELDS, SHOT_TASK_FIELDS, kind_condition
from .breakdown_listings import mask_for_vendor
from .breakdown_tasks import SEQUENCE, assignees_of, blank_for_client
from .entities import kind_of
from .spec import spec_for_table

EPISODE_SENTINELS = ("main", "all")
EPISODE = Entity.__table__.alias("episode")
CHILD = Entity.__table__.alias("child")

ENTITY_TASK_FIELDS = (
    "id", "estimation", "entity_id", "end_date", "due_date", "done_date", "duration",
    "last_comment_date", "last_preview_file_id", "priority", "real_start_date", "retake_count",
    "start_date", "difficulty", "task_status_id", "task_type_id", "data",
)  # fmt: skip
EDIT_TASK_FIELDS = (
    "id", "duration", "due_date", "entity_id", "end_date", "estimation", "last_comment_date",
    "last_preview_file_id", "nb_assets_ready", "priority", "real_start_date", "retake_count",
    "start_date", "task_status_id", "task_type_id", "data",
)  # fmt: skip
CONCEPT_TASK_FIELDS = (
    "id", "duration", "due_date", "end_date", "entity_id", "estimation", "last_comment_date",
    "nb_assets_ready", "priority", "real_start_date", "retake_count", "start_date",
    "task_status_id", "task_type_id", "data",
)  # fmt: skip
# The field order of the compact forms (Zou's ASSETS_AND_TASKS_ASSET_FIELDS, SHOTS_AND_TASKS_*).
COMPACT_FIELDS = {
    "Asset": ("asset_fields", (
        "id", "name", "preview_file_id", "description", "asset_type_name", "asset_type_id",
        "canceled", "ready_for", "episode_id", "casting_episode_ids", "is_casting_standby",
        "is_shared", "data", "tasks",
    ), ASSET_TASK_FIELDS),
    "Shot": ("shot_fields", (
        "canceled", "data", "description", "entity_type_id", "episode_id", "episode_name",
        "fps", "frame_in", "frame_out", "id", "name", "nb_frames", "parent_id",
        "preview_file_id", "project_id", "project_name", "sequence_id", "sequence_name",
        "source_id", "nb_entities_out", "is_casting_standby", "type", "tasks",
    ), SHOT_TASK_FIELDS),
}  # fmt: skip
# Added to every board task after a client's blanking (so a client reads them when the
# board's own fields do not list them, as in Zou).
ADDED_TASK_FIELDS = ("is_subscribed", "assignees")


# ==== the boards =============================================================================
async def assets_with_tasks(ctx: Ctx, params: Mapping[str, str]) -> list[dict[str, Any]]:
    """GET /data/assets/with-tasks: ordered by asset type name then asset name."""
    criteria = _criteria(params)
    project_id = criteria.get("project_id")
    episode_id = criteria.get("episode_id")
    me = ctx.me
    if project_id is None and episode_id not in (None, *EPISODE_SENTINELS):
        project_id = (await rows.fetch_or_404(ctx.conn, Entity, episode_id))["project_id"]
    if project_id is not None:
        me.require_member(project_id)
    condition = await kind_condition(ctx, "Asset")
    condition &= _common_filters(criteria)
    if episode_id == "main":
        condition &= Entity.source_id.is_(None)
    elif episode_id not in (None, "all"):
        cast_in = select(EntityLink.entity_out_id).where(EntityLink.entity_in_id == episode_id)
        condition &= (Entity.source_id == episode_id) | Entity.id.in_(cast_in)
    if not me.is_admin:
        teams = select(ProjectPersonLink.project_id).where(ProjectPersonLink.person_id == me.id)
        condition &= Entity.project_id.in_(teams)
    vendor = me.role_in(project_id) == "vendor"
    condition = _vendor_scope(ctx, condition, vendor)
    query = (
        select(Entity.__table__, EntityType.name.label("asset_type_name"))
        .join(EntityType, EntityType.id == Entity.entity_type_id)
        .where(condition)
        .order_by(EntityType.name, Entity.name)
    )
    found = await mask_for_vendor(ctx, "Asset", await _mappings(ctx, query), project_id)
    tasks = await _board_tasks(ctx, condition, ASSET_TASK_FIELDS, project_id, vendor)
    episodes = await _casting_episodes(ctx, criteria) if project_id or "id" in criteria else {}
    return [
        {
            "id": row["id"],
            "name": row["name"],
            "preview_file_id": row["preview_file_id"] or "",
            "description": row["description"],
            "asset_type_name": row["asset_type_name"],
            "asset_type_id": row["entity_type_id"],
            "canceled": row["canceled"],
            "ready_for": str(row["ready_for"]),  # "None" when unset, as Zou answers
            "episode_id": row["source_id"] or "",
            "casting_episode_ids": episodes.get(row["id"], []),
            "is_casting_standby": row["is_casting_standby"],
            "is_shared": row["is_shared"],
            "data": row["data"] or {},
            "tasks": tasks.get(row["id"], []),
        }
        for row in found
    ]


async def shots_with_tasks(ctx: Ctx, params: Mapping[str, str]) -> list[dict[str, Any]]:
    """GET /data/shots/with-tasks: shots under a sequence, with sequence and episode names."""
    criteria = _criteria(params)
    project_id = _require_project_access(ctx, criteria)
    condition = (await kind_condition(ctx, "Shot")) & _common_filters(criteria)
    condition &= Entity.parent_id.in_(_parent_ids(criteria.get("episode_id")))
    vendor = ctx.me.role_in(project_id) == "vendor"
    condition = _vendor_scope(ctx, condition, vendor)
    query = (
        select(
            Entity.__table__,
            SEQUENCE.c.id.label("sequence_id"),
            SEQUENCE.c.name.label("sequence_name"),
            EPISODE.c.id.label("episode_id"),
            EPISODE.c.name.label("episode_name"),
            Project.name.label("project_name"),
        )
        .join(Project, Project.id == Entity.project_id)
        .join(SEQUENCE, SEQUENCE.c.id == Entity.parent_id)
        .join(EPISODE, EPISODE.c.id == SEQUENCE.c.parent_id, isouter=True)
        .where(condition)
        .order_by(SEQUENCE.c.name, Entity.name)
    )
    found = await mask_for_vendor(ctx, "Shot", await _mappings(ctx, query), project_id)
    tasks = await _board_tasks(ctx, condition, SHOT_TASK_FIELDS, project_id, vendor)
    result = []
    for row in found:
        data = row["data"] or {}
        result.append(
            {
                "canceled": row["canceled"], "data": data, "description": row["description"],
                "entity_type_id": row["entity_type_id"], "episode_id": row["episode_id"],
                "episode_name": row["episode_name"] or "", "fps": data.get("fps"),
                "frame_in": data.get("frame_in"), "frame_out": data.get("frame_out"),
                "id": row["id"], "name": row["name"], "nb_frames": row["nb_frames"],
                "parent_id": row["parent_id"], "preview_file_id": row["preview_file_id"],
                "project_id": row["project_id"], "project_name": row["project_name"],
                "sequence_id": row["sequence_id"], "sequence_name": row["sequence_name"],
                "source_id": row["source_id"], "nb_entities_out": row["nb_entities_out"],
                "is_casting_standby": row["is_casting_standby"],
                "tasks": tasks.get(row["id"], []), "type": "Shot",
            }
        )  # fmt: skip
    return result


async def entities_with_tasks(
    ctx: Ctx, kind: str, params: Mapping[str, str]
) -> list[dict[str, Any]]:
    """GET /data/sequences|episodes|scenes/with-tasks: Zou's generic entities-and-tasks form."""
    criteria = _criteria(params, ("project_id", "episode_id"))
    project_id = _require_project_access(ctx, criteria)
    role = ctx.me.role_in(project_id)
    if kind == "Scene" and role == "vendor":
        raise PermissionDenied()
    condition = (await kind_condition(ctx, kind)) & _common_filters(criteria, ("project_id",))
    episode_id = criteria.get("episode_id")
    if episode_id not in (None, "all"):
        condition &= Entity.parent_id == episode_id
    vendor = role == "vendor"
    if vendor:  # the sequences (episodes) holding shots (or assets) with a task of theirs
        condition &= Entity.id.in_(_vendor_parents(ctx, kind))
    query = select(Entity.__table__).where(condition).order_by(Entity.name)
    found = await mask_for_vendor(ctx, kind, await _mappings(ctx, query), project_id)
    tasks = await _board_tasks(ctx, condition, ENTITY_TASK_FIELDS, project_id, vendor)
    result = []
    for row in found:
        data = row["data"] or {}
        result.append(
            {
                "id": row["id"], "name": row["name"], "status": row["status"] or "running",
                "episode_id": str(row["parent_id"]), "description": row["description"],
                "frame_in": data.get("frame_in"), "frame_out": data.get("frame_out"),
                "fps": data.get("fps"), "preview_file_id": row["preview_file_id"] or "",
                "canceled": row["canceled"], "data": data, "tasks": tasks.get(row["id"], []),
            }
        )  # fmt: skip
    return result


async def edits_with_tasks(ctx: Ctx, params: Mapping[str, str]) -> list[dict[str, Any]]:
    """GET /data/edits/with-tasks: edits with their episode (their parent)."""
    criteria = _criteria(params)
    project_id = _require_project_access(ctx, criteria)
    condition = (await kind_condition(ctx, "Edit")) & _common_filters(criteria)
    episode_id = criteria.get("episode_id")
    if episode_id == "main":
        condition &= Entity.parent_id.is_(None)
    elif episode_id not in (None, "all"):
        condition &= Entity.parent_id == episode_id
    vendor = ctx.me.role_in(project_id) == "vendor"
    condition = _vendor_scope(ctx, condition, vendor)
    query = (
        select(
            Entity.__table__,
            EPISODE.c.id.label("episode_id"),
            EPISODE.c.name.label("episode_name"),
            Project.name.label("project_name"),
        )
        .join(Project, Project.id == Entity.project_id)
        .join(EPISODE, EPISODE.c.id == Entity.parent_id, isouter=True)
        .where(condition)
        .order_by(Entity.name)
    )
    found = await mask_for_vendor(ctx, "Edit", await _mappings(ctx, query), project_id)
    tasks = await _board_tasks(ctx, condition, EDIT_TASK_FIELDS, project_id, vendor)
    return [
        {
            "canceled": row["canceled"],
            "data": row["data"] or {},
            "description": row["description"],
            "entity_type_id": row["entity_type_id"],
            "episode_id": row["episode_id"],
            "episode_name": row["episode_name"] or "",
            "id": row["id"],
            "name": row["name"],
            "parent_id": row["parent_id"],
            "preview_file_id": row["preview_file_id"],
            "project_id": row["project_id"],
            "project_name": row["project_name"],
            "source_id": row["source_id"],
            "nb_entities_out": row["nb_entities_out"],
            "tasks": tasks.get(row["id"], []),
            "type": "Edit",
        }
        for row in found
    ]


async def concepts_with_tasks(ctx: Ctx, params: Mapping[str, str]) -> list[dict[str, Any]]:
    """GET /data/concepts/with-tasks: concepts with their preview status and linked entities;
    vendors and clients are refused."""
    criteria = _criteria(params, ("id", "project_id"))
    project_id = _require_project_access(ctx, criteria)
    if ctx.me.role_in(project_id) in ("vendor", "client"):
        raise PermissionDenied()
    condition = (await kind_condition(ctx, "Concept")) & _common_filters(criteria)
    query = (
        select(
            Entity.__table__,
            PreviewFile.status.label("preview_file_status"),
            Project.name.label("project_name"),
        )
        .join(Project, Project.id == Entity.project_id)
        .join(PreviewFile, PreviewFile.id == Entity.preview_file_id, isouter=True)
        .where(condition)
        .order_by(Entity.name)
    )
    found = await _mappings(ctx, query)
    tasks = await _board_tasks(ctx, condition, CONCEPT_TASK_FIELDS, project_id, False)
    links: dict[str, list[str]] = {}
    link_query = (
        select(EntityConceptLink.entity_in_id, EntityConceptLink.entity_out_id)
        .join(Entity, Entity.id == EntityConceptLink.entity_in_id)
        .where(condition)
    )
    for entity_in_id, entity_out_id in await ctx.conn.execute(link_query):
        links.setdefault(entity_in_id, []).append(entity_out_id)
    items = crud.serialize_plain(spec_for_table("entity"), found)
    result = []
    for row, item in zip(found, items, strict=True):
        data = row["data"] or {}
        result.append(
            {
                "canceled": row["canceled"], "data": data, "description": row["description"],
                "entity_type_id": row["entity_type_id"], "fps": data.get("fps"),
                "frame_in": data.get("frame_in"), "frame_out": data.get("frame_out"),
                "id": row["id"], "name": row["name"], "nb_frames": row["nb_frames"],
                "parent_id": row["parent_id"], "preview_file_id": row["preview_file_id"],
                "preview_file_status": row["preview_file_status"],
                "project_id": row["project_id"], "project_name": row["project_name"],
                "source_id": row["source_id"], "nb_entities_out": row["nb_entities_out"],
                "is_casting_standby": row["is_casting_standby"],
                "tasks": tasks.get(row["id"], []), "entity_concept_links": links.get(row["id"], []),
                "type": "Concept", "updated_at": item["updated_at"],
                "created_at": item["created_at"], "created_by": row["created_by"],
            }
        )  # fmt: skip
    return result


async def linked_entities_with_tasks(ctx: Ctx, entity_id: str) -> list[dict[str, Any]]:
    """GET /data/entities/{id}/entities-linked/with-tasks: the entities a concept is linked to,
    each with its tasks (assigner included)."""
    entity = await rows.fetch_or_404(ctx.conn, Entity, entity_id)
    await require_entity_access(ctx, entity)
    linked = select(EntityConceptLink.entity_in_id).where(
        EntityConceptLink.entity_out_id == entity["id"]
    )
    condition = Entity.id.in_(linked)
    query = (
        select(
            Entity.__table__,
            Project.name.label("project_name"),
            EntityType.name.label("entity_type_name"),
        )
        .join(Project, Project.id == Entity.project_id)
        .join(EntityType, EntityType.id == Entity.entity_type_id)
        .where(condition)
        .order_by(Entity.name)
    )
    found = await _mappings(ctx, query)
    fields = (
        "id", "duration", "due_date", "end_date", "entity_id", "estimation",
        "last_comment_date", "nb_assets_ready", "priority", "real_start_date", "retake_count",
        "start_date", "task_status_id", "task_type_id", "assigner_id", "assignees",
    )  # fmt: skip
    tasks = await _board_tasks(ctx, condition, fields, None, False, blank=False, added=())
    items = crud.serialize_plain(spec_for_table("entity"), found)
    links = await rows.grouped_links(
        ctx.conn, EntityConceptLink.__table__, "entity_in_id", "entity_out_id",
        [row["id"] for row in found],
    )  # fmt: skip
    result = []
    for row, item in zip(found, items, strict=True):
        data = row["data"] or {}
        type_name = row["entity_type_name"]
        result.append(
            {
                "canceled": row["canceled"], "data": data, "description": row["description"],
                "entity_type_id": row["entity_type_id"], "fps": data.get("fps"),
                "frame_in": data.get("frame_in"), "frame_out": data.get("frame_out"),
                "id": row["id"], "name": row["name"], "nb_frames": row["nb_frames"],
                "parent_id": row["parent_id"], "preview_file_id": row["preview_file_id"],
                "project_id": row["project_id"], "project_name": row["project_name"],
                "source_id": row["source_id"], "nb_entities_out": row["nb_entities_out"],
                "is_casting_standby": row["is_casting_standby"],
                "tasks": tasks.get(row["id"], []), "entity_concept_links": links[row["id"]],
                "type": kind_of(type_name),
                "updated_at": item["updated_at"], "created_at": item["created_at"],
                "created_by": row["created_by"],
            }
        )  # fmt: skip
    return result


def board_rows(
    kind: str, items: list[dict[str, Any]], compact: bool
) -> tuple[dict[str, Any], list[Any]]:
    """The ``compact`` / ``stream`` forms of the asset and shot boards: a header, then the rows
    (as positional lists in the header's field order when compact)."""
    if not compact:
        return {"compact": False}, items
    name, fields, task_fields = COMPACT_FIELDS[kind]
    rows_out = [
        [
            [[task[key] for key in task_fields] for task in item["tasks"]] if key == "tasks"
            else item[key]
            for key in fields
        ]
        for item in items
    ]  # fmt: skip
    return {"compact": True, name: list(fields), "task_fields": list(task_fields)}, rows_out


# ==== shared parts ===========================================================================
def _criteria(
    params: Mapping[str, str], id_fields: tuple[str, ...] = ("id", "project_id", "episode_id")
) -> dict[str, str]:
    """The query string as Zou reads it, ids checked (``main``/``all`` are episode choices)."""
    criteria = {key: value for key, value in params.items() if key != "page"}
    for key in id_fields:
        value = criteria.get(key)
        if value is None or (key == "episode_id" and value in EPISODE_SENTINELS):
            continue
        if not is_valid_id(value):
            raise WrongParameter(f"Invalid UUID format for {key}: {value}")
        criteria[key] = value.lower()
    return criteria


def _require_project_access(ctx: Ctx, criteria: Mapping[str, str]) -> str | None:
    """Zou's check_project_access on the ``project_id`` filter: without one, admins only."""
    project_id = criteria.get("project_id")
    ctx.me.require_member(project_id)
    return project_id


def _common_filters(
    criteria: Mapping[str, str], keys: tuple[str, ...] = ("id", "project_id")
) -> ColumnElement[bool]:
    condition: ColumnElement[bool] = Entity.id.is_not(None)
    if "id" in keys and "id" in criteria:
        condition &= Entity.id == criteria["id"]
    if "project_id" in criteria:
        condition &= Entity.project_id == criteria["project_id"]
    return condition


def _parent_ids(episode_id: str | None) -> Any:
    """The sequences a shot may hang under (all, or those of one episode)."""
    query = select(SEQUENCE.c.id)
    if episode_id not in (None, "all"):
        query = query.where(SEQUENCE.c.parent_id == episode_id)
    return query


def _vendor_scope(ctx: Ctx, condition: ColumnElement[bool], vendor: bool) -> ColumnElement[bool]:
    """A vendor sees the entities holding a task assigned to them."""
    if not vendor:
        return condition
    mine = assigned_task_ids(ctx).correlate(None)
    own_tasks = select(Task.entity_id).where(Task.id.in_(mine)).correlate(None)
    return condition & Entity.id.in_(own_tasks)


def _vendor_parents(ctx: Ctx, kind: str) -> Any:
    """Zou's only_assigned sequences (parents of shots with a task of the caller) or episodes
    (parents of those sequences, and sources of assets with a task of the caller)."""
    mine = assigned_task_ids(ctx).correlate(None)
    own = select(Task.entity_id).where(Task.id.in_(mine)).correlate(None)
    sequences = select(CHILD.c.parent_id).where(CHILD.c.id.in_(own)).correlate(None)
    if kind == "Sequence":
        return sequences
    episodes = select(SEQUENCE.c.parent_id).where(SEQUENCE.c.id.in_(sequences)).correlate(None)
    sources = select(CHILD.c.source_id).where(CHILD.c.id.in_(own)).correlate(None)
    return episodes.union(sources)


async def _mappings(ctx: Ctx, query: Any) -> list[dict[str, Any]]:
    return [dict(row) for row in (await ctx.conn.execute(query)).mappings()]


async def _board_tasks(
    ctx: Ctx, condition: ColumnElement[bool], fields: tuple[str, ...], project_id: str | None,
    mine_only: bool, blank: bool = True, added: tuple[str, ...] = ADDED_TASK_FIELDS,
) -> dict[str, list[dict[str, Any]]]:  # fmt: skip
    """``{entity id: [task dicts of those fields, then the added ones]}`` for the entities
    matching ``condition``."""
    if mine_only:
        condition = condition & Task.id.in_(assigned_task_ids(ctx).correlate(None))
    query = select(Task.__table__).join(Entity, Entity.id == Task.entity_id).where(condition)
    found = await _mappings(ctx, query)
    if not found:
        return {}
    assignees = await assignees_of(ctx, condition)
    subscribed: set[str] = set()
    if project_id is not None:
        subscriptions = (
            select(Subscription.task_id)
            .join(Task, Task.id == Subscription.task_id)
            .join(Entity, Entity.id == Task.entity_id)
            .where(condition, Subscription.person_id == ctx.me.id)
        )
        subscribed = set((await ctx.conn.execute(subscriptions)).scalars())
    items = crud.serialize_plain(spec_for_table("task"), found)
    for item in items:
        item["priority"] = item["priority"] or 0
        item["assignees"] = assignees.get(item["id"], [])
        item["is_subscribed"] = item["id"] in subscribed
    tasks = [{key: item.get(key) for key in fields} for item in items]
    if blank:
        tasks = blank_for_client(ctx, project_id, tasks)
    result: dict[str, list[dict[str, Any]]] = {}
    for task, item in zip(tasks, items, strict=True):
        for key in added:
            task.setdefault(key, item[key])
        result.setdefault(item["entity_id"], []).append(task)
    return result


async def _casting_episodes(ctx: Ctx, criteria: Mapping[str, str]) -> dict[str, list[str]]:
    """``{asset id: [episode ids casting it]}``, episodes by name."""
    names = select(EntityType.id).where(EntityType.name == "Episode")
    query = (
        select(EntityLink.entity_out_id, EntityLink.entity_in_id)
        .join(EPISODE, EPISODE.c.id == EntityLink.entity_in_id)
        .where(EPISODE.c.entity_type_id.in_(names))
        .order_by(EPISODE.c.name)
    )
    if "project_id" in criteria:
        query = query.where(EPISODE.c.project_id == criteria["project_id"])
    episode_id = criteria.get("episode_id")
    if episode_id not in (None, *EPISODE_SENTINELS):
        query = query.where(EntityLink.entity_in_id == episode_id)
    if "id" in criteria:
        query = query.where(EntityLink.entity_out_id == criteria["id"])
    result: dict[str, list[str]] = {}
    for asset_id, episode in await ctx.conn.execute(query):
        result.setdefault(asset_id, []).append(episode)
    return result
