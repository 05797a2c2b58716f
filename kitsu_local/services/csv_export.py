"""The studio-wide CSV exports (Zou's ``blueprints/export/csv``): persons, projects, task types,
tasks of open projects and time spents of open projects.

Zou writes them with ``csv.writer(delimiter=";")`` (Python defaults: minimal quoting, ``\\r\\n``),
UTF-8 without BOM, one header row then one row per object, and answers
``Content-Disposition: attachment; filename=kitsu_<slug>.csv``. Only managers and admins (by their
global role) may export. The rows are produced while the query is read: an export is a header and
a query whose rows arrive in batches of ``BATCH`` (the names a batch needs, such as assignees,
are fetched per batch), so memory stays flat whatever the number of rows.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from ..context import Ctx
from ..db import Database
from ..errors import PermissionDenied
from ..models import (
    Department,
    DepartmentLink,
    Entity,
    EntityType,
    Person,
    Project,
    ProjectStatus,
    Studio,
    Task,
    TaskPersonLink,
    TaskStatus,
    TaskType,
    TimeSpent,
)
from .file_trees import slugify
from .quotas import caller_timezone

BATCH = 500
OPEN_STATUS_NAMES = ("Active", "open", "Open")  # what Zou's time spents export calls open
RowBuilder = Callable[[AsyncConnection, Sequence[Any]], Awaitable[list[list[Any]]]]


@dataclass
class CsvExport:
    """A CSV file to stream: its name (without ``kitsu_`` and ``.csv``), its header rows, the
    query (or queries, one after the other) of its body and how a batch of query rows becomes
    CSV rows."""

    file_name: str
    headers: list[list[Any]]
    query: Select[Any] | list[Select[Any]]
    build_rows: RowBuilder

    @property
    def attachment_name(self) -> str:
        return f"kitsu_{slugify(self.file_name, separator='_')}.csv"

    async def chunks(self, database: Database) -> AsyncIterator[str]:
        """The file's text, one chunk per batch of rows, read in its own read unit."""
        yield csv_text(self.headers)
        queries = self.query if isinstance(self.query, list) else [self.query]
        async with database.read() as conn:
            for query in queries:
                result = await conn.stream(query)
                async for batch in result.partitions(BATCH):
                    yield csv_text(await self.build_rows(conn, batch))


def csv_text(rows: Sequence[Sequence[Any]]) -> str:
    text = io.StringIO()
    csv.writer(text, delimiter=";").writerows(rows)
    return text.getvalue()


def require_exporter(ctx: Ctx) -> None:
    """Zou's ``check_manager_permissions`` outside any project: admin or manager."""
    if not ctx.me.has_manager_role():
        raise PermissionDenied()


# ==== persons ================================================================================
PERSON_HEADERS = [
    "First Name", "Last Name", "Email", "Phone", "Role", "Departments", "Studio", "Country",
    "Contract Type", "Position", "Seniority", "Daily Salary", "Active",
]  # fmt: skip


async def persons_export(ctx: Ctx) -> CsvExport:
    """People (no bots, guests or preview accounts) by first then last name, case-insensitive."""
    require_exporter(ctx)
    query = (
        select(Person, Studio.name.label("studio_name"))
        .outerjoin(Studio, Studio.id == Person.studio_id)
        .where(
            Person.is_bot.isnot(True),
            Person.is_guest.isnot(True),
            Person.preview_project_id.is_(None),
        )
        .order_by(func.lower(Person.first_name), func.lower(Person.last_name))
    )
    return CsvExport("people_export", [PERSON_HEADERS], query, _person_rows)


async def _person_rows(conn: AsyncConnection, batch: Sequence[Any]) -> list[list[Any]]:
    departments = await _names_by(
        conn,
        select(DepartmentLink.person_id, Department.name)
        .join(Department, Department.id == DepartmentLink.department_id)
        .where(DepartmentLink.person_id.in_([row.id for row in batch])),
    )
    return [
        [
            row.first_name,
            row.last_name,
            row.email,
            row.phone,
            row.role,
            ",".join(sorted(departments.get(row.id, []))),
            row.studio_name or "",
            row.country or "",
            row.contract_type,
            row.position or "",
            row.seniority or "",
            row.daily_salary if row.daily_salary is not None else "",
            "yes" if row.active else "no",
        ]
        for row in batch
    ]


