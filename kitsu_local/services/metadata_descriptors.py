"""The metadata descriptors of a production (zou-data-model.md 3.3): the custom columns whose
values live under ``field_name`` in ``entity.data`` (``project.data`` for ``Project``,
``task.data`` of one task type for ``Task``). Renaming a descriptor renames the key in every
row holding it; deleting one removes the key."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, or_, update

from .. import events, rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import NotFound, PermissionDenied, WrongParameter
from ..models import (
    Department,
    DepartmentMetadataDescriptorLink,
    Entity,
    MetadataDescriptor,
    Project,
    Task,
    TaskType,
)
from ..models.base import METADATA_DATA_TYPES
from .crud import serialize
from .entities import kind_of, slugify_field_name, type_names
from .projects import create_descriptor, same_task_type
from .spec import Row, spec_for_table

ENTITY_TYPES = ("Asset", "Shot", "Edit", "Episode", "Sequence", "Project", "Task")
DEPARTMENT_LINKS = DepartmentMetadataDescriptorLink.__table__


async def list_descriptors(ctx: Ctx, project_id: str) -> list[dict[str, Any]]:
    """Members read them; clients only the ``for_client`` ones."""
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    ctx.me.require_member(project["id"])
    conditions = [MetadataDescriptor.project_id == project["id"]]
    if ctx.me.role_in(project["id"]) == "client":
        conditions.append(MetadataDescriptor.for_client.is_(True))
    found = await rows.fetch_where(
        ctx.conn, MetadataDescriptor, *conditions,
        order_by=[MetadataDescriptor.position, MetadataDescriptor.name],
    )  # fmt: skip
    return await serialize(ctx, spec_for_table("metadata_descriptor"), found, relations=True)


async def get_descriptor(ctx: Ctx, project_id: str, descriptor_id: str) -> dict[str, Any]:
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    ctx.me.require_member(project["id"])
    return await _dict(ctx, await _descriptor_of(ctx, project, descriptor_id))


async def add_descriptor(ctx: Ctx, project_id: str, values: dict[str, Any]) -> dict[str, Any]:
    """``values``: name, entity_type, data_type, choices, for_client, departments,
    task_type_id (only and always for ``Task`` descriptors)."""
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    departments = await _department_ids(ctx, values["departments"])
    await _check_departments_access(ctx, project["id"], departments)
    entity_type, task_type_id = values["entity_type"], values["task_type_id"]
    if entity_type not in ENTITY_TYPES:
        raise WrongParameter(
            "Wrong entity type. Please select Asset, Shot, Sequence, Episode, Edit, Project, "
            "or Task."
        )
    if entity_type == "Task":
        if task_type_id is None:
            raise WrongParameter("Task metadata descriptors require a task_type_id.")
        if not is_valid_id(task_type_id) or not await rows.fetch_one(
            ctx.conn, TaskType, task_type_id.lower()
        ):
            raise WrongParameter("Task type not found.")
        task_type_id = task_type_id.lower()
    elif task_type_id is not None:
        raise WrongParameter("task_type_id only applies to Task metadata descriptors.")
    _check_data_type(values["data_type"])
    field_name = slugify_field_name(values["name"])
    taken = await rows.first_where(
        ctx.conn, MetadataDescriptor, MetadataDescriptor.project_id == project["id"],
        MetadataDescriptor.entity_type == entity_type, same_task_type(task_type_id),
        or_(MetadataDescriptor.name == values["name"], MetadataDescriptor.field_name == field_name),
    )  # fmt: skip
    if taken is not None:
        raise WrongParameter("Metadata descriptor already exists.")
    snapshot = {**values, "task_type_id": task_type_id, "field_name": field_name}
    descriptor = await create_descriptor(ctx, project["id"], {**snapshot, "position": None})
    assert descriptor is not None
    await _emit(ctx, "new", descriptor)
    return await _dict(ctx, descriptor)


async def update_descriptor(
    ctx: Ctx, project_id: str, descriptor_id: str, changes: dict[str, Any]
) -> dict[str, Any]:
    """Apply the given keys (name, for_client, data_type, choices, departments); a new name
    gives a new ``field_name`` and moves the stored values to it."""
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    descriptor = await _descriptor_of(ctx, project, descriptor_id)
    current = await rows.grouped_links(
        ctx.conn, DEPARTMENT_LINKS, "metadata_descriptor_id", "department_id", [descriptor["id"]]
    )
    departments = None
    if "departments" in changes:
        departments = await _department_ids(ctx, changes["departments"] or [])
    await _check_departments_access(
        ctx, project["id"], current[descriptor["id"]] + (departments or [])
    )
    values: dict[str, Any] = {}
    if changes.get("name") is not None:
        if not changes["name"]:
            raise WrongParameter("Name cannot be empty.")
        values["name"] = changes["name"]
        values["field_name"] = slugify_field_name(changes["name"])
    if "data_type" in changes:
        _check_data_type(changes["data_type"])
        values["data_type"] = changes["data_type"]
    if "for_client" in changes:
        values["for_client"] = bool(changes["for_client"])
    if "choices" in changes:
        values["choices"] = changes["choices"] or []
    if values.get("field_name", descriptor["field_name"]) != descriptor["field_name"]:
        await _rewrite_values(ctx, descriptor, values["field_name"])
    if values:
        descriptor = await rows.update_row(ctx.conn, MetadataDescriptor, descriptor["id"], values)
    if departments is not None:
        await rows.replace_links(
            ctx.conn, DEPARTMENT_LINKS, "metadata_descriptor_id", "department_id",
            descriptor["id"], departments,
        )  # fmt: skip
    await _emit(ctx, "update", descriptor)
    return await _dict(ctx, descriptor)


async def remove_descriptor(ctx: Ctx, project_id: str, descriptor_id: str) -> None:
    """Delete the descriptor and the values stored under its field name."""
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    descriptor = await _descriptor_of(ctx, project, descriptor_id)
    current = await rows.grouped_links(
        ctx.conn, DEPARTMENT_LINKS, "metadata_descriptor_id", "department_id", [descriptor["id"]]
    )
    await _check_departments_access(ctx, project["id"], current[descriptor["id"]])
    await _rewrite_values(ctx, descriptor, None)
    await rows.delete_where(
        ctx.conn, DEPARTMENT_LINKS, DEPARTMENT_LINKS.c.metadata_descriptor_id == descriptor["id"]
    )
    await rows.delete_row(ctx.conn, MetadataDescriptor, descriptor["id"])
    await _emit(ctx, "delete", descriptor)


async def reorder_descriptors(
    ctx: Ctx, project_id: str, entity_type: str, descriptor_ids: list[str]
) -> list[dict[str, Any]]:
    """Positions 1, 2... in the order of ``descriptor_ids`` (all of that project and entity
    type); the others follow by name. Answers that entity type's descriptors in their order."""
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    ctx.me.require_manager(project["id"])
    if entity_type not in ENTITY_TYPES:
        raise WrongParameter(
            "Wrong entity type. Please select Asset, Shot, Sequence, Episode, Edit, Project, "
            "or Task."
        )
    of_type = (
        MetadataDescriptor.project_id == project["id"],
        MetadataDescriptor.entity_type == entity_type,
    )
    found = {
        row["id"]: row for row in await rows.fetch_where(ctx.conn, MetadataDescriptor, *of_type)
    }
    for descriptor_id in descriptor_ids:
        if descriptor_id not in found:
            raise WrongParameter(
                f"Descriptor {descriptor_id} not found for project {project['id']} and entity "
                f"type {entity_type}"
            )
    positions = {descriptor_id: index for index, descriptor_id in enumerate(descriptor_ids, 1)}
    others = sorted(
        (d for d in found.values() if d["id"] not in positions), key=lambda d: d["name"]
    )
    positions |= {d["id"]: index for index, d in enumerate(others, len(descriptor_ids) + 1)}
    for descriptor_id, position in positions.items():
        await rows.update_row(ctx.conn, MetadataDescriptor, descriptor_id, {"position": position})
    ordered = await rows.fetch_where(
        ctx.conn, MetadataDescriptor, *of_type,
        order_by=[MetadataDescriptor.position, MetadataDescriptor.name],
    )  # fmt: skip
    return await serialize(ctx, spec_for_table("metadata_descriptor"), ordered, relations=True)


