"""The sync tables (issue 9) and the full-text indexes of ``POST /data/search``.

- ``kitsu_local_sync_base``, ``kitsu_local_sync_remote``, ``kitsu_local_sync_conflict``
  (``models/sync.py``), with their indexes;
- on SQLite, the FTS5 indexes ``entity_fts`` (through the view ``entity_fts_source``) and
  ``person_fts``, their triggers, and a rebuild that fills them from the tables
  (``services/full_text.py`` makes the same objects for a new database).

A database made by a development build between the first release and this revision has no
version either, and is stamped with the first release: it may already hold the sync tables (an
early ``kitsu_local_sync_remote`` without ``cursor_event_ids``) and full-text indexes of an
earlier layout. So tables are created where missing and the indexes are always made again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_sync_and_full_text"
down_revision = "0001_first_release"
branch_labels = None
depends_on = None

_KIND = (
    "COALESCE((SELECT lower(entity_type.name) FROM entity_type"
    " WHERE entity_type.id = {row}.entity_type_id AND entity_type.name"
    " IN ('Shot', 'Sequence', 'Scene', 'Edit', 'Concept', 'Episode')), 'asset')"
)
_ENTITY_NEW = f"new.rowid, new.name, new.description, {_KIND.format(row='new')}"
_ENTITY_OLD = f"'delete', old.rowid, old.name, old.description, {_KIND.format(row='old')}"
_ENTITY_INSERT = f"INSERT INTO entity_fts(rowid, name, description, kind) VALUES ({_ENTITY_NEW});"
_ENTITY_DELETE = (
    f"INSERT INTO entity_fts(entity_fts, rowid, name, description, kind) VALUES ({_ENTITY_OLD});"
)
_PERSON_INSERT = (
    "INSERT INTO person_fts(rowid, first_name, last_name)"
    " VALUES (new.rowid, new.first_name, new.last_name);"
)
_PERSON_DELETE = (
    "INSERT INTO person_fts(person_fts, rowid, first_name, last_name)"
    " VALUES ('delete', old.rowid, old.first_name, old.last_name);"
)
_TOKENS = "tokenize='unicode61 remove_diacritics 2', prefix='2 3'"
FULL_TEXT = (
    "CREATE VIEW entity_fts_source AS SELECT entity.rowid AS fts_rowid, entity.name,"
    f" entity.description, {_KIND.format(row='entity')} AS kind FROM entity",
    "CREATE VIRTUAL TABLE entity_fts USING fts5(name, description, kind,"
    f" content='entity_fts_source', content_rowid='fts_rowid', {_TOKENS})",
    f"CREATE TRIGGER entity_fts_ai AFTER INSERT ON entity BEGIN {_ENTITY_INSERT} END",
    f"CREATE TRIGGER entity_fts_ad AFTER DELETE ON entity BEGIN {_ENTITY_DELETE} END",
    "CREATE TRIGGER entity_fts_au AFTER UPDATE OF name, description, entity_type_id ON entity"
    f" BEGIN {_ENTITY_DELETE} {_ENTITY_INSERT} END",
    "CREATE VIRTUAL TABLE person_fts USING fts5(first_name, last_name,"
    f" content='person', content_rowid='rowid', {_TOKENS})",
    f"CREATE TRIGGER person_fts_ai AFTER INSERT ON person BEGIN {_PERSON_INSERT} END",
    f"CREATE TRIGGER person_fts_ad AFTER DELETE ON person BEGIN {_PERSON_DELETE} END",
    "CREATE TRIGGER person_fts_au AFTER UPDATE OF first_name, last_name ON person"
    f" BEGIN {_PERSON_DELETE} {_PERSON_INSERT} END",
    "INSERT INTO entity_fts(entity_fts) VALUES ('rebuild')",
    "INSERT INTO person_fts(person_fts) VALUES ('rebuild')",
)


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "kitsu_local_sync_base" not in existing:
        op.create_table(
            "kitsu_local_sync_base",
            sa.Column("remote", sa.String(length=40), nullable=False),
            sa.Column("kind", sa.String(length=40), nullable=False),
            sa.Column("record_id", sa.String(length=36), nullable=False),
            sa.Column("project_id", sa.String(length=36), nullable=True),
            sa.Column("data", sa.JSON(), nullable=True),
            sa.Column("synced_at", sa.DateTime(), nullable=True),
            sa.PrimaryKeyConstraint("remote", "kind", "record_id"),
        )
        op.create_index(
            "ix_kitsu_local_sync_base_project_id", "kitsu_local_sync_base", ["project_id"]
        )
    if "kitsu_local_sync_conflict" not in existing:
        op.create_table(
            "kitsu_local_sync_conflict",
            sa.Column("id", sa.String(length=36), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=True),
            sa.Column("updated_at", sa.DateTime(), nullable=True),
            sa.Column("remote", sa.String(length=40), nullable=False),
            sa.Column("kind", sa.String(length=40), nullable=False),
            sa.Column("record_id", sa.String(length=36), nullable=False),
            sa.Column("project_id", sa.String(length=36), nullable=True),
            sa.Column("field_name", sa.String(length=80), nullable=False),
            sa.Column("local_value", sa.JSON(), nullable=True),
            sa.Column("remote_value", sa.JSON(), nullable=True),
            sa.Column("base_value", sa.JSON(), nullable=True),
            sa.Column("label", sa.Text(), nullable=True),
            sa.Column("resolved_at", sa.DateTime(), nullable=True),
            sa.Column("resolution", sa.String(length=10), nullable=True),
            sa.PrimaryKeyConstraint("id"),
        )
        for column in ("record_id", "remote"):
            op.create_index(
                f"ix_kitsu_local_sync_conflict_{column}", "kitsu_local_sync_conflict", [column]
            )
    if "kitsu_local_sync_remote" not in existing:
        op.create_table(
            "kitsu_local_sync_remote",
            sa.Column("remote", sa.String(length=40), nullable=False),
            sa.Column("last_pull_at", sa.DateTime(), nullable=True),
            sa.Column("last_push_at", sa.DateTime(), nullable=True),
            sa.Column("event_cursor", sa.String(length=40), nullable=True),
            sa.Column("cursor_event_ids", sa.JSON(), nullable=True),
            sa.Column("pull_checkpoint", sa.JSON(), nullable=True),
            sa.Column("push_checkpoint", sa.JSON(), nullable=True),
            sa.PrimaryKeyConstraint("remote"),
        )
    else:
        columns = sa.inspect(op.get_bind()).get_columns("kitsu_local_sync_remote")
        if "cursor_event_ids" not in {column["name"] for column in columns}:
            op.add_column(
                "kitsu_local_sync_remote", sa.Column("cursor_event_ids", sa.JSON(), nullable=True)
            )
    if op.get_bind().dialect.name == "sqlite":
        _drop_full_text()
        for statement in FULL_TEXT:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _drop_full_text()
    for table in ("kitsu_local_sync_remote", "kitsu_local_sync_conflict", "kitsu_local_sync_base"):
        op.drop_table(table)


def _drop_full_text() -> None:
    for fts in ("entity_fts", "person_fts"):
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {fts}")
    op.execute("DROP VIEW IF EXISTS entity_fts_source")
