"""Playlist movies and archives: the movie built by the job queue from the previews' movies
(pictures left out, as Zou does), the build jobs, the ZIP of the previews' originals, their
permissions, gazu's functions, and a build surviving a killed server."""

from __future__ import annotations

import io
import sqlite3
import time
import zipfile
from pathlib import Path

import av
import gazu
import pytest

from .support.api import Api
from .support.clips import make_clip, make_picture
from .support.server import ADMIN_EMAIL, ADMIN_PASSWORD, Server
from .support.studio import unique
from .test_previews import wait_ready

BUILD_TIMEOUT = 240
JOB_KEYS = {
    "id", "type", "status", "job_type", "ended_at", "message", "playlist_id", "created_at",
    "updated_at",
}  # fmt: skip
FPS = 25


# ---- building data through the API ------------------------------------------------------------
def new_task(admin: Api, project: dict, entity_type_id: str, task_type_id: str) -> dict:
    asset = admin.create(
        "entities", name=unique("Hero"), project_id=project["id"], entity_type_id=entity_type_id
    )
    todo = admin.ok("GET", "/data/task-status?short_name=todo")[0]
    return admin.create(
        "tasks",
        project_id=project["id"],
        entity_id=asset["id"],
        task_type_id=task_type_id,
        task_status_id=todo["id"],
    )


def add_preview(admin: Api, task: dict, source: Path, comment: dict | None = None) -> tuple:
    """add-preview (on a new comment, or on ``comment``: the same revision) then the upload;
    answers the ready preview and its comment."""
    if comment is None:
        wfa = admin.ok("GET", "/data/task-status?short_name=wfa")[0]
        comment = admin.ok(
            "POST", f"/actions/tasks/{task['id']}/comment", 201, json={"task_status_id": wfa["id"]}
        )
    preview = admin.ok(
        "POST", f"/actions/tasks/{task['id']}/comments/{comment['id']}/add-preview", 201, json={}
    )
    with source.open("rb") as stream:
        admin.ok(
            "POST",
            f"/pictures/preview-files/{preview['id']}",
            201,
            files={"file": (source.name, stream)},
        )
    ready = wait_ready(admin, preview["id"])
    assert ready["status"] == "ready", ready
    return ready, comment


def new_playlist(admin: Api, project: dict, previews: list[dict], **values) -> dict:
    playlist = admin.create("playlists", name=unique("PL"), project_id=project["id"], **values)
    shots = [{"entity_id": p["entity_id"], "preview_file_id": p["id"]} for p in previews]
    return admin.ok("PUT", f"/data/playlists/{playlist['id']}", json={"shots": shots})


def wait_built(client: Api, playlist_id: str, job_id: str) -> dict:
    deadline = time.monotonic() + BUILD_TIMEOUT
    while time.monotonic() < deadline:
        job = client.ok("GET", f"/data/playlists/{playlist_id}/jobs/{job_id}")
        if job["status"] != "running":
            return job
        time.sleep(0.3)
    raise AssertionError(f"build {job_id} still running after {BUILD_TIMEOUT} s")


def movie_of(content: bytes) -> dict:
    """What PyAV reads of a movie: size, picture count, stream durations."""
    with av.open(io.BytesIO(content)) as container:
        video = container.streams.video[0]
        audio = container.streams.audio[0] if container.streams.audio else None
        frames = sum(1 for _ in container.decode(video=0))
        return {
            "size": (video.width, video.height),
            "frames": frames,
            "video": float(video.duration * video.time_base),
            "audio": float(audio.duration * audio.time_base) if audio else None,
        }


def slug(text: str) -> str:
    return text.lower().replace(" ", "_")


def zip_name(scene: dict, preview: dict) -> str:
    """Zou's preview file name: project, asset type / asset, task type, revision, position."""
    asset = scene["assets"][preview["entity_id"]]
    position = f"-{preview['position']}" if preview["position"] > 1 else ""
    return (
        f"{slug(scene['project']['name'])}_character_{slug(asset)}_modeling_v1{position}"
        f".{preview['extension']}"
    )


