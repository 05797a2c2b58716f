"""Daily task work: open tasks, comments, replies, acknowledgements, assignment, time spents
(through HTTP and through gazu)."""

from __future__ import annotations

import json

import gazu
import pytest

from .support.studio import unique

DAY = "2026-11-02"


@pytest.fixture(scope="module")
def work(admin, studio):
    """A fresh task of the studio's project, assigned to the artist and the vendor."""
    shot = admin.create(
        "entities", name=unique("SH"), project_id=studio.project["id"],
        entity_type_id=studio.types["Shot"], parent_id=studio.sequence["id"],
    )  # fmt: skip
    task = admin.create(
        "tasks", project_id=studio.project["id"], entity_id=shot["id"],
        task_type_id=studio.task_types["Animation/Shot"]["id"],
        task_status_id=studio.statuses["todo"]["id"],
        assignees=[studio.people["user"]["id"], studio.people["vendor"]["id"]],
    )  # fmt: skip
    return {"task": task, "other": studio.task_elsewhere()}


def _comment(client, task, status, text="hello"):
    return client.ok(
        "POST", f"/actions/tasks/{task['id']}/comment", 201,
        json={"task_status_id": status["id"], "comment": text},
    )  # fmt: skip


# ==== open tasks =============================================================================
def test_open_tasks_filters_pages_and_stats(admin, studio, work):
    project_id = studio.project["id"]
    body = admin.ok("GET", f"/data/tasks/open-tasks?project_id={project_id}")
    assert set(body) == {"data", "stats", "limit", "is_more", "page"}
    ids = [item["id"] for item in body["data"]]
    assert work["task"]["id"] in ids and body["stats"]["total"] == len(ids)
    item = next(item for item in body["data"] if item["id"] == work["task"]["id"])
    assert item["type_name"] == "Animation" and item["status_short_name"] == "todo"
    assert item["entity_type_name"] == "Shot" and item["sequence_name"] == studio.sequence["name"]
    assert sorted(item["assignees"]) == sorted(
        [studio.people["user"]["id"], studio.people["vendor"]["id"]]
    )
    for limit in (1, 0, -5):
        page = admin.ok("GET", f"/data/tasks/open-tasks?project_id={project_id}&limit={limit}")
        assert len(page["data"]) == 1 and page["is_more"] is True and page["limit"] == 1
    mine = admin.ok(
        "GET",
        f"/data/tasks/open-tasks?project_id={project_id}&person_id={studio.people['user']['id']}",
    )
    assert work["task"]["id"] in [item["id"] for item in mine["data"]]
    nobody = admin.ok("GET", f"/data/tasks/open-tasks?project_id={project_id}&person_id=unassigned")
    assert work["task"]["id"] not in [item["id"] for item in nobody["data"]]
    empty = admin.ok("GET", f"/data/tasks/open-tasks?project_id={project_id}&due_date=2000-01-01")
    assert empty["data"] == [] and empty["stats"] == {
        "total_duration": 0, "total_estimation": 0, "total": 0, "status": [],
    }  # fmt: skip
    for query, message in (
        ("person_id=xx", "Wrong UUID format."),
        ("limit=x", "Wrong value for parameter limit."),
    ):
        response = admin.get(f"/data/tasks/open-tasks?{query}")
        assert response.status_code == 400 and response.json()["message"] == message
    stats = admin.ok("GET", "/data/tasks/open-tasks/stats")[project_id]
    assert stats["amount"] == sum(entry["amount"] for entry in stats["task_types"])


def _all_open_task_ids(client, **params) -> list[str]:
    """Every page of the open tasks (the session's studio has several pages of them). Pages
    are read until one is empty: like Zou's, ``is_more`` compares the page's end with the rows
    counted from the page's start, and turns False before the last page."""
    ids, page = [], 1
    while True:
        body = client.ok("GET", "/data/tasks/open-tasks", params={**params, "page": page})
        if not body["data"]:
            return ids
        ids += [item["id"] for item in body["data"]]
        page += 1


