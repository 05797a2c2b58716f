"""The schema's history, managed by Alembic: ``versions/`` holds one revision per schema change,
from ``0001_first_release`` (the schema of the first release, git commit 2f2ef40) to ``HEAD``.

``services/migrate.py`` runs them at start-up. Nothing here imports Alembic until a revision has
to run: a database at ``HEAD`` costs one ``SELECT version_num``. There is no ``alembic.ini``:
``alembic_config()`` builds the configuration. To draft a new revision against a scratch
database at head (then read it and fix it by hand; bump ``HEAD``)::

    KITSU_LOCAL_DATA_DIR=/tmp/scratch .venv/bin/kitsu-local init-db
    KITSU_LOCAL_DATA_DIR=/tmp/scratch .venv/bin/python -m kitsu_local.migrations \\
        revision --autogenerate -m "what changes" --rev-id 0003_what_changes
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

FIRST_RELEASE = "0001_first_release"
HEAD = "0002_sync_and_full_text"  # the newest revision (tests/test_migrations.py checks it)
SCRIPT_LOCATION = Path(__file__).resolve().parent
# The SQLite FTS5 indexes of services/full_text.py and their shadow tables: not models, made
# by the revisions with op.execute; autogenerate and the schema checks leave them alone.
FULL_TEXT_PREFIXES = ("entity_fts", "person_fts")


def alembic_config(connection: Any = None, url: str | None = None) -> Any:
    """Alembic's configuration without a file: the revisions of this package, run on
    ``connection`` (a SQLAlchemy Connection, inside the caller's transaction) or on ``url``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any):
    """Alembic's filter for autogenerate: a reflected table without a model is reported,
    unless it is a full-text index (or one of its shadow tables)."""
    if type_ == "table" and reflected and compare_to is None:
        return not (name or "").startswith(FULL_TEXT_PREFIXES)
    return True
