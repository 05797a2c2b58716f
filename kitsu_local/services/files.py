"""Preview files, attachments, working and output files: their CRUD rules and presentation
forms (zou-data-model.md 3.5, 3.6, 4.3; zou-behaviour.md 3.2, 3.12)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from .. import rows
from ..context import Ctx
from ..errors import PermissionDenied, WrongParameter
from ..models import (
    Chat,
    ChatMessage,
    Comment,
    Entity,
    OutputFile,
    PreviewFile,
    Task,
    WorkingFile,
)  # fmt: skip
from ..models.base import utc_now
from .crud import CrudHooks, serialize_plain
from .spec import Row, spec_for_table

COMMENT_PREVIEW_FIELDS = (
    "id", "task_id", "revision", "extension", "width", "height", "duration", "status",
    "validation_status", "original_name", "position", "annotations",
)  # fmt: skip


def present_preview(preview: Row) -> dict[str, Any]:
    """A preview as embedded in comment lists."""
    return {key: preview.get(key) for key in COMMENT_PREVIEW_FIELDS}


class PreviewFileHooks(CrudHooks):
    async def prepare_update(self, ctx, spec, row, data, values):
        revision = values.get("revision")
        if revision is not None and revision != row["revision"] and row["position"] == 1:
            clash = await rows.first_where(
                ctx.conn, PreviewFile, PreviewFile.task_id == row["task_id"],
                PreviewFile.revision == revision, PreviewFile.position == 1,
                PreviewFile.id != row["id"],
            )  # fmt: skip
            if clash is not None:
                raise WrongParameter("Revision already exists for this task.")
            # The other previews of the revision move along with its main preview.
            await ctx.conn.execute(
                update(PreviewFile)
                .where(
                    PreviewFile.task_id == row["task_id"],
                    PreviewFile.revision == row["revision"],
                    PreviewFile.id != row["id"],
                )
                .values(revision=revision, updated_at=utc_now())
            )
        return values

    async def delete(self, ctx, spec, row, force):
        from .cascade import remove_preview_file

        await remove_preview_file(ctx, row)

    async def event(self, ctx, spec, action, row):
        task = await rows.fetch_one(ctx.conn, Task, row["task_id"]) if row.get("task_id") else None
        return (
            f"preview-file:{action}",
            {"preview_file_id": row["id"]},
            task["project_id"] if task else None,
        )


async def _preview_task(ctx: Ctx, row: Row) -> Row:
    task = await rows.fetch_one(ctx.conn, Task, row["task_id"]) if row.get("task_id") else None
    if task is None:
        ctx.me.require_admin()
    return task or {}


async def check_preview_read(ctx: Ctx, row: Row) -> None:
    from ..permissions import is_assigned

    me = ctx.me
    if me.is_admin:
        return
    task = await _preview_task(ctx, row)
    me.require_member(task["project_id"])
    if me.role_in(task["project_id"]) == "vendor" and not await is_assigned(ctx, task["id"]):
        raise PermissionDenied()


async def check_preview_update(ctx: Ctx, row: Row, data: dict[str, Any]) -> None:
    from ..permissions import is_assigned

    me = ctx.me
    if me.is_admin:
        return
    task = await _preview_task(ctx, row)
    me.require_member(task["project_id"])
    if not me.is_manager_of(task["project_id"]) and not await is_assigned(ctx, task["id"]):
        raise PermissionDenied()


async def check_preview_delete(ctx: Ctx, row: Row) -> None:
    if ctx.me.is_admin:
        return
    task = await _preview_task(ctx, row)
    ctx.me.require_manager(task["project_id"])


# ==== attachments ============================================================================
class AttachmentFileHooks(CrudHooks):
    """Scalar relations are nested objects on the wire: ``comment`` and ``chat_message``."""

    async def present(self, ctx, spec, found, items, view):

        for item, row in zip(items, found, strict=True):
            for key, model, column in (
                ("comment", Comment, "comment_id"),
                ("chat_message", ChatMessage, "chat_message_id"),
            ):
                related = (
                    await rows.fetch_one(ctx.conn, model, row[column]) if row[column] else None
                )
                item[key] = (
                    serialize_plain(spec_for_table(model.__tablename__), [related])[0]
                    if related
                    else None
                )
        return items


async def check_attachment_read(ctx: Ctx, row: Row) -> None:
    from ..permissions import has_entity_access, require_task_access

    me = ctx.me
    if me.is_admin:
        return
    if row["comment_id"]:
        comment = await rows.fetch_one(ctx.conn, Comment, row["comment_id"])
        task = await rows.fetch_one(ctx.conn, Task, comment["object_id"]) if comment else None
        if task is None:
            raise PermissionDenied()
        await require_task_access(ctx, task)
        return
    if row["chat_message_id"]:
        message = await rows.fetch_one(ctx.conn, ChatMessage, row["chat_message_id"])
        chat = await rows.fetch_one(ctx.conn, Chat, message["chat_id"]) if message else None
        entity = await rows.fetch_one(ctx.conn, Entity, chat["object_id"]) if chat else None
        if entity is None:
            raise PermissionDenied()
        me.require_member(entity["project_id"])
        if not await has_entity_access(ctx, entity["id"]):
            raise PermissionDenied()
        return
    raise PermissionDenied()


# ==== working and output files ===============================================================
class OutputFileHooks(CrudHooks):
    """``source_file`` (the working file) is nested; events carry the entity's project."""

    async def present(self, ctx, spec, found, items, view):
        source_ids = sorted({row["source_file_id"] for row in found if row["source_file_id"]})
        # One IN query per chunk of ids, whatever the number of output files.
        sources = {
            source["id"]: source
            for chunk in rows.chunked(source_ids)
            for source in await rows.fetch_where(ctx.conn, WorkingFile, WorkingFile.id.in_(chunk))
        }
        working_spec = spec_for_table("working_file")
        for item, row in zip(items, found, strict=True):
            source = sources.get(row["source_file_id"])
            item["source_file"] = serialize_plain(working_spec, [source])[0] if source else None
        return items

    async def event(self, ctx, spec, action, row):
        entity = (
            await rows.fetch_one(ctx.conn, Entity, row["entity_id"]) if row["entity_id"] else None
        )
        return (
            f"output-file:{action}",
            {"output_file_id": row["id"]},
            entity["project_id"] if entity else None,
        )


