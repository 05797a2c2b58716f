"""Zou's ShotGrid importers of the work (``blueprints/source/shotgun/{steps,status,person,tasks,
versions,notes}.py``): the field mappings, record by record, and their removals. The loop, the
look-ups and the answer are ``shotgun_import.py``'s.

- Step -> task type: ``code`` -> name, its first word -> a department of that name (created
  with the step's colour), ``short_name``, ``color`` (``"r,g,b"`` -> ``#rrggbb``),
  ``entity_type`` -> ``for_entity`` (``Asset`` when absent). Found by ShotGrid id, else by
  name and ``for_entity`` whatever the case (it keeps its name then).
- Status -> task status: ``name``, ``code`` -> short name, ``bg_color``; found by ShotGrid id,
  else by short name.
- HumanUser -> person: ``firstname``, ``lastname``, ``email``, ``login`` -> desktop login,
  ``sg_status_list`` ``act`` -> active, ``permission_rule_set.name`` Manager / Admin -> role,
  ``department`` -> the only department (created when missing, ``department:new``). Found by
  ShotGrid id, else by e-mail; a found person is not updated (Zou only sets the department).
  ``changeme@email.com`` is skipped. An active new person counts against the user limit.
- Task: ``cached_display_name`` -> name, ``entity`` (Asset, Shot, Scene, Sequence, Episode)
  by ShotGrid id, ``step`` -> task type, ``sg_status_list`` -> status by short name,
  ``task_assignees`` (each must be imported: a task with an unknown one is skipped),
  ``created_by`` -> assigner, ``start_date``, ``due_date``, ``duration``, ``sg_sort_order``.
  Tasks without ``step`` or ``project`` are left out. Found by ShotGrid id, else by name,
  project, task type and entity.
- Version -> preview file (no file: ``source`` ``Shotgun``, ``uploaded_movie_url`` and
  ``_name`` from ``sg_uploaded_movie``): ``code``, ``description``, ``user``, ``sg_task``
  (versions without one are left out). Found by ShotGrid id, else by name and task.
- Note -> comment on the note's first task (notes whose task is not imported are left out):
  ``content`` -> text, ``user`` -> author, ``created_at``. Deliberate difference: the comment
  takes the task's current status (Zou leaves it null, and its comment lists, which join the
  status, never show an imported note).
"""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import func

from .. import events, rows
from ..context import Ctx
from ..errors import WrongParameter
from ..models import Department, DepartmentLink, Person, Task, TaskPersonLink, TaskType
from . import cascade
from .persons import is_user_limit_reached, normalize_email
from .shotgun_import import (
    ASSET_KIND,
    Importer,
    Record,
    Removal,
    Skipped,
    State,
    by_shotgun_id,
    column_values,
    id_map,
    rgb_to_hex,
    save_row,
    sg_id,
    table_of,
    typed_entity_id,
)
from .spec import Row

NOT_A_PERSON = "changeme@email.com"
USER_LIMIT_MESSAGE = "User limit reached."
ENTITY_KINDS = (ASSET_KIND, "Shot", "Scene", "Sequence", "Episode")


# ==== steps ==================================================================================
async def extract_step(ctx: Ctx, state: State, record: Record) -> dict[str, Any]:
    return {
        "name": record["code"],
        "short_name": record.get("short_name", ""),
        "shotgun_id": sg_id(record),
        "color": rgb_to_hex(record.get("color", "0,0,0")),
        "department_name": record["code"].split(" ")[0],
        "for_entity": record.get("entity_type", "Asset"),
    }


async def save_step(ctx: Ctx, state: State, data: dict[str, Any]) -> Row:
    department_name = data.pop("department_name")
    department = await rows.first_where(ctx.conn, Department, Department.name == department_name)
    if department is None:
        department = await rows.insert_row(
            ctx.conn, Department, column_values("department", {
                "name": department_name, "color": data["color"],
            }),
        )  # fmt: skip
    data["department_id"] = department["id"]
    task_type = await by_shotgun_id(ctx, "task_type", data["shotgun_id"])
    matched_by_name = False
    if task_type is None:
        task_type = await _task_type_like(ctx, data["name"], data["for_entity"])
        matched_by_name = task_type is not None
    if task_type is not None:
        if await _task_type_like(ctx, data["name"], data["for_entity"], department["id"]):
            for key in ("name", "for_entity", "department_id"):
                data.pop(key)
        elif matched_by_name:
            data.pop("name")  # a task type matched in another case keeps its name
    return await save_row(ctx, "task_type", task_type, data)


async def _task_type_like(
    ctx: Ctx, name: Any, for_entity: Any, department_id: str | None = None
) -> Row | None:
    """Zou's ``TaskType.get_by_case_insensitive``: string columns compared lower-cased."""
    conditions = [
        func.lower(TaskType.name) == func.lower(name),
        func.lower(TaskType.for_entity) == func.lower(for_entity),
    ]
    if department_id is not None:
        conditions.append(TaskType.department_id == department_id)
    return await rows.first_where(ctx.conn, TaskType, *conditions)


