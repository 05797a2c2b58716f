"""What a production lists (zou-behaviour.md 1.5, zou-data-model.md 11.4): the project lists
(``all``, ``open``), and the comments, notifications, subscriptions, time spents, build jobs
and output files of one production, each in one query (plus one per relation)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, func, select

from .. import rows
from ..context import Ctx
from ..errors import NotFound, PermissionDenied
from ..models import (
    BuildJob,
    Comment,
    Entity,
    MetadataDescriptor,
    Notification,
    OutputFile,
    Playlist,
    Project,
    ProjectPersonLink,
    ProjectStatus,
    Subscription,
    Task,
    TimeSpent,
)
from .crud import fetch, parse_int, serialize
from .projects import add_project_extra_data, descriptors_by_project
from .spec import ModelSpec, spec_for_table

OPEN_STATUS_NAMES = ("Active", "open", "Open")
OUTPUT_FILE_FILTERS = ("output_type_id", "task_type_id", "representation", "file_status_id", "name")


# ==== the project lists ======================================================================
async def open_projects(ctx: Ctx, name: str | None) -> list[dict[str, Any]]:
    """GET /data/projects/open: open projects (the caller's, unless admin) with relations and
    their descriptors, task type and status links, first episode."""
    query = (
        select(Project.__table__)
        .join(ProjectStatus, ProjectStatus.id == Project.project_status_id)
        .where(ProjectStatus.name.in_(OPEN_STATUS_NAMES))
        .order_by(Project.name)
    )
    if name is not None:
        query = query.where(Project.name == name)
    if not ctx.me.is_admin:
        query = query.where(Project.id.in_(_member_project_ids(ctx)))
    items = await serialize(ctx, spec_for_table("project"), await fetch(ctx, query), relations=True)
    await add_project_extra_data(ctx, items)
    return items


async def all_projects(ctx: Ctx, name: str | None) -> list[dict[str, Any]]:
    """GET /data/projects/all: admins get every project with ``project_status_name`` and its
    project-level descriptors; others the projects whose team they are in, of any status."""
    spec = spec_for_table("project")
    if name is not None:
        query = select(Project.__table__).where(Project.name.ilike(name))
        if not ctx.me.is_admin:
            query = query.where(Project.id.in_(_member_project_ids(ctx)))
        found = await fetch(ctx, query.limit(1))
        if not found:
            raise NotFound()
        return await serialize(ctx, spec, found)
    if not ctx.me.is_admin:
        query = select(Project.__table__).where(Project.id.in_(_member_project_ids(ctx)))
        return await serialize(ctx, spec, await fetch(ctx, query.order_by(Project.name)))
    found = await fetch(
        ctx,
        select(Project.__table__, ProjectStatus.name.label("project_status_name"))
        .join(ProjectStatus, ProjectStatus.id == Project.project_status_id)
        .order_by(Project.name),
    )
    items = await serialize(ctx, spec, found)
    descriptors = await descriptors_by_project(
        ctx, MetadataDescriptor.entity_type == "Project", visible_only=False
    )
    for item, row in zip(items, found, strict=True):
        item["project_status_name"] = row["project_status_name"]
        item["descriptors"] = descriptors[item["id"]]
    return items


async def open_project_ids(ctx: Ctx) -> list[str]:
    """The open projects the caller reads the news of: theirs, or every one for admins."""
    query = (
        select(Project.id)
        .join(ProjectStatus, ProjectStatus.id == Project.project_status_id)
        .where(ProjectStatus.name.in_(OPEN_STATUS_NAMES))
    )
    if not ctx.me.is_admin:
        query = query.where(Project.id.in_(_member_project_ids(ctx)))
    return list((await ctx.conn.execute(query)).scalars())


def _member_project_ids(ctx: Ctx) -> Select:
    return select(ProjectPersonLink.project_id).where(ProjectPersonLink.person_id == ctx.me.id)


# ==== the lists of one production ============================================================
async def project_comments(ctx: Ctx, project_id: str, params: Mapping[str, str]) -> Any:
    """Comments of the production's tasks, last updated first; not for vendors and clients."""
    project = await _readable_project(ctx, project_id)
    if ctx.me.role_in(project["id"]) in ("vendor", "client"):
        raise PermissionDenied()
    query = (
        select(Comment.__table__)
        .join(Task, Task.id == Comment.object_id)
        .where(Task.project_id == project["id"])
        .order_by(Comment.updated_at.desc())
    )
    return await page_of(ctx, spec_for_table("comment"), query, params, relations=True)


async def project_notifications(ctx: Ctx, project_id: str, params: Mapping[str, str]) -> Any:
    ctx.me.require_admin()
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    query = (
        select(Notification.__table__)
        .join(Task, Task.id == Notification.task_id)
        .where(Task.project_id == project["id"])
        .order_by(Notification.updated_at.desc())
    )
    return await page_of(ctx, spec_for_table("notification"), query, params)


async def project_subscriptions(ctx: Ctx, project_id: str) -> list[dict[str, Any]]:
    ctx.me.require_admin()
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    query = (
        select(Subscription.__table__)
        .join(Task, Task.id == Subscription.task_id)
        .where(Task.project_id == project["id"])
    )
    return await serialize(ctx, spec_for_table("subscription"), await fetch(ctx, query))


async def project_time_spents(ctx: Ctx, project_id: str) -> list[dict[str, Any]]:
    """Members but clients (Zou's block_access_to_client)."""
    project = await _readable_project(ctx, project_id)
    if ctx.me.role_in(project["id"]) == "client":
        raise PermissionDenied()
    query = (
        select(TimeSpent.__table__)
        .join(Task, Task.id == TimeSpent.task_id)
        .where(Task.project_id == project["id"])
        .order_by(TimeSpent.date, TimeSpent.created_at)
    )
    return await serialize(ctx, spec_for_table("time_spent"), await fetch(ctx, query))


async def project_build_jobs(ctx: Ctx, project_id: str) -> list[dict[str, Any]]:
    ctx.me.require_admin()
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    query = (
        select(BuildJob.__table__)
        .join(Playlist, Playlist.id == BuildJob.playlist_id)
        .where(Playlist.project_id == project["id"])
        .order_by(BuildJob.created_at)
    )
    return await serialize(ctx, spec_for_table("build_job"), await fetch(ctx, query))


async def project_output_files(
    ctx: Ctx, project_id: str, params: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Output files of the production's entities (not of asset instances), newest first;
    managers of the production; filters on type, task type, representation, status, name."""
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    ctx.me.require_manager(project["id"])
    query = (
        select(OutputFile.__table__)
        .join(Entity, Entity.id == OutputFile.entity_id)
        .where(
            Entity.project_id == project["id"],
            OutputFile.asset_instance_id.is_(None),
            OutputFile.temporal_entity_id.is_(None),
            OutputFile.revision >= 0,
        )
        .order_by(OutputFile.created_at.desc())
    )
    for key in OUTPUT_FILE_FILTERS:
        if params.get(key):  # an empty value leaves the filter out, as Zou
            query = query.where(OutputFile.__table__.c[key] == params[key])
    return await serialize(ctx, spec_for_table("output_file"), await fetch(ctx, query))


async def _readable_project(ctx: Ctx, project_id: str) -> dict[str, Any]:
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    ctx.me.require_member(project["id"])
    return project


# ==== Zou's service pagination ===============================================================
async def page_of(
    ctx: Ctx, spec: ModelSpec, query: Select, params: Mapping[str, str], relations: bool = False
) -> Any:
    """Without ``page`` the whole list; with it Zou's page object (``limit`` defaults to the
    page size setting; past the last page ``data`` is empty and ``total`` 0, as Zou)."""
    page = parse_int(params.get("page"), "page", default=-1)
    if page < 1:
        return await serialize(ctx, spec, await fetch(ctx, query), relations=relations)
    limit = parse_int(params.get("limit"), "limit", default=0) or ctx.settings.nb_records_per_page
    limit = max(limit, 1)
    total = (
        await ctx.conn.execute(select(func.count()).select_from(query.order_by(None).subquery()))
    ).scalar_one()
    offset = (page - 1) * limit
    data: list[dict[str, Any]] = []
    if total >= offset:
        paged = await fetch(ctx, query.limit(limit).offset(offset))
        data = await serialize(ctx, spec, paged, relations=relations)
    return {
        "data": data, "total": total if total >= offset else 0,
        "nb_pages": math.ceil(total / limit), "limit": limit, "offset": offset, "page": page,
    }  # fmt: skip
