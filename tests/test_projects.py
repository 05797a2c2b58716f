"""The project's own routes: lists, team, settings, metadata descriptors, news, listings,
playlists; per role, and through gazu."""

from __future__ import annotations

import uuid

import gazu
import pytest

from .support.studio import unique

OUTSIDER_ROLES = ("user", "client", "vendor", "supervisor", "manager")


@pytest.fixture(scope="module")
def production(admin, studio):
    """A project of its own (team: the studio's people), an asset with a task, a comment."""
    team = [person["id"] for role, person in studio.people.items() if role != "admin"]
    project = admin.create("projects", name=unique("Proj"), team=team)
    asset = admin.create(
        "entities", name="Hero", project_id=project["id"], entity_type_id=studio.types["Character"]
    )
    task = admin.create(
        "tasks",
        project_id=project["id"],
        entity_id=asset["id"],
        task_type_id=studio.task_types["Modeling/Asset"]["id"],
        task_status_id=studio.statuses["todo"]["id"],
        assignees=[studio.people["user"]["id"], studio.people["vendor"]["id"]],
    )
    comment = admin.ok(
        "POST",
        f"/actions/tasks/{task['id']}/comment",
        201,
        json={"task_status_id": studio.statuses["wip"]["id"], "comment": "first pass"},
    )
    return {"project": project, "asset": asset, "task": task, "comment": comment}


def path(production, suffix=""):
    return f"/data/projects/{production['project']['id']}{suffix}"


# ==== project lists ==========================================================================
def test_open_and_all_projects(admin, studio, production):
    opened = {item["id"]: item for item in admin.ok("GET", "/data/projects/open")}
    item = opened[production["project"]["id"]]
    assert {"descriptors", "task_types_priority", "task_statuses_link", "team"} <= set(item)
    everything = {item["id"]: item for item in admin.ok("GET", "/data/projects/all")}
    assert everything[production["project"]["id"]]["project_status_name"] == "Open"
    assert "team" not in everything[production["project"]["id"]]
    mine = studio.as_role("user").ok("GET", "/data/projects/all")
    assert studio.other_project["id"] not in [item["id"] for item in mine]
    assert production["project"]["id"] in [item["id"] for item in mine]
    named = admin.ok("GET", "/data/projects/all", params={"name": production["project"]["name"]})
    assert [item["id"] for item in named] == [production["project"]["id"]]
    assert admin.get("/data/projects/all", params={"name": "no such project"}).status_code == 404


def test_open_projects_hide_descriptors_from_clients(admin, studio, production):
    admin.ok(
        "POST", path(production, "/metadata-descriptors"), 201,
        json={"name": unique("Secret"), "entity_type": "Asset"},
    )  # fmt: skip
    for role, visible in (("client", False), ("user", True)):
        opened = studio.as_role(role).ok("GET", "/data/projects/open")
        item = next(item for item in opened if item["id"] == production["project"]["id"])
        assert any(d["name"].startswith("Secret") for d in item["descriptors"]) is visible


# ==== team ===================================================================================
def test_team_add_role_remove(admin, studio, production):
    person = admin.create(
        "persons", first_name="New", last_name="Member", email=f"{uuid.uuid4().hex[:8]}@ex.com"
    )
    team = path(production, "/team")
    project = admin.ok("POST", team, 201, json={"person_id": person["id"], "role": "supervisor"})
    assert project["type"] == "Project" and "team" not in project
    members = {item["id"]: item for item in admin.ok("GET", team)}
    assert members[person["id"]]["project_role"] == "supervisor"
    assert "email" in members[person["id"]]
    minimal = {item["id"]: item for item in studio.as_role("user").ok("GET", team)}
    assert "email" not in minimal[person["id"]]
    assert "departments" in minimal[person["id"]]
    # Clients read Zou's client form: a name and an avatar, nothing of the studio's organisation.
    seen_by_client = {item["id"]: item for item in studio.as_role("client").ok("GET", team)}
    assert set(seen_by_client[person["id"]]) == {
        "id", "type", "first_name", "last_name", "full_name", "has_avatar", "active", "role",
        "is_bot", "project_role",
    }  # fmt: skip
    role = admin.ok("PUT", f"{team}/{person['id']}", json={"role": None})
    assert role == {
        "project_id": production["project"]["id"],
        "person_id": person["id"],
        "role": None,
    }
    admin.ok("DELETE", f"{team}/{person['id']}", 204)
    assert person["id"] not in admin.ok("GET", path(production))["team"]
    events = admin.ok(
        "GET", "/data/events", params={"name": "project:update", "project_id": project["id"]}
    )
    assert len(events) >= 3  # added, role set, removed


