"""The caller's own account data besides notifications, subscriptions and filters: the chats
they joined, their time spents and days off (Zou's ``chats_service`` and
``time_spents_service`` for the current user)."""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import select

from .. import events, rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import WrongParameter
from ..models import Chat, ChatParticipant, DayOff, Entity, Project, ProjectStatus, Task, TimeSpent
from .crud import serialize_plain
from .entity_chats import chat_entity, chat_of
from .project_news import full_entity_names
from .spec import spec_for_table

DATE_MESSAGE = "Wrong date format."


def parse_day(value: str, message: str = DATE_MESSAGE) -> datetime.date:
    """A day as PostgreSQL casts text to a date (``2024-03-04``, or a datetime's day)."""
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        pass
    try:
        return datetime.datetime.fromisoformat(value).date()
    except (TypeError, ValueError):
        raise WrongParameter(message) from None


# ---- chats -----------------------------------------------------------------------------------
async def chats(ctx: Ctx) -> list[dict[str, Any]]:
    """The chats the caller joined, on entities of open projects, with the entity's name."""
    query = (
        select(Chat.id, Chat.object_id, Chat.last_message, Entity.project_id,
               Entity.preview_file_id)
        .join(ChatParticipant, ChatParticipant.chat_id == Chat.id)
        .join(Entity, Entity.id == Chat.object_id)
        .join(Project, Project.id == Entity.project_id)
        .join(ProjectStatus, ProjectStatus.id == Project.project_status_id)
        .where(ChatParticipant.person_id == ctx.me.id, ProjectStatus.name == "Open")
        .order_by(Chat.created_at)
    )  # fmt: skip
    found = [dict(row) for row in (await ctx.conn.execute(query)).mappings()]
    names = await full_entity_names(ctx, [row["object_id"] for row in found])
    return [
        {
            "id": row["id"],
            "object_id": row["object_id"],
            "last_message": row["last_message"].isoformat(timespec="seconds")
            if row["last_message"]
            else None,
            "entity_name": names.get(row["object_id"], ("", None))[0],
            "project_id": row["project_id"],
            "preview_file_id": row["preview_file_id"],
        }
        for row in found
    ]


async def _entity_chat(ctx: Ctx, entity_id: str) -> dict[str, Any]:
    return await chat_of(ctx, await chat_entity(ctx, entity_id))


async def join_chat(ctx: Ctx, entity_id: str) -> dict[str, Any]:
    """The caller joins the entity's chat (created when missing); joining twice is a no-op."""
    chat = await _entity_chat(ctx, entity_id)
    joined = await rows.count_where(
        ctx.conn,
        ChatParticipant,
        ChatParticipant.chat_id == chat["id"],
        ChatParticipant.person_id == ctx.me.id,
    )
    if not joined:
        await rows.insert_row(
            ctx.conn, ChatParticipant, {"chat_id": chat["id"], "person_id": ctx.me.id}
        )
    await events.emit(
        ctx, "chat:joined", {"chat_id": chat["id"], "person_id": ctx.me.id}, persist=False
    )
    return serialize_plain(spec_for_table("chat"), [chat])[0]


async def leave_chat(ctx: Ctx, entity_id: str) -> None:
    chat = await _entity_chat(ctx, entity_id)
    await rows.delete_where(
        ctx.conn,
        ChatParticipant,
        ChatParticipant.chat_id == chat["id"],
        ChatParticipant.person_id == ctx.me.id,
    )
    await events.emit(
        ctx, "chat:left", {"chat_id": chat["id"], "person_id": ctx.me.id}, persist=False
    )


# ---- time spents and days off ----------------------------------------------------------------
def _time_spents(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return serialize_plain(spec_for_table("time_spent"), found)


async def time_spents(ctx: Ctx, start: str | None, end: str | None) -> list[dict[str, Any]]:
    """The caller's time spents; between two days (both included) with the project and task
    type of their task. Without a range Zou answers none (it filters on a null date): we
    answer all of them."""
    if not start and not end:
        found = await rows.fetch_where(
            ctx.conn, TimeSpent, TimeSpent.person_id == ctx.me.id, order_by=TimeSpent.date
        )
        return _time_spents(found)
    if not start or not end:
        raise WrongParameter(
            "If querying for a range of dates, both a `start_date` and an `end_date` must be given."
        )
    message = f"Wrong date format for {start} and/or {end}"
    first, last = parse_day(start, message), parse_day(end, message)
    query = (
        select(TimeSpent.__table__, Task.project_id, Task.task_type_id)
        .join(Task, Task.id == TimeSpent.task_id)
        .where(TimeSpent.person_id == ctx.me.id, TimeSpent.date.between(first, last))
        .order_by(TimeSpent.date)
    )
    found = [dict(row) for row in (await ctx.conn.execute(query)).mappings()]
    items = _time_spents(found)
    for item, row in zip(items, found, strict=True):
        item["project_id"] = row["project_id"]
        item["task_type_id"] = row["task_type_id"]
    return items


async def day_time_spents(ctx: Ctx, date: str) -> list[dict[str, Any]]:
    found = await rows.fetch_where(
        ctx.conn, TimeSpent, TimeSpent.person_id == ctx.me.id, TimeSpent.date == parse_day(date)
    )
    return _time_spents(found)


async def task_time_spent(ctx: Ctx, task_id: str, date: str) -> dict[str, Any]:
    """The caller's time spent on a task that day; ``{}`` when there is none (Zou fails with
    a 500 there, and on a malformed task id)."""
    day = parse_day(date)
    if not is_valid_id(task_id):
        return {}
    found = await rows.first_where(
        ctx.conn,
        TimeSpent,
        TimeSpent.person_id == ctx.me.id,
        TimeSpent.task_id == task_id,
        TimeSpent.date == day,
    )
    return _time_spents([found])[0] if found else {}


async def day_off(ctx: Ctx, date: str) -> dict[str, Any]:
    """The caller's day off covering that day, ``{}`` when none."""
    day = parse_day(date)
    found = await rows.first_where(
        ctx.conn,
        DayOff,
        DayOff.person_id == ctx.me.id,
        DayOff.date <= day,
        DayOff.end_date >= day,
    )
    return serialize_plain(spec_for_table("day_off"), [found])[0] if found else {}
