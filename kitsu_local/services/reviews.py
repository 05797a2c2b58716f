"""Posting a comment on a task: the way statuses change (zou-data-model.md 8.2-8.4).

The comment is written with its mentions and attachments, the task follows its status (dates,
retake count), the people following the task are notified, a news entry feeds the production
stream, hashtags copy the comment to sibling tasks, and the project's status automations run.
"""

from __future__ import annotations

import datetime
import mimetypes
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from .. import events, rows
from ..columns import is_valid_id, parse_iso_datetime
from ..context import Ctx
from ..errors import PermissionDenied, WrongParameter
from ..models import (
    AttachmentFile,
    Comment,
    CommentMentions,
    DepartmentLink,
    Entity,
    EntityType,
    News,
    Notification,
    Person,
    Project,
    ProjectStatusAutomationLink,
    ProjectTaskTypeLink,
    StatusAutomation,
    Subscription,
    Task,
    TaskPersonLink,
    TaskStatus,
    TaskType,
)  # fmt: skip
from ..models.base import utc_now
from .crud import serialize, serialize_plain
from .previews import Upload
from .spec import Row, spec_for_table

HASHTAG = re.compile(r"#([\w-]+)")


@dataclass
class CommentArgs:
    task_status_id: str
    text: str = ""
    person_id: str | None = None
    created_at: str | None = None
    checklist: list[Any] = field(default_factory=list)
    links: list[Any] = field(default_factory=list)
    for_client: bool = False


async def post_comment(
    ctx: Ctx, task_id: str, args: CommentArgs, files: list[Upload]
) -> dict[str, Any]:
    """POST /actions/tasks/{task_id}/comment: checks, then the comment and its consequences."""
    from ..permissions import has_task_action_access

    task = await rows.fetch_or_404(ctx.conn, Task, task_id)
    status = await _status_or_400(ctx, args.task_status_id)
    me = ctx.me
    # Someone mentioned on the task may answer, without moving its status.
    if not await has_task_action_access(ctx, task) and (
        not await is_mentioned(ctx, task) or status["id"] != task["task_status_id"]
    ):
        raise PermissionDenied()
    role = me.role_in(task["project_id"])
    if (role == "user" and not status["is_artist_allowed"]) or (
        role == "client" and not status["is_client_allowed"]
    ):
        raise PermissionDenied()
    if not (me.is_admin or role == "manager"):
        args.person_id, args.created_at, args.for_client = None, None, False
    comment = await create_comment(ctx, task, status, args, files)
    return comment


async def create_comment(
    ctx: Ctx, task: Row, status: Row, args: CommentArgs, files: list[Upload], hashtags: bool = True
) -> dict[str, Any]:
    author = await _author(ctx, args.person_id)
    await _check_retake_cap(ctx, task, status)
    created_at = _created_at(args.created_at)
    comment = await rows.insert_row(
        ctx.conn,
        Comment,
        {
            "object_id": task["id"],
            "object_type": "Task",
            "task_status_id": status["id"],
            "person_id": author["id"],
            "text": args.text or "",
            "checklist": args.checklist,
            "links": args.links,
            "for_client": bool(args.for_client),
            **({"created_at": created_at, "updated_at": created_at} if created_at else {}),
        },
    )
    from .comments import save_mentions

    mentions, department_mentions = await save_mentions(ctx, comment, task["project_id"])
    for upload in files:
        await add_attachment(ctx, comment, upload)
    project_id = task["project_id"]
    await events.emit(
        ctx,
        "comment:new",
        {
            "comment_id": comment["id"],
            "task_id": task["id"],
            "task_status_id": status["id"],
            "person_id": author["id"],
            "for_client": comment["for_client"],
        },
        project_id,
    )
    if hashtags:
        await _copy_to_hashtag_tasks(ctx, task, author, args.text or "")
    task, changed = await _apply_status(ctx, task, status, comment)
    await _notify(ctx, task, comment, author, changed, mentions, department_mentions)
    await run_automations(ctx, task, author)
    item = (await serialize(ctx, spec_for_table("comment"), [comment], relations=True))[0]
    item["task_status"] = serialize_plain(spec_for_table("task_status"), [status])[0]
    from .persons import person_dict

    item["person"] = await person_dict(ctx, author)
    return item


