"""Projects and their configuration (zou-data-model.md 3.3, 11.4): open/closed status, the
extra data of a project read with relations, tv-show first episode, templates, team links."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from sqlalchemy import select

from .. import rows
from ..context import Ctx
from ..errors import WrongParameter
from ..models import (
    Department,
    DepartmentMetadataDescriptorLink,
    Entity,
    MetadataDescriptor,
    Project,
    ProjectAssetTypeLink,
    ProjectPreviewBackgroundFileLink,
    ProjectStatus,
    ProjectStatusAutomationLink,
    ProjectTaskStatusLink,
    ProjectTaskTypeLink,
    ProjectTemplate,
    ProjectTemplateAssetTypeLink,
    ProjectTemplatePreviewBackgroundFileLink,
    ProjectTemplateStatusAutomationLink,
    ProjectTemplateTaskStatusLink,
    ProjectTemplateTaskTypeLink,
)  # fmt: skip
from ..models.base import PROJECT_STYLES
from .crud import CrudHooks
from .spec import Row

RESOLUTION_RE = re.compile(r"\A\d{3,4}x\d{3,4}\Z")
PARTIAL_RESOLUTION_RE = re.compile(r"\Ax\d{3,4}\Z")
MAX_BITRATE = 28  # Mbit/s, the high definition encoding
TEMPLATE_SETTINGS = (
    "fps", "ratio", "resolution", "production_type", "production_style", "max_retakes",
    "is_clients_isolated", "is_preview_download_allowed", "is_set_preview_automated",
    "is_publish_default_for_artists", "homepage", "hd_bitrate_compression",
    "ld_bitrate_compression",
)  # fmt: skip


# ==== statuses ===============================================================================
async def get_or_create_status(ctx: Ctx, name: str) -> Row:
    status = await rows.first_where(ctx.conn, ProjectStatus, ProjectStatus.name == name)
    if status is None:
        status = await rows.insert_row(ctx.conn, ProjectStatus, {"name": name, "color": "#000000"})
    return status


async def open_status_id(ctx: Ctx) -> str:
    return (await get_or_create_status(ctx, "Open"))["id"]


async def is_open(ctx: Ctx, project: Row) -> bool:
    status = await rows.first_where(ctx.conn, ProjectStatus, ProjectStatus.name == "Open")
    return status is not None and project["project_status_id"] == status["id"]


# ==== validation =============================================================================
def validate_resolution(value: Any) -> None:
    if value in (None, ""):
        return
    if not isinstance(value, str) or not (
        RESOLUTION_RE.match(value) or PARTIAL_RESOLUTION_RE.match(value)
    ):
        raise WrongParameter(
            f"Invalid resolution {value}. Expected format: '1920x1080' or 'x1080'."
        )


def validate_bitrates(values: dict[str, Any], current: Row | None = None) -> None:
    current = current or {}
    for key in ("hd_bitrate_compression", "ld_bitrate_compression"):
        value = values.get(key)
        if value is not None and value != current.get(key) and not 1 <= value <= MAX_BITRATE:
            raise WrongParameter(
                f"Invalid {key}: expected an integer number of Mbit/s between 1 and {MAX_BITRATE}."
            )
    lowdef = values.get("ld_bitrate_compression")
    if lowdef is not None and lowdef != current.get("ld_bitrate_compression"):
        highdef = values.get("hd_bitrate_compression", current.get("hd_bitrate_compression"))
        highdef = highdef or MAX_BITRATE
        if lowdef > highdef:
            raise WrongParameter(
                f"The low definition bitrate ({lowdef}) cannot exceed the high definition one "
                f"({highdef})."
            )


def _production_style(data: dict[str, Any], values: dict[str, Any]) -> None:
    if "production_style" in data:
        if data["production_style"] is None:
            values["production_style"] = "2d3d"
        elif values.get("production_style") not in PROJECT_STYLES:
            raise WrongParameter("Invalid production_style")


# ==== the CRUD hooks =========================================================================
class ProjectHooks(CrudHooks):
    async def prepare_create(self, ctx, spec, data, values):
        _production_style(data, values)
        validate_resolution(values.get("resolution"))
        validate_bitrates(values)
        if not values.get("project_status_id"):
            values["project_status_id"] = await open_status_id(ctx)
        await _check_default_background(ctx, None, data, values)
        return values

    async def after_create(self, ctx, spec, row, data):
        template_id = data.get("project_template_id")
        if template_id:
            overrides = {key for key, value in data.items() if value is not None}
            await apply_template(ctx, row["id"], template_id, overrides)
        await copy_project_descriptors(ctx, row["id"])

    async def create_response(self, ctx, spec, row, item, data):
        """A tv show gets its first episode, E01, and answers its id."""
        if row["production_type"] == "tvshow":
            episode = await get_or_create_first_episode(ctx, row)
            item["first_episode_id"] = episode["id"]
        return item

    update_response = create_response

    async def prepare_update(self, ctx, spec, row, data, values):
        _production_style(data, values)
        validate_resolution(values.get("resolution"))
        validate_bitrates(values, row)
        await _check_default_background(ctx, row, data, values)
        return values

    async def present(self, ctx, spec, found, items, view):
        if view == "read":
            status_id = found[0]["project_status_id"]
            status = await rows.fetch_one(ctx.conn, ProjectStatus, status_id) if status_id else None
            items[0]["project_status_name"] = status["name"] if status else None
            if "team" in items[0]:  # read with relations: the open-projects form
                await add_project_extra_data(ctx, items)
        return items

    async def delete(self, ctx, spec, row, force):
        if await is_open(ctx, row):
            raise WrongParameter("Only closed projects can be deleted")
        from .cascade import remove_project

        await remove_project(ctx, row, force)

    async def event(self, ctx, spec, action, row):
        # As in Zou, the CRUD events of a project are not scoped to it (the row has no
        # project_id column): they stay readable once the project is gone.
        return f"project:{action}", {"project_id": row["id"]}, None


async def _check_default_background(
    ctx: Ctx, project: Row | None, data: dict[str, Any], values: dict[str, Any]
) -> None:
    """The default background must be one of the project's background files."""
    default = values.get("default_preview_background_file_id")
    if default is None:
        return
    if "preview_background_files" in data or project is None:
        from .crud import ids_from

        linked = ids_from(data.get("preview_background_files"))
    else:
        links = await rows.fetch_where(
            ctx.conn,
            ProjectPreviewBackgroundFileLink,
            ProjectPreviewBackgroundFileLink.project_id == project["id"],
        )
        linked = [link["preview_background_file_id"] for link in links]
    if default not in linked:
        raise WrongParameter("Invalid default_preview_background_file_id")


