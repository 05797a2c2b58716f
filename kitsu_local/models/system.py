"""System tables: the event log, import errors (zou-data-model.md 3.10), and kitsu-local's own
key/value store, which replaces Zou's Redis (revoked tokens, reset tokens, OTP counters, FIDO
ceremony state)."""

from __future__ import annotations

from typing import Any

from pydantic import NaiveDatetime
from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from .base import IMPORT_SOURCES, BaseTable, enum_field, fk, json_field, text


class ApiEvent(BaseTable, table=True):
    __tablename__ = "api_event"
    __table_args__ = (
        Index("ix_api_event_created_at", "created_at"),
        Index("ix_api_event_project_created_at", "project_id", "created_at"),
    )
    name: str = Field(max_length=80, index=True)
    user_id: str | None = fk("person")
    project_id: str | None = fk("project", index=False)
    data: Any = json_field()


class DataImportError(BaseTable, table=True):
    __tablename__ = "data_import_error"
    event_data: Any = Field(sa_type=JSON, nullable=False)
    source: str | None = enum_field(IMPORT_SOURCES, None)


class KeyValue(SQLModel, table=True):
    """Short-lived server state with an expiry (what Zou keeps in Redis)."""

    __tablename__ = "kitsu_local_key_value"
    key: str = Field(primary_key=True, max_length=200)
    value: str = Field(default="")
    expires_at: NaiveDatetime | None = Field(default=None, index=True)


JOB_STATUSES = ("queued", "running", "done", "failed")


class Job(BaseTable, table=True):
    """A unit of background work (a preview to process), persisted so none is lost."""

    __tablename__ = "kitsu_local_job"
    __table_args__ = (Index("ix_kitsu_local_job_status_created", "status", "created_at"),)
    kind: str = Field(max_length=40)
    object_id: str | None = Field(
        default=None, max_length=36, index=True, sa_column_kwargs={"info": {"uuid": True}}
    )
    payload: Any = json_field({})
    status: str = enum_field(JOB_STATUSES, "queued", nullable=False)
    attempts: int = 0
    error: str | None = text()
    started_at: NaiveDatetime | None = None
    finished_at: NaiveDatetime | None = None