@pytest.fixture(scope="module")
def scene(studio, tmp_path_factory):
    """A project of the studio's team at 640x360, 25 fps; previews: a movie with sound and a
    picture in one revision, a movie without sound, a picture alone; a playlist of them."""
    admin = studio.admin
    folder = tmp_path_factory.mktemp("playlist-media")
    team = [person["id"] for person in studio.people.values() if person["role"] != "admin"]
    project = admin.create(
        "projects", name=unique("Builds"), team=team, resolution="640x360", fps=str(FPS)
    )
    character = studio.types["Character"]
    modeling = studio.task_types["Modeling/Asset"]["id"]
    tasks = [new_task(admin, project, character, modeling) for _ in range(3)]
    sound, comment = add_preview(
        admin, tasks[0], make_clip(folder / "sound.mp4", 1.0, 320, 240, audio=True)
    )
    extra, _ = add_preview(admin, tasks[0], make_picture(folder / "extra.png", 64, 48), comment)
    silent, _ = add_preview(admin, tasks[1], make_clip(folder / "silent.mp4", 1.2, 640, 360))
    picture, _ = add_preview(admin, tasks[2], make_picture(folder / "still.png", 80, 60))
    previews = [sound, picture, silent]
    for preview, task in zip(previews, (tasks[0], tasks[2], tasks[1]), strict=True):
        preview["entity_id"] = task["entity_id"]
    extra["entity_id"] = tasks[0]["entity_id"]
    assets = {
        task["entity_id"]: admin.ok("GET", f"/data/entities/{task['entity_id']}")["name"]
        for task in tasks
    }
    return {
        "project": project,
        "tasks": tasks,
        "assets": assets,
        "sound": sound,
        "extra": extra,
        "silent": silent,
        "picture": picture,
        "playlist": new_playlist(admin, project, previews),
        "client_playlist": new_playlist(admin, project, previews, for_client=True),
        "pictures_only": new_playlist(admin, project, [picture]),
    }


@pytest.fixture(scope="module")
def built(studio, scene):
    """A build of the scene's playlist, run to its end."""
    playlist = scene["playlist"]
    job = studio.admin.ok("GET", f"/data/playlists/{playlist['id']}/build/mp4")
    return playlist, job, wait_built(studio.admin, playlist["id"], job["id"])


# ---- the build ---------------------------------------------------------------------------------
def test_concat_movies_keeps_picture_and_sound_in_step(tmp_path):
    """The media function alone: clips of other sizes, rates and soundtracks (one without, one
    shorter than its picture) at 640x360, 25 fps; the movie lasts the sum of the clips."""
    from kitsu_local.media.playlist_movies import concat_movies

    clips = [
        make_clip(tmp_path / "a.mp4", 1.0, 320, 240, audio=True),
        make_clip(tmp_path / "b.mp4", 1.6, 640, 360, fps=24),
        make_clip(tmp_path / "c.mp4", 0.52, 320, 240, audio=True, audio_seconds=0.3),
    ]
    info = concat_movies(clips, tmp_path / "out.mp4", 640, 360, 25.0)
    movie = movie_of((tmp_path / "out.mp4").read_bytes())
    assert (info.width, info.height, info.fps) == (640, 360, 25.0) and info.has_audio
    assert movie["frames"] == 25 + 40 + 13  # 1.6 s at 24 fps is 38 pictures, 40 at 25 fps
    assert abs(movie["video"] - 3.12) < 1e-6 and abs(movie["audio"] - 3.12) <= 1 / FPS