@pytest.mark.parametrize("role", ["user", "client", "vendor", "supervisor", "manager"])
def test_open_tasks_per_role(studio, work, role):
    client = studio.as_role(role)
    seen = _all_open_task_ids(client)
    assert work["task"]["id"] in seen
    assert work["other"]["id"] not in seen
    outsider = client.get(f"/data/tasks/open-tasks?project_id={studio.other_project['id']}")
    assert outsider.status_code == 403
    assert studio.other_project["id"] not in client.ok("GET", "/data/tasks/open-tasks/stats")


# ==== comments ===============================================================================
def test_comment_listing_reading_and_client_scope(admin, studio, work):
    task = work["task"]
    artist = _comment(studio.as_role("user"), task, studio.statuses["wip"], "artist note")
    by_client = _comment(studio.as_role("client"), task, studio.statuses["wip"], "client note")
    listing = admin.ok("GET", f"/data/tasks/{task['id']}/comments")
    assert [item["id"] for item in listing][:2] == [by_client["id"], artist["id"]]
    first = listing[1]
    assert first["person"]["id"] == studio.people["user"]["id"]
    assert first["task_status"]["short_name"] == "wip"
    for key in ("acknowledgements", "previews", "mentions", "attachment_files", "replies"):
        assert first[key] == []
    texts = lambda role: [  # noqa: E731
        item["text"]
        for item in studio.as_role(role).ok("GET", f"/data/tasks/{task['id']}/comments")
    ]
    assert "client note" not in texts("user") and "client note" not in texts("vendor")
    assert "client note" in texts("supervisor") and "artist note" not in texts("client")
    one = studio.as_role("user").ok("GET", f"/data/tasks/{task['id']}/comments/{artist['id']}")
    assert one["text"] == "artist note" and "person" not in one
    forbidden = studio.as_role("user").get(f"/data/tasks/{task['id']}/comments/{by_client['id']}")
    assert forbidden.status_code == 403
    elsewhere = admin.get(f"/data/tasks/{work['other']['id']}/comments/{artist['id']}")
    assert elsewhere.status_code == 404
    assert (
        studio.as_role("user").get(f"/data/tasks/{work['other']['id']}/comments").status_code == 403
    )


def test_delete_comment_rules(admin, studio, work):
    task = work["task"]
    comment = _comment(studio.as_role("user"), task, studio.statuses["wip"])
    path = f"/data/tasks/{task['id']}/comments/{comment['id']}"
    for role in ("vendor", "client", "supervisor"):
        assert studio.as_role(role).delete(path).status_code == 403
    # Zou deletes a comment named under another task; kitsu-local answers 404.
    mismatch = f"/data/tasks/{work['other']['id']}/comments/{comment['id']}"
    assert admin.delete(mismatch).status_code == 404
    assert studio.as_role("user").delete(path).status_code == 204
    assert admin.get(path).status_code == 404


def test_ack_toggles_and_notifies_nobody(admin, studio, work):
    task = work["task"]
    comment = _comment(studio.as_role("user"), task, studio.statuses["wip"])
    path = f"/data/tasks/{task['id']}/comments/{comment['id']}/ack"
    for role in ("user", "client", "vendor"):
        acked = studio.as_role(role).ok("POST", path)
        assert studio.people[role]["id"] in acked["acknowledgements"]
    again = studio.as_role("vendor").ok("POST", path)
    assert studio.people["vendor"]["id"] not in again["acknowledgements"]
    outsider = studio.as_role("user").post(
        f"/data/tasks/{work['other']['id']}/comments/{comment['id']}/ack"
    )
    assert outsider.status_code == 403
    # Zou acks a comment of another task than the one named; kitsu-local answers 404.
    mismatch = admin.post(f"/data/tasks/{work['other']['id']}/comments/{comment['id']}/ack")
    assert mismatch.status_code == 404