async def add_attachment(
    ctx: Ctx, comment: Row, upload: Upload, reply_id: str | None = None
) -> Row:
    """An attachment row for an uploaded file, its binary in ``files/attachments-<id>``."""
    name = upload.file_name or "attachment"
    extension = name.rpartition(".")[2].lower()[:6] if "." in name else ""
    attachment = await rows.insert_row(
        ctx.conn,
        AttachmentFile,
        {
            "name": name[:250],
            "size": upload.path.stat().st_size,
            "extension": extension,
            "mimetype": mimetypes.guess_type(name)[0] or "application/octet-stream",
            "comment_id": comment["id"],
            "reply_id": reply_id,
        },
    )
    ctx.state.store.put_file("files", "attachments", attachment["id"], upload.path, move=True)
    return attachment


# ==== checks ==================================================================================
async def _status_or_400(ctx: Ctx, status_id: Any) -> Row:
    if not is_valid_id(status_id):
        raise WrongParameter("A valid task_status_id is required.")
    status = await rows.fetch_one(ctx.conn, TaskStatus, status_id.lower())
    if status is None:
        raise WrongParameter("Task status not found.")
    return status


async def is_mentioned(ctx: Ctx, task: Row) -> bool:
    if ctx.me.role == "vendor":
        return False
    query = (
        select(CommentMentions.comment)
        .join(Comment, Comment.id == CommentMentions.comment)
        .where(Comment.object_id == task["id"], CommentMentions.person == ctx.me.id)
        .limit(1)
    )
    return (await ctx.conn.execute(query)).first() is not None


async def _author(ctx: Ctx, person_id: str | None) -> Row:
    if person_id:
        return await rows.fetch_or_404(ctx.conn, Person, person_id)
    return ctx.me.person


def _created_at(value: str | None) -> datetime.datetime | None:
    if not value:
        return None
    try:
        return datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        try:
            return parse_iso_datetime(value)
        except ValueError:
            raise WrongParameter("Wrong date format for created_at.") from None


async def _check_retake_cap(ctx: Ctx, task: Row, status: Row) -> None:
    if not status["is_retake"]:
        return
    project = await rows.fetch_one(ctx.conn, Project, task["project_id"])
    project_cap = (project or {}).get("max_retakes") or 0
    if project_cap <= 0:
        return
    entity = (
        await rows.fetch_one(ctx.conn, Entity, task["entity_id"]) if task["entity_id"] else None
    )
    cap = int(((entity or {}).get("data") or {}).get("max_retakes") or project_cap)
    if cap > 0 and (task["retake_count"] or 0) >= cap:
        raise WrongParameter("No more retakes allowed on this task")


# ==== the task follows its comments ==========================================================
async def _apply_status(ctx: Ctx, task: Row, status: Row, comment: Row) -> tuple[Row, bool]:
    from .comments import emit_status_change, reset_task_data

    last = task["last_comment_date"]
    if last is not None and last > comment["created_at"]:
        # An older comment (a back-dated import): replay the history instead.
        updated, _ = await reset_task_data(ctx, task["id"])
        return updated, False
    changed = status["id"] != task["task_status_id"]
    values = status_change_values(task, status, comment["created_at"], utc_now())
    updated = await rows.update_row(ctx.conn, Task, task["id"], values)
    project_id = task["project_id"]
    if changed:
        await emit_status_change(
            ctx, {**updated, "task_status_id": status["id"]}, task["task_status_id"]
        )
        if status["is_feedback_request"]:
            await events.emit(
                ctx,
                "task:to-review",
                {
                    "task_id": task["id"],
                    "new_task_status_id": status["id"],
                    "previous_task_status_id": task["task_status_id"],
                    "person_id": comment["person_id"],
                    "comment_id": comment["id"],
                },
                project_id,
            )
    await events.emit(ctx, "task:update", {"task_id": task["id"]}, project_id)
    return updated, changed


