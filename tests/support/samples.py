"""A valid new row for every generic CRUD route, built on the studio fixture, with the field a
test may update and the value to set."""

from __future__ import annotations

import datetime
import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .studio import Studio


def tag() -> str:
    return uuid.uuid4().hex[:8]


# Values under a unique constraint come from one counter, never from chance: samples share
# rows (one person, one task) across a whole session, so two random picks may collide.
_serial = itertools.count(1)


def serial() -> int:
    return next(_serial)


def serial_date(base_year: int) -> str:
    return (datetime.date(base_year, 1, 1) + datetime.timedelta(days=serial())).isoformat()


@dataclass(frozen=True)
class Sample:
    route: str
    family: str
    body: Callable[[Studio], dict[str, Any]]
    update: tuple[str, Any]  # a field and a new value for PUT
    wire_type: str
    # What must change before the row may be deleted (a project must be closed first).
    before_delete: Callable[[Studio, dict[str, Any]], None] | None = None


def close_project(s: Studio, project: dict[str, Any]) -> None:
    closed = s.admin.ok("GET", "/data/project-status?name=Closed")[0]
    s.admin.ok("PUT", f"/data/projects/{project['id']}", json={"project_status_id": closed["id"]})


def _person(s: Studio) -> dict[str, Any]:
    t = tag()
    return {"first_name": "Sam", "last_name": f"Ple {t}", "email": f"sample-{t}@example.com"}


def _day_off(s: Studio) -> dict[str, Any]:
    day = serial_date(2030)  # far from the time spents' dates: a day off deletes them
    return {"person_id": s.people["user"]["id"], "date": day, "end_date": day}


def _entity(s: Studio) -> dict[str, Any]:
    return {
        "name": f"Asset {tag()}",
        "project_id": s.project["id"],
        "entity_type_id": s.types["Prop"],
    }


def _task(s: Studio) -> dict[str, Any]:
    entity = s.admin.create("entities", **_entity(s))
    return {
        "project_id": s.project["id"],
        "entity_id": entity["id"],
        "task_type_id": s.task_types["Shading/Asset"]["id"],
        "task_status_id": s.statuses["todo"]["id"],
    }


def _comment(s: Studio) -> dict[str, Any]:
    return {
        "object_id": s.asset_task["id"],
        "object_type": "Task",
        "person_id": s.people["admin"]["id"],
        "task_status_id": s.statuses["todo"]["id"],
        "text": f"comment {tag()}",
    }


def _preview(s: Studio) -> dict[str, Any]:
    return {"name": tag(), "task_id": s.asset_task["id"], "revision": serial() + 10}


def _schedule_version(s: Studio) -> dict[str, Any]:
    return {"name": f"Version {tag()}", "project_id": s.project["id"]}


def _version_task_link(s: Studio) -> dict[str, Any]:
    version = s.admin.create("production-schedule-versions", **_schedule_version(s))
    task = s.admin.create("tasks", **_task(s))
    return {"production_schedule_version_id": version["id"], "task_id": task["id"]}


def _budget_entry(s: Studio) -> dict[str, Any]:
    budget = s.admin.create("budgets", project_id=s.project["id"], name=f"Budget {tag()}")
    department = s.admin.ok("GET", "/data/departments")[0]
    return {
        "budget_id": budget["id"],
        "department_id": department["id"],
        "start_date": "2030-01-01",
        "months_duration": 3,
        "daily_salary": 300.0,
    }


def _chat_message(s: Studio) -> dict[str, Any]:
    chat = s.admin.create("chats", object_id=s.asset["id"], object_type="entity")
    return {"chat_id": chat["id"], "person_id": s.people["admin"]["id"], "text": "hello"}


def _output_file(s: Studio) -> dict[str, Any]:
    status = s.admin.create("file-status", name=f"Status {tag()}", color="#123456")
    return {
        "name": f"out {tag()}",
        "revision": 1,
        "file_status_id": status["id"],
        "entity_id": s.asset["id"],
    }


