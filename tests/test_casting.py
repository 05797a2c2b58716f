"""Casting, asset instances and entity links, through HTTP and through gazu, as Zou 1.0.97
answers them (statuses, keys, events and permissions measured on refzou)."""

from __future__ import annotations

from types import SimpleNamespace

import gazu
import pytest

from .support.server import ADMIN_EMAIL, ADMIN_PASSWORD
from .support.studio import unique

UNKNOWN = "5f0c1a2b-3d4e-4f50-8a6b-7c8d9e0f1a2b"
CASTING_KEYS = {
    "asset_id", "asset_name", "asset_type_name", "ready_for", "episode_id", "preview_file_id",
    "nb_occurences", "label", "is_shared", "project_id",
}  # fmt: skip
LISTING_KEYS = {
    "asset_id", "name", "asset_name", "asset_type_name", "preview_file_id", "nb_occurences",
    "label", "is_shared", "project_id",
}  # fmt: skip
INSTANCE_KEYS = {
    "id", "asset_id", "name", "number", "description", "active", "data", "scene_id",
    "target_asset_id", "entity_id", "entity_type_id", "created_at", "updated_at", "type",
}  # fmt: skip


@pytest.fixture(scope="module")
def tv(studio):
    """A TV show with the studio's people in its team: two episodes, sequences, shots, a scene,
    assets of three types and a camera; a vendor assigned to SH010 and Bob; another project."""
    admin = studio.admin
    team = [person["id"] for role, person in studio.people.items() if role != "admin"]
    project = admin.create(
        "projects", name=unique("Casting TV"), production_type="tvshow", team=team
    )
    other = admin.create("projects", name=unique("Casting Other"))
    types = dict(studio.types)
    for name in ("Camera", "Environment", "Episode", "Scene"):
        if name not in types:
            types[name] = admin.create("entity-types", name=name)["id"]

    def entity(name, kind, parent=None, project_id=project["id"]):
        values = {"name": name, "project_id": project_id, "entity_type_id": types[kind]}
        return admin.create("entities", **values, **({"parent_id": parent} if parent else {}))

    t = SimpleNamespace(admin=admin, studio=studio, project=project, other=other, types=types)
    t.entity = entity
    t.ep1, t.ep2 = entity("E01", "Episode"), entity("E02", "Episode")
    t.sq1 = entity("SQ01", "Sequence", t.ep1["id"])
    t.sq2 = entity("SQ02", "Sequence", t.ep2["id"])
    t.sh1 = entity("SH010", "Shot", t.sq1["id"])
    t.sh2 = entity("SH020", "Shot", t.sq1["id"])
    t.sh3 = entity("SH030", "Shot", t.sq2["id"])
    t.sc1 = entity("SC01", "Scene", t.sq1["id"])
    t.bob = entity("Bob", "Character")
    t.sword = entity("Sword Big", "Prop")
    t.forest = entity("Forest", "Environment")
    t.camera = entity("Cam A", "Camera")
    t.other_shot = entity("OSH", "Shot", entity("OSQ", "Sequence", project_id=other["id"])["id"],
                          project_id=other["id"])  # fmt: skip
    todo = studio.statuses["todo"]["id"]
    for target, task_type in ((t.sh1, "Animation/Shot"), (t.bob, "Modeling/Asset")):
        admin.create(
            "tasks", project_id=project["id"], entity_id=target["id"], task_status_id=todo,
            task_type_id=studio.task_types[task_type]["id"],
            assignees=[studio.people["vendor"]["id"]],
        )  # fmt: skip
    return t


def cast(t, entity, *assets, occurences=1, label=None):
    body = [
        {
            "asset_id": asset["id"],
            "nb_occurences": occurences,
            **({"label": label} if label else {}),
        }
        for asset in assets
    ]
    path = f"/data/projects/{t.project['id']}/entities/{entity['id']}/casting"
    return t.admin.ok("PUT", path, json=body)


def new_shot(t, sequence=None):
    return t.entity(unique("SH"), "Shot", (sequence or t.sq1)["id"])


def links_of(t, entity_id):
    return [
        link
        for link in t.admin.ok("GET", f"/data/projects/{t.project['id']}/entity-links")
        if link["entity_in_id"] == entity_id
    ]


def events(t, name, key, value):
    return [
        event["data"]
        for event in t.admin.ok("GET", f"/data/events?name={name}")
        if event["data"].get(key) == value
    ]


# ---- casting of one entity ----------------------------------------------------------------------
def test_put_casting_answers_the_body_and_get_lists_zou_keys(tv):
    shot = new_shot(tv)
    path = f"/data/projects/{tv.project['id']}/entities/{shot['id']}/casting"
    body = [
        {"asset_id": tv.bob["id"], "nb_occurences": 2, "label": "animate"},
        {"asset_id": tv.sword["id"], "nb_occurences": 1},
        {"asset_id": tv.forest["id"]},  # no number of occurences: skipped, as Zou
        {"asset_id": UNKNOWN, "nb_occurences": 1},  # unknown: not cast
    ]
    assert tv.admin.ok("PUT", path, json=body) == body
    casting = tv.admin.ok("GET", path)
    assert [item["asset_name"] for item in casting] == ["Bob", "Sword Big"]  # by type, name
    assert all(set(item) == CASTING_KEYS for item in casting)
    assert casting[0] == {
        "asset_id": tv.bob["id"], "asset_name": "Bob", "asset_type_name": "Character",
        "ready_for": None, "episode_id": None, "preview_file_id": None, "nb_occurences": 2,
        "label": "animate", "is_shared": False, "project_id": tv.project["id"],
    }  # fmt: skip
    assert tv.admin.ok("GET", f"/data/entities/{shot['id']}")["nb_entities_out"] == 2


