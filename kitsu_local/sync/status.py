"""``kitsu-local sync status`` and ``resolve``: what a remote's sync stands at, and settling
one conflict (the web UI calls the same two functions).

Keeping a side of a field conflict rewrites the base copy so that the next run carries it:
``remote`` writes the remote value here (the base takes it: nothing left to send); ``local``
gives the base the remote value, so the local value reads as a change made here and the next
push sends it. A deletion conflict either deletes the record here, drops the base copy so that
the next push creates it again, or reads the remote copy back.
"""

from __future__ import annotations

from typing import Any

from ..app_state import AppState
from ..context import Ctx
from ..models import SyncConflict
from ..services.init_data import prepare_database
from ..settings import Settings
from . import local, remotes, state
from .kinds import BY_ROUTE
from .push import pending

CONFLICT_KEYS = (
    "id", "kind", "record_id", "project_id", "field_name", "label", "local_value", "remote_value",
    "base_value", "created_at",
)  # fmt: skip


async def sync_status(settings: Settings, name: str) -> dict[str, Any]:
    remotes.get_remote(settings, name)  # an unknown name is an error
    app = AppState.from_settings(settings)
    await prepare_database(app)
    try:
        async with app.db.write() as conn:
            remote_state = await state.remote_state(conn, name)
            conflicts = await state.open_conflicts(conn, name)
        return {
            "remote": name,
            "last_pull_at": remote_state["last_pull_at"],
            "last_push_at": remote_state["last_push_at"],
            "pull_interrupted": bool(remote_state["pull_checkpoint"]),
            "pending": await pending(app, name) if remote_state["last_pull_at"] else {},
            "conflicts": [{key: conflict[key] for key in CONFLICT_KEYS} for conflict in conflicts],
        }
    finally:
        await app.db.dispose()


async def resolve_conflict(settings: Settings, name: str, conflict_id: str, keep: str) -> str:
    remotes.get_remote(settings, name)
    app = AppState.from_settings(settings)
    await prepare_database(app)
    try:
        async with app.db.write() as conn:
            ctx = Ctx(conn=conn, state=app)
            table = SyncConflict.__table__
            found = (
                await conn.execute(
                    table.select().where(table.c.id == conflict_id, table.c.remote == name)
                )
            ).mappings().first()  # fmt: skip
            if found is None or found["resolved_at"] is not None:
                raise LookupError(f"no open conflict {conflict_id} with {name}")
            conflict = dict(found)
            kind = BY_ROUTE[conflict["kind"]]
            record_id, field_name = conflict["record_id"], conflict["field_name"]
            base = (await state.bases(conn, name, kind.route, [record_id])).get(record_id)
            if field_name == state.DELETED:
                message = await _settle_deletion(ctx, name, kind, conflict, keep, base)
            else:
                if keep == "remote":
                    await local.write(ctx, kind, {"id": record_id,
                                                  field_name: conflict["remote_value"]})  # fmt: skip
                if base is not None:
                    base = {**base, field_name: conflict["remote_value"]}
                    await state.save_bases(conn, name, kind.route,
                                           [(record_id, conflict["project_id"], base)])  # fmt: skip
                message = (
                    f"kept the remote value of {field_name} here"
                    if keep == "remote"
                    else f"kept the local value of {field_name}: the next push sends it"
                )
            await state.close_conflict(conn, conflict_id, keep)
            return message
    finally:
        await app.db.dispose()


async def _settle_deletion(
    ctx: Ctx, name: str, kind: Any, conflict: dict, keep: str, base: dict | None
) -> str:
    record_id = conflict["record_id"]
    deleted_here = conflict["local_value"] == "deleted"
    if deleted_here and keep == "local":
        # The deletion wins: the push deletes it on the remote (the base copy stays).
        return "kept the deletion: the next push deletes it on the remote"
    if deleted_here:
        # The remote copy wins: forget the base so that the next full pull brings it back.
        await state.drop_bases(ctx.conn, name, kind.route, [record_id])
        await state.set_remote_state(ctx.conn, name, event_cursor=None)
        return "kept the remote copy: the next pull brings it back"
    if keep == "remote":
        await local.delete(ctx, kind, record_id)
        await state.drop_bases(ctx.conn, name, kind.route, [record_id])
        return "deleted here too, as on the remote"
    await state.drop_bases(ctx.conn, name, kind.route, [record_id])
    return "kept the local copy: the next push creates it again on the remote"
