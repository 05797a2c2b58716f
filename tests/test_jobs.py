"""The job queue survives crashes: a server killed in the middle of a transcode resumes it at
the next start, and the preview ends ready, with one job run to completion."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from .support.api import Api
from .support.clips import make_clip
from .support.server import ADMIN_EMAIL, ADMIN_PASSWORD, Server
from .support.studio import small_studio
from .test_previews import movie_streams, wait_ready


def job_rows(data_dir: Path, preview_id: str) -> list[tuple]:
    with sqlite3.connect(data_dir / "kitsu.db", timeout=30) as db:
        return db.execute(
            "select status, attempts, error from kitsu_local_job where object_id = ?", (preview_id,)
        ).fetchall()


def start_upload(admin: Api, context: dict, movie: Path) -> str:
    task = context["task"]
    comment = admin.ok(
        "POST",
        f"/actions/tasks/{task['id']}/comment",
        201,
        json={"task_status_id": context["status"]},
    )
    preview = admin.ok(
        "POST", f"/actions/tasks/{task['id']}/comments/{comment['id']}/add-preview", 201, json={}
    )
    with movie.open("rb") as stream:
        admin.ok(
            "POST",
            f"/pictures/preview-files/{preview['id']}",
            201,
            files={"file": (movie.name, stream)},
        )
    return preview["id"]


def test_a_killed_transcode_is_resumed(tmp_path):
    movie = make_clip(tmp_path / "long.mp4", 8, 1920, 1080)
    data_dir = tmp_path / "data"
    first = Server(data_dir).start()
    admin = Api(first.api)
    admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    preview_id = start_upload(admin, small_studio(admin), movie)
    deadline = time.monotonic() + 60
    while [row[0] for row in job_rows(data_dir, preview_id)] != ["running"]:
        assert time.monotonic() < deadline, "the job never started"
        time.sleep(0.1)
    time.sleep(2)  # well inside the transcode
    first.process.kill()  # no clean shutdown: the job is interrupted mid-way
    first.process.wait()
    assert job_rows(data_dir, preview_id) == [("running", 1, None)]

    second = Server(data_dir).start(admin=False)
    try:
        admin = Api(second.api)
        admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        ready = wait_ready(admin, preview_id)
        assert ready["status"] == "ready" and abs(ready["duration"] - 8) < 0.1
        video, audio = movie_streams(
            admin.get(f"/movies/originals/preview-files/{preview_id}.mp4").content
        )
        assert (video["width"], video["height"], video["codec"]) == (1920, 1080, "h264")
        assert abs(video["duration"] - 8) < 0.1 and audio is not None
        assert job_rows(data_dir, preview_id) == [("done", 2, None)]  # one job, run twice, no copy
        leftovers = [
            path for path in (data_dir / "previews").rglob("*") if path.name.endswith(".part")
        ]
        assert leftovers == []
    finally:
        second.stop()
    assert "Traceback" not in second.log()


def test_a_job_that_keeps_crashing_is_given_up(tmp_path):
    movie = make_clip(tmp_path / "clip.mp4", 1, 320, 240)
    data_dir = tmp_path / "data"
    second = Server(data_dir, job_max_attempts="1").start()
    try:
        admin = Api(second.api)
        admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        context = small_studio(admin)
        preview_id = start_upload(admin, context, movie)
        wait_ready(admin, preview_id)
        # As if the server had died during the job, as many times as allowed.
        with sqlite3.connect(data_dir / "kitsu.db", timeout=30) as db:
            db.execute(
                "update kitsu_local_job set status = 'running', attempts = 1 where object_id = ?",
                (preview_id,),
            )
            db.execute("update preview_file set status = 'processing' where id = ?", (preview_id,))
    finally:
        second.stop()
    third = Server(data_dir, job_max_attempts="1").start(admin=False)
    try:
        admin = Api(third.api)
        admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        broken = wait_ready(admin, preview_id)
        assert broken["status"] == "broken"
        assert broken["data"]["broken_reason"] == "gave up after 1 interrupted attempts"
        assert job_rows(data_dir, preview_id)[0][0] == "failed"
    finally:
        third.stop()


def test_serve_stops_cleanly_between_jobs(tmp_path):
    server = Server(tmp_path / "data").start()
    server.stop()
    assert server.process.returncode == 0
    assert "Traceback" not in server.log()
