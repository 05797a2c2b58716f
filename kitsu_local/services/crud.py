"""The generic CRUD behaviour of ``/data/<model>`` and ``/data/<model>/{id}``
(zou-data-model.md section 5, zou-behaviour.md 1.6), driven by a ``ModelSpec``.

Model-specific rules live in ``CrudHooks`` subclasses next to the model's other services; this
module is the only place where listing, filtering, pagination, serialization, creation,
update, deletion and their events are written.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select

from .. import events
from .. import rows as db
from ..columns import InvalidValue, is_valid_id
from ..context import Ctx
from ..errors import DB_INVALID_FORMAT, DatabaseRefusal, WrongParameter
from .spec import ModelSpec, Row

RelationChanges = dict[str, tuple[set[str], set[str]]]
CONTROL_PARAMS = frozenset({"page", "relations", "fields"})
PROTECTED_FIELDS = frozenset({"id", "created_at", "updated_at"})


class CrudHooks:
    """Model-specific rules around the generic CRUD operations; every method is optional."""

    # ---- listing ------------------------------------------------------------------------
    def uses_filters(self) -> bool:
        """False for lists that ignore the query string (salary scales)."""
        return True

    def unfilterable(self, ctx: Ctx) -> frozenset[str]:
        """Columns this caller may not filter on (400 "Filtering on x is not allowed.")."""
        return frozenset()

    async def extra_filters(
        self, ctx: Ctx, spec: ModelSpec, params: Mapping[str, str]
    ) -> list[ColumnElement[bool]]:
        """Conditions from the model's own query parameters (e.g. tasks' ``episode_id``)."""
        return []

    async def list_query(self, ctx: Ctx, spec: ModelSpec, query: Select) -> Select:
        return query

    def list_limit(self) -> int | None:
        """A cap on unpaginated lists (the event log answers at most 1000 rows)."""
        return None

    # ---- serialization ------------------------------------------------------------------
    async def present(
        self, ctx: Ctx, spec: ModelSpec, rows: list[Row], items: list[dict[str, Any]], view: str
    ) -> list[dict[str, Any]]:
        """Last touch on serialized rows (masking, extra keys, type rewriting).

        ``view`` is what the rows are serialized for: "list", "read", "create" or "update".
        """
        return items

    def always_relations(self) -> bool:
        return False

    # ---- create and update --------------------------------------------------------------
    def clean_body(self, ctx: Ctx, body: dict[str, Any], row: Row | None) -> dict[str, Any]:
        """Rewrite body values Zou accepts loosely (``"null"``, ``"all"``...) before decoding;
        ``row`` is None on creation."""
        return body

    async def prepare_create(
        self, ctx: Ctx, spec: ModelSpec, data: dict[str, Any], values: dict[str, Any]
    ) -> dict[str, Any]:
        """Validate and complete the decoded column values of a new row."""
        return values

    async def after_create(self, ctx: Ctx, spec: ModelSpec, row: Row, data: dict[str, Any]) -> None:
        return None

    async def create_response(
        self, ctx: Ctx, spec: ModelSpec, row: Row, item: dict[str, Any], data: dict[str, Any]
    ) -> dict[str, Any]:
        return item

    # ---- update -------------------------------------------------------------------------
    def read_only(self, ctx: Ctx, row: Row) -> frozenset[str]:
        """Extra keys dropped from this caller's PUT body."""
        return frozenset()

    async def prepare_update(
        self, ctx: Ctx, spec: ModelSpec, row: Row, data: dict[str, Any], values: dict[str, Any]
    ) -> dict[str, Any]:
        return values

    async def after_update(
        self, ctx: Ctx, spec: ModelSpec, before: Row, row: Row, data: dict[str, Any],
        changes: RelationChanges,
    ) -> None:  # fmt: skip
        """``changes``: {relation name: (added ids, removed ids)} of this update."""
        return None

    async def update_response(
        self, ctx: Ctx, spec: ModelSpec, row: Row, item: dict[str, Any], data: dict[str, Any]
    ) -> dict[str, Any]:
        return item

    def update_relations(self) -> bool:
        """Whether the PUT answer carries the relation id lists."""
        return False

    # ---- delete -------------------------------------------------------------------------
    async def delete(self, ctx: Ctx, spec: ModelSpec, row: Row, force: bool) -> None:
        await db.delete_row(ctx.conn, spec.table, row["id"])

    # ---- events -------------------------------------------------------------------------
    async def event(
        self, ctx: Ctx, spec: ModelSpec, action: str, row: Row
    ) -> tuple[str, dict[str, Any], str | None] | None:
        """(name, payload, project id) of the event for this change; None for no event."""
        return (
            f"{spec.event_object}:{action}",
            {f"{spec.table_name}_id": row["id"]},
            row.get("project_id"),
        )


