"""Playlists (zou-data-model.md 3.7)."""

from __future__ import annotations

from typing import Any

from pydantic import NaiveDatetime
from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field

from .base import BUILD_JOB_STATUSES, BUILD_JOB_TYPES, BaseTable, enum_field, fk, json_field, text


class Playlist(BaseTable, table=True):
    __tablename__ = "playlist"
    __table_args__ = (UniqueConstraint("name", "project_id", "episode_id"),)
    name: str = Field(max_length=80)
    shots: Any = json_field()
    project_id: str | None = fk("project")
    episode_id: str | None = fk("entity")
    task_type_id: str | None = fk("task_type")
    for_client: bool | None = Field(default=False, index=True)
    for_entity: str | None = Field(default="shot", max_length=10, index=True)
    is_for_all: bool | None = False
    created_by: str | None = fk("person")


class BuildJob(BaseTable, table=True):
    __tablename__ = "build_job"
    status: str = enum_field(BUILD_JOB_STATUSES, "running", nullable=False)
    job_type: str = enum_field(BUILD_JOB_TYPES, "movie", nullable=False)
    ended_at: NaiveDatetime | None = None
    # Why a build failed (Zou 1.0.97's column).
    message: str | None = text()
    playlist_id: str = fk("playlist", nullable=False)


class PlaylistShareLink(BaseTable, table=True):
    __tablename__ = "playlist_share_link"
    __table_args__ = (Index("ix_playlist_share_link_active", "playlist_id", "is_active"),)
    token: str = Field(max_length=64, unique=True)
    playlist_id: str = fk("playlist", nullable=False, index=False)
    created_by: str = fk("person", nullable=False)
    expiration_date: NaiveDatetime | None = None
    is_active: bool = True
    can_comment: bool = True
    password: str | None = Field(default=None, max_length=255)
