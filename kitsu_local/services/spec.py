"""The shape of one registry entry (Decision 1 of ARCHITECTURE.md), and the look-up services
use to find an entry.

A ``ModelSpec`` declares, once, everything the generic parts derive from a model: its CRUD
route, wire ``type``, hidden fields, many-to-many relations, read-only fields, who may do what
(``Policy``) and the model's own business rules (``CrudHooks``). The registry itself is
``kitsu_local/registry.py``, above the services whose hooks it names (Decision 10); it hands
its entries down here with ``install()`` when the app starts, so services serialize a row of any
table (``spec_for_table``) without importing the registry. The generic routes are built from it
in ``api/crud.py`` and run by ``services/crud.py``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Table

from ..columns import ColumnCodec, codecs_for
from ..models import model_for_table
from ..models.base import Row

if TYPE_CHECKING:
    from ..context import Ctx

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


_BY_ROUTE: dict[str, ModelSpec] = {}
_BY_TABLE: dict[str, ModelSpec] = {}


def install(entries: tuple[ModelSpec, ...]) -> None:
    """Take the registry's entries (called by ``registry.install()`` at start-up)."""
    _BY_ROUTE.clear()
    _BY_TABLE.clear()
    for spec in entries:
        _BY_ROUTE[spec.route] = spec
        _BY_TABLE[spec.table_name] = spec


def spec_for_route(route: str) -> ModelSpec:
    _require_installed()
    return _BY_ROUTE[route]


def spec_for_table(table_name: str) -> ModelSpec:
    """The registry entry of a table; tables without CRUD route get a plain one (serialization
    of link tables such as ``project_task_status_link``)."""
    _require_installed()
    spec = _BY_TABLE.get(table_name)
    if spec is None:
        spec = _BY_TABLE[table_name] = ModelSpec("", model_for_table(table_name))
    return spec


def _require_installed() -> None:
    if not _BY_ROUTE:
        raise RuntimeError("the model registry is not installed: call registry.install() first")
