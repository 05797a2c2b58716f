"""Two-factor authentication (zou-behaviour.md 2.10): TOTP, e-mail OTP, FIDO / WebAuthn and
recovery codes, and the factor check shared by the login and the 2FA management routes.

What Zou keeps in Redis or in the Flask session cookie lives in the key/value store: the e-mail
OTP counter (``email-otp-count-<email>``) and the FIDO ceremony state (one key per person and
ceremony), so that clients without cookies can complete a ceremony.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import string
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import pyotp

from .. import rows
from ..bodies import Body
from ..context import Ctx
from ..errors import BadRequest
from ..models import Person
from ..settings import Settings
from . import kv, mail
from .auth import LoginRefused, has_two_factor, record_failure
from .init_data import ensure_organisation
from .persons import check_password, find_by_login, full_name, hash_password
from .spec import Row

if TYPE_CHECKING:  # fido2 (with cryptography) loads on the first WebAuthn request
    from fido2.server import Fido2Server
    from fido2.webauthn import AttestedCredentialData

log = logging.getLogger(__name__)

METHODS = ("totp", "email_otp", "fido")
# Which method the preferred one falls back to when it gets disabled, in order of preference.
FALLBACKS = {
    "totp": ("fido", "email_otp"),
    "email_otp": ("fido", "totp"),
    "fido": ("totp", "email_otp"),
}
TOTP_VALID_WINDOW = 1
RECOVERY_CODE_COUNT = 16
RECOVERY_CODE_LENGTH = 10
RECOVERY_CODE_ALPHABET = string.ascii_uppercase + string.digits
EMAIL_OTP_MAX_COUNTER = 999_999_999_999
FIDO_CEREMONY_SECONDS = 5 * 60

WRONG_OTP = {
    "error": True,
    "login": False,
    "wrong_OTP": True,
    "message": "Wrong two-factor authentication code.",
}
OTP_VERIFICATION_FAILED = "OTP verification failed."
FIDO_REGISTRATION_FAILED = "FIDO server exception your registration response is probly wrong."


class Factors(Body):
    """The second factors a request may carry (gazu sends all four, unused ones as null)."""

    totp: str | None = None
    email_otp: str | None = None
    fido_authentication_response: dict[str, Any] | None = None
    recovery_code: str | None = None


class MissingFactor(Exception):
    """The request carries no factor usable for this person."""


# ==== factor checks ==========================================================================
async def check_login_factor(ctx: Ctx, person: Row, factors: Factors) -> None:
    """The second step of a login; raises LoginRefused. A wrong factor counts as a failure."""
    try:
        verified = await verify_factor(ctx, person, factors)
    except MissingFactor:
        raise LoginRefused(400, missing_otp_body(person), "missing_otp") from None
    if not verified:
        await record_failure(ctx, person)
        raise LoginRefused(400, WRONG_OTP, "wrong_otp")


async def require_factor(ctx: Ctx, person: Row, factors: Factors) -> None:
    """The factor check of the 2FA management routes: 400 when missing or wrong."""
    try:
        verified = await verify_factor(ctx, person, factors)
    except MissingFactor:
        verified = False
    if not verified:
        raise BadRequest(OTP_VERIFICATION_FAILED, wrong_OTP=True)


async def verify_factor(ctx: Ctx, person: Row, factors: Factors) -> bool:
    """The first usable factor, in Zou's order (2.10.1); raises MissingFactor if none is."""
    if person["totp_enabled"] and factors.totp is not None:
        return check_totp(person, factors.totp)
    if person["email_otp_enabled"] and factors.email_otp is not None:
        return await check_email_otp(ctx, person, factors.email_otp)
    if person["fido_enabled"] and factors.fido_authentication_response is not None:
        return await check_fido(ctx, person, factors.fido_authentication_response)
    if factors.recovery_code is not None:
        return await check_recovery_code(ctx, person, factors.recovery_code)
    raise MissingFactor()


def enabled_methods(person: Row) -> list[str]:
    return ["recovery_code", *(method for method in METHODS if person[f"{method}_enabled"])]


def missing_otp_body(person: Row) -> dict[str, Any]:
    return {
        "error": True,
        "login": False,
        "missing_OTP": True,
        "message": "A two-factor authentication code is required.",
        "preferred_two_factor_authentication": person["preferred_two_factor_authentication"],
        "two_factor_authentication_enabled": enabled_methods(person),
    }


