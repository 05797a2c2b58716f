"""Row-level database helpers shared by every service: fetch, insert, update, delete, link
tables, and the mapping of database refusals to Zou's sanitised 400 messages.

Rows travel as plain dicts (column name -> Python value). Tables are SQLModel tables, queried
with SQLAlchemy Core: no ORM identity map, no lazy loading, one query where one is enough.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncConnection

from .columns import is_valid_id
from .errors import (
    DB_FOREIGN_KEY,
    DB_INTEGRITY,
    DB_INVALID_FORMAT,
    DB_NOT_NULL,
    DB_UNIQUE,
    DatabaseRefusal,
    NotFound,
    WrongParameter,
)
from .models.base import new_id, utc_now

# SQLite allows 32766 bound parameters; stay far below for IN (...) lists.
IN_CHUNK = 900

TableLike = Table | Any  # a Table or a SQLModel class


def table_of(model: TableLike) -> Table:
    return model if isinstance(model, Table) else model.__table__


@contextmanager
def database_refusals() -> Iterator[None]:
    """Turn the database's refusal of a write into Zou's sanitised ``{"message"}`` 400."""
    try:
        yield
    except IntegrityError as error:
        raise DatabaseRefusal(integrity_message(error)) from None
    except StatementError:
        raise DatabaseRefusal(DB_INVALID_FORMAT) from None


def integrity_message(error: IntegrityError) -> str:
    text = str(getattr(error, "orig", error)).lower()
    if "unique" in text or "duplicate key" in text:
        return DB_UNIQUE
    if "foreign key" in text:
        return DB_FOREIGN_KEY
    if "not null" in text or "not-null" in text or "null value" in text:
        return DB_NOT_NULL
    return DB_INTEGRITY


def check_id(value: Any, message: str = "Malformed ID.") -> str:
    if not is_valid_id(value):
        raise WrongParameter(message)
    return value.lower()


async def fetch_one(conn: AsyncConnection, model: TableLike, row_id: str) -> dict[str, Any] | None:
    table = table_of(model)
    row = (await conn.execute(select(table).where(table.c.id == row_id))).mappings().first()
    return dict(row) if row is not None else None


async def fetch_or_404(conn: AsyncConnection, model: TableLike, row_id: Any) -> dict[str, Any]:
    """The row with that id: 400 "Malformed ID." when it is not a UUID, 404 when unknown."""
    row = await fetch_one(conn, model, check_id(row_id))
    if row is None:
        raise NotFound()
    return row


async def fetch_where(
    conn: AsyncConnection, model: TableLike, *conditions: Any, order_by: Any = None
) -> list[dict[str, Any]]:
    table = table_of(model)
    query = select(table).where(*conditions)
    if order_by is not None:
        query = (
            query.order_by(*order_by)
            if isinstance(order_by, list | tuple)
            else query.order_by(order_by)
        )
    return [dict(row) for row in (await conn.execute(query)).mappings()]


async def first_where(
    conn: AsyncConnection, model: TableLike, *conditions: Any
) -> dict[str, Any] | None:
    table = table_of(model)
    row = (await conn.execute(select(table).where(*conditions).limit(1))).mappings().first()
    return dict(row) if row is not None else None


async def count_where(conn: AsyncConnection, model: TableLike, *conditions: Any) -> int:
    table = table_of(model)
    return (
        await conn.execute(select(func.count()).select_from(table).where(*conditions))
    ).scalar_one()


async def insert_row(
    conn: AsyncConnection, model: TableLike, values: dict[str, Any]
) -> dict[str, Any]:
    """Insert one row (id and timestamps generated when absent) and return it as stored."""
    table = table_of(model)
    values = dict(values)
    if "id" in table.c and not values.get("id"):
        values["id"] = new_id()
    now = utc_now()
    if "created_at" in table.c:
        values.setdefault("created_at", now)
        values.setdefault("updated_at", now)
    with database_refusals():
        row = (
            (await conn.execute(insert(table).values(**values).returning(*table.c)))
            .mappings()
            .one()
        )
    return dict(row)


async def update_row(
    conn: AsyncConnection, model: TableLike, row_id: str, values: dict[str, Any]
) -> dict[str, Any]:
    """Update one row (``updated_at`` refreshed) and return it as stored."""
    table = table_of(model)
    values = dict(values)
    if "updated_at" in table.c:
        values["updated_at"] = utc_now()
    with database_refusals():
        row = (
            (
                await conn.execute(
                    update(table).where(table.c.id == row_id).values(**values).returning(*table.c)
                )
            )
            .mappings()
            .first()
        )
    if row is None:
        raise NotFound()
    return dict(row)


async def delete_where(conn: AsyncConnection, model: TableLike, *conditions: Any) -> None:
    table = table_of(model)
    with database_refusals():
        await conn.execute(delete(table).where(*conditions))


async def delete_row(conn: AsyncConnection, model: TableLike, row_id: str) -> None:
    table = table_of(model)
    await delete_where(conn, table, table.c.id == row_id)


async def existing_ids(conn: AsyncConnection, model: TableLike, ids: Iterable[str]) -> set[str]:
    table = table_of(model)
    wanted = [value for value in ids if is_valid_id(value)]
    found: set[str] = set()
    for chunk in chunked(wanted):
        found.update(
            (await conn.execute(select(table.c.id).where(table.c.id.in_(chunk)))).scalars()
        )
    return found


async def grouped_links(
    conn: AsyncConnection, table: Table, local_key: str, remote_key: str, ids: Sequence[str]
) -> dict[str, list[str]]:
    """``{local id: [remote ids]}`` read from a link (or child) table, in chunks."""
    result: dict[str, list[str]] = {row_id: [] for row_id in ids}
    local = table.c[local_key]
    remote = table.c[remote_key]
    for chunk in chunked(list(ids)):
        rows = await conn.execute(select(local, remote).where(local.in_(chunk)))
        for local_id, remote_id in rows:
            if remote_id is not None:
                result[local_id].append(remote_id)
    return result


async def replace_links(
    conn: AsyncConnection, table: Table, local_key: str, remote_key: str, local_id: str,
    remote_ids: Iterable[str],
) -> tuple[set[str], set[str]]:  # fmt: skip
    """Make the link table hold exactly ``remote_ids`` for ``local_id``; returns (added, removed)."""
    current = set(
        (
            await conn.execute(select(table.c[remote_key]).where(table.c[local_key] == local_id))
        ).scalars()
    )
    wanted = set(remote_ids)
    removed = current - wanted
    added = wanted - current
    with database_refusals():
        if removed:
            await conn.execute(
                delete(table).where(
                    table.c[local_key] == local_id, table.c[remote_key].in_(removed)
                )
            )
        for remote_id in sorted(added):
            values = {local_key: local_id, remote_key: remote_id}
            if "id" in table.c:
                now = utc_now()
                values.update(id=new_id(), created_at=now, updated_at=now)
            await conn.execute(insert(table).values(**values))
    return added, removed


def chunked(values: Sequence[Any], size: int = IN_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
