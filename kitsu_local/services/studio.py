"""Studio-wide settings: organisation, task statuses, task types, asset (entity) types, preview
backgrounds, status automations, custom actions, salary scales (zou-data-model.md 3.1)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, insert, select, update

from .. import rows
from ..context import Ctx
from ..errors import DatabaseRefusal, WrongParameter
from ..models import (
    Department,
    EntityType,
    PreviewBackgroundFile,
    ProjectStatusAutomationLink,
    ProjectTaskTypeLink,
    ProjectTemplateTaskTypeLink,
    SalaryScale,
    ScheduleItem,
    TaskStatus,
    TaskType,
)  # fmt: skip
from ..models.base import POSITIONS, SENIORITIES, new_id, utc_now
from .crud import CrudHooks
from .spec import ModelSpec

ORGANISATION_SECRETS = frozenset(
    {"chat_token_slack", "chat_webhook_mattermost", "chat_token_discord"}
)


class OrganisationHooks(CrudHooks):
    def unfilterable(self, ctx: Ctx) -> frozenset[str]:
        return frozenset() if ctx.me.is_admin else ORGANISATION_SECRETS

    async def present(self, ctx, spec, found, items, view):
        if ctx.actor is not None and ctx.actor.is_admin:
            return items
        return [mask_organisation(item) for item in items]


def mask_organisation(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if key not in ORGANISATION_SECRETS}


class TaskStatusHooks(CrudHooks):
    """At most one default status (per kind: normal or concept, see data model 13.4)."""

    async def prepare_create(self, ctx, spec, data, values):
        if values.get("is_default"):
            await _clear_default(ctx, bool(values.get("for_concept")), None)
        return values

    async def prepare_update(self, ctx, spec, row, data, values):
        if values.get("is_default"):
            for_concept = values.get("for_concept", row["for_concept"])
            await _clear_default(ctx, bool(for_concept), row["id"])
        return values


async def _clear_default(ctx: Ctx, for_concept: bool, keep_id: str | None) -> None:
    query = update(TaskStatus).where(
        TaskStatus.is_default.is_(True),
        func.coalesce(TaskStatus.for_concept, False).is_(for_concept),
    )
    if keep_id:
        query = query.where(TaskStatus.id != keep_id)
    await ctx.conn.execute(query.values(is_default=False, updated_at=utc_now()))


async def check_task_type_name_is_unique(
    ctx: Ctx, name: Any, exclude_id: str | None = None
) -> None:
    if not isinstance(name, str):
        return
    conditions = [func.lower(TaskType.name) == name.lower()]
    if exclude_id:
        conditions.append(TaskType.id != exclude_id)
    if await rows.first_where(ctx.conn, TaskType, *conditions):
        raise WrongParameter("A task type with similar name already exists")


class TaskTypeHooks(CrudHooks):
    async def prepare_create(self, ctx, spec, data, values):
        await check_task_type_name_is_unique(ctx, values.get("name"))
        return values

    async def prepare_update(self, ctx, spec, row, data, values):
        name = values.get("name")
        if name is not None and name != row["name"]:
            await check_task_type_name_is_unique(ctx, name, row["id"])
        return values

    async def delete(self, ctx, spec, row, force):
        task_type_id = row["id"]
        blockers = []
        if await rows.count_where(
            ctx.conn, ScheduleItem, ScheduleItem.task_type_id == task_type_id
        ):
            blockers.append("schedule items")
        if await rows.count_where(
            ctx.conn, ProjectTaskTypeLink, ProjectTaskTypeLink.task_type_id == task_type_id
        ):
            blockers.append("projects")
        if blockers and not force:
            raise WrongParameter(
                f"Task type is attached to {' and '.join(blockers)}. "
                "Re-issue the request with force=true to detach."
            )
        for model, column in (
            (ScheduleItem, ScheduleItem.task_type_id),
            (ProjectTaskTypeLink, ProjectTaskTypeLink.task_type_id),
            (ProjectTemplateTaskTypeLink, ProjectTemplateTaskTypeLink.task_type_id),
        ):
            await rows.delete_where(ctx.conn, model, column == task_type_id)
        await super().delete(ctx, spec, row, force)


class EntityTypeHooks(CrudHooks):
    """Asset types: refuse a name already used (any case); events are ``asset-type:*``."""

    async def prepare_create(self, ctx, spec, data, values):
        name = values.get("name")
        if isinstance(name, str) and await rows.first_where(
            ctx.conn, EntityType, func.lower(EntityType.name) == name.lower()
        ):
            raise WrongParameter("Entity type with this name already exists")
        return values

    def update_relations(self) -> bool:
        return True

    async def event(self, ctx, spec, action, row):
        return f"asset-type:{action}", {"asset_type_id": row["id"]}, None


class PreviewBackgroundFileHooks(CrudHooks):
    async def prepare_create(self, ctx, spec, data, values):
        await _check_background_name(ctx, values.get("name"), None)
        return values

    async def after_create(self, ctx, spec, row, data):
        if row["is_default"]:
            await _single_default_background(ctx, row["id"])

    async def prepare_update(self, ctx, spec, row, data, values):
        await _check_background_name(ctx, values.get("name"), row["id"])
        return values

    async def after_update(self, ctx, spec, before, row, data, changes):
        if row["is_default"]:
            await _single_default_background(ctx, row["id"])


async def _check_background_name(ctx: Ctx, name: Any, exclude_id: str | None) -> None:
    if not isinstance(name, str):
        return
    conditions = [PreviewBackgroundFile.name == name]
    if exclude_id:
        conditions.append(PreviewBackgroundFile.id != exclude_id)
    if await rows.first_where(ctx.conn, PreviewBackgroundFile, *conditions):
        raise WrongParameter("A preview background file with similar name already exists")


async def _single_default_background(ctx: Ctx, keep_id: str) -> None:
    await ctx.conn.execute(
        update(PreviewBackgroundFile)
        .where(PreviewBackgroundFile.id != keep_id, PreviewBackgroundFile.is_default.is_(True))
        .values(is_default=False, updated_at=utc_now())
    )


class StatusAutomationHooks(CrudHooks):
    async def delete(self, ctx, spec, row, force):
        if await rows.count_where(
            ctx.conn,
            ProjectStatusAutomationLink,
            ProjectStatusAutomationLink.status_automation_id == row["id"],
        ):
            raise DatabaseRefusal("This automation is used in a project.")
        await super().delete(ctx, spec, row, force)


class CustomActionHooks(CrudHooks):
    async def prepare_create(self, ctx, spec, data, values):
        if values.get("name") is None:
            raise WrongParameter("The 'name' field is required and cannot be None.")
        return values

    async def prepare_update(self, ctx, spec, row, data, values):
        if "name" in values and values["name"] is None:
            raise WrongParameter("The 'name' field cannot be set to None.")
        return values


class SalaryScaleHooks(CrudHooks):
    """One row per department x position x seniority, created on listing; never by POST."""

    def uses_filters(self) -> bool:
        return False

    async def prepare_create(self, ctx, spec, data, values):
        raise WrongParameter("Salary scales cannot be created")

    async def list_query(self, ctx: Ctx, spec: ModelSpec, query: Select) -> Select:
        existing = {
            (row.department_id, row.position, row.seniority)
            for row in await ctx.conn.execute(
                select(SalaryScale.department_id, SalaryScale.position, SalaryScale.seniority)
            )
        }
        departments = (await ctx.conn.execute(select(Department.id))).scalars().all()
        now = utc_now()
        missing = [
            {
                "id": new_id(), "created_at": now, "updated_at": now, "department_id": department,
                "position": position, "seniority": seniority, "salary": 0,
            }
            for department in departments
            for position in POSITIONS
            for seniority in SENIORITIES
            if (department, position, seniority) not in existing
        ]  # fmt: skip
        if missing:
            await ctx.conn.execute(insert(SalaryScale), missing)
        return query
