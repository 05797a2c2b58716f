"""Rebuild ``tests/data/first_release.db``: a database made by the first release of kitsu-local
(git commit 2f2ef40, Alembic revision ``0001_first_release``) with a small studio in it, put
there through that release's own API by gazu, and ``first_release_counts.json`` (rows per table).

    .venv/bin/python tests/data/make_first_release_db.py

The first release's tree is taken with ``git archive`` (the checkout is not touched) and run from
this checkout's ``.venv`` with ``PYTHONPATH`` pointing at it (its dependencies are a subset of
today's). The file is made small for the repository: 512-byte pages, VACUUMed, rollback journal
(the server switches it to WAL when it opens it).
"""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import gazu
import httpx
from PIL import Image

FIRST_RELEASE = "2f2ef40"
HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parent.parent
ADMIN_EMAIL = "admin@example.com"  # as tests/support/server.py
ADMIN_PASSWORD = "admin-password"
ARTIST_PASSWORD = "artist-password"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="kitsu-first-release-") as work:
        tree, data_dir = Path(work) / "tree", Path(work) / "data"
        tree.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(CHECKOUT), "archive", FIRST_RELEASE],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        env = {
            **os.environ,
            "PYTHONPATH": str(tree),
            "KITSU_LOCAL_DATA_DIR": str(data_dir),
            "KITSU_LOCAL_BCRYPT_ROUNDS": "4",
        }
        run = [sys.executable, "-m", "kitsu_local"]
        check = "import kitsu_local, sys; print(kitsu_local.__file__)"
        where = subprocess.run(
            [sys.executable, "-c", check],
            env=env,
            cwd=tree,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert where.startswith(str(tree)), where
        subprocess.run([*run, "init-db"], env=env, cwd=tree, check=True)
        admin = [ADMIN_EMAIL, "--password", ADMIN_PASSWORD]
        subprocess.run([*run, "create-admin", *admin], env=env, cwd=tree, check=True)
        port = _free_port()
        server = subprocess.Popen(
            [*run, "serve", "--port", str(port), "--log-level", "warning"], env=env, cwd=tree
        )
        try:
            api = f"http://127.0.0.1:{port}/api"
            _wait(api)
            fill_studio(api)
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)
        target = HERE / "first_release.db"
        target.unlink(missing_ok=True)
        _compact(data_dir / "kitsu.db", target)
    counts = row_counts(target)
    (HERE / "first_release_counts.json").write_text(json.dumps(counts, indent=1) + "\n")
    print(f"{target}: {target.stat().st_size // 1024} KiB, {sum(counts.values())} rows")


