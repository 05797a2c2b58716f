"""The one error type of kitsu-local, and its mapping to Zou's error bodies (zou-behaviour.md 1.3).

Services raise these; ``app.py`` turns them (and any framework or unexpected error) into the
JSON body and status a Zou client expects.
"""

from __future__ import annotations

from typing import Any

NOT_FOUND_MESSAGE = (
    "404 Not Found: The requested URL was not found on the server. If you entered the URL "
    "manually please check your spelling and try again."
)
PERMISSION_DENIED_MESSAGE = (
    "You don't have the permission to access the requested resource. It is either "
    "read-protected or not readable by the server."
)
UNAUTHORIZED_MESSAGE = (
    "The server could not verify that you are authorized to access the URL requested. You "
    "either supplied the wrong credentials (e.g. a bad password), or your browser doesn't "
    "understand how to supply the credentials required."
)
EMPTY_BODY_MESSAGE = (
    "Data are empty. Please verify that you sent JSON data and that you set the right headers."
)
MALFORMED_BODY_MESSAGE = (
    "The browser (or proxy) sent a request that this server could not understand."
)
INTERNAL_ERROR_MESSAGE = "Internal server error."

# Sanitised messages of the generic CRUD routes for database-level failures.
DB_UNIQUE = "A record with the same unique values already exists."
DB_FOREIGN_KEY = "The change conflicts with records referencing this one."
DB_NOT_NULL = "A required field is missing."
DB_INTEGRITY = "The data conflicts with database integrity rules."
DB_INVALID_FORMAT = "One of the provided values has an invalid format."


class ApiError(Exception):
    """An answer other than success: a status code and Zou's JSON body for it."""

    def __init__(self, status_code: int, body: Any):
        super().__init__(body.get("message") if isinstance(body, dict) else body)
        self.status_code = status_code
        self.body = body


class WrongParameter(ApiError):
    """Zou's WrongParameterException: 400 ``{"error": true, "message", "data"}``."""

    def __init__(self, message: str, data: Any = None, **extra: Any):
        super().__init__(400, {"error": True, "message": message, "data": data, **extra})


class BadRequest(ApiError):
    """400 with a custom body (the many ``{"error": true, "message"}`` answers of Zou)."""

    def __init__(self, message: str | None = None, **fields: Any):
        body: dict[str, Any] = {"error": True}
        if message is not None:
            body["message"] = message
        body.update(fields)
        super().__init__(400, body)


class DatabaseRefusal(ApiError):
    """What the generic CRUD routes answer when the database refuses a write: ``{"message"}``."""

    def __init__(self, message: str):
        super().__init__(400, {"message": message})


class PermissionDenied(ApiError):
    def __init__(self, message: str = PERMISSION_DENIED_MESSAGE):
        super().__init__(403, {"error": True, "message": message})


class NotFound(ApiError):
    def __init__(self) -> None:
        super().__init__(404, {"error": True, "message": NOT_FOUND_MESSAGE})


class Unauthorized(ApiError):
    def __init__(self, body: dict[str, Any] | None = None, status_code: int = 401):
        super().__init__(status_code, body or {"error": True, "message": UNAUTHORIZED_MESSAGE})
