"""Task routes: the daily work on tasks (open tasks, comments and replies, assignment, time
spents).

GET    /data/tasks/open-tasks                            open tasks, filtered and paged, with stats
GET    /data/tasks/open-tasks/stats                      amounts per open project, type and status
GET    /data/tasks/{task_id}/comments                    the task's comments, latest first
GET    /data/tasks/{task_id}/comments/{comment_id}       one comment of the task
DELETE /data/tasks/{task_id}/comments/{comment_id}       delete a comment (author or manager)
GET    /data/tasks/{task_id}/full                        the task with its entity, project, people
POST   /data/tasks/{task_id}/comments/{comment_id}/ack   toggle the caller's acknowledgement
POST   /data/tasks/{task_id}/comments/{comment_id}/reply             reply to a comment
DELETE /data/tasks/{task_id}/comments/{comment_id}/reply/{reply_id}  delete a reply
POST   /actions/tasks/{task_id}/comments/{comment_id}/move  move the comment to another task of
                                                         the same entity (managers)
PUT    /actions/tasks/clear-assignation                  unassign people from tasks
PUT    /actions/tasks/{task_id}/assign                   assign a person to the task
GET    /actions/tasks/{task_id}/time-spents              time spent on the task, per person
GET    /actions/tasks/{task_id}/time-spents/{date}       the same for one day
POST   /actions/tasks/{task_id}/time-spents/{date}/persons/{person_id}      set a day's time
POST   /actions/tasks/{task_id}/time-spents/{date}/persons/{person_id}/add  add to a day's time
DELETE /actions/tasks/{task_id}/time-spents/{date}/persons/{person_id}      remove a day's time
PUT    /actions/tasks/{task_id}/to-review                the task to "To review", with the path
                                                         of its preview file (as the API
                                                         reference; Zou 1.0.97 dropped it)
"""

from __future__ import annotations

from litestar import Request
from pydantic import Field, StrictStr

from ..bodies import Body
from ..context import Ctx
from ..services import assignments, open_tasks, task_comments, task_review, tasks, time_spents
from .endpoint import endpoint, parse


class ReplyBody(Body):
    text: StrictStr | None = ""


class MoveCommentBody(Body):
    target_task_id: StrictStr


class AssignBody(Body):
    person_id: StrictStr = Field(min_length=1)


class UnassignBody(Body):
    task_ids: list[StrictStr] = Field(min_length=1)
    person_id: StrictStr | None = None


class TimeSpentBody(Body):
    duration: float = Field(gt=0)


@endpoint("GET", "/data/tasks/open-tasks")
async def get_open_tasks(ctx: Ctx) -> object:
    return await open_tasks.open_tasks(ctx, ctx.params)


@endpoint("GET", "/data/tasks/open-tasks/stats")
async def get_open_tasks_stats(ctx: Ctx) -> object:
    return await open_tasks.open_tasks_stats(ctx)


@endpoint("GET", "/data/tasks/{task_id}/comments")
async def get_task_comments(ctx: Ctx, task_id: str) -> object:
    return await task_comments.task_comments(ctx, task_id)


@endpoint("GET", "/data/tasks/{task_id}/comments/{comment_id}")
async def get_task_comment(ctx: Ctx, task_id: str, comment_id: str) -> object:
    return await task_comments.task_comment(ctx, task_id, comment_id)


@endpoint("DELETE", "/data/tasks/{task_id}/comments/{comment_id}")
async def delete_task_comment(ctx: Ctx, task_id: str, comment_id: str) -> object:
    await task_comments.delete_task_comment(ctx, task_id, comment_id)
    return None, 204


@endpoint("GET", "/data/tasks/{task_id}/full")
async def get_full_task(ctx: Ctx, task_id: str) -> object:
    return await tasks.get_full_task(ctx, task_id)


@endpoint("POST", "/data/tasks/{task_id}/comments/{comment_id}/ack")
async def post_ack_comment(ctx: Ctx, task_id: str, comment_id: str) -> object:
    return await task_comments.acknowledge(ctx, task_id, comment_id)


