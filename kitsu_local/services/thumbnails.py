"""Avatars of persons, projects and the organisation, and the preview background files
(zou-behaviour.md 3.10). Small pictures: processed in the request."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from .. import events, rows
from ..context import Ctx
from ..errors import NotFound, WrongParameter
from ..media import MediaError
from ..models import Organisation, Person, PreviewBackgroundFile, Project
from ..storage import remove_tree
from .crud import serialize_plain
from .init_data import ensure_organisation
from .previews import RejectedUpload, Upload, extension_of
from .spec import spec_for_table

AVATAR_OWNERS = {"persons": Person, "projects": Project, "organisations": Organisation}


async def set_avatar(
    ctx: Ctx, owner: str, owner_id: str, upload: Upload, admin_only: bool = False
) -> dict[str, Any]:
    """Store a 400x400 PNG avatar for a person (self or admin), a project (its managers; admins
    on the ``.png`` form of the path) or the organisation (admins; the id is not used)."""
    from ..media import make_avatar

    me = ctx.me
    if owner == "organisations":
        me.require_admin()
        row = await ensure_organisation(ctx.conn)
    else:
        row = await rows.fetch_or_404(ctx.conn, AVATAR_OWNERS[owner], owner_id)
        if owner == "persons" and row["id"] != me.id:
            me.require_admin()
        if owner == "projects" and admin_only:
            me.require_admin()
        elif owner == "projects":
            me.require_manager(row["id"])
    work = ctx.state.store.work_dir("avatar")
    try:
        target = work / "avatar.png"
        await asyncio.to_thread(make_avatar, upload.path, target)
        ctx.state.store.put_file("pictures", "thumbnails", row["id"], target, move=True)
    except MediaError as error:
        raise WrongParameter(f"The picture could not be read: {error}") from None
    finally:
        remove_tree(work)
    await rows.update_row(ctx.conn, AVATAR_OWNERS[owner], row["id"], {"has_avatar": True})
    singular = owner[:-1]
    await events.emit(ctx, f"{singular}:set-thumbnail", {f"{singular}_id": row["id"]})
    return {"thumbnail_path": f"pictures/thumbnails/{owner}/{row['id']}.png"}


async def avatar_path(ctx: Ctx, owner: str, owner_id: str) -> tuple[Path, Any]:
    """The stored avatar (404 without one): anyone authenticated, project members for projects."""
    if owner == "organisations":
        row = await ensure_organisation(ctx.conn)
    else:
        row = await rows.fetch_or_404(ctx.conn, AVATAR_OWNERS[owner], owner_id)
        if owner == "projects":
            ctx.me.require_member(row["id"])
    if not row["has_avatar"]:
        raise NotFound()
    return ctx.state.store.path("pictures", "thumbnails", row["id"]), row["updated_at"]


async def clear_avatar(ctx: Ctx, person_id: str) -> None:
    person = await rows.fetch_or_404(ctx.conn, Person, person_id)
    if person["id"] != ctx.me.id:
        ctx.me.require_admin()
    await rows.update_row(ctx.conn, Person, person["id"], {"has_avatar": False})
    await events.emit(ctx, "person:update", {"person_id": person["id"]})
    store = ctx.state.store
    ctx.after_commit.append(lambda: store.delete("pictures", "thumbnails", person["id"]))


# ---- preview background files (HDR environments of the 3D previewer) ------------------------
async def set_background_file(ctx: Ctx, background_id: str, upload: Upload) -> dict[str, Any]:
    """Store a ``.hdr`` file and its 300x200 thumbnail; anything else is refused and the
    record removed, as Zou does."""
    from ..media import make_background_thumbnail

    ctx.me.require_admin()
    background = await rows.fetch_or_404(ctx.conn, PreviewBackgroundFile, background_id)
    name, extension = extension_of(upload.file_name)
    if extension != "hdr":
        await rows.delete_row(ctx.conn, PreviewBackgroundFile, background["id"])
        raise RejectedUpload(f"Wrong file format, extension: {extension}")
    store = ctx.state.store
    work = store.work_dir("background")
    try:
        thumbnail = work / "thumbnail.png"
        await asyncio.to_thread(make_background_thumbnail, upload.path, thumbnail)
        size = upload.path.stat().st_size
        store.put_file("pictures", "preview-backgrounds", background["id"], upload.path, move=True)
        store.put_file("pictures", "thumbnails", background["id"], thumbnail, move=True)
    except MediaError as error:
        raise WrongParameter(f"The HDR file could not be read: {error}") from None
    finally:
        remove_tree(work)
    updated = await rows.update_row(
        ctx.conn,
        PreviewBackgroundFile,
        background["id"],
        {"extension": "hdr", "original_name": name, "file_size": size},
    )
    await events.emit(
        ctx, "preview-background-file:update", {"preview_background_file_id": updated["id"]}
    )
    await events.emit(
        ctx,
        "preview-background-file:add-file",
        {"preview_background_file_id": updated["id"], "extension": "hdr"},
    )
    return serialize_plain(spec_for_table("preview_background_file"), [updated])[0]


async def background_path(
    ctx: Ctx, background_id: str, extension: str, thumbnail: bool
) -> tuple[Path, Any]:
    background = await rows.fetch_or_404(ctx.conn, PreviewBackgroundFile, background_id)
    if not thumbnail and extension != background["extension"]:
        raise NotFound()
    prefix = "thumbnails" if thumbnail else "preview-backgrounds"
    return ctx.state.store.path("pictures", prefix, background["id"]), background["updated_at"]
