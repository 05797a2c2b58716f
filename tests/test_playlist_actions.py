"""Playlist actions (add-entity, notify-clients, share links), comment moves and the creation of
an entity's tasks over HTTP: who may (artist, client, vendor, and the outsider: a team member
acting on ``studio.other_project``), what they do, and bad input answered with Zou's 4xx bodies.
"""

from __future__ import annotations

import pytest

from .support.api import Api
from .support.studio import Studio, unique

UNKNOWN = "5f0c1a2b-3d4e-4f50-8a6b-7c8d9e0f1a2b"
DENIED = ("user", "client", "vendor")


def playlist(studio: Studio, project: dict | None = None) -> dict:
    project = project or studio.project
    return studio.admin.create("playlists", name=unique("PL"), project_id=project["id"])


def is_error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body.get("error") is True or "message" in body, body
    return body


# ---- add-entity ------------------------------------------------------------------------------
def test_add_entity_appends_the_couple_once(studio: Studio):
    admin, item = studio.admin, playlist(studio)
    # Entities of this test's own: without a preview given, add-entity takes the entity's
    # latest one, and other tests of the session give the studio's shot previews.
    shot = admin.create(
        "entities", name=unique("SH"), project_id=studio.project["id"],
        entity_type_id=studio.types["Shot"], parent_id=studio.sequence["id"],
    )  # fmt: skip
    asset = admin.create(
        "entities", name=unique("Prop"), project_id=studio.project["id"],
        entity_type_id=studio.types["Prop"],
    )  # fmt: skip
    path = f"/actions/playlists/{item['id']}/add-entity"
    first = admin.ok("POST", path, json={"entity_id": shot["id"]})
    assert first["id"] == item["id"] and first["shots"] == [{"entity_id": shot["id"]}]
    again = admin.ok("POST", path, json={"entity_id": shot["id"], "preview_file_id": ""})
    assert again["shots"] == first["shots"]
    # a preview that is not the entity's is dropped
    foreign = admin.ok("POST", path, json={"entity_id": asset["id"],
                                           "preview_file_id": UNKNOWN})  # fmt: skip
    assert foreign["shots"][-1] == {"entity_id": asset["id"]}
    assert admin.ok("GET", f"/data/playlists/{item['id']}")["shots"] == foreign["shots"]


@pytest.mark.parametrize("role", DENIED)
def test_add_entity_refused(studio: Studio, role: str):
    item = playlist(studio)
    response = studio.as_role(role).request(
        "POST", f"/actions/playlists/{item['id']}/add-entity", json={"entity_id": UNKNOWN}
    )
    is_error(response, 403)


def test_add_entity_outsider_and_supervisor(studio: Studio):
    elsewhere = playlist(studio, studio.other_project)
    path = f"/actions/playlists/{elsewhere['id']}/add-entity"
    is_error(studio.as_role("manager").request("POST", path, json={"entity_id": UNKNOWN}), 403)
    mine = playlist(studio)  # made by the admin: not the supervisor's
    answer = studio.as_role("supervisor").request(
        "POST", f"/actions/playlists/{mine['id']}/add-entity", json={"entity_id": UNKNOWN}
    )
    is_error(answer, 403)
    made = studio.as_role("supervisor").ok(
        "POST",
        "/data/playlists",
        201,
        json={"name": unique("Sup"), "project_id": studio.project["id"]},
    )
    studio.as_role("supervisor").ok(
        "POST", f"/actions/playlists/{made['id']}/add-entity", json={"entity_id": UNKNOWN}
    )


@pytest.mark.parametrize(
    "body", [None, {}, {"entity_id": "nope"}, {"entity_id": UNKNOWN, "preview_file_id": "x"}]
)
def test_add_entity_bad_input(studio: Studio, body):
    item = playlist(studio)
    kwargs = {"json": body} if body is not None else {}
    response = studio.admin.request("POST", f"/actions/playlists/{item['id']}/add-entity", **kwargs)
    assert is_error(response, 400)["message"] == "Validation error."


@pytest.mark.parametrize("playlist_id", [UNKNOWN, "not-an-id"])
def test_unknown_playlist(admin: Api, playlist_id: str):
    for method, path in (
        ("POST", f"/actions/playlists/{playlist_id}/add-entity"),
        ("POST", f"/data/playlists/{playlist_id}/notify-clients"),
        ("GET", f"/data/playlists/{playlist_id}/share"),
        ("POST", f"/data/playlists/{playlist_id}/share"),
        ("DELETE", f"/data/playlists/{playlist_id}/share/{UNKNOWN}"),
    ):
        is_error(admin.request(method, path, json={"entity_id": UNKNOWN}), 404)


# ---- notify-clients --------------------------------------------------------------------------
def test_notify_clients_notifies_the_projects_clients(studio: Studio):
    item = playlist(studio)
    answer = studio.admin.ok("POST", f"/data/playlists/{item['id']}/notify-clients", json={})
    assert answer == {"status": "success"}
    notes = studio.as_role("client").ok("GET", "/data/user/notifications")
    assert any(note.get("playlist_id") == item["id"] for note in notes), notes
    assert studio.as_role("manager").ok(
        "POST", f"/data/playlists/{item['id']}/notify-clients", json={"studio_id": UNKNOWN}
    ) == {"status": "success"}


