"""Zou's upsert-by-id import routes, what ``zou sync-push`` and ``gazu.sync.import_*`` write
with (zou-behaviour.md 5.8). Body: a JSON list of serialized records; admins only (anyone else
gets ``[]``); ``?silent=true`` (``1``, ``yes``) emits no event. Rules in
``services/kitsu_import.py``.

POST /import/kitsu/comments              comments (previews, mentions, acknowledgements, files)
POST /import/kitsu/entities              assets, shots, sequences, episodes... (casting)
POST /import/kitsu/entity-links          casting links, matched on (entity_in_id, entity_out_id)
POST /import/kitsu/projects              projects (team and settings links only grow)
POST /import/kitsu/tasks                 tasks (assignees)
POST /import/kitsu/attachment-files      comment attachments (metadata only)
POST /import/kitsu/build-jobs            playlist build jobs
POST /import/kitsu/metadata-descriptors  metadata descriptors (departments only grow)
POST /import/kitsu/milestones            milestones
POST /import/kitsu/news                  project news
POST /import/kitsu/notifications         notifications
POST /import/kitsu/playlists             playlists
POST /import/kitsu/preview-files         preview files (metadata only: data.imported_only)
POST /import/kitsu/schedule-items        schedule items
POST /import/kitsu/subscriptions         subscriptions
POST /import/kitsu/time-spents           time spents
"""

from __future__ import annotations

from litestar import Request
from litestar.handlers import HTTPRouteHandler

from ..context import Ctx
from ..services import kitsu_import as service
from .endpoint import endpoint, json_body

SILENT_WORDS = ("1", "true", "yes")


def import_handler(name: str) -> HTTPRouteHandler:
    @endpoint("POST", f"/import/kitsu/{name}", name=f"import-kitsu:{name}")
    async def import_kitsu(ctx: Ctx, request: Request) -> object:
        silent = ctx.params.get("silent", "").lower() in SILENT_WORDS
        return await service.import_records(ctx, name, await json_body(request), silent=silent)

    return import_kitsu


ROUTES = [import_handler(name) for name in service.IMPORT_NAMES]