DEFAULT_HOOKS = CrudHooks()


def hooks_of(spec: ModelSpec) -> CrudHooks:
    return spec.hooks or DEFAULT_HOOKS


# ==== list ===================================================================================
async def list_rows(ctx: Ctx, spec: ModelSpec, params: Mapping[str, str]) -> Any:
    """GET /data/<model>: a plain list, or Zou's page object when ``page`` is given."""
    hooks = hooks_of(spec)
    await spec.policy.read_list(ctx)
    table = spec.table
    query = select(table)
    if spec.policy.scope is not None:
        condition = await spec.policy.scope(ctx, table)
        if condition is not None:
            query = query.where(condition)
    relations = hooks.always_relations()
    field_names: list[str] | None = None
    page = -1
    limit = ctx.settings.nb_records_per_page
    if params:
        if hooks.uses_filters():
            query = query.where(*build_filters(ctx, spec, params))
            query = query.where(*await hooks.extra_filters(ctx, spec, params))
        relations = relations or is_true(params.get("relations"))
        page = parse_int(params.get("page"), "page", default=-1)
        limit = parse_int(params.get("limit"), "limit", default=limit)
        if limit < 1:
            raise WrongParameter("limit must be a positive integer.")
        if params.get("fields"):
            field_names = [name.strip() for name in params["fields"].split(",") if name.strip()]
    query = await hooks.list_query(ctx, spec, query)

    if page > -1:
        total = (
            await ctx.conn.execute(
                select(func.count()).select_from(query.order_by(None).subquery())
            )
        ).scalar_one()
        offset = (page - 1) * limit
        result: dict[str, Any] = {
            "data": [],
            "total": total,
            "nb_pages": math.ceil(total / limit),
            "limit": limit,
            "offset": offset,
            "page": page,
        }
        if page >= 1 and offset <= total:
            paged = (
                query.order_by(table.c.updated_at.desc(), table.c.created_at.desc(), table.c.id)
                .limit(limit)
                .offset(offset)
            )
            rows = await fetch(ctx, paged)
            result["data"] = pick_fields(
                await serialize(ctx, spec, rows, relations=relations), field_names
            )
        return result

    cap = hooks.list_limit()
    if cap is not None:
        query = query.order_by(table.c.created_at.desc()).limit(cap)
    rows = await fetch(ctx, query)
    return pick_fields(await serialize(ctx, spec, rows, relations=relations), field_names)


def build_filters(
    ctx: Ctx, spec: ModelSpec, params: Mapping[str, str]
) -> list[ColumnElement[bool]]:
    """Zou's query-string filters: equality, ``[..]`` lists, case-insensitive name, relations."""
    table = spec.table
    refused = spec.hidden | hooks_of(spec).unfilterable(ctx)
    conditions: list[ColumnElement[bool]] = []
    for key, value in params.items():
        if key in CONTROL_PARAMS:
            continue
        is_column = key in spec.codecs
        relation = spec.relation_map.get(key)
        if not is_column and relation is None:
            continue  # not a column: the route's own parameter, never a filter
        if key in refused:
            raise WrongParameter(f"Filtering on {key} is not allowed.")
        if relation is not None:
            if not is_valid_id(value):
                raise WrongParameter(f"Invalid UUID value: {value}")
            link = relation.table
            owners = select(link.c[relation.local_key]).where(
                link.c[relation.remote_key] == value.lower()
            )
            conditions.append(table.c.id.in_(owners))
            continue
        codec = spec.codecs[key]
        column = table.c[key]
        if key == "name":
            conditions.append(column.ilike(value))
        elif value.startswith("["):
            try:
                values = json.loads(value)
            except ValueError:
                raise WrongParameter(f"Malformed list filter for field {key}.") from None
            if not isinstance(values, list):
                raise WrongParameter(f"Malformed list filter for field {key}.")
            conditions.append(column.in_([codec.from_query(str(item)) for item in values]))
        else:
            conditions.append(column == codec.from_query(value))
    return conditions


