"""Person actions (assign, password, 2FA reset, invitation, departments), a person's task lists
and department equipment: as Zou answers them, per role, and through gazu."""

from __future__ import annotations

import json
import uuid
from typing import Any

import gazu
import pyotp
import pytest

from .support.api import Api
from .support.server import ADMIN_EMAIL, ADMIN_PASSWORD
from .support.studio import PASSWORD, Studio, unique

MISSING = "5f0c1a2b-3d4e-4f50-8a6b-7c8d9e0f1a2b"
TEAM_ROLES = ("manager", "supervisor", "user", "client", "vendor")
NOT_ADMINS = TEAM_ROLES
TODO_KEYS = {
    "project_name", "project_has_avatar", "entity_id", "entity_name", "entity_description",
    "entity_data", "entity_preview_file_id", "entity_source_id", "entity_type_name",
    "entity_canceled", "sequence_name", "episode_id", "episode_name", "task_type_for_entity",
    "task_estimation", "task_duration", "task_start_date", "task_due_date", "task_type_name",
    "task_status_name", "task_type_color", "task_status_color", "task_status_short_name",
    "assignees", "last_comment",
}  # fmt: skip


def _person(admin: Api, role: str = "user", **values: Any) -> tuple[dict[str, Any], Api]:
    tag = uuid.uuid4().hex[:8]
    person = admin.create(
        "persons", first_name="Act", last_name=tag, email=f"act-{tag}@example.com",
        password=PASSWORD, role=role, **values,
    )  # fmt: skip
    client = admin.as_token(None)
    client.login(person["email"], PASSWORD)
    return person, client


def _task(studio: Studio, entity: dict, task_type: str, status: str = "todo", **values: Any):
    return studio.admin.create(
        "tasks", project_id=entity["project_id"], entity_id=entity["id"],
        task_type_id=studio.task_types[task_type]["id"],
        task_status_id=studio.statuses[status]["id"], **values,
    )  # fmt: skip


def _events(admin: Api, name: str, **data: str) -> list[dict]:
    return [
        event for event in admin.ok("GET", f"/data/events?name={name}")
        if all(event["data"].get(key) == value for key, value in data.items())
    ]  # fmt: skip


@pytest.fixture(scope="module")
def work(studio: Studio) -> dict[str, Any]:
    """An artist of the studio's team with a to-do task (commented), a done task, and a task
    in the other project (which the team does not see). The artist is this module's own: being
    assigned in the other project makes them a member of its team."""
    admin = studio.admin
    artist, artist_client = _person(admin)
    admin.ok("POST", f"/data/projects/{studio.project['id']}/team", 201,
             json={"person_id": artist["id"]})  # fmt: skip
    props = admin.create(
        "entities", name=unique("Cup"), project_id=studio.project["id"],
        entity_type_id=studio.types["Prop"],
    )  # fmt: skip
    todo = _task(studio, props, "Modeling/Asset", assignees=[artist["id"]])
    done = _task(studio, props, "Shading/Asset", "done", assignees=[artist["id"]])
    hidden = studio.task_elsewhere(assignees=[artist["id"]])
    comment = {"task_status_id": studio.statuses["todo"]["id"], "comment": "first"}
    artist_client.ok("POST", f"/actions/tasks/{todo['id']}/comment", 201, json=comment)
    comment["comment"] = "second"
    studio.as_role("supervisor").ok(
        "POST", f"/actions/tasks/{todo['id']}/comment", 201, json=comment
    )
    return {
        "props": props, "todo": todo, "done": done, "hidden": hidden, "artist": artist,
        "client": artist_client,
    }  # fmt: skip


# ==== a person's task lists ==================================================================
def test_todo_list_has_zous_keys(studio, work):
    artist = work["artist"]
    items = studio.admin.ok("GET", f"/data/persons/{artist['id']}/tasks")
    by_id = {item["id"]: item for item in items}
    assert work["done"]["id"] not in by_id
    item = by_id[work["todo"]["id"]]
    assert item.keys() >= TODO_KEYS
    assert item["type"] == "Task"
    assert (item["entity_name"], item["entity_type_name"]) == (work["props"]["name"], "Prop")
    assert (item["task_type_name"], item["task_status_short_name"]) == ("Modeling", "todo")
    assert item["project_name"] == studio.project["name"]
    assert item["assignees"] == [artist["id"]]
    assert item["entity_preview_file_id"] == "" and item["entity_source_id"] == ""
    assert item["last_comment"]["text"] == "second"
    assert item["last_comment"]["person_id"] == studio.people["supervisor"]["id"]
    # An admin reads every open project: the other project's task is listed.
    assert work["hidden"]["id"] in by_id


