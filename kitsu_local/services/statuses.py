"""Task status lookups shared by tasks and comments (zou-data-model.md 8.1)."""

from __future__ import annotations

from sqlalchemy import func

from .. import rows
from ..context import Ctx
from ..models import TaskStatus
from .spec import Row


async def default_task_status(ctx: Ctx, for_concept: bool = False) -> Row:
    """The status given to new tasks (``Todo``, or ``Neutral`` for concepts), created if none."""
    status = await rows.first_where(
        ctx.conn,
        TaskStatus,
        TaskStatus.is_default.is_(True),
        func.coalesce(TaskStatus.for_concept, False).is_(for_concept),
    )
    if status is not None:
        return status
    name, short_name, color = ("Neutral", "neutral", "#CCCCCC") if for_concept else (
        "Todo", "todo", "#f5f5f5",
    )  # fmt: skip
    existing = await rows.first_where(ctx.conn, TaskStatus, TaskStatus.short_name == short_name)
    if existing is not None:
        return await rows.update_row(ctx.conn, TaskStatus, existing["id"], {"is_default": True})
    return await rows.insert_row(
        ctx.conn,
        TaskStatus,
        {
            "name": name, "short_name": short_name, "color": color, "is_default": True,
            "for_concept": for_concept,
        },
    )  # fmt: skip
