"""The breakdown CSV imports (Zou's ``source/csv/assets.py``, ``shots.py``, ``edits.py``):
assets, shots and edits of a production, their metadata and their tasks.

What Zou creates on the fly, created here too (with the events of the matching routes): asset
types (when the production restricts none; a type the studio has but the production lacks is
added to it), episodes of a TV show, sequences. What it cannot resolve is a 400 naming the line
and the column (``csv_import.py`` says how a file is read and what differs from Zou).

Task columns, per task type of the production for the kind: ``<Task type>`` (a status name or
short name, any case), ``<Task type> comment`` and, for assets and shots, ``<Task type>
assignations`` (full names, e-mails or ids). A new entity gets its tasks (the asset type's
workflow for an asset); a status or comment cell posts a comment as ``POST
/actions/tasks/{id}/comment`` does, an assignation cell assigns. A column named after a task
type of the studio that the production does not use is accepted while its cells are empty.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select

from .. import events, rows
from ..context import Ctx
from ..errors import ApiError, WrongParameter
from ..models import (
    Entity,
    EntityType,
    ProjectAssetTypeLink,
    ProjectTaskTypeLink,
    Task,
    TaskStatus,
    TaskType,
)
from . import assignments, breakdown_create, breakdown_tasks, crud
from .breakdown import entity_spec
from .csv_import import (
    CsvRow,
    CsvTable,
    People,
    descriptor_values,
    descriptors_of,
    parse_int,
    rewrap,
    statuses_by_name,
)
from .entities import TEMPORAL_KINDS, temporal_type_ids
from .reviews import CommentArgs, create_comment
from .spec import Row, spec_for_table

ASSET_COLUMNS = ("Name", "Type", "Episode", "Description", "Resolution", "Ready for")
SHOT_COLUMNS = (
    "Episode", "Sequence", "Name", "Description", "Nb Frames", "Frames", "Frame In", "In",
    "Frame Out", "Out", "FPS", "Resolution",
)  # fmt: skip
EDIT_COLUMNS = ("Name", "Episode", "Description")


@dataclass
class TaskUpdate:
    task_type: Row
    status: Row | None
    comment: str | None
    assignees: list[str]


@dataclass
class Scope:
    """What every row of one file reads: the production, its descriptors and task types."""

    project: Row
    kind: str
    update: bool
    descriptors: dict[str, Row]
    task_types: list[Row]
    statuses: dict[str, Row]
    people: People = field(default_factory=People)
    episodes: dict[str, str] = field(default_factory=dict)  # name -> id

    @property
    def project_id(self) -> str:
        return self.project["id"]

    @property
    def is_tv_show(self) -> bool:
        return self.project["production_type"] == "tvshow"


# ==== the three imports ======================================================================
async def import_assets(
    ctx: Ctx, project: Row, table: CsvTable, update: bool
) -> list[dict[str, Any]]:
    """POST /import/csv/projects/{p}/assets: an asset per row, matched by name and type."""
    scope = await _scope(ctx, project, "Asset", update)
    await _check_columns(ctx, scope, table, ("Name", "Type"), ASSET_COLUMNS, assignations=True)
    asset_types = AssetTypes(await _project_asset_types(ctx, scope.project_id))
    shot_task_types = await _task_types(ctx, scope, "Shot")
    ready_for = {task_type["name"]: task_type["id"] for task_type in shot_task_types}
    answer = []
    for row in table.rows:
        name = _required(row, "Name")
        type_name = _required(row, "Type")
        episode_id = await _asset_episode(ctx, scope, row)
        type_id = await asset_types.resolve(ctx, scope, row, type_name)
        entity = await rows.first_where(
            ctx.conn, Entity, Entity.project_id == scope.project_id, Entity.name == name,
            Entity.entity_type_id == type_id,
        )  # fmt: skip
        values: dict[str, Any] = {}
        if row.get("Description") is not None:
            values["description"] = row.get("Description")
        data = dict((entity or {}).get("data") or {})
        _set_text(data, "resolution", row, "Resolution")
        values["data"] = await descriptor_values(ctx, row, scope.descriptors, scope.people, data)
        cell = row.get("Ready for")
        if cell is not None:
            if cell != "" and cell not in ready_for:
                message = f"no shot task type of the production is named {cell!r}"
                raise row.error("Ready for", message)
            values["ready_for"] = ready_for.get(cell) if cell else None
        updates = await _task_updates(ctx, scope, row, assignations=True)
        try:
            if entity is None:
                created = await breakdown_create.create_asset(
                    ctx, scope.project_id, type_id, name, values.get("description"),
                    values["data"], False, episode_id,
                )  # fmt: skip
                entity = await rows.fetch_one(ctx.conn, Entity, created["id"])
                if values.get("ready_for"):
                    entity = await rows.update_row(
                        ctx.conn, Entity, entity["id"], {"ready_for": values["ready_for"]}
                    )
                await _apply_tasks(ctx, scope, row, entity, updates, create_all=True)
            elif update:
                body = {"name": name, "entity_type_id": type_id, "source_id": episode_id, **values}
                await crud.update(ctx, entity_spec(), entity["id"], body)
                await _apply_tasks(ctx, scope, row, entity, updates, create_all=True)
            else:  # left as it is, but a re-import repairs missing tasks (as in Zou)
                await breakdown_tasks.create_entity_tasks(ctx, entity, [])
        except ApiError as error:
            raise rewrap(row, None, error) from None
        answer.append(await _serialized(ctx, entity["id"]))
    return answer


async def import_shots(
    ctx: Ctx, project: Row, table: CsvTable, update: bool
) -> list[dict[str, Any]]:
    """POST /import/csv/projects/{p}/shots: a shot per row, matched by name in its sequence;
    episodes (TV shows) and sequences created when missing. Frames: ``Nb Frames`` or
    ``Frames``, ``Frame In`` or ``In``, ``Frame Out`` or ``Out`` (the count derived from the
    range when absent); ``FPS`` and ``Resolution`` go to ``data``."""
    scope = await _scope(ctx, project, "Shot", update)
    required = ("Episode", "Sequence", "Name") if scope.is_tv_show else ("Sequence", "Name")
    await _check_columns(ctx, scope, table, required, SHOT_COLUMNS, assignations=True)
    shot_type = (await temporal_type_ids(ctx))["Shot"]
    sequences: dict[tuple[str | None, str], str] = {}
    untasked: list[str] = []
    answer = []
    for row in table.rows:
        for column in required:
            _required(row, column)
        name = row.get("Name") or ""
        episode_id = None
        if not scope.is_tv_show and row.text("Episode") is not None:
            # Zou ignores it: a TV show's file imported into a film lost its episodes silently.
            raise row.error("Episode", "the production is not a TV show: leave it empty")
        try:
            if scope.is_tv_show:
                episode_id = await _episode_id(ctx, scope, row.get("Episode") or "")
            sequence_name = row.get("Sequence") or ""
            if (episode_id, sequence_name) not in sequences:
                sequence = await breakdown_create.create_sequence(
                    ctx, scope.project_id, episode_id, sequence_name, None, None
                )
                sequences[(episode_id, sequence_name)] = sequence["id"]
        except ApiError as error:
            raise rewrap(row, "Sequence", error) from None
        sequence_id = sequences[(episode_id, sequence_name)]
        entity = await rows.first_where(
            ctx.conn, Entity, Entity.project_id == scope.project_id, Entity.name == name,
            Entity.parent_id == sequence_id, Entity.entity_type_id == shot_type,
        )  # fmt: skip
        values = await _shot_values(ctx, scope, row, entity)
        updates = await _task_updates(ctx, scope, row, assignations=True)

        def new_shot(values=values, sequence_id=sequence_id, name=name) -> Any:
            return breakdown_create.create_shot(
                ctx, scope.project_id, sequence_id, name, values["data"],
                values.get("nb_frames", 0), values.get("description"),
            )  # fmt: skip

        entity = await _create_or_update(
            ctx, scope, row, entity, values, updates, untasked, update, new_shot
        )
        answer.append(await _serialized(ctx, entity["id"]))
    await _create_tasks_of(ctx, scope, untasked)
    return answer


async def _create_or_update(
    ctx: Ctx, scope: Scope, row: CsvRow, entity: Row | None, values: dict[str, Any], updates: Any,
    untasked: list[str], update: bool, create: Callable[[], Awaitable[Row]],
) -> Row:  # fmt: skip
    """A shot or an edit of the file: made by ``create`` when missing (its tasks after the
    file), else updated when ``update`` is asked; a refusal names the row."""
    try:
        if entity is None:
            created = await create()
            entity = await rows.fetch_one(ctx.conn, Entity, created["id"])
            await _new_entity_tasks(ctx, scope, row, entity, updates, untasked)
        elif update:
            await crud.update(ctx, entity_spec(), entity["id"], values)
            await _apply_tasks(ctx, scope, row, entity, updates, create_all=False)
    except ApiError as error:
        raise rewrap(row, None, error) from None
    return entity


async def import_edits(
    ctx: Ctx, project: Row, table: CsvTable, update: bool
) -> list[dict[str, Any]]:
    """POST /import/csv/projects/{p}/edits: an edit per row, matched by name in its episode
    (TV shows: episodes created when missing)."""
    scope = await _scope(ctx, project, "Edit", update)
    await _check_columns(ctx, scope, table, ("Name",), EDIT_COLUMNS, assignations=False)
    edit_type = (await temporal_type_ids(ctx))["Edit"]
    untasked: list[str] = []
    answer = []
    for row in table.rows:
        name = _required(row, "Name")
        episode_name = row.text("Episode")
        episode_id = None
        if episode_name is not None:
            if not scope.is_tv_show:
                raise row.error("Episode", "the production is not a TV show: leave it empty")
            try:
                episode_id = await _episode_id(ctx, scope, episode_name)
            except ApiError as error:
                raise rewrap(row, "Episode", error) from None
        parent = (
            Entity.parent_id.is_(None) if episode_id is None else Entity.parent_id == episode_id
        )
        entity = await rows.first_where(
            ctx.conn, Entity, Entity.project_id == scope.project_id, Entity.name == name,
            Entity.entity_type_id == edit_type, parent,
        )  # fmt: skip
        values: dict[str, Any] = {}
        if row.get("Description") is not None:
            values["description"] = row.get("Description")
        values["data"] = await descriptor_values(
            ctx, row, scope.descriptors, scope.people, (entity or {}).get("data")
        )
        updates = await _task_updates(ctx, scope, row, assignations=False)

        def new_edit(values=values, episode_id=episode_id, name=name) -> Any:
            return breakdown_create.create_edit(
                ctx, scope.project_id, episode_id, name, values.get("description", ""),
                values["data"],
            )  # fmt: skip

        entity = await _create_or_update(
            ctx, scope, row, entity, values, updates, untasked, update, new_edit
        )
        answer.append(await _serialized(ctx, entity["id"]))
    await _create_tasks_of(ctx, scope, untasked)
    return answer


# ==== columns and cells ======================================================================
async def _scope(ctx: Ctx, project: Row, kind: str, update: bool) -> Scope:
    ctx.me.require_manager(project["id"])
    scope = Scope(
        project=project, kind=kind, update=update,
        descriptors=await descriptors_of(ctx, project["id"], kind),
        task_types=[], statuses=await statuses_by_name(ctx),
    )  # fmt: skip
    scope.task_types = await _task_types(ctx, scope, kind)
    return scope


async def _task_types(ctx: Ctx, scope: Scope, kind: str) -> list[Row]:
    """The production's task types for that kind (Zou's ``get_project_task_types_raw``)."""
    query = (
        select(TaskType.__table__)
        .join(ProjectTaskTypeLink, ProjectTaskTypeLink.task_type_id == TaskType.id)
        .where(ProjectTaskTypeLink.project_id == scope.project_id, TaskType.for_entity == kind)
        .order_by(TaskType.priority, TaskType.name)
    )
    return [dict(found) for found in (await ctx.conn.execute(query)).mappings()]


async def _check_columns(
    ctx: Ctx, scope: Scope, table: CsvTable, required: tuple[str, ...], fixed: tuple[str, ...],
    assignations: bool,
) -> None:  # fmt: skip
    suffixes = ("", " comment", " assignations") if assignations else ("", " comment")
    known = set(fixed) | set(scope.descriptors)
    known |= {f"{tt['name']}{suffix}" for tt in scope.task_types for suffix in suffixes}
    # A task type of the studio that the production does not use: its column may stay empty.
    studio_names = set((await ctx.conn.execute(select(TaskType.name))).scalars())
    unused = {
        f"{name}{suffix}" for name in studio_names for suffix in suffixes
    } - known  # fmt: skip
    columns = [column for column in table.columns if column in unused]
    table.check_columns(required, known | set(columns))
    for row in table.rows:
        for column in columns:
            if row.text(column) is not None:
                raise row.error(column, "the production does not use this task type")


def _required(row: CsvRow, column: str) -> str:
    value = row.get(column)
    if value is None or not value.strip():
        raise row.error(column, "cannot be empty")
    return value


async def _episode_id(ctx: Ctx, scope: Scope, name: str) -> str:
    """A TV show's episode by name, created (``running``) when missing, as Zou does."""
    if name not in scope.episodes:
        episode = await breakdown_create.create_episode(
            ctx, scope.project_id, name, "running", None, None
        )
        scope.episodes[name] = episode["id"]
    return scope.episodes[name]


