"""Per-episode statistics of a project's shot tasks, as Kitsu's episode stats page reads them:
counts by task type and status, and the retake evolution (one query each)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from .. import rows
from ..context import Ctx
from ..errors import PermissionDenied
from ..models import Entity, Project, Task, TaskStatus
from ..permissions import assigned_task_ids

SEQUENCE = Entity.__table__.alias("sequence")
EPISODE = Entity.__table__.alias("episode")


def _bucket() -> dict[str, int]:
    return {"count": 0, "frames": 0, "drawings": 0}


def _retake_stats() -> dict[str, Any]:
    return {"max_retake_count": 0, "evolution": {}, "done": _bucket(), "retake": _bucket(),
            "other": _bucket()}  # fmt: skip


def _add(bucket: dict[str, Any], count: int, frames: int | None, drawings: int | None) -> None:
    bucket["count"] += count or 0
    bucket["frames"] += frames or 0
    bucket["drawings"] += drawings or 0


async def _readable_project(ctx: Ctx, project_id: str) -> tuple[dict[str, Any], bool]:
    """The project (member required) and whether the caller only counts their own tasks."""
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    ctx.me.require_member(project["id"])
    return project, ctx.me.role_in(project["id"]) == "vendor"


def _episode_tasks(project_id: str, *columns: Any) -> Any:
    return (
        select(*columns)
        .join(Entity, Entity.id == Task.entity_id)
        .join(SEQUENCE, SEQUENCE.c.id == Entity.parent_id)
        .join(EPISODE, EPISODE.c.id == SEQUENCE.c.parent_id)
        .join(TaskStatus, TaskStatus.id == Task.task_status_id)
        .where(Task.project_id == project_id)
    )


async def episode_stats(ctx: Ctx, project_id: str) -> dict[str, Any]:
    """GET /data/projects/{p}/episodes/stats: ``{episode|all: {task type|all: {status: {name,
    color, count, frames, drawings}}}}``; clients only when the project shows them stats."""
    project, mine_only = await _readable_project(ctx, project_id)
    if ctx.me.role_in(project["id"]) == "client" and project["is_client_stats_visible"] is False:
        raise PermissionDenied()
    group = (EPISODE.c.id, Task.task_type_id, Task.task_status_id, TaskStatus.short_name,
             TaskStatus.color)  # fmt: skip
    query = _episode_tasks(
        project["id"], *group, func.count(Task.id), func.sum(Task.nb_drawings),
        func.sum(Entity.nb_frames),
    ).group_by(*group)  # fmt: skip
    if mine_only:
        query = query.where(Task.id.in_(assigned_task_ids(ctx)))
    results: dict[str, Any] = {}
    for (
        episode_id,
        type_id,
        status_id,
        short_name,
        color,
        count,
        drawings,
        frames,
    ) in await ctx.conn.execute(query):
        entry = {"name": short_name, "color": color, "count": count, "frames": frames or 0,
                 "drawings": drawings or 0}  # fmt: skip
        episode = results.setdefault(episode_id, {})
        episode.setdefault(type_id, {})[status_id] = entry
        targets = [episode.setdefault("all", {})]
        everything = results.setdefault("all", {"all": {}})
        targets += [everything.setdefault(type_id, {}), everything["all"]]
        for target in targets:
            bucket = target.setdefault(status_id, {"name": short_name, "color": color,
                                                   **_bucket()})  # fmt: skip
            _add(bucket, count, frames, drawings)
    return results


async def episode_retake_stats(ctx: Ctx, project_id: str) -> dict[str, Any]:
    """GET /data/projects/{p}/episodes/retake-stats: done / retake / other counts and the
    evolution by take number, per episode and task type; refused to clients."""
    project, mine_only = await _readable_project(ctx, project_id)
    if ctx.me.role_in(project["id"]) == "client":
        raise PermissionDenied()
    query = _episode_tasks(
        project["id"], EPISODE.c.id, Task.nb_drawings, Entity.nb_frames, Task.task_type_id,
        Task.retake_count, TaskStatus.is_done, TaskStatus.is_retake,
    )  # fmt: skip
    if mine_only:
        query = query.where(Task.id.in_(assigned_task_ids(ctx)))
    found = (await ctx.conn.execute(query)).all()
    results: dict[str, Any] = {"all": {"all": _retake_stats()}}
    for episode_id, drawings, frames, type_id, retake_count, is_done, is_retake in found:
        results.setdefault(episode_id, {"all": _retake_stats()})
        results["all"].setdefault(type_id, _retake_stats())
        results[episode_id].setdefault(type_id, _retake_stats())
        key = "done" if is_done else "retake" if is_retake else "other"
        for first, second in (("all", "all"), ("all", type_id), (episode_id, "all"),
                              (episode_id, type_id)):  # fmt: skip
            entry = results[first][second]
            entry["max_retake_count"] = max(entry["max_retake_count"], retake_count or 0)
            _add(entry[key], 1, frames, drawings)
    for episode_id, drawings, frames, type_id, retake_count, is_done, _ in found:
        retakes = retake_count or 0
        for second in ("all", type_id):
            entry = results[episode_id][second]
            for take in range(1, entry["max_retake_count"] + 1):
                evolution = entry["evolution"].setdefault(
                    str(take), {"done": _bucket(), "retake": _bucket(), "other": _bucket()}
                )
                key = (
                    "retake" if retakes > 0 and take <= retakes else "done" if is_done else "other"
                )
                _add(evolution[key], 1, frames, drawings)
    return results