def row_counts(path: Path) -> dict[str, int]:
    """Rows per table of a SQLite file (tables of the schema, FTS shadow tables left out)."""
    with sqlite3.connect(path) as db:
        names = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE '%_fts_%' ORDER BY name"
            )
        ]
        return {name: db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def fill_studio(api: str) -> None:
    """A few rows of every main table, through the API as a studio would make them."""
    client = gazu.client.create_client(api)
    gazu.log_in(ADMIN_EMAIL, ADMIN_PASSWORD, client=client)
    kw = {"client": client}
    http = _Http(api, client.tokens["access_token"])

    persons = [
        gazu.person.new_person(first, last, f"{first.lower()}@example.com", role=role, **kw)
        for first, last, role in (
            ("Alice", "Artist", "user"),
            ("Bob", "Lead", "supervisor"),
            ("Carol", "Producer", "manager"),
            ("Dan", "Client", "client"),
        )
    ]
    alice, bob, carol, _dan = persons
    http.put(f"/data/persons/{alice['id']}", {"phone": "+33 1 23 45 67 89"})
    http.post(
        "/actions/persons/" + alice["id"] + "/change-password",
        {"password": ARTIST_PASSWORD, "password_2": ARTIST_PASSWORD},
    )

    project = gazu.project.new_project("Big Buck Bunny", production_type="tvshow", **kw)
    film = gazu.project.new_project("Short Film", production_type="short", **kw)
    for person in persons:
        gazu.project.add_person_to_team(project, person, **kw)
    gazu.project.add_person_to_team(film, alice, **kw)
    gazu.project.add_metadata_descriptor(
        project, "Difficulty", "Shot", choices=["easy", "hard"], **kw
    )

    task_types = {t["name"]: t for t in gazu.task.all_task_types(**kw)}
    statuses = {s["short_name"]: s for s in gazu.task.all_task_statuses(**kw)}
    for name in ("Modeling", "Animation", "Compositing"):
        gazu.project.add_task_type(project, task_types[name], 1, **kw)
    character = gazu.asset.get_asset_type_by_name("Character", **kw)
    prop = gazu.asset.get_asset_type_by_name("Prop", **kw)

    episodes = [gazu.shot.new_episode(project, f"E0{i}", **kw) for i in (1, 2)]
    shots = []
    for episode in episodes:
        for s in (1, 2):
            sequence = gazu.shot.new_sequence(project, f"SQ0{s}", episode=episode, **kw)
            for n in (1, 2, 3):
                shots.append(
                    gazu.shot.new_shot(
                        project,
                        sequence,
                        f"SH{n:03}",
                        nb_frames=24 * n,
                        frame_in=1,
                        frame_out=24 * n,
                        data={"difficulty": "easy"},
                        **kw,
                    )
                )
    assets = [
        gazu.asset.new_asset(project, character, "Bunny", "The big one", **kw),
        gazu.asset.new_asset(project, character, "Squirrel", "Frank", **kw),
        gazu.asset.new_asset(project, prop, "Apple", **kw),
        gazu.asset.new_asset(film, prop, "Tree", **kw),
    ]
    for shot in shots[:4]:
        gazu.casting.update_shot_casting(
            project,
            shot,
            [
                {"asset_id": assets[0]["id"], "nb_occurences": 1},
                {"asset_id": assets[2]["id"], "nb_occurences": 2},
            ],
            **kw,
        )

    tasks = []
    for shot in shots[:3]:
        tasks.append(gazu.task.new_task(shot, task_types["Animation"], assignees=[alice], **kw))
    for asset in assets[:2]:
        tasks.append(
            gazu.task.new_task(asset, task_types["Modeling"], assignees=[alice, bob], **kw)
        )
    first = tasks[0]
    gazu.task.add_comment(first, statuses["wip"], "Started the blocking", **kw)
    gazu.task.add_comment(first, statuses["wfa"], "Blocking ready for review @Bob Lead", **kw)
    review = gazu.task.add_comment(tasks[3], statuses["retake"], "Ears too small", **kw)
    http.post(f"/data/tasks/{tasks[3]['id']}/comments/{review['id']}/reply", {"text": "On it"})
    gazu.task.add_comment(tasks[1], statuses["done"], "Approved", **kw)

    picture = io.BytesIO()
    Image.new("RGB", (64, 36), (200, 80, 40)).save(picture, "PNG")
    preview_comment = gazu.task.add_comment(first, statuses["wfa"], "First pass", **kw)
    preview = http.post(
        f"/actions/tasks/{first['id']}/comments/{preview_comment['id']}/add-preview", {}
    )
    http.upload(f"/pictures/preview-files/{preview['id']}", "preview.png", picture.getvalue())
    _wait_ready(http, preview["id"])
    gazu.task.set_main_preview(preview, **kw)

    for day, hours in (("2026-11-02", 4), ("2026-11-03", 6)):
        gazu.task.set_time_spent(first, alice, day, hours * 3600, **kw)
    gazu.task.set_time_spent(tasks[3], bob, "2026-11-03", 2 * 3600, **kw)

    playlist = gazu.playlist.new_playlist(project, "Daily 2026-11-03", episode=episodes[0], **kw)
    gazu.playlist.add_entity_to_playlist(playlist, shots[0], preview_file=preview, **kw)
    gazu.playlist.add_entity_to_playlist(playlist, shots[1], **kw)
    gazu.playlist.new_playlist(film, "Film review", **kw)

    http.post(f"/actions/user/tasks/{tasks[1]['id']}/subscribe", None)
    http.post(
        "/data/day-offs",
        {
            "person_id": bob["id"],
            "date": "2026-11-04",
            "end_date": "2026-11-05",
            "description": "Holiday",
        },
        expected=(201,),
    )
    http.post(
        "/data/user/filters",
        {
            "list_type": "shots",
            "name": "Long shots",
            "query": "SH003",
            "project_id": project["id"],
            "entity_type": "Shot",
        },
        expected=(201,),
    )
    budget = http.post(f"/data/projects/{project['id']}/budgets", {"name": "Main"})
    http.post(
        f"/data/projects/{project['id']}/budgets/{budget['id']}/entries",
        {
            "person_id": carol["id"],
            "department_id": task_types["Animation"]["department_id"],
            "daily_salary": 300,
            "position": "supervisor",
            "seniority": "senior",
            "start_date": "2026-11-01",
            "months_duration": 3,
        },
    )
    software = http.post(
        "/data/softwares", {"name": "Blender", "short_name": "bl", "file_extension": "blend"}
    )
    http.post("/data/output-types", {"name": "Render", "short_name": "rnd"})
    http.post(
        "/data/milestones",
        {
            "project_id": project["id"],
            "name": "Animatic",
            "date": "2026-12-01",
            "task_type_id": task_types["Animation"]["id"],
        },
    )
    http.post(
        f"/actions/persons/{bob['id']}/departments/add",
        {"department_id": task_types["Animation"]["department_id"]},
    )
    http.post(f"/actions/projects/{project['id']}/set-file-tree", {"tree_name": "default"})
    gazu.files.new_working_file(
        first, name="main", software=software, comment="blocking", person=alice, **kw
    )
    with tempfile.TemporaryDirectory() as folder:
        notes = Path(folder) / "notes.txt"
        notes.write_text("frame 12: ears\n")
        gazu.task.add_comment(
            tasks[3], statuses["wip"], "Notes attached", attachments=[notes], **kw
        )
    gazu.asset.new_asset_asset_instance(assets[0], assets[2], description="apple in hand", **kw)
    # the artist reads one notification (made by the comments on her tasks)
    artist = _Http(api, None)
    artist.token = artist.login("alice@example.com", ARTIST_PASSWORD)
    notifications = artist.get("/data/user/notifications")
    assert notifications, "the comments made no notification"
    artist.put(f"/data/user/notifications/{notifications[0]['id']}", {"read": True})
    gazu.log_out(client=client)


class _Http:
    def __init__(self, api: str, token: str | None):
        self.http = httpx.Client(base_url=api, timeout=60)
        self.token = token

    def login(self, email: str, password: str) -> str:
        response = self.http.post("/auth/login", json={"email": email, "password": password})
        response.raise_for_status()
        return response.json()["access_token"]

    def request(self, method: str, path: str, expected: tuple[int, ...] = (200, 201), **kw):
        headers = {"Authorization": f"Bearer {self.token}"}
        response = self.http.request(method, path, headers=headers, **kw)
        assert response.status_code in expected, f"{method} {path}: {response.text}"
        return response.json() if response.content else None

    def get(self, path: str):
        return self.request("GET", path)

    def put(self, path: str, body: dict):
        return self.request("PUT", path, json=body)

    def post(self, path: str, body: dict | None, expected: tuple[int, ...] = (200, 201)):
        return self.request("POST", path, expected, json=body)

    def upload(self, path: str, name: str, content: bytes):
        return self.request("POST", path, files={"file": (name, content)})


def _wait_ready(http: _Http, preview_id: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if http.get(f"/data/preview-files/{preview_id}")["status"] == "ready":
            return
        time.sleep(0.2)
    raise RuntimeError("the preview did not turn ready")


def _compact(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("VACUUM INTO ?", (str(target),))
    db = sqlite3.connect(target)
    db.execute("PRAGMA journal_mode=DELETE")
    db.execute("PRAGMA page_size=512")
    db.execute("VACUUM")
    db.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(api: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{api}/status", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the first release's server did not start")


if __name__ == "__main__":
    main()
