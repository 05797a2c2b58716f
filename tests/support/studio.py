"""A small studio built through the API: a project with a person of every role in its team,
another project none of them is in, assets, a sequence with a shot, and tasks."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from .api import Api

ROLES = ("admin", "manager", "supervisor", "user", "client", "vendor")
PASSWORD = "password-123"


@dataclass
class Studio:
    admin: Api
    project: dict[str, Any]
    other_project: dict[str, Any]
    people: dict[str, dict[str, Any]] = field(default_factory=dict)
    clients: dict[str, Api] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)  # entity type name -> id
    task_types: dict[str, dict[str, Any]] = field(default_factory=dict)
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)  # short name -> status
    asset: dict[str, Any] = field(default_factory=dict)
    other_asset: dict[str, Any] = field(default_factory=dict)
    sequence: dict[str, Any] = field(default_factory=dict)
    shot: dict[str, Any] = field(default_factory=dict)
    asset_task: dict[str, Any] = field(default_factory=dict)  # assigned to the artist and vendor
    shot_task: dict[str, Any] = field(default_factory=dict)  # assigned to nobody

    def as_role(self, role: str) -> Api:
        return self.clients[role]

    def task_elsewhere(self, task_type: str = "Modeling/Asset", **values: Any) -> dict[str, Any]:
        """A task on a new asset of ``other_project`` (no team member is in it): each call makes
        its own asset, so tests sharing the session's studio never collide on Zou's one task
        per entity and type."""
        asset = self.admin.create(
            "entities", name=unique("Elsewhere"), project_id=self.other_project["id"],
            entity_type_id=self.types["Prop"],
        )  # fmt: skip
        return self.admin.create(
            "tasks", project_id=self.other_project["id"], entity_id=asset["id"],
            task_type_id=self.task_types[task_type]["id"], **values,
        )  # fmt: skip


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def build_studio(admin: Api) -> Studio:
    tag = uuid.uuid4().hex[:6]
    people = {}
    for role in ROLES:
        people[role] = admin.create(
            "persons",
            first_name=role.capitalize(),
            last_name=f"Tester {tag}",
            email=f"{role}-{tag}@example.com",
            password=PASSWORD,
            role=role,
        )
    team = [person["id"] for person in people.values() if person["role"] != "admin"]
    project = admin.create("projects", name=unique("Project"), team=team)
    other_project = admin.create("projects", name=unique("Other"))
    studio = Studio(admin=admin, project=project, other_project=other_project, people=people)
    for role, person in people.items():
        client = admin.as_token(None)
        client.login(person["email"], PASSWORD)
        studio.clients[role] = client
    studio.types = {item["name"]: item["id"] for item in admin.ok("GET", "/data/entity-types")}
    for task_type in admin.ok("GET", "/data/task-types"):
        studio.task_types.setdefault(f"{task_type['name']}/{task_type['for_entity']}", task_type)
    studio.statuses = {item["short_name"]: item for item in admin.ok("GET", "/data/task-status")}
    entity = lambda **values: admin.create("entities", **values)  # noqa: E731
    studio.asset = entity(
        name=unique("Bob"), project_id=project["id"], entity_type_id=studio.types["Character"]
    )
    studio.other_asset = entity(
        name=unique("Prop"), project_id=other_project["id"], entity_type_id=studio.types["Prop"]
    )
    studio.sequence = entity(
        name=unique("SQ"), project_id=project["id"], entity_type_id=studio.types["Sequence"]
    )
    studio.shot = entity(
        name=unique("SH"),
        project_id=project["id"],
        entity_type_id=studio.types["Shot"],
        parent_id=studio.sequence["id"],
        data={"frame_in": 1, "frame_out": 48},
    )
    todo = studio.statuses["todo"]["id"]
    studio.asset_task = admin.create(
        "tasks",
        project_id=project["id"],
        entity_id=studio.asset["id"],
        task_type_id=studio.task_types["Modeling/Asset"]["id"],
        task_status_id=todo,
        assignees=[people["user"]["id"], people["vendor"]["id"]],
    )
    studio.shot_task = admin.create(
        "tasks",
        project_id=project["id"],
        entity_id=studio.shot["id"],
        task_type_id=studio.task_types["Animation/Shot"]["id"],
        task_status_id=todo,
    )
    return studio


def small_studio(admin: Api) -> dict:
    """A project, an asset and a task to attach previews to; ``status`` is "waiting for
    approval", the status a review comment gets."""
    project = admin.create("projects", name=unique("Small"))
    types = {item["name"]: item["id"] for item in admin.ok("GET", "/data/entity-types")}
    asset = admin.create(
        "entities", name="Bob", project_id=project["id"], entity_type_id=types["Character"]
    )
    modeling = admin.ok("GET", "/data/task-types?name=Modeling")[0]
    statuses = {item["short_name"]: item["id"] for item in admin.ok("GET", "/data/task-status")}
    task = admin.create(
        "tasks",
        project_id=project["id"],
        entity_id=asset["id"],
        task_type_id=modeling["id"],
        task_status_id=statuses["todo"],
    )
    return {"task": task, "status": statuses["wfa"]}
