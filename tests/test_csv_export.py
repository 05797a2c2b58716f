"""The studio-wide CSV exports over HTTP: header row, rows, values, file name, roles."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import pytest

from tests.support.api import Api
from tests.support.studio import Studio, unique

STUDIO_ROUTES = ["persons.csv", "projects.csv", "task-types.csv", "tasks.csv", "time-spents.csv"]


def read_csv(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert not response.content.startswith(b"\xef\xbb\xbf")
    assert response.content.endswith(b"\r\n")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8")), delimiter=";"))


@pytest.fixture(scope="module")
def scene(admin: Api, studio: Studio) -> dict[str, Any]:
    """An open project with an episode-less shot and an asset, each with a task, a time spent."""
    tag = uuid.uuid4().hex[:6]
    artist = admin.create(
        "persons", first_name="Ana", last_name=f"Csv{tag}", email=f"ana-{tag}@example.com",
        role="user", phone="0102", daily_salary=300,
    )  # fmt: skip
    project = admin.create("projects", name=unique("Csv;Export"), team=[artist["id"]])
    types = studio.types
    asset = admin.create(
        "entities", name="Bob, the \"hero\"", project_id=project["id"],
        entity_type_id=types["Character"],
    )  # fmt: skip
    sequence = admin.create(
        "entities", name="SQ01", project_id=project["id"], entity_type_id=types["Sequence"]
    )
    shot = admin.create(
        "entities", name="SH010", project_id=project["id"], entity_type_id=types["Shot"],
        parent_id=sequence["id"],
    )  # fmt: skip
    modeling = studio.task_types["Modeling/Asset"]
    animation = studio.task_types["Animation/Shot"]
    todo = studio.statuses["todo"]
    asset_task = admin.create(
        "tasks", project_id=project["id"], entity_id=asset["id"], task_type_id=modeling["id"],
        task_status_id=todo["id"], assignees=[artist["id"]], start_date="2026-03-02T00:00:00",
        due_date="2026-03-10T00:00:00", estimation=480,
    )  # fmt: skip
    shot_task = admin.create(
        "tasks", project_id=project["id"], entity_id=shot["id"], task_type_id=animation["id"],
        task_status_id=todo["id"], assignees=[artist["id"]],
    )  # fmt: skip
    for task in (asset_task, shot_task):
        admin.ok(
            "POST",
            f"/actions/tasks/{task['id']}/time-spents/2026-03-03/persons/{artist['id']}",
            201,
            json={"duration": 90},
        )
    return {
        "project": project, "artist": artist, "asset": asset, "shot": shot,
        "modeling": modeling, "animation": animation, "todo": todo,
    }  # fmt: skip


def test_persons_export(admin: Api, scene: dict[str, Any]) -> None:
    response = admin.get("/export/csv/persons.csv")
    table = read_csv(response)
    assert response.headers["content-disposition"] == (
        "attachment; filename=kitsu_people_export.csv"
    )
    assert table[0] == [
        "First Name", "Last Name", "Email", "Phone", "Role", "Departments", "Studio", "Country",
        "Contract Type", "Position", "Seniority", "Daily Salary", "Active",
    ]  # fmt: skip
    artist = scene["artist"]
    rows = [row for row in table[1:] if row[2] == artist["email"]]
    assert rows == [
        ["Ana", artist["last_name"], artist["email"], "0102", "user", "", "", "",
         "open-ended", "artist", "mid", "300", "yes"],
    ]  # fmt: skip
    keys = [(row[0].lower(), row[1].lower()) for row in table[1:]]
    assert keys == sorted(keys)


def test_projects_export(admin: Api, scene: dict[str, Any]) -> None:
    response = admin.get("/export/csv/projects.csv")
    table = read_csv(response)
    assert response.headers["content-disposition"] == "attachment; filename=kitsu_export.csv"
    assert table[0] == ["Name", "Status"]
    assert [scene["project"]["name"], "Open"] in table[1:]
    assert b'"' + scene["project"]["name"].encode() + b'";Open\r\n' in response.content
    names = [row[0] for row in table[1:]]
    assert names == sorted(names)


def test_task_types_export(admin: Api) -> None:
    response = admin.get("/export/csv/task-types.csv")
    table = read_csv(response)
    assert response.headers["content-disposition"] == "attachment; filename=kitsu_export.csv"
    assert table[0] == ["Department", "Name"]
    assert ["Modeling", "Modeling"] in table[1:]
    assert table[1:] == sorted(table[1:])


def test_tasks_export(admin: Api, scene: dict[str, Any]) -> None:
    response = admin.get("/export/csv/tasks.csv")
    table = read_csv(response)
    assert response.headers["content-disposition"] == "attachment; filename=kitsu_tasks_export.csv"
    assert table[0][:6] == ["Project", "Task Type", "Episode", "Sequence", "Entity Type", "Entity"]
    assert len(table[0]) == 15
    name = scene["project"]["name"]
    mine = [row for row in table[1:] if row[0] == name]
    artist = scene["artist"]
    assert mine == [
        [name, "Animation", "", "SQ01", "Shot", "SH010", "", f"Ana {artist['last_name']}",
         "90.0", "0.0", "", "", "", "", "Todo"],
        [name, "Modeling", "", "", "Character", scene["asset"]["name"], "",
         f"Ana {artist['last_name']}", "90.0", "480.0", "2026-03-02", "2026-03-10", "", "",
         "Todo"],
    ]  # fmt: skip


def test_time_spents_export(admin: Api, scene: dict[str, Any]) -> None:
    response = admin.get("/export/csv/time-spents.csv")
    table = read_csv(response)
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=kitsu_")
    assert disposition.endswith("_open_projects_time_spents_export.csv")
    assert table[0] == [
        "Project", "Person", "Entity Type Name", "Entity", "Task Type", "Date", "Time spent",
    ]  # fmt: skip
    name = scene["project"]["name"]
    person = f"Ana {scene['artist']['last_name']}"
    mine = sorted(row for row in table[1:] if row[0] == name)
    assert mine == [
        [name, person, "Character", scene["asset"]["name"], "Modeling", "2026-03-03", "90.0"],
        [name, person, "Shot", "SQ01 / SH010", "Animation", "2026-03-03", "90.0"],
    ]


def test_closed_projects_are_left_out(admin: Api, studio: Studio, scene: dict[str, Any]) -> None:
    closed = next(s for s in admin.ok("GET", "/data/project-status") if s["name"] == "Closed")
    project = admin.create("projects", name=unique("Closed csv"), project_status_id=closed["id"])
    asset = admin.create(
        "entities", name="Gone", project_id=project["id"], entity_type_id=studio.types["Prop"]
    )
    admin.create(
        "tasks", project_id=project["id"], entity_id=asset["id"],
        task_type_id=scene["modeling"]["id"],
    )  # fmt: skip
    assert not [
        row for row in read_csv(admin.get("/export/csv/tasks.csv")) if row[0] == project["name"]
    ]
    assert [project["name"], "Closed"] in read_csv(admin.get("/export/csv/projects.csv"))


@pytest.mark.parametrize("route", STUDIO_ROUTES)
@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "client", "vendor"])
def test_studio_exports_are_for_managers(studio: Studio, role: str, route: str) -> None:
    response = studio.as_role(role).get(f"/export/csv/{route}")
    if role == "manager":
        read_csv(response)
    else:
        assert response.status_code == 403
        assert response.json()["error"] is True


@pytest.mark.parametrize("route", STUDIO_ROUTES)
def test_studio_exports_need_a_token(anonymous: Api, route: str) -> None:
    assert anonymous.get(f"/export/csv/{route}").status_code == 401


def test_tasks_export_is_streamed_in_batches(admin: Api, studio: Studio) -> None:
    """More rows than one batch: every task comes once, in order."""
    project = admin.create("projects", name=unique("Csv batch"))
    asset_ids = []
    for index in range(520):
        asset = admin.create(
            "entities", name=f"P{index:04d}", project_id=project["id"],
            entity_type_id=studio.types["Prop"],
        )  # fmt: skip
        asset_ids.append(asset["id"])
    for asset_id in asset_ids:
        admin.create(
            "tasks", project_id=project["id"], entity_id=asset_id,
            task_type_id=studio.task_types["Modeling/Asset"]["id"],
        )  # fmt: skip
    table = read_csv(admin.get("/export/csv/tasks.csv"))
    names = [row[5] for row in table[1:] if row[0] == project["name"]]
    assert names == [f"P{index:04d}" for index in range(520)]


# ==== project breakdown exports ==============================================================
PROJECT_ROUTES = ["assets.csv", "shots.csv", "edits.csv", "casting.csv"]


@pytest.fixture(scope="module")
def breakdown(admin: Api, studio: Studio, scene: dict[str, Any]) -> dict[str, Any]:
    """The scene's project with a metadata column on assets and shots and a second episode-less
    asset without task; the shot gets frames and a frame range."""
    project_id = scene["project"]["id"]
    columns = {}
    for entity_type, name, data_type in (("Asset", "Difficulty", "string"),
                                         ("Asset", "Ready", "boolean"),
                                         ("Shot", "Camera", "string")):  # fmt: skip
        descriptor = admin.ok(
            "POST", f"/data/projects/{project_id}/metadata-descriptors", 201,
            json={"entity_type": entity_type, "name": name, "data_type": data_type},
        )  # fmt: skip
        columns[name] = descriptor["field_name"]
    admin.ok(
        "PUT", f"/data/entities/{scene['asset']['id']}",
        json={"data": {columns["Difficulty"]: "hard", columns["Ready"]: "True"}},
    )  # fmt: skip
    admin.ok(
        "PUT", f"/data/entities/{scene['shot']['id']}",
        json={"nb_frames": 48, "data": {"frame_in": 1, "frame_out": 48, columns["Camera"]: "A"}},
    )  # fmt: skip
    extra = admin.create(
        "entities", name="Apple", project_id=project_id, entity_type_id=studio.types["Prop"]
    )
    return {"columns": columns, "extra": extra}


def test_assets_export(admin: Api, scene: dict[str, Any], breakdown: dict[str, Any]) -> None:
    project = scene["project"]
    response = admin.get(f"/export/csv/projects/{project['id']}/assets.csv")
    table = read_csv(response)
    slug = project["name"].lower().replace(";", "_").replace(" ", "_")
    assert response.headers["content-disposition"] == (
        f"attachment; filename=kitsu_{slug}_assets.csv"
    )
    artist = f"Ana {scene['artist']['last_name']}"
    assert table == [
        ["Project", "Type", "Name", "Description", "Time Spent", "Difficulty", "Ready",
         "Modeling", "Assignations"],
        [project["name"], "Character", scene["asset"]["name"], "", "0.19", "hard", "true",
         "todo", artist],
        [project["name"], "Prop", "Apple", "", "0.00", "", "false", "", ""],
    ]  # fmt: skip
    one = admin.get(
        f"/export/csv/projects/{project['id']}/assets.csv?id={breakdown['extra']['id']}"
    )
    assert [row[2] for row in read_csv(one)[1:]] == ["Apple"]


def test_shots_export(admin: Api, scene: dict[str, Any], breakdown: dict[str, Any]) -> None:
    project = scene["project"]
    response = admin.get(f"/export/csv/projects/{project['id']}/shots.csv")
    table = read_csv(response)
    assert response.headers["content-disposition"].endswith("_shots.csv")
    artist = f"Ana {scene['artist']['last_name']}"
    assert table == [
        ["Project", "Episode", "Sequence", "Name", "Description", "Time Spent", "Frames",
         "Frame In", "Frame Out", "FPS", "Camera", "Animation", "Assignations"],
        [project["name"], "", "SQ01", "SH010", "", "0.19", "48", "1", "48", "", "A", "todo",
         artist],
    ]  # fmt: skip
    mine = admin.get(f"/export/csv/projects/{project['id']}/shots.csv?assigned_to=1")
    assert len(read_csv(mine)) == 1  # the admin is assigned nothing: the header alone


def test_edits_export(admin: Api, studio: Studio, scene: dict[str, Any]) -> None:
    project = scene["project"]
    admin.create(
        "entities", name="Trailer", project_id=project["id"], entity_type_id=studio.types["Edit"],
        description="v1; cut",
    )  # fmt: skip
    response = admin.get(f"/export/csv/projects/{project['id']}/edits.csv")
    assert read_csv(response) == [
        ["Project", "Episode", "Name", "Description", "Time Spent"],
        [project["name"], "", "Trailer", "v1; cut", "0.00"],
    ]
    assert b'"v1; cut"' in response.content


@pytest.mark.parametrize("route", PROJECT_ROUTES)
@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "client", "vendor"])
def test_project_exports_for_the_team_but_vendors(studio: Studio, role: str, route: str) -> None:
    response = studio.as_role(role).get(f"/export/csv/projects/{studio.project['id']}/{route}")
    if role == "vendor":
        assert response.status_code == 403
    else:
        read_csv(response)
    outside = studio.as_role(role).get(f"/export/csv/projects/{studio.other_project['id']}/{route}")
    assert outside.status_code == 403
    assert outside.json()["error"] is True


@pytest.mark.parametrize("route", PROJECT_ROUTES)
@pytest.mark.parametrize("project_id", ["not-an-id", "00000000-0000-4000-8000-000000000000"])
def test_project_exports_of_a_missing_project(admin: Api, route: str, project_id: str) -> None:
    response = admin.get(f"/export/csv/projects/{project_id}/{route}")
    assert response.status_code == 404
    assert response.json()["error"] is True


@pytest.mark.parametrize("route", ["assets.csv", "shots.csv"])
@pytest.mark.parametrize("key", ["id", "episode_id"])
def test_project_exports_refuse_malformed_ids(admin: Api, studio: Studio, route: str, key: str):
    response = admin.get(f"/export/csv/projects/{studio.project['id']}/{route}?{key}=bad")
    assert response.status_code == 400
    assert response.json() == {
        "error": True, "message": f"Invalid UUID format for {key}: bad", "data": None,
    }  # fmt: skip


# ==== casting ================================================================================
def test_casting_export(admin: Api, scene: dict[str, Any], breakdown: dict[str, Any]) -> None:
    project = scene["project"]
    bob, apple, shot = scene["asset"], breakdown["extra"], scene["shot"]
    admin.ok(
        "PUT", f"/data/projects/{project['id']}/entities/{shot['id']}/casting",
        json=[{"asset_id": bob["id"], "nb_occurences": 2, "label": "animate"}],
    )  # fmt: skip
    admin.ok("PUT", f"/data/assets/{bob['id']}/casting", json=[{"asset_id": apple["id"]}])
    base = f"/export/csv/projects/{project['id']}/casting.csv"
    response = admin.get(base)
    assert response.headers["content-disposition"].endswith("_casting.csv")
    assert read_csv(response) == [
        ["Parent", "Name", "Asset Type", "Asset", "Occurences", "Label"],
        ["Character", bob["name"], "Prop", "Apple", "1", ""],
    ]
    assert read_csv(admin.get(base + "?is_shot_casting=true")) == [
        ["Parent", "Name", "Asset Type", "Asset", "Occurences", "Label"],
        ["SQ01", "SH010", "Character", bob["name"], "2", "animate"],
    ]
    assert read_csv(admin.get(base + "?episode_id=all")) == [
        ["Parent", "Name", "Asset Type", "Asset", "Occurences", "Label"],
    ]


def test_casting_export_of_a_tv_show(admin: Api, studio: Studio) -> None:
    project = admin.create("projects", name=unique("Csv show"), production_type="tvshow")
    entity = lambda name, kind, **values: admin.create(  # noqa: E731
        "entities", name=name, project_id=project["id"], entity_type_id=studio.types[kind],
        **values,
    )  # fmt: skip
    episode = entity("E01", "Episode")
    sequence = entity("SQ01", "Sequence", parent_id=episode["id"])
    shot = entity("SH01", "Shot", parent_id=sequence["id"])
    hero = entity("Hero", "Character", source_id=episode["id"])
    shared = entity("Set", "Environment")
    sword = entity("Sword", "Prop")
    admin.ok(
        "PUT", f"/data/projects/{project['id']}/entities/{shot['id']}/casting",
        json=[{"asset_id": hero["id"], "nb_occurences": 1}],
    )  # fmt: skip
    admin.ok("PUT", f"/data/assets/{hero['id']}/casting", json=[{"asset_id": sword["id"]}])
    admin.ok("PUT", f"/data/assets/{shared['id']}/casting", json=[{"asset_id": sword["id"]}])
    base = f"/export/csv/projects/{project['id']}/casting.csv"
    header = ["Episode", "Parent", "Name", "Asset Type", "Asset", "Occurences", "Label"]
    assert read_csv(admin.get(base)) == [
        header,
        ["E01", "Character", "Hero", "Prop", "Sword", "1", ""],
        ["MP", "Environment", "Set", "Prop", "Sword", "1", ""],
    ]
    assert read_csv(admin.get(base + f"?is_shot_casting=true&episode_id={episode['id']}")) == [
        header,
        ["E01", "SQ01", "SH01", "Character", "Hero", "1", ""],
    ]
    assert read_csv(admin.get(base + "?episode_id=main")) == [
        header,
        ["MP", "Environment", "Set", "Prop", "Sword", "1", ""],
    ]
    assert admin.get(base + "?episode_id=bad").status_code == 400


# ==== playlists ==============================================================================
@pytest.fixture(scope="module")
def playlist(admin: Api, studio: Studio) -> dict[str, Any]:
    """A playlist of ``studio.project`` (whose team has every role) with the shot's preview."""
    task = studio.shot_task
    admin.ok(
        "POST", f"/actions/tasks/{task['id']}/comment", 201,
        json={"task_status_id": studio.statuses["todo"]["id"], "comment": "Nice; but \"faster\""},
    )  # fmt: skip
    preview = admin.create("preview-files", task_id=task["id"], revision=3, name="v3")
    return admin.create(
        "playlists", name=unique("Dailies"), project_id=studio.project["id"], for_entity="shot",
        shots=[{"entity_id": studio.shot["id"], "preview_file_id": preview["id"]}],
    )  # fmt: skip


