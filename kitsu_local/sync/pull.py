"""``kitsu-local sync pull``: bring the remote's work here.

The first pull (or ``--full``) reads every kind through the remote's listings, in dependency
order, project by project, page by page; each page is merged and checkpointed in one
transaction, so a killed pull resumes where it stopped. Records the remote no longer lists are
deleted here (unless changed here: then a conflict). The remote's event log position is read
before the listings, and later pulls start from it: ``/data/events/last?after=`` says which
records changed or went, and only those are read again (casting changes re-read the project's
casting links). Files follow their records (``files.py``).
"""

from __future__ import annotations

import datetime
from dataclasses import replace
from typing import Any

from .. import rows
from ..context import Ctx
from ..models import PreviewFile
from ..models.base import utc_now
from ..settings import Settings
from . import files, local, state
from .engine import Progress, Run, Summary, merge_batch, open_run, read_remote
from .kinds import BY_PREFIX, BY_ROUTE, KINDS, PROJECT, STUDIO, Kind
from .merge import differs
from .remote import RemoteDenied

EVENT_PAGE = 1000
CURSOR_SLACK = datetime.timedelta(seconds=1)  # /events/last?after= has second precision


async def pull(
    settings: Settings, name: str, projects: tuple[str, ...] = (), *, full: bool = False,
    progress: Progress | None = None,
) -> Summary:  # fmt: skip
    async with open_run(settings, name, "pull", progress) as run:
        async with run.app.db.write() as conn:
            remote_state = await state.remote_state(conn, name)
        checkpoint = remote_state.get("pull_checkpoint")
        if full or remote_state.get("event_cursor") is None or checkpoint:
            await _full(run, projects, checkpoint)
        else:
            await _incremental(
                run, projects, remote_state["event_cursor"], remote_state["cursor_event_ids"] or []
            )
    return run.summary


# ==== full pull ===============================================================================
async def _full(run: Run, wanted: tuple[str, ...], checkpoint: dict | None) -> None:
    """Every kind through its listing. ``checkpoint``: where a killed run stopped (the steps
    done, its event cursor and start time, kept so that deletions are still detected)."""
    if checkpoint:
        started_at = datetime.datetime.fromisoformat(checkpoint["started_at"])
        cursor = checkpoint["cursor"]
        done = set(checkpoint["done"])
    else:
        started_at, cursor, done = run.started_at, await _log_position(run), set()
        await _checkpoint(run, started_at, cursor, done)
    project_ids = await _projects(run, wanted)
    steps = [(kind, None) for kind in KINDS if kind.scope == STUDIO]
    steps += [(kind, project) for project in project_ids for kind in KINDS if kind.scope == PROJECT]
    run.progress.stage("pull", len(steps))
    for kind, project_id in steps:
        step = f"{kind.route}:{project_id or ''}"
        if step not in done:
            await _pull_kind(run, kind, project_id, started_at)
            done.add(step)
            await _checkpoint(run, started_at, cursor, done)
        run.progress.advance()
    await _apply_deferred(run)
    await files.pull_files(run, project_ids)
    async with run.app.db.write() as conn:
        await state.set_remote_state(
            conn, run.remote, event_cursor=cursor, last_pull_at=utc_now(), pull_checkpoint=None
        )


async def _checkpoint(
    run: Run, started_at: datetime.datetime, cursor: str | None, done: set
) -> None:
    async with run.app.db.write() as conn:
        await state.set_remote_state(
            conn, run.remote, pull_checkpoint={
                "started_at": started_at.isoformat(), "cursor": cursor, "done": sorted(done)},
        )  # fmt: skip


async def _log_position(run: Run) -> str | None:
    """The created_at of the remote's newest event ("" for an empty log; None when the log is
    not this account's to read: Zou keeps it for admins, and every pull is then a full one)."""
    try:
        newest = await run.client.get("/data/events/last", {"limit": 1})
    except RemoteDenied:
        run.progress.note("the remote's event log is for admins: this pull reads every listing")
        return None
    return newest[0]["created_at"] if newest else ""


