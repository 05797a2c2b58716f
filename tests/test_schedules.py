"""Planning routes of a production: milestones, schedule items, budgets and their entries,
the time spent summary, quotas and production schedule versions, through real HTTP and real
gazu, per role.

The numbers the quota tests expect are what Zou 1.0.97 answered for the same data.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

import gazu
import pytest

from .support.api import Api

ROLES = ("manager", "supervisor", "user", "client", "vendor")
PASSWORD = "password-123"
UNKNOWN = "5f0c1a2b-3d4e-4f50-8a6b-7c8d9e0f1a2b"


@dataclass
class Plan:
    """A TV show with a team of every role, episodes, sequences, shots with frame counts and
    delivery dates, assets, and a person of no project (``outsider``)."""

    admin: Api
    project: str
    other_project: str
    people: dict[str, dict[str, Any]] = field(default_factory=dict)
    clients: dict[str, Api] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)

    def as_role(self, role: str) -> Api:
        return self.admin if role == "admin" else self.clients[role]

    def path(self, template: str) -> str:
        return template.format(project=self.project, other=self.other_project, **self.ids)


@pytest.fixture(scope="module")
def plan(admin: Api) -> Plan:
    tag = uuid.uuid4().hex[:6]
    people = {
        role: admin.create(
            "persons", first_name=role.capitalize(), last_name=f"Planner {tag}",
            email=f"plan-{role}-{tag}@example.com", password=PASSWORD,
            role="user" if role == "outsider" else role,
        )
        for role in (*ROLES, "outsider")
    }  # fmt: skip
    project = admin.create(
        "projects", name=f"Plan {tag}", production_type="tvshow",
        team=[people[role]["id"] for role in ROLES],
    )["id"]  # fmt: skip
    other = admin.create("projects", name=f"Plan other {tag}")["id"]
    plan = Plan(admin=admin, project=project, other_project=other, people=people)
    for role, person in people.items():
        client = admin.as_token(None)
        client.login(person["email"], PASSWORD)
        plan.clients[role] = client
    types = {item["name"]: item["id"] for item in admin.ok("GET", "/data/entity-types")}
    for name in ("Episode", "Edit"):
        if name not in types:
            types[name] = admin.create("entity-types", name=name)["id"]
    task_types = {
        (t["name"], t["for_entity"]): t["id"] for t in admin.ok("GET", "/data/task-types")
    }
    todo = admin.ok("GET", "/data/task-status?short_name=todo")[0]["id"]
    ids = plan.ids
    ids["animation"] = task_types["Animation", "Shot"]
    ids["modeling"] = task_types["Modeling", "Asset"]
    ids["character"], ids["prop"] = types["Character"], types["Prop"]

    def entity(key: str, kind: str, **values: Any) -> None:
        ids[key] = admin.create(
            "entities", name=key.upper(), project_id=project, entity_type_id=types[kind], **values
        )["id"]

    entity("e1", "Episode")
    entity("e2", "Episode")
    entity("sq1", "Sequence", parent_id=ids["e1"])
    entity("sq2", "Sequence", parent_id=ids["e2"])
    entity("sh1", "Shot", parent_id=ids["sq1"], nb_frames=48)
    entity("sh2", "Shot", parent_id=ids["sq1"], nb_frames=100)
    entity("sh3", "Shot", parent_id=ids["sq1"], nb_frames=30)
    entity("bob", "Character", source_id=ids["e1"])
    entity("sword", "Prop")
    user, supervisor = people["user"]["id"], people["supervisor"]["id"]

    def task(key: str, entity_key: str, task_type: str, assignees: list[str], **dates: Any):
        ids[key] = admin.create(
            "tasks", project_id=project, entity_id=ids[entity_key], task_type_id=ids[task_type],
            task_status_id=todo, assignees=assignees,
        )["id"]  # fmt: skip
        if dates:
            admin.ok("PUT", f"/data/tasks/{ids[key]}", json=dates)

    task("t1", "sh1", "animation", [user], real_start_date="2025-03-03T09:00:00",
         end_date="2025-03-05T22:30:00", done_date="2025-03-10T10:00:00", nb_drawings=12,
         start_date="2025-01-06T00:00:00", due_date="2025-01-10T00:00:00", estimation=3)  # fmt: skip
    task("t2", "sh2", "animation", [user, supervisor])
    for date, duration in (("2025-03-04", 240), ("2025-03-05", 360)):
        admin.create("time-spents", task_id=ids["t2"], person_id=user, date=date, duration=duration)
    admin.ok(
        "PUT", f"/data/tasks/{ids['t2']}",
        json={"real_start_date": "2025-03-04T09:00:00", "end_date": "2025-03-06T10:00:00",
              "duration": 600, "nb_drawings": 7},
    )  # fmt: skip
    task("t3", "sh3", "animation", [supervisor], real_start_date="2025-12-29T09:00:00",
         done_date="2025-12-31T10:00:00", end_date="2025-12-30T23:30:00")  # fmt: skip
    task("t4", "bob", "modeling", [])
    return plan


def events_named(plan: Plan, name: str) -> list[dict[str, Any]]:
    return plan.admin.ok("GET", f"/data/events?name={name}&project_id={plan.project}")


def status(plan: Plan, role: str, method: str, template: str, **kwargs: Any) -> int:
    return plan.as_role(role).request(method, plan.path(template), **kwargs).status_code


def outsider_status(plan: Plan, role: str, method: str, template: str, **kwargs: Any) -> int:
    """A team member acting on the project they are not in."""
    path = plan.path(template.replace("{project}", "{other}"))
    return plan.as_role(role).request(method, path, **kwargs).status_code


# ==== milestones ==================================================================================
def test_milestones_of_a_production(plan):
    milestone = plan.admin.create(
        "milestones", project_id=plan.project, name="Animatic", date="2025-06-01",
        task_type_id=plan.ids["animation"],
    )  # fmt: skip
    found = plan.admin.ok("GET", plan.path("/data/projects/{project}/milestones"))
    assert found == [
        {"id": milestone["id"], "date": "2025-06-01", "name": "Animatic",
         "project_id": plan.project, "task_type_id": plan.ids["animation"]}
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("role", "expected", "outside"),
    [("admin", 200, 200), ("manager", 200, 403), ("supervisor", 200, 403), ("user", 200, 403),
     ("client", 403, 403), ("vendor", 200, 403)],
)  # fmt: skip
def test_milestones_per_role(plan, role, expected, outside):
    assert status(plan, role, "GET", "/data/projects/{project}/milestones") == expected
    assert outsider_status(plan, role, "GET", "/data/projects/{project}/milestones") == outside


def test_project_ids_are_checked_as_zou(plan):
    # An admin is not checked against the project (an unknown one lists nothing); a malformed
    # id is a 400 (a 500 on Zou); anyone else gets 404 for a project that is not there.
    assert plan.admin.ok("GET", f"/data/projects/{UNKNOWN}/milestones") == []
    response = plan.admin.get("/data/projects/not-an-id/milestones")
    assert response.status_code == 400 and response.json()["message"] == "Wrong UUID format."
    for path in (f"/data/projects/{UNKNOWN}/milestones", "/data/projects/nope/schedule-items"):
        assert plan.as_role("manager").get(path).status_code == 404


# ==== schedule items ==============================================================================
def test_task_type_schedule_items_are_created_once(plan):
    path = plan.path("/data/projects/{project}/schedule-items/task-types")
    first = plan.admin.ok("GET", path)
    today = datetime.date.today()
    assert {item["task_type_id"] for item in first} == {plan.ids["animation"], plan.ids["modeling"]}
    assert all(
        item.keys() == {"id", "start_date", "end_date", "man_days", "project_id", "task_type_id",
                        "object_id"}
        and item["start_date"] == today.isoformat()
        and item["end_date"] == (today + datetime.timedelta(days=1)).isoformat()
        and item["object_id"] is None
        for item in first
    )  # fmt: skip
    assert plan.admin.ok("GET", path) == first
    created = {
        event["data"]["schedule_item_id"] for event in events_named(plan, "schedule-item:new")
    }
    assert {item["id"] for item in first} <= created


def test_task_type_schedule_items_follow_the_project_settings(admin):
    project = admin.create("projects", name=f"Settings {uuid.uuid4().hex[:6]}")
    types = {item["name"]: item["id"] for item in admin.ok("GET", "/data/entity-types")}
    task_types = {
        (t["name"], t["for_entity"]): t["id"] for t in admin.ok("GET", "/data/task-types")
    }
    todo = admin.ok("GET", "/data/task-status?short_name=todo")[0]["id"]
    asset = admin.create(
        "entities", name="Cube", project_id=project["id"], entity_type_id=types["Prop"]
    )
    for name in ("Modeling", "Rigging"):
        admin.create(
            "tasks", project_id=project["id"], entity_id=asset["id"],
            task_type_id=task_types[name, "Asset"], task_status_id=todo,
        )  # fmt: skip
    undated = admin.create(
        "schedule-items", project_id=project["id"], task_type_id=task_types["Rigging", "Asset"]
    )
    path = f"/data/projects/{project['id']}/schedule-items/task-types"
    found = admin.ok("GET", path)
    # An undated item (Zou fails on it with a 500) comes last.
    assert [item["id"] for item in found][1:] == [undated["id"]]
    assert found[1]["start_date"] is None
    admin.ok(
        "POST", "/data/task-type-links", 201,
        json={"project_id": project["id"], "task_type_id": task_types["Modeling", "Asset"]},
    )  # fmt: skip
    assert [item["task_type_id"] for item in admin.ok("GET", path)] == [
        task_types["Modeling", "Asset"]
    ]


@pytest.mark.parametrize(
    ("kind", "query", "names"),
    [
        ("asset-types", "", ["Character", "Prop"]),
        ("asset-types", "?episode_id={e1}", ["Character"]),
        ("episodes", "", ["E01", "E1", "E2"]),
        ("episodes", "?episode_id={e1}", ["E1"]),
        ("sequences", "", ["SQ1", "SQ2"]),
        ("sequences", "?episode_id={e1}", ["SQ1"]),
        ("edits", "", []),
    ],
)
def test_entity_schedule_items(plan, kind, query, names):
    path = plan.path(f"/data/projects/{{project}}/schedule-items/{{animation}}/{kind}{query}")
    found = plan.admin.ok("GET", path)
    assert [item["name"] for item in found] == names
    assert all(item["task_type_id"] == plan.ids["animation"] for item in found)
    assert plan.admin.ok("GET", path) == found  # created once


def test_the_object_of_an_entity_item(plan):
    found = plan.admin.ok(
        "GET", plan.path("/data/projects/{project}/schedule-items/{animation}/sequences")
    )
    assert {item["name"]: item["object_id"] for item in found} == {
        "SQ1": plan.ids["sq1"], "SQ2": plan.ids["sq2"]
    }  # fmt: skip
    assert found[0].keys() == {
        "id", "start_date", "end_date", "man_days", "project_id", "task_type_id", "object_id",
        "name",
    }  # fmt: skip


def test_all_schedule_items_of_a_production(plan):
    plan.admin.ok("GET", plan.path("/data/projects/{project}/schedule-items/task-types"))
    found = plan.admin.ok("GET", plan.path("/data/projects/{project}/schedule-items"))
    assert {item["type"] for item in found} == {"ScheduleItem"}
    assert {item["task_type_id"] for item in found if item["object_id"] is None} == {
        plan.ids["animation"], plan.ids["modeling"]
    }  # fmt: skip
    assert {"created_at", "updated_at"} <= found[0].keys()


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/data/projects/{project}/schedule-items/not-an-id/sequences", 400),
        ("/data/projects/{project}/schedule-items/{animation}/sequences?episode_id=nope", 400),
        (f"/data/projects/{{project}}/schedule-items/{UNKNOWN}/episodes", 404),
    ],
)
def test_schedule_item_bad_ids(plan, path, expected):
    response = plan.admin.get(plan.path(path))
    assert response.status_code == expected, response.text
    if expected == 400:
        assert response.json()["message"] == "Wrong UUID format."


SCHEDULE_ROUTES = {
    "/data/projects/{project}/schedule-items": {"client": 403, "vendor": 403},
    "/data/projects/{project}/schedule-items/task-types": {"vendor": 403},
    "/data/projects/{project}/schedule-items/{animation}/asset-types": {"vendor": 403},
    "/data/projects/{project}/schedule-items/{animation}/episodes": {"vendor": 403},
    "/data/projects/{project}/schedule-items/{animation}/sequences": {"vendor": 403},
    "/data/projects/{project}/schedule-items/{animation}/edits": {"vendor": 403},
}


@pytest.mark.parametrize("path", SCHEDULE_ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_schedule_items_per_role(plan, role, path):
    assert status(plan, role, "GET", path) == SCHEDULE_ROUTES[path].get(role, 200)
    assert outsider_status(plan, role, "GET", path) == 403


# ==== budgets =====================================================================================
BUDGETS = "/data/projects/{project}/budgets"


def test_budget_revisions_and_reads(plan):
    first = plan.admin.ok("POST", plan.path(BUDGETS), json={"name": "First"})
    second = plan.admin.ok("POST", plan.path(BUDGETS), json={"name": "Second", "currency": "EUR"})
    assert (first["revision"], first["currency"], first["type"]) == (1, "USD", "Budget")
    assert (second["revision"], second["currency"]) == (2, "EUR")
    listed = plan.admin.ok("GET", plan.path(BUDGETS))
    assert [(b["name"], b["revision"]) for b in listed][:2] == [("First", 1), ("Second", 2)]
    assert listed[0].keys() == {"id", "project_id", "revision", "name", "currency"}
    path = plan.path(BUDGETS) + f"/{first['id']}"
    assert plan.admin.ok("GET", path) == first
    updated = plan.admin.ok("PUT", path, json={"name": "Renamed", "revision": 9, "currency": None})
    assert (updated["name"], updated["revision"], updated["currency"]) == ("Renamed", 1, "USD")
    assert [event["data"] for event in events_named(plan, "budget:update")][-1] == {
        "budget_id": first["id"], "project_id": plan.project
    }  # fmt: skip
    third = plan.admin.ok("POST", plan.path(BUDGETS), json={"name": "Third"})
    assert third["revision"] == 3


def test_budget_entries(plan):
    budget = plan.admin.ok("POST", plan.path(BUDGETS), json={"name": "With entries"})
    entries = plan.path(BUDGETS) + f"/{budget['id']}/entries"
    department = plan.admin.ok("GET", "/data/departments")[0]["id"]
    entry = plan.admin.ok(
        "POST", entries,
        json={"department_id": department, "person_id": plan.people["user"]["id"],
              "start_date": "2025-01-01", "months_duration": "3", "daily_salary": 300},
    )  # fmt: skip
    assert entry["type"] == "BudgetEntry"
    assert (entry["position"], entry["seniority"], entry["exceptions"]) == ("artist", "mid", {})
    assert (entry["months_duration"], entry["daily_salary"]) == (3, 300.0)
    assert plan.admin.ok("GET", entries) == [
        {key: entry[key] for key in entry if key not in ("type", "created_at", "updated_at")}
    ]
    one = f"{entries}/{entry['id']}"
    assert plan.admin.ok("GET", one) == entry
    changed = plan.admin.ok(
        "PUT", one, json={"daily_salary": 320, "exceptions": {"2025-02": 18, "2025-03": 0}}
    )
    # Zou writes every field of its schema on PUT (a partial body fails there); here only the
    # sent ones change.
    assert (changed["daily_salary"], changed["months_duration"], changed["department_id"]) == (
        320.0, 3, department
    )  # fmt: skip
    assert changed["exceptions"] == {"2025-02": 18}
    assert plan.admin.ok("PUT", one, json={"position": "lead"})["exceptions"] == {}
    assert [event["data"] for event in events_named(plan, "budget-entry:update")][-1] == {
        "budget_id": budget["id"], "budget_entry_id": entry["id"], "project_id": plan.project
    }  # fmt: skip
    assert plan.admin.delete(one).status_code == 204
    assert plan.admin.get(one).status_code == 404
    again = plan.admin.ok(
        "POST", entries,
        json={"department_id": department, "start_date": "2025-05-01", "months_duration": 1,
              "daily_salary": 10, "seniority": "junior"},
    )  # fmt: skip
    assert plan.admin.delete(plan.path(BUDGETS) + f"/{budget['id']}").status_code == 204
    assert plan.admin.get(plan.path(BUDGETS) + f"/{budget['id']}").status_code == 404
    assert plan.admin.get(f"/data/budget-entries/{again['id']}").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": 3}, "name"),
        ({"name": "x", "currency": "EURO"}, "currency"),
    ],
)
def test_budget_body_errors(plan, body, field):
    response = plan.admin.post(plan.path(BUDGETS), json=body)
    assert response.status_code == 400
    assert response.json()["message"] == "Validation error."
    assert [error["field"] for error in response.json()["data"]["errors"]] == [field]


@pytest.mark.parametrize(
    "body",
    [
        {"name": "what gazu sends"},
        {"department_id": "{department}"},
        {"department_id": "{department}", "start_date": "never", "months_duration": 1,
         "daily_salary": 1},
        {"department_id": "{department}", "start_date": "2025-01-01", "months_duration": 1.5,
         "daily_salary": 1},
        {"department_id": "{department}", "start_date": "2025-01-01", "months_duration": 1,
         "daily_salary": 1, "position": "boss"},
        {"department_id": UNKNOWN, "start_date": "2025-01-01", "months_duration": 1,
         "daily_salary": 1},
    ],
)  # fmt: skip
def test_budget_entry_body_errors(plan, body):
    # Zou answers 500 for all but the first two (a bad choice is even stored, and breaks the
    # listing afterwards); here each is a 400 and nothing is written.
    budget = plan.admin.ok("POST", plan.path(BUDGETS), json={"name": "Refusals"})
    department = plan.admin.ok("GET", "/data/departments")[0]["id"]
    body = {key: value.replace("{department}", department) if isinstance(value, str) else value
            for key, value in body.items()}  # fmt: skip
    entries = plan.path(BUDGETS) + f"/{budget['id']}/entries"
    response = plan.admin.post(entries, json=body)
    assert response.status_code == 400, response.text
    assert plan.admin.ok("GET", entries) == []


def test_a_budget_belongs_to_its_production(plan):
    # Zou checks it only on the two single reads; here every budget route does.
    budget = plan.admin.ok("POST", plan.path(BUDGETS), json={"name": "Mine"})
    elsewhere = plan.path("/data/projects/{other}/budgets") + f"/{budget['id']}"
    assert plan.admin.get(elsewhere).status_code == 404
    assert plan.admin.put(elsewhere, json={"name": "Stolen"}).status_code == 404
    assert plan.admin.get(elsewhere + "/entries").status_code == 404
    assert plan.admin.delete(elsewhere).status_code == 404
    assert plan.admin.ok("GET", plan.path(BUDGETS) + f"/{budget['id']}")["name"] == "Mine"
    assert plan.admin.get(plan.path(BUDGETS) + "/not-an-id").status_code == 400


@pytest.mark.parametrize("role", ("admin", *ROLES))
def test_budgets_per_role(plan, role):
    allowed = role in ("admin", "manager")
    budget = plan.admin.ok("POST", plan.path(BUDGETS), json={"name": f"For {role}"})
    one = BUDGETS + f"/{budget['id']}"
    for method, path, body in (
        ("GET", BUDGETS, None),
        ("POST", BUDGETS, {"name": f"By {role}"}),
        ("GET", one, None),
        ("PUT", one, {"name": f"Renamed by {role}"}),
        ("GET", one + "/entries", None),
        ("DELETE", one, None),
    ):
        expected = (204 if method == "DELETE" else 200) if allowed else 403
        assert status(plan, role, method, path, json=body) == expected, (method, path)
        assert outsider_status(plan, role, method, path, json=body) in (
            (200, 404) if role == "admin" else (403,)
        )


def test_budget_time_spents(plan):
    found = plan.admin.ok("GET", plan.path(BUDGETS + "/time-spents"))
    animation = plan.admin.ok("GET", f"/data/task-types/{plan.ids['animation']}")["department_id"]
    user = plan.people["user"]["id"]
    assert found == {animation: {"total": 600.0, user: {"total": 600.0, "2025-03": 600.0}}}
    for role in ROLES:  # admins only, as Zou
        assert status(plan, role, "GET", BUDGETS + "/time-spents") == 403


# ==== quotas ======================================================================================
QUOTAS = "/data/projects/{project}/quotas/{animation}"


def quotas(plan: Plan, mode: str, role: str = "admin", path: str = QUOTAS) -> dict[str, Any]:
    return plan.as_role(role).ok("GET", plan.path(path) + f"?count_mode={mode}")


def test_weighted_quotas(plan):
    found = quotas(plan, "weighted")
    user, supervisor = plan.people["user"]["id"], plan.people["supervisor"]["id"]
    assert found.keys() == {user, supervisor, "total"}
    day = found[user]["day"]
    # SH1 spread over its three WIP business days; SH2 by its time spents (40% then 60%).
    assert day["frames"] == {"2025-03-03": 16, "2025-03-04": 56, "2025-03-05": 76}
    assert day["count"] == {"2025-03-03": 0.33, "2025-03-04": 0.73, "2025-03-05": 0.93}
    assert day["drawings"] == {"2025-03-03": 12, "2025-03-04": 15, "2025-03-05": 16}
    assert day["entries"] == {"2025-03": 3}
    assert found[user]["week"]["frames"] == {"2025-10": 148}
    assert found[user]["month"]["count"] == {"2025-03": 2.0}
    assert found[user]["year"].keys() == {"frames", "seconds", "count", "drawings"}
    # The feedback of SH3 is on the 31st in Paris; its ISO week is the first of 2026.
    assert found[supervisor]["day"]["frames"] == {"2025-12-29": 15, "2025-12-30": 15}
    assert found[supervisor]["week"]["count"] == {"2026-1": 1.0}
    assert found["total"]["year"]["frames"] == {"2025": 178}


def test_weighted_done_quotas(plan):
    found = quotas(plan, "weighteddone")
    user = plan.people["user"]["id"]
    assert found[user]["day"]["frames"] == {
        day: 8 for day in ("2025-03-03", "2025-03-04", "2025-03-05", "2025-03-06", "2025-03-07",
                           "2025-03-10")
    }  # fmt: skip
    assert found[user]["week"]["count"] == {"2025-10": 0.83, "2025-11": 0.17}
    assert found["total"]["month"]["frames"] == {"2025-03": 48, "2025-12": 30}


def test_raw_quotas(plan):
    feedback = quotas(plan, "feedback")
    user, supervisor = plan.people["user"]["id"], plan.people["supervisor"]["id"]
    assert feedback[user]["day"]["frames"] == {"2025-03-05": 48, "2025-03-06": 100}
    assert feedback[user]["day"]["seconds"] == {"2025-03-05": 1.92, "2025-03-06": 4.0}
    assert feedback[supervisor]["day"]["count"] == {"2025-03-06": 1, "2025-12-31": 1}
    assert feedback["total"]["day"]["frames"] == {
        "2025-03-05": 48, "2025-03-06": 200, "2025-12-31": 30
    }  # fmt: skip
    done = quotas(plan, "done")
    assert done[user]["day"]["frames"] == {"2025-03-10": 48}
    assert done[user]["week"]["frames"] == {"2025-11": 48}


def test_person_quotas_are_split_by_task_type(plan):
    path = "/data/projects/{project}/quotas/persons/" + plan.people["user"]["id"]
    weighted = quotas(plan, "weighted", path=path)
    assert weighted.keys() == {plan.ids["animation"], "total"}
    assert weighted["total"]["day"]["frames"] == {
        "2025-03-03": 16,
        "2025-03-04": 56,
        "2025-03-05": 76,
    }
    # SH2 has two assignees: Zou counts it once per assignee on a person's quotas (count 2 on
    # the 6th); it is one shot of this person here.
    feedback = quotas(plan, "feedback", path=path)
    assert feedback["total"]["day"]["count"] == {"2025-03-05": 1, "2025-03-06": 1}
    assert feedback["total"]["day"]["frames"] == {"2025-03-05": 48, "2025-03-06": 100}


def test_quota_parameters(plan):
    response = plan.admin.get(plan.path(QUOTAS) + "?count_mode=bad")
    assert response.status_code == 400
    assert response.json()["message"] == (
        "count_mode must be equal to weighted, weigtheddone, feedback, or done"
    )
    assert plan.admin.ok("GET", plan.path(QUOTAS)) == quotas(plan, "weighted")
    assert plan.admin.ok("GET", plan.path(QUOTAS) + f"?studio_id={UNKNOWN}") == {}
    assert plan.admin.get(plan.path(QUOTAS) + "?studio_id=nope").status_code == 400
    assert plan.admin.ok("GET", plan.path(f"/data/projects/{{project}}/quotas/{UNKNOWN}")) == {}
    assert plan.admin.get(plan.path("/data/projects/{project}/quotas/nope")).status_code == 400
    assert plan.admin.get(f"/data/projects/{UNKNOWN}/quotas/{UNKNOWN}").status_code == 404
    assert plan.admin.get(f"/data/projects/nope/quotas/{UNKNOWN}").status_code == 404
    unknown_person = plan.path(f"/data/projects/{{project}}/quotas/persons/{UNKNOWN}")
    assert plan.admin.get(unknown_person).status_code == 404


@pytest.mark.parametrize(
    ("role", "expected"),
    [("manager", 200), ("supervisor", 200), ("user", 200), ("client", 403), ("vendor", 200)],
)
def test_task_type_quotas_per_role(plan, role, expected):
    assert status(plan, role, "GET", QUOTAS) == expected
    assert outsider_status(plan, role, "GET", QUOTAS) == 403


@pytest.mark.parametrize(
    ("role", "own", "other", "outside"),
    # Managers and supervisors see anyone's quotas in their productions; the others only
    # their own, in any production (as Zou); clients none.
    [("manager", 200, 200, 403), ("supervisor", 200, 200, 403), ("user", 200, 403, 200),
     ("client", 403, 403, 403), ("vendor", 200, 403, 200)],
)  # fmt: skip
def test_person_quotas_per_role(plan, role, own, other, outside):
    mine = "/data/projects/{project}/quotas/persons/" + plan.people[role]["id"]
    theirs = "/data/projects/{project}/quotas/persons/" + plan.people["outsider"]["id"]
    assert status(plan, role, "GET", mine) == own
    assert status(plan, role, "GET", theirs) == other
    assert outsider_status(plan, role, "GET", mine) == outside


# ==== production schedule versions ================================================================
def new_version(plan: Plan, name: str, project: str | None = None) -> dict[str, Any]:
    return plan.admin.create(
        "production-schedule-versions",
        name=f"{name} {uuid.uuid4().hex[:6]}",
        project_id=project or plan.project,
    )


def links_of(plan: Plan, version: dict[str, Any], query: str = "") -> list[dict[str, Any]]:
    return plan.admin.ok(
        "GET", f"/data/production-schedule-versions/{version['id']}/task-links{query}"
    )


def action(version: dict[str, Any], name: str) -> str:
    return f"/actions/production-schedule-versions/{version['id']}/{name}"


def test_copy_a_production_into_a_version_and_back(plan):
    version = new_version(plan, "From production")
    assert links_of(plan, version) == []
    copied = plan.admin.ok("POST", action(version, "set-task-links-from-production"))
    assert copied == {"success": True, "task_link_count": 4}
    links = {link["task_id"]: link for link in links_of(plan, version, "?relations=true")}
    assert links.keys() == {plan.ids[key] for key in ("t1", "t2", "t3", "t4")}
    first = links[plan.ids["t1"]]
    assert (first["start_date"], first["due_date"], first["estimation"]) == (
        "2025-01-06T00:00:00", "2025-01-10T00:00:00", 3.0
    )  # fmt: skip
    assert first["assignees"] == [plan.people["user"]["id"]]
    assert first["type"] == "ProductionScheduleVersionTaskLink"
    assert "assignees" not in links_of(plan, version)[0]
    shots = links_of(plan, version, f"?task_type_id={plan.ids['animation']}")
    assert {link["task_id"] for link in shots} == {plan.ids[key] for key in ("t1", "t2", "t3")}
    # Copying again updates the same links.
    assert (
        plan.admin.ok("POST", action(version, "set-task-links-from-production"))["task_link_count"]
        == 4
    )
    assert {link["id"] for link in links_of(plan, version)} == {
        link["id"] for link in links.values()
    }

    other = new_version(plan, "From version")
    plan.admin.ok(
        "PUT", f"/data/production-schedule-version-task-links/{first['id']}",
        json={"start_date": "2025-04-07T00:00:00", "due_date": "2025-04-11T00:00:00",
              "estimation": 5},
    )  # fmt: skip
    copy = plan.admin.ok(
        "POST", action(other, "set-task-links-from-production-schedule-version"),
        json={"production_schedule_version_id": version["id"]},
    )  # fmt: skip
    assert copy == {"success": True, "task_link_count": 4}
    assert (
        plan.admin.ok("GET", f"/data/production-schedule-versions/{other['id']}")[
            "production_schedule_from"
        ]
        == version["id"]
    )
    copied_links = {link["task_id"]: link for link in links_of(plan, other, "?relations=true")}
    assert copied_links[plan.ids["t1"]]["start_date"] == "2025-04-07T00:00:00"
    assert set(copied_links[plan.ids["t2"]]["assignees"]) == {
        plan.people["user"]["id"], plan.people["supervisor"]["id"]
    }  # fmt: skip

    applied = plan.admin.ok("POST", action(other, "apply-to-production"))
    assert applied == {"success": True, "task_count": 4}
    task = plan.admin.ok("GET", f"/data/tasks/{plan.ids['t1']}")
    assert (task["start_date"], task["due_date"], task["estimation"]) == (
        "2025-04-07T00:00:00", "2025-04-11T00:00:00", 5.0
    )  # fmt: skip
    assert plan.admin.ok("GET", f"/data/production-schedule-versions/{other['id']}")["locked"]
    assert (
        plan.admin.ok("GET", f"/data/projects/{plan.project}")["from_schedule_version_id"]
        == (other["id"])
    )
    updated = {event["data"]["task_id"] for event in events_named(plan, "task:update")}
    assert {plan.ids[key] for key in ("t1", "t2", "t3", "t4")} <= updated


def test_version_copy_errors(plan):
    version = new_version(plan, "Target")
    elsewhere = new_version(plan, "Elsewhere", plan.other_project)
    copy = action(version, "set-task-links-from-production-schedule-version")
    for body, expected, message in (
        ({}, 400, "Validation error."),
        ({"production_schedule_version_id": version["id"]}, 400,
         "A production schedule version cannot be copied onto itself."),
        ({"production_schedule_version_id": elsewhere["id"]}, 400,
         "Production schedule versions must belong to the same project."),
        ({"production_schedule_version_id": UNKNOWN}, 404, None),
        ({"production_schedule_version_id": "nope"}, 404, None),
    ):  # fmt: skip
        response = plan.admin.post(copy, json=body)
        assert response.status_code == expected, response.text
        if message:
            assert response.json()["message"] == message
    for path in (
        "/data/production-schedule-versions/nope/task-links",
        f"/data/production-schedule-versions/{UNKNOWN}/task-links",
    ):
        assert plan.admin.get(path).status_code == 404
    assert (
        plan.admin.post(
            f"/actions/production-schedule-versions/{UNKNOWN}/apply-to-production"
        ).status_code
        == 404
    )
    response = plan.admin.get(
        f"/data/production-schedule-versions/{version['id']}/task-links?task_type_id=nope"
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("role", "read", "write"),
    [("manager", 200, 200), ("supervisor", 200, 403), ("user", 200, 403), ("client", 403, 403),
     ("vendor", 403, 403)],
)  # fmt: skip
def test_schedule_versions_per_role(plan, role, read, write):
    version, source = new_version(plan, f"{role} target"), new_version(plan, f"{role} source")
    elsewhere = new_version(plan, f"{role} elsewhere", plan.other_project)
    client = plan.as_role(role)
    links = f"/data/production-schedule-versions/{version['id']}/task-links"
    assert client.get(links).status_code == read
    assert client.get(links.replace(version["id"], elsewhere["id"])).status_code == 403
    body = {"production_schedule_version_id": source["id"]}
    for name, json in (
        ("set-task-links-from-production", None),
        ("set-task-links-from-production-schedule-version", body),
        ("apply-to-production", None),
    ):
        assert client.post(action(version, name), json=json).status_code == write, name
        assert client.post(action(elsewhere, name), json=json).status_code in (400, 403)


# ==== through gazu ================================================================================
def test_gazu_milestones(plan, gazu_client):
    plan.admin.create("milestones", project_id=plan.project, name="Gazu", date="2025-07-01")
    found = gazu.project.get_milestones(plan.project, client=gazu_client)
    assert "Gazu" in [milestone["name"] for milestone in found]
    assert {milestone["project_id"] for milestone in found} == {plan.project}


def test_gazu_quotas(plan, gazu_client):
    found = gazu.project.get_project_quotas(plan.project, plan.ids["animation"], client=gazu_client)
    assert found["total"]["year"]["frames"] == {"2025": 178}
    mine = gazu.project.get_project_person_quotas(
        plan.project, plan.people["user"]["id"], client=gazu_client
    )
    assert mine.keys() == {plan.ids["animation"], "total"}
    assert mine["total"]["month"]["frames"] == {"2025-03": 148}


def test_gazu_budgets(plan, gazu_client):
    project = {"id": plan.project}
    budget = gazu.project.create_budget(project, "Gazu budget", currency="EUR", client=gazu_client)
    assert (budget["name"], budget["currency"], budget["type"]) == ("Gazu budget", "EUR", "Budget")
    assert budget["id"] in [b["id"] for b in gazu.project.get_budgets(project, client=gazu_client)]
    assert (
        gazu.project.get_budget(project, budget, client=gazu_client)["revision"]
        == budget["revision"]
    )
    renamed = gazu.project.update_budget(project, budget, {"name": "Renamed"}, client=gazu_client)
    assert renamed["name"] == "Renamed" and renamed["currency"] == "EUR"
    with pytest.raises(gazu.exception.ParameterException):
        # gazu sends name/date/amount, which a budget entry has not: 400 on Zou too.
        gazu.project.create_budget_entry(project, budget, "Line", amount=10, client=gazu_client)
    department = plan.admin.ok("GET", "/data/departments")[0]["id"]
    entry = plan.admin.ok(
        "POST", f"/data/projects/{plan.project}/budgets/{budget['id']}/entries",
        json={"department_id": department, "start_date": "2025-01-01", "months_duration": 2,
              "daily_salary": 200},
    )  # fmt: skip
    assert [
        e["id"] for e in gazu.project.get_budget_entries(project, budget, client=gazu_client)
    ] == [entry["id"]]
    assert (
        gazu.project.get_budget_entry(project, budget, entry, client=gazu_client)["daily_salary"]
        == 200.0
    )
    changed = gazu.project.update_budget_entry(
        project, budget, entry, {"months_duration": 6}, client=gazu_client
    )
    assert changed["months_duration"] == 6 and changed["daily_salary"] == 200.0
    gazu.project.remove_budget_entry(project, budget, entry, client=gazu_client)
    assert gazu.project.get_budget_entries(project, budget, client=gazu_client) == []
    gazu.project.remove_budget(project, budget, client=gazu_client)
    assert budget["id"] not in [
        b["id"] for b in gazu.project.get_budgets(project, client=gazu_client)
    ]
