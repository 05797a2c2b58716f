"""Playlist builds and archives against Zou, on a project of their own: the build job, the built
movie, the ZIP (its entry names compared as text), deletion, and every role's status.

Deliberate difference: refzou runs without a job queue (``ENABLE_JOB_QUEUE=false``), so its
``build/mp4`` answers the job already ``succeeded`` with its ``ended_at``; kitsu-local always
builds in its job queue and answers it ``running`` (what Zou answers with its queue on).
"""

from __future__ import annotations

import io
import time
import zipfile

import av
import pytest

from ..support.clips import make_clip, make_picture

ROLES = ("manager", "supervisor", "user", "client", "vendor")
TIMEOUT = 240


def _upload(compat, name: str, task: str, source, comment: str | None = None) -> str:
    """add-preview and the upload on both sides; recorded as ``preview:<name>``."""
    if comment is None:
        comment = f"comment:{name}"
        compat.create(
            comment, f"/actions/tasks/{{{task}}}/comment", {"task_status_id": "{status:wfa}"}
        )
    compat.create(
        f"preview:{name}", f"/actions/tasks/{{{task}}}/comments/{{{comment}}}/add-preview", {}
    )
    for side in (0, 1):
        with source.open("rb") as stream:
            response = compat.client(side, "admin").post(
                compat.fill(f"/pictures/preview-files/{{preview:{name}}}", side),
                files={"file": (source.name, stream)},
            )
        assert response.status_code == 201, response.text
    _wait(compat.local, compat.fill(f"/data/preview-files/{{preview:{name}}}", 1), "processing")
    return comment


def _wait(api, path: str, pending: str) -> dict:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        body = api.ok("GET", path)
        if body["status"] != pending:
            return body
        time.sleep(0.3)
    raise AssertionError(f"{path} still {pending}")


@pytest.fixture(scope="module")
def builds(compat, tmp_path_factory):
    folder = tmp_path_factory.mktemp("compat-builds")
    compat.create(
        "project:builds",
        "/data/projects",
        {
            "name": f"Compat Builds {compat.tag}",
            "resolution": "320x180",
            "fps": "25",
            "team": [f"{{person:{role}}}" for role in ROLES],
        },
    )
    for name in ("Hero", "Villain"):
        compat.create(
            f"asset:builds-{name}",
            "/data/entities",
            {"name": name, "project_id": "{project:builds}",
             "entity_type_id": "{entity-type:Character}"},
        )  # fmt: skip
        compat.create(
            f"task:builds-{name}",
            "/data/tasks",
            {"project_id": "{project:builds}", "entity_id": f"{{asset:builds-{name}}}",
             "task_type_id": "{task-type:Modeling/Asset}", "task_status_id": "{status:todo}"},
        )  # fmt: skip
    movie = make_clip(folder / "hero.mp4", 1, 320, 180, audio=True)
    comment = _upload(compat, "hero", "task:builds-Hero", movie)
    _upload(
        compat, "hero-2", "task:builds-Hero", make_picture(folder / "extra.png", 64, 36), comment
    )
    _upload(compat, "villain", "task:builds-Villain", make_clip(folder / "v.mp4", 1, 320, 180))
    shots = [
        {"entity_id": "{asset:builds-Hero}", "preview_file_id": "{preview:hero}"},
        {"entity_id": "{asset:builds-Villain}", "preview_file_id": "{preview:villain}"},
    ]
    for name, values in (("builds", {}), ("builds-client", {"for_client": True})):
        compat.create(
            f"playlist:{name}",
            "/data/playlists",
            {"name": f"Reel {name}", "project_id": "{project:builds}", **values},
        )
        compat.check("PUT", f"/data/playlists/{{playlist:{name}}}", json={"shots": shots})
    zou, local = compat.check(
        "GET", "/data/playlists/{playlist:builds}/build/mp4", allowed=("$.ended_at",)
    )
    assert (zou["status"], local["status"]) == ("succeeded", "running")
    compat.add("build-job:builds", zou["id"], local["id"])
    _wait(compat.local, f"/data/playlists/{compat.ids['playlist:builds'][1]}/jobs/{local['id']}",
          "running")  # fmt: skip
    return compat


JOB = "/data/playlists/{playlist:builds}/jobs/{build-job:builds}"


def test_build_job(builds):
    zou, local = builds.check("GET", JOB)
    assert zou["status"] == local["status"] == "succeeded"


def test_built_movie(builds):
    zou, local = builds.both("GET", f"{JOB}/build/mp4")
    assert zou.status_code == local.status_code == 200
    assert zou.headers["content-type"] == local.headers["content-type"] == "video/mp4"
    # The name starts with the job's creation time: compare what follows it.
    names = [
        response.headers["content-disposition"].rsplit("=", 1)[1].split("''")[-1].strip('"')
        for response in (zou, local)
    ]
    assert names[0].split("_", 2)[2] == names[1].split("_", 2)[2]
    durations = []
    for response in (zou, local):
        with av.open(io.BytesIO(response.content)) as container:
            video = container.streams.video[0]
            assert (video.width, video.height) == (320, 180) and container.streams.audio
            durations.append(float(video.duration * video.time_base))
    assert abs(durations[0] - durations[1]) <= 2 / 25


def test_zip(builds):
    zou, local = builds.both("GET", "/data/playlists/{playlist:builds}/download/zip")
    assert zou.status_code == local.status_code == 200
    assert zou.headers["content-type"] == local.headers["content-type"] == "application/zip"
    zou_names = zipfile.ZipFile(io.BytesIO(zou.content)).namelist()
    local_names = zipfile.ZipFile(io.BytesIO(local.content)).namelist()
    assert zou_names == local_names and len(local_names) == 3
    zou_name = zou.headers["content-disposition"].rsplit("=", 1)[1].strip('"')
    assert local.headers["content-disposition"].endswith(zou_name)


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor", "outsider"])
def test_roles(builds, role):
    for method, path in (
        ("GET", JOB),
        ("GET", "/data/playlists/{playlist:builds}/build/mp4"),
        ("GET", "/data/playlists/{playlist:builds-client}/build/mp4"),
        ("DELETE", JOB),
    ):
        builds.check(method, path, role=role)
    for path in (f"{JOB}/build/mp4", "/data/playlists/{playlist:builds}/download/zip",
                 "/data/playlists/{playlist:builds-client}/download/zip"):  # fmt: skip
        zou, local = builds.both("GET", path, role=role)
        assert zou.status_code == local.status_code, (path, role, zou.text, local.text)


def test_unknown_ids(builds):
    missing = "00000000-0000-0000-0000-000000000000"
    for path in (
        f"/data/playlists/{{playlist:builds}}/jobs/{missing}",
        f"/data/playlists/{missing}/build/mp4",
        f"/data/playlists/{missing}/download/zip",
        "/data/playlists/{playlist:builds-client}/jobs/{build-job:builds}",
    ):
        builds.check("GET", path)


def test_delete(builds):
    builds.check("DELETE", JOB)
    builds.check("GET", JOB)
    builds.check("DELETE", JOB)
