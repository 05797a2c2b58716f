"""Project routes.

POST /data/task-status-links    link a task status to a project (priority, board roles)
POST /data/task-type-links      link a task type to a project (priority)
"""

from __future__ import annotations

from litestar import Request

from ..context import Ctx
from ..services import projects
from .endpoint import arguments, endpoint


@endpoint("POST", "/data/task-status-links")
async def post_task_status_link(ctx: Ctx, request: Request) -> object:
    return await projects.link_task_status(ctx, await arguments(request)), 201


@endpoint("POST", "/data/task-type-links")
async def post_task_type_link(ctx: Ctx, request: Request) -> object:
    return await projects.link_task_type(ctx, await arguments(request)), 201


ROUTES = [post_task_status_link, post_task_type_link]
