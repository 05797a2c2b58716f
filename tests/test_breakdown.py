"""Breakdown creation and listings (episodes, sequences, shots, scenes, edits, concepts, assets),
through HTTP and through gazu, as Zou answers them (checked against Zou 1.0.97)."""

from __future__ import annotations

import uuid

import gazu
import pytest

from .support.studio import unique

UNKNOWN = "5f0c1a2b-3d4e-4f50-8a6b-7c8d9e0f1a2b"
ENTITY_KEYS = {
    "canceled", "code", "created_at", "created_by", "data", "description", "entity_type_id", "id",
    "is_casting_standby", "is_shared", "name", "nb_entities_out", "nb_frames", "parent_id",
    "preview_file_id", "project_id", "ready_for", "shotgun_id", "source_id", "status", "type",
    "updated_at",
}  # fmt: skip


@pytest.fixture(scope="module")
def tree(studio):
    """An episode with a sequence, a shot, a scene and an edit, made through the new routes."""
    admin, project = studio.admin, studio.project["id"]
    episode = admin.ok("POST", f"/data/projects/{project}/episodes", 201, json={"name": "E01"})
    sequence = admin.ok(
        "POST", f"/data/projects/{project}/sequences", 201,
        json={"name": "SQ01", "episode_id": episode["id"]},
    )  # fmt: skip
    shot = admin.ok(
        "POST", f"/data/projects/{project}/shots", 201,
        json={"name": "SH01", "sequence_id": sequence["id"], "nb_frames": 10,
              "data": {"frame_in": 1, "frame_out": 10, "fps": 25}},
    )  # fmt: skip
    scene = admin.ok(
        "POST", f"/data/projects/{project}/scenes", 201,
        json={"name": "SC01", "sequence_id": sequence["id"]},
    )  # fmt: skip
    edit = admin.ok(
        "POST", f"/data/projects/{project}/edits", 201,
        json={"name": "ED01", "episode_id": episode["id"]},
    )  # fmt: skip
    return {"episode": episode, "sequence": sequence, "shot": shot, "scene": scene, "edit": edit}


def events_named(admin, name: str, key: str, value: str) -> list[dict]:
    return [
        event
        for event in admin.ok("GET", f"/data/events?name={name}")
        if event["data"].get(key) == value
    ]


# ---- creation -----------------------------------------------------------------------------------
def test_creation_answers_zou_bodies(studio, tree):
    shot = tree["shot"]
    assert set(shot) == ENTITY_KEYS
    assert shot["type"] == "Shot" and shot["parent_id"] == tree["sequence"]["id"]
    assert shot["data"] == {"frame_in": 1, "frame_out": 10, "fps": 25} and shot["nb_frames"] == 10
    assert shot["created_by"] == studio.asset["created_by"]
    assert tree["episode"]["type"] == "Episode" and tree["episode"]["status"] == "running"
    assert tree["episode"]["description"] == "" and tree["episode"]["data"] == {}
    assert tree["sequence"]["parent_id"] == tree["episode"]["id"]
    assert tree["scene"]["type"] == "Scene" and tree["scene"]["description"] is None
    assert tree["edit"]["type"] == "Edit" and tree["edit"]["parent_id"] == tree["episode"]["id"]


def test_creation_writes_zou_events(studio, tree):
    admin, project = studio.admin, studio.project["id"]
    (shot_new,) = events_named(admin, "shot:new", "shot_id", tree["shot"]["id"])
    assert shot_new["data"] == {
        "shot_id": tree["shot"]["id"], "episode_id": tree["episode"]["id"], "project_id": project,
    }  # fmt: skip
    (edit_new,) = events_named(admin, "edit:new", "edit_id", tree["edit"]["id"])
    assert edit_new["data"]["parent_id"] == tree["episode"]["id"]
    for kind in ("episode", "sequence", "scene"):
        (event,) = events_named(admin, f"{kind}:new", f"{kind}_id", tree[kind]["id"])
        assert event["data"] == {f"{kind}_id": tree[kind]["id"], "project_id": project}


