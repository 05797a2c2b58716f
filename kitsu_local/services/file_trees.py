"""Project file trees: the bundled trees and Zou's path template language
(zou-behaviour.md 3.13, Zou's ``file_tree_service``).

A tree maps a mode (``working``, ``output``, ``preview``...) to a mount point, a root and, per
entity kind, a folder template and a file name template. Templates hold tokens such as
``<Project>``, ``<Shot.id>`` or ``<Version>``; each value is slugified (``_`` separator) and
styled (``lowercase`` / ``uppercase``), except ids, which stay verbatim.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, replace
from html.entities import name2codepoint
from importlib import resources
from typing import Any

from .. import events, rows
from ..context import Ctx
from ..errors import WrongParameter
from ..models import Department, Entity, EntityType, OutputType, Project, Software
from .crud import serialize_plain
from .entities import kind_of
from .spec import Row, spec_for_table

ALLOWED_FIELDS = frozenset({"short_name", "name", "number", "id"})
TREE_NAME = re.compile(r"[A-Za-z0-9_-]+")
TOKEN = re.compile(r"<([\w\.]*)>")
UUID_PATTERN = re.compile(r"[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89aAbB][a-f0-9]{3}-[a-f0-9]{12}")


class MalformedFileTree(Exception):
    """Zou's MalformedFileTreeException: the routes answer it with a 400 of their own shape."""


def bundled_tree(tree_name: Any) -> dict[str, Any]:
    """A tree shipped in ``kitsu_local/file_trees``: 400 "Selected tree is not available"."""
    if not isinstance(tree_name, str) or not TREE_NAME.fullmatch(tree_name):
        raise WrongParameter("Selected tree is not available")
    tree_file = resources.files("kitsu_local.file_trees").joinpath(f"{tree_name}.json")
    if not tree_file.is_file():
        raise WrongParameter("Selected tree is not available")
    return json.loads(tree_file.read_text())


# ==== python-slugify, as Zou calls it: slugify(text, separator="_") ===========================
_QUOTES = re.compile(r"[\']+")
_DISALLOWED = re.compile(r"[^-a-zA-Z0-9]+")
_DASHES = re.compile(r"-{2,}")
_NUMBERS = re.compile(r"(?<=\d),(?=\d)")
_HTML_ENTITY = re.compile("&(" + "|".join(name2codepoint) + ");")
_HTML_DECIMAL = re.compile(r"&#(\d+);")
_HTML_HEX = re.compile(r"&#x([\da-fA-F]+);")
# Latin letters NFKD does not decompose (what unidecode spells them).
_LATIN = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "đ": "d",
     "Đ": "D", "ð": "d", "Ð": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th"}
)  # fmt: skip


def _char(code: int) -> str:
    try:
        return chr(code)
    except (ValueError, OverflowError):
        return ""


def slugify(text: str, separator: str = "_") -> str:
    """python-slugify's steps; transliteration is NFKD + the table above (no unidecode)."""
    text = _QUOTES.sub("-", text)
    text = unicodedata.normalize("NFKD", text.translate(_LATIN))
    text = text.encode("ascii", "ignore").decode("ascii")
    text = _HTML_ENTITY.sub(lambda match: chr(name2codepoint[match.group(1)]), text)
    text = _HTML_DECIMAL.sub(lambda match: _char(int(match.group(1))), text)
    text = _HTML_HEX.sub(lambda match: _char(int(match.group(1), 16)), text)
    text = unicodedata.normalize("NFKD", text).lower()
    text = _NUMBERS.sub("", _QUOTES.sub("", text))
    text = _DASHES.sub("-", _DISALLOWED.sub("-", text)).strip("-")
    return text.replace("-", separator)


def apply_style(value: str, style: Any) -> str:
    if style == "uppercase":
        return value.upper()
    if style == "lowercase":
        return value.lower()
    return value


# ==== what a path is about ====================================================================
@dataclass
class Subject:
    """The entity a path is built for (the temporal entity for an asset instance), its kind
    and project, and for an instance the instance and its asset."""

    project: Row
    entity: Row
    kind: str
    instance: Row | None = None
    asset: Row | None = None


@dataclass
class PathArgs:
    mode: str = "output"
    name: str = ""
    representation: str = ""
    sep: str = "/"
    task_type: Row | None = None
    output_type: Row | None = None
    software: Row | None = None
    task: Row | None = None


