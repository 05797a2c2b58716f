"""``PUT /actions/tasks/{id}/to-review``: the task goes to the "To review" status (Zou's
TO_REVIEW_TASK_STATUS, short name ``pndng``, created when missing) and the answer says where
its preview file belongs in the project's file tree.

Zou 0.20 served this route (the API reference documents it); Zou 1.0.97 dropped it. kitsu-local
serves it as that Zou did: the task with its project, entity, entity type, person, comment and
``preview_path``, and the ``task:to-review`` event.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from .. import events, rows
from ..bodies import Body
from ..context import Ctx
from ..errors import ApiError
from ..models import Entity, EntityType, Person, Project, Task, TaskStatus
from ..permissions import require_task_access
from .crud import serialize_plain
from .file_trees import MalformedFileTree
from .persons import person_dict
from .spec import spec_for_table
from .working_files import PATH_SOFTWARE, software_or_default, task_file_paths

TO_REVIEW_STATUS = ("To review", "pndng")


class ToReviewBody(Body):
    """Zou's ToReviewSchema."""

    person_id: str | None = None
    comment: str | None = ""
    name: str | None = "main"
    revision: int = Field(1, ge=0)
    change_status: bool | None = True


async def task_to_review(ctx: Ctx, task_id: str, body: ToReviewBody) -> dict[str, Any]:
    task = await rows.fetch_or_404(ctx.conn, Task, task_id)
    await require_task_access(ctx, task)
    person = ctx.me.person
    if body.person_id is not None:
        found = await rows.fetch_one(ctx.conn, Person, rows.check_id(body.person_id))
        if found is None:
            raise ApiError(400, {"error": True, "message": "Cannot find given person."})
        person = found
    name = body.name or "main"
    software = await software_or_default(ctx, None, PATH_SOFTWARE)
    try:
        folder, file = await task_file_paths(ctx, task, "preview", name, software, body.revision)
        preview_path = {"folder_path": folder, "file_name": file}
    except MalformedFileTree:  # no template for preview files
        preview_path = {"folder_path": "", "file_name": ""}
    before = task
    if body.change_status is not False:
        status = await _to_review_status(ctx)
        task = await rows.update_row(ctx.conn, Task, task["id"], {"task_status_id": status["id"]})
    project = await rows.fetch_one(ctx.conn, Project, task["project_id"])
    entity = await rows.fetch_one(ctx.conn, Entity, task["entity_id"])
    entity_type = await rows.fetch_one(ctx.conn, EntityType, entity["entity_type_id"])
    await events.emit(
        ctx,
        "task:to-review",
        {
            "task_id": task["id"],
            "task_shotgun_id": before["shotgun_id"],
            "entity_type_name": entity_type["name"],
            "previous_task_status_id": before["task_status_id"],
            "entity_shotgun_id": entity["shotgun_id"],
            "project_shotgun_id": project["shotgun_id"],
            "person_shotgun_id": person["shotgun_id"],
            "comment": body.comment,
            "preview_path": preview_path,
            "change_status": body.change_status,
        },
        task["project_id"],
    )
    item = serialize_plain(spec_for_table("task"), [task])[0]
    item["project"] = serialize_plain(spec_for_table("project"), [project])[0]
    item["entity"] = serialize_plain(spec_for_table("entity"), [entity])[0]
    item["entity_type"] = serialize_plain(spec_for_table("entity_type"), [entity_type])[0]
    item["person"] = await person_dict(ctx, person)
    item["comment"] = body.comment
    item["preview_path"] = preview_path
    return item


async def _to_review_status(ctx: Ctx) -> dict[str, Any]:
    name, short_name = TO_REVIEW_STATUS
    status = await rows.first_where(ctx.conn, TaskStatus, TaskStatus.short_name == short_name)
    return status or await rows.insert_row(
        ctx.conn,
        TaskStatus,
        {"name": name, "short_name": short_name, "color": "#f5f5f5", "is_feedback_request": True},
    )
