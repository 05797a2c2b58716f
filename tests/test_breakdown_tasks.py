"""The tasks of the breakdown: boards with tasks, entity tasks and task types, bulk task creation
and deletion, comment-many and episode stats, through HTTP and through gazu, role by role; and
the bulk routes' statement counts, the same for 10 rows and for 500."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import gazu
import pytest

from .support.api import Api
from .support.studio import Studio, unique

MISSING = "5b9fe6c7-8e8b-4c65-9a5c-4a4b6e4f2d11"


@dataclass
class Board:
    """A TV show: episode E1 > sequence SQ > shots SH1, SH2 and scene SC; an edit of E1, an
    asset from E1, a concept linked to the studio asset; tasks (the artist on SH1 animation,
    the vendor on SH2 animation)."""

    project: dict[str, Any]
    ids: dict[str, str] = field(default_factory=dict)  # name -> entity or task id


def _entity(admin: Api, studio: Studio, project: dict, kind: str, name: str, **values: Any) -> dict:
    return admin.create(
        "entities", name=name, project_id=project["id"], entity_type_id=studio.types[kind],
        **values,
    )  # fmt: skip


@pytest.fixture(scope="module")
def board(admin: Api, studio: Studio) -> Board:
    for kind in ("Episode", "Scene", "Edit", "Concept"):
        if kind not in studio.types:
            studio.types[kind] = admin.create("entity-types", name=kind)["id"]
    team = [person["id"] for role, person in studio.people.items() if role != "admin"]
    project = admin.create("projects", name=unique("Board"), production_type="tvshow", team=team)
    board = Board(project=project)
    ids = board.ids
    ids["E1"] = _entity(admin, studio, project, "Episode", "E1")["id"]
    ids["SQ"] = _entity(admin, studio, project, "Sequence", "SQ", parent_id=ids["E1"])["id"]
    for name in ("SH1", "SH2"):
        ids[name] = _entity(
            admin, studio, project, "Shot", name, parent_id=ids["SQ"], nb_frames=24,
            data={"frame_in": 1, "frame_out": 24},
        )["id"]  # fmt: skip
    ids["SC"] = _entity(admin, studio, project, "Scene", "SC", parent_id=ids["SQ"])["id"]
    ids["ED"] = _entity(admin, studio, project, "Edit", "ED", parent_id=ids["E1"])["id"]
    ids["A1"] = _entity(admin, studio, project, "Prop", "A1", source_id=ids["E1"])["id"]
    ids["CO"] = _entity(
        admin, studio, project, "Concept", "CO", entity_concept_links=[ids["A1"]]
    )["id"]  # fmt: skip
    todo = studio.statuses["todo"]["id"]
    types = studio.task_types
    for name, entity, task_type, assignees in (
        ("SH1/Animation", "SH1", "Animation/Shot", [studio.people["user"]["id"]]),
        ("SH1/Layout", "SH1", "Layout/Shot", []),
        ("SH2/Animation", "SH2", "Animation/Shot", [studio.people["vendor"]["id"]]),
        ("A1/Modeling", "A1", "Modeling/Asset", []),
    ):
        ids[name] = admin.create(
            "tasks", project_id=project["id"], entity_id=ids[entity],
            task_type_id=types[task_type]["id"], task_status_id=todo, assignees=assignees,
        )["id"]  # fmt: skip
    for name, entity, for_entity in (("ED/Edit", "ED", "Edit"), ("CO/Concept", "CO", "Concept")):
        task_type = next((t for k, t in types.items() if k.endswith(f"/{for_entity}")), None)
        if task_type is None:
            task_type = admin.create("task-types", name=unique(for_entity), for_entity=for_entity)
            types[f"{task_type['name']}/{for_entity}"] = task_type
        ids[name] = admin.create(
            "tasks", project_id=project["id"], entity_id=ids[entity],
            task_type_id=task_type["id"], task_status_id=todo,
        )["id"]  # fmt: skip
        ids[f"type:{for_entity}"] = task_type["id"]
    for type_name in ("Animation/Shot", "Layout/Shot", "Modeling/Asset"):
        admin.ok(
            "POST", f"/data/projects/{project['id']}/settings/task-types", 201,
            json={"task_type_id": types[type_name]["id"]},
        )  # fmt: skip
    return board


@pytest.fixture
def gazu_admin(server, admin):
    gazu.set_host(server.api)
    gazu.client.default_client.tokens = {"access_token": admin.token}
    yield gazu.client.default_client


def _names(items: list[dict]) -> list[str]:
    return sorted(item["name"] for item in items)


def _task_ids(items: list[dict]) -> set[str]:
    return {item["id"] for item in items}


# ==== boards =================================================================================
def test_shots_board(admin, board, studio):
    rows = admin.ok("GET", f"/data/shots/with-tasks?project_id={board.project['id']}")
    assert [row["name"] for row in rows] == ["SH1", "SH2"]
    sh1 = rows[0]
    assert sh1["sequence_name"] == "SQ" and sh1["episode_name"] == "E1"
    assert sh1["frame_in"] == 1 and sh1["type"] == "Shot" and sh1["nb_frames"] == 24
    tasks = {task["id"]: task for task in sh1["tasks"]}
    animation = tasks[board.ids["SH1/Animation"]]
    assert animation["assignees"] == [studio.people["user"]["id"]]
    assert animation["is_subscribed"] is False and animation["priority"] == 0
    assert set(animation) == {
        "id", "duration", "due_date", "end_date", "done_date", "entity_id", "estimation",
        "is_subscribed", "last_comment_date", "last_preview_file_id", "nb_assets_ready",
        "priority", "real_start_date", "retake_count", "start_date", "difficulty",
        "nb_drawings", "task_status_id", "task_type_id", "assignees", "data",
    }  # fmt: skip
    narrowed = admin.ok(
        "GET", f"/data/shots/with-tasks?project_id={board.project['id']}&episode_id={MISSING}"
    )
    assert narrowed == []


def test_assets_board(admin, board):
    project_id = board.project["id"]
    rows = admin.ok("GET", f"/data/assets/with-tasks?project_id={project_id}")
    asset = next(row for row in rows if row["id"] == board.ids["A1"])
    assert asset["episode_id"] == board.ids["E1"] and asset["ready_for"] == "None"
    assert [task["id"] for task in asset["tasks"]] == [board.ids["A1/Modeling"]]
    assert "type" not in asset
    main = admin.ok("GET", f"/data/assets/with-tasks?project_id={project_id}&episode_id=main")
    assert board.ids["A1"] not in _task_ids(main)
    in_episode = f"/data/assets/with-tasks?project_id={project_id}&episode_id={board.ids['E1']}"
    assert _task_ids(admin.ok("GET", in_episode)) == {board.ids["A1"]}


@pytest.mark.parametrize(
    ("route", "names"),
    [("sequences", ["SQ"]), ("episodes", ["E01", "E1"]), ("scenes", ["SC"]), ("edits", ["ED"]),
     ("concepts", ["CO"])],
)  # fmt: skip
def test_other_boards(admin, board, route, names):
    rows = admin.ok("GET", f"/data/{route}/with-tasks?project_id={board.project['id']}")
    assert [row["name"] for row in rows] == names
    if route == "edits":
        assert rows[0]["episode_name"] == "E1" and rows[0]["type"] == "Edit"
        assert _task_ids(rows[0]["tasks"]) == {board.ids["ED/Edit"]}
    if route == "concepts":
        assert rows[0]["entity_concept_links"] == [board.ids["A1"]]
        assert _task_ids(rows[0]["tasks"]) == {board.ids["CO/Concept"]}
    if route == "sequences":
        assert rows[0]["episode_id"] == board.ids["E1"] and rows[0]["status"] == "running"


def test_vendor_sees_only_their_shots_and_tasks(studio, board):
    vendor = studio.as_role("vendor")
    rows = vendor.ok("GET", f"/data/shots/with-tasks?project_id={board.project['id']}")
    assert [row["name"] for row in rows] == ["SH2"]
    assert _task_ids(rows[0]["tasks"]) == {board.ids["SH2/Animation"]}


def test_vendor_sees_the_sequences_and_episodes_of_their_shots(studio, board):
    vendor = studio.as_role("vendor")
    project_id = board.project["id"]
    sequences = vendor.ok("GET", f"/data/sequences/with-tasks?project_id={project_id}")
    assert [(row["name"], row["tasks"]) for row in sequences] == [("SQ", [])]
    episodes = vendor.ok("GET", f"/data/episodes/with-tasks?project_id={project_id}")
    assert [row["name"] for row in episodes] == ["E1"]
    artist = studio.as_role("user").ok("GET", f"/data/episodes/with-tasks?project_id={project_id}")
    assert [row["name"] for row in artist] == ["E01", "E1"]


def test_vendor_metadata_is_masked(admin, studio, board):
    """A descriptor restricted to a department the vendor is not in: its value is hidden."""
    project_id = board.project["id"]
    department = admin.create("departments", name=unique("Lighting dept"), color="#000000")
    descriptor = admin.ok(
        "POST", f"/data/projects/{project_id}/metadata-descriptors", 201,
        json={"entity_type": "Shot", "name": unique("Secret"), "departments": [department["id"]]},
    )  # fmt: skip
    field = descriptor["field_name"]
    admin.ok("PUT", f"/data/entities/{board.ids['SH2']}", json={"data": {field: "x", "fps": 25}})
    rows = studio.as_role("vendor").ok("GET", f"/data/shots/with-tasks?project_id={project_id}")
    assert field not in rows[0]["data"] and rows[0]["fps"] == 25
    seen = admin.ok("GET", f"/data/shots/with-tasks?project_id={project_id}")
    assert next(row for row in seen if row["name"] == "SH2")["data"][field] == "x"


def test_client_reads_tasks_blank(studio, board):
    client = studio.as_role("client")
    rows = client.ok("GET", f"/data/shots/with-tasks?project_id={board.project['id']}")
    animation = next(t for t in rows[0]["tasks"] if t["id"] == board.ids["SH1/Animation"])
    assert animation["assignees"] == [] and animation["difficulty"] is None
    tasks = client.ok("GET", f"/data/shots/{board.ids['SH1']}/tasks?relations=true")
    assert all(task["assignees"] == [] for task in tasks)


def test_compact_and_streamed_boards(admin, board):
    path = f"/data/shots/with-tasks?project_id={board.project['id']}"
    compact = admin.ok("GET", path + "&compact=true")
    assert compact["shot_fields"][9] == "id" and compact["task_fields"][0] == "id"
    assert [row[10] for row in compact["rows"]] == ["SH1", "SH2"]
    assert {task[0] for task in compact["rows"][0][-1]} >= {board.ids["SH1/Animation"]}
    streamed = admin.get(path + "&stream=true")
    assert streamed.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in streamed.text.splitlines()]
    assert lines[0] == {"compact": False} and [line["name"] for line in lines[1:]] == ["SH1", "SH2"]


def test_bad_board_filters(admin, board):
    wrong = admin.get("/data/shots/with-tasks?project_id=nope")
    assert wrong.status_code == 400
    assert wrong.json()["message"] == "Invalid UUID format for project_id: nope"


# ==== entity tasks and task types ============================================================
def test_entity_task_lists(admin, board):
    ids = board.ids
    tasks = admin.ok("GET", f"/data/shots/{ids['SH1']}/tasks?relations=true")
    assert _task_ids(tasks) == {ids["SH1/Animation"], ids["SH1/Layout"]}
    first = tasks[0]
    assert first["entity_name"] == "SH1" and first["project_name"] == board.project["name"]
    assert {"task_type_name", "task_status_name", "entity_type_name", "assignees"} <= set(first)
    plain = admin.ok("GET", f"/data/shots/{ids['SH1']}/tasks")
    assert "assignees" not in plain[0]
    shot_tasks = admin.ok("GET", f"/data/sequences/{ids['SQ']}/shot-tasks")
    assert _task_ids(shot_tasks) == {ids["SH1/Animation"], ids["SH1/Layout"], ids["SH2/Animation"]}
    assert _task_ids(admin.ok("GET", f"/data/episodes/{ids['E1']}/shot-tasks")) == _task_ids(
        shot_tasks
    )
    assert _task_ids(admin.ok("GET", f"/data/episodes/{ids['E1']}/asset-tasks")) == {
        ids["A1/Modeling"]
    }
    assert _task_ids(admin.ok("GET", f"/data/episodes/{ids['E1']}/edit-tasks")) == {ids["ED/Edit"]}
    assert admin.ok("GET", f"/data/sequences/{ids['SQ']}/tasks") == []
    # the wrong kind is unknown
    assert admin.get(f"/data/assets/{ids['SH1']}/tasks").status_code == 404


def test_entity_task_types(admin, board, studio):
    ids = board.ids
    animation = studio.task_types["Animation/Shot"]["name"]
    layout = studio.task_types["Layout/Shot"]["name"]
    assert _names(admin.ok("GET", f"/data/shots/{ids['SH1']}/task-types")) == sorted(
        [animation, layout]
    )
    assert _names(admin.ok("GET", f"/data/sequences/{ids['SQ']}/task-types")) == sorted(
        [animation, layout]
    )
    assert _names(admin.ok("GET", f"/data/episodes/{ids['E1']}/task-types")) == sorted(
        [animation, layout]
    )
    assert admin.ok("GET", f"/data/scenes/{ids['SC']}/task-types") == []
    project_types = admin.ok("GET", f"/data/projects/{board.project['id']}/task-types")
    assert {t["id"] for t in project_types} == {
        studio.task_types[name]["id"]
        for name in ("Animation/Shot", "Layout/Shot", "Modeling/Asset")
    }


def test_project_tasks(admin, board):
    project_id = board.project["id"]
    tasks = admin.ok("GET", f"/data/projects/{project_id}/tasks")
    assert len(tasks) == 6 and all("assignees" in task for task in tasks)
    page = admin.ok("GET", f"/data/projects/{project_id}/tasks?page=1")
    assert page["total"] == 6 and page["page"] == 1 and len(page["data"]) == 6
    in_episode = admin.ok("GET", f"/data/projects/{project_id}/tasks?episode_id={board.ids['E1']}")
    assert _task_ids(in_episode) == {
        board.ids[name] for name in ("SH1/Animation", "SH1/Layout", "SH2/Animation")
    }


def test_episode_stats(admin, board, studio):
    project_id = board.project["id"]
    stats = admin.ok("GET", f"/data/projects/{project_id}/episodes/stats")
    todo = studio.statuses["todo"]["id"]
    animation = studio.task_types["Animation/Shot"]["id"]
    assert stats[board.ids["E1"]][animation][todo]["count"] == 2
    assert stats[board.ids["E1"]][animation][todo]["frames"] == 48
    assert stats["all"]["all"][todo]["count"] == 3
    retakes = admin.ok("GET", f"/data/projects/{project_id}/episodes/retake-stats")
    assert retakes["all"]["all"]["other"]["count"] == 3
    assert retakes[board.ids["E1"]][animation]["max_retake_count"] == 0


# ==== permissions ============================================================================
OK, DENIED = 200, 403
READS = {
    # path -> {role: status}; the others of ROLES answer 200
    "/data/shots/with-tasks?project_id={project}": {},
    "/data/assets/with-tasks?project_id={project}": {},
    "/data/sequences/with-tasks?project_id={project}": {},
    "/data/episodes/with-tasks?project_id={project}": {},
    "/data/scenes/with-tasks?project_id={project}": {"vendor": DENIED},
    "/data/edits/with-tasks?project_id={project}": {},
    "/data/concepts/with-tasks?project_id={project}": {"vendor": DENIED, "client": DENIED},
    "/data/shots/{SH1}/tasks": {"vendor": DENIED},
    "/data/shots/{SH2}/task-types": {},
    "/data/assets/{A1}/tasks": {"vendor": DENIED},
    "/data/assets/{A1}/task-types": {"vendor": DENIED},
    "/data/sequences/{SQ}/tasks": {"vendor": DENIED},
    "/data/sequences/{SQ}/task-types": {"vendor": DENIED},
    "/data/sequences/{SQ}/shot-tasks": {"vendor": DENIED},
    "/data/episodes/{E1}/tasks": {"vendor": DENIED},
    "/data/episodes/{E1}/task-types": {"vendor": DENIED},
    "/data/episodes/{E1}/shot-tasks": {"vendor": DENIED},
    "/data/episodes/{E1}/asset-tasks": {"vendor": DENIED},
    "/data/episodes/{E1}/edit-tasks": {"vendor": DENIED},
    "/data/scenes/{SC}/tasks": {"vendor": DENIED},
    "/data/scenes/{SC}/task-types": {"vendor": DENIED},
    "/data/edits/{ED}/tasks": {"vendor": DENIED},
    "/data/edits/{ED}/task-types": {"vendor": DENIED},
    "/data/concepts/{CO}/tasks": {"vendor": DENIED, "client": DENIED},
    "/data/concepts/{CO}/task-types": {"vendor": DENIED, "client": DENIED},
    "/data/entities/{SH1}/task-types/{type:Concept}/tasks": {},
    "/data/entities/{A1}/entities-linked/with-tasks": {"vendor": DENIED},
    "/data/projects/{project}/tasks": {},
    "/data/projects/{project}/task-types": {},
    "/data/projects/{project}/episodes/stats": {},
    "/data/projects/{project}/episodes/retake-stats": {"client": DENIED},
}


def _fill(path: str, board: Board) -> str:
    path = path.replace("{project}", board.project["id"])
    for name, value in board.ids.items():
        path = path.replace("{" + name + "}", value)
    return path


@pytest.mark.parametrize("role", ["user", "client", "vendor", "supervisor", "manager"])
@pytest.mark.parametrize("path", list(READS))
def test_reads_per_role(studio, board, role, path):
    expected = READS[path].get(role, OK)
    assert studio.as_role(role).get(_fill(path, board)).status_code == expected


@pytest.mark.parametrize("role", ["user", "client", "vendor", "manager"])
@pytest.mark.parametrize("path", [path for path in READS if "{project}" in path])
def test_outsider_is_refused(studio, role, path):
    """A team member reading a project they are not in: 403."""
    outsider = path.replace("{project}", studio.other_project["id"])
    assert studio.as_role(role).get(outsider).status_code == DENIED


@pytest.mark.parametrize("role", ["user", "client", "vendor", "manager"])
def test_outsider_entity_reads(studio, role):
    asset = studio.other_asset["id"]
    for path in (f"/data/assets/{asset}/tasks", f"/data/assets/{asset}/task-types",
                 f"/data/entities/{asset}/entities-linked/with-tasks"):  # fmt: skip
        assert studio.as_role(role).get(path).status_code == DENIED


@pytest.mark.parametrize("role", ["user", "client", "vendor", "supervisor"])
def test_bulk_writes_need_a_manager(studio, board, role):
    api = studio.as_role(role)
    project_id = board.project["id"]
    layout = studio.task_types["Layout/Shot"]["id"]
    base = f"/actions/projects/{project_id}/task-types/{layout}"
    assert api.post(f"{base}/shots/create-tasks", json=[]).status_code == DENIED
    assert api.post(f"{base}/create-tasks/shot", json=[]).status_code == DENIED
    assert api.delete(f"{base}/delete-tasks").status_code == DENIED
    deleted = api.post(f"/actions/projects/{project_id}/delete-tasks", json=[MISSING])
    assert deleted.status_code == DENIED


@pytest.mark.parametrize("role", ["user", "client", "vendor", "manager"])
def test_outsider_bulk_writes(studio, role):
    api = studio.as_role(role)
    project_id = studio.other_project["id"]
    layout = studio.task_types["Layout/Shot"]["id"]
    base = f"/actions/projects/{project_id}/task-types/{layout}"
    assert api.post(f"{base}/shots/create-tasks", json=[]).status_code == DENIED
    assert api.post(f"/actions/projects/{project_id}/delete-tasks", json=[]).status_code == DENIED
    concept = api.post(f"{base}/concepts/create-tasks", json=[])
    assert concept.status_code == DENIED


# ==== bulk creation, deletion, comments ======================================================
def test_create_tasks_is_idempotent(admin, board, studio):
    project_id = board.project["id"]
    lighting = studio.task_types.get("Lighting/Shot") or admin.create(
        "task-types", name=unique("Lighting"), for_entity="Shot"
    )
    base = f"/actions/projects/{project_id}/task-types/{lighting['id']}"
    created = admin.ok("POST", f"{base}/shots/create-tasks", 201, json=[board.ids["SH1"]])
    assert [task["entity_id"] for task in created] == [board.ids["SH1"]]
    task = created[0]
    assert task["name"] == "main" and task["assignees"] == [] and task["task_status_name"]
    me = admin.ok("GET", "/auth/authenticated")["user"]["id"]
    assert task["assigner_id"] == me
    rest = admin.ok("POST", f"{base}/shots/create-tasks", 201)
    assert {t["entity_id"] for t in rest} == {board.ids["SH2"]}
    assert admin.ok("POST", f"{base}/create-tasks/shot", 201, json=[]) == []  # none twice
    events = admin.ok("GET", "/data/events?name=task:new")
    assert {e["data"]["task_id"] for e in events if e["name"] == "task:new"} >= {
        task["id"],
        rest[0]["id"],
    }
    assert admin.post(f"{base}/shots/create-tasks", json=[MISSING]).status_code == 404
    assert admin.post(f"{base}/shots/create-tasks", json=["nope"]).status_code == 400
    assert admin.post(f"{base}/create-tasks/unknown", json=[]).status_code == 404
    admin.ok("DELETE", f"{base}/delete-tasks", 204)
    assert (
        admin.ok("GET", f"/data/entities/{board.ids['SH1']}/task-types/{lighting['id']}/tasks")
        == []
    )


def test_delete_tasks(admin, board, studio):
    project_id = board.project["id"]
    task = admin.create(
        "tasks", project_id=project_id, entity_id=board.ids["SH2"],
        task_type_id=studio.task_types["Layout/Shot"]["id"],
        task_status_id=studio.statuses["todo"]["id"],
    )  # fmt: skip
    other = studio.asset_task["id"]  # another project's task stays
    assert admin.ok("POST", f"/actions/projects/{project_id}/delete-tasks", json=[task["id"], other]) == [
        task["id"], other
    ]  # fmt: skip
    assert admin.get(f"/data/tasks/{task['id']}").status_code == 404
    assert admin.get(f"/data/tasks/{other}").status_code == 200
    wrong = admin.post(f"/actions/projects/{project_id}/delete-tasks", json={"a": 1})
    assert wrong.json()["message"] == "Request body must be a JSON array."


def test_comment_many(admin, board, studio):
    project_id = board.project["id"]
    wip = studio.statuses["wip"]["id"]
    body = [
        {"object_id": board.ids["SH1/Layout"], "task_status_id": wip, "comment": "first"},
        {"object_id": board.ids["A1/Modeling"], "task_status_id": wip, "comment": "second"},
        {"object_id": board.ids["A1/Modeling"], "task_status_id": wip},  # no text: skipped
    ]
    created = admin.ok("POST", f"/actions/projects/{project_id}/tasks/comment-many", 201, json=body)
    assert [c["text"] for c in created] == ["first", "second"]
    assert created[0]["task_status"]["id"] == wip and created[0]["person"]["role"] == "admin"
    task = admin.ok("GET", f"/data/tasks/{board.ids['SH1/Layout']}")
    assert task["task_status_id"] == wip and task["real_start_date"] is not None
    comment_events = admin.ok("GET", "/data/events?name=comment:new")
    assert {e["data"]["comment_id"] for e in comment_events} >= {c["id"] for c in created}
    changes = admin.ok("GET", "/data/events?name=task:status-changed")
    assert board.ids["SH1/Layout"] in {e["data"]["task_id"] for e in changes}


def test_comment_many_as_artist_keeps_their_tasks(studio, board):
    artist = studio.as_role("user")
    project_id = board.project["id"]
    wip = studio.statuses["wip"]["id"]
    body = [
        {"object_id": board.ids["SH1/Animation"], "task_status_id": wip, "comment": "mine"},
        {"object_id": board.ids["SH2/Animation"], "task_status_id": wip, "comment": "not mine"},
    ]
    created = artist.ok(
        "POST", f"/actions/projects/{project_id}/tasks/comment-many", 201, json=body
    )
    assert [c["text"] for c in created] == ["mine"]
    outsider = artist.post(
        f"/actions/projects/{studio.other_project['id']}/tasks/comment-many", json=body
    )
    assert outsider.status_code == 201 and [c["text"] for c in outsider.json()] == ["mine"]


def test_comment_many_hashtags_and_mentions(admin, board, studio):
    """``#all`` copies the comment to the entity's other tasks; ``@Full Name`` notifies."""
    project_id = board.project["id"]
    wip = studio.statuses["wip"]["id"]
    artist = studio.people["user"]
    text = f"see #all @{artist['first_name']} {artist['last_name']}"
    body = [{"object_id": board.ids["SH1/Layout"], "task_status_id": wip, "comment": text}]
    created = admin.ok("POST", f"/actions/projects/{project_id}/tasks/comment-many", 201, json=body)
    assert len(created) == 1 and created[0]["mentions"] == [artist["id"]]
    copies = admin.ok("GET", f"/data/comments?object_id={board.ids['SH1/Animation']}")
    assert any(c["text"].startswith(text) and "From " in c["text"] for c in copies)
    notified = admin.ok("GET", f"/data/notifications?person_id={artist['id']}")
    assert created[0]["id"] in {n["comment_id"] for n in notified}