def test_put_casting_replaces_everything_with_new_links(tv):
    shot = new_shot(tv)
    cast(tv, shot, tv.bob, tv.sword)
    before = {link["entity_out_id"]: link["id"] for link in links_of(tv, shot["id"])}
    cast(tv, shot, tv.bob, occurences=3)
    after = links_of(tv, shot["id"])
    assert [(link["entity_out_id"], link["nb_occurences"]) for link in after] == [(tv.bob["id"], 3)]
    assert after[0]["id"] != before[tv.bob["id"]]  # Zou deletes and creates the links again
    assert tv.admin.ok("GET", f"/data/entities/{shot['id']}")["nb_entities_out"] == 1
    update = events(tv, "shot:casting-update", "shot_id", shot["id"])[0]
    assert update == {
        "shot_id": shot["id"], "nb_entities_out": 1, "added_asset_ids": [],
        "removed_asset_ids": [tv.sword["id"]], "project_id": tv.project["id"],
    }  # fmt: skip
    new_links = events(tv, "entity-link:new", "entity_in_id", shot["id"])
    assert {event["entity_link_id"] for event in new_links} >= {after[0]["id"]}
    assert set(new_links[0]) == {
        "entity_link_id", "entity_in_id", "entity_out_id", "nb_occurences", "project_id",
    }  # fmt: skip


def test_casting_a_shot_casts_the_episode_and_uncasting_detaches_it(tv):
    sequence = tv.entity(unique("SQ"), "Sequence", tv.ep2["id"])
    shot, sibling = new_shot(tv, sequence), new_shot(tv, sequence)
    episode_path = f"/data/projects/{tv.project['id']}/entities/{tv.ep2['id']}/casting"
    prop = tv.entity(unique("Prop"), "Prop")
    cast(tv, shot, prop, occurences=4, label="fixed")
    cast(tv, sibling, prop)
    (auto,) = [link for link in links_of(tv, tv.ep2["id"]) if link["entity_out_id"] == prop["id"]]
    assert auto["data"] == {"auto": True} and auto["nb_occurences"] == 1
    assert auto["label"] == "fixed"
    assert events(tv, "asset:update", "asset_id", prop["id"])
    cast(tv, shot)  # the sibling still casts it: the episode keeps it
    assert prop["id"] in [item["asset_id"] for item in tv.admin.ok("GET", episode_path)]
    cast(tv, sibling)
    assert prop["id"] not in [item["asset_id"] for item in tv.admin.ok("GET", episode_path)]
    detached = events(tv, "episode:casting-update", "episode_id", tv.ep2["id"])[0]
    assert detached["removed_asset_ids"] == [prop["id"]] and detached["added_asset_ids"] == []


def test_uncasting_from_an_episode_uncasts_its_shots(tv):
    sequence = tv.entity(unique("SQ"), "Sequence", tv.ep2["id"])
    shot = new_shot(tv, sequence)
    prop = tv.entity(unique("Prop"), "Prop")
    cast(tv, shot, prop, tv.bob)
    episode_casting = tv.admin.ok(
        "GET", f"/data/projects/{tv.project['id']}/entities/{tv.ep2['id']}/casting"
    )
    body = [
        {"asset_id": item["asset_id"], "nb_occurences": 1}
        for item in episode_casting
        if item["asset_id"] != prop["id"]
    ]
    tv.admin.ok(
        "PUT", f"/data/projects/{tv.project['id']}/entities/{tv.ep2['id']}/casting", json=body
    )
    assert [link["entity_out_id"] for link in links_of(tv, shot["id"])] == [tv.bob["id"]]
    assert tv.admin.ok("GET", f"/data/entities/{shot['id']}")["nb_entities_out"] == 1
    removed = events(tv, "shot:casting-update", "shot_id", shot["id"])
    assert any(event["removed_asset_ids"] == [prop["id"]] for event in removed)


def test_asset_casting_routes(tv):
    container = tv.entity(unique("Set"), "Environment")
    path = f"/data/assets/{container['id']}/casting"
    answer = tv.admin.ok(
        "PUT",
        path,
        json=[{"asset_id": tv.sword["id"], "nb_occurences": 2}, {"asset_id": tv.bob["id"]}],
    )
    assert answer == [
        {"asset_id": tv.sword["id"], "nb_occurences": 2, "label": ""},
        {"asset_id": tv.bob["id"], "nb_occurences": 1, "label": ""},
    ]
    assert [item["asset_name"] for item in tv.admin.ok("GET", path)] == ["Bob", "Sword Big"]
    assert (
        events(tv, "asset:casting-update", "asset_id", container["id"])[0]["nb_entities_out"] == 2
    )
    cast_entities = tv.admin.ok("GET", f"/data/assets/{container['id']}/assets")
    assert [item["name"] for item in cast_entities] == ["Bob", "Sword Big"]
    assert {item["type"] for item in cast_entities} == {"Asset"}
    by_type = tv.admin.ok(
        "GET", f"/data/projects/{tv.project['id']}/asset-types/{tv.types['Environment']}/casting"
    )
    assert {item["asset_name"] for item in by_type[container["id"]]} == {"Bob", "Sword Big"}
    assert set(by_type[container["id"]][0]) == LISTING_KEYS - {"is_shared", "project_id"}


