"""Which file tree templates a path matches, and the ids its tokens name: Zou's
``file_tree_service.guess_from_path`` (``POST /data/entities/guess-from-path``).

For each mode of the project's tree whose root (mount point + root, styled) starts the path,
every ``folder_path`` template is laid over the rest of the path, folder by folder. A literal
folder must be equal; a token (``<Shot>``, ``v<Version>``...) takes the folder's text, ``_`` read
as a space, prefix and suffix cut. Tokens are then looked up left to right, each narrowed by the
ones before it (a shot by its sequence, a task by its entity and task type), names compared
without case; the first token that finds nothing ends that template. A template that read at
least one token answers ``{"Template": key, <token>: id or value...}``, duplicates dropped.

Deliberate differences: a project without a tree (or with a malformed one), an empty separator
and a path with ``<Instance>`` answer ``[]`` where Zou answers 500.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any

from sqlalchemy import select

from .. import rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import NotFound
from ..models import Department, Entity, EntityType, OutputType, Project, Task, TaskType
from .casting import require_project_access
from .file_trees import apply_style

TOKEN_PART = re.compile(r"(?P<prefix>\w*)<(?P<token>\w*)>(?P<suffix>\w*)")


class _NoMatch(Exception):
    """Zou's WrongPathFormatException: a literal folder differs from the template's."""


def _token_values(elements: list[str], template_elements: list[str]) -> OrderedDict[str, str]:
    """Zou's ``extract_variable_values_from_path``: {token: value}, first occurrence wins."""
    values: OrderedDict[str, str] = OrderedDict()
    for template_element, element in zip(template_elements, elements, strict=False):
        token = TOKEN_PART.search(template_element)
        if token is None:
            if template_element != element:
                raise _NoMatch
            continue
        value = element.replace("_", " ")
        value = value[len(token.group("prefix")) : len(value) - len(token.group("suffix"))]
        if not values.get(token.group("token")):
            values[token.group("token")] = value
    return values


class _Lookup:
    """One guess's database look-ups (entity types read once)."""

    def __init__(self, ctx: Ctx):
        self.ctx = ctx
        self.type_ids: dict[str, str | None] = {}

    async def _kind_id(self, kind: str) -> str | None:
        if kind not in self.type_ids:
            found = await rows.first_where(self.ctx.conn, EntityType, EntityType.name == kind)
            self.type_ids[kind] = found["id"] if found else None
        return self.type_ids[kind]

    async def _named(self, model: Any, name: str, *conditions: Any) -> str | None:
        query = select(model.id).where(model.name.ilike(name), *conditions).limit(1)
        return (await self.ctx.conn.execute(query)).scalar()

    async def _entity(self, kind: str, name: str, found: dict[str, str], parent: str) -> Any:
        """A sequence (under its episode when the path named one) or a scene (its sequence)."""
        if not found.get("Project"):
            return None
        conditions = [
            Entity.entity_type_id == await self._kind_id(kind),
            Entity.project_id == found["Project"],
        ]
        if found.get(parent):
            conditions.append(Entity.parent_id == found[parent])
        return await self._named(Entity, name, *conditions)

    async def value(self, token: str, value: str, found: dict[str, str]) -> Any:
        """Zou's ``get_data_from_token``: an id, a string, an int, or None for nothing."""
        project_id = found.get("Project")
        if token == "Project":
            return await self._named(Project, value)
        if token in ("AssetType", "TemporalEntityType"):
            return await self._named(EntityType, value)
        if token == "Department":
            return await self._named(Department, value)
        if token == "TaskType":
            return await self._named(TaskType, value)
        if token == "OutputType":
            return await self._named(OutputType, value)
        if token in ("Name", "Representation"):
            return value
        if token == "Version":
            try:
                return int(value)
            except ValueError:
                return None
        if token in ("Asset", "TemporalEntity"):
            type_token = "AssetType" if token == "Asset" else "TemporalEntityType"
            if not project_id or not found.get(type_token):
                return None
            return await self._named(
                Entity,
                value,
                Entity.entity_type_id == found[type_token],
                Entity.project_id == project_id,
            )
        if token == "Episode":
            if not project_id:
                return None
            return await self._named(
                Entity,
                value,
                Entity.entity_type_id == await self._kind_id("Episode"),
                Entity.project_id == project_id,
            )
        if token == "Sequence":
            return await self._entity("Sequence", value, found, parent="Episode")
        if token == "Scene":
            return await self._entity("Scene", value, found, parent="Sequence")
        if token == "Shot":
            if not project_id or not found.get("Sequence"):
                return None
            return await self._named(
                Entity,
                value,
                Entity.entity_type_id == await self._kind_id("Shot"),
                Entity.parent_id == found["Sequence"],
                Entity.project_id == project_id,
            )
        if token == "Task":
            if not project_id or not found.get("TaskType"):
                return None
            entity_id = next(
                (found[kind] for kind in ("Scene", "Asset", "Shot") if found.get(kind)), None
            )
            if entity_id is None:
                return None
            return await self._named(
                Task,
                value,
                Task.task_type_id == found["TaskType"],
                Task.project_id == project_id,
                Task.entity_id == entity_id,
            )
        # <Instance> asks Zou for an asset instance by episode, a column asset instances do
        # not have (Zou answers 500); like any other unknown token it finds nothing here.
        return None


