"""JWTs as Zou issues and checks them (zou-behaviour.md 2.1): HS256 signed with the secret key,
``sub`` = person id, ``identity_type`` person / bot / person_api, ``refresh_jti`` pairing an
access token with its refresh token. Revoked ids are kept in the key/value store."""

from __future__ import annotations

import datetime
import sys
import uuid
from types import ModuleType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from ..errors import ApiError
from ..settings import Settings
from . import kv


def _pyjwt_for_hs256() -> ModuleType:
    """PyJWT, imported without its optional ``cryptography`` backend when nothing has loaded
    that yet. PyJWT loads it, when installed (WebAuthn's fido2 brings it), for the RSA and EC
    algorithms: HS256 does not use it, and it is 8 MiB of every server's memory. It stays
    importable for what needs it (fido2, on the first WebAuthn request)."""
    if "cryptography" in sys.modules:
        import jwt
    else:
        sys.modules["cryptography"] = None  # type: ignore[assignment]  # read as "not installed"
        try:
            import jwt
        finally:
            del sys.modules["cryptography"]
    return jwt


jwt = _pyjwt_for_hs256()

ALGORITHM = "HS256"
MISSING_TOKEN = (
    'Missing JWT in cookies or headers (Missing cookie "access_token_cookie"; '
    "Missing Authorization Header)"
)
ACCESS_COOKIE = "access_token_cookie"
REFRESH_COOKIE = "refresh_token_cookie"


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def encode(
    settings: Settings,
    person_id: str,
    token_type: str,
    identity_type: str = "person",
    lifetime_seconds: float | None = None,
    expires_at: datetime.datetime | None = None,
    **claims: Any,
) -> tuple[str, dict[str, Any]]:
    now = _now()
    payload: dict[str, Any] = {
        "fresh": False,
        "iat": now,
        "jti": str(uuid.uuid4()),
        "type": token_type,
        "sub": person_id,
        "nbf": now,
        "identity_type": identity_type,
    }
    if expires_at is not None:
        payload["exp"] = expires_at
    elif lifetime_seconds is not None:
        payload["exp"] = now + datetime.timedelta(seconds=lifetime_seconds)
    payload.update({key: value for key, value in claims.items() if value is not None})
    return jwt.encode(payload, settings.signing_key, algorithm=ALGORITHM), payload


def session_tokens(
    settings: Settings, person_id: str, requires_2fa_setup: bool = False
) -> dict[str, str]:
    """The access + refresh pair of an interactive login."""
    extra = {"requires_2fa_setup": True} if requires_2fa_setup else {}
    refresh, refresh_claims = encode(
        settings, person_id, "refresh", lifetime_seconds=settings.refresh_token_lifetime_seconds,
        **extra,
    )  # fmt: skip
    access, _ = encode(
        settings, person_id, "access", lifetime_seconds=settings.access_token_lifetime_seconds,
        refresh_jti=refresh_claims["jti"], **extra,
    )  # fmt: skip
    return {"access_token": access, "refresh_token": refresh}


def api_token(settings: Settings, person: dict[str, Any]) -> tuple[str, str]:
    """A bot / personal API token: no ``exp`` unless the person has an expiration date."""
    identity = "bot" if person.get("is_bot") else "person_api"
    expires_at = None
    expiration = person.get("expiration_date")
    if expiration is not None:
        expires_at = datetime.datetime.combine(expiration, datetime.time.max, tzinfo=datetime.UTC)
    token, claims = encode(
        settings, person["id"], "access", identity_type=identity, expires_at=expires_at
    )
    return token, claims["jti"]


def decode(settings: Settings, token: str) -> dict[str, Any]:
    """Claims of a token; raises Zou's answers for expired (401) and malformed (422) tokens."""
    try:
        return jwt.decode(
            token,
            settings.signing_key,
            algorithms=[ALGORITHM],
            options={"require": ["sub", "jti", "type"], "verify_sub": False},
        )
    except jwt.ExpiredSignatureError:
        raise ApiError(401, {"error": True, "message": "Signature has expired"}) from None
    except jwt.InvalidTokenError as error:
        raise ApiError(422, {"msg": str(error) or "Invalid token"}) from None


async def revoke(conn: AsyncConnection, jti: str | None, ttl_seconds: float) -> None:
    if jti:
        await kv.put(conn, f"revoked-token-{jti}", "true", ttl_seconds)


async def is_revoked(conn: AsyncConnection, jti: str) -> bool:
    return await kv.get(conn, f"revoked-token-{jti}") == "true"
