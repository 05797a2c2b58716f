"""Planning routes against Zou: milestones, schedule items, budgets, time spents, quotas and
production schedule versions, per role, on the shared scenario.

Schedule items and task links are created by each server (their ids differ), so each is
registered by what it is about before the second, compared read. Quotas and the time spent
summary are keyed by person, task type or department ids: the keys are translated to the
scenario's names before the shapes are compared.
"""

from __future__ import annotations

from typing import Any

import pytest

ROLES = ("manager", "supervisor", "user", "client", "vendor", "outsider")
PROJECT = "/data/projects/{project}"
COUNT_MODES = ("weighted", "weighteddone", "feedback", "done")


@pytest.fixture(scope="module")
def planning(compat):
    """Dates, time spents and frame counts on the scenario's shot tasks (the same on both),
    a milestone, a budget with an entry, and two schedule versions."""
    for task, values in (
        ("task:SH010-Animation", {"real_start_date": "2025-03-03T09:00:00",
                                  "end_date": "2025-03-05T22:30:00",
                                  "done_date": "2025-03-10T10:00:00", "nb_drawings": 12,
                                  "start_date": "2025-03-03T00:00:00",
                                  "due_date": "2025-03-07T00:00:00", "estimation": 3}),
        ("task:SH030-Layout", {"real_start_date": "2025-12-29T09:00:00",
                               "end_date": "2025-12-30T23:30:00",
                               "done_date": "2025-12-31T10:00:00"}),
    ):  # fmt: skip
        zou, local = compat.both("PUT", f"/data/tasks/{{{task}}}", values)
        assert zou.status_code == local.status_code == 200, (zou.text, local.text)
    for date, duration in (("2025-03-04", 240), ("2025-03-05", 360)):
        compat.create(
            f"time-spent:{date}",
            "/data/time-spents",
            {"task_id": "{task:SH020-Animation}", "person_id": "{person:user}", "date": date,
             "duration": duration},
        )  # fmt: skip
    zou, local = compat.both(
        "PUT",
        "/data/tasks/{task:SH020-Animation}",
        {"real_start_date": "2025-03-04T09:00:00", "end_date": "2025-03-06T10:00:00",
         "duration": 600, "assignees": ["{person:user}", "{person:supervisor}"]},
    )  # fmt: skip
    assert zou.status_code == local.status_code == 200, (zou.text, local.text)
    compat.create(
        "milestone:M1",
        "/data/milestones",
        {"project_id": "{project}", "name": "M1", "date": "2025-06-01"},
    )
    compat.create("budget:B1", PROJECT + "/budgets", {"name": "B1"})
    compat.create(
        "budget-entry:E1",
        PROJECT + "/budgets/{budget:B1}/entries",
        {"department_id": "{department:Animation}", "person_id": "{person:user}",
         "start_date": "2025-01-01", "months_duration": 3, "daily_salary": 300},
    )  # fmt: skip
    for name in ("V1", "V2"):
        compat.create(
            f"version:{name}",
            "/data/production-schedule-versions",
            {"name": f"{name} {compat.tag}", "project_id": "{project}"},
        )
    return compat


def register_items(compat, path: str, kind: str) -> None:
    """Give both servers' schedule items of a listing one scenario name each."""
    zou, local = compat.both("GET", path)
    assert zou.status_code == local.status_code == 200, (zou.text[:300], local.text[:300])
    zou_names, local_names = compat.names(0), compat.names(1)

    def key(item: dict, names: dict[str, str]) -> str:
        return f"{names.get(item['task_type_id'])}/{names.get(item['object_id'], item.get('name'))}"

    mine = {key(item, local_names): item["id"] for item in local.json()}
    for item in zou.json():
        if key(item, zou_names) in mine:
            compat.add(f"schedule-item:{kind}:{key(item, zou_names)}", item["id"],
                       mine[key(item, zou_names)])  # fmt: skip


# ---- milestones and schedule items -------------------------------------------------------------
@pytest.mark.parametrize("role", ("admin", *ROLES))
def test_milestones(planning, role):
    planning.check("GET", PROJECT + "/milestones", role=role)


