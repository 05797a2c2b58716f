"""The CSV imports over HTTP: each route imports a good file (records readable after), updates
with ``update=true`` instead of duplicating, refuses a bad file with a 400 naming the line and
the column and writes nothing, checks roles and ids; and a production exported to CSV imports
into a new production with the same breakdown."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import pytest

from tests.support.api import Api
from tests.support.studio import Studio, unique

MISSING = "00000000-0000-4000-8000-000000000000"


def post_csv(api: Api, path: str, content: str | bytes, update: bool = False, **kwargs: Any):
    raw = content.encode("utf-8") if isinstance(content, str) else content
    query = "?update=true" if update else ""
    return api.post(f"/import/csv/{path}{query}", files={"file": ("import.csv", raw)}, **kwargs)


def imported(api: Api, path: str, content: str, update: bool = False) -> list[Any]:
    response = post_csv(api, path, content, update)
    assert response.status_code == 201, response.text
    return response.json()


def refused(api: Api, path: str, content: str | bytes, update: bool = False) -> str:
    response = post_csv(api, path, content, update)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] is True
    return body["message"]


def lines(*rows: str) -> str:
    return "\r\n".join(rows) + "\r\n"


def events_of(admin: Api, project_id: str) -> list[dict[str, Any]]:
    return admin.ok("GET", f"/data/events/last?project_id={project_id}&limit=1000")


def project_entities(admin: Api, project_id: str, kind: str) -> list[dict[str, Any]]:
    return admin.ok("GET", f"/data/projects/{project_id}/{kind}")


@pytest.fixture(scope="module")
def production(admin: Api, studio: Studio) -> dict[str, Any]:
    """A feature film with the studio's team, an asset, a shot and an edit task type each, an
    asset descriptor (text) and a shot descriptor (boolean)."""
    team = [person["id"] for person in studio.people.values() if person["role"] != "admin"]
    task_types = [studio.task_types[name]["id"] for name in ("Modeling/Asset", "Animation/Shot")]
    edit_types = [tt for key, tt in studio.task_types.items() if key.endswith("/Edit")]
    task_types += [tt["id"] for tt in edit_types[:1]]
    project = admin.create("projects", name=unique("Csv import"), team=team, task_types=task_types)
    for entity_type, name, data_type in (("Asset", "Style", "string"),
                                         ("Shot", "Hero", "boolean")):  # fmt: skip
        admin.ok(
            "POST", f"/data/projects/{project['id']}/metadata-descriptors", 201,
            json={"entity_type": entity_type, "name": name, "data_type": data_type},
        )  # fmt: skip
    return {"project": project, "edit_type": edit_types[0]["name"] if edit_types else None}


# ==== reading the file =======================================================================
BAD_FILES = [
    (b"", "The file is empty."),
    (b"  \r\n \r\n", "The file is empty."),
    ("Name;Type\r\nBob;Pro\xe9\r\n".encode("latin-1"), "line 2: the file is not UTF-8"),
    (b"Name;Type\r\n\x00\x01\x02", "line 2: the file holds binary data"),
    (b'Name;Type\r\n"Bob;Prop\r\n', "malformed CSV"),
    (b"Name;Type\r\nBob;Prop;extra\r\n", "line 2: cell 3 ('extra') is beyond the last column"),
    (b"Name;;Type\r\nBob;;Prop\r\n", "line 1: column 2 has no name"),
    (b"Name;Type;Colour\r\nBob;Prop;red\r\n", "line 1, column 'Colour': unknown column"),
    (b"Name;Name;Type\r\nBob;Bob;Prop\r\n", "line 1, column 'Name': the column appears twice"),
    (b"Type\r\nProp\r\n", "line 1, column 'Name': this required column is missing"),
]


@pytest.mark.parametrize(("content", "message"), BAD_FILES)
def test_bad_files_are_refused_naming_the_place(
    admin: Api, production: dict[str, Any], content: bytes, message: str
) -> None:
    project_id = production["project"]["id"]
    before = len(project_entities(admin, project_id, "assets"))
    assert message in refused(admin, f"projects/{project_id}/assets", content)
    assert len(project_entities(admin, project_id, "assets")) == before


def test_no_file_field(admin: Api, production: dict[str, Any]) -> None:
    project_id = production["project"]["id"]
    response = admin.post(
        f"/import/csv/projects/{project_id}/assets", files={"other": ("a.csv", b"Name\r\n")}
    )
    assert response.status_code == 400
    assert response.json()["message"].startswith("No file was sent")
    bare = admin.post(f"/import/csv/projects/{project_id}/assets")
    assert bare.status_code == 400


def test_the_error_body_keeps_zou_keys(admin: Api, production: dict[str, Any]) -> None:
    project_id = production["project"]["id"]
    response = post_csv(admin, f"projects/{project_id}/assets", lines("Name;Type", "Bob;"))
    assert response.json() == {
        "error": True, "message": "line 2, column 'Type': cannot be empty", "line_number": 2,
        "imported_rows": 0,
    }  # fmt: skip


def test_comma_separated_with_a_bom_and_blank_lines(admin: Api, production: dict[str, Any]):
    project_id = production["project"]["id"]
    content = '\ufeffName,Type,Description\r\n,,\r\nComma,Prop,"one, two"\r\n'
    [asset] = imported(admin, f"projects/{project_id}/assets", content)
    assert (asset["name"], asset["description"], asset["type"]) == ("Comma", "one, two", "Entity")


# ==== persons ================================================================================
def test_persons_import_creates_then_updates(admin: Api, studio: Studio) -> None:
    tag = uuid.uuid4().hex[:6]
    department = admin.ok("GET", "/data/departments")[0]
    header = (
        "First Name;Last Name;Email;Role;Contract Type;Position;Seniority;Country;Daily Salary;"
        "Departments;Active"
    )
    content = lines(
        header,
        f"Ann;Imp{tag};ann-{tag}@Example.com;Supervisor;Freelance;lead;Senior;fr;250;"
        f"{department['name']};false",
    )
    [person] = imported(admin, "persons", content)
    assert person["type"] == "Person"
    assert "password" not in person and "departments" not in person
    assert (person["email"], person["role"], person["contract_type"], person["position"]) == (
        f"ann-{tag}@example.com",
        "supervisor",
        "freelance",
        "lead",
    )
    assert (person["seniority"], person["country"], person["daily_salary"]) == ("senior", "FR", 250)
    assert person["active"] is False
    stored = admin.ok("GET", f"/data/persons/{person['id']}")
    assert stored["departments"] == [department["id"]]
    changed = content.replace(";250;", ";300;")
    [again] = imported(admin, "persons", changed)
    assert again["id"] == person["id"] and again["daily_salary"] == 250  # no update asked
    [updated] = imported(admin, "persons", changed, update=True)
    assert updated["id"] == person["id"] and updated["daily_salary"] == 300
    matches = admin.ok("GET", f"/data/persons?email=ann-{tag}@example.com")
    assert len(matches) == 1
    names = [event["name"] for event in admin.ok("GET", "/data/events/last?limit=50")]
    assert "person:new" in names and "person:update" in names


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ("Bo;X;not-an-email;;;;", "line 3, column 'Email'"),
        ("Bo;X;{email};Wizard;;;", "line 3, column 'Role': 'Wizard' is not one of Artist (user)"),
        ("Bo;X;{email};;Nowhere;;", "line 3, column 'Departments': no department is named"),
        ("Bo;X;{email};;;Atlantis;", "line 3, column 'Studio': no studio is named 'Atlantis'"),
        ("Bo;X;{email};;;;maybe", "line 3, column 'Active': 'maybe' is not a boolean"),
        (" ;X;{email};;;;", "line 3, column 'First Name': cannot be empty"),
    ],
)
def test_persons_import_refuses_a_bad_row_and_writes_nothing(
    admin: Api, cells: str, message: str
) -> None:
    tag = uuid.uuid4().hex[:6]
    first = f"Ok;Row;ok-{tag}@example.com;;;;false"
    bad = cells.format(email=f"bo-{tag}@example.com")
    content = lines("First Name;Last Name;Email;Role;Departments;Studio;Active", first, bad)
    assert message in refused(admin, "persons", content)
    assert admin.ok("GET", f"/data/persons?email=ok-{tag}@example.com") == []


def test_persons_import_does_not_lock_the_importer_out(admin: Api) -> None:
    me = admin.ok("GET", "/auth/authenticated")["user"]
    header = "First Name;Last Name;Email;Role;Active"
    for cells, column in ((f"{me['first_name']};X;{me['email']};Artist;", "Role"),
                          (f"{me['first_name']};X;{me['email']};;no", "Active")):  # fmt: skip
        message = refused(admin, "persons", lines(header, cells), update=True)
        assert message.startswith(f"line 2, column '{column}': this row would")
    assert admin.ok("GET", "/auth/authenticated")["user"]["role"] == "admin"


def test_persons_import_is_for_admins(studio: Studio) -> None:
    content = lines("First Name;Last Name;Email", "A;B;a-b@example.com")
    for role in ("manager", "supervisor", "user"):
        assert post_csv(studio.as_role(role), "persons", content).status_code == 403


def test_persons_import_respects_the_user_limit(start_server) -> None:
    from tests.support.server import ADMIN_EMAIL, ADMIN_PASSWORD

    server = start_server(user_limit="2")
    api = Api(server.api)
    api.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    content = lines("First Name;Last Name;Email", "A;One;a1@example.com", "A;Two;a2@example.com")
    message = refused(api, "persons", content)
    assert message == "line 3: User limit reached."
    assert api.ok("GET", "/data/persons?email=a1@example.com") == []


# ==== assets =================================================================================
def test_assets_import(admin: Api, studio: Studio, production: dict[str, Any]) -> None:
    project_id = production["project"]["id"]
    artist = studio.people["user"]
    type_name = f"Vehicle{uuid.uuid4().hex[:6]}"
    content = lines(
        "Project;Type;Name;Description;Style;Modeling;Modeling comment;Modeling assignations",
        f"Old name;Character;Hero;The hero;toon;wip;started;{artist['email']}",
        f"Old name;{type_name};Car;;;;;",
    )
    hero, car = imported(admin, f"projects/{project_id}/assets", content)
    assert hero["name"] == "Hero" and hero["description"] == "The hero"
    assert hero["data"] == {"style": "toon"}
    assert hero["entity_type_id"] == studio.types["Character"]
    asset_types = {item["name"]: item["id"] for item in admin.ok("GET", "/data/asset-types")}
    assert car["entity_type_id"] == asset_types[type_name]  # created on the fly, as Zou does
    tasks = admin.ok("GET", f"/data/assets/{hero['id']}/tasks")
    [modeling] = [task for task in tasks if task["task_type_name"] == "Modeling"]
    assert modeling["task_status_id"] == studio.statuses["wip"]["id"]
    assert admin.ok("GET", f"/data/tasks/{modeling['id']}")["assignees"] == [artist["id"]]
    comments = admin.ok("GET", f"/data/tasks/{modeling['id']}/comments")
    assert [comment["text"] for comment in comments] == ["started"]
    car_tasks = admin.ok("GET", f"/data/assets/{car['id']}/tasks")
    assert [task["task_type_name"] for task in car_tasks] == ["Modeling"]
    names = {event["name"] for event in events_of(admin, project_id)}
    assert {"asset:new", "task:new", "task:assign", "comment:new"} <= names
    # Again without update: nothing changes; with update: the same asset changes.
    changed = content.replace("The hero", "The new hero")
    again = imported(admin, f"projects/{project_id}/assets", changed)
    assert [item["id"] for item in again] == [hero["id"], car["id"]]
    assert admin.ok("GET", f"/data/assets/{hero['id']}")["description"] == "The hero"
    imported(admin, f"projects/{project_id}/assets", changed, update=True)
    assert admin.ok("GET", f"/data/assets/{hero['id']}")["description"] == "The new hero"
    assert len(project_entities(admin, project_id, "assets")) == len(
        {asset["id"] for asset in project_entities(admin, project_id, "assets")}
    )
    assert [a["name"] for a in project_entities(admin, project_id, "assets")].count("Hero") == 1


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("Character;Bad1;;wip", "line 3, column 'Style'"),
        ("Character;Bad1;x;lost", "line 3, column 'Modeling': no task status is named 'lost'"),
        ("Shot;Bad1;x;", "line 3, column 'Type': Shot is not an asset type"),
        (";Bad1;x;", "line 3, column 'Type': cannot be empty"),
    ],
)
def test_assets_import_refuses_a_bad_row_and_writes_nothing(
    admin: Api, production: dict[str, Any], row: str, message: str
) -> None:
    project_id = production["project"]["id"]
    if "Style" in message:
        content = lines("Type;Name;Episode", "Prop;Good1;", "Character;Bad1;E01")
        message = "line 3, column 'Episode': the production is not a TV show"
    else:
        content = lines("Type;Name;Style;Modeling", "Prop;Good1;x;", row)
    before = len(project_entities(admin, project_id, "assets"))
    events_before = len(events_of(admin, project_id))
    assert message in refused(admin, f"projects/{project_id}/assets", content)
    assert len(project_entities(admin, project_id, "assets")) == before
    assert len(events_of(admin, project_id)) == events_before


def test_assets_import_person_descriptor_and_assignations_must_exist(
    admin: Api, production: dict[str, Any]
) -> None:
    project_id = production["project"]["id"]
    content = lines("Type;Name;Modeling assignations", "Prop;Lamp;Nobody Known")
    message = refused(admin, f"projects/{project_id}/assets", content)
    assert message.startswith("line 2, column 'Modeling assignations': no person has the name")


def test_a_closed_asset_type_list(admin: Api, studio: Studio) -> None:
    project = admin.create("projects", name=unique("Closed"), asset_types=[studio.types["Prop"]])
    path = f"projects/{project['id']}/assets"
    message = refused(admin, path, lines("Type;Name", f"Unheard{uuid.uuid4().hex[:6]};X"))
    assert "is not configured for this production" in message
    imported(admin, path, lines("Type;Name", "character;Kid"))  # a studio type: added
    assert (
        studio.types["Character"]
        in admin.ok("GET", f"/data/projects/{project['id']}")["asset_types"]
    )


def test_task_type_columns_the_production_does_not_use(admin: Api, production: dict[str, Any]):
    project_id = production["project"]["id"]
    path = f"projects/{project_id}/assets"
    imported(admin, path, lines("Type;Name;Rigging", "Prop;Unrigged;"))
    message = refused(admin, path, lines("Type;Name;Rigging", "Prop;Unrigged;wip"))
    assert message == "line 2, column 'Rigging': the production does not use this task type"


def test_tv_show_assets_create_episodes(admin: Api) -> None:
    project = admin.create("projects", name=unique("Csv TV"), production_type="tvshow")
    content = lines("Episode;Type;Name", "E01;Prop;Cup", "MP;Prop;Plate", ";Prop;Fork")
    cup, plate, fork = imported(admin, f"projects/{project['id']}/assets", content)
    episodes = admin.ok("GET", f"/data/projects/{project['id']}/episodes")
    [episode] = [episode for episode in episodes if episode["name"] == "E01"]
    assert cup["source_id"] == episode["id"]
    assert plate["source_id"] is None and fork["source_id"] is None


@pytest.mark.parametrize("route", ["assets", "shots", "edits", "casting"])
def test_project_imports_are_for_its_managers(
    studio: Studio, production: dict[str, Any], route: str
) -> None:
    project_id = production["project"]["id"]
    content = lines("Name", "X")
    for role in ("supervisor", "user", "client", "vendor"):
        response = post_csv(studio.as_role(role), f"projects/{project_id}/{route}", content)
        assert response.status_code == 403, (role, response.text)
    other = studio.other_project["id"]
    assert (
        post_csv(studio.as_role("manager"), f"projects/{other}/{route}", content).status_code == 403
    )


@pytest.mark.parametrize("route", ["assets", "shots", "edits", "casting"])
@pytest.mark.parametrize("project_id", ["not-an-id", MISSING])
def test_project_imports_of_a_missing_project(admin: Api, route: str, project_id: str) -> None:
    response = post_csv(admin, f"projects/{project_id}/{route}", lines("Name", "X"))
    assert response.status_code == 404
    assert response.json()["error"] is True


# ==== shots ==================================================================================
def test_shots_import(admin: Api, studio: Studio, production: dict[str, Any]) -> None:
    project_id = production["project"]["id"]
    content = lines(
        "Sequence;Name;Description;Frame In;Frame Out;FPS;Hero;Animation",
        "SQ01;SH010;first;101;148;24;yes;",
        "SQ01;SH020;;1;;;no;wip",
        "SQ02;SH010;;;;;;",
    )
    first, second, third = imported(admin, f"projects/{project_id}/shots", content)
    assert first["nb_frames"] == 48
    assert first["data"] == {"frame_in": 101, "frame_out": 148, "fps": "24", "hero": "true"}
    assert second["data"] == {"frame_in": 1, "hero": "false"}  # an empty FPS sets nothing
    sequences = {
        s["name"]: s["id"] for s in admin.ok("GET", f"/data/projects/{project_id}/sequences")
    }
    assert first["parent_id"] == second["parent_id"] == sequences["SQ01"]
    assert third["parent_id"] == sequences["SQ02"]
    tasks = admin.ok("GET", f"/data/shots/{second['id']}/tasks")
    assert [(t["task_type_name"], t["task_status_id"]) for t in tasks] == [
        ("Animation", studio.statuses["wip"]["id"])
    ]
    assert len(admin.ok("GET", f"/data/shots/{third['id']}/tasks")) == 1
    changed = lines("Sequence;Name;Nb Frames", "SQ01;SH010;12")
    imported(admin, f"projects/{project_id}/shots", changed)
    assert admin.ok("GET", f"/data/shots/{first['id']}")["nb_frames"] == 48
    [again] = imported(admin, f"projects/{project_id}/shots", changed, update=True)
    assert again["id"] == first["id"] and again["nb_frames"] == 12
    assert again["data"]["frame_in"] == 101  # the other data keys stay
    names = [shot["name"] for shot in project_entities(admin, project_id, "shots")]
    assert sorted(names) == ["SH010", "SH010", "SH020"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("SQ09;SH1;abc", "line 3, column 'Frame In': 'abc' is not an integer"),
        (";SH1;", "line 3, column 'Sequence': cannot be empty"),
        ("SQ09;;", "line 3, column 'Name': cannot be empty"),
        ("SQ09;SH1;;E01", "line 3, column 'Episode': the production is not a TV show"),
    ],
)
def test_shots_import_refuses_a_bad_row_and_writes_nothing(
    admin: Api, production: dict[str, Any], row: str, message: str
) -> None:
    project_id = production["project"]["id"]
    before = len(project_entities(admin, project_id, "sequences"))
    shots_before = len(project_entities(admin, project_id, "shots"))
    content = lines("Sequence;Name;Frame In;Episode", "SQ09;SH0;1;", row)
    assert message in refused(admin, f"projects/{project_id}/shots", content)
    assert len(project_entities(admin, project_id, "sequences")) == before
    assert len(project_entities(admin, project_id, "shots")) == shots_before


def test_tv_show_shots_need_an_episode(admin: Api) -> None:
    project = admin.create("projects", name=unique("Csv TV shots"), production_type="tvshow")
    path = f"projects/{project['id']}/shots"
    assert "column 'Episode': this required column is missing" in refused(
        admin, path, lines("Sequence;Name", "SQ1;SH1")
    )
    [shot] = imported(admin, path, lines("Episode;Sequence;Name", "E02;SQ1;SH1"))
    episodes = admin.ok("GET", f"/data/projects/{project['id']}/episodes")
    [episode] = [episode for episode in episodes if episode["name"] == "E02"]
    sequence = admin.ok("GET", f"/data/sequences/{shot['parent_id']}")
    assert episode["name"] == "E02" and sequence["parent_id"] == episode["id"]


# ==== edits ==================================================================================
def test_edits_import(admin: Api, production: dict[str, Any]) -> None:
    project_id = production["project"]["id"]
    [edit] = imported(admin, f"projects/{project_id}/edits", lines("Name;Description", "Cut;v1"))
    assert edit["description"] == "v1" and edit["type"] == "Entity"
    assert len(admin.ok("GET", f"/data/edits/{edit['id']}/tasks")) == (
        1 if production["edit_type"] else 0
    )
    imported(admin, f"projects/{project_id}/edits", lines("Name;Description", "Cut;v2"), True)
    assert admin.ok("GET", f"/data/edits/{edit['id']}")["description"] == "v2"
    message = refused(admin, f"projects/{project_id}/edits", lines("Name;Episode", "Cut2;E1"))
    assert message.startswith("line 2, column 'Episode': the production is not a TV show")


# ==== casting ================================================================================
def test_casting_import(admin: Api, studio: Studio) -> None:
    project = admin.create("projects", name=unique("Csv casting"))
    project_id = project["id"]
    imported(
        admin, f"projects/{project_id}/assets", lines("Type;Name", "Prop;Cup", "Character;Kid")
    )
    [shot] = imported(admin, f"projects/{project_id}/shots", lines("Sequence;Name", "SQ 1;SH 1"))
    content = lines(
        "Parent;Name;Asset Type;Asset;Occurences;Label",
        "SQ 1;SH 1;Prop;Cup;2;Animate",
        "Character;Kid;prop;cup;;",
    )
    assert imported(admin, f"projects/{project_id}/casting", content) == [None, None]
    casting = admin.ok("GET", f"/data/projects/{project_id}/entities/{shot['id']}/casting")
    assert [(c["asset_name"], c["nb_occurences"], c["label"]) for c in casting] == [
        ("Cup", 2, "animate")
    ]
    assert admin.ok("GET", f"/data/shots/{shot['id']}")["nb_entities_out"] == 1
    names = {event["name"] for event in events_of(admin, project_id)}
    assert {"entity-link:new", "shot:casting-update", "asset:casting-update"} <= names
    imported(admin, f"projects/{project_id}/casting", content.replace(";2;", ";3;"))
    casting = admin.ok("GET", f"/data/projects/{project_id}/entities/{shot['id']}/casting")
    assert [c["nb_occurences"] for c in casting] == [3]
    for row, message in (
        ("SQ 1;SH 1;Prop;Plate;1;", "line 3, column 'Asset': no asset 'Plate' of type 'Prop'"),
        ("SQ 1;SH 9;Prop;Cup;1;", "line 3, column 'Name': no shot, asset or episode"),
        ("SQ 1;SH 1;Prop;Cup;two;", "line 3, column 'Occurences': 'two' is not an integer"),
    ):
        bad = lines(
            "Parent;Name;Asset Type;Asset;Occurences;Label", "Character;Kid;Prop;Cup;5;", row
        )
        assert message in refused(admin, f"projects/{project_id}/casting", bad)
    kid = next(a for a in project_entities(admin, project_id, "assets") if a["name"] == "Kid")
    assert [c["nb_occurences"] for c in admin.ok("GET", f"/data/assets/{kid['id']}/casting")] == [1]


# ==== estimations ============================================================================
@pytest.fixture(scope="module")
def estimated(admin: Api, studio: Studio) -> dict[str, Any]:
    animation = studio.task_types["Animation/Shot"]
    team = [person["id"] for person in studio.people.values() if person["role"] != "admin"]
    project = admin.create(
        "projects", name=unique("Csv estimations"), production_type="tvshow", team=team,
        task_types=[animation["id"]],
    )  # fmt: skip
    shots = imported(
        admin, f"projects/{project['id']}/shots",
        lines("Episode;Sequence;Name", "E01;SQ01;SH01", "E01;SQ01;SH02", "E02;SQ01;SH01",
              "E02;SQ01;SH03"),
    )  # fmt: skip
    episodes = {
        e["name"]: e["id"] for e in admin.ok("GET", f"/data/projects/{project['id']}/episodes")
    }
    return {"project": project, "shots": shots, "animation": animation, "episodes": episodes}


def test_estimations_import(admin: Api, estimated: dict[str, Any]) -> None:
    project_id, animation = estimated["project"]["id"], estimated["animation"]
    path = f"projects/{project_id}/task-types/{animation['id']}/estimations"
    content = lines(
        "Parent;Entity;Estimation;Drawings;Start date;Due date;Difficulty",
        "SQ01;SH01;2;12;2026-03-06;;4",
        "SQ01;SH02;;;;2026-04-01;",
    )
    message = refused(admin, path, content)
    assert message.startswith("line 2, column 'Entity': shots of several episodes match (e01, e02)")
    content = content.replace("SQ01;SH01;2;", "SQ01;SH03;2;")
    answer = imported(admin, path, content)
    assert answer == [None, None]
    tasks = {
        task["entity_id"]: task for task in admin.ok("GET", f"/data/tasks?project_id={project_id}")
    }
    first = tasks[estimated["shots"][3]["id"]]
    hours = admin.ok("GET", "/data/organisations")[0]["hours_by_day"]
    assert first["estimation"] == round(2 * hours * 60)
    assert (first["nb_drawings"], first["difficulty"]) == (12, 4)
    assert first["start_date"] == "2026-03-06T00:00:00"
    assert first["due_date"] == "2026-03-09T00:00:00"  # Friday + 1 business day
    assert tasks[estimated["shots"][1]["id"]]["due_date"] == "2026-04-01T00:00:00"


def test_episode_estimations_import(admin: Api, estimated: dict[str, Any]) -> None:
    project_id, animation = estimated["project"]["id"], estimated["animation"]
    episode = estimated["episodes"]["E02"]
    path = f"projects/{project_id}/episodes/{episode}/task-types/{animation['id']}/estimations"
    imported(admin, path, lines("Parent;Entity;Difficulty", "SQ01;SH01;2"))
    tasks = {t["entity_id"]: t for t in admin.ok("GET", f"/data/tasks?project_id={project_id}")}
    assert tasks[estimated["shots"][2]["id"]]["difficulty"] == 2
    assert tasks[estimated["shots"][0]["id"]]["difficulty"] == 3
    message = refused(admin, path, lines("Parent;Entity", "SQ01;SH02"))
    assert message == "line 2, column 'Entity': no entity 'SH02' with parent 'SQ01'"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("SQ01;SH09;1;", "line 3, column 'Entity': no entity 'SH09' with parent 'SQ01'"),
        ("SQ01;SH03;lots;", "line 3, column 'Estimation': 'lots' is not a number"),
        ("SQ01;SH03;1;06/03/2026", "line 3, column 'Start date': '06/03/2026' is not a date"),
    ],
)
def test_estimations_import_refuses_a_bad_row(
    admin: Api, estimated: dict[str, Any], row: str, message: str
) -> None:
    project_id, animation = estimated["project"]["id"], estimated["animation"]
    path = f"projects/{project_id}/task-types/{animation['id']}/estimations"
    content = lines("Parent;Entity;Estimation;Start date", "SQ01;SH02;9;", row)
    assert message in refused(admin, path, content)
    tasks = {t["entity_id"]: t for t in admin.ok("GET", f"/data/tasks?project_id={project_id}")}
    assert tasks[estimated["shots"][1]["id"]]["estimation"] != 9 * 8 * 60


def test_estimations_permissions_and_ids(
    admin: Api, studio: Studio, estimated: dict[str, Any]
) -> None:
    project_id, animation = estimated["project"]["id"], estimated["animation"]
    content = lines("Parent;Entity;Difficulty", "SQ01;SH03;3")
    path = f"projects/{project_id}/task-types/{animation['id']}/estimations"
    for role in ("user", "client", "vendor"):
        assert post_csv(studio.as_role(role), path, content).status_code == 403
    for role in ("manager", "supervisor"):  # the supervisor has no department
        assert post_csv(studio.as_role(role), path, content).status_code == 201
    for bad in (
        f"projects/{project_id}/task-types/{MISSING}/estimations",
        f"projects/{MISSING}/task-types/{animation['id']}/estimations",
        f"projects/{project_id}/episodes/{MISSING}/task-types/{animation['id']}/estimations",
        f"projects/{project_id}/episodes/bad/task-types/{animation['id']}/estimations",
    ):
        assert post_csv(admin, bad, content).status_code == 404, bad


# ==== the round trip =========================================================================
def exported(admin: Api, project_id: str, name: str, query: str = "") -> str:
    response = admin.get(f"/export/csv/projects/{project_id}/{name}.csv{query}")
    assert response.status_code == 200, response.text
    return response.content.decode("utf-8")


def breakdown_of(admin: Api, project_id: str) -> dict[str, Any]:
    sequences = {s["id"]: s["name"] for s in project_entities(admin, project_id, "sequences")}
    types = {t["id"]: t["name"] for t in admin.ok("GET", "/data/asset-types")}
    assets = project_entities(admin, project_id, "assets")
    shots = project_entities(admin, project_id, "shots")
    names = {a["id"]: (types[a["entity_type_id"]], a["name"]) for a in assets}
    names.update({s["id"]: (sequences[s["parent_id"]], s["name"]) for s in shots})
    casting = []
    for entity_id, name in names.items():
        for link in admin.ok("GET", f"/data/projects/{project_id}/entities/{entity_id}/casting"):
            casting.append((name, names[link["asset_id"]], link["nb_occurences"], link["label"]))
    return {
        "assets": sorted(
            (types[a["entity_type_id"]], a["name"], a["description"] or "", a["data"] or {})
            for a in assets
        ),
        "shots": sorted(
            (sequences[s["parent_id"]], s["name"], s["nb_frames"], s["data"] or {}) for s in shots
        ),
        "casting": sorted(casting),
    }


def test_a_production_exported_imports_into_a_new_one(admin: Api, studio: Studio) -> None:
    modeling, animation = studio.task_types["Modeling/Asset"], studio.task_types["Animation/Shot"]
    settings = {"task_types": [modeling["id"], animation["id"]]}
    source = admin.create("projects", name=unique("Round trip"), **settings)
    target = admin.create("projects", name=unique("Round trip copy"), **settings)
    for project in (source, target):
        for entity_type, name in (("Asset", "Style"), ("Shot", "Camera")):
            admin.ok(
                "POST", f"/data/projects/{project['id']}/metadata-descriptors", 201,
                json={"entity_type": entity_type, "name": name, "data_type": "string"},
            )  # fmt: skip
    path = f"projects/{source['id']}"
    imported(admin, f"{path}/assets", lines(
        "Type;Name;Description;Style;Modeling",
        "Character;Kid;A kid;toon;wip", "Character;Mum;;real;", "Prop;Cup;Blue, small;;done",
        "Prop;Big Tree;;;",
    ))  # fmt: skip
    imported(admin, f"{path}/shots", lines(
        "Sequence;Name;Frame In;Frame Out;FPS;Camera;Animation",
        "SQ01;SH010;1;48;25;A;wip", "SQ01;SH020;49;100;25;B;", "SQ02;SH010;;;;;",
    ))  # fmt: skip
    imported(admin, f"{path}/casting", lines(
        "Parent;Name;Asset Type;Asset;Occurences;Label",
        "SQ01;SH010;Character;Kid;1;animate", "SQ01;SH010;Prop;Cup;3;fixed",
        "SQ01;SH020;Character;Mum;1;", "Character;Kid;Prop;Big Tree;2;",
    ))  # fmt: skip
    assets_csv = exported(admin, source["id"], "assets")
    shots_csv = exported(admin, source["id"], "shots")
    casting_csv = exported(admin, source["id"], "casting")
    shot_casting_csv = exported(admin, source["id"], "casting", "?is_shot_casting=true")
    assert assets_csv.startswith("Project;Type;Name;Description;Time Spent;Style;Modeling")
    into = f"projects/{target['id']}"
    assert len(imported(admin, f"{into}/assets", assets_csv)) == 4
    assert len(imported(admin, f"{into}/shots", shots_csv)) == 3
    assert len(imported(admin, f"{into}/casting", casting_csv)) == 1
    assert len(imported(admin, f"{into}/casting", shot_casting_csv)) == 3
    original, copy = breakdown_of(admin, source["id"]), breakdown_of(admin, target["id"])
    assert copy == original
    assert len(copy["casting"]) == 4
    assert (
        "SQ01",
        "SH010",
        48,
        {"frame_in": 1, "frame_out": 48, "fps": "25", "camera": "A"},
    ) in copy["shots"]
    # The task statuses travel too (the export writes short names).
    statuses = {}
    for project in (source, target):
        tasks = admin.ok("GET", f"/data/tasks?project_id={project['id']}")
        statuses[project["id"]] = sorted(
            (task["task_type_id"], task["task_status_id"]) for task in tasks
        )
    assert statuses[source["id"]] == statuses[target["id"]]
    # The copy exports the same files, the project name aside.
    files = [("assets", "", assets_csv), ("shots", "", shots_csv), ("casting", "", casting_csv),
             ("casting", "?is_shot_casting=true", shot_casting_csv)]  # fmt: skip
    for name, query, text in files:
        again = exported(admin, target["id"], name, query)
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        rows_again = list(csv.reader(io.StringIO(again), delimiter=";"))
        if name != "casting":
            rows = [row[1:] for row in rows]
            rows_again = [row[1:] for row in rows_again]
        assert rows_again == rows, name


def test_asset_type_workflows_and_missing_tasks(admin: Api, studio: Studio) -> None:
    """A new asset gets the tasks of its type's workflow; a status cell for a task type outside
    it still makes that task (as Zou); a re-import without update repairs missing tasks."""
    modeling, rigging = studio.task_types["Modeling/Asset"], studio.task_types["Rigging/Asset"]
    project = admin.create(
        "projects", name=unique("Workflow"), task_types=[modeling["id"], rigging["id"]]
    )
    vehicle = admin.create("entity-types", name=unique("Vehicle"), task_types=[rigging["id"]])
    path = f"projects/{project['id']}/assets"
    car, bike = imported(
        admin,
        path,
        lines("Type;Name;Modeling", f"{vehicle['name']};Car;", f"{vehicle['name']};Bike;wip"),
    )
    task_names = lambda asset: sorted(  # noqa: E731
        task["task_type_name"] for task in admin.ok("GET", f"/data/assets/{asset['id']}/tasks")
    )
    assert task_names(car) == ["Rigging"]
    assert task_names(bike) == ["Modeling", "Rigging"]
    [task] = [t for t in admin.ok("GET", f"/data/assets/{car['id']}/tasks")]
    admin.ok("DELETE", f"/data/tasks/{task['id']}", 204)
    assert task_names(car) == []
    imported(admin, path, lines("Type;Name", f"{vehicle['name']};Car"))
    assert task_names(car) == ["Rigging"]


def test_a_tv_show_exported_imports_into_a_new_one(admin: Api, studio: Studio) -> None:
    """Episodes travel with the shots and the shot casting (the assets export has no Episode
    column, as Zou's: assets come back in the main pack)."""
    animation = studio.task_types["Animation/Shot"]
    settings = {"production_type": "tvshow", "task_types": [animation["id"]]}
    source = admin.create("projects", name=unique("TV trip"), **settings)
    target = admin.create("projects", name=unique("TV trip copy"), **settings)
    path = f"projects/{source['id']}"
    imported(admin, f"{path}/assets", lines("Type;Name", "Character;Kid", "Prop;Cup"))
    imported(admin, f"{path}/shots", lines(
        "Episode;Sequence;Name;Frame In;Frame Out", "E01;SQ01;SH010;1;24", "E02;SQ01;SH010;1;12",
    ))  # fmt: skip
    imported(admin, f"{path}/casting", lines(
        "Episode;Parent;Name;Asset Type;Asset;Occurences;Label",
        "E01;SQ01;SH010;Character;Kid;1;", "E02;SQ01;SH010;Prop;Cup;2;",
    ))  # fmt: skip
    into = f"projects/{target['id']}"
    imported(admin, f"{into}/assets", exported(admin, source["id"], "assets"))
    imported(admin, f"{into}/shots", exported(admin, source["id"], "shots"))
    shot_casting = exported(admin, source["id"], "casting", "?is_shot_casting=true")
    assert shot_casting.startswith("Episode;Parent;Name")
    assert len(imported(admin, f"{into}/casting", shot_casting)) == 2

    def shots_of(project_id: str) -> list[tuple[Any, ...]]:
        episodes = {e["id"]: e["name"] for e in project_entities(admin, project_id, "episodes")}
        sequences = {
            s["id"]: (episodes[s["parent_id"]], s["name"])
            for s in project_entities(admin, project_id, "sequences")
        }
        found = []
        for shot in project_entities(admin, project_id, "shots"):
            casting = admin.ok("GET", f"/data/projects/{project_id}/entities/{shot['id']}/casting")
            found.append((
                *sequences[shot["parent_id"]], shot["name"], shot["nb_frames"], shot["data"],
                sorted((c["asset_name"], c["nb_occurences"]) for c in casting),
            ))  # fmt: skip
        return sorted(found)

    assert shots_of(target["id"]) == shots_of(source["id"])
    assert len(shots_of(target["id"])) == 2
