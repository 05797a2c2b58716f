"""Output files of entities and asset instances: paths from the project file tree, revisions,
creation and listings (zou-behaviour.md 3.12, Zou's ``files_service``).

An asset instance's output file is stored on the instance's asset (``entity_id``) with
``asset_instance_id`` and the temporal entity (shot, scene) it was made in.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field
from sqlalchemy import and_, func, select

from .. import events, rows
from ..bodies import Body
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import ApiError, NotFound
from ..models import (
    AssetInstance,
    Entity,
    FileStatus,
    OutputFile,
    OutputType,
    Person,
    Project,
    TaskType,
    WorkingFile,
)  # fmt: skip
from ..permissions import require_entity_access
from .crud import serialize_plain
from .entities import entity_kind
from .file_trees import MalformedFileTree, PathArgs, Subject, file_name, folder_path, subject_of
from .spec import Row, spec_for_table

DEFAULT_FILE_STATUS = "To review"
FILTERS = ("output_type_id", "task_type_id", "representation", "file_status_id", "name")


class OutputFilePathBody(Body):
    """Zou's OutputFilePathSchema."""

    model_config = ConfigDict(extra="ignore")
    name: str = "main"
    mode: str = "output"
    output_type_id: str = Field(..., min_length=1)
    task_type_id: str = Field(..., min_length=1)
    revision: int = 0
    extension: str = ""
    representation: str = ""
    separator: str = "/"


class NewOutputFileBody(Body):
    """Zou's NewOutputFileSchema (``mode`` is read and ignored: new files are ``output``)."""

    model_config = ConfigDict(extra="ignore")
    name: str = "main"
    mode: str = "output"
    output_type_id: str = Field(..., min_length=1)
    task_type_id: str = Field(..., min_length=1)
    person_id: str | None = None
    working_file_id: str | None = None
    comment: str = ""
    revision: int = 0
    extension: str = ""
    representation: str = ""
    nb_elements: int = 1
    sep: str = "/"
    file_status_id: str | None = None


class NextRevisionBody(Body):
    model_config = ConfigDict(extra="ignore")
    name: str = "main"
    output_type_id: str = Field(..., min_length=1)
    task_type_id: str = Field(..., min_length=1)


# ==== look-ups ================================================================================
async def lookup(ctx: Ctx, model: Any, row_id: Any) -> Row | None:
    """The row, None when the id is unknown or not a UUID (Zou's get_instance)."""
    return await rows.fetch_one(ctx.conn, model, row_id.lower()) if is_valid_id(row_id) else None


async def lookup_or_404(ctx: Ctx, model: Any, row_id: Any) -> Row:
    row = await lookup(ctx, model, row_id)
    if row is None:
        raise NotFound()
    return row


async def _asset_or_404(ctx: Ctx, asset_id: str) -> Row:
    asset = await lookup_or_404(ctx, Entity, asset_id)
    if await entity_kind(ctx, asset) != "Asset":
        raise NotFound()
    return asset


async def _project(ctx: Ctx, entity: Row) -> Row:
    return await rows.fetch_or_404(ctx.conn, Project, entity["project_id"])


async def _member_instance(ctx: Ctx, instance_id: str, *, asset_only: bool = True) -> Row:
    """The instance, the member check on its asset's project (Zou checks neither the
    temporal entity nor its project)."""
    instance = await lookup_or_404(ctx, AssetInstance, instance_id)
    asset = (
        await _asset_or_404(ctx, instance["asset_id"])
        if asset_only
        else await lookup_or_404(ctx, Entity, instance["asset_id"])
    )
    ctx.me.require_member(asset["project_id"])
    return instance


def _where(values: dict[str, Any]) -> list[Any]:
    """Equality conditions for the given columns, ``IS NULL`` for None."""
    return [
        getattr(OutputFile, key).is_(None) if value is None else getattr(OutputFile, key) == value
        for key, value in values.items()
    ]


def _filters(params: dict[str, str], names: tuple[str, ...] = FILTERS) -> list[Any]:
    """The optional listing filters; an empty value leaves its filter out (as Zou)."""
    return [getattr(OutputFile, name) == params[name] for name in names if params.get(name)]


async def present(ctx: Ctx, found: list[Row]) -> list[dict[str, Any]]:
    """Output files on the wire, with their ``source_file`` (one query for all)."""
    spec = spec_for_table("output_file")
    return await spec.hooks.present(ctx, spec, found, serialize_plain(spec, found), "list")


async def _listing(ctx: Ctx, *conditions: Any, order: Any = None) -> list[dict[str, Any]]:
    found = await rows.fetch_where(
        ctx.conn, OutputFile, *conditions, order_by=order if order is not None else []
    )
    return await present(ctx, found)


