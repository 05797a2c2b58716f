"""Time sheets, day offs, presence, task dates and quota shots of the persons' routes
(``api/time_sheets.py``), through HTTP and through gazu, with the roles Zou tells apart."""

from __future__ import annotations

import csv
import datetime
import io
import uuid
from dataclasses import dataclass, field
from typing import Any

import gazu
import pytest

from .support.api import Api

PASSWORD = "password-123"
ROLES = {
    "manager": "manager",
    "supervisor": "supervisor",
    "user": "user",
    "client": "client",
    "vendor": "vendor",
    "outsider": "user",
}
# (task, person, date, minutes): around the turn of 2025 and in ISO weeks 1, 52 and 53.
TIME_SPENTS = [
    ("shot", "user", "2025-12-31", 120),
    ("shot", "user", "2026-01-01", 60),
    ("asset", "user", "2025-12-31", 30),
    ("asset", "user", "2025-12-29", 15),
    ("shot", "user", "2020-12-31", 45),
    ("shot", "user", "2024-12-30", 10),
    ("other", "user", "2025-12-30", 20),
    ("other", "outsider", "2025-12-31", 40),
    ("shot", "vendor", "2026-01-05", 25),
]
DAY_OFFS = [
    ("user", "2026-01-10", "2026-01-12", "holiday"),
    ("vendor", "2025-12-29", "2026-01-02", "new year"),
    ("outsider", "2026-01-05", "2026-01-05", "sick"),
]


@dataclass
class Sheet:
    admin: Api
    people: dict[str, dict[str, Any]]
    clients: dict[str, Api]
    project: dict[str, Any]
    other: dict[str, Any]
    tasks: dict[str, dict[str, Any]]
    shot: dict[str, Any]
    sequence: dict[str, Any]
    animation: dict[str, Any]
    day_offs: dict[str, dict[str, Any]] = field(default_factory=dict)

    def id(self, role: str) -> str:
        return self.people[role]["id"]

    def get(self, role: str, path: str, expected: int = 200) -> Any:
        client = self.admin if role == "admin" else self.clients[role]
        return client.ok("GET", path, expected)


@pytest.fixture(scope="module")
def sheet(admin: Api) -> Sheet:
    tag = uuid.uuid4().hex[:6]
    people = {
        name: admin.create(
            "persons",
            first_name=name.capitalize(),
            last_name=f"Sheet {tag}",
            email=f"sheet-{name}-{tag}@example.com",
            password=PASSWORD,
            role=role,
        )
        for name, role in ROLES.items()
    }
    clients = {}
    for name, person in people.items():
        clients[name] = admin.as_token(None)
        clients[name].login(person["email"], PASSWORD)
    task_types = {f"{t['name']}/{t['for_entity']}": t for t in admin.ok("GET", "/data/task-types")}
    animation, modeling = task_types["Animation/Shot"], task_types["Modeling/Asset"]
    for name in ("supervisor", "vendor"):
        admin.ok(
            "POST",
            f"/actions/persons/{people[name]['id']}/departments/add",
            201,
            json={"department_id": animation["department_id"]},
        )
    team = [people[name]["id"] for name in ROLES if name != "outsider"]
    project = admin.create("projects", name=f"Sheet {tag}", team=team)
    other = admin.create(
        "projects", name=f"Sheet other {tag}", team=[people["outsider"]["id"], people["user"]["id"]]
    )
    types = {item["name"]: item["id"] for item in admin.ok("GET", "/data/entity-types")}
    sequence = admin.create(
        "entities", name=f"SQ{tag}", project_id=project["id"], entity_type_id=types["Sequence"]
    )
    shot = admin.create(
        "entities",
        name=f"SH{tag}",
        project_id=project["id"],
        entity_type_id=types["Shot"],
        parent_id=sequence["id"],
        nb_frames=48,
    )
    asset = admin.create(
        "entities", name=f"Bob{tag}", project_id=project["id"], entity_type_id=types["Character"]
    )
    prop = admin.create(
        "entities", name=f"Prop{tag}", project_id=other["id"], entity_type_id=types["Prop"]
    )
    status = admin.ok("GET", "/data/task-status")[0]["id"]

    def task(entity, task_type, project_id, assignees, **dates):
        return admin.create(
            "tasks",
            name="main",
            entity_id=entity["id"],
            task_type_id=task_type["id"],
            project_id=project_id,
            task_status_id=status,
            assignees=[people[name]["id"] for name in assignees],
            **dates,
        )

    tasks = {
        "shot": task(
            shot, animation, project["id"], ["user", "vendor"],
            start_date="2025-12-01T00:00:00", due_date="2026-01-15T00:00:00",
            end_date="2025-12-31T10:00:00", real_start_date="2025-12-20T00:00:00",
        ),
        "asset": task(
            asset, modeling, project["id"], ["user"],
            start_date="2025-11-01T00:00:00", due_date="2025-12-10T00:00:00",
        ),
        "other": task(
            prop, modeling, other["id"], ["outsider", "user"],
            start_date="2025-10-01T00:00:00", due_date="2025-10-20T00:00:00",
        ),
    }  # fmt: skip
    for task_name, person, date, minutes in TIME_SPENTS:
        admin.create(
            "time-spents",
            task_id=tasks[task_name]["id"],
            person_id=people[person]["id"],
            date=date,
            duration=minutes,
        )
    result = Sheet(admin, people, clients, project, other, tasks, shot, sequence, animation)
    for person, start, end, description in DAY_OFFS:
        result.day_offs[person] = admin.create(
            "day-offs",
            person_id=people[person]["id"],
            date=start,
            end_date=end,
            description=description,
        )
    admin.ok(
        "POST",
        f"/data/persons/{people['user']['id']}/desktop-login-logs",
        201,
        json={"date": "2026-01-03T09:00:00"},
    )
    return result


