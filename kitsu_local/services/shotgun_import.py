"""Zou's ShotGrid import (``blueprints/source/shotgun/base.py``): the loop over a JSON list of
ShotGrid records, the look-ups by ``shotgun_id``, the removal by ShotGrid id, and the import
errors of ``/import/shotgun/errors``. The per-record mappings live in
``shotgun_import_breakdown.py`` (projects, episodes, sequences, scenes, shots, assets, project
connections) and ``shotgun_import_work.py`` (steps, statuses, persons, tasks, versions, notes).

An import, as on Zou: admins only (403 otherwise); ``prepare`` reads what the whole list needs
(maps of ids, statuses and asset types created on the fly), then each record kept by ``keep``
is read by ``extract`` and written by ``save``. A record missing a field Zou reads (a
``KeyError``) or one Zou refuses on purpose (``Skipped``: no project, a ``changeme@email.com``
person...) is skipped and logged. The answer is the list of the written rows serialized as
Zou's ``serialize()`` (plain columns, ``type`` the model name, ``Entity`` for every entity),
200. Zou writes these rows directly, without events; only where it goes through a service that
emits (a team member added or removed, a department or an asset type created, an asset's
children set, an asset or task removed) is the same event emitted here. Import error records
are written without events, as on Zou.

Deliberate differences from Zou 1.0.97:

- A request is one transaction: a record that the database refuses (a name already taken, a
  required value missing) or whose values have the wrong type fails the request with a 400
  naming the entry's index and ShotGrid id, and nothing is written. Zou answers 500 there and
  keeps the records written before.
- A body that is not a JSON list, or an entry that is not an object: 400 (Zou: 500). A record
  missing a field that Zou reads before its loop (``sg_status`` of a project, ``sg_asset_type``
  of an asset, ``step`` / ``project`` of a task, ``sg_task`` of a version, ``tasks`` of a
  note) is skipped like any other record missing a field (Zou: 500 for the whole request).
- A remove body that is not an object with an ``id``: 400 (Zou: 500). A removal the database
  refuses answers ``success: false`` with the id, as Zou, and the rest of the request stands.
- ``remove/project`` keeps the project's event log, unscoped, where Zou refuses to delete a
  project that has events (a project whose team was imported has some).
- Imported persons are answered as ``/data/persons`` rows, without their secret and sign-in
  columns (Zou's ``serialize()`` shows ``password``, ``totp_secret``... of the new rows).
- A new active person counts against the user limit (400 "User limit reached." naming the
  entry, nothing written); Zou's import does not check it.
- An imported note takes its task's status (see ``shotgun_import_work.py``).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, select

from .. import rows
from ..columns import InvalidValue
from ..context import Ctx
from ..errors import DB_INVALID_FORMAT, ApiError, DatabaseRefusal, NotFound, WrongParameter
from ..models import DataImportError, Entity, EntityType
from . import crud
from .persons import full_name
from .spec import Row, spec_for_table

log = logging.getLogger(__name__)

Record = dict[str, Any]
State = dict[str, Any]
LIST_EXPECTED = "A list of ShotGrid records is expected."
RECORD_EXPECTED = "An entry must be a JSON object."
REMOVE_EXPECTED = "A ShotGrid record with its id is expected."
ERROR_SOURCE = "shotgun"
ASSET_KIND = "Asset"
INT_MIN, INT_MAX = -(2**63), 2**63 - 1  # what an SQLite (or a PostgreSQL bigint) column holds
TEMPORAL_TYPES = ("Shot", "Sequence", "Scene", "Edit", "Concept", "Episode")


class Skipped(Exception):
    """Zou's ShotgunEntryImportFailed: the record is left out of the import and logged."""


@dataclass(frozen=True)
class Importer:
    """One ``POST /import/shotgun/<name>`` route: Zou's resource methods as functions."""

    name: str
    table: str  # the table of the answered rows
    extract: Callable[[Ctx, State, Record], Awaitable[dict[str, Any]]]
    save: Callable[[Ctx, State, dict[str, Any]], Awaitable[Row | None]]
    prepare: Callable[[Ctx, list[Record]], Awaitable[State]] | None = None
    keep: Callable[[Ctx, State, Record], Awaitable[bool]] | None = None
    finish: Callable[[Ctx, State], Awaitable[None]] | None = None


