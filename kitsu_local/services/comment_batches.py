"""Comments on many tasks in one request (``POST /actions/projects/{p}/tasks/comment-many``):
the rules of one comment (``reviews.post_comment``: status access, retake cap, mentions, the
task following its status, hashtags, notifications, news, events), applied to the whole batch
with a constant number of statements: everything the batch touches is read first (one query
per table), the changes are computed in memory, then written with one ``executemany`` each.

Status automations stay per task (``reviews.run_automations``), and only for the tasks whose
new type and status start one of their project's automations.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from .. import events, rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import NotFound, PermissionDenied, WrongParameter
from ..models import (
    Comment,
    CommentDepartmentMentions,
    CommentMentions,
    Department,
    DepartmentLink,
    Entity,
    EntityType,
    News,
    Notification,
    Person,
    Project,
    ProjectPersonLink,
    ProjectStatusAutomationLink,
    StatusAutomation,
    Subscription,
    Task,
    TaskPersonLink,
    TaskStatus,
    TaskType,
)  # fmt: skip
from ..models.base import new_id, utc_now
from .breakdown_tasks import NOT_A_LIST
from .comments import mentioned_people
from .crud import serialize, serialize_plain
from .persons import full_name, person_dict
from .previews import Upload
from .reviews import HASHTAG, add_attachment, run_automations, status_change_values
from .spec import Row, spec_for_table


@dataclass
class Loaded:
    """What the batch reads before writing anything, keyed by id."""

    tasks: dict[str, Row]
    statuses: dict[str, Row]
    task_types: dict[str, Row]
    entities: dict[str, Row]
    projects: dict[str, Row]
    assignees: dict[str, list[str]]


async def comment_many(
    ctx: Ctx, project_id: str, body: Any, attachments: dict[int, list[Upload]] | None = None
) -> list[dict[str, Any]]:
    """Post each ``{object_id, task_status_id, comment, links}`` of the list, as its author the
    caller. Entries missing a task, a status or a text are skipped, as are (for a non-manager
    of the project) the tasks the caller is neither assigned to nor supervises.
    ``attachments``: files to attach to the comment of each entry (by its index in the list)."""
    entries = _entries(body)
    loaded = await _load(ctx, {entry["object_id"] for entry in entries})
    me = ctx.me
    allowed = [
        entry for entry in entries
        if (me.is_manager_of(project_id) and loaded.tasks[entry["object_id"]]["project_id"] == project_id)
        or _may_comment(ctx, loaded, loaded.tasks[entry["object_id"]])
    ]  # fmt: skip
    complete = [
        entry for entry in allowed
        if entry["task_status_id"] and entry["comment"] is not None
    ]  # fmt: skip
    for entry in complete:
        _check_status(ctx, loaded, entry)
    if not complete:
        return []
    comments, task_changes = _apply(ctx, loaded, complete)
    comments += await _hashtag_copies(ctx, loaded, complete)
    await _write(ctx, loaded, comments, task_changes)
    await _automations(ctx, loaded, task_changes)
    for entry, comment in zip(complete, comments, strict=False):
        for upload in (attachments or {}).get(entry["index"], []):
            await add_attachment(ctx, comment.row, upload)
    posted = comments[: len(complete)]  # the hashtag copies are not part of the answer
    items = await serialize(ctx, spec_for_table("comment"), [c.row for c in posted], True)
    author = await person_dict(ctx, me.person)
    status_spec = spec_for_table("task_status")
    for item, comment in zip(items, posted, strict=True):
        item["task_status"] = serialize_plain(status_spec, [loaded.statuses[comment.status_id]])[0]
        item["person"] = author
    return items


# ==== input and checks =======================================================================
def _entries(body: Any) -> list[dict[str, Any]]:
    """Zou's BatchCommentItemSchema list: ids must be UUIDs when given, text a string."""
    if not isinstance(body, list):
        raise WrongParameter(NOT_A_LIST)
    entries = []
    for index, item in enumerate(body):
        if not isinstance(item, dict):
            raise _invalid(str(index), "Input should be a valid dictionary or instance of BatchCommentItemSchema")  # fmt: skip
        entry: dict[str, Any] = {"index": index}
        for key in ("object_id", "task_status_id"):
            # gazu's create_multiple_comments names the task ``task_id``
            value = item.get(key) or (item.get("task_id") if key == "object_id" else None)
            if value is not None and not is_valid_id(value):
                raise _invalid(f"{index}.{key}", "Input should be a valid UUID")
            entry[key] = value.lower() if value else None
        text, links = item.get("comment"), item.get("links", [])
        if text is not None and not isinstance(text, str):
            raise _invalid(f"{index}.comment", "Input should be a valid string")
        if not isinstance(links, list) or not all(isinstance(link, str) for link in links):
            raise _invalid(f"{index}.links", "Input should be a valid list")
        entry.update(comment=text, links=links)
        if entry["object_id"] is not None:
            entries.append(entry)
    return entries


