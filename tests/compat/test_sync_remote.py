"""``kitsu-local remote add/list/remove`` and the sync client against the real Zou: both URL
forms, a refused login, a TOTP account, pages, the stored session refreshed and signed out.

Skipped without ``KITSU_COMPAT_ZOU_URL``. Every person made on Zou is deactivated at the end
(Zou allows 100 active persons)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest

from kitsu_local.sync.remotes import connect, load_remotes

from ..support.api import Api
from ..test_sync_remote import add, remote_cli, settings_for
from .conftest import ZOU_EMAIL, ZOU_PASSWORD, ZOU_URL

pytestmark = pytest.mark.skipif(not ZOU_URL, reason="set KITSU_COMPAT_ZOU_URL to run against Zou")
PASSWORD = "compat-remote-123"


@pytest.fixture(scope="module")
def zou() -> Iterator[tuple[Api, list[dict]]]:
    admin = Api(ZOU_URL)
    admin.login(ZOU_EMAIL, ZOU_PASSWORD)
    made: list[dict] = []
    yield admin, made
    for person in made:
        admin.put(f"/data/persons/{person['id']}", json={"active": False})


def zou_person(zou: tuple[Api, list[dict]]) -> dict:
    admin, made = zou
    tag = uuid.uuid4().hex[:8]
    person = admin.create(
        "persons", first_name="Remote", last_name=f"Compat {tag}",
        email=f"compat-remote-{tag}@example.com", password=PASSWORD, role="user",
    )  # fmt: skip
    made.append(person)
    return person


def test_add_list_remove_on_zou(zou, tmp_path: Path):
    root = ZOU_URL.removesuffix("/api")
    for name, url in (("root", root), ("api", ZOU_URL)):
        added = add(tmp_path, name, url, ZOU_EMAIL, ZOU_PASSWORD)
        assert added.returncode == 0, added.stderr
        assert f"Logged in to {ZOU_URL} as " in added.stdout
    settings = settings_for(tmp_path)
    remotes = load_remotes(settings)
    assert {remote.url for remote in remotes.values()} == {ZOU_URL}
    assert ZOU_PASSWORD not in (tmp_path / "remotes.json").read_text()
    assert (tmp_path / "remotes.json").stat().st_mode & 0o777 == 0o600
    listed = remote_cli(tmp_path, "list").stdout.splitlines()
    assert [line.split()[:2] for line in listed] == [["api", ZOU_URL], ["root", ZOU_URL]]

    admin, _ = zou
    everyone = admin.ok("GET", "/data/persons")

    async def pages() -> list[list[dict]]:
        async with await connect(settings, "root") as client:
            return [page async for page in client.get_pages("/data/persons", {"limit": 5})]

    found = asyncio.run(pages())
    assert all(len(page) == 5 for page in found[:-1])
    assert sorted(p["id"] for page in found for p in page) == sorted(p["id"] for p in everyone)

    refresh_token = remotes["root"].refresh_token
    removed = remote_cli(tmp_path, "remove", "root")
    assert removed.returncode == 0 and "Removed the remote 'root'" in removed.stdout
    assert "Its session could not be signed out" not in removed.stdout
    assert Api(ZOU_URL, refresh_token).get("/auth/refresh-token").status_code == 401
    assert remote_cli(tmp_path, "remove", "api").returncode == 0


def test_wrong_password_on_zou(zou, tmp_path: Path):
    person = zou_person(zou)
    refused = add(tmp_path, "zou", ZOU_URL, person["email"], "not-the-password")
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        f"Error: Could not log in to {ZOU_URL}: Wrong email or password."
    )
    assert not (tmp_path / "remotes.json").exists()


def test_totp_account_on_zou(zou, tmp_path: Path):
    person = zou_person(zou)
    client = Api(ZOU_URL)
    client.login(person["email"], PASSWORD)
    totp = pyotp.TOTP(client.ok("PUT", "/auth/totp")["otp_secret"])
    client.ok("POST", "/auth/totp", json={"totp": totp.now()})
    wrong = "000000" if totp.now() != "000000" else "111111"
    result = remote_cli(
        tmp_path, "add", "zou", ZOU_URL, "--email", person["email"], "--password-stdin",
        stdin=f"{PASSWORD}\n{wrong}\n{totp.now()}\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Two-factor code from your authenticator app") == 2
    assert load_remotes(settings_for(tmp_path))["zou"].person_id == person["id"]
