#!/usr/bin/env python3
"""What idle listeners of the event stream cost the server: memory (PSS) and CPU of a fresh
``kitsu-local serve`` idle, then with ``--clients`` python-socketio clients connected to
``/socket.io`` (namespace ``/events``, as gazu.events connects), idle; then how long one event
takes to reach all of them (``GET /status/test-event``).

    .venv/bin/python bench/bench_event_stream.py [--clients 200] [--idle 10] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import socketio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.api import Api  # noqa: E402
from tests.support.server import ADMIN_EMAIL, ADMIN_PASSWORD, Server  # noqa: E402


def sample(process: psutil.Process, seconds: float) -> dict[str, float]:
    """PSS (MiB) at the end and mean CPU (% of one core) over ``seconds`` of idling."""
    process.cpu_percent(None)
    time.sleep(seconds)
    cpu = process.cpu_percent(None)
    pss = process.memory_full_info().pss / 2**20
    return {"pss_mib": round(pss, 1), "cpu_percent": round(cpu, 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of each idle sample")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as data_dir:
        server = Server(Path(data_dir)).start()
        try:
            api = Api(server.api)
            api.login(ADMIN_EMAIL, ADMIN_PASSWORD)
            token = api.headers()["Authorization"]
            process = psutil.Process(server.process.pid)
            before = sample(process, args.idle)

            received = threading.Semaphore(0)
            clients = []
            started = time.monotonic()
            for _ in range(args.clients):
                client = socketio.Client(reconnection=False)
                client.on("main:test", lambda _data: received.release(), namespace="/events")
                client.connect(server.url, headers={"Authorization": token},
                               namespaces=["/events"], transports=["websocket"])  # fmt: skip
                clients.append(client)
            connect_seconds = time.monotonic() - started
            connected = sample(process, args.idle)

            started = time.monotonic()
            api.ok("GET", "/status/test-event")
            for _ in clients:
                assert received.acquire(timeout=30), "an event did not arrive"
            fan_out_ms = (time.monotonic() - started) * 1000
            for client in clients:
                client.disconnect()
        finally:
            server.stop()

    figures = {
        "clients": args.clients,
        "idle_without_clients": before,
        "idle_with_clients": connected,
        "pss_per_client_kib": round(
            (connected["pss_mib"] - before["pss_mib"]) * 1024 / args.clients, 1
        ),
        "connect_all_seconds": round(connect_seconds, 2),
        "one_event_to_all_ms": round(fan_out_ms, 1),
    }
    print(json.dumps(figures, indent=2))
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
