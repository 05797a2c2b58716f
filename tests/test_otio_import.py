"""The OTIO import (``/import/otio/*``): timelines built here with ``opentimelineio``, sent as
.otio and as .edl (cmx_3600 adapter) to the project and the episode routes.

Frames as Zou computes them: ``frame_in`` / ``frame_out`` are the clip's first and last frame in
its track (gaps count), ``nb_frames`` its source duration. Where these tests differ from what
Zou does, on purpose: a file with a clip that names no shot writes nothing (Zou keeps the shots
saved before that clip), a shot cut twice into a new edit is imported (Zou answers 400 after
saving the shots, without their tasks), and an update refreshes ``updated_at``.
"""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

import opentimelineio as otio
import pytest

from .support.studio import unique
from .support.timelines import RT, TR, as_edl, as_otio, timeline


def send(client, path: str, content: bytes | None, file_name: str = "edit.otio", **fields: str):
    files = {"file": (file_name, content)} if content is not None else None
    return client.post(path, files=files, data=fields, json=None)


def new_project(admin, studio, kind: str = "feature", fps: str = "24") -> dict[str, Any]:
    """A project without spaces in its name (the default convention reads ``\\w*``), the studio's
    team in it and the Animation shot task type."""
    team = [person["id"] for person in studio.people.values() if person["role"] != "admin"]
    project = admin.create(
        "projects",
        name=f"Otio{uuid.uuid4().hex[:6]}",
        production_type=kind,
        fps=fps,
        team=team,
    )
    animation = studio.task_types["Animation/Shot"]["id"]
    admin.ok(
        "POST",
        f"/data/projects/{project['id']}/settings/task-types",
        201,
        json={"task_type_id": animation},
    )
    return project