# ==== revisions ===============================================================================
async def last_revision(
    ctx: Ctx,
    entity_id: str,
    output_type_id: str,
    task_type_id: str,
    name: str,
    instance_id: str | None = None,
    temporal_entity_id: str | None = None,
) -> int:
    """The highest revision (> 0) of that output, 0 when none. For an entity it counts its
    instances' files too, as Zou does."""
    scope = (
        [OutputFile.entity_id == entity_id]
        if instance_id is None
        else _where({"asset_instance_id": instance_id, "temporal_entity_id": temporal_entity_id})
    )
    query = select(func.max(OutputFile.revision)).where(
        OutputFile.output_type_id == output_type_id,
        OutputFile.task_type_id == task_type_id,
        OutputFile.name == name,
        OutputFile.revision > 0,
        *scope,
    )
    return (await ctx.conn.execute(query)).scalar() or 0


async def next_entity_revision(ctx: Ctx, entity_id: str, body: NextRevisionBody) -> dict:
    entity = await lookup_or_404(ctx, Entity, entity_id)
    output_type = await lookup_or_404(ctx, OutputType, body.output_type_id)
    task_type = await lookup_or_404(ctx, TaskType, body.task_type_id)
    ctx.me.require_member(entity["project_id"])
    last = await last_revision(ctx, entity["id"], output_type["id"], task_type["id"], body.name)
    return {"next_revision": last + 1}


async def next_instance_revision(
    ctx: Ctx, instance_id: str, temporal_entity_id: str, body: NextRevisionBody
) -> dict:
    instance = await lookup_or_404(ctx, AssetInstance, instance_id)
    asset = await lookup_or_404(ctx, Entity, instance["asset_id"])
    output_type = await lookup_or_404(ctx, OutputType, body.output_type_id)
    task_type = await lookup_or_404(ctx, TaskType, body.task_type_id)
    ctx.me.require_member(asset["project_id"])
    last = await last_revision(
        ctx, asset["id"], output_type["id"], task_type["id"], body.name,
        instance["id"], temporal_entity_id.lower(),
    )  # fmt: skip
    return {"next_revision": last + 1}


# ==== paths ===================================================================================
async def entity_output_file_path(
    ctx: Ctx, entity_id: str, body: OutputFilePathBody
) -> dict[str, str]:
    """``{folder_path, file_name}``; the folder takes the revision given (0 included), the
    name the next revision when 0 is given, as Zou. Raises MalformedFileTree."""
    entity = await lookup_or_404(ctx, Entity, entity_id)
    await require_entity_access(ctx, entity)
    output_type = await lookup_or_404(ctx, OutputType, body.output_type_id)
    task_type = await lookup_or_404(ctx, TaskType, body.task_type_id)
    revision = body.revision or 1 + await last_revision(
        ctx, entity["id"], output_type["id"], task_type["id"], body.name
    )
    subject = await subject_of(ctx, await _project(ctx, entity), entity)
    args = PathArgs(
        mode=body.mode, name=body.name, representation=body.representation,
        sep=body.separator, task_type=task_type, output_type=output_type,
    )  # fmt: skip
    return {
        "folder_path": await folder_path(ctx, subject, args, body.revision),
        "file_name": await file_name(ctx, subject, args, revision),
    }


async def _instance_subject(ctx: Ctx, instance_id: str, temporal_entity_id: str) -> Subject:
    instance = await lookup_or_404(ctx, AssetInstance, instance_id)
    temporal = await lookup_or_404(ctx, Entity, temporal_entity_id)
    asset = await _asset_or_404(ctx, instance["asset_id"])
    return await subject_of(ctx, await _project(ctx, temporal), temporal, instance, asset)


async def instance_output_file_path(
    ctx: Ctx, instance_id: str, temporal_entity_id: str, body: OutputFilePathBody
) -> dict[str, str]:
    """The instance's paths inside a temporal entity; both take the revision given (0 is
    ``v000``), as Zou. Raises MalformedFileTree."""
    subject = await _instance_subject(ctx, instance_id, temporal_entity_id)
    output_type = await lookup_or_404(ctx, OutputType, body.output_type_id)
    task_type = await lookup_or_404(ctx, TaskType, body.task_type_id)
    await require_entity_access(ctx, subject.asset)
    args = PathArgs(
        mode=body.mode, name=body.name, representation=body.representation,
        sep=body.separator, task_type=task_type, output_type=output_type,
    )  # fmt: skip
    return {
        "folder_path": await folder_path(ctx, subject, args, body.revision),
        "file_name": await file_name(ctx, subject, args, body.revision),
    }


