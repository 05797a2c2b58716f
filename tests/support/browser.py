"""A real browser for the web UI tests: Playwright driving the system's Chromium (Debian's
``chromium`` package, through ``executable_path``: Playwright's own browser download is not
reachable here), and helpers that act as an artist would (log in, upload by drag and drop).

The screenshots go to ``tests/artifacts/`` (not committed) to be looked at."""

from __future__ import annotations

import base64
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
VIEWPORT = {"width": 1280, "height": 720}
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def chromium_path() -> str | None:
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium, or the test skipped with the reason when there is none."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium on PATH (Debian: apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


class PageErrors:
    """Collects what a page reports as broken: script errors, failed requests, 5xx answers."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and "Failed to load resource" not in message.text
                and self.errors.append(f"console: {message.text}")
            ),
        )
        page.on(
            "response",
            lambda response: (
                response.status >= 500 and self.errors.append(f"{response.status} {response.url}")
            ),
        )

    def assert_none(self) -> None:
        assert not self.errors, self.errors


def screenshot(page, name: str, full_page: bool = False) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def log_in(page, url: str, email: str, password: str) -> None:
    """Open the UI, log in with the form, wait for the task list."""
    page.goto(f"{url}/#/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="My tasks").wait_for()


def wait_images_loaded(page, selector: str = "img") -> None:
    page.wait_for_function(
        "selector => [...document.querySelectorAll(selector)]"
        ".every(image => image.complete && image.naturalWidth > 0)",
        arg=selector,
    )


def drop_file(page, selector: str, path: Path, mime: str) -> None:
    """Drag a file from the desktop onto an element: a ``drop`` event carrying the file."""
    payload = base64.b64encode(path.read_bytes()).decode()
    page.evaluate(
        """([selector, name, mime, payload]) => {
            const bytes = Uint8Array.from(atob(payload), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: mime }));
            const target = document.querySelector(selector);
            for (const type of ["dragenter", "dragover", "drop"]) {
                target.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true,
                    cancelable: true }));
            }
        }""",
        [selector, path.name, mime, payload],
    )