# ==== statuses ===============================================================================
async def extract_status(ctx: Ctx, state: State, record: Record) -> dict[str, Any]:
    color = record.get("bg_color", "0,0,0")
    return {
        "name": record["name"],
        "short_name": record["code"],
        "shotgun_id": sg_id(record),
        "color": rgb_to_hex("0,0,0" if color is None else color),
    }


async def save_status(ctx: Ctx, state: State, data: dict[str, Any]) -> Row:
    status = await by_shotgun_id(ctx, "task_status", data["shotgun_id"])
    if status is None:
        table = table_of("task_status")
        status = await rows.first_where(ctx.conn, table, table.c.short_name == data["short_name"])
    return await save_row(ctx, "task_status", status, data)


# ==== persons ================================================================================
async def extract_person(ctx: Ctx, state: State, record: Record) -> dict[str, Any]:
    group = (record.get("permission_rule_set", {}) or {}).get("name", "")
    role = {"Manager": "manager", "Admin": "admin"}.get(group, "user")
    department = record.get("department")
    department_id = None
    if department is not None:
        department_id = await _get_or_create_department(ctx, department["name"])
    return {
        "first_name": record["firstname"],
        "last_name": record["lastname"],
        "email": record["email"],
        "shotgun_id": sg_id(record),
        "desktop_login": record["login"],
        "active": record.get("sg_status_list", "act") == "act",
        "role": role,
        "department_id": department_id,
    }


async def save_person(ctx: Ctx, state: State, data: dict[str, Any]) -> Row:
    department_id = data.pop("department_id")
    if data["email"] == NOT_A_PERSON:
        raise Skipped("This entry is not a real person.")
    person = await by_shotgun_id(ctx, "person", data["shotgun_id"])
    if person is None and isinstance(data["email"], str):
        person = await rows.first_where(
            ctx.conn, Person, Person.email == normalize_email(data["email"]),
            Person.is_bot.is_(False),
        )  # fmt: skip
    if person is None:
        if data["active"] and await is_user_limit_reached(ctx):
            raise WrongParameter(USER_LIMIT_MESSAGE)
        values = column_values("person", data)
        values["email"] = normalize_email(values["email"])
        values.update(timezone=ctx.settings.default_timezone, locale=ctx.settings.default_locale)
        person = await rows.insert_row(ctx.conn, Person, values)
    if department_id is not None:
        links = DepartmentLink.__table__
        await rows.replace_links(
            ctx.conn, links, "person_id", "department_id", person["id"], [department_id]
        )
    return person


async def _get_or_create_department(ctx: Ctx, name: Any) -> str:
    """Zou's ``departments_service.get_or_create_department`` (``department:new``)."""
    department = await rows.first_where(ctx.conn, Department, Department.name == name)
    if department is None:
        department = await rows.insert_row(
            ctx.conn, Department, column_values("department", {"name": name, "color": "#000000"})
        )
        await events.emit(ctx, "department:new", {"department_id": department["id"]})
    return department["id"]


# ==== tasks ==================================================================================
async def prepare_tasks(ctx: Ctx, entries: list[Record]) -> State:
    return {
        "projects": await id_map(ctx, "project"),
        "persons": await id_map(ctx, "person"),
        "task_types": await id_map(ctx, "task_type"),
        "statuses": await id_map(ctx, "task_status", "short_name"),
    }


async def keep_task(ctx: Ctx, state: State, record: Record) -> bool:
    return record["step"] is not None and record["project"] is not None


async def extract_task(ctx: Ctx, state: State, record: Record) -> dict[str, Any]:
    entity = record["entity"]
    entity_id = None
    if entity is not None and entity["type"] in ENTITY_KINDS:
        entity_id = await typed_entity_id(ctx, entity["type"], entity["id"])
    persons = state["persons"]
    return {
        "name": record["cached_display_name"],
        "shotgun_id": sg_id(record),
        "start_date": record["start_date"],
        "due_date": record["due_date"],
        "sort_order": record["sg_sort_order"],
        "duration": record["duration"],
        "task_type_id": state["task_types"].get(record["step"]["id"]),
        "task_status_id": state["statuses"].get(record["sg_status_list"]),
        "project_id": state["projects"].get(record["project"]["id"]),
        "entity_id": entity_id,
        "assigner_id": persons.get(record["created_by"]["id"]),
        "assignees": [persons[person["id"]] for person in record["task_assignees"]],
    }


