"""Output files of entities and asset instances, and the project file tree: paths rendered from
Zou's bundled trees, revisions, listings, errors, permissions and gazu's ``files`` functions."""

from __future__ import annotations

import json
import uuid
from importlib import resources

import gazu
import pytest

from .support.studio import PASSWORD, unique

SIMPLE = json.loads(resources.files("kitsu_local.file_trees").joinpath("simple.json").read_text())
DEFAULT = json.loads(resources.files("kitsu_local.file_trees").joinpath("default.json").read_text())
TREE_ROOT = "/simple/productions/export"


def slug(name: str) -> str:
    return name.lower().replace(" ", "_")


@pytest.fixture(scope="module")
def files(studio):
    """A project of the studio's team with the ``simple`` tree, an asset (the artist and the
    vendor assigned), a sequence, a shot, two asset instances (one targeting an asset), an
    output type of its own."""
    admin = studio.admin
    team = [person["id"] for person in studio.people.values() if person["role"] != "admin"]
    project = admin.create("projects", name=unique("Files"), team=team)
    admin.ok(
        "POST", f"/actions/projects/{project['id']}/set-file-tree", json={"tree_name": "simple"}
    )
    entity = lambda **values: admin.create("entities", project_id=project["id"], **values)  # noqa: E731
    asset = entity(name=unique("Bob"), entity_type_id=studio.types["Character"])
    target = entity(name=unique("Tree"), entity_type_id=studio.types["Prop"])
    sequence = entity(name=unique("SQ"), entity_type_id=studio.types["Sequence"])
    shot = entity(name=unique("SH"), entity_type_id=studio.types["Shot"], parent_id=sequence["id"])
    modeling = studio.task_types["Modeling/Asset"]
    admin.create(
        "tasks",
        project_id=project["id"],
        entity_id=asset["id"],
        task_type_id=modeling["id"],
        task_status_id=studio.statuses["todo"]["id"],
        assignees=[studio.people["user"]["id"], studio.people["vendor"]["id"]],
    )
    instance = admin.create("asset-instances", asset_id=asset["id"], number=1, name="Bob Inst")
    targeted = admin.create(
        "asset-instances", asset_id=asset["id"], number=2, target_asset_id=target["id"]
    )
    output_type = admin.create("output-types", name=unique("Cache"), short_name="cch")
    return {
        "project": project, "asset": asset, "sequence": sequence, "shot": shot,
        "instance": instance, "targeted": targeted, "output_type": output_type,
        "task_type": modeling,
    }  # fmt: skip


def ids(files) -> dict:
    return {"output_type_id": files["output_type"]["id"], "task_type_id": files["task_type"]["id"]}


def entity_url(files, key: str, tail: str) -> str:
    return f"/data/entities/{files[key]['id']}/{tail}"


def instance_url(files, tail: str, key: str = "instance") -> str:
    return f"/data/asset-instances/{files[key]['id']}/entities/{files['shot']['id']}/{tail}"


# ==== the file tree ===========================================================================
def test_set_file_tree_copies_a_bundled_tree(studio, files):
    admin, url = studio.admin, f"/actions/projects/{files['project']['id']}/set-file-tree"
    project = admin.ok("POST", url, json={"tree_name": "default"})
    assert project["id"] == files["project"]["id"] and project["type"] == "Project"
    assert project["file_tree"] == DEFAULT and "team" not in project
    assert admin.ok("GET", f"/data/projects/{project['id']}")["file_tree"] == DEFAULT
    events = admin.ok("GET", "/data/events?name=project:update")
    assert any(event["project_id"] == project["id"] for event in events)
    assert (
        studio.as_role("manager").ok("POST", url, json={"tree_name": "simple"})["file_tree"]
        == SIMPLE
    )
    for name in ("nope", "../simple", "simple.json", ""):
        response = admin.post(url, json={"tree_name": name})
        assert response.status_code == 400, name
    assert admin.post(url, json={"tree_name": "nope"}).json() == {
        "error": True, "message": "Selected tree is not available", "data": None,
    }  # fmt: skip
    assert admin.post(url, json={}).json()["data"]["errors"][0]["field"] == "tree_name"
    for role in ("supervisor", "user", "client", "vendor"):
        assert studio.as_role(role).post(url, json={"tree_name": "simple"}).status_code == 403
    other = f"/actions/projects/{studio.other_project['id']}/set-file-tree"
    assert studio.as_role("manager").post(other, json={"tree_name": "simple"}).status_code == 403
    assert admin.post(f"/actions/projects/{uuid.uuid4()}/set-file-tree",
                      json={"tree_name": "simple"}).status_code == 404  # fmt: skip
    assert admin.ok("GET", f"/data/projects/{project['id']}")["file_tree"] == SIMPLE


