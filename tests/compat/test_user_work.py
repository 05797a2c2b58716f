"""The caller's own work views (``/data/user/...``) against a real Zou: same status, same shape,
for every role of the scenario (and the outsider, a person in no team)."""

from __future__ import annotations

from typing import Any

import pytest

from .shape import shape_differences

ROLES = ("admin", "manager", "supervisor", "user", "client", "vendor", "outsider")
# Not this area's: Zou creates the tv show's "E01" with the project and the scenario's "E01"
# is that one; kitsu-local creates a second "E01", and which one comes first is a tie.
FIRST_EPISODE = "$[].first_episode_id"


@pytest.fixture(scope="module")
def work(compat: Any) -> Any:
    """A task waiting for approval (the vendor's), commented, so that the to-check lists and the
    ``last_comment`` of the to-do lists hold something."""
    compat.create(
        "task:uw-SH020-Layout", "/data/tasks",
        {"project_id": "{project}", "entity_id": "{shot:SH020}",
         "task_type_id": "{task-type:Layout/Shot}", "task_status_id": "{status:wfa}",
         "assignees": ["{person:vendor}"]},
    )  # fmt: skip
    zou, local = compat.both(
        "POST", "/actions/tasks/{task:uw-SH020-Layout}/comment",
        json={"task_status_id": "{status:wfa}", "comment": "please check"},
    )  # fmt: skip
    assert zou.status_code == local.status_code == 201, (zou.text, local.text)
    return compat


@pytest.mark.parametrize("role", ROLES)
def test_todo_and_done(work: Any, role: str):
    for path in ("/data/user/tasks", "/data/user/done-tasks"):
        work.check("GET", path, role=role)


@pytest.mark.parametrize("role", ROLES)
def test_tasks_to_check(work: Any, role: str):
    # an admin checks every production of a Zou keeping every run's data: the project's only
    scoped = "?project_id={project}"
    work.check("GET", "/data/user/tasks-to-check" + scoped, role=role)
    work.check("GET", "/data/user/tasks-to-check" + scoped + "&page=1&limit=2", role=role)
    work.check("GET", "/data/user/tasks-to-check" + scoped + "&order_by=due_date", role=role)
    for bad in ("page=abc", "task_type_id=bad", "person_id=bad", "due_date_since=bad"):
        work.check("GET", f"/data/user/tasks-to-check?{bad}", role=role)


@pytest.mark.parametrize("role", ROLES)
def test_entity_views(work: Any, role: str):
    for path in (
        "/data/user/projects/{project}/asset-types",
        "/data/user/projects/{project}/asset-types/{entity-type:Character}/assets",
        "/data/user/projects/{project}/asset-types/{entity-type:Shot}/assets",
        "/data/user/projects/{project}/episodes",
        "/data/user/projects/{project}/sequences",
        "/data/user/projects/{other_project}/sequences",
        "/data/user/projects/not-an-id/sequences",
        "/data/user/sequences/{sequence:SQ01}/shots",
        "/data/user/sequences/{sequence:SQ01}/scenes",
        "/data/user/sequences/{sequence:SQ01}/tasks",
        "/data/user/sequences/{sequence:SQ01}/task-types",
        "/data/user/sequences/{shot:SH010}/shots",
        "/data/user/shots/{shot:SH010}/tasks",
        "/data/user/shots/{shot:SH010}/task-types",
        "/data/user/shots/{shot:SH020}/tasks",
        "/data/user/shots/not-an-id/tasks",
        "/data/user/scenes/{scene:SC01}/tasks",
        "/data/user/scenes/{scene:SC01}/task-types",
        "/data/user/scenes/{shot:SH010}/tasks",
        "/data/user/assets/{asset:Bob}/tasks",
        "/data/user/assets/{asset:Bob}/task-types",
        "/data/user/assets/{asset:Alice}/tasks",
        "/data/user/assets/{shot:SH010}/task-types",
    ):
        work.check("GET", path, role=role)


@pytest.mark.parametrize("role", ROLES)
def test_open_projects(work: Any, role: str):
    work.check(
        "GET", "/data/user/projects/open", role=role, scenario_only=True, allowed=(FIRST_EPISODE,)
    )
    work.check(
        "GET", f"/data/user/projects/open?name=Compat TV {work.tag}", role=role,
        allowed=(FIRST_EPISODE,),
    )  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_context(work: Any, role: str):
    """Key by key; the studio-wide lists narrowed to the scenario's objects (Zou keeps the
    reference data and people of every run)."""
    zou, local = work.both("GET", "/data/user/context", role=role)
    assert zou.status_code == local.status_code == 200
    zou_body, local_body = zou.json(), local.json()
    assert set(zou_body) == set(local_body)
    for side, body in ((0, zou_body), (1, local_body)):
        for key, value in body.items():
            if isinstance(value, list):
                body[key] = work.known(value, side)
    differences = shape_differences(
        zou_body, local_body, work.names(0), work.names(1),
        # Zou's limit is its configuration's
        frozenset({"$.user_limit", FIRST_EPISODE.replace("$", "$.projects")}),
    )  # fmt: skip
    assert differences == [], "\n".join(differences[:40])
