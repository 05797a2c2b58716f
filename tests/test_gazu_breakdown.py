"""Every breakdown function of the official ``gazu`` client (project, asset, shot, scene,
casting, concept, edit, entity) through a real socket, each asserting the data it gets back;
the last test checks that none of them is left without a call in ``tests/``."""

from __future__ import annotations

import ast
import json
import uuid
from importlib import resources
from pathlib import Path
from types import SimpleNamespace

import gazu
import pytest

from .support.clips import make_picture

GAZU = Path(gazu.__file__).parent
DEFAULT_TREE = json.loads(
    resources.files("kitsu_local.file_trees").joinpath("default.json").read_text()
)
MODULES = ("project", "asset", "shot", "scene", "casting", "concept", "edit", "entity")
NOT_TESTED = {
    "project.get_project_url": "builds a URL, calls no route",
    "asset.get_asset_url": "builds a URL, calls no route",
    "asset.get_all_assets_url": "builds a URL, calls no route",
    "asset.get_asset_type_url": "builds a URL, calls no route",
    "shot.get_episode_url": "builds a URL, calls no route",
    "shot.get_shot_url": "builds a URL, calls no route",
    "shot.get_all_episodes_url": "builds a URL, calls no route",
    "shot.get_all_sequences_url": "builds a URL, calls no route",
    "shot.get_sequence_url": "builds a URL, calls no route",
    "edit.get_edit_url": "builds a URL, calls no route",
    "asset.import_assets_with_csv": "the CSV import routes, a later issue",
    "asset.export_assets_with_csv": "the CSV export, a later issue",
    "shot.import_shots_with_csv": "the CSV import routes, a later issue",
    "shot.export_shots_with_csv": "the CSV export, a later issue",
    "shot.import_otio": "the OTIO import route, a later issue",
    "project.get_project_task_types": "GET .../settings/task-types: Zou 1.0.97 answers 405 too",
}


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def world(gazu_client):
    """A TV show with an episode, a sequence, a shot, an asset of the episode, a scene, a
    concept and an edit, all made through gazu."""
    c = {"client": gazu_client}
    project = gazu.project.new_project(unique("Breakdown"), production_type="tvshow", **c)
    episode = gazu.shot.new_episode(project, unique("E"), **c)
    sequence = gazu.shot.new_sequence(project, unique("SQ"), episode=episode, **c)
    shot = gazu.shot.new_shot(project, sequence, unique("SH"), frame_in=1, frame_out=10, **c)
    character = gazu.asset.get_asset_type_by_name("Character", **c)
    asset = gazu.asset.new_asset(project, character, unique("Bob"), episode=episode, **c)
    scene = gazu.scene.new_scene(project, sequence, unique("SC"), **c)
    concept = gazu.concept.new_concept(project, unique("CO"), **c)
    edit = gazu.edit.new_edit(project, unique("ED"), **c)
    return SimpleNamespace(
        project=project, episode=episode, sequence=sequence, shot=shot, asset=asset,
        character=character, scene=scene, concept=concept, edit=edit,
    )  # fmt: skip


def ids(items) -> set[str]:
    return {item["id"] for item in items}


# ==== project ================================================================================
def test_project_statuses(gazu_client):
    statuses = gazu.project.all_project_status(client=gazu_client)
    assert [status["name"] for status in statuses][:2] == ["Closed", "Open"]
    assert {status["type"] for status in statuses} == {"ProjectStatus"}
    open_status = gazu.project.get_project_status_by_name("Open", client=gazu_client)
    assert open_status["name"] == "Open" and open_status["id"] in ids(statuses)
    assert gazu.project.get_project_status_by_name("Nope", client=gazu_client) is None


