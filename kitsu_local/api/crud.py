"""The generic CRUD routes, five per registry entry (``registry.py``):

    GET    /data/<route>          list (filters, relations, fields, page/limit)
    POST   /data/<route>          create
    GET    /data/<route>/{id}     read one (relations on by default)
    PUT    /data/<route>/{id}     update
    DELETE /data/<route>/{id}     delete (?force=true where the model cascades)

Behaviour is in ``services/crud.py``; what differs per model is declared in the registry.
"""

from __future__ import annotations

from litestar import Request
from litestar.handlers import HTTPRouteHandler

from ..context import Ctx
from ..registry import REGISTRY
from ..services import crud
from ..services.spec import ModelSpec
from .endpoint import endpoint, json_body, query


def crud_handlers(spec: ModelSpec) -> list[HTTPRouteHandler]:
    collection = f"/data/{spec.route}"
    item = f"/data/{spec.route}/{{instance_id}}"

    @endpoint("GET", collection, write=spec.writes_on_read, name=f"list:{spec.route}")
    async def list_models(ctx: Ctx, request: Request) -> object:
        return await crud.list_rows(ctx, spec, query(request))

    @endpoint("POST", collection, name=f"create:{spec.route}")
    async def create_model(ctx: Ctx, request: Request) -> object:
        return await crud.create(ctx, spec, await json_body(request)), 201

    @endpoint("GET", item, name=f"get:{spec.route}")
    async def get_model(ctx: Ctx, request: Request, instance_id: str) -> object:
        relations = crud.is_true(query(request).get("relations"), default=True)
        return await crud.get_one(ctx, spec, instance_id, relations=relations)

    @endpoint("PUT", item, name=f"update:{spec.route}")
    async def update_model(ctx: Ctx, request: Request, instance_id: str) -> object:
        return await crud.update(ctx, spec, instance_id, await json_body(request))

    @endpoint("DELETE", item, name=f"delete:{spec.route}")
    async def delete_model(ctx: Ctx, request: Request, instance_id: str) -> object:
        await crud.remove(ctx, spec, instance_id, force=crud.is_true(query(request).get("force")))
        return None, 204

    return [list_models, create_model, get_model, update_model, delete_model]


ROUTES = [handler for spec in REGISTRY for handler in crud_handlers(spec)]