def test_playlist_export(admin: Api, studio: Studio, playlist: dict[str, Any]) -> None:
    response = admin.get(f"/export/csv/playlists/{playlist['id']}")
    table = read_csv(response)
    slug = f"{studio.project['name']} playlist {playlist['name']}".lower().replace(" ", "_")
    assert response.headers["content-disposition"] == f"attachment; filename=kitsu_{slug}.csv"
    assert table[0][:3] == ["Playlist", f"{studio.project['name']} | for shots", playlist["name"]]
    assert table[0][3].startswith(playlist["created_at"][:4])
    assert table[1:3] == [["", "", "", "", "", "", ""], [
        "Entity name", "Nb Frames", "Task Type", "Retake count", "Revision", "Task Status",
        "Last comment author", "Last comment date", "Last comment",
    ]]  # fmt: skip
    row = table[3]
    assert row[:6] == [
        f"{studio.sequence['name']} / {studio.shot['name']}",
        "",
        "Animation",
        "0",
        "3",
        "Todo",
    ]
    assert row[6] == admin.ok("GET", "/auth/authenticated")["user"]["full_name"]
    assert row[7].startswith("20") and "T" in row[7]
    assert row[8] == 'Nice; but "faster"'
    assert len(table) == 4


@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 200), ("supervisor", 200), ("user", 403), ("client", 403), ("vendor", 403)],
)
def test_playlist_export_by_role(
    studio: Studio, playlist: dict[str, Any], role: str, status: int
) -> None:
    response = studio.as_role(role).get(f"/export/csv/playlists/{playlist['id']}")
    assert response.status_code == status
    if status == 200:
        read_csv(response)


@pytest.mark.parametrize(
    ("playlist_id", "status"),
    [("bad", 404), ("00000000-0000-4000-8000-000000000000", 404)],
)
def test_playlist_export_of_a_missing_playlist(admin: Api, playlist_id: str, status: int):
    response = admin.get(f"/export/csv/playlists/{playlist_id}")
    assert response.status_code == status
    assert response.json()["error"] is True
