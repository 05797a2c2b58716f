"""Playlist actions (add-entity, notify-clients, share links), comment moves and the creation of
an entity's tasks against Zou: the same requests per role and with bad input, compared."""

from __future__ import annotations

import pytest

ROLES = ("manager", "supervisor", "user", "client", "vendor", "outsider")
UNKNOWN = "5f0c1a2b-3d4e-4f50-8a6b-7c8d9e0f1a2b"
LINK = ("$.token", "$.id", "$.created_at", "$.updated_at")


@pytest.fixture(scope="module")
def own(compat):
    compat.create(
        "playlist:PL1", "/data/playlists",
        {"name": f"PL1 {compat.tag}", "project_id": "{project}", "for_entity": "shot"},
    )  # fmt: skip
    compat.create(
        "playlist:PL2", "/data/playlists",
        {"name": f"PL2 {compat.tag}", "project_id": "{other_project}", "for_entity": "shot"},
    )  # fmt: skip
    for name in ("MoveA", "MoveB", "MoveC"):
        compat.create(
            f"task:{name}", "/data/tasks",
            {
                "project_id": "{project}", "entity_id": "{shot:SH020}", "name": name,
                "task_type_id": "{task-type:Animation/Shot}", "task_status_id": "{status:todo}",
            },
        )  # fmt: skip
    compat.create(
        "shot:TASKS", "/data/entities",
        {"name": "TASKS", "project_id": "{project}", "entity_type_id": "{entity-type:Shot}",
         "parent_id": "{sequence:SQ02}"},
    )  # fmt: skip
    compat.both(
        "POST",
        "/data/projects/{project}/settings/task-types",
        {"task_type_id": "{task-type:Layout/Shot}"},
    )
    return compat


def test_add_entity(own):
    path = "/actions/playlists/{playlist:PL1}/add-entity"
    own.check("POST", path, {"entity_id": "{shot:SH010}"})
    own.check("POST", path, {"entity_id": "{shot:SH010}", "preview_file_id": ""})
    own.check("POST", path, {"entity_id": "{shot:SH020}", "preview_file_id": UNKNOWN})


@pytest.mark.parametrize("role", ROLES)
def test_add_entity_per_role(own, role):
    own.check(
        "POST", "/actions/playlists/{playlist:PL1}/add-entity", {"entity_id": "{shot:SH030}"},
        role=role,
    )  # fmt: skip


@pytest.mark.parametrize(
    "body", [{}, {"entity_id": "nope"}, {"entity_id": "{shot:SH010}", "preview_file_id": "x"}]
)
def test_add_entity_bad_input(own, body):
    own.check("POST", "/actions/playlists/{playlist:PL1}/add-entity", body)


@pytest.mark.parametrize("playlist", [UNKNOWN, "not-an-id"])
def test_unknown_playlist(own, playlist):
    own.check("POST", f"/actions/playlists/{playlist}/add-entity", {"entity_id": "{shot:SH010}"})
    own.check("POST", f"/data/playlists/{playlist}/notify-clients", {})
    own.check("GET", f"/data/playlists/{playlist}/share")


@pytest.mark.parametrize("role", ("admin", *ROLES))
def test_notify_clients(own, role):
    own.check("POST", "/data/playlists/{playlist:PL1}/notify-clients", {}, role=role)


@pytest.mark.parametrize(
    "body", [{"studio_id": "x"}, {"department_id": ""}, {"studio_id": UNKNOWN}]
)
def test_notify_clients_body(own, body):
    own.check("POST", "/data/playlists/{playlist:PL1}/notify-clients", body)


