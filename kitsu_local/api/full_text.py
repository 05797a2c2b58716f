"""Full-text search.

POST /data/search   persons, assets, shots (and sequences, episodes, edits) matching a query
"""

from __future__ import annotations

from litestar import Request

from ..context import Ctx
from ..services import full_text
from .endpoint import endpoint, json_body


@endpoint("POST", "/data/search", write=False)
async def post_full_text_search(ctx: Ctx, request: Request) -> object:
    return await full_text.search(ctx, await json_body(request))


ROUTES = [post_full_text_search]
