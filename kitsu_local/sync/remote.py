"""The HTTP client of a remote Kitsu: a Zou or another kitsu-local, through its documented API.

One keep-alive connection pool per remote (httpx). Paths are relative to the API root
(``"/data/projects"``). Transient failures (connection errors, timeouts, 502/503/504, 429 with
its ``Retry-After``) are retried with exponential backoff and jitter; other 4xx are not, nor
a 500 (the remote's bug on that request, a RemoteError: the engines report it and go on). Zou's
access tokens last 7 days and its refresh tokens 15 (``JWT_*_TOKEN_EXPIRES``): a 401, or the
422 flask-jwt answers for a token it cannot read, is met with one ``GET /auth/refresh-token``
(the refresh token as the Bearer; Zou and kitsu-local answer ``{"access_token"}`` and keep the
refresh token) and the request is replayed once.

Logging in (``RemoteClient.login``) finds the API root first: a Kitsu deployment serves the web
app at ``/`` and the API at ``/api`` (``GET /api/`` answers ``{"api": "Zou", "version"}``).
An account with two-factor authentication gets 400 ``missing_OTP`` (with
``preferred_two_factor_authentication`` and ``two_factor_authentication_enabled``) from
``POST /auth/login``, then 400 ``wrong_OTP`` for a wrong code (zou/app/blueprints/auth/
resources.py, LoginResource); the code goes in the ``totp``, ``email_otp`` or ``recovery_code``
field of the same body, and ``GET /auth/email-otp?email=`` mails an e-mail code first.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import mimetypes
import os
import random
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from .. import __version__

RETRY_STATUSES = frozenset({429, 502, 503, 504})
MAX_RETRY_DELAY = 60.0  # seconds: a Retry-After or a backoff step is capped here
CODE_ATTEMPTS = 3  # 2FA codes asked before giving up (Zou locks the account after 5 failures)
CHUNK = 1 << 20
USER_AGENT = f"kitsu-local/{__version__} (sync)"  # not a browser: Zou answers tokens in the body
FACTOR_KINDS = ("totp", "email_otp")  # the kinds a code can be typed for; FIDO needs a browser


class RemoteError(Exception):
    """A request the remote refused or could not answer: ``status`` (None without an answer),
    ``body`` (the decoded answer) and ``path``."""

    def __init__(
        self, message: str, *, status: int | None = None, body: Any = None, path: str = ""
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.body = body
        self.path = path


class RemoteUnavailable(RemoteError):
    """The remote could not be reached: network down, timeouts, 502/503/504 or 429 after every
    retry."""


class RemoteDenied(RemoteError):
    """The remote refused the account: a login refused, 401 after a refresh, or 403."""


TokensCallback = Callable[[str, str | None], None]


class RemoteClient:
    """An open session on a remote's API; use it as ``async with`` or call ``aclose``."""

    def __init__(
        self,
        api_url: str,
        *,
        access_token: str | None = None,
        refresh_token: str | None = None,
        on_tokens: TokensCallback | None = None,
        timeout: float = 30.0,
        retries: int = 5,
        backoff: float = 0.5,
    ) -> None:
        self.api_url = normalise_url(api_url)
        self.access_token = access_token
        self.refresh_token = refresh_token
        self.on_tokens = on_tokens
        self.retries = retries
        self.backoff = backoff
        self._refresh_lock = asyncio.Lock()
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(max_connections=8, keepalive_expiry=30),
            headers={"User-Agent": USER_AGENT},
            follow_redirects=True,
        )

    # ---- session ---------------------------------------------------------------------------
    @classmethod
    async def login(
        cls,
        url: str,
        email: str,
        password: str,
        ask_code: Callable[[str], str] | None = None,
        **kw: Any,
    ) -> RemoteClient:
        """Find the API root of ``url`` (server root or API root), log in, and answer a client
        holding the tokens (also given to ``on_tokens``). ``ask_code(kind)`` answers the 2FA
        code of that kind (``totp``, ``email_otp``, ``recovery_code``); a code that is not six
        digits is sent as a recovery code."""
        client = cls(url, **kw)
        try:
            client.api_url = await client._find_api_root(url)
            await client._log_in(email, password, ask_code)
        except BaseException:
            await client.aclose()
            raise
        return client

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> RemoteClient:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    # ---- JSON calls ------------------------------------------------------------------------
    async def get(self, path: str, params: dict | None = None) -> Any:
        return _json(await self._call("GET", path, params=params), path)

    async def get_pages(self, path: str, params: dict | None = None) -> AsyncIterator[list[dict]]:
        """Each page of a paginated listing (``?page=N`` answers ``{"data", "nb_pages",
        "limit", "total", ...}``), from ``params["page"]`` (1 by default) to the last one; a
        route that is not paginated answers a plain list, yielded once."""
        params = dict(params or {})
        page = int(params.pop("page", 1))
        while True:
            body = await self.get(path, {**params, "page": page})
            if isinstance(body, list):
                yield body
                return
            if not isinstance(body, dict) or not isinstance(body.get("data"), list):
                raise RemoteError(f"GET {path}: not a page of results", body=body, path=path)
            data = body["data"]
            if data:
                yield data
            nb_pages = body.get("nb_pages")
            if not data or (isinstance(nb_pages, int) and page >= nb_pages):
                return
            page += 1

    async def post(self, path: str, json: Any = None, params: dict | None = None) -> Any:
        return _json(await self._call("POST", path, params=params, json=json), path)

    async def put(self, path: str, json: Any = None, params: dict | None = None) -> Any:
        return _json(await self._call("PUT", path, params=params, json=json), path)

    async def delete(self, path: str, params: dict | None = None) -> Any:
        """The answer of the deletion, or None when the record is already gone (404)."""
        response = await self._call("DELETE", path, params=params, missing_ok=True)
        return None if response.status_code == 404 else _json(response, path)

    # ---- files -----------------------------------------------------------------------------
    async def download(self, path: str, dest: Path) -> bool:
        """Stream the file to ``dest.part``, then rename it to ``dest``; False on 404."""
        dest = Path(dest)
        response = await self._call("GET", path, dest=dest, missing_ok=True)
        return response.status_code != 404

    async def upload(
        self, path: str, file: Path, field: str = "file", data: dict | None = None
    ) -> Any:
        """POST ``file`` as multipart field ``field`` (streamed from disk, reopened on retry),
        with the form fields ``data``."""
        upload = _Upload(Path(file), field, data or {})
        return _json(await self._call("POST", path, upload=upload), path)

    # ---- the one request loop --------------------------------------------------------------
    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        json: Any = None,
        upload: _Upload | None = None,
        dest: Path | None = None,
        missing_ok: bool = False,
        auth: bool = True,
    ) -> httpx.Response:
        """Send with retries and at most one token refresh. Answers a 2xx (or a 404 when
        ``missing_ok``; any refusal when not ``auth``), raises a RemoteError otherwise."""
        path = path if path.startswith("/") else f"/{path}"
        call = _Call(method, path, params, json, upload, dest)
        refreshed = False
        while True:
            if auth and self.access_token is None and self.refresh_token:
                await self._refresh(None)
            token = self.access_token if auth else None
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            response = await self._send_retrying(call, headers)
            status = response.status_code
            if response.is_success or (missing_ok and status == 404) or not auth:
                return response
            body = _body(response)
            if status == 401 or _is_unreadable_token(status, body):
                if refreshed or not self.refresh_token:
                    raise RemoteDenied(
                        f"{method} {path}: the remote refused the session ({status})",
                        status=status, body=body, path=path,
                    )  # fmt: skip
                await self._refresh(token)
                refreshed = True
                continue
            error = RemoteDenied if status == 403 else RemoteError
            message = f"{method} {path}: {status} {_message(body)}"
            raise error(message, status=status, body=body, path=path)

    async def _send_retrying(self, call: _Call, headers: dict[str, str]) -> httpx.Response:
        """One request, tried again on transient failures; the last failure after
        ``retries`` more attempts is a RemoteUnavailable."""
        where = f"{call.method} {self.api_url}{call.path}"
        attempt = 0
        while True:
            try:
                response = await self._send_once(call, headers)
            except (httpx.UnsupportedProtocol, httpx.InvalidURL, httpx.TooManyRedirects) as error:
                raise RemoteError(f"{where}: {error}", path=call.path) from error
            except httpx.TransportError as error:
                if attempt >= self.retries:
                    raise RemoteUnavailable(
                        f"{where}: {_describe(error)}", path=call.path
                    ) from error
                await asyncio.sleep(self._delay(attempt))
            else:
                status = response.status_code
                if status not in RETRY_STATUSES:
                    return response
                if attempt >= self.retries:
                    body = _body(response)
                    raise RemoteUnavailable(
                        f"{where}: {status} {_message(body)}", status=status, body=body,
                        path=call.path,
                    )  # fmt: skip
                await asyncio.sleep(_retry_after(response) or self._delay(attempt))
            attempt += 1

    async def _send_once(self, call: _Call, headers: dict[str, str]) -> httpx.Response:
        """One attempt; a download is streamed to its file, any other answer read whole."""
        with contextlib.ExitStack() as files:
            extra: dict[str, Any] = {}
            if call.upload is not None:
                upload = call.upload
                stream = files.enter_context(upload.file.open("rb"))
                extra["files"] = {upload.field: (upload.file.name, stream, upload.content_type)}
                extra["data"] = upload.data
            request = self._http.build_request(
                call.method, self.api_url + call.path, params=call.params, json=call.json,
                headers=headers, **extra,
            )  # fmt: skip
            response = await self._http.send(request, stream=True)
            try:
                if call.dest is not None and response.is_success:
                    await _save_stream(response, call.dest)
                else:
                    await response.aread()
            finally:
                await response.aclose()
            return response

    def _delay(self, attempt: int) -> float:
        step = self.backoff * 2**attempt
        return min(MAX_RETRY_DELAY, step * random.uniform(0.5, 1.5))

    async def _refresh(self, used_token: str | None) -> None:
        """A new access token from the refresh token, unless another request already got one
        since ``used_token`` was sent."""
        async with self._refresh_lock:
            if self.access_token is not None and self.access_token != used_token:
                return
            if not self.refresh_token:
                raise RemoteDenied("no session on the remote: log in again")
            path = "/auth/refresh-token"
            response = await self._send_retrying(
                _Call("GET", path), {"Authorization": f"Bearer {self.refresh_token}"}
            )
            body = _body(response)
            if (
                not response.is_success
                or not isinstance(body, dict)
                or not body.get("access_token")
            ):
                raise RemoteDenied(
                    "the session on the remote has expired or was revoked: log in again",
                    status=response.status_code, body=body, path=path,
                )  # fmt: skip
            self.access_token = body["access_token"]
            rotated = body.get("refresh_token") or None
            if rotated:
                self.refresh_token = rotated
            if self.on_tokens:
                self.on_tokens(self.access_token, rotated)

    # ---- login -----------------------------------------------------------------------------
    async def _find_api_root(self, url: str) -> str:
        """The API root of a server root or an API root: the first of ``<url>/api/`` and
        ``<url>/`` (API-root-looking URLs first) answering ``{"api": ...}``."""
        given = url.strip().rstrip("/")
        schemes = [""] if "://" in given else ["https://", "http://"]
        tried: list[str] = []
        for number, scheme in enumerate(schemes):
            root = scheme + given
            candidates = [root, f"{root}/api"] if root.endswith("/api") else [f"{root}/api", root]
            for candidate in candidates:
                tried.append(f"{candidate}/")
                self.api_url = candidate
                try:
                    response = await self._call("GET", "/", auth=False)
                except RemoteUnavailable:
                    if number + 1 < len(schemes):
                        break  # no https: try http
                    raise
                body = _body(response)
                if response.is_success and isinstance(body, dict) and "api" in body:
                    return normalise_url(str(response.url))
        raise RemoteError(f"no Kitsu API there (tried {', '.join(tried)})", path="/")

    async def _log_in(
        self, email: str, password: str, ask_code: Callable[[str], str] | None
    ) -> None:
        path = "/auth/login"
        credentials = {"email": email, "password": password}
        body: dict[str, Any] = credentials
        kind: str | None = None
        codes_asked = 0
        while True:
            response = await self._call("POST", path, json=body, auth=False)
            answer = _body(response)
            answer = answer if isinstance(answer, dict) else {}
            if response.is_success and answer.get("access_token"):
                break
            needs_code = answer.get("missing_OTP") or answer.get("wrong_OTP")
            if not needs_code or ask_code is None or codes_asked >= CODE_ATTEMPTS:
                raise RemoteDenied(
                    _login_refusal(answer, needs_code), status=response.status_code,
                    body=answer, path=path,
                )  # fmt: skip
            if kind is None:
                kind = _factor_kind(answer)
                if kind == "email_otp":
                    await self._call("GET", "/auth/email-otp", params={"email": email}, auth=False)
            code = ask_code(kind).strip()
            codes_asked += 1
            field = kind if kind in FACTOR_KINDS and code.isdigit() else "recovery_code"
            body = {**credentials, field: code.upper() if field == "recovery_code" else code}
        if answer.get("two_factor_authentication_required"):
            raise RemoteDenied(
                "the remote requires two-factor authentication for this account: set it up in "
                "Kitsu first",
                status=response.status_code, path=path,
            )  # fmt: skip
        self.access_token = answer["access_token"]
        self.refresh_token = answer.get("refresh_token")
        if self.on_tokens:
            self.on_tokens(self.access_token, self.refresh_token)


