"""The event log (``/data/events/last``) and the login logs (``/data/events/login-logs/last``):
order, filters, cursors, errors, who may read them, and gazu's ``sync.get_last_events``."""

from __future__ import annotations

import time
import uuid

import gazu
import pytest

from .support.studio import unique

EVENT_KEYS = {"id", "created_at", "name", "user_id", "project_id", "data"}
LOGIN_LOG_KEYS = {"id", "created_at", "ip_address", "person_id", "origin"}
DATE_ERROR = (
    "Wrong date format for before argument.Expected format: 2020-01-05T13:23:10 or 2020-01-05"
)


def error(response, status: int = 400) -> str:
    assert response.status_code == status, response.text
    return response.json()["message"]


@pytest.fixture(scope="module")
def logged(studio):
    """A project of the studio's team with a few events of its own, the second one a second
    after the first (the log's dates have second precision)."""
    admin = studio.admin
    team = [person["id"] for person in studio.people.values() if person["role"] != "admin"]
    project = admin.create("projects", name=unique("Log"), team=team)
    kind = studio.types["Character"]
    first = admin.create("entities", project_id=project["id"], name="A", entity_type_id=kind)
    time.sleep(1.1)
    second = admin.create("entities", project_id=project["id"], name="B", entity_type_id=kind)
    events = admin.ok("GET", f"/data/events/last?project_id={project['id']}")
    return {"project": project, "first": first, "second": second, "events": events}


def test_last_events_newest_first(studio, logged):
    admin, events = studio.admin, logged["events"]
    assert all(set(event) == EVENT_KEYS for event in events)
    assert [event["created_at"] for event in events] == sorted(
        (event["created_at"] for event in events), reverse=True
    )
    newest = events[0]
    assert newest["name"] == "asset:new" and newest["project_id"] == logged["project"]["id"]
    assert newest["data"]["asset_id"] == logged["second"]["id"]
    assert len(newest["created_at"]) == 19  # second precision, no zone
    everything = admin.ok("GET", "/data/events/last")
    assert len(everything) == min(100, len(admin.ok("GET", "/data/events/last?limit=1000")))
    assert len(admin.ok("GET", "/data/events/last?limit=2")) == 2
    assert admin.ok("GET", "/data/events/last?limit=0") == []
    assert len(admin.ok("GET", "/data/events/last?limit=5000")) <= 1000


def test_last_events_filters(studio, logged):
    admin, project, events = studio.admin, logged["project"], logged["events"]
    base = f"/data/events/last?project_id={project['id']}"
    boundary = events[0]["created_at"]
    before = admin.ok("GET", f"{base}&before={boundary}")
    assert before and all(event["created_at"] < boundary for event in before)
    after = admin.ok("GET", f"{base}&after={before[0]['created_at']}")
    # Stored dates keep their microseconds: events of the boundary's second may be after it.
    assert after and all(event["created_at"] >= before[0]["created_at"] for event in after)
    assert admin.ok("GET", f"{base}&after={boundary[:10]}") == events  # a date is its midnight
    named = admin.ok("GET", f"{base}&name=asset:new")
    assert [event["data"]["asset_id"] for event in named] == [
        logged["second"]["id"], logged["first"]["id"],
    ]  # fmt: skip
    prefixed = admin.ok("GET", f"{base}&name_prefixes=asset&name_prefixes=project")
    assert prefixed and {event["name"].split(":")[0] for event in prefixed} <= {"asset", "project"}
    suffixed = admin.ok("GET", f"{base}&name_suffixes=new")
    assert suffixed and all(event["name"].endswith(":new") for event in suffixed)
    me = admin.ok("GET", "/auth/authenticated")["user"]["id"]
    assert admin.ok("GET", f"{base}&person_ids={me}") == events
    assert admin.ok("GET", f"{base}&person_ids={studio.people['user']['id']}") == []
    # Only the exact string "true" selects the file events (gazu sends "True": ignored).
    assert admin.ok("GET", f"{base}&only_files=true") == []
    assert admin.ok("GET", f"{base}&only_files=True") == events
    older = admin.ok("GET", f"{base}&cursor_event_id={events[0]['id']}")
    assert older == [event for event in events if event["created_at"] < boundary]


def test_last_events_errors(studio):
    admin, url = studio.admin, "/data/events/last"
    assert error(admin.get(f"{url}?limit=abc")) == "Wrong value for parameter limit."
    # A negative limit is a 400 here (Zou answers 500).
    assert error(admin.get(f"{url}?limit=-1")) == "Wrong value for parameter limit."
    for date in ("2026-13-01", "yesterday", "2026-01-01T10:00:00.5", "2026-01-01 10:00:00"):
        assert error(admin.get(f"{url}?after={date}")) == DATE_ERROR
        assert error(admin.get(f"{url}?before={date}")) == DATE_ERROR
    assert (
        error(admin.get(f"{url}?project_id=nope")) == "The project_id parameter is not a valid id"
    )
    assert error(admin.get(f"{url}?cursor_event_id=nope")) == (
        "The cursor_event_id parameter is not a valid id"
    )
    unknown = uuid.uuid4()
    assert (
        error(admin.get(f"{url}?cursor_event_id={unknown}")) == f"No event found with id: {unknown}"
    )
    assert error(admin.get(f"{url}?name_prefixes=Task")) == (
        "The name_prefixes parameter contains an invalid value"
    )
    assert error(admin.get(f"{url}?name_suffixes=a%25")) == (
        "The name_suffixes parameter contains an invalid value"
    )
    assert (
        error(admin.get(f"{url}?person_ids=x")) == "The person_ids parameter contains an invalid id"
    )
    assert admin.ok("GET", f"{url}?project_id={uuid.uuid4()}") == []


