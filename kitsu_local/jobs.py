"""The background job queue: jobs are rows of ``kitsu_local_job``, run by worker threads.

A request records a job in its own transaction (``enqueue``) and returns at once; once the
transaction commits, a worker is woken. Each worker thread has its own event loop and database
engine, claims the oldest queued job atomically, runs it, and records the outcome. Handlers do
their slow part outside any transaction and write their results in short ones.

Crash safety: at start, jobs left ``running`` by a killed process are queued again (a job that
keeps dying is failed after ``job_max_attempts``); handlers write their files under temporary
names and rename them, so a job run again after a crash replaces, never corrupts. Stopping lets
the running job finish (up to ``job_shutdown_seconds``) and starts no new one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from . import rows
from .app_state import AppState
from .context import Ctx
from .db import Database
from .models import Job
from .models.base import Row, utc_now

log = logging.getLogger(__name__)

IDLE_POLL_SECONDS = 5.0


@dataclass(frozen=True)
class JobKind:
    run: Callable[[JobRunner, Row], Awaitable[None]]
    # Called once the job is given up (an error, or too many attempts), with the reason.
    fail: Callable[[JobRunner, Row, str], Awaitable[None]]


class JobFailed(Exception):
    """An expected failure (an unreadable upload...): recorded without a traceback."""


async def enqueue(ctx: Ctx, kind: str, object_id: str | None, payload: dict[str, Any]) -> Row:
    """Record a job in the caller's transaction; a worker picks it up once that commits."""
    job = await rows.insert_row(
        ctx.conn,
        Job,
        {"kind": kind, "object_id": object_id, "payload": payload, "status": "queued"},
    )
    ctx.after_commit.append(ctx.state.wake_workers)
    return job


async def running_count(ctx: Ctx) -> int:
    return await rows.count_where(ctx.conn, Job, Job.status == "running")


class JobRunner:
    """What a handler sees of its worker: units of work on the worker's own database engine,
    and the app (settings, file store)."""

    def __init__(
        self, state: AppState, db: Database, publish: Callable[[list[dict[str, Any]]], None]
    ):
        self.state = state
        self.db = db
        self._publish = publish

    @property
    def store(self):
        return self.state.store

    @property
    def settings(self):
        return self.state.settings

    @asynccontextmanager
    async def unit(self, write: bool = True) -> AsyncIterator[Ctx]:
        """A short transaction; its events are published once it commits."""
        async with self.db.write() if write else self.db.read() as conn:
            ctx = Ctx(conn=conn, state=self.state)
            yield ctx
        if ctx.pending_events:
            self._publish(ctx.pending_events)