async def _projects(run: Run, wanted: tuple[str, ...]) -> list[str]:
    """The remote projects to pull: those named (by name or id), else every one it shows."""
    found = await run.client.get("/data/projects")
    if not wanted:
        return [project["id"] for project in found]
    chosen = []
    for name in wanted:
        match = [
            p for p in found if name in (p["id"], p["name"]) or p["name"].lower() == name.lower()
        ]
        if not match:
            run.error(f"project {name!r}: not on the remote (or not visible to this account)")
        chosen += [project["id"] for project in match]
    return list(dict.fromkeys(chosen))


async def _listing(run: Run, kind: Kind, project_id: str | None) -> list[dict[str, Any]]:
    path = kind.listing.replace("{p}", project_id or "")
    path, _, query = path.partition("?")
    params = dict(item.split("=", 1) for item in query.split("&") if item)
    records: list[dict[str, Any]] = []
    try:
        if kind.paged:
            async for page in run.client.get_pages(path, params):
                records += page
        else:
            answer = await run.client.get(path, params)
            records = answer["data"] if isinstance(answer, dict) else answer
    except RemoteDenied as error:
        run.error(f"{kind.route} of project {project_id}: refused by the remote ({error.status})")
        raise _Skipped from None
    if kind.route == "projects" and project_id:
        records = [record for record in records if record["id"] == project_id]
    return records


class _Skipped(Exception):
    pass


async def _pull_kind(
    run: Run, kind: Kind, project_id: str | None, started_at: datetime.datetime
) -> None:
    try:
        records = await _listing(run, kind, project_id)
    except _Skipped:
        return
    if kind.route == "entities":
        records = _parents_first(records)
    for start in range(0, len(records), 500):
        async with run.app.db.write() as conn:
            ctx = Ctx(conn=conn, state=run.app)
            await merge_batch(run, ctx, kind, records[start : start + 500], project_id)
    async with run.app.db.write() as conn:
        ctx = Ctx(conn=conn, state=run.app)
        gone = await state.unseen_since(conn, run.remote, kind.route, project_id, started_at)
        await remote_deletions(run, ctx, kind, gone, project_id)