def totals(entries: list[dict[str, Any]]) -> dict[str, float]:
    return {entry["task_id"]: entry["duration"] for entry in entries}


def person_path(sheet: Sheet, role: str, rest: str) -> str:
    return f"/data/persons/{sheet.id(role)}/{rest}"


# ==== a person's totals per period ==========================================================
@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("day/2025/12/31", {"shot": 120, "asset": 30}),
        ("day/2026/1/1", {"shot": 60}),
        ("week/2026/1", {"shot": 180, "asset": 45, "other": 20}),  # 2025-12-29 .. 2026-01-04
        ("week/2025/1", {"shot": 10}),  # starts on 2024-12-30
        ("week/2020/53", {"shot": 45}),
        ("week/2025/52", {}),
        ("month/2025/12", {"shot": 120, "asset": 45, "other": 20}),
        ("month/2026/1", {"shot": 60}),
        ("year/2025", {"shot": 120, "asset": 45, "other": 20}),
        ("year/2026", {"shot": 60}),
        ("year/2024", {"shot": 10}),
    ],
)
def test_period_totals_follow_the_calendar(sheet, period, expected):
    entries = sheet.get("admin", person_path(sheet, "user", f"time-spents/{period}"))
    names = {task["id"]: name for name, task in sheet.tasks.items()}
    assert {names[key]: value for key, value in totals(entries).items()} == expected


def test_period_entries_carry_the_time_sheet_names(sheet):
    entries = sheet.get("user", person_path(sheet, "user", "time-spents/day/2025/12/31"))
    shot_entry = next(item for item in entries if item["task_id"] == sheet.tasks["shot"]["id"])
    assert shot_entry == {
        "task_id": sheet.tasks["shot"]["id"],
        "task_type_id": sheet.animation["id"],
        "project_id": sheet.project["id"],
        "project_name": sheet.project["name"],
        "entity_name": sheet.shot["name"],
        "entity_type_name": "Shot",
        "sequence_name": sheet.sequence["name"],
        "episode_name": None,
        "duration": 120.0,
    }


