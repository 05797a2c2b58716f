"""The project's own routes against Zou: same status and shape, per role."""

from __future__ import annotations

import pytest

ROLES = ("manager", "supervisor", "user", "client", "vendor", "outsider")
# Zou keeps the projects of every run: the studio-wide lists are checked as team members.
READS = (
    "/data/projects/{project}/team",
    "/data/projects/{project}/settings/task-status",
    "/data/projects/{project}/settings/status-automations",
    "/data/projects/{project}/metadata-descriptors",
    "/data/projects/{project}/time-spents",
    "/data/projects/{project}/comments",
    "/data/projects/{project}/notifications",
    "/data/projects/{project}/subscriptions",
    "/data/projects/{project}/build-jobs",
    "/data/projects/{project}/output-files",
    "/data/projects/{project}/playlists",
    "/data/projects/{project}/playlists/all",
    "/data/projects/{project}/episodes/main/playlists",
    "/data/projects/{project}/episodes/{episode:E01}/playlists",
)


@pytest.fixture(scope="module")
def configured(compat):
    """Settings, a descriptor and a comment (for the news) made the same way on both."""
    settings = "/data/projects/{project}/settings"
    compat.check("POST", f"{settings}/task-types", {"task_type_id": "{task-type:Modeling/Asset}"})
    compat.check("POST", f"{settings}/task-status", {"task_status_id": "{status:todo}"})
    compat.check("POST", f"{settings}/asset-types", {"asset_type_id": "{entity-type:Character}"})
    compat.create(
        "descriptor:difficulty",
        "/data/projects/{project}/metadata-descriptors",
        {"name": f"Difficulty {compat.tag}", "data_type": "list", "choices": ["easy", "hard"]},
    )
    compat.both(
        "POST", "/actions/tasks/{task:Bob-Modeling}/comment",
        {"task_status_id": "{status:wip}", "comment": "compat news"},
    )  # fmt: skip
    return compat


@pytest.mark.parametrize("path", READS)
def test_reads_as_admin(configured, path):
    configured.check("GET", path)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "path",
    (
        "/data/projects/open",
        "/data/projects/{project}/team",
        "/data/projects/{project}/settings/task-status",
        "/data/projects/{project}/metadata-descriptors",
        "/data/projects/{project}/comments",
        "/data/projects/{project}/playlists",
        "/data/projects/{project}/time-spents",
        "/data/projects/{project}/news",
    ),
)
def test_reads_per_role(configured, role, path):
    if role == "outsider":
        path = path.replace("{project}", "{other_project}")
    configured.check("GET", path, role=role)


def test_news(configured):
    zou, local = configured.check("GET", "/data/projects/{project}/news")
    assert zou["total"] == local["total"] >= 1  # other modules of the session comment too
    configured.check("GET", "/data/projects/{project}/news?before=2000-01-01")
    configured.check("GET", "/data/projects/{project}/news?before=garbage")
    configured.check("GET", "/data/projects/{project}/news?page=1&limit=1&only_preview=true")


def test_descriptor_routes(configured):
    path = "/data/projects/{project}/metadata-descriptors"
    configured.check("GET", f"{path}/{{descriptor:difficulty}}")
    # A full body: Zou resets the omitted fields of a descriptor, kitsu-local keeps them (a
    # deliberate difference, see tests/test_projects.py).
    configured.check(
        "PUT",
        f"{path}/{{descriptor:difficulty}}",
        {"name": "Hardness", "data_type": "list", "choices": ["easy", "hard"]},
    )
    configured.check("POST", path, {"name": "X", "entity_type": "Task"})
    configured.check("POST", path, {"name": "X", "data_type": "bogus"})
    configured.check("POST", path, {"name": ""})
    configured.check("POST", path, {"name": "Y"}, role="user")


def test_team_routes(configured):
    team = "/data/projects/{project}/team"
    configured.check("POST", team, {"person_id": "{person:outsider}", "role": "supervisor"})
    configured.check("PUT", team + "/{person:outsider}", {"role": None})
    configured.check("POST", team, {"person_id": "{person:outsider}", "role": "admin"})
    configured.check("POST", team, {})
    configured.check("POST", team, {"person_id": "{person:outsider}"}, role="supervisor")
    configured.check("DELETE", team + "/{person:outsider}")


def test_settings_routes(configured):
    settings = "/data/projects/{project}/settings"
    configured.check("POST", f"{settings}/task-types", {"task_type_id": "bad"})
    configured.check(
        "POST", f"{settings}/task-status", {"task_status_id": "{status:wip}"}, role="user"
    )
    configured.check("DELETE", f"{settings}/task-status/{{status:todo}}")
    configured.check("DELETE", f"{settings}/asset-types/{{entity-type:Character}}")
    configured.check("DELETE", f"{settings}/task-types/{{task-type:Modeling/Asset}}")


def test_temp_playlist(configured):
    temp = "/data/projects/{project}/playlists/temp"
    configured.check("POST", temp, {"task_ids": ["{task:SH010-Animation}", "{task:Bob-Modeling}"]})
    configured.check("POST", temp, {"task_ids": []})
    configured.check("POST", temp, {"task_ids": ["{task:Bob-Modeling}"]}, role="vendor")
