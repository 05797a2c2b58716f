"""The database: an async SQLAlchemy engine on SQLite (aiosqlite) used as a database, not a file.

WAL, ``foreign_keys=ON`` and a busy timeout on every connection. Reads run in a deferred
transaction (a consistent snapshot); writes start with ``BEGIN IMMEDIATE`` so that two writers
queue on the busy timeout instead of failing on a lock upgrade. Many readers, one writer.
Any other URL (PostgreSQL) gets the same code without the SQLite specifics.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

BUSY_TIMEOUT_MS = 15_000
_WRITE_OPTION = "kitsu_local_write"
# Debug facility (setting ``count_queries``): statements run by the current request, or None.
statement_count: ContextVar[list[int] | None] = ContextVar("statement_count", default=None)


class Database:
    def __init__(self, url: str, count_queries: bool = False):
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.engine: AsyncEngine = create_async_engine(url)
        if self.is_sqlite:
            _configure_sqlite(self.engine)
        if count_queries:
            event.listen(self.engine.sync_engine, "before_cursor_execute", _count_statement)
        self._write_engine = self.engine.execution_options(**{_WRITE_OPTION: True})

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A read-only unit of work (rolled back at the end)."""
        async with self.engine.connect() as conn:
            yield conn

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction, committed when the block ends without error."""
        global _committed_writes
        async with self._write_engine.begin() as conn:
            yield conn
        _committed_writes += 1

    @asynccontextmanager
    async def schema_change(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction that changes the schema (``services/migrate.py``). On SQLite the
        foreign keys are off while it runs, as SQLite's guide to altering tables asks (a table
        rebuilt by a migration must not cascade; the pragma is ignored inside a transaction),
        and checked before the commit."""
        global _committed_writes
        async with self._write_engine.connect() as conn:
            if self.is_sqlite:
                await conn.run_sync(_foreign_keys, "OFF")
            try:
                async with conn.begin():
                    yield conn
                    if self.is_sqlite:
                        broken = (await conn.exec_driver_sql("PRAGMA foreign_key_check")).first()
                        if broken is not None:
                            raise RuntimeError(f"schema change broke a foreign key: {broken}")
            finally:
                if self.is_sqlite:
                    await conn.run_sync(_foreign_keys, "ON")
        _committed_writes += 1

    async def dispose(self) -> None:
        await self.engine.dispose()


def committed_writes() -> int:
    """How many write transactions this process has committed: what was read before the
    number last changed may be stale (the actor cache of ``services/identity.py`` uses it)."""
    return _committed_writes


_committed_writes = 0


def _foreign_keys(conn: Connection, value: str) -> None:
    # on the driver's connection: through SQLAlchemy the pragma would start a transaction first
    cursor = conn.connection.dbapi_connection.cursor()
    cursor.execute(f"PRAGMA foreign_keys={value}")
    cursor.close()


def _count_statement(*_args: object) -> None:
    counter = statement_count.get()
    if counter is not None:
        counter[0] += 1


def _configure_sqlite(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy's "begin" event below decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        if conn.get_execution_options().get(_WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")
