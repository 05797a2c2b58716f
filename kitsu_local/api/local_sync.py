"""Sync with remotes, for the web UI's sync page (admins only). Not part of Zou's API, hence the
``/kitsu-local`` prefix; each route calls what the ``kitsu-local sync`` command calls.

GET    /kitsu-local/sync/remotes                          the remotes (no refresh token)
GET    /kitsu-local/sync/remotes/{name}                   last pull and push, what waits to be
                                                          pushed, the open conflicts (both values)
POST   /kitsu-local/sync/remotes/{name}/pull              bring the remote's changes here
POST   /kitsu-local/sync/remotes/{name}/push              send the local changes there
POST   /kitsu-local/sync/remotes/{name}/conflicts/{conflict_id}/resolve
                                                          keep one side (``{"keep": "local"}``
                                                          or ``"remote"``)

The sync modules load on the first call (they are not needed to serve). The routes take no
write transaction of their own: the sync engine opens its own connections to the database.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

from litestar import Request

from ..bodies import Body
from ..context import Ctx
from ..errors import ApiError, BadRequest, WrongParameter
from .endpoint import endpoint, parse

# One run at a time in this process: a pull and a push of the same remote must not interleave.
_RUN_LOCK = asyncio.Lock()


class ResolveBody(Body):
    keep: Literal["local", "remote"]


@endpoint("GET", "/kitsu-local/sync/remotes", write=False)
async def get_remotes(ctx: Ctx) -> Any:
    ctx.me.require_admin()
    from ..sync.remotes import load_remotes

    with sync_errors():
        return [remote.public() for remote in load_remotes(ctx.settings).values()]


@endpoint("GET", "/kitsu-local/sync/remotes/{name}", write=False)
async def get_remote_status(ctx: Ctx, name: str) -> Any:
    ctx.me.require_admin()
    from ..sync.status import sync_status

    with sync_errors():
        return await sync_status(ctx.settings, name)


@endpoint("POST", "/kitsu-local/sync/remotes/{name}/pull", write=False)
async def post_pull(ctx: Ctx, name: str) -> Any:
    ctx.me.require_admin()
    from ..sync.pull import pull

    async with _RUN_LOCK:
        with sync_errors():
            return (await pull(ctx.settings, name)).as_dict()


@endpoint("POST", "/kitsu-local/sync/remotes/{name}/push", write=False)
async def post_push(ctx: Ctx, name: str) -> Any:
    ctx.me.require_admin()
    from ..sync.push import push

    async with _RUN_LOCK:
        with sync_errors():
            return (await push(ctx.settings, name)).as_dict()


@endpoint("POST", "/kitsu-local/sync/remotes/{name}/conflicts/{conflict_id}/resolve", write=False)
async def post_resolve(ctx: Ctx, request: Request, name: str, conflict_id: str) -> Any:
    ctx.me.require_admin()
    body = await parse(request, ResolveBody)
    from ..sync.status import resolve_conflict

    async with _RUN_LOCK:
        try:
            with sync_errors():  # first: an unknown remote (a KeyError) is a 400, as elsewhere
                message = await resolve_conflict(ctx.settings, name, conflict_id, body.keep)
        except LookupError as error:  # no open conflict of that id
            raise ApiError(404, {"error": True, "message": str(error)}) from None
    return {"message": message, "keep": body.keep, "conflict_id": conflict_id}


@contextmanager
def sync_errors() -> Iterator[None]:
    """The sync errors as Zou-shaped 4xx answers, with the command's wording."""
    from ..sync.remote import RemoteError, RemoteUnavailable
    from ..sync.remotes import RemotesFileError, UnknownRemote

    try:
        yield
    except UnknownRemote as error:
        raise WrongParameter(str(error)) from None
    except RemotesFileError as error:
        raise BadRequest(str(error)) from None
    except RemoteUnavailable as error:
        raise BadRequest(
            f"Cannot reach the remote ({error.message}). Nothing is lost: local work stays here "
            "and the next run picks up where this one stopped."
        ) from None
    except RemoteError as error:
        raise BadRequest(
            f"The remote answered {error.status or 'nothing'} on {error.path}: the run stopped "
            "and resumes where it stopped next time."
        ) from None


ROUTES = [get_remotes, get_remote_status, post_pull, post_push, post_resolve]