async def _asset_episode(ctx: Ctx, scope: Scope, row: CsvRow) -> str | None:
    """``Episode`` of an asset: TV shows only; empty or ``MP`` (main pack) is none."""
    name = row.text("Episode")
    if name is None:
        return None
    if not scope.is_tv_show:
        raise row.error("Episode", "the production is not a TV show: leave it empty")
    if name == "MP":
        return None
    try:
        return await _episode_id(ctx, scope, name)
    except ApiError as error:
        raise rewrap(row, "Episode", error) from None


async def _project_asset_types(ctx: Ctx, project_id: str) -> dict[str, str]:
    query = (
        select(EntityType.name, EntityType.id)
        .join(ProjectAssetTypeLink, ProjectAssetTypeLink.asset_type_id == EntityType.id)
        .where(ProjectAssetTypeLink.project_id == project_id)
    )
    return {name.lower(): type_id for name, type_id in await ctx.conn.execute(query)}


@dataclass
class AssetTypes:
    """Zou's rule: a production listing its asset types is a closed list (a studio type it
    lacks is added to it, an unknown name is an error); one listing none takes any, and an
    unknown name creates the asset type (``asset-type:new``)."""

    in_project: dict[str, str]  # lower-case name -> id

    async def resolve(self, ctx: Ctx, scope: Scope, row: CsvRow, name: str) -> str:
        key = name.lower()
        if key in self.in_project:
            return self.in_project[key]
        found = await rows.first_where(ctx.conn, EntityType, func.lower(EntityType.name) == key)
        if found is not None and found["name"] in TEMPORAL_KINDS:
            raise row.error("Type", f"{name} is not an asset type")
        if self.in_project:
            if found is None:
                message = f"asset type {name} is not configured for this production"
                raise row.error("Type", message)
            await ctx.conn.execute(
                insert(ProjectAssetTypeLink).values(
                    project_id=scope.project_id, asset_type_id=found["id"]
                )
            )
            await events.emit(ctx, "project:update", {"project_id": scope.project_id})
            self.in_project[key] = found["id"]
            return found["id"]
        if found is None:
            found = await rows.insert_row(ctx.conn, EntityType, {"name": name})
            await events.emit(ctx, "asset-type:new", {"asset_type_id": found["id"]})
        return found["id"]