def test_reply_notifies_and_delete_reply(admin, studio, work):
    task = work["task"]
    comment = _comment(studio.as_role("user"), task, studio.statuses["wip"])
    base = f"/data/tasks/{task['id']}/comments/{comment['id']}"
    reply = studio.as_role("manager").ok("POST", f"{base}/reply", json={"text": "well done"})
    assert reply["text"] == "well done" and reply["person"]["id"] == studio.people["manager"]["id"]
    assert set(reply) >= {
        "id",
        "date",
        "person_id",
        "mentions",
        "department_mentions",
        "created_at",
    }
    notifications = studio.as_role("user").ok("GET", "/data/user/notifications")
    assert any(
        item["notification_type"] == "reply" and item["comment_id"] == comment["id"]
        for item in notifications
    )
    for role in ("vendor", "client"):
        assert studio.as_role(role).ok("POST", f"{base}/reply", json={"text": role})["text"] == role
    bad = admin.post(f"{base}/reply", json={"text": 5})
    assert bad.status_code == 400 and bad.json()["message"] == "Validation error."
    outsider = studio.as_role("user").post(
        f"/data/tasks/{work['other']['id']}/comments/{comment['id']}/reply", json={"text": "x"}
    )
    assert outsider.status_code == 403
    assert studio.as_role("user").delete(f"{base}/reply/{reply['id']}").status_code == 403
    after = studio.as_role("manager").ok("DELETE", f"{base}/reply/{reply['id']}")
    assert reply["id"] not in [item["id"] for item in after["replies"]]
    assert admin.delete(f"{base}/reply/{reply['id']}").status_code == 404


# ==== assignment =============================================================================
def test_assign_and_clear(admin, studio, work):
    shot_task = studio.shot_task
    supervisor = studio.people["supervisor"]["id"]
    task = admin.ok(
        "PUT", f"/actions/tasks/{shot_task['id']}/assign", json={"person_id": supervisor}
    )
    assert supervisor in task["assignees"]
    notifications = studio.as_role("supervisor").ok("GET", "/data/user/notifications")
    assert any(item["notification_type"] == "assignation" for item in notifications)
    unknown = admin.put(
        f"/actions/tasks/{shot_task['id']}/assign", json={"person_id": shot_task["id"]}
    )
    assert unknown.status_code == 400
    assert unknown.json() == {"error": "Assignee doesn't exist in database."}
    for role in ("user", "client", "vendor"):
        response = studio.as_role(role).put(
            f"/actions/tasks/{shot_task['id']}/assign",
            json={"person_id": studio.people[role]["id"]},
        )
        assert response.status_code == 403
    outsider = studio.as_role("manager").put(
        f"/actions/tasks/{work['other']['id']}/assign", json={"person_id": supervisor}
    )
    assert outsider.status_code == 403
    cleared = admin.ok(
        "PUT", "/actions/tasks/clear-assignation",
        json={"task_ids": [shot_task["id"], work["other"]["id"]], "person_id": supervisor},
    )  # fmt: skip
    assert cleared == sorted([shot_task["id"], work["other"]["id"]])
    assert supervisor not in admin.ok("GET", f"/data/tasks/{shot_task['id']}")["assignees"]
    empty = admin.put("/actions/tasks/clear-assignation", json={"task_ids": []})
    assert empty.status_code == 400


@pytest.mark.parametrize("role", ["user", "client", "vendor"])
def test_clear_assignation_per_role(admin, studio, role):
    task = admin.create(
        "tasks", project_id=studio.project["id"], entity_id=studio.asset["id"],
        task_type_id=studio.task_types["Modeling/Asset"]["id"], name=unique("clear"),
        assignees=[studio.people["user"]["id"], studio.people["vendor"]["id"]],
    )  # fmt: skip
    client = studio.as_role(role)
    everyone = client.ok("PUT", "/actions/tasks/clear-assignation", json={"task_ids": [task["id"]]})
    assert everyone == []
    me = studio.people[role]["id"]
    mine = client.ok(
        "PUT", "/actions/tasks/clear-assignation", json={"task_ids": [task["id"]], "person_id": me}
    )
    assert mine == ([] if role == "client" else [task["id"]])


