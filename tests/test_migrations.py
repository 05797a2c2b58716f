"""Schema migrations (issue 11, point 6; ``services/migrate.py``, ``migrations/``): a database
made by the first release (``tests/data/first_release.db``, rebuilt by
``tests/data/make_first_release_db.py``) is upgraded in place by ``init-db`` and by ``serve``,
after a copy, and every row is found again; a current database costs one query; the models and
the migrated schema are the same, so no model changes without a revision."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import gazu
import pytest
from sqlalchemy import create_engine

from kitsu_local.migrations import FIRST_RELEASE, HEAD, alembic_config, include_object
from kitsu_local.models import metadata

from .support.api import Api
from .support.server import ADMIN_EMAIL, ADMIN_PASSWORD, Server, cli

DATA = Path(__file__).resolve().parent / "data"
FIRST_RELEASE_DB = DATA / "first_release.db"
NEW_TABLES = {"kitsu_local_sync_base", "kitsu_local_sync_conflict", "kitsu_local_sync_remote"}


@pytest.fixture
def old_data_dir(tmp_path: Path) -> Path:
    """A data dir holding a copy of the first release's database."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copyfile(FIRST_RELEASE_DB, data_dir / "kitsu.db")
    return data_dir


def test_init_db_upgrades_the_first_release_and_keeps_every_row(old_data_dir: Path):
    env = Server(old_data_dir).env
    result = cli("init-db", env=env)
    backups = list((old_data_dir / "backups").iterdir())
    assert [path.name[: len(f"kitsu-{FIRST_RELEASE}-")] for path in backups] == [
        f"kitsu-{FIRST_RELEASE}-"
    ]
    assert f"upgraded from {FIRST_RELEASE} to {HEAD}" in result.stdout
    assert str(backups[0]) in result.stdout
    assert revision(old_data_dir / "kitsu.db") == HEAD
    # the copy is the old database, row for row (and still without a version)
    assert dump(backups[0]) == dump(FIRST_RELEASE_DB)
    assert revision(backups[0]) is None
    # every table of the first release, every row, every field
    expected = json.loads((DATA / "first_release_counts.json").read_text())
    assert table_rows(FIRST_RELEASE_DB).keys() == expected.keys()
    with closing(sqlite3.connect(FIRST_RELEASE_DB)) as db:
        columns = {name: table_columns(db, name) for name in expected}
    old = table_rows(FIRST_RELEASE_DB)
    new = table_rows(old_data_dir / "kitsu.db", columns)
    assert {name: len(found) for name, found in old.items()} == expected
    for name, rows in old.items():
        assert new[name] == rows, name
    assert set(new) - set(old) == NEW_TABLES | {"alembic_version"}
    assert all(new[name] == [] for name in NEW_TABLES)
    # a second run finds the database current: no upgrade, no second copy
    again = cli("init-db", env=env)
    assert "upgraded" not in again.stdout and f"({HEAD})" in again.stdout
    assert len(list((old_data_dir / "backups").iterdir())) == 1