def test_a_second_creation_answers_the_existing_entity(studio, tree):
    admin, project = studio.admin, studio.project["id"]
    again = admin.ok(
        "POST", f"/data/projects/{project}/shots", 201,
        json={"name": "SH01", "sequence_id": tree["sequence"]["id"]},
    )  # fmt: skip
    assert again["id"] == tree["shot"]["id"]
    assert len(events_named(admin, "shot:new", "shot_id", tree["shot"]["id"])) == 1
    episode = admin.ok("POST", f"/data/projects/{project}/episodes", 201, json={"name": "E01"})
    assert episode["id"] == tree["episode"]["id"]


def test_assets_are_never_deduplicated(studio, tree):
    admin, project = studio.admin, studio.project["id"]
    path = f"/data/projects/{project}/asset-types/{studio.types['Prop']}/assets/new"
    first = admin.ok("POST", path, 201, json={"name": "Lamp", "episode_id": tree["episode"]["id"]})
    second = admin.ok("POST", path, 201, json={"name": "Lamp"})
    assert first["id"] != second["id"] and first["type"] == "Asset"
    assert first["source_id"] == tree["episode"]["id"] and second["source_id"] is None
    (event,) = events_named(admin, "asset:new", "asset_id", first["id"])
    assert event["data"]["asset_type"] == studio.types["Prop"]


def test_concepts_link_entities_given_as_objects(studio):
    admin, project = studio.admin, studio.project["id"]
    concept = admin.ok(
        "POST", f"/data/projects/{project}/concepts", 201,
        json={"name": unique("Concept"), "entity_concept_links": [{"id": studio.asset["id"]}]},
    )  # fmt: skip
    assert concept["type"] == "Concept"
    assert concept["entity_concept_links"] == [studio.asset["id"]]
    listed = {c["id"]: c for c in admin.ok("GET", f"/data/projects/{project}/concepts")}
    assert listed[concept["id"]]["entity_concept_links"] == [studio.asset["id"]]
    # Zou's schema takes objects: bare ids are a validation error.
    response = admin.post(
        f"/data/projects/{project}/concepts",
        json={"name": "C", "entity_concept_links": [studio.asset["id"]]},
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "name"), ({"name": ""}, "name"), ({"name": "x", "sequence_id": "nope"}, "sequence_id"),
     ({"name": "x", "nb_frames": "abc"}, "nb_frames"), ({"name": "x", "data": [1]}, "data")],
)  # fmt: skip
def test_bad_bodies_are_validation_errors(studio, body, field):
    response = studio.admin.post(f"/data/projects/{studio.project['id']}/shots", json=body)
    assert response.status_code == 400
    answer = response.json()
    assert answer["message"] == "Validation error." and answer["error"] is True
    assert answer["data"]["errors"][0]["field"] == field


def test_unknown_parents_are_404(studio, tree):
    admin, project, other = studio.admin, studio.project["id"], studio.other_project["id"]
    for path, body in [
        (f"/data/projects/{project}/shots", {"name": "x", "sequence_id": UNKNOWN}),
        (f"/data/projects/{other}/shots", {"name": "x", "sequence_id": tree["sequence"]["id"]}),
        (f"/data/projects/{project}/sequences", {"name": "x", "episode_id": tree["sequence"]["id"]}),
        (f"/data/projects/{project}/edits", {"name": "x", "episode_id": UNKNOWN}),  # Zou: 500
        ("/data/projects/nope/shots", {"name": "x"}),
        (f"/data/projects/{UNKNOWN}/episodes", {"name": "x"}),
        (f"/data/projects/{project}/asset-types/{studio.types['Shot']}/assets/new", {"name": "x"}),
        (f"/data/projects/{project}/asset-types/{UNKNOWN}/assets/new", {"name": "x"}),
    ]:  # fmt: skip
        assert admin.post(path, json=body).status_code == 404, path


def test_an_unknown_episode_status_becomes_running(studio):
    episode = studio.admin.ok(
        "POST", f"/data/projects/{studio.project['id']}/episodes", 201,
        json={"name": unique("E"), "status": "weird"},
    )  # fmt: skip
    assert episode["status"] == "running"


