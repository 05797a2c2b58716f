"""Authentication routes (zou-behaviour.md 2).

GET    /auth/authenticated    who am I
POST   /auth/change-password  change one's password, giving the old one
DELETE /auth/email-otp        disable OTP by e-mail (with a factor)
GET    /auth/email-otp        mail a login code (?email=, no token)
POST   /auth/email-otp        enable OTP by e-mail with the mailed code
PUT    /auth/email-otp        pre-enable OTP by e-mail: mail a first code
DELETE /auth/fido             unregister a FIDO device (with a factor)
GET    /auth/fido             FIDO authentication challenge (?email=, no token)
POST   /auth/fido             complete a FIDO device registration
PUT    /auth/fido             begin a FIDO device registration
POST   /auth/login            log in (email or desktop login, password, 2FA factor)
GET    /auth/logout           revoke the session tokens
PUT    /auth/recovery-codes   a new set of recovery codes (with a factor)
GET    /auth/refresh-token    a new access token from the refresh token
POST   /auth/register         self-registration, when the server allows it
POST   /auth/reset-password   mail a password reset link
PUT    /auth/reset-password   set a new password with a reset token
GET    /auth/saml/login       SAML redirect (SAML is not enabled in kitsu-local)
POST   /auth/saml/sso         SAML assertion consumer (SAML is not enabled in kitsu-local)
DELETE /auth/totp             disable TOTP (with a factor)
POST   /auth/totp             enable TOTP with a code of the pre-enabled secret
PUT    /auth/totp             pre-enable TOTP: a new secret and its provisioning URI

The 2FA setup routes accept the restricted tokens of ENFORCE_2FA (2.10.6); completing a setup
answers fresh unrestricted tokens.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from pydantic import Field

from ..bodies import Body
from ..context import Ctx
from ..errors import WrongParameter
from ..services import auth, passwords, tokens, two_factor
from ..services.auth import LoginRefused
from ..services.two_factor import Factors
from .endpoint import endpoint, json_response, parse

COOKIE_MAX_AGE = 31_540_000
REFRESH_COOKIE_PATH = "/api/auth/refresh-token"
SAML_DISABLED = {"error": "SAML is not enabled."}


# ---- request bodies (Zou's pydantic schemas) -------------------------------------------------
class LoginBody(Factors):
    email: str = Field(min_length=1)
    password: str = "default"


class ChangePasswordBody(Body):
    old_password: str = Field(min_length=1)
    password: str = Field(min_length=1)
    password_2: str = Field(min_length=1)


class SendResetBody(Body):
    email: str = Field(min_length=1)


class ResetPasswordBody(Body):
    email: str = Field(min_length=1)
    token: str = Field(min_length=1)
    password: str = Field(min_length=1)
    password2: str = Field(min_length=1)


class RegisterBody(Body):
    email: str = Field(min_length=1)
    password: str = Field(min_length=1)
    password_2: str = Field(min_length=1)
    first_name: str = Field(min_length=1, max_length=80)
    last_name: str = Field(min_length=1, max_length=80)


class TotpBody(Body):
    totp: str = Field(min_length=1)


class EmailOtpBody(Body):
    email_otp: str = Field(min_length=1)


class FidoRegisterBody(Body):
    registration_response: dict[str, Any]
    device_name: str = Field(min_length=1)


class FidoUnregisterBody(Factors):
    device_name: str = Field(min_length=1)


def required_email(ctx: Ctx) -> str:
    """The ``email`` query parameter of the two public 2FA routes (Zou's ArgsMixin message)."""
    email = ctx.params.get("email")
    if email is None:
        raise WrongParameter("Missing required parameter: email")
    return email


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


def setup_completed(ctx: Ctx, recovery_codes: list[str] | None) -> Any:
    """The answer of a completed 2FA setup: new recovery codes (first method only) and fresh
    tokens without the ENFORCE_2FA restriction."""
    body = {"otp_recovery_codes": recovery_codes, **tokens.session_tokens(ctx.settings, ctx.me.id)}
    if ctx.is_browser:
        return with_session_cookies(body, body["access_token"], body["refresh_token"])
    return body


# ---- routes ----------------------------------------------------------------------------------
@endpoint("GET", "/auth/authenticated", allow_restricted=True)
async def get_authenticated(ctx: Ctx) -> Any:
    return await auth.authenticated_body(ctx)


@endpoint("POST", "/auth/change-password", person_only=True)
async def post_change_password(ctx: Ctx, request: Request) -> Any:
    body = await parse(request, ChangePasswordBody)
    try:
        await passwords.change_password(
            ctx, ctx.me.person, body.old_password, body.password, body.password_2
        )
    except LoginRefused as refusal:
        return refusal.body, refusal.status_code  # keeps the failure count written above
    return {"success": True}


@endpoint("DELETE", "/auth/email-otp", person_only=True, allow_restricted=True)
async def delete_email_otp(ctx: Ctx, request: Request) -> Any:
    await two_factor.disable_email_otp(ctx, ctx.me.person, await parse(request, Factors))
    return {"success": True}


@endpoint("GET", "/auth/email-otp", auth=False, write=True)
async def get_email_otp(ctx: Ctx) -> Any:
    await two_factor.send_login_email_otp(ctx, required_email(ctx))
    return {"success": True}


@endpoint("POST", "/auth/email-otp", person_only=True, allow_restricted=True)
async def post_email_otp(ctx: Ctx, request: Request) -> Any:
    body = await parse(request, EmailOtpBody)
    return setup_completed(
        ctx, await two_factor.enable_email_otp(ctx, ctx.me.person, body.email_otp)
    )


@endpoint("PUT", "/auth/email-otp", person_only=True, allow_restricted=True)
async def put_email_otp(ctx: Ctx) -> Any:
    await two_factor.pre_enable_email_otp(ctx, ctx.me.person)
    return {"success": True}


@endpoint("DELETE", "/auth/fido", person_only=True, allow_restricted=True)
async def delete_fido(ctx: Ctx, request: Request) -> Any:
    body = await parse(request, FidoUnregisterBody)
    await two_factor.unregister_fido(ctx, ctx.me.person, body.device_name, body)
    return {"success": True}


@endpoint("GET", "/auth/fido", auth=False, write=True)
async def get_fido(ctx: Ctx) -> Any:
    return await two_factor.begin_fido_authentication(ctx, required_email(ctx))


@endpoint("POST", "/auth/fido", person_only=True, allow_restricted=True)
async def post_fido(ctx: Ctx, request: Request) -> Any:
    body = await parse(request, FidoRegisterBody)
    codes = await two_factor.complete_fido_registration(
        ctx, ctx.me.person, body.registration_response, body.device_name
    )
    return setup_completed(ctx, codes)


@endpoint("PUT", "/auth/fido", person_only=True, allow_restricted=True)
async def put_fido(ctx: Ctx) -> Any:
    return await two_factor.begin_fido_registration(ctx, ctx.me.person)


@endpoint("POST", "/auth/login", auth=False, write=True)
async def post_login(ctx: Ctx, request: Request) -> Any:
    body = await parse(request, LoginBody)
    try:
        person = await auth.check_credentials(ctx, body.email.strip(), body.password)
        if auth.has_two_factor(person):
            await two_factor.check_login_factor(ctx, person, body)
        await auth.reset_failures(ctx, person)
    except LoginRefused as refusal:
        return refusal.body, refusal.status_code  # keeps the failure count written above
    if body.password == "default":
        token = await passwords.create_reset_token(ctx, person)
        return {"login": False, "default_password": True, "token": token}, 400
    answer = await auth.login_body(ctx, person)
    if ctx.is_browser:
        return with_session_cookies(answer, answer["access_token"], answer["refresh_token"])
    return answer


@endpoint("GET", "/auth/logout", write=True, person_only=True, allow_restricted=True)
async def get_logout(ctx: Ctx) -> Any:
    await auth.logout(ctx, ctx.me)
    response = json_response({"logout": True})
    if ctx.is_browser:
        response.delete_cookie(tokens.ACCESS_COOKIE, path="/")
        response.delete_cookie(tokens.REFRESH_COOKIE, path=REFRESH_COOKIE_PATH)
    return response


@endpoint("PUT", "/auth/recovery-codes", person_only=True, allow_restricted=True)
async def put_recovery_codes(ctx: Ctx, request: Request) -> Any:
    factors = await parse(request, Factors)
    codes = await two_factor.regenerate_recovery_codes(ctx, ctx.me.person, factors)
    return {"otp_recovery_codes": codes}


@endpoint(
    "GET", "/auth/refresh-token", token_type="refresh", person_only=True, allow_restricted=True
)
async def get_refresh_token(ctx: Ctx) -> Any:
    access = auth.refreshed_access_token(ctx, ctx.me)
    if ctx.is_browser:
        response = with_session_cookies({"refresh": True}, access, None)
        response.delete_cookie(tokens.REFRESH_COOKIE, path=REFRESH_COOKIE_PATH)
        return response
    return {"access_token": access}


@endpoint("POST", "/auth/register", auth=False)
async def post_register(ctx: Ctx, request: Request) -> Any:
    body = await parse(request, RegisterBody)
    await passwords.register(
        ctx, body.email, body.password, body.password_2, body.first_name, body.last_name
    )
    return {"registration_success": True}, 201


@endpoint("POST", "/auth/reset-password", auth=False)
async def post_reset_password(ctx: Ctx, request: Request) -> Any:
    body = await parse(request, SendResetBody)
    await passwords.send_reset_link(ctx, body.email)
    return {"success": "Reset token sent"}


@endpoint("PUT", "/auth/reset-password", auth=False)
async def put_reset_password(ctx: Ctx, request: Request) -> Any:
    body = await parse(request, ResetPasswordBody)
    await passwords.reset_password(ctx, body.email, body.token, body.password, body.password2)
    return {"success": True}


@endpoint("GET", "/auth/saml/login", auth=False)
async def get_saml_login(ctx: Ctx) -> Any:
    return SAML_DISABLED, 400


@endpoint("POST", "/auth/saml/sso", auth=False, write=False)
async def post_saml_sso(ctx: Ctx) -> Any:
    return SAML_DISABLED, 400


@endpoint("DELETE", "/auth/totp", person_only=True, allow_restricted=True)
async def delete_totp(ctx: Ctx, request: Request) -> Any:
    await two_factor.disable_totp(ctx, ctx.me.person, await parse(request, Factors))
    return {"success": True}


@endpoint("POST", "/auth/totp", person_only=True, allow_restricted=True)
async def post_totp(ctx: Ctx, request: Request) -> Any:
    body = await parse(request, TotpBody)
    return setup_completed(ctx, await two_factor.enable_totp(ctx, ctx.me.person, body.totp))


@endpoint("PUT", "/auth/totp", person_only=True, allow_restricted=True)
async def put_totp(ctx: Ctx) -> Any:
    return await two_factor.pre_enable_totp(ctx, ctx.me.person)


ROUTES = [
    get_authenticated,
    post_change_password,
    delete_email_otp,
    get_email_otp,
    post_email_otp,
    put_email_otp,
    delete_fido,
    get_fido,
    post_fido,
    put_fido,
    post_login,
    get_logout,
    put_recovery_codes,
    get_refresh_token,
    post_register,
    post_reset_password,
    put_reset_password,
    get_saml_login,
    post_saml_sso,
    delete_totp,
    post_totp,
    put_totp,
]