# ==== helpers ================================================================================
async def _descriptor_of(ctx: Ctx, project: Row, descriptor_id: str) -> Row:
    if not is_valid_id(descriptor_id):
        raise NotFound()
    descriptor = await rows.fetch_one(ctx.conn, MetadataDescriptor, descriptor_id.lower())
    if descriptor is None or descriptor["project_id"] != project["id"]:
        raise NotFound()
    return descriptor


async def _dict(ctx: Ctx, descriptor: Row) -> dict[str, Any]:
    spec = spec_for_table("metadata_descriptor")
    return (await serialize(ctx, spec, [descriptor], relations=True))[0]


async def _emit(ctx: Ctx, action: str, descriptor: Row) -> None:
    await events.emit(
        ctx, f"metadata-descriptor:{action}", {"metadata_descriptor_id": descriptor["id"]},
        descriptor["project_id"],
    )  # fmt: skip


def _check_data_type(data_type: str) -> None:
    if data_type not in METADATA_DATA_TYPES:
        raise WrongParameter("Invalid data_type")


async def _department_ids(ctx: Ctx, values: list[Any]) -> list[str]:
    """The known departments among ``values`` (unknown ids are dropped; a malformed one is a
    404, as Zou's department look-up)."""
    wanted = [value for value in values if value is not None]
    if not all(isinstance(value, str) and is_valid_id(value) for value in wanted):
        raise NotFound()
    known = await rows.existing_ids(ctx.conn, Department, [value.lower() for value in wanted])
    return [value.lower() for value in dict.fromkeys(wanted) if value.lower() in known]