@pytest.mark.parametrize("role", ["user", "client", "vendor", "supervisor"])
def test_only_managers_create_the_breakdown(studio, role):
    client, project = studio.as_role(role), studio.project["id"]
    for route in ("episodes", "sequences", "shots", "scenes", "edits"):
        assert (
            client.post(f"/data/projects/{project}/{route}", json={"name": "x"}).status_code == 403
        )
    path = f"/data/projects/{project}/asset-types/{studio.types['Prop']}/assets/new"
    assert client.post(path, json={"name": "x"}).status_code == 403
    outsider = client.post(f"/data/projects/{studio.other_project['id']}/shots", json={"name": "x"})
    assert outsider.status_code == 403
    manager = studio.as_role("manager")
    assert (
        manager.post(f"/data/projects/{project}/episodes", json={"name": unique("E")}).status_code
        == 201
    )


@pytest.mark.parametrize(("role", "status"), [("user", 201), ("supervisor", 201), ("client", 403), ("vendor", 403)])  # fmt: skip
def test_members_but_clients_and_vendors_create_concepts(studio, role, status):
    client = studio.as_role(role)
    response = client.post(
        f"/data/projects/{studio.project['id']}/concepts", json={"name": unique("C")}
    )
    assert response.status_code == status
    outsider = client.post(
        f"/data/projects/{studio.other_project['id']}/concepts", json={"name": "C"}
    )
    assert outsider.status_code == 403


# ---- listings -----------------------------------------------------------------------------------
def test_project_listings(studio, tree):
    admin, project = studio.admin, studio.project["id"]
    get = lambda route: admin.ok("GET", f"/data/projects/{project}/{route}")  # noqa: E731
    episodes = get("episodes")
    assert tree["episode"]["id"] in [e["id"] for e in episodes] and episodes[0]["type"] == "Episode"
    sequences = get("sequences")
    assert tree["sequence"]["id"] in [s["id"] for s in sequences]
    assert [s["name"] for s in sequences] == sorted(s["name"] for s in sequences)
    shots = {shot["id"]: shot for shot in get("shots")}
    assert (
        set(shots[tree["shot"]["id"]]) == ENTITY_KEYS
        and shots[tree["shot"]["id"]]["type"] == "Shot"
    )
    assert [s["id"] for s in get("scenes")] == [tree["scene"]["id"]]
    assert [e["id"] for e in get("edits")] == [tree["edit"]["id"]]
    assets = get("assets")
    assert studio.asset["id"] in [a["id"] for a in assets] and {a["type"] for a in assets} == {
        "Asset"
    }
    types = get("asset-types")
    assert studio.types["Character"] in [t["id"] for t in types]
    assert {t["type"] for t in types} == {"AssetType"} and "task_types" not in types[0]
    typed = admin.ok(
        "GET", f"/data/projects/{project}/asset-types/{studio.types['Character']}/assets"
    )
    assert {a["entity_type_id"] for a in typed} == {studio.types["Character"]}


def test_listings_under_episodes_and_sequences(studio, tree):
    admin = studio.admin
    episode, sequence = tree["episode"]["id"], tree["sequence"]["id"]
    assert [s["id"] for s in admin.ok("GET", f"/data/episodes/{episode}/sequences")] == [sequence]
    assert admin.ok("GET", "/data/episodes/nope/sequences") == []  # as Zou
    shots = admin.ok("GET", f"/data/episodes/{episode}/shots")
    assert [s["id"] for s in shots] == [tree["shot"]["id"]] and "entities_out" not in shots[0]
    with_relations = admin.ok("GET", f"/data/episodes/{episode}/shots?relations=true")
    assert with_relations[0]["entities_out"] == []
    assert [e["id"] for e in admin.ok("GET", f"/data/episodes/{episode}/edits")] == [
        tree["edit"]["id"]
    ]
    in_sequence = admin.ok("GET", f"/data/sequences/{sequence}/shots")
    assert in_sequence[0]["sequence_name"] == "SQ01"
    assert in_sequence[0]["project_name"] == studio.project["name"]
    assert admin.ok("GET", f"/data/sequences/{sequence}/shots?name=nothing") == []
    assert [s["id"] for s in admin.ok("GET", f"/data/sequences/{sequence}/scenes")] == [
        tree["scene"]["id"]
    ]
    assert admin.get(f"/data/sequences/{UNKNOWN}/shots").status_code == 404
    assert admin.get(f"/data/episodes/{tree['sequence']['id']}/shots").status_code == 404


