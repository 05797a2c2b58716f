"""What an admin (or a lead) does to a person: assign tasks, set a password, reset their
two-factor authentication, invite them, move them between departments (zou-behaviour.md 2.7,
2.10.5; Zou's persons and tasks blueprints)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, update

from .. import events, rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import BadRequest, NotFound, PermissionDenied, WrongParameter
from ..models import (
    Department,
    DepartmentLink,
    Notification,
    Person,
    Project,
    Task,
    TaskPersonLink,
    TaskType,
)  # fmt: skip
from ..models.base import new_id, utc_now
from . import mail, two_factor
from .crud import serialize
from .passwords import create_reset_token, new_password_problem, reset_url
from .persons import hash_password, person_dict, person_or_404
from .spec import Row, spec_for_table
from .tasks import add_to_team

NO_DEPARTMENT = "Department ID matches no department"
INVITATION_LIFETIME_SECONDS = 7 * 24 * 3600


async def human_person(ctx: Ctx, person_id: str) -> Row:
    """The person (404 when unknown); bots are refused (403), as Zou's check_person_is_not_bot,
    which runs before the admin check."""
    person = await person_or_404(ctx, person_id)
    if person["is_bot"]:
        raise PermissionDenied()
    return person


# ==== assignation ============================================================================
async def assign_tasks(ctx: Ctx, person_id: str, task_ids: list[str]) -> Any:
    """PUT /actions/persons/{id}/assign: assign the tasks the caller may assign in the person's
    name; others (unknown, not allowed) are skipped. The person joins the team of the first
    task's project, as in Zou."""
    ids = list(dict.fromkeys(task_id.lower() for task_id in task_ids if is_valid_id(task_id)))
    tasks = await rows.fetch_where(ctx.conn, Task, Task.id.in_(ids)) if ids else []
    if not tasks:
        return []
    try:
        person = await person_or_404(ctx, person_id)
    except NotFound:
        return {"error": "Assignee doesn't exist in database."}, 400
    if person["preview_project_id"] is not None:
        raise WrongParameter("A preview account can't be assigned")
    by_id = {task["id"]: task for task in tasks}
    allowed = [by_id[task_id] for task_id in ids if task_id in by_id]
    allowed = await _assignable(ctx, person, allowed)
    if not allowed:
        return []
    allowed_ids = [task["id"] for task in allowed]
    assigned = await rows.grouped_links(
        ctx.conn, TaskPersonLink.__table__, "task_id", "person_id", allowed_ids
    )
    new_links = [
        {"task_id": task_id, "person_id": person["id"]}
        for task_id in allowed_ids
        if person["id"] not in assigned[task_id]
    ]
    if new_links:
        await ctx.conn.execute(insert(TaskPersonLink.__table__), new_links)
    await ctx.conn.execute(
        update(Task)
        .where(Task.id.in_(allowed_ids))
        .values(assigner_id=ctx.me.id, updated_at=utc_now())
    )
    fresh = await rows.fetch_where(ctx.conn, Task, Task.id.in_(allowed_ids))
    order = {task_id: index for index, task_id in enumerate(allowed_ids)}
    fresh.sort(key=lambda task: order[task["id"]])
    items = await serialize(ctx, spec_for_table("task"), fresh, relations=True)
    await events.emit_many(
        ctx, "task:assign",
        [({"task_id": task["id"], "person_id": person["id"]}, task["project_id"]) for task in fresh],
    )  # fmt: skip
    await events.emit_many(
        ctx, "task:update", [({"task_id": task["id"]}, task["project_id"]) for task in fresh]
    )
    await _notify_assignee(ctx, fresh, person["id"])
    await add_to_team(ctx, fresh[0]["project_id"], person["id"])
    return items


async def _notify_assignee(ctx: Ctx, tasks: list[Row], person_id: str) -> None:
    """One ``assignation`` notification per task (none when assigning oneself), in one
    statement; ``notification:new`` is published, not stored, as for other notifications."""
    if ctx.me.id == person_id:
        return
    now = utc_now()
    values = [
        {"id": new_id(), "created_at": now, "updated_at": now, "person_id": person_id,
         "author_id": ctx.me.id, "task_id": task["id"], "type": "assignation", "read": False,
         "change": False}
        for task in tasks
    ]  # fmt: skip
    await ctx.conn.execute(insert(Notification.__table__), values)
    await events.emit_many(
        ctx, "notification:new",
        [({"notification_id": value["id"], "person_id": person_id}, task["project_id"])
         for value, task in zip(values, tasks, strict=True)],
        persist=False,
    )  # fmt: skip