def test_team_bad_bodies(admin, production):
    team = path(production, "/team")
    response = admin.post(team, json={"person_id": str(uuid.uuid4()), "role": "admin"})
    assert response.status_code == 400 and response.json()["message"] == "Validation error."
    assert admin.post(team, json={}).json()["data"]["errors"][0]["field"] == "person_id"
    unknown = admin.post(team, json={"person_id": str(uuid.uuid4())})
    assert unknown.status_code == 400 and "not found" in unknown.json()["message"]
    assert admin.post(team, json={"person_id": "not-a-uuid"}).status_code == 400
    assert admin.delete(f"{team}/not-a-uuid").status_code == 400
    assert admin.get(f"/data/projects/{uuid.uuid4()}/team").status_code == 404


@pytest.mark.parametrize("role", OUTSIDER_ROLES)
def test_team_permissions(studio, production, role):
    client = studio.as_role(role)
    assert client.get(path(production, "/team")).status_code == 200
    assert client.get(f"/data/projects/{studio.other_project['id']}/team").status_code == 403
    body = {"person_id": studio.people["admin"]["id"]}
    expected = 201 if role == "manager" else 403
    assert client.post(path(production, "/team"), json=body).status_code == expected


# ==== settings ===============================================================================
def test_settings_stay_in_step_with_the_project(admin, studio, production):
    settings = path(production, "/settings")
    task_type = studio.task_types["Animation/Shot"]["id"]
    status = studio.statuses["wfa"]["id"]
    asset_type = studio.types["Prop"]
    admin.ok("POST", f"{settings}/task-types", 201, json={"task_type_id": task_type, "priority": 2})
    admin.ok("POST", f"{settings}/task-status", 201, json={"task_status_id": status})
    admin.ok("POST", f"{settings}/asset-types", 201, json={"asset_type_id": asset_type})
    project = admin.ok("GET", path(production))
    assert task_type in project["task_types"] and status in project["task_statuses"]
    assert asset_type in project["asset_types"]
    assert status in [item["id"] for item in admin.ok("GET", f"{settings}/task-status")]
    opened = {item["id"]: item for item in admin.ok("GET", "/data/projects/open")}
    assert opened[production["project"]["id"]]["task_types_priority"][task_type] == 2
    admin.ok("DELETE", f"{settings}/task-types/{task_type}", 204)
    admin.ok("DELETE", f"{settings}/task-status/{status}", 204)
    admin.ok("DELETE", f"{settings}/asset-types/{asset_type}", 204)
    project = admin.ok("GET", path(production))
    assert task_type not in project["task_types"] and status not in project["task_statuses"]
    assert asset_type not in project["asset_types"]


def test_settings_bad_input(admin, production):
    settings = path(production, "/settings")
    bad = admin.post(f"{settings}/task-types", json={"task_type_id": "bad"})
    assert bad.json()["message"] == "task_type_id is required and must be a valid UUID"
    unknown = admin.post(f"{settings}/task-status", json={"task_status_id": str(uuid.uuid4())})
    assert unknown.status_code == 400 and unknown.json()["message"].startswith("TaskStatus with id")
    wrong = admin.post(
        f"{settings}/task-types", json={"task_type_id": str(uuid.uuid4()), "priority": "x"}
    )
    assert wrong.json()["data"]["errors"][0]["field"] == "priority"
    assert admin.delete(f"{settings}/asset-types/bad").status_code == 400
    unknown_project = f"/data/projects/{uuid.uuid4()}/settings/status-automations"
    assert admin.get(unknown_project).status_code == 404


