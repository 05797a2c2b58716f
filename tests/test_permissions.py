"""Who may do what on the generic routes, role by role (zou-data-model.md section 6).

Every person of the studio fixture is in the team of ``studio.project`` with their global role;
the artist (``user``) and the vendor are assigned to the asset task only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .support.samples import SAMPLES_BY_ROUTE, close_project, tag
from .support.studio import ROLES, Studio

OK, CREATED, GONE, DENIED = 200, 201, 204, 403


def expect(allowed: set[str] | str, yes: int, no: int = DENIED) -> dict[str, int]:
    allowed = set(ROLES) if allowed == "all" else {allowed} if isinstance(allowed, str) else allowed
    return {role: yes if role in allowed else no for role in ROLES}


EVERYONE = set(ROLES)
ADMIN = {"admin"}
MANAGERS = {"admin", "manager"}
NOT_VENDOR = EVERYONE - {"vendor"}


def _comment(s: Studio) -> dict[str, Any]:
    return s.admin.create(
        "comments",
        object_id=s.asset_task["id"],
        object_type="Task",
        person_id=s.people["admin"]["id"],
        task_status_id=s.statuses["todo"]["id"],
        text=f"note {tag()}",
    )


def _attachment(s: Studio) -> dict[str, Any]:
    comment = _comment(s)
    return s.admin.create("attachment-files", name=f"ref {tag()}.png", comment_id=comment["id"])


def _in_project(route: str) -> Callable[[Studio], dict[str, Any]]:
    return lambda s: s.admin.create(route, **SAMPLES_BY_ROUTE[route].body(s))


# route -> how to make a row, then the expected status per operation and role.
CASES: dict[str, dict[str, Any]] = {
    "departments": {
        "row": _in_project("departments"),
        "list": expect(EVERYONE, OK), "read": expect(EVERYONE, OK),
        "create": expect(ADMIN, CREATED), "update": expect(ADMIN, OK), "delete": expect(ADMIN, GONE),
    },
    "hardware-items": {
        "row": _in_project("hardware-items"),
        "list": expect(ADMIN, OK), "read": expect(ADMIN, OK),
        "create": expect(ADMIN, CREATED), "update": expect(ADMIN, OK), "delete": expect(ADMIN, GONE),
    },
    "custom-actions": {
        "row": _in_project("custom-actions"),
        "list": expect(NOT_VENDOR, OK), "read": expect(ADMIN, OK),
        "create": expect(ADMIN, CREATED), "update": expect(ADMIN, OK), "delete": expect(ADMIN, GONE),
    },
    "metadata-descriptors": {
        "row": _in_project("metadata-descriptors"),
        "list": expect(NOT_VENDOR, OK), "read": expect(ADMIN, OK),
        "create": expect(ADMIN, CREATED), "update": expect(ADMIN, OK), "delete": expect(ADMIN, GONE),
    },
    "events": {
        "row": _in_project("events"),
        "list": expect(ADMIN, OK), "read": expect(ADMIN, OK),
        "create": expect(ADMIN, CREATED), "update": expect(ADMIN, OK), "delete": expect(ADMIN, GONE),
    },
    "project-templates": {
        "row": _in_project("project-templates"),
        "list": expect(MANAGERS, OK), "read": expect(MANAGERS, OK),
        "create": expect(ADMIN, CREATED), "update": expect(ADMIN, OK), "delete": expect(ADMIN, GONE),
    },
    "projects": {
        "row": lambda s: s.admin.create("projects", name=f"Perm {tag()}",
                                        team=[p["id"] for p in s.people.values()]),
        "list": expect(EVERYONE, OK), "read": expect(EVERYONE, OK),
        "create": expect(ADMIN, CREATED), "update": expect(MANAGERS, OK),
        "delete": expect(ADMIN, GONE), "before_delete": close_project,
    },
    "milestones": {
        "row": _in_project("milestones"),
        "list": expect(ADMIN, OK), "read": expect(NOT_VENDOR, OK),
        "create": expect(MANAGERS, CREATED), "update": expect(MANAGERS, OK),
        "delete": expect(MANAGERS, GONE),
    },
    "entities": {
        "row": _in_project("entities"),
        "list": expect(EVERYONE, OK), "read": expect(NOT_VENDOR, OK),  # not assigned: vendors can't
        "create": expect(MANAGERS, CREATED), "update": expect(MANAGERS, OK),
        "delete": expect(MANAGERS, GONE),
    },
    "tasks": {
        "row": _in_project("tasks"),
        "list": expect(EVERYONE, OK), "read": expect(NOT_VENDOR, OK),
        "create": expect(MANAGERS, CREATED),
        # A supervisor without departments supervises every task type: priority is theirs.
        "update": expect(MANAGERS | {"supervisor"}, OK), "update_body": {"priority": 1},
        "delete": expect(MANAGERS, GONE),
    },
    "comments": {
        "row": _comment,
        "list": expect(ADMIN, OK),
        # Clients only read comments of clients or meant for clients.
        "read": expect(EVERYONE - {"client"}, OK),
        "create": expect(ADMIN, CREATED), "update": expect(MANAGERS, OK),
        "delete": expect(MANAGERS, GONE),
    },
    "playlists": {
        "row": _in_project("playlists"),
        "list": expect(NOT_VENDOR, OK), "read": expect(NOT_VENDOR, OK),
        "create": expect(MANAGERS | {"supervisor"}, CREATED), "update": expect(MANAGERS, OK),
        "delete": expect(MANAGERS, GONE),
    },
    "preview-files": {
        "row": _in_project("preview-files"),
        "list": expect(EVERYONE, OK), "read": expect(EVERYONE, OK),
        "create": expect(ADMIN, CREATED),
        # Managers, or assignees of the preview's task (artist and vendor here).
        "update": expect(MANAGERS | {"user", "vendor"}, OK), "update_body": {"description": "x"},
        "delete": expect(MANAGERS, GONE),
    },
    "persons": {
        "row": _in_project("persons"),
        "list": expect(EVERYONE, OK), "read": expect(EVERYONE, OK),
        "create": expect(ADMIN, CREATED), "update": expect(ADMIN, OK),
        "delete": expect(ADMIN, GONE),
    },
    "time-spents": {
        "row": _in_project("time-spents"),
        "list": expect(ADMIN, OK), "read": expect(ADMIN, OK),
        "create": expect(ADMIN, CREATED), "update": expect(ADMIN, OK),
        # The artist logged it on their task: they and managers may remove it.
        "delete": expect(MANAGERS | {"user"}, GONE),
    },
    "working-files": {
        "row": _in_project("working-files"),
        "list": expect(NOT_VENDOR, OK), "read": expect(EVERYONE, OK),
        "create": expect(ADMIN, CREATED),
        # Task action access: managers, clients, assignees, department supervisors.
        "update": expect(EVERYONE, OK), "delete": expect(ADMIN, GONE),
    },
    "output-files": {
        "row": _in_project("output-files"),
        "list": expect(NOT_VENDOR, OK), "read": expect(EVERYONE, OK),
        "create": expect(ADMIN, CREATED),
        # Managers, or people assigned to a task of the file's entity.
        "update": expect(MANAGERS | {"user", "vendor"}, OK), "delete": expect(ADMIN, GONE),
    },
    "day-offs": {
        "row": _in_project("day-offs"),  # the artist's day off
        "list": expect(ADMIN, OK), "read": expect(ADMIN | {"user"}, OK),
        "create": expect(ADMIN | {"user"}, CREATED), "update": expect(ADMIN | {"user"}, OK),
        "delete": expect(ADMIN | {"user"}, GONE),
    },
    "production-schedule-versions": {
        "row": _in_project("production-schedule-versions"),
        "list": expect(ADMIN, OK),  # without a project_id filter
        "read": expect(EVERYONE - {"client", "vendor"}, OK),
        "create": expect(MANAGERS, CREATED), "update": expect(MANAGERS, OK),
        "delete": expect(ADMIN, GONE),
    },
    "schedule-items": {
        "row": _in_project("schedule-items"),
        "list": expect(ADMIN, OK), "read": expect(ADMIN, OK), "create": expect(ADMIN, CREATED),
        "update": expect(MANAGERS | {"supervisor"}, OK), "delete": expect(ADMIN, GONE),
    },
    "asset-instances": {
        "row": _in_project("asset-instances"),
        "list": expect(ADMIN, OK), "read": expect(EVERYONE, OK), "create": expect(ADMIN, CREATED),
        "update": expect(EVERYONE, OK), "delete": expect(ADMIN, GONE),
    },
    "attachment-files": {
        "row": _attachment,
        "list": expect(ADMIN, OK), "read": expect(EVERYONE, OK),  # task access of the comment
        "create": expect(ADMIN, CREATED), "update": expect(ADMIN, OK),
        "delete": expect(ADMIN, GONE),
    },
    "chats": {
        "row": _in_project("chats"),
        "list": expect(ADMIN, OK), "read": expect(ADMIN, OK), "create": expect(ADMIN, CREATED),
        "update": expect(ADMIN, OK), "delete": expect(ADMIN, GONE),
    },
    "status-automations": {
        "row": _in_project("status-automations"),
        "list": expect(NOT_VENDOR, OK), "read": expect(ADMIN, OK),
        "create": expect(ADMIN, CREATED), "update": expect(ADMIN, OK), "delete": expect(ADMIN, GONE),
    },
    "organisations": {
        "row": _in_project("organisations"),
        "list": expect(EVERYONE, OK), "read": expect(EVERYONE, OK),
        "create": expect(ADMIN, CREATED), "update": expect(ADMIN, OK), "delete": expect(ADMIN, GONE),
    },
}  # fmt: skip


def _cases(operation: str) -> list[tuple[str, str]]:
    return [(route, role) for route, case in CASES.items() for role in ROLES if operation in case]


def _check(response, expected: int) -> None:
    assert response.status_code == expected, response.text
    if expected == DENIED:
        assert response.json() == {
            "error": True,
            "message": "You don't have the permission to access the requested resource. It is "
            "either read-protected or not readable by the server.",
        }


@pytest.mark.parametrize(("route", "role"), _cases("list"))
def test_list(studio, route, role):
    _check(studio.as_role(role).get(f"/data/{route}"), CASES[route]["list"][role])


@pytest.mark.parametrize(("route", "role"), _cases("read"))
def test_read(studio, route, role):
    row = CASES[route]["row"](studio)
    _check(studio.as_role(role).get(f"/data/{route}/{row['id']}"), CASES[route]["read"][role])


@pytest.mark.parametrize(("route", "role"), _cases("create"))
def test_create(studio, route, role):
    body = SAMPLES_BY_ROUTE[route].body(studio)
    _check(studio.as_role(role).post(f"/data/{route}", json=body), CASES[route]["create"][role])


@pytest.mark.parametrize(("route", "role"), _cases("update"))
def test_update(studio, route, role):
    case = CASES[route]
    row = case["row"](studio)
    field, value = SAMPLES_BY_ROUTE[route].update
    body = case.get("update_body", {field: value})
    _check(studio.as_role(role).put(f"/data/{route}/{row['id']}", json=body), case["update"][role])


@pytest.mark.parametrize(("route", "role"), _cases("delete"))
def test_delete(studio, route, role):
    case = CASES[route]
    row = case["row"](studio)
    if case.get("before_delete"):
        case["before_delete"](studio, row)
    response = studio.as_role(role).delete(f"/data/{route}/{row['id']}")
    _check(response, case["delete"][role])
    still_there = studio.admin.get(f"/data/{route}/{row['id']}").status_code
    assert still_there == (404 if case["delete"][role] == GONE else 200)


def test_schedule_versions_of_a_project_for_its_members(studio):
    path = f"/data/production-schedule-versions?project_id={studio.project['id']}"
    for role in ROLES:
        allowed = role not in ("client", "vendor")
        assert studio.as_role(role).get(path).status_code == (OK if allowed else DENIED), role


def test_non_admins_only_list_open_projects_they_are_in(studio):
    manager = studio.as_role("manager")
    ids = {project["id"] for project in manager.ok("GET", "/data/projects")}
    assert studio.project["id"] in ids and studio.other_project["id"] not in ids
    assert manager.get(f"/data/projects/{studio.other_project['id']}").status_code == DENIED
    closed = studio.admin.create(
        "projects", name=f"Closed {tag()}", team=[studio.people["manager"]["id"]]
    )
    close_project(studio, closed)
    assert closed["id"] not in {project["id"] for project in manager.ok("GET", "/data/projects")}
    assert closed["id"] in {project["id"] for project in studio.admin.ok("GET", "/data/projects")}


def test_vendors_only_see_their_tasks_and_entities(studio):
    vendor = studio.as_role("vendor")
    vendor_id = studio.people["vendor"]["id"]
    # Other tests of the session may assign more tasks to the studio's vendor: every task seen
    # must be theirs, and every entity seen must carry one of those tasks.
    tasks = vendor.ok("GET", "/data/tasks?relations=true")
    assert studio.asset_task["id"] in [task["id"] for task in tasks]
    assert all(vendor_id in task["assignees"] for task in tasks)
    entities = {entity["id"] for entity in vendor.ok("GET", "/data/entities")}
    assert studio.asset["id"] in entities
    assert entities <= {task["entity_id"] for task in tasks}
    assert studio.shot["id"] not in entities
    assert vendor.get(f"/data/tasks/{studio.shot_task['id']}").status_code == DENIED


def test_persons_list_is_minimal_for_non_admins(studio):
    listed = studio.as_role("manager").ok("GET", "/data/persons")
    assert set(listed[0]) == {
        "id", "type", "first_name", "last_name", "full_name", "has_avatar", "active",
        "departments", "studio_id", "role", "desktop_login", "is_bot",
    }  # fmt: skip
    full = studio.admin.ok("GET", "/data/persons")
    assert "email" in full[0] and "password" not in full[0]
    refused = studio.as_role("manager").get("/data/persons?daily_salary=100")
    assert refused.status_code == 400
    assert refused.json()["message"] == "Filtering on daily_salary is not allowed."
    by_email = studio.as_role("user").ok(
        "GET", f"/data/persons?email={studio.people['client']['email']}"
    )
    assert [person["id"] for person in by_email] == [studio.people["client"]["id"]]


def test_a_person_may_update_their_own_record_but_not_their_role(studio):
    artist = studio.as_role("user")
    me = studio.people["user"]
    updated = artist.ok("PUT", f"/data/persons/{me['id']}", json={"phone": "0600", "role": "admin"})
    assert updated["phone"] == "0600" and updated["role"] == "user"


def test_nobody_deletes_themselves(studio):
    me = studio.admin.ok("GET", "/auth/authenticated")["user"]
    response = studio.admin.delete(f"/data/persons/{me['id']}")
    assert response.status_code == DENIED


def test_organisation_secrets_are_masked_for_non_admins(studio):
    organisation = studio.admin.ok("GET", "/data/organisations")[0]
    assert "chat_token_slack" in organisation
    masked = studio.as_role("manager").ok("GET", f"/data/organisations/{organisation['id']}")
    assert "chat_token_slack" not in masked and masked["name"] == organisation["name"]
    refused = studio.as_role("manager").get("/data/organisations?chat_token_slack=x")
    assert refused.status_code == 400


def test_supervisor_may_only_change_planning_fields_of_tasks(studio):
    supervisor = studio.as_role("supervisor")
    task = studio.admin.create("tasks", **SAMPLES_BY_ROUTE["tasks"].body(studio))
    assert supervisor.put(f"/data/tasks/{task['id']}", json={"estimation": 3}).status_code == OK
    assert (
        supervisor.put(f"/data/tasks/{task['id']}", json={"name": "renamed"}).status_code == DENIED
    )
