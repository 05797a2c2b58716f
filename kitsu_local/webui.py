"""The web UI: static files of ``assets/web`` served at ``/`` (the API stays under ``/api``)."""

from __future__ import annotations

import sys
from pathlib import Path

from litestar.datastructures import CacheControlHeader
from litestar.static_files import create_static_files_router


def web_ui_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)  # inside the PyInstaller build
    if bundle:
        return Path(bundle) / "assets" / "web"
    return Path(__file__).resolve().parent.parent / "assets" / "web"


def web_ui_handlers() -> list:
    folder = web_ui_dir()
    if not folder.is_dir():
        return []
    # no-cache: the browser revalidates, so an upgraded app never runs yesterday's scripts.
    return [
        create_static_files_router(
            path="/",
            directories=[folder],
            html_mode=True,
            name="web-ui",
            cache_control=CacheControlHeader(no_cache=True),
        )
    ]
