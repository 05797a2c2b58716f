"""``python -m kitsu_local.migrations <alembic command>``: Alembic's command line on the
database of the settings (``KITSU_LOCAL_DATA_DIR`` / ``KITSU_LOCAL_DATABASE_URL``), for
drafting revisions (``revision --autogenerate``), ``history``, ``current`` or ``check``."""

from __future__ import annotations

import sys

from ..settings import Settings
from . import alembic_config


def main(argv: list[str]) -> None:
    from alembic.config import CommandLine

    url = Settings().resolved_database_url.replace("+aiosqlite", "").replace("+asyncpg", "")
    cli = CommandLine(prog="python -m kitsu_local.migrations")
    options = cli.parser.parse_args(argv)
    if not hasattr(options, "cmd"):
        cli.parser.error("too few arguments")
    cli.run_cmd(alembic_config(url=url), options)


if __name__ == "__main__":
    main(sys.argv[1:])
