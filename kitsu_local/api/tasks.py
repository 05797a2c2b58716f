"""Task routes.

GET /data/tasks/{task_id}/full    the task with its entity, project, type, status, people
"""

from __future__ import annotations

from ..context import Ctx
from ..services import tasks
from .endpoint import endpoint


@endpoint("GET", "/data/tasks/{task_id}/full")
async def get_full_task(ctx: Ctx, task_id: str) -> object:
    return await tasks.get_full_task(ctx, task_id)


ROUTES = [get_full_task]
