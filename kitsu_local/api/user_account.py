"""The caller's own account data: saved filters, desktop logins, time spents, days off,
notifications, subscriptions and chats (Zou's ``/data/user`` and ``/actions/user`` routes).

GET    /data/user/filters                          {list type: {project id|"all": [filters]}}
POST   /data/user/filters                          new filter (``name``, ``query``, ...)
PUT    /data/user/filters/{filter_id}              update one of the caller's filters
DELETE /data/user/filters/{filter_id}              remove it
GET    /data/user/filter-groups                    {list type: {project id|"all": [groups]}}
POST   /data/user/filter-groups                    new filter group (``name``, ``color``, ...)
GET    /data/user/filter-groups/{filter_group_id}  one of the caller's groups
PUT    /data/user/filter-groups/{filter_group_id}  update it (its filters follow its sharing)
DELETE /data/user/filter-groups/{filter_group_id}  remove it with its filters
GET    /data/user/desktop-login-logs               the caller's desktop logins, latest first
POST   /data/user/desktop-login-logs               record one (``date``, now by default)
GET    /data/user/time-spents                      the caller's time spents (``start_date``,
                                                   ``end_date``: a range, with project/type)
GET    /data/user/time-spents/{date}               the caller's time spents that day
GET    /data/user/tasks/{task_id}/time-spents/{date}  the caller's time spent on a task that day
GET    /data/user/day-offs/{date}                  the caller's day off covering that day, {}
GET    /data/user/notifications                    last 100 notifications (``after``,
                                                   ``before``, ``task_type_id``,
                                                   ``task_status_id``, ``type``, ``read``,
                                                   ``watching``)
GET    /data/user/notifications/{notification_id}  one of them
PUT    /data/user/notifications/{notification_id}  mark it read or unread (``read``)
POST   /actions/user/notifications/mark-all-as-read  every notification of the caller read
GET    /data/user/tasks/{task_id}/subscribed       true when the caller follows the task
POST   /actions/user/tasks/{task_id}/subscribe     follow a task (201, the subscription)
DELETE /actions/user/tasks/{task_id}/unsubscribe   stop following it
POST   /actions/user/tasks/subscribe               follow several tasks (``task_ids``)
POST   /actions/user/tasks/unsubscribe             stop following several tasks
GET    /data/user/sequences/{sequence_id}/task-types/{task_type_id}/subscribed
                                                   true when the caller follows the sequence
GET    /data/user/entities/{sequence_id}/task-types/{task_type_id}/subscribed  (same, old path)
POST   /actions/user/sequences/{sequence_id}/task-types/{task_type_id}/subscribe
                                                   follow a task type on a sequence (201)
DELETE /actions/user/sequences/{sequence_id}/task-types/{task_type_id}/unsubscribe
                                                   stop following it
GET    /data/user/projects/{project_id}/task-types/{task_type_id}/sequence-subscriptions
                                                   ids of the sequences followed for the type
GET    /data/user/chats                            the chats the caller joined (open projects)
POST   /actions/user/chats/{entity_id}/join        join an entity's chat
DELETE /actions/user/chats/{entity_id}/join        leave it
"""

from __future__ import annotations

from litestar import Request
from pydantic import Field

from ..bodies import Body
from ..context import Ctx
from ..errors import WrongParameter
from ..services import notifications, presence, search_filters, subscriptions, user_account
from .endpoint import endpoint, parse
from .persons import DesktopLoginBody


# ---- request bodies (Zou's pydantic schemas) -------------------------------------------------
class FilterBody(Body):
    name: str = Field(min_length=1)
    query: str = Field(min_length=1)
    list_type: str = "todo"
    project_id: str | None = None
    entity_type: str | None = None
    is_shared: bool | None = False
    search_filter_group_id: str | None = None
    department_id: str | None = None


class FilterUpdateBody(Body):
    name: str | None = None
    search_query: str | None = None
    search_filter_group_id: str | None = None
    is_shared: bool | None = None
    project_id: str | None = None
    department_id: str | None = None


class FilterGroupBody(Body):
    name: str = Field(min_length=1)
    color: str | None = Field(default="", max_length=8)  # the column's size (Zou: a 500)
    list_type: str = "todo"
    project_id: str | None = None
    is_shared: bool | None = False
    entity_type: str | None = None
    department_id: str | None = None


class FilterGroupUpdateBody(Body):
    name: str | None = None
    color: str | None = Field(default=None, max_length=8)
    is_shared: bool | None = None
    project_id: str | None = None
    department_id: str | None = None


class NotificationBody(Body):
    read: bool | None = None


class TaskIdsBody(Body):
    task_ids: list[str] = Field(min_length=1)


