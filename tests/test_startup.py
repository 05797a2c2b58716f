"""What ``serve`` loads before it answers (issue 11: start-up under a second, idle memory under
100 MiB). The figures themselves are measured by ``bench/bench_startup.py``; this checks the
rules that keep them: the libraries a server needs only for some requests load with the first
of those requests, not with the server."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from .support.server import Server, cli

# Loaded on first use: media (PyAV, Pillow), WebAuthn (fido2, and cryptography, which PyJWT
# would load for algorithms HS256 does not use), timelines, migrations (alembic), the sync
# client (httpx), mail, and the helpers of a few routes.
FIRST_USE = (
    "av",
    "PIL",
    "fido2",
    "cryptography",
    "opentimelineio",
    "alembic",
    "httpx",
    "kitsu_local.sync",
    "kitsu_local.media.movies",
    "kitsu_local.media.pictures",
    "smtplib",
    "werkzeug",
    "psutil",
    "ua_parser",
    "email_validator",
    "pydantic.v1",  # Litestar's pydantic plugin: no handler takes a model
    "sqlalchemy.dialects.postgresql",  # the partial indexes' PostgreSQL conditions
)


def test_a_server_loads_only_what_serving_needs(tmp_path: Path):
    probe = (
        "import json, sys\n"
        "import uvicorn\n"
        "from kitsu_local.app import create_server_app\n"
        "create_server_app()\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env=Server(tmp_path).env,
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = set(json.loads(result.stdout))
    assert "kitsu_local.api.auth" in loaded and "litestar" in loaded  # the probe built the app
    early = [
        name for name in FIRST_USE if any(m == name or m.startswith(name + ".") for m in loaded)
    ]
    assert early == []


def test_expired_state_is_purged_once_the_server_is_up(tmp_path: Path):
    server = Server(tmp_path)
    cli("init-db", env=server.env)
    with closing(sqlite3.connect(tmp_path / "kitsu.db")) as db, db:
        db.executemany(
            "INSERT INTO kitsu_local_key_value (key, value, expires_at) VALUES (?, '', ?)",
            [("expired", "2000-01-01 00:00:00"), ("live", "2999-01-01 00:00:00")],
        )
    server.start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with closing(sqlite3.connect(tmp_path / "kitsu.db")) as db:
                keys = {key for (key,) in db.execute("SELECT key FROM kitsu_local_key_value")}
            if "expired" not in keys:
                break
            time.sleep(0.2)
        assert "expired" not in keys and "live" in keys
    finally:
        server.stop()
