"""File lookup (the full-text search, ``POST /data/search``, is ``api/full_text.py``).

GET  /data/files/{file_id}  a working file or an output file
"""

from __future__ import annotations

from ..context import Ctx
from ..services import files
from .endpoint import endpoint


@endpoint("GET", "/data/files/{file_id}")
async def get_file(ctx: Ctx, file_id: str) -> object:
    return await files.get_file(ctx, file_id)


ROUTES = [get_file]