# ---- filters ---------------------------------------------------------------------------------
@endpoint("GET", "/data/user/filters", person_only=True)
async def get_filters(ctx: Ctx) -> object:
    return await search_filters.filters(ctx)


@endpoint("POST", "/data/user/filters", person_only=True)
async def post_filter(ctx: Ctx, request: Request) -> object:
    body = await parse(request, FilterBody)
    return await search_filters.create_filter(ctx, body.model_dump()), 201


@endpoint("PUT", "/data/user/filters/{filter_id}", person_only=True)
async def put_filter(ctx: Ctx, request: Request, filter_id: str) -> object:
    body = await parse(request, FilterUpdateBody)
    data = body.model_dump(exclude_none=True)
    if "search_filter_group_id" in body.model_fields_set:  # null takes it out of its group
        data["search_filter_group_id"] = body.search_filter_group_id
    return await search_filters.update_filter(ctx, filter_id, data)


@endpoint("DELETE", "/data/user/filters/{filter_id}", person_only=True)
async def delete_filter(ctx: Ctx, filter_id: str) -> object:
    await search_filters.remove_filter(ctx, filter_id)
    return None, 204


@endpoint("GET", "/data/user/filter-groups", person_only=True)
async def get_filter_groups(ctx: Ctx) -> object:
    return await search_filters.filter_groups(ctx)


@endpoint("POST", "/data/user/filter-groups", person_only=True)
async def post_filter_group(ctx: Ctx, request: Request) -> object:
    body = await parse(request, FilterGroupBody)
    return await search_filters.create_filter_group(ctx, body.model_dump()), 201


@endpoint("GET", "/data/user/filter-groups/{filter_group_id}", person_only=True)
async def get_filter_group(ctx: Ctx, filter_group_id: str) -> object:
    return await search_filters.get_filter_group(ctx, filter_group_id)


@endpoint("PUT", "/data/user/filter-groups/{filter_group_id}", person_only=True)
async def put_filter_group(ctx: Ctx, request: Request, filter_group_id: str) -> object:
    body = await parse(request, FilterGroupUpdateBody)
    data = body.model_dump(exclude_none=True)
    return await search_filters.update_filter_group(ctx, filter_group_id, data)


@endpoint("DELETE", "/data/user/filter-groups/{filter_group_id}", person_only=True)
async def delete_filter_group(ctx: Ctx, filter_group_id: str) -> object:
    await search_filters.remove_filter_group(ctx, filter_group_id)
    return None, 204


# ---- desktop logins, time spents, days off ---------------------------------------------------
@endpoint("GET", "/data/user/desktop-login-logs", person_only=True)
async def get_desktop_login_logs(ctx: Ctx) -> object:
    return await presence.desktop_login_logs(ctx, ctx.me.id)


@endpoint("POST", "/data/user/desktop-login-logs", person_only=True)
async def post_desktop_login_log(ctx: Ctx, request: Request) -> object:
    body = await parse(request, DesktopLoginBody)
    return await presence.add_desktop_login_log(ctx, ctx.me.id, body.date), 201


@endpoint("GET", "/data/user/time-spents", person_only=True)
async def get_time_spents(ctx: Ctx) -> object:
    params = ctx.params
    return await user_account.time_spents(ctx, params.get("start_date"), params.get("end_date"))


@endpoint("GET", "/data/user/time-spents/{date}", person_only=True)
async def get_day_time_spents(ctx: Ctx, date: str) -> object:
    return await user_account.day_time_spents(ctx, date)


@endpoint("GET", "/data/user/tasks/{task_id}/time-spents/{date}", person_only=True)
async def get_task_time_spent(ctx: Ctx, task_id: str, date: str) -> object:
    return await user_account.task_time_spent(ctx, task_id, date)


@endpoint("GET", "/data/user/day-offs/{date}", person_only=True)
async def get_day_off(ctx: Ctx, date: str) -> object:
    return await user_account.day_off(ctx, date)


# ---- notifications ---------------------------------------------------------------------------
@endpoint("GET", "/data/user/notifications", person_only=True)
async def get_notifications(ctx: Ctx) -> object:
    return await notifications.last_notifications(ctx, ctx.params)


@endpoint("GET", "/data/user/notifications/{notification_id}", person_only=True)
async def get_notification(ctx: Ctx, notification_id: str) -> object:
    return await notifications.get_notification(ctx, notification_id)


@endpoint("PUT", "/data/user/notifications/{notification_id}", person_only=True)
async def put_notification(ctx: Ctx, request: Request, notification_id: str) -> object:
    body = await parse(request, NotificationBody)
    if body.read is None:  # Zou fails with a 500 writing a null
        errors = [{"field": "read", "message": "Field required"}]
        raise WrongParameter("Validation error.", {"errors": errors})
    return await notifications.update_notification(ctx, notification_id, body.read)