def test_output_file_path_follows_the_simple_tree(studio, files):
    admin, project = studio.admin, slug(files["project"]["name"])
    asset, shot, sequence = (slug(files[key]["name"]) for key in ("asset", "shot", "sequence"))
    cache = slug(files["output_type"]["name"])
    cases = {
        "asset": (f"{project}/assets/character/{asset}/modeling/{cache}",
                  f"{project}_character_{asset}_modeling_{cache}_main_v001"),
        "shot": (f"{project}/shots/{sequence}/{shot}/modeling/{cache}",
                 f"{project}_{sequence}_{shot}_modeling_{cache}_main_v001"),
        "sequence": (f"{project}/sequences/{sequence}/modeling/{cache}",
                     f"{project}_{sequence}_modeling_{cache}_main_v001"),
    }  # fmt: skip
    for key, (folder, name) in cases.items():
        path = admin.ok("POST", entity_url(files, key, "output-file-path"), json=ids(files))
        assert path == {"folder_path": f"{TREE_ROOT}/{folder}", "file_name": name}, key
    windows = admin.ok(
        "POST",
        entity_url(files, "asset", "output-file-path"),
        json={**ids(files), "name": "Hi Res", "revision": 3, "separator": "\\"},
    )
    assert windows["folder_path"] == "/simple\\productions/export\\" + cases["asset"][0].replace(
        "/", "\\"
    )
    assert windows["file_name"].endswith("_hi_res_v003")


def test_malformed_trees_answer_400(studio, files):
    admin = studio.admin
    bare = admin.create("projects", name=unique("Bare"))
    asset = admin.create(
        "entities", name="Bob", project_id=bare["id"], entity_type_id=studio.types["Character"]
    )
    body = ids(files)
    response = admin.post(f"/data/entities/{asset['id']}/output-file-path", json=body)
    assert response.status_code == 400
    assert response.json() == {
        "message": "No tree can be found for given project.",
        "received_data": body,
    }
    # Zou keeps a path-less output file when the tree fails: here the creation is undone.
    response = admin.post(f"/data/entities/{asset['id']}/output-files/new", json=body)
    assert response.json() == {"error": "No tree can be found for given project."}
    assert admin.ok("GET", f"/data/entities/{asset['id']}/output-files") == []
    response = admin.post(
        entity_url(files, "asset", "output-file-path"), json={**body, "mode": "nope"}
    )
    assert response.json()["message"] == "Mode nope cannot be found on given tree."
    # The bundled default tree spells <OuputType> in its sequence file names, as Zou's does.
    admin.ok("POST", f"/actions/projects/{bare['id']}/set-file-tree", json={"tree_name": "default"})
    sequence = admin.create(
        "entities", name="SQ01", project_id=bare["id"], entity_type_id=studio.types["Sequence"]
    )
    response = admin.post(f"/data/entities/{sequence['id']}/output-file-path", json=body)
    assert response.status_code == 400
    assert response.json()["message"] == "Unknown data type: OuputType."


