"""Fixtures: one real server for the session (a real SQLite file, real HTTP on a free port),
an admin client, and a small studio with a person of every role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import gazu
import pytest

from .support.api import Api
from .support.server import ADMIN_EMAIL, ADMIN_PASSWORD, Server
from .support.studio import Studio, build_studio


def assert_clean_log(instance: Server) -> None:
    """A 500 is always a bug: no request may have failed unhandled, nor left a warning."""
    log = instance.log()
    for marker in ("unhandled error", "Traceback", "RuntimeWarning"):
        assert marker not in log, log[-5000:]


def served(data_dir: Path) -> Iterator[Server]:
    """A server of its own on ``data_dir`` for a fixture to yield; its log checked at the end."""
    instance = Server(data_dir).start()
    yield instance
    instance.stop()
    assert_clean_log(instance)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from served(tmp_path_factory.mktemp("kitsu-local-data"))


@pytest.fixture(scope="session")
def admin(server: Server) -> Api:
    client = Api(server.api)
    client.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    return client


@pytest.fixture(scope="module")
def gazu_client(server: Server) -> Iterator[gazu.client.KitsuClient]:
    """The official client, unchanged, logged in as the admin over a real socket; pass it as
    ``client=`` to every gazu call."""
    client = gazu.client.create_client(server.api)
    gazu.log_in(ADMIN_EMAIL, ADMIN_PASSWORD, client=client)
    yield client
    gazu.log_out(client=client)


@pytest.fixture(scope="session")
def anonymous(server: Server) -> Api:
    return Api(server.api)


@pytest.fixture(scope="session")
def studio(admin: Api) -> Studio:
    return build_studio(admin)


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start an extra server with its own settings (``start_server(enforce_2fa="true")``)."""
    started: list[Server] = []

    def start(**settings: str) -> Server:
        instance = Server(tmp_path / f"server-{len(started)}", **settings).start()
        started.append(instance)
        return instance

    yield start
    for instance in started:
        instance.stop()
        assert_clean_log(instance)