def test_all_aliases(studio, tree):
    admin, project = studio.admin, studio.project["id"]
    for route, entity in (("shots", "shot"), ("scenes", "scene"), ("edits", "edit")):
        listed = admin.ok("GET", f"/data/{route}/all?project_id={project}")
        assert entity and tree[entity]["id"] in [item["id"] for item in listed]
        assert listed[0]["project_name"] == studio.project["name"]
    assets = admin.ok("GET", f"/data/assets/all?project_id={project}")
    assert studio.asset["id"] in [a["id"] for a in assets]
    artist = studio.as_role("user")
    assert artist.get("/data/shots/all").status_code == 403  # no project: admins only, as Zou
    assert studio.other_asset["id"] not in [a["id"] for a in artist.ok("GET", "/data/assets/all")]


@pytest.mark.parametrize("role", ["user", "client", "supervisor"])
def test_members_list_everything_but_clients_see_no_concepts(studio, tree, role):
    client, project = studio.as_role(role), studio.project["id"]
    for route in ("episodes", "sequences", "shots", "scenes", "edits", "assets", "asset-types"):
        assert client.get(f"/data/projects/{project}/{route}").status_code == 200, route
    assert client.get(f"/data/projects/{project}/concepts").status_code == (
        403 if role == "client" else 200
    )
    episode = tree["episode"]["id"]
    assert len(client.ok("GET", f"/data/episodes/{episode}/shots")) == 1


def test_vendors_list_only_what_they_are_assigned_to(studio, tree):
    vendor, project = studio.as_role("vendor"), studio.project["id"]
    assert [a["id"] for a in vendor.ok("GET", f"/data/projects/{project}/assets")] == [
        studio.asset["id"]
    ]
    for route in ("episodes", "sequences", "shots", "scenes", "edits"):
        assert vendor.ok("GET", f"/data/projects/{project}/{route}") == [], route
    assert vendor.get(f"/data/projects/{project}/concepts").status_code == 403
    assert vendor.ok("GET", f"/data/sequences/{tree['sequence']['id']}/shots") == []
    for path in (
        f"/data/episodes/{tree['episode']['id']}/shots", f"/data/episodes/{tree['episode']['id']}/edits",
        f"/data/sequences/{tree['sequence']['id']}/scenes", f"/data/shots/{tree['shot']['id']}/versions",
        f"/data/edits/{tree['edit']['id']}/versions",
    ):  # fmt: skip
        assert vendor.get(path).status_code == 403, path


@pytest.mark.parametrize("role", ["user", "client", "vendor", "supervisor", "manager"])
def test_outsiders_are_refused(studio, role):
    client, other = studio.as_role(role), studio.other_project["id"]
    for route in ("episodes", "sequences", "shots", "scenes", "edits", "concepts", "assets",
                  "asset-types", "assets/shared-used"):  # fmt: skip
        assert client.get(f"/data/projects/{other}/{route}").status_code == 403, route
    # As Zou: naming a project one is not in is refused, not an empty list.
    assert client.get(f"/data/assets/all?project_id={other}").status_code == 403
    assert client.get(f"/data/assets?project_id={other}").status_code == 403


