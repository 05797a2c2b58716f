"""Decision 10 of ARCHITECTURE.md: imports point down, never up, and never in a circle.

Every import counts, the ones inside functions and under ``TYPE_CHECKING`` too: a lazy import is
still a dependency, and a type-only one still ties two modules together for the reader.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "kitsu_local"

# Top to bottom; a module may import its own layer (without a cycle) and any layer below.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("kitsu_local.cli", "kitsu_local.__main__"),
    ("kitsu_local.app", "kitsu_local.app_routing", "kitsu_local.coverage"),
    ("kitsu_local.event_stream", "kitsu_local.event_rooms"),
    ("kitsu_local.api", "kitsu_local.webui", "kitsu_local.sync"),
    ("kitsu_local.registry",),
    ("kitsu_local.services",),
    ("kitsu_local.services.spec",),
    ("kitsu_local.jobs", "kitsu_local.permissions"),
    ("kitsu_local.context",),
    ("kitsu_local.app_state",),
    ("kitsu_local.events",),
    (
        "kitsu_local.models",
        "kitsu_local.migrations",
        "kitsu_local.db",
        "kitsu_local.storage",
        "kitsu_local.media",
        "kitsu_local.rows",
    ),
    ("kitsu_local.columns", "kitsu_local.settings", "kitsu_local.errors", "kitsu_local"),
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(unresolved: list[str] | None = None) -> dict[str, set[str]]:
    """Module -> the package modules it imports; names that resolve to no module of the package
    (a moved module still imported by its old path) go to ``unresolved``."""
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*anchor, *([base] if base else [])])
                for alias in node.names:
                    candidate = f"{base}.{alias.name}"
                    target = candidate if candidate in modules else base
                    found.add(target)
                    if target.startswith("kitsu_local") and target not in modules:
                        (unresolved if unresolved is not None else []).append(f"{name}: {target}")
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
        graph[name] = {target for target in found if target in modules and target != name}
    return graph


def _layer(module: str) -> int:
    """The index of the most specific layer prefix that names the module."""
    best, best_length = len(LAYERS), -1
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_length:
                best, best_length = index, len(prefix)
    return best


def test_every_import_resolves():
    unresolved: list[str] = []
    _imports(unresolved)
    assert unresolved == []


def test_every_module_has_a_layer():
    unplaced = [module for module in _imports() if _layer(module) == len(LAYERS)]
    assert unplaced == []


def test_imports_point_down():
    upward = [
        f"{module} -> {target}"
        for module, targets in _imports().items()
        for target in targets
        if _layer(target) < _layer(module)
    ]
    assert upward == []


def test_no_import_cycle():
    graph = _imports()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    assert cycles == []


def test_no_module_outgrows_one_reading():
    """An area past ~600 lines is split by what its parts do (the developers' guide)."""
    long = {
        _module_name(path): count
        for path in PACKAGE.rglob("*.py")
        if (count := len(path.read_text().splitlines())) > 650
    }
    assert long == {}