@endpoint("POST", "/actions/user/notifications/mark-all-as-read", person_only=True)
async def post_mark_all_as_read(ctx: Ctx) -> object:
    return await notifications.mark_all_as_read(ctx)


# ---- subscriptions ---------------------------------------------------------------------------
@endpoint("GET", "/data/user/tasks/{task_id}/subscribed", person_only=True)
async def get_task_subscribed(ctx: Ctx, task_id: str) -> object:
    return await subscriptions.has_task_subscription(ctx, task_id)


@endpoint("POST", "/actions/user/tasks/{task_id}/subscribe", person_only=True)
async def post_task_subscribe(ctx: Ctx, task_id: str) -> object:
    return await subscriptions.subscribe_to_task(ctx, task_id), 201


@endpoint("DELETE", "/actions/user/tasks/{task_id}/unsubscribe", person_only=True)
async def delete_task_subscription(ctx: Ctx, task_id: str) -> object:
    await subscriptions.unsubscribe_from_task(ctx, task_id)
    return None, 204


@endpoint("POST", "/actions/user/tasks/subscribe", person_only=True)
async def post_tasks_subscribe(ctx: Ctx, request: Request) -> object:
    body = await parse(request, TaskIdsBody)
    return await subscriptions.subscribe_to_tasks(ctx, body.task_ids), 201


@endpoint("POST", "/actions/user/tasks/unsubscribe", person_only=True)
async def post_tasks_unsubscribe(ctx: Ctx, request: Request) -> object:
    body = await parse(request, TaskIdsBody)
    return await subscriptions.unsubscribe_from_tasks(ctx, body.task_ids)


async def _sequence_subscribed(ctx: Ctx, sequence_id: str, task_type_id: str) -> bool:
    return await subscriptions.has_sequence_subscription(ctx, sequence_id, task_type_id)


get_sequence_subscribed = endpoint(
    "GET",
    "/data/user/sequences/{sequence_id}/task-types/{task_type_id}/subscribed",
    person_only=True,
)(_sequence_subscribed)
get_entity_subscribed = endpoint(
    "GET",
    "/data/user/entities/{sequence_id}/task-types/{task_type_id}/subscribed",
    person_only=True,
)(_sequence_subscribed)


@endpoint(
    "POST",
    "/actions/user/sequences/{sequence_id}/task-types/{task_type_id}/subscribe",
    person_only=True,
)
async def post_sequence_subscribe(ctx: Ctx, sequence_id: str, task_type_id: str) -> object:
    return await subscriptions.subscribe_to_sequence(ctx, sequence_id, task_type_id), 201


@endpoint(
    "DELETE",
    "/actions/user/sequences/{sequence_id}/task-types/{task_type_id}/unsubscribe",
    person_only=True,
)
async def delete_sequence_subscription(ctx: Ctx, sequence_id: str, task_type_id: str) -> object:
    await subscriptions.unsubscribe_from_sequence(ctx, sequence_id, task_type_id)
    return None, 204


@endpoint(
    "GET",
    "/data/user/projects/{project_id}/task-types/{task_type_id}/sequence-subscriptions",
    person_only=True,
)
async def get_sequence_subscriptions(ctx: Ctx, project_id: str, task_type_id: str) -> object:
    return await subscriptions.sequence_subscriptions(ctx, project_id, task_type_id)


# ---- chats -----------------------------------------------------------------------------------
@endpoint("GET", "/data/user/chats", person_only=True)
async def get_chats(ctx: Ctx) -> object:
    return await user_account.chats(ctx)


@endpoint("POST", "/actions/user/chats/{entity_id}/join", person_only=True)
async def post_join_chat(ctx: Ctx, entity_id: str) -> object:
    return await user_account.join_chat(ctx, entity_id)


@endpoint("DELETE", "/actions/user/chats/{entity_id}/join", person_only=True)
async def delete_join_chat(ctx: Ctx, entity_id: str) -> object:
    await user_account.leave_chat(ctx, entity_id)
    return None, 204


ROUTES = [
    get_filters, post_filter, put_filter, delete_filter,
    get_filter_groups, post_filter_group, get_filter_group, put_filter_group,
    delete_filter_group,
    get_desktop_login_logs, post_desktop_login_log,
    get_time_spents, get_day_time_spents, get_task_time_spent, get_day_off,
    get_notifications, get_notification, put_notification, post_mark_all_as_read,
    get_task_subscribed, post_task_subscribe, delete_task_subscription,
    post_tasks_subscribe, post_tasks_unsubscribe,
    get_sequence_subscribed, get_entity_subscribed,
    post_sequence_subscribe, delete_sequence_subscription, get_sequence_subscriptions,
    get_chats, post_join_chat, delete_join_chat,
]  # fmt: skip
