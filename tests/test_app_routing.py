"""Routes are prepared at their first request (``app_routing.PreparedOnFirstUse``): every one
still prepares as Litestar would at registration, and a route answers the same before and
after it is prepared."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kitsu_local.app import create_app
from kitsu_local.app_routing import PreparedOnFirstUse
from kitsu_local.settings import Settings

from .conftest import served
from .support.api import Api
from .support.server import ADMIN_EMAIL, ADMIN_PASSWORD, Server


def test_every_route_prepares(tmp_path):
    app = create_app(Settings(data_dir=tmp_path))
    routes = [route for route in app.routes if isinstance(route, PreparedOnFirstUse)]
    assert len(routes) > 500  # one a path: 1,267 handlers with the OPTIONS ones
    assert not any(route.prepared for route in routes)

    assert app.prepare_all() == len(routes)
    assert all(route.prepared for route in routes)
    assert app.prepare_all() == 0
    for route in routes:
        methods = {method for handler in route.route_handlers for method in handler.http_methods}
        assert set(route.route_handler_map) == methods


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[Server]:
    """A server of its own: no request but its readiness check (/status) came before the
    test's."""
    yield from served(tmp_path / "data")


def test_a_route_answers_the_same_once_prepared(fresh_server: Server):
    anonymous = Api(fresh_server.api)
    first = anonymous.get("/auth/authenticated")
    again = anonymous.get("/auth/authenticated")
    assert first.status_code == again.status_code == 401
    assert first.json() == again.json()
    admin = Api(fresh_server.api)
    admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    assert admin.get("/auth/authenticated").json()["authenticated"] is True

    options = anonymous.request("OPTIONS", "/data/projects")
    assert options.status_code == 204
    assert {"GET", "OPTIONS"} <= set(options.headers["allow"].split(", "))
    wrong = anonymous.request("DELETE", "/auth/login")
    assert wrong.status_code == 405
    assert wrong.json() == {"error": True, "message": "Method Not Allowed"}
