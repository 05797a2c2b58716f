"""The CSV imports that point at existing entities (Zou's ``source/csv/casting.py`` and
``task_type_estimations.py``): casting links, and the estimations and dates of one task type's
tasks. Entities are found by slugified names, as Zou finds them; one that is not found is a 400
naming the line and the column (Zou skips an unknown casting row silently and answers 500 for an
entity without a task of the type). ``csv_import.py`` says how a file is read.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from .. import events, rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import ApiError, NotFound, PermissionDenied
from ..models import Entity, EntityType, Organisation, Task, TaskType
from .breakdown_create import typed_or_404
from .casting_updates import cast_asset
from .csv_import import (
    CsvRow,
    CsvTable,
    People,
    descriptor_values,
    descriptors_of,
    parse_float,
    parse_int,
    rewrap,
)
from .entities import TEMPORAL_KINDS, temporal_type_ids
from .file_trees import slugify
from .spec import Row

CASTING_COLUMNS = ("Episode", "Parent", "Name", "Asset Type", "Asset", "Occurences", "Label")
ESTIMATION_COLUMNS = (
    "Parent", "Entity", "Estimation", "Drawings", "Start date", "Due date", "Difficulty",
)  # fmt: skip
DATE_FORMAT = "%Y-%m-%d"


def slug(value: str | None) -> str:
    return slugify(value or "", "-")


@dataclass
class Breakdown:
    """The production's entities by slugified names: assets by (type, name), shots by
    (episode, sequence, name), episodes by name."""

    assets: dict[tuple[str, str], str]
    shots: dict[tuple[str, str, str], str]
    episodes: dict[str, str]


async def read_breakdown(ctx: Ctx, project_id: str, episode_id: str | None = None) -> Breakdown:
    """``episode_id`` (an id) narrows assets to that episode and shots to its sequences."""
    kinds = await temporal_type_ids(ctx)
    type_names = dict((await ctx.conn.execute(select(EntityType.id, EntityType.name))).all())
    found = await rows.fetch_where(ctx.conn, Entity, Entity.project_id == project_id)
    by_id = {entity["id"]: entity for entity in found}
    breakdown = Breakdown({}, {}, {})
    for entity in found:
        type_name = type_names.get(entity["entity_type_id"])
        if type_name not in TEMPORAL_KINDS:
            if episode_id is None or entity["source_id"] == episode_id:
                breakdown.assets[(slug(type_name), slug(entity["name"]))] = entity["id"]
        elif entity["entity_type_id"] == kinds["Episode"]:
            breakdown.episodes[slug(entity["name"])] = entity["id"]
        elif entity["entity_type_id"] == kinds["Shot"]:
            sequence = by_id.get(entity["parent_id"] or "")
            if sequence is None:
                continue
            episode = by_id.get(sequence["parent_id"] or "")
            if episode_id is not None and sequence["parent_id"] != episode_id:
                continue
            key = (slug(episode["name"]) if episode else "", slug(sequence["name"]))
            breakdown.shots[(*key, slug(entity["name"]))] = entity["id"]
    return breakdown


# ==== casting ================================================================================
async def import_casting(ctx: Ctx, project: Row, table: CsvTable, update: bool) -> list[None]:
    """POST /import/csv/projects/{p}/casting: each row casts ``Asset`` (of ``Asset Type``) in
    the entity ``Parent`` / ``Name``: a shot (sequence / shot, in ``Episode`` for a TV show,
    ``MP`` or empty for none), an asset (asset type / asset) or an episode (``Episode`` /
    episode name). ``Occurences`` empty is 1, below 1 a 400 (Zou stores a link of 0); ``Label``
    is slugified (``fixed`` without the
    column). An existing link takes the new values whatever ``update`` says (as in Zou), with
    the casting routes' events. Zou answers one ``null`` per row."""
    ctx.me.require_manager(project["id"])
    required = ("Parent", "Name", "Asset Type", "Asset", "Occurences")
    table.check_columns(required, set(CASTING_COLUMNS))
    breakdown = await read_breakdown(ctx, project["id"])
    answer: list[None] = []
    for row in table.rows:
        asset_id = breakdown.assets.get((slug(row.get("Asset Type")), slug(row.get("Asset"))))
        if asset_id is None:
            raise row.error(
                "Asset", f"no asset {row.get('Asset')!r} of type {row.get('Asset Type')!r}"
            )
        target_id = _target(breakdown, row)
        if target_id is None:
            target = f"{row.get('Parent')!r} / {row.get('Name')!r}"
            raise row.error("Name", f"no shot, asset or episode {target}")
        occurences = 1
        if row.text("Occurences") is not None:
            occurences = parse_int(row, "Occurences") or 0
            if occurences < 1:
                raise row.error("Occurences", "must be 1 or more")
        label = slug(row.get("Label")) if table.has("Label") else "fixed"
        entity = await rows.fetch_one(ctx.conn, Entity, target_id)
        try:
            await cast_asset(ctx, entity, asset_id, occurences, label)
        except ApiError as error:
            raise rewrap(row, None, error) from None
        answer.append(None)
    return answer


def _target(breakdown: Breakdown, row: CsvRow) -> str | None:
    episode = row.get("Episode")
    episode = "" if episode in (None, "MP") else slug(episode)
    parent, name = slug(row.get("Parent")), slug(row.get("Name"))
    found = breakdown.shots.get((episode, parent, name))
    if found is None:
        found = breakdown.assets.get((parent, name))
    if found is None and f"{episode}{parent}" in ("episode", ""):
        found = breakdown.episodes.get(name)
    return found


