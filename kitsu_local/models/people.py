"""People (zou-data-model.md 3.2)."""

from __future__ import annotations

import datetime
from typing import Any

from pydantic import NaiveDatetime
from sqlalchemy import CheckConstraint, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import (
    CONTRACT_TYPES,
    LOGIN_ORIGINS,
    POSITIONS,
    ROLES,
    SENIORITIES,
    TWO_FACTOR_METHODS,
    BaseTable,
    email_field,
    enum_field,
    fk,
    json_field,
    partial_unique_index,
    text,
)


class Person(BaseTable, table=True):
    __tablename__ = "person"
    __table_args__ = (
        # E-mails are unique among humans only: bots may share a human's address.
        partial_unique_index(
            "ix_person_email_not_bot",
            "email",
            sqlite_where="is_bot = 0",
            postgresql_where="is_bot IS NOT TRUE",
        ),
    )
    first_name: str = Field(max_length=80)
    last_name: str = Field(max_length=80)
    email: str | None = email_field()
    phone: str | None = Field(default=None, max_length=30)
    country: str | None = Field(default=None, max_length=2)
    contract_type: str = enum_field(CONTRACT_TYPES, "open-ended", nullable=False)
    active: bool | None = True
    archived: bool | None = False
    last_presence: datetime.date | None = None
    password: bytes | None = Field(default=None, sa_type=LargeBinary(60))
    desktop_login: str | None = Field(default=None, max_length=80)
    login_failed_attemps: int | None = 0
    last_login_failed: NaiveDatetime | None = None
    totp_enabled: bool | None = False
    totp_secret: str | None = Field(default=None, max_length=32)
    email_otp_enabled: bool | None = False
    email_otp_secret: str | None = Field(default=None, max_length=32)
    fido_enabled: bool | None = False
    fido_credentials: Any = json_field()
    otp_recovery_codes: Any = json_field()
    preferred_two_factor_authentication: str | None = enum_field(TWO_FACTOR_METHODS, None)
    shotgun_id: int | None = Field(default=None, unique=True)
    timezone: str | None = Field(
        default=None, max_length=50, sa_column_kwargs={"info": {"timezone": True}}
    )
    locale: str | None = Field(
        default=None, max_length=10, sa_column_kwargs={"info": {"locale": True}}
    )
    use_12_hour_clock: bool | None = False
    display_date_format: str | None = Field(default="YYYY-MM-DD", max_length=20)
    data: Any = json_field()
    role: str = enum_field(ROLES, "user", nullable=False)
    position: str | None = enum_field(POSITIONS, "artist")
    seniority: str | None = enum_field(SENIORITIES, "mid")
    daily_salary: int | None = 0
    has_avatar: bool | None = False
    notifications_enabled: bool | None = False
    notifications_slack_enabled: bool | None = False
    notifications_slack_userid: str | None = Field(default="", max_length=60)
    notifications_mattermost_enabled: bool | None = False
    notifications_mattermost_userid: str | None = Field(default="", max_length=60)
    notifications_discord_enabled: bool | None = False
    notifications_discord_userid: str | None = Field(default="", max_length=60)
    is_bot: bool = False
    is_guest: bool = False
    jti: str | None = Field(default=None, max_length=60, unique=True)
    expiration_date: datetime.date | None = None
    is_generated_from_ldap: bool | None = False
    ldap_uid: str | None = Field(default=None, max_length=60, unique=True)
    studio_id: str | None = fk("studio")
    # Preview accounts of Zou 1.0.97 (a guest bound to one project for a while); set by the
    # server only, never through the CRUD routes.
    preview_project_id: str | None = fk("project")
    preview_opened_at: NaiveDatetime | None = None
    preview_open_until: NaiveDatetime | None = None


class DepartmentLink(SQLModel, table=True):
    """Person <-> department."""

    __tablename__ = "department_link"
    person_id: str = fk("person", primary_key=True)
    department_id: str = fk("department", primary_key=True)


class DayOff(BaseTable, table=True):
    __tablename__ = "day_off"
    __table_args__ = (
        UniqueConstraint("person_id", "date"),
        CheckConstraint("date <= end_date", name="day_off_date_check"),
    )
    date: datetime.date
    end_date: datetime.date
    description: str | None = text()
    person_id: str | None = fk("person")


class DesktopLoginLog(BaseTable, table=True):
    __tablename__ = "desktop_login_log"
    person_id: str = fk("person", nullable=False)
    date: NaiveDatetime


class LoginLog(BaseTable, table=True):
    __tablename__ = "login_log"
    person_id: str = fk("person", nullable=False)
    ip_address: str | None = Field(default=None, max_length=50)
    origin: str | None = enum_field(LOGIN_ORIGINS, None)
