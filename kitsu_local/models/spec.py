"""The shape of one registry entry (Decision 1 of ARCHITECTURE.md).

A ``ModelSpec`` declares, once, everything the generic parts derive from a model: its CRUD
route, wire ``type``, hidden fields, many-to-many relations, read-only fields, who may do what
(``Policy``) and the model's own business rules (``CrudHooks``). The registry itself is
``models/registry.py``; the generic routes are built from it in ``api/crud.py`` and run by
``services/crud.py``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Table

from ..columns import ColumnCodec, codecs_for

if TYPE_CHECKING:
    from ..context import Ctx

Row = dict[str, Any]
ReadListCheck = Callable[["Ctx"], Awaitable[None]]
Scope = Callable[["Ctx", Table], Awaitable["ColumnElement[bool] | None"]]
DataCheck = Callable[["Ctx", dict[str, Any]], Awaitable[None]]
RowCheck = Callable[["Ctx", Row], Awaitable[None]]
RowDataCheck = Callable[["Ctx", Row, dict[str, Any]], Awaitable[None]]


async def admin_only(ctx: Ctx, *_: Any) -> None:
    ctx.me.require_admin()


async def anyone(ctx: Ctx, *_: Any) -> None:
    return None


@dataclass(frozen=True)
class Policy:
    """Who may list, create, read, update and delete rows (zou-data-model.md section 6).

    ``scope`` narrows a list to the rows the caller may see (a SQL condition, or None).
    Every check raises ``PermissionDenied`` (403) to refuse; the default is admin only.
    """

    read_list: ReadListCheck = admin_only
    scope: Scope | None = None
    create: DataCheck = admin_only
    read: RowCheck = admin_only
    update: RowDataCheck = admin_only
    delete: RowCheck = admin_only


@dataclass(frozen=True)
class Relation:
    """A collection serialized as a list of ids with ``relations=true``.

    ``table`` is a link table (many-to-many) or the child table (one-to-many, then
    ``remote_key`` is ``"id"``); ``local_key`` is its column pointing at this model.
    """

    name: str
    table: Table
    local_key: str
    remote_key: str
    # Table of the related rows, for ids given on POST/PUT (None: read only).
    target: Table | None = None
    always: bool = False  # serialized even without relations (concept links)

    @property
    def writable(self) -> bool:
        return self.target is not None


@dataclass
class ModelSpec:
    route: str
    model: type
    policy: Policy = field(default_factory=Policy)
    hooks: Any = None  # a services.crud.CrudHooks; None means the plain generic behaviour
    wire_type: str = ""
    relations: tuple[Relation, ...] = ()
    hidden: frozenset[str] = frozenset()  # never on the wire, never a filter
    read_only: frozenset[str] = frozenset()  # dropped from PUT bodies (besides id, timestamps)
    body_by_hooks: frozenset[str] = frozenset()  # body keys the hooks read themselves
    writes_on_read: bool = False  # listing creates missing rows (salary scales)

    def __post_init__(self) -> None:
        if not self.wire_type:
            self.wire_type = self.model.__name__

    @cached_property
    def table(self) -> Table:
        return self.model.__table__

    @property
    def table_name(self) -> str:
        return self.table.name

    @cached_property
    def codecs(self) -> dict[str, ColumnCodec]:
        return codecs_for(self.table)

    @cached_property
    def relation_map(self) -> dict[str, Relation]:
        return {relation.name: relation for relation in self.relations}

    @cached_property
    def wire_columns(self) -> tuple[ColumnCodec, ...]:
        return tuple(codec for name, codec in self.codecs.items() if name not in self.hidden)

    @cached_property
    def has_project(self) -> bool:
        return "project_id" in self.table.c

    @property
    def event_object(self) -> str:
        return self.table_name.replace("_", "-")
