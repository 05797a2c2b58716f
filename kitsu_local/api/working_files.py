"""Working files of tasks: paths, revisions, the stored binary, comment and modification date
(zou-behaviour.md 3.12).

    POST /data/tasks/{task_id}/working-file-path             {path, name} from the file tree
    GET  /data/tasks/{task_id}/working-files                 revisions >= 0, highest first
    GET  /data/tasks/{task_id}/working-files/last-revisions  {name: highest revision}
    POST /data/tasks/{task_id}/working-files/new             201 new revision, caller assigned
    GET  /data/working-files/{working_file_id}/file          the stored binary
    POST /data/working-files/{working_file_id}/file          multipart ``file``: 201 the record
    PUT  /actions/working-files/{working_file_id}/comment    {"comment"}
    PUT  /actions/working-files/{working_file_id}/modified   updated_at = now

A malformed or missing file tree answers 400 ``{"message", "received_data"}`` on the path route,
and on ``new`` too (a 500 in Zou).
"""

from __future__ import annotations

from typing import Any

from litestar import Request

from ..context import Ctx
from ..errors import MALFORMED_BODY_MESSAGE, BadRequest
from ..services import working_files as service
from ..services.working_files import NewWorkingFileBody, WorkingFileCommentBody, WorkingFilePathBody
from .endpoint import endpoint, parse
from .files_http import FileNotFound, file_response, received_uploads
from .output_files import path_or_400

BINARY = "application/octet-stream"


@endpoint("POST", "/data/tasks/{task_id}/working-file-path")
async def working_file_path(ctx: Ctx, request: Request, task_id: str) -> Any:
    body = await parse(request, WorkingFilePathBody)
    return await path_or_400(request, service.working_file_path(ctx, task_id, body))


@endpoint("GET", "/data/tasks/{task_id}/working-files")
async def task_working_files(ctx: Ctx, task_id: str) -> Any:
    return await service.task_working_files(ctx, task_id)


@endpoint("GET", "/data/tasks/{task_id}/working-files/last-revisions")
async def last_working_files(ctx: Ctx, task_id: str) -> Any:
    return await service.last_working_files(ctx, task_id)


@endpoint("POST", "/data/tasks/{task_id}/working-files/new")
async def new_working_file(ctx: Ctx, request: Request, task_id: str) -> Any:
    body = await parse(request, NewWorkingFileBody)
    return await path_or_400(request, service.new_working_file(ctx, task_id, body))


@endpoint("GET", "/data/working-files/{working_file_id}/file")
async def download_working_file(ctx: Ctx, request: Request, working_file_id: str) -> Any:
    working_file = await service.readable_working_file(ctx, working_file_id)
    path = ctx.state.store.path("files", "working", working_file["id"])
    if not path.is_file():
        raise FileNotFound(f"Working file not found for: {working_file_id}")
    return file_response(request, path, BINARY, working_file["updated_at"])


@endpoint("POST", "/data/working-files/{working_file_id}/file")
async def upload_working_file(ctx: Ctx, request: Request, working_file_id: str) -> Any:
    working_file = await service.readable_working_file(ctx, working_file_id)
    async with received_uploads(request, ctx.state.store) as uploads:
        upload = uploads.first("file")
        if upload is None:
            raise BadRequest(MALFORMED_BODY_MESSAGE)
        ctx.state.store.put_file("files", "working", working_file["id"], upload.path, move=True)
    return await service.with_outputs(ctx, working_file), 201


@endpoint("PUT", "/actions/working-files/{working_file_id}/comment")
async def comment_working_file(ctx: Ctx, request: Request, working_file_id: str) -> Any:
    body = await parse(request, WorkingFileCommentBody)
    return await service.update_comment(ctx, working_file_id, body.comment)


@endpoint("PUT", "/actions/working-files/{working_file_id}/modified")
async def modified_working_file(ctx: Ctx, working_file_id: str) -> Any:
    return await service.touch(ctx, working_file_id)


ROUTES = [
    working_file_path,
    task_working_files,
    last_working_files,
    new_working_file,
    download_working_file,
    upload_working_file,
    comment_working_file,
    modified_working_file,
]
