"""The CSV exports against Zou: byte-identical files where Zou's is deterministic on the shared
scenario, the file name, and every role's status.

The project exports (assets, shots, edits, casting and its variants) hold only names: their
bytes must be equal. Zou keeps the data of every run, so the studio-wide exports (persons,
projects, tasks, time spents) are compared on their header and on the scenario's rows (those
carrying the run's tag), in order; task types on their header (each server has its own list).
The playlist export is compared whole but for its creation time (a cell of the first row).

Deliberate differences: kitsu-local streams every export (``Transfer-Encoding: chunked``, no
``Content-Length``) and sends ``text/csv; charset=utf-8`` where Zou's project exports send
``text/csv``.
"""

from __future__ import annotations

import csv
import io

import pytest

ROLES = ("admin", "manager", "supervisor", "user", "client", "vendor", "outsider", "anonymous")
STUDIO_ROUTES = ("persons.csv", "projects.csv", "task-types.csv", "tasks.csv", "time-spents.csv")
PROJECT_ROUTES = (
    "assets.csv",
    "shots.csv",
    "edits.csv",
    "casting.csv",
    "casting.csv?is_shot_casting=true",
    "casting.csv?episode_id=all",
    "casting.csv?episode_id=main",
    "casting.csv?episode_id={episode:E01}",
    "casting.csv?is_shot_casting=true&episode_id={episode:E01}",
    "shots.csv?episode_id={episode:E01}",
    "assets.csv?episode_id=main",
    "assets.csv?id={asset:Bob}",
)


@pytest.fixture(scope="module")
def exports(compat):
    """Time spent on two tasks, an edit, an asset and an episode casting assets, and a playlist of SH010's preview with a comment."""
    compat.create("edit:Trailer", "/data/entities", {
        "name": "Trailer", "project_id": "{project}", "entity_type_id": "{entity-type:Edit}",
        "description": "v1; cut",
    })  # fmt: skip
    for name, container, asset in (("casting:Forest-Sword", "asset:Forest", "asset:Sword"),
                                   ("casting:E01-Bob", "episode:E01", "asset:Bob")):  # fmt: skip
        compat.create(name, "/data/entity-links", {
            "entity_in_id": f"{{{container}}}", "entity_out_id": f"{{{asset}}}",
            "nb_occurences": 3, "label": "fixed",
        })  # fmt: skip
    for task, person in (("task:SH010-Animation", "person:user"),
                         ("task:Bob-Modeling", "person:user")):  # fmt: skip
        zou, local = compat.both(
            "POST", f"/actions/tasks/{{{task}}}/time-spents/2026-03-03/persons/{{{person}}}",
            {"duration": 90},
        )  # fmt: skip
        assert zou.status_code == local.status_code == 201, (zou.text, local.text)
    compat.create(
        "comment:csv", "/actions/tasks/{task:SH010-Animation}/comment",
        {"task_status_id": "{status:wfa}", "comment": 'Faster; "please"'},
    )  # fmt: skip
    compat.create(
        "preview:csv",
        "/actions/tasks/{task:SH010-Animation}/comments/{comment:csv}/add-preview",
        {},
    )
    compat.create("playlist:csv", "/data/playlists", {
        "name": f"Dailies {compat.tag}", "project_id": "{project}", "for_entity": "shot",
        "shots": [{"entity_id": "{shot:SH010}", "preview_file_id": "{preview:csv}"}],
    })  # fmt: skip
    return compat


def _files(compat, path: str, role: str = "admin") -> tuple[bytes, bytes]:
    zou, local = compat.both("GET", path, role=role)
    assert zou.status_code == local.status_code == 200, (zou.text[:300], local.text[:300])
    assert zou.headers["content-disposition"] == local.headers["content-disposition"]
    assert local.headers["content-type"].startswith("text/csv")
    return zou.content, local.content


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8")), delimiter=";"))


