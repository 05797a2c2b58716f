"""``/import/shotgun/*``, Zou's ShotGrid import (``services/shotgun_import*.py``): a small
ShotGrid production (``tests/data/shotgun/*.json``, records shaped as ``shotgun_api3``'s
``find()`` returns them) imported in dependency order on a server of its own, read back through
the API and gazu; imported again with changes (updates, no duplicates); the records Zou skips;
every remove route; the import errors routes; callers who are not admins; bad bodies.

Deliberate differences from Zou written down here: a body that is not a list, an entry that is
not an object, a value of the wrong type or a record the database refuses is a 400 and nothing
is written (Zou: 500, keeping what it wrote before); a record missing a field Zou reads before
its loop is skipped (Zou: 500); persons are answered without their secret columns; a note
takes its task's status (Zou: null, and its comment lists never show the note); a project
removed keeps its event log, unscoped (Zou refuses to remove a project with events).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gazu
import pytest

from .conftest import served
from .support.api import Api
from .support.server import ADMIN_EMAIL, ADMIN_PASSWORD, Server

DATA = Path(__file__).parent / "data" / "shotgun"
ORDER = (
    "projects", "steps", "status", "persons", "projectconnections", "episodes", "sequences",
    "scenes", "assets", "shots", "tasks", "versions", "notes",
)  # fmt: skip
ANSWER_TYPES = {
    "projects": "Project", "steps": "TaskType", "status": "TaskStatus", "persons": "Person",
    "projectconnections": "Project", "episodes": "Entity", "sequences": "Entity",
    "scenes": "Entity", "assets": "Entity", "shots": "Entity", "tasks": "Task",
    "versions": "PreviewFile", "notes": "Comment",
}  # fmt: skip
# How many records of each sample file Zou imports (the others it skips on purpose).
IMPORTED = {
    "projects": 1, "steps": 3, "status": 3, "persons": 3, "projectconnections": 3,
    "episodes": 1, "sequences": 2, "scenes": 1, "assets": 3, "shots": 3, "tasks": 3,
    "versions": 2, "notes": 2,
}  # fmt: skip


def sample(name: str) -> list[dict[str, Any]]:
    return json.loads((DATA / f"{name}.json").read_text())


def post(api: Api, name: str, body: Any):
    return api.post(f"/import/shotgun/{name}", json=body)


def imported(api: Api, name: str, body: Any) -> list[dict[str, Any]]:
    response = post(api, name, body)
    assert response.status_code == 200, response.text
    return response.json()


def refused(api: Api, path: str, body: Any, status: int = 400) -> str:
    response = api.post(f"/import/shotgun/{path}", json=body)
    assert response.status_code == status, response.text
    answer = response.json()
    assert answer["error"] is True, answer
    return answer["message"]


def by_sg(items: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {item["shotgun_id"]: item for item in items}


@pytest.fixture(scope="module")
def sg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of its own: the samples' ShotGrid ids and names meet no other test's."""
    yield from served(tmp_path_factory.mktemp("kitsu-local-shotgun"))


@pytest.fixture(scope="module")
def api(sg_server: Server) -> Api:
    client = Api(sg_server.api)
    client.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    return client


@pytest.fixture(scope="module")
def production(api: Api) -> dict[str, dict[int, dict[str, Any]]]:
    """The whole sample production imported in dependency order: {route: {sg id: row}}."""
    answers = {}
    for name in ORDER:
        items = imported(api, name, sample(name))
        assert len(items) == IMPORTED[name], (name, items)
        assert {item["type"] for item in items} == {ANSWER_TYPES[name]}
        answers[name] = by_sg(items) if name != "projectconnections" else {0: items[0]}
    return answers