@endpoint("POST", "/data/tasks/{task_id}/comments/{comment_id}/reply")
async def post_reply(ctx: Ctx, request: Request, task_id: str, comment_id: str) -> object:
    body = await parse(request, ReplyBody)
    return await task_comments.reply(ctx, task_id, comment_id, body.text or "")


@endpoint("DELETE", "/data/tasks/{task_id}/comments/{comment_id}/reply/{reply_id}")
async def delete_reply(ctx: Ctx, task_id: str, comment_id: str, reply_id: str) -> object:
    return await task_comments.delete_reply(ctx, task_id, comment_id, reply_id)


@endpoint("POST", "/actions/tasks/{task_id}/comments/{comment_id}/move")
async def post_move_comment(ctx: Ctx, request: Request, task_id: str, comment_id: str) -> object:
    task_comments.require_manager_role(ctx)
    body = await parse(request, MoveCommentBody)
    return await task_comments.move_comment(ctx, task_id, comment_id, body.target_task_id)


@endpoint("PUT", "/actions/tasks/clear-assignation")
async def put_clear_assignation(ctx: Ctx, request: Request) -> object:
    body = await parse(request, UnassignBody)
    return await assignments.clear_assignations(ctx, body.task_ids, body.person_id)


@endpoint("PUT", "/actions/tasks/{task_id}/assign")
async def put_assign(ctx: Ctx, request: Request, task_id: str) -> object:
    body = await parse(request, AssignBody)
    return await assignments.assign(ctx, task_id, body.person_id)


@endpoint("GET", "/actions/tasks/{task_id}/time-spents")
async def get_time_spents(ctx: Ctx, task_id: str) -> object:
    return await time_spents.task_time_spents(ctx, task_id)


@endpoint("GET", "/actions/tasks/{task_id}/time-spents/{date}")
async def get_time_spents_for_date(ctx: Ctx, task_id: str, date: str) -> object:
    return await time_spents.task_time_spents(ctx, task_id, date)


async def _set(ctx: Ctx, request: Request, task_id: str, date: str, person_id: str, add: bool):
    body = await parse(request, TimeSpentBody)
    return await time_spents.set_time_spent(ctx, task_id, date, person_id, body.duration, add), 201


@endpoint("POST", "/actions/tasks/{task_id}/time-spents/{date}/persons/{person_id}")
async def post_time_spent(
    ctx: Ctx, request: Request, task_id: str, date: str, person_id: str
) -> object:
    return await _set(ctx, request, task_id, date, person_id, add=False)


@endpoint("POST", "/actions/tasks/{task_id}/time-spents/{date}/persons/{person_id}/add")
async def post_add_time_spent(
    ctx: Ctx, request: Request, task_id: str, date: str, person_id: str
) -> object:
    return await _set(ctx, request, task_id, date, person_id, add=True)


@endpoint("DELETE", "/actions/tasks/{task_id}/time-spents/{date}/persons/{person_id}")
async def delete_time_spent(ctx: Ctx, task_id: str, date: str, person_id: str) -> object:
    return await time_spents.remove_time_spent(ctx, task_id, date, person_id), 201


@endpoint("PUT", "/actions/tasks/{task_id}/to-review")
async def put_task_to_review(ctx: Ctx, request: Request, task_id: str) -> object:
    body = await parse(request, task_review.ToReviewBody)
    return await task_review.task_to_review(ctx, task_id, body)


ROUTES = [
    put_task_to_review,
    get_open_tasks,
    get_open_tasks_stats,
    get_task_comments,
    get_task_comment,
    delete_task_comment,
    get_full_task,
    post_ack_comment,
    post_reply,
    post_move_comment,
    delete_reply,
    put_clear_assignation,
    put_assign,
    get_time_spents,
    get_time_spents_for_date,
    post_time_spent,
    post_add_time_spent,
    delete_time_spent,
]
