"""Breakdown creation and listings against Zou: same status and shape, per role."""

from __future__ import annotations

import pytest

ROLES = ["admin", "manager", "supervisor", "user", "client", "vendor", "outsider"]
PROJECT_LISTINGS = ["episodes", "sequences", "shots", "scenes", "edits", "concepts",
                    "asset-types", "assets/shared-used"]  # fmt: skip
LISTINGS = (
    "/data/episodes/{episode:E01}/sequences",
    "/data/episodes/{episode:E01}/shots",
    "/data/episodes/{episode:E01}/edits",
    "/data/sequences/{sequence:SQ01}/shots",
    "/data/sequences/{sequence:SQ01}/scenes",
    "/data/shots/{shot:SH010}/versions",
    "/data/projects/{project}/episodes/{episode:E01}/assets/shared-used",
    "/data/projects/{project}/asset-types/{entity-type:Character}/assets",
    "/data/projects/{project}/assets?name=Bob",
    "/data/assets/all?project_id={project}&name=Sword",
    "/data/shots/all?project_id={project}",
    "/data/scenes/all?project_id={project}",
    "/data/edits/all?project_id={project}",
)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", PROJECT_LISTINGS)
def test_project_listings(compat, role, route):
    compat.check("GET", f"/data/projects/{{project}}/{route}", role=role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", LISTINGS)
def test_listings(compat, role, path):
    compat.check("GET", path, role=role)


@pytest.mark.parametrize(
    ("route", "body"),
    [
        ("episodes", {"name": "E01"}),
        ("sequences", {"name": "SQ01", "episode_id": "{episode:E01}"}),
        ("shots", {"name": "SH010", "sequence_id": "{sequence:SQ01}"}),
        ("scenes", {"name": "SC01", "sequence_id": "{sequence:SQ01}"}),
        ("shots", {"name": "x", "sequence_id": "nope"}),
        ("shots", {"sequence_id": "{sequence:SQ01}"}),
        ("sequences", {"name": "x", "episode_id": "{sequence:SQ01}"}),
        ("concepts", {"name": "x", "entity_concept_links": ["{asset:Bob}"]}),
    ],
)
def test_creation_of_existing_or_wrong_entities(compat, route, body):
    """Existing names answer the existing entity; bad bodies the same 400 and 404."""
    compat.check("POST", f"/data/projects/{{project}}/{route}", json=body)


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor", "outsider"])
def test_creation_is_refused(compat, role):
    compat.check("POST", "/data/projects/{project}/shots", json={"name": "x"}, role=role)
    path = "/data/projects/{project}/asset-types/{entity-type:Prop}/assets/new"
    compat.check("POST", path, json={"name": "x"}, role=role)
    compat.check("POST", "/actions/projects/{project}/assets/share", json={}, role=role)


def test_new_breakdown(compat):
    compat.create("episode:E90", "/data/projects/{project}/episodes", {"name": "E90"})
    compat.create(
        "sequence:SQ90", "/data/projects/{project}/sequences",
        {"name": "SQ90", "episode_id": "{episode:E90}"},
    )  # fmt: skip
    compat.create(
        "shot:SH900", "/data/projects/{project}/shots",
        {"name": "SH900", "sequence_id": "{sequence:SQ90}", "nb_frames": 12,
         "data": {"frame_in": 1, "frame_out": 12}},
    )  # fmt: skip
    compat.create(
        "edit:ED90",
        "/data/projects/{project}/edits",
        {"name": "ED90", "episode_id": "{episode:E90}"},
    )
    compat.create("concept:CO90", "/data/projects/{project}/concepts", {"name": "CO90"})
    compat.create(
        "asset:Lamp", "/data/projects/{project}/asset-types/{entity-type:Prop}/assets/new",
        {"name": "Lamp", "episode_id": "{episode:E90}"},
    )  # fmt: skip
    for path in ("/data/episodes/{episode:E90}/shots", "/data/episodes/{episode:E90}/edits",
                 "/data/episodes/{episode:E90}/sequences", "/data/edits/{edit:ED90}/versions",
                 "/data/sequences/{sequence:SQ90}/shots"):  # fmt: skip
        compat.check("GET", path)
    compat.check("POST", "/actions/assets/share", json={"asset_ids": ["{asset:Lamp}"]})
    compat.check("POST", "/actions/assets/share", json={"asset_ids": ["nope"]})
    compat.check(
        "POST",
        "/actions/projects/{project}/task-types/{task-type:Animation/Shot}/set-shot-nb-frames",
    )


def test_an_entity_update_leaves_an_object_in_data(compat):
    """Zou's entity PUT merges ``data`` into ``(stored or {})``: an entity made without data
    has ``null`` there until its first update, which leaves ``{}`` (or the merged keys)."""
    body = {"name": f"Bare {compat.tag}", "project_id": "{project}",
            "entity_type_id": "{entity-type:Prop}"}  # fmt: skip
    zou, local = compat.create("asset:bare", "/data/entities", body)
    assert zou["data"] is None and local["data"] is None
    compat.check("PUT", "/data/entities/{asset:bare}", {"description": "touched"})
    zou, local = compat.check("GET", "/data/entities/{asset:bare}")
    assert zou["data"] == local["data"] == {}
    compat.check("PUT", "/data/entities/{asset:bare}", {"data": {"rig": "v2"}})
    compat.check("PUT", "/data/entities/{asset:bare}", {"data": None})
    zou, local = compat.check("GET", "/data/entities/{asset:bare}")
    assert zou["data"] == local["data"] == {"rig": "v2"}
    compat.check("DELETE", "/data/entities/{asset:bare}")