def test_done_list(studio, work):
    artist = work["artist"]
    items = studio.admin.ok("GET", f"/data/persons/{artist['id']}/done-tasks")
    assert [item["id"] for item in items] == [work["done"]["id"]]
    assert items[0]["task_status_short_name"] == "done"
    assert items[0]["last_comment"] == {}


@pytest.mark.parametrize("role", ("manager", "supervisor", "user"))
def test_team_members_read_the_lists_in_their_projects(studio, work, role):
    """The lists are limited to the caller's open projects (Zou's related_projects): the
    artist joined the other project's team when assigned there, the others did not."""
    path = f"/data/persons/{work['artist']['id']}/tasks"
    client = work["client"] if role == "user" else studio.as_role(role)
    ids = {item["id"] for item in client.ok("GET", path)}
    assert work["todo"]["id"] in ids
    assert (work["hidden"]["id"] in ids) is (role == "user")


def test_clients_and_vendors_read_no_list(studio, work):
    artist, vendor = work["artist"], studio.people["vendor"]
    for path in ("tasks", "done-tasks"):
        assert studio.as_role("client").ok("GET", f"/data/persons/{artist['id']}/{path}") == []
        # A vendor reads only their own list, which Zou answers empty.
        assert studio.as_role("vendor").ok("GET", f"/data/persons/{vendor['id']}/{path}") == []
        response = studio.as_role("vendor").get(f"/data/persons/{artist['id']}/{path}")
        assert response.status_code == 403


def test_lists_of_nobody_and_of_bots(studio):
    admin = studio.admin
    bot = admin.create("persons", first_name="Bot", last_name=unique("B"), is_bot=True)
    for path in (
        "tasks",
        "done-tasks",
        f"related-tasks/{studio.task_types['Modeling/Asset']['id']}",
    ):
        assert admin.get(f"/data/persons/{MISSING}/{path}").status_code == 404
        assert admin.get(f"/data/persons/nope/{path}").status_code == 404
        assert admin.get(f"/data/persons/{bot['id']}/{path}").status_code == 403


def test_related_tasks(studio, work):
    """The tasks of a type on the entities where the person has a task (any assignee)."""
    artist = work["artist"]
    shading = studio.task_types["Shading/Asset"]["id"]
    path = f"/data/persons/{artist['id']}/related-tasks/{shading}"
    for role in ("admin", "client", "user", "outsider"):
        client = (
            studio.admin
            if role == "admin"
            else work["client"]
            if role == "user"
            else studio.as_role("manager" if role == "outsider" else role)
        )
        items = client.ok("GET", path)
        assert [item["id"] for item in items] == [work["done"]["id"]]
        assert "assignees" not in items[0] and items[0]["type"] == "Task"
    assert studio.as_role("vendor").get(path).status_code == 403
    assert studio.admin.get(f"/data/persons/{artist['id']}/related-tasks/nope").status_code == 400


# ==== assign =================================================================================
def test_admin_assigns_tasks(studio):
    admin = studio.admin
    person, _ = _person(admin)
    props = admin.create(
        "entities", name=unique("Lamp"), project_id=studio.project["id"],
        entity_type_id=studio.types["Prop"],
    )  # fmt: skip
    first = _task(studio, props, "Modeling/Asset")
    second = _task(studio, props, "Shading/Asset")
    body = {"task_ids": [first["id"], second["id"], MISSING, "nope"]}
    items = admin.ok("PUT", f"/actions/persons/{person['id']}/assign", json=body)
    assert [item["id"] for item in items] == [first["id"], second["id"]]
    for item in items:
        assert item["assignees"] == [person["id"]]
        assert item["type"] == "Task"
    me = admin.ok("GET", "/auth/authenticated")["user"]["id"]
    assert admin.ok("GET", f"/data/tasks/{first['id']}")["assigner_id"] == me
    assert _events(admin, "task:assign", task_id=first["id"], person_id=person["id"])
    assert _events(admin, "task:update", task_id=second["id"])
    notifications = admin.ok("GET", f"/data/notifications?person_id={person['id']}")
    assigned = {
        item["task_id"] for item in notifications if item["notification_type"] == "assignation"
    }
    assert assigned == {
        first["id"], second["id"]
    }  # fmt: skip
    team = admin.ok("GET", f"/data/projects/{studio.project['id']}")["team"]
    assert person["id"] in team
    # Assigning again keeps one link per person.
    again = admin.ok(
        "PUT", f"/actions/persons/{person['id']}/assign", json={"task_ids": [first["id"]]}
    )
    assert again[0]["assignees"] == [person["id"]]