# ==== TOTP ===================================================================================
async def pre_enable_totp(ctx: Ctx, person: Row) -> dict[str, str]:
    """A new secret (each call) and its provisioning URI for an authenticator app."""
    if person["totp_enabled"]:
        raise BadRequest("TOTP already enabled.")
    secret = pyotp.random_base32()
    organisation = await ensure_organisation(ctx.conn)
    uri = pyotp.TOTP(secret).provisioning_uri(
        name=person["email"] or person["id"], issuer_name=f"Kitsu {organisation['name']}"
    )
    await rows.update_row(
        ctx.conn, Person, person["id"], {"totp_secret": secret, "totp_enabled": False}
    )
    return {"totp_provisionning_uri": uri, "otp_secret": secret}


async def enable_totp(ctx: Ctx, person: Row, code: str) -> list[str] | None:
    """Turn TOTP on once a code of the pre-enabled secret is given; the new recovery codes."""
    if person["totp_enabled"]:
        raise BadRequest("TOTP already enabled.")
    if not check_totp(person, code):
        raise BadRequest("TOTP verification failed.", wrong_OTP=True)
    return await _enable_method(ctx, person, "totp", {"totp_enabled": True})


async def disable_totp(ctx: Ctx, person: Row, factors: Factors) -> None:
    if not person["totp_enabled"]:
        raise BadRequest("TOTP not enabled.")
    await require_factor(ctx, person, factors)
    await rows.update_row(
        ctx.conn, Person, person["id"],
        {"totp_enabled": False, "totp_secret": None, **_after_disable(person, "totp")},
    )  # fmt: skip


def check_totp(person: Row, code: str) -> bool:
    secret = person["totp_secret"]
    return bool(secret) and pyotp.TOTP(secret).verify(code, valid_window=TOTP_VALID_WINDOW)


# ==== e-mail OTP =============================================================================
async def send_login_email_otp(ctx: Ctx, login: str) -> None:
    """Mail a login code, best effort: unknown, inactive and non-OTP accounts get the same
    answer, and so does a failed delivery (no enumeration of accounts)."""
    person = await find_by_login(ctx, login)
    if person is None or not person["active"] or not person["email_otp_enabled"]:
        return
    await send_email_otp(ctx, person, notice=True)


async def pre_enable_email_otp(ctx: Ctx, person: Row) -> None:
    """A new secret, and its first code mailed to the person. Without a mail server the answer
    is a success as on Zou (the code is only logged as not sent); a failed delivery is a 400."""
    if person["email_otp_enabled"]:
        raise BadRequest("OTP by email already enabled.")
    person = await rows.update_row(
        ctx.conn, Person, person["id"],
        {"email_otp_secret": pyotp.random_base32(), "email_otp_enabled": False},
    )  # fmt: skip
    await send_email_otp(ctx, person, notice=not ctx.settings.mail_enabled)


async def enable_email_otp(ctx: Ctx, person: Row, code: str) -> list[str] | None:
    if person["email_otp_enabled"]:
        raise BadRequest("OTP by email already enabled.")
    if not await check_email_otp(ctx, person, code):
        raise BadRequest("OTP by email verification failed.", wrong_OTP=True)
    return await _enable_method(ctx, person, "email_otp", {"email_otp_enabled": True})


async def disable_email_otp(ctx: Ctx, person: Row, factors: Factors) -> None:
    if not person["email_otp_enabled"]:
        raise BadRequest("OTP by email not enabled.")
    await require_factor(ctx, person, factors)
    await rows.update_row(
        ctx.conn, Person, person["id"],
        {"email_otp_enabled": False, "email_otp_secret": None,
         **_after_disable(person, "email_otp")},
    )  # fmt: skip


async def send_email_otp(ctx: Ctx, person: Row, notice: bool = False) -> None:
    """Draw a random HOTP counter, keep it for email_otp_lifetime, mail the code."""
    counter = secrets.randbelow(EMAIL_OTP_MAX_COUNTER + 1)
    code = pyotp.HOTP(person["email_otp_secret"]).at(counter)
    lifetime = ctx.settings.email_otp_lifetime_seconds
    await kv.put(ctx.conn, _email_otp_key(person), str(counter), lifetime)
    await mail.mail_person(
        ctx,
        person,
        "your verification code",
        "Your verification code",
        [
            f"Your verification code is: {code}",
            f"This one time password will expire after {max(lifetime // 60, 1)} minutes. "
            "After, you will have to request a new one.",
            f"The IP of the person who requested this is: {ctx.client_ip or ''}.",
        ],
        notice=notice,
    )


