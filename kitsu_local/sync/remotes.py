"""The remotes this kitsu-local syncs with, kept in ``<data_dir>/remotes.json`` (mode 600).

Each remote is a name, the remote's API root, the account's e-mail and person id, and the
refresh token of its session: never the password nor an access token. Zou does not rotate
refresh tokens and they last 15 days (``JWT_REFRESH_TOKEN_EXPIRES``); after that the remote
is added again (``kitsu-local remote add NAME URL --force``). The sync state of a remote
(cursors, conflicts) lives in the database, under the same name.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from ..settings import Settings
from .remote import RemoteClient

REMOTES_FILE = "remotes.json"
NAME_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,40}")
FILE_VERSION = 1


@dataclass
class Remote:
    name: str
    url: str  # the API root, e.g. "https://kitsu.studio.com/api"
    email: str
    refresh_token: str
    person_id: str | None
    added_at: str  # naive UTC, YYYY-MM-DDTHH:MM:SS

    def public(self) -> dict[str, Any]:
        """The remote without its refresh token, for listings."""
        return {key: value for key, value in asdict(self).items() if key != "refresh_token"}


class UnknownRemote(KeyError):
    """No remote of that name; the message names the known ones."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.known = known

    def __str__(self) -> str:
        if not self.known:
            return f"No remote named {self.name!r}: no remote is set up yet."
        return f"No remote named {self.name!r}. Known remotes: {', '.join(self.known)}."


class RemotesFileError(ValueError):
    """``remotes.json`` exists but cannot be read."""


def check_name(name: str) -> str:
    if not NAME_PATTERN.fullmatch(name):
        raise ValueError(
            f"{name!r} is not a valid remote name: use 1 to 40 letters, digits, '-' or '_'."
        )
    return name


def now_text() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S")


def remotes_file(settings: Settings) -> Path:
    return settings.data_dir / REMOTES_FILE


def load_remotes(settings: Settings) -> dict[str, Remote]:
    path = remotes_file(settings)
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise RemotesFileError(f"{path} cannot be read: {error}") from error
    names = {field.name for field in fields(Remote)}
    try:
        return {
            name: Remote(**{key: value for key, value in item.items() if key in names})
            for name, item in sorted(content["remotes"].items())
        }
    except (KeyError, TypeError, AttributeError) as error:
        raise RemotesFileError(f"{path} is not a list of remotes: {error!r}") from error


def get_remote(settings: Settings, name: str) -> Remote:
    remotes = load_remotes(settings)
    if name not in remotes:
        raise UnknownRemote(name, list(remotes))
    return remotes[name]


def save_remote(settings: Settings, remote: Remote) -> None:
    """Add or replace the remote of that name."""
    check_name(remote.name)
    remotes = load_remotes(settings)
    remotes[remote.name] = remote
    _write(settings, remotes)


def remove_remote(settings: Settings, name: str) -> Remote:
    remotes = load_remotes(settings)
    if name not in remotes:
        raise UnknownRemote(name, list(remotes))
    removed = remotes.pop(name)
    _write(settings, remotes)
    return removed


async def connect(settings: Settings, name: str, **client_kw: Any) -> RemoteClient:
    """A client on the remote with its stored session; a refresh token the remote rotates is
    saved back (an ``on_tokens`` of the caller is called too)."""
    remote = get_remote(settings, name)
    also = client_kw.pop("on_tokens", None)

    def keep(access: str, refresh: str | None) -> None:
        if refresh and refresh != remote.refresh_token:
            remote.refresh_token = refresh
            save_remote(settings, remote)
        if also:
            also(access, refresh)

    return RemoteClient(remote.url, refresh_token=remote.refresh_token, on_tokens=keep, **client_kw)


def _write(settings: Settings, remotes: dict[str, Remote]) -> None:
    """Atomically: a private temporary file in the data dir, flushed, then renamed."""
    settings.ensure_dirs()
    path = remotes_file(settings)
    content = {
        "version": FILE_VERSION,
        "remotes": {name: asdict(remote) for name, remote in sorted(remotes.items())},
    }
    descriptor, temporary = tempfile.mkstemp(prefix=".remotes-", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(temporary, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            json.dump(content, out, indent=2)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