async def check_project_read(ctx: Ctx, row: Row) -> None:
    ctx.me.require_member(row["id"])


async def check_project_update(ctx: Ctx, row: Row, data: dict[str, Any]) -> None:
    ctx.me.require_manager(row["id"])


# ==== extra data =============================================================================
async def add_project_extra_data(ctx: Ctx, items: list[dict[str, Any]]) -> None:
    """``descriptors``, ``task_type_links``, ``task_types_priority``, ``task_statuses_link``,
    ``first_episode_id``."""
    ids = [item["id"] for item in items]
    descriptors = await descriptors_by_project(ctx, MetadataDescriptor.project_id.in_(ids))
    task_type_links: dict[str, dict[str, Any]] = defaultdict(dict)
    for link in await rows.fetch_where(
        ctx.conn, ProjectTaskTypeLink, ProjectTaskTypeLink.project_id.in_(ids)
    ):
        task_type_links[link["project_id"]][link["task_type_id"]] = {
            key: link[key]
            for key in (
                "priority", "hd_bitrate_compression", "ld_bitrate_compression",
                "is_client_visible",
            )
        }  # fmt: skip
    status_links: dict[str, dict[str, Any]] = defaultdict(dict)
    for link in await rows.fetch_where(
        ctx.conn, ProjectTaskStatusLink, ProjectTaskStatusLink.project_id.in_(ids)
    ):
        status_links[link["project_id"]][link["task_status_id"]] = {
            "priority": link["priority"],
            "roles_for_board": link["roles_for_board"],
            "is_client_allowed": link["is_client_allowed"],
        }
    first_episodes = await first_episodes_of(
        ctx, [item["id"] for item in items if item.get("production_type") == "tvshow"]
    )
    for item in items:
        item["descriptors"] = descriptors[item["id"]]
        links = task_type_links[item["id"]]
        item["task_type_links"] = links
        item["task_types_priority"] = {key: link["priority"] for key, link in links.items()}
        item["task_statuses_link"] = status_links[item["id"]]
        if item["id"] in first_episodes:
            item["first_episode_id"] = first_episodes[item["id"]]["id"]


