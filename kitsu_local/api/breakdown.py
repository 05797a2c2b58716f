"""The typed entity routes (assets, shots, sequences, episodes, scenes, edits, concepts).

GET    /data/asset-types                  asset types (entity types that are not temporal)
GET    /data/asset-types/{asset_type_id}
GET    /data/assets                       assets visible to the caller (column filters,
                                          episode_id, assigned_to)
GET    /data/assets/{asset_id}            full asset (names, tasks, casting episodes)
DELETE /data/assets/{asset_id}            canceled if it has tasks, unless ?force=true
GET    /data/concepts
GET    /data/concepts/{concept_id}
DELETE /data/concepts/{concept_id}
GET    /data/edits
GET    /data/edits/{edit_id}
DELETE /data/edits/{edit_id}
GET    /data/episodes
GET    /data/episodes/{episode_id}
DELETE /data/episodes/{episode_id}
GET    /data/scenes
GET    /data/scenes/{scene_id}
DELETE /data/scenes/{scene_id}
GET    /data/sequences                    (episode_id narrows to one episode)
GET    /data/sequences/{sequence_id}
DELETE /data/sequences/{sequence_id}
GET    /data/shots                        (sequence_id narrows to one sequence)
GET    /data/shots/{shot_id}              full shot (with-tasks fields)
PUT    /data/shots/{shot_id}
DELETE /data/shots/{shot_id}              canceled if it has tasks, unless ?force=true
GET    /data/assets/all                   same as /data/assets (also shots, edits, scenes)
GET    /data/projects/{project_id}/asset-types                 types of the project's assets
GET    /data/projects/{project_id}/assets                      the project's assets (filters)
GET    /data/projects/{project_id}/asset-types/{asset_type_id}/assets
POST   /data/projects/{project_id}/asset-types/{asset_type_id}/assets/new   new asset
GET    /data/projects/{project_id}/assets/shared-used          shared assets of other projects
GET    /data/projects/{project_id}/episodes/{episode_id}/assets/shared-used   cast in its shots
POST   /actions/assets/share                                   set is_shared on given assets
POST   /actions/projects/{project_id}/delete-entities          [ids] of assets, shots, edits,
                                          concepts (?force=true); answers the ids removed
POST   /actions/projects/{project_id}/assets/share             ... on a project's assets
POST   /actions/projects/{project_id}/asset-types/{asset_type_id}/assets/share
GET    /data/projects/{project_id}/concepts                    (not vendors nor clients)
POST   /data/projects/{project_id}/concepts                    new concept (members)
GET    /data/projects/{project_id}/edits
POST   /data/projects/{project_id}/edits                       new edit (episode_id)
GET    /data/episodes/{episode_id}/edits
GET    /data/edits/{edit_id}/versions
GET    /data/projects/{project_id}/episodes
POST   /data/projects/{project_id}/episodes                    new episode
GET    /data/episodes/{episode_id}/sequences
GET    /data/episodes/{episode_id}/shots                       shots of its sequences
GET    /data/projects/{project_id}/scenes
POST   /data/projects/{project_id}/scenes                      new scene (sequence_id)
GET    /data/sequences/{sequence_id}/scenes
GET    /data/projects/{project_id}/sequences
POST   /data/projects/{project_id}/sequences                   new sequence (episode_id)
GET    /data/sequences/{sequence_id}/shots
GET    /data/projects/{project_id}/shots
POST   /data/projects/{project_id}/shots                       new shot (sequence_id, data...)
GET    /data/shots/{shot_id}/versions                          frame range history, newest first
POST   /actions/projects/{project_id}/task-types/{task_type_id}/set-shot-nb-frames
                                          nb_frames from the newest previews of that task type

Creating an episode, sequence, shot, scene, edit or concept that exists (same name and parent)
answers the existing one, as Zou does; assets are never deduplicated.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request
from litestar.handlers import HTTPRouteHandler
from pydantic import Field

from ..bodies import Body
from ..context import Ctx
from ..services import breakdown, breakdown_tasks, crud
from ..services import breakdown_create as create
from ..services import breakdown_listings as listings
from .endpoint import endpoint, json_body, parse, query

# route segment -> (kind, path parameter name)
KINDS = {
    "assets": ("Asset", "asset_id"),
    "concepts": ("Concept", "concept_id"),
    "edits": ("Edit", "edit_id"),
    "episodes": ("Episode", "episode_id"),
    "scenes": ("Scene", "scene_id"),
    "sequences": ("Sequence", "sequence_id"),
    "shots": ("Shot", "shot_id"),
}


ALL_ALIASES = ("assets", "edits", "scenes", "shots")


def kind_handlers(route: str, kind: str, parameter: str) -> list[HTTPRouteHandler]:
    item = f"/data/{route}/{{{parameter}}}"

    async def list_kind(ctx: Ctx, request: Request) -> object:
        return await breakdown.list_entities(ctx, kind, query(request))

    async def get_kind(ctx: Ctx, **path: str) -> object:
        return await breakdown.get_full(ctx, kind, path[parameter])

    async def delete_kind(ctx: Ctx, request: Request, **path: str) -> object:
        force = crud.is_true(query(request).get("force"))
        await breakdown.delete_typed(ctx, kind, path[parameter], force)
        return None, 204

    handlers = [
        endpoint("GET", f"/data/{route}", name=f"list:{route}")(list_kind),
        endpoint("GET", item, name=f"get:{route}", path_params=(parameter,))(get_kind),
        endpoint("DELETE", item, name=f"delete:{route}", path_params=(parameter,))(delete_kind),
    ]
    if route in ALL_ALIASES:
        handlers.append(endpoint("GET", f"/data/{route}/all", name=f"all:{route}")(list_kind))
    return handlers


@endpoint("PUT", "/data/shots/{shot_id}")
async def put_shot(ctx: Ctx, request: Request, shot_id: str) -> object:
    return await breakdown.update_shot(ctx, shot_id, await json_body(request))


@endpoint("POST", "/actions/projects/{project_id}/delete-entities")
async def post_delete_entities(ctx: Ctx, request: Request, project_id: str) -> object:
    force = crud.is_true(query(request).get("force"))
    entity_ids = breakdown_tasks.id_list(await json_body(request, required=False))
    return await breakdown.delete_entities(ctx, project_id, entity_ids, force)


@endpoint("GET", "/data/asset-types")
async def get_asset_types(ctx: Ctx, request: Request) -> object:
    return await breakdown.list_asset_types(ctx, query(request))


@endpoint("GET", "/data/asset-types/{asset_type_id}")
async def get_asset_type(ctx: Ctx, asset_type_id: str) -> object:
    return await breakdown.get_asset_type(ctx, asset_type_id)


# ---- request bodies (Zou's pydantic schemas) -------------------------------------------------
class NewEpisode(Body):
    name: str = Field(min_length=1)
    status: str | None = "running"
    description: str | None = ""
    data: dict[str, Any] | None = {}


class NewSequence(Body):
    name: str = Field(min_length=1)
    episode_id: UUID | None = None
    description: str | None = ""
    data: dict[str, Any] | None = {}


class NewShot(Body):
    name: str = Field(min_length=1)
    sequence_id: UUID | None = None
    data: dict[str, Any] | None = None
    nb_frames: int | None = None
    description: str | None = None


class NewScene(Body):
    name: str = Field(min_length=1)
    sequence_id: UUID | None = None


class NewEdit(Body):
    name: str = Field(min_length=1)
    description: str | None = ""
    data: dict[str, Any] | None = None
    episode_id: UUID | None = None


class NewConcept(Body):
    name: str = Field(min_length=1)
    data: dict[str, Any] | None = None
    description: str | None = None
    entity_concept_links: list[dict[str, Any]] = []


class NewAsset(Body):
    name: str = Field(min_length=1)
    description: str | None = ""
    data: dict[str, Any] | None = {}
    is_shared: bool | None = False
    episode_id: UUID | None = None


class SharedAssets(Body):
    is_shared: bool | None = True
    asset_ids: list[UUID] | None = None


def text(value: UUID | None) -> str | None:
    return str(value) if value is not None else None


# ---- creation --------------------------------------------------------------------------------
@endpoint("POST", "/data/projects/{project_id}/episodes")
async def post_episode(ctx: Ctx, request: Request, project_id: str) -> object:
    body = await parse(request, NewEpisode)
    episode = await create.create_episode(
        ctx, project_id, body.name, body.status, body.description, body.data
    )
    return episode, 201


@endpoint("POST", "/data/projects/{project_id}/sequences")
async def post_sequence(ctx: Ctx, request: Request, project_id: str) -> object:
    body = await parse(request, NewSequence)
    sequence = await create.create_sequence(
        ctx, project_id, text(body.episode_id), body.name, body.description, body.data
    )
    return sequence, 201


@endpoint("POST", "/data/projects/{project_id}/shots")
async def post_shot(ctx: Ctx, request: Request, project_id: str) -> object:
    body = await parse(request, NewShot)
    shot = await create.create_shot(
        ctx, project_id, text(body.sequence_id), body.name, body.data, body.nb_frames,
        body.description,
    )  # fmt: skip
    return shot, 201


@endpoint("POST", "/data/projects/{project_id}/scenes")
async def post_scene(ctx: Ctx, request: Request, project_id: str) -> object:
    body = await parse(request, NewScene)
    return await create.create_scene(ctx, project_id, text(body.sequence_id), body.name), 201


@endpoint("POST", "/data/projects/{project_id}/edits")
async def post_edit(ctx: Ctx, request: Request, project_id: str) -> object:
    body = await parse(request, NewEdit)
    edit = await create.create_edit(
        ctx, project_id, text(body.episode_id), body.name, body.description, body.data
    )
    return edit, 201


@endpoint("POST", "/data/projects/{project_id}/concepts")
async def post_concept(ctx: Ctx, request: Request, project_id: str) -> object:
    body = await parse(request, NewConcept)
    concept = await create.create_concept(
        ctx, project_id, body.name, body.description, body.data, body.entity_concept_links
    )
    return concept, 201


@endpoint("POST", "/data/projects/{project_id}/asset-types/{asset_type_id}/assets/new")
async def post_asset(ctx: Ctx, request: Request, project_id: str, asset_type_id: str) -> object:
    body = await parse(request, NewAsset)
    asset = await create.create_asset(
        ctx, project_id, asset_type_id, body.name, body.description, body.data, body.is_shared,
        text(body.episode_id),
    )  # fmt: skip
    return asset, 201


# ---- sharing and shot lengths ----------------------------------------------------------------
def ids(body: SharedAssets) -> list[str] | None:
    return [str(value) for value in body.asset_ids] if body.asset_ids else None


@endpoint("POST", "/actions/assets/share")
async def share_assets(ctx: Ctx, request: Request) -> object:
    body = await parse(request, SharedAssets)
    return await create.share_assets(ctx, bool(body.is_shared), asset_ids=ids(body) or [])


@endpoint("POST", "/actions/projects/{project_id}/assets/share")
async def share_project_assets(ctx: Ctx, request: Request, project_id: str) -> object:
    body = await parse(request, SharedAssets)
    return await create.share_assets(
        ctx, bool(body.is_shared), project_id=project_id, asset_ids=ids(body)
    )


@endpoint("POST", "/actions/projects/{project_id}/asset-types/{asset_type_id}/assets/share")
async def share_type_assets(
    ctx: Ctx, request: Request, project_id: str, asset_type_id: str
) -> object:
    body = await parse(request, SharedAssets)
    return await create.share_assets(
        ctx, bool(body.is_shared), project_id=project_id, asset_type_id=asset_type_id
    )


@endpoint("POST", "/actions/projects/{project_id}/task-types/{task_type_id}/set-shot-nb-frames")
async def set_shot_frames(ctx: Ctx, project_id: str, task_type_id: str) -> object:
    return await create.set_shot_frames(ctx, project_id, task_type_id, ctx.params.get("episode_id"))


# ---- listings --------------------------------------------------------------------------------
def project_listing(route: str, kind: str) -> HTTPRouteHandler:
    async def list_project_kind(ctx: Ctx, project_id: str) -> object:
        return await listings.project_entities(ctx, project_id, kind)

    path = f"/data/projects/{{project_id}}/{route}"
    return endpoint("GET", path, name=f"project:{route}")(list_project_kind)


@endpoint("GET", "/data/projects/{project_id}/assets")
async def get_project_assets(ctx: Ctx, project_id: str) -> object:
    return await listings.project_assets(ctx, project_id, ctx.params)


@endpoint("GET", "/data/projects/{project_id}/asset-types")
async def get_project_asset_types(ctx: Ctx, project_id: str) -> object:
    return await listings.project_asset_types(ctx, project_id)


@endpoint("GET", "/data/projects/{project_id}/asset-types/{asset_type_id}/assets")
async def get_project_type_assets(ctx: Ctx, project_id: str, asset_type_id: str) -> object:
    return await listings.project_assets(ctx, project_id, ctx.params, asset_type_id)


@endpoint("GET", "/data/projects/{project_id}/assets/shared-used")
async def get_shared_used(ctx: Ctx, project_id: str) -> object:
    return await listings.shared_assets_used(ctx, project_id)


@endpoint("GET", "/data/projects/{project_id}/episodes/{episode_id}/assets/shared-used")
async def get_episode_shared_used(ctx: Ctx, project_id: str, episode_id: str) -> object:
    return await listings.shared_assets_used(ctx, project_id, episode_id)


@endpoint("GET", "/data/episodes/{episode_id}/sequences")
async def get_episode_sequences(ctx: Ctx, episode_id: str) -> object:
    return await listings.episode_sequences(ctx, episode_id, ctx.params)


@endpoint("GET", "/data/episodes/{episode_id}/shots")
async def get_episode_shots(ctx: Ctx, episode_id: str) -> object:
    relations = crud.is_true(ctx.params.get("relations"))
    return await listings.episode_children(ctx, episode_id, "Shot", relations)


@endpoint("GET", "/data/episodes/{episode_id}/edits")
async def get_episode_edits(ctx: Ctx, episode_id: str) -> object:
    relations = crud.is_true(ctx.params.get("relations"))
    return await listings.episode_children(ctx, episode_id, "Edit", relations)


@endpoint("GET", "/data/sequences/{sequence_id}/shots")
async def get_sequence_shots(ctx: Ctx, sequence_id: str) -> object:
    return await listings.sequence_shots(ctx, sequence_id, ctx.params)


@endpoint("GET", "/data/sequences/{sequence_id}/scenes")
async def get_sequence_scenes(ctx: Ctx, sequence_id: str) -> object:
    return await listings.sequence_scenes(ctx, sequence_id)


@endpoint("GET", "/data/shots/{shot_id}/versions")
async def get_shot_versions(ctx: Ctx, shot_id: str) -> object:
    return await listings.versions(ctx, "Shot", shot_id)


@endpoint("GET", "/data/edits/{edit_id}/versions")
async def get_edit_versions(ctx: Ctx, edit_id: str) -> object:
    return await listings.versions(ctx, "Edit", edit_id)


PROJECT_LISTINGS = {
    "episodes": "Episode", "sequences": "Sequence", "shots": "Shot", "scenes": "Scene",
    "edits": "Edit", "concepts": "Concept",
}  # fmt: skip


ROUTES = [
    get_asset_types,
    get_asset_type,
    put_shot,
    post_delete_entities,
    post_episode,
    post_sequence,
    post_shot,
    post_scene,
    post_edit,
    post_concept,
    post_asset,
    share_assets,
    share_project_assets,
    share_type_assets,
    set_shot_frames,
    get_project_assets,
    get_project_asset_types,
    get_project_type_assets,
    get_shared_used,
    get_episode_shared_used,
    get_episode_sequences,
    get_episode_shots,
    get_episode_edits,
    get_sequence_shots,
    get_sequence_scenes,
    get_shot_versions,
    get_edit_versions,
    *(project_listing(route, kind) for route, kind in PROJECT_LISTINGS.items()),
    *(
        handler
        for route, (kind, parameter) in KINDS.items()
        for handler in kind_handlers(route, kind, parameter)
    ),
]
