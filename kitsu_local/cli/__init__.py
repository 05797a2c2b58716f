"""The ``kitsu-local`` command: serve, init-db, create-admin, routes, version; ``remote`` and
``sync`` (the sync with a central Kitsu, issue 9) live in ``cli/remote.py`` and ``cli/sync.py``.

Settings come from ``KITSU_LOCAL_*`` environment variables (see ``settings.py``); ``serve``
creates and initialises the database when it is missing.
"""

from __future__ import annotations

import asyncio
import gc
import sys

import click

from .. import ZOU_COMPATIBLE_VERSION, __version__
from ..settings import Settings

KEEP_ALIVE_SECONDS = 75  # as common reverse proxies


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(context: click.Context) -> None:
    """kitsu-local: the Kitsu (Zou) API on one machine."""
    from .. import registry

    if context.invoked_subcommand != "serve":
        gc.enable()  # off while the program loads (__main__.py); serve enables it once up

    registry.install()  # the services' look-up of models, before any command runs them


@main.command()
@click.option("--host", default=None, help="Interface to listen on (default 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port to listen on (default 8080).")
@click.option("--log-level", default="info", show_default=True)
def serve(host: str | None, port: int | None, log_level: str) -> None:
    """Serve the API (under /api) and the web UI (at /) with uvicorn, in one process."""
    import uvicorn

    from ..app import create_server_app

    settings = Settings()
    host = host or settings.host
    port = port or settings.port
    click.echo(f"kitsu-local {__version__}: data in {settings.data_dir}")
    click.echo(f"API on http://{host}:{port}/api")
    uvicorn.run(
        create_server_app(settings),
        host=host,
        port=port,
        log_level=log_level,
        lifespan="on",
        # Clients such as gazu keep their connection between calls a few seconds apart: with
        # uvicorn's 5 s default, a request may meet a connection the server just closed.
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )


@main.command("init-db")
def init_db() -> None:
    """Create the database (if missing) or upgrade it (a copy kept in <data dir>/backups), and
    fill Zou's default data."""
    from ..app_state import AppState
    from ..services.init_data import prepare_database
    from ..services.migrate import SchemaChange, SchemaTooNew

    state = AppState.from_settings(Settings())

    async def run() -> SchemaChange:
        try:
            return await prepare_database(state, fill=True)
        finally:
            await state.db.dispose()

    try:
        change = asyncio.run(run())
    except SchemaTooNew as error:
        raise click.ClickException(str(error)) from None
    if change.action == "upgraded":
        kept = f", the old one is kept as {change.backup}" if change.backup else ""
        click.echo(f"Database upgraded from {change.previous} to {change.revision}{kept}.")
    click.echo(f"Database ready: {state.settings.resolved_database_url} ({change.revision})")


@main.command("create-admin")
@click.argument("email")
@click.option("--password", required=True, help="At least 8 characters.")
@click.option("--first-name", default="Super", show_default=True)
@click.option("--last-name", default="Admin", show_default=True)
def create_admin(email: str, password: str, first_name: str, last_name: str) -> None:
    """Create a studio admin, or make an existing person admin with this password."""
    from ..services.admin import create_or_update_admin

    try:
        created = asyncio.run(
            create_or_update_admin(Settings(), email, password, first_name, last_name)
        )
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Admin {email} {'created' if created else 'updated'}.")


@main.command()
@click.option("--missing", is_flag=True, help="List the catalogue endpoints not served yet.")
def routes(missing: bool) -> None:
    """Compare the served routes with the API catalogue (675 endpoints)."""
    from ..coverage import coverage_report

    report = coverage_report()
    click.echo(report.render(show_missing=missing))


@main.command()
def version() -> None:
    """Print the versions."""
    click.echo(f"kitsu-local {__version__} (Zou API {ZOU_COMPATIBLE_VERSION})")


def _add_groups() -> None:
    from .remote import remote
    from .sync import sync

    main.add_command(remote)
    main.add_command(sync)


_add_groups()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
