"""When a person was last there: desktop login logs and ``person.last_presence``
(zou-behaviour.md, persons). As Zou, the presence is the day of the latest desktop login or
time spent of the person, written whenever one of them is added."""

from __future__ import annotations

import calendar
import datetime
from typing import Any

from sqlalchemy import func, select

from .. import events, rows
from ..context import Ctx
from ..errors import PermissionDenied, WrongParameter
from ..models import DesktopLoginLog, Person, TimeSpent
from ..models.base import utc_now
from .crud import serialize_plain
from .persons import full_name
from .spec import spec_for_table


async def update_last_presence(ctx: Ctx, person_id: str) -> None:
    """``last_presence`` becomes the latest day of the person's desktop logins and time spents."""
    login = await ctx.conn.scalar(
        select(func.max(DesktopLoginLog.date)).where(DesktopLoginLog.person_id == person_id)
    )
    spent = await ctx.conn.scalar(
        select(func.max(TimeSpent.date)).where(TimeSpent.person_id == person_id)
    )
    days = [_day(value) for value in (login, spent) if value is not None]
    await rows.update_row(ctx.conn, Person, person_id, {"last_presence": max(days, default=None)})
    await events.emit(ctx, "person:update", {"person_id": person_id})


async def desktop_login_logs(ctx: Ctx, person_id: str) -> list[dict[str, Any]]:
    """The person's desktop logins, latest first: for themself and managers."""
    me = ctx.me
    if me.id != person_id and not me.has_manager_role():
        raise PermissionDenied()
    await rows.fetch_or_404(ctx.conn, Person, person_id)
    found = await rows.fetch_where(
        ctx.conn,
        DesktopLoginLog,
        DesktopLoginLog.person_id == person_id,
        order_by=[DesktopLoginLog.date.desc()],
    )
    return serialize_plain(spec_for_table("desktop_login_log"), found)


async def add_desktop_login_log(
    ctx: Ctx, person_id: str, date: datetime.datetime | None
) -> dict[str, Any]:
    """Record a desktop login (now unless ``date``): for themself and admins."""
    me = ctx.me
    if me.id != person_id and not me.is_admin:
        raise PermissionDenied()
    await rows.fetch_or_404(ctx.conn, Person, person_id)
    log = await rows.insert_row(
        ctx.conn, DesktopLoginLog, {"person_id": person_id, "date": date or utc_now()}
    )
    await update_last_presence(ctx, person_id)
    return serialize_plain(spec_for_table("desktop_login_log"), [log])[0]


async def presence_logs(ctx: Ctx, month_date: str) -> list[list[str]]:
    """The month's sheet (admins): a header ``year, 1..last day``, then one row per active
    person (guests and preview accounts aside) by first and last name, ``X`` on the days of a
    desktop login."""
    ctx.me.require_admin()
    try:
        start = datetime.datetime.strptime(month_date, "%Y-%m")
    except ValueError:
        raise WrongParameter("Invalid month or year.") from None
    _, last_day = calendar.monthrange(start.year, start.month)
    end = start + datetime.timedelta(days=last_day)
    persons = await rows.fetch_where(
        ctx.conn,
        Person,
        Person.active.is_(True),
        Person.is_guest.is_not(True),
        Person.preview_project_id.is_(None),
        order_by=[Person.first_name, Person.last_name],
    )
    logs = await ctx.conn.execute(
        select(DesktopLoginLog.person_id, DesktopLoginLog.date).where(
            DesktopLoginLog.date >= start, DesktopLoginLog.date < end
        )
    )
    days: dict[str, set[int]] = {}
    for person_id, date in logs:
        days.setdefault(person_id, set()).add(date.day)
    sheet = [[str(start.year)] + [str(day) for day in range(1, last_day + 1)]]
    for person in persons:
        present = days.get(person["id"], set())
        marks = ["X" if day in present else "" for day in range(1, last_day + 1)]
        sheet.append([full_name(person), *marks])
    return sheet


def _day(value: datetime.date | datetime.datetime | str) -> datetime.date:
    if isinstance(value, str):  # SQLite answers MAX() of a date column as text
        value = datetime.datetime.fromisoformat(value)
    return value.date() if isinstance(value, datetime.datetime) else value
