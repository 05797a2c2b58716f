"""Avatars and preview background files (zou-behaviour.md 3.10).

    GET    /pictures/thumbnails/persons/{instance_id}.png        (and without .png)
    POST   /pictures/thumbnails/persons/{instance_id}            (and with .png)
    GET    /pictures/thumbnails/projects/{instance_id}.png       (and without .png)
    POST   /pictures/thumbnails/projects/{instance_id}           (.png form: admins only)
    GET    /pictures/thumbnails/organisations/{instance_id}.png  (and without .png)
    POST   /pictures/thumbnails/organisations/{instance_id}      (and with .png)
    DELETE /actions/persons/{person_id}/clear-avatar
    DELETE /actions/user/clear-avatar
    POST   /pictures/preview-background-files/{instance_id}      upload the .hdr file
    GET    /pictures/preview-background-files/{instance_id}.{extension}
    GET    /pictures/thumbnails/preview-background-files/{instance_id}.png
    POST   /pictures/thumbnails/preview-background-files/{instance_id}.png   (same as the upload)

The last path segment (``{id}`` or ``{id}.png``) is received whole as ``file_name``.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.handlers import HTTPRouteHandler

from ..columns import is_valid_id
from ..context import Ctx
from ..errors import NotFound, WrongParameter
from ..services import thumbnails
from ..services.previews import RejectedUpload
from .endpoint import endpoint
from .files_http import file_response, received_uploads


def avatar_id(file_name: str) -> tuple[str, bool]:
    """(id, whether the ``.png`` form was used) of ``<id>`` or ``<id>.png``."""
    instance_id, dot, extension = file_name.partition(".")
    if not is_valid_id(instance_id) or (dot and extension != "png"):
        raise NotFound()
    return instance_id.lower(), bool(dot)


def avatar_routes(owner: str) -> list[HTTPRouteHandler]:
    path = f"/pictures/thumbnails/{owner}/{{file_name}}"

    @endpoint("GET", path, name=f"get:{path}")
    async def get_avatar(ctx: Ctx, request: Request, file_name: str) -> Any:
        instance_id, _ = avatar_id(file_name)
        picture, modified = await thumbnails.avatar_path(ctx, owner, instance_id)
        return file_response(request, picture, "image/png", modified)

    @endpoint("POST", path, name=f"post:{path}")
    async def post_avatar(ctx: Ctx, request: Request, file_name: str) -> Any:
        instance_id, png_form = avatar_id(file_name)
        async with received_uploads(request, ctx.state.store) as uploads:
            upload = uploads.first("file")
            if upload is None:
                raise WrongParameter("File not provided.")
            # Zou's quirk: the .png form of the project path is for admins only.
            admin_only = owner == "projects" and png_form
            return await thumbnails.set_avatar(ctx, owner, instance_id, upload, admin_only), 201

    return [get_avatar, post_avatar]


@endpoint("DELETE", "/actions/persons/{person_id}/clear-avatar")
async def delete_person_avatar(ctx: Ctx, person_id: str) -> Any:
    await thumbnails.clear_avatar(ctx, person_id)
    return None, 204


@endpoint("DELETE", "/actions/user/clear-avatar", person_only=True)
async def delete_user_avatar(ctx: Ctx) -> Any:
    await thumbnails.clear_avatar(ctx, ctx.me.id)
    return None, 204


async def _upload_background(ctx: Ctx, request: Request, background_id: str) -> Any:
    async with received_uploads(request, ctx.state.store) as uploads:
        upload = uploads.first("file")
        if upload is None:
            raise WrongParameter("File not provided.")
        try:
            return await thumbnails.set_background_file(ctx, background_id, upload), 201
        except RejectedUpload as refusal:
            return refusal.body, refusal.status_code  # the record's removal is kept


@endpoint("POST", "/pictures/preview-background-files/{instance_id}")
async def post_background_file(ctx: Ctx, request: Request, instance_id: str) -> Any:
    return await _upload_background(ctx, request, instance_id)


@endpoint("GET", "/pictures/preview-background-files/{file_name}")
async def get_background_file(ctx: Ctx, request: Request, file_name: str) -> Any:
    instance_id, _, extension = file_name.partition(".")
    if not is_valid_id(instance_id):
        raise NotFound()
    path, modified = await thumbnails.background_path(
        ctx, instance_id, extension.lower(), thumbnail=False
    )
    return file_response(request, path, "image/vnd.radiance", modified)


@endpoint("GET", "/pictures/thumbnails/preview-background-files/{file_name}")
async def get_background_thumbnail(ctx: Ctx, request: Request, file_name: str) -> Any:
    instance_id, _ = avatar_id(file_name)
    path, modified = await thumbnails.background_path(ctx, instance_id, "png", thumbnail=True)
    return file_response(request, path, "image/png", modified)


@endpoint("POST", "/pictures/thumbnails/preview-background-files/{file_name}")
async def post_background_thumbnail(ctx: Ctx, request: Request, file_name: str) -> Any:
    instance_id, _ = avatar_id(file_name)
    return await _upload_background(ctx, request, instance_id)


ROUTES = [
    *avatar_routes("persons"),
    *avatar_routes("projects"),
    *avatar_routes("organisations"),
    delete_person_avatar,
    delete_user_avatar,
    post_background_file,
    get_background_file,
    get_background_thumbnail,
    post_background_thumbnail,
]