async def descriptors_by_project(
    ctx: Ctx, *conditions: Any, visible_only: bool = True
) -> dict[str, list[dict[str, Any]]]:
    """Descriptors in the short form of the project lists, by project; ``visible_only`` drops
    what the caller's role does not see (clients: not ``for_client``; vendors: other
    departments')."""
    descriptors: dict[str, list[dict[str, Any]]] = defaultdict(list)
    descriptor_rows = await rows.fetch_where(
        ctx.conn, MetadataDescriptor, *conditions,
        order_by=[MetadataDescriptor.position, MetadataDescriptor.name],
    )  # fmt: skip
    departments = await rows.grouped_links(
        ctx.conn, DepartmentMetadataDescriptorLink.__table__, "metadata_descriptor_id",
        "department_id", [row["id"] for row in descriptor_rows],
    )  # fmt: skip
    me = ctx.me
    for row in descriptor_rows:
        role = me.role_in(row["project_id"]) if visible_only else "admin"
        if role == "client" and not row["for_client"]:
            continue
        descriptor_departments = departments[row["id"]]
        if (
            role == "vendor"
            and descriptor_departments
            and not (set(descriptor_departments) & me.department_ids)
        ):
            continue
        descriptors[row["project_id"]].append(
            {
                "id": row["id"], "name": row["name"], "field_name": row["field_name"],
                "data_type": row["data_type"], "choices": row["choices"],
                "for_client": bool(row["for_client"]), "entity_type": row["entity_type"],
                "task_type_id": row["task_type_id"], "position": row["position"],
                "departments": descriptor_departments,
            }
        )  # fmt: skip
    return descriptors


# ==== episodes ===============================================================================
async def episode_type_id(ctx: Ctx) -> str:
    from .entities import get_or_create_entity_type

    return (await get_or_create_entity_type(ctx, "Episode"))["id"]


async def first_episode(ctx: Ctx, project_id: str) -> Row | None:
    return (await first_episodes_of(ctx, [project_id])).get(project_id)


async def first_episodes_of(ctx: Ctx, project_ids: list[str]) -> dict[str, Row]:
    """The episode each tv show opens on: its first running one by name, else its first."""
    if not project_ids:
        return {}
    type_id = await episode_type_id(ctx)
    episodes = await rows.fetch_where(
        ctx.conn, Entity, Entity.project_id.in_(project_ids), Entity.entity_type_id == type_id,
        order_by=Entity.name,
    )  # fmt: skip
    first: dict[str, Row] = {}
    for episode in sorted(episodes, key=lambda episode: episode["status"] != "running"):
        first.setdefault(episode["project_id"], episode)
    return first


async def get_or_create_first_episode(ctx: Ctx, project: Row) -> Row:
    episode = await first_episode(ctx, project["id"])
    if episode is None:
        from .entities import create_entity

        # As Zou's create_episode: an empty description and data, not nulls.
        episode = await create_entity(
            ctx, project["id"], await episode_type_id(ctx), "E01", kind="Episode",
            description="", data={},
        )  # fmt: skip
    return episode


