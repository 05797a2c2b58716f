"""The API root and the status routes."""

from __future__ import annotations


def test_root_names_the_api(anonymous):
    body = anonymous.ok("GET", "/")
    assert body["api"] == "Zou"
    assert body["version"]
    assert anonymous.request("HEAD", "/").status_code == 200


def test_status_reports_the_database(anonymous):
    body = anonymous.ok("GET", "/status")
    assert body["name"] == "Zou"
    assert body["database-up"] is True
    assert set(body) >= {"key-value-store-up", "event-stream-up", "job-queue-up", "indexer-up"}


def test_status_text_lists_every_service(anonymous):
    response = anonymous.get("/status.txt")
    assert response.status_code == 200
    lines = response.text.splitlines()
    assert lines[0] == "name: Zou"
    assert [line.split(":")[0] for line in lines[2:]] == [
        "database-up", "event-stream-up", "key-value-store-up", "job-queue-up", "indexer-up",
    ]  # fmt: skip
    assert lines[2] == "database-up: up"


def test_status_influx_is_numeric(anonymous):
    body = anonymous.ok("GET", "/status/influx")
    assert body["database-up"] == 1
    assert isinstance(body["time"], float)


def test_status_resources(anonymous):
    body = anonymous.ok("GET", "/status/resources")
    assert isinstance(body["cpu"]["percent"], list)
    assert body["memory"]["total"] > 0
    assert set(body["cpu"]["loadavg"]) == {"last 1 min", "last 5 min", "last 10 min"}


def test_test_event_is_not_persisted(anonymous, admin):
    before = admin.ok("GET", "/data/events?name=main:test&page=1")["total"]
    assert anonymous.ok("GET", "/status/test-event") == {"success": True}
    assert admin.ok("GET", "/data/events?name=main:test&page=1")["total"] == before


def test_stats_are_for_admins(admin, studio):
    body = admin.ok("GET", "/stats")
    assert set(body) == {
        "number_of_video_previews", "number_of_picture_previews", "number_of_model_previews",
        "number_of_comments",
    }  # fmt: skip
    assert studio.as_role("manager").get("/stats").status_code == 403


def test_config_for_the_login_page(anonymous):
    body = anonymous.ok("GET", "/config")
    assert body["enforce_2fa"] is False
    assert body["saml_enabled"] is False
    assert body["default_locale"] == "en_US"


def test_security_headers(anonymous):
    response = anonymous.get("/")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