def test_update_project_data_merges(gazu_client):
    project = gazu.project.new_project(unique("Data"), client=gazu_client)
    assert gazu.project.update_project_data(project, {"a": 1}, client=gazu_client)["data"] == {
        "a": 1
    }
    updated = gazu.project.update_project_data(project["id"], {"b": "two"}, client=gazu_client)
    assert updated["id"] == project["id"] and updated["data"] == {"a": 1, "b": "two"}
    assert gazu.project.get_project(project["id"], client=gazu_client)["data"] == {
        "a": 1,
        "b": "two",
    }


def test_close_and_remove_project(gazu_client):
    project = gazu.project.new_project(unique("Closing"), client=gazu_client)
    closed = gazu.project.close_project(project, client=gazu_client)
    status = gazu.project.get_project_status_by_name("Closed", client=gazu_client)
    assert closed["project_status_id"] == status["id"]
    stored = gazu.project.get_project(project["id"], client=gazu_client)
    assert stored["project_status_id"] == status["id"]
    assert project["id"] not in ids(gazu.project.all_open_projects(client=gazu_client))
    gazu.project.remove_project(project, force=True, client=gazu_client)
    assert gazu.project.get_project_by_name(project["name"], client=gazu_client) is None
    assert project["id"] not in ids(gazu.project.all_projects(client=gazu_client))


def test_preview_background_files(gazu_client, world):
    project = world.project
    background = gazu.client.create(
        "preview-background-files", {"name": unique("bg")}, client=gazu_client
    )
    assert gazu.project.get_preview_background_files(project, client=gazu_client) == []
    answer = gazu.project.add_preview_background_file(
        project, {"preview_background_file_id": background["id"]}, client=gazu_client
    )
    assert answer["id"] == project["id"]
    listed = gazu.project.get_preview_background_files(project, client=gazu_client)
    assert [item["id"] for item in listed] == [background["id"]]
    assert listed[0]["name"] == background["name"]
    gazu.project.remove_preview_background_file(project, background, client=gazu_client)
    assert gazu.project.get_preview_background_files(project, client=gazu_client) == []


def test_reorder_metadata_descriptors(gazu_client):
    project = gazu.project.new_project(unique("Columns"), client=gazu_client)
    zeta, alpha, mid = (
        gazu.project.add_metadata_descriptor(project, name, "Asset", client=gazu_client)
        for name in ("zeta", "alpha", "mid")
    )
    gazu.project.add_metadata_descriptor(project, "shot column", "Shot", client=gazu_client)
    ordered = gazu.project.reorder_metadata_descriptors(project, "Asset", [mid], client=gazu_client)
    # The listed ones first, then the others by name; only that entity type.
    assert [(d["name"], d["position"]) for d in ordered] == [("mid", 1), ("alpha", 2), ("zeta", 3)]
    again = gazu.project.reorder_metadata_descriptors(
        project, "Asset", [zeta["id"], alpha["id"], mid["id"]], client=gazu_client
    )
    assert [d["id"] for d in again] == [zeta["id"], alpha["id"], mid["id"]]
    listed = gazu.project.all_metadata_descriptors(project, entity_type="Asset", client=gazu_client)
    assert [d["name"] for d in listed] == ["zeta", "alpha", "mid"]
    with pytest.raises(gazu.exception.ParameterException, match="not found for project"):
        gazu.project.reorder_metadata_descriptors(
            project, "Asset", [str(uuid.uuid4())], client=gazu_client
        )
    with pytest.raises(gazu.exception.ParameterException, match="Wrong entity type"):
        gazu.project.reorder_metadata_descriptors(project, "Bad", [zeta], client=gazu_client)


# ==== asset ==================================================================================
def test_asset_listings(gazu_client, world):
    open_assets = gazu.asset.all_assets_for_open_projects(client=gazu_client)
    assert world.asset["id"] in ids(open_assets)
    in_episode = gazu.asset.all_assets_for_episode(world.episode, client=gazu_client)
    assert [asset["id"] for asset in in_episode] == [world.asset["id"]]
    assert in_episode[0]["source_id"] == world.episode["id"]


