"""Project routes.

POST /data/task-status-links    link a task status to a project (priority, board roles)
POST /data/task-type-links      link a task type to a project (priority)
"""

from __future__ import annotations

from litestar import Request

from ..context import Ctx
from ..services import projects
from .endpoint import arguments, endpoint, json_body


@endpoint("POST", "/data/task-status-links")
async def post_task_status_link(ctx: Ctx, request: Request) -> object:
    return await projects.link_task_status(ctx, await arguments(request)), 201


@endpoint("POST", "/data/task-type-links")
async def post_task_type_link(ctx: Ctx, request: Request) -> object:
    return await projects.link_task_type(ctx, await arguments(request)), 201


@endpoint("GET", "/data/projects/{project_id}/settings/preview-background-files")
async def get_project_backgrounds(ctx: Ctx, project_id: str) -> object:
    return await projects.project_backgrounds(ctx, project_id)


@endpoint("POST", "/data/projects/{project_id}/settings/preview-background-files")
async def post_project_background(ctx: Ctx, request: Request, project_id: str) -> object:
    return await projects.add_project_background(ctx, project_id, await json_body(request)), 201


@endpoint(
    "DELETE",
    "/data/projects/{project_id}/settings/preview-background-files/{preview_background_file_id}",
)
async def delete_project_background(
    ctx: Ctx, project_id: str, preview_background_file_id: str
) -> object:
    await projects.remove_project_background(ctx, project_id, preview_background_file_id)
    return None, 204


ROUTES = [
    post_task_status_link,
    post_task_type_link,
    get_project_backgrounds,
    post_project_background,
    delete_project_background,
]
