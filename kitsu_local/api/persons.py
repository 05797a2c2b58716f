"""Person routes beyond the generic CRUD.

GET  /data/persons/{person_id}/desktop-login-logs   the person's desktop logins, latest first
POST /data/persons/{person_id}/desktop-login-logs   record one (``date``, now by default); sets
                                                    the person's ``last_presence``
"""

from __future__ import annotations

import datetime

from litestar import Request
from pydantic import field_validator

from ..bodies import Body
from ..context import Ctx
from ..services import presence
from .endpoint import endpoint, parse

DATE_FORMAT_MESSAGE = "Wrong date format. Expected: 2020-01-05T13:23:10 or 2020-01-05"


class DesktopLoginBody(Body):
    date: datetime.datetime | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _parse_date(cls, value: object) -> object:
        if not value:
            return None
        if isinstance(value, str):
            try:
                return datetime.datetime.fromisoformat(value).replace(tzinfo=None)
            except ValueError:
                pass
        raise ValueError(DATE_FORMAT_MESSAGE)


@endpoint("GET", "/data/persons/{person_id}/desktop-login-logs")
async def get_desktop_login_logs(ctx: Ctx, person_id: str) -> object:
    return await presence.desktop_login_logs(ctx, person_id)


@endpoint("POST", "/data/persons/{person_id}/desktop-login-logs")
async def post_desktop_login_log(ctx: Ctx, request: Request, person_id: str) -> object:
    body = await parse(request, DesktopLoginBody)
    return await presence.add_desktop_login_log(ctx, person_id, body.date), 201


ROUTES = [get_desktop_login_logs, post_desktop_login_log]
