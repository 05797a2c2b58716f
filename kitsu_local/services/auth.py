"""Logging in and out (zou-behaviour.md 2.2-2.6): credential checks with the failed-login
lockout, token pairs, revocation, and the bodies of the login and "authenticated" answers."""

from __future__ import annotations

import datetime
from typing import Any

from .. import rows
from ..context import Actor, Ctx
from ..models import LoginLog, Person
from ..models.base import utc_now
from . import tokens
from .init_data import ensure_organisation
from .persons import check_password, find_by_login, person_dict
from .spec import Row, spec_for_table
from .studio import mask_organisation

WRONG_CREDENTIALS = {"login": False, "message": "Wrong email or password."}
LOCKED_OUT = {
    "error": True,
    "login": False,
    "too_many_failed_login_attemps": True,
    "message": "Too many failed login attempts, retry in a minute.",
}
INACTIVE = {
    "error": True,
    "login": False,
    "unactive": True,
    "message": "User is unactive, he cannot log in.",
}


class LoginRefused(Exception):
    """A refused login: the body and status to answer (after the failure is recorded).

    ``reason`` (wrong_password, locked, inactive, missing_otp, wrong_otp) lets the routes that
    reuse the check (change-password) answer with their own message.
    """

    def __init__(self, status_code: int, body: dict[str, Any], reason: str = ""):
        super().__init__(body)
        self.status_code = status_code
        self.body = body
        self.reason = reason


async def organisation_dict(ctx: Ctx, for_admin: bool) -> dict[str, Any]:
    from .crud import serialize_plain

    organisation = await ensure_organisation(ctx.conn)
    item = serialize_plain(spec_for_table("organisation"), [organisation])[0]
    return item if for_admin else mask_organisation(item)


async def check_credentials(ctx: Ctx, login: str, password: str) -> Row:
    """The person with that e-mail (or desktop login) and password; raises LoginRefused."""
    person = await find_by_login(ctx, login)
    if person is None:
        check_password(password, None)
        raise LoginRefused(400, WRONG_CREDENTIALS, "wrong_password")
    return await verify_password(ctx, person, password)


async def verify_password(ctx: Ctx, person: Row, password: str) -> Row:
    """Lockout, then password, then activity (in Zou's order); raises LoginRefused.

    Five failures in a row lock the account for ``login_lockout_seconds``; the counter and the
    stamp of the last failure are written even though the request fails. Returns the person
    row as it is after an expired lockout was cleared.
    """
    settings = ctx.settings
    failures = person["login_failed_attemps"] or 0
    last_failure = person["last_login_failed"]
    if failures >= settings.login_max_failed_attempts:
        lockout = datetime.timedelta(seconds=settings.login_lockout_seconds)
        if last_failure is not None and utc_now() - last_failure < lockout:
            raise LoginRefused(400, LOCKED_OUT, "locked")
        person = await rows.update_row(ctx.conn, Person, person["id"], {"login_failed_attemps": 0})
    if not _password_matches(password, person["password"]):
        await record_failure(ctx, person)
        raise LoginRefused(400, WRONG_CREDENTIALS, "wrong_password")
    if not person["active"]:
        raise LoginRefused(401, INACTIVE, "inactive")
    return person


def _password_matches(password: str, hashed: bytes | None) -> bool:
    try:
        return check_password(password, hashed)
    except ValueError:  # not a bcrypt hash (e.g. an imported placeholder): never matches
        check_password(password, None)
        return False


async def record_failure(ctx: Ctx, person: Row) -> None:
    await rows.update_row(
        ctx.conn,
        Person,
        person["id"],
        {
            "login_failed_attemps": (person["login_failed_attemps"] or 0) + 1,
            "last_login_failed": utc_now(),
        },
    )


async def reset_failures(ctx: Ctx, person: Row) -> None:
    if person["login_failed_attemps"]:
        await rows.update_row(ctx.conn, Person, person["id"], {"login_failed_attemps": 0})


def has_two_factor(person: Row) -> bool:
    return bool(person["totp_enabled"] or person["email_otp_enabled"] or person["fido_enabled"])


def requires_2fa_setup(ctx: Ctx, person: Row) -> bool:
    settings = ctx.settings
    return (
        settings.enforce_2fa
        and not has_two_factor(person)
        and (person["email"] or "").lower() not in settings.two_fa_exempt_emails
    )


async def login_body(ctx: Ctx, person: Row) -> dict[str, Any]:
    """The success answer of a login: user, organisation and a fresh token pair."""
    restricted = requires_2fa_setup(ctx, person)
    body: dict[str, Any] = {
        "user": await person_dict(ctx, person),
        "organisation": await organisation_dict(ctx, person["role"] == "admin"),
        "login": True,
        **tokens.session_tokens(ctx.settings, person["id"], requires_2fa_setup=restricted),
    }
    if restricted:
        body["two_factor_authentication_required"] = True
    await rows.insert_row(
        ctx.conn,
        LoginLog,
        {
            "person_id": person["id"],
            "ip_address": ctx.client_ip,
            "origin": "web" if ctx.is_browser else "script",
        },
    )
    return body


async def authenticated_body(ctx: Ctx) -> dict[str, Any]:
    me = ctx.me
    user = await person_dict(ctx, me.person)
    user["fido_devices"] = [
        credential.get("device_name") for credential in me.person.get("fido_credentials") or []
    ]
    return {
        "authenticated": True,
        "user": user,
        "organisation": await organisation_dict(ctx, me.is_admin),
    }


async def logout(ctx: Ctx, actor: Actor) -> None:
    """Revoke the access token and its paired refresh token (session tokens only)."""
    if actor.identity_type != "person":
        return
    settings = ctx.settings
    await tokens.revoke(ctx.conn, actor.claims.get("jti"), settings.access_token_lifetime_seconds)
    await tokens.revoke(
        ctx.conn, actor.claims.get("refresh_jti"), settings.refresh_token_lifetime_seconds
    )


def refreshed_access_token(ctx: Ctx, actor: Actor) -> str:
    """A new access token from a refresh token (no new refresh token, as in Zou).

    The 2FA restriction is decided again from the person's current state, so a refresh after
    the setup is complete (or after enforcement was turned on) gets the right token.
    """
    extra = {"requires_2fa_setup": True} if requires_2fa_setup(ctx, actor.person) else {}
    token, _ = tokens.encode(
        ctx.settings, actor.id, "access",
        lifetime_seconds=ctx.settings.access_token_lifetime_seconds,
        refresh_jti=actor.claims.get("jti"), **extra,
    )  # fmt: skip
    return token
