"""Studio-wide reference tables (zou-data-model.md 3.1)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import (
    AUTOMATION_OUT_FIELDS,
    POSITIONS,
    SENIORITIES,
    BaseTable,
    bigint,
    email_field,
    enum_field,
    fk,
    json_field,
    text,
)


class Organisation(BaseTable, table=True):
    __tablename__ = "organisation"
    name: str = Field(max_length=80, unique=True)
    hours_by_day: float = 8.0
    has_avatar: bool | None = False
    use_original_file_name: bool | None = False
    timesheets_locked: bool | None = False
    format_duration_in_hours: bool | None = False
    hd_by_default: bool | None = False
    chat_token_slack: str | None = Field(default="", max_length=80)
    chat_webhook_mattermost: str | None = Field(default="", max_length=80)
    chat_token_discord: str | None = Field(default="", max_length=80)
    dark_theme_by_default: bool | None = False


class Studio(BaseTable, table=True):
    __tablename__ = "studio"
    name: str = Field(max_length=80, unique=True)
    color: str = Field(max_length=7)
    archived: bool | None = False


class Department(BaseTable, table=True):
    __tablename__ = "department"
    name: str = Field(max_length=80, unique=True)
    color: str = Field(max_length=7)
    archived: bool | None = False


class HardwareItem(BaseTable, table=True):
    __tablename__ = "hardware_item"
    name: str = Field(max_length=40, unique=True)
    short_name: str = Field(max_length=20)
    archived: bool | None = False
    monthly_cost: int | None = 0
    inventory_amount: int | None = 0


class Software(BaseTable, table=True):
    __tablename__ = "software"
    name: str = Field(max_length=40, unique=True)
    short_name: str = Field(max_length=20)
    archived: bool | None = False
    version: str | None = Field(default=None, max_length=20)
    file_extension: str = Field(max_length=20)
    secondary_extensions: Any = json_field()
    monthly_cost: int | None = 0
    inventory_amount: int | None = 0


class HardwareItemDepartmentLink(BaseTable, table=True):
    __tablename__ = "hardware_item_department_link"
    __table_args__ = (UniqueConstraint("hardware_item_id", "department_id"),)
    department_id: str = fk("department", nullable=False)
    hardware_item_id: str = fk("hardware_item", nullable=False)


class SoftwareDepartmentLink(BaseTable, table=True):
    __tablename__ = "software_department_link"
    __table_args__ = (UniqueConstraint("department_id", "software_id"),)
    department_id: str = fk("department", nullable=False)
    software_id: str = fk("software", nullable=False)


class ProjectStatus(BaseTable, table=True):
    __tablename__ = "project_status"
    name: str = Field(max_length=20, unique=True)
    color: str = Field(max_length=7)


class TaskStatus(BaseTable, table=True):
    __tablename__ = "task_status"
    name: str = Field(max_length=40)
    short_name: str = Field(max_length=10, unique=True)
    description: str | None = text()
    color: str = Field(max_length=7)
    priority: int | None = 1
    archived: bool | None = False
    is_done: bool | None = False
    is_artist_allowed: bool | None = True
    is_client_allowed: bool | None = True
    is_retake: bool | None = False
    is_feedback_request: bool | None = False
    is_default: bool | None = False
    is_wip: bool | None = False
    for_concept: bool | None = False
    shotgun_id: int | None = None


class TaskType(BaseTable, table=True):
    __tablename__ = "task_type"
    __table_args__ = (UniqueConstraint("name", "for_entity", "department_id"),)
    name: str = Field(max_length=40)
    short_name: str | None = Field(default=None, max_length=20)
    description: str | None = text()
    color: str | None = Field(default="#FFFFFF", max_length=7)
    priority: int | None = 1
    for_entity: str | None = Field(default="Asset", max_length=30)
    allow_timelog: bool | None = True
    archived: bool | None = False
    shotgun_id: int | None = Field(default=None, index=True)
    department_id: str | None = fk("department")


class EntityType(BaseTable, table=True):
    __tablename__ = "entity_type"
    name: str = Field(max_length=30, unique=True, index=True)
    short_name: str | None = Field(default=None, max_length=20)
    description: str | None = text()
    archived: bool | None = False


class TaskTypeAssetTypeLink(SQLModel, table=True):
    __tablename__ = "task_type_asset_type_link"
    asset_type_id: str = fk("entity_type", primary_key=True)
    task_type_id: str = fk("task_type", primary_key=True)


class FileStatus(BaseTable, table=True):
    __tablename__ = "file_status"
    name: str = Field(max_length=40, unique=True)
    color: str = Field(max_length=7)


class OutputType(BaseTable, table=True):
    __tablename__ = "output_type"
    name: str = Field(max_length=40, unique=True, index=True)
    short_name: str = Field(max_length=20)


class CustomAction(BaseTable, table=True):
    __tablename__ = "custom_action"
    name: str = Field(max_length=80)
    url: str | None = Field(default=None, max_length=400)
    entity_type: str | None = Field(default="all", max_length=40)
    is_ajax: bool | None = False


class StatusAutomation(BaseTable, table=True):
    __tablename__ = "status_automation"
    entity_type: str | None = Field(default="asset", max_length=40)
    in_task_type_id: str | None = fk("task_type")
    in_task_status_id: str | None = fk("task_status")
    out_field_type: str = enum_field(AUTOMATION_OUT_FIELDS, "status", nullable=False)
    out_task_type_id: str | None = fk("task_type")
    out_task_status_id: str | None = fk("task_status")
    import_last_revision: bool | None = False
    archived: bool | None = False


class PreviewBackgroundFile(BaseTable, table=True):
    __tablename__ = "preview_background_file"
    name: str = Field(max_length=40)
    archived: bool | None = False
    is_default: bool | None = False
    original_name: str | None = Field(default=None, max_length=250)
    extension: str | None = Field(default=None, max_length=6)
    file_size: int | None = bigint(0)


class SalaryScale(BaseTable, table=True):
    __tablename__ = "salary_scale"
    department_id: str = fk("department", nullable=False, ondelete="CASCADE")
    position: str | None = enum_field(POSITIONS, "artist")
    seniority: str | None = enum_field(SENIORITIES, "mid")
    salary: int = 0


class Plugin(BaseTable, table=True):
    __tablename__ = "plugin"
    plugin_id: str = Field(max_length=80, unique=True, index=True)
    name: str = Field(max_length=80, index=True)
    description: str | None = text()
    version: str = Field(max_length=50)
    maintainer_name: str = Field(max_length=200)
    maintainer_email: str | None = email_field()
    website: str | None = text()
    license: str = Field(max_length=80)
    revision: str | None = Field(default=None, max_length=12)
    frontend_project_enabled: bool | None = False
    frontend_studio_enabled: bool | None = False
    icon: str | None = Field(default=None, max_length=255)
