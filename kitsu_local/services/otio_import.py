"""The OTIO import (Zou's ``source/otio`` blueprint): the shots of an editorial timeline (OTIO,
EDL or any format an installed ``opentimelineio`` adapter reads), found by their clip names,
created or updated with their frame range.

As Zou does it: the adapter comes from the file's extension (an EDL is read at the project's
fps); each clip of a video track whose name, under the naming convention, is an existing shot
updates that shot's ``frame_in`` / ``frame_out`` (in ``data``) and ``nb_frames``; any other
clip names a sequence and a shot that are created when missing; created shots get a task of
each shot task type of the project. The answer is ``{"updated_shots", "created_shots"}``.

Unlike Zou, the import is one transaction: a clip that names no shot, or a file that cannot be
read, is a 400 and nothing is written (Zou keeps the shots saved before the failing clip).
"""

from __future__ import annotations

import logging
import os
import pathlib
import re
import uuid
from string import Template
from typing import Any

import anyio
from sqlalchemy import select

from .. import rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import MALFORMED_BODY_MESSAGE, NOT_FOUND_MESSAGE, BadRequest, WrongParameter
from ..models import Entity, Project, ProjectTaskTypeLink, TaskType
from . import breakdown, breakdown_create, breakdown_tasks
from .entities import temporal_type_ids
from .previews import Upload
from .spec import Row

log = logging.getLogger(__name__)

NAMING_CONVENTION = "${project_name}_${sequence_name}-${shot_name}"
EPISODE_NAMING_CONVENTION = "${project_name}_${episode_name}-${sequence_name}-${shot_name}"
DEFAULT_FPS = "25.00"
# Zou's placeholders -> named groups; the rest of the convention is used as a regex as it is.
PLACEHOLDER_PATTERNS = {
    "${project_name}": r"(?P<project_name>\w*)",
    "$project_name": r"(?P<project_name>\w*)",
    "${episode_name}": r"(?P<episode_name>\w*)",
    "$episode_name": r"(?P<episode_name>\w*)",
    "${sequence_name}": r"(?P<sequence_name>\w*)",
    "$sequence_name": r"(?P<sequence_name>\w*)",
    "${shot_name}": r"(?P<shot_name>\w*)",
    "$shot_name": r"(?P<shot_name>\w*)",
}
PROJECT_NOT_FOUND = f"ProjectNotFoundException: {NOT_FOUND_MESSAGE}"
EPISODE_NOT_FOUND = f"EpisodeNotFoundException: {NOT_FOUND_MESSAGE}"
NO_MATCH = "KeyError: 'No matched value while extracting shot informations.'"
NO_SEQUENCE = "KeyError: 'No sequence name found while extracting shot informations.'"
NO_SHOT = "KeyError: 'No shot name found while extracting shot informations.'"


def import_options(values: dict[str, Any], default_convention: str) -> tuple[str, bool]:
    """``naming_convention`` and ``match_case`` (Zou's boolean: true/1/on, false/0)."""
    convention = values.get("naming_convention")
    convention = default_convention if convention is None else str(convention)
    match_case = values.get("match_case", True)
    if isinstance(match_case, bool):
        return convention, match_case
    flag = match_case.lower() if isinstance(match_case, str) else None
    if flag not in ("true", "1", "on", "false", "0"):
        raise WrongParameter("Wrong value for parameter match_case.")
    return convention, flag in ("true", "1", "on")


async def import_timeline(
    ctx: Ctx,
    project_id: str,
    episode_id: str | None,
    upload: Upload | None,
    naming_convention: str,
    match_case: bool,
) -> dict[str, list[dict[str, Any]]]:
    """POST /import/otio/projects/{id}[/episodes/{id}]: managers of the project."""
    ctx.me.require_manager(project_id.lower() if is_valid_id(project_id) else project_id)
    if upload is None:
        raise BadRequest(MALFORMED_BODY_MESSAGE)
    project = (
        await rows.fetch_one(ctx.conn, Project, project_id.lower())
        if is_valid_id(project_id)
        else None
    )
    timeline = await _read_upload(upload, project)
    if project is None:
        raise BadRequest(PROJECT_NOT_FOUND)
    run = _Import(ctx, project, episode_id, naming_convention, match_case)
    await run.prepare()
    result: dict[str, list[dict[str, Any]]] = {"updated_shots": [], "created_shots": []}
    try:
        video_tracks = timeline.video_tracks()
    except AttributeError as error:  # an OTIO file holding something else than a timeline
        raise BadRequest(f"AttributeError: {error}") from None
    for track in video_tracks:
        for clip in track:
            if _is_clip(clip):
                await run.import_clip(clip, result)
    await run.create_tasks(result["created_shots"])
    return result


