"""Planning: milestones, schedule items, production schedule versions and their task links,
budgets (zou-data-model.md 3.3)."""

from __future__ import annotations

from typing import Any

from .. import rows
from ..context import Ctx
from ..errors import PermissionDenied, WrongParameter
from ..models import ProductionScheduleVersion, ScheduleItem, Task
from .crud import CrudHooks
from .spec import Row


class ScheduleItemHooks(CrudHooks):
    def clean_body(self, ctx: Ctx, body: dict[str, Any], row: Row | None) -> dict[str, Any]:
        if row is not None and isinstance(body.get("man_days"), str):
            body = {key: value for key, value in body.items() if key != "man_days"}
        return body

    async def prepare_create(self, ctx, spec, data, values):
        existing = await rows.first_where(
            ctx.conn, ScheduleItem,
            ScheduleItem.project_id == values.get("project_id"),
            ScheduleItem.task_type_id == values.get("task_type_id"),
            ScheduleItem.object_id == values.get("object_id")
            if values.get("object_id") else ScheduleItem.object_id.is_(None),
        )  # fmt: skip
        if existing is not None:
            raise WrongParameter("A similar schedule item already exists")
        return values


async def check_schedule_item_update(ctx: Ctx, row: Row, data: dict[str, Any]) -> None:
    from ..permissions import is_department_supervisor

    me = ctx.me
    if me.is_manager_of(row["project_id"]):
        return
    if row["task_type_id"] and await is_department_supervisor(
        ctx, {"project_id": row["project_id"], "task_type_id": row["task_type_id"]}
    ):
        return
    raise PermissionDenied()


# ==== production schedule versions ===========================================================
async def check_schedule_versions_list(ctx: Ctx) -> None:
    me = ctx.me
    project_id = ctx.params.get("project_id")
    if project_id:
        me.require_member(project_id)
    else:
        me.require_admin()
    if me.role_in(project_id) in ("vendor", "client"):
        raise PermissionDenied()


async def check_schedule_version_read(ctx: Ctx, row: Row) -> None:
    ctx.me.require_member(row["project_id"])
    if ctx.me.role_in(row["project_id"]) in ("vendor", "client"):
        raise PermissionDenied()


async def _version_of(ctx: Ctx, row: Row) -> Row:
    version = await rows.fetch_one(
        ctx.conn, ProductionScheduleVersion, row["production_schedule_version_id"]
    )
    if version is None:
        raise PermissionDenied()
    return version


async def check_version_task_links_list(ctx: Ctx) -> None:
    me = ctx.me
    version_id = ctx.params.get("production_schedule_version_id")
    if me.is_admin:
        return
    version = (
        await rows.fetch_one(ctx.conn, ProductionScheduleVersion, version_id)
        if version_id
        else None
    )
    if version is None:
        raise PermissionDenied()
    await check_schedule_version_read(ctx, version)


async def check_version_task_link_create(ctx: Ctx, data: dict[str, Any]) -> None:
    version = await rows.fetch_or_404(
        ctx.conn, ProductionScheduleVersion, data.get("production_schedule_version_id")
    )
    ctx.me.require_manager(version["project_id"])
    task = await rows.fetch_or_404(ctx.conn, Task, data.get("task_id"))
    if task["project_id"] != version["project_id"]:
        raise WrongParameter(
            "The task and the production schedule version must be in the same project."
        )


async def check_version_task_link_read(ctx: Ctx, row: Row) -> None:
    task = await rows.fetch_one(ctx.conn, Task, row["task_id"])
    project_id = task["project_id"] if task else None
    ctx.me.require_member(project_id)
    if ctx.me.role_in(project_id) in ("vendor", "client"):
        raise PermissionDenied()


async def check_version_task_link_change(ctx: Ctx, row: Row, *_: Any) -> None:
    version = await _version_of(ctx, row)
    ctx.me.require_manager(version["project_id"])


class ProductionScheduleVersionHooks(CrudHooks):
    async def event(self, ctx, spec, action, row):
        return (
            f"production_schedule_version:{action}",
            {"production_schedule_version_id": row["id"]},
            row["project_id"],
        )
