"""``/import/shotgun/*`` against Zou: the sample ShotGrid production of ``tests/data/shotgun``
(ShotGrid ids shifted and names tagged per run, since Zou keeps its data) imported into both in
dependency order, imported again (the update answers), removed again route by route (which
also leaves Zou as it was), the import errors routes, a caller who is not an admin, bad input.

Deliberate differences written down here: persons are answered as ``/data/persons`` rows, without their secret
and sign-in columns;
an imported note takes its task's status (Zou leaves ``task_status_id`` null, and then never
lists the note); ``remove/project`` succeeds where Zou refuses a project with events (both
answer a boolean ``success``); a body that is not a list, an entry that is not an object, a project record
without ``sg_status`` or a remove body without id are a 400 or a skip where Zou answers 500.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent.parent / "data" / "shotgun"
ORDER = (
    "projects", "steps", "status", "persons", "projectconnections", "episodes", "sequences",
    "scenes", "assets", "shots", "tasks", "versions", "notes",
)  # fmt: skip
# (remove route, sample ShotGrid ids) in an order where each removal can succeed.
REMOVALS = (
    ("note", (1201, 1202, 1203)), ("version", (1101, 1102, 1103)),
    ("task", (1001, 1002, 1003, 1004, 1005)),
    ("sequence", (501,)),  # its shots are still there: refused on both
    ("shot", (901, 902, 903)), ("asset", (801, 802, 803, 804)), ("scene", (701,)),
    ("sequence", (501, 502)), ("episode", (401, 402)), ("projectconnection", (601, 602, 603)),
    ("project-connection", (601,)),
    ("person", (301, 302, 303, 304, 305)), ("status", (201, 202, 203)),
    ("step", (101, 102, 103)), ("project", (70,)),
)  # fmt: skip
SECRETS = (
    "password", "totp_secret", "email_otp_secret", "fido_credentials", "otp_recovery_codes",
    "jti", "last_login_failed", "login_failed_attemps", "oidc_issuer", "oidc_subject",
    "saml_issuer", "saml_subject",
)  # fmt: skip
ALLOWED = {
    "persons": tuple(f"$[].{key}" for key in SECRETS),
    "notes": ("$[].task_status_id",),
}
STATUS_CODES = ("ip", "apr", "hld")


def _tagged(value: Any, offset: int, tag: str) -> Any:
    """A sample record for this run: ShotGrid ids shifted, the names Zou keeps tagged."""
    if isinstance(value, list):
        return [_tagged(item, offset, tag) for item in value]
    if not isinstance(value, dict):
        return value
    record = {key: _tagged(item, offset, tag) for key, item in value.items()}
    if isinstance(record.get("id"), int) and "type" in record:
        record["id"] += offset
    if record.get("type") == "Project" and isinstance(record.get("name"), str):
        record["name"] = f"{record['name']} {tag}"
    if record.get("type") == "Step" and isinstance(record.get("code"), str):
        record["code"] = f"{record['code']} {tag}"
    for key in ("code", "sg_status_list"):
        if record.get(key) in STATUS_CODES:
            record[key] = f"{record[key]}{tag}"
    if isinstance(record.get("email"), str) and record["email"] != "changeme@email.com":
        record["email"] = record["email"].replace("@", f".{tag}@")
    return record


@pytest.fixture(scope="module")
def samples(compat) -> dict[str, Any]:
    offset = random.randrange(10_000, 99_999) * 10_000
    records = {
        name: _tagged(json.loads((DATA / f"{name}.json").read_text()), offset, compat.tag)
        for name in ORDER
    }
    return {"records": records, "offset": offset}


def test_import_a_production_then_update_it(compat, samples) -> None:
    records = samples["records"]
    try:
        for name in ORDER:
            zou, _local = compat.check(
                "POST", f"/import/shotgun/{name}", json=records[name],
                allowed=ALLOWED.get(name, ()),
            )  # fmt: skip
            assert zou, name
        # the same records again: the updates answer the same rows
        for name in ORDER:
            compat.check(
                "POST", f"/import/shotgun/{name}", json=records[name],
                allowed=ALLOWED.get(name, ()),
            )  # fmt: skip
        compat.check(
            "POST", "/import/shotgun/project-connections", json=records["projectconnections"]
        )
    finally:
        _remove_everything(compat, samples["offset"])


def _remove_everything(compat, offset: int) -> None:
    """Every remove route on both (the same answers), which also cleans Zou up. Every removal
    is sent even when one differs (the first difference is raised at the end); what remains
    of the run on Zou is then deleted (the project) or deactivated (persons, its user limit)."""
    failures: list[AssertionError] = []
    for name, ids in REMOVALS:
        for sg_id in ids:
            try:
                compat.check("POST", f"/import/shotgun/remove/{name}", json={"id": sg_id + offset})
            except AssertionError as error:
                failures.append(error)
    for project in compat.zou.get("/data/projects").json():
        if project.get("shotgun_id") == 70 + offset:
            compat.zou.delete(f"/data/projects/{project['id']}", params={"force": "true"})
    for person in compat.zou.get("/data/persons").json():
        if (person.get("shotgun_id") or 0) >= offset and person["active"]:
            compat.zou.put(f"/data/persons/{person['id']}", json={"active": False})
    # the departments named after the steps and the project status the samples create
    for department in compat.zou.get("/data/departments").json():
        if department["name"] in ("Anim", "Lookdev"):
            compat.zou.delete(f"/data/departments/{department['id']}")
    for status in compat.zou.get("/data/project-status").json():
        used = compat.zou.get("/data/projects", params={"project_status_id": status["id"]})
        if status["name"] == "Active" and used.json() == []:
            compat.zou.delete(f"/data/project-status/{status['id']}")
    if failures:
        raise failures[0]


def test_import_errors(compat) -> None:
    zou, local = compat.check("POST", "/import/shotgun/errors", json={"entity": "Shot", "id": 9})
    compat.add("sg_error", zou["id"], local["id"])
    compat.check("GET", "/import/shotgun/errors", scenario_only=True)
    compat.check("DELETE", "/import/shotgun/errors/{sg_error}")
    compat.check("DELETE", "/import/shotgun/errors/{sg_error}")
    compat.check("DELETE", "/import/shotgun/errors/not-an-id")


def test_only_admins(compat) -> None:
    for path in ("/import/shotgun/shots", "/import/shotgun/remove/shot", "/import/shotgun/errors"):
        compat.check("POST", path, json=[], role="manager")
    compat.check("GET", "/import/shotgun/errors", role="manager")
    compat.check("POST", "/import/shotgun/tasks", json=[], role="anonymous")


def test_empty_and_skipped(compat) -> None:
    for name in ORDER:
        compat.check("POST", f"/import/shotgun/{name}", json=[])
    compat.check("POST", "/import/shotgun/episodes", json=[{"type": "Episode", "id": 1}])
    compat.check("POST", "/import/shotgun/remove/shot", json={"id": 1})


def test_bad_input(compat) -> None:
    """Zou answers 500 to these; kitsu-local a 400 in Zou's shape (or a skip)."""
    cases = (
        ("/import/shotgun/projects", {"id": 1}, 400),
        ("/import/shotgun/shots", [3], 400),
        ("/import/shotgun/projects", [{"type": "Project", "id": 1, "name": "x"}], 200),
        ("/import/shotgun/remove/shot", [], 400),
    )
    for path, body, status in cases:
        zou, local = compat.both("POST", path, body)
        assert zou.status_code == 500, (path, zou.text)
        assert local.status_code == status, (path, local.text)
        if status == 400:
            assert local.json()["error"] is True