def test_shared_assets_used_in_another_project(studio, tree):
    admin, project = studio.admin, studio.project["id"]
    other_asset = studio.other_asset["id"]
    admin.ok("POST", "/actions/assets/share", json={"asset_ids": [other_asset], "is_shared": True})
    admin.create("entity-links", entity_in_id=tree["shot"]["id"], entity_out_id=other_asset)
    used = admin.ok("GET", f"/data/projects/{project}/assets/shared-used")
    assert [a["id"] for a in used] == [other_asset] and used[0]["type"] == "Asset"
    episode = tree["episode"]["id"]
    assert (
        len(admin.ok("GET", f"/data/projects/{project}/episodes/{episode}/assets/shared-used")) == 1
    )
    assert admin.ok("GET", f"/data/projects/{project}/episodes/{UNKNOWN}/assets/shared-used") == []
    assert (
        len(studio.as_role("user").ok("GET", f"/data/projects/{project}/assets/shared-used")) == 1
    )


# ---- sharing ------------------------------------------------------------------------------------
def test_sharing_assets(studio):
    admin, project = studio.admin, studio.project["id"]
    asset = admin.ok(
        "POST", f"/data/projects/{project}/asset-types/{studio.types['Prop']}/assets/new", 201,
        json={"name": unique("Shared")},
    )  # fmt: skip
    shared = admin.ok("POST", "/actions/assets/share", json={"asset_ids": [asset["id"]]})
    assert [(a["id"], a["is_shared"], a["type"]) for a in shared] == [(asset["id"], True, "Asset")]
    unshared = admin.ok(
        "POST", f"/actions/projects/{project}/assets/share", json={"is_shared": False}
    )
    assert asset["id"] in [a["id"] for a in unshared] and not any(a["is_shared"] for a in unshared)
    typed = admin.ok(
        "POST", f"/actions/projects/{project}/asset-types/{studio.types['Prop']}/assets/share"
    )
    assert {a["entity_type_id"] for a in typed} == {studio.types["Prop"]}
    assert all(a["is_shared"] for a in typed)
    assert admin.ok("POST", "/actions/assets/share", json={}) == []
    assert admin.post("/actions/assets/share", json={"asset_ids": ["nope"]}).status_code == 400
    assert admin.post("/actions/assets/share", json={"asset_ids": [UNKNOWN]}).status_code == 404
    manager = studio.as_role("manager")
    assert manager.ok(
        "POST", f"/actions/projects/{project}/assets/share", json={"asset_ids": [asset["id"]]}
    )[0]["is_shared"]
    for role in ("user", "client", "vendor", "supervisor"):
        client = studio.as_role(role)
        assert (
            client.post("/actions/assets/share", json={"asset_ids": [asset["id"]]}).status_code
            == 403
        )
        assert client.post(f"/actions/projects/{project}/assets/share", json={}).status_code == 403
    assert (
        manager.post(
            f"/actions/projects/{studio.other_project['id']}/assets/share", json={}
        ).status_code
        == 403
    )


# ---- shot lengths, versions, deletion ----------------------------------------------------------
def test_set_shot_nb_frames_from_previews(studio, tree):
    admin, project = studio.admin, studio.project["id"]
    task_type = studio.task_types["Animation/Shot"]["id"]
    task = admin.create(
        "tasks", project_id=project, entity_id=tree["shot"]["id"], task_type_id=task_type,
        task_status_id=studio.statuses["todo"]["id"],
    )  # fmt: skip
    admin.create("preview-files", name="v1", task_id=task["id"], revision=1, duration=2.0)
    path = f"/actions/projects/{project}/task-types/{task_type}/set-shot-nb-frames"
    assert admin.ok("POST", path) == [{"id": tree["shot"]["id"], "nb_frames": 50}]
    assert admin.ok("GET", f"/data/shots/{tree['shot']['id']}")["nb_frames"] == 50
    assert admin.ok("POST", f"{path}?episode_id={UNKNOWN}") == []
    bad = admin.post(f"/actions/projects/{project}/task-types/nope/set-shot-nb-frames")
    assert bad.status_code == 400 and bad.json()["message"] == "Invalid project or task type id"
    assert admin.post(f"{path}?episode_id=x").json()["message"] == "Invalid episode id"
    for role in ("user", "client", "vendor", "supervisor"):
        assert studio.as_role(role).post(path).status_code == 403


