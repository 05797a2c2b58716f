"""Working files of tasks and the event log against Zou, on a project of their own with the
``simple`` tree (set on Zou with ``PUT /data/projects/{id}``, on kitsu-local with the action).

Paths and revisions are compared as text, not only by shape.
"""

from __future__ import annotations

import json
import uuid
from importlib import resources

import pytest

ROLES = ("manager", "supervisor", "user", "client", "vendor", "outsider")
SIMPLE = json.loads(resources.files("kitsu_local.file_trees").joinpath("simple.json").read_text())
TASK = "/data/tasks/{task:works-Bob}"
SHOT_TASK = "/data/tasks/{task:works-SH010}"


@pytest.fixture(scope="module")
def works(compat):
    tag = compat.tag
    compat.create(
        "project:works",
        "/data/projects",
        {"name": f"Compat Works {tag}", "team": [f"{{person:{role}}}" for role in ROLES[:-1]]},
    )
    zou_id, local_id = compat.ids["project:works"]
    assert compat.zou.put(f"/data/projects/{zou_id}", json={"file_tree": SIMPLE}).status_code == 200
    local = compat.local.post(
        f"/actions/projects/{local_id}/set-file-tree", json={"tree_name": "simple"}
    )
    assert local.status_code == 200
    for name, kind, parent in (
        ("asset:works-Bob", "Character", None),
        ("sequence:works-SQ01", "Sequence", None),
        ("shot:works-SH010", "Shot", "sequence:works-SQ01"),
    ):
        body = {"name": name.split("-", 1)[1], "project_id": "{project:works}",
                "entity_type_id": f"{{entity-type:{kind}}}"}  # fmt: skip
        if parent:
            body["parent_id"] = f"{{{parent}}}"
        compat.create(name, "/data/entities", body)
    for name, entity, task_type, assignees in (
        (
            "task:works-Bob",
            "asset:works-Bob",
            "Modeling/Asset",
            ["{person:user}", "{person:vendor}"],
        ),
        ("task:works-SH010", "shot:works-SH010", "Animation/Shot", []),
    ):
        compat.create(
            name,
            "/data/tasks",
            {"project_id": "{project:works}", "entity_id": f"{{{entity}}}",
             "task_type_id": f"{{task-type:{task_type}}}", "task_status_id": "{status:todo}",
             "assignees": assignees},
        )  # fmt: skip
    return compat


def test_working_file_paths(works):
    for task in (TASK, SHOT_TASK):
        for body in ({}, {"name": "Hi Res", "revision": 4, "sep": "\\"}, {"separator": "\\"}):
            zou, local = works.check("POST", f"{task}/working-file-path", body)
            assert zou == local, (task, body)
    for body in ({"mode": "nope"}, {"software_id": str(uuid.uuid4())}, {"revision": "x"}):
        zou, local = works.check("POST", f"{TASK}/working-file-path", body)
        assert zou == local, body
    works.check("POST", f"/data/tasks/{uuid.uuid4()}/working-file-path", {})
    # A project without a tree: the path route answers 400 on both.
    zou, local = works.check("POST", "/data/tasks/{task:Bob-Modeling}/working-file-path", {})
    assert zou == local


def _same_file(zou: dict, local: dict) -> None:
    for key in ("name", "revision", "path", "comment", "description", "validation_status"):
        assert zou[key] == local[key], key


def test_new_working_files(works):
    new = f"{TASK}/working-files/new"
    zou, local = works.check("POST", new, {"name": "main", "comment": "first"})
    _same_file(zou, local)
    works.add("working-file:main-1", zou["id"], local["id"])
    zou, local = works.check("POST", new, {"name": "main", "sep": "\\"})
    _same_file(zou, local)
    works.add("working-file:main-2", zou["id"], local["id"])
    zou, local = works.check("POST", new, {"name": "other", "revision": 5})
    _same_file(zou, local)
    zou, local = works.check("POST", new, {"name": "main", "revision": 1})
    assert zou == local
    for body in ({}, {"name": ""}, {"name": "x", "person_id": str(uuid.uuid4())},
                 {"name": "x", "software_id": str(uuid.uuid4())}, {"name": "x", "revision": "y"}):  # fmt: skip
        works.check("POST", new, body)
    works.check("POST", f"/data/tasks/{uuid.uuid4()}/working-files/new", {"name": "x"})
    zou, local = works.check("GET", f"{TASK}/working-files")
    assert [item["revision"] for item in zou] == [item["revision"] for item in local]
    zou, local = works.check("GET", f"{TASK}/working-files/last-revisions")
    assert sorted(zou) == sorted(local)
    assert {name: item["revision"] for name, item in zou.items()} == {
        name: item["revision"] for name, item in local.items()
    }
    zou, local = works.check("GET", f"{TASK}")
    assert len(zou["assignees"]) == len(local["assignees"])
    for tail in ("working-files", "working-files/last-revisions"):
        works.check("GET", f"/data/tasks/{uuid.uuid4()}/{tail}")
    zou, local = works.check("GET", "/data/events/last?project_id={project:works}&limit=3")
    assert [event["name"] for event in zou] == [event["name"] for event in local]


