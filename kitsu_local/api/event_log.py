"""The event log and the login logs, newest first (zou-behaviour.md 4.5).

GET /data/events/last               after, before, limit (<= 1000), only_files, project_id,
                                    name, cursor_event_id, name_prefixes, name_suffixes,
                                    person_ids (managers and admins)
GET /data/events/login-logs/last    after, before, limit, cursor_login_log_id, person_ids
                                    (admins)
"""

from __future__ import annotations

from typing import Any

from litestar import Request

from ..context import Ctx
from ..services import event_log as service
from .endpoint import endpoint

REPEATABLE = ("name_prefixes", "name_suffixes", "person_ids")


def _lists(request: Request) -> dict[str, list[str]]:
    return {name: request.query_params.getall(name, []) for name in REPEATABLE}


@endpoint("GET", "/data/events/last")
async def last_events(ctx: Ctx, request: Request) -> Any:
    return await service.last_events(ctx, _lists(request))


@endpoint("GET", "/data/events/login-logs/last")
async def last_login_logs(ctx: Ctx, request: Request) -> Any:
    return await service.last_login_logs(ctx, _lists(request)["person_ids"])


ROUTES = [last_events, last_login_logs]