async def subject_of(
    ctx: Ctx, project: Row, entity: Row, instance: Row | None = None, asset: Row | None = None
) -> Subject:
    entity_type = await rows.fetch_one(ctx.conn, EntityType, entity["entity_type_id"])
    kind = kind_of(entity_type["name"] if entity_type else None)
    return Subject(project=project, entity=entity, kind=kind, instance=instance, asset=asset)


def _tree(subject: Subject) -> dict[str, Any]:
    tree = subject.project.get("file_tree")
    if not tree:
        raise MalformedFileTree("No tree can be found for given project.")
    if not isinstance(tree, dict):
        raise MalformedFileTree("The project file tree is not a JSON object.")
    return tree


def _mode(tree: dict[str, Any], mode: str) -> dict[str, Any]:
    if mode not in tree:
        raise MalformedFileTree(f"Mode {mode} cannot be found on given tree.")
    section = tree[mode]
    if not isinstance(section, dict) or "mountpoint" not in section or "root" not in section:
        raise MalformedFileTree(f"Can't find given mode ({mode}) in given tree.")
    return section


def _root_path(section: dict[str, Any], sep: str) -> str:
    mountpoint, root = section["mountpoint"], section["root"]
    return f"{mountpoint}{sep}{root}{sep}" if root else f"{mountpoint}{sep}"


def _template(section: dict[str, Any], part: str, subject: Subject) -> tuple[str, Any]:
    """The (template, style) of ``folder_path`` or ``file_name`` for the subject's kind."""
    templates = section.get(part)
    if subject.instance is not None:
        key = "instance_asset" if subject.instance.get("target_asset_id") else "instance"
    else:
        key = (
            subject.kind.lower()
            if subject.kind in ("Shot", "Sequence", "Scene", "Episode")
            else "asset"
        )
    if not isinstance(templates, dict) or not isinstance(templates.get(key), str):
        raise MalformedFileTree("")
    return templates[key], templates.get("style", "")


# ==== token values ============================================================================
class _Values:
    """Token values of one subject, each related row read once when a template needs it."""

    def __init__(self, ctx: Ctx, subject: Subject, args: PathArgs, revision: int):
        self.ctx, self.subject, self.args, self.revision = ctx, subject, args, revision
        self.cache: dict[str, Row | None] = {}

    async def _entity(self, key: str, entity_id: str | None) -> Row | None:
        if key not in self.cache:
            self.cache[key] = (
                await rows.fetch_one(self.ctx.conn, Entity, entity_id) if entity_id else None
            )
        return self.cache[key]

    async def _entity_type(self, entity: Row) -> Row | None:
        return await rows.fetch_one(self.ctx.conn, EntityType, entity["entity_type_id"])

    async def _sequence(self) -> Row | None:
        entity, kind = self.subject.entity, self.subject.kind
        if kind in ("Shot", "Scene"):
            return await self._entity("sequence", entity.get("parent_id"))
        return entity if kind == "Sequence" else None

    async def _get_or_create(self, model: Any, values: dict[str, Any]) -> Row:
        found = await rows.first_where(self.ctx.conn, model, model.name == values["name"])
        return found or await rows.insert_row(self.ctx.conn, model, values)

    async def value(self, data_type: str, field: str) -> Any:
        subject, args = self.subject, self.args
        entity = subject.entity
        if data_type == "Project":
            return subject.project.get(field)
        if data_type == "Task":
            if args.task is None:
                raise MalformedFileTree("Output paths have no task.")
            return args.task.get(field)
        if data_type == "TaskType":
            return args.task_type.get(field) if args.task_type else ""
        if data_type == "Department":
            department_id = args.task_type.get("department_id") if args.task_type else None
            department = (
                await rows.fetch_one(self.ctx.conn, Department, department_id)
                if department_id
                else None
            )
            return department.get(field) if department else ""
        if data_type in ("Shot", "TemporalEntity", "Scene"):
            return entity.get(field)
        if data_type == "TemporalEntityType":
            entity_type = await self._entity_type(entity)
            return (entity_type.get(field) or "").lower() if entity_type else ""
        if data_type == "AssetType":
            entity_type = await self._entity_type(subject.asset or entity)
            return entity_type.get(field) if entity_type else ""
        if data_type == "Asset":
            return (subject.asset or entity).get(field)
        if data_type == "Sequence":
            return _sequence_name(await self._sequence(), field)
        if data_type == "Episode":
            return await self._episode_name(field)
        if data_type == "Software":
            software = args.software or await self._get_or_create(
                Software, {"name": "3dsmax", "short_name": "max", "file_extension": ".max"}
            )
            return software.get(field)
        if data_type == "OutputType":
            output_type = args.output_type or await self._get_or_create(
                OutputType, {"name": "Geometry", "short_name": ""}
            )
            return (output_type.get(field) or "").lower()
        if data_type == "Instance":
            return _instance_name(subject.instance, field)
        if data_type == "Representation":
            return args.representation
        if data_type in ("Name", "OutputFile", "WorkingFile"):
            return args.name
        if data_type in ("Version", "Revision"):
            return str(self.revision).zfill(3)
        raise MalformedFileTree(f"Unknown data type: {data_type}.")

    async def _episode_name(self, field: str) -> str:
        kind = self.subject.kind
        episode = None
        if kind == "Episode":
            episode = self.subject.entity
        else:
            sequence = await self._sequence() if kind in ("Shot", "Scene", "Sequence") else None
            if sequence is not None:
                episode = await self._entity("episode", sequence.get("parent_id"))
        value = episode.get(field) if episode else None
        return value if value is not None else "e001"

    async def render(self, template: str, style: Any) -> str:
        rendered = template
        for variable in TOKEN.findall(template):
            data_type, _, field = variable.partition(".")
            field = field if field in ALLOWED_FIELDS else "name"
            value = await self.value(data_type, field)
            if value is None:
                continue
            value = str(value)
            if field != "id":
                value = apply_style(slugify(value), style)
            rendered = rendered.replace(f"<{variable}>", value)
        return rendered