def test_update_asset_and_its_data(gazu_client, world):
    asset = gazu.asset.new_asset(world.project, world.character, unique("Upd"), client=gazu_client)
    updated = gazu.asset.update_asset({**asset, "description": "a hero"}, client=gazu_client)
    assert updated["id"] == asset["id"] and updated["description"] == "a hero"
    gazu.asset.update_asset_data(asset, {"height": 2}, client=gazu_client)
    merged = gazu.asset.update_asset_data(asset["id"], {"eyes": "blue"}, client=gazu_client)
    assert merged["data"] == {"height": 2, "eyes": "blue"}
    assert gazu.asset.get_asset(asset["id"], client=gazu_client)["description"] == "a hero"


def test_asset_type_of_an_asset(gazu_client, world):
    asset_type = gazu.asset.get_asset_type(world.character["id"], client=gazu_client)
    assert asset_type["id"] == world.character["id"] and asset_type["name"] == "Character"
    assert asset_type["type"] == "AssetType"
    from_asset = gazu.asset.get_asset_type_from_asset(world.asset, client=gazu_client)
    assert from_asset["id"] == world.character["id"] and from_asset["name"] == "Character"


def test_asset_type_lifecycle(gazu_client):
    name = unique("AT")
    asset_type = gazu.asset.new_asset_type(name, client=gazu_client)
    assert asset_type["name"] == name and asset_type["id"]
    assert gazu.asset.new_asset_type(name, client=gazu_client)["id"] == asset_type["id"]
    renamed = gazu.asset.update_asset_type(
        {"id": asset_type["id"], "name": name + "b"}, client=gazu_client
    )
    assert renamed["id"] == asset_type["id"] and renamed["name"] == name + "b"
    assert gazu.asset.get_asset_type(asset_type["id"], client=gazu_client)["name"] == name + "b"
    gazu.asset.remove_asset_type(asset_type, client=gazu_client)
    assert gazu.asset.get_asset_type_by_name(name + "b", client=gazu_client) is None
    with pytest.raises(gazu.exception.RouteNotFoundException):
        gazu.entity.get_entity_type(asset_type["id"], client=gazu_client)


def test_episode_from_asset(gazu_client, world):
    asset = gazu.asset.get_asset(world.asset["id"], client=gazu_client)
    episode = gazu.asset.get_episode_from_asset(asset, client=gazu_client)
    assert episode["id"] == world.episode["id"] and episode["name"] == world.episode["name"]
    loose = gazu.asset.new_asset(
        world.project, world.character, unique("Loose"), client=gazu_client
    )
    assert gazu.asset.get_episode_from_asset(loose, client=gazu_client) is None


def test_asset_instances(gazu_client, world):
    scene = gazu.scene.new_scene(world.project, world.sequence, unique("SCI"), client=gazu_client)
    instance = gazu.scene.new_scene_asset_instance(scene, world.asset, client=gazu_client)
    got = gazu.asset.get_asset_instance(instance["id"], client=gazu_client)
    assert got["id"] == instance["id"] and got["asset_id"] == world.asset["id"]
    assert got["scene_id"] == scene["id"] and got["active"] is True
    disabled = gazu.asset.disable_asset_instance(instance, client=gazu_client)
    assert disabled["id"] == instance["id"] and disabled["active"] is False
    assert gazu.asset.get_asset_instance(instance["id"], client=gazu_client)["active"] is False
    enabled = gazu.asset.enable_asset_instance(instance["id"], client=gazu_client)
    assert enabled["active"] is True

    by_name = gazu.scene.get_asset_instance_by_name(scene, instance["name"], client=gazu_client)
    assert by_name["id"] == instance["id"]
    assert gazu.scene.get_asset_instance_by_name(scene, "nope", client=gazu_client) is None
    renamed = gazu.scene.update_asset_instance_name(instance, "hero_0001", client=gazu_client)
    assert renamed["id"] == instance["id"] and renamed["name"] == "hero_0001"
    assert (
        gazu.scene.get_asset_instance_by_name(scene, "hero_0001", client=gazu_client)["id"]
        == (instance["id"])
    )
    with_data = gazu.scene.update_asset_instance_data(
        instance["id"], {"lod": 2}, client=gazu_client
    )
    assert with_data["data"] == {"lod": 2} and with_data["name"] == "hero_0001"