def _parents_first(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entities ordered so that a parent (episode, sequence) comes before its children."""
    by_id = {record["id"]: record for record in records}
    depth: dict[str, int] = {}

    def level(record_id: str, seen: tuple[str, ...] = ()) -> int:
        if record_id in depth:
            return depth[record_id]
        parent = by_id[record_id].get("parent_id")
        value = (
            0 if parent not in by_id or parent in seen else level(parent, (*seen, record_id)) + 1
        )
        depth[record_id] = value
        return value

    return sorted(records, key=lambda record: level(record["id"]))


async def remote_deletions(
    run: Run, ctx: Ctx, kind: Kind, ids: list[str], project_id: str | None
) -> None:
    """Records the remote deleted: deleted here too, unless changed here since the last sync
    (a conflict, the local copy kept)."""
    if not ids:
        return
    base_copies = await state.bases(ctx.conn, run.remote, kind.route, ids)
    local_copies = await local.read(ctx, kind, ids)
    dropped = []
    for record_id in ids:
        mine = local_copies.get(record_id)
        if mine is not None and differs(mine, base_copies.get(record_id)):
            await state.record_conflict(
                ctx.conn, run.remote, kind.route, record_id, project_id, state.DELETED,
                "changed", "deleted", None, None,
            )  # fmt: skip
            run.summary.conflicts += 1
            continue
        if mine is not None:
            async with ctx.conn.begin_nested():
                await local.delete(ctx, kind, record_id)
            run.summary.count(kind.route, "deleted")
        dropped.append(record_id)
    await state.drop_bases(ctx.conn, run.remote, kind.route, dropped)


async def _apply_deferred(run: Run) -> None:
    """Fields that waited for what they point at (an entity's preview): written now that the
    previews are here, as a remote change (local value and base both take it)."""
    for route, copies in run.deferred.items():
        kind = BY_ROUTE[route]
        async with run.app.db.write() as conn:
            ctx = Ctx(conn=conn, state=run.app)
            # What is still missing (a preview this account may not read) waits for a later
            # pull: written now, it would be dropped here and then pushed back as a removal.
            present = await rows.existing_ids(
                conn, PreviewFile, [copy.get("preview_file_id") for copy in copies.values()]
            )
            by_project: dict[str | None, list[dict[str, Any]]] = {}
            for copy in copies.values():
                if copy.get("preview_file_id") in present:
                    by_project.setdefault(copy.get("project_id"), []).append(copy)
            for project_id, batch in by_project.items():
                await merge_batch(run, ctx, _undeferred(kind), batch, project_id)
    run.deferred.clear()


def _undeferred(kind: Kind) -> Kind:
    return replace(kind, deferred=())


# ==== incremental pull ========================================================================
async def _incremental(run: Run, wanted: tuple[str, ...], cursor: str, seen: list[str]) -> None:
    project_ids = set(await _projects(run, wanted)) if wanted else None
    events = [event for event in await _events_since(run, cursor) if event["id"] not in seen]
    run.progress.stage("events", len(events))
    changed: dict[str, dict[str, str | None]] = {}  # kind -> {id: project}
    deleted: dict[str, dict[str, str | None]] = {}
    casting: set[str] = set()
    for event in events:
        prefix, _, action = event["name"].partition(":")
        kind = BY_PREFIX.get(prefix)
        project_id = event.get("project_id")
        if kind is None or (
            project_ids is not None and project_id and project_id not in project_ids
        ):
            continue
        if action == "casting-update" or kind.route == "entity-links":
            if project_id:
                casting.add(project_id)
            if kind.route == "entity-links":
                continue
        data = event.get("data") or {}
        record_id = next((data[key] for key in kind.id_keys if data.get(key)), None)
        if kind.route == "projects":
            record_id = record_id or project_id
        if not record_id:
            continue
        if action == "delete":
            deleted.setdefault(kind.route, {})[record_id] = project_id
            changed.get(kind.route, {}).pop(record_id, None)
        else:
            changed.setdefault(kind.route, {})[record_id] = project_id
    for kind in KINDS:
        await _refetch(run, kind, changed.get(kind.route, {}))
    for kind in reversed(KINDS):
        if kind.route in deleted:
            async with run.app.db.write() as conn:
                ctx = Ctx(conn=conn, state=run.app)
                for record_id, project_id in deleted[kind.route].items():
                    await remote_deletions(run, ctx, kind, [record_id], project_id)
    for project_id in sorted(casting):
        await _pull_kind(run, BY_ROUTE["entity-links"], project_id, utc_now())
    await _apply_deferred(run)
    await files.pull_files(run, None, changed.get("preview-files"), changed.get("attachment-files"))
    newest = events[-1]["created_at"] if events else cursor
    if events:  # the events the next pull reads again (its window starts a second earlier)
        since = (datetime.datetime.fromisoformat(newest[:19]) - CURSOR_SLACK).isoformat()
        seen = [event["id"] for event in events if event["created_at"][:19] >= since]
    async with run.app.db.write() as conn:
        await state.set_remote_state(
            conn, run.remote, event_cursor=newest, cursor_event_ids=seen, last_pull_at=utc_now()
        )


async def _events_since(run: Run, cursor: str) -> list[dict[str, Any]]:
    """The remote events after the cursor, oldest first, from a second before it (the route
    compares whole seconds: those already applied are skipped by id)."""
    params: dict[str, Any] = {"limit": EVENT_PAGE}
    if cursor:
        moment = datetime.datetime.fromisoformat(cursor) - CURSOR_SLACK
        params["after"] = moment.strftime("%Y-%m-%dT%H:%M:%S")
    found: list[dict[str, Any]] = []
    while True:
        page = await run.client.get("/data/events/last", params)
        found += page
        if len(page) < EVENT_PAGE:
            break
        params["cursor_event_id"] = page[-1]["id"]
    found.reverse()
    return found


async def _refetch(run: Run, kind: Kind, records: dict[str, str | None]) -> None:
    """Read changed records back and merge them; one missing from the answer was deleted since
    (its delete event comes later in the log) or is not this account's to see."""
    found, _refused = await read_remote(run, kind, list(records))
    fetched: dict[str | None, list[dict[str, Any]]] = {}
    for record_id, record in found.items():
        fetched.setdefault(records[record_id] if kind.scope == PROJECT else None, []).append(record)
    for project_id, batch in fetched.items():
        async with run.app.db.write() as conn:
            ctx = Ctx(conn=conn, state=run.app)
            owner = project_id
            if kind.scope == PROJECT and owner is None and batch:
                owner = await local.project_of(ctx, kind, batch[0])
            await merge_batch(run, ctx, kind, batch, owner)