@pytest.mark.parametrize("role", ("supervisor", *DENIED))
def test_notify_clients_refused(studio: Studio, role: str):
    item = playlist(studio)
    response = studio.as_role(role).request("POST", f"/data/playlists/{item['id']}/notify-clients")
    is_error(response, 403)


def test_notify_clients_outsider_and_bad_input(studio: Studio):
    elsewhere = playlist(studio, studio.other_project)
    path = f"/data/playlists/{elsewhere['id']}/notify-clients"
    is_error(studio.as_role("manager").request("POST", path, json={}), 403)
    item = playlist(studio)
    path = f"/data/playlists/{item['id']}/notify-clients"
    body = is_error(studio.admin.request("POST", path, json={"department_id": "x"}), 400)
    assert body["message"] == "Validation error."
    assert studio.admin.ok("POST", path, content=b"not json") == {"status": "success"}


# ---- share links -----------------------------------------------------------------------------
def test_share_links_created_listed_revoked(studio: Studio):
    admin, item = studio.admin, playlist(studio)
    path = f"/data/playlists/{item['id']}/share"
    link = admin.ok("POST", path, 201, json={"can_comment": False, "password": "secret"})
    assert link["playlist_id"] == item["id"] and link["token"] and link["is_active"] is True
    assert link["has_password"] is True and "password" not in link and link["can_comment"] is False
    dated = admin.ok("POST", path, 201, json={"expiration_date": "2030-01-02", "password": ""})
    assert dated["expiration_date"].startswith("2030-01-02T23:59:59")
    assert dated["has_password"] is False
    assert [x["token"] for x in admin.ok("GET", path)] == [link["token"], dated["token"]]
    revoked = admin.ok("DELETE", f"{path}/{link['token']}")
    assert revoked["is_active"] is False and revoked["token"] == link["token"]
    assert [x["token"] for x in admin.ok("GET", path)] == [dated["token"]]
    other = playlist(studio)
    is_error(admin.request("DELETE", f"/data/playlists/{other['id']}/share/{dated['token']}"), 404)
    is_error(admin.request("DELETE", f"{path}/{UNKNOWN}"), 404)


@pytest.mark.parametrize("role", ("supervisor", *DENIED))
def test_share_links_refused(studio: Studio, role: str):
    item = playlist(studio)
    client = studio.as_role(role)
    for method in ("GET", "POST"):
        is_error(client.request(method, f"/data/playlists/{item['id']}/share", json={}), 403)
    is_error(client.request("DELETE", f"/data/playlists/{item['id']}/share/x"), 403)


def test_share_links_outsider_and_bad_input(studio: Studio):
    elsewhere = playlist(studio, studio.other_project)
    path = f"/data/playlists/{elsewhere['id']}/share"
    is_error(studio.as_role("manager").request("GET", path), 403)
    is_error(studio.as_role("manager").request("POST", path, json={}), 403)
    item = playlist(studio)
    path = f"/data/playlists/{item['id']}/share"
    body = is_error(studio.admin.request("POST", path, json={"expiration_date": "soon"}), 400)
    assert body["message"] == "soon is not a valid ISO 8601 date"
    body = is_error(studio.admin.request("POST", path, json={"can_comment": "maybe"}), 400)
    assert body["message"] == "Validation error."


# ---- moving a comment ------------------------------------------------------------------------
def _task(studio: Studio, name: str, entity: dict | None = None, kind: str = "Animation/Shot"):
    return studio.admin.create(
        "tasks", project_id=studio.project["id"], entity_id=(entity or studio.shot)["id"],
        name=name, task_type_id=studio.task_types[kind]["id"],
        task_status_id=studio.statuses["todo"]["id"],
    )  # fmt: skip


def _comment(studio: Studio, task: dict) -> dict:
    return studio.admin.ok(
        "POST", f"/actions/tasks/{task['id']}/comment", 201,
        json={"task_status_id": studio.statuses["wip"]["id"], "comment": "to move"},
    )  # fmt: skip


def test_move_comment(studio: Studio):
    source, target = _task(studio, unique("from")), _task(studio, unique("to"))
    comment = _comment(studio, source)
    path = f"/actions/tasks/{source['id']}/comments/{comment['id']}/move"
    moved = studio.as_role("manager").ok("POST", path, json={"target_task_id": target["id"]})
    assert moved["id"] == comment["id"] and moved["object_id"] == target["id"]
    assert moved["created_at"] == comment["created_at"] and moved["text"] == "to move"
    admin = studio.admin
    assert [c["id"] for c in admin.ok("GET", f"/data/tasks/{target['id']}/comments")] == [
        comment["id"]
    ]
    assert admin.ok("GET", f"/data/tasks/{source['id']}/comments") == []
    assert (
        admin.ok("GET", f"/data/tasks/{source['id']}")["task_status_id"]
        == (studio.statuses["todo"]["id"])
    )
    assert (
        admin.ok("GET", f"/data/tasks/{target['id']}")["task_status_id"]
        == (studio.statuses["wip"]["id"])
    )
    # now on the target task, no longer on the source
    body = is_error(admin.request("POST", path, json={"target_task_id": target["id"]}), 400)
    assert body["message"] == "Comment does not belong to the given task."