def _invalid(field: str, message: str) -> WrongParameter:
    """Zou's pydantic refusal of one field of the list."""
    return WrongParameter("Validation error.", {"errors": [{"field": field, "message": message}]})


def _may_comment(ctx: Ctx, loaded: Loaded, task: Row) -> bool:
    """Assigned to the task, or a supervisor of its project in its task type's department."""
    me = ctx.me
    if me.id in loaded.assignees.get(task["id"], []):
        return True
    if not me.is_member(task["project_id"]) or me.role_in(task["project_id"]) != "supervisor":
        return False
    task_type = loaded.task_types.get(task["task_type_id"]) or {}
    return not me.department_ids or task_type.get("department_id") in me.department_ids


def _check_status(ctx: Ctx, loaded: Loaded, entry: dict[str, Any]) -> None:
    """The status exists, the caller's role may set it, and the task may still be retaken."""
    status = loaded.statuses.get(entry["task_status_id"])
    if status is None:
        raise NotFound()
    task = loaded.tasks[entry["object_id"]]
    role = ctx.me.role_in(task["project_id"])
    if (role == "user" and not status["is_artist_allowed"]) or (
        role == "client" and not status["is_client_allowed"]
    ):
        raise PermissionDenied()
    if status["is_retake"]:
        project_cap = (loaded.projects.get(task["project_id"]) or {}).get("max_retakes") or 0
        entity = loaded.entities.get(task["entity_id"]) or {}
        cap = int((entity.get("data") or {}).get("max_retakes") or project_cap)
        if project_cap > 0 and cap > 0 and (task["retake_count"] or 0) >= cap:
            raise WrongParameter("No more retakes allowed on this task")


async def _load(ctx: Ctx, task_ids: set[str]) -> Loaded:
    tasks = {row["id"]: row for row in await _by_ids(ctx, Task, task_ids)}
    if set(task_ids) - set(tasks):
        raise NotFound()
    statuses = {row["id"]: row for row in await rows.fetch_where(ctx.conn, TaskStatus)}
    task_types = {row["id"]: row for row in await rows.fetch_where(ctx.conn, TaskType)}
    entity_ids = {task["entity_id"] for task in tasks.values() if task["entity_id"]}
    entities = {row["id"]: row for row in await _by_ids(ctx, Entity, entity_ids)}
    project_ids = {task["project_id"] for task in tasks.values()}
    projects = {row["id"]: row for row in await _by_ids(ctx, Project, project_ids)}
    return Loaded(tasks, statuses, task_types, entities, projects, await _assignees(ctx, tasks))


async def _assignees(ctx: Ctx, task_ids: Iterable[str]) -> dict[str, list[str]]:
    return await rows.grouped_links(
        ctx.conn, TaskPersonLink.__table__, "task_id", "person_id", sorted(task_ids)
    )


async def _by_ids(ctx: Ctx, model: Any, ids: set[str]) -> list[Row]:
    found: list[Row] = []
    for chunk in rows.chunked(sorted(ids)):
        found += await rows.fetch_where(ctx.conn, model, model.id.in_(chunk))
    return found


