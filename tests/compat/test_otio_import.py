"""The OTIO import against Zou: the same timelines (.otio and .edl, built here) sent to both
servers give the same status, the same answer shape, and the same shots, sequences and frames
afterwards; bad files and every role get the same status (and, but for the list of formats, the
same message).

Deliberate differences: the "Unsupported file type" message lists the formats of the adapters
installed (Zou's image has the AAF, ALE, FCP XML, Maya and GES adapters too); a parse error
names the uploaded file where Zou's names its temporary file on the server; a failing clip
writes nothing here (Zou keeps the shots saved before it), so the files that fail are sent to
projects of their own on Zou and compared on status and message only.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import opentimelineio as otio
import pytest

from ..support.timelines import RT, TR, as_edl, as_otio, timeline

TEMPORARY_FILE = re.compile(r"(/[\w.-]+)*/[0-9a-f-]{36}")
ROLES = ("manager", "supervisor", "user", "client", "vendor", "outsider", "anonymous")


@pytest.fixture(scope="module")
def otio_projects(compat):
    """A feature film (24 fps) and a TV show (25 fps) named without spaces, the scenario's
    team in them, with the Animation shot task type."""
    team = [f"{{person:{role}}}" for role in ("manager", "supervisor", "user", "client", "vendor")]
    names = {}
    for key, kind, fps in (("otio_film", "feature", "24"), ("otio_show", "tvshow", "25")):
        names[key] = f"Otio{kind}{compat.tag}"
        zou, local = compat.create(
            key, "/data/projects",
            {"name": names[key], "production_type": kind, "fps": fps, "team": team},
        )  # fmt: skip
        if kind == "tvshow":
            compat.add("otio_episode", zou["first_episode_id"], local["first_episode_id"])
        zou, local = compat.both(
            "POST", f"/data/projects/{{{key}}}/settings/task-types",
            {"task_type_id": "{task-type:Animation/Shot}"},
        )  # fmt: skip
        assert zou.status_code == local.status_code == 201, (zou.text, local.text)
    zou, local = compat.both("GET", "/data/episodes/{otio_episode}")
    names["episode"] = zou.json()["name"]
    assert local.json()["name"] == names["episode"]
    return names


def _post(compat, path: str, content: bytes, file_name: str, role: str = "admin", **fields):
    return compat.check("POST", path, role=role, files={"file": (file_name, content)}, data=fields)


def _breakdown(compat, project: str) -> tuple[list, list]:
    """Each side's shots as (sequence, name, frame_in, frame_out, nb_frames, tasks), sorted."""
    found = []
    for side in (0, 1):
        client = compat.client(side, "admin")
        project_id = compat.ids[project][side]
        shots = client.ok("GET", f"/data/shots?project_id={project_id}")
        rows = []
        for shot in shots:
            tasks = client.ok("GET", f"/data/shots/{shot['id']}/tasks")
            data = shot["data"] or {}
            rows.append((
                shot["sequence_name"], shot["name"], data.get("frame_in"), data.get("frame_out"),
                shot["nb_frames"], len(tasks),
            ))  # fmt: skip
        found.append(sorted(rows))
    return found[0], found[1]


def test_otio_then_edl_on_a_feature_film(compat, otio_projects):
    name = otio_projects["otio_film"]
    path = "/import/otio/projects/{otio_film}"
    first = timeline(
        [(f"{name}_SQ01-SH010", 48, 24), (f"{name}_SQ01-SH020.mov", 30, 24),
         (f"{name}_SQ02-SH010", 12, 24), (f"{name}_SQ02-SH020", 51, 25)],
        gap_before=1,
    )  # fmt: skip
    zou, local = _post(compat, path, as_otio(first), "edit.otio")
    assert len(local["created_shots"]) == 4 and local["updated_shots"] == []
    zou_shots, local_shots = _breakdown(compat, "otio_film")
    assert zou_shots == local_shots
    assert zou_shots[0] == ("SQ01", "SH010", 0, 47, 48, 1)
    recut = timeline([(f"{name}_SQ01-SH020", 20, 24), (f"{name}_SQ01-SH010", 50, 24),
                      (f"{name}_SQ03-SH010", 8, 24)])  # fmt: skip
    zou, local = _post(compat, path, as_edl(recut), "recut.EDL")
    assert [shot["type"] for shot in local["updated_shots"]] == ["Entity", "Entity"]
    assert [shot["name"] for shot in local["created_shots"]] == ["SH010"]
    assert _breakdown(compat, "otio_film")[0] == _breakdown(compat, "otio_film")[1]
    zou, local = compat.both("GET", "/data/projects/{otio_film}/sequences")
    assert sorted(s["name"] for s in zou.json()) == sorted(s["name"] for s in local.json())


def test_options_on_a_feature_film(compat, otio_projects):
    path = "/import/otio/projects/{otio_film}"
    convention = {"naming_convention": "${sequence_name}_${shot_name}"}
    _post(compat, path, as_otio(timeline([("SQ05_SH010", 10, 24)])), "a.otio", **convention)
    lower = as_otio(timeline([("sq05_sh010", 12, 24)]))
    _, local = _post(compat, path, lower, "b.otio", match_case="false", **convention)
    assert [shot["name"] for shot in local["updated_shots"]] == ["SH010"]
    assert _breakdown(compat, "otio_film")[0] == _breakdown(compat, "otio_film")[1]


