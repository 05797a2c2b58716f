"""Project routes: the project lists, team, settings, metadata descriptors, and what a
production lists (news, comments, notifications, time spents, playlists, files).

GET    /data/projects/all                                      every project (admins), else mine
GET    /data/projects/news                                     news of my open projects
GET    /data/projects/open                                     open projects with their extra data
GET    /data/projects/{project_id}/build-jobs                  build jobs of the playlists (admins)
GET    /data/projects/{project_id}/comments                    comments of the tasks (paged)
GET    /data/projects/{project_id}/episodes/{episode_id}/playlists   playlists of an episode
GET    /data/projects/{project_id}/metadata-descriptors        custom columns
POST   /data/projects/{project_id}/metadata-descriptors        add one
GET    /data/projects/{project_id}/metadata-descriptors/{descriptor_id}   one
PUT    /data/projects/{project_id}/metadata-descriptors/{descriptor_id}   change (renames data keys)
DELETE /data/projects/{project_id}/metadata-descriptors/{descriptor_id}   remove (and its values)
POST   /data/projects/{project_id}/metadata-descriptors/reorder   {entity_type, descriptor_ids}
GET    /data/projects/{project_id}/news                        news feed (filters, stats)
GET    /data/projects/{project_id}/news/{news_id}              one news
GET    /data/projects/{project_id}/notifications               notifications (admins, paged)
GET    /data/projects/{project_id}/output-files                output files of the entities
GET    /data/projects/{project_id}/playlists                   playlists, 20 a page
GET    /data/projects/{project_id}/playlists/all               every playlist (admins)
POST   /data/projects/{project_id}/playlists/temp              temporary playlist of tasks
GET    /data/projects/{project_id}/playlists/{playlist_id}     one playlist with its previews
POST   /data/projects/{project_id}/settings/asset-types        use an asset type
DELETE /data/projects/{project_id}/settings/asset-types/{asset_type_id}
GET    /data/projects/{project_id}/settings/preview-background-files
POST   /data/projects/{project_id}/settings/preview-background-files
DELETE /data/projects/{project_id}/settings/preview-background-files/{preview_background_file_id}
GET    /data/projects/{project_id}/settings/status-automations (managers)
POST   /data/projects/{project_id}/settings/status-automations
DELETE /data/projects/{project_id}/settings/status-automations/{status_automation_id}
GET    /data/projects/{project_id}/settings/task-status        task statuses used
POST   /data/projects/{project_id}/settings/task-status
DELETE /data/projects/{project_id}/settings/task-status/{task_status_id}
POST   /data/projects/{project_id}/settings/task-types         use a task type (priority)
DELETE /data/projects/{project_id}/settings/task-types/{task_type_id}
GET    /data/projects/{project_id}/subscriptions               subscriptions (admins)
GET    /data/projects/{project_id}/team                        members, with project_role
POST   /data/projects/{project_id}/team                        add a member (role)
PUT    /data/projects/{project_id}/team/{person_id}            set a member's project role
DELETE /data/projects/{project_id}/team/{person_id}            remove a member
GET    /data/projects/{project_id}/time-spents                 time spents of the tasks
POST   /data/task-status-links                                 link a task status (priority, roles)
POST   /data/task-type-links                                   link a task type (priority)
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from litestar import Request
from pydantic import Field

from ..bodies import Body
from ..context import Ctx
from ..services import (
    metadata_descriptors,
    project_listings,
    project_news,
    project_playlists,
    project_settings,
    project_team,
)
from ..services.project_settings import (
    ASSET_TYPES,
    BACKGROUNDS,
    STATUS_AUTOMATIONS,
    TASK_STATUSES,
    TASK_TYPES,
)
from .endpoint import arguments, endpoint, parse

ProjectRole = Literal["user", "supervisor", "manager", "client", "vendor"]
PROJECT = "/data/projects/{project_id}"


# ==== bodies (Zou's pydantic schemas) ========================================================
class TeamBody(Body):
    person_id: str = Field(min_length=1)
    role: ProjectRole | None = None


class TeamRoleBody(Body):
    role: ProjectRole | None = None


class TaskTypeBody(Body):
    task_type_id: str = Field(min_length=1)
    priority: int | None = None


class TaskStatusBody(Body):
    task_status_id: str = Field(min_length=1)


class AssetTypeBody(Body):
    asset_type_id: str = Field(min_length=1)


class StatusAutomationBody(Body):
    status_automation_id: str = Field(min_length=1)


class BackgroundBody(Body):
    preview_background_file_id: str = Field(min_length=1)


class DescriptorBody(Body):
    entity_type: str = "Asset"
    task_type_id: str | None = None
    name: str = Field(min_length=1)
    data_type: str = Field("string", min_length=1)
    for_client: bool | None = False
    choices: list[str] = Field(default=[])
    departments: list[str | None] = Field(default=[])


class DescriptorOrderBody(Body):
    entity_type: str = Field(min_length=1)
    descriptor_ids: list[str] = Field(min_length=1)


class DescriptorUpdateBody(Body):
    name: str | None = None
    for_client: bool | None = False
    data_type: str = Field("string", min_length=1)
    choices: list[str] = Field(default=[])
    departments: list[str | None] = Field(default=[])


class TempPlaylistBody(Body):
    task_ids: list[UUID]


# ==== project lists ==========================================================================
@endpoint("GET", "/data/projects/all")
async def get_all_projects(ctx: Ctx) -> object:
    return await project_listings.all_projects(ctx, ctx.params.get("name"))


@endpoint("GET", "/data/projects/open")
async def get_open_projects(ctx: Ctx) -> object:
    return await project_listings.open_projects(ctx, ctx.params.get("name"))


@endpoint("GET", "/data/projects/news")
async def get_open_projects_news(ctx: Ctx) -> object:
    return await project_news.open_projects_news(ctx, ctx.params)


# ==== team ===================================================================================
@endpoint("GET", PROJECT + "/team")
async def get_team(ctx: Ctx, project_id: str) -> object:
    return await project_team.get_team(ctx, project_id)


@endpoint("POST", PROJECT + "/team")
async def post_team_member(ctx: Ctx, request: Request, project_id: str) -> object:
    body = await parse(request, TeamBody)
    return await project_team.add_member(ctx, project_id, body.person_id, body.role), 201


@endpoint("PUT", PROJECT + "/team/{person_id}")
async def put_team_member(ctx: Ctx, request: Request, project_id: str, person_id: str) -> object:
    body = await parse(request, TeamRoleBody)
    return await project_team.update_member_role(ctx, project_id, person_id, body.role)


@endpoint("DELETE", PROJECT + "/team/{person_id}")
async def delete_team_member(ctx: Ctx, project_id: str, person_id: str) -> object:
    await project_team.remove_member(ctx, project_id, person_id)
    return None, 204


# ==== settings ===============================================================================
@endpoint("POST", PROJECT + "/settings/task-types")
async def post_task_type_setting(ctx: Ctx, request: Request, project_id: str) -> object:
    body = await parse(request, TaskTypeBody)
    return await project_settings.add_task_type(
        ctx, project_id, body.task_type_id, body.priority
    ), 201


@endpoint("DELETE", PROJECT + "/settings/task-types/{task_type_id}")
async def delete_task_type_setting(ctx: Ctx, project_id: str, task_type_id: str) -> object:
    await project_settings.remove_setting(ctx, project_id, TASK_TYPES, task_type_id)
    return None, 204


@endpoint("GET", PROJECT + "/settings/task-status")
async def get_task_status_settings(ctx: Ctx, project_id: str) -> object:
    return await project_settings.list_setting(ctx, project_id, TASK_STATUSES)


@endpoint("POST", PROJECT + "/settings/task-status")
async def post_task_status_setting(ctx: Ctx, request: Request, project_id: str) -> object:
    body = await parse(request, TaskStatusBody)
    return await project_settings.add_setting(
        ctx, project_id, TASK_STATUSES, body.task_status_id
    ), 201


@endpoint("DELETE", PROJECT + "/settings/task-status/{task_status_id}")
async def delete_task_status_setting(ctx: Ctx, project_id: str, task_status_id: str) -> object:
    await project_settings.remove_setting(ctx, project_id, TASK_STATUSES, task_status_id)
    return None, 204


@endpoint("POST", PROJECT + "/settings/asset-types")
async def post_asset_type_setting(ctx: Ctx, request: Request, project_id: str) -> object:
    body = await parse(request, AssetTypeBody)
    return await project_settings.add_setting(ctx, project_id, ASSET_TYPES, body.asset_type_id), 201


@endpoint("DELETE", PROJECT + "/settings/asset-types/{asset_type_id}")
async def delete_asset_type_setting(ctx: Ctx, project_id: str, asset_type_id: str) -> object:
    await project_settings.remove_setting(ctx, project_id, ASSET_TYPES, asset_type_id)
    return None, 204


@endpoint("GET", PROJECT + "/settings/status-automations")
async def get_status_automation_settings(ctx: Ctx, project_id: str) -> object:
    return await project_settings.list_setting(
        ctx, project_id, STATUS_AUTOMATIONS, managers_only=True
    )


@endpoint("POST", PROJECT + "/settings/status-automations")
async def post_status_automation_setting(ctx: Ctx, request: Request, project_id: str) -> object:
    body = await parse(request, StatusAutomationBody)
    return await project_settings.add_setting(
        ctx, project_id, STATUS_AUTOMATIONS, body.status_automation_id
    ), 201


@endpoint("DELETE", PROJECT + "/settings/status-automations/{status_automation_id}")
async def delete_status_automation_setting(
    ctx: Ctx, project_id: str, status_automation_id: str
) -> object:
    await project_settings.remove_setting(ctx, project_id, STATUS_AUTOMATIONS, status_automation_id)
    return None, 204


@endpoint("GET", PROJECT + "/settings/preview-background-files")
async def get_project_backgrounds(ctx: Ctx, project_id: str) -> object:
    return await project_settings.list_setting(ctx, project_id, BACKGROUNDS)


@endpoint("POST", PROJECT + "/settings/preview-background-files")
async def post_project_background(ctx: Ctx, request: Request, project_id: str) -> object:
    body = await parse(request, BackgroundBody)
    return await project_settings.add_setting(
        ctx, project_id, BACKGROUNDS, body.preview_background_file_id
    ), 201


@endpoint("DELETE", PROJECT + "/settings/preview-background-files/{preview_background_file_id}")
async def delete_project_background(
    ctx: Ctx, project_id: str, preview_background_file_id: str
) -> object:
    await project_settings.remove_setting(ctx, project_id, BACKGROUNDS, preview_background_file_id)
    return None, 204


@endpoint("POST", "/data/task-status-links")
async def post_task_status_link(ctx: Ctx, request: Request) -> object:
    return await project_settings.link_task_status(ctx, await arguments(request)), 201


@endpoint("POST", "/data/task-type-links")
async def post_task_type_link(ctx: Ctx, request: Request) -> object:
    return await project_settings.link_task_type(ctx, await arguments(request)), 201


# ==== metadata descriptors ===================================================================
@endpoint("GET", PROJECT + "/metadata-descriptors")
async def get_descriptors(ctx: Ctx, project_id: str) -> object:
    return await metadata_descriptors.list_descriptors(ctx, project_id)


@endpoint("POST", PROJECT + "/metadata-descriptors")
async def post_descriptor(ctx: Ctx, request: Request, project_id: str) -> object:
    body = await parse(request, DescriptorBody)
    return await metadata_descriptors.add_descriptor(ctx, project_id, body.model_dump()), 201


@endpoint("POST", PROJECT + "/metadata-descriptors/reorder")
async def post_descriptor_order(ctx: Ctx, request: Request, project_id: str) -> object:
    body = await parse(request, DescriptorOrderBody)
    return await metadata_descriptors.reorder_descriptors(
        ctx, project_id, body.entity_type, body.descriptor_ids
    )


@endpoint("GET", PROJECT + "/metadata-descriptors/{descriptor_id}")
async def get_descriptor(ctx: Ctx, project_id: str, descriptor_id: str) -> object:
    return await metadata_descriptors.get_descriptor(ctx, project_id, descriptor_id)


@endpoint("PUT", PROJECT + "/metadata-descriptors/{descriptor_id}")
async def put_descriptor(ctx: Ctx, request: Request, project_id: str, descriptor_id: str) -> object:
    body = await parse(request, DescriptorUpdateBody)
    # Only the keys sent change (Zou resets the omitted ones to their defaults).
    changes = body.model_dump(exclude_unset=True)
    return await metadata_descriptors.update_descriptor(ctx, project_id, descriptor_id, changes)


@endpoint("DELETE", PROJECT + "/metadata-descriptors/{descriptor_id}")
async def delete_descriptor(ctx: Ctx, project_id: str, descriptor_id: str) -> object:
    await metadata_descriptors.remove_descriptor(ctx, project_id, descriptor_id)
    return None, 204


# ==== what a production lists ================================================================
@endpoint("GET", PROJECT + "/news")
async def get_project_news(ctx: Ctx, project_id: str) -> object:
    return await project_news.project_news(ctx, project_id, ctx.params)


@endpoint("GET", PROJECT + "/news/{news_id}")
async def get_one_news(ctx: Ctx, project_id: str, news_id: str) -> object:
    return await project_news.one_news(ctx, project_id, news_id)


@endpoint("GET", PROJECT + "/comments")
async def get_project_comments(ctx: Ctx, project_id: str) -> object:
    return await project_listings.project_comments(ctx, project_id, ctx.params)


@endpoint("GET", PROJECT + "/notifications")
async def get_project_notifications(ctx: Ctx, project_id: str) -> object:
    return await project_listings.project_notifications(ctx, project_id, ctx.params)


@endpoint("GET", PROJECT + "/subscriptions")
async def get_project_subscriptions(ctx: Ctx, project_id: str) -> object:
    return await project_listings.project_subscriptions(ctx, project_id)


@endpoint("GET", PROJECT + "/time-spents")
async def get_project_time_spents(ctx: Ctx, project_id: str) -> object:
    return await project_listings.project_time_spents(ctx, project_id)


@endpoint("GET", PROJECT + "/build-jobs")
async def get_project_build_jobs(ctx: Ctx, project_id: str) -> object:
    return await project_listings.project_build_jobs(ctx, project_id)


@endpoint("GET", PROJECT + "/output-files")
async def get_project_output_files(ctx: Ctx, project_id: str) -> object:
    return await project_listings.project_output_files(ctx, project_id, ctx.params)


# ==== playlists ==============================================================================
@endpoint("GET", PROJECT + "/playlists")
async def get_project_playlists(ctx: Ctx, project_id: str) -> object:
    return await project_playlists.project_playlists(ctx, project_id, ctx.params)


@endpoint("GET", PROJECT + "/playlists/all")
async def get_all_project_playlists(ctx: Ctx, project_id: str) -> object:
    return await project_playlists.all_project_playlists(ctx, project_id, ctx.params)


@endpoint("POST", PROJECT + "/playlists/temp")
async def post_temp_playlist(ctx: Ctx, request: Request, project_id: str) -> object:
    body = await parse(request, TempPlaylistBody)
    task_ids = [str(task_id) for task_id in body.task_ids]
    sort = ctx.params.get("sort", "false").lower() == "true"
    return await project_playlists.temp_playlist(ctx, project_id, task_ids, sort)


@endpoint("GET", PROJECT + "/playlists/{playlist_id}")
async def get_project_playlist(ctx: Ctx, project_id: str, playlist_id: str) -> object:
    return await project_playlists.project_playlist(ctx, project_id, playlist_id)


@endpoint("GET", PROJECT + "/episodes/{episode_id}/playlists")
async def get_episode_playlists(ctx: Ctx, project_id: str, episode_id: str) -> object:
    return await project_playlists.project_playlists(ctx, project_id, ctx.params, episode_id)


ROUTES = [
    get_all_projects,
    get_open_projects,
    get_open_projects_news,
    get_team,
    post_team_member,
    put_team_member,
    delete_team_member,
    post_task_type_setting,
    delete_task_type_setting,
    get_task_status_settings,
    post_task_status_setting,
    delete_task_status_setting,
    post_asset_type_setting,
    delete_asset_type_setting,
    get_status_automation_settings,
    post_status_automation_setting,
    delete_status_automation_setting,
    get_project_backgrounds,
    post_project_background,
    delete_project_background,
    post_task_status_link,
    post_task_type_link,
    get_descriptors,
    post_descriptor,
    post_descriptor_order,
    get_descriptor,
    put_descriptor,
    delete_descriptor,
    get_project_news,
    get_one_news,
    get_project_comments,
    get_project_notifications,
    get_project_subscriptions,
    get_project_time_spents,
    get_project_build_jobs,
    get_project_output_files,
    get_project_playlists,
    get_all_project_playlists,
    post_temp_playlist,
    get_project_playlist,
    get_episode_playlists,
]