def test_build_movie_concatenates_the_movies(studio, scene, built):
    playlist, started, done = built
    assert set(started) == JOB_KEYS and started["type"] == "BuildJob"
    assert (started["status"], started["job_type"], started["playlist_id"]) == (
        "running", "movie", playlist["id"],
    )  # fmt: skip
    assert started["ended_at"] is None and started["message"] is None
    assert done["status"] == "succeeded" and done["ended_at"] and done["message"] is None
    response = studio.admin.get(f"/data/playlists/{playlist['id']}/jobs/{done['id']}/build/mp4")
    assert response.status_code == 200 and response.headers["content-type"] == "video/mp4"
    project_slug = scene["project"]["name"].lower().replace(" ", "_")
    name = f"{project_slug}_{playlist['name'].lower().replace(' ', '_')}.mp4"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and disposition.endswith(name)
    movie = movie_of(response.content)
    # The two movies (1 s and 1.2 s) at the project's size; the pictures are left out.
    assert movie["size"] == (640, 360) and movie["frames"] == round(2.2 * FPS)
    assert abs(movie["video"] - 2.2) <= 2 / FPS
    assert movie["audio"] is not None and abs(movie["audio"] - 2.2) <= 2 / FPS
    listed = studio.admin.ok("GET", f"/data/projects/{scene['project']['id']}/build-jobs")
    assert [job["id"] for job in listed] == [done["id"]]


def test_build_events(studio, scene, built):
    playlist, _, done = built
    events = studio.admin.ok(
        "GET", f"/data/events/last?project_id={scene['project']['id']}&limit=100"
    )
    names = {event["name"]: event["data"] for event in events if "build-job" in event["name"]}
    assert names["build-job:new"]["build_job_id"] == done["id"]
    assert names["build-job:new"]["playlist_id"] == playlist["id"]
    assert names["build-job:update"]["status"] == "succeeded"


def test_a_playlist_of_pictures_fails_and_is_not_downloadable(studio, scene):
    """Deliberate difference: Zou without a job queue answers 500 to a build with no movie
    preview (its build raises in the request); here the build job ends ``failed``, with the
    reason in ``message``, as Zou's queued builds do."""
    playlist = scene["pictures_only"]
    job = studio.admin.ok("GET", f"/data/playlists/{playlist['id']}/build/mp4")
    failed = wait_built(studio.admin, playlist["id"], job["id"])
    assert failed["status"] == "failed" and failed["message"] and failed["ended_at"]
    response = studio.admin.get(f"/data/playlists/{playlist['id']}/jobs/{job['id']}/build/mp4")
    assert response.status_code == 400
    assert response.json() == {"error": True, "message": "Build is not finished"}


def test_one_build_at_a_time_then_delete(studio, scene):
    playlist = scene["client_playlist"]
    first = studio.admin.ok("GET", f"/data/playlists/{playlist['id']}/build/mp4")
    second = studio.admin.get(f"/data/playlists/{playlist['id']}/build/mp4")
    assert second.status_code == 409
    assert second.json() == {
        "error": True, "message": "A build is already in progress for this playlist",
    }  # fmt: skip
    path = f"/data/playlists/{playlist['id']}/jobs/{first['id']}"
    assert studio.admin.get(f"{path}/build/mp4").status_code == 400  # still running
    assert wait_built(studio.admin, playlist["id"], first["id"])["status"] == "succeeded"
    assert studio.admin.delete(path).status_code == 204
    assert studio.admin.get(path).status_code == 404
    assert studio.admin.get(f"{path}/build/mp4").status_code == 404


def test_unknown_and_foreign_build_jobs(studio, scene, built):
    playlist, _, done = built
    other = scene["client_playlist"]
    missing = "00000000-0000-0000-0000-000000000000"
    for path in (
        f"/data/playlists/{other['id']}/jobs/{done['id']}",
        f"/data/playlists/{playlist['id']}/jobs/{missing}",
        f"/data/playlists/{missing}/jobs/{done['id']}",
        f"/data/playlists/{missing}/build/mp4",
        f"/data/playlists/{missing}/download/zip",
    ):
        assert studio.admin.get(path).status_code == 404, path
    assert (
        studio.admin.delete(f"/data/playlists/{other['id']}/jobs/{done['id']}").status_code == 404
    )
    assert (
        studio.admin.get(f"/data/playlists/{playlist['id']}/jobs/{done['id']}").status_code == 200
    )


