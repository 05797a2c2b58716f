"""The caller's notifications (Zou's ``user_service`` notification part): the last 100, newest
first, with what they point at (task, comment, reply, playlist), filtered as Zou filters them;
marking them read one by one or all at once.

A listing runs a fixed number of queries: the notification rows joined with their task, project,
comment and the caller's subscription, then one query per related kind (previews, mentions,
playlists, entity names)."""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.orm import aliased

from .. import events, rows
from ..columns import is_valid_id, parse_iso_datetime
from ..context import Ctx
from ..errors import NotFound, WrongParameter
from ..models import (
    Comment,
    CommentDepartmentMentions,
    CommentMentions,
    CommentPreviewLink,
    Entity,
    Notification,
    Person,
    Playlist,
    Project,
    Subscription,
    Task,
)
from .crud import serialize_plain
from .project_news import full_entity_names
from .spec import spec_for_table

LIMIT = 100
REPLY_TYPES = ("reply", "reply-mention")
ID_FILTERS = ("task_type_id", "task_status_id")


def _flag(value: str | None) -> bool | None:
    """Zou's ``get_bool_parameter``: absent is no filter, anything but "true" is false."""
    return None if value is None else value.lower() == "true"


def _moment(value: str) -> datetime.datetime:
    try:
        return parse_iso_datetime(value)
    except ValueError:
        raise WrongParameter("Wrong date format for after or before.") from None


def _listing_query(ctx: Ctx, filters: dict[str, Any]) -> Any:
    me = ctx.me
    author = aliased(Person)
    query = (
        select(
            Notification.__table__,
            Project.id.label("n_project_id"),
            Project.name.label("n_project_name"),
            Task.task_type_id.label("n_task_type_id"),
            Comment.task_status_id.label("n_task_status_id"),
            Comment.text.label("n_comment_text"),
            Comment.replies.label("n_replies"),
            Task.entity_id.label("n_entity_id"),
            Subscription.id.label("n_subscription_id"),
            author.role.label("n_author_role"),
        )
        .join(author, author.id == Notification.author_id)
        .outerjoin(Task, Task.id == Notification.task_id)
        .outerjoin(Project, Project.id == Task.project_id)
        .outerjoin(
            Subscription, and_(Subscription.task_id == Task.id, Subscription.person_id == me.id)
        )
        .outerjoin(Comment, Comment.id == Notification.comment_id)
        .where(Notification.person_id == me.id)
        .order_by(Notification.created_at.desc())
        .limit(LIMIT)
    )
    if filters.get("notification_id") is not None:
        query = query.where(Notification.id == filters["notification_id"])
    if filters.get("after") is not None:
        query = query.where(Notification.created_at > _moment(filters["after"]))
    if filters.get("before") is not None:
        query = query.where(Notification.created_at < _moment(filters["before"]))
    if filters.get("task_type_id") is not None:
        query = query.where(Task.task_type_id == filters["task_type_id"])
    if filters.get("task_status_id") is not None:
        query = query.where(Task.task_status_id == filters["task_status_id"])
    if filters.get("type") is not None:
        query = query.where(Notification.type == filters["type"])
    read = _flag(filters.get("read"))
    if read is not None:
        query = query.where(Notification.read == read)
    watching = _flag(filters.get("watching"))
    if watching is not None:
        query = query.where(Subscription.id.is_not(None) if watching else Subscription.id.is_(None))
    return query


async def _links(ctx: Ctx, model: Any, target: str, comment_ids: list[str]) -> dict[str, list]:
    """``{comment id: [linked ids]}`` of a comment link table, one query per chunk."""
    found: dict[str, list[str]] = {}
    for chunk in rows.chunked(comment_ids):
        query = select(model.comment, getattr(model, target)).where(model.comment.in_(chunk))
        for comment_id, linked in await ctx.conn.execute(query):
            found.setdefault(comment_id, []).append(linked)
    return found


async def _context(ctx: Ctx, found: list[dict[str, Any]]) -> dict[str, Any]:
    comment_ids = sorted({row["comment_id"] for row in found if row["comment_id"]})
    playlist_ids = sorted({row["playlist_id"] for row in found if row["playlist_id"]})
    entity_ids = sorted(
        {row["n_entity_id"] for row in found if row["n_entity_id"] and not row["playlist_id"]}
    )
    playlists: dict[str, dict[str, Any]] = {}
    for chunk in rows.chunked(playlist_ids):
        query = (
            select(Playlist.__table__, Project.name.label("project_name"))
            .join(Project, Project.id == Playlist.project_id)
            .where(Playlist.id.in_(chunk))
        )
        for row in (await ctx.conn.execute(query)).mappings():
            playlists[row["id"]] = dict(row)
    previews: dict[str, str] = {}
    for chunk in rows.chunked(entity_ids):
        query = select(Entity.id, Entity.preview_file_id).where(Entity.id.in_(chunk))
        previews.update({row.id: row.preview_file_id for row in await ctx.conn.execute(query)})
    comment_previews = await _links(ctx, CommentPreviewLink, "preview_file", comment_ids)
    return {
        "playlists": playlists,
        "names": await full_entity_names(ctx, entity_ids),
        "entity_previews": previews,
        "previews": comment_previews,
        "mentions": await _links(ctx, CommentMentions, "person", comment_ids),
        "department_mentions": await _links(
            ctx, CommentDepartmentMentions, "department", comment_ids
        ),
    }


