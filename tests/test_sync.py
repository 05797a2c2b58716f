"""Two-way sync between two real kitsu-local servers (issue 9): a central one, made through real
gazu, and an artist's one, synced with the real ``kitsu-local sync`` command.

One module-scoped story, step by step: a first pull brings everything (ids kept, files
included), a second changes nothing, work on both sides travels both ways with a push and a
pull, the same field changed on both sides becomes a conflict until resolved, deletions and a
casting removal travel both ways, a preview made on one side plays on the other, and a pull
killed mid-run and run again ends with exactly what an uninterrupted pull brings.
"""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import av
import gazu
import pytest
from PIL import Image

from .support.api import Api
from .support.clips import make_clip, make_picture
from .support.server import ADMIN_EMAIL, ADMIN_PASSWORD, TEST_ENV, Server
from .test_previews import wait_ready


def kitsu_local(data_dir: Path, *args: str, stdin: str | None = None, check: bool = True):
    env = {**os.environ, **TEST_ENV, "KITSU_LOCAL_DATA_DIR": str(data_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "kitsu_local", *args],
        env=env, input=stdin, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def sync(data_dir: Path, *args: str) -> dict:
    """``kitsu-local sync ... --json``: the run's summary."""
    result = kitsu_local(data_dir, "sync", *args, "--json")
    return json.loads(result.stdout)


def add_remote(data_dir: Path, name: str, server: Server) -> None:
    kitsu_local(data_dir, "remote", "add", name, server.url, "--email", ADMIN_EMAIL,
                "--password-stdin", stdin=ADMIN_PASSWORD + "\n")  # fmt: skip


def ids(items) -> set[str]:
    return {item["id"] for item in items}


def new_shot_with_a_take(
    client: Api, project_id: str, sequence_id: str, task_type_id: str, status_id: str,
    picture: Path,
) -> tuple[dict, dict, dict, dict]:  # fmt: skip
    """SH040, its task, a comment with an attachment (``layout-notes.txt``: "camera left")
    and a preview of ``picture``, made on ``client``'s server and waited for until ready."""
    shot = client.ok("POST", f"/data/projects/{project_id}/shots", 201,
                     json={"name": "SH040", "sequence_id": sequence_id})  # fmt: skip
    [task] = client.ok(
        "POST", f"/actions/projects/{project_id}/task-types/{task_type_id}/shots/create-tasks",
        201, json=[shot["id"]],
    )  # fmt: skip
    comment = client.ok(
        "POST", f"/actions/tasks/{task['id']}/comment", 201,
        data={"task_status_id": status_id, "comment": "layout"},
        files={"file": ("layout-notes.txt", b"camera left")},
    )  # fmt: skip
    preview = client.ok(
        "POST", f"/actions/tasks/{task['id']}/comments/{comment['id']}/add-preview", 201, json={}
    )
    with picture.open("rb") as stream:
        response = client.post(
            f"/pictures/preview-files/{preview['id']}", files={"file": (picture.name, stream)}
        )
    assert response.status_code == 201, response.text
    assert wait_ready(client, preview["id"])["status"] == "ready"
    return shot, task, comment, preview


def snapshot(client: Api, project_id: str) -> dict[str, set[str]]:
    """The ids of every synced kind of a project, as one server lists them."""
    tasks = client.ok("GET", f"/data/tasks?project_id={project_id}")
    return {
        "entities": ids(client.ok("GET", f"/data/entities?project_id={project_id}")),
        "tasks": ids(tasks),
        "comments": ids(client.ok("GET", f"/data/projects/{project_id}/comments")),
        "preview-files": ids(client.ok("GET", f"/data/projects/{project_id}/preview-files")),
        "entity-links": ids(client.ok("GET", f"/data/projects/{project_id}/entity-links")),
        "time-spents": ids(client.ok("GET", f"/data/projects/{project_id}/time-spents")),
        "playlists": ids(client.ok("GET", f"/data/projects/{project_id}/playlists/all")),
        "attachment-files": ids(client.ok("GET", f"/data/projects/{project_id}/attachment-files")),
    }


@pytest.fixture(scope="module")
def sides(tmp_path_factory):
    central = Server(tmp_path_factory.mktemp("central")).start()
    artist = Server(tmp_path_factory.mktemp("artist")).start()
    try:
        yield SimpleNamespace(central=central, artist=artist)
    finally:
        artist.stop()
        central.stop()
    for side in (central, artist):
        log = side.log()
        assert "Traceback" not in log and "unhandled error" not in log, log[-4000:]


@pytest.fixture(scope="module")
def world(sides, tmp_path_factory):
    """A production on the central server, made with gazu: a sequence, two shots, two assets
    cast in the first shot, tasks with an assignee, a comment with a movie preview."""
    client = gazu.client.create_client(sides.central.api)
    gazu.log_in(ADMIN_EMAIL, ADMIN_PASSWORD, client=client)
    c = {"client": client}
    tag = uuid.uuid4().hex[:6]
    project = gazu.project.new_project(f"Sync {tag}", **c)
    sequence = gazu.shot.new_sequence(project, "SQ01", **c)
    shots = [gazu.shot.new_shot(project, sequence, f"SH0{n}0", **c) for n in (1, 2, 3)]
    prop = gazu.asset.get_asset_type_by_name("Prop", **c)
    assets = [gazu.asset.new_asset(project, prop, name, **c) for name in ("Sword", "Shield", "Cup")]
    gazu.casting.update_shot_casting(
        project, shots[0], [{"asset_id": a["id"], "nb_occurences": 1} for a in assets[:2]], **c
    )
    animation = gazu.task.get_task_type_by_name("Animation", **c)
    tasks = [gazu.task.new_task(shot, animation, **c) for shot in shots]
    person = gazu.person.new_person("Ann", "Artist", f"ann-{tag}@example.com", **c)
    gazu.task.assign_task(tasks[0], person, **c)
    wip = gazu.task.get_task_status_by_short_name("wip", **c)
    clip = make_clip(tmp_path_factory.mktemp("clips") / "take.mp4", 2, 320, 240, audio=True)
    notes = tmp_path_factory.mktemp("notes") / "notes.txt"
    notes.write_text("frame 12: the sword is too long\n")
    comment = gazu.task.add_comment(tasks[0], wip, "first take", attachments=[str(notes)], **c)
    preview = gazu.task.add_preview(tasks[0], comment, str(clip), **c)
    central = Api(sides.central.api)
    central.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    wait_ready(central, preview["id"])
    gazu.task.set_main_preview(preview, **c)  # the shot's thumbnail: a preview pulled after it
    gazu.playlist.new_playlist(project, "Dailies", **c)
    artist = Api(sides.artist.api)
    artist.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    return SimpleNamespace(
        project=project, sequence=sequence, shots=shots, assets=assets, tasks=tasks,
        person=person, comment=comment, preview=preview, wip=wip, gazu=client,
        central=central, artist=artist, data=sides.artist.data_dir,
    )  # fmt: skip


def test_first_pull_brings_everything(sides, world):
    add_remote(world.data, "central", sides.central)
    summary = sync(world.data, "pull", "central")
    assert summary["errors"] == [], summary
    assert summary["counts"]["entities"]["created"] == 7  # a sequence, 3 shots, 3 assets
    # The local admin had the central admin's e-mail: it became that person (the central id,
    # the local password), so its old session is gone.
    assert summary["counts"]["persons"]["matched"] == 1
    world.artist.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    project_id = world.project["id"]
    assert snapshot(world.artist, project_id) == snapshot(world.central, project_id)
    task = world.artist.ok("GET", f"/data/tasks/{world.tasks[0]['id']}")
    assert task["assignees"] == [world.person["id"]]
    # The movie came with its record: same frames on both sides, and it plays here.
    path = f"/movies/originals/preview-files/{world.preview['id']}.mp4"
    here, there = world.artist.get(path), world.central.get(path)
    assert here.status_code == 200 and here.content == there.content
    with av.open(io.BytesIO(here.content)) as container:
        frames = sum(1 for _ in container.decode(video=0))
    assert frames == 50
    assert world.artist.ok("GET", f"/data/preview-files/{world.preview['id']}")["status"] == "ready"
    shot = world.artist.ok("GET", f"/data/entities/{world.shots[0]['id']}")
    assert shot["preview_file_id"] == world.preview["id"]
    # The attachment came with its file.
    [attachment] = world.central.ok("GET", f"/data/tasks/{world.tasks[0]['id']}/attachment-files")
    path = f"/data/attachment-files/{attachment['id']}/file/{attachment['name']}"
    assert world.artist.get(path).content == b"frame 12: the sword is too long\n"


def test_second_pull_changes_nothing(world):
    before = snapshot(world.artist, world.project["id"])
    for args in (("pull", "central"), ("pull", "central", "--full")):
        summary = sync(world.data, *args)
        assert summary["counts"] == {} and summary["conflicts"] == 0, summary
    assert snapshot(world.artist, world.project["id"]) == before
    status = kitsu_local(world.data, "sync", "status", "central").stdout
    assert "nothing waiting to be pushed" in status and "conflict" not in status


def test_work_on_both_sides_travels_both_ways(world):
    """Each side changes its own shot and posts a comment; one push and one pull later, both
    sides hold both changes and both comments."""
    sh010, sh020, _ = world.shots
    world.artist.ok("PUT", f"/data/entities/{sh010['id']}", json={"description": "from home"})
    world.central.ok("PUT", f"/data/entities/{sh020['id']}", json={"description": "at studio"})
    task = world.tasks[1]
    status_id = world.wip["id"]
    mine = world.artist.ok("POST", f"/actions/tasks/{task['id']}/comment", 201,
                           json={"task_status_id": status_id, "comment": "done at home"})  # fmt: skip
    time.sleep(1.1)  # the task's last comment date differs on the two sides: no conflict
    theirs = world.central.ok("POST", f"/actions/tasks/{task['id']}/comment", 201,
                              json={"task_status_id": status_id, "comment": "seen at studio"})  # fmt: skip

    status = kitsu_local(world.data, "sync", "status", "central").stdout
    assert "entities: 1 changed" in status and "comments: 1 new" in status, status
    pushed = sync(world.data, "push", "central")
    assert pushed["errors"] == [] and pushed["conflicts"] == 0, pushed
    assert pushed["counts"]["entities"] == {"sent": 1}
    pulled = sync(world.data, "pull", "central")
    assert pulled["errors"] == [] and pulled["conflicts"] == 0, pulled

    for side in (world.artist, world.central):
        assert side.ok("GET", f"/data/entities/{sh010['id']}")["description"] == "from home"
        assert side.ok("GET", f"/data/entities/{sh020['id']}")["description"] == "at studio"
        texts = {c["id"]: c["text"] for c in side.ok("GET", f"/data/tasks/{task['id']}/comments")}
        assert texts[mine["id"]] == "done at home" and texts[theirs["id"]] == "seen at studio"
    assert snapshot(world.artist, world.project["id"]) == snapshot(
        world.central, world.project["id"]
    )
    # The task's last comment date is the later one (the central's) on both sides.
    dates = {side.ok("GET", f"/data/tasks/{task['id']}")["last_comment_date"]
             for side in (world.artist, world.central)}  # fmt: skip
    assert len(dates) == 1, dates
    # Nothing left to send, nothing new to bring.
    assert sync(world.data, "push", "central")["counts"] == {}
    assert sync(world.data, "pull", "central")["counts"] == {}


def test_a_field_changed_on_both_sides_is_a_conflict(world):
    shot = world.shots[2]
    world.artist.ok("PUT", f"/data/entities/{shot['id']}", json={"description": "mine"})
    world.central.ok("PUT", f"/data/entities/{shot['id']}", json={"description": "theirs"})
    pulled = sync(world.data, "pull", "central")
    assert pulled["conflicts"] == 1, pulled
    pushed = sync(world.data, "push", "central")
    assert pushed["counts"].get("entities") is None, pushed  # nothing overwritten there
    assert world.artist.ok("GET", f"/data/entities/{shot['id']}")["description"] == "mine"
    assert world.central.ok("GET", f"/data/entities/{shot['id']}")["description"] == "theirs"

    status = kitsu_local(world.data, "sync", "status", "central", "--json").stdout
    conflicts = json.loads(status)["conflicts"]
    assert [(c["record_id"], c["field_name"], c["local_value"], c["remote_value"])
            for c in conflicts] == [(shot["id"], "description", "mine", "theirs")]  # fmt: skip
    lines = kitsu_local(world.data, "sync", "status", "central").stdout.splitlines()
    conflict_lines = [line for line in lines if "conflict" in line]
    assert len(conflict_lines) == 1 and '"mine"' in conflict_lines[0], lines

    result = kitsu_local(world.data, "sync", "resolve", "central", conflicts[0]["id"],
                         "--keep", "local")  # fmt: skip
    assert "next push" in result.stdout
    assert sync(world.data, "push", "central")["counts"]["entities"] == {"sent": 1}
    for side in (world.artist, world.central):
        assert side.ok("GET", f"/data/entities/{shot['id']}")["description"] == "mine"
    assert (
        json.loads(kitsu_local(world.data, "sync", "status", "central", "--json").stdout)[
            "conflicts"
        ]
        == []
    )
    # The other way: keep the remote value.
    world.artist.ok("PUT", f"/data/entities/{shot['id']}", json={"description": "mine again"})
    world.central.ok("PUT", f"/data/entities/{shot['id']}", json={"description": "studio's"})
    assert sync(world.data, "pull", "central")["conflicts"] == 1
    conflict = json.loads(kitsu_local(world.data, "sync", "status", "central", "--json").stdout)[
        "conflicts"
    ][0]
    kitsu_local(world.data, "sync", "resolve", "central", conflict["id"], "--keep", "remote")
    assert world.artist.ok("GET", f"/data/entities/{shot['id']}")["description"] == "studio's"
    assert sync(world.data, "push", "central")["counts"] == {}


def test_deletions_and_casting_removals_travel_both_ways(world):
    project = world.project
    sword, _shield, cup = world.assets
    sh010 = world.shots[0]
    # Here: the cup is deleted and the shield leaves the shot's casting.
    world.artist.ok("DELETE", f"/data/assets/{cup['id']}?force=true", 204)
    world.artist.ok(
        "PUT", f"/data/projects/{project['id']}/entities/{sh010['id']}/casting",
        json=[{"asset_id": sword["id"], "nb_occurences": 1}],
    )  # fmt: skip
    pushed = sync(world.data, "push", "central")
    assert pushed["errors"] == [], pushed
    casting = world.central.ok(
        "GET", f"/data/projects/{project['id']}/entities/{sh010['id']}/casting"
    )
    assert [link["asset_id"] for link in casting] == [sword["id"]]
    assert world.central.get(f"/data/entities/{cup['id']}").status_code == 404
    # There: the sword leaves the casting too, and a task is deleted.
    world.central.ok(
        "PUT", f"/data/projects/{project['id']}/entities/{sh010['id']}/casting", json=[]
    )
    world.central.ok("DELETE", f"/data/tasks/{world.tasks[2]['id']}?force=true", 204)
    pulled = sync(world.data, "pull", "central")
    assert pulled["errors"] == [] and pulled["conflicts"] == 0, pulled
    casting = world.artist.ok(
        "GET", f"/data/projects/{project['id']}/entities/{sh010['id']}/casting"
    )
    assert casting == []
    assert world.artist.get(f"/data/tasks/{world.tasks[2]['id']}").status_code == 404
    assert snapshot(world.artist, project["id"]) == snapshot(world.central, project["id"])


def test_local_creations_and_a_preview_reach_the_central_server(world, tmp_path):
    """A shot, its task and a comment with a PNG preview made here: after a push the central
    server has them with the same ids, and the preview is ready there with the same pixels."""
    shot, task, comment, preview = new_shot_with_a_take(
        world.artist, world.project["id"], world.sequence["id"], world.tasks[0]["task_type_id"],
        world.wip["id"], make_picture(tmp_path / "frame.png", 320, 200),
    )  # fmt: skip

    pushed = sync(world.data, "push", "central")
    assert pushed["errors"] == [] and pushed["files"] == 2, pushed  # the preview, the attachment
    for kind in ("entities", "tasks", "comments", "preview-files"):
        assert pushed["counts"][kind]["sent"] >= 1, (kind, pushed)
    assert world.central.ok("GET", f"/data/entities/{shot['id']}")["name"] == "SH040"
    assert world.central.ok("GET", f"/data/tasks/{task['id']}")["entity_id"] == shot["id"]
    there = wait_ready(world.central, preview["id"])
    assert there["status"] == "ready" and (there["width"], there["height"]) == (320, 200)
    path = f"/pictures/originals/preview-files/{preview['id']}.png"
    here_pixels = Image.open(io.BytesIO(world.artist.get(path).content)).convert("RGB")
    there_pixels = Image.open(io.BytesIO(world.central.get(path).content)).convert("RGB")
    assert here_pixels.tobytes() == there_pixels.tobytes()
    comments = world.central.ok("GET", f"/data/tasks/{task['id']}/comments")
    assert [c["id"] for c in comments] == [comment["id"]]
    assert [p["id"] for p in comments[0]["previews"]] == [preview["id"]]
    # The attachment went with its file; here it now has the id the central server gave it.
    [there] = world.central.ok("GET", f"/data/tasks/{task['id']}/attachment-files")
    [here] = world.artist.ok("GET", f"/data/tasks/{task['id']}/attachment-files")
    assert here["id"] == there["id"] and there["name"] == "layout-notes.txt"
    path = f"/data/attachment-files/{there['id']}/file/{there['name']}"
    assert world.central.get(path).content == world.artist.get(path).content == b"camera left"
    # What the central server says back changes nothing here.
    pulled = sync(world.data, "pull", "central")
    assert pulled["conflicts"] == 0 and pulled["errors"] == [], pulled
    assert sync(world.data, "push", "central")["counts"] == {}


def test_offline_work_waits_for_the_remote(sides, world):
    """The central server is down: local work goes on, a push says the remote cannot be reached
    and loses nothing; once it is back, the same push sends everything."""
    shot = world.shots[1]
    sides.central.stop()
    try:
        world.artist.ok("PUT", f"/data/entities/{shot['id']}", json={"description": "offline"})
        result = kitsu_local(world.data, "sync", "push", "central", check=False)
        assert result.returncode == 1 and "cannot reach the remote" in result.stderr, result.stderr
        status = kitsu_local(world.data, "sync", "status", "central").stdout
        assert "entities: 1 changed" in status, status
    finally:
        sides.central.start(admin=False)
    world.central.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    pushed = sync(world.data, "push", "central")
    assert pushed["counts"]["entities"] == {"sent": 1} and pushed["errors"] == [], pushed
    assert world.central.ok("GET", f"/data/entities/{shot['id']}")["description"] == "offline"


def test_an_artist_account_syncs_what_it_may(sides, world, tmp_path):
    """A remote account that is no admin: the pull brings what it may read and reports the
    rest, a push reports each record the remote does not take, and nothing stops or is lost."""
    email = f"artist-{uuid.uuid4().hex[:6]}@example.com"
    artist = world.central.ok("POST", "/data/persons", 201, json={
        "first_name": "Art", "last_name": "Ist", "email": email, "role": "user",
        "password": "artist-password-1"})  # fmt: skip
    world.central.ok("POST", f"/data/projects/{world.project['id']}/team", 201,
                     json={"person_id": artist["id"]})  # fmt: skip
    data = tmp_path / "artist-laptop"
    data.mkdir()
    kitsu_local(data, "remote", "add", "studio", sides.central.url, "--email", email,
                "--password-stdin", stdin="artist-password-1\n")  # fmt: skip
    pulled = sync(data, "pull", "studio")
    assert pulled["counts"]["projects"] == {"created": 1}, pulled  # only the project of its team
    assert pulled["counts"]["tasks"]["created"] >= 1
    assert any("refused by the remote" in error for error in pulled["errors"]), pulled
    laptop = Server(data).start()
    try:
        client = Api(laptop.api)
        client.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        shot = world.shots[0]
        client.ok("PUT", f"/data/entities/{shot['id']}", json={"description": "artist's"})
    finally:
        laptop.stop()
    pushed = sync(data, "push", "studio")
    assert any("not imported by the remote" in error for error in pushed["errors"]), pushed
    assert world.central.ok("GET", f"/data/entities/{shot['id']}")["description"] != "artist's"
    assert "entities: 1 changed" in kitsu_local(data, "sync", "status", "studio").stdout


def _pull_checkpoint(data_dir: Path) -> list[str] | None:
    with sqlite3.connect(data_dir / "kitsu.db") as db:
        row = db.execute("SELECT pull_checkpoint FROM kitsu_local_sync_remote").fetchone()
    checkpoint = json.loads(row[0]) if row and row[0] else None
    return checkpoint["done"] if checkpoint else None


def test_a_killed_pull_resumes_to_the_same_result(sides, world, tmp_path):
    """A pull killed (SIGKILL) after some of its steps, then run again, ends with the ids an
    uninterrupted pull brings, and nothing twice."""
    data = tmp_path / "laptop"
    data.mkdir()
    kitsu_local(data, "init-db")
    add_remote(data, "central", sides.central)
    env = {**os.environ, **TEST_ENV, "KITSU_LOCAL_DATA_DIR": str(data)}
    process = subprocess.Popen(
        [sys.executable, "-m", "kitsu_local", "sync", "pull", "central", "--json"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done = _pull_checkpoint(data) if (data / "kitsu.db").exists() else None
        if done and any(step.startswith("entities:") for step in done):
            break  # killed in the middle of the project, before its tasks are all in
        time.sleep(0.005)
    assert process.poll() is None, "the pull ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    done = _pull_checkpoint(data)
    assert done and not any(step.startswith("comments:") for step in done), done

    summary = sync(data, "pull", "central")
    assert summary["errors"] == [], summary
    assert _pull_checkpoint(data) is None
    # Persons come without their password: give the pulled admin one here to look.
    laptop = Server(data).start()
    try:
        client = Api(laptop.api)
        client.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        assert snapshot(client, world.project["id"]) == snapshot(world.central, world.project["id"])
    finally:
        laptop.stop()
    # Run again: nothing to do.
    assert sync(data, "pull", "central")["counts"] == {}


def _base_count(data_dir: Path, kind: str) -> int:
    with sqlite3.connect(data_dir / "kitsu.db") as db:
        return db.execute(
            "SELECT count(*) FROM kitsu_local_sync_base WHERE remote = 'central' AND kind = ?",
            (kind,),
        ).fetchone()[0]


def test_a_killed_push_resumes_to_the_same_result(world):
    """250 shots made here go in two batches; the push is killed (SIGKILL) once the first
    batch is accepted, then run again: the central server has every shot once, same ids."""
    project = world.project
    made = [
        world.artist.ok("POST", f"/data/projects/{project['id']}/shots", 201,
                        json={"name": f"BULK{n:03}", "sequence_id": world.sequence["id"]})["id"]
        for n in range(250)
    ]  # fmt: skip
    before = _base_count(world.data, "entities")
    env = {**os.environ, **TEST_ENV, "KITSU_LOCAL_DATA_DIR": str(world.data)}
    process = subprocess.Popen(
        [sys.executable, "-m", "kitsu_local", "sync", "push", "central", "--json"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and _base_count(world.data, "entities") == before:
        time.sleep(0.005)
    assert process.poll() is None, "the push ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    sent = _base_count(world.data, "entities") - before
    assert 0 < sent < 250, sent

    pushed = sync(world.data, "push", "central")
    assert pushed["errors"] == [] and pushed["counts"]["entities"]["sent"] == 250 - sent, pushed
    central = world.central.ok("GET", f"/data/entities?project_id={project['id']}")
    names = [entity["name"] for entity in central if entity["name"].startswith("BULK")]
    assert len(names) == len(set(names)) == 250
    assert set(made) <= {entity["id"] for entity in central}
    assert sync(world.data, "push", "central")["counts"] == {}
