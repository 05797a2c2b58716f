"""Production breakdown: the polymorphic ``entity`` table and casting (zou-data-model.md 2, 3.4)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, ForeignKey, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import ENTITY_STATUSES, BaseTable, enum_field, fk, json_field, text


class Entity(BaseTable, table=True):
    """Assets, shots, sequences, episodes, scenes, edits and concepts, told apart by type."""

    __tablename__ = "entity"
    __table_args__ = (
        UniqueConstraint("name", "project_id", "entity_type_id", "parent_id"),
        Index("ix_entity_project_type_status", "project_id", "entity_type_id", "status"),
    )
    name: str = Field(max_length=160)
    code: str | None = Field(default=None, max_length=160)
    description: str | None = text()
    shotgun_id: int | None = None
    canceled: bool | None = False
    nb_frames: int | None = None
    nb_entities_out: int | None = 0
    is_casting_standby: bool | None = False
    is_shared: bool = False
    status: str = enum_field(ENTITY_STATUSES, "running", nullable=False)
    project_id: str = fk("project", nullable=False)
    entity_type_id: str = fk("entity_type", nullable=False)
    parent_id: str | None = fk("entity")
    source_id: str | None = fk("entity")
    # entity -> preview_file -> task -> entity is a cycle: this FK is created after the tables.
    preview_file_id: str | None = Field(
        default=None,
        sa_column=Column(
            String(36),
            ForeignKey("preview_file.id", use_alter=True, name="fk_main_preview"),
            index=True,
            info={"uuid": True},
        ),
    )
    data: Any = json_field()
    ready_for: str | None = fk("task_type")
    created_by: str | None = fk("person")


class EntityLink(BaseTable, table=True):
    """Casting: ``entity_out`` (an asset) is cast in ``entity_in`` (shot, episode, asset)."""

    __tablename__ = "entity_link"
    __table_args__ = (UniqueConstraint("entity_in_id", "entity_out_id"),)
    entity_in_id: str = fk("entity", nullable=False)
    entity_out_id: str = fk("entity", nullable=False)
    data: Any = json_field()
    nb_occurences: int | None = 1
    label: str | None = Field(default="", max_length=80)


class EntityConceptLink(BaseTable, table=True):
    __tablename__ = "entity_concept_link"
    __table_args__ = (UniqueConstraint("entity_in_id", "entity_out_id"),)
    entity_in_id: str = fk("entity", nullable=False)
    entity_out_id: str = fk("entity", nullable=False)


class AssetInstance(BaseTable, table=True):
    __tablename__ = "asset_instance"
    __table_args__ = (UniqueConstraint("asset_id", "target_asset_id", "scene_id", "number"),)
    asset_id: str = fk("entity", nullable=False)
    name: str | None = Field(default=None, max_length=80)
    number: int | None = None
    description: str | None = Field(default=None, max_length=200)
    active: bool | None = True
    data: Any = json_field()
    scene_id: str | None = fk("entity")
    target_asset_id: str | None = fk("entity")
    entity_id: str | None = fk("entity")
    entity_type_id: str | None = fk("entity_type")


class AssetInstanceLink(SQLModel, table=True):
    """Asset instance used in a shot."""

    __tablename__ = "asset_instance_link"
    entity_id: str = fk("entity", primary_key=True)
    asset_instance_id: str = fk("asset_instance", primary_key=True)


class EntityVersion(BaseTable, table=True):
    __tablename__ = "entity_version"
    name: str = Field(max_length=160)
    data: Any = json_field()
    entity_id: str | None = fk("entity")
    person_id: str | None = fk("person")
