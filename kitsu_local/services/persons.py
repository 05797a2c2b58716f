"""People: creation rules, the presentation forms, and deletion (zou-data-model.md 3.2, 4.4, 7).

Forms: "safe" (every column but the secrets, for admins and the person themself), "minimal"
(what non-admins list), "short" (comment authors).
"""

from __future__ import annotations

import datetime
from typing import Any

import bcrypt
import pytz
from babel import Locale, UnknownLocaleError
from sqlalchemy import func, update

from .. import rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import DatabaseRefusal, NotFound, PermissionDenied, WrongParameter
from ..models import (
    ApiEvent,
    Comment,
    CommentAcknoledgments,
    CommentMentions,
    DepartmentLink,
    DesktopLoginLog,
    LoginLog,
    Notification,
    OutputFile,
    Person,
    PreviewFile,
    ProjectPersonLink,
    SearchFilter,
    SearchFilterGroup,
    Subscription,
    Task,
    TaskPersonLink,
    TimeSpent,
    WorkingFile,
)  # fmt: skip
from ..models.base import DISPLAY_DATE_FORMATS
from . import tokens
from .cascade import remove_comment
from .crud import CrudHooks
from .spec import ModelSpec, Row, spec_for_table

SENSITIVE_FIELDS = frozenset(
    {
        "password", "totp_secret", "email_otp_secret", "otp_recovery_codes", "fido_credentials",
        "jti", "login_failed_attemps", "last_login_failed",
    }
)  # fmt: skip
TWO_FACTOR_FIELDS = frozenset(
    {
        "totp_enabled", "totp_secret", "email_otp_enabled", "email_otp_secret", "fido_enabled",
        "fido_credentials", "otp_recovery_codes", "preferred_two_factor_authentication",
    }
)  # fmt: skip
MINIMAL_FIELDS = (
    "id", "type", "first_name", "last_name", "full_name", "has_avatar", "active", "departments",
    "studio_id", "role", "desktop_login", "is_bot",
)  # fmt: skip
MINIMAL_FILTER_FIELDS = frozenset(
    {
        "id", "first_name", "last_name", "full_name", "has_avatar", "active", "departments",
        "studio_id", "role", "desktop_login", "email", "is_bot", "is_guest",
    }
)  # fmt: skip
PREVIEW_FIELDS = frozenset({"preview_project_id", "preview_opened_at", "preview_open_until"})
# What a non-admin may not change on their own record.
ADMIN_ONLY_FIELDS = frozenset(
    {
        "role", "departments", "active", "is_bot", "archived", "login_failed_attemps",
        "last_login_failed", "is_generated_from_ldap", "ldap_uid", "last_presence", "studio_id",
    }
)  # fmt: skip


# ==== passwords ==============================================================================
def hash_password(password: str, rounds: int = 12) -> bytes:
    return bcrypt.hashpw(password.encode("utf-8")[:72], bcrypt.gensalt(rounds=rounds))


def check_password(password: str, hashed: bytes | None) -> bool:
    if not hashed:
        # Same cost as a real check, so unknown accounts take as long as wrong passwords.
        bcrypt.checkpw(b"x", bcrypt.hashpw(b"y", bcrypt.gensalt(rounds=4)))
        return False
    return bcrypt.checkpw(password.encode("utf-8")[:72], hashed)


# ==== field validation =======================================================================
def normalize_email(value: Any) -> str:
    if not isinstance(value, str):
        raise WrongParameter("Email is not valid.")
    from email_validator import EmailNotValidError, validate_email  # loads on first use

    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise WrongParameter(str(error)) from None


def full_name(person: Row) -> str:
    first, last = person.get("first_name") or "", person.get("last_name") or ""
    return f"{first} {last}" if first and last else f"{first}{last}"


def _validate_person_fields(data: dict[str, Any], values: dict[str, Any]) -> None:
    country = values.get("country")
    if country:
        code = country.upper()
        if len(code) != 2 or not code.isalpha() or code not in Locale("en").territories:
            raise WrongParameter("Invalid country code, expected an ISO 3166-1 alpha-2 code.")
        values["country"] = code
    locale = values.get("locale")
    if locale:
        try:
            values["locale"] = str(Locale.parse(locale))
        except (ValueError, UnknownLocaleError):
            raise WrongParameter(
                "Invalid locale, expected a name available in Python Babel (e.g. en_US, fr_FR)."
            ) from None
    timezone = values.get("timezone")
    if timezone and timezone not in pytz.all_timezones_set:
        raise WrongParameter("Invalid timezone, expected a name of the tz database.")
    date_format = values.get("display_date_format")
    if date_format is not None and date_format not in DISPLAY_DATE_FORMATS:
        raise WrongParameter(
            f"Invalid display_date_format, expected one of: {', '.join(DISPLAY_DATE_FORMATS)}."
        )
    if "two_factor_authentication" in data and data["two_factor_authentication"] not in (
        "totp", "email_otp", "fido",
    ):  # fmt: skip
        raise WrongParameter("Invalid two_factor_authentication")