def test_projects_steps_statuses(api: Api, production) -> None:
    project = production["projects"][70]
    assert project["name"] == "Big Buck Bunny SG"
    # sg_ fields that are set go to data; sg_status is the project status
    assert project["data"] == {
        "sg_description": "Open movie, imported from ShotGrid", "sg_type": "Feature",
    }  # fmt: skip
    assert project["file_tree"]["working"]["mountpoint"]
    status = api.ok("GET", f"/data/project-status/{project['project_status_id']}")
    assert status["name"] == "Active"
    assert api.ok("GET", f"/data/projects/{project['id']}")["shotgun_id"] == 70

    steps = production["steps"]
    assert steps[101]["color"] == "#3295fd" and steps[101]["for_entity"] == "Asset"
    assert steps[102]["short_name"] == "LAY" and steps[102]["for_entity"] == "Shot"
    # the first word of the step is its department, shared by Anim Layout and Anim Blocking
    assert steps[102]["department_id"] == steps[103]["department_id"]
    department = api.ok("GET", f"/data/departments/{steps[102]['department_id']}")
    assert department["name"] == "Anim" and department["color"] == "#a05028"
    task_type = api.ok("GET", f"/data/task-types/{steps[103]['id']}")
    assert task_type["name"] == "Anim Blocking" and task_type["shotgun_id"] == 103

    statuses = production["status"]
    assert statuses[201]["short_name"] == "ip" and statuses[201]["color"] == "#ffc800"
    assert statuses[203]["color"] == "#000000"  # bg_color null


def test_persons_and_team(api: Api, production) -> None:
    persons = production["persons"]
    assert set(persons) == {301, 302, 303}  # changeme@email.com and a record without login: out
    ada, max_, old = persons[301], persons[302], persons[303]
    assert (ada["role"], max_["role"], old["role"]) == ("user", "manager", "user")
    assert ada["active"] and max_["active"] and not old["active"]
    assert ada["desktop_login"] == "ada" and ada["full_name"] == "Ada Animator"
    assert "password" not in ada and "totp_secret" not in ada
    read = api.ok("GET", f"/data/persons/{ada['id']}", params={"relations": "true"})
    department = api.ok("GET", f"/data/departments/{read['departments'][0]}")
    assert department["name"] == "Animation"

    project = production["projectconnections"][0]
    assert project["id"] == production["projects"][70]["id"]
    team = api.ok("GET", f"/data/projects/{project['id']}/team")
    assert {person["id"] for person in team} == {ada["id"], max_["id"]}


def test_breakdown(api: Api, production, gazu_sg: Any) -> None:
    project_id = production["projects"][70]["id"]
    episode = production["episodes"][401]
    assert episode["name"] == "E01" and episode["description"] == "The meadow"
    sequences = production["sequences"]
    assert {sequences[501]["parent_id"], sequences[502]["parent_id"]} == {episode["id"]}
    scene = production["scenes"][701]
    assert scene["parent_id"] == sequences[501]["id"]

    shots = production["shots"]
    sh010 = api.ok("GET", f"/data/shots/{shots[901]['id']}")
    assert sh010["name"] == "SH010" and sh010["sequence_id"] == sequences[501]["id"]
    assert sh010["source_id"] == scene["id"]
    assert sh010["data"]["frame_in"] == 1001 and sh010["data"]["frame_out"] == 1049
    assert sh010["data"]["sg_camera"] == "cam_A" and sh010["data"]["sg_cut_duration"] == 48
    assert "sg_cut_in" not in sh010["data"] and "sg_notes" not in sh010["data"]
    assert shots[903]["data"]["frame_in"] is None and shots[903]["data"]["frame_out"] is None

    assets = production["assets"]
    assert set(assets) == {801, 802, 803}  # the asset without type is ignored
    types = {
        asset_type["id"]: asset_type["name"]
        for asset_type in api.ok("GET", "/data/asset-types")
    }  # fmt: skip
    assert types[assets[801]["entity_type_id"]] == "Character"
    casting = api.ok("GET", f"/data/projects/{project_id}/entities/{shots[901]['id']}/casting")
    assert {link["asset_id"] for link in casting} == {assets[801]["id"], assets[802]["id"]}
    # an asset's parents list it among their entities_out (the oak holds the apple)
    oak = api.ok("GET", f"/data/entities/{assets[802]['id']}", params={"relations": "true"})
    assert oak["entities_out"] == [assets[803]["id"]]

    # gazu sees the same production
    gazu_project = gazu.project.get_project(project_id, client=gazu_sg)
    gazu_shots = gazu.shot.all_shots_for_project(gazu_project, client=gazu_sg)
    assert sorted(shot["name"] for shot in gazu_shots) == ["SH010", "SH020", "SH030"]
    gazu_assets = gazu.asset.all_assets_for_project(gazu_project, client=gazu_sg)
    assert sorted(asset["name"] for asset in gazu_assets) == ["Apple", "Bunny", "Oak"]
    assert sorted(seq["name"] for seq in gazu.shot.all_sequences_for_project(
        gazu_project, client=gazu_sg
    )) == ["SQ010", "SQ020"]  # fmt: skip