# ==== the changes, in memory =================================================================
@dataclass
class NewComment:
    row: Row
    status_id: str
    changed: bool  # the comment moved its task's status
    previous_status_id: str | None = None


def _apply(
    ctx: Ctx, loaded: Loaded, entries: list[dict[str, Any]]
) -> tuple[list[NewComment], list[str]]:
    """The comment rows, one after the other, each moving its task (in ``loaded``); and the
    ids of the tasks changed."""
    comments = []
    for entry in entries:
        task = loaded.tasks[entry["object_id"]]
        status = loaded.statuses[entry["task_status_id"]]
        now = utc_now()
        row = _comment_row(ctx, task, status["id"], entry["comment"], entry["links"], now)
        previous = task["task_status_id"]
        task.update(status_change_values(task, status, now, now))
        comments.append(NewComment(row, status["id"], status["id"] != previous, previous))
    return comments, list(dict.fromkeys(entry["object_id"] for entry in entries))


def _comment_row(
    ctx: Ctx, task: Row, status_id: str, text: str, links: list[str], now: datetime.datetime
) -> Row:
    return {
        "id": new_id(), "created_at": now, "updated_at": now, "object_id": task["id"],
        "object_type": "Task", "task_status_id": status_id, "person_id": ctx.me.id,
        "text": text or "", "checklist": [], "links": links, "for_client": False,
        "replies": [], "data": None, "pinned": None, "shotgun_id": None, "editor_id": None,
        "preview_file_id": None,
    }  # fmt: skip


async def _hashtag_copies(
    ctx: Ctx, loaded: Loaded, entries: list[dict[str, Any]]
) -> list[NewComment]:
    """``#modeling`` / ``#all`` copy a comment to the sibling tasks of its entity, each keeping
    its status (one query for every sibling of the batch)."""
    tagged = [
        (entry, {tag.lower() for tag in HASHTAG.findall(entry["comment"] or "")})
        for entry in entries
    ]
    tagged = [(entry, tags) for entry, tags in tagged if tags]
    entity_ids = {loaded.tasks[entry["object_id"]]["entity_id"] for entry, _ in tagged}
    if not entity_ids - {None}:
        return []
    siblings = await rows.fetch_where(
        ctx.conn, Task, Task.entity_id.in_(sorted(entity_ids - {None}))
    )
    copies = []
    for entry, tags in tagged:
        task = loaded.tasks[entry["object_id"]]
        type_name = (loaded.task_types.get(task["task_type_id"]) or {}).get("name", "")
        for sibling in siblings:
            sibling_type = (loaded.task_types.get(sibling["task_type_id"]) or {}).get("name", "")
            if sibling["entity_id"] != task["entity_id"] or sibling["id"] == task["id"]:
                continue
            if "all" in tags or sibling_type.lower() in tags:
                text = f"{entry['comment']}\n\n____\nFrom {type_name} task"
                row = _comment_row(ctx, sibling, sibling["task_status_id"], text, [], utc_now())
                copies.append(NewComment(row, sibling["task_status_id"], False))
    return copies


# ==== writing ================================================================================
TASK_FIELDS = ("task_status_id", "last_comment_date", "retake_count", "real_start_date",
               "end_date", "done_date")  # fmt: skip


async def _write(ctx: Ctx, loaded: Loaded, comments: list[NewComment], changes: list[str]) -> None:
    conn = ctx.conn
    with rows.database_refusals():
        await conn.execute(insert(Comment), [comment.row for comment in comments])
    missing = {c.row["object_id"] for c in comments} - set(loaded.tasks)
    for task in await _by_ids(ctx, Task, missing):  # siblings reached by a hashtag
        loaded.tasks[task["id"]] = task
    loaded.assignees.update(await _assignees(ctx, missing))
    now = utc_now()
    await conn.execute(
        update(Task)
        .where(Task.id == bindparam("task_id"))
        .values(updated_at=now, **{field: bindparam(field) for field in TASK_FIELDS}),
        [
            {"task_id": task_id, **{field: loaded.tasks[task_id][field] for field in TASK_FIELDS}}
            for task_id in changes
        ],
    )
    project_of = {c.row["id"]: loaded.tasks[c.row["object_id"]]["project_id"] for c in comments}
    payloads = [
        ({"comment_id": c.row["id"], "task_id": c.row["object_id"], "task_status_id": c.status_id,
          "person_id": ctx.me.id, "for_client": False}, project_of[c.row["id"]])
        for c in comments
    ]  # fmt: skip
    await events.emit_many(ctx, "comment:new", payloads)
    await _status_events(ctx, loaded, comments)
    mentions = await _mentions(ctx, loaded, comments)
    await _notify(ctx, loaded, comments, mentions)


