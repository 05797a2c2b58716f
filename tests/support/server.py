"""A real kitsu-local server for tests: ``kitsu-local serve`` in a subprocess, on a free port,
with its own data dir (a real SQLite file), stopped at the end."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from .api import Api

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "admin-password"

# Fast hashing for tests; everything else keeps the product defaults.
TEST_ENV = {"KITSU_LOCAL_BCRYPT_ROUNDS": "4", "KITSU_LOCAL_USER_LIMIT": "1000"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kitsu_local", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )


class Server:
    def __init__(self, data_dir: Path, **settings: str):
        self.data_dir = data_dir
        self.port = free_port()
        self.env = {
            **os.environ,
            **TEST_ENV,
            "KITSU_LOCAL_DATA_DIR": str(data_dir),
            **{f"KITSU_LOCAL_{key.upper()}": str(value) for key, value in settings.items()},
        }
        self.process: subprocess.Popen | None = None
        self.log_path = data_dir / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api(self) -> str:
        return f"{self.url}/api"

    def start(self, admin: bool = True) -> Server:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if admin:
            cli("create-admin", ADMIN_EMAIL, "--password", ADMIN_PASSWORD, env=self.env)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kitsu_local",
                "serve",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.api}/status", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not start in 60 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""


@contextmanager
def running_server(data_dir: Path, **settings: str) -> Iterator[Api]:
    """A started server and an admin client on it (for the benchmarks)."""
    server = Server(data_dir, **settings).start()
    try:
        api = Api(server.api)
        api.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        yield api
    finally:
        server.stop()
