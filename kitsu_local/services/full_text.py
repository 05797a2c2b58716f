"""Full-text search (``POST /data/search``) without an external indexer.

Zou 1.0.97 asks Meilisearch (``index_service.search_assets/shots/persons``) and answers 500
when it is not running. kitsu-local keeps SQLite FTS5 indexes beside the tables:

- ``entity_fts(name, description, kind)`` over ``entity`` (through the view
  ``entity_fts_source``, which adds the kind: asset, shot, sequence...) and
  ``person_fts(first_name, last_name)`` over ``person``: FTS5 *external content* tables (the
  text stays in the table, the index holds only tokens), keyed on the table's rowid.
- kept by SQLite triggers created with them (``create_full_text``), so every write path
  (CRUD, bulk routes, imports, raw SQL) updates the index in the same transaction that writes
  the row and its events (``events.emit_many``): both commit or roll back together.
- built for a database that predates them by the migration
  ``migrations/versions/0002_sync_and_full_text.py``, which fills them at once
  (``INSERT INTO entity_fts(entity_fts) VALUES('rebuild')``).

A query matches every word it holds as a prefix of a word of the name or description (unicode61
tokens: ``_`` and ``-`` split words, so "big" finds "chair_big"). On PostgreSQL (no FTS5) the
same words are matched with ``ILIKE '%word%'``. Hits come in the order their rows were made
(rowid; ``created_at`` on PostgreSQL), the order Meilisearch gives hits that rank the same: a
page is then read without sorting every match.

The answer has Zou's shape: one list per index asked for, each hit serialized as Zou does, with
``project_name``, ``asset_type_name`` / ``sequence_name``, ``preview_file_extension`` and
``matched_terms`` (the fields that matched, as Meilisearch's ``_matchesPosition`` keys).
Permissions as Zou: open projects of the caller (all open projects for an admin), a vendor only
sees entities they hold a task on, non-admins get persons in their minimal form.
"""

from __future__ import annotations

import functools
import re
import uuid
from typing import Any

from sqlalchemy import and_, column, literal_column, or_, select, table, text
from sqlalchemy.engine import Connection

from ..context import Ctx
from ..errors import WrongParameter
from ..models import Entity, EntityType, Person, PreviewFile, Project, ProjectStatus
from . import crud
from .breakdown import kind_condition
from .entities import TEMPORAL_KINDS
from .persons import minimal_form
from .spec import Row, spec_for_route

DEFAULT_INDEXES = ("assets", "shots", "persons")
# index name -> entity type name (kitsu-local adds the last three; Zou has the first two)
ENTITY_INDEXES = {
    "assets": "Asset",
    "shots": "Shot",
    "sequences": "Sequence",
    "episodes": "Episode",
    "edits": "Edit",
}
MIN_QUERY_LENGTH = 3
MAX_INTEGER = 2**62  # a larger limit or offset would overflow SQLite's integers
WORD = re.compile(r"[^\W_]+")

# ==== index upkeep ===========================================================================
# The kind of an entity as a token of its own column (``kind:shot``), so that a query on one
# index intersects in the FTS index instead of reading every matching row of the other kinds.
_KIND = (
    "COALESCE((SELECT lower(entity_type.name) FROM entity_type"
    " WHERE entity_type.id = {row}.entity_type_id AND entity_type.name IN ({temporal})), 'asset')"
)
_TEMPORAL_SQL = ", ".join(f"'{kind}'" for kind in TEMPORAL_KINDS)
# fts table: (content table or view, rowid column, table the triggers watch, columns)
FTS_TABLES = {
    "entity_fts": ("entity_fts_source", "fts_rowid", "entity", ("name", "description", "kind")),
    "person_fts": ("person", "rowid", "person", ("first_name", "last_name")),
}
COMPUTED = {"kind": ("entity_type_id", _KIND)}  # column: (the table column it is read from, SQL)


