"""Permission building blocks of the CRUD routes (zou-data-model.md sections 6 and 7).

Checks are ``async (ctx, ...) -> None`` and raise ``PermissionDenied`` (403); scopes are
``async (ctx, table) -> SQL condition | None`` narrowing a list to what the caller may see.
The registry (``registry.py``) assembles them into one ``Policy`` per model.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Table, false, select

from . import rows
from .context import Ctx
from .errors import PermissionDenied
from .models import Entity, Task, TaskPersonLink, TaskType


# ==== list checks ============================================================================
async def not_vendor(ctx: Ctx, *_: Any) -> None:
    ctx.me.require_not_vendor()


async def manager_or_admin(ctx: Ctx, *_: Any) -> None:
    """Global admin, or a production manager (global or in any of their projects)."""
    me = ctx.me
    if not (me.has_manager_role() or "manager" in me.memberships.values()):
        raise PermissionDenied()


# ==== scopes =================================================================================
def _ids_condition(column: Any, ids: frozenset[str]) -> ColumnElement[bool]:
    return column.in_(sorted(ids)) if ids else false()


async def related_projects(ctx: Ctx, table: Table) -> ColumnElement[bool] | None:
    """Non-admins see rows of open projects whose team they are in."""
    if ctx.me.is_admin:
        return None
    return _ids_condition(table.c.project_id, ctx.me.open_project_ids)


async def related_projects_by_id(ctx: Ctx, table: Table) -> ColumnElement[bool] | None:
    """The project list itself: non-admins see the open projects whose team they are in."""
    if ctx.me.is_admin:
        return None
    return _ids_condition(table.c.id, ctx.me.open_project_ids)


def assigned_task_ids(ctx: Ctx) -> Any:
    return select(TaskPersonLink.task_id).where(TaskPersonLink.person_id == ctx.me.id)


def assigned_entity_ids(ctx: Ctx) -> Any:
    return (
        select(Task.entity_id)
        .join(TaskPersonLink, TaskPersonLink.task_id == Task.id)
        .where(TaskPersonLink.person_id == ctx.me.id)
    )


async def tasks_scope(ctx: Ctx, table: Table) -> ColumnElement[bool] | None:
    me = ctx.me
    if me.is_admin:
        return None
    if me.role == "vendor":
        return table.c.id.in_(assigned_task_ids(ctx))
    return _ids_condition(table.c.project_id, me.open_project_ids)


async def entities_scope(ctx: Ctx, table: Table) -> ColumnElement[bool] | None:
    me = ctx.me
    if me.is_admin:
        return None
    condition = _ids_condition(table.c.project_id, me.open_project_ids)
    if me.role == "vendor":
        condition = condition & table.c.id.in_(assigned_entity_ids(ctx))
    return condition


async def preview_files_scope(ctx: Ctx, table: Table) -> ColumnElement[bool] | None:
    me = ctx.me
    if me.is_admin:
        return None
    if me.role == "vendor":
        visible = select(Task.id).where(Task.id.in_(assigned_task_ids(ctx)))
        visible = visible.where(_ids_condition(Task.project_id, me.open_project_ids))
    else:
        visible = select(Task.id).where(_ids_condition(Task.project_id, me.open_project_ids))
    return table.c.task_id.in_(visible)


async def output_files_scope(ctx: Ctx, table: Table) -> ColumnElement[bool] | None:
    if ctx.me.is_admin:
        return None
    entities = select(Entity.id).where(_ids_condition(Entity.project_id, ctx.me.open_project_ids))
    return table.c.entity_id.in_(entities)


async def working_files_scope(ctx: Ctx, table: Table) -> ColumnElement[bool] | None:
    if ctx.me.is_admin:
        return None
    entities = select(Entity.id).where(_ids_condition(Entity.project_id, ctx.me.member_project_ids))
    return table.c.entity_id.in_(entities)


async def playlists_scope(ctx: Ctx, table: Table) -> ColumnElement[bool] | None:
    me = ctx.me
    if me.is_admin:
        return None
    condition = _ids_condition(table.c.project_id, me.member_project_ids)
    if me.role == "client":
        condition = condition & table.c.for_client.is_(True)
    return condition


# ==== row checks =============================================================================
async def project_member_not_vendor(ctx: Ctx, row: dict[str, Any], *_: Any) -> None:
    ctx.me.require_member(row.get("project_id"))
    if ctx.me.role_in(row.get("project_id")) == "vendor":
        raise PermissionDenied()


async def project_manager(ctx: Ctx, row: dict[str, Any], *_: Any) -> None:
    ctx.me.require_manager(row.get("project_id"))


async def body_project_manager(ctx: Ctx, data: dict[str, Any]) -> None:
    ctx.me.require_manager(_text(data.get("project_id")))


async def body_project_supervisor(ctx: Ctx, data: dict[str, Any]) -> None:
    ctx.me.require_supervisor(_text(data.get("project_id")))


async def own_person_or_admin(ctx: Ctx, row: dict[str, Any], *_: Any) -> None:
    if not (ctx.me.is_admin or row.get("person_id") == ctx.me.id):
        raise PermissionDenied()


async def body_own_person_or_admin(ctx: Ctx, data: dict[str, Any]) -> None:
    if not (ctx.me.is_admin or data.get("person_id") == ctx.me.id):
        raise PermissionDenied()


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


# ==== entity and task access =================================================================
async def has_entity_access(ctx: Ctx, entity_id: str | None) -> bool:
    """Non-vendors always; a vendor only when assigned to a task of the entity."""
    me = ctx.me
    if me.is_admin or entity_id is None:
        return me.is_admin or me.role != "vendor"
    entity = await rows.fetch_one(ctx.conn, Entity, entity_id)
    project_id = entity["project_id"] if entity else None
    if me.role_in(project_id) != "vendor":
        return True
    query = (
        select(Task.id)
        .join(TaskPersonLink, TaskPersonLink.task_id == Task.id)
        .where(Task.entity_id == entity_id, TaskPersonLink.person_id == me.id)
        .limit(1)
    )
    return (await ctx.conn.execute(query)).first() is not None


async def require_entity_access(ctx: Ctx, entity: dict[str, Any]) -> None:
    ctx.me.require_member(entity.get("project_id"))
    if not await has_entity_access(ctx, entity["id"]):
        raise PermissionDenied()


async def require_task_access(ctx: Ctx, task: dict[str, Any]) -> None:
    ctx.me.require_member(task.get("project_id"))
    if not await has_entity_access(ctx, task.get("entity_id")):
        raise PermissionDenied()


async def is_assigned(ctx: Ctx, task_id: str, person_id: str | None = None) -> bool:
    query = select(TaskPersonLink.task_id).where(
        TaskPersonLink.task_id == task_id, TaskPersonLink.person_id == (person_id or ctx.me.id)
    )
    return (await ctx.conn.execute(query.limit(1))).first() is not None


async def is_department_supervisor(ctx: Ctx, task: dict[str, Any]) -> bool:
    """A supervisor of the task's project with no departments or in its task type's."""
    me = ctx.me
    if me.role_in(task.get("project_id")) != "supervisor" or not me.is_member(
        task.get("project_id")
    ):
        return False
    if not me.department_ids:
        return True
    task_type = (
        await rows.fetch_one(ctx.conn, TaskType, task["task_type_id"])
        if task.get("task_type_id")
        else None
    )
    return task_type is not None and task_type["department_id"] in me.department_ids


async def has_task_action_access(ctx: Ctx, task: dict[str, Any]) -> bool:
    """May act on a task (comment, upload a preview): zou-data-model.md section 6."""
    me = ctx.me
    if me.is_admin:
        return True
    project_id = task.get("project_id")
    if not me.is_member(project_id):
        return False
    if me.role_in(project_id) in ("manager", "client"):
        return True
    if await is_assigned(ctx, task["id"]):
        return True
    if await is_department_supervisor(ctx, task):
        return True
    entity = (
        await rows.fetch_one(ctx.conn, Entity, task["entity_id"]) if task.get("entity_id") else None
    )
    return entity is not None and entity.get("created_by") == me.id


async def require_task_action_access(ctx: Ctx, task: dict[str, Any]) -> None:
    if not await has_task_action_access(ctx, task):
        raise PermissionDenied()


# ==== comments ===============================================================================
async def require_comment_access(ctx: Ctx, comment: dict[str, Any]) -> None:
    """Who may read one comment (section 6, "Comment access")."""
    me = ctx.me
    if me.is_admin:
        return
    task = await task_of_comment(ctx, comment)
    await require_task_access(ctx, task)
    role = me.role_in(task["project_id"])
    if role in ("supervisor", "manager"):
        return
    author_role = await _author_project_role(ctx, comment["person_id"], task["project_id"])
    if role == "client":
        from .models import Project

        project = await rows.fetch_one(ctx.conn, Project, task["project_id"])
        own = comment["person_id"] == me.id
        if project and project["is_clients_isolated"] and not (own or comment["for_client"]):
            raise PermissionDenied()
        if not (author_role == "client" or comment["for_client"] or own):
            raise PermissionDenied()
        return
    if author_role == "client":
        raise PermissionDenied()


async def _author_project_role(ctx: Ctx, person_id: str, project_id: str) -> str | None:
    from .models import Person, ProjectPersonLink

    link = await rows.first_where(
        ctx.conn,
        ProjectPersonLink,
        ProjectPersonLink.person_id == person_id,
        ProjectPersonLink.project_id == project_id,
    )
    if link is not None and link["role"]:
        return link["role"]
    person = await rows.fetch_one(ctx.conn, Person, person_id)
    return person["role"] if person else None


async def task_of_comment(ctx: Ctx, comment: dict[str, Any]) -> dict[str, Any]:
    """The task a comment is about; 403 when there is none (comments only live on tasks)."""
    task = await rows.fetch_one(ctx.conn, Task, comment["object_id"])
    if task is None:
        raise PermissionDenied()
    return task
