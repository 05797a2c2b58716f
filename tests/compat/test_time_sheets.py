"""The persons' time routes against Zou: time sheets, studio tables, day offs, presence, task
dates and quota shots, per role, on the shared scenario.

Zou keeps the data of every run and of other users: the admin's studio-wide answers (tables,
month day offs, presence) are narrowed to the scenario (a ``project_id``, the scenario's
persons) before they are compared.
"""

from __future__ import annotations

import csv
import io

import pytest

ROLES = ("manager", "supervisor", "user", "client", "vendor", "outsider")
USER = "/data/persons/{person:user}"
VENDOR = "/data/persons/{person:vendor}"
TABLES = "/data/persons/time-spents"


@pytest.fixture(scope="module")
def sheets(compat):
    """Time spents around the turn of 2025, day offs across it and a desktop login."""
    for name, task, person, date, minutes in (
        ("ts:SH010-2025", "task:SH010-Animation", "user", "2025-12-31", 120),
        ("ts:SH010-2026", "task:SH010-Animation", "user", "2026-01-01", 60),
        ("ts:Bob-1229", "task:Bob-Modeling", "user", "2025-12-29", 15),
        ("ts:Bob-vendor", "task:Bob-Modeling", "vendor", "2026-01-05", 25),
        ("ts:SH010-2020", "task:SH010-Animation", "user", "2020-12-31", 45),
    ):
        compat.create(
            name,
            "/data/time-spents",
            {"task_id": f"{{{task}}}", "person_id": f"{{person:{person}}}", "date": date,
             "duration": minutes},
        )  # fmt: skip
    for name, person, start, end in (
        ("day-off:user", "user", "2026-01-10", "2026-01-12"),
        ("day-off:vendor", "vendor", "2025-12-29", "2026-01-02"),
    ):
        compat.create(
            name,
            "/data/day-offs",
            {"person_id": f"{{person:{person}}}", "date": start, "end_date": end,
             "description": "leave"},
        )  # fmt: skip
    zou, local = compat.both("POST", USER + "/desktop-login-logs", {"date": "2026-01-03T09:00:00"})
    assert zou.status_code == local.status_code == 201, (zou.text, local.text)
    return compat


PERSON_PERIODS = (
    "time-spents/2025-12-31",
    "time-spents?start_date=2025-12-29&end_date=2026-01-01",
    "time-spents",
    "time-spents/month/all/2025/12",
    "time-spents/day/2025/12/31",
    "time-spents/week/2026/1",
    "time-spents/week/2025/52",
    "time-spents/week/2020/53",
    "time-spents/month/2025/12",
    "time-spents/year/2026",
    "time-spents/year/2020",
    "day-offs",
    "day-offs/2026-01-11",
    "day-offs/2026-01-13",
    "quota-shots/month/2025/12",
    "quota-shots/week/2026/1?count_mode=feedback",
    "quota-shots/day/2025/12/31?count_mode=done",
)


@pytest.mark.parametrize("path", PERSON_PERIODS)
@pytest.mark.parametrize("role", ("admin", *ROLES))
def test_a_person_time(sheets, role, path):
    sheets.check("GET", f"{USER}/{path}", role=role)


@pytest.mark.parametrize(
    "path",
    (
        "day-offs/week/2026/1",
        "day-offs/week/2025/52",
        "day-offs/month/2025/12",
        "day-offs/month/2026/01",
        "day-offs/year/2025",
        "day-offs/year/2026",
        "day-offs/2026-01-01",
        "time-spents/week/2026/2",
        "quota-shots/week/2026/2",
    ),
)
@pytest.mark.parametrize("role", ("admin", "vendor", "supervisor", "manager", "user"))
def test_periods_across_the_year(sheets, role, path):
    sheets.check("GET", f"{VENDOR}/{path}", role=role)