def test_assign_refusals(studio):
    admin = studio.admin
    task = studio.shot_task["id"]
    response = admin.put(f"/actions/persons/{MISSING}/assign", json={"task_ids": [task]})
    assert (response.status_code, response.json()) == (
        400, {"error": "Assignee doesn't exist in database."}
    )  # fmt: skip
    assert admin.ok("PUT", f"/actions/persons/{MISSING}/assign", json={"task_ids": [MISSING]}) == []
    for body in ({}, {"task_ids": []}, {"task_ids": "x"}):
        response = admin.put(f"/actions/persons/{studio.people['user']['id']}/assign", json=body)
        assert response.status_code == 400
        assert response.json()["message"] == "Validation error."
    bot = admin.create("persons", first_name="Bot", last_name=unique("B"), is_bot=True)
    assert admin.ok("PUT", f"/actions/persons/{bot['id']}/assign", json={"task_ids": [task]}) == []


@pytest.mark.parametrize(
    ("role", "assigned"),
    (("manager", True), ("supervisor", True), ("user", False), ("client", False),
     ("vendor", False), ("outsider", False)),
)  # fmt: skip
def test_assign_per_role(studio, role, assigned):
    """Managers and supervisors (without departments) of the team assign; artists only
    themselves, in their department; nobody outside the team (the other project)."""
    props_project = studio.other_project if role == "outsider" else studio.project
    caller = studio.as_role("manager" if role == "outsider" else role)
    entity = studio.admin.create(
        "entities", name=unique("Box"), project_id=props_project["id"],
        entity_type_id=studio.types["Prop"],
    )  # fmt: skip
    task = _task(studio, entity, "Modeling/Asset")
    target = studio.people["user"]["id"]
    items = caller.ok("PUT", f"/actions/persons/{target}/assign", json={"task_ids": [task["id"]]})
    assert [item["id"] for item in items] == ([task["id"]] if assigned else [])


def test_an_artist_assigns_themself_in_their_department(studio):
    admin = studio.admin
    person, client = _person(admin)
    admin.ok("POST", f"/data/projects/{studio.project['id']}/team", 201,
             json={"person_id": person["id"]})  # fmt: skip
    modeling = studio.task_types["Modeling/Asset"]
    task = _task(studio, studio.asset, "Modeling/Asset", name=unique("extra"))
    path = f"/actions/persons/{person['id']}/assign"
    assert client.ok("PUT", path, json={"task_ids": [task["id"]]}) == []
    admin.ok("POST", f"/actions/persons/{person['id']}/departments/add", 201,
             json={"department_id": modeling["department_id"]})  # fmt: skip
    client.login(person["email"], PASSWORD)
    assert [item["id"] for item in client.ok("PUT", path, json={"task_ids": [task["id"]]})] == [
        task["id"]
    ]
    other = studio.people["user"]["id"]
    assert (
        client.ok("PUT", f"/actions/persons/{other}/assign", json={"task_ids": [task["id"]]}) == []
    )


