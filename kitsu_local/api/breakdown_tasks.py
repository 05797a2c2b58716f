"""The tasks of the breakdown: boards with tasks, each entity's tasks and task types, bulk task
creation and deletion, comments on many tasks, episode statistics.

GET    /data/assets/with-tasks                 assets with their tasks (project_id, episode_id,
                                               id filters; episode_id=main|all)
GET    /data/assets/{asset_id}/tasks           the asset's tasks (relations=true: assignees)
GET    /data/assets/{asset_id}/task-types      types of the asset's tasks
GET    /data/concepts/with-tasks               concepts with tasks and linked entities
GET    /data/concepts/{concept_id}/tasks
GET    /data/concepts/{concept_id}/task-types
GET    /data/edits/with-tasks                  edits with tasks and their episode
GET    /data/edits/{edit_id}/tasks
GET    /data/edits/{edit_id}/task-types
POST   /data/entities/{entity_id}/tasks              a main task of each type in task_type_ids
                                               (default: every type the entity may have)
GET    /data/entities/{entity_id}/task-types/{task_type_id}/tasks
GET    /data/entities/{entity_id}/entities-linked/with-tasks   entities a concept is linked to
GET    /data/episodes/with-tasks               episodes with their tasks
GET    /data/episodes/{episode_id}/tasks
GET    /data/episodes/{episode_id}/task-types  types of the tasks of the episode's shots
GET    /data/episodes/{episode_id}/shot-tasks  tasks of the episode's shots
GET    /data/episodes/{episode_id}/asset-tasks tasks of the assets whose source is the episode
GET    /data/episodes/{episode_id}/edit-tasks  tasks of the episode's edits
GET    /data/projects/{project_id}/tasks       the project's tasks (page, task_type_id,
                                               episode_id)
GET    /data/projects/{project_id}/task-types  task types linked to the project
GET    /data/projects/{project_id}/episodes/stats         counts per episode, type and status
GET    /data/projects/{project_id}/episodes/retake-stats  retakes per episode and type
GET    /data/scenes/with-tasks
GET    /data/scenes/{scene_id}/tasks
GET    /data/scenes/{scene_id}/task-types
GET    /data/sequences/with-tasks
GET    /data/sequences/{sequence_id}/tasks
GET    /data/sequences/{sequence_id}/task-types    types of the tasks of the sequence's shots
GET    /data/sequences/{sequence_id}/shot-tasks    tasks of the sequence's shots
GET    /data/shots/with-tasks                  shots with their tasks (project_id, episode_id)
GET    /data/shots/{shot_id}/tasks
GET    /data/shots/{shot_id}/task-types
POST   /actions/projects/{project_id}/task-types/{task_type_id}/shots/create-tasks
POST   /actions/projects/{project_id}/task-types/{task_type_id}/assets/create-tasks
POST   /actions/projects/{project_id}/task-types/{task_type_id}/edits/create-tasks
POST   /actions/projects/{project_id}/task-types/{task_type_id}/concepts/create-tasks
POST   /actions/projects/{project_id}/task-types/{task_type_id}/create-tasks/{entity_type}/
       (body: a list of entity ids, or nothing for every entity of the kind in the project)
DELETE /actions/projects/{project_id}/task-types/{task_type_id}/delete-tasks   admins
POST   /actions/projects/{project_id}/delete-tasks              a list of task ids
POST   /actions/projects/{project_id}/tasks/comment-many        a list of comments
"""

from __future__ import annotations

import json

import msgspec
from litestar import Request, Response
from litestar.handlers import HTTPRouteHandler
from pydantic import ConfigDict, Field

from ..bodies import Body
from ..context import Ctx
from ..errors import WrongParameter
from ..services import breakdown_boards, breakdown_stats, breakdown_tasks, comment_batches
from ..services.previews import Upload
from .breakdown import KINDS
from .endpoint import endpoint, json_body, parse, query
from .files_http import received_uploads