@dataclass(frozen=True)
class Removal:
    """One ``POST /import/shotgun/remove/<name>`` route: the row found by ShotGrid id (and
    entity type), deleted by ``delete`` or by the generic delete of the row and its links."""

    name: str
    table: str
    kind: str | None = None  # an entity type name the row must have
    delete: Callable[[Ctx, Row], Awaitable[None]] | None = None
    find: Callable[[Ctx, int], Awaitable[Row | None]] | None = None
    has_id: bool = True  # False: a bare link table (the answer has no removed_instance_id)


# ==== the import loop ========================================================================
async def import_entries(ctx: Ctx, importer: Importer, body: Any) -> list[dict[str, Any]]:
    """Zou's ``BaseImportShotgunResource.post`` for one importer (see the module docstring)."""
    ctx.me.require_admin()
    entries = check_entries(body)
    state = await importer.prepare(ctx, entries) if importer.prepare is not None else {}
    saved: list[Row] = []
    for index, entry in enumerate(entries):
        try:
            if importer.keep is not None and not await importer.keep(ctx, state, entry):
                continue
            data = decoded(importer.table, await importer.extract(ctx, state, entry))
            row = await importer.save(ctx, state, data)
        except (KeyError, Skipped) as error:
            log.warning(
                "ShotGrid %s entry %d skipped (%r): %.300s", importer.name, index, error, entry
            )
            continue
        except (TypeError, AttributeError, ValueError, IndexError):
            # A field of another shape than ShotGrid's (a string for a link, a list for a
            # name...): Zou fails with a 500 there.
            raise WrongParameter(
                f"Entry {index} ({_sg_label(entry)}): a field does not have the type ShotGrid "
                "gives it."
            ) from None
        except ApiError as error:
            if error.status_code != 400:
                raise
            raise WrongParameter(f"Entry {index} ({_sg_label(entry)}): {_message(error)}") from None
        if row is not None:
            saved.append(row)
    if importer.finish is not None:
        await importer.finish(ctx, state)
    return [await answer_row(ctx, importer.table, row) for row in saved]


def check_entries(body: Any) -> list[Record]:
    """The body must be a list of objects (400 before anything is read or written)."""
    if not isinstance(body, list):
        raise WrongParameter(LIST_EXPECTED)
    for index, entry in enumerate(body):
        if not isinstance(entry, dict):
            raise WrongParameter(f"Entry {index}: {RECORD_EXPECTED}")
    return body


async def answer_row(ctx: Ctx, table_name: str, row: Row) -> dict[str, Any]:
    """Zou's ``serialize()``: the stored columns (no relations), ``type`` the model name."""
    spec = spec_for_table(table_name)
    fresh = await rows.fetch_one(ctx.conn, spec.table, row["id"])
    item = crud.serialize_plain(spec, [fresh or row])[0]
    item["type"] = spec.model.__name__
    if table_name == "person":
        item["full_name"] = full_name(item)
    return item


# ==== values and look-ups ====================================================================
def sg_id(record: Record) -> int:
    """A record's (or a link's) ShotGrid id: ``KeyError`` when absent, as Zou reads it,
    ``ValueError`` when it is no integer that a database column holds."""
    return checked_sg_id(record["id"])


