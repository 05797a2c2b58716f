"""The CSV imports against Zou: the same files posted to both servers give the same status and
answer shape, and leave the same records (names, types, sequences, frames, metadata, casting,
task statuses, estimations). Each test works in productions of its own, created on both sides.

Deliberate differences (services/csv_import.py): the row error body's message names the line
and the column (its keys are Zou's); a malformed file's 400 carries ``line_number`` and
``imported_rows`` too; a bad row leaves nothing written (Zou keeps the rows before it); an
unknown column or a casting row naming a missing asset is a 400 here (Zou: 201, ignored); a
an empty FPS cell sets no ``fps`` (Zou: ``""``); a
file of one column reads as comma-separated (Zou: 400, its sniffer splits the header on
a letter).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

ROW_ERROR = ("$.message",)
FILE_ERROR = ("$.message", "$.line_number", "$.imported_rows")


def upload(text: str) -> dict[str, Any]:
    return {"files": {"file": ("import.csv", text.encode("utf-8"))}}


def lines(*rows: str) -> str:
    return "\r\n".join(rows) + "\r\n"


@pytest.fixture(scope="module")
def productions(compat) -> dict[str, str]:
    """A feature film (Modeling, Animation and Edit task types, an asset and a shot descriptor,
    the scenario's team) and a TV show, on both servers."""
    tag = compat.tag
    team = [f"{{person:{role}}}" for role in ("manager", "supervisor", "user")]
    task_types = ["{task-type:Modeling/Asset}", "{task-type:Animation/Shot}"]
    if "task-type:Edit/Edit" in compat.ids:
        task_types.append("{task-type:Edit/Edit}")
    compat.create(
        "csv_film", "/data/projects",
        {"name": f"Compat Csv Film {tag}", "production_type": "feature", "team": team,
         "task_types": task_types},
    )  # fmt: skip
    compat.create(
        "csv_tv", "/data/projects",
        {"name": f"Compat Csv TV {tag}", "production_type": "tvshow", "team": team,
         "task_types": task_types},
    )  # fmt: skip
    for entity_type, name, data_type in (("Asset", "Style", "string"),
                                         ("Shot", "Hero", "boolean")):  # fmt: skip
        zou, local = compat.both(
            "POST", "/data/projects/{csv_film}/metadata-descriptors",
            {"entity_type": entity_type, "name": name, "data_type": data_type},
        )  # fmt: skip
        assert zou.status_code == local.status_code == 201, (zou.text, local.text)
    return {"film": "csv_film", "tv": "csv_tv"}


def records(compat, path: str, keys: tuple[str, ...]) -> tuple[list, list]:
    """The same listing on both, narrowed to ``keys`` and sorted: what must be equal."""
    zou, local = compat.both("GET", path)
    assert zou.status_code == local.status_code == 200, (zou.text, local.text)
    pick = lambda items: sorted(  # noqa: E731
        tuple(json.dumps(item.get(key), sort_keys=True) for key in keys) for item in items
    )
    return pick(zou.json()), pick(local.json())


def test_assets_import(compat, productions) -> None:
    content = lines(
        "Type;Name;Description;Style;Modeling;Modeling comment",
        "Character;Kid;A kid;toon;wip;started",
        "Prop;Cup;;;;",
    )
    compat.check("POST", "/import/csv/projects/{csv_film}/assets", **upload(content))
    zou, local = records(
        compat, "/data/projects/{csv_film}/assets", ("name", "description", "data")
    )
    assert zou == local
    # Again with update: the same assets change, none is added.
    changed = content.replace("A kid", "A tall kid")
    compat.check("POST", "/import/csv/projects/{csv_film}/assets?update=true", **upload(changed))
    zou, local = records(compat, "/data/projects/{csv_film}/assets", ("name", "description"))
    assert zou == local and len(zou) == 2
    zou_tasks, local_tasks = records(
        compat, "/data/tasks?project_id={csv_film}", ("task_status_id",)
    )
    assert len(zou_tasks) == len(local_tasks)


def test_shots_import(compat, productions) -> None:
    content = lines(
        "Sequence;Name;Description;Frame In;Frame Out;FPS;Hero;Animation",
        "SQ01;SH010;first;101;148;24;yes;wip",
        "SQ01;SH020;;1;;;no;",
        "SQ02;SH010;;;;;;",
    )
    compat.check(
        "POST", "/import/csv/projects/{csv_film}/shots", allowed=("$[].data.fps",),
        **upload(content),
    )  # fmt: skip
    keys = ("name", "description", "nb_frames", "data", "sequence_name")
    zou, local = records(compat, "/data/projects/{csv_film}/shots", keys)
    # Deliberate: an empty FPS cell sets nothing here, ``fps: ""`` on Zou.
    assert [row for row in zou if '"fps": ""' not in row[3]] == [
        row for row in local if '"fps"' in row[3]
    ]
    assert [row[3].replace('"fps": "", ', "") for row in zou if '"fps": ""' in row[3]] == [
        row[3] for row in local if '"fps"' not in row[3]
    ]
    update = lines("Sequence;Name;Nb Frames", "SQ01;SH010;12")
    compat.check("POST", "/import/csv/projects/{csv_film}/shots?update=true", **upload(update))
    zou, local = records(compat, "/data/projects/{csv_film}/shots", keys)
    assert [row[2] for row in zou] == [row[2] for row in local]


def test_tv_show_shots_and_assets(compat, productions) -> None:
    shots = lines("Episode;Sequence;Name", "E07;SQ01;SH010", "E07;SQ02;SH010")
    compat.check("POST", "/import/csv/projects/{csv_tv}/shots", **upload(shots))
    assets = lines("Episode;Type;Name", "E07;Prop;Cup", "MP;Prop;Plate")
    compat.check("POST", "/import/csv/projects/{csv_tv}/assets", **upload(assets))
    zou, local = records(compat, "/data/projects/{csv_tv}/episodes", ("name", "status"))
    assert zou == local
    zou, local = records(compat, "/data/projects/{csv_tv}/shots", ("name", "sequence_name"))
    assert zou == local


def test_edits_import(compat, productions) -> None:
    content = lines("Name;Description", "Trailer;v1")
    compat.check("POST", "/import/csv/projects/{csv_film}/edits", **upload(content))
    compat.check(
        "POST", "/import/csv/projects/{csv_film}/edits?update=true",
        **upload(content.replace("v1", "v2")),
    )  # fmt: skip
    zou, local = records(compat, "/data/projects/{csv_film}/edits", ("name", "description"))
    assert zou == local


def test_casting_import(compat, productions) -> None:
    compat.check(
        "POST", "/import/csv/projects/{csv_film}/assets",
        **upload(lines("Type;Name", "Prop;Lamp", "Character;Mum")),
    )  # fmt: skip
    compat.check(
        "POST", "/import/csv/projects/{csv_film}/shots",
        **upload(lines("Sequence;Name", "SQ05;SH050")),
    )  # fmt: skip
    content = lines(
        "Parent;Name;Asset Type;Asset;Occurences;Label",
        "SQ05;SH050;Prop;Lamp;2;Animate",
        "SQ05;SH050;Character;Mum;;",
        "Character;Mum;Prop;Lamp;1;fixed",
    )
    compat.check("POST", "/import/csv/projects/{csv_film}/casting", **upload(content))
    zou, local = compat.both("GET", "/export/csv/projects/{csv_film}/casting.csv")
    assert zou.content == local.content
    zou, local = compat.both(
        "GET", "/export/csv/projects/{csv_film}/casting.csv?is_shot_casting=true"
    )
    assert zou.content == local.content


def test_estimations_import(compat, productions) -> None:
    compat.check(
        "POST", "/import/csv/projects/{csv_film}/shots",
        **upload(lines("Sequence;Name", "SQ08;SH080", "SQ08;SH090")),
    )  # fmt: skip
    content = lines(
        "Parent;Entity;Estimation;Drawings;Start date;Due date;Difficulty",
        "SQ08;SH080;2;12;2026-03-06;;4",
        "SQ08;SH090;;;;2026-04-01;",
    )
    path = "/import/csv/projects/{csv_film}/task-types/{task-type:Animation/Shot}/estimations"
    compat.check("POST", path, **upload(content))
    keys = ("estimation", "nb_drawings", "start_date", "due_date", "difficulty")
    zou, local = records(compat, "/data/tasks?project_id={csv_film}", keys)
    assert zou == local
    compat.check("POST", path, role="user", **upload(content))  # 403 on both
    compat.check(
        "POST",
        "/import/csv/projects/{csv_film}/task-types/00000000-0000-4000-8000-000000000000"
        "/estimations",
        **upload(content),
    )  # fmt: skip


def test_episode_estimations_import(compat, productions) -> None:
    """The episode route narrows to the episode's shots: SH010 of E08, not of E09."""
    shots = lines("Episode;Sequence;Name", "E08;SQ01;SH010", "E09;SQ01;SH010")
    zou, local = compat.check("POST", "/import/csv/projects/{csv_tv}/shots", **upload(shots))
    shot_ids = (zou[0]["id"], local[0]["id"])
    zou_episodes, local_episodes = compat.both("GET", "/data/projects/{csv_tv}/episodes")
    pick = lambda answer: next(e["id"] for e in answer.json() if e["name"] == "E08")  # noqa: E731
    compat.add("csv_episode:E08", pick(zou_episodes), pick(local_episodes))
    path = (
        "/import/csv/projects/{csv_tv}/episodes/{csv_episode:E08}/task-types/"
        "{task-type:Animation/Shot}/estimations"
    )
    compat.check("POST", path, **upload(lines("Parent;Entity;Difficulty", "SQ01;SH010;5")))
    zou, local = compat.both("GET", "/data/tasks?project_id={csv_tv}")
    for side, answer in enumerate((zou, local)):
        changed = [task["entity_id"] for task in answer.json() if task["difficulty"] == 5]
        assert changed == [shot_ids[side]]


def test_persons_import(compat) -> None:
    tag = compat.tag
    content = lines(
        "First Name;Last Name;Email;Role;Position;Seniority;Country;Daily Salary;Active",
        f"Csv;Person {tag};csv-person-{tag}@example.com;Supervisor;Lead;Senior;fr;200;false",
    )
    zou, local = compat.check("POST", "/import/csv/persons", **upload(content))
    for key in ("role", "position", "seniority", "country", "daily_salary", "active"):
        assert zou[0][key] == local[0][key], key
    compat.check(
        "POST", "/import/csv/persons?update=true", **upload(content.replace(";200;", ";250;"))
    )
    compat.check("POST", "/import/csv/persons", role="manager", **upload(content))


@pytest.mark.parametrize(
    ("route", "content"),
    [
        ("assets", lines("Type;Name;Modeling", "Prop;Stool;nosuchstatus")),
        ("assets", lines("Type;Name", ";Nameless")),
        ("shots", lines("Sequence;Name;Frame In", "SQ01;SH900;abc")),
        ("shots", lines("Sequence;Name", ";SH900")),
        ("edits", lines("Name;Episode", "Cut;E01")),
    ],
)
def test_a_bad_row(compat, productions, route: str, content: str) -> None:
    """A 400 on both with Zou's keys; here, nothing of the file is written."""
    zou, local = compat.check(
        "POST", f"/import/csv/projects/{{csv_film}}/{route}", allowed=ROW_ERROR,
        **upload(content),
    )  # fmt: skip
    assert zou["line_number"] == local["line_number"] == 2


def test_bad_files(compat, productions) -> None:
    for content in ("", 'Name;Type\r\n"Bob;Prop\r\n'):
        zou, local = compat.both(
            "POST", "/import/csv/projects/{csv_film}/assets", **upload(content)
        )
        assert zou.status_code == local.status_code == 400, (zou.text, local.text)
        assert zou.json()["error"] is local.json()["error"] is True


@pytest.mark.parametrize("role", ["supervisor", "user", "outsider"])
def test_permissions(compat, productions, role: str) -> None:
    for route in ("assets", "shots", "edits", "casting"):
        compat.check(
            "POST", f"/import/csv/projects/{{csv_film}}/{route}", role=role,
            **upload(lines("Name", "X")),
        )  # fmt: skip


def test_deliberate_differences(compat, productions) -> None:
    """An unknown column, a casting row naming a missing asset: 201 on Zou, 400 here; the rows
    before a bad one: kept on Zou, not written here."""
    for route, content in (
        ("assets", lines("Type;Name;Colour", "Prop;Chair;red")),
        ("casting", lines("Parent;Name;Asset Type;Asset;Occurences", "SQ05;SH050;Prop;Nope;1")),
    ):
        zou, local = compat.both(
            "POST", f"/import/csv/projects/{{csv_film}}/{route}", **upload(content)
        )
        assert (zou.status_code, local.status_code) == (201, 400), (zou.text, local.text)
    # A bad second row: 400 on both, Zou keeps the first row, kitsu-local writes nothing.
    content = lines("Type;Name;Modeling", "Prop;Half;", "Prop;Other;nosuchstatus")
    zou, local = compat.both("POST", "/import/csv/projects/{csv_film}/assets", **upload(content))
    assert zou.status_code == local.status_code == 400
    assert (zou.json()["imported_rows"], local.json()["imported_rows"]) == (1, 0)
    zou, local = records(compat, "/data/projects/{csv_film}/assets", ("name",))
    assert ('"Half"',) in zou and ('"Half"',) not in local