def test_comment_many_manager_rights_stop_at_the_project(admin, board, studio):
    """A deliberate difference: Zou lets a manager of the project in the URL comment on the
    tasks of any project; here the manager's rights cover that project's tasks only."""
    task = studio.task_elsewhere(task_status_id=studio.statuses["todo"]["id"])
    wip = studio.statuses["wip"]["id"]
    body = [{"object_id": task["id"], "task_status_id": wip, "comment": "elsewhere"}]
    manager = studio.as_role("manager")
    path = f"/actions/projects/{board.project['id']}/tasks/comment-many"
    assert manager.ok("POST", path, 201, json=body) == []
    assert admin.ok("GET", f"/data/tasks/{task['id']}")["task_status_id"] != wip


def test_comment_many_refuses_bad_bodies(admin, board):
    path = f"/actions/projects/{board.project['id']}/tasks/comment-many"
    assert admin.post(path, json={"a": 1}).json()["message"] == "Request body must be a JSON array."
    wrong = admin.post(path, json=[{"object_id": "x"}])
    assert wrong.status_code == 400 and wrong.json()["data"]["errors"][0]["field"] == "0.object_id"
    assert admin.post(path, json=[{"object_id": MISSING, "task_status_id": MISSING,
                                   "comment": "a"}]).status_code == 404  # fmt: skip