async def save_task(ctx: Ctx, state: State, data: dict[str, Any]) -> Row:
    assignees = data.pop("assignees")
    values = column_values("task", data)
    same = (
        Task.name == values["name"], _is(Task.project_id, values["project_id"]),
        _is(Task.task_type_id, values["task_type_id"]), _is(Task.entity_id, values["entity_id"]),
    )  # fmt: skip
    task = await by_shotgun_id(ctx, "task", values["shotgun_id"])
    if task is None:
        task = await rows.first_where(ctx.conn, Task, *same)
    elif await rows.first_where(ctx.conn, Task, *same) is not None:
        for key in ("name", "project_id", "task_type_id", "entity_id"):
            values.pop(key)
    task = await save_row(ctx, "task", task, values)
    links = TaskPersonLink.__table__
    await rows.replace_links(
        ctx.conn, links, "task_id", "person_id", task["id"], dict.fromkeys(assignees)
    )
    return task


async def remove_task(ctx: Ctx, task: Row) -> None:
    """Zou's ``deletion_service.remove_task`` without force (``task:delete``)."""
    await cascade.remove_task(ctx, task)


# ==== versions ===============================================================================
async def prepare_persons_map(ctx: Ctx, entries: list[Record]) -> State:
    return {"persons": await id_map(ctx, "person")}


async def keep_version(ctx: Ctx, state: State, record: Record) -> bool:
    return record["sg_task"] is not None


async def extract_version(ctx: Ctx, state: State, record: Record) -> dict[str, Any]:
    data = {
        "name": record["code"],
        "shotgun_id": sg_id(record),
        "description": record["description"],
        "source": "Shotgun",
    }
    if record.get("user") is not None:
        data["person_id"] = state["persons"].get(record["user"]["id"])
    task = await by_shotgun_id(ctx, "task", record["sg_task"]["id"])
    data["task_id"] = task["id"] if task is not None else None
    movie = record["sg_uploaded_movie"]
    if movie is not None:
        data["uploaded_movie_url"] = movie["url"]
        data["uploaded_movie_name"] = movie["name"]
    return data


async def save_version(ctx: Ctx, state: State, data: dict[str, Any]) -> Row:
    values = column_values("preview_file", data)
    preview = await by_shotgun_id(ctx, "preview_file", values["shotgun_id"])
    if preview is None:
        table = table_of("preview_file")
        preview = await rows.first_where(
            ctx.conn, table, table.c.name == values["name"], _is(table.c.task_id, values["task_id"])
        )
    return await save_row(ctx, "preview_file", preview, values)


# ==== notes ==================================================================================
async def keep_note(ctx: Ctx, state: State, record: Record) -> bool:
    tasks = record["tasks"]
    if len(tasks) == 0:
        return False
    return await by_shotgun_id(ctx, "task", tasks[0]["id"]) is not None


async def extract_note(ctx: Ctx, state: State, record: Record) -> dict[str, Any]:
    task = await by_shotgun_id(ctx, "task", record["tasks"][0]["id"])
    assert task is not None  # kept by keep_note
    return {
        "text": record["content"],
        "shotgun_id": sg_id(record),
        "object_id": task["id"],
        "object_type": "Task",
        "task_status_id": task["task_status_id"],
        "person_id": state["persons"].get(record["user"]["id"]),
        "created_at": datetime.datetime.strptime(record["created_at"][:19], "%Y-%m-%dT%H:%M:%S"),
    }


async def save_note(ctx: Ctx, state: State, data: dict[str, Any]) -> Row:
    comment = await by_shotgun_id(ctx, "comment", data["shotgun_id"])
    created_at = data.pop("created_at")
    values = column_values("comment", data)
    values["created_at"] = created_at
    if comment is None:
        values["checklist"] = []  # Zou's validates("checklist"): a new comment's is a list
    return await save_row(ctx, "comment", comment, values)


# ==== helpers ================================================================================
def _is(column: Any, value: Any) -> Any:
    """SQLAlchemy's ``filter_by(column=None)``: ``IS NULL`` for None."""
    return column.is_(None) if value is None else column == value


# ==== the routes' tables =====================================================================
IMPORTERS = {
    "steps": Importer("steps", "task_type", extract_step, save_step),
    "status": Importer("status", "task_status", extract_status, save_status),
    "persons": Importer("persons", "person", extract_person, save_person),
    "tasks": Importer("tasks", "task", extract_task, save_task, prepare_tasks, keep_task),
    "versions": Importer(
        "versions",
        "preview_file",
        extract_version,
        save_version,
        prepare_persons_map,
        keep_version,
    ),
    "notes": Importer("notes", "comment", extract_note, save_note, prepare_persons_map, keep_note),
}
REMOVALS = {
    "step": Removal("step", "task_type"),
    "status": Removal("status", "task_status"),
    "person": Removal("person", "person"),
    "task": Removal("task", "task", delete=remove_task),
    "version": Removal("version", "preview_file"),
    "note": Removal("note", "comment"),
}