def test_comment_modified_and_binary(works):
    action = "/actions/working-files/{working-file:main-1}"
    zou, local = works.check("PUT", f"{action}/comment", {"comment": "reviewed"})
    _same_file(zou, local)
    works.check("PUT", f"{action}/comment", {})
    works.check("PUT", f"{action}/modified", {})
    works.check("PUT", f"/actions/working-files/{uuid.uuid4()}/modified", {})
    file_url = "/data/working-files/{working-file:main-2}/file"
    zou, local = works.check("GET", file_url)
    zou, local = works.both("POST", file_url, files={"file": ("scene.blend", b"scene")})
    assert (zou.status_code, local.status_code) == (201, 201)
    assert set(zou.json()) == set(local.json())
    zou, local = works.both("GET", file_url)
    assert (zou.status_code, zou.content) == (local.status_code, local.content) == (200, b"scene")
    zou, local = works.both("POST", file_url, data={"x": "1"})
    assert zou.status_code == local.status_code == 400
    works.check("GET", f"/data/working-files/{uuid.uuid4()}/file")


@pytest.mark.parametrize("role", ROLES)
def test_working_files_by_role(works, role):
    for task in (TASK, SHOT_TASK):
        works.check("POST", f"{task}/working-file-path", {}, role=role)
        works.check("GET", f"{task}/working-files", role=role)
        works.check("GET", f"{task}/working-files/last-revisions", role=role)
    action = "/actions/working-files/{working-file:main-1}"
    works.check("PUT", f"{action}/comment", {"comment": f"by {role}"}, role=role)
    works.check("PUT", f"{action}/modified", {}, role=role)
    works.check("GET", "/data/working-files/{working-file:main-2}/file", role=role)
    works.check("POST", f"{SHOT_TASK}/working-files/new", {"name": f"by-{role}"}, role=role)


# ==== the event log ===========================================================================
def test_last_events(works):
    base = "/data/events/last?project_id={project:works}"
    works.check("GET", f"{base}&limit=2")
    for query in ("&name=asset:new", "&name_prefixes=task&name_suffixes=new", "&only_files=true",
                  "&only_files=True&limit=1", "&before=2000-01-01", "&after=2000-01-01&limit=1",
                  "&person_ids={person:user}", "&limit=0"):  # fmt: skip
        works.check("GET", base + query)
    for query in ("limit=abc", "after=yesterday", "before=2026-13-01", "project_id=nope",
                  "cursor_event_id=nope", f"cursor_event_id={uuid.uuid4()}", "name_prefixes=Task",
                  "name_suffixes=a%25", "person_ids=x", f"project_id={uuid.uuid4()}"):  # fmt: skip
        works.check("GET", f"/data/events/last?{query}")


@pytest.mark.parametrize("role", ROLES)
def test_last_events_by_role(works, role):
    works.check("GET", "/data/events/last?project_id={project:works}&limit=1", role=role)
    works.check("GET", "/data/events/last?project_id={other_project}&limit=1", role=role)
    works.check("GET", f"/data/events/last?project_id={uuid.uuid4()}", role=role)
    works.check("GET", "/data/events/login-logs/last?person_ids={person:user}&limit=1", role=role)


def test_login_logs(works):
    # Other people log in on Zou meanwhile: only the scenario's own logs are compared.
    works.check("GET", "/data/events/login-logs/last?person_ids={person:user}&limit=1")
    for query in ("limit=x", "after=x", "person_ids=x", "cursor_login_log_id=x",
                  f"cursor_login_log_id={uuid.uuid4()}"):  # fmt: skip
        works.check("GET", f"/data/events/login-logs/last?{query}")