def test_period_totals_permissions(sheet):
    path = person_path(sheet, "user", "time-spents/month/2025/12")
    shot, asset = sheet.tasks["shot"]["id"], sheet.tasks["asset"]["id"]
    # A manager reads the projects of their teams; a supervisor those and their departments.
    assert set(totals(sheet.get("manager", path))) == {shot, asset}
    assert set(totals(sheet.get("supervisor", path))) == {shot}
    assert set(totals(sheet.get("manager", path + f"?project_id={sheet.project['id']}"))) == {
        shot,
        asset,
    }
    sheet.get("manager", path + f"?project_id={sheet.other['id']}", 403)
    for role in ("client", "vendor", "outsider"):
        sheet.get(role, path, 403)
    own = person_path(sheet, "vendor", "time-spents/week/2026/2")
    assert totals(sheet.get("vendor", own)) == {shot: 25.0}


def test_period_bad_input(sheet):
    base = person_path(sheet, "user", "time-spents")
    assert sheet.admin.get(base + "/year/abc").json()["message"] == "Invalid date format."
    assert sheet.admin.get(base + "/month/2025/13").json()["message"] == "Invalid date format."
    assert sheet.admin.get(base + "/week/2025/54").json()["message"] == "Invalid month or year."
    assert sheet.admin.get(base + "/day/2025/2/30").json()["message"] == "Invalid month or year."
    # Zou answers a 500 for a malformed project id: a 400 here.
    response = sheet.admin.get(base + "/month/2025/1?project_id=abc")
    assert response.status_code == 400
    assert response.json()["message"] == "Invalid project_id."
    for person_id in ("nope", str(uuid.uuid4())):
        assert (
            sheet.admin.get(f"/data/persons/{person_id}/time-spents/year/2025").status_code == 404
        )


# ==== a person's time spents ================================================================
def test_time_spents_of_a_date(sheet):
    path = person_path(sheet, "user", "time-spents/2025-12-31")
    found = sheet.get("user", path)
    assert sorted(item["duration"] for item in found) == [30.0, 120.0]
    assert {item["type"] for item in found} == {"TimeSpent"}
    assert len(sheet.get("user", person_path(sheet, "user", "time-spents/2026-1-1"))) == 1
    assert set(found[0]) == {
        "id", "type", "created_at", "updated_at", "duration", "date", "task_id", "person_id",
    }  # fmt: skip
    assert len(sheet.get("manager", path)) == 2
    assert [item["duration"] for item in sheet.get("supervisor", path)] == [120.0]
    for role in ("client", "vendor", "outsider"):
        sheet.get(role, path, 403)
    response = sheet.admin.get(person_path(sheet, "user", "time-spents/2025-13-31"))
    assert response.status_code == 400 and response.json()["message"] == "Invalid month or year."


def test_time_spents_range(sheet):
    path = person_path(sheet, "user", "time-spents")
    found = sheet.get("admin", path + "?start_date=2025-12-30&end_date=2026-01-01")
    assert sorted((item["date"], item["duration"]) for item in found) == [
        ("2025-12-30", 20.0),
        ("2025-12-31", 30.0),
        ("2025-12-31", 120.0),
        ("2026-01-01", 60.0),
    ]
    other = next(item for item in found if item["date"] == "2025-12-30")
    assert other["project_id"] == sheet.other["id"]
    assert other["task_type_id"] == sheet.tasks["other"]["task_type_id"]
    # The manager is not on the other project's team.
    manager_view = sheet.get("manager", path + "?start_date=2025-12-30&end_date=2026-01-01")
    assert len(manager_view) == 3
    response = sheet.admin.get(path + "?start_date=2025-12-30")
    assert response.status_code == 400 and "both a `start_date`" in response.json()["message"]
    assert sheet.admin.get(path + "?start_date=x&end_date=y").status_code == 400
    sheet.get("client", path + "?start_date=2025-12-30&end_date=2026-01-01", 403)


def test_time_spents_without_range_are_none_as_zou(sheet):
    """Zou filters on a NULL date when no range is given: an empty list (kept as is)."""
    assert sheet.get("user", person_path(sheet, "user", "time-spents")) == []


