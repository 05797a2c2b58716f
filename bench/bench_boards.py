#!/usr/bin/env python3
"""The production boards on a realistic breakdown: 1,000 shots x 5 tasks (Zou's figure for
``GET /data/shots/with-tasks`` at this size is 276 ms, ../shared/tools/perfbench/README.md).

Seeds through the API, as a pipeline script would: a project, 10 sequences, 1,000 shots
(``POST /data/projects/{id}/shots``), 5 shot task types, then ``create-tasks`` once per task
type (bulk), and assigns every task. Then times, as an admin over HTTP:

    GET /api/data/shots/with-tasks?project_id=<project>
    GET /api/data/projects/<project>/sequences/all/casting
    GET /api/data/tasks?project_id=<project>

and prints median / p95 / min per request with the response sizes.

    .venv/bin/python bench/bench_boards.py [--runs 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.api import Api  # noqa: E402
from tests.support.server import running_server  # noqa: E402

N_SEQUENCES, N_SHOTS, TASK_TYPES = (
    10,
    1000,
    ("Layout", "Animation", "Lighting", "FX", "Compositing"),
)


def seed(admin: Api) -> str:
    project = admin.create("projects", name="Boards bench")
    pid = project["id"]
    sequences = [
        admin.ok("POST", f"/data/projects/{pid}/sequences", 201, json={"name": f"SQ{i:02d}"})
        for i in range(N_SEQUENCES)
    ]
    for index in range(N_SHOTS):
        sequence = sequences[index % N_SEQUENCES]
        admin.ok(
            "POST",
            f"/data/projects/{pid}/shots",
            201,
            json={
                "name": f"SH{index:04d}",
                "sequence_id": sequence["id"],
                "data": {"frame_in": 1, "frame_out": 48},
                "nb_frames": 48,
            },
        )
    task_types = {
        t["name"]: t["id"] for t in admin.ok("GET", "/data/task-types") if t["for_entity"] == "Shot"
    }
    me = admin.ok("GET", "/auth/authenticated")["user"]["id"]
    for name in TASK_TYPES:
        route = f"/actions/projects/{pid}/task-types/{task_types[name]}/shots/create-tasks"
        tasks = admin.ok("POST", route, 201)
        admin.ok(
            "PUT", f"/actions/persons/{me}/assign", json={"task_ids": [t["id"] for t in tasks]}
        )
    return pid


def timed(admin: Api, path: str, runs: int) -> tuple[list[float], int]:
    admin.ok("GET", path)  # warm-up
    durations, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        response = admin.get(path)
        durations.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.text[:300]
        size = len(response.content)
    return durations, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir, running_server(Path(data_dir)) as admin:
        started = time.perf_counter()
        pid = seed(admin)
        print(
            f"seeded {N_SHOTS} shots x {len(TASK_TYPES)} tasks in {time.perf_counter() - started:.1f} s"
        )
        for path in (
            f"/data/shots/with-tasks?project_id={pid}",
            f"/data/projects/{pid}/sequences/all/casting",
            f"/data/tasks?project_id={pid}",
        ):
            durations, size = timed(admin, path, args.runs)
            durations.sort()
            p95 = durations[max(0, round(0.95 * len(durations)) - 1)]
            print(
                f"GET {path.replace(pid, '<project>'):55} median {statistics.median(durations):7.1f} ms"
                f"  p95 {p95:7.1f} ms  min {durations[0]:7.1f} ms  {size / 1e6:6.2f} MB"
            )


if __name__ == "__main__":
    main()
