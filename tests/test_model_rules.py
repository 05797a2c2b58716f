"""Model-specific rules behind the generic routes (zou-data-model.md sections 3, 5, 8)."""

from __future__ import annotations

from .support.samples import SAMPLES_BY_ROUTE, close_project, tag


def test_only_one_default_task_status_per_kind(studio):
    admin = studio.admin
    new = admin.create(
        "task-status", name="New default", short_name=tag(), color="#000000", is_default=True
    )
    defaults = admin.ok("GET", "/data/task-status?is_default=true")
    assert [status["id"] for status in defaults if not status["for_concept"]] == [new["id"]]
    assert [status["short_name"] for status in defaults if status["for_concept"]] == ["neutral"]
    todo = studio.statuses["todo"]
    admin.ok("PUT", f"/data/task-status/{todo['id']}", json={"is_default": True})
    defaults = admin.ok("GET", "/data/task-status?is_default=true&for_concept=false")
    assert [status["id"] for status in defaults] == [todo["id"]]


def test_names_already_used_are_refused(studio):
    admin = studio.admin
    refused = admin.post("/data/entity-types", json={"name": "character"})
    assert refused.status_code == 400
    assert refused.json()["message"] == "Entity type with this name already exists"
    refused = admin.post("/data/task-types", json={"name": "MODELING"})
    assert refused.json()["message"] == "A task type with similar name already exists"
    admin.create("preview-background-files", name="Studio HDR")
    refused = admin.post("/data/preview-background-files", json={"name": "Studio HDR"})
    assert refused.json()["message"] == "A preview background file with similar name already exists"


def test_task_type_linked_to_a_project_needs_force(studio):
    admin = studio.admin
    task_type = admin.create("task-types", name=f"Linked {tag()}")
    admin.ok(
        "POST",
        "/data/task-type-links",
        201,
        json={"project_id": studio.project["id"], "task_type_id": task_type["id"], "priority": 3},
    )
    refused = admin.delete(f"/data/task-types/{task_type['id']}")
    assert refused.status_code == 400
    assert refused.json()["message"] == (
        "Task type is attached to projects. Re-issue the request with force=true to detach."
    )
    admin.ok("DELETE", f"/data/task-types/{task_type['id']}?force=true", 204)


def test_task_status_links_are_created_then_updated(studio):
    admin = studio.admin
    body = {
        "project_id": studio.project["id"],
        "task_status_id": studio.statuses["wip"]["id"],
        "priority": 2,
        "roles_for_board": ["user", "supervisor"],
    }
    link = admin.ok("POST", "/data/task-status-links", 201, json=body)
    assert link["type"] == "ProjectTaskStatusLink" and link["roles_for_board"] == [
        "user",
        "supervisor",
    ]
    again = admin.ok("POST", "/data/task-status-links", 201, json={**body, "priority": 5})
    assert again["id"] == link["id"] and again["priority"] == 5
    project = admin.ok("GET", f"/data/projects/{studio.project['id']}")
    assert project["task_statuses_link"][studio.statuses["wip"]["id"]]["priority"] == 5
    assert studio.as_role("user").post("/data/task-status-links", json=body).status_code == 403


def test_status_automation_used_by_a_project_is_kept(studio):
    admin = studio.admin
    automation = admin.create("status-automations", entity_type="asset", out_field_type="status")
    project = admin.create("projects", name=f"Auto {tag()}")
    admin.ok(
        "PUT", f"/data/projects/{project['id']}", json={"status_automations": [automation["id"]]}
    )
    refused = admin.delete(f"/data/status-automations/{automation['id']}")
    assert refused.status_code == 400 and refused.json() == {
        "message": "This automation is used in a project."
    }


def test_salary_scales_are_listed_never_created(studio):
    admin = studio.admin
    scales = admin.ok("GET", "/data/salary-scales")
    departments = admin.ok("GET", "/data/departments")
    assert len(scales) == len(departments) * 3 * 3
    refused = admin.post("/data/salary-scales", json={"department_id": departments[0]["id"]})
    assert (
        refused.status_code == 400
        and refused.json()["message"] == "Salary scales cannot be created"
    )


