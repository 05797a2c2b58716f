"""The differential check: one scenario, built the same way on the real Zou and on kitsu-local,
then the same requests sent to both and their answers compared (status and shape).

Skipped unless ``KITSU_COMPAT_ZOU_URL`` names a Zou API (``http://127.0.0.1:5000/api`` for
``../shared/tools/refzou``); its admin is ``KITSU_COMPAT_ZOU_EMAIL`` / ``KITSU_COMPAT_ZOU_PASSWORD``
(refzou's by default). kitsu-local is a fresh server of this checkout. Zou keeps its data between
runs, so every name carries a tag unique to the run.

    KITSU_COMPAT_ZOU_URL=http://127.0.0.1:5000/api .venv/bin/pytest tests/compat -q

The tests call ``compat.check(method, path, json=..., role=...)``: ``{name}`` placeholders in the
path and in string values of the body become each side's id of that scenario object. The session
ends with a summary line per endpoint (identical or not) in the terminal report.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ..support.api import Api
from ..support.server import ADMIN_EMAIL, ADMIN_PASSWORD, Server
from .shape import shape_differences, translated

ZOU_URL = os.environ.get("KITSU_COMPAT_ZOU_URL", "")
ZOU_EMAIL = os.environ.get("KITSU_COMPAT_ZOU_EMAIL", "admin@example.com")
ZOU_PASSWORD = os.environ.get("KITSU_COMPAT_ZOU_PASSWORD", "mysecretpassword")
PASSWORD = "compat-password-123"
ROLES = ("manager", "supervisor", "user", "client", "vendor")
PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_:/ .-]+)\}")

# (method, path template) -> [checks, identical]; printed at the end of the session.
RESULTS: dict[tuple[str, str], list[int]] = {}


@dataclass
class Compat:
    zou: Api
    local: Api
    tag: str
    ids: dict[str, tuple[str, str]] = field(default_factory=dict)
    roles: dict[str, tuple[Api, Api]] = field(default_factory=dict)

    # ---- the scenario's objects -------------------------------------------------------------
    def add(self, name: str, zou_id: str, local_id: str) -> None:
        self.ids[name] = (zou_id, local_id)

    def names(self, side: int) -> dict[str, str]:
        return {pair[side]: name for name, pair in self.ids.items()}

    def fill(self, value: Any, side: int) -> Any:
        """``{name}`` placeholders of a path or body, with this side's ids."""
        if isinstance(value, str):
            return PLACEHOLDER.sub(lambda m: self.ids[m.group(1)][side], value)
        if isinstance(value, list):
            return [self.fill(item, side) for item in value]
        if isinstance(value, dict):
            return {key: self.fill(item, side) for key, item in value.items()}
        return value

    def keyed(
        self, method: str, path: str, json: Any = None, role: str = "admin"
    ) -> tuple[Any, Any]:
        """``check`` for answers keyed by ids (``{shot id: casting}``): the two bodies come
        back with those keys translated to scenario names, so a test can read them alike."""
        zou, local = self.check(method, path, json, role)
        return translated(zou, self.names(0)), translated(local, self.names(1))

    def known(self, items: Any, side: int) -> Any:
        """The items of a list answer that are scenario objects (by id)."""
        names = self.names(side)
        if not isinstance(items, list):
            return items
        return [item for item in items if isinstance(item, dict) and item.get("id") in names]

    def client(self, side: int, role: str) -> Api:
        """The admin, a scenario person by role (``outsider``: in no team), or ``anonymous``."""
        if role == "admin":
            return (self.zou, self.local)[side]
        if role == "anonymous":
            return (self.zou, self.local)[side].as_token(None)
        return self.roles[role][side]

    # ---- requests to both -------------------------------------------------------------------
    def both(
        self, method: str, path: str, json: Any = None, role: str = "admin", **kwargs: Any
    ) -> tuple[Any, Any]:
        """Send a request to both servers; answer the two responses."""
        return tuple(  # type: ignore[return-value]
            self.client(side, role).request(
                method,
                self.fill(path, side),
                **({"json": self.fill(json, side)} if json is not None else {}),
                **kwargs,
            )
            for side in (0, 1)
        )

    def create(self, name: str, path: str, json: Any, role: str = "admin") -> tuple[dict, dict]:
        """Create the same object on both (a scenario step): it must succeed on both, and it
        is recorded under ``name``."""
        zou, local = self.both("POST", path, json, role)
        assert zou.status_code in (200, 201), f"Zou: POST {path}: {zou.text[:300]}"
        assert local.status_code in (200, 201), f"local: POST {path}: {local.text[:300]}"
        zou_body, local_body = zou.json(), local.json()
        self.add(name, zou_body["id"], local_body["id"])
        return zou_body, local_body

    def check(
        self,
        method: str,
        path: str,
        json: Any = None,
        role: str = "admin",
        allowed: tuple[str, ...] = (),
        scenario_only: bool = False,
        **kwargs: Any,
    ) -> tuple[Any, Any]:
        """The same request to both: equal status, same shape. ``allowed`` lists json paths
        (``$.last_presence``, ``$[].type``) whose differences are deliberate. With
        ``scenario_only``, a list answer is narrowed to the scenario's objects first (studio-wide
        lists of a Zou that keeps the data of every run)."""
        zou, local = self.both(method, path, json, role, **kwargs)
        template = PLACEHOLDER.sub(lambda m: "{" + _kind(m.group(1)) + "}", path.split("?")[0])
        counts = RESULTS.setdefault((method, template), [0, 0])
        counts[0] += 1
        assert zou.status_code == local.status_code, (
            f"{method} {path} as {role}: {zou.status_code} on Zou, {local.status_code} here\n"
            f"Zou: {zou.text[:500]}\nhere: {local.text[:500]}"
        )
        zou_body = zou.json() if _is_json(zou) else None
        local_body = local.json() if _is_json(local) else None
        if scenario_only:
            zou_body, local_body = self.known(zou_body, 0), self.known(local_body, 1)
        differences = shape_differences(
            zou_body, local_body, self.names(0), self.names(1), frozenset(allowed)
        )
        assert differences == [], f"{method} {path} as {role}:\n" + "\n".join(differences[:40])
        counts[1] += 1
        return zou_body, local_body


