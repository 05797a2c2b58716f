"""The event log (``api_event``) and the login logs as read through the API (zou-behaviour.md
4.4, 4.5): the generic ``/data/events`` hooks and ``/data/events/last``,
``/data/events/login-logs/last``.

Both listings are newest first and read through the index on ``created_at``: one query for the
page (plus one for a cursor), whatever the size of the log.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select

from .. import rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import PermissionDenied, WrongParameter
from ..models import ApiEvent, LoginLog, Project
from .crud import CrudHooks, serialize_plain
from .spec import spec_for_table

MAX_EVENTS = 1000
DEFAULT_LIMIT = 100
FILE_EVENTS = (
    "preview-file:add-file",
    "organisation:set-thumbnail",
    "person:set-thumbnail",
    "project:set-thumbnail",
)
EVENT_KEYS = ("id", "created_at", "name", "user_id", "project_id", "data")
LOGIN_LOG_KEYS = ("id", "created_at", "ip_address", "person_id", "origin")
NAME_PART = re.compile(r"[a-z0-9-]+")
DATE_ERROR = (
    "Wrong date format for before argument.Expected format: 2020-01-05T13:23:10 or 2020-01-05"
)


class EventLogHooks(CrudHooks):
    def list_limit(self) -> int | None:
        return MAX_EVENTS


# ==== parameters ==============================================================================
def _date(value: str | None) -> datetime.datetime | None:
    """Zou's parse_date_parameter: ``YYYY-MM-DDTHH:MM:SS`` or ``YYYY-MM-DD``."""
    if value is None:
        return None
    for pattern in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(value, pattern)
        except ValueError:
            continue
    raise WrongParameter(DATE_ERROR)


def _limit(value: str | None) -> int:
    """At most 1000; a negative one is a 400 here (a 500 in Zou)."""
    if value is None:
        return DEFAULT_LIMIT
    try:
        limit = int(value)
    except ValueError:
        raise WrongParameter("Wrong value for parameter limit.") from None
    if limit < 0:
        raise WrongParameter("Wrong value for parameter limit.")
    return min(limit, MAX_EVENTS)


def _valid_id(value: str | None, name: str) -> str | None:
    if value is not None and not is_valid_id(value):
        raise WrongParameter(f"The {name} parameter is not a valid id")
    return value.lower() if value is not None else None


def _person_ids(values: Sequence[str]) -> list[str]:
    if not all(is_valid_id(value) for value in values):
        raise WrongParameter("The person_ids parameter contains an invalid id")
    return [value.lower() for value in values]


def _name_parts(values: Sequence[str], name: str) -> list[str]:
    if not all(NAME_PART.fullmatch(value) for value in values):
        raise WrongParameter(f"The {name} parameter contains an invalid value")
    return list(values)


def _dated(column: Any, after: str | None, before: str | None) -> list[Any]:
    conditions = []
    if (start := _date(after)) is not None:
        conditions.append(column > start)
    if (end := _date(before)) is not None:
        conditions.append(column < end)
    return conditions


def _picked(table: str, found: list[dict[str, Any]], keys: tuple[str, ...]) -> list[dict]:
    return [
        {key: item[key] for key in keys} for item in serialize_plain(spec_for_table(table), found)
    ]


async def _page(ctx: Ctx, model: Any, conditions: list[Any], limit: int) -> list[dict[str, Any]]:
    query = select(model).where(*conditions).order_by(model.created_at.desc()).limit(limit)
    return [dict(row) for row in (await ctx.conn.execute(query)).mappings()]


# ==== routes ==================================================================================
async def _require_log_reader(ctx: Ctx, project_id: str | None) -> frozenset[str] | None:
    """Managers and admins; a project role counts for a named project (403 when unknown).
    Answers the projects a non-admin's log is limited to (None: everything)."""
    me = ctx.me
    role = me.role
    if project_id is not None and not me.has_manager_role():
        if await rows.fetch_one(ctx.conn, Project, project_id) is None:
            raise PermissionDenied()
        role = me.role_in(project_id) if me.is_member(project_id) else me.role
    if role not in ("admin", "manager"):
        raise PermissionDenied()
    return None if me.is_admin else me.member_project_ids


async def last_events(ctx: Ctx, lists: dict[str, list[str]]) -> list[dict[str, Any]]:
    """GET /data/events/last (Zou's checks in Zou's order); ``lists`` holds the repeatable
    ``name_prefixes``, ``name_suffixes`` and ``person_ids``."""
    params = ctx.params
    limit = _limit(params.get("limit"))
    project_id = _valid_id(params.get("project_id"), "project_id")
    scope = await _require_log_reader(ctx, project_id)
    conditions = _dated(ApiEvent.created_at, params.get("after"), params.get("before"))
    cursor_id = _valid_id(params.get("cursor_event_id"), "cursor_event_id")
    if scope is not None and project_id is not None and project_id not in scope:
        raise PermissionDenied()
    if params.get("only_files") == "true":
        conditions.append(ApiEvent.name.in_(FILE_EVENTS))
    if project_id is not None:
        conditions.append(ApiEvent.project_id == project_id)
    if scope is not None:
        conditions.append(ApiEvent.project_id.in_(sorted(scope)))
    if person_ids := _person_ids(lists.get("person_ids", [])):
        conditions.append(ApiEvent.user_id.in_(person_ids))
    if params.get("name") is not None:
        conditions.append(ApiEvent.name == params["name"])
    if prefixes := _name_parts(lists.get("name_prefixes", []), "name_prefixes"):
        conditions.append(or_(*(ApiEvent.name.like(f"{prefix}:%") for prefix in prefixes)))
    if suffixes := _name_parts(lists.get("name_suffixes", []), "name_suffixes"):
        conditions.append(or_(*(ApiEvent.name.like(f"%:{suffix}") for suffix in suffixes)))
    if cursor_id is not None:
        cursor = await rows.fetch_one(ctx.conn, ApiEvent, cursor_id)
        if cursor is None:
            raise WrongParameter(f"No event found with id: {cursor_id}")
        conditions.append(ApiEvent.created_at < cursor["created_at"])
    return _picked("api_event", await _page(ctx, ApiEvent, conditions, limit), EVENT_KEYS)


async def last_login_logs(ctx: Ctx, person_ids: list[str]) -> list[dict[str, Any]]:
    """GET /data/events/login-logs/last (admins)."""
    params = ctx.params
    limit = _limit(params.get("limit"))
    ctx.me.require_admin()
    conditions = _dated(LoginLog.created_at, params.get("after"), params.get("before"))
    cursor_id = _valid_id(params.get("cursor_login_log_id"), "cursor_login_log_id")
    if ids := _person_ids(person_ids):
        conditions.append(LoginLog.person_id.in_(ids))
    if cursor_id is not None:
        cursor = await rows.fetch_one(ctx.conn, LoginLog, cursor_id)
        if cursor is None:
            raise WrongParameter(f"No login log found with id: {cursor_id}")
        conditions.append(LoginLog.created_at < cursor["created_at"])
    return _picked("login_log", await _page(ctx, LoginLog, conditions, limit), LOGIN_LOG_KEYS)
