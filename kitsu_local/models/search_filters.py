"""Saved searches (zou-data-model.md 3.9)."""

from __future__ import annotations

from sqlmodel import Field

from .base import BaseTable, fk


class SearchFilter(BaseTable, table=True):
    __tablename__ = "search_filter"
    list_type: str = Field(max_length=80, index=True)
    entity_type: str | None = Field(default=None, max_length=80)
    name: str = Field(default="", max_length=200)
    search_query: str = Field(default="", max_length=500)
    is_shared: bool = False
    department_id: str | None = fk("department")
    search_filter_group_id: str | None = fk("search_filter_group")
    person_id: str | None = fk("person")
    project_id: str | None = fk("project")


class SearchFilterGroup(BaseTable, table=True):
    __tablename__ = "search_filter_group"
    list_type: str = Field(max_length=80, index=True)
    entity_type: str | None = Field(default=None, max_length=80)
    name: str = Field(default="", max_length=200)
    color: str = Field(default="", max_length=8)
    is_shared: bool = False
    person_id: str | None = fk("person")
    project_id: str | None = fk("project")
    department_id: str | None = fk("department")
