"""The ``kitsu-local`` command: version, init-db, create-admin (idempotent, on a running
server), serve, and the endpoint coverage report."""

from __future__ import annotations

import re
import sqlite3

import gazu

from kitsu_local.coverage import coverage_report

from .support.server import Server, cli

STATUS_PATHS = {
    "/", "/status", "/status.txt", "/status/resources", "/status/influx", "/status/test-event",
    "/stats", "/config",
}  # fmt: skip
GENERIC = re.compile(r"^/data/[a-z-]+/?(\{[a-z_]+\})?$")


def test_version(tmp_path):
    result = cli("version", env=Server(tmp_path).env)
    assert re.match(r"kitsu-local \d+\.\d+\.\d+ \(Zou API [\d.]+\)", result.stdout)


def test_init_db_creates_the_database_with_default_data(tmp_path):
    server = Server(tmp_path)
    cli("init-db", env=server.env)
    with sqlite3.connect(tmp_path / "kitsu.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        statuses = {row[0] for row in db.execute("select short_name from task_status")}
        assert {"todo", "wip", "wfa", "retake", "done", "ready"} <= statuses
        assert db.execute("select count(*) from project_status").fetchone()[0] == 2
        assert db.execute("select count(*) from task_type").fetchone()[0] == 13
        assert db.execute("select name from organisation").fetchone()[0] == "Kitsu"
    cli("init-db", env=server.env)  # idempotent
    with sqlite3.connect(tmp_path / "kitsu.db") as db:
        assert db.execute("select count(*) from task_type").fetchone()[0] == 13


def test_serve_then_create_admin_then_gazu(tmp_path):
    server = Server(tmp_path).start(admin=False)
    try:
        first = cli(
            "create-admin", "boss@example.com", "--password", "secret-password", env=server.env
        )
        assert "created" in first.stdout
        again = cli(
            "create-admin", "boss@example.com", "--password", "other-password", env=server.env
        )
        assert "updated" in again.stdout
        client = gazu.client.create_client(server.api)
        gazu.log_in("boss@example.com", "other-password", client=client)
        assert gazu.project.all_projects(client=client) == []
        gazu.project.new_project("First show", client=client)
        assert [p["name"] for p in gazu.project.all_projects(client=client)] == ["First show"]
    finally:
        server.stop()
    assert "unhandled error" not in server.log()


def test_create_admin_refuses_a_short_password(tmp_path):
    import subprocess

    try:
        cli("create-admin", "boss@example.com", "--password", "short", env=Server(tmp_path).env)
    except subprocess.CalledProcessError as error:
        assert "at least 8 characters" in error.stderr
    else:
        raise AssertionError("a short password was accepted")


def test_routes_report_lists_missing_endpoints_by_area(tmp_path):
    output = cli("routes", "--missing", env=Server(tmp_path).env).stdout
    implemented, total = map(int, re.search(r"implemented: (\d+)/(\d+)", output).groups())
    assert total == 675 and implemented >= 267
    assert ("missing:" in output) == (implemented < total)


def test_coverage_of_the_foundation_endpoints():
    report = coverage_report()
    missing = {(endpoint["method"], endpoint["path"]) for endpoint in report.missing}
    implemented = report.implemented
    generic = [e for e in implemented if GENERIC.match(e["path"])]
    auth = [e for e in implemented if e["area"] == "auth"]
    status = [e for e in implemented if e["path"] in STATUS_PATHS]
    assert (len(generic), len(auth), len(status)) == (237, 22, 8), sorted(missing)
    assert len(implemented) >= 267


# The catalogue areas of the production breakdown (issue 7): 235 endpoints.
BREAKDOWN_AREAS = re.compile(
    r"^/(data/(projects|entities|assets|shots|sequences|episodes|scenes|edits|concepts"
    r"|asset-instances|entity-links|production-schedule-versions|task-status-links)"
    r"|actions/(projects|assets|production-schedule-versions))(/|$)"
)


def test_coverage_of_the_breakdown_endpoints():
    report = coverage_report()
    missing = sorted(
        (endpoint["method"], endpoint["path"])
        for endpoint in report.missing
        if BREAKDOWN_AREAS.match(endpoint["path"])
    )
    served = [e for e in report.implemented if BREAKDOWN_AREAS.match(e["path"])]
    assert (len(served), missing) == (235, [])
    assert len(report.implemented) >= 504


# The catalogue areas of daily work (issue 8): 162 endpoints.
DAILY_WORK_AREAS = re.compile(
    r"^/(data/(tasks|persons|departments|user|playlists|working-files|files|events)"
    r"|actions/(tasks|persons|user|working-files))(/|$)"
)


def test_coverage_of_the_daily_work_endpoints():
    report = coverage_report()
    missing = sorted(
        (endpoint["method"], endpoint["path"])
        for endpoint in report.missing
        if DAILY_WORK_AREAS.match(endpoint["path"])
    )
    served = [e for e in report.implemented if DAILY_WORK_AREAS.match(e["path"])]
    assert (len(served), missing) == (162, [])
    assert len(report.implemented) >= 622
