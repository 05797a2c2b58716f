"""Daily task work against Zou: comments (listing per role, one comment, ack, replies),
assignment, time spents and open tasks, on a task of this file's own (Rigging of Bob, assigned to
the artist and the vendor) so that other files' reads stay as they were.

Answers keyed by ids (time spents by person, open task stats by project) have their keys
translated to scenario names before the shapes are compared.
"""

from __future__ import annotations

import pytest

from .shape import shape_differences

ROLES = ("manager", "supervisor", "user", "client", "vendor", "outsider")
TASK = "task:Bob-Rigging"
DAY = "2026-11-02"


@pytest.fixture(scope="module")
def work(compat):
    if TASK not in compat.ids:
        # An asset of this module's own: other modules make tasks on the scenario's assets.
        compat.create(
            "asset:Rigged",
            "/data/entities",
            {"name": "Rigged", "project_id": "{project}",
             "entity_type_id": "{entity-type:Character}"},
        )  # fmt: skip
        compat.create(
            TASK,
            "/data/tasks",
            {
                "project_id": "{project}", "entity_id": "{asset:Rigged}",
                "task_type_id": "{task-type:Rigging/Asset}", "task_status_id": "{status:todo}",
                "assignees": ["{person:user}", "{person:vendor}"],
            },
        )  # fmt: skip
        base = f"/actions/tasks/{{{TASK}}}/comment"
        compat.create(
            "comment:rig-artist", base, {"task_status_id": "{status:wip}", "comment": "hi"}, "user"
        )
        compat.create(
            "comment:rig-client", base, {"task_status_id": "{status:wip}", "comment": "c"}, "client"
        )
    return compat


# ==== comments ===============================================================================
@pytest.mark.parametrize("role", ("admin", *ROLES))
def test_comment_listing_per_role(work, role):
    work.check("GET", f"/data/tasks/{{{TASK}}}/comments", role=role)


@pytest.mark.parametrize("role", ("admin", *ROLES))
def test_one_comment_per_role(work, role):
    for comment in ("comment:rig-artist", "comment:rig-client"):
        work.check("GET", f"/data/tasks/{{{TASK}}}/comments/{{{comment}}}", role=role)


def test_comment_errors(work):
    unknown = "5f0c1a2b-3d4e-4f50-8a6b-7c8d9e0f1a2b"
    work.check("GET", f"/data/tasks/{{{TASK}}}/comments/{unknown}")
    work.check("GET", "/data/tasks/{task:Sword-Modeling}/comments/{comment:rig-artist}")
    work.check("POST", f"/data/tasks/{{{TASK}}}/comments/{unknown}/ack")
    work.check("DELETE", f"/data/tasks/{{{TASK}}}/comments/{unknown}")
    # In the API catalogue, but not a route of Zou 1.0.97 (404 there): kitsu-local serves it
    # as the reference describes it, a deliberate difference (tests/test_tasks.py).
    body = {"change_status": False}  # the task keeps its status on both sides
    zou, local = work.both("PUT", f"/actions/tasks/{{{TASK}}}/to-review", json=body)
    assert (zou.status_code, local.status_code) == (404, 200)


@pytest.mark.parametrize("role", ("admin", *ROLES))
def test_ack_toggles_per_role(work, role):
    path = f"/data/tasks/{{{TASK}}}/comments/{{comment:rig-artist}}/ack"
    work.check("POST", path, role=role)
    work.check("POST", path, role=role)


@pytest.mark.parametrize("role", ("manager", "supervisor", "user", "client", "vendor", "outsider"))
def test_reply_and_delete_reply_per_role(work, role):
    base = f"/data/tasks/{{{TASK}}}/comments/{{comment:rig-artist}}"
    zou, local = work.check("POST", f"{base}/reply", json={"text": f"from {role}"}, role=role)
    if zou is None or "id" not in zou:
        return
    work.add(f"reply:{role}", zou["id"], local["id"])
    work.check("DELETE", f"{base}/reply/{{reply:{role}}}", role="user")
    work.check("DELETE", f"{base}/reply/{{reply:{role}}}", role=role)
    work.check("DELETE", f"{base}/reply/{{reply:{role}}}", role="admin")


def test_reply_validation(work):
    base = f"/data/tasks/{{{TASK}}}/comments/{{comment:rig-artist}}"
    work.check("POST", f"{base}/reply", json={"text": 5})
    work.check("POST", "/data/tasks/{task:Sword-Modeling}/comments/{comment:rig-artist}/reply",
               json={"text": "x"})  # fmt: skip


