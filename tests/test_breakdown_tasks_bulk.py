"""The bulk routes of the breakdown's tasks run a constant number of SQL statements whatever the
number of rows: counted on a server started with ``count_queries`` (the ``X-Query-Count`` debug
header), for a production of 10 shots and one of 500."""

from __future__ import annotations

from typing import Any

from .support.api import Api
from .support.server import ADMIN_EMAIL, ADMIN_PASSWORD
from .support.studio import unique


def _statements(api: Api, method: str, path: str, **kwargs: Any) -> int:
    # The caller's identity is cached for a few seconds: read it just before, so that the
    # count is the route's own, whatever the time the previous requests took.
    api.ok("GET", "/auth/authenticated")
    response = api.request(method, path, **kwargs)
    assert response.status_code < 300, response.text
    return int(response.headers["X-Query-Count"])


def _production(api: Api, size: int) -> dict[str, Any]:
    """A project with one episode, one sequence and ``size`` shots, each with a task."""
    types = {item["name"]: item["id"] for item in api.ok("GET", "/data/entity-types")}
    for kind in ("Episode", "Sequence", "Shot"):
        if kind not in types:
            types[kind] = api.create("entity-types", name=kind)["id"]
    project = api.create("projects", name=unique("Bulk"), production_type="tvshow")
    episode = api.create(
        "entities", name="E1", project_id=project["id"], entity_type_id=types["Episode"]
    )
    sequence = api.create(
        "entities", name="SQ", project_id=project["id"], entity_type_id=types["Sequence"],
        parent_id=episode["id"],
    )  # fmt: skip
    for index in range(size):
        api.create(
            "entities", name=f"SH{index:04}", project_id=project["id"],
            entity_type_id=types["Shot"], parent_id=sequence["id"],
        )  # fmt: skip
    return {"project": project, "episode": episode, "sequence": sequence}


def _counts(api: Api, production: dict[str, Any]) -> dict[str, int]:
    project_id = production["project"]["id"]
    task_types = api.ok("GET", "/data/task-types?for_entity=Shot")
    first, second = task_types[0]["id"], task_types[1]["id"]
    base = f"/actions/projects/{project_id}/task-types"
    counts = {"create": _statements(api, "POST", f"{base}/{first}/shots/create-tasks")}
    tasks = api.ok("GET", f"/data/projects/{project_id}/tasks")
    counts["create-by-ids"] = _statements(
        api, "POST", f"{base}/{second}/create-tasks/shot", json=[t["entity_id"] for t in tasks]
    )
    wip = api.ok("GET", "/data/task-status?short_name=wip")[0]["id"]
    body = [{"object_id": t["id"], "task_status_id": wip, "comment": f"note @Nobody {i}"}
            for i, t in enumerate(tasks)]  # fmt: skip
    counts["comment-many"] = _statements(
        api, "POST", f"/actions/projects/{project_id}/tasks/comment-many", json=body
    )
    for path in (
        f"/data/shots/with-tasks?project_id={project_id}",
        f"/data/sequences/with-tasks?project_id={project_id}",
        f"/data/episodes/with-tasks?project_id={project_id}",
        f"/data/sequences/{production['sequence']['id']}/shot-tasks?relations=true",
        f"/data/episodes/{production['episode']['id']}/shot-tasks?relations=true",
        f"/data/projects/{project_id}/tasks",
        f"/data/projects/{project_id}/episodes/stats",
        f"/data/projects/{project_id}/episodes/retake-stats",
    ):
        name = path.split("?")[0].replace(project_id, "{p}")
        for key in ("sequence", "episode"):
            name = name.replace(production[key]["id"], "{id}")
        counts[name] = _statements(api, "GET", path)
    counts["delete"] = _statements(
        api, "POST", f"/actions/projects/{project_id}/delete-tasks", json=[t["id"] for t in tasks]
    )
    counts["delete-type"] = _statements(api, "DELETE", f"{base}/{second}/delete-tasks")
    return counts


def test_bulk_routes_run_a_constant_number_of_statements(start_server):
    server = start_server(count_queries="true")
    api = Api(server.api)
    api.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    small = _counts(api, _production(api, 10))
    large = _counts(api, _production(api, 500))
    assert small == large
    assert all(count < 60 for count in small.values()), small
