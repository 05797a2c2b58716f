#!/usr/bin/env python3
"""How long the preview upload request takes for a 50 MB movie (the work happens in the job).

Generates a ~50 MB H.264 clip (1080p noise, which does not compress), starts ``kitsu-local
serve`` on a fresh data dir, and times ``POST /api/pictures/preview-files/{id}`` over HTTP for
several new previews. Target: under 1 s per request.

    .venv/bin/python bench/bench_upload.py [--runs 5] [--megabytes 50]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import httpx
import numpy as np

ADMIN, PASSWORD = "bench@example.com", "bench-password"


def make_big_clip(path: Path, megabytes: int) -> Path:
    rng = np.random.default_rng(1)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=25, options={"preset": "ultrafast", "crf": "0"})
        stream.width, stream.height, stream.pix_fmt = 1920, 1080, "yuv420p"
        stream.time_base = Fraction(1, 25)
        index = written = 0
        while written < megabytes * 1024 * 1024:
            pixels = rng.integers(0, 255, (1080, 1920, 3), dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            frame.pts = index
            index += 1
            for packet in stream.encode(frame):
                written += packet.size
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--megabytes", type=int, default=50)
    parser.add_argument("--port", type=int, default=18766)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        clip = make_big_clip(Path(folder) / "big.mp4", args.megabytes)
        size = clip.stat().st_size
        data_dir = Path(folder) / "data"
        env = {**os.environ, "KITSU_LOCAL_DATA_DIR": str(data_dir)}
        subprocess.run([sys.executable, "-m", "kitsu_local", "create-admin", ADMIN, "--password", PASSWORD], env=env, check=True, capture_output=True)
        server = subprocess.Popen([sys.executable, "-m", "kitsu_local", "serve", "--port", str(args.port), "--log-level", "warning"], env=env)
        try:
            base = f"http://127.0.0.1:{args.port}/api"
            for _ in range(100):
                try:
                    httpx.get(f"{base}/status", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            token = httpx.post(f"{base}/auth/login", json={"email": ADMIN, "password": PASSWORD}).json()["access_token"]
            with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120) as api:
                project = api.post("/data/projects", json={"name": "Upload bench"}).json()
                types = {t["name"]: t["id"] for t in api.get("/data/entity-types").json()}
                asset = api.post("/data/entities", json={"name": "asset", "project_id": project["id"], "entity_type_id": types["Prop"]}).json()
                task_type = api.get("/data/task-types?name=Modeling").json()[0]
                statuses = {s["short_name"]: s["id"] for s in api.get("/data/task-status").json()}
                task = api.post("/data/tasks", json={"project_id": project["id"], "entity_id": asset["id"], "task_type_id": task_type["id"], "task_status_id": statuses["todo"]}).json()
                durations = []
                for _ in range(args.runs):
                    comment = api.post(f"/actions/tasks/{task['id']}/comment", json={"task_status_id": statuses["wfa"]}).json()
                    preview = api.post(f"/actions/tasks/{task['id']}/comments/{comment['id']}/add-preview", json={}).json()
                    with clip.open("rb") as stream:
                        start = time.perf_counter()
                        response = api.post(f"/pictures/preview-files/{preview['id']}", files={"file": ("big.mp4", stream)})
                        durations.append(time.perf_counter() - start)
                    assert response.status_code == 201 and response.json()["status"] == "processing", response.text
            print(f"upload of {size / 1e6:.1f} MB: median {statistics.median(durations):.3f} s, "
                  f"max {max(durations):.3f} s, min {min(durations):.3f} s ({args.runs} runs; target < 1 s)")
        finally:
            server.terminate()
            server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