# ==== shot ===================================================================================
def test_episode_getters(gazu_client, world):
    episode = gazu.shot.get_episode(world.episode["id"], client=gazu_client)
    assert episode["id"] == world.episode["id"] and episode["type"] == "Episode"
    by_name = gazu.shot.get_episode_by_name(
        world.project, world.episode["name"], client=gazu_client
    )
    assert by_name["id"] == world.episode["id"]
    assert gazu.shot.get_episode_by_name(world.project, "nope", client=gazu_client) is None
    from_sequence = gazu.shot.get_episode_from_sequence(world.sequence, client=gazu_client)
    assert from_sequence["id"] == world.episode["id"]
    assert gazu.shot.get_episode_from_sequence({"parent_id": None}, client=gazu_client) is None


def test_sequence_getters(gazu_client, world):
    sequence = gazu.shot.get_sequence(world.sequence["id"], client=gazu_client)
    assert sequence["id"] == world.sequence["id"] and sequence["type"] == "Sequence"
    assert sequence["name"] == world.sequence["name"]
    from_shot = gazu.shot.get_sequence_from_shot({"id": world.shot["id"]}, client=gazu_client)
    assert from_shot["id"] == world.sequence["id"]
    assert (
        gazu.shot.get_sequence_from_shot(world.shot, client=gazu_client)["id"]
        == world.sequence["id"]
    )


def test_shot_sequence_episode_updates(gazu_client, world):
    shot = gazu.shot.update_shot(
        {"id": world.shot["id"], "description": "wide"}, client=gazu_client
    )
    assert shot["id"] == world.shot["id"] and shot["description"] == "wide"
    assert gazu.shot.get_shot(world.shot["id"], client=gazu_client)["description"] == "wide"

    sequence = gazu.shot.update_sequence(
        {"id": world.sequence["id"], "description": "chase"}, client=gazu_client
    )
    assert sequence["description"] == "chase"
    gazu.shot.update_sequence_data(world.sequence, {"mood": "dark"}, client=gazu_client)
    merged = gazu.shot.update_sequence_data(world.sequence["id"], {"act": 2}, client=gazu_client)
    assert merged["id"] == world.sequence["id"] and merged["data"] == {"mood": "dark", "act": 2}

    episode = gazu.shot.update_episode(
        {"id": world.episode["id"], "description": "pilot"}, client=gazu_client
    )
    assert episode["description"] == "pilot"
    gazu.shot.update_episode_data(world.episode, {"air": "monday"}, client=gazu_client)
    merged = gazu.shot.update_episode_data(world.episode["id"], {"slot": 1}, client=gazu_client)
    assert merged["id"] == world.episode["id"] and merged["data"] == {"air": "monday", "slot": 1}
    assert gazu.shot.get_episode(world.episode["id"], client=gazu_client)["description"] == "pilot"


