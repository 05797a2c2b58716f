"""The one-file build (issue 11, point 4): PyInstaller makes one executable of ``build.spec``,
and that executable, run on a fresh data dir with no Python on ``PATH``, is the whole product:
``create-admin`` works, ``serve`` answers ``/api/``, the web UI is served, and a PNG preview
uploaded with gazu ends ``ready`` (Pillow inside the binary).

Marked ``slow``: the build takes a few minutes (``.ci/run`` runs it; ``-m "not slow"`` skips it).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import gazu
import httpx
import pytest

from .support.clips import make_picture
from .support.server import free_port

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
EMAIL, PASSWORD = "builder@example.com", "a-long-password"


@pytest.fixture(scope="module")
def binary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed (it comes with the test extras)")
    if sys.platform.startswith("linux") and shutil.which("objdump") is None:
        pytest.skip("PyInstaller needs objdump on Linux (Debian: binutils)")
    work = tmp_path_factory.mktemp("build")
    command = [sys.executable, "-m", "PyInstaller", str(ROOT / "build.spec"), "--noconfirm"]
    command += ["--distpath", str(work / "dist"), "--workpath", str(work / "work")]
    built = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert built.returncode == 0, built.stderr[-4000:]
    path = work / "dist" / ("kitsu-local.exe" if os.name == "nt" else "kitsu-local")
    assert path.is_file()
    return path


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    """No Python on PATH (an empty folder), a fresh data dir, nothing of this checkout."""
    empty = tmp_path / "bin"
    empty.mkdir()
    return {
        "PATH": str(empty),
        "HOME": str(tmp_path),
        "TMPDIR": str(tmp_path),
        "KITSU_LOCAL_DATA_DIR": str(tmp_path / "data"),
        "KITSU_LOCAL_BCRYPT_ROUNDS": "4",
    }


@pytest.fixture
def serving(binary: Path, environment: dict[str, str]) -> Iterator[str]:
    assert shutil.which("python3", path=environment["PATH"]) is None  # the binary is on its own
    made = subprocess.run(
        [str(binary), "create-admin", EMAIL, "--password", PASSWORD],
        env=environment, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr[-3000:]
    assert f"Admin {EMAIL} created." in made.stdout
    port = free_port()
    server = subprocess.Popen(
        [str(binary), "serve", "--port", str(port), "--log-level", "warning"],
        env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert server.poll() is None, server.stdout.read()[-3000:] if server.stdout else ""
            try:
                if httpx.get(f"{url}/api/", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise AssertionError("the built server did not answer in 120 s")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_binary_is_the_whole_product(serving, tmp_path):
    url = serving
    assert httpx.get(f"{url}/api/").json()["api"] == "Zou"
    page = httpx.get(f"{url}/")
    assert page.status_code == 200 and "<html" in page.text.lower()
    client = gazu.client.create_client(f"{url}/api")
    gazu.log_in(EMAIL, PASSWORD, client=client)
    c = {"client": client}
    project = gazu.project.new_project("Built", **c)
    prop = gazu.asset.get_asset_type_by_name("Prop", **c)
    asset = gazu.asset.new_asset(project, prop, "Lamp", **c)
    modeling = gazu.task.get_task_type_by_name("Modeling", **c)
    task = gazu.task.new_task(asset, modeling, **c)
    wfa = gazu.task.get_task_status_by_short_name("wfa", **c)
    comment = gazu.task.add_comment(task, wfa, "first look", **c)
    picture = make_picture(tmp_path / "look.png", 320, 200)
    preview = gazu.task.add_preview(task, comment, str(picture), **c)
    deadline = time.monotonic() + 120
    while (status := gazu.files.get_preview_file(preview["id"], **c)["status"]) == "processing":
        assert time.monotonic() < deadline, "the preview is still processing"
        time.sleep(0.3)
    assert status == "ready"
    thumbnail = httpx.get(
        f"{url}/api/pictures/thumbnails/preview-files/{preview['id']}.png",
        headers={"Authorization": f"Bearer {client.tokens['access_token']}"},
    )
    assert thumbnail.status_code == 200 and thumbnail.content.startswith(b"\x89PNG")