def test_all_month_time_spents(sheet):
    path = person_path(sheet, "user", "time-spents/month/all/2025/12")
    found = sheet.get("user", path)
    assert sorted(item["date"] for item in found) == [
        "2025-12-29", "2025-12-30", "2025-12-31", "2025-12-31",
    ]  # fmt: skip
    assert len(sheet.get("admin", path)) == 4
    for role in ("manager", "supervisor", "client", "vendor", "outsider"):
        sheet.get(role, path, 403)


# ==== the studio tables =====================================================================
def test_tables_keyed_by_unit_then_person(sheet):
    project = f"?project_id={sheet.project['id']}"
    tables = "/data/persons/time-spents"
    user, vendor = sheet.id("user"), sheet.id("vendor")
    assert sheet.get("admin", f"{tables}/month-table/2025{project}") == {"12": {user: 165.0}}
    assert sheet.get("admin", f"{tables}/month-table/2026{project}") == {
        "1": {user: 60.0, vendor: 25.0}
    }
    # Zou keys the weeks by their ISO number only: the end of December is in week 1.
    assert sheet.get("admin", f"{tables}/week-table/2025{project}") == {"1": {user: 165.0}}
    assert sheet.get("admin", f"{tables}/week-table/2026{project}") == {
        "1": {user: 60.0},
        "2": {vendor: 25.0},
    }
    assert sheet.get("admin", f"{tables}/week-table/2020{project}") == {"53": {user: 45.0}}
    assert sheet.get("admin", f"{tables}/week-table/2024{project}") == {"1": {user: 10.0}}
    assert sheet.get("admin", f"{tables}/day-table/2025/12{project}") == {
        "29": {user: 15.0},
        "31": {user: 150.0},
    }
    assert sheet.get("admin", f"{tables}/year-table{project}") == {
        "2020": {user: 45.0},
        "2024": {user: 10.0},
        "2025": {user: 165.0},
        "2026": {user: 60.0, vendor: 25.0},
    }
    assert sheet.get("admin", f"{tables}/year-table/{project}") == sheet.get(
        "admin", f"{tables}/year-table{project}"
    )
    department = f"?department_id={sheet.animation['department_id']}&project_id="
    assert sheet.get("admin", f"{tables}/day-table/2025/12{department}{sheet.project['id']}") == {
        "31": {user: 120.0}
    }


def test_tables_per_role(sheet):
    tables = "/data/persons/time-spents"
    user = sheet.id("user")
    month_2025 = sheet.get("manager", f"{tables}/month-table/2025")
    assert month_2025["12"][user] == 165.0  # the other project is not the manager's
    assert sheet.get("supervisor", f"{tables}/month-table/2025")["12"][user] == 120.0
    # Artists, clients and vendors see their own time only.
    assert sheet.get("user", f"{tables}/month-table/2025") == {"12": {user: 185.0}}
    assert sheet.get("client", f"{tables}/month-table/2025") == {}
    assert sheet.get("vendor", f"{tables}/week-table/2026") == {"2": {sheet.id("vendor"): 25.0}}
    assert sheet.get("outsider", f"{tables}/day-table/2025/12") == {
        "31": {sheet.id("outsider"): 40.0}
    }
    sheet.get("manager", f"{tables}/month-table/2025?project_id={sheet.other['id']}", 403)
    response = sheet.clients["supervisor"].get(
        f"{tables}/month-table/2025?department_id={uuid.uuid4()}"
    )
    assert response.status_code == 400
    assert response.json()["message"] == "Supervisor not allowed to access this department"


def test_tables_bad_input(sheet):
    tables = "/data/persons/time-spents"
    for path in ("month-table/abc", "week-table/abc", "day-table/2025/13", "day-table/x/1"):
        response = sheet.admin.get(f"{tables}/{path}")
        assert response.status_code == 400, path  # Zou: a 500 for most of them
        assert response.json()["message"] == "Invalid month or year."
    for name in ("project_id", "department_id", "studio_id"):
        response = sheet.admin.get(f"{tables}/month-table/2025?{name}=abc")
        assert response.status_code == 400 and response.json()["message"] == f"Invalid {name}."