@pytest.mark.parametrize(
    "path",
    (
        "quota-shots/month/2025/12?project_id={project}",
        "quota-shots/month/2025/12?project_id={other_project}",
        "time-spents/month/2025/12?project_id={project}",
        "time-spents/month/2025/12?project_id={other_project}",
    ),
)
@pytest.mark.parametrize("role", ("admin", *ROLES))
def test_a_person_time_in_a_project(sheets, role, path):
    sheets.check("GET", f"{USER}/{path}", role=role)


@pytest.mark.parametrize(
    "path",
    (
        "year-table",
        "year-table/",
        "month-table/2025",
        "month-table/2026",
        "week-table/2025",
        "week-table/2026",
        "week-table/2020",
        "day-table/2025/12",
        "day-table/2026/1",
    ),
)
def test_tables(sheets, path):
    sheets.check("GET", f"{TABLES}/{path}?project_id={{project}}")
    for role in ROLES:
        sheets.check("GET", f"{TABLES}/{path}", role=role)


@pytest.mark.parametrize("role", ROLES)
def test_month_day_offs(sheets, role):
    sheets.check("GET", "/data/persons/day-offs/2026/1", role=role)
    sheets.check("GET", "/data/persons/day-offs/2025", role=role)


def test_admin_month_day_offs_of_the_scenario(sheets):
    zou, local = sheets.both("GET", "/data/persons/day-offs/2026/1")
    assert zou.status_code == local.status_code == 200
    ours = [{sheets.ids[f"day-off:{name}"][side] for name in ("user", "vendor")} for side in (0, 1)]
    picked = [
        [item for item in body.json() if item["id"] in ours[side]]
        for side, body in enumerate((zou, local))
    ]
    assert [sorted(item) for item in picked[0]] == [sorted(item) for item in picked[1]]
    assert len(picked[1]) == 2


@pytest.mark.parametrize(
    "path",
    (
        "/data/persons/presence-logs/2026-13",
        "/data/persons/presence-logs/abc",
        USER + "/time-spents/2025-13-31",
        USER + "/time-spents/year/abc",
        USER + "/time-spents/week/2025/54",
        USER + "/day-offs/abc",
        USER + "/quota-shots/month/2025/12?count_mode=bad",
        "/data/persons/time-spents/day-table/2025/13",
        "/data/persons/task-dates?project_id=abc",
        USER + "/quota-shots/month/2025/12?project_id=abc",
        USER + "/quota-shots/month/2025/12?project_id=00000000-0000-0000-0000-000000000000",
        USER + "/time-spents/2025-12-31T10:00:00",
        USER + "/day-offs/2026-1-10",
        USER + "/time-spents?start_date=2025-12-29T00:00:00&end_date=2026-1-1",
    ),
)
def test_bad_or_loose_input(sheets, path):
    sheets.check("GET", path)


@pytest.mark.parametrize("role", ("admin", *ROLES))
def test_presence_log(sheets, role):
    zou, local = sheets.both("GET", "/data/persons/presence-logs/2026-01", role=role)
    assert zou.status_code == local.status_code
    if zou.status_code != 200:
        return
    assert zou.headers["content-disposition"] == local.headers["content-disposition"]
    tables = [list(csv.reader(io.StringIO(body.text), delimiter=";")) for body in (zou, local)]
    assert tables[0][0] == tables[1][0]
    # The scenario's people (other modules of the run may add people of their own).
    names = {f"{role.capitalize()} Compat {sheets.tag}" for role in ROLES}
    rows = [{row[0]: row[1:] for row in table if row[0] in names} for table in tables]
    assert rows[0] == rows[1] and len(rows[1]) == len(ROLES)


@pytest.mark.parametrize("role", ("admin", *ROLES))
def test_task_dates(sheets, role):
    sheets.check("GET", "/data/persons/task-dates?project_id={project}", role=role)
    sheets.check("GET", "/data/persons/task-dates?project_id={other_project}", role=role)
