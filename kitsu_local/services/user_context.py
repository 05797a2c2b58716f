"""GET /data/user/context: everything a client needs at login in one answer (Zou's
``user_service.get_context``): the caller's open productions, the studio's reference data, the
people they may see, their filters and unread notification count. Each part is one query
(plus one per relation), whatever the size of the studio."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import or_, select

from .. import rows
from ..context import OPEN_STATUS_NAME, Ctx
from ..models import (
    CustomAction,
    Department,
    Notification,
    Person,
    Plugin,
    PreviewBackgroundFile,
    Project,
    ProjectPersonLink,
    ProjectStatus,
    SearchFilter,
    SearchFilterGroup,
    StatusAutomation,
    Studio,
    TaskStatus,
    TaskType,
)  # fmt: skip
from .breakdown import list_asset_types
from .crud import fetch, serialize_plain
from .persons import client_form, minimal_form, safe_form
from .spec import spec_for_table
from .user_work import my_open_projects

# The reference tables the context lists whole, by key.
REFERENCE = {
    "custom_actions": CustomAction,
    "status_automations": StatusAutomation,
    "departments": Department,
    "studios": Studio,
    "project_status": ProjectStatus,
    "task_types": TaskType,
    "task_status": TaskStatus,
    "preview_background_files": PreviewBackgroundFile,
}
PLUGIN_FIELDS = ("id", "plugin_id", "name", "description", "version", "maintainer_name",
                 "maintainer_email", "frontend_project_enabled", "frontend_studio_enabled",
                 "icon")  # fmt: skip


async def get_context(ctx: Ctx) -> dict[str, Any]:
    me = ctx.me
    context: dict[str, Any] = {
        "asset_types": await list_asset_types(ctx, {}),
        **{key: await _all(ctx, model) for key, model in REFERENCE.items()},
        "notification_count": await rows.count_where(
            ctx.conn, Notification, Notification.person_id == me.id, Notification.read.is_(False)
        ),
        "persons": await _persons(ctx),
        "project_roles": {
            project_id: role for project_id, role in me.memberships.items() if role is not None
        },
        "projects": await my_open_projects(ctx, None),
        "search_filters": await _filters(ctx, SearchFilter),
        "search_filter_groups": await _filters(ctx, SearchFilterGroup),
        "plugins": [
            {key: row[key] for key in PLUGIN_FIELDS}
            for row in await rows.fetch_where(ctx.conn, Plugin, order_by=[Plugin.name])
        ],
    }
    if me.is_admin:
        context["user_limit"] = ctx.settings.user_limit
    return context


async def _all(ctx: Ctx, model: Any) -> list[dict[str, Any]]:
    table = model.__table__
    found = await rows.fetch_where(ctx.conn, model, order_by=[table.c.created_at, table.c.id])
    return serialize_plain(spec_for_table(table.name), found)


async def _persons(ctx: Ctx) -> list[dict[str, Any]]:
    """Clients meet the teams of their open productions (client form, by name); managers
    read everybody's safe form, the others the minimal one. Guests never show."""
    me = ctx.me
    query = select(Person.__table__).where(
        Person.preview_project_id.is_(None), Person.is_guest.is_not(True)
    )
    is_client = me.role == "client"
    if is_client:
        teams = select(ProjectPersonLink.person_id).where(
            ProjectPersonLink.project_id.in_(sorted(me.open_project_ids))
        )
        query = select(Person.__table__).where(Person.id.in_(teams))
    spec = spec_for_table("person")
    found = await fetch(ctx, query.order_by(Person.first_name, Person.last_name, Person.id))
    items = await spec.hooks.serialize_safe(ctx, spec, found, relations=True)
    if is_client:
        return sorted((client_form(item) for item in items), key=lambda item: item["full_name"])
    if me.has_manager_role():
        return [safe_form(item) for item in items]
    return [minimal_form(item) for item in items]


async def _filters(ctx: Ctx, model: Any) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """The caller's and the shared filters (or filter groups) of open productions and of none,
    ``{list type: {project id or "all": [filters]}}``; one of a department only for managers
    and the members of that department."""
    me = ctx.me
    table = model.__table__
    open_ids = (
        select(Project.id)
        .join(ProjectStatus, ProjectStatus.id == Project.project_status_id)
        .where(ProjectStatus.name == OPEN_STATUS_NAME)
    )
    found = await fetch(
        ctx,
        select(table)
        .where(
            or_(table.c.person_id == me.id, table.c.is_shared.is_(True)),
            or_(table.c.project_id.is_(None), table.c.project_id.in_(open_ids)),
        )
        .order_by(table.c.created_at.desc() if model is SearchFilterGroup else table.c.created_at),
    )
    result: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(dict)
    wide = me.has_manager_role()
    for item, row in zip(serialize_plain(spec_for_table(table.name), found), found, strict=True):
        department_id = row["department_id"]
        if department_id is not None and not wide and department_id not in me.department_ids:
            continue
        result[row["list_type"]].setdefault(row["project_id"] or "all", []).append(item)
    return dict(result)
