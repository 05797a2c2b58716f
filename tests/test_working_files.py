"""Working files of tasks: paths from the project file tree, revisions, creation (which assigns
the caller), listings, comment and modification date, the stored binary, permissions, and
gazu's ``files`` functions on them."""

from __future__ import annotations

import uuid

import gazu
import pytest

from .support.studio import PASSWORD, unique

ROOT = "/simple/productions"
NO_TREE = "No tree can be found for given project."
ALREADY_EXISTS = {"error": "The given working file already exists."}
NOT_FOUND = 404
WORKING_FILE_KEYS = {
    "id", "type", "created_at", "updated_at", "shotgun_id", "name", "description", "comment",
    "revision", "size", "checksum", "path", "data", "validation_status", "task_id",
    "entity_id", "person_id", "software_id",
}  # fmt: skip


def slug(name: str) -> str:
    return name.lower().replace(" ", "_")


def my_id(client) -> str:
    return client.ok("GET", "/auth/authenticated")["user"]["id"]


def new_task(studio, project: dict, entity: dict, task_type: str, assignees: list[str]) -> dict:
    return studio.admin.create(
        "tasks", project_id=project["id"], entity_id=entity["id"],
        task_type_id=studio.task_types[task_type]["id"],
        task_status_id=studio.statuses["todo"]["id"], assignees=assignees,
    )  # fmt: skip


@pytest.fixture(scope="module")
def work(studio):
    """A project of the studio's team with the ``simple`` tree: an asset task assigned to the
    artist and the vendor, a shot task assigned to nobody; a project without a tree."""
    admin = studio.admin
    team = [person["id"] for person in studio.people.values() if person["role"] != "admin"]
    project = admin.create("projects", name=unique("Works"), team=team)
    admin.ok(
        "POST", f"/actions/projects/{project['id']}/set-file-tree", json={"tree_name": "simple"}
    )
    entity = lambda **values: admin.create("entities", project_id=project["id"], **values)  # noqa: E731
    asset = entity(name=unique("Bob"), entity_type_id=studio.types["Character"])
    sequence = entity(name=unique("SQ"), entity_type_id=studio.types["Sequence"])
    shot = entity(name=unique("SH"), entity_type_id=studio.types["Shot"], parent_id=sequence["id"])
    people = [studio.people["user"]["id"], studio.people["vendor"]["id"]]
    bare = admin.create("projects", name=unique("Treeless"), team=team)
    bare_asset = admin.create(
        "entities", project_id=bare["id"], name="Tree", entity_type_id=studio.types["Prop"]
    )
    return {
        "project": project, "asset": asset, "sequence": sequence, "shot": shot,
        "task": new_task(studio, project, asset, "Modeling/Asset", people),
        "shot_task": new_task(studio, project, shot, "Animation/Shot", []),
        "bare_task": new_task(studio, bare, bare_asset, "Modeling/Asset", []),
    }  # fmt: skip


def task_url(work, tail: str, key: str = "task") -> str:
    return f"/data/tasks/{work[key]['id']}/{tail}"


def asset_folder(work, task_type: str = "modeling") -> str:
    project, asset = slug(work["project"]["name"]), slug(work["asset"]["name"])
    return f"{ROOT}/{project}/assets/character/{asset}/{task_type}"


def asset_name(work, name: str = "main", revision: int = 1) -> str:
    project, asset = slug(work["project"]["name"]), slug(work["asset"]["name"])
    return f"{project}_character_{asset}_modeling_{slug(name)}_v{revision:03d}"


