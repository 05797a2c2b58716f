"""Endpoint coverage: the app's routes against the API catalogue (``catalogue/endpoints.json``,
the 675 documented endpoints of Kitsu API 0.20.73). ``kitsu-local routes --missing`` prints it."""

from __future__ import annotations

import json
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

API_PREFIX = "/api"
# ``{id}`` and ``{id}.png`` / ``{id}.{extension}`` alike: a handler takes the whole segment.
_PARAM = re.compile(r"\{[^}/]*\}(\.(\{[^}/]*\}|[a-z0-9]+))?")


def normalize(path: str) -> str:
    """``/data/tasks/{task_id}/`` and ``/data/tasks/{id:str}`` both become ``/data/tasks/{}``."""
    path = _PARAM.sub("{}", path)
    return path.rstrip("/") or "/"


def load_catalogue() -> list[dict]:
    text = resources.files("kitsu_local.catalogue").joinpath("endpoints.json").read_text()
    return json.loads(text)


def served_endpoints() -> set[tuple[str, str]]:
    from .app import create_app
    from .settings import Settings

    with tempfile.TemporaryDirectory() as data_dir:
        app = create_app(Settings(data_dir=Path(data_dir)))
        served = set()
        for route in app.routes:
            path = route.path
            if not path.startswith(API_PREFIX):
                continue
            path = normalize(path[len(API_PREFIX) :] or "/")
            for method in getattr(route, "methods", ()):
                if method not in ("HEAD", "OPTIONS"):
                    served.add((method, path))
    return served


@dataclass
class CoverageReport:
    total: int
    implemented: list[dict] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)

    def render(self, show_missing: bool = False) -> str:
        lines = [f"implemented: {len(self.implemented)}/{self.total}"]
        if show_missing and self.missing:
            by_area: dict[str, list[dict]] = defaultdict(list)
            for endpoint in self.missing:
                by_area[endpoint["area"]].append(endpoint)
            lines.append(f"missing: {len(self.missing)}")
            for area in sorted(by_area):
                lines.append(f"  {area} ({len(by_area[area])})")
                for endpoint in by_area[area]:
                    lines.append(f"    {endpoint['method']:6} {endpoint['path']}")
        return "\n".join(lines)


def coverage_report() -> CoverageReport:
    catalogue = load_catalogue()
    served = served_endpoints()
    report = CoverageReport(total=len(catalogue))
    for endpoint in catalogue:
        key = (endpoint["method"], normalize(endpoint["path"]))
        (report.implemented if key in served else report.missing).append(endpoint)
    return report