def test_work(api: Api, production) -> None:
    tasks, persons = production["tasks"], production["persons"]
    assert set(tasks) == {1001, 1002, 1003}  # no step: out; an unknown assignee: out
    layout = api.ok("GET", f"/data/tasks/{tasks[1002]['id']}", params={"relations": "true"})
    assert layout["name"] == "Anim Layout"
    assert layout["entity_id"] == production["shots"][901]["id"]
    assert layout["task_type_id"] == production["steps"][102]["id"]
    assert layout["task_status_id"] == production["status"][202]["id"]
    assert sorted(layout["assignees"]) == sorted([persons[301]["id"], persons[302]["id"]])
    assert layout["assigner_id"] == persons[302]["id"]
    assert layout["start_date"] == "2024-03-11T00:00:00" and layout["duration"] == 2400
    assert tasks[1003]["assigner_id"] is None and tasks[1003]["sort_order"] == 0

    versions = production["versions"]
    assert set(versions) == {1101, 1102}  # a version without task: out
    assert versions[1101]["task_id"] == tasks[1002]["id"]
    assert versions[1101]["person_id"] == persons[301]["id"]
    assert versions[1101]["source"] == "Shotgun"
    assert versions[1101]["uploaded_movie_name"] == "SH010_layout_v001.mp4"
    assert versions[1102]["uploaded_movie_url"] is None

    notes = production["notes"]
    assert set(notes) == {1201, 1202}  # a note without task: out
    comments = api.ok("GET", f"/data/tasks/{tasks[1002]['id']}/comments")
    assert [comment["text"] for comment in comments] == ["Bunny ears are a bit stiff, loosen them."]
    assert notes[1201]["created_at"] == "2024-03-12T09:30:00"
    assert notes[1201]["person_id"] == persons[302]["id"]


def test_second_import_updates(api: Api, production) -> None:
    shots = sample("shots")
    shots[0]["sg_cut_duration"] = 60
    shots[0]["assets"] = [{"type": "Asset", "id": 803, "name": "Apple"}]
    again = by_sg(imported(api, "shots", shots))
    assert again[901]["id"] == production["shots"][901]["id"]
    assert again[901]["data"]["frame_out"] == 1061
    project_id = production["projects"][70]["id"]
    casting = api.ok("GET", f"/data/projects/{project_id}/entities/{again[901]['id']}/casting")
    assert [link["asset_id"] for link in casting] == [production["assets"][803]["id"]]

    tasks = sample("tasks")
    tasks[1]["task_assignees"] = tasks[1]["task_assignees"][:1]
    tasks[1]["sg_status_list"] = "ip"
    again_tasks = by_sg(imported(api, "tasks", tasks))
    assert again_tasks[1002]["task_status_id"] == production["status"][201]["id"]
    task = api.ok("GET", f"/data/tasks/{again_tasks[1002]['id']}", params={"relations": "true"})
    assert task["assignees"] == [production["persons"][301]["id"]]

    for name in ORDER:
        assert len(imported(api, name, sample(name))) == IMPORTED[name]
    shot_list = api.ok("GET", "/data/shots", params={"project_id": project_id})
    assert len(shot_list) == 3
    assert len(imported(api, "project-connections", sample("projectconnections"))) == 3
    assert len(api.ok("GET", f"/data/projects/{project_id}/team")) == 2
    assert len(api.ok("GET", f"/data/tasks/{production['tasks'][1002]['id']}/comments")) == 1
    # a step named as an existing task type in another case updates it, keeping its name
    steps = sample("steps")
    steps[0]["code"] = "LOOKDEV hero"
    steps[0]["id"] = 109
    renamed = imported(api, "steps", steps[:1])[0]
    assert renamed["id"] == production["steps"][101]["id"] and renamed["name"] == "Lookdev Hero"
    assert renamed["shotgun_id"] == 109


