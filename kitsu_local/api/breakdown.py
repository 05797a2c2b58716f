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
"""

from __future__ import annotations

from litestar import Request
from litestar.handlers import HTTPRouteHandler

from ..context import Ctx
from ..services import breakdown, crud
from .endpoint import endpoint, json_body, query

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


def kind_handlers(route: str, kind: str, parameter: str) -> list[HTTPRouteHandler]:
    item = f"/data/{route}/{{{parameter}}}"

    @endpoint("GET", f"/data/{route}", name=f"list:{route}")
    async def list_kind(ctx: Ctx, request: Request) -> object:
        return await breakdown.list_entities(ctx, kind, query(request))

    async def get_kind(ctx: Ctx, **path: str) -> object:
        return await breakdown.get_full(ctx, kind, path[parameter])

    async def delete_kind(ctx: Ctx, request: Request, **path: str) -> object:
        force = crud.is_true(query(request).get("force"))
        await breakdown.delete_typed(ctx, kind, path[parameter], force)
        return None, 204

    return [
        list_kind,
        endpoint("GET", item, name=f"get:{route}", path_params=(parameter,))(get_kind),
        endpoint("DELETE", item, name=f"delete:{route}", path_params=(parameter,))(delete_kind),
    ]


@endpoint("PUT", "/data/shots/{shot_id}")
async def put_shot(ctx: Ctx, request: Request, shot_id: str) -> object:
    return await breakdown.update_shot(ctx, shot_id, await json_body(request))


@endpoint("GET", "/data/asset-types")
async def get_asset_types(ctx: Ctx, request: Request) -> object:
    return await breakdown.list_asset_types(ctx, query(request))


@endpoint("GET", "/data/asset-types/{asset_type_id}")
async def get_asset_type(ctx: Ctx, asset_type_id: str) -> object:
    return await breakdown.get_asset_type(ctx, asset_type_id)


ROUTES = [
    get_asset_types,
    get_asset_type,
    put_shot,
    *(
        handler
        for route, (kind, parameter) in KINDS.items()
        for handler in kind_handlers(route, kind, parameter)
    ),
]
