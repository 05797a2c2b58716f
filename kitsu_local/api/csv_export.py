"""CSV exports (Zou's ``export/csv`` blueprint), streamed as the query is read.

GET /export/csv/persons.csv      people: names, e-mail, role, departments, contract (manager)
GET /export/csv/projects.csv     projects and their status (manager)
GET /export/csv/task-types.csv   task types by department (manager)
GET /export/csv/tasks.csv        tasks of the open projects (manager)
GET /export/csv/time-spents.csv  time spents of the open projects (manager)
GET /export/csv/projects/{project_id}/assets.csv  assets, metadata, task statuses (team)
GET /export/csv/projects/{project_id}/shots.csv   shots, frames, metadata, task statuses (team)
GET /export/csv/projects/{project_id}/edits.csv   edits, metadata, task statuses (team)
GET /export/csv/projects/{project_id}/casting.csv casting links (team)
GET /export/csv/playlists/{playlist_id}           a playlist's entries and last comments
"""

from __future__ import annotations

from litestar.response import Stream

from ..context import Ctx
from ..services import (
    csv_export,
    csv_export_breakdown,
    csv_export_casting,
    csv_export_playlist,
)
from ..services.csv_export import CsvExport
from .endpoint import endpoint


@endpoint("GET", "/export/csv/persons.csv")
async def get_persons_csv(ctx: Ctx) -> Stream:
    return csv_stream(ctx, await csv_export.persons_export(ctx))


@endpoint("GET", "/export/csv/projects.csv")
async def get_projects_csv(ctx: Ctx) -> Stream:
    return csv_stream(ctx, await csv_export.projects_export(ctx))


@endpoint("GET", "/export/csv/task-types.csv")
async def get_task_types_csv(ctx: Ctx) -> Stream:
    return csv_stream(ctx, await csv_export.task_types_export(ctx))


@endpoint("GET", "/export/csv/tasks.csv")
async def get_tasks_csv(ctx: Ctx) -> Stream:
    return csv_stream(ctx, await csv_export.tasks_export(ctx))


@endpoint("GET", "/export/csv/time-spents.csv")
async def get_time_spents_csv(ctx: Ctx) -> Stream:
    return csv_stream(ctx, await csv_export.time_spents_export(ctx))


@endpoint("GET", "/export/csv/projects/{project_id}/assets.csv")
async def get_assets_csv(ctx: Ctx, project_id: str) -> Stream:
    return csv_stream(ctx, await csv_export_breakdown.assets_export(ctx, project_id))


@endpoint("GET", "/export/csv/projects/{project_id}/shots.csv")
async def get_shots_csv(ctx: Ctx, project_id: str) -> Stream:
    return csv_stream(ctx, await csv_export_breakdown.shots_export(ctx, project_id))


@endpoint("GET", "/export/csv/projects/{project_id}/edits.csv")
async def get_edits_csv(ctx: Ctx, project_id: str) -> Stream:
    return csv_stream(ctx, await csv_export_breakdown.edits_export(ctx, project_id))


@endpoint("GET", "/export/csv/projects/{project_id}/casting.csv")
async def get_casting_csv(ctx: Ctx, project_id: str) -> Stream:
    return csv_stream(ctx, await csv_export_casting.casting_export(ctx, project_id))


@endpoint("GET", "/export/csv/playlists/{playlist_id}")
async def get_playlist_csv(ctx: Ctx, playlist_id: str) -> Stream:
    return csv_stream(ctx, await csv_export_playlist.playlist_export(ctx, playlist_id))


def csv_stream(ctx: Ctx, export: CsvExport) -> Stream:
    """The file as Zou sends it: ``text/csv; charset=utf-8``, chunked, as an attachment."""
    return Stream(
        export.chunks(ctx.state.db),
        media_type="text/csv",
        headers={"Content-Disposition": f"attachment; filename={export.attachment_name}"},
    )


ROUTES = [
    get_persons_csv,
    get_projects_csv,
    get_task_types_csv,
    get_tasks_csv,
    get_time_spents_csv,
    get_assets_csv,
    get_shots_csv,
    get_edits_csv,
    get_casting_csv,
    get_playlist_csv,
]