# ==== day offs ==============================================================================
DAY_OFF_KEYS = {
    "id", "type", "created_at", "updated_at", "date", "end_date", "description", "person_id",
}  # fmt: skip


def test_person_day_offs_and_who_reads_them(sheet):
    path = person_path(sheet, "user", "day-offs")
    own = sheet.get("user", path)
    assert [(item["date"], item["end_date"], item["description"]) for item in own] == [
        ("2026-01-10", "2026-01-12", "holiday")
    ]
    assert set(own[0]) == DAY_OFF_KEYS and own[0]["type"] == "DayOff"
    assert sheet.get("manager", path) == own
    assert sheet.get("admin", path) == own
    # The supervisor shares no department with the artist; the others are not their managers.
    for role in ("supervisor", "client", "vendor", "outsider"):
        sheet.get(role, path, 403)
    # The vendor is in the supervisor's department: the dates, not the description.
    vendor_view = sheet.get("supervisor", person_path(sheet, "vendor", "day-offs"))
    assert [item["date"] for item in vendor_view] == ["2025-12-29"]
    assert "description" not in vendor_view[0]
    sheet.get("manager", person_path(sheet, "outsider", "day-offs"), 403)


@pytest.mark.parametrize(
    ("period", "found"),
    [
        ("week/2026/1", True),
        ("week/2025/52", False),  # ends on 2025-12-28
        ("week/2026/2", False),
        ("month/2025/12", True),
        ("month/2026/01", True),
        ("month/2026/2", False),
        ("year/2025", True),
        ("year/2026", True),
        ("year/2024", False),
    ],
)
def test_day_off_periods_cross_the_year(sheet, period, found):
    """The vendor's day off from 2025-12-29 to 2026-01-02 is in every period it overlaps."""
    listed = sheet.get("vendor", person_path(sheet, "vendor", f"day-offs/{period}"))
    assert [item["id"] for item in listed] == ([sheet.day_offs["vendor"]["id"]] if found else [])


def test_day_off_of_a_date(sheet):
    path = person_path(sheet, "user", "day-offs")
    assert sheet.get("user", f"{path}/2026-01-11")["description"] == "holiday"
    assert sheet.get("user", f"{path}/2026-01-13") == {}
    assert sheet.get("user", f"{path}/2026-1-10")["description"] == "holiday"  # as Postgres casts
    supervised = sheet.get("supervisor", person_path(sheet, "vendor", "day-offs/2026-01-01"))
    assert supervised["date"] == "2025-12-29" and "description" not in supervised
    sheet.get("client", f"{path}/2026-01-11", 403)
    response = sheet.admin.get(f"{path}/abc")
    assert response.status_code == 400 and response.json()["message"] == "Invalid date format."
    for bad in ("week/2025/60", "month/2025/13", "year/abc"):
        assert sheet.admin.get(f"{path}/{bad}").status_code == 400  # Zou: a 500


def test_month_and_year_day_offs_per_reader(sheet):
    ours = {sheet.id(name): name for name in ("user", "vendor", "outsider")}

    def listed(role, path):
        return {
            ours[item["person_id"]]: "description" in item
            for item in sheet.get(role, path)
            if item["person_id"] in ours
        }

    january = "/data/persons/day-offs/2026/1"
    assert listed("admin", january) == {"user": True, "vendor": True, "outsider": True}
    assert listed("manager", january) == {"user": True, "vendor": True}
    assert listed("supervisor", january) == {"vendor": False}
    assert listed("user", january) == {"user": True}
    assert listed("outsider", "/data/persons/day-offs/2026") == {"outsider": True}
    assert listed("client", january) == {}
    assert listed("admin", "/data/persons/day-offs/2025/12") == {"vendor": True}
    assert sheet.admin.get("/data/persons/day-offs/2025/13").status_code == 400