# ==== creation ================================================================================
async def _default_file_status(ctx: Ctx) -> str:
    status = await rows.first_where(ctx.conn, FileStatus, FileStatus.name == DEFAULT_FILE_STATUS)
    if status is None:
        status = await rows.insert_row(
            ctx.conn, FileStatus, {"name": DEFAULT_FILE_STATUS, "color": "#FFFFFF"}
        )
    return status["id"]


async def _create(
    ctx: Ctx, subject: Subject, asset_or_entity: Row, body: NewOutputFileBody, error_key: str
) -> tuple[dict[str, Any], int]:
    """Zou's create_new_output_revision + add_path_info. The paths are rendered before the
    insert, so a malformed tree leaves no row behind (Zou keeps a path-less one)."""

    def refused(message: str) -> ApiError:
        return ApiError(400, {error_key: message})

    output_type = await lookup(ctx, OutputType, body.output_type_id)
    if output_type is None:
        raise refused("Cannot find given output type.")
    task_type = await lookup_or_404(ctx, TaskType, body.task_type_id)
    person = await lookup(ctx, Person, body.person_id) if body.person_id else ctx.me.person
    if person is None:
        raise refused("Cannot find given person.")
    working_file = await lookup(ctx, WorkingFile, body.working_file_id)
    instance = subject.instance
    keys = {
        "name": body.name,
        "entity_id": asset_or_entity["id"],
        "asset_instance_id": instance["id"] if instance else None,
        "output_type_id": output_type["id"],
        "task_type_id": task_type["id"],
        "temporal_entity_id": subject.entity["id"] if instance else None,
        "representation": body.representation,
    }
    revision = body.revision
    if revision < 1:
        revision = 1 + await last_revision(
            ctx, asset_or_entity["id"], output_type["id"], task_type["id"], body.name,
            keys["asset_instance_id"], keys["temporal_entity_id"],
        )  # fmt: skip
    file_status_id = body.file_status_id or await _default_file_status(ctx)
    taken = await rows.first_where(ctx.conn, OutputFile, *_where({**keys, "revision": revision}))
    # An unknown file status is an integrity error in Zou, answered as a taken revision.
    if taken is not None or await lookup(ctx, FileStatus, file_status_id) is None:
        raise refused("The given output file already exists.")
    args = PathArgs(
        mode="output", name=body.name, representation=body.representation, sep=body.sep,
        task_type=task_type, output_type=output_type,
    )  # fmt: skip
    try:
        folder = await folder_path(ctx, subject, args, revision)
        name = await file_name(ctx, subject, args, revision, 1 if instance else body.nb_elements)
    except MalformedFileTree as error:
        raise refused(str(error)) from None
    row = await rows.insert_row(
        ctx.conn,
        OutputFile,
        {
            **keys,
            "revision": revision,
            "comment": body.comment,
            "extension": body.extension,
            "nb_elements": body.nb_elements,
            "person_id": person["id"],
            "source_file_id": working_file["id"] if working_file else None,
            "file_status_id": file_status_id.lower(),
            "path": f"{folder}{body.sep}{name}{body.extension}",
        },
    )
    await events.emit(
        ctx, "output-file:new", {"output_file_id": row["id"]}, asset_or_entity["project_id"]
    )
    item = (await present(ctx, [row]))[0]
    return {**item, "folder_path": folder, "file_name": name}, 201


async def new_entity_output_file(
    ctx: Ctx, entity_id: str, body: NewOutputFileBody
) -> tuple[dict[str, Any], int]:
    entity = await lookup_or_404(ctx, Entity, entity_id)
    ctx.me.require_member(entity["project_id"])
    subject = await subject_of(ctx, await _project(ctx, entity), entity)
    return await _create(ctx, subject, entity, body, "error")


async def new_instance_output_file(
    ctx: Ctx, instance_id: str, temporal_entity_id: str, body: NewOutputFileBody
) -> tuple[dict[str, Any], int]:
    subject = await _instance_subject(ctx, instance_id, temporal_entity_id)
    ctx.me.require_member(subject.asset["project_id"])
    return await _create(ctx, subject, subject.asset, body, "message")


# ==== listings ================================================================================
async def _member_entity(ctx: Ctx, entity_id: str) -> Row:
    entity = await lookup_or_404(ctx, Entity, entity_id)
    ctx.me.require_member(entity["project_id"])
    return entity


async def entity_output_files(ctx: Ctx, entity_id: str) -> list[dict[str, Any]]:
    entity = await _member_entity(ctx, entity_id)
    return await _listing(
        ctx,
        OutputFile.entity_id == entity["id"],
        OutputFile.asset_instance_id.is_(None),
        OutputFile.temporal_entity_id.is_(None),
        OutputFile.revision >= 0,
        *_filters(ctx.params),
        order=OutputFile.revision.desc(),
    )