def test_cast_in_lists_shots_then_assets(tv):
    prop = tv.entity(unique("Prop"), "Prop")
    shot = new_shot(tv)
    container = tv.entity(unique("Set"), "Environment")
    cast(tv, shot, prop, occurences=3)
    tv.admin.ok("PUT", f"/data/assets/{container['id']}/casting", json=[{"asset_id": prop["id"]}])
    shot_entry, asset_entry = tv.admin.ok("GET", f"/data/assets/{prop['id']}/cast-in")
    assert shot_entry == {
        "shot_id": shot["id"], "shot_name": shot["name"], "sequence_name": "SQ01",
        "episode_id": tv.ep1["id"], "episode_name": "E01", "preview_file_id": None,
        "nb_occurences": 3,
    }  # fmt: skip
    assert asset_entry == {
        "asset_id": container["id"], "asset_name": container["name"],
        "asset_type_name": "Environment", "preview_file_id": None, "nb_occurences": 1,
    }  # fmt: skip


def test_keyed_listings(tv):
    project = tv.project["id"]
    shot = new_shot(tv)
    cast(tv, shot, tv.bob, label="animate")
    by_sequence = tv.admin.ok("GET", f"/data/projects/{project}/sequences/{tv.sq1['id']}/casting")
    entry = by_sequence[shot["id"]][0]
    assert set(entry) == LISTING_KEYS | {"sequence_name"}
    assert entry["sequence_name"] == "SQ01" and entry["name"] == entry["asset_name"] == "Bob"
    assert shot["id"] in tv.admin.ok("GET", f"/data/projects/{project}/sequences/all/casting")
    in_episode = f"/data/projects/{project}/episodes/{tv.ep1['id']}/sequences/all/casting"
    assert shot["id"] in tv.admin.ok("GET", in_episode)
    other_episode = f"/data/projects/{project}/episodes/{tv.ep2['id']}/sequences/all/casting"
    assert shot["id"] not in tv.admin.ok("GET", other_episode)
    main = f"/data/projects/{project}/episodes/main/sequences/all/casting"
    assert tv.admin.ok("GET", main) == {}


def test_episodes_casting_lists_only_episodes(tv):
    """Zou lists the links of every entity of the project there (shots too): a choice."""
    shot = new_shot(tv)
    cast(tv, shot, tv.bob)
    listing = tv.admin.ok("GET", f"/data/projects/{tv.project['id']}/episodes/casting")
    assert shot["id"] not in listing and tv.ep1["id"] in listing
    assert set(listing[tv.ep1["id"]][0]) == LISTING_KEYS


def test_shot_assets_and_asset_types(tv):
    shot = new_shot(tv)
    cast(tv, shot, tv.sword, tv.bob)
    assets = tv.admin.ok("GET", f"/data/shots/{shot['id']}/assets")
    assert [asset["name"] for asset in assets] == ["Bob", "Sword Big"]
    types = tv.admin.ok("GET", f"/data/shots/{shot['id']}/asset-types")
    assert [(item["name"], item["type"]) for item in types] == [
        ("Character", "AssetType"), ("Prop", "AssetType")
    ]  # fmt: skip
    assert set(types[0]) == {
        "id", "name", "short_name", "description", "archived", "created_at", "updated_at", "type"
    }  # fmt: skip


def test_ready_counts_follow_the_casting(tv):
    """A shared asset of another project is always ready for a shot task."""
    shot = new_shot(tv)
    studio = tv.studio
    task = tv.admin.create(
        "tasks", project_id=tv.project["id"], entity_id=shot["id"],
        task_type_id=studio.task_types["Animation/Shot"]["id"],
        task_status_id=studio.statuses["todo"]["id"],
    )  # fmt: skip
    shared = tv.entity(unique("Lib"), "Prop", project_id=tv.other["id"])
    tv.admin.ok("PUT", f"/data/entities/{shared['id']}", json={"is_shared": True})
    cast(tv, shot, shared, tv.bob)
    assert tv.admin.ok("GET", f"/data/tasks/{task['id']}")["nb_assets_ready"] == 1
    cast(tv, shot, tv.bob)
    assert tv.admin.ok("GET", f"/data/tasks/{task['id']}")["nb_assets_ready"] == 0


# ---- cast one asset in several entities, entity links -------------------------------------------
def test_cast_and_uncast_one_asset_in_several_entities(tv):
    shots = [new_shot(tv), new_shot(tv)]
    path = f"/data/projects/{tv.project['id']}/entities/casting/assets/{tv.sword['id']}"
    answer = tv.admin.ok(
        "PUT", path, json={"entity_ids": [s["id"] for s in shots], "nb_occurences": 2, "label": "x"}
    )
    assert set(answer) == {s["id"] for s in shots}
    assert answer[shots[0]["id"]][0]["nb_occurences"] == 2
    again = tv.admin.ok("PUT", path, json={"entity_ids": [shots[0]["id"]]})  # keeps the values
    assert again[shots[0]["id"]][0]["nb_occurences"] == 2
    assert events(tv, "entity-link:update", "nb_occurences", 2)
    tv.admin.ok("PUT", path, json={"entity_ids": [shots[0]["id"]], "nb_occurences": 0})
    assert links_of(tv, shots[0]["id"]) == [] and len(links_of(tv, shots[1]["id"])) == 1


def test_put_several_castings(tv):
    shots = [new_shot(tv), new_shot(tv)]
    body = {shot["id"]: [{"asset_id": tv.bob["id"], "nb_occurences": 1}] for shot in shots}
    path = f"/data/projects/{tv.project['id']}/entities/casting"
    assert tv.admin.ok("PUT", path, json=body) == body
    assert all(len(links_of(tv, shot["id"])) == 1 for shot in shots)
    refused = tv.admin.put(path, json={tv.other_shot["id"]: []})
    assert refused.status_code == 403


