"""Projects and their configuration (zou-data-model.md 3.3)."""

from __future__ import annotations

import datetime
from typing import Any

from pydantic import NaiveDatetime
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import (
    METADATA_DATA_TYPES,
    POSITIONS,
    PROJECT_STYLES,
    ROLES,
    SENIORITIES,
    BaseTable,
    enum_field,
    fk,
    json_field,
    partial_unique_index,
    text,
    uuid_ref,
)

DEFAULT_ROLES_FOR_BOARD = ["user", "admin", "supervisor", "manager", "vendor"]


class ProductionSettings(BaseTable):
    """The settings a project shares with the templates it can be created from."""

    name: str = Field(max_length=80, unique=True, index=True)
    description: str | None = text()
    file_tree: Any = json_field()
    data: Any = json_field()
    fps: str | None = Field(default="25", max_length=10)
    ratio: str | None = Field(default="16:9", max_length=10)
    resolution: str | None = Field(default="1920x1080", max_length=12)
    production_type: str | None = Field(default="short", max_length=20)
    production_style: str = enum_field(PROJECT_STYLES, "2d3d", nullable=False)
    max_retakes: int | None = 0
    is_clients_isolated: bool | None = False
    is_preview_download_allowed: bool | None = False
    is_set_preview_automated: bool | None = False
    homepage: str | None = Field(default="assets", max_length=80)
    is_publish_default_for_artists: bool | None = False
    is_single_preview_per_revision: bool | None = False
    is_frame_in_numbering: bool | None = False
    revision_padding: int = 0
    # Null: the server's movie_*def_bitrate settings apply (as Zou).
    hd_bitrate_compression: int | None = None
    ld_bitrate_compression: int | None = None
    default_preview_background_file_id: str | None = fk("preview_background_file")


class Project(ProductionSettings, table=True):
    __tablename__ = "project"
    code: str | None = Field(default=None, max_length=80)
    shotgun_id: int | None = None
    has_avatar: bool | None = False
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    man_days: int | None = None
    nb_episodes: int | None = 0
    episode_span: int | None = 0
    is_bot_collaboration_enabled: bool | None = False
    # Client visibility switches of the web UI (Zou 1.0.97, newer than the data model notes).
    is_client_stats_visible: bool | None = True
    is_client_task_list_visible: bool | None = True
    is_client_task_panel_visible: bool | None = True
    project_status_id: str | None = fk("project_status")
    # Circular with production_schedule_version: declared without a DB-level FK.
    from_schedule_version_id: str | None = uuid_ref(index=True)


class ProjectPersonLink(SQLModel, table=True):
    """The project team; ``role`` overrides the person's global role inside the project."""

    __tablename__ = "project_person_link"
    project_id: str = fk("project", primary_key=True)
    person_id: str = fk("person", primary_key=True)
    shotgun_id: int | None = None
    role: str | None = enum_field(ROLES, None)


class ProjectTaskTypeLink(BaseTable, table=True):
    __tablename__ = "project_task_type_link"
    __table_args__ = (UniqueConstraint("project_id", "task_type_id"),)
    project_id: str = fk("project", nullable=False)
    task_type_id: str = fk("task_type", nullable=False)
    priority: int | None = None
    # Movie bitrates (Mbit/s) of this task type's previews; null: the project's.
    hd_bitrate_compression: int | None = None
    ld_bitrate_compression: int | None = None
    is_client_visible: bool | None = True


class ProjectTaskStatusLink(BaseTable, table=True):
    __tablename__ = "project_task_status_link"
    __table_args__ = (UniqueConstraint("project_id", "task_status_id"),)
    project_id: str = fk("project", nullable=False)
    task_status_id: str = fk("task_status", nullable=False)
    priority: int | None = None
    roles_for_board: Any = json_field(DEFAULT_ROLES_FOR_BOARD)
    # Null: the studio's TaskStatus.is_client_allowed applies.
    is_client_allowed: bool | None = None


class ProjectAssetTypeLink(SQLModel, table=True):
    __tablename__ = "project_asset_type_link"
    project_id: str = fk("project", primary_key=True)
    asset_type_id: str = fk("entity_type", primary_key=True)


class ProjectStatusAutomationLink(SQLModel, table=True):
    __tablename__ = "project_status_automation_link"
    project_id: str = fk("project", primary_key=True)
    status_automation_id: str = fk("status_automation", primary_key=True)


class ProjectPreviewBackgroundFileLink(SQLModel, table=True):
    __tablename__ = "project_preview_background_file_link"
    project_id: str = fk("project", primary_key=True)
    preview_background_file_id: str = fk("preview_background_file", primary_key=True)


class ProjectTemplate(ProductionSettings, table=True):
    """A reusable snapshot of project configuration (no team, no entities, no tasks)."""

    __tablename__ = "project_template"
    metadata_descriptors: Any = json_field([])


class ProjectTemplateTaskTypeLink(BaseTable, table=True):
    __tablename__ = "project_template_task_type_link"
    __table_args__ = (UniqueConstraint("project_template_id", "task_type_id"),)
    project_template_id: str = fk("project_template", nullable=False)
    task_type_id: str = fk("task_type", nullable=False)
    priority: int | None = None