def test_person_rules(studio, anonymous):
    admin = studio.admin
    email = f"Rules-{tag()}@Example.com"
    person = admin.create(
        "persons",
        first_name="Rule",
        last_name="Maker",
        email=email,
        password="a-password-1",
        country="fr",
    )
    assert person["email"] == email.lower() and person["country"] == "FR"
    assert person["timezone"] == "Europe/Paris" and person["locale"] == "en_US"
    assert "password" not in person and person["full_name"] == "Rule Maker"
    anonymous.as_token(None).login(email.lower(), "a-password-1")
    duplicate = admin.post(
        "/data/persons", json={"first_name": "B", "last_name": "C", "email": email}
    )
    assert duplicate.status_code == 400 and duplicate.json()["message"] == "Email already in use."
    for field, value, message in [
        ("email", "not-an-email", None),
        ("country", "XX", "Invalid country code, expected an ISO 3166-1 alpha-2 code."),
        ("role", "boss", None),
        ("display_date_format", "YY", None),
        ("locale", "xx_YY_ZZ", None),
        ("timezone", "Mars/Olympus", None),
    ]:
        response = admin.post(
            "/data/persons", json={"first_name": "B", "last_name": "C", field: value}
        )
        assert response.status_code == 400, field
        if message:
            assert response.json()["message"] == message
    bot = admin.create("persons", first_name="Render", last_name="Bot", email=email, is_bot=True)
    assert bot["access_token"]  # bots may share a human's e-mail
    assert anonymous.as_token(bot["access_token"]).get("/data/projects").status_code == 200


def test_day_offs_do_not_overlap_and_clear_time_spent(studio):
    admin = studio.admin
    artist = studio.people["user"]["id"]
    task = studio.asset_task["id"]
    spent = admin.create(
        "time-spents", task_id=task, person_id=artist, duration=90, date="2040-03-02"
    )
    assert admin.ok("GET", f"/data/tasks/{task}")["duration"] >= 90
    admin.create("day-offs", person_id=artist, date="2040-03-01", end_date="2040-03-05")
    assert admin.get(f"/data/time-spents/{spent['id']}").status_code == 404
    overlap = admin.post(
        "/data/day-offs", json={"person_id": artist, "date": "2040-03-04", "end_date": "2040-03-08"}
    )
    assert overlap.status_code == 400


def test_time_spent_updates_the_task_duration(studio):
    admin = studio.admin
    task = admin.create("tasks", **SAMPLES_BY_ROUTE["tasks"].body(studio))
    artist = studio.people["user"]["id"]
    first = admin.create(
        "time-spents", task_id=task["id"], person_id=artist, duration=60, date="2041-01-01"
    )
    admin.create(
        "time-spents", task_id=task["id"], person_id=artist, duration=30, date="2041-01-02"
    )
    assert admin.ok("GET", f"/data/tasks/{task['id']}")["duration"] == 90
    admin.ok("PUT", f"/data/time-spents/{first['id']}", json={"duration": 120})
    assert admin.ok("GET", f"/data/tasks/{task['id']}")["duration"] == 150
    admin.ok("DELETE", f"/data/time-spents/{first['id']}", 204)
    assert admin.ok("GET", f"/data/tasks/{task['id']}")["duration"] == 30
    events = admin.ok("GET", "/data/events?name=task:update")
    assert any(event["data"]["task_id"] == task["id"] for event in events)


def test_task_creation_rules(studio):
    admin = studio.admin
    body = SAMPLES_BY_ROUTE["tasks"].body(studio)
    task = admin.create("tasks", **{k: v for k, v in body.items() if k != "task_status_id"})
    assert task["name"] == "main" and task["task_status_id"] == studio.statuses["todo"]["id"]
    duplicate = admin.post("/data/tasks", json=body)
    assert duplicate.status_code == 400 and duplicate.json() == {"message": "Task already exists."}
    wrong = admin.post(
        "/data/tasks", json={**body, "task_type_id": studio.task_types["Animation/Shot"]["id"]}
    )
    assert wrong.json()["message"] == "Task type of the task does not match entity type."