def _values(prefix: str, columns: tuple[str, ...], named: bool = False) -> str:
    return ", ".join(
        COMPUTED[col][1].format(row=prefix, temporal=_TEMPORAL_SQL)
        + (f" AS {col}" if named else "")
        if col in COMPUTED
        else f"{prefix}.{col}"
        for col in columns
    )


def _fts_ddl(fts: str) -> list[str]:
    content, rowid, table, columns = FTS_TABLES[fts]
    cols = ", ".join(columns)
    watched = ", ".join(COMPUTED[col][0] if col in COMPUTED else col for col in columns)
    delete = (
        f"INSERT INTO {fts}({fts}, rowid, {cols}) "
        f"VALUES ('delete', old.rowid, {_values('old', columns)});"
    )
    insert = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.rowid, {_values('new', columns)});"
    ddl = []
    if content != table:
        ddl.append(
            f"CREATE VIEW IF NOT EXISTS {content} AS SELECT {table}.rowid AS {rowid}, "
            f"{_values(table, columns, named=True)} FROM {table}"
        )
    return [
        *ddl,
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({cols}, content='{content}', "
        f"content_rowid='{rowid}', tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {watched} ON {table} "
        f"BEGIN {delete} {insert} END",
    ]


def create_full_text(conn: Connection) -> None:
    """Create the FTS5 indexes, their triggers and views in a new database (``migrate.py``).
    SQLite only: other databases use ILIKE. A change here is a new revision in
    ``migrations/versions/`` too (tests/test_migrations.py compares the two)."""
    if conn.dialect.name != "sqlite":
        return
    for fts in FTS_TABLES:
        for statement in _fts_ddl(fts):
            conn.exec_driver_sql(statement)


# ==== the route ==============================================================================
def _invalid(field: str, message: str) -> WrongParameter:
    return WrongParameter("Validation error.", {"errors": [{"field": field, "message": message}]})


def _integer(body: dict[str, Any], field: str, default: int, minimum: int) -> int:
    """Pydantic's lax ``int``: an int, a bool, an integral float or a string of digits."""
    value = body.get(field, default)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise _invalid(
                field, "Input should be a valid integer, unable to parse string as an integer"
            ) from None
    if isinstance(value, float):
        raise _invalid(
            field, "Input should be a valid integer, got a number with a fractional part"
        )
    if not isinstance(value, int):
        raise _invalid(field, "Input should be a valid integer")
    if value < minimum:
        raise _invalid(field, f"Input should be greater than or equal to {minimum}")
    return min(int(value), MAX_INTEGER)


def _project_id(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _invalid("project_id", "UUID input should be a string, bytes or UUID object")
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise _invalid("project_id", "Input should be a valid UUID") from None


def parse_search(body: Any) -> tuple[str, str | None, int, int, list[str]]:
    """Zou's ``SearchSchema`` (pydantic): query (required string), project_id (UUID or null),
    limit >= 1 (3), offset >= 0 (0), index_names (list of strings, assets/shots/persons)."""
    if not isinstance(body, dict):
        raise _invalid("", "Input should be a valid dictionary or instance of SearchSchema")
    if "query" not in body:
        raise _invalid("query", "Field required")
    if not isinstance(body["query"], str):
        raise _invalid("query", "Input should be a valid string")
    project_id = _project_id(body.get("project_id"))
    limit = _integer(body, "limit", 3, 1)
    offset = _integer(body, "offset", 0, 0)
    indexes = body.get("index_names", list(DEFAULT_INDEXES))
    if not isinstance(indexes, list):
        raise _invalid("index_names", "Input should be a valid list")
    for position, name in enumerate(indexes):
        if not isinstance(name, str):
            raise _invalid(f"index_names.{position}", "Input should be a valid string")
    return body["query"], project_id, limit, offset, indexes


async def search(ctx: Ctx, body: Any) -> dict[str, list[dict[str, Any]]]:
    query, project_id, limit, offset, indexes = parse_search(body)
    results: dict[str, list[dict[str, Any]]] = {}
    if len(query) < MIN_QUERY_LENGTH:
        return results
    words = [word.lower() for word in WORD.findall(query)]
    me = ctx.me
    # Zou: every open project for an admin, else the open projects the caller is a member of
    project_ids = await _open_project_ids(ctx) if me.is_admin else set(me.open_project_ids)
    if project_id:
        project_ids = {project_id} & project_ids
    for index in indexes:
        if index == "persons":
            results[index] = await _search_persons(ctx, words, limit, offset)
        elif index in ENTITY_INDEXES:
            kind = ENTITY_INDEXES[index]
            results[index] = await _search_entities(ctx, kind, words, project_ids, limit, offset)
    return results


# ==== matching ===============================================================================
def _is_sqlite(ctx: Ctx) -> bool:
    return bool(ctx.conn.dialect.name == "sqlite")


def _fts_condition(fts: str, table: str, words: list[str], kind: str | None = None) -> Any:
    """``<table>.rowid IN (rowids of the FTS index matching every word as a prefix)``, in the
    name and description only (and of one kind of entity)."""
    rowids = text(f"SELECT rowid FROM {fts} WHERE {fts} MATCH :match").bindparams(
        match=_fts_match(words, kind)
    )
    return literal_column(f"{table}.rowid").in_(rowids)


def _fts_match(words: list[str], kind: str | None = None) -> str:
    """The FTS5 query: every word as a prefix, in the name and description (of one kind)."""
    match = " ".join(f'"{word}"*' for word in words)
    if kind is not None:
        match = f"kind : {kind.lower()} AND {{name description}} : ({match})"
    return match


def _ilike(columns: list[Any], words: list[str]) -> Any:
    """The PostgreSQL path: every word inside one of the columns."""
    return and_(
        *(
            or_(*(column.ilike(f"%{_escape(word)}%", escape="\\") for column in columns))
            for word in words
        )
    )


def _escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _matched_fields(fields: dict[str, str | None], words: list[str], prefix: bool) -> list[str]:
    """The fields in which a word of the query matched (Meilisearch's ``_matchesPosition``)."""
    found = []
    for field, value in fields.items():
        value = (value or "").lower()
        tokens = WORD.findall(value)
        for word in words:
            if (prefix and any(token.startswith(word) for token in tokens)) or (
                not prefix and word in value
            ):
                found.append(field)
                break
    return found


async def _open_project_ids(ctx: Ctx) -> set[str]:
    query = select(Project.id).join(ProjectStatus, ProjectStatus.id == Project.project_status_id)
    return set((await ctx.conn.execute(query.where(ProjectStatus.name == "Open"))).scalars())


# ==== persons ================================================================================
async def _search_persons(
    ctx: Ctx, words: list[str], limit: int, offset: int
) -> list[dict[str, Any]]:
    if not words:
        return []
    sqlite = _is_sqlite(ctx)
    if sqlite:
        match = _fts_condition("person_fts", "person", words)
    else:
        match = _ilike([Person.first_name, Person.last_name], words)
    query = (
        select(Person.__table__)
        .where(Person.is_bot.is_(False), match)
        .order_by(Person.first_name, Person.last_name, Person.id)
        .limit(limit)
        .offset(offset)
    )
    found = await crud.fetch(ctx, query)
    items = await crud.serialize(ctx, spec_for_route("persons"), found, view="create")
    if not ctx.me.is_admin:
        items = [minimal_form(item) for item in items]
    for item, row in zip(items, found, strict=True):
        full_name = f"{row['first_name']} {row['last_name']}"
        item["matched_terms"] = _matched_fields({"name": full_name}, words, sqlite)
    return items


# ==== entities ===============================================================================
async def _search_entities(
    ctx: Ctx, kind: str, words: list[str], project_ids: set[str], limit: int, offset: int
) -> list[dict[str, Any]]:
    from ..permissions import assigned_entity_ids

    if not words or not project_ids:
        return []
    sqlite = _is_sqlite(ctx)
    if not sqlite:
        query = select(Entity.__table__, *_extras(kind)).where(
            _ilike([Entity.name, Entity.description], words),
            await kind_condition(ctx, kind),
            Entity.project_id.in_(sorted(project_ids)),
        )
        if ctx.me.role == "vendor":
            query = query.where(Entity.id.in_(assigned_entity_ids(ctx)))
        query = query.order_by(Entity.created_at, Entity.id).limit(limit).offset(offset)
        return _present(kind, await crud.fetch(ctx, query), words, sqlite)
    # SQLite: the index hands its matches out in rowid order, so the page is read by walking
    # them and stopping once it is full: only the rows walked are read from ``entity`` (for
    # their project), never every match (a common word matches thousands). The project column
    # is compared with a unary ``+`` so that the planner keeps the index as the outer loop.
    rowid = literal_column("entity.rowid")
    fts = table("entity_fts", column("rowid"))
    hits = (
        select(rowid.label("hit_rowid"))
        .select_from(fts.join(Entity.__table__, rowid == fts.c.rowid))
        .where(
            literal_column("entity_fts").op("MATCH")(_fts_match(words, kind)),
            literal_column("+entity.project_id").in_(sorted(project_ids)),
        )
    )
    if ctx.me.role == "vendor":
        hits = hits.where(Entity.id.in_(assigned_entity_ids(ctx)))
    page = hits.order_by(fts.c.rowid).limit(limit).offset(offset).subquery("hits")
    query = (
        select(Entity.__table__, *_extras(kind))
        .join(page, rowid == page.c.hit_rowid)
        .order_by(page.c.hit_rowid)
    )
    return _present(kind, await crud.fetch(ctx, query), words, sqlite)


@functools.cache
def _extras(kind: str) -> tuple[Any, ...]:
    """The names a hit shows, read in the same statement as the hits (correlated subqueries):
    project name and type, preview extension, asset type, a shot's sequence and episode."""
    entity = Entity.__table__
    sequence, episode = Entity.__table__.alias("sequence"), Entity.__table__.alias("episode")

    def scalar(column: Any, *where: Any, source: Any = None) -> Any:
        query = select(column) if source is None else select(column).select_from(source)
        return query.where(*where).scalar_subquery()

    extras = [
        scalar(Project.name, Project.id == entity.c.project_id).label("hit_project_name"),
        scalar(PreviewFile.extension, PreviewFile.id == entity.c.preview_file_id).label(
            "hit_preview_extension"
        ),
    ]
    if kind == "Asset":
        extras.append(
            scalar(EntityType.name, EntityType.id == entity.c.entity_type_id).label(
                "hit_asset_type_name"
            )
        )
    if kind == "Shot":
        with_episode = sequence.join(episode, episode.c.id == sequence.c.parent_id)
        on_sequence = sequence.c.id == entity.c.parent_id
        extras += [
            scalar(sequence.c.name, on_sequence).label("hit_sequence_name"),
            scalar(Project.production_type, Project.id == entity.c.project_id).label(
                "hit_production_type"
            ),
            scalar(episode.c.id, on_sequence, source=with_episode).label("hit_episode_id"),
            scalar(episode.c.name, on_sequence, source=with_episode).label("hit_episode_name"),
        ]
    return tuple(extras)


def _present(kind: str, found: list[Row], words: list[str], prefix: bool) -> list[dict[str, Any]]:
    """Zou's hit: the entity serialized, plus the names a search result list shows."""
    items = crud.serialize_plain(spec_for_route("entities"), found)
    for item, row in zip(items, found, strict=True):
        item["type"] = kind
        item["project_name"] = row["hit_project_name"] or ""
        if kind == "Asset":
            item["asset_type_name"] = row["hit_asset_type_name"] or ""
        elif kind == "Shot":
            item["sequence_name"] = row["hit_sequence_name"] or ""
            if row["hit_production_type"] == "tvshow" and row["hit_episode_id"]:
                item["episode"] = row["hit_episode_name"]
                item["episode_id"] = row["hit_episode_id"]
        item["preview_file_extension"] = row["hit_preview_extension"]
        fields = {"name": row["name"], "description": row["description"]}
        item["matched_terms"] = _matched_fields(fields, words, prefix)
    return items
