"""What a pull and a push share: the run (local database, remote client, progress, summary)
and the merge of one batch of remote records into the local database.

A batch is one transaction: the records, their new base copies, the conflicts found and the
checkpoint of the run are committed together. A record the database refuses (a person whose
e-mail another person has here) is reported and skipped: the rest of the batch goes on.
"""

from __future__ import annotations

import datetime
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from ..app_state import AppState
from ..context import Ctx
from ..errors import ApiError
from ..models.base import utc_now
from ..services.init_data import prepare_database
from ..settings import Settings
from . import local, remotes, state
from .kinds import Kind
from .merge import differs, three_way
from .remote import RemoteClient, RemoteDenied


class Progress:
    """What a long run reports; the CLI draws it with rich, tests and ``--json`` ignore it."""

    def stage(self, label: str, total: int | None = None) -> None: ...
    def advance(self, count: int = 1) -> None: ...
    def note(self, message: str) -> None: ...


@dataclass
class Summary:
    direction: str
    remote: str
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> {action: n}
    errors: list[str] = field(default_factory=list)
    conflicts: int = 0
    files: int = 0
    seconds: float = 0.0

    def count(self, kind: str, action: str, number: int = 1) -> None:
        if number:
            per_kind = self.counts.setdefault(kind, {})
            per_kind[action] = per_kind.get(action, 0) + number

    def as_dict(self) -> dict[str, Any]:
        return {
            "direction": self.direction, "remote": self.remote, "counts": self.counts,
            "errors": self.errors, "conflicts": self.conflicts, "files": self.files,
            "seconds": round(self.seconds, 3),
        }  # fmt: skip


@dataclass
class Run:
    app: AppState
    client: RemoteClient
    remote: str
    summary: Summary
    progress: Progress
    started_at: datetime.datetime
    # kind -> {record id: remote copy} whose deferred fields wait for what they point at
    deferred: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    def error(self, message: str) -> None:
        self.summary.errors.append(message)
        self.progress.note(message)


@asynccontextmanager
async def open_run(
    settings: Settings, remote: str, direction: str, progress: Progress | None
) -> AsyncIterator[Run]:
    """A pull's or a push's run: the local database (prepared), the remote's client, and the
    summary, timed; both are closed at the end, whatever happens."""
    started = time.monotonic()
    app = AppState.from_settings(settings)
    await prepare_database(app)
    client = await remotes.connect(settings, remote)
    run = Run(app, client, remote, Summary(direction, remote), progress or Progress(), utc_now())
    try:
        yield run
    finally:
        await client.aclose()
        await app.db.dispose()
        run.summary.seconds = time.monotonic() - started


REMOTE_READ_CHUNK = 50  # ids a request: the URL stays short


async def read_remote(
    run: Run, kind: Kind, ids: list[str]
) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """Records of the remote by id, 50 a request (``/data/<route>?id=[...]&relations=true``):
    ({id: record as the remote serialized it}, the ids it refused to show). An id missing from
    both was deleted there, or is not this account's to see."""
    found: dict[str, dict[str, Any]] = {}
    refused: set[str] = set()
    for start in range(0, len(ids), REMOTE_READ_CHUNK):
        chunk = ids[start : start + REMOTE_READ_CHUNK]
        try:
            answer = await run.client.get(
                f"/data/{kind.route}", {"id": json.dumps(chunk), "relations": "true"}
            )
        except RemoteDenied as error:
            run.error(f"{len(chunk)} {kind.route}: refused by the remote ({error.status})")
            refused.update(chunk)
            continue
        for record in answer if isinstance(answer, list) else ():
            if isinstance(record, dict) and record.get("id") in chunk:
                found[record["id"]] = record
        run.progress.advance(len(chunk))
    return found, refused


def label_of(kind: Kind, record: dict[str, Any]) -> str:
    name = record.get("name") or record.get("full_name") or record.get("text") or ""
    if not name and record.get("first_name"):
        name = f"{record.get('first_name')} {record.get('last_name') or ''}".strip()
    return f"{singular(kind.route)} {str(name)[:40]!r}"


def singular(route: str) -> str:
    """One record of a route, for people to read: entities -> entity, preview-files ->
    preview file, task-status -> task status."""
    words = route.split("-")
    last = words[-1]
    if last.endswith("ies"):
        last = last[:-3] + "y"
    elif last.endswith("s") and not last.endswith(("ss", "us")):
        last = last[:-1]
    return " ".join([*words[:-1], last])