# ==== estimations ============================================================================
async def estimations_task_type(
    ctx: Ctx, project: Row, task_type_id: str, episode_id: str | None
) -> Row:
    """The task type (404), the episode when given (404 unless an id of the production, or
    ``main`` / ``all``), then Zou's check: admins, the production's managers, its
    supervisors without department or of the task type's department."""
    if not is_valid_id(task_type_id):
        raise NotFound()
    task_type = await rows.fetch_or_404(ctx.conn, TaskType, task_type_id.lower())
    if episode_id is not None and episode_id not in ("main", "all"):
        await typed_or_404(ctx, "Episode", episode_id, project["id"])
    me = ctx.me
    if me.is_manager_of(project["id"]):
        return task_type
    supervisor = me.is_member(project["id"]) and me.role_in(project["id"]) == "supervisor"
    if supervisor and (not me.department_ids or task_type["department_id"] in me.department_ids):
        return task_type
    raise PermissionDenied()


async def import_estimations(
    ctx: Ctx, project: Row, task_type: Row, episode_id: str | None, table: CsvTable
) -> list[None]:
    """POST /import/csv/projects/{p}[/episodes/{e}]/task-types/{tt}/estimations: each row sets
    the estimation (days, or hours when the organisation shows hours), drawings, start and
    due dates (``YYYY-MM-DD``; the due date follows from the start and the estimation in
    business days when absent), difficulty and task descriptors of the task of that type of
    entity ``Parent`` (asset type or sequence) / ``Entity``. ``task:update`` each; Zou
    answers one ``null`` per row."""
    project_id = project["id"]
    descriptors = await descriptors_of(ctx, project_id, "Task", task_type["id"])
    table.check_columns(("Parent", "Entity"), set(ESTIMATION_COLUMNS) | set(descriptors))
    scoped = episode_id if episode_id not in (None, "main", "all") else None
    breakdown = await read_breakdown(ctx, project_id, scoped)
    entities: dict[tuple[str, str], str] = {}
    ambiguous: dict[tuple[str, str], list[str]] = {}
    if task_type["for_entity"] == "Asset":
        entities = breakdown.assets
    elif task_type["for_entity"] == "Shot":
        for (episode, parent, name), found in breakdown.shots.items():
            ambiguous.setdefault((parent, name), []).append(episode)
            entities[(parent, name)] = found
    organisation = await rows.first_where(ctx.conn, Organisation) or {}
    tasks = {
        task["entity_id"]: task
        for task in await rows.fetch_where(
            ctx.conn, Task, Task.project_id == project_id, Task.task_type_id == task_type["id"]
        )
    }
    people = People()
    answer: list[None] = []
    for row in table.rows:
        key = (slug(row.get("Parent")), slug(row.get("Entity")))
        if len(ambiguous.get(key, [])) > 1:
            # Zou takes one of them, silently: here the episode's route says which.
            episodes = ", ".join(sorted(ambiguous[key]))
            raise row.error(
                "Entity",
                f"shots of several episodes match ({episodes}): import through the route of "
                "one episode",
            )
        entity_id = entities.get(key)
        if entity_id is None:
            named = f"{row.get('Entity')!r} with parent {row.get('Parent')!r}"
            raise row.error("Entity", f"no entity {named}")
        task = tasks.get(entity_id)
        if task is None:
            raise row.error("Entity", f"{row.get('Entity')!r} has no {task_type['name']} task")
        values = _estimation_values(row, organisation)
        if any(row.get(name) is not None for name in descriptors):
            values["data"] = await descriptor_values(ctx, row, descriptors, people, task["data"])
        if values:
            task = await rows.update_row(ctx.conn, Task, task["id"], values)
            tasks[entity_id] = task
            await events.emit(ctx, "task:update", {"task_id": task["id"]}, project_id)
        answer.append(None)
    return answer


def _estimation_values(row: CsvRow, organisation: Row) -> dict[str, Any]:
    values: dict[str, Any] = {}
    hours_by_day = float(organisation.get("hours_by_day") or 8)
    in_hours = bool(organisation.get("format_duration_in_hours"))
    estimation = parse_float(row, "Estimation")
    days = None
    if estimation is not None:
        if in_hours:
            values["estimation"] = _whole(estimation * 60)
            days = _whole(estimation / hours_by_day)
        else:
            values["estimation"] = round(estimation * hours_by_day * 60)
            days = estimation
    drawings = parse_int(row, "Drawings")
    if drawings is not None:
        values["nb_drawings"] = drawings
    for column, key in (("Start date", "start_date"), ("Due date", "due_date")):
        value = row.text(column)
        if value is not None:
            try:
                values[key] = datetime.datetime.strptime(value, DATE_FORMAT)
            except ValueError:
                raise row.error(column, f"{value!r} is not a date (YYYY-MM-DD)") from None
    if "due_date" not in values and values.get("start_date") and values.get("estimation"):
        values["due_date"] = _add_business_days(values["start_date"], (days or 0) - 1)
    difficulty = parse_int(row, "Difficulty")
    if difficulty is not None:
        if not 1 <= difficulty <= 5:
            raise row.error("Difficulty", "must be between 1 and 5")
        values["difficulty"] = difficulty
    return values


def _whole(value: float) -> float:
    """Zou's ``snap_to_whole``: 122.99999999999999 minutes are 123."""
    whole = round(value)
    return whole if abs(value - whole) < 1e-6 else value


def _add_business_days(date: datetime.datetime, nb_days: float) -> datetime.datetime:
    while nb_days > 0:
        date += datetime.timedelta(days=1)
        if date.weekday() < 5:
            nb_days -= 1
    return date
