"""Deletions that take dependent rows with them (zou-data-model.md 5.5): tasks, preview files,
playlists and whole projects. Done in application code, in dependency order, in the caller's
transaction: a refusal anywhere rolls the whole deletion back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select, update

from .. import events, rows
from ..context import Ctx
from ..errors import DB_FOREIGN_KEY, DatabaseRefusal
from ..models import (
    ApiEvent,
    AssetInstance,
    AssetInstanceLink,
    AttachmentFile,
    Budget,
    BudgetEntry,
    BuildJob,
    Comment,
    CommentAcknoledgments,
    CommentDepartmentMentions,
    CommentMentions,
    CommentPreviewLink,
    DepartmentMetadataDescriptorLink,
    Entity,
    EntityConceptLink,
    EntityLink,
    EntityVersion,
    MetadataDescriptor,
    Milestone,
    News,
    Notification,
    OutputFile,
    Playlist,
    PlaylistShareLink,
    PreviewFile,
    ProductionScheduleVersion,
    Project,
    ProjectAssetTypeLink,
    ProjectPersonLink,
    ProjectPreviewBackgroundFileLink,
    ProjectStatusAutomationLink,
    ProjectTaskStatusLink,
    ProjectTaskTypeLink,
    ScheduleItem,
    SearchFilter,
    SearchFilterGroup,
    Subscription,
    Task,
    TaskPersonLink,
    TimeSpent,
    WorkingFile,
)  # fmt: skip
from .spec import Row


async def remove_task(ctx: Ctx, task: Row, force: bool = False) -> None:
    """Delete a task; with ``force`` its comments, previews, files and times go first.

    Comments point at their task without a foreign key: without ``force`` they are checked
    here, so that a task is never deleted from under its review history."""
    if force:
        await _remove_task_dependents(ctx, [task["id"]])
    elif await rows.count_where(ctx.conn, Comment, Comment.object_id == task["id"]):
        raise DatabaseRefusal(DB_FOREIGN_KEY)
    await rows.delete_where(ctx.conn, TaskPersonLink, TaskPersonLink.task_id == task["id"])
    await rows.delete_row(ctx.conn, Task, task["id"])
    await events.emit(
        ctx,
        "task:delete",
        {
            "task_id": task["id"],
            "entity_id": task["entity_id"],
            "task_type_id": task["task_type_id"],
        },
        task["project_id"],
    )


async def remove_tasks(ctx: Ctx, tasks: Sequence[Row]) -> None:
    """Delete many tasks with everything hanging on them, in a constant number of statements."""
    task_ids = [task["id"] for task in tasks]
    if not task_ids:
        return
    await _remove_task_dependents(ctx, task_ids)
    for chunk in rows.chunked(task_ids):
        await rows.delete_where(ctx.conn, TaskPersonLink, TaskPersonLink.task_id.in_(chunk))
        await rows.delete_where(ctx.conn, Task, Task.id.in_(chunk))
    payloads = [
        ({"task_id": t["id"], "entity_id": t["entity_id"], "task_type_id": t["task_type_id"]},
         t["project_id"])
        for t in tasks
    ]  # fmt: skip
    await events.emit_many(ctx, "task:delete", payloads)


async def remove_entity(ctx: Ctx, entity: Row, force: bool) -> None:
    """Delete an entity; with ``force`` its children, tasks, casting, versions, files and
    instances go first (otherwise the database refuses while any of them remain)."""
    conn = ctx.conn
    entity_id = entity["id"]
    if force:
        for child in await rows.fetch_where(conn, Entity, Entity.parent_id == entity_id):
            await remove_entity(ctx, child, force=True)
        for task in await rows.fetch_where(conn, Task, Task.entity_id == entity_id):
            await remove_task(ctx, task, force=True)
        await rows.delete_where(conn, EntityVersion, EntityVersion.entity_id == entity_id)
        await rows.delete_where(conn, Subscription, Subscription.entity_id == entity_id)
        outputs = select(OutputFile.id).where(
            (OutputFile.entity_id == entity_id) | (OutputFile.temporal_entity_id == entity_id)
        )
        await conn.execute(
            update(PreviewFile)
            .where(PreviewFile.source_file_id.in_(outputs))
            .values(source_file_id=None)
        )
        await rows.delete_where(conn, OutputFile, OutputFile.id.in_(outputs))
        await rows.delete_where(conn, WorkingFile, WorkingFile.entity_id == entity_id)
        instances = select(AssetInstance.id).where(
            (AssetInstance.asset_id == entity_id)
            | (AssetInstance.scene_id == entity_id)
            | (AssetInstance.target_asset_id == entity_id)
        )
        await rows.delete_where(
            conn, AssetInstanceLink, AssetInstanceLink.asset_instance_id.in_(instances)
        )
        await rows.delete_where(conn, AssetInstance, AssetInstance.id.in_(instances))
        await conn.execute(
            update(Entity).where(Entity.source_id == entity_id).values(source_id=None)
        )
    await rows.delete_where(conn, AssetInstanceLink, AssetInstanceLink.entity_id == entity_id)
    for link in (EntityLink, EntityConceptLink):
        table = link.__table__
        await rows.delete_where(conn, link, table.c.entity_in_id == entity_id)
        await rows.delete_where(conn, link, table.c.entity_out_id == entity_id)
    await rows.delete_row(conn, Entity, entity_id)


async def remove_preview_file(ctx: Ctx, preview: Row) -> None:
    """Delete a preview file and every reference to it."""
    await _remove_previews(ctx, [preview["id"]])
    if preview.get("task_id"):
        await refresh_last_preview(ctx, preview["task_id"])


async def refresh_last_preview(ctx: Ctx, task_id: str) -> None:
    """``task.last_preview_file_id``: the newest main (position 1) preview of the task."""
    newest = (
        await ctx.conn.execute(
            select(PreviewFile.id)
            .where(PreviewFile.task_id == task_id, PreviewFile.position == 1)
            .order_by(PreviewFile.revision.desc(), PreviewFile.created_at.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    await ctx.conn.execute(
        update(Task).where(Task.id == task_id).values(last_preview_file_id=newest)
    )


async def remove_playlist(ctx: Ctx, playlist_id: str) -> None:
    for model, column in (
        (Notification, Notification.playlist_id),
        (BuildJob, BuildJob.playlist_id),
        (PlaylistShareLink, PlaylistShareLink.playlist_id),
    ):
        await rows.delete_where(ctx.conn, model, column == playlist_id)
    await rows.delete_row(ctx.conn, Playlist, playlist_id)


async def remove_project(ctx: Ctx, project: Row, force: bool) -> None:
    """Delete a project; with ``force`` everything it owns first (otherwise remaining data
    makes the database refuse, which answers 400)."""
    project_id = project["id"]
    conn = ctx.conn
    if force:
        entity_ids = select(Entity.id).where(Entity.project_id == project_id).scalar_subquery()
        task_ids = [
            row[0]
            for row in await conn.execute(select(Task.id).where(Task.project_id == project_id))
        ]
        await conn.execute(
            update(Entity).where(Entity.project_id == project_id).values(preview_file_id=None)
        )
        await _remove_task_dependents(ctx, task_ids)
        for chunk in rows.chunked(task_ids):
            await rows.delete_where(conn, TaskPersonLink, TaskPersonLink.task_id.in_(chunk))
            await rows.delete_where(conn, Task, Task.id.in_(chunk))
        budget_ids = select(Budget.id).where(Budget.project_id == project_id).scalar_subquery()
        await rows.delete_where(conn, BudgetEntry, BudgetEntry.budget_id.in_(budget_ids))
        await rows.delete_where(conn, Budget, Budget.project_id == project_id)
        for link in (EntityLink, EntityConceptLink):
            table = link.__table__
            await rows.delete_where(conn, link, table.c.entity_in_id.in_(entity_ids))
            await rows.delete_where(conn, link, table.c.entity_out_id.in_(entity_ids))
        await rows.delete_where(conn, EntityVersion, EntityVersion.entity_id.in_(entity_ids))
        for playlist_id in (
            (await conn.execute(select(Playlist.id).where(Playlist.project_id == project_id)))
            .scalars()
            .all()
        ):
            await remove_playlist(ctx, playlist_id)
        await rows.delete_where(conn, ApiEvent, ApiEvent.project_id == project_id)
        output_ids = select(OutputFile.id).where(
            OutputFile.entity_id.in_(entity_ids) | OutputFile.temporal_entity_id.in_(entity_ids)
        )
        await conn.execute(
            update(PreviewFile)
            .where(PreviewFile.source_file_id.in_(output_ids))
            .values(source_file_id=None)
        )
        await rows.delete_where(conn, OutputFile, OutputFile.id.in_(output_ids))
        await rows.delete_where(conn, WorkingFile, WorkingFile.entity_id.in_(entity_ids))
        instance_ids = select(AssetInstance.id).where(AssetInstance.asset_id.in_(entity_ids))
        await rows.delete_where(
            conn, AssetInstanceLink, AssetInstanceLink.asset_instance_id.in_(instance_ids)
        )
        await rows.delete_where(
            conn, AssetInstanceLink, AssetInstanceLink.entity_id.in_(entity_ids)
        )
        await rows.delete_where(conn, AssetInstance, AssetInstance.asset_id.in_(entity_ids))
        await rows.delete_where(conn, Subscription, Subscription.entity_id.in_(entity_ids))
        await conn.execute(
            update(Entity)
            .where(Entity.project_id == project_id)
            .values(parent_id=None, source_id=None)
        )
        await rows.delete_where(conn, Entity, Entity.project_id == project_id)
        descriptor_ids = select(MetadataDescriptor.id).where(
            MetadataDescriptor.project_id == project_id
        )
        await rows.delete_where(
            conn, DepartmentMetadataDescriptorLink,
            DepartmentMetadataDescriptorLink.metadata_descriptor_id.in_(descriptor_ids),
        )  # fmt: skip
        for model in (MetadataDescriptor, Milestone, ScheduleItem, ProductionScheduleVersion, SearchFilter,
                      SearchFilterGroup):  # fmt: skip
            await rows.delete_where(conn, model, model.__table__.c.project_id == project_id)
    else:
        # The event log is not production data: keep it, unscoped, when the project goes.
        await conn.execute(
            update(ApiEvent).where(ApiEvent.project_id == project_id).values(project_id=None)
        )
    for link in (
        ProjectPersonLink, ProjectTaskTypeLink, ProjectTaskStatusLink, ProjectAssetTypeLink,
        ProjectStatusAutomationLink, ProjectPreviewBackgroundFileLink,
    ):  # fmt: skip
        await rows.delete_where(conn, link, link.__table__.c.project_id == project_id)
    await rows.delete_row(conn, Project, project_id)


# ==== internals ==============================================================================
async def _remove_task_dependents(ctx: Ctx, task_ids: Sequence[str]) -> None:
    conn = ctx.conn
    for chunk in rows.chunked(list(task_ids)):
        working_ids = select(WorkingFile.id).where(WorkingFile.task_id.in_(chunk))
        await conn.execute(
            update(OutputFile)
            .where(OutputFile.source_file_id.in_(working_ids))
            .values(source_file_id=None)
        )
        await rows.delete_where(conn, WorkingFile, WorkingFile.task_id.in_(chunk))
        comment_ids = select(Comment.id).where(Comment.object_id.in_(chunk))
        await rows.delete_where(conn, Notification, Notification.comment_id.in_(comment_ids))
        await rows.delete_where(conn, News, News.comment_id.in_(comment_ids))
        for model, column in (
            (CommentMentions, CommentMentions.comment),
            (CommentDepartmentMentions, CommentDepartmentMentions.comment),
            (CommentAcknoledgments, CommentAcknoledgments.comment),
            (CommentPreviewLink, CommentPreviewLink.comment),
            (AttachmentFile, AttachmentFile.comment_id),
        ):
            await rows.delete_where(conn, model, column.in_(comment_ids))
        preview_ids = [
            row[0]
            for row in await conn.execute(
                select(PreviewFile.id).where(PreviewFile.task_id.in_(chunk))
            )
        ]
        await conn.execute(
            update(Comment).where(Comment.object_id.in_(chunk)).values(preview_file_id=None)
        )
        await rows.delete_where(conn, Comment, Comment.object_id.in_(chunk))
        await _remove_previews(ctx, preview_ids)
        for model, column in (
            (Subscription, Subscription.task_id),
            (TimeSpent, TimeSpent.task_id),
            (Notification, Notification.task_id),
            (News, News.task_id),
        ):
            await rows.delete_where(conn, model, column.in_(chunk))


async def _remove_previews(ctx: Ctx, preview_ids: Sequence[Any]) -> None:
    """Delete preview rows and their references; their files go once the deletion commits."""
    conn = ctx.conn
    store = ctx.state.store
    for preview_id in preview_ids:
        ctx.after_commit.append(lambda preview_id=preview_id: store.delete_all(preview_id))
    for chunk in rows.chunked(list(preview_ids)):
        await conn.execute(
            update(Entity).where(Entity.preview_file_id.in_(chunk)).values(preview_file_id=None)
        )
        await conn.execute(
            update(News).where(News.preview_file_id.in_(chunk)).values(preview_file_id=None)
        )
        await conn.execute(
            update(Comment).where(Comment.preview_file_id.in_(chunk)).values(preview_file_id=None)
        )
        await conn.execute(
            update(Task)
            .where(Task.last_preview_file_id.in_(chunk))
            .values(last_preview_file_id=None)
        )
        await conn.execute(
            delete(CommentPreviewLink).where(CommentPreviewLink.preview_file.in_(chunk))
        )
        await rows.delete_where(conn, PreviewFile, PreviewFile.id.in_(chunk))


async def remove_comment(ctx: Ctx, comment: Row) -> None:
    """Delete a comment with its notifications, news, previews links and attachments."""
    comment_id = comment["id"]
    conn = ctx.conn
    await rows.delete_where(conn, Notification, Notification.comment_id == comment_id)
    await rows.delete_where(conn, News, News.comment_id == comment_id)
    for model, column in (
        (CommentMentions, CommentMentions.comment),
        (CommentDepartmentMentions, CommentDepartmentMentions.comment),
        (CommentAcknoledgments, CommentAcknoledgments.comment),
        (AttachmentFile, AttachmentFile.comment_id),
    ):
        await rows.delete_where(conn, model, column == comment_id)
    preview_ids = [
        link["preview_file"]
        for link in await rows.fetch_where(
            conn, CommentPreviewLink, CommentPreviewLink.comment == comment_id
        )
    ]
    await rows.delete_where(conn, CommentPreviewLink, CommentPreviewLink.comment == comment_id)
    if preview_ids:
        for preview in await rows.fetch_where(conn, PreviewFile, PreviewFile.id.in_(preview_ids)):
            await remove_preview_file(ctx, preview)
    await rows.delete_row(conn, Comment, comment_id)