def test_shot_versions_record_frame_changes(studio):
    admin, project = studio.admin, studio.project["id"]
    shot = admin.ok(
        "POST",
        f"/data/projects/{project}/shots",
        201,
        json={"name": unique("SHV"), "data": {"frame_in": 1, "frame_out": 10}},
    )
    assert admin.ok("GET", f"/data/shots/{shot['id']}/versions") == []
    admin.ok("PUT", f"/data/entities/{shot['id']}", json={"data": {"frame_in": 2, "frame_out": 30}})
    (version,) = admin.ok("GET", f"/data/shots/{shot['id']}/versions")
    assert version["type"] == "ShotVersion" and version["name"] == shot["name"]
    assert (
        version["data"] == {"frame_in": 2, "frame_out": 30} and version["entity_id"] == shot["id"]
    )
    assert version["person_id"] == studio.asset["created_by"]
    assert admin.get("/data/shots/nope/versions").status_code in (400, 404)
    assert studio.as_role("user").ok("GET", f"/data/shots/{shot['id']}/versions") == [version]


def test_deleting_a_shot_with_tasks_cancels_it_then_force_deletes(studio):
    admin, project = studio.admin, studio.project["id"]
    shot = admin.ok("POST", f"/data/projects/{project}/shots", 201, json={"name": unique("SHD")})
    task = admin.create(
        "tasks", project_id=project, entity_id=shot["id"],
        task_type_id=studio.task_types["Animation/Shot"]["id"], task_status_id=studio.statuses["todo"]["id"],
    )  # fmt: skip
    assert admin.delete(f"/data/shots/{shot['id']}").status_code == 204
    assert admin.ok("GET", f"/data/shots/{shot['id']}")["canceled"] is True
    assert events_named(admin, "shot:update", "shot_id", shot["id"])
    # A second plain delete only cancels again, as Zou 1.0.97 does.
    assert admin.delete(f"/data/shots/{shot['id']}").status_code == 204
    assert admin.get(f"/data/shots/{shot['id']}").status_code == 200
    assert admin.delete(f"/data/shots/{shot['id']}?force=true").status_code == 204
    assert admin.get(f"/data/shots/{shot['id']}").status_code == 404
    assert admin.get(f"/data/tasks/{task['id']}").status_code == 404
    assert events_named(admin, "shot:delete", "shot_id", shot["id"])
    assert events_named(admin, "task:delete", "task_id", task["id"])


def test_a_sequence_with_shots_needs_force(studio):
    admin, project = studio.admin, studio.project["id"]
    sequence = admin.ok(
        "POST", f"/data/projects/{project}/sequences", 201, json={"name": unique("SQD")}
    )
    shot = admin.ok(
        "POST",
        f"/data/projects/{project}/shots",
        201,
        json={"name": "S", "sequence_id": sequence["id"]},
    )
    refused = admin.delete(f"/data/sequences/{sequence['id']}")
    assert refused.status_code == 400
    assert refused.json() == {
        "error": True,
        "message": "Some data are still linked to this sequence.",
    }
    assert admin.delete(f"/data/sequences/{sequence['id']}?force=true").status_code == 204
    assert admin.get(f"/data/shots/{shot['id']}").status_code == 404