def test_remove_sequence_and_episode(gazu_client, world):
    project = world.project
    episode = gazu.shot.new_episode(project, unique("E-gone"), client=gazu_client)
    sequence = gazu.shot.new_sequence(
        project, unique("SQ-gone"), episode=episode, client=gazu_client
    )
    shot = gazu.shot.new_shot(project, sequence, unique("SH-gone"), client=gazu_client)
    with pytest.raises(gazu.exception.ParameterException, match="still linked"):
        gazu.shot.remove_sequence(sequence, client=gazu_client)
    with pytest.raises(gazu.exception.ParameterException):
        gazu.shot.remove_episode(episode, client=gazu_client)
    gazu.shot.remove_shot(shot, force=True, client=gazu_client)
    gazu.shot.remove_sequence(sequence, client=gazu_client)
    assert sequence["id"] not in ids(
        gazu.shot.all_sequences_for_project(project, client=gazu_client)
    )
    gazu.shot.remove_episode(episode["id"], client=gazu_client)
    assert gazu.shot.get_episode_by_name(project, episode["name"], client=gazu_client) is None

    # With force, the sequence goes with its shots.
    sequence = gazu.shot.new_sequence(project, unique("SQ-forced"), client=gazu_client)
    shot = gazu.shot.new_shot(project, sequence, unique("SH-forced"), client=gazu_client)
    gazu.shot.remove_sequence(sequence, force=True, client=gazu_client)
    assert gazu.shot.get_sequence_by_name(project, sequence["name"], client=gazu_client) is None
    with pytest.raises(gazu.exception.RouteNotFoundException):
        gazu.shot.get_shot(shot["id"], client=gazu_client)
    assert world.sequence["id"] in ids(
        gazu.shot.all_sequences_for_project(project, client=gazu_client)
    )


# ==== previews ===============================================================================
@pytest.fixture(scope="module")
def previews(gazu_client, world, tmp_path_factory):
    """One PNG preview on a task of the shot, of the edit and of the concept."""
    picture = make_picture(tmp_path_factory.mktemp("gazu-previews") / "frame.png", 64, 36)
    status = gazu.task.get_task_status_by_short_name("wfa", client=gazu_client)
    task_types = gazu.task.all_task_types(client=gazu_client)
    made = {}
    for key in ("shot", "edit", "concept"):
        entity = getattr(world, key)
        task_type = next(t for t in task_types if t["for_entity"] == key.capitalize())
        task = gazu.task.new_task(entity, task_type, client=gazu_client)
        comment = gazu.task.add_comment(task, status, "look", client=gazu_client)
        preview = gazu.task.add_preview(task, comment, str(picture), client=gazu_client)
        made[key] = (task, preview)
    return made


def assert_one_preview(by_task_type: dict, task: dict, preview: dict) -> None:
    """The previews of an entity come grouped by task type."""
    assert list(by_task_type) == [task["task_type_id"]]
    (listed,) = by_task_type[task["task_type_id"]]
    assert listed["id"] == preview["id"] and listed["task_id"] == task["id"]
    assert listed["extension"] == "png" and listed["revision"] == 1


def test_all_previews_for_shot_edit_concept(gazu_client, world, previews):
    listed = gazu.shot.all_previews_for_shot(world.shot, client=gazu_client)
    assert_one_preview(listed, *previews["shot"])
    listed = gazu.edit.all_previews_for_edit(world.edit["id"], client=gazu_client)
    assert_one_preview(listed, *previews["edit"])
    listed = gazu.concept.all_previews_for_concept(world.concept, client=gazu_client)
    assert_one_preview(listed, *previews["concept"])


# ==== scene ==================================================================================
def test_scene_functions(gazu_client, world):
    scene = gazu.scene.get_scene(world.scene["id"], client=gazu_client)
    assert scene["id"] == world.scene["id"] and scene["name"] == world.scene["name"]
    assert scene["parent_id"] == world.sequence["id"]
    by_name = gazu.scene.get_scene_by_name(world.sequence, world.scene["name"], client=gazu_client)
    assert by_name["id"] == world.scene["id"]
    assert gazu.scene.get_scene_by_name(world.sequence, "nope", client=gazu_client) is None
    updated = gazu.scene.update_scene(
        {"id": world.scene["id"], "description": "night"}, client=gazu_client
    )
    assert updated["id"] == world.scene["id"] and updated["description"] == "night"
    assert gazu.scene.get_scene(world.scene["id"], client=gazu_client)["description"] == "night"
    sequence = gazu.scene.get_sequence_from_scene({"id": world.scene["id"]}, client=gazu_client)
    assert sequence["id"] == world.sequence["id"] and sequence["type"] == "Sequence"