# ==== departments ============================================================================
def test_departments_add_and_remove(studio):
    admin = studio.admin
    person, _ = _person(admin)
    department = admin.ok("GET", "/data/departments")[0]
    add = f"/actions/persons/{person['id']}/departments/add"
    body = admin.ok("POST", add, 201, json={"department_id": department["id"]})
    assert body["id"] == person["id"] and body["departments"] == [department["id"]]
    assert "password" not in body
    assert admin.ok("POST", add, 201, json={"department_id": department["id"]})["departments"] == [
        department["id"]
    ]
    assert _events(admin, "person:update", person_id=person["id"])
    response = admin.post(add, json={"department_id": MISSING})
    assert (response.status_code, response.json()["message"]) == (
        400, "Department ID matches no department"
    )  # fmt: skip
    assert admin.post(add, json={"department_id": "nope"}).json()["message"] == "Validation error."
    missing = admin.post(f"/actions/persons/{MISSING}/departments/add",
                         json={"department_id": department["id"]})  # fmt: skip
    assert missing.status_code == 404
    for role in NOT_ADMINS:
        client = studio.as_role(role)
        assert client.post(add, json={"department_id": department["id"]}).status_code == 403
        remove = f"/actions/persons/{person['id']}/departments/{department['id']}"
        assert client.delete(remove).status_code == 403
    remove = f"/actions/persons/{person['id']}/departments/{department['id']}"
    assert admin.delete(remove).status_code == 204
    assert admin.ok("GET", f"/data/persons/{person['id']}")["departments"] == []
    assert admin.delete(f"/actions/persons/{person['id']}/departments/nope").status_code == 400
    assert (
        admin.delete(f"/actions/persons/{MISSING}/departments/{department['id']}").status_code
        == 404
    )


# ==== password, 2FA, invitation ==============================================================
def test_admin_changes_a_password(studio, server):
    admin = studio.admin
    person, client = _person(admin)
    path = f"/actions/persons/{person['id']}/change-password"
    assert admin.ok(
        "POST", path, json={"password": "new-password-1", "password_2": "new-password-1"}
    ) == {"success": True}
    fresh = Api(server.api)
    fresh.login(person["email"], "new-password-1")
    # As Zou: the person's open sessions are kept.
    assert client.get("/auth/authenticated").status_code == 200
    too_short = admin.post(path, json={"password": "short", "password_2": "short"})
    assert (too_short.status_code, too_short.json()) == (
        400, {"error": True, "message": "Password is too short."}
    )  # fmt: skip
    mismatch = admin.post(path, json={"password": "long-enough-1", "password_2": "long-enough-2"})
    assert mismatch.status_code == 400
    assert mismatch.json()["data"]["errors"] == [
        {"field": "", "message": "Value error, Confirmation password doesn't match."}
    ]
    assert admin.post(path, json={}).json()["message"] == "Validation error."
    for role in NOT_ADMINS:
        body = {"password": "x" * 12, "password_2": "x" * 12}
        assert studio.as_role(role).post(path, json=body).status_code == 403
    other_admin, _ = _person(admin, role="admin")
    refused = admin.post(f"/actions/persons/{other_admin['id']}/change-password",
                         json={"password": "x" * 12, "password_2": "x" * 12})  # fmt: skip
    assert refused.json() == {
        "error": True,
        "message": "An admin can't change another admin's password.",
    }
    bot = admin.create("persons", first_name="Bot", last_name=unique("B"), is_bot=True)
    body = {"password": "x" * 12, "password_2": "x" * 12}
    assert admin.post(f"/actions/persons/{bot['id']}/change-password", json=body).status_code == 403
    assert admin.post(f"/actions/persons/{MISSING}/change-password", json=body).status_code == 404


def test_admin_disables_two_factor_authentication(studio):
    admin = studio.admin
    person, client = _person(admin)
    path = f"/actions/persons/{person['id']}/disable-two-factor-authentication"
    not_enabled = admin.delete(path)
    assert (not_enabled.status_code, not_enabled.json()) == (
        400, {"error": True, "message": "Two factor authentication not enabled for this user."}
    )  # fmt: skip
    secret = client.ok("PUT", "/auth/totp")["otp_secret"]
    client.ok("POST", "/auth/totp", json={"totp": pyotp.TOTP(secret).now()})
    for role in NOT_ADMINS:
        assert studio.as_role(role).delete(path).status_code == 403
    assert admin.ok("DELETE", path) == {"success": True}
    stored = admin.ok("GET", f"/data/persons/{person['id']}")
    assert (stored["totp_enabled"], stored["preferred_two_factor_authentication"]) == (False, None)
    fresh = admin.as_token(None)
    fresh.login(person["email"], PASSWORD)  # no second factor asked any more
    other_admin, _ = _person(admin, role="admin")
    refused = admin.delete(
        f"/actions/persons/{other_admin['id']}/disable-two-factor-authentication"
    )
    assert refused.json() == {
        "error": True,
        "message": "An admin can't disable 2FA for other admins.",
    }