# ==== presence ==============================================================================
def test_presence_log_csv(sheet):
    response = sheet.admin.get("/data/persons/presence-logs/2026-01")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == "attachment; filename=kitsu_export.csv"
    table = list(csv.reader(io.StringIO(response.text), delimiter=";"))
    assert table[0] == ["2026"] + [str(day) for day in range(1, 32)]
    rows = {row[0]: row[1:] for row in table[1:]}
    user = sheet.people["user"]
    assert rows[f"{user['first_name']} {user['last_name']}"] == [
        "X" if day == 3 else "" for day in range(1, 32)
    ]
    active = [p for p in sheet.admin.ok("GET", "/data/persons") if p["active"]]
    assert len(table) - 1 == len([p for p in active if not p.get("is_guest")])
    february = sheet.admin.get("/data/persons/presence-logs/2026-02").text.splitlines()
    assert february[0].split(";")[-1] == "28"
    for role in ("manager", "supervisor", "user", "client", "vendor"):
        sheet.get(role, "/data/persons/presence-logs/2026-01", 403)
    response = sheet.admin.get("/data/persons/presence-logs/2026-13")
    assert response.status_code == 400 and response.json()["message"] == "Invalid month or year."


# ==== task dates ============================================================================
def test_task_dates(sheet):
    path = f"/data/persons/task-dates?project_id={sheet.project['id']}"
    entries = {entry["person_id"]: entry for entry in sheet.get("admin", path)}
    assert entries[sheet.id("user")] == {
        "person_id": sheet.id("user"),
        "min_date": "2025-11-01T00:00:00",
        "max_date": "2026-01-15T00:00:00",
        "busy_periods": [],
    }
    assert entries[sheet.id("vendor")]["min_date"] == "2025-12-01T00:00:00"
    assert sheet.get("supervisor", path) == sheet.get("admin", path)
    # Without a project: the other open productions are anonymous busy periods.
    mine = {entry["person_id"]: entry for entry in sheet.get("manager", "/data/persons/task-dates")}
    busy = [{"start_date": "2025-10-01 00:00:00", "end_date": "2025-10-20 00:00:00"}]
    assert mine[sheet.id("user")]["busy_periods"] == busy
    assert mine[sheet.id("outsider")] == {
        "person_id": sheet.id("outsider"),
        "min_date": None,
        "max_date": None,
        "busy_periods": busy,
    }
    sheet.get("supervisor", f"/data/persons/task-dates?project_id={sheet.other['id']}", 403)
    for role in ("user", "client", "vendor"):
        sheet.get(role, "/data/persons/task-dates", 403)
    assert sheet.admin.get("/data/persons/task-dates?project_id=abc").status_code == 400


# ==== quota shots ===========================================================================
def test_quota_shots(sheet):
    path = person_path(sheet, "user", "quota-shots")
    shots = sheet.get("admin", f"{path}/month/2025/12")
    assert [shot["id"] for shot in shots] == [sheet.shot["id"]]
    assert shots[0]["full_name"] == f"{sheet.sequence['name']} / {sheet.shot['name']}"
    assert shots[0]["type"] == "Entity"  # as Zou: the plain entity serialization
    # 120 of the task's 260 minutes were spent by the artist in December.
    assert shots[0]["weight"] == round(120 / 260, 2)
    assert sheet.get("admin", f"{path}/week/2026/1")[0]["weight"] == round(120 / 260, 2) + round(
        60 / 260, 2
    )
    raw = sheet.get("admin", f"{path}/day/2025/12/31?count_mode=feedback")
    assert [(shot["id"], shot["weight"]) for shot in raw] == [(sheet.shot["id"], 1)]
    assert sheet.get("admin", f"{path}/day/2025/12/31?count_mode=done") == []
    assert sheet.get("admin", f"{path}/month/2025/11") == []
    response = sheet.admin.get(f"{path}/month/2025/12?count_mode=bad")
    assert response.status_code == 400
    assert response.json()["message"].startswith("count_mode must be equal to weighted")
    assert sheet.admin.get(f"{path}/month/2025/13").status_code == 400
    for project_id in ("abc", str(uuid.uuid4())):
        assert sheet.admin.get(f"{path}/month/2025/12?project_id={project_id}").status_code == 404


