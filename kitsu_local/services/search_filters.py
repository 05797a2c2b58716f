"""Saved searches and their groups (Zou's ``search_filters_service``): the caller's own and the
shared ones, listed as ``{list_type: {project id or "all": [...]}}`` for open projects only;
only a manager of the project shares one (a filter without a project is never shared)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from .. import rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import NotFound, WrongParameter
from ..models import Department, Project, ProjectStatus, SearchFilter, SearchFilterGroup
from .crud import serialize_plain
from .project_listings import OPEN_STATUS_NAMES
from .spec import Row, spec_for_table

SHARING_MISMATCH = (
    "A search filter should have the same value for is_shared than its search filter group."
)


def _spec(model: Any) -> Any:
    return spec_for_table(model.__tablename__)


def _present(model: Any, row: Row) -> dict[str, Any]:
    return serialize_plain(_spec(model), [row])[0]


def _can_share(ctx: Ctx, project_id: str | None) -> bool:
    me = ctx.me
    return project_id is not None and (
        me.is_admin or (me.is_member(project_id) and me.has_manager_role())
    )


async def _check_department(ctx: Ctx, department_id: str | None) -> None:
    if department_id is None:
        return
    if not is_valid_id(department_id) or not await rows.fetch_one(
        ctx.conn, Department, department_id
    ):
        raise NotFound()


async def _check_project(ctx: Ctx, project_id: str | None) -> None:
    """Zou lets the database refuse an unknown project (a 500): a 400 here."""
    if project_id is None:
        return
    if not is_valid_id(project_id) or not await rows.fetch_one(ctx.conn, Project, project_id):
        raise WrongParameter(f"No project found with id: {project_id}")


async def _own_or_as_admin(ctx: Ctx, model: Any, row_id: str) -> Row:
    """The caller's row, or anyone's for an admin; 404 otherwise (malformed ids included)."""
    row = await rows.fetch_one(ctx.conn, model, row_id) if is_valid_id(row_id) else None
    if row is None or (row["person_id"] != ctx.me.id and not ctx.me.is_admin):
        raise NotFound()
    return row


async def _listing(ctx: Ctx, model: Any, order: Any) -> dict[str, dict[str, list]]:
    me = ctx.me
    query = (
        select(model.__table__)
        .outerjoin(Project, Project.id == model.project_id)
        .outerjoin(ProjectStatus, ProjectStatus.id == Project.project_status_id)
        .where(
            or_(model.person_id == me.id, model.is_shared.is_(True)),
            or_(model.project_id.is_(None), ProjectStatus.name.in_(OPEN_STATUS_NAMES)),
        )
        .order_by(order)
    )
    found = [dict(row) for row in (await ctx.conn.execute(query)).mappings()]
    visible = [
        row
        for row in found
        if row["department_id"] is None
        or me.has_manager_role()
        or row["department_id"] in me.department_ids
    ]
    result: dict[str, dict[str, list]] = {}
    for row, item in zip(visible, serialize_plain(_spec(model), visible), strict=True):
        by_project = result.setdefault(row["list_type"], {})
        by_project.setdefault(row["project_id"] or "all", []).append(item)
    return result


async def _group_or_404(ctx: Ctx, group_id: str) -> Row:
    group = (
        await rows.fetch_one(ctx.conn, SearchFilterGroup, group_id)
        if is_valid_id(group_id)
        else None
    )
    if group is None:
        raise NotFound()
    return group


# ---- filters ---------------------------------------------------------------------------------
async def filters(ctx: Ctx) -> dict[str, dict[str, list]]:
    return await _listing(ctx, SearchFilter, SearchFilter.created_at)


async def create_filter(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """A new filter of the caller (``values``: Zou's body, ``query`` the search text)."""
    is_shared = bool(values["is_shared"]) and _can_share(ctx, values["project_id"])
    await _check_project(ctx, values["project_id"])
    group_id = values["search_filter_group_id"]
    if group_id is not None:
        group = await _group_or_404(ctx, group_id)
        if is_shared != group["is_shared"]:
            raise WrongParameter(SHARING_MISMATCH)
    await _check_department(ctx, values["department_id"])
    row = await rows.insert_row(
        ctx.conn,
        SearchFilter,
        {
            "list_type": values["list_type"],
            "name": values["name"],
            "search_query": values["query"],
            "project_id": values["project_id"],
            "person_id": ctx.me.id,
            "entity_type": values["entity_type"],
            "is_shared": is_shared,
            "search_filter_group_id": group_id,
            "department_id": values["department_id"],
        },
    )
    return _present(SearchFilter, row)


def _deny_sharing(ctx: Ctx, data: dict[str, Any], row: Row) -> None:
    """A sharing change the caller may not make is silently turned off, as in Zou."""
    if (
        data.get("is_shared") is not None
        and row["is_shared"] != data["is_shared"]
        and not _can_share(ctx, data.get("project_id"))
    ):
        data["is_shared"] = False


async def update_filter(ctx: Ctx, filter_id: str, data: dict[str, Any]) -> dict[str, Any]:
    row = await _own_or_as_admin(ctx, SearchFilter, filter_id)
    await _check_department(ctx, data.get("department_id"))
    await _check_project(ctx, data.get("project_id"))
    _deny_sharing(ctx, data, row)
    group_id = data.get("search_filter_group_id", row["search_filter_group_id"])
    if group_id is not None:
        group = await _group_or_404(ctx, group_id)
        if data.get("is_shared", row["is_shared"]) != group["is_shared"]:
            raise WrongParameter(SHARING_MISMATCH)
    row = await rows.update_row(ctx.conn, SearchFilter, row["id"], data)
    return _present(SearchFilter, row)


async def remove_filter(ctx: Ctx, filter_id: str) -> None:
    row = await _own_or_as_admin(ctx, SearchFilter, filter_id)
    await rows.delete_row(ctx.conn, SearchFilter, row["id"])


# ---- filter groups ---------------------------------------------------------------------------
async def filter_groups(ctx: Ctx) -> dict[str, dict[str, list]]:
    return await _listing(ctx, SearchFilterGroup, SearchFilterGroup.created_at.desc())


async def create_filter_group(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    is_shared = bool(values["is_shared"]) and _can_share(ctx, values["project_id"])
    await _check_project(ctx, values["project_id"])
    await _check_department(ctx, values["department_id"])
    row = await rows.insert_row(
        ctx.conn,
        SearchFilterGroup,
        {
            "list_type": values["list_type"],
            "name": values["name"],
            "color": values["color"] or "",
            "project_id": values["project_id"],
            "person_id": ctx.me.id,
            "entity_type": values["entity_type"],
            "is_shared": is_shared,
            "department_id": values["department_id"],
        },
    )
    return _present(SearchFilterGroup, row)


async def get_filter_group(ctx: Ctx, group_id: str) -> dict[str, Any]:
    return _present(SearchFilterGroup, await _own_or_as_admin(ctx, SearchFilterGroup, group_id))


async def update_filter_group(ctx: Ctx, group_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """Update a group; its filters follow its sharing (else they could no longer change)."""
    row = await _own_or_as_admin(ctx, SearchFilterGroup, group_id)
    await _check_department(ctx, data.get("department_id"))
    await _check_project(ctx, data.get("project_id"))
    _deny_sharing(ctx, data, row)
    row = await rows.update_row(ctx.conn, SearchFilterGroup, row["id"], data)
    if data.get("is_shared") is not None:
        await ctx.conn.execute(
            SearchFilter.__table__.update()
            .where(SearchFilter.search_filter_group_id == row["id"])
            .values(is_shared=row["is_shared"])
        )
    return _present(SearchFilterGroup, row)


async def remove_filter_group(ctx: Ctx, group_id: str) -> None:
    """Remove a group with the filters it holds, whoever owns them (as Zou)."""
    row = await _own_or_as_admin(ctx, SearchFilterGroup, group_id)
    await rows.delete_where(
        ctx.conn, SearchFilter, SearchFilter.search_filter_group_id == row["id"]
    )
    await rows.delete_row(ctx.conn, SearchFilterGroup, row["id"])