def pick_fields(items: list[dict[str, Any]], field_names: list[str] | None) -> list[dict[str, Any]]:
    if not field_names:
        return items
    kept = set(field_names) | {"id", "type"}
    return [{key: value for key, value in item.items() if key in kept} for item in items]


# ==== one ====================================================================================
async def get_one(
    ctx: Ctx, spec: ModelSpec, instance_id: str, relations: bool = True
) -> dict[str, Any]:
    row = await db.fetch_or_404(ctx.conn, spec.table, instance_id)
    await spec.policy.read(ctx, row)
    relations = relations or hooks_of(spec).always_relations()
    return (await serialize(ctx, spec, [row], relations=relations, view="read"))[0]


# ==== create =================================================================================
async def create(ctx: Ctx, spec: ModelSpec, data: Any) -> dict[str, Any]:
    hooks = hooks_of(spec)
    data = require_body(data)
    await spec.policy.create(ctx, data)
    body = {key: value for key, value in data.items() if key not in PROTECTED_FIELDS}
    body = hooks.clean_body(ctx, body, None)
    values, relation_ids = decode_body(spec, body, creating=True)
    values = await hooks.prepare_create(ctx, spec, body, values)
    row = await db.insert_row(ctx.conn, spec.table, values)
    await write_relations(ctx, spec, row["id"], relation_ids)
    await hooks.after_create(ctx, spec, row, body)
    row = await db.fetch_one(ctx.conn, spec.table, row["id"]) or row
    item = (await serialize(ctx, spec, [row], relations=True, view="create"))[0]
    item = await hooks.create_response(ctx, spec, row, item, body)
    await emit_change(ctx, spec, "new", row)
    return item


# ==== update =================================================================================
async def update(ctx: Ctx, spec: ModelSpec, instance_id: str, data: Any) -> dict[str, Any]:
    hooks = hooks_of(spec)
    data = require_body(data)
    before = await db.fetch_or_404(ctx.conn, spec.table, instance_id)
    await spec.policy.update(ctx, before, data)
    dropped = PROTECTED_FIELDS | spec.read_only | hooks.read_only(ctx, before)
    if spec.has_project:
        dropped |= {"project_id"}
    body = {key: value for key, value in data.items() if key not in dropped}
    body = hooks.clean_body(ctx, body, before)
    values, relation_ids = decode_body(spec, body, creating=False)
    values = await hooks.prepare_update(ctx, spec, before, body, values)
    row = await db.update_row(ctx.conn, spec.table, before["id"], values)
    changes = await write_relations(ctx, spec, row["id"], relation_ids)
    await hooks.after_update(ctx, spec, before, row, body, changes)
    row = await db.fetch_one(ctx.conn, spec.table, row["id"]) or row
    item = (await serialize(ctx, spec, [row], relations=hooks.update_relations(), view="update"))[0]
    item = await hooks.update_response(ctx, spec, row, item, body)
    await emit_change(ctx, spec, "update", row)
    return item


# ==== delete =================================================================================
async def remove(ctx: Ctx, spec: ModelSpec, instance_id: str, force: bool = False) -> None:
    row = await db.fetch_or_404(ctx.conn, spec.table, instance_id)
    await spec.policy.delete(ctx, row)
    await hooks_of(spec).delete(ctx, spec, row, force)
    await emit_change(ctx, spec, "delete", row)


async def emit_change(ctx: Ctx, spec: ModelSpec, action: str, row: Row) -> None:
    event = await hooks_of(spec).event(ctx, spec, action, row)
    if event is not None:
        name, payload, project_id = event
        await events.emit(ctx, name, payload, project_id=project_id)