def status_change_values(
    task: Row, status: Row, comment_date: datetime.datetime, now: datetime.datetime
) -> dict[str, Any]:
    """What a task's fields become when its latest comment sets ``status``."""
    values: dict[str, Any] = {"task_status_id": status["id"], "last_comment_date": comment_date}
    if status["id"] != task["task_status_id"]:
        if status["is_retake"]:
            values["retake_count"] = (task["retake_count"] or 0) + 1
        if status["is_wip"] and task["real_start_date"] is None:
            values["real_start_date"] = now
        if status["is_feedback_request"]:
            values["end_date"] = now
        elif not status["is_done"]:
            values["end_date"] = None
        values["done_date"] = now if status["is_done"] else None
    return values


async def _copy_to_hashtag_tasks(ctx: Ctx, task: Row, author: Row, text: str) -> None:
    """``#modeling`` (or ``#all``) copies the comment to the entity's tasks of that type."""
    tags = {tag.lower() for tag in HASHTAG.findall(text)}
    if not tags or not task["entity_id"]:
        return
    task_type = await rows.fetch_one(ctx.conn, TaskType, task["task_type_id"])
    siblings = await ctx.conn.execute(
        select(Task.__table__, TaskType.name.label("task_type_name"))
        .join(TaskType, TaskType.id == Task.task_type_id)
        .where(Task.entity_id == task["entity_id"], Task.id != task["id"])
    )
    for sibling in [dict(row) for row in siblings.mappings()]:
        type_name = sibling.pop("task_type_name")
        if "all" in tags or type_name.lower() in tags:
            status = await rows.fetch_one(ctx.conn, TaskStatus, sibling["task_status_id"])
            copy = CommentArgs(
                task_status_id=sibling["task_status_id"],
                text=f"{text}\n\n____\nFrom {task_type['name'] if task_type else ''} task",
                person_id=author["id"],
            )
            await create_comment(ctx, sibling, status, copy, [], hashtags=False)


# ==== notifications and news =================================================================
async def _notify(
    ctx: Ctx, task: Row, comment: Row, author: Row, changed: bool, mentions: list[str],
    department_mentions: list[str],
) -> None:  # fmt: skip
    conn = ctx.conn
    followers = await notification_recipients(ctx, task)
    entity = await rows.fetch_one(conn, Entity, task["entity_id"]) if task["entity_id"] else None
    mentioned = set(mentions)
    if department_mentions:
        mentioned |= set(
            (
                await conn.execute(
                    select(DepartmentLink.person_id).where(
                        DepartmentLink.department_id.in_(department_mentions)
                    )
                )
            ).scalars()
        )
    for person_id in sorted(followers - {author["id"]}):
        await _notification(ctx, task, comment, author, person_id, "comment", changed)
    for person_id in sorted(mentioned - {author["id"]}):
        await _notification(ctx, task, comment, author, person_id, "mention", changed)
    kind = await rows.fetch_one(conn, EntityType, entity["entity_type_id"]) if entity else None
    if kind is None or kind["name"] != "Concept":
        news = await rows.insert_row(
            conn,
            News,
            {
                "change": changed,
                "author_id": author["id"],
                "comment_id": comment["id"],
                "task_id": task["id"],
                "created_at": comment["created_at"],
            },
        )
        await events.emit(
            ctx,
            "news:new",
            {
                "news_id": news["id"],
                "task_status_id": comment["task_status_id"],
                "task_type_id": task["task_type_id"],
            },
            task["project_id"],
        )


async def notification_recipients(ctx: Ctx, task: Row) -> set[str]:
    """Who follows a task: its assignees, its subscribers and those of its sequence for its
    task type (Zou's ``get_notification_recipients``)."""
    conn = ctx.conn
    followers = set(
        (
            await conn.execute(
                select(TaskPersonLink.person_id).where(TaskPersonLink.task_id == task["id"])
            )
        ).scalars()
    )
    followers |= set(
        (
            await conn.execute(
                select(Subscription.person_id).where(Subscription.task_id == task["id"])
            )
        ).scalars()
    )
    entity = await rows.fetch_one(conn, Entity, task["entity_id"]) if task["entity_id"] else None
    if entity and entity["parent_id"]:
        followers |= set(
            (
                await conn.execute(
                    select(Subscription.person_id).where(
                        Subscription.entity_id == entity["parent_id"],
                        Subscription.task_type_id == task["task_type_id"],
                    )
                )
            ).scalars()
        )
    return followers