# ==== through gazu ===========================================================================
def test_gazu_task_lists(gazu_admin, board):
    ids = board.ids
    task = gazu.task
    assert _task_ids(task.all_tasks_for_shot(ids["SH1"])) == {
        ids["SH1/Animation"],
        ids["SH1/Layout"],
    }
    assert task.all_tasks_for_sequence(ids["SQ"]) == []
    assert task.all_tasks_for_scene(ids["SC"]) == []
    assert _task_ids(task.all_tasks_for_asset(ids["A1"])) == {ids["A1/Modeling"]}
    assert task.all_tasks_for_episode(ids["E1"]) == []
    assert _task_ids(task.all_tasks_for_edit(ids["ED"])) == {ids["ED/Edit"]}
    assert _task_ids(task.all_tasks_for_concept(ids["CO"])) == {ids["CO/Concept"]}
    shot_tasks = task.all_shot_tasks_for_sequence(ids["SQ"], relations=True)
    assert ids["SH2/Animation"] in _task_ids(shot_tasks)
    assert all("assignees" in item for item in shot_tasks)
    episode_tasks = task.all_shot_tasks_for_episode(ids["E1"])
    assert _task_ids(episode_tasks) == _task_ids(shot_tasks), (episode_tasks, shot_tasks)
    assert _task_ids(task.all_assets_tasks_for_episode(ids["E1"])) == {ids["A1/Modeling"]}
    layout_type = next(
        t for t in task.all_tasks_for_shot(ids["SH1"]) if t["id"] == ids["SH1/Layout"]
    )
    found = task.all_tasks_for_entity_and_task_type(ids["SH1"], layout_type["task_type_id"])
    assert [t["id"] for t in found] == [ids["SH1/Layout"]]
    project_tasks = task.all_tasks_for_project(board.project["id"])
    assert ids["CO/Concept"] in _task_ids(project_tasks)


