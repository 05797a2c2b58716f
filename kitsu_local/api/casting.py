"""Casting, asset instances and entity links (breakdown).

GET    /data/projects/{project_id}/entities/{entity_id}/casting     assets an entity casts
PUT    /data/projects/{project_id}/entities/{entity_id}/casting     replace it (manager)
PUT    /data/projects/{project_id}/entities/casting                 replace several castings
PUT    /data/projects/{project_id}/entities/casting/assets/{asset_id}
                                                     cast one asset in several entities
GET    /data/projects/{project_id}/asset-types/{asset_type_id}/casting
                                                     {asset id: casting} of a type's assets
GET    /data/projects/{project_id}/episodes/casting  {episode id: casting}
GET    /data/projects/{project_id}/sequences/{sequence_id}/casting  {shot id: casting}
GET    /data/projects/{project_id}/episodes/{episode_id}/sequences/all/casting
                                                     {shot id: casting} of an episode
GET    /data/projects/{project_id}/sequences/all/casting            {shot id: casting}
GET    /data/projects/{project_id}/entity-links      the project's links (page, cursor)
DELETE /data/projects/{project_id}/entity-links/{entity_link_id}    uncast (manager)
GET    /data/scenes/{scene_id}/asset-instances       {asset id: instances in the scene}
POST   /data/scenes/{scene_id}/asset-instances       new numbered instance of an asset
GET    /data/scenes/{scene_id}/camera-instances      instances of Camera assets
GET    /data/shots/{shot_id}/asset-instances         {asset id: instances the shot uses}
POST   /data/shots/{shot_id}/asset-instances         the shot uses an instance
DELETE /data/shots/{shot_id}/asset-instances/{asset_instance_id}
GET    /data/assets/{asset_id}/assets                assets the asset casts (entities)
GET    /data/assets/{asset_id}/cast-in               shots and assets casting the asset
GET    /data/assets/{asset_id}/casting               assets the asset casts
PUT    /data/assets/{asset_id}/casting               replace it (manager)
GET    /data/assets/{asset_id}/shot-asset-instances  {shot id: the asset's instances}
GET    /data/assets/{asset_id}/scene-asset-instances {scene id: the asset's instances}
GET    /data/assets/{asset_id}/asset-asset-instances {asset id: instances in this asset}
POST   /data/assets/{asset_id}/asset-asset-instances new instance of an asset in this one
GET    /data/shots/{shot_id}/asset-types             types of the assets a shot casts
GET    /data/shots/{shot_id}/assets                  assets a shot casts (entities)
GET    /data/scenes/{scene_id}/shots                 shots of a scene
POST   /data/scenes/{scene_id}/shots                 a shot joins the scene
DELETE /data/scenes/{scene_id}/shots/{shot_id}       a shot leaves the scene
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from ..bodies import Body
from ..context import Ctx
from ..errors import BadRequest, WrongParameter
from ..services import asset_instances, casting, casting_updates
from .endpoint import endpoint, json_body, parse, query


# ---- request bodies (Zou's pydantic schemas) -------------------------------------------------
class ProjectCastingEntry(Body):
    """An entry of the project casting route: Zou skips entries without both values."""

    asset_id: UUID | None = None
    nb_occurences: int | None = None
    label: str | None = None


class CastingEntry(Body):
    asset_id: UUID
    nb_occurences: int = Field(default=1, ge=0)
    label: str = ""


class CastAssetBody(Body):
    entity_ids: list[UUID] = Field(min_length=1)
    nb_occurences: int | None = Field(default=None, ge=0)
    label: str | None = None


class ShotInstanceBody(Body):
    asset_instance_id: UUID


class SceneInstanceBody(Body):
    asset_id: UUID
    description: str | None = None


class AssetInstanceBody(Body):
    asset_to_instantiate_id: UUID
    description: str | None = None


class SceneShotBody(Body):
    shot_id: UUID


def _entries(payload: Any, schema: type[BaseModel]) -> list[dict[str, Any]]:
    """A casting list checked entry by entry (errors named ``<index>.<field>``, as Zou)."""
    try:
        entries = TypeAdapter(list[schema]).validate_python(payload)  # type: ignore[valid-type]
    except ValidationError as error:
        errors = [
            {"field": ".".join(str(part) for part in item["loc"]), "message": item["msg"]}
            for item in error.errors()
        ]
        raise WrongParameter("Validation error.", {"errors": errors}) from None
    return [entry.model_dump(mode="json") for entry in entries]


async def _json_or_none(request: Request) -> Any:
    """The JSON body; None when there is none (bad JSON is Werkzeug's 400, as in Zou)."""
    return await json_body(request) if (await request.body()).strip() else None


# ---- casting ---------------------------------------------------------------------------------
@endpoint("GET", "/data/projects/{project_id}/entities/{entity_id}/casting")
async def get_entity_casting(ctx: Ctx, project_id: str, entity_id: str) -> object:
    return await casting.project_entity_casting(ctx, project_id, entity_id)


@endpoint("PUT", "/data/projects/{project_id}/entities/{entity_id}/casting")
async def put_entity_casting(ctx: Ctx, request: Request, project_id: str, entity_id: str) -> object:
    body = await _json_or_none(request)
    if not isinstance(body, list):
        raise BadRequest("Request body must be a JSON array")
    entries = _entries(body, ProjectCastingEntry)
    await casting_updates.put_project_casting(ctx, project_id, entity_id, entries)
    return body


@endpoint("PUT", "/data/projects/{project_id}/entities/casting")
async def put_entities_casting(ctx: Ctx, request: Request, project_id: str) -> object:
    body = await _json_or_none(request)
    if not isinstance(body, dict) or not all(isinstance(item, list) for item in body.values()):
        raise BadRequest("Request body must be a JSON object mapping entity ids to casting arrays")
    castings = {key: _entries(value, ProjectCastingEntry) for key, value in body.items()}
    await casting_updates.put_project_castings(ctx, project_id, castings)
    return body


@endpoint("PUT", "/data/projects/{project_id}/entities/casting/assets/{asset_id}")
async def put_asset_in_entities(
    ctx: Ctx, request: Request, project_id: str, asset_id: str
) -> object:
    body = await parse(request, CastAssetBody)
    return await casting_updates.cast_asset_in(
        ctx, project_id, asset_id, [str(entity_id) for entity_id in body.entity_ids],
        body.nb_occurences, body.label,
    )  # fmt: skip


@endpoint("GET", "/data/projects/{project_id}/asset-types/{asset_type_id}/casting")
async def get_asset_type_casting(ctx: Ctx, project_id: str, asset_type_id: str) -> object:
    return await casting.asset_type_casting(ctx, project_id, asset_type_id)


@endpoint("GET", "/data/projects/{project_id}/episodes/casting")
async def get_episodes_casting(ctx: Ctx, project_id: str) -> object:
    return await casting.episodes_casting(ctx, project_id)


@endpoint("GET", "/data/projects/{project_id}/sequences/{sequence_id}/casting")
async def get_sequence_casting(ctx: Ctx, project_id: str, sequence_id: str) -> object:
    return await casting.sequence_casting(ctx, project_id, sequence_id=sequence_id)


@endpoint("GET", "/data/projects/{project_id}/episodes/{episode_id}/sequences/all/casting")
async def get_episode_shots_casting(ctx: Ctx, project_id: str, episode_id: str) -> object:
    return await casting.sequence_casting(ctx, project_id, episode_id=episode_id)


@endpoint("GET", "/data/projects/{project_id}/sequences/all/casting")
async def get_project_shots_casting(ctx: Ctx, project_id: str) -> object:
    return await casting.sequence_casting(ctx, project_id)


@endpoint("GET", "/data/projects/{project_id}/entity-links")
async def get_project_entity_links(ctx: Ctx, request: Request, project_id: str) -> object:
    return await casting.project_entity_links(ctx, project_id, query(request))


@endpoint("DELETE", "/data/projects/{project_id}/entity-links/{entity_link_id}")
async def delete_project_entity_link(ctx: Ctx, project_id: str, entity_link_id: str) -> object:
    return await casting_updates.delete_project_link(ctx, project_id, entity_link_id)


# ---- asset instances -------------------------------------------------------------------------
@endpoint("GET", "/data/scenes/{scene_id}/asset-instances")
async def get_scene_instances(ctx: Ctx, scene_id: str) -> object:
    return await asset_instances.scene_instances(ctx, scene_id)


@endpoint("POST", "/data/scenes/{scene_id}/asset-instances")
async def post_scene_instance(ctx: Ctx, request: Request, scene_id: str) -> object:
    body = await parse(request, SceneInstanceBody)
    item = await asset_instances.add_to_scene(ctx, scene_id, str(body.asset_id), body.description)
    return item, 201


@endpoint("GET", "/data/scenes/{scene_id}/camera-instances")
async def get_scene_cameras(ctx: Ctx, scene_id: str) -> object:
    return await asset_instances.scene_instances(ctx, scene_id, cameras=True)


@endpoint("GET", "/data/shots/{shot_id}/asset-instances")
async def get_shot_instances(ctx: Ctx, shot_id: str) -> object:
    return await asset_instances.shot_instances(ctx, shot_id)


@endpoint("POST", "/data/shots/{shot_id}/asset-instances")
async def post_shot_instance(ctx: Ctx, request: Request, shot_id: str) -> object:
    body = await parse(request, ShotInstanceBody)
    return await asset_instances.add_to_shot(ctx, shot_id, str(body.asset_instance_id)), 201


@endpoint("DELETE", "/data/shots/{shot_id}/asset-instances/{asset_instance_id}")
async def delete_shot_instance(ctx: Ctx, shot_id: str, asset_instance_id: str) -> object:
    await asset_instances.remove_from_shot(ctx, shot_id, asset_instance_id)
    return None, 204


# ---- assets ----------------------------------------------------------------------------------
@endpoint("GET", "/data/assets/{asset_id}/assets")
async def get_asset_assets(ctx: Ctx, asset_id: str) -> object:
    return await casting.cast_entities(ctx, "Asset", asset_id)


@endpoint("GET", "/data/assets/{asset_id}/cast-in")
async def get_asset_cast_in(ctx: Ctx, asset_id: str) -> object:
    return await casting.cast_in(ctx, asset_id)


@endpoint("GET", "/data/assets/{asset_id}/casting")
async def get_asset_casting(ctx: Ctx, asset_id: str) -> object:
    return await casting.asset_casting(ctx, asset_id)


@endpoint("PUT", "/data/assets/{asset_id}/casting")
async def put_asset_casting(ctx: Ctx, request: Request, asset_id: str) -> object:
    body = await json_body(request, required=False)  # Zou reads it silently
    if not isinstance(body, list):
        raise WrongParameter("Request body must be a JSON array.")
    entries = _entries(body, CastingEntry)
    await casting_updates.put_asset_casting(ctx, asset_id, entries)
    return entries


@endpoint("GET", "/data/assets/{asset_id}/shot-asset-instances")
async def get_asset_shot_instances(ctx: Ctx, asset_id: str) -> object:
    return await asset_instances.asset_shot_instances(ctx, asset_id)


@endpoint("GET", "/data/assets/{asset_id}/scene-asset-instances")
async def get_asset_scene_instances(ctx: Ctx, asset_id: str) -> object:
    return await asset_instances.asset_scene_instances(ctx, asset_id)


@endpoint("GET", "/data/assets/{asset_id}/asset-asset-instances")
async def get_asset_instances(ctx: Ctx, asset_id: str) -> object:
    return await asset_instances.asset_asset_instances(ctx, asset_id)


@endpoint("POST", "/data/assets/{asset_id}/asset-asset-instances")
async def post_asset_instance(ctx: Ctx, request: Request, asset_id: str) -> object:
    body = await parse(request, AssetInstanceBody)
    item = await asset_instances.add_to_asset(
        ctx, asset_id, str(body.asset_to_instantiate_id), body.description
    )
    return item, 201


# ---- shots and scenes ------------------------------------------------------------------------
@endpoint("GET", "/data/shots/{shot_id}/asset-types")
async def get_shot_asset_types(ctx: Ctx, shot_id: str) -> object:
    return await casting.shot_asset_types(ctx, shot_id)


@endpoint("GET", "/data/shots/{shot_id}/assets")
async def get_shot_assets(ctx: Ctx, shot_id: str) -> object:
    return await casting.cast_entities(ctx, "Shot", shot_id)


@endpoint("GET", "/data/scenes/{scene_id}/shots")
async def get_scene_shots(ctx: Ctx, scene_id: str) -> object:
    return await asset_instances.scene_shots(ctx, scene_id)


@endpoint("POST", "/data/scenes/{scene_id}/shots")
async def post_scene_shot(ctx: Ctx, request: Request, scene_id: str) -> object:
    body = await parse(request, SceneShotBody)
    return await asset_instances.add_shot_to_scene(ctx, scene_id, str(body.shot_id)), 201


@endpoint("DELETE", "/data/scenes/{scene_id}/shots/{shot_id}")
async def delete_scene_shot(ctx: Ctx, scene_id: str, shot_id: str) -> object:
    await asset_instances.remove_shot_from_scene(ctx, scene_id, shot_id)
    return None, 204


ROUTES = [
    get_entity_casting,
    put_entity_casting,
    put_entities_casting,
    put_asset_in_entities,
    get_asset_type_casting,
    get_episodes_casting,
    get_sequence_casting,
    get_episode_shots_casting,
    get_project_shots_casting,
    get_project_entity_links,
    delete_project_entity_link,
    get_scene_instances,
    post_scene_instance,
    get_scene_cameras,
    get_shot_instances,
    post_shot_instance,
    delete_shot_instance,
    get_asset_assets,
    get_asset_cast_in,
    get_asset_casting,
    put_asset_casting,
    get_asset_shot_instances,
    get_asset_scene_instances,
    get_asset_instances,
    post_asset_instance,
    get_shot_asset_types,
    get_shot_assets,
    get_scene_shots,
    post_scene_shot,
    delete_scene_shot,
]