async def is_user_limit_reached(ctx: Ctx) -> bool:
    count = await rows.count_where(
        ctx.conn, Person, Person.active.is_(True), Person.is_bot.is_(False),
        Person.is_guest.is_(False),
    )  # fmt: skip
    return count >= ctx.settings.user_limit


async def _check_email_free(ctx: Ctx, email: str, exclude_id: str | None = None) -> None:
    conditions = [Person.email == email, Person.is_bot.is_(False)]
    if exclude_id:
        conditions.append(Person.id != exclude_id)
    if await rows.first_where(ctx.conn, Person, *conditions):
        raise WrongParameter("Email already in use.")


def _check_expiration(value: Any, current: datetime.date | None = None) -> datetime.date | None:
    if value is None:
        return None
    try:
        expiration = (
            datetime.date.fromisoformat(str(value)[:10]) if isinstance(value, str) else value
        )
        if not isinstance(expiration, datetime.date):
            raise ValueError
    except ValueError:
        raise WrongParameter("Expiration date is not valid.") from None
    if expiration != current and expiration < datetime.date.today():
        raise WrongParameter("Expiration date can't be in the past.")
    return expiration


# ==== forms ==================================================================================
def safe_form(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if key not in SENSITIVE_FIELDS}


def minimal_form(item: dict[str, Any]) -> dict[str, Any]:
    result = {key: item.get(key) for key in MINIMAL_FIELDS}
    result["departments"] = item.get("departments") or []
    return result


# What a client reads of a person (Zou's present_client): a name and an avatar to put on a
# comment, nothing of how the studio is organised.
CLIENT_FIELDS = ("id", "type", "first_name", "last_name", "full_name", "has_avatar", "active",
                 "role", "is_bot")  # fmt: skip


def client_form(item: dict[str, Any]) -> dict[str, Any]:
    return {key: item.get(key) for key in CLIENT_FIELDS}


def short_form(person: Row | dict[str, Any]) -> dict[str, Any]:
    return {
        "id": person["id"],
        "first_name": person["first_name"],
        "last_name": person["last_name"],
        "full_name": full_name(person),
        "has_avatar": person["has_avatar"],
        "role": person["role"],
    }


async def person_dict(ctx: Ctx, person: Row, relations: bool = True) -> dict[str, Any]:
    """The safe form of a person with ``departments`` (login, authenticated, user context)."""

    spec = spec_for_table("person")
    return (await spec.hooks.serialize_safe(ctx, spec, [person], relations))[0]


