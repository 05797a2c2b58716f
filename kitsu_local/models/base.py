"""Shared column vocabulary of every table (zou-data-model.md section 1).

Tables are declared with SQLModel; these helpers keep each declaration one line per column and
attach the facts the registry needs (enum choices, e-mail, hidden...) as column ``info``.
Ids are app-generated UUID4 strings (36 chars, dashed), timestamps naive UTC.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from pydantic import ConfigDict, NaiveDatetime
from sqlalchemy import JSON, BigInteger, Index, MetaData, Text
from sqlalchemy import text as sql_text
from sqlmodel import Field, SQLModel

ID_LENGTH = 36

Row = dict[str, Any]  # a database row as a plain dict (SQLAlchemy Core, no ORM objects)


def new_id() -> str:
    return str(uuid.uuid4())


def utc_now() -> datetime.datetime:
    """Naive UTC "now", as Zou stores every timestamp (the wire shows it to the second)."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


# ---- enumerations (section 1.4) -------------------------------------------------------------
ROLES = ("user", "admin", "supervisor", "manager", "client", "vendor")
CONTRACT_TYPES = ("open-ended", "fixed-term", "short-term", "freelance", "apprentice", "internship")
POSITIONS = ("supervisor", "lead", "artist")
SENIORITIES = ("senior", "mid", "junior")
TWO_FACTOR_METHODS = ("totp", "email_otp", "fido")
DISPLAY_DATE_FORMATS = ("YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY")
PROJECT_STYLES = (
    "2d", "2dpaper", "3d", "2d3d", "ar", "vfx", "stop-motion", "motion-design", "archviz",
    "commercial", "catalog", "immersive", "nft", "video-game", "vr",
)  # fmt: skip
ENTITY_STATUSES = ("standby", "running", "complete", "canceled")
PREVIEW_STATUSES = ("processing", "ready", "broken", "missing")
VALIDATION_STATUSES = ("validated", "rejected", "neutral")
NOTIFICATION_TYPES = (
    "comment",
    "mention",
    "assignation",
    "reply",
    "reply-mention",
    "playlist-ready",
)
METADATA_DATA_TYPES = (
    "string", "number", "list", "taglist", "boolean", "checklist", "date", "url", "textarea",
    "person",
)  # fmt: skip
AUTOMATION_OUT_FIELDS = ("status", "ready_for")
BUILD_JOB_STATUSES = ("running", "failed", "succeeded")
BUILD_JOB_TYPES = ("archive", "movie")
LOGIN_ORIGINS = ("web", "script")
IMPORT_SOURCES = ("csv", "shotgun")
PLAYLIST_FOR_ENTITIES = ("shot", "asset", "sequence", "edit", "episode")


# ---- column helpers ------------------------------------------------------------------------
def fk(
    target: str,
    *,
    nullable: bool = True,
    index: bool = True,
    ondelete: str | None = None,
    primary_key: bool = False,
) -> Any:
    """A foreign key to ``<target>.id`` (indexed: every FK is a filter and a join)."""
    return Field(
        default=None,
        foreign_key=f"{target}.id",
        ondelete=ondelete,
        max_length=ID_LENGTH,
        nullable=nullable and not primary_key,
        index=index and not primary_key,
        primary_key=primary_key,
        sa_column_kwargs={"info": {"uuid": True}},
    )


def uuid_ref(*, index: bool = False) -> Any:
    """A UUID column without foreign key (Zou's loose "object" references)."""
    return Field(
        default=None, max_length=ID_LENGTH, index=index, sa_column_kwargs={"info": {"uuid": True}}
    )


def text(*, nullable: bool = True, default: Any = None, index: bool = False) -> Any:
    return Field(default=default, sa_type=Text, nullable=nullable, index=index)


def json_field(default: Any = None) -> Any:
    if isinstance(default, list | dict):
        return Field(default_factory=lambda: type(default)(default), sa_type=JSON, nullable=True)
    return Field(default=default, sa_type=JSON, nullable=True)


def bigint(default: int | None = 0) -> Any:
    return Field(default=default, sa_type=BigInteger, nullable=True)


def enum_field(choices: tuple[str, ...], default: str | None, *, nullable: bool = True) -> Any:
    """Zou's ChoiceType: the code string, validated on write against ``choices``."""
    return Field(
        default=default,
        max_length=255,
        nullable=nullable,
        sa_column_kwargs={"info": {"choices": choices}},
    )


def email_field(*, index: bool = False) -> Any:
    return Field(
        default=None, max_length=255, index=index, sa_column_kwargs={"info": {"email": True}}
    )


def partial_unique_index(
    name: str, *columns: str, sqlite_where: str, postgresql_where: str
) -> Index:
    """A unique index over the rows a condition holds for, written in each dialect.

    SQLite's condition is given now. PostgreSQL's waits in the index's ``info`` until a schema
    is made on PostgreSQL (``with_postgresql_conditions``): giving it to the ``Index`` loads
    SQLAlchemy's PostgreSQL dialect, 18 ms of every start on SQLite."""
    return Index(
        name,
        *columns,
        unique=True,
        sqlite_where=sql_text(sqlite_where),
        info={"postgresql_where": postgresql_where},
    )


def with_postgresql_conditions(metadata: MetaData) -> None:
    """Give the partial indexes their PostgreSQL condition (before a schema is made there)."""
    for table in metadata.tables.values():
        for index in table.indexes:
            if (where := index.info.pop("postgresql_where", None)) is not None:
                index.dialect_kwargs["postgresql_where"] = sql_text(where)


class BaseTable(SQLModel):
    """The id / created_at / updated_at mixin of every API-visible table."""

    model_config = ConfigDict(defer_build=True)

    id: str = Field(
        default_factory=new_id,
        primary_key=True,
        max_length=ID_LENGTH,
        sa_column_kwargs={"info": {"uuid": True}},
    )
    created_at: NaiveDatetime | None = Field(default_factory=utc_now, index=False)
    updated_at: NaiveDatetime | None = Field(default_factory=utc_now)
