"""Authentication routes (zou-behaviour.md 2).

POST   /auth/login            log in (email or desktop login, password, 2FA factor)
GET    /auth/logout           revoke the session tokens
GET    /auth/refresh-token    a new access token from the refresh token
GET    /auth/authenticated    who am I
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response

from ..context import Ctx
from ..services import auth, tokens, two_factor
from ..services.auth import LoginRefused
from .endpoint import arguments, endpoint, json_response

COOKIE_MAX_AGE = 31_540_000
REFRESH_COOKIE_PATH = "/api/auth/refresh-token"


def validation_error(field: str) -> tuple[dict[str, Any], int]:
    return (
        {
            "error": True,
            "message": "Validation error.",
            "data": {"errors": [{"field": field, "message": "Field required"}]},
        },
        400,
    )


def with_session_cookies(body: dict[str, Any], access: str | None, refresh: str | None) -> Response:
    response = json_response(body)
    if access:
        response.set_cookie(
            tokens.ACCESS_COOKIE,
            access,
            path="/",
            httponly=True,
            samesite="lax",
            max_age=COOKIE_MAX_AGE,
        )
    if refresh:
        response.set_cookie(
            tokens.REFRESH_COOKIE, refresh, path=REFRESH_COOKIE_PATH, httponly=True, samesite="lax",
            max_age=COOKIE_MAX_AGE,
        )  # fmt: skip
    return response


@endpoint("POST", "/auth/login", auth=False, write=True)
async def post_login(ctx: Ctx, request: Request) -> Any:
    args = await arguments(request)
    login = args.get("email")
    if not isinstance(login, str) or not login.strip():
        return validation_error("email")
    password = args.get("password")
    if not isinstance(password, str):
        password = "default"
    try:
        person = await auth.check_credentials(ctx, login.strip(), password)
        if auth.has_two_factor(person):
            await two_factor.check_login_factor(ctx, person, args)
        await auth.reset_failures(ctx, person)
    except LoginRefused as refusal:
        return refusal.body, refusal.status_code  # keeps the failure count written above
    if password == "default":
        token = await two_factor.create_reset_token(ctx, person)
        return {"login": False, "default_password": True, "token": token}, 400
    body = await auth.login_body(ctx, person)
    if ctx.is_browser:
        return with_session_cookies(body, body["access_token"], body["refresh_token"])
    return body


@endpoint("GET", "/auth/logout", write=True, person_only=True, allow_restricted=True)
async def get_logout(ctx: Ctx) -> Any:
    await auth.logout(ctx, ctx.me)
    response = json_response({"logout": True})
    if ctx.is_browser:
        response.delete_cookie(tokens.ACCESS_COOKIE, path="/")
        response.delete_cookie(tokens.REFRESH_COOKIE, path=REFRESH_COOKIE_PATH)
    return response


@endpoint("GET", "/auth/refresh-token", token_type="refresh", allow_restricted=True)
async def get_refresh_token(ctx: Ctx) -> Any:
    access = auth.refreshed_access_token(ctx, ctx.me)
    if ctx.is_browser:
        response = with_session_cookies({"refresh": True}, access, None)
        response.delete_cookie(tokens.REFRESH_COOKIE, path=REFRESH_COOKIE_PATH)
        return response
    return {"access_token": access}


@endpoint("GET", "/auth/authenticated", allow_restricted=True)
async def get_authenticated(ctx: Ctx) -> Any:
    return await auth.authenticated_body(ctx)


ROUTES = [post_login, get_logout, get_refresh_token, get_authenticated]