def test_gazu_task_types(gazu_admin, board, studio):
    ids = board.ids
    task = gazu.task
    animation = studio.task_types["Animation/Shot"]["name"]
    assert animation in _names(task.all_task_types_for_shot(ids["SH2"]))
    assert animation in _names(task.all_task_types_for_sequence(ids["SQ"]))
    assert animation in _names(task.all_task_types_for_episode(ids["E1"]))
    assert task.all_task_types_for_scene(ids["SC"]) == []
    assert [t["id"] for t in task.all_task_types_for_asset(ids["A1"])] == [
        studio.task_types["Modeling/Asset"]["id"]
    ]
    assert [t["id"] for t in task.all_task_types_for_concept(ids["CO"])] == [ids["type:Concept"]]
    assert animation in _names(task.all_task_types_for_project(board.project["id"]))


def test_gazu_linked_entities(gazu_admin, board):
    linked = gazu.entity.all_entities_with_tasks_linked_to_entity(board.ids["A1"])
    assert [item["id"] for item in linked] == [board.ids["CO"]]
    assert linked[0]["type"] == "Concept" and _task_ids(linked[0]["tasks"]) == {
        board.ids["CO/Concept"]
    }


def test_gazu_create_multiple_comments(gazu_admin, board, studio, tmp_path):
    """gazu sends a multipart form (a ``comments`` part): Zou 1.0.97 refuses it with 400, we
    take it (a deliberate difference), attachments included."""
    note = tmp_path / "note.txt"
    note.write_text("notes")
    wfa = studio.statuses["wfa"]["id"]
    comments = gazu.task.create_multiple_comments(
        board.project["id"],
        [{"task_id": board.ids["SH2/Animation"], "task_status_id": wfa, "comment": "look",
          "attachment_files": [str(note)]}],
    )  # fmt: skip
    assert [c["text"] for c in comments] == ["look"]
    assert comments[0]["task_status"]["short_name"] == "wfa"
    task = gazu.task.get_task(board.ids["SH2/Animation"])
    assert task["task_status_id"] == wfa


def test_gazu_remove_tasks(gazu_admin, board, studio, admin):
    project_id = board.project["id"]
    layout = studio.task_types["Layout/Shot"]["id"]
    created = admin.ok(
        "POST", f"/actions/projects/{project_id}/task-types/{layout}/shots/create-tasks", 201,
        json=[board.ids["SH2"]],
    )  # fmt: skip
    response = gazu.task.remove_tasks_batch(project_id, [created[0]["id"]])
    assert response == [created[0]["id"]]
    assert admin.get(f"/data/tasks/{created[0]['id']}").status_code == 404
    fx = admin.create("task-types", name=unique("FX"), for_entity="Shot")
    admin.ok(
        "POST", f"/actions/projects/{project_id}/task-types/{fx['id']}/shots/create-tasks", 201
    )
    gazu.task.remove_tasks_for_type(project_id, fx["id"])
    assert admin.ok("GET", f"/data/projects/{project_id}/tasks?task_type_id={fx['id']}") == []


def test_statement_count_is_off_by_default(admin, board):
    response = admin.get(f"/data/shots/with-tasks?project_id={board.project['id']}")
    assert "x-query-count" not in response.headers