@dataclass(frozen=True)
class _Call:
    """What one request sends (and where a download goes), the same on every attempt."""

    method: str
    path: str
    params: dict | None = None
    json: Any = None
    upload: _Upload | None = None
    dest: Path | None = None


@dataclass(frozen=True)
class _Upload:
    file: Path
    field: str
    data: dict

    @property
    def content_type(self) -> str:
        return mimetypes.guess_type(self.file.name)[0] or "application/octet-stream"


def normalise_url(url: str) -> str:
    """``http://host:8080/api/`` -> ``http://host:8080/api``."""
    return url.strip().rstrip("/")


async def _save_stream(response: httpx.Response, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    try:
        with part.open("wb") as out:
            async for chunk in response.aiter_bytes(CHUNK):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        part.replace(dest)
    finally:
        part.unlink(missing_ok=True)


def _body(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text[:2000]


def _json(response: httpx.Response, path: str) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        raise RemoteError(
            f"{path}: the remote answered something that is not JSON",
            status=response.status_code, body=response.text[:2000], path=path,
        ) from None  # fmt: skip


def _message(body: Any) -> str:
    """Zou's ``message``, flask-jwt's ``msg``, or the start of the body."""
    if isinstance(body, dict):
        return str(body.get("message") or body.get("msg") or body.get("error") or body)[:300]
    return str(body or "")[:300]


def _is_unreadable_token(status: int, body: Any) -> bool:
    """flask-jwt answers 422 ``{"msg"}`` for a token it cannot decode (signature, format)."""
    return status == 422 and isinstance(body, dict) and set(body) == {"msg"}


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return min(MAX_RETRY_DELAY, float(value))
    try:
        moment = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return min(MAX_RETRY_DELAY, max(0.0, moment - time.time()))


def _describe(error: httpx.TransportError) -> str:
    if isinstance(error, httpx.TimeoutException):
        return "no answer in time"
    if isinstance(error, httpx.ConnectError):
        return f"cannot connect ({error})"
    return f"{type(error).__name__}: {error}"


def _factor_kind(answer: dict) -> str:
    preferred = answer.get("preferred_two_factor_authentication")
    enabled = answer.get("two_factor_authentication_enabled") or []
    if preferred in FACTOR_KINDS:
        return preferred
    return next((kind for kind in FACTOR_KINDS if kind in enabled), "recovery_code")


def _login_refusal(answer: dict, needs_code: Any) -> str:
    if answer.get("default_password"):
        return "the remote asks this account to change its password first: do it in Kitsu"
    if answer.get("wrong_OTP"):
        return "wrong two-factor authentication code"
    if needs_code:
        return "this account uses two-factor authentication: a code is needed"
    return str(answer.get("message") or "the remote refused the login")
