"""Playlists (zou-data-model.md 3.7): CRUD rules and deletion."""

from __future__ import annotations

from typing import Any

from ..columns import is_valid_id
from ..context import Ctx
from ..errors import PermissionDenied, WrongParameter
from ..models.base import PLAYLIST_FOR_ENTITIES
from .crud import CrudHooks
from .spec import Row


def _check_for_entity(values: dict[str, Any]) -> None:
    value = values.get("for_entity")
    if value is not None and value not in PLAYLIST_FOR_ENTITIES:
        raise WrongParameter(f"for_entity must be one of {', '.join(PLAYLIST_FOR_ENTITIES)}")


def _normalize_shots(shots: Any) -> Any:
    """Playlist items as ``{entity_id, preview_file_id}``; items without a preview are dropped."""
    if not isinstance(shots, list):
        return shots
    return [
        {
            "entity_id": shot.get("entity_id") or shot.get("id"),
            "preview_file_id": shot["preview_file_id"],
        }
        for shot in shots
        if isinstance(shot, dict)
        and (shot.get("entity_id") or shot.get("id"))
        and shot.get("preview_file_id")
    ]


class PlaylistHooks(CrudHooks):
    def clean_body(self, ctx: Ctx, body: dict[str, Any], row: Row | None) -> dict[str, Any]:
        body = dict(body)
        if body.get("episode_id") in ("all", "main"):
            body["episode_id"] = None
        if "task_type_id" in body and not is_valid_id(body["task_type_id"]):
            body["task_type_id"] = None
        return body

    async def prepare_create(self, ctx, spec, data, values):
        _check_for_entity(values)
        values["created_by"] = ctx.me.id
        return values

    async def prepare_update(self, ctx, spec, row, data, values):
        _check_for_entity(values)
        if "shots" in values:
            values["shots"] = _normalize_shots(values["shots"])
        return values

    async def delete(self, ctx, spec, row, force):
        from .cascade import remove_playlist

        await remove_playlist(ctx, row["id"])


async def check_playlist_change(ctx: Ctx, row: Row, *_: Any) -> None:
    """A manager of the project, or a supervisor member who created it (or nobody did)."""
    me = ctx.me
    if me.is_manager_of(row["project_id"]):
        return
    if me.is_supervisor_of(row["project_id"]) and row["created_by"] in (None, me.id):
        return
    raise PermissionDenied()