def _sequence_name(sequence: Row | None, field: str) -> str:
    name = (sequence.get(field) if sequence else None) or ""
    # Zou files "Seq2" and "Seq02" in the same folder: S002.
    if "Seq" in name:
        name = f"S{name[3:].zfill(3)}"
    return name


def _instance_name(instance: Row | None, field: str) -> str:
    if instance is None:
        return ""
    number = str(instance.get("number") or 0).zfill(4)
    name = instance.get("name")
    return number if field != "name" or name is None else name


# ==== paths ===================================================================================
async def folder_path(ctx: Ctx, subject: Subject, args: PathArgs, revision: int) -> str:
    """Root path + the rendered folder template, its ``/`` turned into ``args.sep``."""
    section = _mode(_tree(subject), args.mode)
    root = _root_path(section, args.sep)
    template, style = _template(section, "folder_path", subject)
    rendered = await _Values(ctx, subject, args, revision).render(template, style)
    return root + rendered.replace("/", args.sep)


async def file_name(
    ctx: Ctx, subject: Subject, args: PathArgs, revision: int, nb_elements: int = 1
) -> str:
    """The rendered file name template, slugified whole (UUIDs kept), ``_[1-n]`` for several
    elements."""
    section = _mode(_tree(subject), args.mode)
    template, style = _template(section, "file_name", subject)
    # Zou renders file name tokens in lowercase first, then styles the whole name.
    name_args = replace(args, representation="")
    rendered = await _Values(ctx, subject, name_args, revision).render(template, "lowercase")
    uuids = UUID_PATTERN.findall(rendered)
    rendered = apply_style(slugify(rendered), style)
    for uuid in uuids:
        rendered = rendered.replace(apply_style(slugify(uuid), style), uuid)
    if nb_elements > 1:
        rendered += f"_[1-{nb_elements}]"
    return rendered


async def set_project_file_tree(ctx: Ctx, project_id: str, tree_name: str) -> dict[str, Any]:
    """POST /actions/projects/{id}/set-file-tree: a bundled tree copied into the project
    (managers), answered with the project as Zou's update_project serializes it."""
    ctx.me.require_manager(project_id)
    tree = bundled_tree(tree_name)
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    project = await rows.update_row(ctx.conn, Project, project["id"], {"file_tree": tree})
    await events.emit(ctx, "project:update", {}, project["id"])
    return serialize_plain(spec_for_table("project"), [project])[0]