def test_status_automation_settings(admin, studio, production):
    modeling = studio.task_types["Modeling/Asset"]["id"]
    automation = admin.create(
        "status-automations", entity_type="asset", in_task_type_id=modeling,
        in_task_status_id=studio.statuses["done"]["id"], out_field_type="status",
        out_task_type_id=modeling, out_task_status_id=studio.statuses["wip"]["id"],
    )  # fmt: skip
    settings = path(production, "/settings/status-automations")
    admin.ok("POST", settings, 201, json={"status_automation_id": automation["id"]})
    assert [item["id"] for item in admin.ok("GET", settings)] == [automation["id"]]
    assert studio.as_role("supervisor").get(settings).status_code == 403
    assert studio.as_role("manager").get(settings).status_code == 200
    admin.ok("DELETE", f"{settings}/{automation['id']}", 204)
    assert admin.ok("GET", settings) == []


@pytest.mark.parametrize("role", ["user", "client", "vendor", "supervisor"])
def test_settings_need_a_manager(studio, production, role):
    client = studio.as_role(role)
    body = {"task_status_id": studio.statuses["wip"]["id"]}
    assert client.post(path(production, "/settings/task-status"), json=body).status_code == 403
    assert client.get(path(production, "/settings/task-status")).status_code == 200
    outsider = f"/data/projects/{studio.other_project['id']}/settings/task-status"
    assert client.get(outsider).status_code == 403


# ==== metadata descriptors ===================================================================
def test_descriptor_rename_moves_values_and_delete_drops_them(admin, studio, production):
    descriptors = path(production, "/metadata-descriptors")
    name = unique("Difficulty")
    descriptor = admin.ok(
        "POST", descriptors, 201, json={"name": name, "data_type": "list", "choices": ["easy"]}
    )
    field = descriptor["field_name"]
    assert field == name.lower().replace(" ", "_") and descriptor["departments"] == []
    asset = production["asset"]
    admin.ok("PUT", f"/data/entities/{asset['id']}", json={"data": {field: "easy", "keep": 1}})
    renamed = admin.ok("PUT", f"{descriptors}/{descriptor['id']}", json={"name": "Hardness X"})
    assert renamed["field_name"] == "hardness_x" and renamed["data_type"] == "list"
    assert admin.ok("GET", f"/data/entities/{asset['id']}")["data"] == {
        "hardness_x": "easy",
        "keep": 1,
    }
    assert admin.ok("GET", f"{descriptors}/{descriptor['id']}")["name"] == "Hardness X"
    admin.ok("DELETE", f"{descriptors}/{descriptor['id']}", 204)
    assert admin.ok("GET", f"/data/entities/{asset['id']}")["data"] == {"keep": 1}
    assert admin.get(f"{descriptors}/{descriptor['id']}").status_code == 404


def test_descriptor_rules(admin, studio, production):
    descriptors = path(production, "/metadata-descriptors")
    name = unique("Rule")
    admin.ok("POST", descriptors, 201, json={"name": name})
    messages = {
        "Metadata descriptor already exists.": {"name": name},
        "Invalid data_type": {"name": unique("X"), "data_type": "bogus"},
        "Task metadata descriptors require a task_type_id.": {"name": "X", "entity_type": "Task"},
        "task_type_id only applies to Task metadata descriptors.": {
            "name": "X", "entity_type": "Shot", "task_type_id": str(uuid.uuid4())
        },
        "Task type not found.": {"name": "X", "entity_type": "Task", "task_type_id": str(uuid.uuid4())},
        "Validation error.": {"name": ""},
    }  # fmt: skip
    for message, body in messages.items():
        response = admin.post(descriptors, json=body)
        assert (response.status_code, response.json()["message"]) == (400, message)
    wrong = admin.post(descriptors, json={"name": "X", "entity_type": "Foo"})
    assert wrong.json()["message"].startswith("Wrong entity type.")