# ---- the archive -------------------------------------------------------------------------------
def test_zip_holds_every_preview_of_the_revisions(studio, scene):
    playlist = scene["playlist"]
    response = studio.admin.get(f"/data/playlists/{playlist['id']}/download/zip")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].endswith(
        f"{scene['project']['name'].lower().replace(' ', '_')}_"
        f"{playlist['name'].lower().replace(' ', '_')}.zip"
    )
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    # The shown previews in playlist order, the picture of the first revision after its movie.
    expected = [scene["sound"], scene["extra"], scene["picture"], scene["silent"]]
    download = {
        "mp4": "/movies/originals/preview-files/{}/download",
        "png": "/pictures/originals/preview-files/{}/download",
    }
    assert len(names) == len(expected)
    for name, preview in zip(names, expected, strict=True):
        original = studio.admin.get(download[preview["extension"]].format(preview["id"]))
        assert original.status_code == 200
        assert name == zip_name(scene, preview)
        assert archive.read(name) == original.content
    assert all(info.compress_type == zipfile.ZIP_STORED for info in archive.infolist())


def test_zip_of_an_empty_playlist(studio, scene):
    """Deliberate difference: Zou 1.0.97 answers 500 for a playlist without shots; an empty
    archive here."""
    playlist = studio.admin.create(
        "playlists", name=unique("PL"), project_id=scene["project"]["id"]
    )
    response = studio.admin.get(f"/data/playlists/{playlist['id']}/download/zip")
    assert response.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(response.content)).namelist() == []


# ---- permissions -------------------------------------------------------------------------------
def test_permissions(studio, scene, built):
    playlist, _, done = built
    shared = scene["client_playlist"]
    base = f"/data/playlists/{playlist['id']}"
    job = f"{base}/jobs/{done['id']}"
    expected = {
        # role: (build, job, download, zip)
        "user": (403, 403, 403, 403),
        "vendor": (403, 403, 403, 403),
        "client": (403, 403, 403, 403),
        "supervisor": (403, 403, 200, 200),
    }
    for role, statuses in expected.items():
        client = studio.as_role(role)
        answers = (
            client.get(f"{base}/build/mp4").status_code,
            client.get(job).status_code,
            client.get(f"{job}/build/mp4").status_code,
            client.get(f"{base}/download/zip").status_code,
        )
        assert answers == statuses, role
        assert client.delete(job).status_code == 403, role
    client = studio.as_role("client")
    assert client.get(f"/data/playlists/{shared['id']}/download/zip").status_code == 200
    assert client.get(f"/data/playlists/{shared['id']}/build/mp4").status_code == 403
    manager = studio.as_role("manager")
    assert manager.get(job).status_code == 200
    assert manager.get(f"{job}/build/mp4").status_code == 200


def test_outsider_permissions(studio):
    """The team's manager on a playlist of a project they are not in."""
    outside = studio.admin.create(
        "playlists", name=unique("PL"), project_id=studio.other_project["id"]
    )
    manager = studio.as_role("manager")
    base = f"/data/playlists/{outside['id']}"
    assert manager.get(f"{base}/build/mp4").status_code == 403
    assert manager.get(f"{base}/download/zip").status_code == 403
    job = studio.admin.ok("GET", f"{base}/build/mp4")
    assert manager.get(f"{base}/jobs/{job['id']}").status_code == 403
    assert manager.get(f"{base}/jobs/{job['id']}/build/mp4").status_code == 403
    assert manager.delete(f"{base}/jobs/{job['id']}").status_code == 403
    assert wait_built(studio.admin, outside["id"], job["id"])["status"] == "failed"


