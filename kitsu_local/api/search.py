"""Search and file lookup.

POST /data/search           persons, assets and shots matching a query
GET  /data/files/{file_id}  a working file or an output file
"""

from __future__ import annotations

from litestar import Request

from ..context import Ctx
from ..services import files, search
from .endpoint import endpoint, json_body


@endpoint("POST", "/data/search", write=False)
async def post_search(ctx: Ctx, request: Request) -> object:
    return await search.search(ctx, await json_body(request))


@endpoint("GET", "/data/files/{file_id}")
async def get_file(ctx: Ctx, file_id: str) -> object:
    return await files.get_file(ctx, file_id)


ROUTES = [post_search, get_file]