def test_descriptor_permissions(admin, studio, production):
    descriptors = path(production, "/metadata-descriptors")
    public = admin.ok("POST", descriptors, 201, json={"name": unique("Pub"), "for_client": True})
    admin.ok("POST", descriptors, 201, json={"name": unique("Private")})
    assert [item["id"] for item in studio.as_role("client").ok("GET", descriptors)] == [
        public["id"]
    ]
    assert len(studio.as_role("vendor").ok("GET", descriptors)) >= 2
    for role in ("user", "client", "vendor"):
        assert studio.as_role(role).post(descriptors, json={"name": "Nope"}).status_code == 403
    # A supervisor without departments may add a descriptor limited to departments only.
    department = admin.ok("GET", "/data/departments")[0]["id"]
    supervisor = studio.as_role("supervisor")
    assert supervisor.post(descriptors, json={"name": unique("S")}).status_code == 403
    body = {"name": unique("S"), "departments": [department]}
    assert supervisor.post(descriptors, json=body).status_code == 201
    outsider = f"/data/projects/{studio.other_project['id']}/metadata-descriptors"
    assert studio.as_role("user").get(outsider).status_code == 403


def test_descriptor_partial_update_keeps_other_fields(admin, production):
    """Zou resets the keys a PUT omits (data_type to string, choices to []...); here only the
    keys sent change."""
    descriptors = path(production, "/metadata-descriptors")
    descriptor = admin.ok(
        "POST",
        descriptors,
        201,
        json={"name": unique("Keep"), "data_type": "list", "choices": ["a"]},
    )
    updated = admin.ok("PUT", f"{descriptors}/{descriptor['id']}", json={"for_client": True})
    assert (updated["data_type"], updated["choices"], updated["for_client"]) == (
        "list",
        ["a"],
        True,
    )


# ==== news and listings ======================================================================
def test_news(admin, studio, production):
    news = admin.ok("GET", path(production, "/news"))
    assert news["total"] == 1 and news["page"] == 1 and news["limit"] == 50
    entry = news["data"][0]
    assert entry["comment_id"] == production["comment"]["id"]
    assert entry["full_entity_name"] == "Character / Hero" and entry["person"]["role"] == "admin"
    assert news["stats"] == {studio.statuses["wip"]["id"]: 1}
    one = admin.ok("GET", path(production, f"/news/{entry['id']}"))
    assert one == entry
    assert admin.get(path(production, f"/news/{uuid.uuid4()}")).status_code == 404
    assert admin.ok("GET", path(production, "/news"), params={"before": "2000-01-01"})["total"] == 0
    assert admin.get(path(production, "/news"), params={"before": "garbage"}).status_code == 400
    assert admin.get(path(production, "/news"), params={"page": "x"}).status_code == 400
    everywhere = admin.ok(
        "GET", "/data/projects/news", params={"project_id": production["project"]["id"]}
    )
    assert [item["id"] for item in everywhere["data"]] == [entry["id"]]
    assert studio.as_role("vendor").get(path(production, f"/news/{entry['id']}")).status_code == 403
    assert studio.as_role("user").ok("GET", path(production, "/news"))["total"] == 1
    other = f"/data/projects/{studio.other_project['id']}/news"
    assert studio.as_role("user").get(other).status_code == 403


