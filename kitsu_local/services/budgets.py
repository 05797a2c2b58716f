"""Budgets of a production and their entries (one planned salary line each), for the
production's managers, and the month-by-month time spent a budget is compared with
(zou-data-model.md 3.3).

Unlike Zou, every route checks that the budget belongs to the production of the path and the
entry to the budget (404 otherwise): Zou checks it only when reading one budget or one entry.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from .. import events, rows
from ..context import Ctx
from ..errors import NotFound, WrongParameter
from ..models import Budget, BudgetEntry, Task, TaskType, TimeSpent
from .crud import decode_body, serialize_plain
from .schedules import WRONG_UUID, present, require_manager_access
from .spec import Row, spec_for_table


async def _budget(ctx: Ctx, project_id: str, budget_id: str) -> Row:
    """The budget, once the caller is a manager of the production it belongs to."""
    project_id = await require_manager_access(ctx, project_id)
    budget = await rows.fetch_one(ctx.conn, Budget, rows.check_id(budget_id, WRONG_UUID))
    if budget is None or budget["project_id"] != project_id:
        raise NotFound()
    return budget


async def _entry(ctx: Ctx, project_id: str, budget_id: str, entry_id: str) -> tuple[Row, Row]:
    budget = await _budget(ctx, project_id, budget_id)
    entry = await rows.fetch_one(ctx.conn, BudgetEntry, rows.check_id(entry_id, WRONG_UUID))
    if entry is None or entry["budget_id"] != budget["id"]:
        raise NotFound()
    return budget, entry


def _full(table_name: str, row: Row) -> dict[str, Any]:
    return serialize_plain(spec_for_table(table_name), [row])[0]


# ==== budgets =================================================================================
async def project_budgets(ctx: Ctx, project_id: str) -> list[dict[str, Any]]:
    project_id = await require_manager_access(ctx, project_id)
    found = await rows.fetch_where(
        ctx.conn, Budget, Budget.project_id == project_id, order_by=Budget.revision
    )
    return present("budget", found)


async def create_budget(
    ctx: Ctx, project_id: str, name: str, currency: str | None
) -> dict[str, Any]:
    """A new budget, its revision one above the production's last one."""
    project_id = await require_manager_access(ctx, project_id)
    last = (
        await ctx.conn.execute(
            select(func.max(Budget.revision)).where(Budget.project_id == project_id)
        )
    ).scalar()
    budget = await rows.insert_row(
        ctx.conn, Budget,
        {"project_id": project_id, "name": name, "currency": currency, "revision": (last or 0) + 1},
    )  # fmt: skip
    await _budget_event(ctx, "create", budget)
    return _full("budget", budget)


async def get_budget(ctx: Ctx, project_id: str, budget_id: str) -> dict[str, Any]:
    return _full("budget", await _budget(ctx, project_id, budget_id))


async def update_budget(
    ctx: Ctx, project_id: str, budget_id: str, changes: dict[str, Any]
) -> dict[str, Any]:
    """Name and currency, each only when given and not null."""
    budget = await _budget(ctx, project_id, budget_id)
    values = {key: value for key, value in changes.items() if value is not None}
    budget = await rows.update_row(ctx.conn, Budget, budget["id"], values)
    await _budget_event(ctx, "update", budget)
    return _full("budget", budget)


async def delete_budget(ctx: Ctx, project_id: str, budget_id: str) -> None:
    budget = await _budget(ctx, project_id, budget_id)
    await rows.delete_where(ctx.conn, BudgetEntry, BudgetEntry.budget_id == budget["id"])
    await rows.delete_row(ctx.conn, Budget, budget["id"])
    await _budget_event(ctx, "delete", budget)


async def _budget_event(ctx: Ctx, action: str, budget: Row) -> None:
    await events.emit(ctx, f"budget:{action}", {"budget_id": budget["id"]}, budget["project_id"])


# ==== budget entries ==========================================================================
async def budget_entries(ctx: Ctx, project_id: str, budget_id: str) -> list[dict[str, Any]]:
    budget = await _budget(ctx, project_id, budget_id)
    found = await rows.fetch_where(
        ctx.conn, BudgetEntry, BudgetEntry.budget_id == budget["id"],
        order_by=(BudgetEntry.start_date, BudgetEntry.created_at),
    )  # fmt: skip
    return present("budget_entry", found)


