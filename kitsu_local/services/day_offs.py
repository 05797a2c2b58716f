"""Day offs as the persons' routes list them (Zou's ``check_day_off_read_access``).

A person reads their own day offs, an admin everybody's, with the description. A manager of a
production (the role held on its team) reads those of its team, with the description; a
supervisor of a production reads the dates only, of the team members sharing one of their
departments (everybody's when they have none). Anybody else: 403.
"""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import select

from .. import rows
from ..context import Ctx
from ..errors import PermissionDenied
from ..models import DayOff, DepartmentLink, ProjectPersonLink
from .crud import serialize_plain
from .spec import spec_for_table
from .time_sheets import (
    INVALID_DATE,
    month_interval,
    parse_day,
    person_or_404,
    week_interval,
    year_interval,
)


# ==== routes ================================================================================
async def day_off_of_date(ctx: Ctx, person_id: str, date: str) -> dict[str, Any]:
    """The day off covering that day, ``{}`` when none."""
    person_id, full = await _read_access(ctx, person_id)
    day = parse_day(date, INVALID_DATE)
    found = await rows.fetch_where(
        ctx.conn,
        DayOff,
        DayOff.person_id == person_id,
        DayOff.date <= day,
        DayOff.end_date >= day,
        order_by=[DayOff.date],
    )
    items = _shape(found[:1], full)
    return items[0] if items else {}


async def person_day_offs(
    ctx: Ctx, person_id: str, period: str | None = None, *values: str
) -> list[dict[str, Any]]:
    """The person's day offs, all of them or those overlapping a week, month or year."""
    person_id, full = await _read_access(ctx, person_id)
    conditions = [DayOff.person_id == person_id]
    if period is not None:
        conditions += _overlapping(PERIODS[period](*values, INVALID_DATE))
    found = await rows.fetch_where(ctx.conn, DayOff, *conditions, order_by=[DayOff.date])
    return _shape(found, full)


async def studio_day_offs(ctx: Ctx, period: str, *values: str) -> list[dict[str, Any]]:
    """The day offs of a month or a year the caller may read (of some, the dates only)."""
    conditions = _overlapping(PERIODS[period](*values, INVALID_DATE))
    readable = await _readable_person_ids(ctx)
    if readable is not None:
        conditions.append(DayOff.person_id.in_(sorted(readable)))
    found = await rows.fetch_where(ctx.conn, DayOff, *conditions, order_by=[DayOff.date])
    items = serialize_plain(spec_for_table("day_off"), found)
    if readable is None:
        return items
    return [item if readable[item["person_id"]] else _dates_only(item) for item in items]


PERIODS = {"week": week_interval, "month": month_interval, "year": year_interval}


# ==== rules =================================================================================
async def _read_access(ctx: Ctx, person_id: str) -> tuple[str, bool]:
    """The person's id, and whether the caller reads their day offs with the description (403
    when not at all)."""
    person_id = (await person_or_404(ctx, person_id))["id"]
    me = ctx.me
    if me.is_admin or me.id == person_id:
        return person_id, True
    scopes = _read_scopes(ctx)
    roles = set()
    if scopes:
        found = await ctx.conn.execute(
            select(ProjectPersonLink.project_id).where(
                ProjectPersonLink.project_id.in_(sorted(scopes)),
                ProjectPersonLink.person_id == person_id,
            )
        )
        roles = {scopes[project_id] for project_id in found.scalars()}
    if "manager" in roles:
        return person_id, True
    if "supervisor" in roles and await _supervised(ctx, {person_id}):
        return person_id, False
    raise PermissionDenied()


async def _readable_person_ids(ctx: Ctx) -> dict[str, bool] | None:
    """Person id -> with description, for the persons whose day offs the caller reads (None:
    everybody's, in full)."""
    me = ctx.me
    if me.is_admin:
        return None
    readable = {me.id: True}
    scopes = _read_scopes(ctx)
    if not scopes:
        return readable
    supervised: set[str] = set()
    links = await ctx.conn.execute(
        select(ProjectPersonLink.project_id, ProjectPersonLink.person_id).where(
            ProjectPersonLink.project_id.in_(sorted(scopes))
        )
    )
    for project_id, person_id in links:
        if scopes[project_id] == "manager":
            readable[person_id] = True
        else:
            supervised.add(person_id)
    for person_id in await _supervised(ctx, supervised):
        readable.setdefault(person_id, False)
    return readable


def _read_scopes(ctx: Ctx) -> dict[str, str]:
    """Project id -> the caller's role there, for the teams where it reads the team's leave."""
    me = ctx.me
    scopes = {project_id: me.role_in(project_id) for project_id in me.memberships}
    return {key: role for key, role in scopes.items() if role in ("manager", "supervisor")}


async def _supervised(ctx: Ctx, person_ids: set[str]) -> set[str]:
    """Those of the persons sharing a department with the caller (all when they have none)."""
    departments = ctx.me.department_ids
    if not departments or not person_ids:
        return person_ids
    found = await ctx.conn.execute(
        select(DepartmentLink.person_id).where(
            DepartmentLink.person_id.in_(sorted(person_ids)),
            DepartmentLink.department_id.in_(sorted(departments)),
        )
    )
    return set(found.scalars())


def _overlapping(interval: tuple[datetime.date, datetime.date]) -> list[Any]:
    # The period's last day is inclusive, so a period never takes the next one's first day.
    start, end = interval
    return [DayOff.end_date >= start, DayOff.date <= end - datetime.timedelta(days=1)]


def _shape(found: list[dict[str, Any]], full: bool) -> list[dict[str, Any]]:
    items = serialize_plain(spec_for_table("day_off"), found)
    return items if full else [_dates_only(item) for item in items]


def _dates_only(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if key != "description"}