def test_episode_route_of_a_tv_show(compat, otio_projects):
    clip = f"{otio_projects['otio_show']}_{otio_projects['episode']}-SQ01-SH010"
    path = "/import/otio/projects/{otio_show}/episodes/{otio_episode}"
    for duration in (24, 30):  # created, then updated
        _post(compat, path, as_otio(timeline([(clip, duration, 25)])), "ep.otio")
        assert _breakdown(compat, "otio_show")[0] == _breakdown(compat, "otio_show")[1]
    _post(compat, path, as_edl(timeline([(clip, 40, 25)])), "ep.edl")
    zou_shots, local_shots = _breakdown(compat, "otio_show")
    assert zou_shots == local_shots == [("SQ01", "SH010", 0, 39, 40, 1)]
    zou, local = _post(compat, "/import/otio/projects/{otio_show}", b"", "empty.edl")
    assert zou["message"] == local["message"]


def test_permissions(compat, otio_projects):
    content = as_otio(timeline([(f"{otio_projects['otio_film']}_SQ09-SH010", 5, 24)]))
    for role in ROLES[1:]:
        compat.check(
            "POST", "/import/otio/projects/{otio_film}", role=role,
            files={"file": ("edit.otio", content)},
        )  # fmt: skip


def _failing_requests(name: str) -> list[tuple[str, dict[str, Any]]]:
    good = as_otio(timeline([(f"{name}_SQ09-SH010", 10, 24)]))
    clip = otio.schema.Clip(name="x", source_range=TR(RT(0, 24), RT(1, 24)))
    return [
        ("no file", {"data": {"a": "b"}}),
        ("other field", {"files": {"upload": ("a.otio", good)}}),
        ("empty otio", {"files": {"file": ("a.otio", b"")}}),
        ("garbage otio", {"files": {"file": ("a.otio", b"garbage")}}),
        ("garbage edl", {"files": {"file": ("a.edl", b"garbage")}}),
        ("garbage otioz", {"files": {"file": ("a.otioz", b"PK")}}),
        ("an otiod file", {"files": {"file": ("a.otiod", good)}}),
        ("json options", {"json": {"match_case": "x"}}),
        ("not a timeline", {"files": {"file": ("a.otio", as_otio(clip))}}),
        ("no match", {"files": {"file": ("a.otio", as_otio(timeline([("nomatch", 5, 24)])))}}),
        ("bad match_case", {"files": {"file": ("a.otio", good)}, "data": {"match_case": "x"}}),
        (
            "bad regex",
            {"files": {"file": ("a.otio", good)}, "data": {"naming_convention": "(${shot_name}"}},
        ),
        (
            "no sequence",
            {"files": {"file": ("a.otio", good)}, "data": {"naming_convention": "${shot_name}"}},
        ),
    ]


def test_bad_files(compat, otio_projects):
    path = "/import/otio/projects/{otio_film}"
    before = _breakdown(compat, "otio_film")
    for label, request in _failing_requests(otio_projects["otio_film"]):
        zou, local = compat.check("POST", path, **request)
        # Zou names its temporary file where kitsu-local names the uploaded file (a.*).
        assert TEMPORARY_FILE.sub("a", zou["message"]) == local["message"], label
    for file_name in ("a.txt", "noext"):  # unknown extension, none
        zou, local = compat.check("POST", path, files={"file": (file_name, b"x")})
        assert zou["message"].split(" Supported")[0] == local["message"].split(" Supported")[0]
    assert _breakdown(compat, "otio_film") == before


def test_unknown_ids(compat, otio_projects):
    content = as_otio(timeline([("x_y-z", 5, 24)]))
    unknown = str(uuid.uuid4())
    compat.add("unknown", unknown, unknown)
    for path in (
        "/import/otio/projects/{unknown}",
        "/import/otio/projects/not-an-id",
        "/import/otio/projects/{otio_show}",
        "/import/otio/projects/{otio_show}/episodes/{unknown}",
        "/import/otio/projects/{otio_show}/episodes/not-an-id",
        "/import/otio/projects/{otio_film}/episodes/{otio_episode}",
    ):
        zou, local = compat.check("POST", path, files={"file": ("a.otio", content)})
        assert zou["message"] == local["message"], path


def test_clips_without_source_range(compat, otio_projects):
    """A clip without a source range takes the media's available range; one without either
    gets no frames (a warning in the server log) and ``nb_frames`` 0."""
    name = otio_projects["otio_film"]
    edit = timeline([])
    media = otio.schema.ExternalReference(
        target_url="/media/a.mov", available_range=TR(RT(10, 24), RT(36, 24))
    )
    edit.tracks[0].append(otio.schema.Clip(name=f"{name}_SQ07-SH010", media_reference=media))
    edit.tracks[0].append(otio.schema.Clip(name=f"{name}_SQ07-SH020"))
    _post(compat, "/import/otio/projects/{otio_film}", as_otio(edit), "bare.otio")
    zou_shots, local_shots = _breakdown(compat, "otio_film")
    assert zou_shots == local_shots
    assert [shot for shot in local_shots if shot[0] == "SQ07"] == [
        ("SQ07", "SH010", 0, 35, 0, 1),
        ("SQ07", "SH020", None, None, 0, 1),
    ]
