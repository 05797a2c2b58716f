"""The hardware items and software licenses of departments (zou-data-model.md 3.1): the
``hardware_item_department_link`` and ``software_department_link`` tables, admins only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from .. import rows
from ..context import Ctx
from ..errors import NotFound
from ..models import (
    Department,
    HardwareItem,
    HardwareItemDepartmentLink,
    Software,
    SoftwareDepartmentLink,
)
from .crud import fetch, serialize_plain
from .spec import spec_for_table

UUID_MESSAGE = "Wrong UUID format."


@dataclass(frozen=True)
class Equipment:
    """One kind of thing departments are equipped with, and its link table."""

    model: Any
    link: Any
    key: str  # the link's column naming the item

    @property
    def link_column(self) -> Any:
        return getattr(self.link, self.key)


HARDWARE = Equipment(HardwareItem, HardwareItemDepartmentLink, "hardware_item_id")
SOFTWARE = Equipment(Software, SoftwareDepartmentLink, "software_id")


async def all_by_department(ctx: Ctx, kind: Equipment) -> dict[str, list[dict[str, Any]]]:
    """``{department id: [items]}`` of the departments having at least one."""
    ctx.me.require_admin()
    query = select(kind.model.__table__, kind.link.department_id.label("link_department_id")).join(
        kind.link, kind.link_column == kind.model.id
    )
    found = await fetch(ctx, query)
    items = serialize_plain(spec_for_table(kind.model.__tablename__), found)
    result: dict[str, list[dict[str, Any]]] = {}
    for item, row in zip(items, found, strict=True):
        result.setdefault(row["link_department_id"], []).append(item)
    return result


async def department_item(
    ctx: Ctx, kind: Equipment, department_id: str, item_id: str
) -> dict[str, Any]:
    """The item when the department is equipped with it, else 404."""
    department_id, item_id = await _check(ctx, department_id, item_id)
    await rows.fetch_or_404(ctx.conn, Department, department_id)
    query = (
        select(kind.model.__table__)
        .join(kind.link, kind.link_column == kind.model.id)
        .where(kind.link.department_id == department_id, kind.model.id == item_id)
    )
    found = await fetch(ctx, query)
    if not found:
        raise NotFound()
    return serialize_plain(spec_for_table(kind.model.__tablename__), found)[0]


async def add_item(ctx: Ctx, kind: Equipment, department_id: str, item_id: str) -> dict[str, Any]:
    """Link the item to the department (the existing link when it is already there)."""
    department_id, item_id = await _check(ctx, department_id, item_id)
    await rows.fetch_or_404(ctx.conn, Department, department_id)
    await rows.fetch_or_404(ctx.conn, kind.model, item_id)
    link = await _link(ctx, kind, department_id, item_id)
    if link is None:
        link = await rows.insert_row(
            ctx.conn, kind.link, {"department_id": department_id, kind.key: item_id}
        )
    return serialize_plain(spec_for_table(kind.link.__tablename__), [link])[0]


async def remove_item(ctx: Ctx, kind: Equipment, department_id: str, item_id: str) -> None:
    department_id, item_id = await _check(ctx, department_id, item_id)
    await rows.fetch_or_404(ctx.conn, Department, department_id)
    await rows.fetch_or_404(ctx.conn, kind.model, item_id)
    await rows.delete_where(
        ctx.conn, kind.link, kind.link.department_id == department_id, kind.link_column == item_id
    )


async def _check(ctx: Ctx, *ids: str) -> list[str]:
    ctx.me.require_admin()
    return [rows.check_id(value, UUID_MESSAGE) for value in ids]


async def _link(ctx: Ctx, kind: Equipment, department_id: str, item_id: str) -> Any:
    return await rows.first_where(
        ctx.conn, kind.link, kind.link.department_id == department_id, kind.link_column == item_id
    )