async def _check_departments_access(ctx: Ctx, project_id: str, departments: list[str]) -> None:
    """Managers of the production; its supervisors for descriptors of departments covering all
    of theirs (or when they have none), as Zou's ``check_all_departments_access``."""
    me = ctx.me
    if me.is_manager_of(project_id):
        return
    supervisor = me.is_member(project_id) and me.role_in(project_id) == "supervisor"
    covered = not me.department_ids or me.department_ids <= set(departments)
    if not (supervisor and departments and covered):
        raise PermissionDenied()


async def _rewrite_values(ctx: Ctx, descriptor: Row, new_key: str | None) -> None:
    """Move (or, with None, drop) the descriptor's key in the data of every row holding it,
    in one read and one batched write."""
    old_key = descriptor["field_name"]
    project_id = descriptor["project_id"]
    if descriptor["entity_type"] == "Project":
        table, conditions = Project.__table__, [Project.id == project_id]
    elif descriptor["entity_type"] == "Task":
        table = Task.__table__
        conditions = [
            Task.project_id == project_id,
            Task.task_type_id == descriptor["task_type_id"],
        ]
    else:
        table, conditions = Entity.__table__, [Entity.project_id == project_id]
        if new_key is not None:  # a rename touches the descriptor's kind, a deletion all
            kinds = await type_names(ctx)
            wanted = descriptor["entity_type"]
            type_ids = [
                type_id
                for type_id, name in kinds.items()
                if (kind_of(name) == "Asset" and wanted == "Asset") or name == wanted
            ]
            if wanted in ("Asset", "Shot", "Edit"):
                conditions.append(Entity.entity_type_id.in_(type_ids))
    changed = []
    for row in await rows.fetch_where(ctx.conn, table, *conditions, table.c.data.is_not(None)):
        data = row["data"]
        if not isinstance(data, dict) or old_key not in data:
            continue
        data = dict(data)
        value = data.pop(old_key)
        if new_key is not None and value is not None:
            data[new_key] = value
        changed.append({"row_id": row["id"], "new_data": data})
    if changed:
        await ctx.conn.execute(
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(data=bindparam("new_data")),
            changed,
        )