BOARDS = {
    "assets": breakdown_boards.assets_with_tasks,
    "shots": breakdown_boards.shots_with_tasks,
    "edits": breakdown_boards.edits_with_tasks,
    "concepts": breakdown_boards.concepts_with_tasks,
}
CREATE_TASKS = "/actions/projects/{project_id}/task-types/{task_type_id}"


def kind_handlers(route: str, kind: str, parameter: str) -> list[HTTPRouteHandler]:
    item = f"/data/{route}/{{{parameter}}}"

    @endpoint("GET", f"/data/{route}/with-tasks", name=f"with-tasks:{route}")
    async def board(ctx: Ctx, request: Request) -> object:
        params = query(request)
        if route not in BOARDS:
            return await breakdown_boards.entities_with_tasks(ctx, kind, params)
        items = await BOARDS[route](ctx, params)
        stream, compact = params.get("stream") == "true", params.get("compact") == "true"
        if route not in ("assets", "shots") or not (stream or compact):
            return items
        header, rows = breakdown_boards.board_rows(kind, items, compact)
        if not stream:
            return {**header, "rows": rows}
        lines = b"".join(msgspec.json.encode(line) + b"\n" for line in (header, *rows))
        return Response(content=lines, media_type="application/x-ndjson")

    async def tasks(ctx: Ctx, request: Request, **path: str) -> object:
        return await breakdown_tasks.entity_tasks(ctx, kind, path[parameter], query(request))

    async def task_types(ctx: Ctx, **path: str) -> object:
        return await breakdown_tasks.entity_task_types(ctx, kind, path[parameter])

    return [
        board,
        endpoint("GET", f"{item}/tasks", name=f"tasks:{route}", path_params=(parameter,))(tasks),
        endpoint("GET", f"{item}/task-types", name=f"task-types:{route}", path_params=(parameter,))(
            task_types
        ),
    ]


def child_tasks_handler(parent: str, child: str, kind: str) -> HTTPRouteHandler:
    parameter = KINDS[parent][1]

    async def child_tasks(ctx: Ctx, request: Request, **path: str) -> object:
        return await breakdown_tasks.episode_child_tasks(ctx, kind, path[parameter], query(request))

    return endpoint(
        "GET", f"/data/{parent}/{{{parameter}}}/{child}", name=f"{child}:{parent}",
        path_params=(parameter,),
    )(child_tasks)  # fmt: skip


def create_tasks_handler(route: str, kind: str) -> HTTPRouteHandler:
    async def create(ctx: Ctx, request: Request, project_id: str, task_type_id: str) -> object:
        body = await json_body(request, required=False)
        return await breakdown_tasks.create_tasks(
            ctx, project_id, task_type_id, kind, body, query(request)
        ), 201

    return endpoint(
        "POST", f"{CREATE_TASKS}/{route}/create-tasks", name=f"create-tasks:{route}",
        path_params=("project_id", "task_type_id"),
    )(create)  # fmt: skip


@endpoint("POST", CREATE_TASKS + "/create-tasks/{entity_type}")
async def create_entity_tasks(
    ctx: Ctx, request: Request, project_id: str, task_type_id: str, entity_type: str
) -> object:
    body = await json_body(request, required=False)
    return await breakdown_tasks.create_tasks(
        ctx, project_id, task_type_id, None, body, query(request), entity_type=entity_type
    ), 201


class EntityTasksBody(Body):
    model_config = ConfigDict(extra="ignore")
    task_type_ids: list[str] = Field(default_factory=list)


@endpoint("POST", "/data/entities/{entity_id}/tasks")
async def post_entity_tasks(ctx: Ctx, request: Request, entity_id: str) -> object:
    entity = await breakdown_tasks.entity_for_tasks(ctx, entity_id)
    body = await parse(request, EntityTasksBody)
    return await breakdown_tasks.create_entity_tasks(ctx, entity, body.task_type_ids), 201


@endpoint("GET", "/data/entities/{entity_id}/task-types/{task_type_id}/tasks")
async def get_entity_task_type_tasks(ctx: Ctx, entity_id: str, task_type_id: str) -> object:
    return await breakdown_tasks.entity_task_type_tasks(ctx, entity_id, task_type_id)


