"""Zou's ShotGrid import (``blueprints/source/shotgun``): a JSON list of ShotGrid API records
(as ``shotgun_api3``'s ``find()`` or the REST API returns them) becomes Kitsu rows that keep
the ShotGrid id in ``shotgun_id``; a remove route deletes the row of a ShotGrid id. Admins only.
The loop in ``services/shotgun_import.py``, the mappings in ``services/shotgun_import_breakdown.py``
and ``services/shotgun_import_work.py``.

POST   /import/shotgun/projects                 Project -> project (status, sg_ fields in data)
POST   /import/shotgun/episodes                 Episode -> episode
POST   /import/shotgun/sequences                Sequence -> sequence (episode)
POST   /import/shotgun/scenes                   Scene -> scene (sequence)
POST   /import/shotgun/shots                    Shot -> shot (sequence, scene, frames, casting)
POST   /import/shotgun/assets                   Asset -> asset (asset type, parents)
POST   /import/shotgun/steps                    Step -> task type (department)
POST   /import/shotgun/status                   Status -> task status
POST   /import/shotgun/persons                  HumanUser -> person (role, department)
POST   /import/shotgun/tasks                    Task -> task (entity, step, status, assignees)
POST   /import/shotgun/versions                 Version -> preview file (no file)
POST   /import/shotgun/notes                    Note -> comment on its first task
POST   /import/shotgun/projectconnections       ProjectUserConnection -> team member
POST   /import/shotgun/project-connections      the same (Zou serves both spellings)
POST   /import/shotgun/remove/project           body {"id": <ShotGrid id>}, the same for each:
POST   /import/shotgun/remove/episode
POST   /import/shotgun/remove/sequence
POST   /import/shotgun/remove/scene
POST   /import/shotgun/remove/shot
POST   /import/shotgun/remove/asset             (canceled instead when its tasks have files)
POST   /import/shotgun/remove/step
POST   /import/shotgun/remove/status
POST   /import/shotgun/remove/person
POST   /import/shotgun/remove/task
POST   /import/shotgun/remove/version
POST   /import/shotgun/remove/note
POST   /import/shotgun/remove/projectconnection
POST   /import/shotgun/remove/project-connection
GET    /import/shotgun/errors                   the recorded ShotGrid import errors
POST   /import/shotgun/errors                   record one (the body as event_data), 201
DELETE /import/shotgun/errors/{error_id}        204
"""

from __future__ import annotations

from litestar import Request
from litestar.handlers import HTTPRouteHandler

from ..context import Ctx
from ..services import shotgun_import as service
from ..services.shotgun_import_breakdown import IMPORTERS as BREAKDOWN_IMPORTERS
from ..services.shotgun_import_breakdown import REMOVALS as BREAKDOWN_REMOVALS
from ..services.shotgun_import_work import IMPORTERS as WORK_IMPORTERS
from ..services.shotgun_import_work import REMOVALS as WORK_REMOVALS
from .endpoint import endpoint, json_body

IMPORTERS = {**BREAKDOWN_IMPORTERS, **WORK_IMPORTERS}
REMOVALS = {**BREAKDOWN_REMOVALS, **WORK_REMOVALS}
# Zou routes both spellings of the project connections to the same resources.
ALIASES = {"projectconnections": "project-connections", "projectconnection": "project-connection"}


def import_handler(name: str, path_name: str) -> HTTPRouteHandler:
    importer = IMPORTERS[name]

    @endpoint("POST", f"/import/shotgun/{path_name}", name=f"import-shotgun:{path_name}")
    async def import_shotgun(ctx: Ctx, request: Request) -> object:
        return await service.import_entries(ctx, importer, await json_body(request))

    return import_shotgun


def remove_handler(name: str, path_name: str) -> HTTPRouteHandler:
    removal = REMOVALS[name]

    @endpoint(
        "POST", f"/import/shotgun/remove/{path_name}", name=f"import-shotgun-remove:{path_name}"
    )
    async def remove_shotgun(ctx: Ctx, request: Request) -> object:
        return await service.remove_entry(ctx, removal, await json_body(request))

    return remove_shotgun


@endpoint("GET", "/import/shotgun/errors")
async def shotgun_import_errors(ctx: Ctx) -> object:
    return await service.list_errors(ctx)


@endpoint("POST", "/import/shotgun/errors")
async def create_shotgun_import_error(ctx: Ctx, request: Request) -> object:
    return await service.create_error(ctx, await json_body(request)), 201


@endpoint("DELETE", "/import/shotgun/errors/{error_id}")
async def delete_shotgun_import_error(ctx: Ctx, error_id: str) -> object:
    await service.delete_error(ctx, error_id)
    return None, 204


def _spellings(name: str) -> list[str]:
    return [name, ALIASES[name]] if name in ALIASES else [name]


ROUTES = [
    *(import_handler(name, path) for name in IMPORTERS for path in _spellings(name)),
    *(remove_handler(name, path) for name in REMOVALS for path in _spellings(name)),
    shotgun_import_errors,
    create_shotgun_import_error,
    delete_shotgun_import_error,
]
