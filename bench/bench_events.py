#!/usr/bin/env python3
"""The event log page on a large log.

Seeds 100,000 ``api_event`` rows over 20 projects and a month (direct bulk inserts with the
app's own schema) into a fresh data dir, starts ``kitsu-local serve`` on it, then times

    GET /api/data/events/last?limit=100                       (the newest page)
    GET /api/data/events/last?limit=100&project_id=<project>  (one project's page)

as an admin over HTTP, and prints median / p95 / min per request.

    .venv/bin/python bench/bench_events.py [--runs 300]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kitsu_local.app_state import AppState  # noqa: E402
from kitsu_local.models import ApiEvent, Project  # noqa: E402
from kitsu_local.models.base import new_id, utc_now  # noqa: E402
from kitsu_local.services.init_data import prepare_database  # noqa: E402
from kitsu_local.settings import Settings  # noqa: E402
from tests.support.server import running_server  # noqa: E402

N_EVENTS, N_PROJECTS, BATCH = 100_000, 20, 10_000
NAMES = ("task:update", "comment:new", "preview-file:add-file", "asset:update", "shot:new")


async def seed(settings: Settings) -> str:
    state = AppState.from_settings(settings)
    await prepare_database(state)
    now = utc_now()
    async with state.db.write() as conn:
        open_status = (await conn.execute(select(Project.project_status_id).limit(1))).scalar()
        projects = [new_id() for _ in range(N_PROJECTS)]
        await conn.execute(
            insert(Project),
            [
                {"id": project_id, "name": f"Bench {i}", "production_style": "2d3d",
                 "project_status_id": open_status, "revision_padding": 0,
                 "created_at": now, "updated_at": now}
                for i, project_id in enumerate(projects)
            ],
        )  # fmt: skip
        for start in range(0, N_EVENTS, BATCH):
            batch = []
            for i in range(start, start + BATCH):
                stamp = now - datetime.timedelta(seconds=(N_EVENTS - i) * 26)
                project_id = projects[i % N_PROJECTS]
                batch.append(
                    {"id": new_id(), "name": NAMES[i % len(NAMES)], "project_id": project_id,
                     "data": {"task_id": new_id(), "project_id": project_id},
                     "created_at": stamp, "updated_at": stamp}
                )  # fmt: skip
            await conn.execute(insert(ApiEvent), batch)
    await state.db.dispose()
    return projects[0]


def timed(client: httpx.Client, path: str, runs: int, headers: dict) -> list[float]:
    for _ in range(10):  # warm up
        client.get(path, headers=headers).raise_for_status()
    durations = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path, headers=headers)
        durations.append(time.perf_counter() - start)
        response.raise_for_status()
    assert len(response.json()) == 100, len(response.json())
    return sorted(durations)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(data_dir=Path(data_dir))
        started = time.perf_counter()
        project_id = asyncio.run(seed(settings))
        print(f"seeded {N_EVENTS} events in {time.perf_counter() - started:.1f} s")
        with running_server(Path(data_dir)) as api:
            for path in (
                "/data/events/last?limit=100",
                f"/data/events/last?limit=100&project_id={project_id}",
            ):
                durations = timed(api.http, path, args.runs, api.headers())
                p95 = durations[max(0, int(len(durations) * 0.95) - 1)]
                print(
                    f"GET {path[:44]:44} median={statistics.median(durations) * 1000:6.2f} ms "
                    f"p95={p95 * 1000:6.2f} ms min={durations[0] * 1000:6.2f} ms "
                    f"({args.runs} runs)"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
