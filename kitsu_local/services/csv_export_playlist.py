"""The playlist CSV export (Zou's ``export/csv/playlists/{playlist_id}``).

Three header rows (``Playlist``, the context ``<project>[ - <episode>] | for shots``, the
playlist's name and creation time in the caller's timezone; a blank row; the column names),
then one row per playlist entry, in the playlist's order: the entity's full name, its frames,
the previewed task's type, retake count, the preview's revision, the task's status and the
task's last comment by someone who is not a client (author, time in the caller's timezone,
text). Vendors are refused; then Zou's playlist access with supervisors allowed.

A playlist holds its entries in one JSON column: its rows are computed up front, in a fixed
number of queries.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytz
from sqlalchemy import func, select

from .. import rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import NotFound
from ..models import (
    Comment,
    Entity,
    Person,
    Playlist,
    PreviewFile,
    Project,
    ProjectPersonLink,
    Task,
    TaskStatus,
    TaskType,
)
from .csv_export import CsvExport
from .persons import full_name
from .playlist_builds import check_playlist_access
from .project_news import full_entity_names
from .quotas import caller_timezone

COLUMNS = [
    "Entity name", "Nb Frames", "Task Type", "Retake count", "Revision", "Task Status",
    "Last comment author", "Last comment date", "Last comment",
]  # fmt: skip


async def playlist_export(ctx: Ctx, playlist_id: str) -> CsvExport:
    ctx.me.require_not_vendor()
    playlist = (
        await rows.fetch_one(ctx.conn, Playlist, playlist_id) if is_valid_id(playlist_id) else None
    )
    if playlist is None:
        raise NotFound()  # a malformed id too, as Zou's get_playlist_raw
    check_playlist_access(ctx, playlist, supervisor_access=True)
    project = await rows.fetch_or_404(ctx.conn, Project, playlist["project_id"])
    zone = caller_timezone(ctx)
    context_name = project["name"]
    if playlist["episode_id"] is not None:
        episode = await rows.fetch_one(ctx.conn, Entity, playlist["episode_id"])
        if episode is not None:
            context_name += f" - {episode['name']}"
    for_entity = "for shots" if playlist["for_entity"] == "shot" else "for assets"
    headers: list[list[Any]] = [
        ["Playlist", f"{context_name} | {for_entity}", playlist["name"],
         _local_time(playlist["created_at"], zone), "", "", ""],
        ["", "", "", "", "", "", ""],
        COLUMNS,
    ]  # fmt: skip
    entries = [entry for entry in playlist["shots"] or [] if isinstance(entry, dict)]
    body = await _entry_rows(ctx, entries, zone)
    return CsvExport(f"{project['name']} playlist {playlist['name']}", headers + body, [], _no_rows)


async def _entry_rows(ctx: Ctx, entries: list[dict[str, Any]], zone: Any) -> list[list[Any]]:
    preview_ids = [entry.get("preview_file_id") for entry in entries]
    entity_ids = [entry.get("entity_id") for entry in entries]
    previews = {
        row["id"]: row
        for row in await rows.fetch_where(ctx.conn, PreviewFile, PreviewFile.id.in_(preview_ids))
    }
    task_ids = [preview["task_id"] for preview in previews.values()]
    tasks = {
        row.id: row
        for row in await ctx.conn.execute(
            select(
                Task.id, Task.retake_count,
                TaskType.name.label("task_type_name"), TaskStatus.name.label("status_name"),
            )
            .join(TaskType, TaskType.id == Task.task_type_id)
            .join(TaskStatus, TaskStatus.id == Task.task_status_id)
            .where(Task.id.in_(task_ids))
        )
    }  # fmt: skip
    entities = {
        row.id: row
        for row in await ctx.conn.execute(
            select(Entity.id, Entity.nb_frames).where(Entity.id.in_(entity_ids))
        )
    }
    names = await full_entity_names(ctx, [entity_id for entity_id in entity_ids if entity_id])
    comments = await _last_comments(ctx, task_ids)
    lines = []
    for entry in entries:
        entity = entities.get(entry.get("entity_id"))
        preview = previews.get(entry.get("preview_file_id"))
        task = tasks.get(preview["task_id"]) if preview else None
        if entity is None or preview is None or task is None:
            continue  # Zou answers 404 for the whole file: an entry whose parts are gone
        comment = comments.get(task.id)
        lines.append(
            [
                names.get(entity.id, ("", None))[0],
                entity.nb_frames,
                task.task_type_name,
                task.retake_count,
                preview["revision"],
                task.status_name,
                full_name(comment) if comment else "",
                _local_time(comment["created_at"], zone) if comment else "",
                comment["text"] if comment else "",
            ]
        )
    return lines


async def _last_comments(ctx: Ctx, task_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Zou's ``get_last_comment_map``: per task, the latest comment whose author is not a
    client (by their role in the task's project, else their global role)."""
    found = await ctx.conn.execute(
        select(
            Comment.object_id, Comment.text, Comment.created_at,
            Person.first_name, Person.last_name,
        )
        .join(Person, Person.id == Comment.person_id)
        .join(Task, Task.id == Comment.object_id)
        .outerjoin(
            ProjectPersonLink,
            (ProjectPersonLink.person_id == Person.id)
            & (ProjectPersonLink.project_id == Task.project_id),
        )
        .where(
            Comment.object_id.in_(task_ids),
            func.coalesce(ProjectPersonLink.role, Person.role) != "client",
        )
        .order_by(Comment.object_id, Comment.created_at)
    )  # fmt: skip
    return {row.object_id: dict(row._mapping) for row in found}


def _local_time(value: datetime.datetime | None, zone: Any) -> str:
    if value is None:
        return ""
    moment = value.replace(microsecond=0, tzinfo=pytz.UTC).astimezone(zone)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


async def _no_rows(*_: Any) -> list[list[Any]]:
    return []