def _assignees_sorted(rows: list[list[str]]) -> list[list[str]]:
    """Zou lists a task's assignees in no set order (its link table's): each assignee cell
    ("Assignations", "Assignees") with its names sorted."""
    header = rows[0]
    cells = [index for index, name in enumerate(header) if name in ("Assignations", "Assignees")]
    sorted_rows = [header]
    for row in rows[1:]:
        row = list(row)
        for index in cells:
            separator = ", " if header[index] == "Assignees" else ","
            row[index] = separator.join(sorted(row[index].split(separator)))
        sorted_rows.append(row)
    return sorted_rows


@pytest.mark.parametrize("route", PROJECT_ROUTES)
def test_project_exports_are_identical(exports, route: str) -> None:
    """Byte for byte, but for the order of several assignees in a cell."""
    zou, local = _files(exports, f"/export/csv/projects/{{project}}/{route}")
    if local != zou:
        assert _assignees_sorted(_rows(local)) == _assignees_sorted(_rows(zou))
        assert len(local) == len(zou)


@pytest.mark.parametrize("route", ("persons.csv", "projects.csv", "tasks.csv", "time-spents.csv"))
def test_studio_exports_agree_on_the_scenario(exports, route: str) -> None:
    zou, local = _files(exports, f"/export/csv/{route}")
    zou_rows, local_rows = _assignees_sorted(_rows(zou)), _assignees_sorted(_rows(local))
    assert local_rows[0] == zou_rows[0]
    tag = exports.tag
    mine = lambda rows: [row for row in rows[1:] if any(tag in cell for cell in row)]  # noqa: E731
    # Zou sorts on a few columns only (project, task type...): rows that tie come in the
    # database's order, so the rows are compared as sets of rows.
    assert sorted(mine(local_rows)) == sorted(mine(zou_rows))
    assert mine(local_rows)
    assert local.endswith(b"\r\n") and zou.endswith(b"\r\n")


def test_task_types_export_header(exports) -> None:
    zou, local = _files(exports, "/export/csv/task-types.csv")
    assert _rows(local)[0] == _rows(zou)[0] == ["Department", "Name"]


def test_playlist_export(exports) -> None:
    zou, local = _files(exports, "/export/csv/playlists/{playlist:csv}")
    zou_rows, local_rows = _rows(zou), _rows(local)
    assert zou_rows[0][3][:4] == local_rows[0][3][:4]  # the creation time, per server
    zou_rows[0][3] = local_rows[0][3] = ""
    zou_rows[3][7] = local_rows[3][7] = ""  # the last comment's time, per server
    assert local_rows == zou_rows


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", STUDIO_ROUTES)
def test_studio_exports_by_role(exports, route: str, role: str) -> None:
    exports.check("GET", f"/export/csv/{route}", role=role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ("assets.csv", "shots.csv", "edits.csv", "casting.csv"))
def test_project_exports_by_role(exports, route: str, role: str) -> None:
    exports.check("GET", f"/export/csv/projects/{{project}}/{route}", role=role)


@pytest.mark.parametrize("role", ROLES)
def test_playlist_export_by_role(exports, role: str) -> None:
    exports.check("GET", "/export/csv/playlists/{playlist:csv}", role=role)


@pytest.mark.parametrize(
    "path",
    (
        "/export/csv/projects/not-an-id/assets.csv",
        "/export/csv/projects/00000000-0000-4000-8000-000000000000/shots.csv",
        "/export/csv/projects/00000000-0000-4000-8000-000000000000/casting.csv",
        "/export/csv/projects/{project}/shots.csv?episode_id=bad",
        "/export/csv/projects/{project}/assets.csv?id=bad",
        "/export/csv/playlists/not-an-id",
        "/export/csv/playlists/00000000-0000-4000-8000-000000000000",
    ),
)
def test_bad_ids(exports, path: str) -> None:
    exports.check("GET", path)


@pytest.mark.parametrize("route", ("assets.csv", "shots.csv", "edits.csv"))
def test_assigned_to_for_an_artist(exports, route: str) -> None:
    """``assigned_to``: the artist's own entities, and only their own tasks' columns."""
    path = f"/export/csv/projects/{{project}}/{route}?assigned_to=true"
    zou, local = _files(exports, path, role="user")
    assert _assignees_sorted(_rows(local)) == _assignees_sorted(_rows(zou))
