#!/usr/bin/env python3
"""Baseline of the generic CRUD lists on a seeded database.

Seeds a project with 2,000 assets x 5 task types = 10,000 tasks and 100 persons (direct bulk
inserts with the app's own schema), starts ``kitsu-local serve`` on it, then times

    GET /api/data/tasks?project_id=<project>     (10,000 rows)
    GET /api/data/persons                        (101 rows)

as an admin over HTTP, and prints median / p95 / min per request and the response sizes.

    .venv/bin/python bench/bench_crud.py [--runs 20]
"""

from __future__ import annotations

import argparse
import asyncio
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
from kitsu_local.models import Entity, EntityType, Person, Project, Task, TaskStatus, TaskType  # noqa: E402
from kitsu_local.models.base import new_id, utc_now  # noqa: E402
from kitsu_local.services.init_data import prepare_database  # noqa: E402
from kitsu_local.settings import Settings  # noqa: E402
from tests.support.server import running_server  # noqa: E402

N_ASSETS, N_TASK_TYPES, N_PERSONS = 2000, 5, 100


async def seed(settings: Settings) -> str:
    state = AppState.from_settings(settings)
    await prepare_database(state)
    now = utc_now()
    stamp = {"created_at": now, "updated_at": now}
    async with state.db.write() as conn:
        project_id = new_id()
        open_status = (await conn.execute(select(Project.project_status_id).limit(1))).scalar()
        await conn.execute(
            insert(Project),
            [
                {
                    "id": project_id,
                    "name": "Bench",
                    "production_style": "2d3d",
                    "project_status_id": open_status,
                    "revision_padding": 0,
                    **stamp,
                }
            ],
        )
        asset_type = (
            await conn.execute(select(EntityType.id).where(EntityType.name == "Character"))
        ).scalar_one()
        status = (
            await conn.execute(select(TaskStatus.id).where(TaskStatus.short_name == "todo"))
        ).scalar_one()
        task_types = [new_id() for _ in range(N_TASK_TYPES)]
        await conn.execute(
            insert(TaskType),
            [
                {"id": tid, "name": f"Bench type {i}", "for_entity": "Asset", **stamp}
                for i, tid in enumerate(task_types)
            ],
        )
        assets = [
            {
                "id": new_id(),
                "name": f"asset_{i:05d}",
                "project_id": project_id,
                "entity_type_id": asset_type,
                "status": "running",
                "is_shared": False,
                "data": {"frame_in": i},
                **stamp,
            }
            for i in range(N_ASSETS)
        ]
        await conn.execute(insert(Entity), assets)
        tasks = [
            {
                "id": new_id(),
                "name": "main",
                "project_id": project_id,
                "entity_id": asset["id"],
                "task_type_id": task_type,
                "task_status_id": status,
                "difficulty": 3,
                **stamp,
            }
            for asset in assets
            for task_type in task_types
        ]
        await conn.execute(insert(Task), tasks)
        await conn.execute(
            insert(Person),
            [
                {
                    "id": new_id(),
                    "first_name": "Artist",
                    "last_name": f"{i:03d}",
                    "email": f"artist{i}@example.com",
                    "contract_type": "open-ended",
                    "role": "user",
                    "is_bot": False,
                    "is_guest": False,
                    **stamp,
                }
                for i in range(N_PERSONS)
            ],
        )
    await state.db.dispose()
    return project_id


def timed(
    client: httpx.Client, path: str, runs: int, headers: dict
) -> tuple[list[float], int, int]:
    client.get(path, headers=headers).raise_for_status()  # warm up
    durations = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path, headers=headers)
        durations.append(time.perf_counter() - start)
        response.raise_for_status()
    return durations, len(response.json()), len(response.content)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(data_dir=Path(data_dir))
        started = time.perf_counter()
        project_id = asyncio.run(seed(settings))
        print(
            f"seeded {N_ASSETS * N_TASK_TYPES} tasks, {N_PERSONS} persons in {time.perf_counter() - started:.1f} s"
        )
        with running_server(Path(data_dir)) as api:
            for path in (f"/data/tasks?project_id={project_id}", "/data/persons"):
                durations, count, size = timed(api.http, path, args.runs, api.headers())
                durations.sort()
                p95 = durations[max(0, int(len(durations) * 0.95) - 1)]
                print(
                    f"GET {path.split('?')[0]:14} rows={count:6d} bytes={size:9d} "
                    f"median={statistics.median(durations) * 1000:7.1f} ms p95={p95 * 1000:7.1f} ms "
                    f"min={durations[0] * 1000:7.1f} ms ({args.runs} runs)"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