# ==== time spents ============================================================================
def test_time_spents_set_add_remove(admin, studio, work):
    task = work["task"]
    artist = studio.as_role("user")
    person = studio.people["user"]["id"]
    path = f"/actions/tasks/{task['id']}/time-spents/{DAY}/persons/{person}"
    assert artist.ok("POST", path, 201, json={"duration": 60})["duration"] == 60
    assert artist.ok("POST", f"{path}/add", 201, json={"duration": 30})["duration"] == 90
    spents = artist.ok("GET", f"/actions/tasks/{task['id']}/time-spents")
    assert spents["total"] == 90 and spents[person][0]["date"] == DAY
    assert artist.ok("GET", f"/actions/tasks/{task['id']}/time-spents/{DAY}")["total"] == 90
    assert admin.ok("GET", f"/data/tasks/{task['id']}")["duration"] == 90
    # The latest day of the person's time spents and desktop logins (other tests of the
    # session may have logged later days for the studio's artist).
    assert admin.ok("GET", f"/data/persons/{person}")["last_presence"] >= DAY
    zero = artist.post(path, json={"duration": 0})
    assert zero.status_code == 400 and zero.json()["data"]["errors"][0]["field"] == "duration"
    bad_day = artist.post(path.replace(DAY, "2026-13-01"), json={"duration": 5})
    assert bad_day.status_code == 400 and bad_day.json()["message"] == "Invalid date format."
    # Zou answers a 500 for a malformed day in the GET; kitsu-local a 400.
    assert artist.get(f"/actions/tasks/{task['id']}/time-spents/xx").status_code == 400
    removed = artist.ok("DELETE", path, 201)
    assert removed["duration"] == 0
    assert admin.ok("GET", f"/data/tasks/{task['id']}")["duration"] == 0
    assert artist.delete(path).status_code == 404


def test_time_spent_on_a_day_off_is_accepted_as_on_zou(admin, studio, work):
    person = studio.people["vendor"]["id"]
    admin.create("day-offs", person_id=person, date="2026-11-20", end_date="2026-11-20")
    path = f"/actions/tasks/{work['task']['id']}/time-spents/2026-11-20/persons/{person}"
    assert studio.as_role("vendor").ok("POST", path, 201, json={"duration": 15})["duration"] == 15


@pytest.mark.parametrize(
    ("role", "for_self", "for_artist"),
    [("client", 403, 403), ("vendor", 201, 403), ("supervisor", 403, 403), ("manager", 403, 201)],
)
def test_time_spent_permissions(studio, work, role, for_self, for_artist):
    client = studio.as_role(role)
    base = f"/actions/tasks/{work['task']['id']}/time-spents/2026-11-03/persons"
    own = client.post(f"{base}/{studio.people[role]['id']}", json={"duration": 10})
    assert own.status_code == for_self
    artist = client.post(f"{base}/{studio.people['user']['id']}", json={"duration": 10})
    assert artist.status_code == for_artist
    assert client.ok("GET", f"/actions/tasks/{work['task']['id']}/time-spents")["total"] > 0
    outsider = client.get(f"/actions/tasks/{work['other']['id']}/time-spents")
    assert outsider.status_code == 403


# ==== through gazu ===========================================================================
@pytest.fixture(scope="module")
def gazu_comment(gazu_client, studio, work):
    return gazu.task.add_comment(
        work["task"], studio.statuses["wip"], "via gazu", client=gazu_client
    )


