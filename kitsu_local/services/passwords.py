"""Passwords (zou-behaviour.md 2.7, 2.8): change with the old one, reset through a mailed
token, and self-registration when the server allows it."""

from __future__ import annotations

import hmac
import secrets
import string
from urllib.parse import urlencode

from sqlalchemy import func

from .. import events, rows
from ..context import Ctx
from ..errors import BadRequest, NotFound, WrongParameter
from ..models import Person
from ..models.base import utc_now
from . import kv, mail
from .auth import LoginRefused, reset_failures, verify_password
from .persons import create_person, hash_password, is_user_limit_reached, normalize_email
from .spec import Row

RESET_TOKEN_ALPHABET = string.ascii_uppercase + string.digits
RESET_TOKEN_LENGTH = 64
MISMATCH = "Confirmation password doesn't match."
TOO_SHORT = "Password is too short."
WRONG_TOKEN = "Wrong or expired token."
# What change-password answers for each refusal of the old-password check.
CHANGE_REFUSALS = {
    "wrong_password": {"error": True, "message": "Old password is wrong."},
    "inactive": {"error": True, "message": "User is unactive."},
    "locked": {
        "error": True,
        "message": "Too many failed login attempts.",
        "too_many_failed_login_attemps": True,
    },
}


def new_password_problem(ctx: Ctx, password: str, confirmation: str) -> str | None:
    """Zou's check of a new password, length first: the message to answer, or None."""
    if len(password) < ctx.settings.min_password_length:
        return TOO_SHORT
    if password != confirmation:
        return MISMATCH
    return None


async def change_password(
    ctx: Ctx, person: Row, old_password: str, password: str, confirmation: str
) -> None:
    """Raises LoginRefused, to be answered without rolling back the failure counter."""
    try:
        checked = await verify_password(ctx, person, old_password)
    except LoginRefused as refusal:
        raise LoginRefused(400, CHANGE_REFUSALS[refusal.reason], refusal.reason) from None
    await reset_failures(ctx, checked)
    problem = new_password_problem(ctx, password, confirmation)
    if problem:
        raise LoginRefused(400, {"error": True, "message": problem})
    await _set_password(ctx, person["id"], password)
    await mail.mail_person(
        ctx,
        person,
        "password changed",
        "Password Changed",
        [
            f"You have successfully changed your password at this date: {_now_text()}.",
            f"Your IP when you have changed your password is: {ctx.client_ip or ''}.",
        ],
        notice=True,
    )


async def create_reset_token(ctx: Ctx, person: Row, lifetime: int | None = None) -> str:
    """A 64-character token for ``PUT /auth/reset-password``, valid ``lifetime`` seconds
    (reset_token_lifetime by default)."""
    token = "".join(secrets.choice(RESET_TOKEN_ALPHABET) for _ in range(RESET_TOKEN_LENGTH))
    ttl = lifetime or ctx.settings.reset_token_lifetime_seconds
    await kv.put(ctx.conn, _reset_key(person["email"]), token, ttl)
    return token


def reset_url(ctx: Ctx, email: str, token: str) -> str:
    settings = ctx.settings
    query = urlencode({"email": email, "token": token})
    return f"{settings.domain_protocol}://{settings.domain_name}/reset-change-password?{query}"


async def send_reset_link(ctx: Ctx, email: str) -> None:
    """Mail a reset link, best effort: the answer is the same for unknown and inactive accounts,
    and whether the mail could be sent (else the answer would tell which addresses exist)."""
    person = await _find_by_email(ctx, email)
    if person is None or not person["active"]:
        return
    token = await create_reset_token(ctx, person)
    await mail.mail_person(
        ctx,
        person,
        "password recovery",
        "Password Recovery",
        [
            "You have requested a password reset. Follow the link below to change your password.",
            "This link will expire after 2 hours. After, you have to do a new request to reset "
            "your password.",
            f"This email was sent at this date: {_now_text()}.",
            f"The IP of the person who requested this is: {ctx.client_ip or ''}.",
        ],
        link=reset_url(ctx, person["email"], token),
        link_label="Change your password",
        notice=True,
    )


async def reset_password(
    ctx: Ctx, email: str, token: str, password: str, confirmation: str
) -> None:
    """Set a new password with a reset token (single use); 400 with Zou's messages."""
    person = await _find_by_email(ctx, email)
    stored = await kv.get(ctx.conn, _reset_key(person["email"])) if person else None
    if person is None or not stored or not hmac.compare_digest(stored, token):
        raise BadRequest(WRONG_TOKEN)
    problem = new_password_problem(ctx, password, confirmation)
    if problem:
        raise BadRequest(problem)
    if not person["active"]:
        raise BadRequest("User is inactive.")
    await _set_password(ctx, person["id"], password)
    await kv.drop(ctx.conn, _reset_key(person["email"]))


async def register(
    ctx: Ctx, email: str, password: str, confirmation: str, first_name: str, last_name: str
) -> Row:
    """A new active ``user`` created by themself, when ``self_registration`` is on."""
    if not ctx.settings.self_registration:
        raise NotFound()  # as Zou: the route does not exist while registration is off
    email = normalize_email(email)
    problem = new_password_problem(ctx, password, confirmation)
    if problem:
        raise BadRequest(problem)
    if await _find_by_email(ctx, email) is not None:
        raise WrongParameter("Email already in use.")
    if await is_user_limit_reached(ctx):
        raise WrongParameter("User limit reached.", {"limit": ctx.settings.user_limit})
    person = await create_person(
        ctx, email, password, first_name, last_name, role="user", active=True
    )
    await events.emit(ctx, "person:new", {"person_id": person["id"]})
    return person


async def _set_password(ctx: Ctx, person_id: str, password: str) -> None:
    hashed = hash_password(password, ctx.settings.bcrypt_rounds)
    await rows.update_row(ctx.conn, Person, person_id, {"password": hashed})


async def _find_by_email(ctx: Ctx, email: str) -> Row | None:
    return await rows.first_where(
        ctx.conn, Person, func.lower(Person.email) == email.strip().lower(),
        Person.is_bot.is_(False),
    )  # fmt: skip


def _reset_key(email: str) -> str:
    return f"reset-token-{email}"


def _now_text() -> str:
    return f"{utc_now():%Y-%m-%d %H:%M} UTC"