async def instance_output_files(ctx: Ctx, instance_id: str) -> list[dict[str, Any]]:
    instance = await _member_instance(ctx, instance_id)
    return await _listing(
        ctx,
        OutputFile.asset_instance_id == instance["id"],
        OutputFile.revision >= 0,
        *_filters(ctx.params, ("temporal_entity_id", *FILTERS)),
        order=OutputFile.revision.desc(),
    )


async def _last_revisions(ctx: Ctx, scope: list[Any], group: list[Any]) -> list[dict[str, Any]]:
    """The files holding the highest revision of each (group columns, task type, output type,
    name, representation), in one query; ``file_status_id`` also groups when it filters."""
    columns = [
        *group, OutputFile.task_type_id, OutputFile.output_type_id, OutputFile.name,
        OutputFile.representation,
    ]  # fmt: skip
    grouped = [*columns]
    if ctx.params.get("file_status_id"):
        grouped.append(OutputFile.file_status_id)
    latest = (
        select(*grouped, func.max(OutputFile.revision).label("top"))
        .where(*scope, *_filters(ctx.params))
        .group_by(*grouped)
        .subquery()
    )
    query = (
        select(OutputFile)
        .join(
            latest,
            and_(
                *(column == latest.c[column.key] for column in columns),
                OutputFile.revision == latest.c.top,
            ),
        )
        .where(*scope)
    )
    found = [dict(row) for row in (await ctx.conn.execute(query)).mappings()]
    return await present(ctx, found)


async def entity_last_revisions(ctx: Ctx, entity_id: str) -> list[dict[str, Any]]:
    entity = await _member_entity(ctx, entity_id)
    scope = [OutputFile.entity_id == entity["id"], OutputFile.asset_instance_id.is_(None)]
    return await _last_revisions(ctx, scope, [])


async def instance_last_revisions(
    ctx: Ctx, instance_id: str, temporal_entity_id: str
) -> list[dict[str, Any]]:
    instance = await _member_instance(ctx, instance_id, asset_only=False)
    scope = [
        OutputFile.asset_instance_id == instance["id"],
        OutputFile.temporal_entity_id == temporal_entity_id.lower(),
    ]
    return await _last_revisions(
        ctx, scope, [OutputFile.asset_instance_id, OutputFile.temporal_entity_id]
    )


async def _output_types(ctx: Ctx, *conditions: Any) -> list[dict[str, Any]]:
    query = (
        select(OutputType)
        .where(OutputType.id.in_(select(OutputFile.output_type_id).where(*conditions)))
        .order_by(OutputType.name)
    )
    found = [dict(row) for row in (await ctx.conn.execute(query)).mappings()]
    return serialize_plain(spec_for_table("output_type"), found)


async def entity_output_types(ctx: Ctx, entity_id: str) -> list[dict[str, Any]]:
    entity = await _member_entity(ctx, entity_id)
    return await _output_types(ctx, OutputFile.entity_id == entity["id"])


async def instance_output_types(
    ctx: Ctx, instance_id: str, temporal_entity_id: str
) -> list[dict[str, Any]]:
    instance = await _member_instance(ctx, instance_id, asset_only=False)
    return await _output_types(
        ctx,
        OutputFile.asset_instance_id == instance["id"],
        OutputFile.temporal_entity_id == temporal_entity_id.lower(),
    )


def _representation(ctx: Ctx) -> list[Any]:
    representation = ctx.params.get("representation")
    return [] if representation is None else [OutputFile.representation == representation]


async def entity_output_type_files(
    ctx: Ctx, entity_id: str, output_type_id: str
) -> list[dict[str, Any]]:
    entity = await lookup_or_404(ctx, Entity, entity_id)
    output_type = await lookup_or_404(ctx, OutputType, output_type_id)
    ctx.me.require_member(entity["project_id"])
    return await _listing(
        ctx,
        OutputFile.entity_id == entity["id"],
        OutputFile.asset_instance_id.is_(None),
        OutputFile.output_type_id == output_type["id"],
        *_representation(ctx),
        order=OutputFile.revision.desc(),
    )


async def instance_output_type_files(
    ctx: Ctx, instance_id: str, temporal_entity_id: str, output_type_id: str
) -> list[dict[str, Any]]:
    instance = await _member_instance(ctx, instance_id)
    output_type = await lookup_or_404(ctx, OutputType, output_type_id)
    return await _listing(
        ctx,
        OutputFile.asset_instance_id == instance["id"],
        OutputFile.output_type_id == output_type["id"],
        OutputFile.temporal_entity_id == temporal_entity_id.lower(),
        *_representation(ctx),
        order=OutputFile.revision.desc(),
    )
