"""``kitsu-local sync pull/push/status/resolve``: two-way sync with a remote (docs/sync.md).

Long runs draw a progress bar (rich) on the terminal; ``--json`` prints the run's summary
instead (counts per kind, errors, conflicts, files, seconds).
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import click

from ..settings import Settings


class RichProgress:
    """The engine's ``Progress`` drawn with rich: one bar per stage, with counts and an ETA."""

    def __init__(self) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeRemainingColumn(), transient=False,
        )  # fmt: skip
        self.task: Any = None

    def __enter__(self) -> RichProgress:
        self.bar.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.bar.stop()

    def stage(self, label: str, total: int | None = None) -> None:
        if self.task is not None:
            self.bar.update(self.task, completed=self.bar.tasks[-1].total or 0)
        self.task = self.bar.add_task(label, total=total)

    def advance(self, count: int = 1) -> None:
        if self.task is not None:
            self.bar.advance(self.task, count)

    def note(self, message: str) -> None:
        self.bar.console.print(f"[yellow]{message}[/yellow]")


def _run(work: Any, as_json: bool) -> dict[str, Any]:
    from ..sync.remote import RemoteError, RemoteUnavailable
    from ..sync.remotes import UnknownRemote

    try:
        if as_json or not sys.stderr.isatty():
            summary = asyncio.run(work(None))
        else:
            with RichProgress() as progress:
                summary = asyncio.run(work(progress))
    except UnknownRemote as error:
        raise click.ClickException(str(error.args[0] if error.args else error)) from None
    except RemoteUnavailable as error:
        raise click.ClickException(
            f"cannot reach the remote ({error.message}). Nothing is lost: local work stays "
            "here and the command picks up where it stopped when the remote answers again"
        ) from None
    except RemoteError as error:
        raise click.ClickException(
            f"the remote answered {error.status or 'nothing'} on {error.path}: the run stopped "
            "and resumes where it stopped next time"
        ) from None
    return summary.as_dict()


def _print_summary(summary: dict[str, Any], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(summary, indent=2))
        return
    click.echo(f"{summary['direction']} {summary['remote']}: done in {summary['seconds']} s")
    for kind, counts in sorted(summary["counts"].items()):
        click.echo(f"  {kind}: " + ", ".join(f"{n} {action}" for action, n in counts.items()))
    if summary["files"]:
        click.echo(f"  files: {summary['files']}")
    for error in summary["errors"]:
        click.echo(f"  not synced: {error}")
    if summary["conflicts"]:
        click.echo(f"  {summary['conflicts']} conflict(s): see `kitsu-local sync status`")


@click.group()
def sync() -> None:
    """Bring a remote's work here, send local work there, and settle conflicts."""


@sync.command()
@click.argument("name")
@click.option("--project", "projects", multiple=True, help="A project name or id (repeatable).")
@click.option("--full", is_flag=True, help="Read every listing again, not only the changes.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def pull(name: str, projects: tuple[str, ...], full: bool, as_json: bool) -> None:
    """Bring the remote's work here (everything the first time, then the changes)."""
    from ..sync.pull import pull as run_pull

    settings = Settings()
    summary = _run(lambda progress: run_pull(settings, name, projects, full=full,
                                             progress=progress), as_json)  # fmt: skip
    _print_summary(summary, as_json)


@sync.command()
@click.argument("name")
@click.option("--project", "projects", multiple=True, help="A project name or id (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def push(name: str, projects: tuple[str, ...], as_json: bool) -> None:
    """Send local creations, changes, deletions, comments and previews to the remote."""
    from ..sync.push import push as run_push

    settings = Settings()
    summary = _run(lambda progress: run_push(settings, name, projects, progress=progress), as_json)
    _print_summary(summary, as_json)


@sync.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status(name: str, as_json: bool) -> None:
    """Last pull and push, what waits to be pushed, and the open conflicts (one a line)."""
    from ..sync.status import sync_status

    report = asyncio.run(sync_status(Settings(), name))
    if as_json:
        click.echo(json.dumps(report, indent=2, default=str))
        return
    click.echo(f"remote {name}")
    click.echo(f"  last pull: {report['last_pull_at'] or 'never'}")
    click.echo(f"  last push: {report['last_push_at'] or 'never'}")
    if report["pull_interrupted"]:
        click.echo("  a pull stopped before the end: the next pull resumes it")
    pending = report["pending"]
    if pending:
        click.echo("  waiting to be pushed:")
        for kind, counts in sorted(pending.items()):
            click.echo(f"    {kind}: " + ", ".join(f"{n} {a}" for a, n in counts.items()))
    else:
        click.echo("  nothing waiting to be pushed")
    for conflict in report["conflicts"]:
        click.echo(
            f"conflict {conflict['id']} {conflict['kind']} {conflict['record_id']} "
            f"{conflict['label'] or ''} field {conflict['field_name']}: "
            f"local={json.dumps(conflict['local_value'])} "
            f"remote={json.dumps(conflict['remote_value'])}"
        )


@sync.command()
@click.argument("name")
@click.argument("conflict_id")
@click.option("--keep", type=click.Choice(["local", "remote"]), required=True)
def resolve(name: str, conflict_id: str, keep: str) -> None:
    """Settle a conflict: keep the local value (sent at the next push) or the remote one."""
    from ..sync.status import resolve_conflict

    try:
        message = asyncio.run(resolve_conflict(Settings(), name, conflict_id, keep))
    except LookupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(message)
