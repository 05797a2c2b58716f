"""The comments of a task: the listing, one comment, its deletion, acknowledgements and replies
(zou-data-model.md 8.2, Zou's ``comments_service``). The listing is a constant number of queries:
one join for the comments, then one ``IN`` query per relation."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, select

from .. import events, rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import NotFound, PermissionDenied, WrongParameter
from ..models import (
    AttachmentFile,
    Comment,
    CommentAcknoledgments,
    CommentDepartmentMentions,
    CommentMentions,
    CommentPreviewLink,
    DepartmentLink,
    News,
    Notification,
    Person,
    PreviewFile,
    Project,
    ProjectPersonLink,
    Task,
    TaskStatus,
)  # fmt: skip
from ..models.base import new_id, utc_now
from ..permissions import require_comment_access, require_task_access
from .crud import fetch, serialize, serialize_plain
from .files import present_preview
from .persons import short_form
from .spec import Row, spec_for_table


# ==== reading ================================================================================
async def task_comments(ctx: Ctx, task_id: str) -> list[dict[str, Any]]:
    """GET /data/tasks/{id}/comments: latest first, each with its author, editor, status,
    acknowledgements, previews, mentions and attachments; scoped as Zou scopes them."""
    task = await rows.fetch_or_404(ctx.conn, Task, task_id)
    await require_task_access(ctx, task)
    role = ctx.me.role_in(task["project_id"])
    is_client = role == "client"
    editor = Person.__table__.alias("editor")
    query = (
        select(
            Comment.__table__,
            TaskStatus.name.label("status_name"),
            TaskStatus.short_name.label("status_short_name"),
            TaskStatus.color.label("status_color"),
            editor.c.first_name.label("editor_first_name"),
            editor.c.last_name.label("editor_last_name"),
            editor.c.has_avatar.label("editor_has_avatar"),
            editor.c.role.label("editor_role"),
        )
        .join(Person, Person.id == Comment.person_id)
        .join(TaskStatus, TaskStatus.id == Comment.task_status_id)
        .outerjoin(editor, editor.c.id == Comment.editor_id)
        .where(Comment.object_id == task["id"])
        .order_by(Comment.created_at.desc())
    )
    if role not in ("admin", "manager", "supervisor", "client"):
        # Artists and vendors do not read what clients wrote.
        query = query.outerjoin(
            ProjectPersonLink,
            and_(
                ProjectPersonLink.person_id == Person.id,
                ProjectPersonLink.project_id == task["project_id"],
            ),
        ).where(func.coalesce(ProjectPersonLink.role, Person.role) != "client")
    found = await fetch(ctx, query)
    items = serialize_plain(spec_for_table("comment"), found)
    if not items:
        return []
    ids = [item["id"] for item in items]
    links = {
        "acknowledgements": await _links(ctx, CommentAcknoledgments, "person", ids),
        "mentions": await _links(ctx, CommentMentions, "person", ids),
        "department_mentions": await _links(ctx, CommentDepartmentMentions, "department", ids),
    }
    previews = await _previews(ctx, ids, is_client)
    attachments = await _attachments(ctx, ids)
    authors = await _persons(ctx, {row["person_id"] for row in found} | _reply_authors(items))
    for item, row in zip(items, found, strict=True):
        author = authors.get(row["person_id"])
        item["person"] = {**short_form(author), "id": row["person_id"]} if author else None
        if row["editor_id"] is not None:
            item["editor"] = {
                "first_name": row["editor_first_name"], "last_name": row["editor_last_name"],
                "has_avatar": row["editor_has_avatar"], "role": row["editor_role"],
                "id": row["editor_id"],
            }  # fmt: skip
        item["task_status"] = {
            "name": row["status_name"], "short_name": row["status_short_name"],
            "color": row["status_color"], "id": row["task_status_id"],
        }  # fmt: skip
        for key, mapping in links.items():
            item[key] = mapping[item["id"]]
        item["previews"] = previews.get(item["id"], [])
        item["attachment_files"] = attachments.get(item["id"], [])
        for reply in item.get("replies") or []:
            replier = authors.get(reply.get("person_id"))
            reply["person"] = short_form(replier) if replier else None
    if is_client:
        return await _client_view(ctx, task, items, authors)
    return items


async def _links(ctx: Ctx, model: Any, column: str, ids: list[str]) -> dict[str, list[str]]:
    return await rows.grouped_links(ctx.conn, model.__table__, "comment", column, ids)


async def _previews(ctx: Ctx, ids: list[str], is_client: bool) -> dict[str, list[dict[str, Any]]]:
    query = (
        select(PreviewFile.__table__, CommentPreviewLink.comment.label("comment_id"))
        .join(CommentPreviewLink, CommentPreviewLink.preview_file == PreviewFile.id)
        .where(CommentPreviewLink.comment.in_(ids))
    )
    result: dict[str, list[dict[str, Any]]] = {}
    for row in await fetch(ctx, query):
        preview = present_preview(row)
        preview["status"] = preview["status"] or "ready"
        preview["validation_status"] = preview["validation_status"] or "neutral"
        # Clients never see a rejected revision.
        if not (is_client and preview["validation_status"] == "rejected"):
            result.setdefault(row["comment_id"], []).append(preview)
    return result


async def _attachments(ctx: Ctx, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    result: dict[str, list[dict[str, Any]]] = {}
    found = await rows.fetch_where(ctx.conn, AttachmentFile, AttachmentFile.comment_id.in_(ids))
    for row in found:
        result.setdefault(row["comment_id"], []).append(
            {key: row[key] for key in ("id", "name", "extension", "reply_id", "size")}
        )
    return result


def _reply_authors(items: list[dict[str, Any]]) -> set[str]:
    return {
        reply["person_id"]
        for item in items
        for reply in item.get("replies") or []
        if isinstance(reply, dict) and reply.get("person_id")
    }


async def _persons(ctx: Ctx, ids: set[str]) -> dict[str, Row]:
    found = await rows.fetch_where(ctx.conn, Person, Person.id.in_(ids)) if ids else []
    return {person["id"]: person for person in found}


async def _client_view(
    ctx: Ctx, task: Row, items: list[dict[str, Any]], authors: dict[str, Row]
) -> list[dict[str, Any]]:
    """What a client reads: comments for clients, their own (isolated projects) or other
    clients' (shared), and the previews of the studio's comments without their text."""
    project = await rows.fetch_one(ctx.conn, Project, task["project_id"])
    isolated = bool(project and project["is_clients_isolated"])
    kept = []
    for item in items:
        author = authors.get(item["person_id"]) or {}
        by_client = author.get("role") == "client"
        for_client = bool(item.get("for_client"))
        own = item["person_id"] == ctx.me.id
        allowed = for_client or (isolated and own) or (not isolated and by_client)
        if item["previews"] and not by_client and not for_client:
            item.update(text="", attachment_files=[], checklist=[], replies=[])
            kept.append(item)
        elif allowed:
            kept.append(item)
    return kept


async def comment_of_task(ctx: Ctx, task_id: str, comment_id: str) -> Row:
    """The comment, 404 unless it is one of that task's."""
    comment = await rows.fetch_or_404(ctx.conn, Comment, comment_id)
    if not is_valid_id(task_id) or comment["object_id"] != task_id.lower():
        raise NotFound()
    return comment