# ==== projects and task types ================================================================
async def projects_export(ctx: Ctx) -> CsvExport:
    """Every project with its status name, by name."""
    require_exporter(ctx)
    query = (
        select(Project.name, ProjectStatus.name.label("status_name"))
        .join(ProjectStatus, Project.project_status_id == ProjectStatus.id)
        .order_by(Project.name)
    )
    return CsvExport("export", [["Name", "Status"]], query, _plain_rows)


async def task_types_export(ctx: Ctx) -> CsvExport:
    """Task types that have a department, by department then name (the file is named
    ``kitsu_export.csv``: Zou sets ``self.name``, not ``self.file_name``)."""
    require_exporter(ctx)
    query = (
        select(Department.name.label("department_name"), TaskType.name)
        .join(Department, TaskType.department_id == Department.id)
        .order_by(Department.name, TaskType.name)
    )
    return CsvExport("export", [["Department", "Name"]], query, _plain_rows)


async def _plain_rows(_conn: AsyncConnection, batch: Sequence[Any]) -> list[list[Any]]:
    return [list(row) for row in batch]


# ==== tasks ==================================================================================
TASK_HEADERS = [
    "Project", "Task Type", "Episode", "Sequence", "Entity Type", "Entity", "Assigner",
    "Assignees", "Duration", "Estimation", "Start date", "Due date", "WIP date",
    "Validation date", "Task Status",
]  # fmt: skip
SEQUENCE = Entity.__table__.alias("sequence")
EPISODE = Entity.__table__.alias("episode")
ASSIGNER = Person.__table__.alias("assigner")


async def tasks_export(ctx: Ctx) -> CsvExport:
    """The tasks of the projects whose status is Open, in Zou's order (its two ``order_by``
    calls add up: project, task type, task name, then episode, sequence, type and entity)."""
    require_exporter(ctx)
    query = (
        select(
            Task.id,
            Task.duration,
            Task.estimation,
            Task.start_date,
            Task.due_date,
            Task.real_start_date,
            Task.end_date,
            Project.name.label("project_name"),
            TaskType.name.label("task_type_name"),
            TaskStatus.name.label("task_status_name"),
            EPISODE.c.name.label("episode_name"),
            SEQUENCE.c.name.label("sequence_name"),
            EntityType.name.label("entity_type_name"),
            Entity.name.label("entity_name"),
            ASSIGNER.c.first_name.label("assigner_first_name"),
            ASSIGNER.c.last_name.label("assigner_last_name"),
        )
        .select_from(_with_task_context(Task.__table__))
        .join(TaskStatus, Task.task_status_id == TaskStatus.id)
        .outerjoin(ASSIGNER, Task.assigner_id == ASSIGNER.c.id)
        .where(ProjectStatus.name == "Open")
        .order_by(
            Project.name,
            TaskType.name,
            Task.name,
            Project.name,
            TaskType.name,
            EPISODE.c.name,
            SEQUENCE.c.name,
            EntityType.name,
            Entity.name,
        )
    )
    return CsvExport("tasks_export", [TASK_HEADERS], query, _task_rows)


async def _task_rows(conn: AsyncConnection, batch: Sequence[Any]) -> list[list[Any]]:
    assignees = await full_names_by_task(conn, [row.id for row in batch])
    return [
        [
            row.project_name,
            row.task_type_name,
            row.episode_name,
            row.sequence_name,
            row.entity_type_name,
            row.entity_name,
            _assigner_name(row.assigner_first_name, row.assigner_last_name),
            ", ".join(assignees.get(row.id, [])),
            row.duration,
            row.estimation,
            _day(row.start_date),
            _day(row.due_date),
            _day(row.real_start_date),
            _day(row.end_date),
            row.task_status_name,
        ]
        for row in batch
    ]


def _assigner_name(first_name: str | None, last_name: str | None) -> str:
    return " ".join(part for part in (first_name, last_name) if part is not None)


# ==== time spents ============================================================================
TIME_SPENT_HEADERS = [
    "Project", "Person", "Entity Type Name", "Entity", "Task Type", "Date", "Time spent",
]  # fmt: skip


