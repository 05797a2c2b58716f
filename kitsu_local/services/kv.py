"""Short-lived server state with an expiry, in SQLite (what Zou keeps in Redis): revoked token
ids, password reset tokens, e-mail OTP counters, FIDO ceremony state."""

from __future__ import annotations

import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from ..models import KeyValue
from ..models.base import utc_now


async def put(conn: AsyncConnection, key: str, value: str, ttl_seconds: float | None) -> None:
    expires = utc_now() + datetime.timedelta(seconds=ttl_seconds) if ttl_seconds else None
    await conn.execute(delete(KeyValue).where(KeyValue.key == key))
    await conn.execute(KeyValue.__table__.insert().values(key=key, value=value, expires_at=expires))


async def get(conn: AsyncConnection, key: str) -> str | None:
    return (
        await conn.execute(
            select(KeyValue.value).where(
                KeyValue.key == key,
                or_(KeyValue.expires_at.is_(None), KeyValue.expires_at > utc_now()),
            )
        )
    ).scalar_one_or_none()


async def drop(conn: AsyncConnection, key: str) -> None:
    await conn.execute(delete(KeyValue).where(KeyValue.key == key))


async def any_expired(conn: AsyncConnection) -> bool:
    query = select(KeyValue.key).where(KeyValue.expires_at <= utc_now()).limit(1)
    return (await conn.execute(query)).first() is not None


async def purge_expired(conn: AsyncConnection) -> int:
    result = await conn.execute(delete(KeyValue).where(KeyValue.expires_at <= utc_now()))
    return result.rowcount or 0