def test_delete_comment(work):
    work.create(
        "comment:rig-doomed", f"/actions/tasks/{{{TASK}}}/comment",
        {"task_status_id": "{status:wip}", "comment": "doomed"}, "user",
    )  # fmt: skip
    path = f"/data/tasks/{{{TASK}}}/comments/{{comment:rig-doomed}}"
    for role in ("vendor", "client", "supervisor", "outsider"):
        work.check("DELETE", path, role=role)
    work.check("DELETE", path, role="user")
    work.check("GET", path)


# ==== assignment =============================================================================
@pytest.mark.parametrize("role", ("user", "client", "vendor", "outsider", "supervisor", "manager"))
def test_assign_per_role(work, role):
    work.check(
        "PUT", "/actions/tasks/{task:Sword-Modeling}/assign", json={"person_id": f"{{person:{role}}}"},
        role=role,
    )  # fmt: skip


def test_assign_and_clear_as_admin(work):
    path = "/actions/tasks/{task:Sword-Modeling}/assign"
    work.check("PUT", path, json={"person_id": "{person:supervisor}"})
    work.check("PUT", path, json={})
    work.check("PUT", path, json={"person_id": "{task:Sword-Modeling}"})
    clear = "/actions/tasks/clear-assignation"
    work.check(
        "PUT", clear, json={"task_ids": ["{task:Sword-Modeling}"], "person_id": "{person:manager}"}
    )
    work.check("PUT", clear, json={"task_ids": ["{task:Sword-Modeling}", "xx"]})
    work.check("PUT", clear, json={"task_ids": []})
    work.check("PUT", clear, json={})


@pytest.mark.parametrize("role", ("user", "client", "vendor", "outsider", "supervisor"))
def test_clear_per_role(work, role):
    clear = "/actions/tasks/clear-assignation"
    work.check("PUT", clear, json={"task_ids": ["{task:SH020-Animation}"]}, role=role)
    work.check(
        "PUT", clear, json={"task_ids": ["{task:SH020-Animation}"], "person_id": f"{{person:{role}}}"},
        role=role,
    )  # fmt: skip


# ==== time spents ============================================================================
@pytest.mark.parametrize(
    "role", ("admin", "manager", "supervisor", "user", "client", "vendor", "outsider")
)
def test_time_spents_per_role(work, role):
    base = f"/actions/tasks/{{{TASK}}}/time-spents"
    for person in ("user", "vendor", role if role != "admin" else "manager"):
        path = f"{base}/{DAY}/persons/{{person:{person}}}"
        work.check("POST", path, json={"duration": 30}, role=role)
        work.check("POST", f"{path}/add", json={"duration": 15}, role=role)
    work.keyed("GET", base, role=role)
    work.keyed("GET", f"{base}/{DAY}", role=role)
    for person in ("user", "vendor"):
        work.check("DELETE", f"{base}/{DAY}/persons/{{person:{person}}}", role=role)


def test_time_spent_errors(work):
    base = f"/actions/tasks/{{{TASK}}}/time-spents"
    path = f"{base}/{DAY}/persons/{{person:user}}"
    work.check("POST", path, json={"duration": 0})
    work.check("POST", path, json={})
    work.check("POST", f"{base}/2026-13-01/persons/{{person:user}}", json={"duration": 5})
    work.check("DELETE", f"{base}/2026-13-01/persons/{{person:user}}")
    work.check("DELETE", f"{base}/2020-01-01/persons/{{person:user}}")
    work.check("GET", "/actions/tasks/5f0c1a2b-3d4e-4f50-8a6b-7c8d9e0f1a2b/time-spents")


# ==== open tasks =============================================================================
OPEN = "/data/tasks/open-tasks?project_id={project}&task_type_id={task-type:Rigging/Asset}"


@pytest.mark.parametrize("role", ("admin", "manager", "supervisor", "user", "client", "vendor"))
def test_open_tasks_per_role(work, role):
    work.check("GET", OPEN, role=role)
    work.check("GET", f"{OPEN}&limit=1&page=2", role=role)
    work.check("GET", f"{OPEN}&limit=0", role=role)
    work.check("GET", f"{OPEN}&person_id={{person:user}}", role=role)
    work.check("GET", f"{OPEN}&person_id=unassigned", role=role)


def test_open_tasks_errors(work):
    for query in ("person_id=xx", "limit=x", "priority=x", "start_date=xx", "task_type_id=xx"):
        work.check("GET", f"/data/tasks/open-tasks?{query}")
    work.check("GET", "/data/tasks/open-tasks?project_id={other_project}", role="user")


def test_open_tasks_stats(work):
    zou = work.zou.ok("GET", "/data/tasks/open-tasks/stats")
    local = work.local.ok("GET", "/data/tasks/open-tasks/stats")
    zou_id, local_id = work.ids["project"]
    differences = shape_differences(zou[zou_id], local[local_id], work.names(0), work.names(1))
    assert differences == [], "\n".join(differences[:40])
