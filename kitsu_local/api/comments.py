"""Posting comments, with their attachments and previews (zou-data-model.md 8.2,
zou-behaviour.md 3.3, 3.11).

    POST   /actions/tasks/{task_id}/comment                           JSON or multipart (files)
    POST   /actions/tasks/{task_id}/batch-comment                     comments + preview_file-<i>
    POST   /actions/tasks/batch-comment                               the same, one task per comment
    POST   /actions/tasks/{task_id}/comments/{comment_id}/add-attachment
    DELETE /data/tasks/{task_id}/comments/{comment_id}/attachments/{attachment_id}
    GET    /data/attachment-files/{attachment_file_id}/file/{file_name}
    GET    /pictures/thumbnails/attachment-files/{attachment_file_id}.png
    GET    /data/tasks/{task_id}/attachment-files
    GET    /data/projects/{project_id}/attachment-files
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from litestar import Request

from .. import rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import NotFound, PermissionDenied, WrongParameter
from ..models import AttachmentFile, Comment, Task
from ..permissions import require_task_access
from ..services import previews
from ..services.crud import serialize_plain
from ..services.reviews import CommentArgs, add_attachment, post_comment
from ..services.spec import spec_for_table
from .endpoint import endpoint, json_body
from .files_http import Uploads, file_response, inline_or_attachment, received_uploads


def comment_args(source: dict[str, Any]) -> CommentArgs:
    """Zou's CommentCreateSchema: checklist and links may come as JSON strings (multipart)."""
    status_id = source.get("task_status_id")
    if not isinstance(status_id, str) or not status_id:
        raise WrongParameter(
            "Validation error.",
            {"errors": [{"field": "task_status_id", "message": "Field required"}]},
        )

    def as_list(name: str) -> list[Any]:
        value = source.get(name)
        if value in (None, ""):
            return []
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise WrongParameter(
                    "Validation error.",
                    {"errors": [{"field": name, "message": "Input should be a valid list"}]},
                ) from None
        if not isinstance(value, list):
            raise WrongParameter(
                "Validation error.",
                {"errors": [{"field": name, "message": "Input should be a valid list"}]},
            )
        return value

    for_client = source.get("for_client", False)
    text = source.get("comment", "")
    return CommentArgs(
        task_status_id=status_id,
        text=text if isinstance(text, str) else str(text),
        person_id=source.get("person_id") or None,
        created_at=source.get("created_at") or None,
        checklist=as_list("checklist"),
        links=as_list("links"),
        for_client=for_client is True or str(for_client).lower() == "true",
    )


async def _arguments(request: Request, uploads: Uploads) -> dict[str, Any]:
    if uploads.fields or uploads.files:
        return dict(uploads.fields)
    body = await json_body(request, required=False)
    return body if isinstance(body, dict) else {}


@endpoint("POST", "/actions/tasks/{task_id}/comment")
async def post_task_comment(ctx: Ctx, request: Request, task_id: str) -> Any:
    async with received_uploads(request, ctx.state.store) as uploads:
        args = comment_args(await _arguments(request, uploads))
        files = [upload for uploaded in uploads.files.values() for upload in uploaded]
        return await post_comment(ctx, task_id, args, files), 201


async def _batch(ctx: Ctx, request: Request, task_id: str | None) -> Any:
    async with received_uploads(request, ctx.state.store) as uploads:
        source = await _arguments(request, uploads)
        comments = source.get("comments", [])
        if isinstance(comments, str):
            try:
                comments = json.loads(comments)
            except ValueError:
                raise WrongParameter("comments must be a JSON list.") from None
        if not isinstance(comments, list) or not all(isinstance(item, dict) for item in comments):
            raise WrongParameter("comments must be a list of comments.")
        created = []
        for index, item in enumerate(comments):
            target = task_id or item.get("task_id")
            if not is_valid_id(target):
                raise WrongParameter("Each comment needs a valid task_id.")
            args = comment_args({**item, "comment": item.get("text", item.get("comment", ""))})
            attachments = [
                upload for key, uploaded in uploads.files.items()
                if key.startswith(f"attachment_file-{index}") for upload in uploaded
            ]  # fmt: skip
            comment = await post_comment(ctx, target, args, attachments)
            comment["preview_files"] = []
            for key, uploaded in uploads.files.items():
                if not key.startswith(f"preview_file-{index}"):
                    continue
                for upload in uploaded:
                    preview = await previews.add_preview_to_comment(ctx, target, comment["id"])
                    row = await rows.fetch_or_404(ctx.conn, previews.PreviewFile, preview["id"])
                    # A batch skips the files it cannot take, as Zou does.
                    with contextlib.suppress(previews.RejectedUpload):
                        comment["preview_files"].append(
                            await previews.receive_upload(ctx, row, upload)
                        )
            created.append(comment)
        return created, 201


@endpoint("POST", "/actions/tasks/{task_id}/batch-comment")
async def post_task_batch_comment(ctx: Ctx, request: Request, task_id: str) -> Any:
    return await _batch(ctx, request, task_id)