# ==== templates and descriptors ==============================================================
async def apply_template(ctx: Ctx, project_id: str, template_id: Any, overrides: set[str]) -> None:
    """Copy a template's settings (unless given explicitly), links and descriptors."""
    template = await rows.fetch_or_404(ctx.conn, ProjectTemplate, template_id)
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    values = {key: template[key] for key in TEMPLATE_SETTINGS if key not in overrides}
    for key in ("file_tree", "data"):
        if key not in overrides and template[key] is not None:
            values[key] = template[key]
    if not project["default_preview_background_file_id"]:
        values["default_preview_background_file_id"] = template[
            "default_preview_background_file_id"
        ]
    await rows.update_row(ctx.conn, Project, project_id, values)
    for template_link, project_link, key, extra in (
        (ProjectTemplateTaskTypeLink, ProjectTaskTypeLink, "task_type_id", ("priority",)),
        (ProjectTemplateTaskStatusLink, ProjectTaskStatusLink, "task_status_id",
         ("priority", "roles_for_board")),
        (ProjectTemplateAssetTypeLink, ProjectAssetTypeLink, "asset_type_id", ()),
        (ProjectTemplateStatusAutomationLink, ProjectStatusAutomationLink,
         "status_automation_id", ()),
        (ProjectTemplatePreviewBackgroundFileLink, ProjectPreviewBackgroundFileLink,
         "preview_background_file_id", ()),
    ):  # fmt: skip
        existing = set(
            (
                await ctx.conn.execute(
                    select(project_link.__table__.c[key]).where(
                        project_link.__table__.c.project_id == project_id
                    )
                )
            ).scalars()
        )
        for link in await rows.fetch_where(
            ctx.conn, template_link, template_link.__table__.c.project_template_id == template_id
        ):
            if link[key] not in existing:
                await rows.insert_row(
                    ctx.conn, project_link,
                    {"project_id": project_id, key: link[key], **{name: link[name] for name in extra}},
                )  # fmt: skip
    for snapshot in template["metadata_descriptors"] or []:
        if not isinstance(snapshot, dict) or not snapshot.get("name"):
            continue
        await create_descriptor(ctx, project_id, snapshot)


async def create_descriptor(ctx: Ctx, project_id: str, snapshot: dict[str, Any]) -> Row | None:
    from .entities import slugify_field_name

    name = snapshot["name"]
    entity_type = snapshot.get("entity_type") or "Asset"
    existing = await rows.first_where(
        ctx.conn, MetadataDescriptor, MetadataDescriptor.project_id == project_id,
        MetadataDescriptor.entity_type == entity_type, MetadataDescriptor.name == name,
        same_task_type(snapshot.get("task_type_id")),
    )  # fmt: skip
    if existing is not None:
        return existing
    descriptor = await rows.insert_row(
        ctx.conn,
        MetadataDescriptor,
        {
            "project_id": project_id, "entity_type": entity_type, "name": name,
            "field_name": snapshot.get("field_name") or slugify_field_name(name),
            "data_type": snapshot.get("data_type") or "string",
            "choices": snapshot.get("choices") or [], "for_client": bool(snapshot.get("for_client")),
            "position": snapshot.get("position"), "task_type_id": snapshot.get("task_type_id"),
        },
    )  # fmt: skip
    for department_id in await rows.existing_ids(
        ctx.conn, Department, snapshot.get("departments") or []
    ):
        await rows.insert_row(
            ctx.conn, DepartmentMetadataDescriptorLink,
            {"metadata_descriptor_id": descriptor["id"], "department_id": department_id},
        )  # fmt: skip
    return descriptor


def same_task_type(task_type_id: str | None) -> Any:
    column = MetadataDescriptor.task_type_id
    return column.is_(None) if task_type_id is None else column == task_type_id


async def copy_project_descriptors(ctx: Ctx, project_id: str) -> None:
    """Project-level descriptors of the other open projects are copied onto a new project."""
    open_id = await open_status_id(ctx)
    sources = await ctx.conn.execute(
        select(MetadataDescriptor.__table__)
        .join(Project, Project.id == MetadataDescriptor.project_id)
        .where(
            MetadataDescriptor.entity_type == "Project",
            Project.project_status_id == open_id,
            Project.id != project_id,
        )
    )
    for source in [dict(row) for row in sources.mappings()]:
        await create_descriptor(ctx, project_id, source)


class MetadataDescriptorHooks(CrudHooks):
    def always_relations(self) -> bool:
        return True

    async def prepare_create(self, ctx, spec, data, values):
        from .entities import slugify_field_name

        if not values.get("field_name") and isinstance(values.get("name"), str):
            values["field_name"] = slugify_field_name(values["name"])
        if values.get("choices") is None:
            values["choices"] = []
        return values
