"""The settings of a production (zou-data-model.md 3.3): the task types, task statuses, asset
types, status automations and preview backgrounds it uses, kept in the ``project_*_link``
tables that the project's relation lists (``/data/projects/{id}``) read.

Every change is a manager's (of the project), answers the plain project and emits
``project:update``, as Zou's ``_save_project`` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from .. import events, rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import WrongParameter
from ..models import (
    EntityType,
    PreviewBackgroundFile,
    Project,
    ProjectAssetTypeLink,
    ProjectPreviewBackgroundFileLink,
    ProjectStatusAutomationLink,
    ProjectTaskStatusLink,
    ProjectTaskTypeLink,
    StatusAutomation,
    TaskStatus,
    TaskType,
)
from ..models.base import ROLES
from .crud import fetch, serialize, serialize_plain
from .spec import Row, spec_for_table


@dataclass(frozen=True)
class Setting:
    """One settings list of a project: its link table, the key to the linked rows, and them."""

    link: Any
    key: str
    target: Any

    @property
    def model_name(self) -> str:
        return self.target.__name__


TASK_TYPES = Setting(ProjectTaskTypeLink, "task_type_id", TaskType)
TASK_STATUSES = Setting(ProjectTaskStatusLink, "task_status_id", TaskStatus)
ASSET_TYPES = Setting(ProjectAssetTypeLink, "asset_type_id", EntityType)
STATUS_AUTOMATIONS = Setting(ProjectStatusAutomationLink, "status_automation_id", StatusAutomation)
BACKGROUNDS = Setting(
    ProjectPreviewBackgroundFileLink, "preview_background_file_id", PreviewBackgroundFile
)


# ==== the settings lists =====================================================================
async def linked_rows(ctx: Ctx, project_id: str, setting: Setting) -> list[dict[str, Any]]:
    """The rows a project links to in one of its settings lists, serialized plain."""
    target = setting.target.__table__
    link = setting.link.__table__
    found = await fetch(
        ctx,
        select(target)
        .join(link, link.c[setting.key] == target.c.id)
        .where(link.c.project_id == project_id)
        .order_by(target.c.name if "name" in target.c else target.c.created_at),
    )
    return serialize_plain(spec_for_table(target.name), found)


async def list_setting(
    ctx: Ctx, project_id: str, setting: Setting, managers_only: bool = False
) -> list[dict[str, Any]]:
    """GET .../settings/task-status (members), .../status-automations (managers)."""
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    if managers_only:
        ctx.me.require_manager(project["id"])
    else:
        ctx.me.require_member(project["id"])
    return await linked_rows(ctx, project["id"], setting)


async def add_setting(
    ctx: Ctx, project_id: str, setting: Setting, target_id: str, **extra: Any
) -> dict[str, Any]:
    """Link a row to the project (no-op when linked already); 400 when the row is unknown."""
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    ctx.me.require_manager(project["id"])
    if (
        not is_valid_id(target_id)
        or await rows.fetch_one(ctx.conn, setting.target, target_id.lower()) is None
    ):
        raise WrongParameter(f"{setting.model_name} with id {target_id} not found")
    table = setting.link.__table__
    linked = await rows.first_where(
        ctx.conn, table, table.c.project_id == project["id"],
        table.c[setting.key] == target_id.lower(),
    )  # fmt: skip
    if linked is None:
        await rows.insert_row(
            ctx.conn, table, {"project_id": project["id"], setting.key: target_id.lower(), **extra}
        )
    return await _saved(ctx, project)


async def add_task_type(
    ctx: Ctx, project_id: str, task_type_id: str, priority: int | None
) -> dict[str, Any]:
    if not is_valid_id(task_type_id):
        raise WrongParameter("task_type_id is required and must be a valid UUID")
    return await add_setting(ctx, project_id, TASK_TYPES, task_type_id, priority=priority)


async def remove_setting(ctx: Ctx, project_id: str, setting: Setting, target_id: str) -> None:
    """Unlink a row from the project (no-op when it is not linked)."""
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    ctx.me.require_manager(project["id"])
    target_id = rows.check_id(target_id)
    table = setting.link.__table__
    await rows.delete_where(
        ctx.conn, table, table.c.project_id == project["id"], table.c[setting.key] == target_id
    )
    if setting is BACKGROUNDS and project["default_preview_background_file_id"] == target_id:
        await rows.update_row(
            ctx.conn, Project, project["id"], {"default_preview_background_file_id": None}
        )
    await _saved(ctx, project)


async def _saved(ctx: Ctx, project: Row) -> dict[str, Any]:
    await events.emit(ctx, "project:update", {}, project["id"])
    spec = spec_for_table("project")
    return (await serialize(ctx, spec, [project]))[0]


# ==== the link routes (/data/task-status-links, /data/task-type-links) =======================
async def link_task_status(ctx: Ctx, args: dict[str, Any]) -> dict[str, Any]:
    """Create or update the link of a task status to a project (priority, board roles)."""
    return await _link_setting(
        ctx, args, TASK_STATUSES, extra={"roles_for_board": _roles(args.get("roles_for_board"))}
    )


async def link_task_type(ctx: Ctx, args: dict[str, Any]) -> dict[str, Any]:
    """Create or update the link of a task type to a project (priority)."""
    return await _link_setting(ctx, args, TASK_TYPES, extra={})


def _roles(value: Any) -> list[str]:
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    roles = [role for role in values if isinstance(role, str)]
    invalid = [role for role in roles if role not in ROLES]
    if invalid or len(roles) != len(values):
        raise WrongParameter(
            f"Invalid roles_for_board: {values!r}. Allowed roles: {', '.join(ROLES)}."
        )
    return roles


async def _link_setting(
    ctx: Ctx, args: dict[str, Any], setting: Setting, extra: dict[str, Any]
) -> dict[str, Any]:
    key = setting.key
    project_id = args.get("project_id")
    if not project_id:
        raise WrongParameter("project_id is required.")
    ctx.me.require_manager(project_id if isinstance(project_id, str) else None)
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    if not is_valid_id(args.get(key)):
        raise WrongParameter(f"{key} is required and must be a valid UUID")
    await rows.fetch_or_404(ctx.conn, setting.target, args[key])
    try:
        priority = int(args.get("priority", 1)) if args.get("priority") is not None else None
    except (TypeError, ValueError):
        raise WrongParameter("priority must be an integer.") from None
    table = setting.link.__table__
    existing = await rows.first_where(
        ctx.conn, table, table.c.project_id == project["id"], table.c[key] == args[key].lower()
    )
    values = {"priority": priority, **extra}
    if existing is None:
        row = await rows.insert_row(
            ctx.conn, table, {"project_id": project["id"], key: args[key].lower(), **values}
        )
    else:
        row = await rows.update_row(ctx.conn, table, existing["id"], values)
    await events.emit(ctx, "project:update", {}, project["id"])
    return serialize_plain(spec_for_table(table.name), [row])[0]
