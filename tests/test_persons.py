"""Person routes beyond the generic CRUD: desktop login logs and the last presence."""

from __future__ import annotations

import uuid

import gazu

from .support.server import ADMIN_EMAIL, ADMIN_PASSWORD
from .support.studio import PASSWORD


def _new_artist(admin) -> tuple[dict, object]:
    tag = uuid.uuid4().hex[:8]
    person = admin.create(
        "persons", first_name="Present", last_name=tag, email=f"present-{tag}@example.com",
        password=PASSWORD, role="user",
    )  # fmt: skip
    client = admin.as_token(None)
    client.login(person["email"], PASSWORD)
    return person, client


def test_a_desktop_login_sets_the_last_presence(admin):
    artist, client = _new_artist(admin)
    assert admin.ok("GET", f"/data/persons/{artist['id']}")["last_presence"] is None
    path = f"/data/persons/{artist['id']}/desktop-login-logs"
    log = client.ok("POST", path, 201, json={"date": "2026-11-20T10:00:00"})
    assert (log["person_id"], log["date"], log["type"]) == (
        artist["id"],
        "2026-11-20T10:00:00",
        "DesktopLoginLog",
    )
    client.ok("POST", path, 201, json={"date": "2026-11-18"})
    assert admin.ok("GET", f"/data/persons/{artist['id']}")["last_presence"] == "2026-11-20"
    assert [item["date"] for item in client.ok("GET", path)] == [
        "2026-11-20T10:00:00",
        "2026-11-18T00:00:00",
    ]


def test_desktop_login_log_rules(admin, studio):
    artist, other = studio.people["user"], studio.people["client"]
    path = f"/data/persons/{other['id']}/desktop-login-logs"
    assert studio.as_role("user").post(path, json={}).status_code == 403
    assert studio.as_role("user").get(path).status_code == 403
    assert studio.as_role("manager").get(path).status_code == 200
    assert studio.as_role("manager").post(path, json={}).status_code == 403  # admins only
    bad = studio.as_role("user").post(
        f"/data/persons/{artist['id']}/desktop-login-logs", json={"date": "nope"}
    )
    assert bad.status_code == 400 and bad.json()["message"] == "Validation error."
    unknown = "5b9fe6c7-8e8b-4c65-9a5c-4a4b6e4f2d11"
    assert admin.post(f"/data/persons/{unknown}/desktop-login-logs", json={}).status_code == 404
    assert admin.get("/data/persons/not-an-id/desktop-login-logs").status_code in (400, 404)


def test_gazu_reads_the_last_presence(server, admin):
    client = gazu.client.create_client(server.api)
    gazu.log_in(ADMIN_EMAIL, ADMIN_PASSWORD, client=client)
    me = gazu.client.get_current_user(client=client)
    admin.ok("POST", f"/data/persons/{me['id']}/desktop-login-logs", 201, json={})
    today = admin.ok("GET", f"/data/persons/{me['id']}/desktop-login-logs")[0]["date"][:10]
    assert gazu.person.get_person(me["id"], client=client)["last_presence"] == today


def test_persons_filter_on_full_name_as_zou(admin):
    tag = uuid.uuid4().hex[:8]
    person = admin.create(
        "persons", first_name="Full", last_name=f"Name{tag}", email=f"full-{tag}@example.com"
    )
    found = admin.ok("GET", "/data/persons", params={"full_name": f"Full Name{tag}"})
    assert [item["id"] for item in found] == [person["id"]]
    assert admin.ok("GET", "/data/persons", params={"full_name": f"Nobody {tag}"}) == []