SAMPLES: tuple[Sample, ...] = (
    # reference tables
    Sample("studios", "reference", lambda s: {"name": f"Studio {tag()}", "color": "#112233"}, ("color", "#445566"), "Studio"),
    Sample("departments", "reference", lambda s: {"name": f"Dept {tag()}", "color": "#112233"}, ("archived", True), "Department"),
    Sample("hardware-items", "reference", lambda s: {"name": f"HW {tag()}", "short_name": "hw"}, ("monthly_cost", 12), "HardwareItem"),
    Sample("softwares", "reference", lambda s: {"name": f"Soft {tag()}", "short_name": "sf", "file_extension": "blend"}, ("version", "4.2"), "Software"),
    Sample("project-status", "reference", lambda s: {"name": f"PS {tag()}", "color": "#000000"}, ("color", "#ffffff"), "ProjectStatus"),
    Sample("task-status", "reference", lambda s: {"name": f"TS {tag()}", "short_name": tag(), "color": "#abcdef"}, ("priority", 5), "TaskStatus"),
    Sample("task-types", "reference", lambda s: {"name": f"TT {tag()}", "for_entity": "Shot"}, ("color", "#101010"), "TaskType"),
    Sample("entity-types", "reference", lambda s: {"name": f"AT {tag()}"}, ("short_name", "at"), "EntityType"),
    Sample("file-status", "reference", lambda s: {"name": f"FS {tag()}", "color": "#222222"}, ("color", "#333333"), "FileStatus"),
    Sample("output-types", "reference", lambda s: {"name": f"OT {tag()}", "short_name": "ot"}, ("short_name", "ot2"), "OutputType"),
    Sample("custom-actions", "reference", lambda s: {"name": f"CA {tag()}", "url": "http://example.com"}, ("is_ajax", True), "CustomAction"),
    Sample("status-automations", "reference", lambda s: {"entity_type": "asset", "out_field_type": "status"}, ("archived", True), "StatusAutomation"),
    Sample("preview-background-files", "reference", lambda s: {"name": f"BG {tag()}"}, ("archived", True), "PreviewBackgroundFile"),
    Sample("plugins", "reference", lambda s: {"plugin_id": tag(), "name": "Plugin", "version": "1", "maintainer_name": "Me", "license": "MIT"}, ("version", "2"), "Plugin"),
    # people
    Sample("persons", "people", _person, ("phone", "0123"), "Person"),
    Sample("day-offs", "people", _day_off, ("description", "holiday"), "DayOff"),
    # projects
    Sample("projects", "projects", lambda s: {"name": f"Proj {tag()}"}, ("fps", "24"), "Project", lambda s, row: close_project(s, row)),
    Sample("project-templates", "projects", lambda s: {"name": f"Template {tag()}"}, ("fps", "24"), "ProjectTemplate"),
    Sample("metadata-descriptors", "projects", lambda s: {"project_id": s.project["id"], "entity_type": "Asset", "name": f"Meta {tag()}", "data_type": "string"}, ("for_client", True), "MetadataDescriptor"),
    Sample("milestones", "projects", lambda s: {"project_id": s.project["id"], "name": f"M {tag()}", "date": "2030-05-01"}, ("date", "2030-06-01"), "Milestone"),
    Sample("schedule-items", "projects", lambda s: {"project_id": s.project["id"], "task_type_id": s.admin.create("task-types", name=f"TT {tag()}")["id"]}, ("man_days", 3), "ScheduleItem"),
    Sample("production-schedule-versions", "projects", _schedule_version, ("locked", True), "ProductionScheduleVersion"),
    Sample("production-schedule-version-task-links", "projects", _version_task_link, ("estimation", 2.5), "ProductionScheduleVersionTaskLink"),
    Sample("budgets", "projects", lambda s: {"project_id": s.project["id"], "name": f"Budget {tag()}"}, ("currency", "EUR"), "Budget"),
    Sample("budget-entries", "projects", _budget_entry, ("months_duration", 6), "BudgetEntry"),
    Sample("salary-scales", "projects", lambda s: {}, ("salary", 250), "SalaryScale"),
    # breakdown
    Sample("entities", "breakdown", _entity, ("description", "a prop"), "Asset"),
    Sample("entity-links", "breakdown", lambda s: {"entity_in_id": s.shot["id"], "entity_out_id": s.admin.create("entities", **_entity(s))["id"]}, ("nb_occurences", 2), "EntityLink"),
    Sample("asset-instances", "breakdown", lambda s: {"asset_id": s.asset["id"], "name": f"inst {tag()}", "number": serial()}, ("description", "instance"), "AssetInstance"),
    # tasks and reviews
    Sample("tasks", "tasks", _task, ("priority", 2), "Task"),
    Sample("time-spents", "tasks", lambda s: {"task_id": s.asset_task["id"], "person_id": s.people["user"]["id"], "duration": 60, "date": serial_date(2045)}, ("duration", 120), "TimeSpent"),
    Sample("comments", "tasks", _comment, ("text", "edited"), "Comment"),
    Sample("attachment-files", "tasks", lambda s: {"name": f"file {tag()}.txt", "extension": "txt"}, ("size", 12), "AttachmentFile"),
    Sample("preview-files", "tasks", _preview, ("validation_status", "validated"), "PreviewFile"),
    Sample("subscriptions", "tasks", lambda s: {"person_id": s.people["admin"]["id"], "task_id": s.admin.create("tasks", **_task(s))["id"]}, ("entity_id", None), "Subscription"),
    Sample("notifications", "tasks", lambda s: {"person_id": s.people["user"]["id"], "author_id": s.people["admin"]["id"], "type": "comment", "task_id": s.asset_task["id"]}, ("read", True), "Notification"),
    Sample("news", "tasks", lambda s: {"author_id": s.people["admin"]["id"], "task_id": s.asset_task["id"]}, ("change", True), "News"),
    # files
    Sample("working-files", "files", lambda s: {"name": f"wf {tag()}", "revision": 1, "task_id": s.asset_task["id"], "entity_id": s.asset["id"]}, ("comment", "v2"), "WorkingFile"),
    Sample("output-files", "files", _output_file, ("comment", "out"), "OutputFile"),
    # playlists and chats
    Sample("playlists", "playlists", lambda s: {"name": f"PL {tag()}", "project_id": s.project["id"]}, ("for_client", True), "Playlist"),
    Sample("chats", "playlists", lambda s: {"object_id": s.asset["id"], "object_type": "entity"}, ("object_type", "entity"), "Chat"),
    Sample("chat-messages", "playlists", _chat_message, ("text", "edited"), "ChatMessage"),
    # searches and system
    Sample("search-filters", "system", lambda s: {"list_type": "asset", "name": f"F {tag()}", "search_query": "bob", "person_id": s.people["admin"]["id"]}, ("search_query", "alice"), "SearchFilter"),
    Sample("search-filter-groups", "system", lambda s: {"list_type": "asset", "name": f"G {tag()}", "color": "#123456", "person_id": s.people["admin"]["id"]}, ("color", "#654321"), "SearchFilterGroup"),
    Sample("events", "system", lambda s: {"name": "test:event", "data": {"x": 1}}, ("name", "test:edited"), "ApiEvent"),
    Sample("organisations", "reference", lambda s: {"name": f"Org {tag()}"}, ("hours_by_day", 7.5), "Organisation"),
)  # fmt: skip

SAMPLES_BY_ROUTE = {sample.route: sample for sample in SAMPLES}
