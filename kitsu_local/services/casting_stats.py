"""Shot casting counters (zou-data-model.md 2): ``nb_entities_out`` of the entities that cast
assets, and ``nb_assets_ready`` of shot tasks. Both are refreshed for many shots at once, with a
constant number of statements (one ``CASE`` update per chunk of rows)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, func, select, update

from .. import events, rows
from ..context import Ctx
from ..models import Entity, EntityLink, ProjectTaskTypeLink, Task, TaskType

ENTITY = Entity.__table__
LINK = EntityLink.__table__


async def live_counts(ctx: Ctx, entity_ids: Sequence[str]) -> dict[str, int]:
    """{entity id: number of non-canceled assets it casts}."""
    counts = dict.fromkeys(entity_ids, 0)
    for chunk in rows.chunked(list(entity_ids)):
        query = (
            select(LINK.c.entity_in_id, func.count())
            .join(ENTITY, ENTITY.c.id == LINK.c.entity_out_id)
            .where(LINK.c.entity_in_id.in_(chunk), ENTITY.c.canceled.is_not(True))
            .group_by(LINK.c.entity_in_id)
        )
        counts.update({entity_id: count for entity_id, count in await ctx.conn.execute(query)})
    return counts


async def set_values(ctx: Ctx, table: Any, column: str, values: dict[str, Any]) -> None:
    """Set ``column`` of many rows to per-row values, one statement per chunk."""
    items = list(values.items())
    for start in range(0, len(items), rows.IN_CHUNK // 3):
        chunk = dict(items[start : start + rows.IN_CHUNK // 3])
        await ctx.conn.execute(
            update(table)
            .where(table.c.id.in_(list(chunk)))
            .values({column: case(chunk, value=table.c.id)})
        )


async def store_counts(ctx: Ctx, counts: dict[str, int]) -> None:
    await set_values(ctx, ENTITY, "nb_entities_out", counts)


async def refresh_shots(ctx: Ctx, shot_ids: Sequence[str], project_id: str) -> dict[str, int]:
    """Zou's ``refresh_shot_casting_stats`` for many shots: ``nb_entities_out`` made right
    (with a ``shot:casting-update`` for each shot it changes), then the tasks' readiness.
    Answers the shots' live counts."""
    counts = await live_counts(ctx, shot_ids)
    stored = dict(
        (await ctx.conn.execute(select(ENTITY.c.id, ENTITY.c.nb_entities_out).where(
            ENTITY.c.id.in_(list(shot_ids))
        ))).all()
    )  # fmt: skip
    changed = {shot_id: count for shot_id, count in counts.items() if stored.get(shot_id) != count}
    if changed:
        await store_counts(ctx, changed)
        await events.emit_many(
            ctx,
            "shot:casting-update",
            [
                ({"shot_id": shot_id, "nb_entities_out": count, "added_asset_ids": [],
                  "removed_asset_ids": []}, project_id)
                for shot_id, count in changed.items()
            ],
        )  # fmt: skip
    await refresh_ready_counts(ctx, shot_ids, project_id)
    return counts


async def refresh_ready_counts(ctx: Ctx, shot_ids: Sequence[str], project_id: str) -> None:
    """``nb_assets_ready`` of the shots' tasks: a cast asset is ready for a task when it is
    shared from another project, or when its ``ready_for`` task type comes at or after the
    task's type in the project's shot task type priorities."""
    priorities = dict(
        (
            await ctx.conn.execute(
                select(ProjectTaskTypeLink.task_type_id, ProjectTaskTypeLink.priority)
                .join(TaskType, TaskType.id == ProjectTaskTypeLink.task_type_id)
                .where(ProjectTaskTypeLink.project_id == project_id, TaskType.for_entity == "Shot")
            )
        ).all()
    )
    tasks: list[Any] = []
    casting: dict[str, list[Any]] = defaultdict(list)
    asset = ENTITY.alias("asset")
    for chunk in rows.chunked(list(shot_ids)):
        tasks += (
            await ctx.conn.execute(
                select(Task.id, Task.entity_id, Task.task_type_id, Task.project_id).where(
                    Task.entity_id.in_(chunk)
                )
            )
        ).all()
        cast = select(
            LINK.c.entity_in_id, asset.c.canceled, asset.c.is_shared, asset.c.project_id,
            asset.c.ready_for,
        ).join(asset, asset.c.id == LINK.c.entity_out_id).where(LINK.c.entity_in_id.in_(chunk))  # fmt: skip
        for row in await ctx.conn.execute(cast):
            casting[row.entity_in_id].append(row)
    ready = {
        task.id: sum(1 for cast in casting[task.entity_id] if _is_ready(cast, task, priorities))
        for task in tasks
    }
    if not ready:
        return
    await set_values(ctx, Task.__table__, "nb_assets_ready", ready)
    for task_id, count in ready.items():
        await events.emit(
            ctx, "task:update-casting-stats", {"task_id": task_id, "nb_assets_ready": count},
            project_id, persist=False,
        )  # fmt: skip


def _is_ready(asset: Any, task: Any, priorities: dict[str, int | None]) -> bool:
    if asset.canceled:
        return False
    if asset.is_shared and asset.project_id != task.project_id:
        return True
    if asset.ready_for is None:
        return False
    # Zou's ``or``: a priority of 0 counts as unset
    ready_priority = priorities.get(asset.ready_for, -1) or -1
    task_priority = priorities.get(task.task_type_id, 0) or 0
    return task_priority <= ready_priority