async def _status_events(ctx: Ctx, loaded: Loaded, comments: list[NewComment]) -> None:
    """``task:status-changed`` (and ``task:to-review``) per comment that moved its task, then
    ``task:update`` per comment, as one comment at a time emits them."""
    changed, to_review, updated = [], [], []
    for comment in comments:
        task = loaded.tasks[comment.row["object_id"]]
        project_id = task["project_id"]
        if comment.changed:
            data = {"task_id": task["id"], "new_task_status_id": comment.status_id,
                    "previous_task_status_id": comment.previous_status_id,
                    "person_id": ctx.me.id}  # fmt: skip
            changed.append((data, project_id))
            if loaded.statuses[comment.status_id]["is_feedback_request"]:
                to_review.append(({**data, "comment_id": comment.row["id"]}, project_id))
        updated.append(({"task_id": task["id"]}, project_id))
    await events.emit_many(ctx, "task:status-changed", changed)
    await events.emit_many(ctx, "task:to-review", to_review)
    await events.emit_many(ctx, "task:update", updated)


async def _mentions(ctx: Ctx, loaded: Loaded, comments: list[NewComment]) -> dict[str, set[str]]:
    """Persons mentioned by each comment (``@Full Name`` in its project's team, ``@Department``
    members), with the mention links written; two reads for the whole batch."""
    texts = [c for c in comments if "@" in (c.row["text"] or "")]
    if not texts:
        return {}
    project_ids = sorted({loaded.tasks[c.row["object_id"]]["project_id"] for c in texts})
    team = (
        await ctx.conn.execute(
            select(ProjectPersonLink.project_id, Person.id, Person.first_name, Person.last_name)
            .join(Person, Person.id == ProjectPersonLink.person_id)
            .where(ProjectPersonLink.project_id.in_(project_ids))
        )
    ).all()
    departments = (await ctx.conn.execute(select(Department.id, Department.name))).all()
    members = (await ctx.conn.execute(select(DepartmentLink.department_id,
                                             DepartmentLink.person_id))).all()  # fmt: skip
    person_links, department_links = [], []
    mentioned: dict[str, set[str]] = {}
    for comment in texts:
        text, comment_id = comment.row["text"], comment.row["id"]
        project_id = loaded.tasks[comment.row["object_id"]]["project_id"]
        persons = {
            row.id for row in team
            if row.project_id == project_id and mentioned_people(text, full_name(
                {"first_name": row.first_name, "last_name": row.last_name}))
        }  # fmt: skip
        mentioned_departments = {row.id for row in departments if mentioned_people(text, row.name)}
        person_links += [{"comment": comment_id, "person": person} for person in persons]
        department_links += [{"comment": comment_id, "department": department}
                             for department in mentioned_departments]  # fmt: skip
        mentioned[comment_id] = persons | {
            person for department, person in members if department in mentioned_departments
        }
    if person_links:
        await ctx.conn.execute(insert(CommentMentions), person_links)
    if department_links:
        await ctx.conn.execute(insert(CommentDepartmentMentions), department_links)
    return mentioned