# ==== entity output files =====================================================================
def test_new_output_files_and_their_revisions(studio, files):
    admin, body = studio.admin, ids(files)

    def new(**values):
        return admin.post(entity_url(files, "shot", "output-files/new"), json={**body, **values})

    first = new(extension=".abc", nb_elements=3, comment="first")
    assert first.status_code == 201
    first = first.json()
    assert first["revision"] == 1 and first["nb_elements"] == 3 and first["comment"] == "first"
    assert first["file_name"].endswith("_main_v001_[1-3]")
    assert first["path"] == f"{first['folder_path']}/{first['file_name']}.abc"
    assert first["person_id"] == admin.ok("GET", "/auth/authenticated")["user"]["id"]
    assert first["source_file"] is None and first["type"] == "OutputFile"
    status = admin.ok("GET", f"/data/file-status/{first['file_status_id']}")
    assert status["name"] == "To review"
    second = new().json()
    assert second["revision"] == 2 and second["path"].endswith("_main_v002")
    taken = new(revision=2)
    assert taken.status_code == 400 and taken.json() == {
        "error": "The given output file already exists."
    }
    other = new(representation="obj").json()
    assert other["revision"] == 3 and other["representation"] == "obj"
    events = admin.ok("GET", "/data/events?name=output-file:new")
    assert {first["id"], second["id"]} <= {event["data"]["output_file_id"] for event in events}
    next_revision = admin.ok(
        "POST", entity_url(files, "shot", "output-files/next-revision"), json=body
    )
    assert next_revision == {"next_revision": 4}
    listed = admin.ok("GET", entity_url(files, "shot", "output-files"))
    assert [item["revision"] for item in listed] == [3, 2, 1]
    assert [
        item["id"]
        for item in admin.ok("GET", entity_url(files, "shot", "output-files?representation=obj"))
    ] == [other["id"]]
    last = admin.ok("GET", entity_url(files, "shot", "output-files/last-revisions"))
    assert sorted(item["id"] for item in last) == sorted([second["id"], other["id"]])
    types = admin.ok("GET", entity_url(files, "shot", "output-types"))
    assert [item["id"] for item in types] == [files["output_type"]["id"]]
    by_type = admin.ok(
        "GET",
        entity_url(
            files, "shot", f"output-types/{files['output_type']['id']}/output-files?representation="
        ),
    )
    assert [item["id"] for item in by_type] == [second["id"], first["id"]]


def test_new_output_file_links_its_working_file_and_person(studio, files):
    admin = studio.admin
    working = admin.create(
        "working-files", name="main", revision=1, entity_id=files["sequence"]["id"]
    )
    created = admin.ok(
        "POST",
        entity_url(files, "sequence", "output-files/new"),
        201,
        json={
            **ids(files),
            "working_file_id": working["id"],
            "person_id": studio.people["user"]["id"],
        },
    )
    assert (
        created["source_file_id"] == working["id"] and created["source_file"]["id"] == working["id"]
    )
    assert created["person_id"] == studio.people["user"]["id"]
    listed = admin.ok("GET", entity_url(files, "sequence", "output-files"))
    assert listed[0]["source_file"]["name"] == "main"