async def _assignable(ctx: Ctx, person: Row, tasks: list[Row]) -> list[Row]:
    """The tasks the caller may assign to the person (Zou's check_task_department_access, with
    the global roles it uses), bots only on projects open to bot collaboration."""
    me = ctx.me
    project_ids = {task["project_id"] for task in tasks}
    if person["is_bot"]:
        open_to_bots = {
            project["id"]
            for project in await rows.fetch_where(ctx.conn, Project, Project.id.in_(project_ids))
            if project["is_bot_collaboration_enabled"]
        }
        tasks = [task for task in tasks if task["project_id"] in open_to_bots]
    if me.is_admin:
        return tasks
    task_types = {
        task_type["id"]: task_type
        for task_type in await rows.fetch_where(
            ctx.conn, TaskType, TaskType.id.in_({task["task_type_id"] for task in tasks})
        )
    }
    person_departments = set(
        (
            await rows.grouped_links(
                ctx.conn, DepartmentLink.__table__, "person_id", "department_id", [person["id"]]
            )
        )[person["id"]]
    )
    mine = set(me.department_ids)

    def may_assign(task: Row) -> bool:
        if task["project_id"] not in me.memberships:
            return False
        department = task_types[task["task_type_id"]]["department_id"]
        if me.role == "manager":
            return True
        if me.role == "supervisor" and (
            not mine or (department in mine and bool(person_departments & mine))
        ):
            return True
        return department in mine and person["id"] == me.id

    return [task for task in tasks if may_assign(task)]


# ==== departments ============================================================================
async def add_to_department(ctx: Ctx, person_id: str, department_id: str) -> dict[str, Any]:
    ctx.me.require_admin()
    department = await rows.fetch_one(ctx.conn, Department, department_id)
    if department is None:
        raise WrongParameter(NO_DEPARTMENT)
    person = await person_or_404(ctx, person_id)
    linked = await rows.first_where(
        ctx.conn, DepartmentLink, DepartmentLink.person_id == person["id"],
        DepartmentLink.department_id == department["id"],
    )  # fmt: skip
    if linked is None:
        await ctx.conn.execute(
            insert(DepartmentLink.__table__).values(
                person_id=person["id"], department_id=department["id"]
            )
        )
    await events.emit(ctx, "person:update", {"person_id": person["id"]})
    return await person_dict(ctx, person)


async def remove_from_department(ctx: Ctx, person_id: str, department_id: str) -> None:
    ctx.me.require_admin()
    department = (
        await rows.fetch_one(ctx.conn, Department, department_id.lower())
        if is_valid_id(department_id)
        else None
    )
    if department is None:
        raise WrongParameter(NO_DEPARTMENT)
    person = await person_or_404(ctx, person_id)
    await rows.delete_where(
        ctx.conn, DepartmentLink, DepartmentLink.person_id == person["id"],
        DepartmentLink.department_id == department["id"],
    )  # fmt: skip
    await events.emit(ctx, "person:update", {"person_id": person["id"]})


# ==== password, two-factor authentication, invitation ========================================
async def change_password_for(ctx: Ctx, person: Row, password: str, confirmation: str) -> None:
    """POST /actions/persons/{id}/change-password: an admin sets someone's password (not the
    one of a protected account or of another admin who has one). Sessions are kept, as Zou."""
    if person["id"] != ctx.me.id:
        if person["email"] in ctx.settings.protected_account_emails:
            raise BadRequest("This user is in protected accounts.")
        if person["role"] == "admin" and person["password"] is not None:
            raise BadRequest("An admin can't change another admin's password.")
    problem = new_password_problem(ctx, password, confirmation)
    if problem:
        raise BadRequest(problem)
    hashed = hash_password(password, ctx.settings.bcrypt_rounds)
    await rows.update_row(ctx.conn, Person, person["id"], {"password": hashed})
    await mail.mail_person(
        ctx, person, "password changed", "Password Changed",
        [f"An administrator has changed your password from this IP: {ctx.client_ip or ''}."],
        notice=True,
    )  # fmt: skip


async def disable_two_factor_for(ctx: Ctx, person: Row) -> None:
    """DELETE /actions/persons/{id}/disable-two-factor-authentication: every method off and the
    recovery codes dropped; not for another admin."""
    if person["role"] == "admin" and person["id"] != ctx.me.id:
        raise BadRequest("An admin can't disable 2FA for other admins.")
    if not any(person[f"{method}_enabled"] for method in two_factor.METHODS):
        raise BadRequest("Two factor authentication not enabled for this user.")
    await rows.update_row(
        ctx.conn, Person, person["id"],
        {
            "totp_enabled": False, "totp_secret": None, "email_otp_enabled": False,
            "email_otp_secret": None, "fido_enabled": False, "fido_credentials": None,
            "otp_recovery_codes": None, "preferred_two_factor_authentication": None,
        },
    )  # fmt: skip
    await mail.mail_person(
        ctx, person, "two factor authentication disabled", "Two Factor Authentication Disabled",
        [f"An administrator has disabled your two factor authentication from this IP: "
         f"{ctx.client_ip or ''}."],
        notice=True,
    )  # fmt: skip


async def invite(ctx: Ctx, person: Row) -> dict[str, Any]:
    """GET /actions/persons/{id}/invite: mail a link to choose a password (valid 7 days). Without
    a mail server nothing is sent and the answer is the same, as on Zou."""
    token = await create_reset_token(ctx, person, INVITATION_LIFETIME_SECONDS)
    await mail.mail_person(
        ctx, person, "invitation", "Invitation",
        ["You are invited to join the team on Kitsu. Follow the link below to choose your "
         f"password; your login is {person['email']}."],
        link=f"{reset_url(ctx, person['email'], token)}&type=new",
        link_label="Choose your password",
        notice=True,
    )  # fmt: skip
    return {"success": True, "message": "Email sent"}
