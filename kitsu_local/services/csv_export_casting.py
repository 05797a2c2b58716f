"""The casting CSV export of a project (Zou's ``export/csv/projects/{id}/casting.csv``).

One row per casting link: what casts (its parent or type, its name), the cast asset's type and
name, the number of occurrences and the label. Query parameters as Zou's: ``episode_id=main``
(assets of no episode casting assets, first column ``MP``), ``episode_id=all`` (episodes'
casting), ``is_shot_casting=true`` (shots' casting, by sequence), else the assets' casting.
A TV show gets a first ``Episode`` column (except with ``episode_id=all``) and its assets'
casting is followed by the main pack's. Team members except vendors may export.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, literal, select
from sqlalchemy.ext.asyncio import AsyncConnection

from ..columns import is_valid_id
from ..context import Ctx
from ..errors import WrongParameter
from ..models import Entity, EntityLink, EntityType
from .csv_export import CsvExport
from .csv_export_breakdown import project_for_export
from .entities import temporal_type_ids

HEADERS = ["Parent", "Name", "Asset Type", "Asset", "Occurences", "Label"]
TARGET = Entity.__table__.alias("parent_asset")  # the entity that casts (shot, asset, episode)
TARGET_TYPE = EntityType.__table__.alias("parent_asset_type")
ASSET = Entity.__table__.alias("asset")
ASSET_TYPE = EntityType.__table__.alias("asset_type")
SEQUENCE = Entity.__table__.alias("sequence")
EPISODE = Entity.__table__.alias("episode")


async def casting_export(ctx: Ctx, project_id: str) -> CsvExport:
    project = await project_for_export(ctx, project_id)
    episode_id = ctx.params.get("episode_id")
    if episode_id is not None and episode_id not in ("main", "all") and not is_valid_id(episode_id):
        raise WrongParameter(f"Invalid UUID format for episode_id: {episode_id}")
    is_shot_casting = ctx.params.get("is_shot_casting", "false").lower() == "true"
    is_tv_show = project["production_type"] == "tvshow"
    types = await temporal_type_ids(ctx)
    project_id = project["id"]
    if episode_id == "main":
        queries = [_main_pack(project_id, types)]
    elif episode_id == "all":
        queries = [_episodes(project_id, types)]
    elif is_shot_casting:
        queries = [_shots(project_id, is_tv_show, episode_id)]
    else:
        queries = [_assets(project_id, types, is_tv_show, episode_id)]
        if is_tv_show:
            queries.append(_main_pack(project_id, types))
    with_episode = is_tv_show and episode_id != "all"

    async def build_rows(_conn: AsyncConnection, batch: Sequence[Any]) -> list[list[Any]]:
        lines = []
        for row in batch:
            line = [
                row.parent_name or row.target_type_name,
                row.target_name,
                row.asset_type_name,
                row.asset_name,
                row.nb_occurences,
                row.label or "",
            ]
            lines.append([row.episode_name or "", *line] if with_episode else line)
        return lines

    headers = ["Episode", *HEADERS] if with_episode else HEADERS
    return CsvExport(f"{project['name']} casting", [headers], queries, build_rows)


def _links(
    episode_name: Any, parent_name: Any, target_type_name: Any, target_name: Any
) -> Select[Any]:
    """The casting links with the uniform columns ``build_rows`` reads, cast asset joined."""
    return (
        select(
            episode_name.label("episode_name"),
            parent_name.label("parent_name"),
            target_type_name.label("target_type_name"),
            target_name.label("target_name"),
            ASSET_TYPE.c.name.label("asset_type_name"),
            ASSET.c.name.label("asset_name"),
            EntityLink.nb_occurences,
            EntityLink.label,
        )
        .select_from(EntityLink)
        .join(TARGET, EntityLink.entity_in_id == TARGET.c.id)
        .join(ASSET, EntityLink.entity_out_id == ASSET.c.id)
        .join(ASSET_TYPE, ASSET.c.entity_type_id == ASSET_TYPE.c.id)
    )


def _shots(project_id: str, is_tv_show: bool, episode_id: str | None) -> Select[Any]:
    episode_name = EPISODE.c.name if is_tv_show else literal(None)
    query = _links(episode_name, SEQUENCE.c.name, literal("Shot"), TARGET.c.name).join(
        SEQUENCE, TARGET.c.parent_id == SEQUENCE.c.id
    )
    order = [SEQUENCE.c.name, TARGET.c.name, ASSET_TYPE.c.name, ASSET.c.name]
    if is_tv_show:
        query = query.join(EPISODE, SEQUENCE.c.parent_id == EPISODE.c.id)
        if episode_id is not None:
            query = query.where(EPISODE.c.id == episode_id)
        order.insert(0, EPISODE.c.name)
    return query.where(TARGET.c.project_id == project_id).order_by(*order)


def _assets(
    project_id: str, types: dict[str, str], is_tv_show: bool, episode_id: str | None
) -> Select[Any]:
    """What casts assets other than shots (assets, sequences, episodes...)."""
    if is_tv_show:
        query = _links(EPISODE.c.name, literal(""), TARGET_TYPE.c.name, TARGET.c.name).join(
            EPISODE, TARGET.c.source_id == EPISODE.c.id
        )
        if episode_id is not None:
            query = query.where(EPISODE.c.id == episode_id)
        order = [EPISODE.c.name]
    else:
        query = _links(literal(None), TARGET_TYPE.c.name, literal(""), TARGET.c.name)
        order = []
    return (
        query.join(TARGET_TYPE, TARGET.c.entity_type_id == TARGET_TYPE.c.id)
        .where(TARGET.c.project_id == project_id, TARGET_TYPE.c.id != types["Shot"])
        .order_by(*order, TARGET_TYPE.c.name, TARGET.c.name, ASSET_TYPE.c.name, ASSET.c.name)
    )


def _main_pack(project_id: str, types: dict[str, str]) -> Select[Any]:
    """Assets of no episode casting assets (neither shots nor episodes): Zou's ``MP`` rows."""
    return (
        _links(literal("MP"), literal(""), TARGET_TYPE.c.name, TARGET.c.name)
        .join(TARGET_TYPE, TARGET.c.entity_type_id == TARGET_TYPE.c.id)
        .where(
            TARGET.c.project_id == project_id,
            TARGET.c.source_id.is_(None),
            TARGET_TYPE.c.id.not_in([types["Shot"], types["Episode"]]),
        )
        .order_by(TARGET_TYPE.c.name, TARGET.c.name, ASSET_TYPE.c.name, ASSET.c.name)
    )


def _episodes(project_id: str, types: dict[str, str]) -> Select[Any]:
    return (
        _links(literal(None), literal(""), TARGET_TYPE.c.name, TARGET.c.name)
        .join(TARGET_TYPE, TARGET.c.entity_type_id == TARGET_TYPE.c.id)
        .where(
            TARGET.c.project_id == project_id,
            TARGET.c.source_id.is_(None),
            TARGET_TYPE.c.id == types["Episode"],
        )
        .order_by(TARGET_TYPE.c.name, TARGET.c.name, ASSET_TYPE.c.name, ASSET.c.name)
    )
