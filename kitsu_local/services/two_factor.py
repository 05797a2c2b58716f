"""Two-factor authentication and password reset tokens (zou-behaviour.md 2.7, 2.10).

(Being completed: TOTP, e-mail OTP, FIDO and recovery codes.)
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from ..context import Ctx
from ..models.spec import Row
from . import kv
from .auth import LoginRefused

RESET_TOKEN_ALPHABET = string.ascii_uppercase + string.digits


async def create_reset_token(ctx: Ctx, person: Row) -> str:
    token = "".join(secrets.choice(RESET_TOKEN_ALPHABET) for _ in range(64))
    await kv.put(
        ctx.conn, f"reset-token-{person['email']}", token, ctx.settings.reset_token_lifetime_seconds
    )
    return token


async def check_login_factor(ctx: Ctx, person: Row, args: dict[str, Any]) -> None:
    raise LoginRefused(400, {"error": True, "login": False, "missing_OTP": True})