def test_a_sequence_whose_name_is_taken(api: Api, production) -> None:
    """As Zou: a new ShotGrid sequence named like one of the episode is left out."""
    twin = {**sample("sequences")[0], "id": 599}
    assert imported(api, "sequences", [twin]) == []


def test_records_zou_skips(api: Api, production) -> None:
    # a missing field Zou reads before its loop: skipped (Zou: 500)
    assert imported(api, "projects", [{"type": "Project", "id": 79, "name": "No status"}]) == []
    assert imported(api, "tasks", [{"type": "Task", "id": 1099}]) == []
    assert imported(api, "notes", [{"type": "Note", "id": 1299}]) == []
    assert imported(api, "episodes", [{"type": "Episode", "id": 499, "code": "E02"}]) == []
    assert imported(api, "persons", [{"type": "HumanUser", "id": 399}]) == []
    names = [project["name"] for project in api.ok("GET", "/data/projects")]
    assert "No status" not in names


def test_remove_routes(api: Api, production) -> None:
    ids = {
        "note": (1202, production["notes"][1202]["id"]),
        "version": (1102, production["versions"][1102]["id"]),
        "task": (1001, production["tasks"][1001]["id"]),
        "shot": (902, production["shots"][902]["id"]),
    }
    # the task of SH020 first, then the shot can go
    assert api.ok("POST", "/import/shotgun/remove/task", json={"id": 1003})["success"]
    for name, (sg_id, row_id) in ids.items():
        answer = api.ok("POST", f"/import/shotgun/remove/{name}", json={"id": sg_id})
        assert answer == {"removed_instance_id": row_id, "success": True}, name
    assert api.get(f"/data/shots/{ids['shot'][1]}").status_code == 404
    assert api.get(f"/data/tasks/{ids['task'][1]}").status_code == 404
    # gone already: a success without id
    assert api.ok("POST", "/import/shotgun/remove/shot", json={"id": 902}) == {"success": True}
    # an episode id is no sequence
    assert api.ok("POST", "/import/shotgun/remove/sequence", json={"id": 401}) == {"success": True}
    # still pointed at (SH010's source scene, the shots of SQ010): refused and kept, as Zou's
    # IntegrityError
    refusal = api.ok("POST", "/import/shotgun/remove/scene", json={"id": 701})
    assert refusal == {"removed_instance_id": production["scenes"][701]["id"], "success": False}
    refusal = api.ok("POST", "/import/shotgun/remove/sequence", json={"id": 501})
    assert refusal == {"removed_instance_id": production["sequences"][501]["id"], "success": False}
    assert api.get(f"/data/sequences/{production['sequences'][501]['id']}").status_code == 200
    # an asset without tasks is deleted with its casting
    apple = production["assets"][803]["id"]
    assert api.ok("POST", "/import/shotgun/remove/asset", json={"id": 803})["success"]
    assert api.get(f"/data/assets/{apple}").status_code == 404
    # a team link has no id of its own
    project_id = production["projects"][70]["id"]
    answer = api.ok("POST", "/import/shotgun/remove/project-connection", json={"id": 602})
    assert answer == {"success": True}
    team = api.ok("GET", f"/data/projects/{project_id}/team")
    assert [person["id"] for person in team] == [production["persons"][301]["id"]]
    assert api.ok("POST", "/import/shotgun/remove/projectconnection", json={"id": 601}) == {
        "success": True
    }
    # a person, a status and a step nothing points at any more
    for name, sg_id, row in (
        ("person", 303, production["persons"][303]),
        ("status", 203, production["status"][203]),
        ("step", 103, production["steps"][103]),
    ):
        answer = api.ok("POST", f"/import/shotgun/remove/{name}", json={"id": sg_id})
        assert answer == {"removed_instance_id": row["id"], "success": True}, name
    assert api.get(f"/data/persons/{production['persons'][303]['id']}").status_code == 404