SCHEDULE_LISTS = (
    ("task-types", PROJECT + "/schedule-items/task-types"),
    ("asset-types", PROJECT + "/schedule-items/{task-type:Animation/Shot}/asset-types"),
    ("episodes", PROJECT + "/schedule-items/{task-type:Animation/Shot}/episodes"),
    ("sequences", PROJECT + "/schedule-items/{task-type:Animation/Shot}/sequences"),
    ("sequences-E01", PROJECT + "/schedule-items/{task-type:Animation/Shot}/sequences"
     "?episode_id={episode:E01}"),
    ("asset-types-E01", PROJECT + "/schedule-items/{task-type:Animation/Shot}/asset-types"
     "?episode_id={episode:E01}"),
)  # fmt: skip


@pytest.mark.parametrize(("kind", "path"), SCHEDULE_LISTS)
def test_schedule_item_lists(planning, kind, path):
    register_items(planning, path, kind)
    for role in ("admin", *ROLES):
        planning.check("GET", path, role=role)


def test_all_schedule_items(planning):
    for kind, path in SCHEDULE_LISTS:
        register_items(planning, path, kind)
    for role in ("admin", *ROLES):
        planning.check("GET", PROJECT + "/schedule-items", role=role)


@pytest.mark.parametrize(
    "path",
    (
        PROJECT + "/schedule-items/not-an-id/sequences",
        PROJECT + "/schedule-items/{task-type:Animation/Shot}/sequences?episode_id=nope",
        "/data/projects/5b9fe6c7-8e8b-4c65-9a5c-4a4b6e4f2d11/schedule-items",
    ),
)
def test_schedule_item_errors(planning, path):
    planning.check("GET", path)
    planning.check("GET", path, role="manager")


# ---- budgets -------------------------------------------------------------------------------------
BUDGET_READS = (
    PROJECT + "/budgets",
    PROJECT + "/budgets/{budget:B1}",
    PROJECT + "/budgets/{budget:B1}/entries",
    PROJECT + "/budgets/{budget:B1}/entries/{budget-entry:E1}",
)


@pytest.mark.parametrize("path", BUDGET_READS)
@pytest.mark.parametrize("role", ("admin", *ROLES))
def test_budget_reads(planning, role, path):
    planning.check("GET", path, role=role)


def test_budget_lifecycle(planning):
    zou, local = planning.create(
        "budget:B2", PROJECT + "/budgets", {"name": "B2", "currency": "EUR"}
    )
    assert zou["revision"] == local["revision"] == 2
    planning.check("PUT", PROJECT + "/budgets/{budget:B2}", {"name": "B2b", "revision": 9})
    planning.create(
        "budget-entry:E2",
        PROJECT + "/budgets/{budget:B2}/entries",
        {"department_id": "{department:Animation}", "start_date": "2025-02-01",
         "months_duration": 2, "daily_salary": 250.5, "position": "lead", "seniority": "senior"},
    )  # fmt: skip
    full = {"department_id": "{department:Animation}", "person_id": None,
            "start_date": "2025-02-01", "months_duration": 4, "daily_salary": 260,
            "position": "lead", "seniority": "senior",
            "exceptions": {"2025-03": 12, "2025-04": 0}}  # fmt: skip
    zou_body, local_body = planning.check(
        "PUT", PROJECT + "/budgets/{budget:B2}/entries/{budget-entry:E2}", full
    )
    assert zou_body["exceptions"] == local_body["exceptions"] == {"2025-03": 12}
    planning.check("GET", PROJECT + "/budgets/{budget:B2}/entries")
    planning.check("DELETE", PROJECT + "/budgets/{budget:B2}/entries/{budget-entry:E2}")
    planning.check("GET", PROJECT + "/budgets/{budget:B2}/entries/{budget-entry:E2}")
    planning.check("DELETE", PROJECT + "/budgets/{budget:B2}")
    planning.check("GET", PROJECT + "/budgets/{budget:B2}")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    (
        ("POST", PROJECT + "/budgets", {}),
        ("POST", PROJECT + "/budgets", {"name": ""}),
        ("POST", PROJECT + "/budgets", {"name": 3}),
        ("POST", PROJECT + "/budgets/{budget:B1}/entries", {"name": "from gazu"}),
        ("POST", PROJECT + "/budgets/{budget:B1}/entries",
         {"department_id": "{department:Animation}", "start_date": "2025-01-01",
          "months_duration": 1.5, "daily_salary": 1}),
        ("GET", PROJECT + "/budgets/not-an-id", None),
        ("GET", PROJECT + "/budgets/5b9fe6c7-8e8b-4c65-9a5c-4a4b6e4f2d11", None),
        ("GET", "/data/projects/{other_project}/budgets/{budget:B1}", None),
        ("PUT", PROJECT + "/budgets/5b9fe6c7-8e8b-4c65-9a5c-4a4b6e4f2d11", {"name": "x"}),
        ("DELETE", PROJECT + "/budgets/5b9fe6c7-8e8b-4c65-9a5c-4a4b6e4f2d11", None),
    ),
)  # fmt: skip
def test_budget_errors(planning, method, path, body):
    planning.check(method, path, body)