@pytest.mark.parametrize("role", ("supervisor", *DENIED))
def test_move_comment_refused(studio: Studio, role: str):
    source, target = _task(studio, unique("from")), _task(studio, unique("to"))
    comment = _comment(studio, source)
    path = f"/actions/tasks/{source['id']}/comments/{comment['id']}/move"
    is_error(studio.as_role(role).request("POST", path, json={"target_task_id": target["id"]}), 403)


def test_move_comment_outsider_and_bad_input(studio: Studio):
    outside = studio.task_elsewhere()
    comment = _comment(studio, outside)
    path = f"/actions/tasks/{outside['id']}/comments/{comment['id']}/move"
    is_error(studio.as_role("manager").request("POST", path, json={"target_task_id": UNKNOWN}), 403)
    source, target = _task(studio, unique("from")), _task(studio, unique("to"))
    comment = _comment(studio, source)
    path = f"/actions/tasks/{source['id']}/comments/{comment['id']}/move"
    admin = studio.admin
    assert is_error(admin.request("POST", path, json={}), 400)["message"] == "Validation error."
    is_error(admin.request("POST", path, json={"target_task_id": UNKNOWN}), 404)
    same = is_error(admin.request("POST", path, json={"target_task_id": source["id"]}), 400)
    assert same["message"] == "Source and target tasks must be different."
    elsewhere = _task(studio, unique("asset"), studio.asset, "Modeling/Asset")
    other = is_error(admin.request("POST", path, json={"target_task_id": elsewhere["id"]}), 400)
    assert other["message"] == "A comment can only be moved between tasks of the same entity."
    missing = f"/actions/tasks/{source['id']}/comments/{UNKNOWN}/move"
    is_error(admin.request("POST", missing, json={"target_task_id": target["id"]}), 404)


# ---- an entity's tasks -----------------------------------------------------------------------
def _shot(studio: Studio, project: dict | None = None) -> dict:
    project = project or studio.project
    return studio.admin.create(
        "entities", name=unique("SH"), project_id=project["id"], entity_type_id=studio.types["Shot"]
    )


def _enabled_type(studio: Studio, for_entity: str = "Shot") -> dict:
    task_type = studio.admin.create("task-types", name=unique("Type"), for_entity=for_entity)
    studio.admin.ok(
        "POST", f"/data/projects/{studio.project['id']}/settings/task-types", 201,
        json={"task_type_id": task_type["id"]},
    )  # fmt: skip
    return task_type


def test_entity_tasks_created_by_an_artist(studio: Studio):
    shot, task_type = _shot(studio), _enabled_type(studio)
    path = f"/data/entities/{shot['id']}/tasks"
    (task,) = studio.as_role("user").ok(
        "POST", path, 201, json={"task_type_ids": [task_type["id"]]}
    )
    assert task["entity_id"] == shot["id"] and task["task_type_id"] == task_type["id"]
    assert task["name"] == "main" and task["assignees"] == []
    assert task["task_type_name"] == task_type["name"] and task["task_status_name"]
    assert studio.admin.ok("POST", path, 201, json={"task_type_ids": [task_type["id"]]}) == []


@pytest.mark.parametrize("role", ("client", "vendor"))
def test_entity_tasks_refused(studio: Studio, role: str):
    shot = _shot(studio)
    response = studio.as_role(role).request(
        "POST", f"/data/entities/{shot['id']}/tasks", json={"task_type_ids": []}
    )
    is_error(response, 403)


def test_entity_tasks_outsider_and_bad_input(studio: Studio):
    elsewhere = _shot(studio, studio.other_project)
    response = studio.as_role("manager").request(
        "POST", f"/data/entities/{elsewhere['id']}/tasks", json={"task_type_ids": []}
    )
    is_error(response, 403)
    admin, shot = studio.admin, _shot(studio)
    path = f"/data/entities/{shot['id']}/tasks"
    body = is_error(admin.request("POST", path, json={"task_type_ids": "nope"}), 400)
    assert body["message"] == "Validation error."
    is_error(admin.request("POST", path, json={"task_type_ids": [UNKNOWN]}), 404)
    is_error(admin.request("POST", path, json={"task_type_ids": ["x"]}), 404)
    asset_type = _enabled_type(studio, "Asset")
    wrong = is_error(admin.request("POST", path, json={"task_type_ids": [asset_type["id"]]}), 400)
    assert wrong["message"].endswith("is for Asset entities, got Shot.")
    off = admin.create("task-types", name=unique("Off"), for_entity="Shot")
    body = is_error(admin.request("POST", path, json={"task_type_ids": [off["id"]]}), 400)
    assert "is not enabled in project" in body["message"]
    is_error(admin.request("POST", f"/data/entities/{UNKNOWN}/tasks", json={}), 404)
    is_error(admin.request("POST", "/data/entities/x/tasks", json={}), 404)
