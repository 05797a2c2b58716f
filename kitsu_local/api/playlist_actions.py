"""Playlist actions: an entity added, the clients told, share links.

POST   /actions/playlists/{playlist_id}/add-entity       an (entity, preview) couple appended
                                                         (managers, or the supervisor who made it)
POST   /data/playlists/{playlist_id}/notify-clients      ``playlist-ready`` to the project's clients
                                                         (studio_id, department_id narrow it)
GET    /data/playlists/{playlist_id}/share               the active share links (managers)
POST   /data/playlists/{playlist_id}/share               a new share link (expiration_date,
                                                         can_comment, password)
DELETE /data/playlists/{playlist_id}/share/{token}       the link deactivated (answers it)
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request
from pydantic import ConfigDict, ValidationError, field_validator

from ..bodies import Body
from ..context import Ctx
from ..errors import WrongParameter
from ..services import playlist_actions
from .endpoint import endpoint, json_body, parse


def _blank_is_none(value: Any) -> Any:
    return None if value == "" else value


class AddEntityBody(Body):
    model_config = ConfigDict(extra="ignore")
    entity_id: UUID
    preview_file_id: UUID | None = None

    _blank = field_validator("preview_file_id", mode="before")(_blank_is_none)


class NotifyClientsBody(Body):
    model_config = ConfigDict(extra="ignore")
    studio_id: UUID | None = None
    department_id: UUID | None = None

    _blank = field_validator("studio_id", "department_id", mode="before")(_blank_is_none)


class ShareLinkBody(Body):
    model_config = ConfigDict(extra="ignore")
    expiration_date: str | None = None
    can_comment: bool = True
    password: str | None = None

    _blank = field_validator("expiration_date", "password", mode="before")(_blank_is_none)


@endpoint("POST", "/actions/playlists/{playlist_id}/add-entity")
async def add_entity(ctx: Ctx, request: Request, playlist_id: str) -> object:
    playlist = await playlist_actions.playlist_to_change(ctx, playlist_id)
    body = await parse(request, AddEntityBody)
    return await playlist_actions.add_entity(
        ctx, playlist, str(body.entity_id),
        str(body.preview_file_id) if body.preview_file_id else None,
    )  # fmt: skip


@endpoint("POST", "/data/playlists/{playlist_id}/notify-clients")
async def notify_clients(ctx: Ctx, request: Request, playlist_id: str) -> object:
    playlist = await playlist_actions.playlist_to_notify(ctx, playlist_id)
    data = await json_body(request, required=False)
    try:
        body = NotifyClientsBody.model_validate(data or {})
    except ValidationError as error:
        errors = [
            {"field": ".".join(str(part) for part in item["loc"]), "message": item["msg"]}
            for item in error.errors()
        ]
        raise WrongParameter("Validation error.", {"errors": errors}) from None
    return await playlist_actions.notify_clients(
        ctx, playlist,
        str(body.studio_id) if body.studio_id else None,
        str(body.department_id) if body.department_id else None,
    )  # fmt: skip


@endpoint("GET", "/data/playlists/{playlist_id}/share")
async def get_share_links(ctx: Ctx, playlist_id: str) -> object:
    return await playlist_actions.share_links(ctx, playlist_id)


@endpoint("POST", "/data/playlists/{playlist_id}/share")
async def post_share_link(ctx: Ctx, request: Request, playlist_id: str) -> object:
    playlist = await playlist_actions.managed_playlist(ctx, playlist_id)
    body = await parse(request, ShareLinkBody)
    return await playlist_actions.create_share_link(
        ctx, playlist, body.expiration_date, body.can_comment, body.password
    ), 201


@endpoint("DELETE", "/data/playlists/{playlist_id}/share/{token}")
async def delete_share_link(ctx: Ctx, playlist_id: str, token: str) -> object:
    return await playlist_actions.revoke_share_link(ctx, playlist_id, token)


ROUTES = [add_entity, notify_clients, get_share_links, post_share_link, delete_share_link]