# ==== the CRUD hooks =========================================================================
class PersonHooks(CrudHooks):
    def unfilterable(self, ctx: Ctx) -> frozenset[str]:
        if ctx.me.is_admin:
            return frozenset()
        return frozenset(column.name for column in Person.__table__.columns) - MINIMAL_FILTER_FIELDS

    async def extra_filters(self, ctx, spec, params):
        """``full_name`` filters as on Zou, whose Person has it as a hybrid property: the first
        and last names joined by a space, either of them left out when empty."""
        full = params.get("full_name")
        if full is None:
            return []
        table = spec.table
        joined = func.trim(
            func.coalesce(table.c.first_name, "") + " " + func.coalesce(table.c.last_name, "")
        )
        return [joined == full]

    async def serialize_safe(
        self, ctx: Ctx, spec: ModelSpec, person_rows: list[Row], relations: bool
    ) -> list[dict[str, Any]]:
        from ..rows import grouped_links
        from .crud import serialize_plain

        items = serialize_plain(spec, person_rows)
        departments = await grouped_links(
            ctx.conn, DepartmentLink.__table__, "person_id", "department_id",
            [row["id"] for row in person_rows],
        )  # fmt: skip
        for item in items:
            item["full_name"] = full_name(item)
            item["departments"] = departments[item["id"]] if relations else []
        return items

    async def present(
        self, ctx: Ctx, spec: ModelSpec, person_rows: list[Row], items: list[dict[str, Any]],
        view: str,
    ) -> list[dict[str, Any]]:  # fmt: skip
        me = ctx.me
        for item in items:
            item["full_name"] = full_name(item)
        if view in ("create", "update"):
            return items
        if view == "read":
            wide = me.has_manager_role() or "manager" in me.memberships.values()
            wide = wide or person_rows[0]["id"] == me.id
        else:
            wide = me.is_admin
            if wide and ctx.params.get("with_pass_hash", "").lower() == "true":
                for item, row in zip(items, person_rows, strict=True):
                    item["password"] = row["password"].decode() if row["password"] else None
        return items if wide else [minimal_form(item) for item in items]

    async def prepare_create(
        self, ctx: Ctx, spec: ModelSpec, data: dict[str, Any], values: dict[str, Any]
    ) -> dict[str, Any]:
        is_bot = bool(values.get("is_bot"))
        if (
            not is_bot
            and values.get("active", True) is not False
            and await is_user_limit_reached(ctx)
        ):
            raise WrongParameter("User limit reached.", {"limit": ctx.settings.user_limit})
        _validate_person_fields(data, values)
        if "email" in data and data["email"] is not None:
            values["email"] = normalize_email(data["email"])
            if not is_bot:
                await _check_email_free(ctx, values["email"])
        if "expiration_date" in data:
            values["expiration_date"] = _check_expiration(data["expiration_date"])
        password = data.get("password")
        if password is not None:
            if not isinstance(password, str):
                raise WrongParameter("Password is not valid.")
            values["password"] = hash_password(password, ctx.settings.bcrypt_rounds)
        values.setdefault("timezone", ctx.settings.default_timezone)
        values.setdefault("locale", ctx.settings.default_locale)
        for field in TWO_FACTOR_FIELDS | PREVIEW_FIELDS:
            values.pop(field, None)
        return values

    async def create_response(
        self, ctx: Ctx, spec: ModelSpec, row: Row, item: dict[str, Any], data: dict[str, Any]
    ) -> dict[str, Any]:
        item = safe_form(item)
        if row["is_bot"]:
            item["access_token"] = await issue_api_token(ctx, row)
        return item

    def read_only(self, ctx: Ctx, row: Row) -> frozenset[str]:
        fixed = (
            frozenset({"password", "jti"})
            | PREVIEW_FIELDS
            | (TWO_FACTOR_FIELDS - {"preferred_two_factor_authentication"})
        )
        if ctx.me.is_admin:
            return fixed
        extra = ADMIN_ONLY_FIELDS
        if ctx.me.is_bot:
            extra = extra | {"expiration_date"}
        return fixed | extra

    async def prepare_update(
        self, ctx: Ctx, spec: ModelSpec, row: Row, data: dict[str, Any], values: dict[str, Any]
    ) -> dict[str, Any]:
        me = ctx.me
        if (
            row["email"] in ctx.settings.protected_account_emails
            and row["id"] != me.id
            and not row["is_bot"]
        ):
            if data.get("active") is False:
                raise PermissionDenied(
                    "Can't set this person as inactive it's a protected account."
                )
            if data.get("role") is not None and data.get("role") != row["role"]:
                raise PermissionDenied(
                    "Can't change the role of this person it's a protected account."
                )
        if (
            not row["active"] and values.get("active") and not row["is_bot"]
            and not values.get("is_bot") and await is_user_limit_reached(ctx)
        ):  # fmt: skip
            raise WrongParameter("User limit reached.", {"limit": ctx.settings.user_limit})
        _validate_person_fields(data, values)
        if "email" in data and data["email"] is not None:
            values["email"] = normalize_email(data["email"])
            if not values.get("is_bot", row["is_bot"]):
                await _check_email_free(ctx, values["email"], exclude_id=row["id"])
        if "expiration_date" in data:
            values["expiration_date"] = _check_expiration(
                data["expiration_date"], row["expiration_date"]
            )
        return values

    async def update_response(
        self, ctx: Ctx, spec: ModelSpec, row: Row, item: dict[str, Any], data: dict[str, Any]
    ) -> dict[str, Any]:
        item = safe_form(item)
        departments = await rows.grouped_links(
            ctx.conn, DepartmentLink.__table__, "person_id", "department_id", [row["id"]]
        )
        item["departments"] = departments[row["id"]]
        if "expiration_date" in data:
            expiration = row["expiration_date"]
            if expiration is None or expiration >= datetime.date.today():
                item["access_token"] = await issue_api_token(ctx, row)
        return item

    async def delete(self, ctx: Ctx, spec: ModelSpec, row: Row, force: bool) -> None:
        await remove_person(ctx, row, force)


