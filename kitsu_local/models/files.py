"""Working files and output files (zou-data-model.md 3.6)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from .base import VALIDATION_STATUSES, BaseTable, enum_field, fk, json_field, text


class WorkingFile(BaseTable, table=True):
    __tablename__ = "working_file"
    __table_args__ = (UniqueConstraint("name", "task_id", "entity_id", "revision"),)
    shotgun_id: int | None = Field(default=None, index=True)
    name: str | None = Field(default=None, max_length=250)
    description: str | None = text()
    comment: str | None = text()
    revision: int | None = None
    size: int | None = None
    checksum: int | None = None
    path: str | None = Field(default=None, max_length=400)
    data: Any = json_field()
    validation_status: str = enum_field(VALIDATION_STATUSES, "neutral", nullable=False)
    task_id: str | None = fk("task")
    entity_id: str | None = fk("entity")
    person_id: str | None = fk("person")
    software_id: str | None = fk("software")


class OutputFile(BaseTable, table=True):
    __tablename__ = "output_file"
    __table_args__ = (
        UniqueConstraint(
            "name", "entity_id", "asset_instance_id", "output_type_id", "task_type_id",
            "temporal_entity_id", "representation", "revision",
        ),
    )  # fmt: skip
    shotgun_id: int | None = None
    name: str = Field(max_length=250)
    canceled: bool = False
    size: int | None = None
    checksum: str | None = Field(default=None, max_length=32)
    description: str | None = text()
    comment: str | None = text()
    extension: str | None = Field(default=None, max_length=10)
    revision: int
    representation: str | None = Field(default=None, max_length=20, index=True)
    nb_elements: int | None = 1
    source: str | None = Field(default=None, max_length=40)
    path: str | None = Field(default=None, max_length=400)
    data: Any = json_field()
    quality: str | None = enum_field(("low", "mid", "high"), None)
    file_status_id: str = fk("file_status", nullable=False)
    entity_id: str | None = fk("entity")
    asset_instance_id: str | None = fk("asset_instance")
    output_type_id: str | None = fk("output_type")
    task_type_id: str | None = fk("task_type")
    person_id: str | None = fk("person")
    source_file_id: str | None = fk("working_file")
    temporal_entity_id: str | None = fk("entity")
