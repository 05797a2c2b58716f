"""What is done to a person, and a person's task lists.

PUT    /actions/persons/{person_id}/assign            assign tasks (``task_ids``) to the person
POST   /actions/persons/{person_id}/change-password   an admin sets the password
POST   /actions/persons/{person_id}/departments/add   the person joins a department (admin)
DELETE /actions/persons/{person_id}/departments/{department_id}   leaves it (admin)
DELETE /actions/persons/{person_id}/disable-two-factor-authentication   every 2FA method off
GET    /actions/persons/{person_id}/invite            mail an invitation (admin)
GET    /data/persons/{person_id}/tasks                the person's tasks not done
GET    /data/persons/{person_id}/done-tasks           the person's done tasks, latest first
GET    /data/persons/{person_id}/related-tasks/{task_type_id}
                                                      tasks of a type on the person's entities
"""

from __future__ import annotations

from uuid import UUID

from litestar import Request
from pydantic import Field, model_validator

from ..bodies import Body
from ..context import Ctx
from ..services import person_actions, person_tasks
from ..services.passwords import MISMATCH
from .endpoint import endpoint, parse


class AssignBody(Body):
    task_ids: list[str] = Field(min_length=1)


class PasswordBody(Body):
    password: str = Field(min_length=1)
    password_2: str = Field(min_length=1)

    @model_validator(mode="after")
    def _confirmed(self) -> PasswordBody:
        if self.password != self.password_2:
            raise ValueError(MISMATCH)
        return self


class DepartmentBody(Body):
    department_id: UUID


@endpoint("PUT", "/actions/persons/{person_id}/assign")
async def put_assign(ctx: Ctx, request: Request, person_id: str) -> object:
    body = await parse(request, AssignBody)
    return await person_actions.assign_tasks(ctx, person_id, body.task_ids)


@endpoint("POST", "/actions/persons/{person_id}/change-password")
async def post_change_password(ctx: Ctx, request: Request, person_id: str) -> object:
    person = await person_actions.human_person(ctx, person_id)
    ctx.me.require_admin()
    body = await parse(request, PasswordBody)
    await person_actions.change_password_for(ctx, person, body.password, body.password_2)
    return {"success": True}


@endpoint("POST", "/actions/persons/{person_id}/departments/add")
async def post_department(ctx: Ctx, request: Request, person_id: str) -> object:
    ctx.me.require_admin()
    body = await parse(request, DepartmentBody)
    return await person_actions.add_to_department(ctx, person_id, str(body.department_id)), 201


@endpoint("DELETE", "/actions/persons/{person_id}/departments/{department_id}")
async def delete_department(ctx: Ctx, person_id: str, department_id: str) -> object:
    await person_actions.remove_from_department(ctx, person_id, department_id)
    return None, 204


@endpoint("DELETE", "/actions/persons/{person_id}/disable-two-factor-authentication")
async def delete_two_factor(ctx: Ctx, person_id: str) -> object:
    person = await person_actions.human_person(ctx, person_id)
    ctx.me.require_admin()
    await person_actions.disable_two_factor_for(ctx, person)
    return {"success": True}


@endpoint("GET", "/actions/persons/{person_id}/invite", write=True)
async def get_invite(ctx: Ctx, person_id: str) -> object:
    person = await person_actions.human_person(ctx, person_id)
    ctx.me.require_admin()
    return await person_actions.invite(ctx, person)


@endpoint("GET", "/data/persons/{person_id}/tasks")
async def get_person_tasks(ctx: Ctx, person_id: str) -> object:
    return await person_tasks.person_tasks(ctx, person_id, done=False)


@endpoint("GET", "/data/persons/{person_id}/done-tasks")
async def get_person_done_tasks(ctx: Ctx, person_id: str) -> object:
    return await person_tasks.person_tasks(ctx, person_id, done=True)


@endpoint("GET", "/data/persons/{person_id}/related-tasks/{task_type_id}")
async def get_person_related_tasks(ctx: Ctx, person_id: str, task_type_id: str) -> object:
    return await person_tasks.related_tasks(ctx, person_id, task_type_id)


ROUTES = [
    put_assign,
    post_change_password,
    post_department,
    delete_department,
    delete_two_factor,
    get_invite,
    get_person_tasks,
    get_person_done_tasks,
    get_person_related_tasks,
]