def test_remove_a_whole_project(api: Api) -> None:
    project = imported(api, "projects", [
        {"type": "Project", "id": 77, "name": "Short lived", "sg_status": "Active"}
    ])[0]  # fmt: skip
    episode = imported(api, "episodes", [
        {"type": "Episode", "id": 477, "code": "E01", "description": None,
         "project": {"type": "Project", "id": 77, "name": "Short lived"}}
    ])[0]  # fmt: skip
    person = imported(api, "persons", [
        {"type": "HumanUser", "id": 377, "firstname": "Short", "lastname": "Lived",
         "email": "short.lived@bbb.example.com", "login": "short", "sg_status_list": "dis"}
    ])[0]  # fmt: skip
    team = imported(api, "projectconnections", [
        {"type": "ProjectUserConnection", "id": 677, "user": {"type": "HumanUser", "id": 377},
         "project": {"type": "Project", "id": 77, "name": "Short lived"}}
    ])  # fmt: skip
    assert [project["id"] for project in team] == [project["id"]]
    assert api.ok("GET", f"/data/projects/{project['id']}/team")[0]["id"] == person["id"]
    # the episode is still there
    assert api.ok("POST", "/import/shotgun/remove/project", json={"id": 77})["success"] is False
    assert api.ok("POST", "/import/shotgun/remove/episode", json={"id": 477}) == {
        "removed_instance_id": episode["id"], "success": True,
    }  # fmt: skip
    # its team goes with it, its events stay (unscoped, where Zou refuses)
    assert api.ok("POST", "/import/shotgun/remove/project", json={"id": 77}) == {
        "removed_instance_id": project["id"], "success": True,
    }  # fmt: skip
    assert api.get(f"/data/projects/{project['id']}").status_code == 404


def test_import_errors(api: Api) -> None:
    created = api.ok("POST", "/import/shotgun/errors", 201, json={"entity": "Shot", "id": 9})
    assert created["event_data"] == {"entity": "Shot", "id": 9}
    assert created["source"] == "shotgun" and created["type"] == "DataImportError"
    listed = api.ok("GET", "/import/shotgun/errors")
    assert created["id"] in [error["id"] for error in listed]
    assert api.delete(f"/import/shotgun/errors/{created['id']}").status_code == 204
    assert api.delete(f"/import/shotgun/errors/{created['id']}").status_code == 404
    assert api.delete("/import/shotgun/errors/not-an-id").status_code == 404
    assert created["id"] not in [error["id"] for error in api.ok("GET", "/import/shotgun/errors")]
    assert api.post("/import/shotgun/errors").status_code == 400  # no body


def test_only_admins(api: Api, sg_server: Server) -> None:
    person = api.create(
        "persons", first_name="Pat", last_name="Artist", email="pat.artist@bbb.example.com",
        password="artist-password", role="manager",
    )  # fmt: skip
    manager = Api(sg_server.api)
    manager.login(person["email"], "artist-password")
    for path in ("projects", "remove/project", "errors"):
        assert manager.post(f"/import/shotgun/{path}", json=[]).status_code == 403, path
    assert manager.get("/import/shotgun/errors").status_code == 403
    assert manager.delete("/import/shotgun/errors/x").status_code == 403
    assert Api(sg_server.api).post("/import/shotgun/shots", json=[]).status_code == 401
    api.put(f"/data/persons/{person['id']}", json={"active": False})