def test_assignees_changes_emit_events_and_join_the_team(studio):
    admin = studio.admin
    newcomer = admin.create(
        "persons", first_name="New", last_name=tag(), email=f"new-{tag()}@example.com"
    )
    task = admin.create("tasks", **SAMPLES_BY_ROUTE["tasks"].body(studio))
    admin.ok("PUT", f"/data/tasks/{task['id']}", json={"assignees": [newcomer["id"]]})
    assert newcomer["id"] in admin.ok("GET", f"/data/projects/{studio.project['id']}")["team"]
    admin.ok("PUT", f"/data/tasks/{task['id']}", json={"assignees": []})
    names = [
        e["name"]
        for e in admin.ok("GET", "/data/events?page=1&limit=100")["data"]
        if e["data"].get("task_id") == task["id"] and e["data"].get("person_id") == newcomer["id"]
    ]
    assert sorted(names) == ["task:assign", "task:unassign"]
    notifications = admin.ok("GET", f"/data/notifications?person_id={newcomer['id']}")
    assert [n["notification_type"] for n in notifications] == ["assignation"]
    assert notifications[0]["type"] == "Notification"


def test_entity_data_is_merged_and_names_stay_unique(studio):
    admin = studio.admin
    asset = admin.create(
        "entities",
        name=f"Merge {tag()}",
        project_id=studio.project["id"],
        entity_type_id=studio.types["Prop"],
        data={"a": 1},
    )
    assert asset["type"] == "Asset" and asset["created_by"]
    updated = admin.ok("PUT", f"/data/entities/{asset['id']}", json={"data": {"b": 2}})
    assert updated["data"] == {"a": 1, "b": 2} and updated["type"] == "Asset"
    assert admin.put(f"/data/entities/{asset['id']}", json={"data": [1]}).status_code == 400
    clash = admin.put(
        f"/data/entities/{asset['id']}",
        json={"name": studio.asset["name"], "entity_type_id": studio.asset["entity_type_id"]},
    )
    assert clash.status_code == 400 and "must be unique" in clash.json()["message"]


def test_shot_changes_are_versioned(studio):
    admin = studio.admin
    shot = admin.create(
        "entities",
        name=f"SH {tag()}",
        project_id=studio.project["id"],
        entity_type_id=studio.types["Shot"],
        parent_id=studio.sequence["id"],
        data={"frame_in": 1, "frame_out": 10},
    )
    admin.ok("PUT", f"/data/shots/{shot['id']}", json={"data": {"frame_in": 1, "frame_out": 20}})
    full = admin.ok("GET", f"/data/shots/{shot['id']}")
    assert full["frame_out"] == 20 and full["sequence_name"] == studio.sequence["name"]
    assert full["tasks"] == [] and full["type"] == "Shot"


def test_assets_with_tasks_are_canceled_unless_forced(studio):
    admin = studio.admin
    task = admin.create("tasks", **SAMPLES_BY_ROUTE["tasks"].body(studio))
    asset_id = task["entity_id"]
    admin.ok("DELETE", f"/data/assets/{asset_id}", 204)
    asset = admin.ok("GET", f"/data/assets/{asset_id}")
    assert asset["canceled"] is True and asset["tasks"][0]["id"] == task["id"]
    admin.ok("DELETE", f"/data/assets/{asset_id}?force=true", 204)
    assert admin.get(f"/data/assets/{asset_id}").status_code == 404
    assert admin.get(f"/data/tasks/{task['id']}").status_code == 404


def test_typed_lists(studio):
    admin = studio.admin
    project = studio.project["id"]
    shots = admin.ok("GET", f"/data/shots?project_id={project}")
    assert studio.shot["id"] in [shot["id"] for shot in shots]
    assert all(
        shot["type"] == "Shot" and shot["project_name"] == studio.project["name"] for shot in shots
    )
    by_sequence = admin.ok("GET", f"/data/shots?sequence_id={studio.sequence['id']}")
    assert studio.shot["id"] in [shot["id"] for shot in by_sequence]
    assert {shot["parent_id"] for shot in by_sequence} == {studio.sequence["id"]}
    assets = studio.as_role("user").ok("GET", "/data/assets")
    assert studio.asset["id"] in [asset["id"] for asset in assets]
    assert studio.other_asset["id"] not in [asset["id"] for asset in assets]
    sequences = admin.ok("GET", f"/data/sequences?project_id={project}")
    assert studio.sequence["id"] in [sequence["id"] for sequence in sequences]
    assert {sequence["project_id"] for sequence in sequences} == {project}
    assert studio.as_role("user").get("/data/shots").status_code == 403  # no project given


def test_tvshow_projects_get_a_first_episode(studio):
    admin = studio.admin
    project = admin.create("projects", name=f"Show {tag()}", production_type="tvshow")
    episodes = admin.ok("GET", f"/data/episodes?project_id={project['id']}")
    assert [episode["name"] for episode in episodes] == ["E01"]
    assert project["first_episode_id"] == episodes[0]["id"]


