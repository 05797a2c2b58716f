#!/usr/bin/env python3
"""How long the preview upload request takes for a 50 MB movie (the work happens in the job).

Generates a ~50 MB H.264 clip (1080p noise, which does not compress), starts ``kitsu-local
serve`` on a fresh data dir, and times ``POST /api/pictures/preview-files/{id}`` over HTTP for
several new previews. Target: under 1 s per request.

    .venv/bin/python bench/bench_upload.py [--runs 5] [--megabytes 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.server import running_server
from tests.support.studio import small_studio


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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        clip = make_big_clip(Path(folder) / "big.mp4", args.megabytes)
        size = clip.stat().st_size
        with running_server(Path(folder) / "data") as api:
            context = small_studio(api)
            task, review = context["task"], context["status"]
            durations = []
            for _ in range(args.runs):
                comment = api.ok(
                    "POST",
                    f"/actions/tasks/{task['id']}/comment",
                    201,
                    json={"task_status_id": review},
                )
                preview = api.ok(
                    "POST",
                    f"/actions/tasks/{task['id']}/comments/{comment['id']}/add-preview",
                    201,
                    json={},
                )
                with clip.open("rb") as stream:
                    start = time.perf_counter()
                    response = api.post(
                        f"/pictures/preview-files/{preview['id']}",
                        files={"file": ("big.mp4", stream)},
                    )
                    durations.append(time.perf_counter() - start)
                assert response.status_code == 201 and response.json()["status"] == "processing", (
                    response.text
                )
        print(
            f"upload of {size / 1e6:.1f} MB: median {statistics.median(durations):.3f} s, "
            f"max {max(durations):.3f} s, min {min(durations):.3f} s ({args.runs} runs, each while "
            "the previous upload transcodes; target < 1 s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
