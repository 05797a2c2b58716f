"""Column codecs: how a value for a column is read from a JSON body or a query string, and how
it is written on the wire (zou-behaviour.md 1.2, 1.6, 1.8; zou-data-model.md 4.1, 5.4).

One codec per column, derived once from the SQLModel table. Zou lets PostgreSQL cast and refuse
values; SQLite would store anything, so the checks PostgreSQL does (types, lengths, UUIDs) are
made here, with the messages Zou answers.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.types import TypeEngine

from .errors import WrongParameter

UUID_RE = re.compile(
    r"\A[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}\Z"
)
TRUE_WORDS = {"y", "yes", "t", "true", "on", "1"}
FALSE_WORDS = {"n", "no", "f", "false", "off", "0"}


def is_valid_id(value: Any) -> bool:
    return isinstance(value, str) and UUID_RE.match(value) is not None


def str_to_bool(value: str) -> bool:
    """Python's old ``strtobool``: what Zou accepts for boolean filters."""
    lowered = value.strip().lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    raise ValueError(value)


def parse_iso_datetime(value: str) -> datetime.datetime:
    """ISO 8601 date or datetime (``Z`` accepted); an offset is dropped as PostgreSQL does."""
    parsed = datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return parsed.replace(tzinfo=None)


class InvalidValue(Exception):
    """A value that does not fit its column (becomes a 400 in the caller's error shape)."""


@dataclass(frozen=True)
class ColumnCodec:
    name: str
    kind: str  # id, string, text, int, float, bool, date, datetime, json, bytes
    nullable: bool
    max_length: int | None = None
    choices: tuple[str, ...] | None = None
    is_email: bool = False
    foreign_table: str | None = None

    # ---- body (JSON) values -----------------------------------------------------------
    def from_body(self, value: Any) -> Any:
        """The value to store for a JSON body value; raises InvalidValue."""
        if value is None:
            return None
        kind = self.kind
        if kind == "id":
            if not is_valid_id(value):
                raise InvalidValue(self.name)
            return value.lower()
        if kind in ("string", "text"):
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise InvalidValue(self.name)
            value = str(value)
            if self.max_length is not None and len(value) > self.max_length:
                raise InvalidValue(self.name)
            if self.choices is not None and value not in self.choices:
                raise WrongParameter(
                    f"Invalid value for {self.name}: {value!r}. "
                    f"Allowed values: {', '.join(self.choices)}."
                )
            return value
        if kind == "int":
            return _to_int(value, self.name)
        if kind == "float":
            if isinstance(value, bool):
                raise InvalidValue(self.name)
            try:
                return float(value)
            except (TypeError, ValueError):
                raise InvalidValue(self.name) from None
        if kind == "bool":
            if isinstance(value, bool):
                return value
            if isinstance(value, int) and value in (0, 1):
                return bool(value)
            if isinstance(value, str):
                try:
                    return str_to_bool(value)
                except ValueError:
                    raise InvalidValue(self.name) from None
            raise InvalidValue(self.name)
        if kind in ("date", "datetime"):
            if isinstance(value, str) and value.strip() == "":
                return None
            if not isinstance(value, str):
                raise InvalidValue(self.name)
            try:
                parsed = parse_iso_datetime(value)
            except ValueError:
                raise InvalidValue(self.name) from None
            return parsed.date() if kind == "date" else parsed
        if kind == "json":
            return value
        raise InvalidValue(self.name)  # bytes: never written from a body

    # ---- query-string filter values ---------------------------------------------------
    def from_query(self, value: str) -> Any:
        kind = self.kind
        if kind == "id":
            if not is_valid_id(value):
                raise WrongParameter(f"Invalid UUID value: {value}")
            return value.lower()
        if kind == "bool":
            try:
                return str_to_bool(value)
            except ValueError:
                raise WrongParameter(f"Invalid boolean value: {value}") from None
        try:
            if kind == "int":
                return _to_int(value, self.name)
            if kind == "float":
                return float(value)
            if kind == "date":
                return parse_iso_datetime(value).date()
            if kind == "datetime":
                return parse_iso_datetime(value)
            if kind == "json":
                return json.loads(value)
        except (ValueError, InvalidValue):
            raise WrongParameter(
                f"One of the value of the filter has not the proper format: {self.name}={value}"
            ) from None
        return value

    # ---- wire ---------------------------------------------------------------------------
    def to_wire(self, value: Any) -> Any:
        if value is None:
            return None
        if self.kind == "datetime":
            return value.isoformat(timespec="seconds")
        if self.kind == "date":
            return value.isoformat()
        if self.kind == "bytes":
            return value.decode("utf-8", errors="replace")
        return value


def _to_int(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise InvalidValue(name)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+\s*", value):
        return int(value)
    raise InvalidValue(name)


# Checked in order: Text before String (a subclass), DateTime before Date.
_KINDS = (
    (Boolean, "bool"),
    (DateTime, "datetime"),
    (Date, "date"),
    (Integer, "int"),
    (Float, "float"),
    (JSON, "json"),
    (LargeBinary, "bytes"),
    (Text, "text"),
    (String, "string"),
)


def codecs_for(table: Table) -> dict[str, ColumnCodec]:
    return {column.name: _codec(column) for column in table.columns}


def _codec(column: Any) -> ColumnCodec:
    sa_type = column.type
    if isinstance(sa_type, TypeDecorator):  # SQLModel's AutoString wraps String
        sa_type = sa_type.impl if isinstance(sa_type.impl, TypeEngine) else sa_type.impl()
    info = column.info
    foreign = next(iter(column.foreign_keys), None)
    kind = (
        "id"
        if info.get("uuid")
        else next((name for sa_class, name in _KINDS if isinstance(sa_type, sa_class)), None)
    )
    if kind is None:  # pragma: no cover - every column type of the schema is listed
        raise TypeError(f"no codec for {column}")
    return ColumnCodec(
        name=column.name,
        kind=kind,
        nullable=bool(column.nullable),
        max_length=getattr(sa_type, "length", None) if kind == "string" else None,
        choices=info.get("choices"),
        is_email=bool(info.get("email")),
        foreign_table=foreign.column.table.name if foreign is not None else None,
    )