async def check_email_otp(ctx: Ctx, person: Row, code: str) -> bool:
    """Single use: the stored counter is dropped once its code was given."""
    counter = await kv.get(ctx.conn, _email_otp_key(person))
    secret = person["email_otp_secret"]
    if counter is None or not secret or not pyotp.HOTP(secret).verify(code, int(counter)):
        return False
    await kv.drop(ctx.conn, _email_otp_key(person))
    return True


# ==== FIDO / WebAuthn ========================================================================
def fido_server(settings: Settings) -> Fido2Server:
    """Relying party "Kitsu" on the host of domain_name; origin = protocol + domain_name."""
    from fido2.server import Fido2Server
    from fido2.webauthn import PublicKeyCredentialRpEntity

    expected_origin = f"{settings.domain_protocol}://{settings.domain_name}"
    return Fido2Server(
        PublicKeyCredentialRpEntity(
            name="Kitsu", id=urlparse(f"https://{settings.domain_name}").hostname
        ),
        verify_origin=lambda origin: origin == expected_origin,
    )


async def begin_fido_registration(ctx: Ctx, person: Row) -> dict[str, Any]:
    """WebAuthn creation options; the ceremony state waits in the store for 5 minutes."""
    from fido2.webauthn import (
        AuthenticatorAttachment,
        PublicKeyCredentialUserEntity,
        UserVerificationRequirement,
    )

    options, state = fido_server(ctx.settings).register_begin(
        PublicKeyCredentialUserEntity(
            id=person["id"].encode(), name=person["email"], display_name=full_name(person)
        ),
        credentials=_stored_credentials(person),
        user_verification=UserVerificationRequirement.PREFERRED,
        authenticator_attachment=AuthenticatorAttachment.CROSS_PLATFORM,
    )
    await kv.put(ctx.conn, _registration_key(person), json.dumps(state), FIDO_CEREMONY_SECONDS)
    return dict(options.public_key)


async def complete_fido_registration(
    ctx: Ctx, person: Row, response: dict[str, Any], device_name: str
) -> list[str] | None:
    """Check the authenticator's answer and store the new credential under device_name."""
    from fido2.utils import websafe_encode

    key = _registration_key(person)
    state = await kv.get(ctx.conn, key)
    if state is None:
        raise BadRequest("No preregistration before.")
    await kv.drop(ctx.conn, key)
    try:
        auth_data = fido_server(ctx.settings).register_complete(json.loads(state), response)
        # What _stored_credentials rebuilds the credential from (AAGUID, id, public key).
        credential_data = websafe_encode(auth_data.credential_data)  # type: ignore[arg-type]
    except Exception as error:  # fido2 raises many types on malformed input
        log.info("FIDO registration refused: %s", error)
        raise BadRequest(FIDO_REGISTRATION_FAILED) from None
    credential = {"device_name": device_name, "credential_data": credential_data}
    credentials = [*(person["fido_credentials"] or []), credential]
    return await _enable_method(
        ctx, person, "fido", {"fido_enabled": True, "fido_credentials": credentials}
    )


async def begin_fido_authentication(ctx: Ctx, login: str) -> dict[str, Any]:
    """A challenge for the person's devices (login step one, no token needed)."""
    person = await find_by_login(ctx, login)
    if person is None or not person["active"] or not person["fido_enabled"]:
        raise BadRequest("FIDO not enabled.")
    options, state = fido_server(ctx.settings).authenticate_begin(
        credentials=_stored_credentials(person)
    )
    # One key per challenge: asking for a challenge never voids one already handed out.
    key = _challenge_key(person, state["challenge"])
    await kv.put(ctx.conn, key, json.dumps(state), FIDO_CEREMONY_SECONDS)
    return dict(options.public_key)


async def check_fido(ctx: Ctx, person: Row, response: dict[str, Any]) -> bool:
    """Single use: the challenge answered is dropped whether the assertion holds or not."""
    try:
        challenge = _answered_challenge(response)
    except Exception:  # fido2 raises many types on malformed input
        return False
    key = _challenge_key(person, challenge)
    state = await kv.get(ctx.conn, key)
    if state is None:
        return False
    await kv.drop(ctx.conn, key)
    try:
        fido_server(ctx.settings).authenticate_complete(
            json.loads(state), _stored_credentials(person), response
        )
    except Exception as error:  # fido2 raises many types on malformed input
        log.info("FIDO authentication refused: %s", error)
        return False
    return True


