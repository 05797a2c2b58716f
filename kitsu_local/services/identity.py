"""Who is calling: token checks of every protected request (zou-behaviour.md 2.1, 1.4).

Signature and expiry, token type, revocation (session tokens by jti in the key/value store; bot
and personal API tokens must be the person's current ``jti``), then the person must exist and be
active. A token issued while 2FA setup is pending only opens the setup routes.
"""

from __future__ import annotations

import dataclasses
import time
from collections import OrderedDict
from typing import Any

from .. import rows
from ..context import Actor, Ctx, load_actor
from ..db import committed_writes
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
    actor = _recent_actor(claims)
    if actor is None:
        person = await rows.fetch_one(ctx.conn, Person, str(claims["sub"]))
        if await _is_revoked(ctx, claims, person):
            raise ApiError(401, {"msg": "Token has been revoked"})
        if person is None or not person["active"]:
            raise Unauthorized()
        actor = await load_actor(ctx.conn, person, claims.get("identity_type", "person"), claims)
        _remember_actor(claims, actor)
    if claims.get("requires_2fa_setup") and not allow_restricted:
        raise ApiError(403, TWO_FA_REQUIRED)
    return actor


# ==== the actor cache ========================================================================
# A read request would spend most of its time loading who is calling (person, revocation,
# teams, departments: four or five statements). An actor loaded for a token is reused while
# no write has committed since in this process (any write may change a role, a team or a
# revocation) and for a few seconds at most (a write by another process, such as the CLI).
ACTOR_CACHE_SECONDS = 5.0
ACTOR_CACHE_SIZE = 1024
_actors: OrderedDict[tuple[Any, ...], tuple[int, float, Actor]] = OrderedDict()


def _actor_key(claims: dict[str, Any]) -> tuple[Any, ...]:
    return (claims.get("sub"), claims.get("jti"), claims.get("identity_type"))


def _recent_actor(claims: dict[str, Any]) -> Actor | None:
    entry = _actors.get(_actor_key(claims))
    if entry is None:
        return None
    writes, loaded_at, actor = entry
    if writes != committed_writes() or time.monotonic() - loaded_at > ACTOR_CACHE_SECONDS:
        return None
    # A copy: a request may change its actor's person dict, never the cached one.
    return dataclasses.replace(actor, person=dict(actor.person), claims=claims)


def _remember_actor(claims: dict[str, Any], actor: Actor) -> None:
    key = _actor_key(claims)
    _actors[key] = (committed_writes(), time.monotonic(), actor)
    _actors.move_to_end(key)
    while len(_actors) > ACTOR_CACHE_SIZE:
        _actors.popitem(last=False)


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
