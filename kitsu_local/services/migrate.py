"""The schema at start-up (issue 11, points 5 and 6): ``prepare_schema`` brings the database to
the newest revision of ``migrations/`` (Alembic) before anything reads it.

- At head: one ``SELECT version_num FROM alembic_version`` and nothing else (Alembic is not
  even imported).
- Empty: made at head (``create_all`` of the models and the full-text indexes of
  ``full_text.py``), then stamped.
- Older (an earlier revision, or tables without a version: the first release, which had no
  migrations): copied to ``<data dir>/backups/kitsu-<revision>-<UTC stamp>.db`` with SQLite's
  online backup API, then upgraded in place. The copy and every revision run under one write
  transaction (``Database.schema_change``): a failed upgrade leaves the database as it was, and
  a second process starting at the same time waits, then finds the work done.
- Newer than this build (made by a later kitsu-local): refused, nothing is changed.

Rolling back an upgrade is restoring the copy (stop the server, put it in place of
``kitsu.db``, delete ``kitsu.db-wal`` and ``kitsu.db-shm`` if they are there). Zou upgrades with ``zou upgrade-db`` (Alembic too), by hand; kitsu-local does it
on start because nobody runs a command on a desktop app.
"""

from __future__ import annotations

import datetime
import logging
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from ..app_state import AppState
from ..db import Database
from ..migrations import FIRST_RELEASE, HEAD, alembic_config
from ..models import metadata
from ..models.base import with_postgresql_conditions
from .full_text import create_full_text

log = logging.getLogger(__name__)

VERSION_QUERY = "SELECT version_num FROM alembic_version"
BACKUP_FOLDER = "backups"


class SchemaTooNew(RuntimeError):
    """The database was upgraded by a later kitsu-local than this one."""


@dataclass
class SchemaChange:
    """What ``prepare_schema`` did: ``current`` (nothing), ``created`` or ``upgraded``."""

    action: str
    revision: str  # the revision the database is at now
    previous: str | None = None  # the one it was at before an upgrade
    backup: Path | None = None  # the copy made before it (SQLite files only)


async def prepare_schema(state: AppState) -> SchemaChange:
    if await current_revision(state.db) == HEAD:
        return SchemaChange("current", HEAD)
    backups = state.settings.data_dir / BACKUP_FOLDER
    async with state.db.schema_change() as conn:
        change = await conn.run_sync(_bring_to_head, backups)
    if change.action == "upgraded":
        log.warning(
            "database upgraded from %s to %s (the old one is kept in %s)",
            change.previous,
            change.revision,
            change.backup or "no copy: not a SQLite file",
        )
    return change


async def current_revision(db: Database) -> str | None:
    """The database's revision, or None when it has none (empty, or the first release)."""
    async with db.read() as conn:
        try:
            return (await conn.exec_driver_sql(VERSION_QUERY)).scalar()
        except DBAPIError:  # no alembic_version table
            return None


def backup_database(source: Path, folder: Path, revision: str) -> Path:
    """A consistent copy of a live SQLite file (the online backup API: WAL content included,
    other connections may keep reading), written under a temporary name then renamed."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = folder / f"kitsu-{revision}-{stamp}.db"
    partial = target.with_suffix(".db.part")
    with closing(sqlite3.connect(source)) as old, closing(sqlite3.connect(partial)) as copy:
        old.backup(copy)
    partial.replace(target)
    return target


def _bring_to_head(conn: Connection, backups: Path) -> SchemaChange:
    revision = _revision(conn)  # again, under the write lock: another process may have done it
    if revision == HEAD:
        return SchemaChange("current", HEAD)
    from alembic import command
    from alembic.script import ScriptDirectory

    config = alembic_config(conn)
    if revision is None and not set(inspect(conn).get_table_names()) - {"alembic_version"}:
        if conn.dialect.name == "postgresql":
            with_postgresql_conditions(metadata)
        metadata.create_all(conn)
        create_full_text(conn)
        command.stamp(config, HEAD)
        return SchemaChange("created", HEAD)
    previous = revision or FIRST_RELEASE
    if not _is_known(ScriptDirectory.from_config(config), previous):
        raise SchemaTooNew(
            f"The database is at revision {previous}, made by a later kitsu-local than this"
            f" one (which knows revisions up to {HEAD}): run the later version, or restore a"
            f" copy from {backups}."
        )
    backup = None
    path = conn.engine.url.database
    if conn.dialect.name == "sqlite" and path and path != ":memory:":
        backup = backup_database(Path(path), backups, previous)
    if revision is None:
        command.stamp(config, FIRST_RELEASE)
    command.upgrade(config, "head")
    return SchemaChange("upgraded", HEAD, previous, backup)


def _revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.exec_driver_sql(VERSION_QUERY).scalar()


def _is_known(script: Any, revision: str) -> bool:
    from alembic.script.revision import ResolutionError
    from alembic.util import CommandError

    try:
        return script.get_revision(revision) is not None
    except (CommandError, ResolutionError):
        return False