async def unregister_fido(ctx: Ctx, person: Row, device_name: str, factors: Factors) -> None:
    """Forget one device; removing the last one turns FIDO off."""
    if not person["fido_enabled"]:
        raise BadRequest("FIDO not enabled.")
    await require_factor(ctx, person, factors)
    credentials = list(person["fido_credentials"] or [])
    for index, credential in enumerate(credentials):
        if credential.get("device_name") == device_name:
            del credentials[index]
            break
    values: dict[str, Any] = {"fido_credentials": credentials}
    if not credentials:
        values.update(fido_enabled=False, **_after_disable(person, "fido"))
    await rows.update_row(ctx.conn, Person, person["id"], values)


# ==== recovery codes =========================================================================
def generate_recovery_codes() -> list[str]:
    return [
        "".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]


async def regenerate_recovery_codes(ctx: Ctx, person: Row, factors: Factors) -> list[str]:
    if not has_two_factor(person):
        raise BadRequest("No two factor authentication enabled.")
    await require_factor(ctx, person, factors)
    codes = generate_recovery_codes()
    await rows.update_row(
        ctx.conn, Person, person["id"], {"otp_recovery_codes": await _hash_codes(ctx, codes)}
    )
    return codes


async def check_recovery_code(ctx: Ctx, person: Row, code: str) -> bool:
    """Single use: the matching hash is removed."""
    hashes = list(person["otp_recovery_codes"] or [])
    # Up to 16 bcrypt checks: run them off the event loop.
    match = await asyncio.to_thread(_matching_hash, code, hashes)
    if match is None:
        return False
    hashes.remove(match)
    await rows.update_row(ctx.conn, Person, person["id"], {"otp_recovery_codes": hashes})
    return True


# ==== helpers ================================================================================
def _stored_credentials(person: Row) -> list[AttestedCredentialData]:
    from fido2.utils import websafe_decode
    from fido2.webauthn import AttestedCredentialData

    return [
        AttestedCredentialData(websafe_decode(item["credential_data"]))
        for item in person["fido_credentials"] or []
    ]


def _registration_key(person: Row) -> str:
    return f"fido-registration-{person['id']}"


def _challenge_key(person: Row, challenge: str) -> str:
    return f"fido-authentication-{person['id']}-{challenge}"


def _answered_challenge(response: dict[str, Any]) -> str:
    from fido2.utils import websafe_decode, websafe_encode
    from fido2.webauthn import CollectedClientData

    client_data = CollectedClientData(websafe_decode(response["response"]["clientDataJSON"]))
    return websafe_encode(client_data.challenge)


def _matching_hash(code: str, hashes: list[str]) -> str | None:
    for hashed in hashes:
        try:
            if check_password(code, hashed.encode()):
                return hashed
        except ValueError:  # a corrupt stored hash never matches
            continue
    return None


async def _hash_codes(ctx: Ctx, codes: list[str]) -> list[str]:
    rounds = ctx.settings.bcrypt_rounds
    return await asyncio.to_thread(lambda: [hash_password(code, rounds).decode() for code in codes])


async def _enable_method(
    ctx: Ctx, person: Row, method: str, values: dict[str, Any]
) -> list[str] | None:
    """Write the method on; recovery codes are issued (and returned) with the first method."""
    codes = None
    if not person["otp_recovery_codes"]:
        codes = generate_recovery_codes()
        values["otp_recovery_codes"] = await _hash_codes(ctx, codes)
    if not person["preferred_two_factor_authentication"]:
        values["preferred_two_factor_authentication"] = method
    await rows.update_row(ctx.conn, Person, person["id"], values)
    return codes


def _after_disable(person: Row, method: str) -> dict[str, Any]:
    """What else changes once ``method`` is off: the preference falls back, or, when nothing
    is left, the preference and the recovery codes go."""
    remaining = [other for other in METHODS if other != method and person[f"{other}_enabled"]]
    if not remaining:
        return {"otp_recovery_codes": None, "preferred_two_factor_authentication": None}
    if person["preferred_two_factor_authentication"] != method:
        return {}
    fallback = next(other for other in FALLBACKS[method] if other in remaining)
    return {"preferred_two_factor_authentication": fallback}


def _email_otp_key(person: Row) -> str:
    return f"email-otp-count-{person['email']}"