# ==== paths ===================================================================================
def test_working_file_path_follows_the_simple_tree(studio, work):
    admin = studio.admin
    path = admin.ok("POST", task_url(work, "working-file-path"), json={})
    assert path == {"path": f"{asset_folder(work)}/3ds_max", "name": asset_name(work)}
    software = [item for item in admin.ok("GET", "/data/softwares") if item["name"] == "3ds Max"]
    assert [(item["short_name"], item["file_extension"]) for item in software] == [("max", ".max")]
    maya = admin.create("softwares", name=unique("Maya"), short_name="ma", file_extension=".ma")
    windows = admin.ok(
        "POST",
        task_url(work, "working-file-path"),
        json={"name": "Hi Res", "revision": 4, "sep": "\\", "software_id": maya["id"]},
    )
    assert windows == {
        # The mount point is kept as written; only the rest takes the separator.
        "path": "/simple" + f"{asset_folder(work)}/{slug(maya['name'])}"[7:].replace("/", "\\"),
        "name": asset_name(work, "hi_res", 4),
    }
    project, sequence, shot = (slug(work[key]["name"]) for key in ("project", "sequence", "shot"))
    assert admin.ok("POST", task_url(work, "working-file-path", "shot_task"), json={}) == {
        "path": f"{ROOT}/{project}/shots/{sequence}/{shot}/animation/3ds_max",
        "name": f"{project}_{sequence}_{shot}_animation_main_v001",
    }


def test_working_file_path_errors(studio, work):
    admin = studio.admin
    response = admin.post(task_url(work, "working-file-path"), json={"mode": "nope"})
    assert response.status_code == 400
    assert response.json() == {
        "message": "Mode nope cannot be found on given tree.", "received_data": {"mode": "nope"},
    }  # fmt: skip
    response = admin.post(task_url(work, "working-file-path", "bare_task"), json={})
    assert response.status_code == 400 and response.json() == {
        "message": NO_TREE, "received_data": {},
    }  # fmt: skip
    missing = [
        f"/data/tasks/{uuid.uuid4()}/working-file-path",
        "/data/tasks/nope/working-file-path",
    ]
    for url in missing:
        assert admin.post(url, json={}).status_code == NOT_FOUND
    unknown_software = {"software_id": str(uuid.uuid4())}
    assert admin.post(task_url(work, "working-file-path"), json=unknown_software).status_code == 404
    assert (
        admin.post(task_url(work, "working-file-path"), json={"revision": "x"}).status_code == 400
    )


# ==== creation, revisions, listings ===========================================================
def test_new_working_files_count_revisions_per_name(studio, work):
    admin, url = studio.admin, task_url(work, "working-files/new")
    task = work["task"]
    first = admin.ok(
        "POST", url, 201, json={"name": "main", "comment": "first", "description": "d"}
    )
    assert set(first) == WORKING_FILE_KEYS and first["type"] == "WorkingFile"
    assert (first["revision"], first["comment"], first["description"]) == (1, "first", None)
    assert first["path"] == f"{asset_folder(work)}/blender/{asset_name(work)}"
    assert (first["task_id"], first["entity_id"]) == (task["id"], work["asset"]["id"])
    assert first["person_id"] == my_id(admin)
    blender = admin.ok("GET", f"/data/softwares/{first['software_id']}")
    assert (blender["name"], blender["short_name"], blender["file_extension"]) == (
        "Blender", "blender", ".blend",
    )  # fmt: skip
    second = admin.ok("POST", url, 201, json={"name": "main", "sep": "\\"})
    assert second["revision"] == 2
    assert second["path"] == f"{asset_folder(work)}/blender\\{asset_name(work, revision=2)}"
    taken = admin.post(url, json={"name": "main", "revision": 1})
    assert taken.status_code == 400 and taken.json() == ALREADY_EXISTS
    other = admin.ok("POST", url, 201, json={"name": "other", "revision": 5})
    negative = admin.ok("POST", url, 201, json={"name": "draft", "revision": -3})
    assert negative["revision"] == -3
    # Zou counts from the highest revision of the name, negative ones included.
    assert admin.ok("POST", url, 201, json={"name": "draft"})["revision"] == -2
    # The caller is assigned to the task (Zou's assign_task), with its events.
    assert my_id(admin) in admin.ok("GET", f"/data/tasks/{task['id']}")["assignees"]
    names = [
        event["name"]
        for event in admin.ok("GET", f"/data/events/last?project_id={work['project']['id']}")
    ]
    assert names[:3] == ["working-file:new", "task:update", "task:assign"]
    listing = admin.ok("GET", task_url(work, "working-files"))
    assert [item["revision"] for item in listing] == [5, 2, 1]
    assert [item["id"] for item in listing] == [other["id"], second["id"], first["id"]]
    last = admin.ok("GET", task_url(work, "working-files/last-revisions"))
    assert {name: item["id"] for name, item in last.items()} == {
        "draft": last["draft"]["id"], "main": second["id"], "other": other["id"],
    }  # fmt: skip
    assert last["draft"]["revision"] == -2
    # The path route gives the next revision of a name when none is given.
    path = admin.ok("POST", task_url(work, "working-file-path"), json={"name": "main"})
    assert path["name"] == asset_name(work, revision=3)


