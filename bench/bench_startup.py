#!/usr/bin/env python3
"""Start-up of ``kitsu-local serve``: from launch to the first authenticated answer, and the
idle memory of a fresh server (issue 11 targets: under 1 s, under 100 MiB PSS).

The package's bytecode is compiled first, as an install compiles it (``pip install`` does,
``packaging/dev.py`` does after its editable install): with ``PYTHONDONTWRITEBYTECODE`` set and
no ``__pycache__``, every launch would compile the ~280 modules again (a third of a second).
One data dir is made first (``create-admin``, which creates the schema) and a token is taken
from a first server (the signing key is kept in the data dir, so the token stays good). Then,
``--runs`` times: launch ``python -m kitsu_local serve`` (what the ``kitsu-local`` command
runs), send ``GET /api/auth/authenticated`` with that token every 10 ms until it answers 200,
and stop the server. Reported: the CPU time the server used until its answer (what a busy
machine does not change much); the median, min and max of launch-to-answer; how long a
password log-in takes right after (bcrypt at the product's cost); the PSS of a server idle for
``--idle`` seconds after its first answer; and a first start on an empty data dir (schema made
while starting).

    .venv/bin/python bench/bench_startup.py [--runs 5] [--idle 5] [--binary dist/kitsu-local]

``--binary`` measures the one-file build instead (``python3 packaging/dev.py build``): the same
steps with that executable in place of ``python -m kitsu_local``.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.server import free_port  # noqa: E402

EMAIL, PASSWORD = "admin@example.com", "bench-startup-password"


def environment(data_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("KITSU_LOCAL")}
    return {**env, "KITSU_LOCAL_DATA_DIR": str(data_dir)}


PROGRAM = [sys.executable, "-m", "kitsu_local"]  # or the one-file build (--binary)


def launch(data_dir: Path, port: int) -> subprocess.Popen:
    command = [*PROGRAM, "serve", "--port", str(port)]
    return subprocess.Popen(
        [*command, "--log-level", "warning"],
        env=environment(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def first_answer(process: subprocess.Popen, url: str, headers: dict[str, str]) -> float:
    """Seconds from now until ``url`` answers 200 (polling every 10 ms)."""
    started = time.perf_counter()
    with httpx.Client(timeout=2) as client:
        while time.perf_counter() - started < 60:
            if process.poll() is not None:
                raise RuntimeError("the server exited")
            try:
                if client.get(url, headers=headers).status_code == 200:
                    return time.perf_counter() - started
            except httpx.TransportError:
                pass
            time.sleep(0.01)
    raise RuntimeError("no answer in 60 s")


def processes(process: subprocess.Popen) -> list[psutil.Process]:
    """The server's processes: one, or the one-file build's unpacker and the server it runs."""
    parent = psutil.Process(process.pid)
    return [parent, *parent.children(recursive=True)]


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def log_in(api: str) -> tuple[str, float]:
    started = time.perf_counter()
    answer = httpx.post(f"{api}/auth/login", json={"email": EMAIL, "password": PASSWORD})
    answer.raise_for_status()
    return answer.json()["access_token"], time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--idle", type=float, default=5.0)
    parser.add_argument("--binary", type=Path, help="the one-file build to measure instead")
    args = parser.parse_args()
    if args.binary:
        PROGRAM[:] = [str(args.binary.resolve())]
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "kitsu_local", "ui_shell"], cwd=ROOT, check=True
    )
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        started = time.perf_counter()
        subprocess.run(
            [*PROGRAM, "create-admin", EMAIL, "--password", PASSWORD],
            env=environment(data_dir),
            check=True,
            capture_output=True,
        )
        print(
            f"create-admin on an empty data dir (schema made): {time.perf_counter() - started:.2f} s"
        )
        port = free_port()
        api = f"http://127.0.0.1:{port}/api"
        process = launch(data_dir, port)
        first_answer(process, f"{api}/", {})
        token, login_seconds = log_in(api)
        stop(process)
        headers = {"Authorization": f"Bearer {token}"}

        timings, pss, cpu = [], [], []
        for _ in range(args.runs):
            process = launch(data_dir, port)
            timings.append(first_answer(process, f"{api}/auth/authenticated", headers))
            cpu.append(sum(sum(p.cpu_times()[:2]) for p in processes(process)))
            time.sleep(args.idle)
            pss.append(sum(p.memory_full_info().pss for p in processes(process)) / 2**20)
            stop(process)

        empty = Path(tmp) / "empty"
        empty.mkdir()
        process = launch(empty, port)
        fresh = first_answer(process, f"{api}/", {})
        stop(process)

    print(f"launch -> first authenticated answer, n={args.runs}:")
    print(
        f"  median {statistics.median(timings):.3f} s "
        f"(min {min(timings):.3f}, max {max(timings):.3f})"
    )
    print(f"  CPU time of the server until then: median {statistics.median(cpu):.3f} s")
    print(f"password log-in (bcrypt, product cost): {login_seconds:.3f} s")
    print(f"idle PSS after {args.idle:.0f} s: median {statistics.median(pss):.1f} MiB")
    print(f"first start on an empty data dir, launch -> /api/: {fresh:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