def test_entity_links_listing_pages_and_cursor(tv):
    path = f"/data/projects/{tv.project['id']}/entity-links"
    plain = tv.admin.ok("GET", path)
    assert set(plain[0]) == {
        "id", "entity_in_id", "entity_out_id", "nb_occurences", "label", "data", "created_at",
        "type",
    }  # fmt: skip
    assert "." in plain[0]["created_at"]  # microseconds
    page = tv.admin.ok("GET", f"{path}?page=2&limit=2")
    assert set(page) == {"data", "total", "nb_pages", "limit", "offset", "page"}
    assert page["data"][0]["id"] == plain[2]["id"] and page["total"] == len(plain)
    assert set(page["data"][0]) == {
        "id", "entity_in_id", "entity_out_id", "nb_occurences", "label", "data", "created_at",
        "updated_at", "type",
    }  # fmt: skip
    assert tv.admin.ok("GET", f"{path}?page=99&limit=2")["data"] == []
    after = tv.admin.ok("GET", f"{path}?cursor_created_at={plain[0]['created_at']}&limit=3")
    assert set(after) == {"data", "total", "limit"} and after["limit"] == 3
    assert plain[0]["id"] not in [link["id"] for link in after["data"]]
    assert tv.admin.ok("GET", f"{path}?limit=1") == plain[:1]
    assert tv.admin.get(f"{path}?cursor_created_at=yesterday").status_code == 400
    assert tv.admin.get(f"{path}?page=abc").json()["message"] == "page must be an integer."


def test_delete_entity_link_uncasts_without_touching_shots(tv):
    sequence = tv.entity(unique("SQ"), "Sequence", tv.ep2["id"])
    shot = new_shot(tv, sequence)
    prop = tv.entity(unique("Prop"), "Prop")
    cast(tv, shot, prop)
    (episode_link,) = [
        link for link in links_of(tv, tv.ep2["id"]) if link["entity_out_id"] == prop["id"]
    ]
    path = f"/data/projects/{tv.project['id']}/entity-links/{episode_link['id']}"
    deleted = tv.admin.ok("DELETE", path)
    assert deleted["id"] == episode_link["id"] and deleted["type"] == "EntityLink"
    assert len(links_of(tv, shot["id"])) == 1  # the shot keeps its casting
    assert tv.admin.delete(path).status_code == 404
    other = f"/data/projects/{tv.other['id']}/entity-links/{links_of(tv, shot['id'])[0]['id']}"
    assert tv.admin.delete(other).status_code == 403


# ---- asset instances ----------------------------------------------------------------------------
def test_scene_instances_are_numbered_per_asset(tv):
    scene = tv.entity(unique("SC"), "Scene", tv.sq1["id"])
    path = f"/data/scenes/{scene['id']}/asset-instances"
    first = tv.admin.ok("POST", path, 201, json={"asset_id": tv.sword["id"], "description": "a"})
    second = tv.admin.ok("POST", path, 201, json={"asset_id": tv.sword["id"]})
    camera = tv.admin.ok("POST", path, 201, json={"asset_id": tv.camera["id"]})
    assert set(first) == INSTANCE_KEYS and first["type"] == "AssetInstance"
    assert (first["name"], first["number"], first["description"]) == ("Sword_Big_0001", 1, "a")
    assert (second["name"], second["number"], second["scene_id"]) == (
        "Sword_Big_0002", 2, scene["id"]
    )  # fmt: skip
    assert camera["name"] == "Cam_A_0001"
    listing = tv.admin.ok("GET", path)
    assert [item["id"] for item in listing[tv.sword["id"]]] == [first["id"], second["id"]]
    cameras = tv.admin.ok("GET", f"/data/scenes/{scene['id']}/camera-instances")
    assert list(cameras) == [tv.camera["id"]]
    (event,) = events(tv, "asset_instance:new", "asset_instance_id", first["id"])
    assert event == {
        "scene_id": scene["id"], "asset_id": tv.sword["id"], "asset_instance_id": first["id"]
    }  # fmt: skip
    by_scene = tv.admin.ok("GET", f"/data/assets/{tv.sword['id']}/scene-asset-instances")
    assert [item["id"] for item in by_scene[scene["id"]]] == [first["id"], second["id"]]


def test_shot_instances_added_and_removed(tv):
    shot = new_shot(tv)
    instance = tv.admin.ok(
        "POST", f"/data/scenes/{tv.sc1['id']}/asset-instances", 201, json={"asset_id": tv.bob["id"]}
    )
    path = f"/data/shots/{shot['id']}/asset-instances"
    answer = tv.admin.ok("POST", path, 201, json={"asset_instance_id": instance["id"]})
    assert answer["id"] == shot["id"] and answer["type"] == "Entity"
    tv.admin.ok("POST", path, 201, json={"asset_instance_id": instance["id"]})  # no duplicate
    assert tv.admin.ok("GET", path) == {tv.bob["id"]: [instance]}
    by_shot = tv.admin.ok("GET", f"/data/assets/{tv.bob['id']}/shot-asset-instances")
    assert by_shot[shot["id"]] == [instance]
    assert events(tv, "asset_instance:add-to-shot", "shot_id", shot["id"]) == [
        {"shot_id": shot["id"], "asset_instance_id": instance["id"]}
    ]
    assert tv.admin.delete(f"{path}/{instance['id']}").status_code == 204
    assert tv.admin.ok("GET", path) == {}
    assert tv.admin.delete(f"{path}/{instance['id']}").status_code == 404
    assert events(tv, "asset_instance:remove-from-shot", "shot_id", shot["id"])