def test_output_file_errors(studio, files):
    admin, body = studio.admin, ids(files)
    url = entity_url(files, "asset", "output-files/new")
    for values, message in (
        ({"output_type_id": str(uuid.uuid4())}, "Cannot find given output type."),
        ({"output_type_id": "bad"}, "Cannot find given output type."),
        ({"person_id": str(uuid.uuid4())}, "Cannot find given person."),
        ({"file_status_id": str(uuid.uuid4())}, "The given output file already exists."),
    ):
        response = admin.post(url, json={**body, **values})
        assert (response.status_code, response.json()) == (400, {"error": message}), values
    assert admin.post(url, json={**body, "task_type_id": str(uuid.uuid4())}).status_code == 404
    assert (
        admin.post(f"/data/entities/{uuid.uuid4()}/output-files/new", json=body).status_code == 404
    )
    assert admin.post("/data/entities/bad/output-file-path", json=body).status_code == 404
    missing = admin.post(url, json={"task_type_id": body["task_type_id"]})
    assert missing.status_code == 400
    assert missing.json()["data"] == {
        "errors": [{"field": "output_type_id", "message": "Field required"}]
    }
    assert admin.post(url, json={**body, "nb_elements": "x"}).status_code == 400
    for tail in ("output-file-path", "output-files/next-revision"):
        response = admin.post(
            entity_url(files, "asset", tail), json={**body, "output_type_id": str(uuid.uuid4())}
        )
        assert response.status_code == 404, tail
    assert (
        admin.get(
            entity_url(files, "asset", f"output-types/{uuid.uuid4()}/output-files")
        ).status_code
        == 404
    )


# ==== asset instance output files =============================================================
def test_asset_instance_paths(studio, files):
    admin, project = studio.admin, slug(files["project"]["name"])
    asset, shot, sequence = (slug(files[key]["name"]) for key in ("asset", "shot", "sequence"))
    cache = slug(files["output_type"]["name"])
    path = admin.ok("POST", instance_url(files, "output-file-path"), json=ids(files))
    assert path == {
        "folder_path": f"{TREE_ROOT}/{project}/shot/{sequence}/{shot}/modeling/{cache}/character/{asset}/instance_0001/",
        "file_name": f"{project}_{sequence}_{shot}_modeling_{cache}_main_bob_inst_v000",
    }
    targeted = admin.ok(
        "POST", instance_url(files, "output-file-path", "targeted"), json=ids(files)
    )
    assert targeted == {
        "folder_path": f"{TREE_ROOT}/{project}/assets/shot/{shot}/modeling/{cache}/character/{asset}/instance_0002/",
        "file_name": f"{project}_shot_{shot}_modeling_{cache}_main_0002_v000",
    }


def test_asset_instance_output_files(studio, files):
    admin, body = studio.admin, {**ids(files), "name": "anim"}
    created = admin.ok(
        "POST", instance_url(files, "output-files/new"), 201, json={**body, "representation": "abc"}
    )
    assert created["revision"] == 1 and created["asset_instance_id"] == files["instance"]["id"]
    assert created["entity_id"] == files["asset"]["id"]
    assert created["temporal_entity_id"] == files["shot"]["id"]
    assert created["folder_path"].endswith("/instance_0001/abc")
    assert created["path"] == f"{created['folder_path']}/{created['file_name']}"
    taken = admin.post(
        instance_url(files, "output-files/new"),
        json={**body, "representation": "abc", "revision": 1},
    )
    assert (taken.status_code, taken.json()) == (
        400,
        {"message": "The given output file already exists."},
    )
    wrong = admin.post(
        instance_url(files, "output-files/new"), json={**body, "output_type_id": "bad"}
    )
    assert wrong.json() == {"message": "Cannot find given output type."}
    assert admin.ok("POST", instance_url(files, "output-files/next-revision"), json=body) == {
        "next_revision": 2
    }
    # Zou counts an asset's instance files in the asset's own next revision.
    asset_next = admin.ok(
        "POST", entity_url(files, "asset", "output-files/next-revision"), json=body
    )
    assert asset_next == {"next_revision": 2}
    assert [
        item["id"] for item in admin.ok("GET", instance_url(files, "output-files/last-revisions"))
    ] == [created["id"]]
    assert [item["id"] for item in admin.ok("GET", instance_url(files, "output-types"))] == [
        files["output_type"]["id"]
    ]
    by_type = admin.ok(
        "GET", instance_url(files, f"output-types/{files['output_type']['id']}/output-files")
    )
    assert [item["id"] for item in by_type] == [created["id"]]
    listed = admin.ok("GET", f"/data/asset-instances/{files['instance']['id']}/output-files")
    assert [item["id"] for item in listed] == [created["id"]]
    elsewhere = admin.ok(
        "GET",
        f"/data/asset-instances/{files['instance']['id']}/output-files?temporal_entity_id={uuid.uuid4()}",
    )
    assert elsewhere == []
    assert created["id"] not in [
        item["id"] for item in admin.ok("GET", entity_url(files, "asset", "output-files"))
    ]
    assert admin.get(f"/data/asset-instances/{uuid.uuid4()}/output-files").status_code == 404


