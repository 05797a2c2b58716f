"""Working files of tasks: paths from the project file tree, revisions, creation, listings,
comment and modification date (zou-behaviour.md 3.12, Zou's ``files_service``).

A working file belongs to a task and its entity; its revision counts per (task, name). Its
binary lives in the file store as ``files/working-<id>`` (``api/working_files.py``).
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field
from sqlalchemy import and_, func, select

from .. import events, rows
from ..bodies import Body
from ..context import Ctx
from ..errors import ApiError
from ..models import (
    Entity,
    Person,
    Project,
    Software,
    Task,
    TaskPersonLink,
    TaskType,
    WorkingFile,
)  # fmt: skip
from ..permissions import require_task_access, require_task_action_access
from .crud import serialize, serialize_plain
from .file_trees import PathArgs, file_name, folder_path, subject_of
from .output_files import lookup, lookup_or_404
from .spec import Row, spec_for_table

# (name, short_name, file_extension) of the software Zou creates when none is given.
PATH_SOFTWARE = ("3ds Max", "max", ".max")
NEW_FILE_SOFTWARE = ("Blender", "blender", ".blend")
ALREADY_EXISTS = "The given working file already exists."


class WorkingFilePathBody(Body):
    """Zou's WorkingFilePathSchema (gazu sends ``separator``, which Zou ignores too)."""

    model_config = ConfigDict(extra="ignore")
    name: str = "main"
    mode: str = "working"
    software_id: str | None = None
    comment: str = ""
    revision: int = 0
    sep: str = "/"


class NewWorkingFileBody(Body):
    """Zou's NewWorkingFileSchema (``description`` is read and not stored, as Zou)."""

    model_config = ConfigDict(extra="ignore")
    name: str = Field(..., min_length=1)
    description: str = ""
    mode: str = "working"
    comment: str = ""
    person_id: str | None = None
    software_id: str | None = None
    revision: int = 0
    sep: str = "/"


class WorkingFileCommentBody(Body):
    model_config = ConfigDict(extra="ignore")
    comment: str = Field(..., min_length=1)


def present(found: list[Row]) -> list[dict[str, Any]]:
    return serialize_plain(spec_for_table("working_file"), found)


# ==== look-ups ================================================================================
async def _readable_task(ctx: Ctx, task_id: str) -> Row:
    task = await lookup_or_404(ctx, Task, task_id)
    await require_task_access(ctx, task)
    return task


async def software_or_default(
    ctx: Ctx, software_id: str | None, default: tuple[str, str, str]
) -> Row:
    """The given software (404 when unknown), else Zou's default one, created on demand."""
    if software_id:
        return await lookup_or_404(ctx, Software, software_id)
    name, short_name, extension = default
    found = await rows.first_where(ctx.conn, Software, Software.name == name)
    return found or await rows.insert_row(
        ctx.conn, Software, {"name": name, "short_name": short_name, "file_extension": extension}
    )


async def next_revision(ctx: Ctx, task_id: str, name: str) -> int:
    """The highest revision of that name + 1 (negative ones included, as Zou), 1 when none."""
    query = select(func.max(WorkingFile.revision)).where(
        WorkingFile.task_id == task_id, WorkingFile.name == name
    )
    last = (await ctx.conn.execute(query)).scalar()
    return 1 if last is None else last + 1


async def task_file_paths(
    ctx: Ctx, task: Row, mode: str, name: str, software: Row, revision: int, sep: str = "/"
) -> tuple[str, str]:
    """(folder, file name) of the task's entity in the tree's ``mode``. Raises
    MalformedFileTree."""
    entity = await lookup_or_404(ctx, Entity, task["entity_id"])
    project = await rows.fetch_or_404(ctx.conn, Project, task["project_id"])
    subject = await subject_of(ctx, project, entity)
    task_type = await rows.fetch_one(ctx.conn, TaskType, task["task_type_id"])
    args = PathArgs(
        mode=mode, name=name, sep=sep, task_type=task_type, software=software, task=task
    )  # fmt: skip
    folder = await folder_path(ctx, subject, args, revision)
    return folder, await file_name(ctx, subject, args, revision)


# ==== routes ==================================================================================
async def working_file_path(ctx: Ctx, task_id: str, body: WorkingFilePathBody) -> dict[str, str]:
    """POST /data/tasks/{id}/working-file-path: ``{path, name}``, the next revision when 0 is
    given. Raises MalformedFileTree."""
    task = await _readable_task(ctx, task_id)
    software = await software_or_default(ctx, body.software_id, PATH_SOFTWARE)
    revision = body.revision or await next_revision(ctx, task["id"], body.name)
    folder, name = await task_file_paths(
        ctx, task, body.mode, body.name, software, revision, body.sep
    )
    return {"path": folder, "name": name}