def _jsonb_order(mapping: dict[str, Any]) -> list[tuple[str, Any]]:
    """The items in the order PostgreSQL's JSONB keeps keys (shorter first, then bytewise),
    the order Zou reads a tree in, so that the matches come in Zou's order."""
    return sorted(mapping.items(), key=lambda item: (len(item[0].encode()), item[0].encode()))


def _root(section: dict[str, Any], sep: str) -> str | None:
    if not isinstance(section, dict) or "mountpoint" not in section or "root" not in section:
        return None
    mountpoint, root = section["mountpoint"], section["root"]
    return f"{mountpoint}{sep}{root}{sep}" if root else f"{mountpoint}{sep}"


async def guess_from_path(ctx: Ctx, project_id: str, file_path: str, sep: str) -> list[dict]:
    if not is_valid_id(project_id):
        raise NotFound()  # Zou looks the project up: a malformed id is not found either
    await require_project_access(ctx, project_id)
    project = await rows.fetch_or_404(ctx.conn, Project, project_id)
    tree = project.get("file_tree") or {}  # Zou answers 500 for a project without a tree
    if not sep:
        return []  # no folder can be told apart (Zou: 500 once a root matches, str.split(""))
    lookup = _Lookup(ctx)
    matches: list[dict[str, str]] = []
    for _mode, section in _jsonb_order(tree) if isinstance(tree, dict) else ():
        root = _root(section, sep)
        folders = section.get("folder_path") if root is not None else None
        if not isinstance(folders, dict):
            continue
        style = folders.get("style", "")
        styled_root, styled_path = apply_style(root, style), apply_style(file_path, style)
        if not styled_path.startswith(styled_root):
            continue
        elements = styled_path[len(styled_root) :].split(sep)
        for template, template_path in _jsonb_order(folders):
            if not isinstance(template_path, str):
                continue
            template_elements = template_path.split(sep)
            try:
                tokens = _token_values(elements, template_elements)
            except _NoMatch:
                continue
            if not tokens:
                continue
            match = {"Template": template}
            for template_element in template_elements:
                token = next((name for name in tokens if f"<{name}>" in template_element), None)
                if token is None:
                    continue
                data = await lookup.value(token, tokens[token], match)
                # Zou stops on any falsy value: nothing found, an empty name, version 0.
                if not data or (token == "Project" and data != project_id):
                    break
                match[token] = str(data)
            if match not in matches:
                matches.append(match)
    return matches
