"""Start the same app as ``kitsu-local serve`` on a free loopback port in a background thread,
open a pywebview window on it, and stop the server cleanly when the window closes.

Without a GUI toolkit (no display, no GTK/Qt backend for pywebview), the shell says so, opens
the system browser instead and serves until Ctrl-C: the app stays usable headless.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import webbrowser

import uvicorn

from kitsu_local.app import create_server_app
from kitsu_local.cli import KEEP_ALIVE_SECONDS
from kitsu_local.settings import Settings

log = logging.getLogger("ui_shell")
TITLE = "kitsu-local"
WINDOW_JOB_SHUTDOWN = 2.0  # seconds (serve waits longer: job_shutdown_seconds)


class BackgroundServer:
    """uvicorn serving the app in a daemon thread; ``stop()`` shuts it down gracefully."""

    def __init__(self, settings: Settings, port: int):
        config = uvicorn.Config(
            create_server_app(settings), host="127.0.0.1", port=port, log_level="warning",
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
        )  # fmt: skip
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, name="kitsu-local-server", daemon=True
        )
        self.url = f"http://127.0.0.1:{port}/"

    def start(self, timeout: float = 30) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the kitsu-local server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="kitsu-local desktop app")
    parser.add_argument(
        "--port", type=int, default=None, help="loopback port (default: a free one)"
    )
    parser.add_argument("--headless", action="store_true", help="serve without opening a window")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    # Closing the window should not wait for a movie to finish transcoding: a job still running
    # after this many seconds is left to resume at the next start (kitsu_local/jobs.py).
    shutdown = float(os.environ.get("KITSU_LOCAL_JOB_SHUTDOWN_SECONDS", WINDOW_JOB_SHUTDOWN))
    settings = Settings(job_shutdown_seconds=shutdown)
    server = BackgroundServer(settings, args.port or free_port())
    server.start()
    log.info(
        "kitsu-local is running at %s (API at %sapi, data in %s)",
        server.url,
        server.url,
        settings.data_dir,
    )
    try:
        if args.headless or not open_window(server.url):
            if not args.headless:
                webbrowser.open(server.url)
            log.info("Press Ctrl-C to stop.")
            while server.thread.is_alive():
                time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def gui_available() -> bool:
    """Whether a window can open here. Probed in a child process: a toolkit missing a system
    library aborts the process that loads it, which must not be this one."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return False
    probe = (
        "import webview, webview.guilib as g; g.initialize()"
        if not sys.platform.startswith("linux")
        else "from qtpy.QtWidgets import QApplication; QApplication([])"
    )
    try:
        result = subprocess.run([sys.executable, "-c", probe], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def open_window(url: str) -> bool:
    """Show the app in a pywebview window until it is closed; False when no GUI is available."""
    if not gui_available():
        log.info("No desktop toolkit available: opening the browser instead.")
        return False
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium (inside Qt WebEngine) refuses to run its sandbox as root.
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    try:
        import webview
    except ImportError:
        log.info("pywebview is not installed: opening the browser instead.")
        return False
    try:
        webview.create_window(TITLE, url, width=1280, height=800)
        # On Linux the toolkit probed above (Qt): pywebview would try GTK first, and log a
        # traceback where PyGObject is not installed.
        webview.start(gui="qt" if sys.platform.startswith("linux") else None)
    except Exception as error:  # no display or no toolkit backend for pywebview
        log.info("No desktop window available (%s): opening the browser instead.", error)
        return False
    return True
