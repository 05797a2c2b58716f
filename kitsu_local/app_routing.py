"""Litestar's router, registering the API's ~700 handlers in linear time.

Litestar 2 (``Router.register``) rebuilds its whole path -> handlers map
(``route_handler_method_map``) from every route it holds for each handler it registers, and
the app deep-copies a router when it registers it: quadratic in the number of routes, about
0.6 s of every start with 700 handlers. ``KeptRouteMap`` keeps that map up to date as routes
are added or replaced (``routes`` is a list that indexes what goes in), so each registration
reads it in constant time; ``ApiRouter`` is registered as it is (it is made for one app).
The routes, handlers and routing trie Litestar builds are the same.
"""

from __future__ import annotations

from typing import Any, SupportsIndex

from litestar import Litestar, Router
from litestar.routes import HTTPRoute, WebSocketRoute

NOT_METHODS = ("websocket", "asgi")  # the keys of the map that are not HTTP methods


class _IndexedRoutes(list):
    """A router's ``routes``: a list that keeps the path -> {method: handler} map of what it
    holds (Litestar only appends routes and replaces one at an index)."""

    def __init__(self, routes: Any = ()) -> None:
        super().__init__()
        self.method_map: dict[str, dict[str, Any]] = {}
        for route in routes:
            self.append(route)

    def append(self, route: Any) -> None:
        super().append(route)
        self._index(route)

    def __setitem__(self, index: SupportsIndex | slice, route: Any) -> None:
        if isinstance(index, slice):
            raise TypeError("routes are replaced one at a time")
        super().__setitem__(index, route)
        self._index(route)

    def _index(self, route: Any) -> None:
        entry = self.method_map.setdefault(route.path, {})
        if isinstance(route, HTTPRoute):
            # one HTTP route a path: a replacing route holds every handler of the one it replaces
            for key in [key for key in entry if key not in NOT_METHODS]:
                del entry[key]
            for handler in route.route_handlers:
                for method in handler.http_methods:
                    entry[method] = handler
        else:
            entry["websocket" if isinstance(route, WebSocketRoute) else "asgi"] = (
                route.route_handler
            )


class KeptRouteMap:
    """Mixin for a Litestar router (or app) whose route map is kept, not rebuilt."""

    @property  # type: ignore[override]
    def routes(self) -> _IndexedRoutes:
        return self._kept_routes

    @routes.setter
    def routes(self, value: Any) -> None:
        self._kept_routes = _IndexedRoutes(value)

    @property
    def route_handler_method_map(self) -> dict[str, dict[str, Any]]:
        return self._kept_routes.method_map


class ApiRouter(KeptRouteMap, Router):
    def __deepcopy__(self, memo: dict[int, Any]) -> ApiRouter:
        return self  # made for one app: registered as it is


class KitsuApp(KeptRouteMap, Litestar):
    pass