async def _assign_to_me(ctx: Ctx, task: Row) -> None:
    """Zou's assign_task: the caller joins the assignees; both events, even when already in."""
    linked = await rows.first_where(
        ctx.conn, TaskPersonLink,
        TaskPersonLink.task_id == task["id"], TaskPersonLink.person_id == ctx.me.id,
    )  # fmt: skip
    if linked is None:
        await ctx.conn.execute(
            TaskPersonLink.__table__.insert().values(task_id=task["id"], person_id=ctx.me.id)
        )
    await rows.update_row(ctx.conn, Task, task["id"], {})
    payload = {"task_id": task["id"], "person_id": ctx.me.id}
    await events.emit(ctx, "task:assign", payload, task["project_id"])
    await events.emit(ctx, "task:update", {"task_id": task["id"]}, task["project_id"])


async def new_working_file(
    ctx: Ctx, task_id: str, body: NewWorkingFileBody
) -> tuple[dict[str, Any], int]:
    """POST /data/tasks/{id}/working-files/new: 201 the new revision; the caller is assigned
    to the task first (kept when the revision is taken, as Zou). Raises MalformedFileTree."""
    task = await _readable_task(ctx, task_id)
    software = await software_or_default(ctx, body.software_id, NEW_FILE_SOFTWARE)
    await _assign_to_me(ctx, task)
    revision = body.revision or await next_revision(ctx, task["id"], body.name)
    folder, name = await task_file_paths(ctx, task, body.mode, body.name, software, revision)
    person = await lookup(ctx, Person, body.person_id) if body.person_id else ctx.me.person
    taken = await rows.first_where(
        ctx.conn, WorkingFile, WorkingFile.task_id == task["id"],
        WorkingFile.entity_id == task["entity_id"], WorkingFile.name == body.name,
        WorkingFile.revision == revision,
    )  # fmt: skip
    # An unknown author is an integrity error in Zou, answered as a taken revision.
    if taken is not None or person is None:
        return {"error": ALREADY_EXISTS}, 400
    row = await rows.insert_row(
        ctx.conn,
        WorkingFile,
        {
            "name": body.name, "comment": body.comment, "revision": revision,
            "path": f"{folder}{body.sep}{name}", "task_id": task["id"],
            "entity_id": task["entity_id"], "software_id": software["id"],
            "person_id": person["id"],
        },
    )  # fmt: skip
    await events.emit(ctx, "working-file:new", {"working_file_id": row["id"]}, task["project_id"])
    return present([row])[0], 201


async def task_working_files(ctx: Ctx, task_id: str) -> list[dict[str, Any]]:
    """GET /data/tasks/{id}/working-files: revisions >= 0, highest first."""
    task = await _readable_task(ctx, task_id)
    found = await rows.fetch_where(
        ctx.conn, WorkingFile, WorkingFile.task_id == task["id"], WorkingFile.revision >= 0,
        order_by=[WorkingFile.revision.desc(), WorkingFile.name],
    )  # fmt: skip
    return present(found)


async def last_working_files(ctx: Ctx, task_id: str) -> dict[str, dict[str, Any]]:
    """GET /data/tasks/{id}/working-files/last-revisions: ``{name: highest revision}``, one
    query."""
    task = await _readable_task(ctx, task_id)
    latest = (
        select(WorkingFile.name, func.max(WorkingFile.revision).label("top"))
        .where(WorkingFile.task_id == task["id"])
        .group_by(WorkingFile.name)
        .subquery()
    )
    query = (
        select(WorkingFile)
        .join(
            latest,
            and_(WorkingFile.name == latest.c.name, WorkingFile.revision == latest.c.top),
        )
        .where(WorkingFile.task_id == task["id"])
        .order_by(WorkingFile.name)
    )
    found = [dict(row) for row in (await ctx.conn.execute(query)).mappings()]
    by_name: dict[str, dict[str, Any]] = {}
    for item in present(found):
        by_name.setdefault(item["name"], item)
    return by_name


async def _working_file_and_task(ctx: Ctx, working_file_id: str) -> tuple[Row, Row]:
    working_file = await lookup_or_404(ctx, WorkingFile, working_file_id)
    task = await rows.fetch_one(ctx.conn, Task, working_file["task_id"] or "")
    if task is None:
        raise ApiError(404, {"error": True, "message": "Task not found."})
    return working_file, task


async def readable_working_file(ctx: Ctx, working_file_id: str) -> Row:
    """The working file whose binary is read or written (task access)."""
    working_file, task = await _working_file_and_task(ctx, working_file_id)
    await require_task_access(ctx, task)
    return working_file


async def with_outputs(ctx: Ctx, working_file: Row) -> dict[str, Any]:
    """The working file with its ``outputs`` (ids of the output files made from it)."""
    return (await serialize(ctx, spec_for_table("working_file"), [working_file], True))[0]


async def _update(ctx: Ctx, working_file_id: str, values: dict[str, Any]) -> dict[str, Any]:
    """Task action access; ``updated_at`` refreshed; no event, as Zou."""
    working_file, task = await _working_file_and_task(ctx, working_file_id)
    await require_task_action_access(ctx, task)
    row = await rows.update_row(ctx.conn, WorkingFile, working_file["id"], values)
    return present([row])[0]


async def update_comment(ctx: Ctx, working_file_id: str, comment: str) -> dict[str, Any]:
    return await _update(ctx, working_file_id, {"comment": comment})


async def touch(ctx: Ctx, working_file_id: str) -> dict[str, Any]:
    return await _update(ctx, working_file_id, {})
