"""Time spent on a task, per person and day (Zou's ``time_spents_service``): read, set, add
and remove, the task ``duration`` recomputed each time. As on Zou, a day off does not block a
time entry (the day off removes the entries of its days when it is created)."""

from __future__ import annotations

import datetime
from typing import Any

from .. import events, rows
from ..context import Ctx
from ..errors import NotFound, PermissionDenied, WrongParameter
from ..models import Person, Project, Task, TimeSpent
from ..permissions import is_assigned, require_task_access
from .crud import serialize_plain
from .presence import update_last_presence
from .spec import Row, spec_for_table
from .tasks import recompute_duration


def _day(value: str, message: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise WrongParameter(message) from None


async def task_time_spents(ctx: Ctx, task_id: str, date: str | None = None) -> dict[str, Any]:
    """GET .../time-spents[/{date}]: ``{"total": minutes, person_id: [time spents]}``."""
    task = await rows.fetch_or_404(ctx.conn, Task, task_id)
    await require_task_access(ctx, task)
    conditions = [TimeSpent.task_id == task["id"]]
    if date is not None:
        # Zou answers a 500 here; a bad date is the caller's error.
        conditions.append(TimeSpent.date == _day(date, "Wrong date format."))
    found = await rows.fetch_where(ctx.conn, TimeSpent, *conditions)
    result: dict[str, Any] = {"total": 0}
    for item in serialize_plain(spec_for_table("time_spent"), found):
        result.setdefault(item["person_id"], []).append(item)
        result["total"] += item["duration"]
    return result


async def _check_access(ctx: Ctx, task: Row, person_id: str) -> None:
    """Zou's ``check_time_spent_access``: the person is assigned to the task and the caller is
    them, an admin or a manager of the project; a bot only where bots collaborate."""
    person = await rows.fetch_or_404(ctx.conn, Person, person_id)
    if person["is_bot"]:
        project = await rows.fetch_one(ctx.conn, Project, task["project_id"])
        if not (project and project["is_bot_collaboration_enabled"]):
            raise PermissionDenied()
    me = ctx.me
    allowed = await is_assigned(ctx, task["id"], person["id"]) and (
        me.id == person["id"] or me.is_manager_of(task["project_id"])
    )
    if not allowed:
        raise PermissionDenied()


async def set_time_spent(
    ctx: Ctx, task_id: str, date: str, person_id: str, duration: float, add: bool
) -> dict[str, Any]:
    """POST .../time-spents/{date}/persons/{p}[/add]: set (or add to) the day's entry."""
    task = await rows.fetch_or_404(ctx.conn, Task, task_id)
    await _check_access(ctx, task, person_id)
    day = _day(date, "Invalid date format.")
    person_id = person_id.lower()
    existing = await rows.first_where(
        ctx.conn, TimeSpent, TimeSpent.task_id == task["id"], TimeSpent.person_id == person_id,
        TimeSpent.date == day,
    )  # fmt: skip
    if existing is not None:
        total = existing["duration"] + duration if add else duration
        spent = await rows.update_row(ctx.conn, TimeSpent, existing["id"], {"duration": total})
        name = "time-spent:update"
    else:
        spent = await rows.insert_row(
            ctx.conn,
            TimeSpent,
            {"task_id": task["id"], "person_id": person_id, "date": day, "duration": duration},
        )
        await update_last_presence(ctx, person_id)
        name = "time-spent:new"
    await events.emit(ctx, name, {"time_spent_id": spent["id"]}, task["project_id"])
    await recompute_duration(ctx, task["id"])
    return serialize_plain(spec_for_table("time_spent"), [spent])[0]


async def remove_time_spent(ctx: Ctx, task_id: str, date: str, person_id: str) -> dict[str, Any]:
    """DELETE .../time-spents/{date}/persons/{p}: the entry as it was, its duration 0."""
    task = await rows.fetch_or_404(ctx.conn, Task, task_id)
    await _check_access(ctx, task, person_id)
    day = _day(date, "Invalid date format.")
    spent = await rows.first_where(
        ctx.conn, TimeSpent, TimeSpent.task_id == task["id"],
        TimeSpent.person_id == person_id.lower(), TimeSpent.date == day,
    )  # fmt: skip
    if spent is None:
        raise NotFound()
    await rows.delete_row(ctx.conn, TimeSpent, spent["id"])
    await events.emit(ctx, "time-spent:delete", {"time_spent_id": spent["id"]}, task["project_id"])
    await recompute_duration(ctx, task["id"])
    return serialize_plain(spec_for_table("time_spent"), [{**spent, "duration": 0}])[0]