def test_asset_in_asset_instances(tv):
    container = tv.entity(unique("Set"), "Environment")
    path = f"/data/assets/{container['id']}/asset-asset-instances"
    first = tv.admin.ok("POST", path, 201, json={"asset_to_instantiate_id": tv.bob["id"]})
    assert (first["name"], first["target_asset_id"], first["scene_id"]) == (
        "Bob_0001", container["id"], None
    )  # fmt: skip
    assert tv.admin.ok("GET", path) == {tv.bob["id"]: [first]}
    (event,) = events(tv, "asset_instance:new", "asset_instance_id", first["id"])
    assert event == {
        "asset_id": container["id"], "asset_instantiated": tv.bob["id"],
        "asset_instance_id": first["id"],
    }  # fmt: skip
    by_scene = tv.admin.ok("GET", f"/data/assets/{tv.bob['id']}/scene-asset-instances")
    assert first["id"] in [item["id"] for item in by_scene["None"]]  # Zou's str(None) key


def test_scene_shots(tv):
    scene = tv.entity(unique("SC"), "Scene", tv.sq1["id"])
    shot = new_shot(tv)
    answer = tv.admin.ok(
        "POST", f"/data/scenes/{scene['id']}/shots", 201, json={"shot_id": shot["id"]}
    )
    assert answer["source_id"] == scene["id"] and answer["type"] == "Entity"
    (listed,) = tv.admin.ok("GET", f"/data/scenes/{scene['id']}/shots")
    assert listed["id"] == shot["id"] and listed["type"] == "Shot"
    assert (listed["project_name"], listed["sequence_name"]) == (tv.project["name"], "SQ01")
    assert events(tv, "shot:add-to-scene", "shot_id", shot["id"]) == [
        {"scene_id": scene["id"], "shot_id": shot["id"], "project_id": tv.project["id"]}
    ]
    elsewhere = tv.entity(unique("SC"), "Scene", tv.sq1["id"])
    assert tv.admin.delete(f"/data/scenes/{elsewhere['id']}/shots/{shot['id']}").status_code == 204
    assert tv.admin.ok("GET", f"/data/entities/{shot['id']}")["source_id"] == scene["id"]
    assert tv.admin.delete(f"/data/scenes/{scene['id']}/shots/{shot['id']}").status_code == 204
    assert tv.admin.ok("GET", f"/data/scenes/{scene['id']}/shots") == []
    assert events(tv, "shot:remove-from-scene", "shot_id", shot["id"])


# ---- bad input ----------------------------------------------------------------------------------
def test_bad_bodies_are_refused_like_zou(tv):
    project = tv.project["id"]
    put_path = f"/data/projects/{project}/entities/{tv.sh2['id']}/casting"
    refused = tv.admin.put(put_path, json={"a": 1})
    assert refused.status_code == 400
    assert refused.json() == {"error": True, "message": "Request body must be a JSON array"}
    bad_json = tv.admin.put(put_path, content=b"{bad", headers={"Content-Type": "application/json"})
    assert bad_json.status_code == 400
    for entry in (
        1,
        {"asset_id": "nope", "nb_occurences": 1},
        {"asset_id": tv.bob["id"], "nb_occurences": "x"},
    ):
        assert tv.admin.put(put_path, json=[entry]).status_code == 400  # Zou: 500
    asset_path = f"/data/assets/{tv.forest['id']}/casting"
    assert tv.admin.put(asset_path, json={"a": 1}).json()["message"] == (
        "Request body must be a JSON array."
    )
    negative = tv.admin.put(asset_path, json=[{"asset_id": tv.bob["id"], "nb_occurences": -1}])
    assert negative.json()["data"]["errors"] == [
        {"field": "0.nb_occurences", "message": "Input should be greater than or equal to 0"}
    ]
    missing = tv.admin.post(f"/data/shots/{tv.sh2['id']}/asset-instances", json={})
    assert missing.json()["data"]["errors"] == [
        {"field": "asset_instance_id", "message": "Field required"}
    ]
    for path, body in (
        (f"/data/scenes/{tv.sc1['id']}/asset-instances", {"asset_id": UNKNOWN}),
        (f"/data/scenes/{tv.sc1['id']}/asset-instances", {"asset_id": tv.sh1["id"]}),  # Zou: 201
        (f"/data/scenes/{tv.sc1['id']}/shots", {"shot_id": tv.bob["id"]}),
        (f"/data/shots/{tv.sh2['id']}/asset-instances", {"asset_instance_id": UNKNOWN}),
        (
            f"/data/assets/{tv.forest['id']}/asset-asset-instances",
            {"asset_to_instantiate_id": UNKNOWN},
        ),
    ):
        assert tv.admin.post(path, json=body).status_code == 404, path


@pytest.mark.parametrize(
    "path",
    [
        "/data/projects/{project}/entities/{unknown}/casting",
        "/data/projects/{project}/sequences/{unknown}/casting",
        "/data/projects/{project}/sequences/{shot}/casting",
        "/data/projects/{project}/asset-types/{unknown}/casting",
        "/data/projects/{project}/asset-types/{shot_type}/casting",
        "/data/projects/{unknown}/entity-links",
        "/data/assets/{shot}/casting",
        "/data/assets/nope/cast-in",
        "/data/assets/{unknown}/assets",
        "/data/shots/{asset}/assets",
        "/data/shots/{asset}/asset-types",
        "/data/shots/{unknown}/asset-instances",
        "/data/scenes/{shot}/asset-instances",
        "/data/scenes/{unknown}/camera-instances",
        "/data/scenes/{unknown}/shots",
        "/data/assets/{unknown}/asset-asset-instances",
        "/data/assets/{unknown}/shot-asset-instances",
        "/data/assets/{unknown}/scene-asset-instances",
    ],
)
def test_unknown_or_wrong_kind_is_404(tv, path):
    target = path.format(
        project=tv.project["id"], unknown=UNKNOWN, shot=tv.sh1["id"], asset=tv.bob["id"],
        shot_type=tv.types["Shot"],
    )  # fmt: skip
    assert tv.admin.get(target).status_code == 404


