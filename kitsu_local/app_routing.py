"""Litestar's router, registering the API's ~1,300 handlers in linear time, and preparing each
route at its first request.

Litestar 2 (``Router.register``) rebuilds its whole path -> handlers map
(``route_handler_method_map``) from every route it holds for each handler it registers, and
the app deep-copies a router when it registers it: quadratic in the number of routes, about
0.6 s of every start with 700 handlers. ``KeptRouteMap`` keeps that map up to date as routes
are added or replaced (``routes`` is a list that indexes what goes in), so each registration
reads it in constant time; ``ApiRouter`` is registered as it is (it is made for one app).
The routes, handlers and routing trie Litestar builds are the same.

Litestar also prepares every handler when it registers it (``on_registration``: it parses the
function's signature, validates it and builds the model its arguments are read with, then
``HTTPRoute.create_handler_map``): a quarter of a second of every start for 1,267 handlers, most
of which a session never calls. ``KitsuApp`` registers routes as ``PreparedOnFirstUse``: the
routing trie knows their methods from the start (so 404 and 405 answers are unchanged), and a
route's handlers are prepared, exactly as Litestar prepares them, when a request first reaches
it. ``prepare_all`` does it for every route at once (the tests call it, so a handler Litestar
would refuse still fails a test run, not a user's request).
"""

from __future__ import annotations

from copy import copy
from typing import Any, SupportsIndex

from litestar import Litestar, Router
from litestar._asgi.utils import get_route_handlers
from litestar.handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute, WebSocketRoute
from litestar.types import ControllerRouterHandler, Receive, Scope, Send
from litestar.utils import join_paths

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
    """The API's router, made for one app. Its handlers are grouped by path and each path's
    route made once (``Router.register`` remakes a path's route for each handler it adds to
    it); the app takes these routes as they are (``KitsuApp.register``) where Litestar would
    make each one again at the app's level."""

    def __init__(self, path: str, *, route_handlers: list[HTTPRouteHandler]) -> None:
        super().__init__(path, route_handlers=[])
        by_path: dict[str, list[HTTPRouteHandler]] = {}
        for handler in route_handlers:
            handler.owner = self
            registered = copy(handler)  # as Router.register does: one copy, on all its paths
            for handler_path in handler.paths:
                by_path.setdefault(join_paths([self.path, handler_path]), []).append(registered)
        for route_path, handlers in by_path.items():
            self.routes.append(HTTPRoute(path=route_path, route_handlers=handlers))

    def __deepcopy__(self, memo: dict[int, Any]) -> ApiRouter:
        return self  # made for one app: registered as it is


UNPREPARED: Any = None  # the kwargs model of a handler not prepared yet (a real one is never None)


class PreparedOnFirstUse(HTTPRoute):
    """An HTTP route whose handlers Litestar prepares at the route's first request."""

    __slots__ = ()

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:  # type: ignore[override]
        if self.route_handler_map[scope["method"]][1] is UNPREPARED:
            self.prepare(scope["app"])
        await super().handle(scope, receive, send)  # type: ignore[arg-type]

    def prepare(self, app: Litestar) -> None:
        """What ``Litestar.register`` does for an HTTP route (handlers, then the handler map)."""
        for handler in self.route_handlers:
            handler.on_registration(app)
        self.route_handler_map = {}
        self.create_handler_map()

    @property
    def prepared(self) -> bool:
        return all(kwargs is not UNPREPARED for _, kwargs in self.route_handler_map.values())


class KitsuApp(KeptRouteMap, Litestar):
    @staticmethod
    def _get_default_plugins(plugins: list[Any]) -> list[Any]:
        """Litestar's default plugins but its Pydantic and attrs ones: no handler takes or
        returns a model (``api/endpoint.py`` gives every handler the same signature and reads
        request bodies itself), and importing them (pydantic.v1 with them) costs every start."""
        from litestar.plugins.core import MsgspecDIPlugin

        plugins.append(MsgspecDIPlugin())
        return plugins

    def register(self, value: ControllerRouterHandler) -> None:  # type: ignore[override]
        """``Litestar.register``, with HTTP routes left to prepare at their first request."""
        if isinstance(value, ApiRouter):
            value.owner = self
            routes = list(value.routes)  # its paths already carry its prefix
            for route in routes:
                self.routes.append(route)
        else:
            routes = Router.register(self, value=value)
        for route in routes:
            if isinstance(route, HTTPRoute):
                route.__class__ = PreparedOnFirstUse  # same slots: only the behaviour changes
                route.route_handler_map = {
                    method: (handler, UNPREPARED)
                    for handler in route.route_handlers
                    for method in handler.http_methods
                }
            else:
                for handler in get_route_handlers(route):
                    handler.on_registration(self)
                if isinstance(route, WebSocketRoute):
                    route.handler_parameter_model = route.route_handler.create_kwargs_model(
                        path_parameters=route.path_parameters
                    )
            for plugin in self.plugins.receive_route:
                plugin.receive_route(route)
        self.asgi_router.construct_routing_trie()

    def prepare_all(self) -> int:
        """Prepare every route not prepared yet; how many were."""
        waiting = [
            route
            for route in self.routes
            if isinstance(route, PreparedOnFirstUse) and not route.prepared
        ]
        for route in waiting:
            route.prepare(self)
        return len(waiting)