# ==== concept ================================================================================
def test_concept_functions(gazu_client, world):
    assert world.concept["id"] in ids(gazu.concept.all_concepts(client=gazu_client))
    concept = gazu.concept.get_concept(world.concept["id"], client=gazu_client)
    assert concept["id"] == world.concept["id"] and concept["name"] == world.concept["name"]
    by_name = gazu.concept.get_concept_by_name(
        world.project, world.concept["name"], client=gazu_client
    )
    assert by_name["id"] == world.concept["id"]
    assert gazu.concept.get_concept_by_name(world.project, "nope", client=gazu_client) is None
    updated = gazu.concept.update_concept(
        {"id": world.concept["id"], "description": "moodboard"}, client=gazu_client
    )
    assert updated["id"] == world.concept["id"] and updated["description"] == "moodboard"


def test_remove_concept(gazu_client, world):
    concept = gazu.concept.new_concept(world.project, unique("CO-gone"), client=gazu_client)
    gazu.concept.remove_concept(concept, client=gazu_client)
    assert (
        gazu.concept.get_concept_by_name(world.project, concept["name"], client=gazu_client) is None
    )
    # With tasks it is only canceled, unless forced.
    concept = gazu.concept.new_concept(world.project, unique("CO-tasks"), client=gazu_client)
    task_type = next(
        t for t in gazu.task.all_task_types(client=gazu_client) if t["for_entity"] == "Concept"
    )
    gazu.task.new_task(concept, task_type, client=gazu_client)
    gazu.concept.remove_concept(concept, client=gazu_client)
    assert gazu.entity.get_entity(concept["id"], client=gazu_client)["canceled"] is True
    gazu.concept.remove_concept(concept, force=True, client=gazu_client)
    assert concept["id"] not in ids(
        gazu.concept.all_concepts_for_project(world.project, client=gazu_client)
    )


# ==== edit ===================================================================================
def test_edit_functions(gazu_client, world):
    edit = gazu.edit.get_edit(world.edit["id"], client=gazu_client)
    assert edit["id"] == world.edit["id"] and edit["name"] == world.edit["name"]
    assert edit["project_id"] == world.project["id"]
    updated = gazu.edit.update_edit(
        {"id": world.edit["id"], "description": "cut 1"}, client=gazu_client
    )
    assert updated["id"] == world.edit["id"] and updated["description"] == "cut 1"
    gazu.edit.update_edit_data(world.edit, {"fps": 24}, client=gazu_client)
    merged = gazu.edit.update_edit_data(world.edit["id"], {"cut": 1}, client=gazu_client)
    assert merged["data"] == {"fps": 24, "cut": 1}
    assert gazu.edit.get_edit(world.edit["id"], client=gazu_client)["description"] == "cut 1"


def test_remove_edit(gazu_client, world):
    edit = gazu.edit.new_edit(world.project, unique("ED-gone"), client=gazu_client)
    gazu.edit.remove_edit(edit, client=gazu_client)
    assert gazu.edit.get_edit_by_name(world.project, edit["name"], client=gazu_client) is None
    edit = gazu.edit.new_edit(world.project, unique("ED-tasks"), client=gazu_client)
    gazu.task.new_task(
        edit,
        gazu.task.get_task_type_by_name("Edit", client=gazu_client),
        client=gazu_client,
    )
    gazu.edit.remove_edit(edit, client=gazu_client)  # it has a task: only canceled
    assert gazu.edit.get_edit(edit["id"], client=gazu_client)["canceled"] is True
    gazu.edit.remove_edit(edit["id"], force=True, client=gazu_client)
    with pytest.raises(gazu.exception.RouteNotFoundException):
        gazu.edit.get_edit(edit["id"], client=gazu_client)