def test_serve_upgrades_the_first_release_and_answers_on_its_data(old_data_dir: Path):
    server = Server(old_data_dir).start(admin=False)  # the admin is in the old database
    try:
        assert revision(old_data_dir / "kitsu.db") == HEAD
        assert len(list((old_data_dir / "backups").iterdir())) == 1
        client = gazu.client.create_client(server.api)
        gazu.log_in(ADMIN_EMAIL, ADMIN_PASSWORD, client=client)
        kw = {"client": client}
        projects = {p["name"]: p for p in gazu.project.all_projects(**kw)}
        assert set(projects) == {"Big Buck Bunny", "Short Film"}
        show = projects["Big Buck Bunny"]
        shots = gazu.shot.all_shots_for_project(show, **kw)
        assert len(shots) == 12
        assert {s["name"] for s in shots} == {"SH001", "SH002", "SH003"}
        assert [e["name"] for e in gazu.shot.all_episodes_for_project(show, **kw)] == [
            "E01",
            "E02",
        ]
        assets = {a["name"]: a for a in gazu.asset.all_assets_for_project(show, **kw)}
        assert set(assets) == {"Bunny", "Squirrel", "Apple"}
        assert len(gazu.casting.get_asset_cast_in(assets["Bunny"], **kw)) == 4
        first = next(
            task
            for task in gazu.task.all_tasks_for_project(show, **kw)
            if any(
                c["text"] == "Started the blocking"
                for c in gazu.task.all_comments_for_task(task, **kw)
            )
        )
        comments = gazu.task.all_comments_for_task(first, **kw)
        with_preview = next(c for c in comments if c["previews"])
        preview = gazu.files.get_preview_file(with_preview["previews"][0]["id"], **kw)
        assert preview["status"] == "ready" and preview["extension"] == "png"
        assert gazu.task.get_task(first["id"], **kw)["assignees"]
        # the full-text index was built by the migration from the old rows
        api = Api(server.api)
        api.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        found = api.ok("POST", "/data/search", json={"query": "bunny", "index_names": ["assets"]})
        assert [hit["name"] for hit in found["assets"]] == ["Bunny"]
        # the artist's session, notifications and time sheet of before
        artist = Api(server.api)
        artist.login("alice@example.com", "artist-password")
        notifications = artist.ok("GET", "/data/user/notifications")
        assert notifications and any(n["read"] for n in notifications)
        assert len(artist.ok("GET", "/data/user/time-spents")) == 2
        gazu.log_out(client=client)
    finally:
        server.stop()
    assert "database upgraded from 0001_first_release" in server.log()
    assert "Traceback" not in server.log()


