"""The local side of a sync: read records of a kind as the API serializes them (the synced
fields only), write a merged record with the upsert of ``/import/kitsu`` (ids and timestamps
kept), and delete a record the remote deleted.

The engine writes straight into the local database, as Zou's own sync commands do, with a
context that has no actor (no permission check, events without a user).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import func, select, update

from .. import rows
from ..context import Ctx
from ..models import AttachmentFile, Comment, Entity, EntityLink, Task
from ..services import crud, kitsu_import
from ..services.spec import ModelSpec, spec_for_route
from .kinds import Kind
from .merge import canonical


@cache
def columns_of(route: str) -> frozenset[str]:
    spec = spec_for_route(route)
    return frozenset(codec.name for codec in spec.wire_columns)


def spec_of(kind: Kind) -> ModelSpec:
    return spec_for_route(kind.route)


def remote_canonical(kind: Kind, record: dict[str, Any]) -> dict[str, Any]:
    return canonical(kind, record, columns_of(kind.route))


def project_condition(kind: Kind, project_id: str) -> Any:
    """The rows of a kind that belong to a project."""
    table = spec_of(kind).table
    if kind.route == "projects":
        return table.c.id == project_id
    if "project_id" in table.c:
        return table.c.project_id == project_id
    tasks = select(Task.id).where(Task.project_id == project_id)
    if kind.route in ("time-spents", "preview-files"):
        return table.c.task_id.in_(tasks)
    if kind.route == "comments":
        return table.c.object_id.in_(tasks)
    if kind.route == "attachment-files":
        return AttachmentFile.comment_id.in_(select(Comment.id).where(Comment.object_id.in_(tasks)))
    if kind.route == "entity-links":
        return EntityLink.entity_in_id.in_(select(Entity.id).where(Entity.project_id == project_id))
    raise ValueError(kind.route)


async def project_of(ctx: Ctx, kind: Kind, record: dict[str, Any]) -> str | None:
    """The project a record belongs to (None for studio kinds)."""
    if kind.scope == "studio":
        return None
    if kind.route == "projects":
        return record["id"]
    if record.get("project_id"):
        return record["project_id"]
    task_id = record.get("task_id") or record.get("object_id")
    if kind.route == "attachment-files" and record.get("comment_id"):
        comment = await rows.fetch_one(ctx.conn, Comment, record["comment_id"])
        task_id = comment["object_id"] if comment else None
    if kind.route == "entity-links" and record.get("entity_in_id"):
        entity = await rows.fetch_one(ctx.conn, Entity, record["entity_in_id"])
        return entity["project_id"] if entity else None
    if task_id:
        task = await rows.fetch_one(ctx.conn, Task, task_id)
        return task["project_id"] if task else None
    return None


async def read(
    ctx: Ctx, kind: Kind, ids: Iterable[str] | None = None, project_id: str | None = None
) -> dict[str, dict[str, Any]]:
    """{id: synced fields} of local records, by ids or for a whole project (or the studio)."""
    spec = spec_of(kind)
    table = spec.table
    found: list[dict[str, Any]] = []
    if ids is not None:
        for chunk in rows.chunked(list(ids)):
            found += await crud.fetch(ctx, select(table).where(table.c.id.in_(chunk)))
    elif project_id is not None:
        found = await crud.fetch(ctx, select(table).where(project_condition(kind, project_id)))
    else:
        found = await crud.fetch(ctx, select(table))
    # The columns and relation lists only: no presentation hook (it may need an actor).
    items = crud.serialize_plain(spec, found)
    for relation in spec.relations:
        if relation.name in kind.relations and found:
            links = await rows.grouped_links(
                ctx.conn, relation.table, relation.local_key, relation.remote_key,
                [row["id"] for row in found],
            )  # fmt: skip
            for item in items:
                item[relation.name] = links[item["id"]]
    columns = columns_of(kind.route)
    return {item["id"]: canonical(kind, item, columns) for item in items}


async def casting_of(ctx: Ctx, entity_ids: list[str]) -> dict[str, list[str]]:
    """{entity id: the ids of the assets it casts} (what Zou's import reads in entities_out)."""
    found: dict[str, list[str]] = {entity_id: [] for entity_id in entity_ids}
    for chunk in rows.chunked(entity_ids):
        query = select(EntityLink.entity_in_id, EntityLink.entity_out_id).where(
            EntityLink.entity_in_id.in_(chunk)
        )
        for row in await ctx.conn.execute(query):
            found[row.entity_in_id].append(row.entity_out_id)
    return found


async def write(ctx: Ctx, kind: Kind, record: dict[str, Any]) -> None:
    """Upsert a merged record here: relation lists made equal to the record's."""
    await kitsu_import.import_record(
        ctx, kind.route, dict(record), project_links="replace", keep_casting=True
    )


async def write_new(ctx: Ctx, kind: Kind, records: list[dict[str, Any]]) -> None:
    """Insert records that are not here yet, together (all or nothing)."""
    await kitsu_import.import_new_records(ctx, kind.route, records, keep_casting=True)


async def delete(ctx: Ctx, kind: Kind, record_id: str) -> bool:
    """Delete a record the remote deleted, with what depends on it (the model's own delete,
    forced, as ``DELETE /data/<route>/{id}?force=true`` does). False when it is not here."""
    spec = spec_of(kind)
    row = await rows.fetch_one(ctx.conn, spec.table, record_id)
    if row is None:
        return False
    await crud.hooks_of(spec).delete(ctx, spec, row, True)
    return True


# ==== adopting a local twin ===================================================================
# The natural key of the kinds whose rows a fresh database already has (Zou's default task
# types, statuses, entity types...) or that a person made on both sides (the admin's e-mail).
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "departments": ("name",),
    "studios": ("name",),
    "task-types": ("name", "for_entity", "department_id"),
    "task-status": ("short_name",),
    "project-status": ("name",),
    "entity-types": ("name",),
    "persons": ("email",),
    "projects": ("name",),
}