async def task_comment(ctx: Ctx, task_id: str, comment_id: str) -> dict[str, Any]:
    """GET /data/tasks/{t}/comments/{c}: the plain comment, for who may read it."""
    comment = await comment_of_task(ctx, task_id, comment_id)
    await require_comment_access(ctx, comment)
    return serialize_plain(spec_for_table("comment"), [comment])[0]


async def delete_task_comment(ctx: Ctx, task_id: str, comment_id: str) -> None:
    """DELETE /data/tasks/{t}/comments/{c}: managers of the project, or the author (and
    admins); the task's status and dates are replayed from the comments left."""
    comment = await comment_of_task(ctx, task_id, comment_id)
    task = await rows.fetch_or_404(ctx.conn, Task, comment["object_id"])
    me = ctx.me
    if not (me.is_manager_of(task["project_id"]) or me.id == comment["person_id"]):
        raise PermissionDenied()
    spec = spec_for_table("comment")
    await spec.hooks.delete(ctx, spec, comment, False)
    await events.emit(
        ctx, "comment:delete", {"comment_id": comment["id"], "task_id": task["id"]},
        task["project_id"],
    )  # fmt: skip


# ==== moving =================================================================================
def require_manager_role(ctx: Ctx) -> None:
    """Admins and managers by their studio role (Zou's ``check_manager_permissions``)."""
    if not ctx.me.has_manager_role():
        raise PermissionDenied()