def test_share_links(own):
    path = "/data/playlists/{playlist:PL1}/share"
    zou, local = own.check("POST", path, {"can_comment": False, "password": "secret"},
                           allowed=LINK)  # fmt: skip
    assert zou["has_password"] is local["has_password"] is True
    own.check("POST", path, {"expiration_date": "2030-01-02"}, allowed=LINK)
    own.check("POST", path, {"expiration_date": "2030-01-02T10:00:00"}, allowed=LINK)
    own.check("POST", path, {"expiration_date": "soon"})
    own.check("POST", path, {"can_comment": "maybe"})
    own.check("GET", path, allowed=tuple(key.replace("$", "$[]") for key in LINK))
    tokens = [
        own.client(side, "admin").ok("GET", own.fill(path, side))[0]["token"] for side in (0, 1)
    ]
    zou, local = (
        own.client(side, "admin").request("DELETE", own.fill(path, side) + f"/{tokens[side]}")
        for side in (0, 1)
    )
    assert zou.status_code == local.status_code == 200
    assert zou.json()["is_active"] is local.json()["is_active"] is False
    own.check("DELETE", path + f"/{UNKNOWN}")
    other = [
        own.client(side, "admin").ok("GET", own.fill(path, side))[0]["token"] for side in (0, 1)
    ]
    zou, local = (
        own.client(side, "admin").request(
            "DELETE", own.fill("/data/playlists/{playlist:PL2}/share", side) + f"/{other[side]}"
        )
        for side in (0, 1)
    )
    assert zou.status_code == local.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_share_links_per_role(own, role):
    path = "/data/playlists/{playlist:PL1}/share"
    own.check("GET", path, role=role, allowed=tuple(k.replace("$", "$[]") for k in LINK))
    own.check("POST", path, {}, role=role, allowed=LINK)
    own.check("DELETE", path + f"/{UNKNOWN}", role=role)


def _comment(own, task: str) -> tuple[str, str]:
    pair = []
    for side in (0, 1):
        answer = own.client(side, "admin").request(
            "POST", own.fill(f"/actions/tasks/{{{task}}}/comment", side),
            json=own.fill({"task_status_id": "{status:wip}", "comment": "to move"}, side),
        )  # fmt: skip
        assert answer.status_code == 201, answer.text
        pair.append(answer.json()["id"])
    return pair[0], pair[1]


def test_move_comment(own):
    zou_id, local_id = _comment(own, "task:MoveA")
    own.add("comment:move", zou_id, local_id)
    base = "/actions/tasks/{task:MoveA}/comments/{comment:move}/move"
    for role in ROLES:
        own.check("POST", base, {"target_task_id": "{task:MoveB}"}, role=role)
    own.check("POST", base, {})
    own.check("POST", base, {"target_task_id": "{task:MoveA}"})
    own.check("POST", base, {"target_task_id": "{task:SH010-Animation}"})
    own.check("POST", base, {"target_task_id": UNKNOWN})
    own.check("POST", "/actions/tasks/{task:MoveB}/comments/{comment:move}/move",
              {"target_task_id": "{task:MoveC}"})  # fmt: skip
    own.check("POST", base, {"target_task_id": "{task:MoveB}"})
    moved = "/actions/tasks/{task:MoveC}/comments/{comment:move}/move"
    own.check("POST", moved, {"target_task_id": "{task:MoveB}"})
    own.check("GET", "/data/tasks/{task:MoveB}/comments")
    own.check("GET", "/data/tasks/{task:MoveC}/comments")


def test_entity_tasks(own):
    path = "/data/entities/{shot:TASKS}/tasks"
    for role in ROLES:
        own.check("POST", path, {"task_type_ids": ["{task-type:Layout/Shot}"]}, role=role)
    own.check("POST", path, {"task_type_ids": ["{task-type:Layout/Shot}"]})
    own.check("POST", path, {"task_type_ids": ["{task-type:Modeling/Asset}"]})
    own.check("POST", path, {"task_type_ids": ["{task-type:Animation/Shot}"]})
    own.check("POST", path, {"task_type_ids": [UNKNOWN]})
    own.check("POST", path, {"task_type_ids": "nope"})
    own.check("POST", f"/data/entities/{UNKNOWN}/tasks", {"task_type_ids": []})
    own.check("POST", path, {"task_type_ids": []})