async def check_person_delete(ctx: Ctx, row: Row) -> None:
    if row["id"] == ctx.me.id:
        raise PermissionDenied()
    ctx.me.require_admin()


async def check_person_update(ctx: Ctx, row: Row, data: dict[str, Any]) -> None:
    if row["id"] != ctx.me.id:
        ctx.me.require_admin()


async def issue_api_token(ctx: Ctx, person: Row) -> str:
    """A new bot / personal API token; the previous one of that person stops working."""
    token, jti = tokens.api_token(ctx.settings, person)
    await rows.update_row(ctx.conn, Person, person["id"], {"jti": jti})
    return token


async def remove_person(ctx: Ctx, person: Row, force: bool) -> None:
    """Delete a person; with ``force`` what they own is removed or detached first."""
    person_id = person["id"]
    if person["email"] and person["email"] in ctx.settings.protected_account_emails:
        raise PermissionDenied("Can't delete this person it's a protected account.")
    conn = ctx.conn
    if force:
        for comment in await rows.fetch_where(conn, Comment, Comment.person_id == person_id):
            await remove_comment(ctx, comment)
        for model, column in (
            (CommentAcknoledgments, CommentAcknoledgments.person),
            (CommentMentions, CommentMentions.person),
            (ApiEvent, ApiEvent.user_id),
            (Notification, Notification.person_id),
            (Notification, Notification.author_id),
            (SearchFilter, SearchFilter.person_id),
            (SearchFilterGroup, SearchFilterGroup.person_id),
            (DesktopLoginLog, DesktopLoginLog.person_id),
            (LoginLog, LoginLog.person_id),
            (Subscription, Subscription.person_id),
            (TimeSpent, TimeSpent.person_id),
            (ProjectPersonLink, ProjectPersonLink.person_id),
            (TaskPersonLink, TaskPersonLink.person_id),
        ):
            await rows.delete_where(conn, model, column == person_id)
        for model, column in (
            (Task, Task.assigner_id),
            (OutputFile, OutputFile.person_id),
            (WorkingFile, WorkingFile.person_id),
            (PreviewFile, PreviewFile.person_id),
        ):
            await conn.execute(update(model).where(column == person_id).values({column.key: None}))
    await rows.delete_where(conn, DepartmentLink, DepartmentLink.person_id == person_id)
    try:
        await rows.delete_row(conn, Person, person_id)
    except DatabaseRefusal:
        raise WrongParameter("Some data are still linked to given person.") from None


async def create_person(
    ctx: Ctx,
    email: str,
    password: str | None,
    first_name: str,
    last_name: str,
    role: str = "user",
    **fields: Any,
) -> Row:
    """A person created by the server itself (CLI ``create-admin``, registration)."""
    values = {
        "email": normalize_email(email),
        "first_name": first_name,
        "last_name": last_name,
        "role": role,
        "timezone": ctx.settings.default_timezone,
        "locale": ctx.settings.default_locale,
        **fields,
    }
    if password is not None:
        values["password"] = hash_password(password, ctx.settings.bcrypt_rounds)
    return await rows.insert_row(ctx.conn, Person, values)


async def person_or_404(ctx: Ctx, person_id: str) -> Row:
    """The person with that id; 404 for an unknown or malformed id, as Zou's get_person."""
    person = (
        await rows.fetch_one(ctx.conn, Person, person_id.lower())
        if is_valid_id(person_id)
        else None
    )
    if person is None:
        raise NotFound()
    return person


async def find_by_login(ctx: Ctx, login: str) -> Row | None:
    """A non-bot person by e-mail, else by desktop login (zou-behaviour.md 2.3)."""
    if not login:
        return None
    person = await rows.first_where(
        ctx.conn,
        Person,
        func.lower(Person.email) == login.strip().lower(),
        Person.is_bot.is_(False),
    )
    if person is None:
        person = await rows.first_where(
            ctx.conn, Person, Person.desktop_login == login, Person.is_bot.is_(False),
            Person.desktop_login != "",
        )  # fmt: skip
    return person