def test_invite(studio):
    admin = studio.admin
    person, _ = _person(admin)
    path = f"/actions/persons/{person['id']}/invite"
    assert admin.ok("GET", path) == {"success": True, "message": "Email sent"}
    for role in NOT_ADMINS:
        assert studio.as_role(role).get(path).status_code == 403
    bot = admin.create("persons", first_name="Bot", last_name=unique("B"), is_bot=True)
    assert admin.get(f"/actions/persons/{bot['id']}/invite").status_code == 403
    assert admin.get(f"/actions/persons/{MISSING}/invite").status_code == 404


# ==== department equipment ===================================================================
@pytest.mark.parametrize(
    ("route", "items", "key", "kind"),
    (("hardware-items", "hardware-items", "hardware_item_id", "HardwareItem"),
     ("software-licenses", "softwares", "software_id", "Software")),
)  # fmt: skip
def test_department_equipment(studio, route, items, key, kind):
    admin = studio.admin
    department = admin.create("departments", name=unique("Dep"), color="#999999")
    extra = {"file_extension": ".x"} if kind == "Software" else {}
    item = admin.create(items, name=unique(kind), short_name=uuid.uuid4().hex[:6], **extra)
    base = f"/data/departments/{department['id']}/{route}"
    link = admin.ok("POST", base, 201, json={key: item["id"]})
    assert (link["department_id"], link[key], link["type"]) == (
        department["id"], item["id"], f"{kind}DepartmentLink"
    )  # fmt: skip
    assert admin.ok("POST", base, 201, json={key: item["id"]})["id"] == link["id"]
    listed = admin.ok("GET", f"/data/departments/{route}")
    assert [entry["id"] for entry in listed[department["id"]]] == [item["id"]]
    assert listed[department["id"]][0]["type"] == kind
    assert admin.ok("GET", f"{base}/{item['id']}")["id"] == item["id"]
    assert admin.get(f"{base}/{MISSING}").status_code == 404
    assert admin.get(f"{base}/nope").json()["message"] == "Wrong UUID format."
    assert admin.post(base, json={key: MISSING}).status_code == 404
    assert admin.post(base, json={}).json()["message"] == "Validation error."
    assert (
        admin.post(f"/data/departments/{MISSING}/{route}", json={key: item["id"]}).status_code
        == 404
    )
    assert admin.post(f"/data/departments/nope/{route}", json={key: item["id"]}).status_code == 400
    for role in NOT_ADMINS:
        client = studio.as_role(role)
        assert client.get(f"/data/departments/{route}").status_code == 403
        assert client.post(base, json={key: item["id"]}).status_code == 403
        assert client.get(f"{base}/{item['id']}").status_code == 403
        assert client.delete(f"{base}/{item['id']}").status_code == 403
    assert admin.delete(f"{base}/{item['id']}").status_code == 204
    assert admin.delete(f"{base}/{item['id']}").status_code == 204
    assert admin.get(f"{base}/{item['id']}").status_code == 404
    assert department["id"] not in admin.ok("GET", f"/data/departments/{route}")
    assert admin.delete(f"{base}/{MISSING}").status_code == 404


def test_hardware_item_of_a_department_is_read_like_a_license(studio):
    """Zou 1.0.97 answers 500 on GET .../hardware-items/{id} (its handler drops the item id):
    kitsu-local answers the item when the department has it, 404 otherwise."""
    admin = studio.admin
    department = admin.create("departments", name=unique("Dep"), color="#999999")
    item = admin.create("hardware-items", name=unique("HW"), short_name=uuid.uuid4().hex[:6])
    path = f"/data/departments/{department['id']}/hardware-items/{item['id']}"
    assert admin.get(path).status_code == 404
    admin.ok("POST", f"/data/departments/{department['id']}/hardware-items", 201,
             json={"hardware_item_id": item["id"]})  # fmt: skip
    assert admin.ok("GET", path)["name"] == item["name"]


# ==== bulk ===================================================================================
def _count(api: Api, method: str, path: str, **kwargs: Any) -> int:
    response = api.request(method, path, **kwargs)
    assert response.status_code < 300, response.text
    return int(response.headers["X-Query-Count"])


