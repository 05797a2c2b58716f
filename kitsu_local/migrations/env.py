"""Alembic's environment: runs the revisions on the connection handed over in
``config.attributes["connection"]`` (``services/migrate.py``: the app's engine, inside its write
transaction, which commits or rolls back every revision together), or on ``sqlalchemy.url``
(``python -m kitsu_local.migrations``). Online only: there is no ``--sql`` mode."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine, pool

from kitsu_local.migrations import include_object
from kitsu_local.models import metadata


def run(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,  # SQLite alters most tables by copying them
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("kitsu-local migrations run online only (no --sql)")
given = context.config.attributes.get("connection")
if given is not None:
    run(given)
else:
    engine = create_engine(
        context.config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool
    )
    with engine.begin() as connection:
        run(connection)
