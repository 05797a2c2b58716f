"""Production schedule versions against the production: the task links of a version, copying
the tasks' dates, estimations and assignees into a version (from the production or from another
version), and applying a version back to the tasks (zou-data-model.md 3.3).

Every copy runs a constant number of statements whatever the number of tasks: one read of the
sources, one multi-row insert, one executemany update, and the assignees replaced with one
delete and one ``INSERT ... SELECT``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update

from .. import events, rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import NotFound, WrongParameter
from ..models import (
    ProductionScheduleVersion,
    ProductionScheduleVersionTaskLink,
    ProductionScheduleVersionTaskLinkPersonLink,
    Project,
    Task,
    TaskPersonLink,
)
from ..models.base import new_id, utc_now
from .crud import fetch, is_true, serialize
from .schedules import WRONG_UUID, block_roles, require_manager_access, require_project_access
from .spec import Row, spec_for_table

LINK = ProductionScheduleVersionTaskLink.__table__
LINK_PERSON = ProductionScheduleVersionTaskLinkPersonLink.__table__
COPIED = ("start_date", "due_date", "estimation")


async def _version(ctx: Ctx, version_id: str) -> Row:
    """The version (404 for a malformed or unknown id, as Zou answers both)."""
    version = None
    if is_valid_id(version_id):
        version = await rows.fetch_one(ctx.conn, ProductionScheduleVersion, version_id.lower())
    if version is None:
        raise NotFound()
    return version


async def require_version_manager(ctx: Ctx, version_id: str) -> Row:
    """The version, once the caller is a manager of its production."""
    version = await _version(ctx, version_id)
    await require_manager_access(ctx, version["project_id"])
    return version


async def version_task_links(ctx: Ctx, version_id: str) -> list[dict[str, Any]]:
    """The links of a version (``task_type_id`` narrows them, ``relations`` adds assignees);
    team members other than vendors and clients."""
    version = await _version(ctx, version_id)
    project_id = await require_project_access(ctx, version["project_id"])
    block_roles(ctx, project_id, "vendor", "client")
    query = select(LINK).where(LINK.c.production_schedule_version_id == version["id"])
    task_type_id = ctx.params.get("task_type_id")
    if task_type_id is not None:
        task_type_id = rows.check_id(task_type_id, WRONG_UUID)
        query = query.join(Task, Task.id == LINK.c.task_id).where(Task.task_type_id == task_type_id)
    found = await fetch(ctx, query.order_by(LINK.c.created_at, LINK.c.task_id))
    spec = spec_for_table(LINK.name)
    return await serialize(ctx, spec, found, relations=is_true(ctx.params.get("relations")))


async def set_links_from_production(ctx: Ctx, version_id: str) -> dict[str, Any]:
    """Copy every task of the version's project (dates, estimation, assignees) into it."""
    version = await require_version_manager(ctx, version_id)
    sources = (
        await ctx.conn.execute(
            select(Task.id.label("task_id"), Task.start_date, Task.due_date, Task.estimation).where(
                Task.project_id == version["project_id"]
            )
        )
    ).mappings()
    count = await _upsert_links(ctx, version["id"], [dict(source) for source in sources])
    refreshed = select(LINK.c.id).where(LINK.c.production_schedule_version_id == version["id"])
    assignees = (
        select(LINK.c.id, TaskPersonLink.person_id)
        .join(TaskPersonLink, TaskPersonLink.task_id == LINK.c.task_id)
        .where(LINK.c.production_schedule_version_id == version["id"])
    )
    await _replace_assignees(ctx, refreshed, assignees)
    return {"success": True, "task_link_count": count}