def test_new_working_file_errors(studio, work):
    admin, url = studio.admin, task_url(work, "working-files/new")
    response = admin.post(url, json={})
    assert response.status_code == 400
    assert response.json()["data"]["errors"][0]["field"] == "name"
    assert admin.post(url, json={"name": "x", "person_id": str(uuid.uuid4())}).json() == (
        ALREADY_EXISTS
    )
    assert admin.post(url, json={"name": "x", "software_id": str(uuid.uuid4())}).status_code == 404
    assert admin.post(f"/data/tasks/{uuid.uuid4()}/working-files/new", json={"name": "x"}).status_code == 404  # fmt: skip
    # A missing tree: a 400 here, Zou answers 500.
    response = admin.post(task_url(work, "working-files/new", "bare_task"), json={"name": "x"})
    assert response.status_code == 400 and response.json()["message"] == NO_TREE
    assert admin.ok("GET", task_url(work, "working-files", "bare_task")) == []
    for tail in ("working-files", "working-files/last-revisions"):
        assert admin.get(f"/data/tasks/{uuid.uuid4()}/{tail}").status_code == 404
        assert admin.get(f"/data/tasks/nope/{tail}").status_code == 404


def test_new_working_file_for_another_person(studio, work):
    admin = studio.admin
    artist = studio.people["user"]["id"]
    created = admin.ok(
        "POST", task_url(work, "working-files/new", "shot_task"), 201,
        json={"name": "layout", "person_id": artist},
    )  # fmt: skip
    assert created["person_id"] == artist
    assert admin.ok("GET", task_url(work, "working-files/last-revisions", "shot_task")) == {
        "layout": created
    }


# ==== comment, modification date ==============================================================
def test_comment_and_modification_date(studio, work):
    admin = studio.admin
    created = admin.ok("POST", task_url(work, "working-files/new"), 201, json={"name": "notes"})
    url = f"/actions/working-files/{created['id']}"
    updated = admin.ok("PUT", f"{url}/comment", json={"comment": "looks good"})
    assert updated["comment"] == "looks good" and updated["id"] == created["id"]
    assert set(updated) == WORKING_FILE_KEYS
    assert admin.ok("GET", f"/data/working-files/{created['id']}")["comment"] == "looks good"
    for body in ({}, {"comment": ""}):
        response = admin.put(f"{url}/comment", json=body)
        assert response.status_code == 400
        assert response.json()["data"]["errors"][0]["field"] == "comment"
    touched = admin.ok("PUT", f"{url}/modified", json={})
    assert touched["updated_at"] >= updated["updated_at"] and touched["comment"] == "looks good"
    for tail in ("comment", "modified"):
        for working_file_id in (uuid.uuid4(), "nope"):
            response = admin.put(f"/actions/working-files/{working_file_id}/{tail}", json={"comment": "x"})  # fmt: skip
            assert response.status_code == 404
    events = admin.ok("GET", "/data/events/last?limit=3")
    assert not any(event["name"].startswith("working-file:update") for event in events)