def test_comments_notifications_subscriptions_time_spents(admin, studio, production):
    comments = admin.ok("GET", path(production, "/comments"))
    assert [item["id"] for item in comments] == [production["comment"]["id"]]
    assert "mentions" in comments[0]
    paged = admin.ok("GET", path(production, "/comments"), params={"page": 1, "limit": 1})
    assert paged["total"] == 1 and len(paged["data"]) == 1
    for role, expected in (("user", 200), ("supervisor", 200), ("client", 403), ("vendor", 403)):
        assert studio.as_role(role).get(path(production, "/comments")).status_code == expected
    notifications = admin.ok("GET", path(production, "/notifications"))
    assert all(item["task_id"] == production["task"]["id"] for item in notifications)
    assert studio.as_role("manager").get(path(production, "/notifications")).status_code == 403
    assert admin.ok("GET", path(production, "/subscriptions")) == []
    assert studio.as_role("user").get(path(production, "/subscriptions")).status_code == 403
    admin.create(
        "time-spents", task_id=production["task"]["id"], person_id=studio.people["user"]["id"],
        date="2026-01-05", duration=60,
    )  # fmt: skip
    spent = studio.as_role("user").ok("GET", path(production, "/time-spents"))
    assert [(item["duration"], item["type"]) for item in spent] == [(60.0, "TimeSpent")]
    other = f"/data/projects/{studio.other_project['id']}/time-spents"
    assert studio.as_role("user").get(other).status_code == 403
    assert studio.as_role("client").get(path(production, "/time-spents")).status_code == 403
    assert studio.as_role("client").get(path(production, "/news")).status_code == 403


def test_output_files_and_build_jobs(admin, studio, production):
    assert admin.ok("GET", path(production, "/output-files")) == []
    assert studio.as_role("supervisor").get(path(production, "/output-files")).status_code == 403
    assert admin.ok("GET", path(production, "/build-jobs")) == []
    assert studio.as_role("manager").get(path(production, "/build-jobs")).status_code == 403


# ==== playlists ==============================================================================
def test_playlists(admin, studio, production):
    playlist = admin.create(
        "playlists", name=unique("Daily"), project_id=production["project"]["id"]
    )
    hidden = admin.create(
        "playlists", name=unique("Internal"), project_id=production["project"]["id"]
    )
    admin.ok("PUT", f"/data/playlists/{playlist['id']}", json={"for_client": True})
    listed = admin.ok("GET", path(production, "/playlists"))
    assert {playlist["id"], hidden["id"]} <= {item["id"] for item in listed}
    assert "shots" not in listed[0] and listed[0]["for_entity"] == "shot"
    client_list = studio.as_role("client").ok("GET", path(production, "/playlists"))
    assert [item["id"] for item in client_list] == [playlist["id"]]
    assert studio.as_role("vendor").get(path(production, "/playlists")).status_code == 403
    main = admin.ok("GET", path(production, "/episodes/main/playlists"))
    assert playlist["id"] in [item["id"] for item in main]
    one = admin.ok("GET", path(production, f"/playlists/{playlist['id']}"))
    assert one["shots"] == [] and one["build_jobs"] == []
    assert (
        studio.as_role("client").get(path(production, f"/playlists/{hidden['id']}")).status_code
        == 403
    )
    every = admin.ok("GET", path(production, "/playlists/all"))
    assert "build_jobs" in every[0]
    assert studio.as_role("manager").get(path(production, "/playlists/all")).status_code == 403
    other = f"/data/projects/{studio.other_project['id']}/playlists"
    assert studio.as_role("user").get(other).status_code == 403


def test_temp_playlist(admin, studio, production):
    temp = path(production, "/playlists/temp")
    entries = admin.ok("POST", temp, json={"task_ids": [production["task"]["id"]]})
    assert entries[0]["id"] == production["asset"]["id"]
    assert entries[0]["asset_type_name"] == "Character" and entries[0]["preview_files"] == {}
    assert admin.ok("POST", temp, json={"task_ids": []}) == []
    assert admin.post(temp, json={"task_ids": ["bad"]}).status_code == 400
    assert admin.post(temp, json={"task_ids": [str(uuid.uuid4())]}).status_code == 404
    shot_task = studio.shot_task["id"]
    assert studio.as_role("vendor").post(temp, json={"task_ids": [shot_task]}).status_code == 403