def test_last_events_permissions(studio, logged):
    project, other = logged["project"], studio.other_project
    manager = studio.as_role("manager")
    seen = manager.ok("GET", "/data/events/last?limit=1000")
    # A manager reads the events of their projects only, never those without a project.
    assert seen and not any(event["project_id"] in (None, other["id"]) for event in seen)
    assert manager.ok("GET", f"/data/events/last?project_id={project['id']}") == logged["events"]
    assert manager.get(f"/data/events/last?project_id={other['id']}").status_code == 403
    assert manager.get(f"/data/events/last?project_id={uuid.uuid4()}").status_code == 403
    for role in ("supervisor", "user", "client", "vendor"):
        client = studio.as_role(role)
        assert client.get("/data/events/last").status_code == 403, role
        assert client.get(f"/data/events/last?project_id={project['id']}").status_code == 403
        assert client.get(f"/data/events/last?project_id={other['id']}").status_code == 403
    assert studio.admin.as_token(None).get("/data/events/last").status_code == 401


def test_last_events_with_a_project_role(studio, logged):
    """A person managing one production reads its log with ``project_id`` only."""
    admin, project = studio.admin, logged["project"]
    email = f"pm-{uuid.uuid4().hex[:6]}@example.com"
    person = admin.create(
        "persons", first_name="Pm", last_name="Log", email=email, password="password-123",
        role="user",
    )  # fmt: skip
    admin.ok(
        "POST", f"/data/projects/{project['id']}/team", 201,
        json={"person_id": person["id"], "role": "manager"},
    )  # fmt: skip
    client = admin.as_token(None)
    client.login(email, "password-123")
    assert client.ok("GET", f"/data/events/last?project_id={project['id']}") == admin.ok(
        "GET", f"/data/events/last?project_id={project['id']}"
    )
    assert client.get("/data/events/last").status_code == 403
    assert client.get(f"/data/events/last?project_id={studio.project['id']}").status_code == 403
    admin.put(f"/data/persons/{person['id']}", json={"active": False})


def test_login_logs(studio, logged):
    admin, url = studio.admin, "/data/events/login-logs/last"
    logs = admin.ok("GET", url)
    assert logs and all(set(log) == LOGIN_LOG_KEYS for log in logs)
    assert [log["created_at"] for log in logs] == sorted(
        (log["created_at"] for log in logs), reverse=True
    )
    artist = studio.people["user"]["id"]
    mine = admin.ok("GET", f"{url}?person_ids={artist}")
    assert mine and {log["person_id"] for log in mine} == {artist}
    assert {log["origin"] for log in mine} <= {"web", "script"}
    assert len(admin.ok("GET", f"{url}?limit=1")) == 1
    older = admin.ok("GET", f"{url}?cursor_login_log_id={logs[0]['id']}&limit=1000")
    assert all(log["created_at"] < logs[0]["created_at"] for log in older)
    assert admin.ok("GET", f"{url}?after=2999-01-01") == []
    assert admin.ok("GET", f"{url}?before=2000-01-01") == []
    assert error(admin.get(f"{url}?limit=x")) == "Wrong value for parameter limit."
    assert error(admin.get(f"{url}?after=x")) == DATE_ERROR
    assert error(admin.get(f"{url}?person_ids=x")) == (
        "The person_ids parameter contains an invalid id"
    )
    assert error(admin.get(f"{url}?cursor_login_log_id=x")) == (
        "The cursor_login_log_id parameter is not a valid id"
    )
    unknown = uuid.uuid4()
    assert error(admin.get(f"{url}?cursor_login_log_id={unknown}")) == (
        f"No login log found with id: {unknown}"
    )
    for role in ("manager", "supervisor", "user", "client", "vendor"):
        assert studio.as_role(role).get(url).status_code == 403, role


def test_gazu_get_last_events(studio, logged, gazu_client):
    project = logged["project"]
    events = gazu.sync.get_last_events(project=project, client=gazu_client)
    assert events == studio.admin.ok("GET", f"/data/events/last?project_id={project['id']}")
    assert logged["events"][0] in events
    assert len(gazu.sync.get_last_events(limit=1, project=project, client=gazu_client)) == 1
    named = gazu.sync.get_last_events(project=project, name="asset:new", client=gazu_client)
    assert [event["data"]["asset_id"] for event in named] == [
        logged["second"]["id"], logged["first"]["id"],
    ]  # fmt: skip
    boundary = events[0]["created_at"]
    before = gazu.sync.get_last_events(project=project, before=boundary, client=gazu_client)
    assert before and all(event["created_at"] < boundary for event in before)
    after = gazu.sync.get_last_events(project=project, after=boundary[:10], client=gazu_client)
    assert after == events
    # gazu sends only_files=True, which Zou compares to "true": no filter.
    assert gazu.sync.get_last_events(project=project, only_files=True, client=gazu_client) == events