@endpoint("POST", "/actions/tasks/batch-comment")
async def post_tasks_batch_comment(ctx: Ctx, request: Request) -> Any:
    return await _batch(ctx, request, None)


async def _own_comment(ctx: Ctx, task_id: str, comment_id: str) -> tuple[dict, dict]:
    """The comment of that task; its author or a manager of the project may change it."""
    task = await rows.fetch_or_404(ctx.conn, Task, task_id)
    comment = await rows.fetch_or_404(ctx.conn, Comment, comment_id)
    if comment["object_id"] != task["id"]:
        raise PermissionDenied()
    if comment["person_id"] != ctx.me.id:
        ctx.me.require_manager(task["project_id"])
    return task, comment


@endpoint("POST", "/actions/tasks/{task_id}/comments/{comment_id}/add-attachment")
async def post_add_attachment(ctx: Ctx, request: Request, task_id: str, comment_id: str) -> Any:
    _, comment = await _own_comment(ctx, task_id, comment_id)
    async with received_uploads(request, ctx.state.store) as uploads:
        files = [upload for uploaded in uploads.files.values() for upload in uploaded]
        if not files:
            raise WrongParameter("File not provided.")
        added = [await add_attachment(ctx, comment, upload) for upload in files]
    spec = spec_for_table("attachment_file")
    return await spec.hooks.present(ctx, spec, added, serialize_plain(spec, added), "list"), 201


@endpoint("DELETE", "/data/tasks/{task_id}/comments/{comment_id}/attachments/{attachment_id}")
async def delete_attachment(ctx: Ctx, task_id: str, comment_id: str, attachment_id: str) -> Any:
    _, comment = await _own_comment(ctx, task_id, comment_id)
    attachment = await rows.fetch_or_404(ctx.conn, AttachmentFile, attachment_id)
    if attachment["comment_id"] != comment["id"]:
        raise PermissionDenied()
    await rows.delete_row(ctx.conn, AttachmentFile, attachment["id"])
    store = ctx.state.store
    ctx.after_commit.append(lambda: store.delete("files", "attachments", attachment["id"]))
    return None, 204


async def _readable_attachment(ctx: Ctx, attachment_id: str) -> dict:
    spec = spec_for_table("attachment_file")
    attachment = await rows.fetch_or_404(ctx.conn, AttachmentFile, attachment_id)
    await spec.policy.read(ctx, attachment)
    return attachment


@endpoint("GET", "/data/attachment-files/{attachment_file_id}/file/{file_name}")
async def get_attachment_file(
    ctx: Ctx, request: Request, attachment_file_id: str, file_name: str
) -> Any:
    attachment = await _readable_attachment(ctx, attachment_file_id)
    path = ctx.state.store.path("files", "attachments", attachment["id"])
    mimetype = attachment["mimetype"] or "application/octet-stream"
    return file_response(
        request,
        path,
        mimetype,
        attachment["updated_at"],
        attachment["name"],
        inline_or_attachment(mimetype),
    )


@endpoint("GET", "/pictures/thumbnails/attachment-files/{file_name}")
async def get_attachment_thumbnail(ctx: Ctx, request: Request, file_name: str) -> Any:
    attachment_id, _, extension = file_name.partition(".")
    if not is_valid_id(attachment_id) or extension != "png":
        raise NotFound()
    attachment = await _readable_attachment(ctx, attachment_id)
    path = ctx.state.store.path("pictures", "thumbnails", attachment["id"])
    return file_response(request, path, "image/png", attachment["updated_at"])


@endpoint("GET", "/data/tasks/{task_id}/attachment-files")
async def get_task_attachments(ctx: Ctx, task_id: str) -> Any:
    task = await rows.fetch_or_404(ctx.conn, Task, task_id)
    ctx.me.require_admin()
    await require_task_access(ctx, task)
    found = await ctx.conn.execute(
        AttachmentFile.__table__.select()
        .join(Comment, Comment.id == AttachmentFile.comment_id)
        .where(Comment.object_id == task["id"])
    )
    return serialize_plain(
        spec_for_table("attachment_file"), [dict(row) for row in found.mappings()]
    )


@endpoint("GET", "/data/projects/{project_id}/attachment-files")
async def get_project_attachments(ctx: Ctx, project_id: str) -> Any:
    ctx.me.require_admin()
    project_id = rows.check_id(project_id)
    found = await ctx.conn.execute(
        AttachmentFile.__table__.select()
        .join(Comment, Comment.id == AttachmentFile.comment_id)
        .join(Task, Task.id == Comment.object_id)
        .where(Task.project_id == project_id)
    )
    return serialize_plain(
        spec_for_table("attachment_file"), [dict(row) for row in found.mappings()]
    )


ROUTES = [
    post_task_comment,
    post_task_batch_comment,
    post_tasks_batch_comment,
    post_add_attachment,
    delete_attachment,
    get_attachment_file,
    get_attachment_thumbnail,
    get_task_attachments,
    get_project_attachments,
]