async def time_spents_export(ctx: Ctx) -> CsvExport:
    """Time spents of open projects by date, person's last name, project, type and entity;
    a shot is named ``[Episode / ]Sequence / Shot``. The file name starts with today's date in
    the caller's timezone."""
    require_exporter(ctx)
    query = (
        select(
            TimeSpent.date,
            TimeSpent.duration,
            Project.name.label("project_name"),
            EntityType.name.label("entity_type_name"),
            Entity.name.label("entity_name"),
            SEQUENCE.c.name.label("sequence_name"),
            EPISODE.c.name.label("episode_name"),
            TaskType.name.label("task_type_name"),
            Person.first_name,
            Person.last_name,
        )
        .select_from(
            _with_task_context(TimeSpent.__table__.join(Task, TimeSpent.task_id == Task.id))
        )
        .join(Person, TimeSpent.person_id == Person.id)
        .where(ProjectStatus.name.in_(OPEN_STATUS_NAMES))
        .order_by(TimeSpent.date, Person.last_name, Project.name, EntityType.name, Entity.name)
    )
    today = _today(ctx)
    return CsvExport(
        f"{today}_open_projects_time_spents_export",
        [TIME_SPENT_HEADERS],
        query,
        _time_spent_rows,
    )


async def _time_spent_rows(_conn: AsyncConnection, batch: Sequence[Any]) -> list[list[Any]]:
    return [
        [
            row.project_name,
            f"{row.first_name} {row.last_name}".strip(),
            row.entity_type_name,
            _shot_name(row) if row.entity_type_name == "Shot" else row.entity_name,
            row.task_type_name,
            _day(row.date),
            row.duration,
        ]
        for row in batch
    ]


def _shot_name(row: Any) -> str:
    parts = [row.episode_name, row.sequence_name, row.entity_name]
    return " / ".join(part for part in parts if part is not None)


def _today(ctx: Ctx) -> str:
    zone = caller_timezone(ctx)
    return datetime.datetime.now(tz=datetime.UTC).astimezone(zone).strftime("%Y-%m-%d")


# ==== helpers ================================================================================
def _with_task_context(source: Any) -> Any:
    """A FROM clause holding ``task`` joined with its project (and status), task type, entity
    (and type) and, when there are, the entity's sequence and that sequence's episode."""
    return (
        source.join(Project, Task.project_id == Project.id)
        .join(ProjectStatus, Project.project_status_id == ProjectStatus.id)
        .join(TaskType, Task.task_type_id == TaskType.id)
        .join(Entity, Task.entity_id == Entity.id)
        .join(EntityType, Entity.entity_type_id == EntityType.id)
        .outerjoin(SEQUENCE, SEQUENCE.c.id == Entity.parent_id)
        .outerjoin(EPISODE, EPISODE.c.id == SEQUENCE.c.parent_id)
    )


async def full_names_by_task(conn: AsyncConnection, task_ids: list[str]) -> dict[str, list[str]]:
    """``{task id: [assignee full name, ...]}``."""
    return await _names_by(
        conn,
        select(TaskPersonLink.task_id, Person.first_name, Person.last_name)
        .join(Person, Person.id == TaskPersonLink.person_id)
        .where(TaskPersonLink.task_id.in_(task_ids)),
        full_name=True,
    )


async def _names_by(
    conn: AsyncConnection, query: Select[Any], full_name: bool = False
) -> dict[str, list[str]]:
    """``{key: [name, ...]}`` from a query of ``(key, name)`` or ``(key, first, last)`` rows."""
    names: dict[str, list[str]] = {}
    for row in await conn.execute(query):
        name = _full_name(row[1], row[2]) if full_name else row[1]
        names.setdefault(row[0], []).append(name)
    return names


def _full_name(first_name: str | None, last_name: str | None) -> str:
    """Zou's ``Person.full_name``."""
    if first_name and last_name:
        return f"{first_name} {last_name}"
    return f"{first_name or ''}{last_name or ''}"


def _day(value: datetime.date | datetime.datetime | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value[:10]
    return value.strftime("%Y-%m-%d")