@pytest.mark.parametrize("role", ROLES)
def test_budget_writes_per_role(planning, role):
    if role != "manager":  # a manager's budget would shift the revisions of the next ones
        planning.check("POST", PROJECT + "/budgets", {"name": "nope"}, role=role)
    planning.check("PUT", PROJECT + "/budgets/{budget:B1}", {"name": "B1"}, role=role)


@pytest.mark.parametrize("role", ("admin", *ROLES))
def test_budget_time_spents(planning, role):
    planning.keyed("GET", PROJECT + "/budgets/time-spents", role=role)


# ---- quotas --------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", COUNT_MODES)
def test_task_type_quotas(planning, mode):
    zou, local = planning.keyed(
        "GET", PROJECT + f"/quotas/{{task-type:Animation/Shot}}?count_mode={mode}"
    )
    assert _numbers(zou) == _numbers(local)


@pytest.mark.parametrize("mode", COUNT_MODES)
def test_person_quotas(planning, mode):
    zou, local = planning.keyed(
        "GET", PROJECT + f"/quotas/persons/{{person:user}}?count_mode={mode}"
    )
    if mode in ("weighted", "weighteddone", "done"):
        assert _numbers(zou) == _numbers(local)  # no co-assigned shot counted there
    else:
        # SH020 has two assignees: Zou counts it once per assignee on a person's quotas.
        assert zou["total"]["day"]["count"] == {"2025-03-05": 1, "2025-03-06": 2}
        assert local["total"]["day"]["count"] == {"2025-03-05": 1, "2025-03-06": 1}


@pytest.mark.parametrize("role", ("admin", *ROLES))
def test_quotas_per_role(planning, role):
    planning.keyed("GET", PROJECT + "/quotas/{task-type:Animation/Shot}", role=role)
    for person in ("user", "supervisor"):
        planning.keyed("GET", PROJECT + f"/quotas/persons/{{person:{person}}}", role=role)


@pytest.mark.parametrize(
    "path",
    (
        PROJECT + "/quotas/{task-type:Animation/Shot}?count_mode=bad",
        PROJECT + "/quotas/persons/{person:user}?count_mode=bad",
        PROJECT + "/quotas/persons/5b9fe6c7-8e8b-4c65-9a5c-4a4b6e4f2d11",
        "/data/projects/5b9fe6c7-8e8b-4c65-9a5c-4a4b6e4f2d11/quotas/{task-type:Animation/Shot}",
        "/data/projects/not-an-id/quotas/{task-type:Animation/Shot}",
    ),
)
def test_quota_errors(planning, path):
    planning.check("GET", path)


def _numbers(body: Any) -> Any:
    """The values rounded to 6 places (float sums may be added in another order)."""
    if isinstance(body, dict):
        return {key: _numbers(value) for key, value in body.items()}
    return round(body, 6) if isinstance(body, float) else body