async def _notification(
    ctx: Ctx, task: Row, comment: Row, author: Row, person_id: str, kind: str, changed: bool
) -> None:
    notification = await rows.insert_row(
        ctx.conn,
        Notification,
        {
            "person_id": person_id,
            "author_id": author["id"],
            "comment_id": comment["id"],
            "task_id": task["id"],
            "type": kind,
            "change": changed,
            "read": False,
        },
    )
    await events.emit(
        ctx,
        "notification:new",
        {"notification_id": notification["id"], "person_id": person_id},
        task["project_id"],
        persist=False,
    )


# ==== status automations =====================================================================
async def run_automations(ctx: Ctx, task: Row, author: Row) -> None:
    automations = await ctx.conn.execute(
        select(StatusAutomation.__table__)
        .join(
            ProjectStatusAutomationLink,
            ProjectStatusAutomationLink.status_automation_id == StatusAutomation.id,
        )
        .where(ProjectStatusAutomationLink.project_id == task["project_id"])
    )
    for automation in [dict(row) for row in automations.mappings()]:
        await _run_automation(ctx, automation, task, author)


async def _run_automation(ctx: Ctx, automation: Row, task: Row, author: Row) -> None:
    from .entities import TEMPORAL_KINDS

    if (
        automation["archived"]
        or task["task_type_id"] != automation["in_task_type_id"]
        or task["task_status_id"] != automation["in_task_status_id"]
        or not task["entity_id"]
    ):
        return
    entity = await rows.fetch_or_404(ctx.conn, Entity, task["entity_id"])
    entity_type = await rows.fetch_or_404(ctx.conn, EntityType, entity["entity_type_id"])
    wanted = (automation["entity_type"] or "").lower()
    is_asset = entity_type["name"] not in TEMPORAL_KINDS
    if (wanted == "asset" and not is_asset) or (
        wanted != "asset" and entity_type["name"].lower() != wanted
    ):
        return
    if automation["out_field_type"] == "ready_for":
        await rows.update_row(
            ctx.conn, Entity, entity["id"], {"ready_for": automation["out_task_type_id"]}
        )
        await events.emit(
            ctx,
            "asset:update",
            {"asset_id": entity["id"], "data": {"ready_for": automation["out_task_type_id"]}},
            task["project_id"],
        )
        return
    priorities = {
        link["task_type_id"]: link["priority"] or 0
        for link in await rows.fetch_where(
            ctx.conn, ProjectTaskTypeLink, ProjectTaskTypeLink.project_id == task["project_id"]
        )
    }
    if priorities.get(automation["in_task_type_id"], 0) > priorities.get(
        automation["out_task_type_id"], 0
    ):
        return  # no rollback: automations never move a later step back
    targets = await rows.fetch_where(
        ctx.conn, Task, Task.entity_id == entity["id"], Task.task_type_id == automation["out_task_type_id"],
        order_by=Task.name,
    )  # fmt: skip
    status = (
        await rows.fetch_one(ctx.conn, TaskStatus, automation["out_task_status_id"])
        if automation["out_task_status_id"]
        else None
    )
    if not targets or status is None:
        return
    in_type = await rows.fetch_one(ctx.conn, TaskType, automation["in_task_type_id"])
    in_status = await rows.fetch_one(ctx.conn, TaskStatus, automation["in_task_status_id"])
    text = f"Change triggered by {in_type['name'] if in_type else ''} set to {in_status['name'] if in_status else ''}"
    await create_comment(
        ctx,
        targets[0],
        status,
        CommentArgs(task_status_id=status["id"], text=text, person_id=author["id"]),
        [],
    )