def _present(row: dict[str, Any], plain: dict[str, Any], context: dict[str, Any], artist: bool):
    project_id, project_name = row["n_project_id"], row["n_project_name"]
    full_entity_name, episode_id, entity_preview_file_id = "", None, None
    playlist_name, playlist_for_entity, playlist_is_for_all = "", "", False
    playlist = context["playlists"].get(row["playlist_id"]) if row["playlist_id"] else None
    if row["playlist_id"] is None:
        if row["n_entity_id"] in context["names"]:
            full_entity_name, episode_id = context["names"][row["n_entity_id"]]
            entity_preview_file_id = context["entity_previews"].get(row["n_entity_id"])
    elif playlist is not None:
        episode_id, project_id = playlist["episode_id"], playlist["project_id"]
        project_name = playlist["project_name"]
        playlist_name = playlist["name"]
        playlist_for_entity = playlist["for_entity"]
        playlist_is_for_all = bool(playlist["is_for_all"])
    comment_id = row["comment_id"]
    previews = context["previews"].get(comment_id, []) if comment_id else []
    reply_text, reply_mentions, reply_department_mentions = "", [], []
    if row["type"] in REPLY_TYPES:
        reply = next(
            (item for item in row["n_replies"] or [] if item.get("id") == row["reply_id"]), None
        )
        if reply is not None:
            reply_text = reply.get("text")
            reply_mentions = reply.get("mentions") or []
            reply_department_mentions = reply.get("department_mentions") or []
    comment_text = row["n_comment_text"]
    if row["n_author_role"] == "client" and artist:  # artists do not read client comments
        comment_text, reply_text = "", ""
    return {
        "id": row["id"],
        "type": "Notification",
        "notification_type": row["type"],
        "author_id": row["author_id"],
        "comment_id": comment_id,
        "task_id": row["task_id"],
        "task_type_id": row["n_task_type_id"],
        "task_status_id": row["n_task_status_id"],
        "mentions": context["mentions"].get(comment_id, []) if comment_id else [],
        "department_mentions": (
            context["department_mentions"].get(comment_id, []) if comment_id else []
        ),
        "reply_mentions": reply_mentions,
        "reply_department_mentions": reply_department_mentions,
        "preview_file_id": previews[0] if previews else None,
        "project_id": project_id,
        "project_name": project_name,
        "comment_text": comment_text,
        "reply_text": reply_text,
        "created_at": plain["created_at"],
        "read": row["read"],
        "change": row["change"],
        "full_entity_name": full_entity_name,
        "episode_id": episode_id,
        "entity_preview_file_id": entity_preview_file_id,
        "subscription_id": row["n_subscription_id"],
        "playlist_id": row["playlist_id"],
        "playlist_name": playlist_name,
        "playlist_for_entity": playlist_for_entity,
        "playlist_is_for_all": playlist_is_for_all,
    }


async def last_notifications(ctx: Ctx, filters: dict[str, Any]) -> list[dict[str, Any]]:
    """The caller's last 100 notifications matching ``filters`` (Zou's query arguments)."""
    for name in ("notification_id", *ID_FILTERS):
        value = filters.get(name)
        if value is not None and not is_valid_id(value):
            raise WrongParameter(f"Invalid UUID format for {name}: {value}")
    found = [dict(row) for row in (await ctx.conn.execute(_listing_query(ctx, filters))).mappings()]
    context = await _context(ctx, found)
    plain = serialize_plain(spec_for_table("notification"), found)
    artist = ctx.me.role == "user"
    return [_present(row, item, context, artist) for row, item in zip(found, plain, strict=True)]


async def get_notification(ctx: Ctx, notification_id: str) -> dict[str, Any]:
    found = await last_notifications(ctx, {"notification_id": notification_id})
    if not found:
        raise NotFound()
    return found[0]


async def update_notification(ctx: Ctx, notification_id: str, read: bool) -> dict[str, Any]:
    """Mark one of the caller's notifications read or unread."""
    me = ctx.me
    notification = (
        await rows.first_where(
            ctx.conn,
            Notification,
            Notification.id == notification_id,
            Notification.person_id == me.id,
        )
        if is_valid_id(notification_id)
        else None
    )
    if notification is None:
        raise NotFound()
    notification = await rows.update_row(ctx.conn, Notification, notification_id, {"read": read})
    await events.emit(
        ctx,
        "notification:read" if read else "notification:unread",
        {"person_id": me.id, "notification_id": notification_id},
    )
    item = serialize_plain(spec_for_table("notification"), [notification])[0]
    item["notification_type"] = notification["type"]
    item["type"] = "Notification"
    return item


async def mark_all_as_read(ctx: Ctx) -> dict[str, bool]:
    me = ctx.me
    await ctx.conn.execute(
        update(Notification)
        .where(Notification.person_id == me.id, Notification.read.is_(False))
        .values(read=True)
    )
    await events.emit(ctx, "notification:all-read", {"person_id": me.id})
    return {"success": True}