# ==== entity =================================================================================
def test_entity_getters(gazu_client, world):
    everything = gazu.entity.all_entities(client=gazu_client)
    assert {world.shot["id"], world.asset["id"], world.edit["id"]} <= ids(everything)
    shot = gazu.entity.get_entity(world.shot["id"], client=gazu_client)
    assert shot["id"] == world.shot["id"] and shot["parent_id"] == world.sequence["id"]
    by_name = gazu.entity.get_entity_by_name(
        world.shot["name"], project=world.project, client=gazu_client
    )
    assert by_name["id"] == world.shot["id"]
    assert (
        gazu.entity.get_entity_by_name(world.asset["name"], client=gazu_client)["id"]
        == (world.asset["id"])
    )
    assert gazu.entity.get_entity_by_name("nope", project=world.project, client=gazu_client) is None


def test_entity_types(gazu_client, world):
    types = gazu.entity.all_entity_types(client=gazu_client)
    names = [entity_type["name"] for entity_type in types]
    assert {"Character", "Shot", "Sequence", "Episode", "Edit", "Concept"} <= set(names)
    assert names == sorted(names)
    character = gazu.entity.get_entity_type(world.character["id"], client=gazu_client)
    assert character["id"] == world.character["id"] and character["name"] == "Character"
    shot_type = gazu.entity.get_entity_type_by_name("Shot", client=gazu_client)
    assert shot_type["id"] == world.shot["entity_type_id"]
    assert gazu.entity.get_entity_type_by_name("nope", client=gazu_client) is None

    name = unique("ET")
    created = gazu.entity.new_entity_type(name, client=gazu_client)
    assert created["name"] == name and created["id"] in ids(gazu.entity.all_entity_types(client=gazu_client))  # fmt: skip
    gazu.entity.remove_entity_type(created, client=gazu_client)
    assert gazu.entity.get_entity_type_by_name(name, client=gazu_client) is None


def test_guess_from_path(gazu_client):
    """The templates of the default tree a path matches, with the ids its folders name: a
    folder's ``_`` reads as a space and names compare without case, as in Zou."""
    c = {"client": gazu_client}
    project = gazu.project.new_project(unique("Guess"), **c)
    gazu.files.update_project_file_tree(project, DEFAULT_TREE, **c)
    sequence = gazu.shot.new_sequence(project, unique("SQ"), **c)
    shot = gazu.shot.new_shot(project, sequence, unique("SH"), **c)
    prop = gazu.asset.get_asset_type_by_name("Prop", **c)
    asset = gazu.asset.new_asset(project, prop, unique("Big Sword"), **c)
    animation = gazu.task.get_task_type_by_name("Animation", **c)
    slug = {row["id"]: row["name"].lower().replace(" ", "_") for row in (project, sequence, shot, asset)}  # fmt: skip
    root = f"/simple/productions/{slug[project['id']]}"

    shot_path = f"{root}/shots/{slug[sequence['id']]}/{slug[shot['id']]}/animation"
    assert gazu.entity.guess_from_path(project["id"], shot_path, **c) == [
        {"Template": "shot", "Project": project["id"], "Sequence": sequence["id"],
         "Shot": shot["id"], "TaskType": animation["id"]},
    ]  # fmt: skip
    # The tree's style (lowercase) applies to the path too: case does not matter.
    assert gazu.entity.guess_from_path(project["id"], shot_path.upper(), **c) == [
        {"Template": "shot", "Project": project["id"], "Sequence": sequence["id"],
         "Shot": shot["id"], "TaskType": animation["id"]},
    ]  # fmt: skip
    # The first folder that names nothing ends the template: here the asset.
    asset_path = f"{root}/assets/prop/nothing/animation"
    assert gazu.entity.guess_from_path(project["id"], asset_path, **c) == [
        {"Template": "asset", "Project": project["id"], "AssetType": prop["id"]},
    ]
    asset_path = f"{root}/assets/prop/{slug[asset['id']]}"
    assert gazu.entity.guess_from_path(project["id"], asset_path, **c) == [
        {"Template": "asset", "Project": project["id"], "AssetType": prop["id"],
         "Asset": asset["id"]},
    ]  # fmt: skip
    # Another production's path, or one outside every root, matches nothing with ids.
    other = gazu.entity.guess_from_path(project["id"], "/simple/productions/nope/shots/a", **c)
    assert all(set(match) == {"Template"} for match in other)
    assert gazu.entity.guess_from_path(project["id"], "/elsewhere/file.ma", **c) == []
    # An empty separator tells no folder apart: nothing (Zou answers 500 here).
    assert gazu.entity.guess_from_path(project["id"], shot_path, sep="", **c) == []


