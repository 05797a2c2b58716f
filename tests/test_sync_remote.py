"""The sync transport (issue 9): ``kitsu-local remote add/list/remove`` as a real command, the
remotes file, and the HTTP client against real servers (pages, files, token refresh, retries,
2FA logins)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyotp
import pytest
from PIL import Image

from kitsu_local.settings import Settings
from kitsu_local.sync.remote import RemoteClient, RemoteDenied, RemoteError, RemoteUnavailable
from kitsu_local.sync.remotes import (
    Remote,
    UnknownRemote,
    connect,
    get_remote,
    load_remotes,
    remotes_file,
    remove_remote,
    save_remote,
)

from .support.api import Api
from .support.clips import make_picture
from .support.samples import SAMPLES_BY_ROUTE
from .support.server import ADMIN_EMAIL, ADMIN_PASSWORD, TEST_ENV, Server, free_port
from .support.smtp import SmtpSink, text_of

KITSU_LOCAL = Path(sys.executable).parent / "kitsu-local"
PASSWORD = "remote-password-1"


def remote_cli(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, **TEST_ENV, "KITSU_LOCAL_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [str(KITSU_LOCAL), "remote", *args],
        input=stdin, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def add(data_dir: Path, name: str, url: str, email: str, password: str, *more: str):
    return remote_cli(
        data_dir, "add", name, url, "--email", email, "--password-stdin", *more,
        stdin=f"{password}\n",
    )  # fmt: skip


def new_person(admin: Api) -> dict:
    tag = uuid.uuid4().hex[:8]
    return admin.create(
        "persons", first_name="Remote", last_name=f"Artist {tag}",
        email=f"remote-{tag}@example.com", password=PASSWORD, role="user",
    )  # fmt: skip


def settings_for(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir)


# ---- remote add / list / remove -------------------------------------------------------------
def test_add_list_remove(server, tmp_path):
    added = add(tmp_path, "studio", server.api, ADMIN_EMAIL, ADMIN_PASSWORD)
    assert added.returncode == 0, added.stderr
    assert f"Logged in to {server.api} as Super Admin <{ADMIN_EMAIL}>, admin." in added.stdout
    path = tmp_path / "remotes.json"
    assert path.stat().st_mode & 0o777 == 0o600
    content = path.read_text()
    assert ADMIN_PASSWORD not in content
    stored = json.loads(content)["remotes"]["studio"]
    assert stored["url"] == server.api and stored["email"] == ADMIN_EMAIL
    assert stored["person_id"] and stored["refresh_token"].count(".") == 2
    assert "access_token" not in content

    again = add(tmp_path, "studio", server.api, ADMIN_EMAIL, ADMIN_PASSWORD)
    assert again.returncode == 1 and "exists already" in again.stderr and "--force" in again.stderr
    forced = add(tmp_path, "studio", server.api, ADMIN_EMAIL, ADMIN_PASSWORD, "--force")
    assert forced.returncode == 0, forced.stderr
    assert add(tmp_path, "backup", server.url, ADMIN_EMAIL, ADMIN_PASSWORD).returncode == 0

    listed = remote_cli(tmp_path, "list")
    lines = listed.stdout.splitlines()
    assert [line.split()[:3] for line in lines] == [
        ["backup", server.api, ADMIN_EMAIL],
        ["studio", server.api, ADMIN_EMAIL],
    ]
    assert all(" added 20" in line for line in lines)
    as_json = json.loads(remote_cli(tmp_path, "list", "--json").stdout)
    assert [item["name"] for item in as_json] == ["backup", "studio"]
    assert all("refresh_token" not in item for item in as_json)

    unknown = remote_cli(tmp_path, "remove", "nowhere")
    assert unknown.returncode == 1
    assert "No remote named 'nowhere'. Known remotes: backup, studio." in unknown.stderr
    refresh_token = load_remotes(settings_for(tmp_path))["studio"].refresh_token
    removed = remote_cli(tmp_path, "remove", "studio")
    assert removed.returncode == 0 and "Removed the remote 'studio'" in removed.stdout
    assert list(load_remotes(settings_for(tmp_path))) == ["backup"]
    # its session is signed out on the remote
    answer = Api(server.api, refresh_token).get("/auth/refresh-token")
    assert answer.status_code == 401
    assert remote_cli(tmp_path, "remove", "backup").returncode == 0
    assert "No remote yet" in remote_cli(tmp_path, "list").stdout
    assert remote_cli(tmp_path, "list", "--json").stdout.strip() == "[]"


def test_both_url_forms_find_the_api_root(server, tmp_path):
    for name, url in (("root", server.url), ("slash", f"{server.url}/"), ("api", f"{server.api}/")):
        assert add(tmp_path, name, url, ADMIN_EMAIL, ADMIN_PASSWORD).returncode == 0
    assert {remote.url for remote in load_remotes(settings_for(tmp_path)).values()} == {server.api}


def test_wrong_password_stores_nothing(admin, server, tmp_path):
    person = new_person(admin)
    refused = add(tmp_path, "studio", server.api, person["email"], "not-the-password")
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        f"Error: Could not log in to {server.api}: Wrong email or password."
    )
    assert not (tmp_path / "remotes.json").exists()
    assert add(tmp_path, "studio", server.api, person["email"], PASSWORD).returncode == 0


def test_unreachable_server_is_a_clear_error(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    result = add(tmp_path, "studio", url, ADMIN_EMAIL, ADMIN_PASSWORD)
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: Cannot reach {url}: cannot connect")
    assert "Check the address and the network." in result.stderr
    assert time.monotonic() - started < 20
    assert not (tmp_path / "remotes.json").exists()


def test_not_a_kitsu_server(server, tmp_path):
    result = add(tmp_path, "studio", f"{server.url}/api/data", ADMIN_EMAIL, ADMIN_PASSWORD)
    assert result.returncode == 1 and "no Kitsu API there" in result.stderr


def test_invalid_names_and_empty_password(server, tmp_path):
    for name in ("two words", "x" * 41, "é"):
        result = add(tmp_path, name, server.api, ADMIN_EMAIL, ADMIN_PASSWORD)
        assert result.returncode == 1 and "not a valid remote name" in result.stderr
    empty = add(tmp_path, "studio", server.api, ADMIN_EMAIL, "")
    assert empty.returncode == 1 and "No password" in empty.stderr


def test_totp_account_is_asked_for_its_code(admin, server, tmp_path):
    person = new_person(admin)
    client = Api(server.api)
    client.login(person["email"], PASSWORD)
    totp = pyotp.TOTP(client.ok("PUT", "/auth/totp")["otp_secret"])
    codes = client.ok("POST", "/auth/totp", json={"totp": totp.now()})["otp_recovery_codes"]
    wrong = "000000" if totp.now() != "000000" else "111111"

    result = remote_cli(
        tmp_path, "add", "studio", server.url, "--email", person["email"], "--password-stdin",
        stdin=f"{PASSWORD}\n{wrong}\n{totp.now()}\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Two-factor code from your authenticator app") == 2
    assert f"<{person['email']}>, user." in result.stdout
    assert load_remotes(settings_for(tmp_path))["studio"].person_id == person["id"]

    # a recovery code typed in lower case at the same prompt
    result = remote_cli(
        tmp_path, "add", "other", server.api, "--email", person["email"], "--password-stdin",
        stdin=f"{PASSWORD}\n{codes[0].lower()}\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # no code at all: refused, nothing stored
    result = remote_cli(
        tmp_path, "add", "third", server.api, "--email", person["email"], "--password-stdin",
        stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert result.returncode == 1
    assert sorted(load_remotes(settings_for(tmp_path))) == ["other", "studio"]


def test_email_code_and_enforced_two_factor(start_server):
    with SmtpSink() as smtp:
        remote = start_server(
            mail_server="127.0.0.1", mail_port=str(smtp.port), enforce_2fa="true",
            two_fa_exempt_users=ADMIN_EMAIL,
        )  # fmt: skip
        admin = Api(remote.api)
        admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        person = new_person(admin)
        email = person["email"]

        def mailed_code() -> str:
            match = re.search(r"Your verification code is: (\d{6})", text_of(smtp.wait_for(email)))
            assert match, "no code in the mail"
            return match.group(1)

        asked: list[str] = []

        def ask_code(kind: str) -> str:
            asked.append(kind)
            return mailed_code()

        async def run() -> dict:
            # without 2FA set up the remote would only give tokens to set it up
            with pytest.raises(RemoteDenied, match="requires two-factor authentication"):
                await RemoteClient.login(remote.api, email, PASSWORD)
            restricted = Api(remote.api)
            restricted.login(email, PASSWORD)
            restricted.ok("PUT", "/auth/email-otp")
            restricted.ok("POST", "/auth/email-otp", json={"email_otp": mailed_code()})
            with pytest.raises(RemoteDenied, match="a code is needed"):
                await RemoteClient.login(remote.api, email, PASSWORD)
            async with await RemoteClient.login(
                remote.api, email, PASSWORD, ask_code=ask_code
            ) as client:
                return await client.get("/auth/authenticated")

        assert asyncio.run(run())["user"]["id"] == person["id"]
        assert asked == ["email_otp"]


# ---- the remotes file -----------------------------------------------------------------------
def test_remotes_store(tmp_path):
    settings = settings_for(tmp_path / "data")
    assert load_remotes(settings) == {}
    remote = Remote("studio", "http://h/api", "a@b.c", "token", None, "2026-01-01T00:00:00")
    save_remote(settings, remote)
    assert remotes_file(settings).stat().st_mode & 0o777 == 0o600
    assert get_remote(settings, "studio") == remote
    with pytest.raises(UnknownRemote) as error:
        get_remote(settings, "other")
    assert str(error.value) == "No remote named 'other'. Known remotes: studio."
    with pytest.raises(ValueError, match="not a valid remote name"):
        save_remote(settings, Remote("../x", "u", "e", "t", None, ""))
    assert remove_remote(settings, "studio") == remote
    assert load_remotes(settings) == {}
    assert list(tmp_path.joinpath("data").iterdir()) == [remotes_file(settings)]


def test_connect_uses_the_stored_session(server, tmp_path):
    assert add(tmp_path, "studio", server.url, ADMIN_EMAIL, ADMIN_PASSWORD).returncode == 0
    settings = settings_for(tmp_path)
    before = remotes_file(settings).read_text()
    seen: list[tuple[str, str | None]] = []

    async def run() -> dict:
        async with await connect(settings, "studio", on_tokens=lambda *t: seen.append(t)) as c:
            return await c.get("/auth/authenticated")

    assert asyncio.run(run())["user"]["email"] == ADMIN_EMAIL
    assert len(seen) == 1 and seen[0][1] is None  # refreshed once; the refresh token is kept
    assert remotes_file(settings).read_text() == before


# ---- the client -----------------------------------------------------------------------------
def logged_in(api: str, **kw) -> RemoteClient:
    return asyncio.run(RemoteClient.login(api, ADMIN_EMAIL, ADMIN_PASSWORD, **kw))


def test_get_and_pages(admin, server):
    for _ in range(5):
        new_person(admin)
    everyone = admin.ok("GET", "/data/persons")

    async def run() -> tuple[list, list, list, list]:
        async with await RemoteClient.login(server.url, ADMIN_EMAIL, ADMIN_PASSWORD) as client:
            assert client.api_url == server.api
            listed = await client.get("/data/persons")
            pages = [page async for page in client.get_pages("/data/persons", {"limit": 2})]
            late = [p async for p in client.get_pages("/data/persons", {"limit": 2, "page": 3})]
            plain = [page async for page in client.get_pages("/data/task-status")]
            return listed, pages, late, plain

    listed, pages, late, plain = asyncio.run(run())
    assert {p["id"] for p in listed} == {p["id"] for p in everyone}
    assert [len(page) for page in pages[:-1]] == [2] * (len(pages) - 1)
    assert sorted(p["id"] for page in pages for p in page) == sorted(p["id"] for p in everyone)
    assert late == pages[2:]
    assert len(plain) == 1 and {s["short_name"] for s in plain[0]} >= {"todo", "wip", "done"}


def test_errors_carry_status_and_body(studio, server):
    async def run() -> None:
        async with await RemoteClient.login(server.api, ADMIN_EMAIL, ADMIN_PASSWORD) as client:
            with pytest.raises(RemoteError) as missing:
                await client.get(f"/data/projects/{uuid.uuid4()}")
            assert (missing.value.status, missing.value.body["error"]) == (404, True)
            assert missing.value.path.startswith("/data/projects/")
            assert await client.delete(f"/data/persons/{uuid.uuid4()}") is None
            with pytest.raises(RemoteError) as invalid:
                await client.post("/data/projects", json={})
            assert invalid.value.status == 400 and not isinstance(invalid.value, RemoteDenied)
            department = {"name": f"Remote {uuid.uuid4()}", "color": "#000000"}
            created = await client.post("/data/departments", json=department)
            changed = await client.put(
                f"/data/departments/{created['id']}", json={"color": "#123456"}
            )
            assert changed["color"] == "#123456"
            assert await client.delete(f"/data/departments/{created['id']}") is None  # 204
            assert await client.delete(f"/data/departments/{created['id']}") is None  # 404
        artist = studio.people["user"]
        async with await RemoteClient.login(server.api, artist["email"], "password-123") as client:
            with pytest.raises(RemoteDenied) as denied:
                await client.post("/data/projects", json={"name": "Not mine"})
            assert denied.value.status == 403

    asyncio.run(run())


def test_preview_upload_and_download(studio, server, tmp_path):
    admin = studio.admin
    task = admin.create("tasks", **SAMPLES_BY_ROUTE["tasks"].body(studio))
    comment = admin.ok(
        "POST", f"/actions/tasks/{task['id']}/comment", 201,
        json={"task_status_id": studio.statuses["wfa"]["id"], "comment": "from afar"},
    )  # fmt: skip
    preview = admin.ok(
        "POST", f"/actions/tasks/{task['id']}/comments/{comment['id']}/add-preview", 201, json={}
    )
    source = make_picture(tmp_path / "frame.png", 320, 180)
    dest = tmp_path / "back" / "original.png"

    async def run() -> tuple[dict, bool, bool]:
        async with await RemoteClient.login(server.api, ADMIN_EMAIL, ADMIN_PASSWORD) as client:
            answer = await client.upload(f"/pictures/preview-files/{preview['id']}", source)
            for _ in range(200):
                if (await client.get(f"/data/preview-files/{preview['id']}"))["status"] == "ready":
                    break
                await asyncio.sleep(0.2)
            got = await client.download(
                f"/pictures/originals/preview-files/{preview['id']}.png", dest
            )
            gone = await client.download(
                f"/pictures/originals/preview-files/{uuid.uuid4()}.png", tmp_path / "none.png"
            )
            return answer, got, gone

    answer, got, gone = asyncio.run(run())
    assert answer["id"] == preview["id"]
    assert got is True and gone is False
    assert Image.open(dest).size == (320, 180)
    assert sorted(p.name for p in dest.parent.iterdir()) == ["original.png"]
    assert not (tmp_path / "none.png").exists() and not (tmp_path / "none.png.part").exists()


def test_expired_access_token_is_refreshed(start_server):
    remote = start_server(access_token_lifetime_seconds="1")
    tokens: list[tuple[str, str | None]] = []

    async def run() -> None:
        client = await RemoteClient.login(
            remote.api, ADMIN_EMAIL, ADMIN_PASSWORD, on_tokens=lambda *t: tokens.append(t)
        )
        async with client:
            first = client.access_token
            await asyncio.sleep(1.5)
            # five calls meet the expired token together: one refresh serves them all
            answers = await asyncio.gather(*(client.get("/auth/authenticated") for _ in range(5)))
            assert all(answer["authenticated"] is True for answer in answers)
            assert client.access_token != first
            # a revoked session: the refresh fails, the call is denied
            await client.get("/auth/logout")
            with pytest.raises(RemoteDenied):
                await client.get("/data/projects")

    asyncio.run(run())
    assert len(tokens) == 2 and tokens[0][1] and tokens[1][1] is None


def test_retries_until_the_server_listens(tmp_path):
    port = free_port()
    remote = Server(tmp_path / "late")
    remote.port = port
    starter = threading.Timer(1.0, remote.start)
    starter.start()
    try:
        client = RemoteClient(f"http://127.0.0.1:{port}/api/", retries=8, backoff=0.5)

        async def run() -> dict:
            async with client:
                return await client.get("/")

        assert asyncio.run(run())["api"] == "Zou"
        assert client.api_url == f"http://127.0.0.1:{port}/api"
    finally:
        starter.join()
        remote.stop()


def test_gives_up_after_the_retries():
    client = RemoteClient(f"http://127.0.0.1:{free_port()}/api", retries=2, backoff=0.05)

    async def run() -> None:
        async with client:
            await client.get("/data/projects")

    with pytest.raises(RemoteUnavailable) as error:
        asyncio.run(run())
    assert error.value.status is None and error.value.path == "/data/projects"


class Busy(BaseHTTPRequestHandler):
    """Answers 429 with ``Retry-After: 1`` to the first request, 503 to the second, then JSON."""

    hits: list[float] = []

    def do_GET(self) -> None:
        self.hits.append(time.monotonic())
        status = {1: 429, 2: 503}.get(len(self.hits), 200)
        body = json.dumps({"api": "Zou"} if status == 200 else {"message": "busy"}).encode()
        self.send_response(status)
        if status == 429:
            self.send_header("Retry-After", "1")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_retry_after_and_busy_answers():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Busy)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        client = RemoteClient(f"http://127.0.0.1:{httpd.server_port}", backoff=0.05)

        async def run() -> dict:
            async with client:
                return await client.get("/")

        assert asyncio.run(run()) == {"api": "Zou"}
        assert len(Busy.hits) == 3 and Busy.hits[1] - Busy.hits[0] >= 0.95
    finally:
        httpd.shutdown()
        httpd.server_close()
