"""``kitsu-local sync push``: send local work to the remote.

For each project, kind by kind in dependency order, the local records are compared with their
base copies: a record without base is new (sent whole), a record that differs is changed. A
changed record is read on the remote first and merged three ways, so that a field the remote
changed too becomes a conflict instead of being overwritten, and a field only the remote
changed is not sent back. Records go in batches to ``/import/kitsu/<kind>`` (ids kept, events
emitted on the remote); each accepted batch rewrites its base copies at once, so a killed push
sends again at most one batch, which the upsert makes harmless. Deletions (a base copy whose
record is gone here) go last, children first, through ``DELETE /data/<route>/{id}``. New
previews get their original uploaded.

Studio data (persons, task types, statuses...) is not pushed: Zou's routes would give new
records new ids. A record the remote refuses (403, 400) is reported; the push goes on.
"""

from __future__ import annotations

from typing import Any

from ..app_state import AppState
from ..context import Ctx
from ..models import PreviewFile, Project
from ..models.base import utc_now
from ..settings import Settings
from . import files, local, state
from .engine import Progress, Run, Summary, label_of, open_run, read_remote
from .kinds import KINDS, PROJECT, Kind
from .merge import differs, three_way
from .remote import RemoteDenied, RemoteError, RemoteUnavailable

BATCH = 200


async def pending(app: AppState, remote: str, projects: tuple[str, ...] = ()) -> dict[str, dict]:
    """{kind: {"new": n, "changed": n, "deleted": n}} waiting to be pushed."""
    found: dict[str, dict[str, int]] = {}
    async with app.db.read() as conn:
        ctx = Ctx(conn=conn, state=app)
        for project_id in await _local_projects(ctx, projects):
            for kind in KINDS:
                if kind.scope != PROJECT:
                    continue
                new, changed, deleted = await _diff(ctx, remote, kind, project_id)
                for action, number in (("new", len(new)), ("changed", len(changed)),
                                       ("deleted", len(deleted))):  # fmt: skip
                    if number:
                        per_kind = found.setdefault(kind.route, {})
                        per_kind[action] = per_kind.get(action, 0) + number
    return found


async def push(
    settings: Settings, name: str, projects: tuple[str, ...] = (), *,
    progress: Progress | None = None,
) -> Summary:  # fmt: skip
    async with open_run(settings, name, "push", progress) as run:
        async with run.app.db.read() as conn:
            project_ids = await _local_projects(Ctx(conn=conn, state=run.app), projects)
        kinds = [kind for kind in KINDS if kind.scope == PROJECT and kind.import_name]
        run.progress.stage("push", len(project_ids) * len(kinds) * 2)
        deletions: list[tuple[Kind, str, list[str]]] = []
        for project_id in project_ids:
            for kind in kinds:
                deletions.append((kind, project_id, await _push_kind(run, kind, project_id)))
                run.progress.advance()
        for kind, project_id, gone in reversed(deletions):
            await _push_deletions(run, kind, project_id, gone)
            run.progress.advance()
        async with run.app.db.write() as conn:
            await state.set_remote_state(conn, name, last_push_at=utc_now())
    return run.summary


async def _local_projects(ctx: Ctx, wanted: tuple[str, ...]) -> list[str]:
    found = [dict(row) for row in (await ctx.conn.execute(Project.__table__.select())).mappings()]
    if not wanted:
        return [project["id"] for project in found]
    lowered = {name.lower() for name in wanted}
    return [p["id"] for p in found if p["id"] in wanted or p["name"].lower() in lowered]


async def _diff(
    ctx: Ctx, remote: str, kind: Kind, project_id: str
) -> tuple[list[str], list[str], list[str]]:
    """(new, changed, deleted) ids of a kind in a project, against the base copies."""
    mine = await local.read(ctx, kind, project_id=project_id)
    base_copies = await state.bases(ctx.conn, remote, kind.route, project_id=project_id)
    new = [record_id for record_id in mine if record_id not in base_copies]
    changed = [
        record_id for record_id, record in mine.items()
        if record_id in base_copies and differs(record, base_copies[record_id])
    ]  # fmt: skip
    deleted = [record_id for record_id in base_copies if record_id not in mine]
    return new, changed, deleted