def test_a_current_database_costs_one_query_and_no_alembic(tmp_path: Path):
    # what serve does before it listens (prepare_database): one read, no write, no alembic
    env = Server(tmp_path).env
    cli("init-db", env=env)
    probe = (
        "import asyncio, json, sys\n"
        "from sqlalchemy import event\n"
        "from kitsu_local.app_state import AppState\n"
        "from kitsu_local.services.init_data import prepare_database\n"
        "from kitsu_local.settings import Settings\n"
        "state = AppState.from_settings(Settings())\n"
        "seen = []\n"
        "event.listen(state.db.engine.sync_engine, 'before_cursor_execute',\n"
        "             lambda conn, cursor, statement, *rest: seen.append(statement))\n"
        "change = asyncio.run(prepare_database(state))\n"
        "print(json.dumps([change.action, seen, 'alembic' in sys.modules]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    action, statements, alembic_imported = json.loads(result.stdout)
    assert action == "current"
    assert statements == ["BEGIN", "SELECT version_num FROM alembic_version"]  # a read
    assert not alembic_imported


def test_a_deleted_default_stays_deleted_until_init_db(tmp_path: Path):
    env = Server(tmp_path).env
    cli("init-db", env=env)
    query = "SELECT count(*) FROM task_status WHERE short_name = 'wfa'"
    with closing(sqlite3.connect(tmp_path / "kitsu.db")) as db, db:
        assert db.execute(query).fetchone() == (1,)
        db.execute("DELETE FROM task_status WHERE short_name = 'wfa'")
    server = Server(tmp_path).start()  # a start on a current schema fills nothing
    server.stop()
    with closing(sqlite3.connect(tmp_path / "kitsu.db")) as db:
        assert db.execute(query).fetchone() == (0,)
    cli("init-db", env=env)  # puts back what is missing
    with closing(sqlite3.connect(tmp_path / "kitsu.db")) as db:
        assert db.execute(query).fetchone() == (1,)


def test_a_fresh_data_dir_is_made_at_head(tmp_path: Path):
    result = cli("init-db", env=Server(tmp_path).env)
    assert revision(tmp_path / "kitsu.db") == HEAD
    assert "upgraded" not in result.stdout
    assert not (tmp_path / "backups").exists()


def test_a_database_of_a_later_version_is_refused(old_data_dir: Path):
    env = Server(old_data_dir).env
    cli("init-db", env=env)
    with closing(sqlite3.connect(old_data_dir / "kitsu.db")) as db:
        db.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
        db.commit()
    before = dump(old_data_dir / "kitsu.db")
    result = subprocess.run(
        [sys.executable, "-m", "kitsu_local", "init-db"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "9999_from_the_future" in result.stderr and "Traceback" not in result.stderr
    assert dump(old_data_dir / "kitsu.db") == before
    assert len(list((old_data_dir / "backups").iterdir())) == 1  # the first upgrade's only


def test_models_and_migrated_schema_match(old_data_dir: Path, tmp_path: Path):
    """``alembic check``: the first release upgraded to head has the schema a new database
    gets from the models (tables, columns with type, nullability, default and key, indexes,
    foreign keys; on SQLite the full-text views, virtual tables and triggers too)."""
    cli("init-db", env=Server(old_data_dir).env)
    fresh = tmp_path / "fresh"
    cli("init-db", env=Server(fresh).env)
    migrated, made = schema(old_data_dir / "kitsu.db"), schema(fresh / "kitsu.db")
    assert migrated.keys() == made.keys()
    for name in made:
        assert migrated[name] == made[name], name
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = create_engine(f"sqlite:///{old_data_dir / 'kitsu.db'}")
    with engine.connect() as conn:
        options = {"compare_type": True, "include_object": include_object}
        context = MigrationContext.configure(conn, opts=options)
        assert compare_metadata(context, metadata) == []
    engine.dispose()


def test_head_is_the_newest_revision():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_heads() == [HEAD]
    assert script.get_base() == FIRST_RELEASE


# ==== helpers ================================================================================
def revision(path: Path) -> str | None:
    with closing(sqlite3.connect(path)) as db:
        try:
            return db.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        except sqlite3.OperationalError:
            return None


def dump(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as db:
        return list(db.iterdump())


def table_rows(path: Path, columns: dict[str, list[str]] | None = None) -> dict[str, list]:
    """Every row of every table (FTS shadow tables left out), sorted, as tuples of the table's
    columns (or of the ones ``columns`` names: a table's columns before an upgrade)."""
    with closing(sqlite3.connect(path)) as db:
        names = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE '%_fts_%'"
            )
        ]
        found = {}
        for name in names:
            wanted = (columns or {}).get(name) or table_columns(db, name)
            listed = ", ".join(f'"{column}"' for column in wanted)
            found[name] = sorted(db.execute(f'SELECT {listed} FROM "{name}"'), key=repr)
        return found


def table_columns(db: sqlite3.Connection, name: str) -> list[str]:
    return [row[1] for row in db.execute(f'PRAGMA table_info("{name}")')]


def schema(path: Path) -> dict[str, object]:
    """Each table's columns, indexes and foreign keys as SQLite reports them, and the SQL of
    the other objects (views, virtual tables, triggers), by name."""
    found: dict[str, object] = {}
    with closing(sqlite3.connect(path)) as db:
        objects = db.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchall()
        for kind, name, sql in objects:
            if kind == "table" and not sql.startswith("CREATE VIRTUAL") and "_fts_" not in name:
                found[name] = {
                    # by name: a column added by a migration comes last, the model's may not
                    "columns": sorted(
                        row[1:] for row in db.execute(f'PRAGMA table_info("{name}")')
                    ),
                    "indexes": sorted(
                        (index[1], index[2], index[3], _index_columns(db, index[1]))
                        for index in db.execute(f'PRAGMA index_list("{name}")')
                    ),
                    "foreign_keys": sorted(
                        db.execute(f'PRAGMA foreign_key_list("{name}")').fetchall()
                    ),
                }
            elif kind in ("view", "trigger") or (kind == "table" and "_fts_" not in name):
                found[f"{kind} {name}"] = sql
    return found


def _index_columns(db: sqlite3.Connection, index: str) -> list[str]:
    return [row[2] for row in db.execute(f'PRAGMA index_info("{index}")')]
