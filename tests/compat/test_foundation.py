"""The foundation's routes against Zou: the scenario's objects read back, per role."""

from __future__ import annotations

import pytest

READS = (
    "/data/projects/{project}",
    "/data/persons/{person:user}",
    "/data/entities/{shot:SH010}",
    "/data/entities/{asset:Bob}",
    "/data/tasks/{task:Bob-Modeling}",
    "/data/asset-instances/{asset-instance:Bob-SC01}",
    "/data/entity-links/{casting:SH010-Bob}",
    "/data/task-status",
    "/data/task-types",
    "/data/project-status",
    "/data/departments",
)


@pytest.mark.parametrize("path", READS)
def test_reads_as_admin(compat, path):
    # Reference lists are studio-wide: compared on the reference data both servers have.
    compat.check("GET", path, scenario_only="{" not in path)


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "client", "vendor", "outsider"])
def test_project_read_per_role(compat, role):
    compat.check("GET", "/data/projects/{project}", role=role)
    compat.check("GET", "/data/projects", role=role)


def test_config(compat):
    compat.check("GET", "/config")


def test_unknown_project_is_404(compat):
    compat.check("GET", "/data/projects/5b9fe6c7-8e8b-4c65-9a5c-4a4b6e4f2d11")


# ---- wire differences found in served routes (issue 7, point 3) -----------------------------
def test_new_project_bitrates_are_null(compat):
    zou, local = compat.check("POST", "/data/projects", {"name": f"Bitrates {compat.tag}"})
    assert zou["hd_bitrate_compression"] is local["hd_bitrate_compression"] is None
    assert zou["ld_bitrate_compression"] is local["ld_bitrate_compression"] is None


def test_config_has_the_movie_bitrates(compat):
    zou, local = compat.check("GET", "/config")
    for key in ("movie_highdef_bitrate", "movie_lowdef_bitrate", "preview_accounts_enabled"):
        assert zou[key] == local[key]


def test_last_presence_follows_desktop_logins(compat):
    path = "/data/persons/{person:client}/desktop-login-logs"
    compat.check("POST", path, {"date": "2026-11-20T10:00:00"}, role="client")
    compat.check("GET", path, role="client")
    zou, local = compat.check("GET", "/data/persons/{person:client}")
    assert zou["last_presence"] == local["last_presence"] == "2026-11-20"
    compat.check("POST", path, {"date": "not a date"}, role="client")
    compat.check("GET", "/data/persons/{person:client}/desktop-login-logs", role="user")


def test_registration_off_is_404(compat):
    body = {
        "email": f"self-{compat.tag}@example.com", "password": "password-123",
        "password_2": "password-123", "first_name": "Self", "last_name": "Registered",
    }  # fmt: skip
    compat.check("POST", "/auth/register", body, role="anonymous")


@pytest.mark.parametrize("email", ["admin@example.com", "nobody-here@example.com"])
def test_mail_routes_answer_alike_for_any_address(compat, email):
    compat.check("POST", "/auth/reset-password", {"email": email}, role="anonymous")
    compat.check("GET", f"/auth/email-otp?email={email}", role="anonymous")


def test_email_otp_pre_enable(compat):
    compat.check("PUT", "/auth/email-otp", role="outsider")
