"""How a route handler is declared: ``@endpoint("GET", "/data/projects/{project_id}")``.

The decorator does, in one place, what every handler needs: open a read or write unit of work,
authenticate the caller (Bearer header or cookie), hand the handler a ``Ctx``, commit, publish
the events of the change, and turn the handler's return value into a JSON response. A handler
then only parses its input, calls a service and returns a dict, a list, ``(body, status)`` or a
Litestar ``Response``.

A handler returning an error as ``(body, status)`` (rather than raising) keeps the writes done
so far: that is how a failed login still counts the failed attempt.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import msgspec
from litestar import Request, Response, route
from litestar.datastructures import UploadFile
from litestar.handlers import HTTPRouteHandler
from litestar.params import PathParameter
from pydantic import BaseModel, ValidationError

from ..app_state import AppState
from ..context import Ctx
from ..db import statement_count
from ..errors import EMPTY_BODY_MESSAGE, MALFORMED_BODY_MESSAGE, BadRequest, WrongParameter
from ..services import identity, tokens

Handler = Callable[..., Awaitable[Any]]
PathString = Annotated[str, PathParameter()]
Body = TypeVar("Body", bound=BaseModel)


def endpoint(
    method: str,
    path: str,
    *,
    auth: bool = True,
    write: bool | None = None,
    person_only: bool = False,
    token_type: str = "access",
    allow_restricted: bool = False,
    name: str | None = None,
    path_params: tuple[str, ...] | None = None,
) -> Callable[[Handler], HTTPRouteHandler]:
    """Declare a route. Path parameters are plain strings (ids are checked by the services);
    they are the handler's parameters besides ``ctx`` and ``request``, or ``path_params`` for a
    handler taking them as ``**path``."""
    method = method.upper()
    is_write = method != "GET" if write is None else write

    def decorate(handler: Handler) -> HTTPRouteHandler:
        signature = inspect.signature(handler)
        path_names = (
            list(path_params)
            if path_params is not None
            else [
                key
                for key, parameter in signature.parameters.items()
                if key not in ("ctx", "request") and parameter.kind is not parameter.VAR_KEYWORD
            ]
        )
        wants_request = "request" in signature.parameters

        async def wrapper(request: Request, **path_params: str) -> Response:
            state: AppState = request.app.state.kitsu
            if state.settings.count_queries:
                return await counted(request, **path_params)
            return await handle(request, **path_params)

        async def counted(request: Request, **path_params: str) -> Response:
            counter = [0]
            token = statement_count.set(counter)
            try:
                response = await handle(request, **path_params)
            finally:
                statement_count.reset(token)
            response.headers["X-Query-Count"] = str(counter[0])
            return response

        async def handle(request: Request, **path_params: str) -> Response:
            state: AppState = request.app.state.kitsu
            database = state.db
            unit = database.write() if is_write else database.read()
            async with unit as conn:
                ctx = Ctx(
                    conn=conn,
                    state=state,
                    client_ip=client_ip(request),
                    user_agent=request.headers.get("user-agent", ""),
                    params=query(request),
                )
                if auth:
                    ctx.actor = await identity.authenticate(
                        ctx,
                        request_token(request, token_type),
                        token_type=token_type,
                        allow_restricted=allow_restricted,
                    )
                    if person_only:
                        identity.require_person(ctx.actor)
                kwargs: dict[str, Any] = dict(path_params)
                if wants_request:
                    kwargs["request"] = request
                result = await handler(ctx, **kwargs)
            for action in ctx.after_commit:
                action()
            if ctx.pending_events:
                await state.bus.publish(ctx.pending_events)
            return to_response(result)

        wrapper.__name__ = handler.__name__
        wrapper.__qualname__ = handler.__qualname__
        wrapper.__module__ = handler.__module__
        wrapper.__doc__ = handler.__doc__
        parameters = [
            inspect.Parameter(
                "request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request
            )
        ] + [
            inspect.Parameter(key, inspect.Parameter.KEYWORD_ONLY, annotation=PathString)
            for key in path_names
        ]
        wrapper.__signature__ = inspect.Signature(parameters, return_annotation=Response)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {
            "request": Request,
            **{key: PathString for key in path_names},
            "return": Response,
        }
        litestar_path = path
        for key in path_names:
            litestar_path = litestar_path.replace("{" + key + "}", "{" + key + ":str}")
        return route(
            litestar_path,
            http_method=[method],
            name=name or f"{method.lower()}:{path}",
            status_code=200,
        )(wrapper)

    return decorate


def to_response(result: Any) -> Response:
    if isinstance(result, Response):
        return result
    status = 200
    if isinstance(result, tuple):
        result, status = result
    if status == 204 or result is None:
        return Response(content=b"", status_code=status if status != 200 else 204)
    return json_response(result, status)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        content=msgspec.json.encode(body),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


# ---- request helpers -------------------------------------------------------------------------
def request_token(request: Request, token_type: str = "access") -> str | None:
    """The JWT from the cookie (as Zou looks there first) or the ``Authorization`` header."""
    cookie = tokens.ACCESS_COOKIE if token_type == "access" else tokens.REFRESH_COOKIE
    if request.cookies.get(cookie):
        return request.cookies[cookie]
    header = request.headers.get("authorization")
    if header is None:
        return None
    parts = header.split()
    if len(parts) != 2 or parts[0].lower() != "bearer":
        from ..errors import ApiError

        raise ApiError(
            422, {"msg": "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'"}
        )
    return parts[1]


def client_ip(request: Request) -> str | None:
    return request.headers.get("x-real-ip") or (request.client.host if request.client else None)


def query(request: Request) -> dict[str, str]:
    """Query parameters, first value of each (Flask's ``request.args`` semantics)."""
    params: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, value)
    return params


async def json_body(request: Request, required: bool = True) -> Any:
    """The JSON body. When ``required``: 400 "Data are empty..." when missing, and Werkzeug's
    "could not understand" 400 when it is not JSON, as Zou answers."""
    raw = await request.body()
    if not raw.strip():
        if required:
            raise WrongParameter(EMPTY_BODY_MESSAGE)
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        if required:
            raise BadRequest(MALFORMED_BODY_MESSAGE) from None
        return None


async def arguments(request: Request) -> dict[str, Any]:
    """Zou's lenient argument reading: JSON body, else form fields, then the query string."""
    content_type = request.headers.get("content-type", "")
    data: dict[str, Any] = {}
    if "multipart/form-data" in content_type or "application/x-www-form-urlencoded" in content_type:
        form = await request.form()
        for key, value in form.multi_items():
            if not isinstance(value, UploadFile):
                data.setdefault(key, value)
    else:
        body = await json_body(request, required=False)
        if isinstance(body, dict):
            data.update(body)
    for key, value in query(request).items():
        data.setdefault(key, value)
    return data


async def parse(request: Request, schema: type[Body]) -> Body:
    """The body (JSON, else form, else query) checked against ``schema``: 400 like Zou's
    ``validate_request_body`` when it does not fit. A JSON body that is not an object (a list,
    a string) is checked as it is, as Zou does: 400 "Input should be a valid dictionary"."""
    body = None
    if "application/json" in request.headers.get("content-type", ""):
        body = await json_body(request, required=False)
    payload = body if body is not None and not isinstance(body, dict) else await arguments(request)
    try:
        return schema.model_validate(payload)
    except ValidationError as error:
        errors = [
            {"field": ".".join(str(part) for part in item["loc"]), "message": item["msg"]}
            for item in error.errors()
        ]
        raise WrongParameter("Validation error.", {"errors": errors}) from None
