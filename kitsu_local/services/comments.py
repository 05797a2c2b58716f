"""Comments: mentions, the task fields derived from comment history, update and deletion rules
(zou-data-model.md 3.5, 6 "Comment update rules", 8.2, 8.3)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from .. import events, rows
from ..context import Ctx
from ..errors import PermissionDenied
from ..models import (
    AttachmentFile,
    Comment,
    CommentDepartmentMentions,
    CommentMentions,
    CommentPreviewLink,
    Department,
    Person,
    PreviewFile,
    ProjectPersonLink,
    Task,
    TaskStatus,
)  # fmt: skip
from .cascade import remove_comment
from .crud import CrudHooks
from .persons import full_name, short_form
from .spec import Row


# ==== mentions ===============================================================================
def mentioned_people(text: str, name: str) -> bool:
    return re.search(rf"@{re.escape(name)}(\s|$)", text) is not None


async def parse_mentions(
    ctx: Ctx, project_id: str | None, text: str | None
) -> tuple[list[str], list[str]]:
    """(person ids, department ids) mentioned with ``@Full Name`` / ``@Department``."""
    if not text or "@" not in text:
        return [], []
    team = await ctx.conn.execute(
        select(Person.id, Person.first_name, Person.last_name)
        .join(ProjectPersonLink, ProjectPersonLink.person_id == Person.id)
        .where(ProjectPersonLink.project_id == project_id)
    )
    persons = [
        row.id for row in team if mentioned_people(text, full_name({"first_name": row.first_name,
                                                               "last_name": row.last_name}))
    ]  # fmt: skip
    departments = [
        row.id
        for row in await ctx.conn.execute(select(Department.id, Department.name))
        if mentioned_people(text, row.name)
    ]
    return persons, departments


async def save_mentions(
    ctx: Ctx, comment: Row, project_id: str | None
) -> tuple[list[str], list[str]]:
    persons, departments = await parse_mentions(ctx, project_id, comment.get("text"))
    await rows.replace_links(
        ctx.conn, CommentMentions.__table__, "comment", "person", comment["id"], persons
    )
    await rows.replace_links(
        ctx.conn, CommentDepartmentMentions.__table__, "comment", "department", comment["id"],
        departments,
    )  # fmt: skip
    return persons, departments


# ==== task fields derived from comments ======================================================
async def reset_task_data(ctx: Ctx, task_id: str) -> tuple[Row, str | None]:
    """Recompute a task's status, dates and retake count from its comments (8.3).

    Returns the updated task and its status before the recomputation.
    """
    from .statuses import default_task_status

    task = await rows.fetch_or_404(ctx.conn, Task, task_id)
    comments = await rows.fetch_where(
        ctx.conn, Comment, Comment.object_id == task_id, order_by=Comment.created_at
    )
    statuses = {status["id"]: status for status in await rows.fetch_where(ctx.conn, TaskStatus)}
    retake_count = 0
    previous_is_retake = False
    real_start_date = end_date = done_date = None
    status_id = None
    for comment in comments:
        status = statuses.get(comment["task_status_id"])
        if status is None:
            continue
        status_id = status["id"]
        if status["is_retake"] and not previous_is_retake:
            retake_count += 1
        previous_is_retake = bool(status["is_retake"])
        if status["is_wip"] and real_start_date is None:
            real_start_date = comment["created_at"]
        if status["is_feedback_request"] and end_date is None:
            end_date = comment["created_at"]
        if status["is_done"]:
            done_date = comment["created_at"]
    if status_id is None:
        status_id = (await default_task_status(ctx))["id"]
    values = {
        "retake_count": retake_count,
        "real_start_date": real_start_date,
        "end_date": end_date,
        "done_date": done_date,
        "task_status_id": status_id,
        "last_comment_date": comments[-1]["created_at"] if comments else None,
    }
    updated = await rows.update_row(ctx.conn, Task, task_id, values)
    return updated, task["task_status_id"]


async def emit_status_change(ctx: Ctx, task: Row, previous_status_id: str | None) -> None:
    if task["task_status_id"] == previous_status_id:
        return
    await events.emit(
        ctx,
        "task:status-changed",
        {
            "task_id": task["id"],
            "new_task_status_id": task["task_status_id"],
            "previous_task_status_id": previous_status_id,
            "person_id": ctx.actor.id if ctx.actor else None,
        },
        task["project_id"],
    )


# ==== deletion ===============================================================================
# ==== the CRUD hooks =========================================================================
class CommentHooks(CrudHooks):
    async def present(self, ctx, spec, found, items, view):
        if view != "read":
            return items
        item, comment = items[0], found[0]
        author = await rows.fetch_one(ctx.conn, Person, comment["person_id"])
        item["person"] = short_form(author) if author else None
        for reply in item.get("replies") or []:
            replier = (
                await rows.fetch_one(ctx.conn, Person, reply.get("person_id"))
                if reply.get("person_id")
                else None
            )
            reply["person"] = short_form(replier) if replier else None
        attachments = await rows.fetch_where(
            ctx.conn, AttachmentFile, AttachmentFile.comment_id == comment["id"]
        )
        item["attachment_files"] = [
            {key: attachment[key] for key in ("id", "name", "extension", "size")}
            for attachment in attachments
        ]
        if ctx.params.get("with_previews", "").lower() == "true":
            previews = await ctx.conn.execute(
                select(PreviewFile.__table__)
                .join(CommentPreviewLink, CommentPreviewLink.preview_file == PreviewFile.id)
                .where(CommentPreviewLink.comment == comment["id"])
            )
            from .files import present_preview

            item["previews"] = [present_preview(dict(row)) for row in previews.mappings()]
        return items

    def read_only(self, ctx, row):
        return frozenset({"mentions", "department_mentions", "editor_id"})

    async def prepare_update(self, ctx, spec, row, data, values):
        values["editor_id"] = ctx.me.id
        return values

    async def after_update(self, ctx, spec, before, row, data, changes):
        task = await rows.fetch_one(ctx.conn, Task, row["object_id"])
        await save_mentions(ctx, row, task["project_id"] if task else None)
        if task is not None and before["task_status_id"] != row["task_status_id"]:
            updated, previous = await reset_task_data(ctx, task["id"])
            await emit_status_change(ctx, updated, previous)

    async def delete(self, ctx, spec, row, force):
        task = await rows.fetch_one(ctx.conn, Task, row["object_id"])
        await remove_comment(ctx, row)
        if task is not None:
            updated, previous = await reset_task_data(ctx, task["id"])
            await emit_status_change(ctx, updated, previous)

    async def event(self, ctx, spec, action, row):
        task = await rows.fetch_one(ctx.conn, Task, row["object_id"])
        project_id = task["project_id"] if task else None
        payload: dict[str, Any] = {"comment_id": row["id"]}
        if action != "delete":
            payload["task_id"] = row["object_id"]
        return f"comment:{action}", payload, project_id


# ==== permissions ============================================================================
async def check_comment_read(ctx: Ctx, row: Row) -> None:
    from ..permissions import require_comment_access

    await require_comment_access(ctx, row)


async def check_comment_update(ctx: Ctx, row: Row, data: dict[str, Any]) -> None:
    from ..permissions import (
        has_task_action_access,
        is_assigned,
        is_department_supervisor,
        task_of_comment,
    )

    me = ctx.me
    if me.is_admin:
        return
    task = await task_of_comment(ctx, row)
    project_id = task["project_id"]
    me.require_member(project_id)
    role = me.role_in(project_id)
    if role == "manager":
        return
    changed = {key for key, value in data.items() if row.get(key, object()) != value}
    changed -= {"id", "type", "created_at", "updated_at", "mentions", "department_mentions"}
    if "for_client" in changed:
        raise PermissionDenied()
    if "person_id" in changed or "object_id" in changed:
        raise PermissionDenied()
    supervisor = await is_department_supervisor(ctx, task)
    if "pinned" in changed and not supervisor:
        raise PermissionDenied()
    if row["person_id"] != me.id:
        if changed - {"pinned", "checklist"}:
            raise PermissionDenied()
        if "checklist" in changed:
            if not (supervisor or await is_assigned(ctx, task["id"])):
                raise PermissionDenied()
            if not _only_checked_flags_changed(row.get("checklist"), data.get("checklist")):
                raise PermissionDenied()
    if "task_status_id" in changed:
        if not await has_task_action_access(ctx, task):
            raise PermissionDenied()
        status = (
            await rows.fetch_one(ctx.conn, TaskStatus, data["task_status_id"])
            if isinstance(data["task_status_id"], str)
            else None
        )
        if status is not None:
            if role == "user" and not status["is_artist_allowed"]:
                raise PermissionDenied()
            if role == "client" and not status["is_client_allowed"]:
                raise PermissionDenied()


def _only_checked_flags_changed(before: Any, after: Any) -> bool:
    if not isinstance(before, list) or not isinstance(after, list) or len(before) != len(after):
        return False
    for old, new in zip(before, after, strict=True):
        if not isinstance(old, dict) or not isinstance(new, dict):
            return False
        if {k: v for k, v in old.items() if k != "checked"} != {
            k: v for k, v in new.items() if k != "checked"
        }:
            return False
    return True


async def check_comment_delete(ctx: Ctx, row: Row) -> None:
    from ..permissions import task_of_comment

    me = ctx.me
    if me.is_admin or row["person_id"] == me.id:
        return
    me.require_manager((await task_of_comment(ctx, row))["project_id"])


class NotificationHooks(CrudHooks):
    """The notification kind lives in a column named ``type``: on the wire it is
    ``notification_type`` and ``type`` is the model name."""

    async def present(self, ctx, spec, found, items, view):
        for item, row in zip(items, found, strict=True):
            item["notification_type"] = row["type"]
        return items
