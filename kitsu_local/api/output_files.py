"""Output files of entities and asset instances, and the project file tree (zou-behaviour.md
3.12, 3.13).

    POST /actions/projects/{project_id}/set-file-tree                    a bundled tree (managers)
    POST /data/entities/guess-from-path (and guess_from_path)            templates a path matches
    POST /data/asset-instances/{asset_instance_id}/entities/{temporal_entity_id}/output-file-path
    GET  /data/asset-instances/{asset_instance_id}/entities/{temporal_entity_id}/output-files/last-revisions
    POST /data/asset-instances/{asset_instance_id}/entities/{temporal_entity_id}/output-files/new
    POST /data/asset-instances/{asset_instance_id}/entities/{temporal_entity_id}/output-files/next-revision
    GET  /data/asset-instances/{asset_instance_id}/entities/{temporal_entity_id}/output-types
    GET  /data/asset-instances/{asset_instance_id}/entities/{temporal_entity_id}/output-types/{output_type_id}/output-files
    GET  /data/asset-instances/{asset_instance_id}/output-files           filters + temporal_entity_id
    POST /data/entities/{entity_id}/output-file-path                     {folder_path, file_name}
    GET  /data/entities/{entity_id}/output-files                         filters, newest revision first
    GET  /data/entities/{entity_id}/output-files/last-revisions          highest revision of each
    POST /data/entities/{entity_id}/output-files/new                     201 file + folder_path, file_name
    POST /data/entities/{entity_id}/output-files/next-revision           {next_revision}
    GET  /data/entities/{entity_id}/output-types                         types of its output files
    GET  /data/entities/{entity_id}/output-types/{output_type_id}/output-files   ?representation=

Listing filters: ``output_type_id``, ``task_type_id``, ``representation``, ``file_status_id``,
``name``. A malformed file tree answers 400 ``{"message", "received_data"}`` on the path routes.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from litestar import Request
from pydantic import ConfigDict, Field

from ..bodies import Body
from ..context import Ctx
from ..services import file_trees, path_guess
from ..services import output_files as service
from ..services.file_trees import MalformedFileTree
from ..services.output_files import NewOutputFileBody, NextRevisionBody, OutputFilePathBody
from .endpoint import endpoint, json_body, parse

INSTANCE = "/data/asset-instances/{asset_instance_id}/entities/{temporal_entity_id}"


class SetTreeBody(Body):
    model_config = ConfigDict(extra="ignore")
    tree_name: str = Field(..., min_length=1)


async def path_or_400(request: Request, paths: Awaitable[dict[str, str]]) -> Any:
    """Zou's path routes answer a malformed tree with the data they received."""
    try:
        return await paths
    except MalformedFileTree as error:
        received = await json_body(request, required=False)
        return {"message": str(error), "received_data": received}, 400


@endpoint("POST", "/actions/projects/{project_id}/set-file-tree")
async def set_file_tree(ctx: Ctx, request: Request, project_id: str) -> Any:
    body = await parse(request, SetTreeBody)
    return await file_trees.set_project_file_tree(ctx, project_id, body.tree_name)


class GuessFromPathBody(Body):
    model_config = ConfigDict(extra="ignore")
    project_id: str = Field(..., min_length=1)
    file_path: str = Field(..., min_length=1)
    sep: str = "/"


async def _guess(ctx: Ctx, request: Request) -> Any:
    body = await parse(request, GuessFromPathBody)
    return await path_guess.guess_from_path(ctx, body.project_id, body.file_path, body.sep)


@endpoint("POST", "/data/entities/guess-from-path", write=False)
async def guess_from_path(ctx: Ctx, request: Request) -> Any:
    return await _guess(ctx, request)


@endpoint("POST", "/data/entities/guess_from_path", write=False)
async def guess_from_path_underscored(ctx: Ctx, request: Request) -> Any:
    return await _guess(ctx, request)


@endpoint("POST", INSTANCE + "/output-file-path")
async def instance_output_file_path(
    ctx: Ctx, request: Request, asset_instance_id: str, temporal_entity_id: str
) -> Any:
    body = await parse(request, OutputFilePathBody)
    return await path_or_400(
        request,
        service.instance_output_file_path(ctx, asset_instance_id, temporal_entity_id, body),
    )