# ---- reading the file ------------------------------------------------------------------------
async def _read_upload(upload: Upload, project: Row | None) -> Any:
    """The timeline of the uploaded file, read by the adapter of its extension (in a worker
    thread: parsing a long edit must not hold the event loop)."""
    extension = re.sub(r"[^A-Za-z0-9.]", "", os.path.splitext(upload.file_name or "")[1])
    # The adapters pick the format by the file's suffix: the upload gets one, as in Zou.
    path = upload.path.rename(upload.path.with_name(f"{uuid.uuid4()}{extension}"))
    suffix = pathlib.Path(path).suffix.lstrip(".").lower()
    return await anyio.to_thread.run_sync(
        _read_timeline, path, suffix, project, upload.file_name or ""
    )


def _read_timeline(path: pathlib.Path, suffix: str, project: Row | None, file_name: str) -> Any:
    import opentimelineio as otio  # heavy: loaded on the first import only

    supported = otio.adapters.suffixes_with_defined_adapters(read=True)
    if suffix not in supported:
        raise WrongParameter(
            f"Unsupported file type '.{suffix}'. Supported formats: {', '.join(sorted(supported))}."
        )
    try:
        options: dict[str, Any] = {}
        if suffix == "edl":
            if project is None:
                raise LookupError(NOT_FOUND_MESSAGE)
            options["rate"] = float(project["fps"] or DEFAULT_FPS)
            options["ignore_timecode_mismatch"] = True
        return otio.adapters.read_from_file(str(path), **options)
    except Exception as error:  # any reading failure of the library is the file's fault
        # Zou's message names its temporary file; this one names the uploaded file instead.
        message = str(error).replace(str(path), file_name)
        raise WrongParameter(f"Failed to parse OTIO file: {message}") from None


def _is_clip(item: Any) -> bool:
    import opentimelineio as otio

    return isinstance(item, otio.schema.Clip)