async def merge_batch(
    run: Run, ctx: Ctx, kind: Kind, records: list[dict[str, Any]], project_id: str | None
) -> None:
    """Merge remote records (as the remote serialized them) into the local database, inside
    the caller's transaction."""
    remote_copies = {record["id"]: local.remote_canonical(kind, record) for record in records}
    ids = list(remote_copies)
    base_copies = await state.bases(ctx.conn, run.remote, kind.route, ids)
    local_copies = await local.read(ctx, kind, ids)
    open_fields = await state.conflicted_fields(ctx.conn, run.remote, kind.route, ids)
    new_bases: list[tuple[str, str | None, dict[str, Any]]] = []
    fresh: list[tuple[dict[str, Any], tuple]] = []  # (record to insert, its base copy)
    for record_id, theirs in remote_copies.items():
        base = base_copies.get(record_id)
        mine = local_copies.get(record_id)
        owner = project_id if kind.scope == "project" else None
        if mine is None and base is not None:
            # Deleted here since the last sync: a remote change is a conflict, else the
            # deletion waits for the next push. The base stays (stamped as seen: it must not
            # look deleted on the remote).
            if differs(base, theirs):
                await state.record_conflict(
                    ctx.conn, run.remote, kind.route, record_id, owner, state.DELETED,
                    "deleted", "changed", None, label_of(kind, theirs),
                )  # fmt: skip
                run.summary.conflicts += 1
            new_bases.append((record_id, owner, base))
            continue
        if mine is None and base is None:
            mine = await _adopt_twin(run, ctx, kind, theirs)
        if mine is None:
            merged_record, new_base, conflicts = theirs, theirs, {}
        else:
            merge = three_way(
                base, mine, theirs, open_conflicts=open_fields.get(record_id, set()),
                never_conflicts=kind.route == "comments", derived=kind.derived,
            )  # fmt: skip
            merged_record, new_base, conflicts = merge.merged, merge.base, merge.conflicts
        for field_name, (mine_value, theirs_value, was) in conflicts.items():
            await state.record_conflict(
                ctx.conn, run.remote, kind.route, record_id, owner, field_name,
                mine_value, theirs_value, was, label_of(kind, theirs),
            )  # fmt: skip
        run.summary.conflicts += len(conflicts)
        to_write = _deferred_out(kind, merged_record, mine)
        if kind.deferred:
            # The base says what is here: a deferred field the remote set waits for
            # ``apply_deferred`` (then it is a remote change like any other).
            new_base = dict(new_base)
            for name in kind.deferred:
                new_base[name] = to_write.get(name)
                if theirs.get(name) is not None and theirs.get(name) != to_write.get(name):
                    run.deferred.setdefault(kind.route, {})[record_id] = theirs
        if mine is None:
            fresh.append((to_write, (record_id, owner, new_base)))
            continue
        if differs(to_write, mine):
            # Only what changed (and the remote's stamps): unchanged lists are not rewritten.
            changed = {
                key: value for key, value in to_write.items()
                if key in ("id", "updated_at") or mine.get(key) != value
            }  # fmt: skip
            if not await _write_one(run, ctx, kind, changed):
                if base is not None:  # still there: seen, with the copy last agreed on
                    new_bases.append((record_id, owner, base))
                continue
            run.summary.count(kind.route, "updated")
        new_bases.append((record_id, owner, new_base))
    new_bases += await _write_new(run, ctx, kind, fresh)
    await state.save_bases(ctx.conn, run.remote, kind.route, new_bases)


async def _write_one(run: Run, ctx: Ctx, kind: Kind, record: dict[str, Any]) -> bool:
    """One record, in a savepoint: a refusal is reported and leaves the rest of the batch."""
    try:
        async with ctx.conn.begin_nested():
            await local.write(ctx, kind, record)
    except ApiError as error:
        run.error(f"{label_of(kind, record)} ({record['id']}) not written here: "
                  f"{error.body.get('message')}")  # fmt: skip
        return False
    return True


async def _write_new(
    run: Run, ctx: Ctx, kind: Kind, fresh: list[tuple[dict[str, Any], tuple]]
) -> list[tuple]:
    """Records new here: inserted together (a first pull's thousands of rows), else one by
    one when the database refuses one of them. Answers the base copies of those written."""
    if not fresh:
        return []
    try:
        async with ctx.conn.begin_nested():
            await local.write_new(ctx, kind, [record for record, _base in fresh])
        written = fresh
    except ApiError:
        written = [item for item in fresh if await _write_one(run, ctx, kind, item[0])]
    run.summary.count(kind.route, "created", len(written))
    return [base for _record, base in written]


def _deferred_out(kind: Kind, record: dict[str, Any], mine: dict[str, Any] | None) -> dict:
    """A record without its deferred fields (a preview not pulled yet): they keep the local
    value until ``apply_deferred`` writes them once what they point at is here."""
    if not kind.deferred:
        return record
    trimmed = dict(record)
    for name in kind.deferred:
        if mine is not None and name in mine:
            trimmed[name] = mine[name]
        else:
            trimmed.pop(name, None)
    return trimmed


async def _adopt_twin(run: Run, ctx: Ctx, kind: Kind, theirs: dict[str, Any]) -> dict | None:
    """A local row with the record's natural key that never synced (a default task type, the
    admin made on both sides) takes the remote's id; the merge then treats it as the record."""
    twin = await local.twin_of(ctx, kind, theirs)
    if twin is None or await state.bases(ctx.conn, run.remote, kind.route, [twin]):
        return None
    await local.rekey(ctx, kind, twin, theirs["id"])
    run.summary.count(kind.route, "matched")
    return (await local.read(ctx, kind, [theirs["id"]])).get(theirs["id"])