async def _push_kind(run: Run, kind: Kind, project_id: str) -> list[str]:
    """Send a kind's new and changed records; answer the ids deleted here (sent later)."""
    async with run.app.db.read() as conn:
        ctx = Ctx(conn=conn, state=run.app)
        new, changed, deleted = await _diff(ctx, run.remote, kind, project_id)
        mine = await local.read(ctx, kind, new + changed)
        base_copies = await state.bases(ctx.conn, run.remote, kind.route, changed)
        open_fields = await state.conflicted_fields(ctx.conn, run.remote, kind.route, changed)
        casting = await local.casting_of(ctx, new + changed) if kind.route == "entities" else {}
    # (what the remote gets, the base copy once it has it)
    outgoing: list[tuple[dict[str, Any], dict[str, Any]]] = [
        (mine[record_id], mine[record_id]) for record_id in new
    ]
    conflicts: list[tuple[str, str, Any, Any, Any, str]] = []
    remote_copies, refused = await read_remote(run, kind, changed)
    for record_id in changed:
        if record_id in refused:
            continue  # reported; it waits for the next push
        theirs = remote_copies.get(record_id)
        if theirs is None:
            conflicts.append((record_id, state.DELETED, "changed", "deleted", None,
                              label_of(kind, mine[record_id])))  # fmt: skip
            continue
        theirs = local.remote_canonical(kind, theirs)
        merge = three_way(
            base_copies[record_id], mine[record_id], theirs,
            open_conflicts=open_fields.get(record_id, set()),
            never_conflicts=kind.route == "comments", derived=kind.derived,
        )  # fmt: skip
        for field_name, (mine_value, theirs_value, was) in merge.conflicts.items():
            conflicts.append((record_id, field_name, mine_value, theirs_value, was,
                              label_of(kind, mine[record_id])))  # fmt: skip
        # What the remote gets: its own copy with the fields changed only here.
        record = dict(theirs)
        for field_name in merge.local_changes:
            record[field_name] = mine[record_id][field_name]
        base_after = dict(record)
        for field_name, value in merge.merged.items():
            if value != mine[record_id].get(field_name):
                # The remote's value wins here (a later date): the base keeps the local value,
                # so the next pull brings the remote's as a remote change.
                base_after[field_name] = mine[record_id].get(field_name)
        for field_name, (_mine_value, _theirs_value, was) in merge.conflicts.items():
            base_after[field_name] = was  # still differs on both sides: the conflict stays
        if differs(record, theirs):
            outgoing.append((record, base_after))
        else:
            await _save_bases(run, kind, project_id, [(record, base_after)])
    if conflicts:
        async with run.app.db.write() as conn:
            for record_id, field_name, mine_value, theirs_value, was, label in conflicts:
                await state.record_conflict(
                    conn, run.remote, kind.route, record_id, project_id, field_name,
                    mine_value, theirs_value, was, label,
                )  # fmt: skip
        run.summary.conflicts += len(conflicts)
    if kind.route == "attachment-files":
        outgoing = await _push_attachments(run, kind, project_id, outgoing, set(new))
    for start in range(0, len(outgoing), BATCH):
        await _send(run, kind, project_id, outgoing[start : start + BATCH], casting, set(new))
    return deleted


async def _push_attachments(
    run: Run, kind: Kind, project_id: str, outgoing: list, new_ids: set[str]
) -> list:
    """New attachments go with their file, one by one (``files.push_attachment``): the local
    record takes the id the remote gave it. Answers what is left for the import route."""
    left = []
    for record, base in outgoing:
        if record["id"] not in new_ids:
            left.append((record, base))
            continue
        try:
            added = await files.push_attachment(run, record)
        except (RemoteDenied, RemoteError) as error:
            if isinstance(error, RemoteUnavailable):
                raise
            run.error(f"attachment {record.get('name')!r} refused by the remote "
                      f"({error.status} {_message(error)})")  # fmt: skip
            continue
        if added is None:
            left.append((record, base))  # no file here: the record alone
            continue
        async with run.app.db.write() as conn:
            ctx = Ctx(conn=conn, state=run.app)
            await local.rekey(ctx, kind, record["id"], added["id"])
            files.move_attachment(run, record["id"], added["id"])
            copy = local.remote_canonical(kind, added)
            await state.save_bases(conn, run.remote, kind.route, [(added["id"], project_id, copy)])
        run.summary.count(kind.route, "sent")
    return left