async def move_comment(
    ctx: Ctx, task_id: str, comment_id: str, target_task_id: str
) -> dict[str, Any]:
    """POST /actions/tasks/{t}/comments/{c}/move: the comment goes to another task of the same
    entity (not one of a preview revision); its notifications and news are made again on the
    target task, both tasks' status and dates replayed from their comments."""
    from .comments import reset_task_data
    from .reviews import _notify

    require_manager_role(ctx)
    source = await rows.fetch_or_404(ctx.conn, Task, task_id)
    await require_task_access(ctx, source)
    target = await rows.fetch_or_404(ctx.conn, Task, target_task_id)
    await require_task_access(ctx, target)
    comment = await rows.fetch_or_404(ctx.conn, Comment, comment_id)
    if comment["object_id"] != source["id"]:
        raise WrongParameter("Comment does not belong to the given task.")
    if source["id"] == target["id"]:
        raise WrongParameter("Source and target tasks must be different.")
    if source["entity_id"] != target["entity_id"]:
        raise WrongParameter("A comment can only be moved between tasks of the same entity.")
    previews = await rows.first_where(
        ctx.conn, CommentPreviewLink, CommentPreviewLink.comment == comment["id"]
    )
    if comment["preview_file_id"] is not None or previews is not None:
        raise WrongParameter("A comment attached to a preview revision cannot be moved.")
    await rows.delete_where(ctx.conn, Notification, Notification.comment_id == comment["id"])
    for news in await rows.fetch_where(ctx.conn, News, News.comment_id == comment["id"]):
        await rows.delete_where(ctx.conn, News, News.id == news["id"])
        await events.emit(ctx, "news:delete", {"news_id": news["id"]}, source["project_id"])
    comment = await rows.update_row(ctx.conn, Comment, comment["id"], {"object_id": target["id"]})
    await reset_task_data(ctx, source["id"])
    target, _ = await reset_task_data(ctx, target["id"])
    for task in (source, target):
        await events.emit(ctx, "task:update", {"task_id": task["id"]}, task["project_id"])
    item = (await serialize(ctx, spec_for_table("comment"), [comment], relations=True))[0]
    await events.emit(
        ctx, "comment:delete", {"comment_id": comment["id"], "task_id": source["id"]},
        source["project_id"],
    )  # fmt: skip
    await events.emit(
        ctx, "comment:new",
        {
            "comment_id": comment["id"], "task_id": target["id"],
            "task_status_id": comment["task_status_id"], "person_id": comment["person_id"],
            "for_client": comment["for_client"],
        },
        target["project_id"],
    )  # fmt: skip
    author = {"id": comment["person_id"]}
    await _notify(
        ctx, target, comment, author, False, item.get("mentions") or [],
        item.get("department_mentions") or [],
    )  # fmt: skip
    return item


# ==== acknowledgements =======================================================================
async def acknowledge(ctx: Ctx, task_id: str, comment_id: str) -> dict[str, Any]:
    """POST .../ack: toggles the caller among the comment's acknowledgements."""
    task = await rows.fetch_or_404(ctx.conn, Task, task_id)
    await require_task_access(ctx, task)
    comment = await comment_of_task(ctx, task_id, comment_id)
    link = CommentAcknoledgments.__table__
    me = ctx.me.id
    done = await rows.first_where(
        ctx.conn, link, link.c.comment == comment["id"], link.c.person == me
    )
    if done:
        await rows.delete_where(
            ctx.conn, link, link.c.comment == comment["id"], link.c.person == me
        )
    else:
        await ctx.conn.execute(link.insert().values(comment=comment["id"], person=me))
    comment = await rows.update_row(ctx.conn, Comment, comment["id"], {})
    await events.emit(
        ctx, f"comment:{'unacknowledge' if done else 'acknowledge'}",
        {"comment_id": comment["id"], "person_id": me}, task["project_id"], persist=False,
    )  # fmt: skip
    return (await serialize(ctx, spec_for_table("comment"), [comment], relations=True))[0]


# ==== replies ================================================================================
async def reply(ctx: Ctx, task_id: str, comment_id: str, text: str) -> dict[str, Any]:
    """POST .../reply: a reply appended to the comment, with notifications (``reply`` for the
    people following the task and the comment's author, ``reply-mention`` for mentions)."""
    from ..permissions import has_task_action_access
    from .comments import parse_mentions
    from .reviews import is_mentioned

    comment = await rows.fetch_or_404(ctx.conn, Comment, comment_id)
    if not is_valid_id(task_id) or comment["object_id"] != task_id.lower():
        raise PermissionDenied()
    task = await rows.fetch_or_404(ctx.conn, Task, comment["object_id"])
    me = ctx.me
    project_id = task["project_id"]
    role = me.role_in(project_id)
    if comment["person_id"] != me.id:
        if not await has_task_action_access(ctx, task) and not await is_mentioned(ctx, task):
            raise PermissionDenied()
        if role == "client":
            author = await rows.fetch_one(ctx.conn, Person, comment["person_id"])
            author_role = await _project_role(ctx, comment["person_id"], project_id)
            if author and author["studio_id"] != me.person["studio_id"] and author_role == "client":
                raise PermissionDenied()
    if role not in ("admin", "manager", "client") and await _is_client_thread(ctx, comment, task):
        # Managers answer the clients' threads for the studio.
        raise PermissionDenied()
    mentions, department_mentions = await parse_mentions(ctx, project_id, text)
    now = utc_now().replace(microsecond=0).isoformat()
    entry = {
        "id": new_id(), "date": now, "person_id": me.id, "text": text, "mentions": mentions,
        "department_mentions": department_mentions, "created_at": now,
    }  # fmt: skip
    replies = [*(comment["replies"] or []), entry]
    comment = await rows.update_row(ctx.conn, Comment, comment["id"], {"replies": replies})
    await events.emit(
        ctx, "comment:reply",
        {"task_id": task["id"], "comment_id": comment["id"], "reply_id": entry["id"]}, project_id,
    )  # fmt: skip
    await _notify_reply(ctx, task, comment, entry)
    return {**entry, "person": short_form(me.person)}