async def check_output_file_read(ctx: Ctx, row: Row) -> None:
    from ..permissions import require_entity_access

    if ctx.me.is_admin:
        return
    entity = await rows.fetch_one(ctx.conn, Entity, row["entity_id"]) if row["entity_id"] else None
    if entity is None:
        raise PermissionDenied()
    await require_entity_access(ctx, entity)


async def check_output_file_update(ctx: Ctx, row: Row, data: dict[str, Any]) -> None:
    from sqlalchemy import select

    from ..models import TaskPersonLink

    me = ctx.me
    if me.is_admin:
        return
    entity_ids = [value for value in (row["entity_id"], row["temporal_entity_id"]) if value]
    entity = await rows.fetch_one(ctx.conn, Entity, row["entity_id"]) if row["entity_id"] else None
    if entity is not None and me.is_manager_of(entity["project_id"]):
        return
    assigned = await ctx.conn.execute(
        select(Task.id)
        .join(TaskPersonLink, TaskPersonLink.task_id == Task.id)
        .where(Task.entity_id.in_(entity_ids), TaskPersonLink.person_id == me.id)
        .limit(1)
    )
    if assigned.first() is None:
        raise PermissionDenied()


async def check_working_file_read(ctx: Ctx, row: Row) -> None:
    from ..permissions import require_task_access

    if ctx.me.is_admin:
        return
    task = await rows.fetch_one(ctx.conn, Task, row["task_id"]) if row["task_id"] else None
    if task is None:
        raise PermissionDenied()
    await require_task_access(ctx, task)


async def check_working_file_update(ctx: Ctx, row: Row, data: dict[str, Any]) -> None:
    from ..permissions import require_task_action_access

    if ctx.me.is_admin:
        return
    task = await rows.fetch_one(ctx.conn, Task, row["task_id"]) if row["task_id"] else None
    if task is None:
        raise PermissionDenied()
    await require_task_action_access(ctx, task)


async def get_file(ctx: Ctx, file_id: str) -> dict[str, Any]:
    """GET /data/files/{id}: a working file, else an output file (project members)."""

    working = await rows.fetch_one(ctx.conn, WorkingFile, rows.check_id(file_id))
    if working is not None:
        task = (
            await rows.fetch_one(ctx.conn, Task, working["task_id"]) if working["task_id"] else None
        )
        ctx.me.require_member(task["project_id"] if task else None)
        return serialize_plain(spec_for_table("working_file"), [working])[0]
    output = await rows.fetch_or_404(ctx.conn, OutputFile, file_id)
    entity = (
        await rows.fetch_one(ctx.conn, Entity, output["entity_id"]) if output["entity_id"] else None
    )
    ctx.me.require_member(entity["project_id"] if entity else None)
    spec = spec_for_table("output_file")
    return (await spec.hooks.present(ctx, spec, [output], serialize_plain(spec, [output]), "read"))[
        0
    ]