def checked_sg_id(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not INT_MIN <= value <= INT_MAX:
        raise ValueError("a ShotGrid id is an integer")
    return value


def column_values(table_name: str, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` checked and converted by the columns' codecs (a date string to a datetime...);
    a value of the wrong type is Zou's "invalid format" 400, with the column's name. Values
    converted already (a datetime) are kept, so that it may run twice on the same data."""
    codecs = spec_for_table(table_name).codecs
    values: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, datetime.date):
            values[key] = value
            continue
        try:
            values[key] = codecs[key].from_body(value)
        except InvalidValue:
            raise DatabaseRefusal(f"{DB_INVALID_FORMAT[:-1]}: {key}.") from None
        if isinstance(values[key], int) and not INT_MIN <= values[key] <= INT_MAX:
            raise DatabaseRefusal(f"{DB_INVALID_FORMAT[:-1]}: {key}.")
    return values


def decoded(table_name: str, data: dict[str, Any]) -> dict[str, Any]:
    """The extracted values that are columns of the table, checked and converted before any
    look-up uses them; the other keys (links to resolve, a department name) as they are."""
    columns = table_of(table_name).c
    converted = column_values(table_name, {key: v for key, v in data.items() if key in columns})
    return {key: converted.get(key, value) for key, value in data.items()}


async def by_shotgun_id(ctx: Ctx, table_name: str, shotgun_id: Any, *conditions: Any) -> Row | None:
    """The row of that table with that ShotGrid id (and the extra conditions), or None; an
    id that is no integer is a ``ValueError`` (the record is refused)."""
    if shotgun_id is None:
        return None
    checked_sg_id(shotgun_id)
    table = table_of(table_name)
    return await rows.first_where(ctx.conn, table, table.c.shotgun_id == shotgun_id, *conditions)


async def entity_type_id(ctx: Ctx, name: str) -> str:
    """The id of the entity type of that name, created when missing (Zou's get_*_type)."""
    found = await rows.first_where(ctx.conn, EntityType, EntityType.name == name)
    if found is None:
        found = await rows.insert_row(ctx.conn, EntityType, {"name": name})
    return found["id"]


async def typed_entity_id(ctx: Ctx, kind: str, shotgun_id: Any) -> str | None:
    """Zou's ``get_<kind>_id``: the id of the entity of that kind with that ShotGrid id; an
    asset is any entity whose type is not a temporal one."""
    if shotgun_id is None:
        return None
    if kind == ASSET_KIND:
        temporal = select(EntityType.id).where(EntityType.name.in_(TEMPORAL_TYPES))
        row = await by_shotgun_id(ctx, "entity", shotgun_id, Entity.entity_type_id.not_in(temporal))
    else:
        type_row = await rows.first_where(ctx.conn, EntityType, EntityType.name == kind)
        if type_row is None:
            return None
        row = await by_shotgun_id(
            ctx, "entity", shotgun_id, Entity.entity_type_id == type_row["id"]
        )
    return row["id"] if row is not None else None


async def id_map(ctx: Ctx, table_name: str, key: str = "shotgun_id") -> dict[Any, str]:
    """Zou's ``Model.get_id_map(field)``: {that column's value: id} over the whole table."""
    table = table_of(table_name)
    result = await ctx.conn.execute(select(table.c[key], table.c.id))
    return {value: row_id for value, row_id in result}


def custom_fields(record: Record, excluded: tuple[str, ...] = ()) -> dict[str, Any]:
    """Zou's ``extract_custom_data``: the ``sg_`` fields that are set, into ``data``."""
    return {
        key: value
        for key, value in record.items()
        if key[:3] == "sg_" and key not in excluded and value is not None
    }


def rgb_to_hex(color: str) -> str:
    """Zou's ``colors.rgb_to_hex``: ``"10,20,30"`` -> ``"#0a141e"``."""
    red, green, blue = color.split(",")
    return f"#{int(red):02x}{int(green):02x}{int(blue):02x}"


async def save_row(ctx: Ctx, table_name: str, existing: Row | None, values: dict[str, Any]) -> Row:
    """Insert the row when there is none, otherwise update it with ``values`` (Zou's
    ``Model(**data).save()`` / ``instance.update(data)``)."""
    values = column_values(table_name, values)
    table = table_of(table_name)
    if existing is None:
        # As the ORM's insert: a None given for a column with a default takes the default.
        values = {
            key: value
            for key, value in values.items()
            if value is not None or table.c[key].default is None
        }
        return await rows.insert_row(ctx.conn, table, values)
    if not values:
        return existing
    return await rows.update_row(ctx.conn, table, existing["id"], values)


# ==== removal ================================================================================
async def remove_entry(ctx: Ctx, removal: Removal, body: Any) -> dict[str, Any]:
    """Zou's ``ImportRemoveShotgunBaseResource.post``: the row with that ShotGrid id (and
    entity type) deleted; ``{"removed_instance_id", "success"}``, ``success`` false when the
    database refuses (the row stays); ``{"success": true}`` when there is no such row."""
    ctx.me.require_admin()
    if not isinstance(body, dict) or "id" not in body:
        raise WrongParameter(REMOVE_EXPECTED)
    try:
        shotgun_id = sg_id(body)
    except ValueError:
        raise WrongParameter(REMOVE_EXPECTED) from None
    if removal.find is not None:
        instance = await removal.find(ctx, shotgun_id)
    elif removal.kind is not None:
        type_id = await entity_type_id(ctx, removal.kind)
        instance = await by_shotgun_id(ctx, "entity", shotgun_id, Entity.entity_type_id == type_id)
    else:
        instance = await by_shotgun_id(ctx, removal.table, shotgun_id)
    if instance is None:
        return {"success": True}
    result: dict[str, Any] = {}
    if removal.has_id:
        result["removed_instance_id"] = instance["id"]
    try:
        async with ctx.conn.begin_nested():
            if removal.delete is not None:
                await removal.delete(ctx, instance)
            else:
                await delete_with_links(ctx, removal.table, instance)
        result["success"] = True
    except DatabaseRefusal as error:
        log.error("ShotGrid %s %s not removed: %s", removal.name, shotgun_id, _message(error))
        result["success"] = False
    return result


async def delete_with_links(ctx: Ctx, table_name: str, row: Row) -> None:
    """Zou's ``instance.delete()``: the ORM drops the row's many-to-many links with it; any
    other row pointing at it makes the database refuse (``DatabaseRefusal``)."""
    spec = spec_for_table(table_name)
    for relation in spec.relations:
        if relation.remote_key != "id":
            table = relation.table
            await rows.delete_where(ctx.conn, table, table.c[relation.local_key] == row["id"])
    await rows.delete_row(ctx.conn, table_of(table_name), row["id"])


# ==== import errors ==========================================================================
async def list_errors(ctx: Ctx) -> list[dict[str, Any]]:
    """``GET /import/shotgun/errors``: the ShotGrid import errors, oldest first."""
    ctx.me.require_admin()
    found = await rows.fetch_where(
        ctx.conn, DataImportError, DataImportError.source == ERROR_SOURCE,
        order_by=(DataImportError.created_at, DataImportError.id),
    )  # fmt: skip
    return [await answer_row(ctx, "data_import_error", row) for row in found]


async def create_error(ctx: Ctx, body: Any) -> dict[str, Any]:
    """``POST /import/shotgun/errors``: the body, whatever JSON it is, kept as ``event_data``
    (no event, as Zou). A missing body is Zou's "Data are empty" 400 (Zou: 500, not null)."""
    ctx.me.require_admin()
    row = await rows.insert_row(
        ctx.conn, DataImportError, {"event_data": body, "source": ERROR_SOURCE}
    )
    return await answer_row(ctx, "data_import_error", row)


async def delete_error(ctx: Ctx, error_id: str) -> None:
    """``DELETE /import/shotgun/errors/{id}``: 404 for an unknown or malformed id (any
    source, as Zou)."""
    ctx.me.require_admin()
    try:
        row = await rows.fetch_or_404(ctx.conn, DataImportError, error_id)
    except WrongParameter:
        raise NotFound() from None
    await rows.delete_row(ctx.conn, DataImportError, row["id"])


# ==== helpers ================================================================================
def table_of(table_name: str) -> Table:
    """The table of a registry entry, by table name."""
    return spec_for_table(table_name).table


def _sg_label(entry: Record) -> str:
    value = entry.get("id")
    return f"ShotGrid id {value}" if value is not None else "no ShotGrid id"


def _message(error: ApiError) -> str:
    body = error.body
    return str(body.get("message")) if isinstance(body, dict) else str(body)