@endpoint("GET", "/data/entities/{entity_id}/entities-linked/with-tasks")
async def get_linked_entities_with_tasks(ctx: Ctx, entity_id: str) -> object:
    return await breakdown_boards.linked_entities_with_tasks(ctx, entity_id)


@endpoint("GET", "/data/projects/{project_id}/tasks")
async def get_project_tasks(ctx: Ctx, request: Request, project_id: str) -> object:
    return await breakdown_tasks.project_tasks(ctx, project_id, query(request))


@endpoint("GET", "/data/projects/{project_id}/task-types")
async def get_project_task_types(ctx: Ctx, project_id: str) -> object:
    return await breakdown_tasks.project_task_types(ctx, project_id)


@endpoint("GET", "/data/projects/{project_id}/episodes/stats")
async def get_episode_stats(ctx: Ctx, project_id: str) -> object:
    return await breakdown_stats.episode_stats(ctx, project_id)


@endpoint("GET", "/data/projects/{project_id}/episodes/retake-stats")
async def get_episode_retake_stats(ctx: Ctx, project_id: str) -> object:
    return await breakdown_stats.episode_retake_stats(ctx, project_id)


@endpoint("DELETE", CREATE_TASKS + "/delete-tasks")
async def delete_task_type_tasks(ctx: Ctx, project_id: str, task_type_id: str) -> object:
    await breakdown_tasks.delete_task_type_tasks(ctx, project_id, task_type_id)
    return None, 204


@endpoint("POST", "/actions/projects/{project_id}/delete-tasks")
async def delete_tasks(ctx: Ctx, request: Request, project_id: str) -> object:
    return await breakdown_tasks.delete_tasks(
        ctx, project_id, await json_body(request, required=False)
    )


@endpoint("POST", "/actions/projects/{project_id}/tasks/comment-many")
async def comment_many(ctx: Ctx, request: Request, project_id: str) -> object:
    """A JSON list, as Zou reads it; or gazu's multipart form (``comments`` part holding that
    list, ``attachment_file-<i>-<j>`` files), which Zou refuses."""
    async with received_uploads(request, ctx.state.store) as uploads:
        if "multipart/form-data" not in request.headers.get("content-type", ""):
            body = await json_body(request, required=False)
            return await comment_batches.comment_many(ctx, project_id, body), 201
        if any(key.startswith("preview_file-") for key in uploads.files):
            raise WrongParameter("Preview files are not taken here: use batch-comment.")
        try:
            body = json.loads(uploads.fields.get("comments", ""))
        except ValueError:
            body = None
        attachments: dict[int, list[Upload]] = {}
        for key, files in uploads.files.items():
            parts = key.split("-")
            if parts[0] == "attachment_file" and len(parts) == 3 and parts[1].isdigit():
                attachments.setdefault(int(parts[1]), []).extend(files)
        return await comment_batches.comment_many(ctx, project_id, body, attachments), 201


ROUTES = [
    *(
        handler
        for route, (kind, parameter) in KINDS.items()
        for handler in kind_handlers(route, kind, parameter)
    ),
    child_tasks_handler("sequences", "shot-tasks", "SequenceShot"),
    child_tasks_handler("episodes", "shot-tasks", "Shot"),
    child_tasks_handler("episodes", "asset-tasks", "Asset"),
    child_tasks_handler("episodes", "edit-tasks", "Edit"),
    *(
        create_tasks_handler(route, kind)
        for route, kind in (
            ("shots", "Shot"),
            ("assets", "Asset"),
            ("edits", "Edit"),
            ("concepts", "Concept"),
        )
    ),
    create_entity_tasks,
    post_entity_tasks,
    get_entity_task_type_tasks,
    get_linked_entities_with_tasks,
    get_project_tasks,
    get_project_task_types,
    get_episode_stats,
    get_episode_retake_stats,
    delete_task_type_tasks,
    delete_tasks,
    comment_many,
]