def test_gazu_all_open_tasks(gazu_client, admin, work):
    body = gazu.task.all_open_tasks(client=gazu_client)
    assert body["page"] == 1 and body["stats"]["total"] >= len(body["data"]) >= 1
    # The first page of every open task (the session's studio has more than one page).
    first = body["data"][0]
    assert gazu.task.get_task(first["id"], client=gazu_client)["id"] == first["id"]
    assert first["project_name"] and first["type"] == "Task"
    assert work["task"]["id"] in _all_open_task_ids(admin)


def test_gazu_get_open_tasks_stats(gazu_client, studio):
    stats = gazu.task.get_open_tasks_stats(client=gazu_client)[studio.project["id"]]
    assert stats["amount"] >= 1 and stats["task_types"][0]["project_id"] == studio.project["id"]


def test_gazu_all_comments_for_task(gazu_client, work, gazu_comment):
    comments = gazu.task.all_comments_for_task(work["task"], client=gazu_client)
    assert gazu_comment["id"] in [item["id"] for item in comments]


def test_gazu_get_last_comment_for_task(gazu_client, work, gazu_comment):
    last = gazu.task.get_last_comment_for_task(work["task"], client=gazu_client)
    assert last["id"] == gazu_comment["id"] and last["text"] == "via gazu"


def test_gazu_acknowledge_comment(gazu_client, work, gazu_comment):
    acked = gazu.task.acknowledge_comment(work["task"], gazu_comment, client=gazu_client)
    me = gazu.client.get_current_user(client=gazu_client)["id"]
    assert acked["acknowledgements"] == [me]
    assert (
        gazu.task.acknowledge_comment(work["task"], gazu_comment, client=gazu_client)[
            "acknowledgements"
        ]
        == []
    )


def test_gazu_reply_to_comment_and_delete_comment_reply(gazu_client, work, gazu_comment):
    reply = gazu.task.reply_to_comment(work["task"], gazu_comment, "answer", client=gazu_client)
    assert reply["text"] == "answer" and reply["person"]["role"] == "admin"
    after = json.loads(
        gazu.task.delete_comment_reply(work["task"], gazu_comment, reply, client=gazu_client)
    )
    assert after["id"] == gazu_comment["id"] and after["replies"] == []


def test_gazu_set_add_and_get_time_spent(gazu_client, studio, work):
    task, person = work["task"], studio.people["user"]
    spent = gazu.task.set_time_spent(task, person, "2026-11-10", 45, client=gazu_client)
    assert spent["duration"] == 45 and spent["date"] == "2026-11-10"
    added = gazu.task.add_time_spent(task, person, "2026-11-10", 15, client=gazu_client)
    assert added["duration"] == 60 and added["id"] == spent["id"]
    assert gazu.task.get_time_spent(task, "2026-11-10", client=gazu_client)["total"] == 60
    everything = gazu.task.get_time_spent(task, client=gazu_client)
    assert spent["id"] in [item["id"] for item in everything[person["id"]]]
    day = gazu.task.get_task_time_spent_for_date(task, "2026-11-10", client=gazu_client)
    assert day[person["id"]][0]["duration"] == 60


def test_gazu_clear_assignations(gazu_client, admin, studio):
    task = admin.create(
        "tasks", project_id=studio.project["id"], entity_id=studio.asset["id"],
        task_type_id=studio.task_types["Modeling/Asset"]["id"], name=unique("gazu"),
        assignees=[studio.people["user"]["id"], studio.people["vendor"]["id"]],
    )  # fmt: skip
    person = studio.people["user"]
    assert gazu.task.clear_assignations(task, person, client=gazu_client) == [task["id"]]
    assert admin.ok("GET", f"/data/tasks/{task['id']}")["assignees"] == [
        studio.people["vendor"]["id"]
    ]
    assert gazu.task.clear_assignations([task], client=gazu_client) == [task["id"]]
    assert admin.ok("GET", f"/data/tasks/{task['id']}")["assignees"] == []