# ==== gazu ===================================================================================
def test_gazu_project_functions(gazu_client, admin, studio, production):
    client = gazu_client
    project = production["project"]
    assert project["id"] in [item["id"] for item in gazu.project.all_open_projects(client=client)]
    assert project["id"] in [item["id"] for item in gazu.project.all_projects(client=client)]
    person = admin.create(
        "persons", first_name="Gazu", last_name="Team", email=f"{uuid.uuid4().hex[:8]}@ex.com"
    )
    assert gazu.project.add_person_to_team(project, person, client=client)["id"] == project["id"]
    team = gazu.project.get_team(project, client=client)
    assert person["id"] in [member["id"] for member in team]
    role = gazu.project.update_team_member_role(project, person, "client", client=client)
    assert role["role"] == "client"
    gazu.project.remove_person_from_team(project, person, client=client)
    assert person["id"] not in [m["id"] for m in gazu.project.get_team(project, client=client)]
    task_type = studio.task_types["Layout/Shot"]
    assert gazu.project.add_task_type(project, task_type, 3, client=client)["type"] == "Project"
    assert task_type["id"] in gazu.project.get_project(project["id"], client=client)["task_types"]
    gazu.project.remove_task_type(project, task_type, client=client)
    status = studio.statuses["retake"]
    gazu.project.add_task_status(project, status, client=client)
    statuses = gazu.project.get_project_task_statuses(project, client=client)
    assert status["id"] in [item["id"] for item in statuses]
    gazu.project.remove_task_status(project, status, client=client)
    gazu.project.add_asset_type(project, studio.types["Environment"], client=client)
    assert studio.types["Environment"] in admin.ok("GET", path(production))["asset_types"]


def test_gazu_descriptors_and_automations(gazu_client, admin, studio, production):
    client = gazu_client
    project = production["project"]
    name = unique("Gazu Field")
    descriptor = gazu.project.add_metadata_descriptor(
        project, name, "Shot", data_type="list", choices=["a", "b"], client=client
    )
    assert descriptor["entity_type"] == "Shot" and descriptor["choices"] == ["a", "b"]
    got = gazu.project.get_metadata_descriptor(project, descriptor["id"], client=client)
    assert got["name"] == name
    by_field = gazu.project.get_metadata_descriptor_by_field_name(
        project, descriptor["field_name"], client=client
    )
    assert by_field["id"] == descriptor["id"]
    listed = gazu.project.all_metadata_descriptors(project, client=client, entity_type="Shot")
    assert descriptor["id"] in [item["id"] for item in listed]
    descriptor["name"] = name + " B"
    updated = gazu.project.update_metadata_descriptor(project, descriptor, client=client)
    assert updated["field_name"].endswith("_b")
    gazu.project.remove_metadata_descriptor(project, descriptor, client=client)
    assert gazu.project.all_metadata_descriptors(project, client=client, entity_type="Shot") == []
    modeling = studio.task_types["Modeling/Asset"]["id"]
    automation = admin.create(
        "status-automations", entity_type="asset", in_task_type_id=modeling,
        in_task_status_id=studio.statuses["wfa"]["id"], out_field_type="status",
        out_task_type_id=modeling, out_task_status_id=studio.statuses["done"]["id"],
    )  # fmt: skip
    body = {"status_automation_id": automation["id"]}
    assert gazu.project.add_status_automation(project, body, client=client)["id"] == project["id"]
    listed = gazu.project.all_status_automations(project, client=client)
    assert [item["id"] for item in listed] == [automation["id"]]
    gazu.project.remove_status_automation(project, automation, client=client)
    assert gazu.project.all_status_automations(project, client=client) == []


def test_gazu_playlists_and_files(gazu_client, admin, production):
    client = gazu_client
    project = production["project"]
    playlist = admin.create("playlists", name=unique("Gazu"), project_id=project["id"])
    listed = gazu.playlist.all_playlists_for_project(project, client=client)
    assert playlist["id"] in [item["id"] for item in listed]
    assert gazu.playlist.all_build_jobs_for_project(project, client=client) == []
    temp = gazu.playlist.generate_temp_playlist(
        project, {"task_ids": [production["task"]["id"]]}, client=client
    )
    assert temp[0]["preview_file_task_id"] == production["task"]["id"]
    assert gazu.files.all_output_files_for_project(project, client=client) == []