async def _send(
    run: Run, kind: Kind, project_id: str, batch: list[tuple[dict[str, Any], dict[str, Any]]],
    casting: dict[str, list[str]], new_ids: set[str],
) -> None:  # fmt: skip
    """One batch to the import route; a refused batch is retried record by record so that
    one refusal does not hold back the others."""
    payload = [_outgoing(kind, record, casting, record["id"] in new_ids) for record, _ in batch]
    try:
        answer = await run.client.post(f"/import/kitsu/{kind.import_name}", payload)
    except (RemoteDenied, RemoteError) as error:
        if error.status not in (400, 403, 404, 422) or len(batch) == 1:
            if len(batch) == 1 and error.status in (400, 403, 404, 422):
                record = batch[0][0]
                run.error(f"{label_of(kind, record)} ({record['id']}) refused by the remote: "
                          f"{error.status} {_message(error)}")  # fmt: skip
                return
            raise
        for item in batch:
            await _send(run, kind, project_id, [item], casting, new_ids)
        return
    batch = _accepted(run, kind, batch, answer)
    await _save_bases(run, kind, project_id, batch)
    run.summary.count(kind.route, "sent", len(batch))
    if kind.route == "preview-files":
        for record, _base in batch:
            if record["id"] in new_ids:
                await _upload_preview(run, record["id"])


def _accepted(run: Run, kind: Kind, batch: list, answer: Any) -> list:
    """The records the remote imported: Zou answers them, and silently skips every record
    of a caller who is not a studio admin there (those stay waiting, reported)."""
    answered = answer if isinstance(answer, list) else []
    if kind.route == "entity-links":  # matched on their pair: the remote may keep its own id
        accepted = batch if len(answered) == len(batch) else []
    else:
        imported = {item.get("id") for item in answered if isinstance(item, dict)}
        accepted = [item for item in batch if item[0]["id"] in imported]
    for record, _base in batch:
        if not any(record is kept for kept, _ in accepted):
            run.error(f"{label_of(kind, record)} ({record['id']}) not imported by the remote "
                      "(its /import/kitsu routes take records from a studio admin only)")  # fmt: skip
    return accepted


async def _save_bases(
    run: Run, kind: Kind, project_id: str, items: list[tuple[dict[str, Any], dict[str, Any]]]
) -> None:
    async with run.app.db.write() as conn:
        await state.save_bases(
            conn,
            run.remote,
            kind.route,
            [(record["id"], project_id, base) for record, base in items],
        )


def _outgoing(
    kind: Kind, record: dict[str, Any], casting: dict[str, list[str]], is_new: bool
) -> dict[str, Any]:
    """The record as the import route reads it. Zou's entity import clears the casting of an
    entity sent without ``entities_out``: send the casting this side has. A new preview goes
    without its file's name and as processing: the upload that follows (refused for a preview
    that has a file name) sets them, as for any upload."""
    # Zou's imports read ``type`` (entity links fail without it): the model's wire type.
    record = {**record, "type": local.spec_of(kind).wire_type}
    if kind.route == "entities":
        record["entities_out"] = casting.get(record["id"], [])
    if kind.route == "preview-files" and is_new:
        record.update(original_name=None, status="processing")
    return record


def _message(error: RemoteError) -> str:
    body = error.body
    return str(body.get("message")) if isinstance(body, dict) else str(body)[:200]


async def _upload_preview(run: Run, preview_id: str) -> None:
    async with run.app.db.read() as conn:
        row = (
            (await conn.execute(PreviewFile.__table__.select().where(PreviewFile.id == preview_id)))
            .mappings()
            .first()
        )
    if row is None:
        return
    try:
        await files.push_preview(run, dict(row))
    except RemoteError as error:
        run.error(f"preview {preview_id}: upload refused ({error.status} {_message(error)})")


async def _push_deletions(run: Run, kind: Kind, project_id: str, ids: list[str]) -> None:
    done = []
    for record_id in ids:
        path = (
            f"/data/projects/{project_id}/entity-links/{record_id}"
            if kind.route == "entity-links"
            else f"/data/{kind.route}/{record_id}"
        )
        try:
            await run.client.delete(path, {"force": "true"})
        except (RemoteDenied, RemoteError) as error:
            run.error(f"{kind.route} {record_id}: deletion refused by the remote "
                      f"({error.status} {_message(error)})")  # fmt: skip
            continue
        done.append(record_id)
    if done:
        async with run.app.db.write() as conn:
            await state.drop_bases(conn, run.remote, kind.route, done)
        run.summary.count(kind.route, "deleted", len(done))
