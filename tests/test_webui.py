"""The web UI at ``/`` in a real browser (Chromium through Playwright) against the real server:
log in and out (with TOTP), my tasks and their filters, a task's thread, a comment with a status
change and a PNG preview turning ready, live updates, movie review, breakdown, notifications.

Screenshots of the main pages are written to ``tests/artifacts/``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyotp
import pytest

from .support.api import Api
from .support.browser import (
    VIEWPORT,
    PageErrors,
    chromium,
    drop_file,
    log_in,
    screenshot,
    wait_images_loaded,
)  # fmt: skip
from .support.clips import make_clip, make_picture
from .support.server import ADMIN_EMAIL, ADMIN_PASSWORD
from .support.smtp import SmtpSink, text_of
from .support.studio import unique
from .test_previews import wait_ready

PASSWORD = "password-123"
WEB = Path(__file__).resolve().parent.parent / "assets" / "web"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as found:
        yield found


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    opened = context.new_page()
    opened.set_default_timeout(60_000)
    errors = PageErrors(opened)
    yield opened
    context.close()
    errors.assert_none()


@pytest.fixture(scope="module")
def work(admin: Api) -> dict:
    """An artist with three tasks in two productions, and a supervisor of the first one."""
    tag = uuid.uuid4().hex[:6]
    person = lambda role, first: admin.create(  # noqa: E731
        "persons", first_name=first, last_name=f"Web {tag}", email=f"{first.lower()}-{tag}@x.com",
        password=PASSWORD, role=role,
    )  # fmt: skip
    artist, supervisor = person("user", "Ada"), person("supervisor", "Sam")
    project = admin.create("projects", name=unique("Web"), team=[artist["id"], supervisor["id"]])
    other = admin.create("projects", name=unique("Other web"), team=[artist["id"]])
    types = {item["name"]: item["id"] for item in admin.ok("GET", "/data/entity-types")}
    statuses = {item["short_name"]: item for item in admin.ok("GET", "/data/task-status")}
    task_types = {
        f"{item['name']}/{item['for_entity']}": item["id"]
        for item in admin.ok("GET", "/data/task-types")
    }
    entity = lambda **values: admin.create("entities", **values)  # noqa: E731
    asset = entity(
        name=unique("Robot"), project_id=project["id"], entity_type_id=types["Character"]
    )
    prop = entity(name=unique("Lamp"), project_id=other["id"], entity_type_id=types["Prop"])
    sequence = entity(name="SQ01", project_id=project["id"], entity_type_id=types["Sequence"])
    shot = entity(
        name="SH010", project_id=project["id"], entity_type_id=types["Shot"],
        parent_id=sequence["id"], data={"frame_in": 1, "frame_out": 25},
    )  # fmt: skip
    task = lambda project, entity, task_type, status: admin.create(  # noqa: E731
        "tasks", project_id=project["id"], entity_id=entity["id"],
        task_type_id=task_types[task_type], task_status_id=statuses[status]["id"],
        assignees=[artist["id"]],
    )  # fmt: skip
    artist_client = admin.as_token(None)
    artist_client.login(artist["email"], PASSWORD)
    return {
        "artist": artist,
        "artist_client": artist_client,
        "supervisor": supervisor,
        "project": project,
        "other": other,
        "statuses": statuses,
        "asset_task": task(project, asset, "Modeling/Asset", "todo"),
        "prop_task": task(other, prop, "Modeling/Asset", "wip"),
        "shot_task": task(project, shot, "Animation/Shot", "todo"),
        "asset": asset,
    }


def as_artist(page, server, work) -> None:
    log_in(page, server.url, work["artist"]["email"], PASSWORD)


# ---- the files -------------------------------------------------------------------------------
def test_the_ui_is_served_at_the_root_with_local_files_only(server):
    index = httpx.get(f"{server.url}/")
    assert index.status_code == 200
    assert '<div id="app">' in index.text
    for name in ("app.js", "api.js", "live.js", "style.css", "vendor/preact.js", "vendor/htm.js",
                 "vendor/preact-hooks.js", "vendor/socket.io.js", "views/task.js", "icon.png"):  # fmt: skip
        response = httpx.get(f"{server.url}/{name}")
        assert response.status_code == 200, name
        if name.endswith(".js"):
            assert "javascript" in response.headers["content-type"], name
        assert response.headers["cache-control"] == "no-cache", name
    # No request leaves the machine: no absolute URL in our own files (vendored code excepted).
    for path in WEB.rglob("*"):
        if path.suffix in (".js", ".css", ".html") and "vendor" not in path.parts:
            assert not re.search(r"(src|href|url)\s*[=(]\s*[\"']?(https?:)?//", path.read_text()), (
                path
            )
    assert httpx.get(f"{server.url}/api/").json()["api"] == "Zou"


# ---- log in and out --------------------------------------------------------------------------
def test_log_in_shows_my_tasks_and_log_out_returns_to_the_form(page, server, work):
    page.goto(f"{server.url}/")
    page.get_by_label("E-mail").fill(work["artist"]["email"])
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("alert").wait_for()
    screenshot(page, "login-refused")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")  # the keyboard is enough
    page.get_by_role("heading", name="My tasks").wait_for()
    assert "Ada Web" in page.get_by_test_id("user-name").inner_text()
    page.reload()  # the session survives a reload
    page.get_by_role("heading", name="My tasks").wait_for()
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("button", name="Log in").wait_for()
    page.goto(f"{server.url}/#/tasks")
    page.get_by_role("button", name="Log in").wait_for()  # logged out for good


def test_the_keyboard_alone_logs_in_and_opens_a_task(page, server, work):
    page.goto(f"{server.url}/")
    page.get_by_label("E-mail").wait_for()
    page.keyboard.type(work["artist"]["email"])  # the e-mail field has the focus
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="My tasks").wait_for()
    page.locator("table.task-list a").first.wait_for()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('table.task-list a')"):
            break
    else:
        raise AssertionError("Tab never reached a task")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus is visible
    screenshot(page, "keyboard-focus")
    page.keyboard.press("Enter")
    page.get_by_test_id("entity-name").wait_for()


def test_log_in_with_a_totp_code(page, server, admin):
    email = f"totp-{uuid.uuid4().hex[:6]}@x.com"
    admin.create("persons", first_name="Tia", last_name="Totp", email=email, password=PASSWORD)
    client = admin.as_token(None)
    client.login(email, PASSWORD)
    secret = client.ok("PUT", "/auth/totp")["otp_secret"]
    enabled = client.ok("POST", "/auth/totp", json={"totp": pyotp.TOTP(secret).now()})
    page.goto(f"{server.url}/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    code = page.get_by_label("Authenticator app code", exact=True).last
    code.wait_for()
    screenshot(page, "login-second-factor")
    code.fill("000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("That code is not valid.").wait_for()
    code.fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="My tasks").wait_for()
    # Without the phone: a recovery code.
    page.get_by_role("button", name="Log out").click()
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("radio", name="Recovery code").check()
    page.get_by_role("textbox", name="Recovery code").fill(enabled["otp_recovery_codes"][0])
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="My tasks").wait_for()


def test_log_in_with_a_code_sent_by_e_mail(page, start_server):
    with SmtpSink() as smtp:
        here = start_server(mail_server="127.0.0.1", mail_port=str(smtp.port))
        admin = Api(here.api)
        admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        admin.ok("PUT", "/auth/email-otp")
        admin.ok("POST", "/auth/email-otp", json={"email_otp": mailed_code(smtp, ADMIN_EMAIL)})
        page.goto(f"{here.url}/")
        page.get_by_label("E-mail").fill(ADMIN_EMAIL)
        page.get_by_label("Password").fill(ADMIN_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_text("A code was sent to your e-mail address.").wait_for()
        page.get_by_role("textbox", name="Code sent by e-mail").fill(mailed_code(smtp, ADMIN_EMAIL))
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("heading", name="My tasks").wait_for()


def mailed_code(smtp: SmtpSink, email: str) -> str:
    match = re.search(r"Your verification code is: (\d{6})", text_of(smtp.wait_for(email)))
    assert match, "no code in the mail"
    return match.group(1)


# ---- my tasks --------------------------------------------------------------------------------
def test_my_tasks_filter_by_production_status_and_due_date(page, server, work, admin):
    admin.ok("PUT", f"/data/tasks/{work['shot_task']['id']}", json={"due_date": "2020-01-02"})
    as_artist(page, server, work)
    rows = page.locator("table.task-list tbody tr")
    rows.nth(2).wait_for()
    assert rows.count() == 3
    screenshot(page, "my-tasks")
    page.get_by_label("Production").select_option(label=work["other"]["name"])
    page.wait_for_function("document.querySelectorAll('table.task-list tbody tr').length === 1")
    assert work["prop_task"]["id"] == rows.first.get_attribute("data-task-id")
    page.get_by_label("Production").select_option(label="All productions")
    page.get_by_label("Status").select_option(label="Todo")
    page.wait_for_function("document.querySelectorAll('table.task-list tbody tr').length === 2")
    page.get_by_label("Due").select_option(label="Overdue")
    page.wait_for_function("document.querySelectorAll('table.task-list tbody tr').length === 1")
    assert work["shot_task"]["id"] == rows.first.get_attribute("data-task-id")
    page.get_by_role("link", name="Done").click()
    page.get_by_text("No task here.").wait_for()


def test_a_supervisor_sees_the_tasks_to_check(page, server, work):
    work["artist_client"].ok(
        "POST", f"/actions/tasks/{work['asset_task']['id']}/comment", 201,
        json={"task_status_id": work["statuses"]["wfa"]["id"], "comment": "please check"},
    )  # fmt: skip
    log_in(page, server.url, work["supervisor"]["email"], PASSWORD)
    page.get_by_role("link", name="To check").click()
    page.locator(f"tr[data-task-id='{work['asset_task']['id']}']").wait_for()
    screenshot(page, "tasks-to-check")


# ---- a task: comment, status change, PNG preview ---------------------------------------------
def test_post_a_comment_with_a_status_change_and_a_png_preview(page, server, work, admin, tmp_path):
    task = work["asset_task"]
    picture = make_picture(tmp_path / "robot-v1.png", 640, 360)
    as_artist(page, server, work)
    page.get_by_role("link", name=re.compile(work["asset"]["name"])).click()
    page.get_by_test_id("entity-name").wait_for()
    page.get_by_label("Status").select_option(label="Work In Progress")
    page.get_by_label("Comment", exact=True).fill("First blocking, see the picture")
    page.locator("input[name=preview]").set_input_files(str(picture))
    notes = tmp_path / "notes.txt"
    notes.write_text("the left arm is too long\n")
    page.get_by_label("Attachments").set_input_files(str(notes))
    page.get_by_text("robot-v1.png").wait_for()
    page.get_by_role("button", name="Post comment").click()
    page.locator("[data-upload-phase=ready]").wait_for()
    comment = page.locator(".comment", has_text="First blocking")
    comment.locator("a[data-preview-status=ready] img").wait_for()
    wait_images_loaded(page, ".comment img")
    attachment = comment.get_by_role("link", name="notes.txt")
    assert httpx.get(server.url + attachment.get_attribute("href"),
                     headers=admin.headers()).text == "the left arm is too long\n"  # fmt: skip
    page.get_by_test_id("task-status").get_by_text("wip").wait_for()
    screenshot(page, "task-page", full_page=True)
    found = admin.ok("GET", f"/data/tasks/{task['id']}")
    assert found["task_status_id"] == work["statuses"]["wip"]["id"]
    comments = admin.ok("GET", f"/data/tasks/{task['id']}/comments")
    latest = next(item for item in comments if item["text"] == "First blocking, see the picture")
    assert [preview["status"] for preview in latest["previews"]] == ["ready"]
    # A reply to it, from the thread.
    comment.get_by_role("button", name="Reply").click()
    comment.get_by_label("Reply").fill("and the side view next")
    comment.get_by_role("button", name="Send reply").click()
    comment.get_by_text("and the side view next").wait_for()


def test_a_preview_dropped_on_the_form_shows_processing_then_ready(page, server, work, tmp_path):
    picture = make_picture(tmp_path / "dropped.png", 320, 200)
    as_artist(page, server, work)
    page.goto(f"{server.url}/#/tasks/{work['prop_task']['id']}")
    page.get_by_test_id("drop-zone").wait_for()
    drop_file(page, "[data-testid=drop-zone]", picture, "image/png")
    page.get_by_text("dropped.png").wait_for()
    page.get_by_role("button", name="Post comment").click()
    page.locator("[data-upload-phase=ready]").wait_for()
    page.locator("[data-preview-status=ready]").first.wait_for()


def test_previews_show_without_the_session_cookie(browser, server, work, tmp_path):
    """The server sets the session cookies only for agents it takes for a browser (Zou's rule):
    an embedded web view may not be one. The UI then fetches media with the token."""
    client, task = work["artist_client"], work["prop_task"]
    comment = client.ok(
        "POST", f"/actions/tasks/{task['id']}/comment", 201,
        json={"task_status_id": task["task_status_id"], "comment": "no cookie here"},
    )  # fmt: skip
    preview = client.ok(
        "POST", f"/actions/tasks/{task['id']}/comments/{comment['id']}/add-preview", 201, json={}
    )
    picture = make_picture(tmp_path / "cookieless.png", 320, 200)
    with picture.open("rb") as stream:
        client.ok("POST", f"/pictures/preview-files/{preview['id']}", 201,
                  files={"file": (picture.name, stream)})  # fmt: skip
    assert wait_ready(client, preview["id"])["status"] == "ready"
    context = browser.new_context(viewport=VIEWPORT, user_agent="kitsu-local-webview/1.0")
    try:
        page = context.new_page()
        errors = PageErrors(page)
        as_artist(page, server, work)
        assert context.cookies() == []
        page.goto(f"{server.url}/#/tasks/{task['id']}")
        page.locator(".comment", has_text="no cookie here").locator("img").wait_for()
        wait_images_loaded(page, ".comment img")
        page.goto(f"{server.url}/#/review/{preview['id']}")
        page.locator(".picture-review img").wait_for()
        wait_images_loaded(page, ".picture-review img")
        errors.assert_none()
    finally:
        context.close()


# ---- live updates ----------------------------------------------------------------------------
def test_a_comment_posted_by_another_client_shows_up_without_reload(page, server, work, admin):
    task = work["shot_task"]
    as_artist(page, server, work)
    page.goto(f"{server.url}/#/tasks/{task['id']}")
    page.get_by_text("No comment yet.").wait_for()
    page.wait_for_function("document.body.dataset.live === 'connected'")
    admin.ok(
        "POST", f"/actions/tasks/{task['id']}/comment", 201,
        json={"task_status_id": work["statuses"]["retake"]["id"], "comment": "Live from afar"},
    )  # fmt: skip
    page.get_by_text("Live from afar").wait_for()
    page.get_by_test_id("task-status").get_by_text("retake").wait_for()
    # The list of tasks follows too.
    page.get_by_role("link", name="My tasks").click()
    row = page.locator(f"tr[data-task-id='{task['id']}']")
    row.get_by_text("retake").wait_for()
    admin.ok(
        "POST", f"/actions/tasks/{task['id']}/comment", 201,
        json={"task_status_id": work["statuses"]["todo"]["id"], "comment": "back to todo"},
    )  # fmt: skip
    row.get_by_text("todo").wait_for()


# ---- review ----------------------------------------------------------------------------------
def test_review_a_movie_play_pause_and_step_frames(page, server, work, tmp_path):
    task = work["shot_task"]
    client = work["artist_client"]
    previews = []
    for revision in (1, 2):
        clip = make_clip(tmp_path / f"shot-v{revision}.mp4", 2.0, 320, 180, fps=25)
        comment = client.ok(
            "POST", f"/actions/tasks/{task['id']}/comment", 201,
            json={"task_status_id": work["statuses"]["wfa"]["id"], "comment": f"v{revision}"},
        )  # fmt: skip
        preview = client.ok(
            "POST", f"/actions/tasks/{task['id']}/comments/{comment['id']}/add-preview", 201,
            json={},
        )  # fmt: skip
        with clip.open("rb") as stream:
            client.ok("POST", f"/pictures/preview-files/{preview['id']}", 201,
                      files={"file": (clip.name, stream)})  # fmt: skip
        assert wait_ready(client, preview["id"])["status"] == "ready"
        previews.append(preview)
    as_artist(page, server, work)
    page.goto(f"{server.url}/#/review/{previews[1]['id']}")
    movie = page.get_by_test_id("movie")
    movie.wait_for()
    page.wait_for_function("document.querySelector('video').readyState >= 2")
    frame = page.get_by_test_id("frame")
    assert frame.inner_text() == "Frame 1 / 50"
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("document.querySelector('video').currentTime > 0.2")
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").wait_for()
    assert page.evaluate("document.querySelector('video').paused")
    page.get_by_role("button", name="Previous frame").click()
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("ArrowLeft")
    shown = int(frame.inner_text().split()[1])
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        f"document.querySelector('[data-testid=frame]').textContent.startsWith('Frame {shown + 1} ')"
    )
    page.keyboard.press(" ")
    page.get_by_role("button", name="Pause").wait_for()
    page.keyboard.press(" ")
    page.get_by_role("button", name="Play").wait_for()
    # The tile sheet under the pointer while scrubbing.
    page.locator(".scrub").hover(position={"x": 100, "y": 8})
    page.get_by_test_id("tile").wait_for()
    screenshot(page, "review-movie")
    # Two revisions side by side.
    page.get_by_label("Compare with").select_option(label="Revision 1")
    page.get_by_test_id("compare-video").wait_for()
    page.wait_for_function("[...document.querySelectorAll('video')].every(v => v.readyState >= 2)")
    screenshot(page, "review-compare")


# ---- breakdown, notifications ----------------------------------------------------------------
def test_the_breakdown_grid_shows_each_task_status(page, server, work, admin):
    log_in(page, server.url, "admin@example.com", "admin-password")
    page.goto(f"{server.url}/#/productions/{work['project']['id']}/breakdown")
    page.get_by_role("rowheader", name=work["asset"]["name"]).wait_for()
    screenshot(page, "breakdown-assets")
    page.get_by_role("button", name="Shots").click()
    page.get_by_role("rowheader", name="SH010").wait_for()
    page.get_by_role("rowgroup").get_by_text("SQ01").wait_for()
    page.get_by_role("link", name=re.compile("SH010 Animation")).click()
    page.get_by_test_id("entity-name").get_by_text("SH010").wait_for()


def test_notifications_list_and_mark_read(page, server, work, admin):
    task = work["prop_task"]
    admin.ok(
        "POST", f"/actions/tasks/{task['id']}/comment", 201,
        json={"task_status_id": work["statuses"]["retake"]["id"], "comment": "Redo the lamp"},
    )  # fmt: skip
    as_artist(page, server, work)
    page.get_by_role("link", name=re.compile("Notifications")).click()
    item = page.locator(".notifications li.unread", has_text="Redo the lamp")
    item.wait_for()
    screenshot(page, "notifications")
    item.get_by_role("button", name="Mark as read").click()
    page.locator(".notifications li.read", has_text="Redo the lamp").wait_for()


# ---- sync ------------------------------------------------------------------------------------
def kitsu_local(instance, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "kitsu_local", *args], env=instance.env, input=stdin,
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_resolve_a_sync_conflict_from_the_sync_page(page, server, admin, start_server):
    """This machine pulls a production of a central server (the session's), the same field
    changes on both sides, the sync page shows both values and keeps the local one."""
    here = start_server()
    project = admin.create("projects", name=unique("Synced"))
    types = {item["name"]: item["id"] for item in admin.ok("GET", "/data/entity-types")}
    asset = admin.create(
        "entities", name="Chair", project_id=project["id"], entity_type_id=types["Prop"]
    )
    kitsu_local(here, "remote", "add", "central", server.url, "--email", ADMIN_EMAIL,
                "--password-stdin", stdin=ADMIN_PASSWORD + "\n")  # fmt: skip
    pull = ("sync", "pull", "central", "--project", project["name"], "--json")
    assert json.loads(kitsu_local(here, *pull))["errors"] == []
    local = Api(here.api)
    local.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    local.ok("PUT", f"/data/entities/{asset['id']}", json={"description": "mine"})
    admin.ok("PUT", f"/data/entities/{asset['id']}", json={"description": "theirs"})
    assert json.loads(kitsu_local(here, *pull))["conflicts"] == 1

    log_in(page, here.url, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.get_by_role("link", name="Sync").click()
    conflict = page.locator(".conflict", has_text="description")
    conflict.wait_for()
    assert conflict.get_by_test_id("local-value").inner_text() == "mine"
    assert conflict.get_by_test_id("remote-value").inner_text() == "theirs"
    screenshot(page, "sync-conflict", full_page=True)
    conflict.get_by_role("button", name="Keep local").click()
    page.get_by_text("No conflict.").wait_for()
    status = json.loads(kitsu_local(here, "sync", "status", "central", "--json"))
    assert status["conflicts"] == []
    page.get_by_role("button", name="Push now").click()
    page.get_by_role("status").get_by_text("entities 1 sent").wait_for()
    page.get_by_test_id("last-push").get_by_text(re.compile(r"^\d{4}-")).wait_for()
    screenshot(page, "sync-pushed", full_page=True)
    assert admin.ok("GET", f"/data/entities/{asset['id']}")["description"] == "mine"
    artist = local.create("persons", first_name="Al", last_name="Artist", email="al@x.com",
                          password=PASSWORD, role="user")  # fmt: skip
    artist_client = local.as_token(None)
    artist_client.login(artist["email"], PASSWORD)
    assert artist_client.get("/kitsu-local/sync/remotes").status_code == 403
    # An unknown remote or conflict is a 4xx in Zou's shape.
    assert local.get("/kitsu-local/sync/remotes/nowhere").status_code == 400
    assert local.post("/kitsu-local/sync/remotes/nowhere/conflicts/nope/resolve",
                      json={"keep": "local"}).status_code == 400  # fmt: skip
    missing = local.post("/kitsu-local/sync/remotes/central/conflicts/nope/resolve",
                         json={"keep": "local"})  # fmt: skip
    assert missing.status_code == 404 and missing.json()["error"] is True
    assert local.post("/kitsu-local/sync/remotes/central/conflicts/nope/resolve",
                      json={"keep": "both"}).status_code == 400  # fmt: skip