def test_quota_shots_permissions(sheet):
    path = person_path(sheet, "user", "quota-shots/month/2025/12")
    in_project = f"{path}?project_id={sheet.project['id']}"
    assert len(sheet.get("user", path)) == 1
    assert len(sheet.get("manager", in_project)) == 1
    assert len(sheet.get("supervisor", in_project)) == 1
    sheet.get("manager", path, 403)  # without a project, only their own
    sheet.get("manager", f"{path}?project_id={sheet.other['id']}", 403)
    for role in ("client", "vendor", "outsider"):
        sheet.get(role, in_project, 403)
    assert len(sheet.get("vendor", person_path(sheet, "vendor", "quota-shots/week/2026/2"))) == 1


# ==== gazu ==================================================================================
@pytest.fixture(scope="module")
def gazu_user(server, sheet):
    client = gazu.client.create_client(server.api)
    gazu.log_in(sheet.people["user"]["email"], PASSWORD, client=client)
    yield client
    gazu.log_out(client=client)


def test_gazu_time_spents(sheet, gazu_client, gazu_user):
    user = sheet.people["user"]
    found = gazu.person.get_time_spents_range(
        user["id"], "2025-12-31", "2026-01-01", client=gazu_client
    )
    assert sorted(item["duration"] for item in found) == [30.0, 60.0, 120.0]
    month = gazu.person.get_all_month_time_spents(
        user["id"], datetime.date(2026, 1, 1), client=gazu_user
    )
    assert [(item["date"], item["duration"]) for item in month] == [("2026-01-01", 60.0)]
    by_date = gazu.person.get_time_spents_by_date(user, "2025-12-31", client=gazu_client)
    assert sorted(item["duration"] for item in by_date) == [30.0, 120.0]
    week = gazu.person.get_week_time_spents(user, 2026, 1, client=gazu_user)
    assert sum(item["duration"] for item in week) == 245.0
    year = gazu.person.get_year_time_spents(user, 2020, client=gazu_client)
    assert totals(year) == {sheet.tasks["shot"]["id"]: 45.0}


def test_gazu_day_offs(sheet, gazu_client):
    vendor = sheet.people["vendor"]
    expected = [sheet.day_offs["vendor"]["id"]]
    assert [d["id"] for d in gazu.person.get_day_offs(vendor, client=gazu_client)] == expected
    week = gazu.person.get_week_day_offs(vendor, 2026, 1, client=gazu_client)
    assert [d["id"] for d in week] == expected
    month = gazu.person.get_month_day_offs(vendor, 2025, 12, client=gazu_client)
    assert [d["description"] for d in month] == ["new year"]
    assert gazu.person.get_year_day_offs(vendor, 2024, client=gazu_client) == []
    assert [d["id"] for d in gazu.person.get_year_day_offs(vendor, 2026, client=gazu_client)] == (
        expected
    )


def test_gazu_presence_log(sheet, gazu_client):
    text = gazu.person.get_presence_log(2026, 1, client=gazu_client)
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert table[0][:3] == ["2026", "1", "2"]
    user = sheet.people["user"]
    row = next(row for row in table if row[0] == f"{user['first_name']} {user['last_name']}")
    assert row[3] == "X" and row.count("X") == 1


def test_gazu_task_dates(sheet, gazu_client):
    entries = {
        item["person_id"]: item for item in gazu.task.get_persons_tasks_dates(client=gazu_client)
    }
    assert entries[sheet.id("user")]["min_date"] == "2025-10-01T00:00:00"
    assert entries[sheet.id("user")]["max_date"] == "2026-01-15T00:00:00"


def test_bots_have_no_time_sheet(sheet):
    bot = sheet.admin.create(
        "persons", first_name="Bot", last_name=uuid.uuid4().hex[:6], is_bot=True
    )
    for rest in (
        "time-spents/2025-12-31",
        "time-spents/year/2025",
        "day-offs",
        "quota-shots/week/2026/1",
    ):
        sheet.get("admin", f"/data/persons/{bot['id']}/{rest}", 403)
