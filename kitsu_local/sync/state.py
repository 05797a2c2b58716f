"""The sync's own rows in the local database (``models/sync.py``): the base copy of every
synced record, each remote's cursors and checkpoints, and the conflicts.

Everything here runs inside the caller's transaction, so that a page of records, their base
copies and the checkpoint that says the page is done are committed together: a run killed at
any point resumes from the last committed page and finds nothing half-done.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from .. import rows
from ..models import SyncBase, SyncConflict, SyncRemoteState
from ..models.base import new_id, utc_now

DELETED = "__deleted__"  # the field name of a conflict "deleted on one side, changed on the other"


# ==== base copies =============================================================================
async def bases(
    conn: AsyncConnection, remote: str, kind: str, ids: Iterable[str] | None = None,
    project_id: str | None = None,
) -> dict[str, dict[str, Any]]:  # fmt: skip
    """{record id: base data} of one kind, for given ids or for a whole project."""
    table = SyncBase.__table__
    conditions = [table.c.remote == remote, table.c.kind == kind]
    if project_id is not None:
        conditions.append(table.c.project_id == project_id)
    found: dict[str, dict[str, Any]] = {}
    if ids is None:
        for row in await conn.execute(select(table.c.record_id, table.c.data).where(*conditions)):
            found[row.record_id] = row.data
        return found
    for chunk in rows.chunked(list(ids)):
        query = select(table.c.record_id, table.c.data).where(
            *conditions, table.c.record_id.in_(chunk)
        )
        for row in await conn.execute(query):
            found[row.record_id] = row.data
    return found


async def save_bases(
    conn: AsyncConnection, remote: str, kind: str, items: list[tuple[str, str | None, dict]]
) -> None:
    """Store (record id, project id, data) as the new base copies (replacing the old)."""
    if not items:
        return
    table = SyncBase.__table__
    await drop_bases(conn, remote, kind, [item[0] for item in items])
    now = utc_now()
    await conn.execute(
        insert(table),
        [
            {"remote": remote, "kind": kind, "record_id": record_id, "project_id": project_id,
             "data": data, "synced_at": now}
            for record_id, project_id, data in items
        ],
    )  # fmt: skip


async def drop_bases(conn: AsyncConnection, remote: str, kind: str, ids: list[str]) -> None:
    table = SyncBase.__table__
    for chunk in rows.chunked(ids):
        await conn.execute(
            delete(table).where(
                table.c.remote == remote, table.c.kind == kind, table.c.record_id.in_(chunk)
            )
        )


async def unseen_since(
    conn: AsyncConnection, remote: str, kind: str, project_id: str | None,
    since: datetime.datetime,
) -> list[str]:  # fmt: skip
    """Base records of a kind (and project) not written since ``since``: on a full listing,
    the records the remote no longer has."""
    table = SyncBase.__table__
    query = select(table.c.record_id).where(
        table.c.remote == remote,
        table.c.kind == kind,
        table.c.project_id == project_id if project_id else table.c.project_id.is_(None),
        table.c.synced_at < since,
    )
    return list((await conn.execute(query)).scalars())


# ==== the remote's cursors and checkpoints ===================================================
async def remote_state(conn: AsyncConnection, remote: str) -> dict[str, Any]:
    table = SyncRemoteState.__table__
    found = await rows.first_where(conn, table, table.c.remote == remote)
    if found is None:
        await conn.execute(insert(table).values(remote=remote))
        found = await rows.first_where(conn, table, table.c.remote == remote)
    assert found is not None
    return found


async def set_remote_state(conn: AsyncConnection, remote: str, **values: Any) -> None:
    await remote_state(conn, remote)
    table = SyncRemoteState.__table__
    await conn.execute(update(table).where(table.c.remote == remote).values(**values))


# ==== conflicts ===============================================================================
async def open_conflicts(conn: AsyncConnection, remote: str) -> list[dict[str, Any]]:
    table = SyncConflict.__table__
    query = (
        select(table)
        .where(table.c.remote == remote, table.c.resolved_at.is_(None))
        .order_by(table.c.created_at, table.c.kind, table.c.record_id, table.c.field_name)
    )
    return [dict(row) for row in (await conn.execute(query)).mappings()]


async def conflicted_fields(
    conn: AsyncConnection, remote: str, kind: str, ids: Iterable[str]
) -> dict[str, set[str]]:
    """{record id: its fields with an open conflict}."""
    table = SyncConflict.__table__
    found: dict[str, set[str]] = {}
    for chunk in rows.chunked(list(ids)):
        query = select(table.c.record_id, table.c.field_name).where(
            table.c.remote == remote, table.c.kind == kind, table.c.record_id.in_(chunk),
            table.c.resolved_at.is_(None),
        )  # fmt: skip
        for row in await conn.execute(query):
            found.setdefault(row.record_id, set()).add(row.field_name)
    return found


async def record_conflict(
    conn: AsyncConnection, remote: str, kind: str, record_id: str, project_id: str | None,
    field_name: str, local: Any, remote_value: Any, base: Any, label: str | None,
) -> None:  # fmt: skip
    """Open a conflict, or refresh the values of the open one on the same field."""
    table = SyncConflict.__table__
    same = and_(
        table.c.remote == remote, table.c.kind == kind, table.c.record_id == record_id,
        table.c.field_name == field_name, table.c.resolved_at.is_(None),
    )  # fmt: skip
    values = {"local_value": local, "remote_value": remote_value, "base_value": base,
              "label": label, "updated_at": utc_now()}  # fmt: skip
    result = await conn.execute(update(table).where(same).values(**values))
    if result.rowcount:
        return
    await conn.execute(
        insert(table).values(
            id=new_id(), remote=remote, kind=kind, record_id=record_id, project_id=project_id,
            field_name=field_name, created_at=utc_now(), **values,
        )
    )  # fmt: skip


async def close_conflict(conn: AsyncConnection, conflict_id: str, resolution: str) -> None:
    table = SyncConflict.__table__
    await conn.execute(
        update(table)
        .where(table.c.id == conflict_id)
        .values(resolved_at=utc_now(), resolution=resolution)
    )