# ==== permissions =============================================================================
def test_permissions_by_role(studio, files):
    """Members of the project, whatever their role; a vendor builds paths only for entities
    they have a task on; nobody reaches another project's entities."""
    body = ids(files)
    reads = ["output-files", "output-files/last-revisions", "output-types",
             f"output-types/{files['output_type']['id']}/output-files"]  # fmt: skip
    for role in ("user", "client", "vendor", "supervisor", "manager"):
        client = studio.as_role(role)
        for key in ("asset", "shot"):
            for tail in reads:
                assert client.get(entity_url(files, key, tail)).status_code == 200, (role, tail)
            revision = client.post(entity_url(files, key, "output-files/next-revision"), json=body)
            assert revision.status_code == 200
            expected = 403 if role == "vendor" and key == "shot" else 200
            path = client.post(entity_url(files, key, "output-file-path"), json=body)
            assert path.status_code == expected, (role, key)
        created = client.post(
            entity_url(files, "asset", "output-files/new"), json={**body, "name": role}
        )
        assert created.status_code == 201, role
        for tail in ("output-files/last-revisions", "output-types"):
            assert client.get(instance_url(files, tail)).status_code == 200
        assert client.post(instance_url(files, "output-file-path"), json=body).status_code == 200
        other = f"/data/entities/{studio.other_asset['id']}"
        assert client.get(f"{other}/output-files").status_code == 403
        assert client.post(f"{other}/output-file-path", json=body).status_code == 403
        assert client.post(f"{other}/output-files/new", json=body).status_code == 403


# ==== gazu ====================================================================================
@pytest.fixture(scope="module")
def gazu_files(studio, gazu_client):
    """An asset, a shot and an instance of their own (gazu caches some answers)."""
    admin = studio.admin
    team = [person["id"] for person in studio.people.values() if person["role"] != "admin"]
    project = admin.create("projects", name=unique("Gazu Files"), team=team)
    sequence = admin.create(
        "entities", name="SQ01", project_id=project["id"], entity_type_id=studio.types["Sequence"]
    )
    return {
        "project": project,
        "asset": admin.create("entities", name="Bob", project_id=project["id"], entity_type_id=studio.types["Character"]),
        "shot": admin.create("entities", name="SH010", project_id=project["id"], entity_type_id=studio.types["Shot"], parent_id=sequence["id"]),
        "output_type": admin.create("output-types", name=unique("Render"), short_name="rnd"),
        "task_type": studio.task_types["Modeling/Asset"],
    }  # fmt: skip


def test_gazu_update_project_file_tree(gazu_files, gazu_client):
    project = gazu.files.update_project_file_tree(gazu_files["project"], SIMPLE, client=gazu_client)
    assert project["file_tree"] == SIMPLE


