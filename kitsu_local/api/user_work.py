"""The caller's own work (Zou's ``/data/user`` views): context, to do, done, to check, and the
entities and tasks of the productions they work on, narrowed to their assigned tasks.

GET /data/user/context                          everything a client loads at login
GET /data/user/tasks                            the caller's unfinished tasks (enriched)
GET /data/user/done-tasks                       the caller's finished tasks (enriched)
GET /data/user/tasks-to-check                   tasks waiting for the caller's feedback (page)
GET /data/user/projects/open                    open productions of the caller's teams
GET /data/user/projects/{project_id}/asset-types                 types of the caller's assets
GET /data/user/projects/{project_id}/asset-types/{asset_type_id}/assets   the caller's assets
GET /data/user/projects/{project_id}/episodes   episodes with a shot the caller works on
GET /data/user/projects/{project_id}/sequences  sequences with a shot the caller works on
GET /data/user/sequences/{sequence_id}/shots    shots of a sequence the caller works on
GET /data/user/sequences/{sequence_id}/scenes   scenes of a sequence the caller works on
GET /data/user/sequences/{sequence_id}/tasks    the caller's tasks of a sequence
GET /data/user/sequences/{sequence_id}/task-types   their task types
GET /data/user/shots/{shot_id}/tasks            the caller's tasks of a shot
GET /data/user/shots/{shot_id}/task-types       their task types
GET /data/user/scenes/{scene_id}/tasks          the caller's tasks of a scene
GET /data/user/scenes/{scene_id}/task-types     their task types
GET /data/user/assets/{asset_id}/tasks          the caller's tasks of an asset
GET /data/user/assets/{asset_id}/task-types     their task types
"""

from __future__ import annotations

from litestar import Request

from ..context import Ctx
from ..services import user_context, user_todos, user_work
from .endpoint import endpoint, query


@endpoint("GET", "/data/user/context", person_only=True)
async def get_context(ctx: Ctx) -> object:
    return await user_context.get_context(ctx)


@endpoint("GET", "/data/user/tasks", person_only=True)
async def get_todos(ctx: Ctx) -> object:
    return await user_todos.my_tasks(ctx, done=False)


@endpoint("GET", "/data/user/done-tasks", person_only=True)
async def get_done_tasks(ctx: Ctx) -> object:
    return await user_todos.my_tasks(ctx, done=True)


@endpoint("GET", "/data/user/tasks-to-check", person_only=True)
async def get_tasks_to_check(ctx: Ctx, request: Request) -> object:
    return await user_todos.tasks_to_check(ctx, query(request))


@endpoint("GET", "/data/user/projects/open", person_only=True)
async def get_open_projects(ctx: Ctx, request: Request) -> object:
    return await user_work.my_open_projects(ctx, query(request).get("name"))


@endpoint("GET", "/data/user/projects/{project_id}/asset-types", person_only=True)
async def get_asset_types(ctx: Ctx, project_id: str) -> object:
    return await user_work.asset_types(ctx, project_id)


@endpoint(
    "GET", "/data/user/projects/{project_id}/asset-types/{asset_type_id}/assets", person_only=True
)
async def get_assets(ctx: Ctx, project_id: str, asset_type_id: str) -> object:
    return await user_work.assets_of_type(ctx, project_id, asset_type_id)


@endpoint("GET", "/data/user/projects/{project_id}/episodes", person_only=True)
async def get_episodes(ctx: Ctx, project_id: str) -> object:
    return await user_work.project_episodes(ctx, project_id)


@endpoint("GET", "/data/user/projects/{project_id}/sequences", person_only=True)
async def get_sequences(ctx: Ctx, project_id: str) -> object:
    return await user_work.project_sequences(ctx, project_id)


@endpoint("GET", "/data/user/sequences/{sequence_id}/shots", person_only=True)
async def get_sequence_shots(ctx: Ctx, sequence_id: str) -> object:
    return await user_work.sequence_children(ctx, "Shot", sequence_id)


@endpoint("GET", "/data/user/sequences/{sequence_id}/scenes", person_only=True)
async def get_sequence_scenes(ctx: Ctx, sequence_id: str) -> object:
    return await user_work.sequence_children(ctx, "Scene", sequence_id)


def _entity_routes(kind: str, segment: str, name: str) -> list:
    """The tasks and task types routes of one kind of entity."""

    @endpoint(
        "GET", f"/data/user/{segment}/{{{name}}}/tasks", path_params=(name,), person_only=True
    )
    async def get_tasks(ctx: Ctx, **path: str) -> object:
        return await user_work.entity_tasks(ctx, kind, path[name])

    @endpoint(
        "GET", f"/data/user/{segment}/{{{name}}}/task-types", path_params=(name,), person_only=True
    )
    async def get_task_types(ctx: Ctx, **path: str) -> object:
        return await user_work.entity_task_types(ctx, kind, path[name])

    return [get_tasks, get_task_types]


ROUTES = [
    get_context, get_todos, get_done_tasks, get_tasks_to_check, get_open_projects,
    get_asset_types, get_assets, get_episodes, get_sequences, get_sequence_shots,
    get_sequence_scenes,
    *_entity_routes("Sequence", "sequences", "sequence_id"),
    *_entity_routes("Shot", "shots", "shot_id"),
    *_entity_routes("Scene", "scenes", "scene_id"),
    *_entity_routes("Asset", "assets", "asset_id"),
]  # fmt: skip