async def _shot_values(ctx: Ctx, scope: Scope, row: CsvRow, shot: Row | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if row.get("Description") is not None:
        values["description"] = row.get("Description")
    frames_column = "Nb Frames" if row.text("Nb Frames") is not None else "Frames"
    nb_frames = parse_int(row, frames_column)
    if nb_frames is not None:
        values["nb_frames"] = nb_frames
    data = dict((shot or {}).get("data") or {})
    for key, columns in (("frame_in", ("Frame In", "In")), ("frame_out", ("Frame Out", "Out"))):
        column = columns[0] if row.text(columns[0]) is not None else columns[1]
        value = parse_int(row, column)
        if value is not None:
            data[key] = value
    if "nb_frames" not in values:
        frame_in, frame_out = data.get("frame_in"), data.get("frame_out")
        if isinstance(frame_in, int) and isinstance(frame_out, int) and frame_out > frame_in:
            values["nb_frames"] = frame_out - frame_in + 1
    _set_text(data, "fps", row, "FPS")
    _set_text(data, "resolution", row, "Resolution")
    values["data"] = await descriptor_values(ctx, row, scope.descriptors, scope.people, data)
    return values


def _set_text(data: dict[str, Any], key: str, row: CsvRow, column: str) -> None:
    """``FPS`` and ``Resolution`` cells: an empty one leaves the value as it is (Zou stores
    ``""``, so that an export imported back gained ``fps: ""`` on every shot without one)."""
    if row.get(column):
        data[key] = row.get(column)


# ==== tasks ==================================================================================
async def _task_updates(
    ctx: Ctx, scope: Scope, row: CsvRow, assignations: bool
) -> list[TaskUpdate]:
    """Zou's ``get_tasks_update``: the task types whose status, comment or assignation cells
    say something on this row."""
    updates = []
    for task_type in scope.task_types:
        name = task_type["name"]
        status = None
        cell = row.text(name)
        if cell is not None:
            status = scope.statuses.get(cell.lower())
            if status is None:
                raise row.error(name, f"no task status is named {cell!r}")
        comment = row.get(f"{name} comment")
        assignees = (
            await scope.people.person_ids(ctx, row, f"{name} assignations") if assignations else []
        )
        if status is not None or comment not in (None, "") or assignees:
            updates.append(TaskUpdate(task_type, status, comment, assignees))
    return updates


async def _new_entity_tasks(
    ctx: Ctx, scope: Scope, row: CsvRow, entity: Row, updates: list[TaskUpdate],
    untasked: list[str],
) -> None:  # fmt: skip
    """A new shot or edit: its tasks now when the row changes one, else with the others at the
    end of the file, one statement per task type (as Zou creates them)."""
    if updates:
        await _apply_tasks(ctx, scope, row, entity, updates, create_all=True)
    else:
        untasked.append(entity["id"])


async def _create_tasks_of(ctx: Ctx, scope: Scope, entity_ids: list[str]) -> None:
    if not entity_ids:
        return
    for task_type in scope.task_types:
        await breakdown_tasks.create_tasks(
            ctx, scope.project_id, task_type["id"], scope.kind, entity_ids, {}
        )


async def _apply_tasks(
    ctx: Ctx, scope: Scope, row: CsvRow, entity: Row, updates: list[TaskUpdate],
    create_all: bool,
) -> None:  # fmt: skip
    """The entity's missing tasks (``create_all``), then each update: assignations, and a
    comment when the row gives one or a new status (a refused status change is skipped, as
    Zou skips its WrongParameterException)."""
    if create_all:
        await breakdown_tasks.create_entity_tasks(ctx, entity, [])
    if not updates:
        return
    tasks = {
        task["task_type_id"]: task
        for task in await rows.fetch_where(ctx.conn, Task, Task.entity_id == entity["id"])
    }
    for item in updates:
        type_id = item.task_type["id"]
        if type_id not in tasks:
            # A task type outside the asset type's workflow: the cell still makes its task.
            body = {"project_id": scope.project_id, "entity_id": entity["id"]}
            created = await crud.create(
                ctx, spec_for_table("task"), {**body, "task_type_id": type_id}
            )
            tasks[type_id] = await rows.fetch_one(ctx.conn, Task, created["id"])
        task = tasks[type_id]
        found = await breakdown_tasks.assignees_of(ctx, Task.id == task["id"])
        current = list(found.get(task["id"], []))
        for person_id in item.assignees:
            if person_id not in current:
                await assignments.assign(ctx, task["id"], person_id)
                current.append(person_id)
        status_changes = item.status is not None and item.status["id"] != task["task_status_id"]
        if item.comment is not None or status_changes:
            task = await rows.fetch_one(ctx.conn, Task, task["id"])
            status = item.status or await _status_of(ctx, task)
            args = CommentArgs(task_status_id=status["id"], text=item.comment or "")
            with contextlib.suppress(WrongParameter):  # the retake cap: Zou skips it too
                await create_comment(ctx, task, status, args, [])
            tasks[type_id] = await rows.fetch_one(ctx.conn, Task, task["id"])


async def _status_of(ctx: Ctx, task: Row) -> Row:
    return await rows.fetch_or_404(ctx.conn, TaskStatus, task["task_status_id"])


async def _serialized(ctx: Ctx, entity_id: str) -> dict[str, Any]:
    """The entity as Zou's ``Entity.serialize()``: its columns, ``type`` ``Entity``."""
    entity = await rows.fetch_one(ctx.conn, Entity, entity_id)
    item = crud.serialize_plain(entity_spec(), [entity])[0]
    item["type"] = "Entity"
    return item