def shots_of(admin, project: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """{(sequence name, shot name): shot} of the project."""
    return {
        (shot["sequence_name"], shot["name"]): shot
        for shot in admin.ok("GET", f"/data/shots?project_id={project['id']}")
    }


def frames(shot: dict[str, Any]) -> tuple[Any, Any, Any]:
    return shot["data"].get("frame_in"), shot["data"].get("frame_out"), shot["nb_frames"]


def event_names(admin, project: dict[str, Any]) -> Counter:
    events = admin.ok("GET", f"/data/events/last?project_id={project['id']}&limit=1000")
    return Counter(event["name"] for event in events)


# ---- creation and update --------------------------------------------------------------------
def test_otio_creates_sequences_shots_and_tasks(admin, studio):
    project = new_project(admin, studio)
    name = project["name"]
    edit = timeline(
        [(f"{name}_SQ01-SH010", 48, 24), (f"{name}_SQ01-SH020.mov", 30, 24),
         (f"{name}_SQ02-SH010", 12, 24)],
        gap_before=1,
    )  # fmt: skip
    response = send(admin, f"/import/otio/projects/{project['id']}", as_otio(edit))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["updated_shots"] == []
    created = [(shot["name"], shot["type"], frames(shot)) for shot in body["created_shots"]]
    assert created == [
        ("SH010", "Shot", (0, 47, 48)),
        ("SH020", "Shot", (58, 87, 30)),  # after the 10 frames of the gap
        ("SH010", "Shot", (88, 99, 12)),
    ]
    shots = shots_of(admin, project)
    assert sorted(shots) == [("SQ01", "SH010"), ("SQ01", "SH020"), ("SQ02", "SH010")]
    assert frames(shots["SQ01", "SH020"]) == (58, 87, 30)
    sequences = admin.ok("GET", f"/data/projects/{project['id']}/sequences")
    assert sorted(sequence["name"] for sequence in sequences) == ["SQ01", "SQ02"]
    for shot in shots.values():
        tasks = admin.ok("GET", f"/data/shots/{shot['id']}/tasks")
        assert [task["task_type_id"] for task in tasks] == [
            studio.task_types["Animation/Shot"]["id"]
        ]
    names = event_names(admin, project)
    assert (names["sequence:new"], names["shot:new"], names["task:new"]) == (2, 3, 3)


def test_second_import_updates_instead_of_duplicating(admin, studio):
    project = new_project(admin, studio)
    name = project["name"]
    path = f"/import/otio/projects/{project['id']}"
    first = timeline([(f"{name}_SQ01-SH010", 48, 24), (f"{name}_SQ01-SH020", 30, 24)])
    assert send(admin, path, as_otio(first)).status_code == 201
    shot = shots_of(admin, project)["SQ01", "SH010"]
    admin.ok("PUT", f"/data/entities/{shot['id']}", json={"data": {"camera": "A"}})
    recut = timeline([(f"{name}_SQ01-SH020", 20, 24), (f"{name}_SQ01-SH010", 50, 24)])
    response = send(admin, path, as_otio(recut))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["created_shots"] == []
    updated = [(item["name"], item["type"], frames(item)) for item in body["updated_shots"]]
    assert updated == [("SH020", "Entity", (0, 19, 20)), ("SH010", "Entity", (20, 69, 50))]
    shots = shots_of(admin, project)
    assert len(shots) == 2
    assert shots["SQ01", "SH010"]["data"] == {"frame_in": 20, "frame_out": 69, "camera": "A"}
    assert shots["SQ01", "SH010"]["updated_at"] >= shot["updated_at"]
    assert len(admin.ok("GET", f"/data/projects/{project['id']}/sequences")) == 1
    names = event_names(admin, project)
    # shot:update: the data set by hand, then the two shots of the second import
    assert (names["shot:new"], names["shot:update"], names["task:new"]) == (2, 3, 2)


def test_clips_at_24_and_25_fps(admin, studio):
    project = new_project(admin, studio, fps="25")
    name = project["name"]
    edit = timeline([(f"{name}_SQ01-SH010", 49, 24), (f"{name}_SQ01-SH020", 51, 25)])
    response = send(admin, f"/import/otio/projects/{project['id']}", as_otio(edit))
    assert response.status_code == 201, response.text
    created = {shot["name"]: frames(shot) for shot in response.json()["created_shots"]}
    # The second clip starts 49 frames at 24 fps in, 51.04 frames at 25 fps.
    assert created == {"SH010": (0, 48, 49), "SH020": (51, 101, 51)}


@pytest.mark.parametrize("fps", ["24", "25"])
def test_edl_read_at_the_project_fps(admin, studio, fps):
    project = new_project(admin, studio, fps=fps)
    name = project["name"]
    rate = float(fps)
    edit = timeline([(f"{name}_SQ01-SH010", 48, rate), (f"{name}_SQ01-SH020", 30, rate)], 1)
    path = f"/import/otio/projects/{project['id']}"
    response = send(admin, path, as_edl(edit), file_name="edit.edl")
    assert response.status_code == 201, response.text
    created = {shot["name"]: frames(shot) for shot in response.json()["created_shots"]}
    assert created == {"SH010": (0, 47, 48), "SH020": (58, 87, 30)}
    # An upper-case extension picks the same adapter; the second import updates.
    again = send(admin, path, as_edl(edit), file_name="EDIT.EDL")
    assert again.status_code == 201, again.text
    assert [shot["name"] for shot in again.json()["updated_shots"]] == ["SH010", "SH020"]


def test_clip_named_by_its_media_and_a_shot_cut_twice(admin, studio):
    project = new_project(admin, studio)
    name = project["name"]
    edit = timeline([("", 10, 24), (f"{name}_SQ01-SH020", 5, 24), (f"{name}_SQ01-SH020", 7, 24)])
    edit.tracks[0][0].media_reference = otio.schema.ExternalReference(
        target_url=f"/media/{name}_SQ01-SH010.exr"
    )
    response = send(admin, f"/import/otio/projects/{project['id']}", as_otio(edit))
    assert response.status_code == 201, response.text
    created = [(shot["name"], frames(shot)) for shot in response.json()["created_shots"]]
    # The second clip of SH020 finds the shot the first one created, unchanged (as Zou).
    assert created == [("SH010", (0, 9, 10)), ("SH020", (10, 14, 5)), ("SH020", (10, 14, 5))]
    shots = shots_of(admin, project)
    assert len(shots) == 2
    tasks = admin.ok("GET", f"/data/shots/{shots['SQ01', 'SH020']['id']}/tasks")
    assert len(tasks) == 1


def test_naming_convention_and_match_case(admin, studio):
    project = new_project(admin, studio)
    path = f"/import/otio/projects/{project['id']}"
    edit = timeline([("SQ01_SH010", 10, 24)])
    convention = {"naming_convention": "${sequence_name}_${shot_name}"}
    assert send(admin, path, as_otio(edit), **convention).status_code == 201
    lower = timeline([("sq01_sh010", 12, 24)])
    response = send(admin, path, as_otio(lower), **convention, match_case="false")
    assert response.status_code == 201, response.text
    assert [shot["name"] for shot in response.json()["updated_shots"]] == ["SH010"]
    # Case-sensitive (the default): a new sequence and shot.
    response = send(admin, f"{path}?match_case=true", as_otio(lower), **convention)
    assert [shot["name"] for shot in response.json()["created_shots"]] == ["sh010"]
    assert sorted(shots_of(admin, project)) == [("SQ01", "SH010"), ("sq01", "sh010")]


# ---- episodes -------------------------------------------------------------------------------
def test_episode_route_of_a_tv_show(admin, studio):
    project = new_project(admin, studio, kind="tvshow")
    episode = admin.ok("GET", f"/data/episodes/{project['first_episode_id']}")
    path = f"/import/otio/projects/{project['id']}/episodes/{episode['id']}"
    clip = f"{project['name']}_{episode['name']}-SQ01-SH010"
    response = send(admin, path, as_otio(timeline([(clip, 24, 24)])))
    assert response.status_code == 201, response.text
    sequences = admin.ok("GET", f"/data/episodes/{episode['id']}/sequences")
    assert [sequence["name"] for sequence in sequences] == ["SQ01"]
    again = send(admin, path, as_otio(timeline([(clip, 30, 24)])))
    assert [frames(shot) for shot in again.json()["updated_shots"]] == [(0, 29, 30)]
    # The project route of a TV show has no episode: Zou's 400.
    response = send(admin, f"/import/otio/projects/{project['id']}", as_otio(timeline([])))
    assert response.status_code == 400
    assert response.json()["message"].startswith("EpisodeNotFoundException: 404 Not Found")


# ---- bad input ------------------------------------------------------------------------------
def _bad_requests(name: str) -> list[tuple[str, dict[str, Any], str]]:
    good = as_otio(timeline([(f"{name}_SQ09-SH010", 10, 24)]))
    partly = as_otio(timeline([(f"{name}_SQ09-SH010", 10, 24), ("no match", 10, 24)]))
    clip = otio.schema.Clip(name="x", source_range=TR(RT(0, 24), RT(1, 24)))
    return [
        ("no file", {"content": None}, "could not understand"),
        ("other field", {"content": good, "field": "upload"}, "could not understand"),
        ("unknown extension", {"content": good, "file_name": "edit.txt"}, "Unsupported file type"),
        ("no extension", {"content": good, "file_name": "edit"}, "Unsupported file type '.'"),
        ("empty otio", {"content": b""}, "Failed to parse OTIO file: JSON parse error"),
        ("garbage otio", {"content": b"\x00garbage"}, "Failed to parse OTIO file"),
        ("garbage edl", {"content": b"garbage", "file_name": "e.edl"}, "Failed to parse OTIO"),
        ("garbage otioz", {"content": b"PK", "file_name": "e.otioz"}, "Failed to parse OTIO"),
        ("an otiod file", {"content": good, "file_name": "e.otiod"}, "Failed to parse OTIO"),
        ("not a timeline", {"content": as_otio(clip)}, "AttributeError"),
        ("clip names no shot", {"content": partly}, "KeyError: 'No matched value"),
        ("bad match_case", {"content": good, "match_case": "maybe"}, "Wrong value"),
        ("bad regex", {"content": good, "naming_convention": "(${shot_name}"}, "error: missing )"),
        ("no sequence", {"content": good, "naming_convention": "${shot_name}"}, "No sequence"),
        ("no shot", {"content": good, "naming_convention": "${sequence_name}"}, "No shot name"),
    ]


def test_bad_files_give_400_and_write_nothing(admin, studio):
    project = new_project(admin, studio)
    path = f"/import/otio/projects/{project['id']}"
    for label, request, message in _bad_requests(project["name"]):
        content = request.pop("content")
        field = request.pop("field", "file")
        file_name = request.pop("file_name", "edit.otio")
        files = {field: (file_name, content)} if content is not None else None
        response = admin.post(path, files=files, data=request, json=None)
        assert response.status_code == 400, (label, response.text)
        body = response.json()
        assert body["error"] is True and message in body["message"], (label, body)
        assert "upload-" not in body["message"], body  # no path of the server's work folder
    response = admin.post(path, json={"match_case": 1})  # JSON options, no file
    assert (response.status_code, response.json()["message"]) == (
        400,
        "Wrong value for parameter match_case.",
    )
    response = admin.post(
        path, content=b"--x\r\nbroken", headers={"Content-Type": "multipart/form-data; boundary=x"}
    )
    assert response.status_code == 400, response.text
    assert shots_of(admin, project) == {}
    assert admin.ok("GET", f"/data/projects/{project['id']}/sequences") == []
    assert event_names(admin, project) == Counter({"project:update": 1})  # its task type


def test_existing_shot_names_the_convention_cannot_spell(admin, studio):
    """An existing shot is keyed by the convention: a placeholder it cannot fill is Zou's 400."""
    project = new_project(admin, studio)
    name = project["name"]
    path = f"/import/otio/projects/{project['id']}"
    assert send(admin, path, as_otio(timeline([(f"{name}_SQ01-SH010", 5, 24)]))).status_code == 201
    response = send(admin, path, as_otio(timeline([])), naming_convention="${camera}_${shot_name}")
    assert (response.status_code, response.json()["message"]) == (400, "KeyError: 'camera'")
    response = send(admin, path, as_otio(timeline([])), naming_convention="${shot_name")
    assert response.status_code == 400
    assert response.json()["message"].startswith("ValueError: Invalid placeholder")


def test_unknown_ids(admin, studio):
    """Zou answers 400 (not 404) with the not-found exception's name: so does kitsu-local."""
    project = new_project(admin, studio, kind="tvshow")
    edit = as_otio(timeline([("x_y-z", 5, 24)]))
    for path in (f"/import/otio/projects/{uuid.uuid4()}", "/import/otio/projects/not-an-id"):
        response = send(admin, path, edit)
        assert response.status_code == 400, response.text
        assert response.json()["message"].startswith("ProjectNotFoundException: 404 Not Found")
    other = new_project(admin, studio, kind="tvshow")
    for episode_id in (uuid.uuid4(), "not-an-id", other["first_episode_id"]):
        response = send(admin, f"/import/otio/projects/{project['id']}/episodes/{episode_id}", edit)
        assert response.status_code == 400, response.text
        assert response.json()["message"].startswith("EpisodeNotFoundException: 404 Not Found")


def test_permissions(admin, studio, anonymous):
    project = new_project(admin, studio)
    path = f"/import/otio/projects/{project['id']}"
    edit = as_otio(timeline([(f"{project['name']}_SQ01-SH010", 5, 24)]))
    for role in ("supervisor", "user", "client", "vendor"):
        response = send(studio.as_role(role), path, edit)
        assert response.status_code == 403, (role, response.text)
    assert send(anonymous, path, edit).status_code == 401
    outside = admin.create("projects", name=unique("Outside"))
    response = send(studio.as_role("manager"), f"/import/otio/projects/{outside['id']}", edit)
    assert response.status_code == 403
    # Permission comes before the file, as in Zou.
    assert send(studio.as_role("user"), path, None).status_code == 403
    assert shots_of(admin, project) == {}
    response = send(studio.as_role("manager"), path, edit)
    assert response.status_code == 201, response.text
    assert [shot["created_by"] for shot in response.json()["created_shots"]] == [
        studio.people["manager"]["id"]
    ]