def _is_json(response: Any) -> bool:
    return bool(response.content) and "json" in response.headers.get("content-type", "")


def _kind(name: str) -> str:
    """``shot:SH010`` -> ``shot``: the endpoint template names the kind, not the object."""
    return name.split(":")[0].rstrip("0123456789_")


# ---- the scenario ---------------------------------------------------------------------------
def _reference(compat: Compat) -> None:
    """Studio reference data, matched by name on both sides."""
    for route, prefix, key in (
        ("task-status", "status", "short_name"),
        ("project-status", "project-status", "name"),
        ("departments", "department", "name"),
        ("entity-types", "entity-type", "name"),
    ):
        zou = {item[key]: item["id"] for item in compat.zou.ok("GET", f"/data/{route}")}
        local = {item[key]: item["id"] for item in compat.local.ok("GET", f"/data/{route}")}
        for value in zou.keys() & local.keys():
            compat.add(f"{prefix}:{value}", zou[value], local[value])
    zou = {(t["name"], t["for_entity"]): t["id"] for t in compat.zou.ok("GET", "/data/task-types")}
    local = {
        (t["name"], t["for_entity"]): t["id"] for t in compat.local.ok("GET", "/data/task-types")
    }
    for name, for_entity in zou.keys() & local.keys():
        compat.add(f"task-type:{name}/{for_entity}", zou[name, for_entity], local[name, for_entity])
    for name in ("Character", "Prop", "Environment", "Episode", "Sequence", "Shot", "Scene"):
        if f"entity-type:{name}" not in compat.ids:
            compat.create(f"entity-type:{name}", "/data/entity-types", {"name": name})