class JobQueue:
    """The worker threads. ``kinds`` maps a job kind to its handlers; the services define them
    (``previews.JOB_KINDS``) and the app hands them over, so this module imports no service."""

    def __init__(self, state: AppState, loop: asyncio.AbstractEventLoop, kinds: dict[str, JobKind]):
        self.state = state
        self.loop = loop  # the app's loop, where live listeners run
        self.kinds = kinds
        self._wakeup = threading.Event()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    async def recover(self) -> int:
        """Queue again the jobs a previous process left running; returns how many."""
        async with self.state.db.write() as conn:
            result = await conn.execute(
                update(Job)
                .where(Job.status == "running")
                .values(status="queued", updated_at=utc_now())
            )
        return result.rowcount or 0

    def start(self) -> None:
        for index in range(max(1, self.state.settings.job_workers)):
            thread = threading.Thread(
                target=self._thread_main, name=f"kitsu-local-worker-{index}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def wake(self) -> None:
        self._wakeup.set()

    def stop(self) -> None:
        """Start no new job; give the running ones ``job_shutdown_seconds`` to finish."""
        self._stopping.set()
        self._wakeup.set()
        deadline = self.state.settings.job_shutdown_seconds
        for thread in self._threads:
            thread.join(timeout=deadline)
            if thread.is_alive():
                log.warning("a job is still running: it will be resumed at the next start")

    # ---- worker threads ---------------------------------------------------------------------
    def _thread_main(self) -> None:
        # Requests come first: the worker (and the encoder threads it starts, which inherit it)
        # runs at a lower priority, so the app stays responsive while a movie transcodes.
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), self.state.settings.job_nice)
        asyncio.run(self._work())

    async def _work(self) -> None:
        db = Database(self.state.db.url)
        runner = JobRunner(self.state, db, self._publish)
        try:
            while not self._stopping.is_set():
                job = await self._claim(db)
                if job is None:
                    self._wakeup.wait(IDLE_POLL_SECONDS)
                    self._wakeup.clear()
                    continue
                await self._run(runner, job)
        finally:
            await db.dispose()

    async def _claim(self, db: Database) -> Row | None:
        async with db.write() as conn:
            next_id = (
                select(Job.id)
                .where(Job.status == "queued")
                .order_by(Job.created_at)
                .limit(1)
                .scalar_subquery()
            )
            claimed = await conn.execute(
                update(Job)
                .where(Job.id == next_id, Job.status == "queued")
                .values(
                    status="running",
                    attempts=Job.attempts + 1,
                    started_at=utc_now(),
                    updated_at=utc_now(),
                )
                .returning(*Job.__table__.c)
            )
            row = claimed.mappings().first()
        return dict(row) if row is not None else None

    async def _run(self, runner: JobRunner, job: Row) -> None:
        kind = self.kinds.get(job["kind"])
        if kind is None:
            await self._finish(runner, job, "failed", f"unknown job kind {job['kind']!r}")
            return
        if job["attempts"] > self.state.settings.job_max_attempts:
            reason = f"gave up after {job['attempts'] - 1} interrupted attempts"
            await kind.fail(runner, job, reason)
            await self._finish(runner, job, "failed", reason)
            return
        try:
            await kind.run(runner, job)
        except Exception as error:  # a failed job never takes the server down
            if self._stopping.is_set():
                await self._interrupted(runner, job, error)
                return
            reason = str(error) or type(error).__name__
            if isinstance(error, JobFailed):
                log.info("job %s (%s) failed: %s", job["id"], job["kind"], reason)
            else:
                log.error("job %s (%s) failed: %s", job["id"], job["kind"], reason, exc_info=True)
            try:
                await kind.fail(runner, job, reason)
            except Exception:
                log.exception("recording the failure of job %s failed", job["id"])
            await self._finish(runner, job, "failed", reason)
            return
        await self._finish(runner, job, "done", None)

    async def _interrupted(self, runner: JobRunner, job: Row, error: Exception) -> None:
        """A job cut short by the server stopping (the process is going away under it, its
        thread pools first): not a failure. It is queued again, this attempt not counted, and
        resumes at the next start; if even that cannot be written now, it is still "running",
        which the next start's ``recover`` queues again."""
        log.info("job %s (%s) interrupted by the stop (%s): it resumes at the next start",
                 job["id"], job["kind"], error)  # fmt: skip
        with contextlib.suppress(Exception):
            async with runner.db.write() as conn:
                await conn.execute(
                    update(Job)
                    .where(Job.id == job["id"])
                    .values(status="queued", attempts=Job.attempts - 1, updated_at=utc_now())
                )

    async def _finish(self, runner: JobRunner, job: Row, status: str, error: str | None) -> None:
        async with runner.db.write() as conn:
            await conn.execute(
                update(Job)
                .where(Job.id == job["id"])
                .values(status=status, error=error, finished_at=utc_now(), updated_at=utc_now())
            )

    def _publish(self, events: list[dict[str, Any]]) -> None:
        """Hand committed events over to the app's loop (live listeners live there)."""
        if not self.loop.is_closed():
            asyncio.run_coroutine_threadsafe(self.state.bus.publish(events), self.loop)