# ---- one import ------------------------------------------------------------------------------
class _Import:
    """The state of one import: the known sequences and shots, keyed as Zou keys them."""

    def __init__(
        self, ctx: Ctx, project: Row, episode_id: str | None, convention: str, match_case: bool
    ):
        self.ctx = ctx
        self.project = project
        self.episode_id = episode_id
        self.episode: Row | None = None
        self.convention = convention
        self.match_case = match_case
        self.sequence_ids: dict[str, str] = {}  # name -> id, of the sequences used so far
        self.shot_ids: dict[str, str] = {}  # clip name (as the convention spells it) -> id
        self.pattern: re.Pattern[str] | None = None

    async def prepare(self) -> None:
        """Zou's ``prepare_import``, its failures in its order and with its messages."""
        pattern = self.convention
        for placeholder, group in PLACEHOLDER_PATTERNS.items():
            pattern = pattern.replace(placeholder, group)
        try:
            self.pattern = re.compile(pattern)
        except re.error as error:
            raise BadRequest(f"{type(error).__name__}: {error}") from None
        kinds = await temporal_type_ids(self.ctx)
        is_tv_show = self.project["production_type"] == "tvshow"
        if is_tv_show:
            # Zou accepts an episode of another project here; its shots are not ours to change.
            self.episode = await self._episode()
            if self.episode is None:
                raise BadRequest(EPISODE_NOT_FOUND)
            sequences = await rows.fetch_where(
                self.ctx.conn, Entity, Entity.entity_type_id == kinds["Sequence"],
                Entity.parent_id == self.episode["id"],
            )  # fmt: skip
        else:
            sequences = await rows.fetch_where(
                self.ctx.conn, Entity, Entity.entity_type_id == kinds["Sequence"],
                Entity.project_id == self.project["id"],
            )  # fmt: skip
        sequence_names = {sequence["id"]: sequence["name"] for sequence in sequences}
        shots = await rows.fetch_where(
            self.ctx.conn, Entity, Entity.entity_type_id == kinds["Shot"],
            *(
                (Entity.parent_id.in_(list(sequence_names)),)
                if is_tv_show
                else (Entity.project_id == self.project["id"],)
            ),
        )  # fmt: skip
        template = Template(self.convention)
        for shot in shots:
            if shot["parent_id"] not in sequence_names:
                raise BadRequest(f"KeyError: {KeyError(shot['parent_id'])}")
            names = {
                "project_name": self.project["name"],
                "sequence_name": sequence_names[shot["parent_id"]],
                "shot_name": shot["name"],
            }
            if self.episode is not None:
                names["episode_name"] = self.episode["name"]
            try:
                key = template.substitute(names)
            except (KeyError, ValueError) as error:
                raise BadRequest(f"{type(error).__name__}: {error}") from None
            self.shot_ids[key if self.match_case else key.lower()] = shot["id"]

    async def import_clip(self, clip: Any, result: dict[str, list[dict[str, Any]]]) -> None:
        """Zou's loop body: update the shot the clip names, or create it (and its sequence)."""
        name = _clip_name(clip)
        shot_id = self.shot_ids.get(name if self.match_case else name.lower())
        if shot_id is not None:
            shot = await breakdown.get_typed(self.ctx, "Shot", shot_id)
            data = dict(shot["data"] or {})
        else:
            assert self.pattern is not None
            matched = re.match(self.pattern, name)
            if matched is None:
                raise BadRequest(NO_MATCH)
            parts = matched.groupdict()
            if "sequence_name" not in parts:
                raise BadRequest(NO_SEQUENCE)
            if "shot_name" not in parts:
                raise BadRequest(NO_SHOT)
            sequence_id = await self._sequence(parts["sequence_name"])
            data = {}
        frames = _frames(clip)
        data.update({key: frames[key] for key in ("frame_in", "frame_out") if key in frames})
        if shot_id is not None:
            values: dict[str, Any] = {"data": data}
            if "nb_frames" in frames:
                values["nb_frames"] = frames["nb_frames"]
            result["updated_shots"].append(await breakdown.update_shot(self.ctx, shot_id, values))
        else:
            shot = await breakdown_create.create_shot(
                self.ctx, self.project["id"], sequence_id, parts["shot_name"], data,
                frames.get("nb_frames", 0), None,
            )  # fmt: skip
            result["created_shots"].append(shot)

    async def create_tasks(self, shots: list[dict[str, Any]]) -> None:
        """A task of each shot task type of the project for the created shots."""
        if not shots:
            return
        task_type_ids = (
            await self.ctx.conn.execute(
                select(TaskType.id)
                .join(ProjectTaskTypeLink, ProjectTaskTypeLink.task_type_id == TaskType.id)
                .where(
                    ProjectTaskTypeLink.project_id == self.project["id"],
                    TaskType.for_entity == "Shot",
                )
                .order_by(TaskType.name)
            )
        ).scalars()
        shot_ids = list(dict.fromkeys(shot["id"] for shot in shots))
        for task_type_id in task_type_ids.all():
            await breakdown_tasks.create_tasks(
                self.ctx, self.project["id"], task_type_id, "Shot", shot_ids, {}
            )

    async def _episode(self) -> Row | None:
        """The route's episode, when it is an episode of this project."""
        if self.episode_id is None or not is_valid_id(self.episode_id):
            return None
        episode = await rows.fetch_one(self.ctx.conn, Entity, self.episode_id.lower())
        kinds = await temporal_type_ids(self.ctx)
        if (
            episode is None
            or episode["entity_type_id"] != kinds["Episode"]
            or episode["project_id"] != self.project["id"]
        ):
            return None
        return episode

    async def _sequence(self, name: str) -> str:
        """The id of the sequence of that name under the route's episode, created if missing."""
        if name not in self.sequence_ids:
            episode_id = None
            if self.episode_id is not None:
                # A feature film checks the route's episode only when it needs it, as Zou.
                self.episode = self.episode or await self._episode()
                if self.episode is None:
                    raise BadRequest(EPISODE_NOT_FOUND)
                episode_id = self.episode["id"]
            sequence = await breakdown_create.create_sequence(
                self.ctx, self.project["id"], episode_id, name, "", None
            )
            self.sequence_ids[name] = sequence["id"]
        return self.sequence_ids[name]


def _clip_name(clip: Any) -> str:
    """The clip's name without extension, else its media's name prefix, name or file name."""
    name = os.path.splitext(clip.name)[0]
    if not name:
        media = clip.media_reference
        if getattr(media, "name_prefix", None):
            name = media.name_prefix
        elif getattr(media, "name", None):
            name = os.path.splitext(media.name)[0]
        elif getattr(media, "target_url", None):
            name = os.path.splitext(os.path.basename(media.target_url))[0]
    return name


def _frames(clip: Any) -> dict[str, int]:
    """``frame_in`` / ``frame_out`` (the clip's place in its track, else its trimmed range)
    and ``nb_frames`` (its source duration); what the library cannot give is left out."""
    frames: dict[str, int] = {}
    for key, bound in (("frame_in", "start"), ("frame_out", "end")):
        try:
            try:
                frames[key] = _frame(clip.range_in_parent(), bound)
            except Exception:
                frames[key] = _frame(clip.trimmed_range(), bound)
        except Exception as error:
            log.warning("Parsing %s failed: %s: %s", key, type(error).__name__, error)
    try:
        frames["nb_frames"] = clip.source_range.duration.to_frames()
    except Exception as error:
        log.warning("Parsing nb_frames failed: %s: %s", type(error).__name__, error)
    return frames


def _frame(time_range: Any, bound: str) -> int:
    time = time_range.start_time if bound == "start" else time_range.end_time_inclusive()
    return time.to_frames()