# ==== body decoding ==========================================================================
def require_body(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        from ..errors import EMPTY_BODY_MESSAGE

        raise WrongParameter(EMPTY_BODY_MESSAGE)
    return data


def decode_body(
    spec: ModelSpec, body: dict[str, Any], creating: bool
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Column values and relation id lists from a JSON body, checked against the columns.

    On POST an unknown key is refused (as Zou's model constructor does); on PUT it is ignored.
    """
    values: dict[str, Any] = {}
    relation_ids: dict[str, list[str]] = {}
    for key, value in body.items():
        if key in spec.body_by_hooks:
            continue
        relation = spec.relation_map.get(key)
        if relation is not None:
            if relation.writable:
                relation_ids[key] = ids_from(value)
            continue
        codec = spec.codecs.get(key)
        if codec is None or key in spec.hidden:
            if creating:
                raise DatabaseRefusal(
                    f"'{key}' is an invalid keyword argument for {spec.model.__name__}"
                )
            continue
        try:
            values[key] = codec.from_body(value)
        except InvalidValue:
            if not creating and codec.kind in ("date", "datetime"):
                raise WrongParameter(
                    f"Invalid date format for '{key}': '{value}'. "
                    "Expected an ISO 8601 date or datetime."
                ) from None
            raise DatabaseRefusal(DB_INVALID_FORMAT) from None
    return values, relation_ids


def ids_from(value: Any) -> list[str]:
    """Relation ids given as a list of ids or of objects with an ``id``; others dropped."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise DatabaseRefusal(DB_INVALID_FORMAT)
    ids = []
    for item in value:
        if isinstance(item, dict):
            item = item.get("id")
        if is_valid_id(item):
            ids.append(item.lower())
    return ids


async def write_relations(
    ctx: Ctx, spec: ModelSpec, row_id: str, relation_ids: dict[str, list[str]]
) -> RelationChanges:
    changes: RelationChanges = {}
    for name, ids in relation_ids.items():
        relation = spec.relation_map[name]
        assert relation.target is not None
        known = await db.existing_ids(ctx.conn, relation.target, ids)  # unknown ids are dropped
        changes[name] = await db.replace_links(
            ctx.conn, relation.table, relation.local_key, relation.remote_key, row_id,
            [item for item in dict.fromkeys(ids) if item in known],
        )  # fmt: skip
    return changes


# ==== serialization ==========================================================================
async def fetch(ctx: Ctx, query: Select) -> list[Row]:
    result = await ctx.conn.execute(query)
    keys = tuple(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result.all()]


async def serialize(
    ctx: Ctx, spec: ModelSpec, rows: Sequence[Row], relations: bool = False, view: str = "list"
) -> list[dict[str, Any]]:
    """Rows on the wire: one key per visible column, ``type``, and relation id lists."""
    items = serialize_plain(spec, rows)
    wanted = [rel for rel in spec.relations if relations or rel.always]
    if wanted and rows:
        ids = [row["id"] for row in rows]
        for relation in wanted:
            links = await db.grouped_links(
                ctx.conn, relation.table, relation.local_key, relation.remote_key, ids
            )
            for item in items:
                item[relation.name] = links[item["id"]]
    return await hooks_of(spec).present(ctx, spec, list(rows), items, view)


def serialize_plain(
    spec: ModelSpec, rows: Sequence[Row], milliseconds: bool = False
) -> list[dict[str, Any]]:
    """The columns of rows on the wire, with ``type`` (no relations, no hooks)."""
    plain: list[str] = []
    converted: list[tuple[str, Any]] = []  # (column, value -> wire value)
    timespec = "microseconds" if milliseconds else "seconds"
    for codec in spec.wire_columns:
        if codec.kind == "datetime":
            converted.append((codec.name, lambda value: value.isoformat(timespec=timespec)))
        elif codec.kind in ("date", "bytes"):
            converted.append((codec.name, codec.to_wire))
        else:
            plain.append(codec.name)
    wire_type = spec.wire_type
    items = []
    for row in rows:
        item = {name: row[name] for name in plain}
        for name, to_wire in converted:
            value = row[name]
            item[name] = None if value is None else to_wire(value)
        item["type"] = wire_type
        items.append(item)
    return items


# ==== small parsing helpers ==================================================================
def is_true(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.lower() == "true"


def parse_int(value: str | None, name: str, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise WrongParameter(f"{name} must be an integer.") from None