# ==== the stored binary =======================================================================
def test_upload_and_download(studio, work, tmp_path):
    admin = studio.admin
    created = admin.ok("POST", task_url(work, "working-files/new"), 201, json={"name": "blob"})
    url = f"/data/working-files/{created['id']}/file"
    response = admin.get(url)
    assert response.status_code == 404
    assert response.json() == {
        "error": True, "message": f"Working file not found for: {created['id']}",
    }  # fmt: skip
    content = b"\x00scene data\xff" * 100
    response = admin.post(url, files={"file": ("scene.blend", content)})
    assert response.status_code == 201
    stored = response.json()
    assert stored["id"] == created["id"] and stored["outputs"] == []
    assert set(stored) == WORKING_FILE_KEYS | {"outputs"}
    response = admin.get(url)
    assert response.status_code == 200 and response.content == content
    assert response.headers["content-type"] == "application/octet-stream"
    assert admin.post(url, files={"file": ("scene.blend", b"v2")}).status_code == 201
    assert admin.get(url).content == b"v2"
    assert admin.post(url, data={"x": "1"}).status_code == 400
    assert admin.post(url, json={}).status_code == 400
    for working_file_id in (uuid.uuid4(), "nope"):
        assert admin.get(f"/data/working-files/{working_file_id}/file").status_code == 404
        files = {"file": ("a", b"a")}
        assert admin.post(f"/data/working-files/{working_file_id}/file", files=files).status_code == 404  # fmt: skip


# ==== permissions =============================================================================
@pytest.fixture(scope="module")
def outsider_task(studio):
    return studio.task_elsewhere(task_status_id=studio.statuses["todo"]["id"], assignees=[])


def test_permissions(studio, work, outsider_task):
    admin = studio.admin
    created = admin.ok("POST", task_url(work, "working-files/new"), 201, json={"name": "perm"})
    shot_file = admin.ok(
        "POST", task_url(work, "working-files/new", "shot_task"), 201, json={"name": "perm"}
    )
    outsider_file = admin.create(
        "working-files", name="out", revision=1, task_id=outsider_task["id"],
        entity_id=outsider_task["entity_id"],
    )  # fmt: skip
    assert admin.post(f"/data/working-files/{created['id']}/file", files={"file": ("a", b"a")}).status_code == 201  # fmt: skip

    def statuses(client, task: dict, working_file: dict) -> list[int]:
        base, file_url = f"/data/tasks/{task['id']}", f"/data/working-files/{working_file['id']}"
        action = f"/actions/working-files/{working_file['id']}"
        return [
            client.post(f"{base}/working-file-path", json={}).status_code,
            client.get(f"{base}/working-files").status_code,
            client.get(f"{base}/working-files/last-revisions").status_code,
            client.get(f"{file_url}/file").status_code,
            client.put(f"{action}/comment", json={"comment": "c"}).status_code,
            client.put(f"{action}/modified", json={}).status_code,
        ]

    task, shot_task = work["task"], work["shot_task"]
    # Any team member reads; acting needs task action access (assigned, client, manager...).
    assert statuses(studio.as_role("user"), task, created) == [200, 200, 200, 200, 200, 200]
    assert statuses(studio.as_role("user"), shot_task, shot_file) == [200, 200, 200, 404, 403, 403]
    assert statuses(studio.as_role("client"), task, created) == [200, 200, 200, 200, 200, 200]
    assert statuses(studio.as_role("supervisor"), shot_task, shot_file)[4:] == [200, 200]
    # A vendor sees only the entities of its tasks.
    assert statuses(studio.as_role("vendor"), task, created) == [200, 200, 200, 200, 200, 200]
    assert statuses(studio.as_role("vendor"), shot_task, shot_file) == [403] * 6
    for role in ("user", "client", "vendor", "manager"):
        assert statuses(studio.as_role(role), outsider_task, outsider_file) == [403] * 6, role
    # Creating (and uploading) needs task access only: a client is assigned by creating.
    client = studio.as_role("client")
    made = client.ok(
        "POST", task_url(work, "working-files/new", "shot_task"), 201, json={"name": "c"}
    )
    assert made["person_id"] == studio.people["client"]["id"]
    assert client.post(f"/data/working-files/{made['id']}/file", files={"file": ("a", b"a")}).status_code == 201  # fmt: skip
    vendor = studio.as_role("vendor")
    assert vendor.post(task_url(work, "working-files/new", "shot_task"), json={"name": "v"}).status_code == 403  # fmt: skip
    assert vendor.post(f"/data/working-files/{shot_file['id']}/file", files={"file": ("a", b"a")}).status_code == 403  # fmt: skip
    outsider = f"/data/tasks/{outsider_task['id']}/working-files/new"
    for role in ("user", "client", "vendor"):
        assert studio.as_role(role).post(outsider, json={"name": "o"}).status_code == 403