@endpoint("GET", INSTANCE + "/output-files/last-revisions")
async def instance_last_revisions(ctx: Ctx, asset_instance_id: str, temporal_entity_id: str) -> Any:
    return await service.instance_last_revisions(ctx, asset_instance_id, temporal_entity_id)


@endpoint("POST", INSTANCE + "/output-files/new")
async def new_instance_output_file(
    ctx: Ctx, request: Request, asset_instance_id: str, temporal_entity_id: str
) -> Any:
    body = await parse(request, NewOutputFileBody)
    return await service.new_instance_output_file(ctx, asset_instance_id, temporal_entity_id, body)


@endpoint("POST", INSTANCE + "/output-files/next-revision", write=False)
async def next_instance_revision(
    ctx: Ctx, request: Request, asset_instance_id: str, temporal_entity_id: str
) -> Any:
    body = await parse(request, NextRevisionBody)
    return await service.next_instance_revision(ctx, asset_instance_id, temporal_entity_id, body)


@endpoint("GET", INSTANCE + "/output-types")
async def instance_output_types(ctx: Ctx, asset_instance_id: str, temporal_entity_id: str) -> Any:
    return await service.instance_output_types(ctx, asset_instance_id, temporal_entity_id)


@endpoint("GET", INSTANCE + "/output-types/{output_type_id}/output-files")
async def instance_output_type_files(
    ctx: Ctx, asset_instance_id: str, temporal_entity_id: str, output_type_id: str
) -> Any:
    return await service.instance_output_type_files(
        ctx, asset_instance_id, temporal_entity_id, output_type_id
    )


@endpoint("GET", "/data/asset-instances/{asset_instance_id}/output-files")
async def instance_output_files(ctx: Ctx, asset_instance_id: str) -> Any:
    return await service.instance_output_files(ctx, asset_instance_id)


@endpoint("POST", "/data/entities/{entity_id}/output-file-path")
async def entity_output_file_path(ctx: Ctx, request: Request, entity_id: str) -> Any:
    body = await parse(request, OutputFilePathBody)
    return await path_or_400(request, service.entity_output_file_path(ctx, entity_id, body))


@endpoint("GET", "/data/entities/{entity_id}/output-files")
async def entity_output_files(ctx: Ctx, entity_id: str) -> Any:
    return await service.entity_output_files(ctx, entity_id)


@endpoint("GET", "/data/entities/{entity_id}/output-files/last-revisions")
async def entity_last_revisions(ctx: Ctx, entity_id: str) -> Any:
    return await service.entity_last_revisions(ctx, entity_id)


@endpoint("POST", "/data/entities/{entity_id}/output-files/new")
async def new_entity_output_file(ctx: Ctx, request: Request, entity_id: str) -> Any:
    body = await parse(request, NewOutputFileBody)
    return await service.new_entity_output_file(ctx, entity_id, body)


@endpoint("POST", "/data/entities/{entity_id}/output-files/next-revision", write=False)
async def next_entity_revision(ctx: Ctx, request: Request, entity_id: str) -> Any:
    body = await parse(request, NextRevisionBody)
    return await service.next_entity_revision(ctx, entity_id, body)


@endpoint("GET", "/data/entities/{entity_id}/output-types")
async def entity_output_types(ctx: Ctx, entity_id: str) -> Any:
    return await service.entity_output_types(ctx, entity_id)


@endpoint("GET", "/data/entities/{entity_id}/output-types/{output_type_id}/output-files")
async def entity_output_type_files(ctx: Ctx, entity_id: str, output_type_id: str) -> Any:
    return await service.entity_output_type_files(ctx, entity_id, output_type_id)


ROUTES = [
    set_file_tree,
    guess_from_path,
    guess_from_path_underscored,
    instance_output_file_path,
    instance_last_revisions,
    new_instance_output_file,
    next_instance_revision,
    instance_output_types,
    instance_output_type_files,
    instance_output_files,
    entity_output_file_path,
    entity_output_files,
    entity_last_revisions,
    new_entity_output_file,
    next_entity_revision,
    entity_output_types,
    entity_output_type_files,
]
