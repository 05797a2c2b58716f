"""The team of a production (zou-data-model.md 7.2): the ``project_person_link`` rows, each with
an optional per-project role. Changes are a manager's and emit ``project:update``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from .. import events, rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import WrongParameter
from ..models import Person, Project, ProjectPersonLink
from .crud import fetch, serialize
from .persons import client_form, minimal_form
from .spec import spec_for_table

LINKS = ProjectPersonLink.__table__


async def get_team(ctx: Ctx, project_id: str) -> list[dict[str, Any]]:
    """Members see the team; managers get the safe form of each person, clients the client
    form, others the minimal one; every person carries ``project_role`` (null: the global role
    applies)."""
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    ctx.me.require_member(project["id"])
    found = await fetch(
        ctx,
        select(Person.__table__, LINKS.c.role.label("project_role"))
        .join(LINKS, LINKS.c.person_id == Person.id)
        .where(LINKS.c.project_id == project["id"])
        .order_by(Person.first_name, Person.last_name),
    )
    spec = spec_for_table("person")
    items = await spec.hooks.serialize_safe(ctx, spec, found, relations=True)
    if ctx.me.role_in(project["id"]) == "client":
        items = [client_form(item) for item in items]
    elif not ctx.me.is_manager_of(project["id"]):
        items = [minimal_form(item) for item in items]
    for item, row in zip(items, found, strict=True):
        item["project_role"] = row["project_role"]
    return items


async def add_member(ctx: Ctx, project_id: str, person_id: str, role: str | None) -> dict[str, Any]:
    """Add a person to the team (no-op when there), with their role on this project."""
    project = await _managed_project(ctx, project_id)
    if (
        not is_valid_id(person_id)
        or await rows.fetch_one(ctx.conn, Person, person_id.lower()) is None
    ):
        raise WrongParameter(f"Person with id {person_id} not found")
    person_id = person_id.lower()
    link = await _link(ctx, project["id"], person_id)
    if link is None:
        await ctx.conn.execute(
            LINKS.insert().values(project_id=project["id"], person_id=person_id, role=role)
        )
    elif role is not None:
        await _set_role(ctx, project["id"], person_id, role)
    await events.emit(ctx, "project:update", {}, project["id"])
    return (await serialize(ctx, spec_for_table("project"), [project]))[0]


async def update_member_role(
    ctx: Ctx, project_id: str, person_id: str, role: str | None
) -> dict[str, Any]:
    """Set (or, with null, clear) a member's role on this project; 400 for a non-member."""
    project = await _managed_project(ctx, project_id)
    person_id = rows.check_id(person_id)
    if await _link(ctx, project["id"], person_id) is None:
        raise WrongParameter("Person is not a member of the project team")
    await _set_role(ctx, project["id"], person_id, role)
    await events.emit(ctx, "project:update", {}, project["id"])
    return {"project_id": project["id"], "person_id": person_id, "role": role}


async def remove_member(ctx: Ctx, project_id: str, person_id: str) -> None:
    project = await _managed_project(ctx, project_id)
    await rows.delete_where(
        ctx.conn, LINKS, LINKS.c.project_id == project["id"],
        LINKS.c.person_id == rows.check_id(person_id),
    )  # fmt: skip
    await events.emit(ctx, "project:update", {}, project["id"])


async def _managed_project(ctx: Ctx, project_id: str) -> dict[str, Any]:
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    ctx.me.require_manager(project["id"])
    return project


async def _link(ctx: Ctx, project_id: str, person_id: str) -> dict[str, Any] | None:
    return await rows.first_where(
        ctx.conn, LINKS, LINKS.c.project_id == project_id, LINKS.c.person_id == person_id
    )


async def _set_role(ctx: Ctx, project_id: str, person_id: str, role: str | None) -> None:
    await ctx.conn.execute(
        LINKS.update()
        .where(LINKS.c.project_id == project_id, LINKS.c.person_id == person_id)
        .values(role=role)
    )