# ==== gazu ====================================================================================
@pytest.fixture(scope="module")
def artist_gazu(server, studio):
    client = gazu.client.create_client(server.api)
    gazu.log_in(studio.people["user"]["email"], PASSWORD, client=client)
    yield client
    gazu.log_out(client=client)


def test_gazu_working_files(studio, work, gazu_client, tmp_path):
    task = new_task(studio, work["project"], work["asset"], "Concept/Asset", [])
    folder = asset_folder(work, "concept")
    name = asset_name(work).replace("_modeling_", "_concept_")
    built = gazu.files.build_working_file_path(task, client=gazu_client)
    assert built == f"{folder}/3ds_max/{name}"
    maya = gazu.files.new_software(unique("Maya"), "ma", ".ma", client=gazu_client)
    created = gazu.files.new_working_file(
        task, software=maya, comment="from gazu", client=gazu_client
    )
    assert (created["revision"], created["comment"], created["software_id"]) == (
        1, "from gazu", maya["id"],
    )  # fmt: skip
    assert created["path"] == f"{folder}/{slug(maya['name'])}/{name}"
    again = gazu.files.new_working_file(task, client=gazu_client)
    assert again["revision"] == 2
    listed = gazu.files.get_working_files_for_task(task, client=gazu_client)
    assert [item["id"] for item in listed] == [again["id"], created["id"]]
    last = gazu.files.get_last_working_files(task, client=gazu_client)
    assert list(last) == ["main"] and last["main"]["id"] == again["id"]
    assert gazu.files.get_last_working_file_revision(task, client=gazu_client)["revision"] == 2
    commented = gazu.files.update_comment(again, "reviewed", client=gazu_client)
    assert commented["comment"] == "reviewed" and commented["id"] == again["id"]
    touched = gazu.files.update_modification_date(again, client=gazu_client)
    assert touched["id"] == again["id"] and touched["updated_at"] >= again["updated_at"]
    source = tmp_path / "scene.blend"
    source.write_bytes(b"gazu scene" * 50)
    uploaded = gazu.files.upload_working_file(again, str(source), client=gazu_client)
    assert uploaded["id"] == again["id"] and uploaded["outputs"] == []
    target = tmp_path / "downloaded.blend"
    gazu.files.download_working_file(again, str(target), client=gazu_client)
    assert target.read_bytes() == source.read_bytes()


def test_gazu_new_working_file_as_an_artist(studio, work, artist_gazu):
    created = gazu.files.new_working_file(work["task"], name="artist", client=artist_gazu)
    assert created["person_id"] == studio.people["user"]["id"] and created["revision"] == 1
    assert gazu.files.get_last_working_files(work["task"], client=artist_gazu)["artist"] == created
