"""The /auth routes against real servers: tokens, lockout, passwords, 2FA (TOTP, recovery codes,
e-mail OTP through a real SMTP server, FIDO with a software authenticator), registration,
ENFORCE_2FA, and the gazu client."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import gazu
import pyotp
import pytest
from gazu.exception import AuthFailedException

from .support.api import Api
from .support.server import ADMIN_EMAIL, ADMIN_PASSWORD, Server, free_port
from .support.smtp import SmtpSink, text_of
from .support.webauthn import SoftAuthenticator

PASSWORD = "password-123"
NEW_PASSWORD = "new-password-456"
FIDO_ORIGIN = "http://localhost:8080"  # the default domain_name and protocol of the server
NOT_FOUND_MESSAGE = (
    "404 Not Found: The requested URL was not found on the server. If you entered the URL "
    "manually please check your spelling and try again."
)
MAIL_FAILED = "The email could not be sent: the mail server is unreachable or refused it."
WRONG_CREDENTIALS = {"login": False, "message": "Wrong email or password."}
WRONG_OTP = {
    "error": True,
    "login": False,
    "wrong_OTP": True,
    "message": "Wrong two-factor authentication code.",
}
OTP_FAILED = {"error": True, "message": "OTP verification failed.", "wrong_OTP": True}
LOCKED = {
    "error": True,
    "login": False,
    "too_many_failed_login_attemps": True,
    "message": "Too many failed login attempts, retry in a minute.",
}


# ---- helpers and fixtures --------------------------------------------------------------------
def new_person(admin: Api, password: str = PASSWORD, **fields: Any) -> dict[str, Any]:
    tag = uuid.uuid4().hex[:8]
    values = {
        "first_name": "Auth",
        "last_name": f"Tester {tag}",
        "email": f"auth-{tag}@example.com",
        "password": password,
        **fields,
    }
    return admin.create("persons", **values)


def logged_in(base_url: str, email: str, password: str = PASSWORD) -> Api:
    client = Api(base_url)
    client.login(email, password)
    return client


def login(client: Api, email: str, password: str = PASSWORD, **factors: Any):
    return client.as_token(None).post(
        "/auth/login", json={"email": email, "password": password, **factors}
    )


def enable_totp(client: Api) -> tuple[pyotp.TOTP, list[str]]:
    secret = client.ok("PUT", "/auth/totp")["otp_secret"]
    totp = pyotp.TOTP(secret)
    body = client.ok("POST", "/auth/totp", json={"totp": totp.now()})
    return totp, body["otp_recovery_codes"]


def mailed_code(smtp: SmtpSink, email: str) -> str:
    match = re.search(r"Your verification code is: (\d{6})", text_of(smtp.wait_for(email)))
    assert match, "no code in the mail"
    return match.group(1)


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink


@pytest.fixture(scope="module")
def mail_server(tmp_path_factory: pytest.TempPathFactory, smtp: SmtpSink) -> Iterator[Server]:
    """A server that sends mail to the test SMTP server and allows self-registration."""
    instance = Server(
        tmp_path_factory.mktemp("mail-server"),
        mail_server="127.0.0.1",
        mail_port=str(smtp.port),
        self_registration="true",
    ).start()
    yield instance
    instance.stop()


@pytest.fixture(scope="module")
def mail_admin(mail_server: Server) -> Api:
    return logged_in(mail_server.api, ADMIN_EMAIL, ADMIN_PASSWORD)


# ---- login -----------------------------------------------------------------------------------
def test_login_by_email_and_desktop_login(admin, anonymous):
    person = new_person(admin, desktop_login=f"desk-{uuid.uuid4().hex[:6]}")
    body = login(anonymous, person["email"]).json()
    assert body["login"] is True
    assert body["user"]["id"] == person["id"]
    assert "password" not in body["user"] and "totp_secret" not in body["user"]
    assert body["organisation"]["name"]
    assert {"access_token", "refresh_token"} <= set(body)
    by_desktop = login(anonymous, person["desktop_login"])
    assert by_desktop.status_code == 200
    assert by_desktop.json()["user"]["id"] == person["id"]


def test_wrong_password_and_unknown_user(admin, anonymous):
    person = new_person(admin)
    wrong = login(anonymous, person["email"], "not-the-password")
    assert (wrong.status_code, wrong.json()) == (400, WRONG_CREDENTIALS)
    unknown = login(anonymous, "nobody@example.com")
    assert (unknown.status_code, unknown.json()) == (400, WRONG_CREDENTIALS)


def test_login_bad_input_is_a_validation_error(anonymous):
    missing = anonymous.post("/auth/login", json={"password": PASSWORD})
    assert missing.status_code == 400
    assert missing.json() == {
        "error": True,
        "message": "Validation error.",
        "data": {"errors": [{"field": "email", "message": "Field required"}]},
    }
    assert anonymous.post("/auth/login", json={"email": ""}).status_code == 400
    assert anonymous.post("/auth/login", json={"email": 12, "password": []}).status_code == 400
    not_json = anonymous.post("/auth/login", content=b"{oops", headers={"content-type": "text/x"})
    assert not_json.status_code == 400
    assert not_json.json()["message"] == "Validation error."


def test_inactive_user_gets_401(admin, anonymous):
    person = new_person(admin)
    admin.ok("PUT", f"/data/persons/{person['id']}", json={"active": False})
    response = login(anonymous, person["email"])
    assert response.status_code == 401
    assert response.json() == {
        "error": True,
        "login": False,
        "unactive": True,
        "message": "User is unactive, he cannot log in.",
    }


def test_lockout_after_five_failures_then_unlock(start_server):
    server = start_server(login_lockout_seconds="2")
    client = Api(server.api)
    for _ in range(5):
        assert login(client, ADMIN_EMAIL, "wrong-password").json() == WRONG_CREDENTIALS
    locked = login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    assert (locked.status_code, locked.json()) == (400, LOCKED)
    time.sleep(2.2)
    assert login(client, ADMIN_EMAIL, ADMIN_PASSWORD).status_code == 200


def test_default_password_asks_for_a_reset(admin, anonymous):
    person = new_person(admin, password="default")
    response = anonymous.post("/auth/login", json={"email": person["email"]})
    assert response.status_code == 400
    body = response.json()
    assert body["login"] is False and body["default_password"] is True
    assert re.fullmatch(r"[A-Z0-9]{64}", body["token"])
    reset = {"email": person["email"], "token": body["token"]}
    anonymous.ok(
        "PUT", "/auth/reset-password", json={**reset, "password": PASSWORD, "password2": PASSWORD}
    )
    assert login(anonymous, person["email"]).status_code == 200


# ---- tokens ----------------------------------------------------------------------------------
def test_refresh_token_gives_a_new_access_token(admin, anonymous):
    person = new_person(admin)
    tokens = login(anonymous, person["email"]).json()
    refreshed = anonymous.as_token(tokens["refresh_token"]).ok("GET", "/auth/refresh-token")
    assert set(refreshed) == {"access_token"}
    me = anonymous.as_token(refreshed["access_token"]).ok("GET", "/auth/authenticated")
    assert me["authenticated"] is True and me["user"]["id"] == person["id"]
    as_access = anonymous.as_token(tokens["refresh_token"]).get("/auth/authenticated")
    assert (as_access.status_code, as_access.json()) == (
        422,
        {"msg": "Only non-refresh tokens are allowed"},
    )
    as_refresh = anonymous.as_token(tokens["access_token"]).get("/auth/refresh-token")
    assert (as_refresh.status_code, as_refresh.json()) == (
        422,
        {"msg": "Only refresh tokens are allowed"},
    )


def test_logout_revokes_both_tokens(admin, anonymous):
    person = new_person(admin)
    tokens = login(anonymous, person["email"]).json()
    client = anonymous.as_token(tokens["access_token"])
    assert client.ok("GET", "/auth/logout") == {"logout": True}
    revoked = client.get("/auth/authenticated")
    assert (revoked.status_code, revoked.json()) == (401, {"msg": "Token has been revoked"})
    refresh = anonymous.as_token(tokens["refresh_token"]).get("/auth/refresh-token")
    assert (refresh.status_code, refresh.json()) == (401, {"msg": "Token has been revoked"})


def test_expired_token_and_gazu_refresh(start_server):
    server = start_server(access_token_lifetime_seconds="2")
    client = logged_in(server.api, ADMIN_EMAIL, ADMIN_PASSWORD)
    kitsu = gazu.client.create_client(server.api, use_refresh_token=True)
    gazu.log_in(ADMIN_EMAIL, ADMIN_PASSWORD, client=kitsu)
    time.sleep(2.5)
    expired = client.get("/auth/authenticated")
    assert (expired.status_code, expired.json()) == (
        401,
        {"error": True, "message": "Signature has expired"},
    )
    # gazu sees "Signature has expired", refreshes with its refresh token and retries.
    assert gazu.client.get_current_user(client=kitsu)["email"] == ADMIN_EMAIL


def test_missing_garbage_and_malformed_tokens(anonymous):
    missing = anonymous.get("/auth/authenticated")
    assert missing.status_code == 401 and "Missing JWT" in missing.json()["msg"]
    garbage = anonymous.as_token("garbage").get("/auth/authenticated")
    assert (garbage.status_code, garbage.json()) == (422, {"msg": "Not enough segments"})
    header = anonymous.get("/auth/authenticated", headers={"Authorization": "Token abc"})
    assert header.status_code == 422


def test_bot_token_works_but_not_on_person_routes(admin, anonymous):
    bot = new_person(admin, is_bot=True, password=None)
    assert bot["access_token"]
    client = anonymous.as_token(bot["access_token"])
    assert client.ok("GET", "/auth/authenticated")["user"]["id"] == bot["id"]
    for method, path in (
        ("GET", "/auth/logout"),
        ("PUT", "/auth/totp"),
        ("PUT", "/auth/fido"),
        ("PUT", "/auth/recovery-codes"),
        ("POST", "/auth/change-password"),
    ):
        assert client.request(method, path).status_code == 403, path


# ---- passwords -------------------------------------------------------------------------------
def test_change_password(admin, server):
    person = new_person(admin)
    client = logged_in(server.api, person["email"])

    def change(old: str, new: str, confirmation: str):
        body = {"old_password": old, "password": new, "password_2": confirmation}
        return client.post("/auth/change-password", json=body)

    assert change("bad-password", NEW_PASSWORD, NEW_PASSWORD).json() == {
        "error": True,
        "message": "Old password is wrong.",
    }
    mismatch = change(PASSWORD, NEW_PASSWORD, "other-password")
    assert mismatch.json()["message"] == "Confirmation password doesn't match."
    assert change(PASSWORD, "short", "short").json()["message"] == "Password is too short."
    assert client.post("/auth/change-password", json={"old_password": PASSWORD}).status_code == 400
    assert change(PASSWORD, NEW_PASSWORD, NEW_PASSWORD).json() == {"success": True}
    assert login(client, person["email"], PASSWORD).status_code == 400
    assert login(client, person["email"], NEW_PASSWORD).status_code == 200
    # The old-password check shares the login failure counter and lockout.
    for _ in range(5):
        change("bad-password", NEW_PASSWORD, NEW_PASSWORD)
    assert change(NEW_PASSWORD, PASSWORD, PASSWORD).json() == {
        "error": True,
        "message": "Too many failed login attempts.",
        "too_many_failed_login_attemps": True,
    }


def test_password_reset_by_mail(mail_server, mail_admin, smtp):
    person = new_person(mail_admin)
    anonymous = Api(mail_server.api)
    sent = anonymous.ok("POST", "/auth/reset-password", json={"email": person["email"]})
    assert sent == {"success": "Reset token sent"}
    text = text_of(smtp.wait_for(person["email"]))
    link = urlparse(re.search(r"(http\S+/reset-change-password\?\S+)", text).group(1))
    assert f"{link.scheme}://{link.netloc}" == "http://localhost:8080"
    query = {key: values[0] for key, values in parse_qs(link.query).items()}
    assert query["email"] == person["email"] and len(query["token"]) == 64

    def reset(token: str, password: str, confirmation: str):
        body = {
            "email": person["email"],
            "token": token,
            "password": password,
            "password2": confirmation,
        }
        return anonymous.put("/auth/reset-password", json=body)

    assert reset("WRONG", NEW_PASSWORD, NEW_PASSWORD).json() == {
        "error": True,
        "message": "Wrong or expired token.",
    }
    mismatch = reset(query["token"], NEW_PASSWORD, "something-else")
    assert mismatch.json()["message"] == "Confirmation password doesn't match."
    assert reset(query["token"], "short", "short").json()["message"] == "Password is too short."
    assert reset(query["token"], NEW_PASSWORD, NEW_PASSWORD).json() == {"success": True}
    assert reset(query["token"], PASSWORD, PASSWORD).json()["message"] == "Wrong or expired token."
    assert login(anonymous, person["email"], NEW_PASSWORD).status_code == 200
    # Unknown accounts get the same answer, and no mail.
    unknown = anonymous.ok("POST", "/auth/reset-password", json={"email": "ghost@example.com"})
    assert unknown == {"success": "Reset token sent"}
    assert smtp.messages == []


def test_password_change_is_notified_by_mail(mail_server, mail_admin, smtp):
    person = new_person(mail_admin)
    client = logged_in(mail_server.api, person["email"])
    body = {"old_password": PASSWORD, "password": NEW_PASSWORD, "password_2": NEW_PASSWORD}
    assert client.ok("POST", "/auth/change-password", json=body) == {"success": True}
    notice = smtp.wait_for(person["email"])
    assert notice["Subject"] == "Kitsu - Kitsu: password changed"
    assert notice["From"] == "Kitsu Bot <no-reply@kitsu-local>"


def test_mail_routes_without_a_mail_server(admin, server, anonymous):
    """As Zou: a success, and the same one for an address nobody has (no enumeration)."""
    person = new_person(admin)
    client = logged_in(server.api, person["email"])
    assert client.ok("PUT", "/auth/email-otp") == {"success": True}
    assert client.ok("GET", "/auth/authenticated")["user"]["email_otp_enabled"] is False
    for email in (person["email"], "nobody-at-all@example.com"):
        reset = anonymous.post("/auth/reset-password", json={"email": email})
        assert (reset.status_code, reset.json()) == (200, {"success": "Reset token sent"})
        code = anonymous.get("/auth/email-otp", params={"email": email})
        assert (code.status_code, code.json()) == (200, {"success": True})
    assert "was not sent" in server.log()


def test_mail_routes_when_smtp_is_down(start_server):
    server = start_server(mail_server="127.0.0.1", mail_port=str(free_port()))
    client = logged_in(server.api, ADMIN_EMAIL, ADMIN_PASSWORD)
    down = client.put("/auth/email-otp")
    assert (down.status_code, down.json()) == (400, {"error": True, "message": MAIL_FAILED})
    # An anonymous request gets the same answer whether the delivery failed or not.
    reset = client.as_token(None).post("/auth/reset-password", json={"email": ADMIN_EMAIL})
    assert (reset.status_code, reset.json()) == (200, {"success": "Reset token sent"})
    # Nothing was half-enabled: the pre-enable can be retried from scratch.
    assert client.ok("GET", "/auth/authenticated")["user"]["email_otp_enabled"] is False


# ---- registration, SAML ----------------------------------------------------------------------
def test_registration_when_enabled(mail_server):
    anonymous = Api(mail_server.api)
    email = f"self-{uuid.uuid4().hex[:8]}@example.com"
    body = {
        "email": email, "password": PASSWORD, "password_2": PASSWORD,
        "first_name": "Self", "last_name": "Registered",
    }  # fmt: skip
    response = anonymous.post("/auth/register", json=body)
    assert (response.status_code, response.json()) == (201, {"registration_success": True})
    user = login(anonymous, email).json()["user"]
    assert (user["role"], user["active"], user["full_name"]) == ("user", True, "Self Registered")
    again = anonymous.post("/auth/register", json=body)
    assert (again.status_code, again.json()["message"]) == (400, "Email already in use.")
    mismatch = anonymous.post(
        "/auth/register", json={**body, "email": f"x{email}", "password_2": "x" * 12}
    )
    assert mismatch.json()["message"] == "Confirmation password doesn't match."
    bad_email = anonymous.post("/auth/register", json={**body, "email": "not-an-email"})
    assert bad_email.status_code == 400
    assert (
        anonymous.post("/auth/register", json={"email": email}).json()["message"]
        == "Validation error."
    )


def test_registration_is_disabled_by_default(anonymous):
    body = {
        "email": "someone@example.com", "password": PASSWORD, "password_2": PASSWORD,
        "first_name": "Some", "last_name": "One",
    }  # fmt: skip
    response = anonymous.post("/auth/register", json=body)
    assert (response.status_code, response.json()) == (
        404,
        {"error": True, "message": NOT_FOUND_MESSAGE},
    )


def test_saml_is_not_enabled(anonymous):
    for response in (anonymous.get("/auth/saml/login"), anonymous.post("/auth/saml/sso")):
        assert (response.status_code, response.json()) == (400, {"error": "SAML is not enabled."})


# ---- TOTP and recovery codes -----------------------------------------------------------------
def test_totp_enable_login_and_disable(admin, server):
    person = new_person(admin)
    client = logged_in(server.api, person["email"])
    pre = client.ok("PUT", "/auth/totp")
    assert re.fullmatch(r"[A-Z2-7]{32}", pre["otp_secret"])
    assert pre["totp_provisionning_uri"].startswith("otpauth://totp/")
    assert "issuer=Kitsu%20Kitsu" in pre["totp_provisionning_uri"]
    totp = pyotp.TOTP(pre["otp_secret"])
    wrong = client.post(
        "/auth/totp", json={"totp": "000000" if totp.now() != "000000" else "111111"}
    )
    assert wrong.json() == {
        "error": True,
        "message": "TOTP verification failed.",
        "wrong_OTP": True,
    }
    assert client.post("/auth/totp", json={"totp": 123456}).json()["message"] == "Validation error."
    enabled = client.ok("POST", "/auth/totp", json={"totp": totp.now()})
    codes = enabled["otp_recovery_codes"]
    assert len(codes) == 16 and all(re.fullmatch(r"[A-Z0-9]{10}", code) for code in codes)
    assert {"access_token", "refresh_token"} <= set(enabled)
    assert client.put("/auth/totp").json() == {"error": True, "message": "TOTP already enabled."}

    missing = login(client, person["email"])
    assert (missing.status_code, missing.json()) == (
        400,
        {
            "error": True,
            "login": False,
            "missing_OTP": True,
            "message": "A two-factor authentication code is required.",
            "preferred_two_factor_authentication": "totp",
            "two_factor_authentication_enabled": ["recovery_code", "totp"],
        },
    )
    assert login(client, person["email"], totp=totp.now()).status_code == 200

    assert client.delete("/auth/totp").json() == OTP_FAILED
    assert client.request("DELETE", "/auth/totp", json={"totp": totp.now()}).json() == {
        "success": True
    }
    assert client.request("DELETE", "/auth/totp", json={"totp": totp.now()}).json() == {
        "error": True,
        "message": "TOTP not enabled.",
    }
    user = client.ok("GET", "/auth/authenticated")["user"]
    assert (user["totp_enabled"], user["preferred_two_factor_authentication"]) == (False, None)
    assert login(client, person["email"]).status_code == 200


def test_wrong_factor_counts_toward_the_lockout(admin, server):
    person = new_person(admin)
    client = logged_in(server.api, person["email"])
    totp, _ = enable_totp(client)
    for _ in range(5):
        response = login(client, person["email"], totp="abcdef")
        assert (response.status_code, response.json()) == (400, WRONG_OTP)
    assert login(client, person["email"], totp=totp.now()).json() == LOCKED


def test_recovery_codes_are_single_use_and_regenerated(admin, server):
    person = new_person(admin)
    client = logged_in(server.api, person["email"])
    totp, codes = enable_totp(client)
    assert login(client, person["email"], recovery_code=codes[0]).status_code == 200
    assert login(client, person["email"], recovery_code=codes[0]).json() == WRONG_OTP
    assert client.put("/auth/recovery-codes", json={"totp": "abcdef"}).json() == OTP_FAILED
    fresh = client.ok("PUT", "/auth/recovery-codes", json={"totp": totp.now()})[
        "otp_recovery_codes"
    ]
    assert len(fresh) == 16 and not set(fresh) & set(codes)
    assert login(client, person["email"], recovery_code=codes[1]).json() == WRONG_OTP
    assert login(client, person["email"], recovery_code=fresh[0]).status_code == 200
    # A recovery code disables a method too; with none left the codes are dropped.
    client.ok("DELETE", "/auth/totp", json={"recovery_code": fresh[1]})
    none_left = client.put("/auth/recovery-codes", json={"recovery_code": fresh[2]})
    assert none_left.json() == {"error": True, "message": "No two factor authentication enabled."}


# ---- e-mail OTP ------------------------------------------------------------------------------
def test_email_otp_enable_and_login(mail_server, mail_admin, smtp):
    person = new_person(mail_admin)
    email = person["email"]
    client = logged_in(mail_server.api, email)
    assert client.ok("PUT", "/auth/email-otp") == {"success": True}
    code = mailed_code(smtp, email)
    wrong = client.post("/auth/email-otp", json={"email_otp": "abcdef"})
    assert wrong.json() == {
        "error": True,
        "message": "OTP by email verification failed.",
        "wrong_OTP": True,
    }
    enabled = client.ok("POST", "/auth/email-otp", json={"email_otp": code})
    assert len(enabled["otp_recovery_codes"]) == 16
    assert client.put("/auth/email-otp").json()["message"] == "OTP by email already enabled."

    missing = login(client, email).json()
    assert missing["two_factor_authentication_enabled"] == ["recovery_code", "email_otp"]
    assert missing["preferred_two_factor_authentication"] == "email_otp"
    anonymous = client.as_token(None)
    assert anonymous.ok("GET", "/auth/email-otp", params={"email": email}) == {"success": True}
    code = mailed_code(smtp, email)
    assert login(client, email, email_otp=code).status_code == 200
    assert login(client, email, email_otp=code).json() == WRONG_OTP  # single use
    # Unknown accounts get the same answer and no mail; a missing address is a 400.
    assert anonymous.ok("GET", "/auth/email-otp", params={"email": "ghost@example.com"}) == {
        "success": True
    }
    assert anonymous.get("/auth/email-otp").json()["message"] == "Missing required parameter: email"

    anonymous.ok("GET", "/auth/email-otp", params={"email": email})
    disable = {"email_otp": mailed_code(smtp, email)}
    assert client.request("DELETE", "/auth/email-otp", json=disable).json() == {"success": True}
    assert client.request("DELETE", "/auth/email-otp", json=disable).json() == {
        "error": True,
        "message": "OTP by email not enabled.",
    }
    assert smtp.messages == []


# ---- FIDO ------------------------------------------------------------------------------------
def register_device(client: Api, authenticator: SoftAuthenticator, name: str) -> dict[str, Any]:
    options = client.ok("PUT", "/auth/fido")
    response = authenticator.register(options)
    return client.ok(
        "POST", "/auth/fido", json={"registration_response": response, "device_name": name}
    )


def fido_assertion(client: Api, email: str, authenticator: SoftAuthenticator) -> dict[str, Any]:
    options = client.as_token(None).ok("GET", "/auth/fido", params={"email": email})
    return authenticator.authenticate(options)


def test_fido_registration_and_login(admin, server):
    person = new_person(admin)
    email = person["email"]
    client = logged_in(server.api, email)
    options = client.ok("PUT", "/auth/fido")
    assert options["rp"] == {"name": "Kitsu", "id": "localhost"}
    assert options["user"]["name"] == email
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    key = SoftAuthenticator(FIDO_ORIGIN)
    registered = client.ok(
        "POST",
        "/auth/fido",
        json={"registration_response": key.register(options), "device_name": "yubikey"},
    )
    assert len(registered["otp_recovery_codes"]) == 16 and registered["access_token"]
    user = client.ok("GET", "/auth/authenticated")["user"]
    assert (user["fido_enabled"], user["fido_devices"]) == (True, ["yubikey"])

    challenge = client.as_token(None).ok("GET", "/auth/fido", params={"email": email})
    assert challenge["rpId"] == "localhost"
    assertion = key.authenticate(challenge)
    fido_assertion(client, email, key)  # another challenge asked meanwhile does not void it
    assert login(client, email, fido_authentication_response=assertion).status_code == 200
    replay = login(client, email, fido_authentication_response=assertion)
    assert replay.json() == WRONG_OTP  # the challenge was used up
    impostor = SoftAuthenticator("http://evil.example.com")
    impostor.credential_id, impostor.key = key.credential_id, key.key
    wrong_origin = fido_assertion(client, email, impostor)
    assert login(client, email, fido_authentication_response=wrong_origin).json() == WRONG_OTP

    fido_assertion(client, email, key)  # a pending challenge does not let garbage in
    garbage = login(client, email, fido_authentication_response={"id": 1, "response": "x"})
    assert garbage.json() == WRONG_OTP

    unregister = {"device_name": "yubikey", "recovery_code": registered["otp_recovery_codes"][0]}
    assert client.request("DELETE", "/auth/fido", json=unregister).json() == {"success": True}
    assert client.as_token(None).get("/auth/fido", params={"email": email}).json() == {
        "error": True,
        "message": "FIDO not enabled.",
    }
    assert (
        client.request("DELETE", "/auth/fido", json=unregister).json()["message"]
        == "FIDO not enabled."
    )


def test_fido_bad_registrations_are_400(admin, server):
    person = new_person(admin)
    client = logged_in(server.api, person["email"])
    key = SoftAuthenticator(FIDO_ORIGIN)
    body = {"registration_response": {"id": "x"}, "device_name": "key"}
    assert client.post("/auth/fido", json=body).json() == {
        "error": True,
        "message": "No preregistration before.",
    }
    client.ok("PUT", "/auth/fido")
    assert client.post("/auth/fido", json=body).json() == {
        "error": True,
        "message": "FIDO server exception your registration response is probly wrong.",
    }
    wrong_origin = SoftAuthenticator("http://evil.example.com").register(
        client.ok("PUT", "/auth/fido")
    )
    refused = client.post(
        "/auth/fido", json={"registration_response": wrong_origin, "device_name": "k"}
    )
    assert refused.status_code == 400
    assert client.post("/auth/fido", json={"registration_response": "x"}).status_code == 400
    assert client.post("/auth/fido", content=b"not json").status_code == 400
    assert client.request("DELETE", "/auth/fido", json={}).json()["message"] == "Validation error."
    assert (
        client.as_token(None).get("/auth/fido").json()["message"]
        == "Missing required parameter: email"
    )
    register_device(client, key, "key")
    assert client.ok("GET", "/auth/authenticated")["user"]["fido_devices"] == ["key"]


def test_second_method_and_preferred_fallback(admin, server):
    person = new_person(admin)
    email = person["email"]
    client = logged_in(server.api, email)
    totp, codes = enable_totp(client)
    key = SoftAuthenticator(FIDO_ORIGIN)
    assert register_device(client, key, "key")["otp_recovery_codes"] is None
    missing = login(client, email).json()
    assert missing["two_factor_authentication_enabled"] == ["recovery_code", "totp", "fido"]
    assert missing["preferred_two_factor_authentication"] == "totp"
    client.ok("DELETE", "/auth/totp", json={"totp": totp.now()})
    user = client.ok("GET", "/auth/authenticated")["user"]
    assert user["preferred_two_factor_authentication"] == "fido"
    # The recovery codes issued with the first method still work with the second one.
    assert login(client, email, recovery_code=codes[0]).status_code == 200
    assert (
        login(
            client, email, fido_authentication_response=fido_assertion(client, email, key)
        ).status_code
        == 200
    )


# ---- ENFORCE_2FA -----------------------------------------------------------------------------
def test_enforce_2fa_restricts_until_2fa_is_set_up(start_server):
    server = start_server(enforce_2fa="true")
    anonymous = Api(server.api)
    body = login(anonymous, ADMIN_EMAIL, ADMIN_PASSWORD).json()
    assert body["two_factor_authentication_required"] is True
    restricted = anonymous.as_token(body["access_token"])
    blocked = restricted.get("/data/projects")
    assert (blocked.status_code, blocked.json()) == (
        403,
        {
            "error": True,
            "two_factor_authentication_required": True,
            "message": "Two-factor authentication setup is required. Please configure 2FA before "
            "accessing the API.",
        },
    )
    assert restricted.ok("GET", "/auth/authenticated")["user"]["email"] == ADMIN_EMAIL
    refreshed = anonymous.as_token(body["refresh_token"]).ok("GET", "/auth/refresh-token")
    assert anonymous.as_token(refreshed["access_token"]).get("/data/projects").status_code == 403

    secret = restricted.ok("PUT", "/auth/totp")["otp_secret"]
    totp = pyotp.TOTP(secret)
    enabled = restricted.ok("POST", "/auth/totp", json={"totp": totp.now()})
    assert anonymous.as_token(enabled["access_token"]).get("/data/projects").status_code == 200
    assert restricted.get("/data/projects").status_code == 403  # the old token keeps its claim
    renewed = anonymous.as_token(body["refresh_token"]).ok("GET", "/auth/refresh-token")
    assert anonymous.as_token(renewed["access_token"]).get("/data/projects").status_code == 200
    fresh = login(anonymous, ADMIN_EMAIL, ADMIN_PASSWORD, totp=totp.now()).json()
    assert fresh["login"] is True and "two_factor_authentication_required" not in fresh


# ---- gazu ------------------------------------------------------------------------------------
def test_gazu_logs_in(admin, server):
    person = new_person(admin)
    kitsu = gazu.client.create_client(server.api)
    with pytest.raises(AuthFailedException):
        gazu.log_in(person["email"], "wrong-password", client=kitsu)
    tokens = gazu.log_in(person["email"], PASSWORD, client=kitsu)
    assert tokens["login"] is True
    assert gazu.client.get_current_user(client=kitsu)["id"] == person["id"]
    client = logged_in(server.api, person["email"])
    totp, _ = enable_totp(client)
    with pytest.raises(AuthFailedException):
        gazu.log_in(person["email"], PASSWORD, client=kitsu)
    gazu.log_in(person["email"], PASSWORD, totp=totp.now(), client=kitsu)
    assert gazu.client.get_current_user(client=kitsu)["id"] == person["id"]