def test_lists_and_assign_run_a_constant_number_of_statements(start_server):
    server = start_server(count_queries="true")
    api = Api(server.api)
    api.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    types = {item["name"]: item["id"] for item in api.ok("GET", "/data/entity-types")}
    modeling = api.ok("GET", "/data/task-types?name=Modeling")[0]["id"]
    todo = {item["short_name"]: item["id"] for item in api.ok("GET", "/data/task-status")}["todo"]
    counts = []
    for size in (2, 25):
        project = api.create("projects", name=unique("Bulk"))
        person = api.create("persons", first_name="Bulk", last_name=unique("P"),
                            email=f"bulk-{uuid.uuid4().hex[:6]}@example.com")  # fmt: skip
        task_ids = []
        for index in range(size):
            asset = api.create("entities", name=f"A{index}", project_id=project["id"],
                               entity_type_id=types["Character"])  # fmt: skip
            task_ids.append(api.create("tasks", project_id=project["id"], entity_id=asset["id"],
                                       task_type_id=modeling, task_status_id=todo)["id"])  # fmt: skip
        api.ok("POST", f"/actions/tasks/{task_ids[0]}/comment", 201,
               json={"task_status_id": todo, "comment": "hi"})  # fmt: skip
        counts.append((
            _count(api, "PUT", f"/actions/persons/{person['id']}/assign",
                   json={"task_ids": task_ids}),
            _count(api, "GET", f"/data/persons/{person['id']}/tasks"),
            _count(api, "GET", f"/data/persons/{person['id']}/related-tasks/{modeling}"),
        ))  # fmt: skip
    assert counts[0] == counts[1], counts


# ==== gazu ===================================================================================
def test_gazu_task_lists(studio, work, gazu_client):
    artist = work["artist"]
    todo = gazu.task.all_tasks_for_person(artist["id"], client=gazu_client)
    assert work["todo"]["id"] in {task["id"] for task in todo}
    done = gazu.task.all_done_tasks_for_person(artist, client=gazu_client)
    assert [task["id"] for task in done] == [work["done"]["id"]]
    shading = studio.task_types["Shading/Asset"]
    related = gazu.task.all_tasks_for_person_and_type(artist, shading, client=gazu_client)
    assert [task["id"] for task in related] == [work["done"]["id"]]


def test_gazu_assign(studio, gazu_client):
    person, _ = _person(studio.admin)
    first = _task(studio, studio.asset, "Shading/Asset", name=unique("g1"))
    second = _task(studio, studio.shot, "Layout/Shot", name=unique("g2"))
    assigned = gazu.task.assign_task(first, person, client=gazu_client)
    assert [task["id"] for task in assigned] == [first["id"]]
    assert assigned[0]["assignees"] == [person["id"]]
    both = gazu.task.assign_tasks_to_person([first, second["id"]], person, client=gazu_client)
    assert sorted(task["id"] for task in both) == sorted([first["id"], second["id"]])
    assert all(task["assignees"] == [person["id"]] for task in both)


def test_gazu_person_actions(studio, server, gazu_client):
    admin = studio.admin
    person, client = _person(admin)
    department = admin.ok("GET", "/data/departments")[0]
    added = gazu.person.add_person_to_department(person, department, client=gazu_client)
    assert added["departments"] == [department["id"]]
    gazu.person.remove_person_from_department(person["id"], department, client=gazu_client)
    assert admin.ok("GET", f"/data/persons/{person['id']}")["departments"] == []
    changed = gazu.person.change_password_for_person(person, "gazu-password-1", client=gazu_client)
    assert changed == {"success": True}
    Api(server.api).login(person["email"], "gazu-password-1")
    invited = gazu.person.invite_person(person, client=gazu_client)
    assert invited == {"success": True, "message": "Email sent"}
    client.login(person["email"], "gazu-password-1")
    secret = client.ok("PUT", "/auth/totp")["otp_secret"]
    client.ok("POST", "/auth/totp", json={"totp": pyotp.TOTP(secret).now()})
    disabled = gazu.person.disable_two_factor_authentication(person, client=gazu_client)
    assert json.loads(disabled) == {"success": True}
    assert admin.ok("GET", f"/data/persons/{person['id']}")["totp_enabled"] is False