def test_gazu_entity_output_files(gazu_files, gazu_client):
    asset, output_type, task_type = (
        gazu_files["asset"],
        gazu_files["output_type"],
        gazu_files["task_type"],
    )
    gazu.files.update_project_file_tree(gazu_files["project"], SIMPLE, client=gazu_client)
    name = slug(gazu_files["project"]["name"])
    path = gazu.files.build_entity_output_file_path(
        asset, output_type, task_type, client=gazu_client
    )
    render = slug(output_type["name"])
    assert (
        path
        == f"{TREE_ROOT}/{name}/assets/character/bob/modeling/{render}/{name}_character_bob_modeling_{render}_main_v001"
    )
    assert (
        gazu.files.get_last_entity_output_revision(
            asset, output_type, task_type, client=gazu_client
        )
        == 0
    )
    created = gazu.files.new_entity_output_file(
        asset, output_type, task_type, "first", nb_elements=2, client=gazu_client
    )
    assert (
        created["revision"] == 1 and created["comment"] == "first" and created["nb_elements"] == 2
    )
    assert created["path"].endswith("_main_v001_[1-2]")
    assert (
        gazu.files.get_next_entity_output_revision(
            asset, output_type, task_type, client=gazu_client
        )
        == 2
    )
    assert (
        gazu.files.get_last_entity_output_revision(
            asset, output_type, task_type, client=gazu_client
        )
        == 1
    )
    listed = gazu.files.all_output_files_for_entity(
        asset, output_type=output_type, client=gazu_client
    )
    assert [item["id"] for item in listed] == [created["id"]]
    last = gazu.files.get_last_output_files_for_entity(asset, client=gazu_client)
    assert [item["id"] for item in last] == [created["id"]]
    types = gazu.files.all_output_types_for_entity(asset, client=gazu_client)
    assert [item["name"] for item in types] == [output_type["name"]]


def test_gazu_asset_instance_output_files(studio, gazu_files, gazu_client):
    gazu.files.update_project_file_tree(gazu_files["project"], SIMPLE, client=gazu_client)
    asset, shot = gazu_files["asset"], gazu_files["shot"]
    output_type, task_type = gazu_files["output_type"], gazu_files["task_type"]
    instance = studio.admin.create("asset-instances", asset_id=asset["id"], number=3, name="Hero")
    path = gazu.files.build_asset_instance_output_file_path(
        instance, shot, output_type, task_type, revision=2, client=gazu_client
    )
    assert path.endswith("/character/bob/instance_0003//" + "_".join(
        [slug(gazu_files["project"]["name"]), "sq01", "sh010", "modeling", slug(output_type["name"]), "main", "hero", "v002"]
    ))  # fmt: skip
    assert gazu.files.get_last_asset_instance_output_revision(
        instance, shot, output_type, task_type, client=gazu_client
    ) == 0  # fmt: skip
    created = gazu.files.new_asset_instance_output_file(
        instance, shot, output_type, task_type, "cache", client=gazu_client
    )
    assert created["asset_instance_id"] == instance["id"] and created["revision"] == 1
    assert created["temporal_entity_id"] == shot["id"] and created["comment"] == "cache"
    assert gazu.files.get_next_asset_instance_output_revision(
        instance, shot, output_type, task_type, client=gazu_client
    ) == 2  # fmt: skip
    assert gazu.files.get_last_asset_instance_output_revision(
        instance, shot, output_type, task_type, client=gazu_client
    ) == 1  # fmt: skip
    listed = gazu.files.all_output_files_for_asset_instance(
        instance, temporal_entity=shot, client=gazu_client
    )
    assert [item["id"] for item in listed] == [created["id"]]
    last = gazu.files.get_last_output_files_for_asset_instance(instance, shot, client=gazu_client)
    assert [item["id"] for item in last] == [created["id"]]
    types = gazu.files.all_output_types_for_asset_instance(instance, shot, client=gazu_client)
    assert [item["id"] for item in types] == [output_type["id"]]


def test_gazu_as_an_artist(server, studio, files):
    """A team member (not an admin) publishes through gazu."""
    client = gazu.client.create_client(server.api)
    gazu.log_in(studio.people["user"]["email"], PASSWORD, client=client)
    created = gazu.files.new_entity_output_file(
        files["asset"],
        files["output_type"],
        files["task_type"],
        "artist",
        name="artist",
        client=client,
    )
    assert created["person_id"] == studio.people["user"]["id"]
    gazu.log_out(client=client)