async def twin_of(ctx: Ctx, kind: Kind, record: dict[str, Any]) -> str | None:
    """The id of a local row with the record's natural key and another id, if any."""
    keys = NATURAL_KEYS.get(kind.route)
    if not keys or any(key not in record for key in keys):
        return None
    table = spec_of(kind).table
    conditions = []
    for key in keys:
        value = record[key]
        if key == "email" and isinstance(value, str):
            conditions.append(func.lower(table.c.email) == value.lower())
        elif value is None:
            conditions.append(table.c[key].is_(None))
        else:
            conditions.append(table.c[key] == value)
    query = select(table.c.id).where(*conditions, table.c.id != record["id"]).limit(1)
    return (await ctx.conn.execute(query)).scalar()


async def rekey(ctx: Ctx, kind: Kind, old_id: str, new_id: str) -> None:
    """Give a local row the remote's id, and every reference to it (foreign keys), in the
    current transaction: the twin becomes the remote's record and keeps what points at it.
    SQLite checks the foreign keys at the commit (``defer_foreign_keys``)."""
    table = spec_of(kind).table
    if ctx.conn.dialect.name == "sqlite":
        await ctx.conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
    for other in table.metadata.sorted_tables:
        for foreign_key in other.foreign_keys:
            if foreign_key.column.table is table and foreign_key.column.name == "id":
                column = foreign_key.parent
                await ctx.conn.execute(
                    update(other).where(column == old_id).values({column.name: new_id})
                )
    await ctx.conn.execute(update(table).where(table.c.id == old_id).values(id=new_id))
    if ctx.conn.dialect.name == "sqlite":
        # Every reference follows: checks are immediate again for the rest of the transaction.
        await ctx.conn.exec_driver_sql("PRAGMA defer_foreign_keys=OFF")
