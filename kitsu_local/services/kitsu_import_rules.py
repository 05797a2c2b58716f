"""What each ``/import/kitsu/<name>`` model does besides the generic upsert: the per-model
cleanup of Zou's ``create_from_import`` (zou-behaviour.md 5.2, checked against Zou 1.0.97's
``zou/app/models/*.py``) and the event its route emits (5.8, ``blueprints/source/kitsu.py``).

``IMPORT_NAMES`` maps the route name to an ``ImportModel``; ``kitsu_import.py`` applies them.
A record's relation keys that are registry relations are replaced by default (Zou resolves every
ORM collection it is given); an ``ImportModel`` says where Zou does something else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from .. import rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import WrongParameter
from ..models import Comment, Entity, EntityType, Playlist, PreviewFile, Task
from .entities import entity_kind
from .spec import ModelSpec, Row, spec_for_route, spec_for_table

Record = dict[str, Any]
# (ctx, record without "type", the record's "type", the stored row or None) -> cleaned record
Cleanup = Callable[[Ctx, Record, str | None, Row | None], Awaitable[Record]]
Event = tuple[str, dict[str, Any], str | None]  # (event name, payload, project id)
# (ctx, spec, "new" | "update", stored row) -> the event of that import
EventRule = Callable[[Ctx, ModelSpec, str, Row], Awaitable[Event]]


@dataclass(frozen=True)
class ImportModel:
    table_name: str
    event: EventRule
    clean: Cleanup | None = None
    match_pair: bool = False  # entity links: matched on (entity_in_id, entity_out_id), not id
    grow: frozenset[str] = frozenset()  # relations whose links Zou only adds (set_links)
    children: frozenset[str] = frozenset()  # one-to-many relations re-pointed at the row
    cleared_when_absent: frozenset[str] = frozenset()  # an absent key means an empty list
    touched: bool = False  # an extra save(): on the route, updated_at ends as the import time
    imported_only: bool = False  # the route flags every entry's data.imported_only
    presented: bool = True  # answered through the model's hooks (False: the plain columns)

    @property
    def spec(self) -> ModelSpec:
        return spec_for_table(self.table_name)


# ==== cleanups (Zou's create_from_import / sanitize_import_data) ============================
ENTITY_DROPPED = (
    "entities_in", "episode_id", "episode_name", "project_name", "sequence_name", "tasks",
    "asset_type_name",
)  # fmt: skip
ENTITY_FRAME_KEYS = ("frame_in", "frame_out", "fps")
# Kinds whose entity type is the local type of that name, whatever the record says.
KINDS_WITH_OWN_TYPE = ("Shot", "Sequence", "Episode", "Edit")
NEWS_KEYS = ("id", "created_at", "change", "author_id", "comment_id", "preview_file_id", "task_id")


async def clean_entity(ctx: Ctx, record: Record, wire_type: str | None, row: Row | None) -> Record:
    """The typed views' keys back to columns: ``asset_type_id`` -> ``entity_type_id``,
    ``sequence_id`` -> ``parent_id``, frames into ``data``; a preview unknown here is dropped.
    A Shot, Sequence, Episode or Edit takes the local entity type of that name. A record
    without ``type`` is a Shot only when nothing else says what it is (Zou makes every
    untyped record a Shot, an asset's update included)."""
    if "asset_type_id" in record:
        record["entity_type_id"] = record.pop("asset_type_id")
    if "sequence_id" in record:
        record["parent_id"] = record.pop("sequence_id")
    preview_id = record.get("preview_file_id")
    if not (is_valid_id(preview_id) and await rows.fetch_one(ctx.conn, PreviewFile, preview_id)):
        record.pop("preview_file_id", None)  # null never clears the stored thumbnail either
    frames = {key: record.pop(key) for key in ENTITY_FRAME_KEYS if key in record}
    if frames:
        data = record.get("data", row["data"] if row else None)
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise WrongParameter("data must be a JSON object.")
        record["data"] = {**data, **frames}
    for key in ENTITY_DROPPED:
        record.pop(key, None)
    untyped_new_row = row is None and not record.get("entity_type_id")
    kind = wire_type or ("Shot" if untyped_new_row else None)
    if kind in KINDS_WITH_OWN_TYPE:
        local_id = (await _kind_type_ids(ctx)).get(kind)
        if local_id is not None:
            record["entity_type_id"] = local_id
    return record


# {transaction: {kind: entity type id}}: read once per unit of work, not once per entity.
_KIND_TYPE_IDS: WeakKeyDictionary[AsyncConnection, dict[str, str]] = WeakKeyDictionary()


async def _kind_type_ids(ctx: Ctx) -> dict[str, str]:
    found = _KIND_TYPE_IDS.get(ctx.conn)
    if found is None:
        query = select(EntityType.name, EntityType.id).where(
            EntityType.name.in_(KINDS_WITH_OWN_TYPE)
        )
        found = _KIND_TYPE_IDS[ctx.conn] = dict((await ctx.conn.execute(query)).all())
    return found


async def clean_project(ctx: Ctx, record: Record, wire_type: str | None, row: Row | None) -> Record:
    record.pop("project_status_name", None)
    return record


async def clean_comment(ctx: Ctx, record: Record, wire_type: str | None, row: Row | None) -> Record:
    """Zou's ``validates("checklist")``: a null checklist is stored as ``[]``."""
    if "checklist" in record and record["checklist"] is None:
        record["checklist"] = []
    return record


async def clean_preview_file(
    ctx: Ctx, record: Record, wire_type: str | None, row: Row | None
) -> Record:
    record.pop("comments", None)
    if record.get("status") is None:
        record["status"] = "ready"
    return record


async def clean_news(ctx: Ctx, record: Record, wire_type: str | None, row: Row | None) -> Record:
    """Only the news' own keys; ``created_at`` is also its ``updated_at``."""
    kept = {key: record[key] for key in NEWS_KEYS if key in record}
    if "created_at" in kept:
        kept["updated_at"] = kept["created_at"]
    return kept


async def clean_notification(
    ctx: Ctx, record: Record, wire_type: str | None, row: Row | None
) -> Record:
    """The wire's ``notification_type`` is the column named ``type``."""
    if "notification_type" in record:
        record["type"] = record.pop("notification_type")
    return record


# ==== events (the route's emit_event) ========================================================
async def project_of_task(ctx: Ctx, task_id: str | None) -> str | None:
    task = await rows.fetch_one(ctx.conn, Task, task_id) if task_id else None
    return task["project_id"] if task else None


ProjectOf = Callable[[Ctx, Row], Awaitable[str | None]]


def id_event(project_of: ProjectOf) -> EventRule:
    """``<object>:<action>`` with ``{<table>_id: id}``, in the project ``project_of`` finds."""

    async def event(ctx: Ctx, spec: ModelSpec, action: str, row: Row) -> Event:
        payload = {f"{spec.table_name}_id": row["id"]}
        return f"{spec.event_object}:{action}", payload, await project_of(ctx, row)

    return event


async def own_project(ctx: Ctx, row: Row) -> str | None:
    return row.get("project_id")


async def task_project(ctx: Ctx, row: Row) -> str | None:
    return await project_of_task(ctx, row["task_id"])


async def playlist_project(ctx: Ctx, row: Row) -> str | None:
    playlist = await rows.fetch_one(ctx.conn, Playlist, row["playlist_id"])
    return playlist["project_id"] if playlist else None


async def comment_project(ctx: Ctx, row: Row) -> str | None:
    comment = (
        await rows.fetch_one(ctx.conn, Comment, row["comment_id"]) if row["comment_id"] else None
    )
    return await project_of_task(ctx, comment["object_id"]) if comment else None


async def comment_event(ctx: Ctx, spec: ModelSpec, action: str, row: Row) -> Event:
    payload = {
        "comment_id": row["id"], "task_id": row["object_id"], "person_id": row["person_id"],
        "for_client": row["for_client"],
    }  # fmt: skip
    return f"comment:{action}", payload, await project_of_task(ctx, row["object_id"])


async def entity_event(ctx: Ctx, spec: ModelSpec, action: str, row: Row) -> Event:
    """``shot:new`` with ``{"Shot_id": id}``: Zou capitalises the key of these events."""
    kind = await entity_kind(ctx, row)
    return f"{kind.lower()}:{action}", {f"{kind}_id": row["id"]}, row["project_id"]


async def project_event(ctx: Ctx, spec: ModelSpec, action: str, row: Row) -> Event:
    return f"project:{action}", {}, row["id"]


async def task_event(ctx: Ctx, spec: ModelSpec, action: str, row: Row) -> Event:
    return f"task:{action}", {}, row["project_id"]


async def entity_link_event(ctx: Ctx, spec: ModelSpec, action: str, row: Row) -> Event:
    entity = await rows.fetch_one(ctx.conn, Entity, row["entity_in_id"])
    return f"entity-link:{action}", {}, entity["project_id"] if entity else None


PROJECT_LINKS = frozenset(
    {"team", "task_types", "task_statuses", "asset_types", "status_automations",
     "preview_background_files"}
)  # fmt: skip

# Route name -> rules, in the order of Zou's route table (the API reference's five first).
IMPORT_NAMES: dict[str, ImportModel] = {
    "comments": ImportModel(
        "comment",
        comment_event,
        clean_comment,
        children=frozenset({"attachment_files"}),
        touched=True,
    ),
    "entities": ImportModel(
        "entity",
        entity_event,
        clean_entity,
        cleared_when_absent=frozenset({"entities_out"}),
        touched=True,
        presented=False,  # the hooks only type an entity by kind: Zou answers "Entity"
    ),
    "entity-links": ImportModel("entity_link", entity_link_event, match_pair=True),
    "projects": ImportModel(
        "project", project_event, clean_project, grow=PROJECT_LINKS, touched=True
    ),
    "tasks": ImportModel("task", task_event, touched=True),
    # comment / chat_message (nested objects on the wire) and playlists' build_jobs are no
    # columns and no writable relations: ignored like every unknown key.
    "attachment-files": ImportModel("attachment_file", id_event(comment_project)),
    "build-jobs": ImportModel("build_job", id_event(playlist_project)),
    "metadata-descriptors": ImportModel(
        "metadata_descriptor", id_event(own_project), grow=frozenset({"departments"})
    ),
    "milestones": ImportModel("milestone", id_event(own_project)),
    "news": ImportModel("news", id_event(task_project), clean_news),
    "notifications": ImportModel("notification", id_event(task_project), clean_notification),
    "playlists": ImportModel("playlist", id_event(own_project)),
    "preview-files": ImportModel(
        "preview_file", id_event(task_project), clean_preview_file, imported_only=True
    ),
    "schedule-items": ImportModel("schedule_item", id_event(own_project)),
    "subscriptions": ImportModel("subscription", id_event(task_project)),
    "time-spents": ImportModel("time_spent", id_event(task_project)),
}


def import_model(name: str) -> ImportModel:
    """The rules of a route name: one of ``IMPORT_NAMES``, or the generic upsert for any other
    CRUD route (``persons``, ``task-types``...: Zou's base ``create_from_import``), answered as
    plain columns (their hooks may need an actor, an import has none)."""
    model = IMPORT_NAMES.get(name)
    if model is None:
        table_name = spec_for_route(name).table_name
        model = ImportModel(table_name, id_event(own_project), presented=False)
    return model
