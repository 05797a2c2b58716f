"""Zou's upsert by id, ``create_from_import`` (zou-behaviour.md 5.2, 5.5), and the
``POST /import/kitsu/<name>`` routes built on it (5.8): what ``zou sync-push``, ``gazu.sync`` and
kitsu-local's own sync engine write with.

One serialized record (the JSON the API answers, relation id lists included) becomes one row:
inserted with its id and timestamps when the id is unknown here, otherwise every given column is
updated. ``type`` is dropped, keys that are no column are ignored, relation lists are replaced
by the ids that exist here, and the per-model rules of ``kitsu_import_rules.py`` apply (entity
links matched on their pair, project links that only grow, casting cleared when an entity comes
without ``entities_out``, a matched link taking the record's id...). The answer is the stored
row without relations, ``type`` the model name (``Entity`` for every entity), as Zou's
``serialize()``. No permission check and no event at this level: the route adds them (admins
only, ``<name>:new`` / ``:update`` unless ``?silent=true``).

Timestamps: ``import_record`` keeps the record's ``created_at`` and ``updated_at`` (now when
absent). The route, like Zou, ends entities, tasks, comments and projects with ``updated_at`` =
the import time (their ``create_from_import`` saves twice) and flags imported previews
``data.imported_only``.

Deliberate differences from Zou 1.0.97 (the route):

- A request is one transaction: a failing entry fails the whole request and nothing is written;
  the 400 (Zou's ``{"error": true, "message", "data"}``) names the entry's index and id in
  ``message``. Zou commits entry by entry and keeps the entries before the failing one.
- Keys that are no column are ignored on a new row too (Zou: 500, a constructor TypeError).
- An entry that is not an object, a missing or malformed id, a missing entity link end, a value
  of the wrong type (a date, a number): 400 (Zou: 500). A relation list that is not a list:
  400 (Zou walks the string and empties the list). A missing required column is named.
- Relation ids that do not exist here are dropped everywhere, project links included (Zou
  answers a foreign key 400 for an unknown team member, task type, status...).
- ``department_mentions`` leaves a comment's ``mentions`` as given (Zou's
  ``set_department_mentions`` empties the mentions first: an imported comment lost them).
- A relation key given as null leaves the relation untouched (Zou empties an entity's concept
  links or instance casting given as null).
- Events take the project from the stored row (Zou reads the entry, and answers 500 after the
  commit when its ``project_id`` is missing). A news needs no key beyond its id, an entity
  without ``data`` may carry frames, an absent ``asset_type_name`` is fine (Zou: 500 each).
- An entity record without ``type`` keeps its ``entity_type_id`` (or the stored one); only a
  new row with neither is a Shot. Zou makes every untyped record a Shot, so an asset updated
  without ``type`` became a shot. An entity whose kind's entity type (Shot, Sequence,
  Episode, Edit) does not exist here keeps the record's ``entity_type_id`` (Zou: 500).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, update

from .. import events, rows
from ..columns import InvalidValue
from ..context import Ctx
from ..errors import DB_INVALID_FORMAT, DB_NOT_NULL, ApiError, DatabaseRefusal, WrongParameter
from ..models.base import new_id, utc_now
from . import crud
from .kitsu_import_rules import IMPORT_NAMES, ImportModel, Record, import_model
from .spec import ModelSpec, Row

__all__ = ["IMPORT_NAMES", "ImportModel", "import_new_records", "import_record", "import_records"]

LIST_EXPECTED = "A list of entities is expected."
PROJECT_LINK_MODES = ("grow", "replace")
TIMESTAMPS = ("created_at", "updated_at")


async def import_record(
    ctx: Ctx,
    name: str,
    record: dict[str, Any],
    *,
    project_links: str = "grow",
    keep_casting: bool = False,
) -> tuple[dict[str, Any], bool]:
    """Zou's create_from_import for one serialized record: insert by id (keeping id,
    created_at, updated_at) or update every given column; the per-model cleanup of 5.2; relation
    lists replaced (ids missing here dropped).

    ``project_links="grow"`` is Zou's rule for a project's team, task types, task statuses,
    asset types, status automations and preview background files, and a descriptor's
    departments: links are only added. ``"replace"`` makes them equal to the record's lists
    (the sync engine mirrors). An entity without ``entities_out`` loses its casting (Zou's
    rule) unless ``keep_casting``.

    ``name`` is one of ``IMPORT_NAMES`` or any other CRUD route (``persons``,
    ``task-types``...), imported by the generic rule. No permission check, no event. Returns
    (the stored row as the API serializes it without relations, created?). Raises the
    project's 400 errors (``DatabaseRefusal``, ``WrongParameter``) on bad values and integrity
    failures.
    """
    _row, item, created = await _import(
        ctx, import_model(name), record, project_links, keep_casting, touch=False
    )
    return item, created


async def import_new_records(
    ctx: Ctx, name: str, records: list[dict[str, Any]], *, keep_casting: bool = True
) -> None:
    """Insert records the caller knows are new here, in bulk (a sync's first pull): the same
    cleanup, decoding and checks as ``import_record``, then one INSERT per set of columns and
    one per relation for the links. All or nothing: on an error the caller falls back to
    ``import_record`` one by one (inside a savepoint), which names the refused record."""
    model = import_model(name)
    spec = model.spec
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    links: dict[str, list[tuple[str, list[str]]]] = {}
    now = utc_now()
    for record in records:
        record = dict(record)
        wire_type = record.pop("type", None)
        record["id"] = rows.check_id(record.get("id"))
        if model.clean is not None:
            record = await model.clean(ctx, record, wire_type, None)
        values, relation_ids = _decode(spec, record)
        _require_columns(spec, values)
        if "created_at" in spec.table.c:
            values.setdefault("created_at", now)
            values.setdefault("updated_at", now)
        groups.setdefault(tuple(sorted(values)), []).append(values)
        for relation_name, ids in relation_ids.items():
            if ids:
                links.setdefault(relation_name, []).append((values["id"], ids))
    with rows.database_refusals():
        for items in groups.values():
            await ctx.conn.execute(insert(spec.table), items)
        for relation_name, pairs in links.items():
            await _insert_links(ctx, model, spec, relation_name, pairs)


async def _insert_links(
    ctx: Ctx, model: ImportModel, spec: ModelSpec, name: str, pairs: list[tuple[str, list[str]]]
) -> None:
    relation = spec.relation_map[name]
    if name in model.children:
        for row_id, ids in pairs:
            await _repoint_children(ctx, spec, name, row_id, ids)
        return
    if not relation.writable:
        return
    assert relation.target is not None
    wanted = {item for _row_id, ids in pairs for item in ids}
    known = await rows.existing_ids(ctx.conn, relation.target, wanted)
    has_id = "id" in relation.table.c
    now = utc_now()
    link_rows = []
    for row_id, ids in pairs:
        for item in dict.fromkeys(ids):
            if item in known:
                link = {relation.local_key: row_id, relation.remote_key: item}
                if has_id:
                    link.update(id=new_id(), created_at=now, updated_at=now)
                link_rows.append(link)
    if link_rows:
        await ctx.conn.execute(insert(relation.table), link_rows)


async def import_records(
    ctx: Ctx, name: str, records: Any, *, silent: bool
) -> list[dict[str, Any]]:
    """``POST /import/kitsu/<name>``: the body must be a list (400 "A list of entities is
    expected."); a caller who is not an admin gets ``[]`` (Zou skips every entry silently); each
    entry is imported, then ``<name>:new`` or ``:update`` is emitted as Zou does unless
    ``silent``. Answers the imported rows serialized without relations."""
    if not isinstance(records, list):
        raise WrongParameter(LIST_EXPECTED)
    if not ctx.me.is_admin:
        return []
    model = IMPORT_NAMES[name]
    answer = []
    for index, record in enumerate(records):
        if model.imported_only:
            record = _flag_imported_only(record)
        try:
            row, item, created = await _import(
                ctx, model, record, "grow", False, touch=model.touched
            )
        except ApiError as error:
            if error.status_code != 400:
                raise
            raise WrongParameter(f"Entry {index} ({_id_of(record)}): {_message(error)}") from None
        if not silent:
            event, payload, project_id = await model.event(
                ctx, model.spec, "new" if created else "update", row
            )
            await events.emit(ctx, event, payload, project_id=project_id)
        answer.append(item)
    return answer


# ==== the upsert =============================================================================
async def _import(
    ctx: Ctx, model: ImportModel, record: Any, project_links: str, keep_casting: bool, touch: bool
) -> tuple[Row, dict[str, Any], bool]:
    if project_links not in PROJECT_LINK_MODES:
        raise ValueError(f"project_links must be one of {PROJECT_LINK_MODES}")
    if not isinstance(record, dict):
        raise WrongParameter("An entry must be a JSON object.")
    spec = model.spec
    record = dict(record)  # the caller's record is never changed
    wire_type = record.pop("type", None)
    existing = await _existing(ctx, model, record)
    if model.clean is not None:
        record = await model.clean(ctx, record, wire_type, existing)
    values, relation_ids = _decode(spec, record)
    if not keep_casting:
        for relation in model.cleared_when_absent:
            if relation not in record:
                relation_ids[relation] = []
    if touch:
        values["updated_at"] = utc_now()
    if existing is None:
        _require_columns(spec, values)
        row = await rows.insert_row(ctx.conn, spec.table, values)
        # A new row has no links yet: only the lists that hold ids need writing.
        relation_ids = {name: ids for name, ids in relation_ids.items() if ids}
    else:
        row = await _update(ctx, spec, existing["id"], values)
    await _write_relations(ctx, model, spec, row["id"], relation_ids, project_links, existing)
    if model.presented:  # as after a POST: the hooks mask nothing there
        item = (await crud.serialize(ctx, spec, [row], view="create"))[0]
    else:
        item = crud.serialize_plain(spec, [row])[0]
    item["type"] = spec.model.__name__  # Zou's serialize() without a type: the model name
    return row, item, existing is None


async def _existing(ctx: Ctx, model: ImportModel, record: Record) -> Row | None:
    """The stored row the record updates (None: it is new); ids checked and lowered in place."""
    table = model.spec.table
    if record.get("id") is not None:
        record["id"] = rows.check_id(record["id"])
    elif model.match_pair:
        record.pop("id", None)  # a new link gets an id of its own
    else:
        raise WrongParameter("The entry has no id.")
    if not model.match_pair:
        return await rows.fetch_one(ctx.conn, table, record["id"])
    for key in ("entity_in_id", "entity_out_id"):
        record[key] = rows.check_id(record.get(key), f"{key} must be an entity id.")
    return await rows.first_where(
        ctx.conn,
        table,
        table.c.entity_in_id == record["entity_in_id"],
        table.c.entity_out_id == record["entity_out_id"],
    )


def _decode(spec: ModelSpec, record: Record) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Column values (checked by their codec) and relation id lists; other keys are ignored."""
    values: dict[str, Any] = {}
    relation_ids: dict[str, list[str]] = {}
    for key, value in record.items():
        if key in spec.relation_map:
            if value is not None:
                relation_ids[key] = crud.ids_from(value)
            continue
        codec = spec.codecs.get(key)
        if codec is None or key in spec.hidden or (key in TIMESTAMPS and value is None):
            continue
        try:
            values[key] = codec.from_body(value)
        except InvalidValue:
            raise DatabaseRefusal(f"{DB_INVALID_FORMAT[:-1]}: {key}.") from None
    return values, relation_ids


def _require_columns(spec: ModelSpec, values: dict[str, Any]) -> None:
    """A new row needs its required columns: named here rather than by the database."""
    for column in spec.table.columns:
        if column.nullable or column.default is not None or column.server_default is not None:
            continue
        if values.get(column.name) is None:
            raise DatabaseRefusal(f"{DB_NOT_NULL[:-1]}: {column.name}.")


async def _update(ctx: Ctx, spec: ModelSpec, row_id: str, values: dict[str, Any]) -> Row:
    """Every given column, the record's ``updated_at`` included (``rows.update_row`` would
    replace it by now); an entity link may take the record's id."""
    table = spec.table
    if "updated_at" in table.c:
        values.setdefault("updated_at", utc_now())
    statement = update(table).where(table.c.id == row_id).values(**values).returning(*table.c)
    with rows.database_refusals():
        return dict((await ctx.conn.execute(statement)).mappings().one())


async def _write_relations(
    ctx: Ctx, model: ImportModel, spec: ModelSpec, row_id: str,
    relation_ids: dict[str, list[str]], project_links: str, existing: Row | None,
) -> None:  # fmt: skip
    replaced: dict[str, list[str]] = {}
    for name, ids in relation_ids.items():
        relation = spec.relation_map[name]
        if name in model.children:
            await _repoint_children(ctx, spec, name, row_id, ids)
        elif relation.writable:
            if name in model.grow and project_links == "grow" and existing is not None:
                current = await rows.grouped_links(
                    ctx.conn, relation.table, relation.local_key, relation.remote_key, [row_id]
                )
                ids = [*current[row_id], *ids]
            replaced[name] = ids
    await crud.write_relations(ctx, spec, row_id, replaced)


async def _repoint_children(
    ctx: Ctx, spec: ModelSpec, name: str, row_id: str, ids: list[str]
) -> None:
    """A one-to-many list (a comment's attachment files): the listed rows point at this row,
    the ones it had and that are not listed point at nothing (SQLAlchemy's collection rule)."""
    relation = spec.relation_map[name]
    table, key = relation.table, relation.local_key
    with rows.database_refusals():
        await ctx.conn.execute(
            update(table).where(table.c[key] == row_id, table.c.id.not_in(ids)).values({key: None})
        )
        for chunk in rows.chunked(ids):
            await ctx.conn.execute(update(table).where(table.c.id.in_(chunk)).values({key: row_id}))


# ==== route helpers ==========================================================================
def _flag_imported_only(record: Any) -> Any:
    """Zou's preview import: the binaries do not travel, ``data.imported_only`` says so."""
    if not isinstance(record, dict):
        return record
    data = record.get("data")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return record
    return {**record, "data": {**data, "imported_only": True}}


def _id_of(record: Any) -> str:
    value = record.get("id") if isinstance(record, dict) else None
    return f"id {value}" if value is not None else "no id"


def _message(error: ApiError) -> str:
    body = error.body
    return str(body.get("message")) if isinstance(body, dict) else str(body)
