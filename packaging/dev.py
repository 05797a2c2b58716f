#!/usr/bin/env python3
"""The two commands of the README, on a machine with only Python 3.11+:

    python3 packaging/dev.py app     # install into .venv (once), start server + window
    python3 packaging/dev.py test    # install with the test extras, run ruff and pytest
    python3 packaging/dev.py build   # the one-file app with PyInstaller: dist/kitsu-local

The virtual environment lives in ``.venv`` at the top of the checkout and is reinstalled only
when ``pyproject.toml`` changes. Extra arguments are passed on (``dev.py test -k auth``).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_venv(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script runs before any check
        sys.exit("kitsu-local needs Python 3.11 or newer.")
    if not PYTHON.exists():
        print(f"Creating {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".installed-{extras or 'base'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    print(f"Installing kitsu-local{f'[{extras}]' if extras else ''} into {VENV} ...", flush=True)
    target = f".[{extras}]" if extras else "."
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", target],
        cwd=ROOT,
        check=True,
    )
    # An editable install leaves the sources uncompiled; compiled now, the first start is as
    # fast as the next ones (and so where PYTHONDONTWRITEBYTECODE keeps Python from writing
    # the bytecode itself: compiling the ~280 modules is a third of a second of every start).
    subprocess.run(
        [str(PYTHON), "-m", "compileall", "-q", "kitsu_local", "ui_shell"], cwd=ROOT, check=True
    )
    stamp.write_text(digest)


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("app", [])
    if command == "app":
        ensure_venv("desktop")
        return subprocess.call([str(PYTHON), "-m", "ui_shell", *rest], cwd=ROOT)
    if command == "serve":
        ensure_venv("")
        return subprocess.call([str(BIN / "kitsu-local"), "serve", *rest], cwd=ROOT)
    if command == "test":
        ensure_venv("test")
        for check in (["ruff", "check", "."], ["ruff", "format", "--check", "."]):
            if subprocess.call([str(BIN / check[0]), *check[1:]], cwd=ROOT) != 0:
                return 1
        return subprocess.call([str(PYTHON), "-m", "pytest", *rest], cwd=ROOT)
    if command == "build":
        ensure_venv("build")
        return build(*rest)
    sys.exit(f"usage: {sys.argv[0]} [app|serve|test|build] [args...]")


def build(dist: str = str(ROOT / "dist"), work: str = str(ROOT / "build")) -> int:
    """PyInstaller on build.spec: one executable, ``<dist>/kitsu-local`` (``.exe`` on Windows)."""
    command = [str(PYTHON), "-m", "PyInstaller", str(ROOT / "build.spec"), "--noconfirm"]
    return subprocess.call([*command, "--distpath", dist, "--workpath", work], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