# ---- gazu --------------------------------------------------------------------------------------
def test_gazu_build_download_and_remove(gazu_client, scene, tmp_path):
    playlist = scene["client_playlist"]
    job = gazu.playlist.build_playlist_movie(playlist, client=gazu_client)
    assert job["status"] == "running" and job["playlist_id"] == playlist["id"]
    deadline = time.monotonic() + BUILD_TIMEOUT
    while gazu.playlist.get_build_job(playlist, job, client=gazu_client)["status"] == "running":
        assert time.monotonic() < deadline
        time.sleep(0.3)
    done = gazu.playlist.get_build_job(playlist, job["id"], client=gazu_client)
    assert done["id"] == job["id"] and done["status"] == "succeeded"
    target = tmp_path / "playlist.mp4"
    gazu.playlist.download_playlist_build(playlist, job, str(target), client=gazu_client)
    movie = movie_of(target.read_bytes())
    assert movie["size"] == (640, 360) and abs(movie["video"] - 2.2) <= 2 / FPS
    gazu.playlist.remove_build_job(playlist, job, client=gazu_client)
    remaining = gazu.playlist.all_build_jobs_for_project(scene["project"], client=gazu_client)
    assert job["id"] not in [item["id"] for item in remaining]


def test_gazu_download_playlist_zip(gazu_client, scene, tmp_path):
    target = tmp_path / "playlist.zip"
    gazu.playlist.download_playlist_zip(scene["playlist"], str(target), client=gazu_client)
    names = zipfile.ZipFile(target).namelist()
    assert len(names) == 4 and [name.rsplit(".", 1)[1] for name in names] == [
        "mp4", "png", "png", "mp4",
    ]  # fmt: skip


# ---- crash safety ------------------------------------------------------------------------------
def job_rows(data_dir: Path, build_job_id: str) -> list[tuple]:
    with sqlite3.connect(data_dir / "kitsu.db", timeout=30) as db:
        return db.execute(
            "select status, attempts, error from kitsu_local_job where object_id = ?",
            (build_job_id,),
        ).fetchall()


def test_a_killed_build_is_resumed(tmp_path):
    data_dir = tmp_path / "data"
    first = Server(data_dir).start()
    admin = Api(first.api)
    admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    project = admin.create("projects", name=unique("Crash"), resolution="1920x1080", fps="25")
    types = {item["name"]: item["id"] for item in admin.ok("GET", "/data/entity-types")}
    modeling = admin.ok("GET", "/data/task-types?name=Modeling")[0]["id"]
    previews = []
    for index in range(2):
        task = new_task(admin, project, types["Character"], modeling)
        clip = make_clip(tmp_path / f"clip{index}.mp4", 4, 1280, 720, audio=index == 0)
        preview, _ = add_preview(admin, task, clip)
        previews.append({**preview, "entity_id": task["entity_id"]})
    playlist = new_playlist(admin, project, previews)
    job = admin.ok("GET", f"/data/playlists/{playlist['id']}/build/mp4")
    deadline = time.monotonic() + 60
    while [row[0] for row in job_rows(data_dir, job["id"])] != ["running"]:
        assert time.monotonic() < deadline, "the build never started"
        time.sleep(0.1)
    time.sleep(1.5)  # inside the encode
    first.process.kill()
    first.process.wait()
    assert job_rows(data_dir, job["id"]) == [("running", 1, None)]

    second = Server(data_dir).start(admin=False)
    try:
        admin = Api(second.api)
        admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        done = wait_built(admin, playlist["id"], job["id"])
        assert done["status"] == "succeeded"
        assert job_rows(data_dir, job["id"]) == [("done", 2, None)]
        content = admin.get(f"/data/playlists/{playlist['id']}/jobs/{job['id']}/build/mp4").content
        movie = movie_of(content)
        assert movie["size"] == (1920, 1080) and abs(movie["video"] - 8) <= 2 / 25
        assert movie["frames"] == 200 and abs(movie["audio"] - 8) <= 2 / 25
        store = data_dir / "previews"
        assert len(list((store / "movies" / "playlists").rglob("*"))) == 3  # one movie, 2 dirs
        assert [path for path in store.rglob("*") if path.name.endswith(".part")] == []
    finally:
        second.stop()
    assert "Traceback" not in second.log()