# ---- permissions (as refzou answers them) -------------------------------------------------------
ROLES = ("manager", "supervisor", "user", "client", "vendor")
MEMBERS = {role: 200 for role in ROLES}
NO_VENDOR = {**MEMBERS, "vendor": 403}
MANAGER = {role: 200 if role == "manager" else 403 for role in ROLES}
GETS = [
    ("/data/projects/{p}/entities/{sh1}/casting", NO_VENDOR),
    ("/data/projects/{p}/sequences/{sq1}/casting", NO_VENDOR),
    ("/data/projects/{p}/sequences/all/casting", NO_VENDOR),
    ("/data/projects/{p}/episodes/casting", NO_VENDOR),
    ("/data/projects/{p}/episodes/{ep1}/sequences/all/casting", NO_VENDOR),
    ("/data/projects/{p}/asset-types/{env}/casting", NO_VENDOR),
    ("/data/projects/{p}/entity-links", MANAGER),
    ("/data/assets/{bob}/casting", MEMBERS),  # the vendor is assigned to Bob
    ("/data/assets/{sword}/casting", NO_VENDOR),
    ("/data/assets/{bob}/cast-in", MEMBERS),
    ("/data/assets/{sword}/cast-in", NO_VENDOR),
    ("/data/assets/{sword}/assets", NO_VENDOR),
    ("/data/shots/{sh1}/assets", MEMBERS),
    ("/data/shots/{sh2}/assets", NO_VENDOR),
    ("/data/shots/{sh2}/asset-types", MEMBERS),
    ("/data/shots/{sh1}/asset-instances", MEMBERS),
    ("/data/shots/{sh2}/asset-instances", NO_VENDOR),
    ("/data/scenes/{sc1}/asset-instances", NO_VENDOR),
    ("/data/scenes/{sc1}/camera-instances", NO_VENDOR),
    ("/data/scenes/{sc1}/shots", NO_VENDOR),
    ("/data/assets/{sword}/asset-asset-instances", MEMBERS),
    ("/data/assets/{sword}/shot-asset-instances", MEMBERS),
    ("/data/assets/{sword}/scene-asset-instances", MEMBERS),
]


def fill(tv, path):
    ids = {
        "p": tv.project["id"], "sh1": tv.sh1["id"], "sh2": tv.sh2["id"], "sq1": tv.sq1["id"],
        "ep1": tv.ep1["id"], "env": tv.types["Environment"], "bob": tv.bob["id"],
        "sword": tv.sword["id"], "sc1": tv.sc1["id"], "forest": tv.forest["id"],
    }  # fmt: skip
    return path.format(**ids)


@pytest.mark.parametrize(("path", "expected"), GETS, ids=[path for path, _ in GETS])
def test_reads_per_role(tv, path, expected):
    for role, status in expected.items():
        answer = tv.studio.as_role(role).get(fill(tv, path))
        assert answer.status_code == status, (role, answer.text[:200])


def test_reads_of_another_project_are_refused(tv):
    """A team member acting on a project they are not in (the outsider case)."""
    other_shot, other = tv.other_shot["id"], tv.other["id"]
    for role in ROLES:
        client = tv.studio.as_role(role)
        for path in (
            f"/data/projects/{other}/entities/{other_shot}/casting",
            f"/data/projects/{other}/sequences/all/casting",
            f"/data/shots/{other_shot}/assets",
            f"/data/shots/{other_shot}/asset-instances",
        ):
            assert client.get(path).status_code == 403, (role, path)
        assert (
            client.put(f"/data/projects/{other}/entities/{other_shot}/casting", json=[]).status_code
            == 403
        )
        assert client.get(f"/data/projects/{UNKNOWN}/sequences/all/casting").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_writes_per_role(tv, role):
    client = tv.studio.as_role(role)
    project = tv.project["id"]
    shot = new_shot(tv)
    manager_only = [
        ("PUT", f"/data/projects/{project}/entities/{shot['id']}/casting", [{"asset_id": tv.bob["id"], "nb_occurences": 1}]),
        ("PUT", f"/data/assets/{tv.forest['id']}/casting", [{"asset_id": tv.sword["id"]}]),
        ("PUT", f"/data/projects/{project}/entities/casting", {shot["id"]: []}),
        ("PUT", f"/data/projects/{project}/entities/casting/assets/{tv.bob['id']}", {"entity_ids": [shot["id"]]}),
    ]  # fmt: skip
    for method, path, body in manager_only:
        expected = 200 if role == "manager" else 403
        assert client.request(method, path, json=body).status_code == expected, path
    cast(tv, shot, tv.sword)
    (link,) = links_of(tv, shot["id"])
    expected = 200 if role == "manager" else 403
    delete_link = client.delete(f"/data/projects/{project}/entity-links/{link['id']}")
    assert delete_link.status_code == expected
    # Every team member, vendors and clients included, may place instances and shots (Zou).
    instance = client.post(
        f"/data/scenes/{tv.sc1['id']}/asset-instances", json={"asset_id": tv.bob["id"]}
    )
    assert instance.status_code == 201
    shot_path = f"/data/shots/{shot['id']}/asset-instances"
    assert (
        client.post(shot_path, json={"asset_instance_id": instance.json()["id"]}).status_code == 201
    )
    assert client.delete(f"{shot_path}/{instance.json()['id']}").status_code == 204
    asset_path = f"/data/assets/{tv.forest['id']}/asset-asset-instances"
    assert (
        client.post(asset_path, json={"asset_to_instantiate_id": tv.bob["id"]}).status_code == 201
    )
    scene_path = f"/data/scenes/{tv.sc1['id']}/shots"
    assert client.post(scene_path, json={"shot_id": shot["id"]}).status_code == 201
    assert client.delete(f"{scene_path}/{shot['id']}").status_code == 204