# ==== events =================================================================================
def test_events_of_the_daily_work(admin, studio):
    task = admin.create(
        "tasks", project_id=studio.project["id"], entity_id=studio.asset["id"],
        task_type_id=studio.task_types["Modeling/Asset"]["id"], name=unique("events"),
    )  # fmt: skip
    supervisor = studio.people["supervisor"]["id"]
    admin.ok("PUT", f"/actions/tasks/{task['id']}/assign", json={"person_id": supervisor})
    path = f"/actions/tasks/{task['id']}/time-spents/{DAY}/persons/{supervisor}"
    spent = admin.ok("POST", path, 201, json={"duration": 20})
    admin.ok("POST", f"{path}/add", 201, json={"duration": 5})
    admin.ok("DELETE", path, 201)
    admin.ok("PUT", "/actions/tasks/clear-assignation", json={"task_ids": [task["id"]]})
    events = admin.ok("GET", f"/data/events/last?project_id={studio.project['id']}&limit=100")
    names = [(event["name"], event["data"]) for event in reversed(events)]
    mine = [
        name for name, data in names
        if data.get("task_id") == task["id"] or data.get("time_spent_id") == spent["id"]
    ]  # fmt: skip
    assigned = [name for name in mine if name not in ("task:update", "task:new")]
    assert assigned == [
        "task:assign", "time-spent:new", "time-spent:update", "time-spent:delete", "task:unassign",
    ]  # fmt: skip
    assert ("task:assign", {"task_id": task["id"], "person_id": supervisor,
                            "project_id": studio.project["id"]}) in names  # fmt: skip


def test_to_review_as_the_api_reference_describes_it(admin, studio):
    """Zou 1.0.97 dropped this route (404 there); kitsu-local serves it as Zou 0.20 did."""
    shot = admin.create(
        "entities", name=unique("SH"), project_id=studio.project["id"],
        entity_type_id=studio.types["Shot"], parent_id=studio.sequence["id"],
    )  # fmt: skip
    task = admin.create(
        "tasks", project_id=studio.project["id"], entity_id=shot["id"],
        task_type_id=studio.task_types["Animation/Shot"]["id"],
        task_status_id=studio.statuses["todo"]["id"], assignees=[studio.people["user"]["id"]],
    )  # fmt: skip
    path = f"/actions/tasks/{task['id']}/to-review"
    artist = studio.as_role("user")
    answer = artist.ok("PUT", path, json={"comment": "ready", "revision": 2})
    status = admin.ok("GET", f"/data/task-status/{answer['task_status_id']}")
    assert (status["name"], status["short_name"]) == ("To review", "pndng")
    assert answer["id"] == task["id"] and answer["comment"] == "ready"
    assert answer["person"]["id"] == studio.people["user"]["id"]
    assert answer["entity"]["id"] == shot["id"] and answer["entity_type"]["name"] == "Shot"
    assert answer["project"]["id"] == studio.project["id"]
    assert answer["preview_path"] == {"folder_path": "", "file_name": ""}  # no file tree
    events = admin.ok("GET", "/data/events/last", params={"name": "task:to-review"})
    assert events[0]["data"]["previous_task_status_id"] == studio.statuses["todo"]["id"]
    kept = admin.ok(
        "PUT", path, json={"change_status": False, "person_id": studio.people["manager"]["id"]}
    )
    assert kept["task_status_id"] == status["id"] and kept["person"]["role"] == "manager"
    unknown = admin.put(path, json={"person_id": "5b9fe6c7-8e8b-4c65-9a5c-4a4b6e4f2d11"})
    assert (unknown.status_code, unknown.json()["message"]) == (400, "Cannot find given person.")
    assert admin.put(path, json={"revision": -1}).status_code == 400
    assert (
        studio.as_role("vendor")
        .put(f"/actions/tasks/{studio.shot_task['id']}/to-review", json={})
        .status_code
        == 403
    )
    other = studio.task_elsewhere()
    assert artist.put(f"/actions/tasks/{other['id']}/to-review", json={}).status_code == 403