async def _project_role(ctx: Ctx, person_id: str, project_id: str) -> str | None:
    link = await rows.first_where(
        ctx.conn, ProjectPersonLink, ProjectPersonLink.person_id == person_id,
        ProjectPersonLink.project_id == project_id,
    )  # fmt: skip
    if link is not None and link["role"]:
        return link["role"]
    person = await rows.fetch_one(ctx.conn, Person, person_id)
    return person["role"] if person else None


async def _is_client_thread(ctx: Ctx, comment: Row, task: Row) -> bool:
    if comment["for_client"]:
        return True
    if not comment["person_id"]:
        return False
    return await _project_role(ctx, comment["person_id"], task["project_id"]) == "client"


async def _notify_reply(ctx: Ctx, task: Row, comment: Row, entry: dict[str, Any]) -> None:
    from .reviews import notification_recipients

    author_id = entry["person_id"]
    recipients = await notification_recipients(ctx, task)
    recipients |= {item["person_id"] for item in comment["replies"] if item.get("person_id")}
    recipients.add(comment["person_id"])
    recipients.discard(author_id)
    mentioned = set(entry["mentions"])
    if entry["department_mentions"]:
        query = (
            select(DepartmentLink.person_id)
            .join(ProjectPersonLink, ProjectPersonLink.person_id == DepartmentLink.person_id)
            .where(DepartmentLink.department_id.in_(entry["department_mentions"]))
            .where(ProjectPersonLink.project_id == task["project_id"])
        )
        mentioned |= set((await ctx.conn.execute(query)).scalars())
    mentioned.discard(author_id)
    existing = await rows.existing_ids(ctx.conn, Person, recipients | mentioned)
    sent = [(person_id, "reply") for person_id in sorted(recipients & existing)]
    sent += [(person_id, "reply-mention") for person_id in sorted(mentioned & existing)]
    for person_id, kind in sent:
        notification = await rows.insert_row(
            ctx.conn, Notification,
            {
                "person_id": person_id, "author_id": author_id, "comment_id": comment["id"],
                "task_id": task["id"], "reply_id": entry["id"], "type": kind, "read": False,
                "change": False,
            },
        )  # fmt: skip
        await events.emit(
            ctx, "notification:new", {"notification_id": notification["id"], "person_id": person_id},
            task["project_id"], persist=False,
        )  # fmt: skip


async def delete_reply(ctx: Ctx, task_id: str, comment_id: str, reply_id: str) -> dict[str, Any]:
    """DELETE .../reply/{r}: its author or an admin; its attachments and notifications go."""
    comment = await rows.fetch_or_404(ctx.conn, Comment, comment_id)
    found = [item for item in comment["replies"] or [] if item.get("id") == reply_id]
    if not found:
        raise NotFound()
    if found[0].get("person_id") != ctx.me.id:
        ctx.me.require_admin()
    task = await rows.fetch_or_404(ctx.conn, Task, comment["object_id"])
    attachments = await rows.fetch_where(
        ctx.conn, AttachmentFile, AttachmentFile.comment_id == comment["id"],
        AttachmentFile.reply_id == reply_id,
    )  # fmt: skip
    if attachments:
        await rows.delete_where(
            ctx.conn, AttachmentFile, AttachmentFile.id.in_([row["id"] for row in attachments])
        )
        store = ctx.state.store
        for attachment in attachments:
            ctx.after_commit.append(
                lambda key=attachment["id"]: store.delete("files", "attachments", key)
            )
    replies = [item for item in comment["replies"] if item.get("id") != reply_id]
    comment = await rows.update_row(ctx.conn, Comment, comment["id"], {"replies": replies})
    await rows.delete_where(ctx.conn, Notification, Notification.reply_id == reply_id)
    await events.emit(
        ctx, "comment:delete-reply",
        {"task_id": task["id"], "comment_id": comment["id"], "reply_id": reply_id},
        task["project_id"], persist=False,
    )  # fmt: skip
    return serialize_plain(spec_for_table("comment"), [comment])[0]