def test_writes_on_another_project_are_refused(tv):
    other_shot = tv.other_shot["id"]
    client = tv.studio.as_role("manager")
    assert (
        client.post(
            f"/data/shots/{other_shot}/asset-instances", json={"asset_instance_id": UNKNOWN}
        ).status_code
        == 403
    )
    assert client.delete(f"/data/shots/{other_shot}/asset-instances/{UNKNOWN}").status_code == 403
    assert client.get(f"/data/projects/{tv.other['id']}/entity-links").status_code == 403


# ---- bulk: a constant number of statements ------------------------------------------------------
@pytest.fixture(scope="module")
def counting_server(tmp_path_factory):
    from .support.api import Api
    from .support.server import Server

    instance = Server(tmp_path_factory.mktemp("casting-counted"), count_queries="true").start()
    client = Api(instance.api)
    client.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    yield client
    instance.stop()


def test_casting_routes_run_a_constant_number_of_statements(counting_server):
    admin = counting_server
    types = {item["name"]: item["id"] for item in admin.ok("GET", "/data/entity-types")}
    project = admin.create("projects", name=unique("Bulk"), production_type="tvshow")["id"]

    def entity(name, kind, parent=None):
        values = {"name": name, "project_id": project, "entity_type_id": types[kind]}
        return admin.create("entities", **values, **({"parent_id": parent} if parent else {}))

    episode = entity("E01", "Episode")
    sequence = entity("SQ01", "Sequence", episode["id"])
    # One shot per episode: the two sizes of a change then touch their episodes alike.
    shots = [
        entity(
            f"SH{i:03}",
            "Shot",
            entity(f"SQ{i}", "Sequence", entity(f"E{i}", "Episode")["id"])["id"],
        )["id"]
        for i in range(2)
    ] + [entity("SH002", "Shot", sequence["id"])["id"]]
    assets = [entity(f"A{i:03}", "Prop")["id"] for i in range(40)]

    def statements(method, path, body=None):
        response = admin.request(method, path, **({"json": body} if body is not None else {}))
        assert response.status_code == 200, response.text
        return int(response.headers["x-query-count"])

    def put(entity_id, count):
        body = [{"asset_id": asset, "nb_occurences": 1} for asset in assets[:count]]
        return statements("PUT", f"/data/projects/{project}/entities/{entity_id}/casting", body)

    # Same shape of change (a first casting, then a replacement removing half) at two sizes.
    assert put(shots[0], 4) == put(shots[1], 40)
    assert put(shots[0], 2) == put(shots[1], 20)
    assert put(episode["id"], 2) == put(episode["id"], 2)
    for path in (
        f"/data/projects/{project}/sequences/all/casting",
        f"/data/projects/{project}/episodes/{episode['id']}/sequences/all/casting",
        f"/data/projects/{project}/sequences/{sequence['id']}/casting",
        f"/data/projects/{project}/episodes/casting",
        f"/data/projects/{project}/entity-links",
        f"/data/shots/{shots[1]}/assets",
    ):
        small = statements("GET", path)
        put(shots[2], 40)
        assert statements("GET", path) == small, path
        put(shots[2], 0)


# ---- gazu ---------------------------------------------------------------------------------------
def test_gazu_casting_functions(tv, gazu_client):
    project = tv.project
    shot = gazu.shot.get_shot(new_shot(tv)["id"], client=gazu_client)
    casting = [{"asset_id": tv.bob["id"], "nb_occurences": 2}]
    assert gazu.casting.update_shot_casting(project, shot, casting, client=gazu_client) == casting
    (entry,) = gazu.casting.get_shot_casting(shot, client=gazu_client)
    assert (entry["asset_name"], entry["nb_occurences"]) == ("Bob", 2)
    assert (
        gazu.casting.get_sequence_casting(tv.sq1, client=gazu_client)[shot["id"]][0]["name"]
        == "Bob"
    )
    assert shot["id"] in gazu.casting.get_sequence_shots_casting(
        project, tv.sq1, client=gazu_client
    )
    assert shot["id"] in gazu.casting.get_project_shots_casting(project, client=gazu_client)
    assert shot["id"] in gazu.casting.get_episode_shots_casting(project, tv.ep1, client=gazu_client)
    assert tv.bob["id"] in [
        e["asset_id"] for e in gazu.casting.get_episode_casting(tv.ep1, client=gazu_client)
    ]
    assert tv.ep1["id"] in gazu.casting.get_episodes_casting(project, client=gazu_client)
    cast_in = gazu.casting.get_asset_cast_in(tv.bob, client=gazu_client)
    assert shot["id"] in [item.get("shot_id") for item in cast_in]
    episode_body = [
        {"asset_id": tv.bob["id"], "nb_occurences": 1},
        {"asset_id": tv.sword["id"], "nb_occurences": 1},
    ]
    gazu.casting.update_episode_casting(project, tv.ep2, episode_body, client=gazu_client)
    assert {
        e["asset_name"] for e in gazu.casting.get_episode_casting(tv.ep2, client=gazu_client)
    } >= {
        "Bob",
        "Sword Big",
    }


