"""What is done to a playlist besides its CRUD: an entity added to it, its clients told it is
ready, its share links (Zou's ``playlists_service.add_entities_to_playlist``,
``notifications_service.notify_clients_playlist_ready`` and ``playlist_sharing_service``)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from sqlalchemy import func, select

from .. import events, rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import NotFound, PermissionDenied, WrongParameter
from ..models import (
    DepartmentLink,
    Notification,
    Person,
    Playlist,
    PlaylistShareLink,
    PreviewFile,
    ProjectPersonLink,
    Task,
)  # fmt: skip
from .crud import serialize_plain
from .persons import hash_password
from .playlists import check_playlist_change
from .spec import Row, spec_for_table


async def _playlist(ctx: Ctx, playlist_id: str) -> Row:
    """The playlist: 404 when unknown or not an id (Zou's ``get_playlist``)."""
    if not is_valid_id(playlist_id):
        raise NotFound()
    return await rows.fetch_or_404(ctx.conn, Playlist, playlist_id)


async def playlist_to_change(ctx: Ctx, playlist_id: str) -> Row:
    """The playlist, for a manager of its project or the supervisor member who made it."""
    playlist = await _playlist(ctx, playlist_id)
    await check_playlist_change(ctx, playlist)
    return playlist


async def playlist_to_notify(ctx: Ctx, playlist_id: str) -> Row:
    """The playlist, for a manager of its project."""
    playlist = await _playlist(ctx, playlist_id)
    ctx.me.require_manager(playlist["project_id"])
    return playlist


def present_playlist(playlist: Row) -> dict[str, Any]:
    return serialize_plain(spec_for_table("playlist"), [playlist])[0]


# ==== entities ===============================================================================
async def add_entity(
    ctx: Ctx, playlist: Row, entity_id: str, preview_file_id: str | None
) -> dict[str, Any]:
    """POST /actions/playlists/{id}/add-entity: the (entity, preview) couple appended unless
    the playlist has it; a preview of another entity is dropped, and without one the entity's
    latest preview (highest revision, of the playlist's task type if it has one) is taken."""
    if preview_file_id is not None:
        owner = (
            await ctx.conn.execute(
                select(Task.entity_id)
                .join(PreviewFile, PreviewFile.task_id == Task.id)
                .where(PreviewFile.id == preview_file_id)
            )
        ).scalar()
        if owner != entity_id:
            preview_file_id = None
    if preview_file_id is None:
        query = (
            select(PreviewFile.id)
            .join(Task, Task.id == PreviewFile.task_id)
            .where(Task.entity_id == entity_id)
            .order_by(PreviewFile.revision.desc(), PreviewFile.created_at.desc())
            .limit(1)
        )
        if playlist["task_type_id"]:
            query = query.where(Task.task_type_id == playlist["task_type_id"])
        preview_file_id = (await ctx.conn.execute(query)).scalar()
    shots = list(playlist["shots"] or [])
    present = {(shot.get("entity_id"), shot.get("preview_file_id")) for shot in shots}
    if (entity_id, preview_file_id) in present:
        return present_playlist(playlist)
    shot = {"entity_id": entity_id}
    if preview_file_id is not None:
        shot["preview_file_id"] = preview_file_id
    playlist = await rows.update_row(ctx.conn, Playlist, playlist["id"], {"shots": [*shots, shot]})
    await events.emit(
        ctx, "playlist:add_entity",
        {"playlist_id": playlist["id"], "entity_id": entity_id, "preview_file_id": preview_file_id},
        playlist["project_id"],
    )  # fmt: skip
    return present_playlist(playlist)


# ==== clients ================================================================================
async def notify_clients(
    ctx: Ctx, playlist: Row, studio_id: str | None, department_id: str | None
) -> dict[str, str]:
    """POST /data/playlists/{id}/notify-clients: a ``playlist-ready`` notification for each
    client of the project (not bots nor preview accounts), of a studio or a department when
    given. Managers of the project."""
    project_id = playlist["project_id"]
    query = (
        select(Person.id)
        .join(ProjectPersonLink, ProjectPersonLink.person_id == Person.id)
        .where(
            ProjectPersonLink.project_id == project_id,
            Person.is_bot.is_not(True),
            Person.preview_project_id.is_(None),
            func.coalesce(ProjectPersonLink.role, Person.role) == "client",
        )
        .distinct()
        .order_by(Person.id)
    )
    if studio_id:
        query = query.where(Person.studio_id == studio_id)
    if department_id:
        query = query.join(DepartmentLink, DepartmentLink.person_id == Person.id).where(
            DepartmentLink.department_id == department_id
        )
    for person_id in (await ctx.conn.execute(query)).scalars():
        notification = await rows.insert_row(
            ctx.conn, Notification,
            {
                "person_id": person_id, "author_id": ctx.me.id, "playlist_id": playlist["id"],
                "type": "playlist-ready", "read": False, "change": False,
            },
        )  # fmt: skip
        await events.emit(
            ctx, "notification:new", {"notification_id": notification["id"], "person_id": person_id},
            project_id, persist=False,
        )  # fmt: skip
    return {"status": "success"}


# ==== share links ============================================================================
def present_share_links(found: list[Row]) -> list[dict[str, Any]]:
    """Share links as Zou serializes them: never the password, ``has_password`` instead."""
    items = serialize_plain(spec_for_table("playlist_share_link"), found)
    for item, row in zip(items, found, strict=True):
        item.pop("password", None)
        item["has_password"] = bool(row["password"])
    return items


async def managed_playlist(ctx: Ctx, playlist_id: str) -> Row:
    """The playlist, for a manager (by role, then of its project)."""
    if not ctx.me.has_manager_role():
        raise PermissionDenied()
    playlist = await _playlist(ctx, playlist_id)
    ctx.me.require_manager(playlist["project_id"])
    return playlist


def _expiration(value: str | None) -> datetime.datetime | None:
    """A day names its whole day (its last second); a timestamp is taken as given."""
    if not value:
        return None
    try:
        return datetime.datetime.combine(datetime.date.fromisoformat(value), datetime.time.max)
    except ValueError:
        pass
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise WrongParameter(f"{value} is not a valid ISO 8601 date") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return moment


async def share_links(ctx: Ctx, playlist_id: str) -> list[dict[str, Any]]:
    """GET /data/playlists/{id}/share: the active links, oldest first."""
    playlist = await managed_playlist(ctx, playlist_id)
    found = await rows.fetch_where(
        ctx.conn, PlaylistShareLink, PlaylistShareLink.playlist_id == playlist["id"],
        PlaylistShareLink.is_active.is_(True),
        order_by=(PlaylistShareLink.created_at, PlaylistShareLink.id),
    )  # fmt: skip
    return present_share_links(found)


async def create_share_link(
    ctx: Ctx, playlist: Row, expiration_date: str | None, can_comment: bool,
    password: str | None,
) -> dict[str, Any]:  # fmt: skip
    """POST /data/playlists/{id}/share: a new token; the password is kept hashed."""
    hashed = hash_password(password, ctx.settings.bcrypt_rounds).decode() if password else None
    link = await rows.insert_row(
        ctx.conn, PlaylistShareLink,
        {
            "token": str(uuid.uuid4()), "playlist_id": playlist["id"], "created_by": ctx.me.id,
            "expiration_date": _expiration(expiration_date), "can_comment": can_comment,
            "password": hashed, "is_active": True,
        },
    )  # fmt: skip
    return present_share_links([link])[0]


async def revoke_share_link(ctx: Ctx, playlist_id: str, token: str) -> dict[str, Any]:
    """DELETE /data/playlists/{id}/share/{token}: the link deactivated, kept; 404 when the token
    is unknown or of another playlist."""
    playlist = await managed_playlist(ctx, playlist_id)
    link = await rows.first_where(ctx.conn, PlaylistShareLink, PlaylistShareLink.token == token)
    if link is None or link["playlist_id"] != playlist["id"]:
        raise NotFound()
    link = await rows.update_row(ctx.conn, PlaylistShareLink, link["id"], {"is_active": False})
    return present_share_links([link])[0]