# ---- gazu ---------------------------------------------------------------------------------------
def test_gazu_shots(studio, gazu_client):
    c = gazu_client
    project = studio.project
    episode = gazu.shot.new_episode(project, "GE01", client=c)
    assert episode["type"] == "Episode" and episode["name"] == "GE01"
    assert episode["id"] in [e["id"] for e in gazu.shot.all_episodes_for_project(project, client=c)]
    sequence = gazu.shot.new_sequence(project, "GSQ01", episode=episode, client=c)
    assert sequence["type"] == "Sequence" and sequence["parent_id"] == episode["id"]
    assert (
        gazu.shot.get_sequence_by_name(project, "GSQ01", episode=episode, client=c)["id"]
        == sequence["id"]
    )
    assert [s["id"] for s in gazu.shot.all_sequences_for_episode(episode, client=c)] == [
        sequence["id"]
    ]
    assert sequence["id"] in [
        s["id"] for s in gazu.shot.all_sequences_for_project(project, client=c)
    ]
    shot = gazu.shot.new_shot(
        project, sequence, "GSH01", frame_in=1, frame_out=24, nb_frames=24, data={"k": 1}, client=c
    )
    assert shot["type"] == "Shot" and shot["nb_frames"] == 24
    assert (
        shot["data"]["frame_in"] == 1 and shot["data"]["frame_out"] == 24 and shot["data"]["k"] == 1
    )
    assert gazu.shot.get_shot_by_name(sequence, "GSH01", client=c)["id"] == shot["id"]
    assert [s["id"] for s in gazu.shot.all_shots_for_sequence(sequence, client=c)] == [shot["id"]]
    assert [s["id"] for s in gazu.shot.all_shots_for_episode(episode, client=c)] == [shot["id"]]
    assert shot["id"] in [s["id"] for s in gazu.shot.all_shots_for_project(project, client=c)]
    gazu.shot.update_shot_data(shot, {"frame_out": 48}, client=c)
    assert gazu.shot.get_shot(shot["id"], client=c)["data"]["frame_out"] == 48
    task = gazu.task.new_task(
        shot, gazu.task.get_task_type_by_name("Animation", client=c), client=c
    )
    gazu.shot.remove_shot(shot, client=c)
    assert gazu.shot.get_shot(shot["id"], client=c)["canceled"] is True
    restored = gazu.shot.restore_shot(shot, client=c)
    assert restored["canceled"] is False
    gazu.shot.remove_shot(shot, force=True, client=c)
    assert gazu.shot.get_shot_by_name(sequence, "GSH01", client=c) is None
    assert task["entity_id"] == shot["id"]


def test_gazu_assets(studio, gazu_client):
    c = gazu_client
    project = studio.project
    asset_type = gazu.asset.get_asset_type_by_name("Character", client=c)
    name = f"Gazu {uuid.uuid4().hex[:6]}"
    asset = gazu.asset.new_asset(
        project, asset_type, name, description="d", extra_data={"x": 1}, client=c
    )
    assert asset["type"] == "Asset" and asset["description"] == "d" and asset["data"] == {"x": 1}
    assert asset["id"] in [a["id"] for a in gazu.asset.all_assets_for_project(project, client=c)]
    typed = gazu.asset.all_assets_for_project_and_type(project, asset_type, client=c)
    assert asset["id"] in [a["id"] for a in typed]
    assert asset_type["id"] in [
        t["id"] for t in gazu.asset.all_asset_types_for_project(project, client=c)
    ]
    assert gazu.asset.get_asset_by_name(project, name, client=c)["id"] == asset["id"]
    gazu.asset.remove_asset(asset, force=True, client=c)
    assert gazu.asset.get_asset_by_name(project, name, client=c) is None


def test_gazu_scenes_edits_concepts(studio, gazu_client):
    c = gazu_client
    project = studio.project
    sequence = gazu.shot.new_sequence(project, "GSQ02", client=c)
    scene = gazu.scene.new_scene(project, sequence, "GSC01", client=c)
    assert scene["type"] == "Scene" and scene["parent_id"] == sequence["id"]
    assert [s["id"] for s in gazu.scene.all_scenes_for_sequence(sequence, client=c)] == [
        scene["id"]
    ]
    assert scene["id"] in [s["id"] for s in gazu.scene.all_scenes_for_project(project, client=c)]
    assert scene["id"] in [s["id"] for s in gazu.scene.all_scenes(project, client=c)]
    edit = gazu.edit.new_edit(project, "GED01", description="cut", client=c)
    assert edit["type"] == "Edit" and edit["description"] == "cut"
    assert edit["id"] in [e["id"] for e in gazu.edit.all_edits_for_project(project, client=c)]
    assert gazu.edit.get_edit_by_name(project, "GED01", client=c)["id"] == edit["id"]
    concept = gazu.concept.new_concept(project, "GCO01", description="idea", client=c)
    assert concept["type"] == "Concept" and concept["entity_concept_links"] == []
    assert concept["id"] in [
        x["id"] for x in gazu.concept.all_concepts_for_project(project, client=c)
    ]
