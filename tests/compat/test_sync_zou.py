"""Sync with the real Zou (issue 9): a production made on Zou with gazu, pulled whole into a fresh
kitsu-local (ids, counts per kind and file checksums equal), then the round trip of
``tests/test_sync.py`` with Zou as the central server: work on both sides, a conflict, a
deletion and a casting removal both ways, a preview made here and processed there.

Skipped without ``KITSU_COMPAT_ZOU_URL``. The person made on Zou is deactivated at the end.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from types import SimpleNamespace

import gazu
import pytest

from ..support.api import Api
from ..support.clips import make_clip, make_picture
from ..support.server import ADMIN_EMAIL, ADMIN_PASSWORD, Server
from ..test_previews import wait_ready
from ..test_sync import kitsu_local, new_shot_with_a_take, snapshot, sync
from .conftest import ZOU_EMAIL, ZOU_PASSWORD, ZOU_URL

pytestmark = pytest.mark.skipif(not ZOU_URL, reason="set KITSU_COMPAT_ZOU_URL to run against Zou")


def checksum(client: Api, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return hashlib.sha256(response.content).hexdigest()


@pytest.fixture(scope="module")
def trip(tmp_path_factory):
    """A production on Zou (gazu), a fresh kitsu-local with Zou as its remote ``studio``."""
    client = gazu.client.create_client(ZOU_URL)
    gazu.log_in(ZOU_EMAIL, ZOU_PASSWORD, client=client)
    c = {"client": client}
    tag = uuid.uuid4().hex[:6]
    project = gazu.project.new_project(f"Sync Trip {tag}", **c)
    sequence = gazu.shot.new_sequence(project, "SQ01", **c)
    shots = [gazu.shot.new_shot(project, sequence, f"SH0{n}0", **c) for n in (1, 2, 3)]
    prop = gazu.asset.get_asset_type_by_name("Props", **c) or gazu.asset.new_asset_type(
        "Props", **c
    )
    assets = [gazu.asset.new_asset(project, prop, name, **c) for name in ("Sword", "Shield", "Cup")]
    gazu.casting.update_shot_casting(
        project, shots[0], [{"asset_id": a["id"], "nb_occurences": 1} for a in assets[:2]], **c
    )
    animation = gazu.task.get_task_type_by_name("Animation", **c)
    tasks = [gazu.task.new_task(shot, animation, **c) for shot in shots]
    gazu.playlist.new_playlist(project, "Dailies", **c)
    person = gazu.person.new_person("Ann", f"Sync {tag}", f"sync-{tag}@example.com", **c)
    gazu.task.assign_task(tasks[0], person, **c)
    wip = gazu.task.get_task_status_by_short_name("wip", **c)
    clips = tmp_path_factory.mktemp("clips")
    comment = gazu.task.add_comment(tasks[0], wip, "first take", **c)
    movie = gazu.task.add_preview(
        tasks[0], comment, str(make_clip(clips / "t.mp4", 1, 320, 240)), **c
    )
    picture = gazu.task.add_preview(tasks[1], gazu.task.add_comment(tasks[1], wip, "a frame", **c),
                                    str(make_picture(clips / "f.png", 200, 120)), **c)  # fmt: skip
    zou = Api(ZOU_URL)
    zou.login(ZOU_EMAIL, ZOU_PASSWORD)
    for preview in (movie, picture):
        assert wait_ready(zou, preview["id"])["status"] == "ready"

    artist = Server(tmp_path_factory.mktemp("artist")).start()
    local = Api(artist.api)
    local.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    kitsu_local(artist.data_dir, "remote", "add", "studio", ZOU_URL, "--email", ZOU_EMAIL,
                "--password-stdin", stdin=ZOU_PASSWORD + "\n")  # fmt: skip
    try:
        yield SimpleNamespace(
            project=project, sequence=sequence, shots=shots, assets=assets, tasks=tasks, wip=wip,
            movie=movie, picture=picture, zou=zou, local=local, server=artist,
            data=artist.data_dir,
        )  # fmt: skip
    finally:
        artist.stop()
        zou.put(f"/data/persons/{person['id']}", json={"active": False})
        gazu.log_out(client=client)
    log = artist.log()
    assert "Traceback" not in log and "unhandled error" not in log, log[-4000:]


def test_a_production_made_on_zou_is_pulled_whole(trip):
    summary = sync(trip.data, "pull", "studio", "--project", trip.project["name"])
    assert summary["errors"] == [], summary
    # The local admin shares the Zou admin's e-mail: it is now that person (its Zou id).
    trip.local.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    project_id = trip.project["id"]
    here, there = snapshot(trip.local, project_id), snapshot(trip.zou, project_id)
    assert here == there
    counts = {kind: len(found) for kind, found in here.items()}
    assert counts == {"entities": 7, "tasks": 3, "comments": 2, "preview-files": 2,
                      "entity-links": 2, "time-spents": 0, "playlists": 1,
                      "attachment-files": 0}, counts  # fmt: skip
    task = trip.local.ok("GET", f"/data/tasks/{trip.tasks[0]['id']}")
    assert len(task["assignees"]) == 1
    for path in (
        f"/movies/originals/preview-files/{trip.movie['id']}.mp4",
        f"/movies/low/preview-files/{trip.movie['id']}.mp4",
        f"/pictures/thumbnails/preview-files/{trip.movie['id']}.png",
        f"/pictures/originals/preview-files/{trip.picture['id']}.png",
        f"/pictures/previews/preview-files/{trip.picture['id']}.png",
    ):
        assert checksum(trip.local, path) == checksum(trip.zou, path), path
    # And again: nothing changes.
    again = sync(trip.data, "pull", "studio", "--project", trip.project["name"])
    assert again["counts"] == {} and again["conflicts"] == 0, again


def test_round_trip_with_zou(trip, tmp_path):
    project = trip.project
    sh010, sh020, sh030 = trip.shots
    sword, _shield, cup = trip.assets
    project_arg = ("--project", project["name"])
    # Both sides work; the same field of SH030 changes on both.
    trip.local.ok("PUT", f"/data/entities/{sh010['id']}", json={"description": "from home"})
    trip.zou.ok("PUT", f"/data/entities/{sh020['id']}", json={"description": "at studio"})
    trip.local.ok("PUT", f"/data/entities/{sh030['id']}", json={"description": "mine"})
    trip.zou.ok("PUT", f"/data/entities/{sh030['id']}", json={"description": "theirs"})
    mine = trip.local.ok("POST", f"/actions/tasks/{trip.tasks[1]['id']}/comment", 201,
                         json={"task_status_id": trip.wip["id"], "comment": "done at home"})  # fmt: skip
    trip.local.ok("DELETE", f"/data/assets/{cup['id']}?force=true", 204)
    trip.local.ok(
        "PUT", f"/data/projects/{project['id']}/entities/{sh010['id']}/casting",
        json=[{"asset_id": sword["id"], "nb_occurences": 1}],
    )  # fmt: skip
    # A new shot, its task, a comment with an attachment and a PNG preview, made here.
    shot, task, comment, preview = new_shot_with_a_take(
        trip.local, project["id"], trip.sequence["id"], trip.tasks[0]["task_type_id"],
        trip.wip["id"], make_picture(tmp_path / "layout.png", 240, 160),
    )  # fmt: skip

    pulled = sync(trip.data, "pull", "studio", *project_arg)
    assert pulled["errors"] == [] and pulled["conflicts"] == 1, pulled
    pushed = sync(trip.data, "push", "studio", *project_arg)
    assert pushed["errors"] == [] and pushed["files"] == 2, pushed  # the preview, the attachment

    for side in (trip.local, trip.zou):
        assert side.ok("GET", f"/data/entities/{sh010['id']}")["description"] == "from home"
        assert side.ok("GET", f"/data/entities/{sh020['id']}")["description"] == "at studio"
        texts = [c["text"] for c in side.ok("GET", f"/data/tasks/{trip.tasks[1]['id']}/comments")]
        assert "done at home" in texts and "a frame" in texts
        casting = side.ok("GET", f"/data/projects/{project['id']}/entities/{sh010['id']}/casting")
        assert [link["asset_id"] for link in casting] == [sword["id"]]
        assert side.get(f"/data/entities/{cup['id']}").status_code == 404
        assert side.ok("GET", f"/data/tasks/{task['id']}")["entity_id"] == shot["id"]
    assert trip.local.ok("GET", f"/data/entities/{sh030['id']}")["description"] == "mine"
    assert trip.zou.ok("GET", f"/data/entities/{sh030['id']}")["description"] == "theirs"
    there = wait_ready(trip.zou, preview["id"])
    assert there["status"] == "ready" and (there["width"], there["height"]) == (240, 160)
    assert [c["id"] for c in trip.zou.ok("GET", f"/data/tasks/{task['id']}/comments")] == [
        comment["id"]
    ]
    [there] = trip.zou.ok("GET", f"/data/tasks/{task['id']}/attachment-files")
    [here] = trip.local.ok("GET", f"/data/tasks/{task['id']}/attachment-files")
    assert here["id"] == there["id"] and there["name"] == "layout-notes.txt"
    path = f"/data/attachment-files/{there['id']}/file/{there['name']}"
    assert trip.zou.get(path).content == trip.local.get(path).content == b"camera left"
    assert mine["id"] in {
        c["id"] for c in trip.zou.ok("GET", f"/data/tasks/{trip.tasks[1]['id']}/comments")
    }

    # The conflict, settled for the local value.
    conflicts = json.loads(kitsu_local(trip.data, "sync", "status", "studio", "--json").stdout)[
        "conflicts"
    ]
    assert [(c["record_id"], c["field_name"]) for c in conflicts] == [(sh030["id"], "description")]
    kitsu_local(trip.data, "sync", "resolve", "studio", conflicts[0]["id"], "--keep", "local")
    assert sync(trip.data, "push", "studio", *project_arg)["errors"] == []
    assert trip.zou.ok("GET", f"/data/entities/{sh030['id']}")["description"] == "mine"

    # Zou's side of the deletions: a casting removal and a task, pulled here.
    trip.zou.ok("PUT", f"/data/projects/{project['id']}/entities/{sh010['id']}/casting", json=[])
    trip.zou.ok("DELETE", f"/data/tasks/{trip.tasks[2]['id']}?force=true", 204)
    pulled = sync(trip.data, "pull", "studio", *project_arg)
    assert pulled["errors"] == [] and pulled["conflicts"] == 0, pulled
    assert (
        trip.local.ok("GET", f"/data/projects/{project['id']}/entities/{sh010['id']}/casting") == []
    )
    assert trip.local.get(f"/data/tasks/{trip.tasks[2]['id']}").status_code == 404
    assert snapshot(trip.local, project["id"]) == snapshot(trip.zou, project["id"])
    # Settled: nothing travels any more.
    assert sync(trip.data, "push", "studio", *project_arg)["counts"] == {}
    assert sync(trip.data, "pull", "studio", *project_arg)["counts"] == {}
