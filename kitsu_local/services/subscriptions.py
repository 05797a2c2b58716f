"""The caller's notification subscriptions (Zou's ``subscriptions_service``): to a task, or to
a sequence for one task type (the comments on that type's tasks of the sequence's shots)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select

from .. import rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import NotFound
from ..models import Entity, EntityType, Subscription, Task, TaskType
from ..models.base import new_id, utc_now
from .crud import serialize_plain
from .spec import Row, spec_for_table


def _present(subscription: Row) -> dict[str, Any]:
    return serialize_plain(spec_for_table("subscription"), [subscription])[0]


async def _find(ctx: Ctx, **criteria: str) -> Row | None:
    """The caller's subscription matching ``criteria``; None when an id is malformed."""
    if not all(is_valid_id(value) for value in criteria.values()):
        return None
    conditions = [getattr(Subscription, name) == value for name, value in criteria.items()]
    return await rows.first_where(
        ctx.conn, Subscription, Subscription.person_id == ctx.me.id, *conditions
    )


async def _existing(ctx: Ctx, model: Any, row_id: str) -> Row:
    """The row, 404 for an unknown or malformed id (as Zou's getters answer)."""
    row = await rows.fetch_one(ctx.conn, model, row_id) if is_valid_id(row_id) else None
    if row is None:
        raise NotFound()
    return row


async def _subscribe(ctx: Ctx, **criteria: str) -> dict[str, Any]:
    subscription = await _find(ctx, **criteria)
    if subscription is None:
        subscription = await rows.insert_row(
            ctx.conn, Subscription, {"person_id": ctx.me.id, **criteria}
        )
    return _present(subscription)


async def _unsubscribe(ctx: Ctx, **criteria: str) -> None:
    subscription = await _find(ctx, **criteria)
    if subscription is not None:
        await rows.delete_row(ctx.conn, Subscription, subscription["id"])


async def has_task_subscription(ctx: Ctx, task_id: str) -> bool:
    return await _find(ctx, task_id=task_id) is not None


async def subscribe_to_task(ctx: Ctx, task_id: str) -> dict[str, Any]:
    """Follow a task of a project of the caller (idempotent)."""
    task = await _existing(ctx, Task, task_id)
    ctx.me.require_member(task["project_id"])
    return await _subscribe(ctx, task_id=task["id"])


async def unsubscribe_from_task(ctx: Ctx, task_id: str) -> None:
    await _unsubscribe(ctx, task_id=task_id)


async def subscribe_to_tasks(ctx: Ctx, task_ids: list[str]) -> list[dict[str, Any]]:
    """Follow several tasks at once: all of them or none (404 for an unknown one, 403 for one
    outside the caller's projects); one query per step whatever their number."""
    wanted = list(dict.fromkeys(task_ids))
    if not all(is_valid_id(task_id) for task_id in wanted):
        raise NotFound()
    tasks = await rows.fetch_where(ctx.conn, Task, Task.id.in_(wanted))
    if len(tasks) != len(wanted):
        raise NotFound()
    for task in tasks:
        ctx.me.require_member(task["project_id"])
    found = {
        row["task_id"]: row
        for row in await rows.fetch_where(
            ctx.conn,
            Subscription,
            Subscription.person_id == ctx.me.id,
            Subscription.task_id.in_(wanted),
        )
    }
    now = utc_now()
    missing = [
        {"id": new_id(), "person_id": ctx.me.id, "task_id": task_id, "entity_id": None,
         "task_type_id": None, "created_at": now, "updated_at": now}
        for task_id in wanted
        if task_id not in found
    ]  # fmt: skip
    if missing:
        await ctx.conn.execute(insert(Subscription.__table__), missing)
    found.update({row["task_id"]: row for row in missing})
    return [_present(found[task_id]) for task_id in task_ids]


async def unsubscribe_from_tasks(ctx: Ctx, task_ids: list[str]) -> list[str]:
    valid = [task_id for task_id in task_ids if is_valid_id(task_id)]
    await rows.delete_where(
        ctx.conn,
        Subscription,
        Subscription.person_id == ctx.me.id,
        Subscription.task_id.in_(valid),
    )
    return task_ids


async def has_sequence_subscription(ctx: Ctx, sequence_id: str, task_type_id: str) -> bool:
    return await _find(ctx, entity_id=sequence_id, task_type_id=task_type_id) is not None


async def subscribe_to_sequence(ctx: Ctx, sequence_id: str, task_type_id: str) -> dict[str, Any]:
    """Follow a task type on a sequence of a project of the caller (idempotent)."""
    sequence = await _existing(ctx, Entity, sequence_id)
    kind = await rows.fetch_one(ctx.conn, EntityType, sequence["entity_type_id"])
    if kind is None or kind["name"] != "Sequence":
        raise NotFound()
    ctx.me.require_member(sequence["project_id"])
    task_type = await _existing(ctx, TaskType, task_type_id)
    return await _subscribe(ctx, entity_id=sequence["id"], task_type_id=task_type["id"])


async def unsubscribe_from_sequence(ctx: Ctx, sequence_id: str, task_type_id: str) -> None:
    await _unsubscribe(ctx, entity_id=sequence_id, task_type_id=task_type_id)


async def sequence_subscriptions(ctx: Ctx, project_id: str, task_type_id: str) -> list[str]:
    """Ids of the project's sequences the caller follows for the task type (the API
    reference's route; Zou 1.0.97 does not serve it)."""
    if not (is_valid_id(project_id) and is_valid_id(task_type_id)):
        raise NotFound()
    query = (
        select(Subscription.entity_id)
        .join(Entity, Entity.id == Subscription.entity_id)
        .where(
            Subscription.person_id == ctx.me.id,
            Subscription.task_type_id == task_type_id,
            Entity.project_id == project_id,
        )
        .order_by(Subscription.created_at)
    )
    return list((await ctx.conn.execute(query)).scalars())