def test_bad_bodies_write_nothing(api: Api) -> None:
    before = len(api.ok("GET", "/data/projects"))
    assert "list" in refused(api, "projects", {"id": 1})
    assert "object" in refused(
        api, "projects", [{"type": "Project", "id": 78, "name": "Half", "sg_status": "Active"}, 3]
    )
    assert refused(api, "shots", "SH010")
    for raw in (b"{not json", b"", b"\xff\xfe", b"null"):
        for path in ("steps", "remove/step"):
            response = api.post(f"/import/shotgun/{path}", content=raw)
            assert response.status_code == 400, (raw, path, response.text)
            assert response.json()["error"] is True
    # a wrong type: the entry is named, nothing of the request is kept
    message = refused(api, "projects", [
        {"type": "Project", "id": 78, "name": "Half", "sg_status": "Active"},
        {"type": "Project", "id": "79", "name": "Wrong id", "sg_status": "Active"},
    ])  # fmt: skip
    assert "Entry 1" in message
    refused(api, "projects", [{"type": "Project", "id": 78, "name": ["x"], "sg_status": "Ok"}])
    refused(api, "steps", [{"type": "Step", "id": 188, "code": "Bad Colour", "color": "red"}])
    refused(api, "episodes", [{"type": "Episode", "id": 488, "code": "E1", "description": None,
                               "project": "Big Buck Bunny SG"}])  # fmt: skip
    assert len(api.ok("GET", "/data/projects")) == before
    # remove bodies
    for body in ([], {"name": "x"}, {"id": "12"}, None):
        response = api.post("/import/shotgun/remove/shot", json=body)
        assert response.status_code == 400, (body, response.text)


def test_a_name_taken_fails_the_request(api: Api, production) -> None:
    """Zou's IntegrityError (500, earlier records kept) is a 400 naming the entry here."""
    shots = copy.deepcopy(sample("shots"))
    clash = {**shots[0], "id": 999}  # SH010 in SQ010 under another ShotGrid id
    message = refused(api, "shots", [clash])
    assert "Entry 0 (ShotGrid id 999)" in message
    project_id = production["projects"][70]["id"]
    names = [
        shot["name"] for shot in api.ok("GET", "/data/shots", params={"project_id": project_id})
    ]
    assert names.count("SH010") == 1


@pytest.fixture(scope="module")
def gazu_sg(sg_server: Server) -> Iterator[Any]:
    client = gazu.client.create_client(sg_server.api)
    gazu.log_in(ADMIN_EMAIL, ADMIN_PASSWORD, client=client)
    yield client
    gazu.log_out(client=client)


def test_user_limit(start_server) -> None:
    """An active new person counts against the user limit (Zou's import does not check it):
    over the limit the request is a 400 and none of its persons is created."""
    limited = Api(start_server(user_limit="2").api)
    limited.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    message = refused(limited, "persons", sample("persons"))
    assert "Entry 1 (ShotGrid id 302)" in message and "User limit" in message
    assert len(limited.ok("GET", "/data/persons")) == 1
    # inactive persons do not count
    inactive = [{**record, "sg_status_list": "dis"} for record in sample("persons")]
    assert len(imported(limited, "persons", inactive)) == 3


def test_events_as_zou(api: Api) -> None:
    """Zou writes the imported rows without events; only its services that emit do (a team
    member added, a department or an asset type created, an asset's children set)."""
    project = {"type": "Project", "id": 75, "name": "Events SG"}
    before = {event["id"] for event in api.ok("GET", "/data/events/last", params={"limit": 500})}
    imported(api, "projects", [{**project, "sg_status": "Active"}])
    imported(api, "episodes", [
        {"type": "Episode", "id": 475, "code": "E01", "description": None, "project": project}
    ])  # fmt: skip
    imported(api, "persons", [
        {"type": "HumanUser", "id": 375, "firstname": "Eve", "lastname": "Events",
         "email": "eve.events@bbb.example.com", "login": "eve", "sg_status_list": "dis",
         "department": {"type": "Department", "id": 75, "name": "Eventing"}}
    ])  # fmt: skip
    imported(api, "projectconnections", [
        {"type": "ProjectUserConnection", "id": 675, "project": project,
         "user": {"type": "HumanUser", "id": 375}}
    ])  # fmt: skip
    imported(api, "assets", [
        {"type": "Asset", "id": 875, "code": "Crate", "description": None,
         "sg_asset_type": "Crates SG", "project": project, "parents": []},
        {"type": "Asset", "id": 876, "code": "Lid", "description": None,
         "sg_asset_type": "Crates SG", "project": project,
         "parents": [{"type": "Asset", "id": 875}]},
    ])  # fmt: skip
    events = [
        event["name"]
        for event in api.ok("GET", "/data/events/last", params={"limit": 500})
        if event["id"] not in before
    ]
    assert sorted(events) == [
        "asset-type:new", "asset:update", "department:new", "project:update",
    ]  # fmt: skip