async def set_links_from_version(ctx: Ctx, version_id: str, source_id: str) -> dict[str, Any]:
    """Copy the links of another version of the same project (dates, estimation, assignees);
    target links whose task is not in the source keep theirs."""
    version = await require_version_manager(ctx, version_id)
    source = await _version(ctx, source_id)
    if source["project_id"] != version["project_id"]:
        raise WrongParameter("Production schedule versions must belong to the same project.")
    if source["id"] == version["id"]:
        raise WrongParameter("A production schedule version cannot be copied onto itself.")
    sources = await rows.fetch_where(
        ctx.conn, LINK, LINK.c.production_schedule_version_id == source["id"]
    )
    count = await _upsert_links(ctx, version["id"], sources)
    source_link = LINK.alias("source_link")
    source_tasks = select(source_link.c.task_id).where(
        source_link.c.production_schedule_version_id == source["id"]
    )
    refreshed = select(LINK.c.id).where(
        LINK.c.production_schedule_version_id == version["id"], LINK.c.task_id.in_(source_tasks)
    )
    assignees = (
        select(LINK.c.id, LINK_PERSON.c.person_id)
        .join(
            source_link,
            (source_link.c.task_id == LINK.c.task_id)
            & (source_link.c.production_schedule_version_id == source["id"]),
        )
        .join(
            LINK_PERSON,
            LINK_PERSON.c.production_schedule_version_task_link_id == source_link.c.id,
        )
        .where(LINK.c.production_schedule_version_id == version["id"])
    )
    await _replace_assignees(ctx, refreshed, assignees)
    await _update_version(ctx, version, {"production_schedule_from": source["id"]})
    return {"success": True, "task_link_count": count}


async def apply_to_production(ctx: Ctx, version_id: str) -> dict[str, Any]:
    """Write the version's dates and estimations onto the tasks, lock the version and mark the
    project as coming from it."""
    version = await require_version_manager(ctx, version_id)
    project_id = version["project_id"]
    links = await rows.fetch_where(
        ctx.conn, LINK, LINK.c.production_schedule_version_id == version["id"]
    )
    if links:
        now = utc_now()
        await ctx.conn.execute(
            update(Task.__table__)
            .where(Task.id == bindparam("b_task_id"))
            .values(
                start_date=bindparam("b_start_date"), due_date=bindparam("b_due_date"),
                estimation=bindparam("b_estimation"), updated_at=now,
            ),
            [{f"b_{key}": link[key] for key in ("task_id", *COPIED)} for link in links],
        )  # fmt: skip
    await events.emit_many(
        ctx, "task:update", [({"task_id": link["task_id"]}, project_id) for link in links]
    )
    await _update_version(ctx, version, {"locked": True})
    await rows.update_row(
        ctx.conn, Project, project_id, {"from_schedule_version_id": version["id"]}
    )
    await events.emit(ctx, "project:update", {"project_id": project_id}, project_id)
    return {"success": True, "task_count": len(links)}


async def _upsert_links(ctx: Ctx, version_id: str, sources: list[Row]) -> int:
    """Make the version hold one link per source task with the source's copied values."""
    existing = {
        row.task_id: row.id
        for row in await ctx.conn.execute(
            select(LINK.c.task_id, LINK.c.id).where(
                LINK.c.production_schedule_version_id == version_id
            )
        )
    }
    now = utc_now()
    new = [
        {
            "id": new_id(), "created_at": now, "updated_at": now,
            "production_schedule_version_id": version_id, "task_id": source["task_id"],
            **{key: source[key] for key in COPIED},
        }
        for source in sources
        if source["task_id"] not in existing
    ]  # fmt: skip
    changed = [
        {"b_id": existing[source["task_id"]], **{f"b_{key}": source[key] for key in COPIED}}
        for source in sources
        if source["task_id"] in existing
    ]
    with rows.database_refusals():
        if new:
            await ctx.conn.execute(insert(LINK), new)
        if changed:
            await ctx.conn.execute(
                update(LINK)
                .where(LINK.c.id == bindparam("b_id"))
                .values(
                    start_date=bindparam("b_start_date"), due_date=bindparam("b_due_date"),
                    estimation=bindparam("b_estimation"), updated_at=now,
                ),
                changed,
            )  # fmt: skip
    return len(sources)


async def _replace_assignees(ctx: Ctx, refreshed: Any, assignees: Any) -> None:
    """Replace the assignees of the ``refreshed`` links (a select of link ids) with the
    ``(link id, person id)`` rows of ``assignees``, both in the database."""
    key = LINK_PERSON.c.production_schedule_version_task_link_id
    await ctx.conn.execute(delete(LINK_PERSON).where(key.in_(refreshed)))
    await ctx.conn.execute(
        insert(LINK_PERSON).from_select([key, LINK_PERSON.c.person_id], assignees.distinct())
    )


async def _update_version(ctx: Ctx, version: Row, values: dict[str, Any]) -> None:
    await rows.update_row(ctx.conn, ProductionScheduleVersion, version["id"], values)
    await events.emit(
        ctx, "production_schedule_version:update",
        {"production_schedule_version_id": version["id"]}, version["project_id"],
    )  # fmt: skip