def test_gazu_asset_casting_and_links(tv, gazu_client):
    project = tv.project
    container = tv.entity(unique("Set"), "Environment")
    casting = [{"asset_id": tv.sword["id"], "nb_occurences": 3}]
    assert (
        gazu.casting.update_asset_casting(project, container, casting, client=gazu_client)
        == casting
    )
    (entry,) = gazu.casting.get_asset_casting(container, client=gazu_client)
    assert (entry["asset_name"], entry["nb_occurences"]) == ("Sword Big", 3)
    by_type = gazu.casting.get_asset_type_casting(
        project, tv.types["Environment"], client=gazu_client
    )
    assert by_type[container["id"]][0]["asset_id"] == tv.sword["id"]
    links = gazu.casting.all_entity_links_for_project(project, client=gazu_client)
    (link,) = [link for link in links if link["entity_in_id"] == container["id"]]
    paged = gazu.casting.all_entity_links_for_project(project, page=1, limit=2, client=gazu_client)
    assert len(paged["data"]) == 2 and paged["total"] == len(links)
    assert gazu.casting.delete_entity_link(link, client=gazu_client)["id"] == link["id"]
    assert gazu.casting.get_asset_casting(container, client=gazu_client) == []


def test_gazu_cast_and_uncast_asset(tv, gazu_client):
    shots = [new_shot(tv), new_shot(tv)]
    answer = gazu.casting.cast_asset(
        tv.project, shots, tv.forest, nb_occurences=2, client=gazu_client
    )
    assert {key: value[0]["nb_occurences"] for key, value in answer.items()} == {
        shot["id"]: 2 for shot in shots
    }
    answer = gazu.casting.uncast_asset(tv.project, shots[0], tv.forest, client=gazu_client)
    assert answer == {shots[0]["id"]: []}


def test_gazu_asset_functions(tv, gazu_client):
    shot = new_shot(tv)
    cast(tv, shot, tv.sword, tv.bob)
    assert [a["name"] for a in gazu.asset.all_assets_for_shot(shot, client=gazu_client)] == [
        "Bob",
        "Sword Big",
    ]
    assert [t["name"] for t in gazu.asset.all_asset_types_for_shot(shot, client=gazu_client)] == [
        "Character",
        "Prop",
    ]
    container = tv.entity(unique("Set"), "Environment")
    instance = gazu.asset.new_asset_asset_instance(
        container, tv.sword, description="hero", client=gazu_client
    )
    assert (instance["name"], instance["description"]) == ("Sword_Big_0001", "hero")
    assert gazu.asset.all_asset_instances_for_asset(container, client=gazu_client) == {
        tv.sword["id"]: [instance]
    }
    scene_instance = tv.admin.ok(
        "POST",
        f"/data/scenes/{tv.sc1['id']}/asset-instances",
        201,
        json={"asset_id": tv.sword["id"]},
    )
    gazu.shot.add_asset_instance_to_shot(shot, scene_instance, client=gazu_client)
    assert gazu.asset.all_asset_instances_for_shot(shot, client=gazu_client) == {
        tv.sword["id"]: [scene_instance]
    }
    assert (
        scene_instance
        in gazu.asset.all_shot_asset_instances_for_asset(tv.sword, client=gazu_client)[shot["id"]]
    )
    by_scene = gazu.asset.all_scene_asset_instances_for_asset(tv.sword, client=gazu_client)
    assert scene_instance in by_scene[tv.sc1["id"]]


def test_gazu_shot_instance_functions(tv, gazu_client):
    shot = new_shot(tv)
    instance = gazu.scene.new_scene_asset_instance(
        tv.sc1, tv.bob, description="d", client=gazu_client
    )
    assert instance["scene_id"] == tv.sc1["id"] and instance["description"] == "d"
    answer = gazu.shot.add_asset_instance_to_shot(shot, instance, client=gazu_client)
    assert answer["id"] == shot["id"]
    assert gazu.shot.get_asset_instances_for_shot(shot, client=gazu_client) == {
        tv.bob["id"]: [instance]
    }
    assert gazu.shot.all_asset_instances_for_shot(shot, client=gazu_client) == {
        tv.bob["id"]: [instance]
    }
    gazu.shot.remove_asset_instance_from_shot(shot, instance, client=gazu_client)
    assert gazu.shot.all_asset_instances_for_shot(shot, client=gazu_client) == {}


def test_gazu_scene_functions(tv, gazu_client):
    scene = tv.entity(unique("SC"), "Scene", tv.sq1["id"])
    shot = new_shot(tv)
    camera = gazu.scene.new_scene_asset_instance(scene, tv.camera, client=gazu_client)
    prop = gazu.scene.new_scene_asset_instance(scene, tv.sword, client=gazu_client)
    assert gazu.scene.all_asset_instances_for_scene(scene, client=gazu_client) == {
        tv.camera["id"]: [camera],
        tv.sword["id"]: [prop],
    }
    assert gazu.scene.all_camera_instances_for_scene(scene, client=gazu_client) == {
        tv.camera["id"]: [camera]
    }
    assert gazu.scene.add_shot_to_scene(scene, shot, client=gazu_client)["source_id"] == scene["id"]
    assert [s["id"] for s in gazu.scene.all_shots_for_scene(scene, client=gazu_client)] == [
        shot["id"]
    ]
    gazu.scene.remove_shot_from_scene(scene, shot, client=gazu_client)
    assert gazu.scene.all_shots_for_scene(scene, client=gazu_client) == []


def test_an_asset_named_twice_keeps_the_last_values(tv):
    shot = new_shot(tv)
    body = [
        {"asset_id": tv.bob["id"], "nb_occurences": 1},
        {"asset_id": tv.bob["id"], "nb_occurences": 4, "label": "fixed"},
    ]
    tv.admin.ok(
        "PUT", f"/data/projects/{tv.project['id']}/entities/{shot['id']}/casting", json=body
    )
    (link,) = links_of(tv, shot["id"])
    assert (link["nb_occurences"], link["label"]) == (4, "fixed")
    assert events(tv, "entity-link:update", "entity_link_id", link["id"]) == [
        {"entity_link_id": link["id"], "nb_occurences": 4, "project_id": tv.project["id"]}
    ]