def build_scenario(compat: Compat) -> None:
    """Two projects (a TV show with episodes, a feature film), a team with every role, shots
    with frame ranges and data, assets of several types, casting, an asset instance, tasks."""
    tag = compat.tag
    _reference(compat)
    for role in (*ROLES, "outsider"):
        compat.create(
            f"person:{role}",
            "/data/persons",
            {
                "first_name": role.capitalize(),
                "last_name": f"Compat {tag}",
                "email": f"compat-{role}-{tag}@example.com",
                "password": PASSWORD,
                "role": "user" if role == "outsider" else role,
            },
        )
    zou_project, local_project = compat.create(
        "project",
        "/data/projects",
        {
            "name": f"Compat TV {tag}",
            "production_type": "tvshow",
            "fps": "25",
            "resolution": "1920x1080",
            "team": [f"{{person:{role}}}" for role in ROLES],
        },
    )
    compat.create(
        "other_project",
        "/data/projects",
        {"name": f"Compat Film {tag}", "production_type": "feature", "team": ["{person:manager}"]},
    )
    entity = "/data/entities"
    # A TV show starts with its first episode, E01, on both servers.
    compat.add("episode:E01", zou_project["first_episode_id"], local_project["first_episode_id"])
    compat.create("episode:E02", entity, _entity("E02", "project", "Episode"))
    compat.create("sequence:SQ01", entity, _entity("SQ01", "project", "Sequence", "episode:E01"))
    compat.create("sequence:SQ02", entity, _entity("SQ02", "project", "Sequence", "episode:E02"))
    compat.create("sequence:SQ10", entity, _entity("SQ10", "other_project", "Sequence"))
    for name, parent, frames in (
        ("SH010", "sequence:SQ01", (1, 48)),
        ("SH020", "sequence:SQ01", (49, 120)),
        ("SH030", "sequence:SQ02", (1, 24)),
    ):
        data = {"frame_in": frames[0], "frame_out": frames[1], "fps": "25"}
        body = {**_entity(name, "project", "Shot", parent), "data": data}
        compat.create(f"shot:{name}", entity, {**body, "nb_frames": frames[1] - frames[0] + 1})
    compat.create("shot:SH100", entity, _entity("SH100", "other_project", "Shot", "sequence:SQ10"))
    compat.create("scene:SC01", entity, _entity("SC01", "project", "Scene", "sequence:SQ01"))
    compat.create("asset:Bob", entity, _entity("Bob", "project", "Character"))
    compat.create("asset:Sword", entity, _entity("Sword", "project", "Prop"))
    compat.create("asset:Forest", entity, _entity("Forest", "project", "Environment"))
    compat.create("asset:Alice", entity, _entity("Alice", "other_project", "Character"))
    for name, shot, asset, occurences in (
        ("casting:SH010-Bob", "shot:SH010", "asset:Bob", 2),
        ("casting:SH010-Sword", "shot:SH010", "asset:Sword", 1),
        ("casting:SH020-Bob", "shot:SH020", "asset:Bob", 1),
    ):
        compat.create(
            name,
            "/data/entity-links",
            {"entity_in_id": f"{{{shot}}}", "entity_out_id": f"{{{asset}}}",
             "nb_occurences": occurences},
        )  # fmt: skip
    compat.create(
        "asset-instance:Bob-SC01",
        "/data/asset-instances",
        {"asset_id": "{asset:Bob}", "scene_id": "{scene:SC01}", "number": 1, "name": "bob_0001"},
    )
    todo = "{status:todo}"
    for name, entity_name, task_type, assignees in (
        ("task:Bob-Modeling", "asset:Bob", "Modeling/Asset", ["person:user", "person:vendor"]),
        ("task:Sword-Modeling", "asset:Sword", "Modeling/Asset", []),
        ("task:SH010-Animation", "shot:SH010", "Animation/Shot", ["person:user"]),
        ("task:SH020-Animation", "shot:SH020", "Animation/Shot", []),
        ("task:SH030-Layout", "shot:SH030", "Layout/Shot", ["person:supervisor"]),
        ("task:Alice-Modeling", "asset:Alice", "Modeling/Asset", []),
    ):
        project = "other_project" if entity_name == "asset:Alice" else "project"
        compat.create(
            name,
            "/data/tasks",
            {
                "project_id": f"{{{project}}}",
                "entity_id": f"{{{entity_name}}}",
                "task_type_id": f"{{task-type:{task_type}}}",
                "task_status_id": todo,
                "assignees": [f"{{{person}}}" for person in assignees],
            },
        )


def _entity(name: str, project: str, kind: str, parent: str | None = None) -> dict[str, Any]:
    body = {
        "name": name,
        "project_id": f"{{{project}}}",
        "entity_type_id": f"{{entity-type:{kind}}}",
    }
    if parent:
        body["parent_id"] = f"{{{parent}}}"
    return body


def _log_in_roles(compat: Compat) -> None:
    for role in (*ROLES, "outsider"):
        pair = []
        for base in (compat.zou, compat.local):
            client = base.as_token(None)
            client.login(f"compat-{role}-{compat.tag}@example.com", PASSWORD)
            pair.append(client)
        compat.roles[role] = (pair[0], pair[1])


@pytest.fixture(scope="session")
def compat_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not ZOU_URL:
        pytest.skip("set KITSU_COMPAT_ZOU_URL to run the differential check against a Zou")
    instance = Server(Path(tmp_path_factory.mktemp("kitsu-local-compat"))).start()
    yield instance
    instance.stop()


@pytest.fixture(scope="session")
def compat(compat_server: Server) -> Iterator[Compat]:
    zou = Api(ZOU_URL)
    zou.login(ZOU_EMAIL, ZOU_PASSWORD)
    local = Api(compat_server.api)
    local.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    pair = Compat(zou=zou, local=local, tag=uuid.uuid4().hex[:6])
    try:
        build_scenario(pair)
        _log_in_roles(pair)
        yield pair
    finally:
        _retire_people(pair)


def _retire_people(compat: Compat) -> None:
    """Zou counts active persons against its user limit and keeps them between runs: the
    run's people are deactivated when it ends."""
    for name, (zou_id, _) in compat.ids.items():
        if name.startswith("person:"):
            compat.zou.put(f"/data/persons/{zou_id}", json={"active": False})


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not RESULTS:
        return
    same = sum(1 for checks, identical in RESULTS.values() if checks == identical)
    terminalreporter.section("differential check against Zou")
    for (method, template), (checks, identical) in sorted(RESULTS.items(), key=lambda i: i[0][1]):
        mark = "same" if checks == identical else "DIFFERS"
        terminalreporter.write_line(f"{mark:8} {method:6} {template}  ({identical}/{checks})")
    terminalreporter.write_line(
        f"compat: {len(RESULTS)} endpoints checked, {same} identical in status and shape"
    )
