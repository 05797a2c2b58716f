"""The OTIO import (Zou's ``source/otio`` blueprint): shots and sequences from an editorial
timeline, multipart ``file`` (.otio, .edl, .otioz...), options ``naming_convention`` and
``match_case`` (form fields or query string).

POST /import/otio/projects/{project_id}                        201 {updated_shots, created_shots}
POST /import/otio/projects/{project_id}/episodes/{episode_id}  the same, in an episode
"""

from __future__ import annotations

from typing import Any

from litestar import Request

from ..context import Ctx
from ..services import otio_import
from .endpoint import endpoint, json_body
from .files_http import received_uploads


@endpoint("POST", "/import/otio/projects/{project_id}")
async def import_otio(ctx: Ctx, request: Request, project_id: str) -> Any:
    return await _import(ctx, request, project_id, None, otio_import.NAMING_CONVENTION)


@endpoint("POST", "/import/otio/projects/{project_id}/episodes/{episode_id}")
async def import_otio_episode(ctx: Ctx, request: Request, project_id: str, episode_id: str) -> Any:
    return await _import(
        ctx, request, project_id, episode_id, otio_import.EPISODE_NAMING_CONVENTION
    )


async def _import(
    ctx: Ctx, request: Request, project_id: str, episode_id: str | None, convention: str
) -> Any:
    async with received_uploads(request, ctx.state.store) as uploads:
        # Zou reads its options from the query string, then the form, then a JSON body.
        values: dict[str, Any] = {}
        if "application/json" in request.headers.get("content-type", ""):
            body = await json_body(request, required=False)
            values.update(body if isinstance(body, dict) else {})
        values.update(uploads.fields)
        values.update(ctx.params)
        naming_convention, match_case = otio_import.import_options(values, convention)
        result = await otio_import.import_timeline(
            ctx, project_id, episode_id, uploads.first("file"), naming_convention, match_case
        )
    return result, 201


ROUTES = [import_otio, import_otio_episode]