async def create_budget_entry(
    ctx: Ctx, project_id: str, budget_id: str, fields: dict[str, Any]
) -> dict[str, Any]:
    """``fields``: the given, non-null entry columns; the columns' own checks apply (a missing
    start date, duration or salary is a 400, where Zou fails with a 500)."""
    budget = await _budget(ctx, project_id, budget_id)
    spec = spec_for_table("budget_entry")
    values, _ = decode_body(spec, fields, creating=True)
    entry = await rows.insert_row(
        ctx.conn, BudgetEntry, {**values, "budget_id": budget["id"], "exceptions": {}}
    )
    await _entry_event(ctx, "create", budget, entry)
    return _full("budget_entry", entry)


async def get_budget_entry(
    ctx: Ctx, project_id: str, budget_id: str, entry_id: str
) -> dict[str, Any]:
    return _full("budget_entry", (await _entry(ctx, project_id, budget_id, entry_id))[1])


async def update_budget_entry(
    ctx: Ctx, project_id: str, budget_id: str, entry_id: str, changes: dict[str, Any]
) -> dict[str, Any]:
    """``changes``: the fields sent (Zou writes every field of its schema, so that a partial
    body nulls the others and fails; here only the sent ones change). Month exceptions set to
    zero or null are dropped, and a body without exceptions clears them, as Zou does."""
    budget, entry = await _entry(ctx, project_id, budget_id, entry_id)
    exceptions = changes.get("exceptions") or {}
    changes = {**changes, "exceptions": clean_exceptions(exceptions)}
    values, _ = decode_body(spec_for_table("budget_entry"), changes, creating=False)
    entry = await rows.update_row(ctx.conn, BudgetEntry, entry["id"], values)
    await _entry_event(ctx, "update", budget, entry)
    return _full("budget_entry", entry)


def clean_exceptions(exceptions: dict[str, Any]) -> dict[str, int]:
    """Per-month day counts: whole numbers, the null and non-positive ones dropped."""
    cleaned = {}
    for month, value in exceptions.items():
        try:
            number = int(value) if value is not None else 0
        except (TypeError, ValueError):
            raise WrongParameter(f"Invalid exception value for {month}: {value!r}.") from None
        if number > 0:
            cleaned[month] = number
    return cleaned


async def delete_budget_entry(ctx: Ctx, project_id: str, budget_id: str, entry_id: str) -> None:
    budget, entry = await _entry(ctx, project_id, budget_id, entry_id)
    await rows.delete_row(ctx.conn, BudgetEntry, entry["id"])
    await _entry_event(ctx, "delete", budget, entry)


async def _entry_event(ctx: Ctx, action: str, budget: Row, entry: Row) -> None:
    await events.emit(
        ctx, f"budget-entry:{action}",
        {"budget_id": budget["id"], "budget_entry_id": entry["id"]}, budget["project_id"],
    )  # fmt: skip


# ==== time spent, for comparison with a budget ================================================
async def month_time_spents(ctx: Ctx, project_id: str) -> dict[str, Any]:
    """``{department id: {"total", person id: {"total", "YYYY-MM": duration}}}`` of the
    production's time spents whose task type has a department; admins only, as Zou."""
    ctx.me.require_admin()
    project_id = rows.check_id(project_id, WRONG_UUID)
    found = await ctx.conn.execute(
        select(TimeSpent.date, TimeSpent.duration, TimeSpent.person_id, TaskType.department_id)
        .join(Task, Task.id == TimeSpent.task_id)
        .join(TaskType, TaskType.id == Task.task_type_id)
        .where(Task.project_id == project_id, TaskType.department_id.is_not(None))
        .where(TimeSpent.person_id.is_not(None))
        .order_by(TimeSpent.date)
    )
    data: dict[str, Any] = {}
    for date, duration, person_id, department_id in found:
        department = data.setdefault(department_id, {"total": 0})
        person = department.setdefault(person_id, {"total": 0})
        month = date.strftime("%Y-%m")
        person[month] = person.get(month, 0) + duration
        person["total"] += duration
        department["total"] += duration
    return data