def test_remove_entity(gazu_client, world):
    asset = gazu.asset.new_asset(world.project, world.character, unique("Gone"), client=gazu_client)
    gazu.entity.remove_entity(asset, client=gazu_client)
    with pytest.raises(gazu.exception.RouteNotFoundException):
        gazu.entity.get_entity(asset["id"], client=gazu_client)


def test_remove_entities(gazu_client, world):
    project = world.project
    plain = gazu.asset.new_asset(project, world.character, unique("Plain"), client=gazu_client)
    busy = gazu.asset.new_asset(project, world.character, unique("Busy"), client=gazu_client)
    modeling = gazu.task.get_task_type_by_name("Modeling", client=gazu_client)
    gazu.task.new_task(busy, modeling, client=gazu_client)
    edit = gazu.edit.new_edit(project, unique("ED-batch"), client=gazu_client)
    sequence = gazu.shot.new_sequence(project, unique("SQ-kept"), client=gazu_client)
    elsewhere = gazu.asset.new_asset(
        gazu.project.new_project(unique("Elsewhere"), client=gazu_client),
        world.character, unique("Other"), client=gazu_client,
    )  # fmt: skip
    batch = [plain, busy, edit, sequence, elsewhere, str(uuid.uuid4())]
    removed = gazu.entity.remove_entities(project, batch, client=gazu_client)
    # Sequences, other projects' entities and unknown ids are skipped.
    assert removed == [plain["id"], busy["id"], edit["id"]]
    with pytest.raises(gazu.exception.RouteNotFoundException):
        gazu.entity.get_entity(plain["id"], client=gazu_client)
    assert gazu.entity.get_entity(busy["id"], client=gazu_client)["canceled"] is True  # had a task
    assert gazu.entity.get_entity(sequence["id"], client=gazu_client)["id"] == sequence["id"]
    assert gazu.entity.get_entity(elsewhere["id"], client=gazu_client)["id"] == elsewhere["id"]
    # A canceled entity goes for real the second time, as with force.
    assert gazu.entity.remove_entities(project, [busy], force=True, client=gazu_client) == [
        busy["id"]
    ]
    with pytest.raises(gazu.exception.RouteNotFoundException):
        gazu.entity.get_entity(busy["id"], client=gazu_client)
    path = f"actions/projects/{project['id']}/delete-entities"
    with pytest.raises(gazu.exception.ParameterException, match="valid UUIDs"):
        gazu.client.post(path, ["not-an-id"], client=gazu_client)
    with pytest.raises(gazu.exception.ParameterException, match="JSON array"):
        gazu.client.post(path, {"ids": []}, client=gazu_client)


# ==== the meta-test ==========================================================================
def public_functions(module: str) -> list[str]:
    tree = ast.parse((GAZU / f"{module}.py").read_text())
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and not node.name.startswith("_")
    ]


def test_every_breakdown_function_of_gazu_is_tested():
    tests = "\n".join(path.read_text() for path in Path(__file__).parent.rglob("*.py"))
    known = {f"{module}.{name}" for module in MODULES for name in public_functions(module)}
    assert set(NOT_TESTED) <= known, set(NOT_TESTED) - known
    untested = sorted(name for name in known - set(NOT_TESTED) if f"gazu.{name}(" not in tests)
    assert untested == []
    assert all(NOT_TESTED.values())
