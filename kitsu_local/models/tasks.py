"""Tasks, comments and reviews (zou-data-model.md 3.5)."""

from __future__ import annotations

import datetime
from typing import Any

from pydantic import NaiveDatetime
from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import (
    NOTIFICATION_TYPES,
    PREVIEW_STATUSES,
    VALIDATION_STATUSES,
    BaseTable,
    bigint,
    enum_field,
    fk,
    json_field,
    text,
    uuid_ref,
)


class Task(BaseTable, table=True):
    __tablename__ = "task"
    __table_args__ = (
        UniqueConstraint("name", "project_id", "task_type_id", "entity_id"),
        CheckConstraint("difficulty > 0 AND difficulty < 6", name="check_difficulty"),
    )
    name: str = Field(max_length=80)
    description: str | None = text()
    priority: int | None = 0
    difficulty: int = 3
    duration: float | None = 0
    estimation: float | None = 0
    completion_rate: int | None = 0
    retake_count: int | None = 0
    sort_order: int | None = 0
    start_date: NaiveDatetime | None = None
    due_date: NaiveDatetime | None = None
    real_start_date: NaiveDatetime | None = None
    end_date: NaiveDatetime | None = None
    done_date: NaiveDatetime | None = None
    last_comment_date: NaiveDatetime | None = None
    nb_assets_ready: int | None = 0
    data: Any = json_field()
    nb_drawings: int | None = 0
    shotgun_id: int | None = None
    last_preview_file_id: str | None = uuid_ref()
    project_id: str | None = fk("project")
    task_type_id: str | None = fk("task_type")
    task_status_id: str | None = fk("task_status")
    entity_id: str | None = fk("entity")
    assigner_id: str | None = fk("person")


class TaskPersonLink(SQLModel, table=True):
    """Task assignees."""

    __tablename__ = "task_person_link"
    task_id: str = fk("task", primary_key=True)
    person_id: str = fk("person", primary_key=True)


class TimeSpent(BaseTable, table=True):
    __tablename__ = "time_spent"
    __table_args__ = (
        UniqueConstraint("person_id", "task_id", "date"),
        CheckConstraint("duration > 0", name="check_duration_positive"),
    )
    duration: float
    date: datetime.date
    task_id: str | None = fk("task")
    person_id: str | None = fk("person")


class Comment(BaseTable, table=True):
    __tablename__ = "comment"
    shotgun_id: int | None = None
    object_id: str = Field(max_length=36, index=True, sa_column_kwargs={"info": {"uuid": True}})
    object_type: str = Field(default="Task", max_length=80, index=True)
    text: str | None = text()
    data: Any = json_field()
    replies: Any = json_field([])
    checklist: Any = json_field()
    pinned: bool | None = None
    for_client: bool | None = False
    links: Any = json_field()
    task_status_id: str | None = fk("task_status")
    person_id: str = fk("person", nullable=False)
    editor_id: str | None = fk("person")
    preview_file_id: str | None = fk("preview_file")


class CommentPreviewLink(SQLModel, table=True):
    __tablename__ = "comment_preview_link"
    comment: str = fk("comment", primary_key=True)
    preview_file: str = fk("preview_file", primary_key=True)


class CommentMentions(SQLModel, table=True):
    __tablename__ = "comment_mentions"
    comment: str = fk("comment", primary_key=True)
    person: str = fk("person", primary_key=True)


class CommentDepartmentMentions(SQLModel, table=True):
    __tablename__ = "comment_department_mentions"
    comment: str = fk("comment", primary_key=True)
    department: str = fk("department", primary_key=True)


class CommentAcknoledgments(SQLModel, table=True):
    __tablename__ = "comment_acknoledgments"  # (sic), as in Zou
    comment: str = fk("comment", primary_key=True)
    person: str = fk("person", primary_key=True)


class AttachmentFile(BaseTable, table=True):
    __tablename__ = "attachment_file"
    name: str | None = Field(default=None, max_length=250)
    size: int | None = bigint(1)
    extension: str | None = Field(default=None, max_length=6)
    mimetype: str | None = Field(default=None, max_length=255)
    comment_id: str | None = fk("comment")
    reply_id: str | None = uuid_ref()
    chat_message_id: str | None = fk("chat_message")


class PreviewFile(BaseTable, table=True):
    __tablename__ = "preview_file"
    __table_args__ = (UniqueConstraint("name", "task_id", "revision"),)
    name: str | None = Field(default=None, max_length=250)
    original_name: str | None = Field(default=None, max_length=250)
    revision: int | None = 1
    position: int | None = 1
    extension: str | None = Field(default=None, max_length=6)
    description: str | None = text()
    path: str | None = Field(default=None, max_length=400)
    source: str | None = Field(default=None, max_length=40)
    file_size: int | None = bigint(0)
    status: str = enum_field(PREVIEW_STATUSES, "processing", nullable=False)
    validation_status: str = enum_field(VALIDATION_STATUSES, "neutral", nullable=False)
    annotations: Any = json_field()
    width: int | None = 0
    height: int | None = 0
    duration: float | None = 0
    data: Any = json_field()
    token_in: int | None = None
    token_out: int | None = None
    task_id: str | None = fk("task")
    person_id: str | None = fk("person")
    source_file_id: str | None = fk("output_file")
    shotgun_id: int | None = Field(default=None, unique=True)
    is_movie: bool | None = False
    url: str | None = Field(default=None, max_length=600)
    uploaded_movie_url: str | None = Field(default=None, max_length=600)
    uploaded_movie_name: str | None = Field(default=None, max_length=150)


class Subscription(BaseTable, table=True):
    __tablename__ = "subscription"
    __table_args__ = (
        UniqueConstraint("person_id", "task_id"),
        UniqueConstraint("person_id", "task_type_id", "entity_id"),
    )
    person_id: str = fk("person", nullable=False)
    task_id: str | None = fk("task")
    entity_id: str | None = fk("entity")
    task_type_id: str | None = fk("task_type")


class Notification(BaseTable, table=True):
    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("person_id", "author_id", "comment_id", "reply_id", "playlist_id", "type"),
    )
    read: bool = False
    change: bool = False
    type: str = enum_field(NOTIFICATION_TYPES, None, nullable=False)
    person_id: str = fk("person", nullable=False)
    author_id: str = fk("person", nullable=False)
    comment_id: str | None = fk("comment")
    task_id: str | None = fk("task")
    playlist_id: str | None = fk("playlist")
    reply_id: str | None = uuid_ref()


class News(BaseTable, table=True):
    __tablename__ = "news"
    change: bool = False
    author_id: str = fk("person", nullable=False)
    comment_id: str | None = fk("comment")
    task_id: str = fk("task", nullable=False)
    preview_file_id: str | None = fk("preview_file")