class ProjectTemplateTaskStatusLink(BaseTable, table=True):
    __tablename__ = "project_template_task_status_link"
    __table_args__ = (UniqueConstraint("project_template_id", "task_status_id"),)
    project_template_id: str = fk("project_template", nullable=False)
    task_status_id: str = fk("task_status", nullable=False)
    priority: int | None = None
    roles_for_board: Any = json_field(DEFAULT_ROLES_FOR_BOARD)


class ProjectTemplateAssetTypeLink(SQLModel, table=True):
    __tablename__ = "project_template_asset_type_link"
    project_template_id: str = fk("project_template", primary_key=True)
    asset_type_id: str = fk("entity_type", primary_key=True)


class ProjectTemplateStatusAutomationLink(SQLModel, table=True):
    __tablename__ = "project_template_status_automation_link"
    project_template_id: str = fk("project_template", primary_key=True)
    status_automation_id: str = fk("status_automation", primary_key=True)


class ProjectTemplatePreviewBackgroundFileLink(SQLModel, table=True):
    __tablename__ = "project_template_preview_background_file_link"
    project_template_id: str = fk("project_template", primary_key=True)
    preview_background_file_id: str = fk("preview_background_file", primary_key=True)


class MetadataDescriptor(BaseTable, table=True):
    __tablename__ = "metadata_descriptor"
    __table_args__ = (
        partial_unique_index(
            "ix_metadata_descriptor_name",
            "project_id", "entity_type", "name",
            sqlite_where="task_type_id IS NULL", postgresql_where="task_type_id IS NULL",
        ),
        partial_unique_index(
            "ix_metadata_descriptor_field_name",
            "project_id", "entity_type", "field_name",
            sqlite_where="task_type_id IS NULL", postgresql_where="task_type_id IS NULL",
        ),
        partial_unique_index(
            "ix_metadata_descriptor_task_type_name",
            "project_id", "entity_type", "task_type_id", "name",
            sqlite_where="task_type_id IS NOT NULL", postgresql_where="task_type_id IS NOT NULL",
        ),
        partial_unique_index(
            "ix_metadata_descriptor_task_type_field_name",
            "project_id", "entity_type", "task_type_id", "field_name",
            sqlite_where="task_type_id IS NOT NULL", postgresql_where="task_type_id IS NOT NULL",
        ),
    )  # fmt: skip
    project_id: str = fk("project", nullable=False)
    entity_type: str = Field(max_length=60, index=True)
    task_type_id: str | None = fk("task_type")
    name: str = Field(max_length=120)
    data_type: str | None = enum_field(METADATA_DATA_TYPES, None)
    field_name: str = Field(max_length=120)
    choices: Any = json_field()
    for_client: bool | None = Field(default=False, index=True)
    position: int | None = None


class DepartmentMetadataDescriptorLink(SQLModel, table=True):
    __tablename__ = "department_metadata_descriptor_link"
    metadata_descriptor_id: str = fk("metadata_descriptor", primary_key=True)
    department_id: str = fk("department", primary_key=True)


class Milestone(BaseTable, table=True):
    __tablename__ = "milestone"
    date: datetime.date | None = None
    name: str = Field(max_length=40)
    project_id: str | None = fk("project")
    task_type_id: str | None = fk("task_type")


class ScheduleItem(BaseTable, table=True):
    __tablename__ = "schedule_item"
    __table_args__ = (UniqueConstraint("project_id", "task_type_id", "object_id"),)
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    man_days: int | None = None
    project_id: str | None = fk("project")
    task_type_id: str | None = fk("task_type")
    object_id: str | None = uuid_ref(index=True)


class ProductionScheduleVersion(BaseTable, table=True):
    __tablename__ = "production_schedule_version"
    __table_args__ = (UniqueConstraint("name", "project_id"),)
    name: str = Field(max_length=80)
    project_id: str = fk("project", nullable=False, ondelete="CASCADE")
    production_schedule_from: str | None = fk("production_schedule_version")
    locked: bool | None = False
    canceled: bool | None = False


class ProductionScheduleVersionTaskLink(BaseTable, table=True):
    __tablename__ = "production_schedule_version_task_link"
    __table_args__ = (UniqueConstraint("production_schedule_version_id", "task_id"),)
    production_schedule_version_id: str = fk(
        "production_schedule_version", nullable=False, ondelete="CASCADE"
    )
    task_id: str = fk("task", nullable=False, ondelete="CASCADE")
    start_date: NaiveDatetime | None = None
    due_date: NaiveDatetime | None = None
    estimation: float | None = 0


class ProductionScheduleVersionTaskLinkPersonLink(SQLModel, table=True):
    __tablename__ = "production_schedule_version_task_link_person_link"
    production_schedule_version_task_link_id: str = fk(
        "production_schedule_version_task_link", primary_key=True, ondelete="CASCADE"
    )
    person_id: str = fk("person", primary_key=True, ondelete="CASCADE")


class Budget(BaseTable, table=True):
    __tablename__ = "budget"
    project_id: str | None = fk("project")
    revision: int = 1
    name: str = Field(max_length=255)
    currency: str | None = Field(default=None, max_length=3)


class BudgetEntry(BaseTable, table=True):
    __tablename__ = "budget_entry"
    budget_id: str = fk("budget", nullable=False)
    department_id: str = fk("department", nullable=False)
    person_id: str | None = fk("person")
    start_date: datetime.date
    months_duration: int
    daily_salary: float
    position: str | None = enum_field(POSITIONS, "artist")
    seniority: str | None = enum_field(SENIORITIES, "mid")
    exceptions: Any = json_field()
