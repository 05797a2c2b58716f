"""CSV imports (Zou's ``import/csv`` routes): multipart field ``file``, ``?update=true`` to
change the records that exist; 201 with the imported records. One transaction per file: a bad
row is a 400 naming its line and column, and nothing is written (services/csv_import.py).

POST /import/csv/persons                                        people by e-mail (admin)
POST /import/csv/projects/{project_id}/assets                   assets, metadata, tasks (manager)
POST /import/csv/projects/{project_id}/shots                    shots, frames, metadata, tasks
POST /import/csv/projects/{project_id}/edits                    edits, metadata, tasks
POST /import/csv/projects/{project_id}/casting                  casting links (manager)
POST /import/csv/projects/{project_id}/task-types/{task_type_id}/estimations
                                                                estimations and dates of tasks
POST /import/csv/projects/{project_id}/episodes/{episode_id}/task-types/{task_type_id}/estimations
                                                                the same, one episode's entities
"""

from __future__ import annotations

from typing import Any

import anyio
from litestar import Request

from ..context import Ctx
from ..errors import BadRequest
from ..services import csv_import, csv_import_breakdown, csv_import_casting
from ..services.breakdown_create import project_or_404
from ..services.crud import is_true
from ..services.csv_import import CsvTable
from .endpoint import endpoint
from .files_http import received_uploads

NO_FILE = "No file was sent: the CSV file goes in the multipart field 'file'."
ESTIMATIONS = "/import/csv/projects/{project_id}/task-types/{task_type_id}/estimations"
EPISODE_ESTIMATIONS = (
    "/import/csv/projects/{project_id}/episodes/{episode_id}/task-types/{task_type_id}/estimations"
)


@endpoint("POST", "/import/csv/persons")
async def import_persons_csv(ctx: Ctx, request: Request) -> Any:
    ctx.me.require_admin()
    table = await uploaded_table(ctx, request)
    return await csv_import.import_persons(ctx, table, update_asked(ctx)), 201


@endpoint("POST", "/import/csv/projects/{project_id}/assets")
async def import_assets_csv(ctx: Ctx, request: Request, project_id: str) -> Any:
    project = await manager_project(ctx, project_id)
    table = await uploaded_table(ctx, request)
    return await csv_import_breakdown.import_assets(ctx, project, table, update_asked(ctx)), 201


@endpoint("POST", "/import/csv/projects/{project_id}/shots")
async def import_shots_csv(ctx: Ctx, request: Request, project_id: str) -> Any:
    project = await manager_project(ctx, project_id)
    table = await uploaded_table(ctx, request)
    return await csv_import_breakdown.import_shots(ctx, project, table, update_asked(ctx)), 201


@endpoint("POST", "/import/csv/projects/{project_id}/edits")
async def import_edits_csv(ctx: Ctx, request: Request, project_id: str) -> Any:
    project = await manager_project(ctx, project_id)
    table = await uploaded_table(ctx, request)
    return await csv_import_breakdown.import_edits(ctx, project, table, update_asked(ctx)), 201


@endpoint("POST", "/import/csv/projects/{project_id}/casting")
async def import_casting_csv(ctx: Ctx, request: Request, project_id: str) -> Any:
    project = await manager_project(ctx, project_id)
    table = await uploaded_table(ctx, request)
    return await csv_import_casting.import_casting(ctx, project, table, update_asked(ctx)), 201


@endpoint("POST", ESTIMATIONS)
async def import_estimations_csv(
    ctx: Ctx, request: Request, project_id: str, task_type_id: str
) -> Any:
    return await _estimations(ctx, request, project_id, task_type_id, None)


@endpoint("POST", EPISODE_ESTIMATIONS)
async def import_episode_estimations_csv(
    ctx: Ctx, request: Request, project_id: str, episode_id: str, task_type_id: str
) -> Any:
    return await _estimations(ctx, request, project_id, task_type_id, episode_id)


async def _estimations(
    ctx: Ctx, request: Request, project_id: str, task_type_id: str, episode_id: str | None
) -> Any:
    project = await project_or_404(ctx, project_id)
    task_type = await csv_import_casting.estimations_task_type(
        ctx, project, task_type_id, episode_id
    )
    table = await uploaded_table(ctx, request)
    episode = episode_id.lower() if episode_id not in (None, "main", "all") else episode_id
    answer = await csv_import_casting.import_estimations(ctx, project, task_type, episode, table)
    return answer, 201


# ==== helpers ================================================================================
async def manager_project(ctx: Ctx, project_id: str) -> dict[str, Any]:
    """The project (404), for its managers (403): checked before the upload is read."""
    project = await project_or_404(ctx, project_id)
    ctx.me.require_manager(project["id"])
    return project


async def uploaded_table(ctx: Ctx, request: Request) -> CsvTable:
    """The ``file`` part of the multipart body, read as a CSV table (400 when absent)."""
    async with received_uploads(request, ctx.state.store) as uploads:
        upload = uploads.first("file")
        if upload is None:
            raise BadRequest(NO_FILE)
        content = await anyio.Path(upload.path).read_bytes()
    return csv_import.read_table(content)


def update_asked(ctx: Ctx) -> bool:
    return is_true(ctx.params.get("update"))


ROUTES = [
    import_persons_csv,
    import_assets_csv,
    import_shots_csv,
    import_edits_csv,
    import_casting_csv,
    import_estimations_csv,
    import_episode_estimations_csv,
]