# ---- production schedule versions ----------------------------------------------------------------
VERSION = "/actions/production-schedule-versions/{version:V1}"


def register_links(compat, version: str) -> None:
    zou, local = compat.both("GET", f"/data/production-schedule-versions/{{{version}}}/task-links")
    zou_names, local_names = compat.names(0), compat.names(1)
    mine = {local_names.get(link["task_id"]): link["id"] for link in local.json()}
    for link in zou.json():
        task = zou_names.get(link["task_id"])
        if task in mine:
            compat.add(f"link:{version}:{task}", link["id"], mine[task])


def test_schedule_version_round_trip(planning):
    links = "/data/production-schedule-versions/{version:V1}/task-links"
    planning.check("GET", links)
    planning.check("POST", VERSION + "/set-task-links-from-production")
    register_links(planning, "version:V1")
    planning.check("GET", links + "?relations=true")
    planning.check("GET", links + "?task_type_id={task-type:Animation/Shot}")
    planning.check(
        "PUT",
        "/data/production-schedule-version-task-links/{link:version:V1:task:SH010-Animation}",
        {"start_date": "2025-04-07T00:00:00", "due_date": "2025-04-11T00:00:00", "estimation": 5},
    )
    copy = "/actions/production-schedule-versions/{version:V2}"
    planning.check(
        "POST", copy + "/set-task-links-from-production-schedule-version",
        {"production_schedule_version_id": "{version:V1}"},
    )  # fmt: skip
    register_links(planning, "version:V2")
    zou, local = planning.check("GET", "/data/production-schedule-versions/{version:V2}")
    assert zou["production_schedule_from"] == zou_id(planning, "version:V1")
    planning.check(
        "GET", "/data/production-schedule-versions/{version:V2}/task-links?relations=true"
    )
    zou, local = planning.check("POST", copy + "/apply-to-production")
    assert zou == local
    zou, local = planning.check("GET", "/data/tasks/{task:SH010-Animation}")
    assert zou["start_date"] == local["start_date"] == "2025-04-07T00:00:00"
    assert zou["estimation"] == local["estimation"] == 5
    zou, local = planning.check("GET", "/data/production-schedule-versions/{version:V2}")
    assert zou["locked"] is local["locked"] is True
    zou, local = planning.check("GET", PROJECT)
    assert zou["from_schedule_version_id"] == zou_id(planning, "version:V2")


def zou_id(compat, name: str) -> str:
    return compat.ids[name][0]


@pytest.mark.parametrize("role", ROLES)
def test_schedule_versions_per_role(planning, role):
    planning.check("GET", "/data/production-schedule-versions/{version:V1}/task-links", role=role)
    for action in ("set-task-links-from-production", "apply-to-production"):
        if role != "manager":
            planning.check("POST", f"{VERSION}/{action}", role=role)
    if role != "manager":
        planning.check(
            "POST", VERSION + "/set-task-links-from-production-schedule-version",
            {"production_schedule_version_id": "{version:V2}"}, role=role,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "body"),
    (
        ("GET", "/data/production-schedule-versions/not-an-id/task-links", None),
        ("GET", "/data/production-schedule-versions/5b9fe6c7-8e8b-4c65-9a5c-4a4b6e4f2d11/task-links",
         None),
        ("POST", "/actions/production-schedule-versions/not-an-id/apply-to-production", None),
        ("POST", VERSION + "/set-task-links-from-production-schedule-version", {}),
        ("POST", VERSION + "/set-task-links-from-production-schedule-version",
         {"production_schedule_version_id": "{version:V1}"}),
        ("POST", VERSION + "/set-task-links-from-production-schedule-version",
         {"production_schedule_version_id": "5b9fe6c7-8e8b-4c65-9a5c-4a4b6e4f2d11"}),
    ),
)  # fmt: skip
def test_schedule_version_errors(planning, method, path, body):
    planning.check(method, path, body)