def test_open_projects_are_not_deleted(studio):
    admin = studio.admin
    project = admin.create("projects", name=f"Open {tag()}")
    refused = admin.delete(f"/data/projects/{project['id']}")
    assert (
        refused.status_code == 400
        and refused.json()["message"] == "Only closed projects can be deleted"
    )
    admin.create(
        "entities", name="Kept", project_id=project["id"], entity_type_id=studio.types["Prop"]
    )
    close_project(studio, project)
    assert admin.delete(f"/data/projects/{project['id']}").status_code == 400  # data remain
    admin.ok("DELETE", f"/data/projects/{project['id']}?force=true", 204)
    assert admin.get(f"/data/projects/{project['id']}").status_code == 404


def crud_comment(studio, task: dict, status: str, text: str) -> dict:
    """A comment written through the generic route (no status logic runs)."""
    return studio.admin.create(
        "comments",
        object_id=task["id"],
        object_type="Task",
        person_id=studio.people["admin"]["id"],
        task_status_id=studio.statuses[status]["id"],
        text=text,
    )


def test_forced_task_delete_takes_comments_along(studio):
    admin = studio.admin
    task = admin.create("tasks", **SAMPLES_BY_ROUTE["tasks"].body(studio))
    comment = crud_comment(studio, task, "wip", "WIP")
    assert admin.delete(f"/data/tasks/{task['id']}").status_code == 400
    admin.ok("DELETE", f"/data/tasks/{task['id']}?force=true", 204)
    assert admin.get(f"/data/comments/{comment['id']}").status_code == 404
    deleted = [
        e
        for e in admin.ok("GET", "/data/events?name=task:delete")
        if e["data"]["task_id"] == task["id"]
    ]
    assert deleted[0]["data"]["entity_id"] == task["entity_id"]


def test_comment_update_recomputes_mentions_and_task_status(studio):
    admin = studio.admin
    task = admin.create("tasks", **SAMPLES_BY_ROUTE["tasks"].body(studio))
    comment = crud_comment(studio, task, "todo", "hello")
    artist = studio.people["user"]
    text = f"@{artist['first_name']} {artist['last_name']} please have a look"
    admin.ok(
        "PUT",
        f"/data/comments/{comment['id']}",
        json={"text": text, "task_status_id": studio.statuses["wip"]["id"]},
    )
    read = admin.ok("GET", f"/data/comments/{comment['id']}")
    assert read["mentions"] == [artist["id"]] and read["editor_id"]
    assert (
        read["person"]["full_name"]
        == f"{studio.people['admin']['first_name']} {studio.people['admin']['last_name']}"
    )
    updated_task = admin.ok("GET", f"/data/tasks/{task['id']}")
    assert (
        updated_task["task_status_id"] == studio.statuses["wip"]["id"]
        and updated_task["real_start_date"]
    )


def test_search(studio):
    admin = studio.admin
    found = admin.ok("POST", "/data/search", json={"query": studio.asset["name"][:6], "limit": 10})
    assert studio.asset["id"] in [asset["id"] for asset in found["assets"]]
    assert set(found) == {"assets", "shots", "persons"}
    people = admin.ok(
        "POST", "/data/search", json={"query": "Tester", "index_names": ["persons"], "limit": 20}
    )
    assert set(people) == {"persons"} and people["persons"]
    assert admin.ok("POST", "/data/search", json={"query": "ab"}) == {}
    outsider = studio.as_role("user").ok(
        "POST",
        "/data/search",
        json={"query": studio.other_asset["name"], "index_names": ["assets"]},
    )
    assert outsider == {"assets": []}
    assert admin.post("/data/search", json={"limit": 2}).status_code == 400


def test_files_lookup(studio):
    admin = studio.admin
    working = admin.create("working-files", **SAMPLES_BY_ROUTE["working-files"].body(studio))
    assert admin.ok("GET", f"/data/files/{working['id']}")["type"] == "WorkingFile"
    output = admin.create(
        "output-files",
        **SAMPLES_BY_ROUTE["output-files"].body(studio),
        source_file_id=working["id"],
    )
    found = admin.ok("GET", f"/data/files/{output['id']}")
    assert found["type"] == "OutputFile" and found["source_file"]["id"] == working["id"]
    assert admin.get(f"/data/files/{studio.asset['id']}").status_code == 404