async def _notify(
    ctx: Ctx, loaded: Loaded, comments: list[NewComment], mentions: dict[str, set[str]]
) -> None:
    """A notification for each follower (assignees, task subscribers, subscribers of the
    sequence and task type) and each mentioned person but the author; a news entry per comment
    except on concepts."""
    conn = ctx.conn
    task_ids = sorted({c.row["object_id"] for c in comments})
    parent_ids = {
        (loaded.entities.get(loaded.tasks[t]["entity_id"]) or {}).get("parent_id") for t in task_ids
    } - {None}
    subscriptions = (
        await conn.execute(
            select(Subscription.task_id, Subscription.entity_id, Subscription.task_type_id,
                   Subscription.person_id)
            .where(Subscription.task_id.in_(task_ids) | Subscription.entity_id.in_(sorted(parent_ids)))
        )
    ).all()  # fmt: skip
    kinds = {row["id"]: row["name"] for row in await rows.fetch_where(conn, EntityType)}
    notifications, news = [], []
    for comment in comments:
        task = loaded.tasks[comment.row["object_id"]]
        entity = loaded.entities.get(task["entity_id"]) or {}
        people = set(loaded.assignees.get(task["id"], []))
        people |= {
            s.person_id for s in subscriptions
            if s.task_id == task["id"] or (s.entity_id and s.entity_id == entity.get("parent_id")
                                           and s.task_type_id == task["task_type_id"])
        }  # fmt: skip
        for kind, recipients in (
            ("comment", people),
            ("mention", mentions.get(comment.row["id"], set())),
        ):
            for person_id in sorted(recipients - {ctx.me.id}):
                notifications.append(_notification(ctx, task, comment, person_id, kind))
        if kinds.get(entity.get("entity_type_id")) != "Concept":
            news.append(
                {"id": new_id(), "created_at": comment.row["created_at"],
                 "updated_at": comment.row["created_at"], "change": comment.changed,
                 "author_id": ctx.me.id, "comment_id": comment.row["id"], "task_id": task["id"],
                 "preview_file_id": None}
            )  # fmt: skip
    if notifications:
        await conn.execute(insert(Notification), notifications)
    if news:
        await conn.execute(insert(News), news)
    project_of = {task_id: loaded.tasks[task_id]["project_id"] for task_id in task_ids}
    await events.emit_many(ctx, "notification:new", [
        ({"notification_id": n["id"], "person_id": n["person_id"]}, project_of[n["task_id"]])
        for n in notifications
    ], persist=False)  # fmt: skip
    statuses = {c.row["id"]: c.status_id for c in comments}
    await events.emit_many(ctx, "news:new", [
        ({"news_id": n["id"], "task_status_id": statuses[n["comment_id"]],
          "task_type_id": loaded.tasks[n["task_id"]]["task_type_id"]}, project_of[n["task_id"]])
        for n in news
    ])  # fmt: skip


def _notification(ctx: Ctx, task: Row, comment: NewComment, person_id: str, kind: str) -> Row:
    now = comment.row["created_at"]
    return {
        "id": new_id(), "created_at": now, "updated_at": now, "person_id": person_id,
        "author_id": ctx.me.id, "comment_id": comment.row["id"], "task_id": task["id"],
        "type": kind, "change": comment.changed, "read": False,
    }  # fmt: skip


async def _automations(ctx: Ctx, loaded: Loaded, changes: list[str]) -> None:
    """The project's status automations, for the tasks whose new type and status start one."""
    project_ids = sorted({loaded.tasks[task_id]["project_id"] for task_id in changes})
    starts = {
        (row.project_id, row.in_task_type_id, row.in_task_status_id)
        for row in await ctx.conn.execute(
            select(ProjectStatusAutomationLink.project_id, StatusAutomation.in_task_type_id,
                   StatusAutomation.in_task_status_id)
            .join(StatusAutomation,
                  StatusAutomation.id == ProjectStatusAutomationLink.status_automation_id)
            .where(ProjectStatusAutomationLink.project_id.in_(project_ids))
        )
    }  # fmt: skip
    for task_id in changes:
        task = loaded.tasks[task_id]
        if (task["project_id"], task["task_type_id"], task["task_status_id"]) in starts:
            await run_automations(ctx, task, ctx.me.person)
