"""Who is calling: token checks of every protected request (zou-behaviour.md 2.1, 1.4).

Signature and expiry, token type, revocation (session tokens by jti in the key/value store; bot
and personal API tokens must be the person's current ``jti``), then the person must exist and be
active. A token issued while 2FA setup is pending only opens the setup routes.
"""

from __future__ import annotations

from typing import Any

from .. import rows
from ..context import Actor, Ctx, load_actor
from ..errors import ApiError, PermissionDenied, Unauthorized
from ..models import Person
from . import tokens

TWO_FA_REQUIRED = {
    "error": True,
    "two_factor_authentication_required": True,
    "message": "Two-factor authentication setup is required. Please configure 2FA before "
    "accessing the API.",
}


async def authenticate(
    ctx: Ctx,
    token: str | None,
    token_type: str = "access",
    allow_restricted: bool = False,
) -> Actor:
    if not token:
        raise ApiError(401, {"msg": tokens.MISSING_TOKEN})
    claims = tokens.decode(ctx.settings, token)
    if claims.get("type") != token_type:
        expected = "non-refresh" if token_type == "access" else "refresh"
        raise ApiError(422, {"msg": f"Only {expected} tokens are allowed"})
    person = await rows.fetch_one(ctx.conn, Person, str(claims["sub"]))
    if await _is_revoked(ctx, claims, person):
        raise ApiError(401, {"msg": "Token has been revoked"})
    if person is None or not person["active"]:
        raise Unauthorized()
    if claims.get("requires_2fa_setup") and not allow_restricted:
        raise ApiError(403, TWO_FA_REQUIRED)
    return await load_actor(ctx.conn, person, claims.get("identity_type", "person"), claims)


async def _is_revoked(ctx: Ctx, claims: dict[str, Any], person: dict[str, Any] | None) -> bool:
    identity = claims.get("identity_type")
    jti = claims.get("jti")
    if not jti:
        return True
    if identity == "person":
        return await tokens.is_revoked(ctx.conn, jti)
    if identity in ("bot", "person_api"):
        return person is None or person.get("jti") != jti
    return True


def require_person(actor: Actor) -> None:
    if actor.is_bot:
        raise PermissionDenied()
