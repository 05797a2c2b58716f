"""Casting changes, as Zou's ``breakdown_service`` makes them: the whole casting of an entity
replaced, one asset cast in or out, a link deleted. Each change keeps the counters right
(``nb_entities_out``, shot tasks' ``nb_assets_ready``), keeps a TV show's episode casting in step
with its shots (auto episode links), and writes Zou's events.

Every function runs a constant number of statements whatever the number of links: rows are
read with ``IN (...)`` queries, written with multi-row statements, events with ``emit_many``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, insert, select, update

from .. import events, rows
from ..context import Ctx
from ..errors import PermissionDenied
from ..models import Entity, EntityLink
from ..models.base import new_id, utc_now
from . import casting_stats, crud
from .casting import (
    casting_of,
    entity_of_project,
    require_manager_access,
    typed,
)  # fmt: skip
from .entities import entity_kind
from .spec import Row, spec_for_table

ENTITY = Entity.__table__
LINK = EntityLink.__table__
Entry = dict[str, Any]  # {"asset_id", "nb_occurences", "label"}


# ==== routes =================================================================================
async def put_project_casting(
    ctx: Ctx, project_id: str, entity_id: str, casting: list[Entry]
) -> None:
    """PUT /data/projects/{p}/entities/{e}/casting."""
    await require_manager_access(ctx, project_id)
    await _replace_from_body(ctx, await entity_of_project(ctx, project_id, entity_id), casting)


async def put_project_castings(ctx: Ctx, project_id: str, castings: dict[str, list[Entry]]) -> None:
    """PUT /data/projects/{p}/entities/casting: every entity checked before any change."""
    await require_manager_access(ctx, project_id)
    entities = [await entity_of_project(ctx, project_id, entity_id) for entity_id in castings]
    for entity, casting in zip(entities, castings.values(), strict=True):
        await _replace_from_body(ctx, entity, casting)


async def _replace_from_body(ctx: Ctx, entity: Row, casting: list[Entry]) -> None:
    """Only entries with an asset and a number of occurences count, as in Zou."""
    entries = [e for e in casting if e["asset_id"] and e["nb_occurences"] is not None]
    await update_casting(ctx, entity, entries, [e["asset_id"] for e in casting if e["asset_id"]])


async def put_asset_casting(ctx: Ctx, asset_id: str, casting: list[Entry]) -> None:
    """PUT /data/assets/{a}/casting."""
    asset = await typed(ctx, "Asset", asset_id)
    await require_manager_access(ctx, asset["project_id"])
    await update_casting(ctx, asset, casting, [entry["asset_id"] for entry in casting])


async def cast_asset_in(
    ctx: Ctx, project_id: str, asset_id: str, entity_ids: Sequence[str],
    nb_occurences: int | None, label: str | None,
) -> dict[str, list[dict[str, Any]]]:  # fmt: skip
    """PUT /data/projects/{p}/entities/casting/assets/{a}: cast one asset in several entities
    (``nb_occurences`` 0 takes it out); {entity id: its casting}."""
    await require_manager_access(ctx, project_id)
    asset = await typed(ctx, "Asset", asset_id)
    entities = [await entity_of_project(ctx, project_id, entity_id) for entity_id in entity_ids]
    result = {}
    for entity in entities:
        if nb_occurences == 0:
            await uncast_asset(ctx, entity, asset["id"])
        else:
            await cast_asset(ctx, entity, asset["id"], nb_occurences, label)
        result[entity["id"]] = await casting_of(ctx, entity["id"])
    return result


async def delete_project_link(ctx: Ctx, project_id: str, link_id: str) -> dict[str, Any]:
    """DELETE /data/projects/{p}/entity-links/{l}: the link as it was (the episode's shots keep
    their casting)."""
    await require_manager_access(ctx, project_id)
    link = await rows.fetch_or_404(ctx.conn, EntityLink, link_id)
    entity = await rows.fetch_one(ctx.conn, Entity, link["entity_in_id"])
    if entity is None or entity["project_id"] != project_id:
        raise PermissionDenied()
    await uncast_asset(ctx, entity, link["entity_out_id"], cascade_to_shots=False)
    return crud.serialize_plain(spec_for_table("entity_link"), [link])[0]


# ==== the three changes ======================================================================
async def update_casting(
    ctx: Ctx, entity: Row, entries: list[Entry], listed_ids: list[str]
) -> None:
    """Replace an entity's casting: its links are deleted and created again (new ids, one
    ``entity-link:new`` each, as in Zou). ``listed_ids``: every asset the body names (an
    episode keeps those in its shots)."""
    kind = await entity_kind(ctx, entity)
    project_id = entity["project_id"]
    previous = set(
        (
            await ctx.conn.execute(
                select(LINK.c.entity_out_id).where(LINK.c.entity_in_id == entity["id"])
            )
        ).scalars()
    )
    existing = await rows.existing_ids(ctx.conn, Entity, [entry["asset_id"] for entry in entries])
    wanted: dict[str, Entry] = {}
    for entry in entries:
        if entry["asset_id"] in existing:
            wanted.setdefault(entry["asset_id"], entry)
    if kind == "Episode":
        await remove_from_episode_shots(ctx, entity, previous - set(listed_ids))
    await ctx.conn.execute(delete(LINK).where(LINK.c.entity_in_id == entity["id"]))
    if kind == "Shot":
        await add_episode_links(ctx, entity, list(wanted.values()))
    created = await _insert_links(ctx, entity["id"], list(wanted.values()))
    await events.emit_many(
        ctx,
        "entity-link:new",
        [
            ({"entity_link_id": link["id"], "entity_in_id": entity["id"],
              "entity_out_id": link["entity_out_id"], "nb_occurences": link["nb_occurences"]},
             project_id)
            for link in created
        ],
    )  # fmt: skip
    # A body naming an asset twice: Zou updates the link it has just created.
    last = {entry["asset_id"]: entry for entry in entries if entry["asset_id"] in existing}
    repeated = [
        link for link in created if last[link["entity_out_id"]] is not wanted[link["entity_out_id"]]
    ]
    await _update_links(ctx, [(link, last[link["entity_out_id"]]) for link in repeated], project_id)
    if kind == "Episode":
        await _asset_updates(ctx, list(wanted), project_id)
    added = sorted(set(wanted) - previous)
    removed = sorted(previous - set(wanted))
    await announce(ctx, entity, kind, added, removed)


async def cast_asset(
    ctx: Ctx, entity: Row, asset_id: str, nb_occurences: int | None, label: str | None
) -> None:
    """Cast one asset (or change its link): the others stay."""
    kind = await entity_kind(ctx, entity)
    link = await rows.first_where(
        ctx.conn, EntityLink, LINK.c.entity_in_id == entity["id"], LINK.c.entity_out_id == asset_id
    )
    entry = {
        "asset_id": asset_id,
        "nb_occurences": nb_occurences if nb_occurences is not None else (link or {}).get(
            "nb_occurences", 1
        ),
        "label": label if label is not None else (link or {}).get("label", ""),
    }  # fmt: skip
    if link is None:
        if kind == "Shot":
            await add_episode_links(ctx, entity, [entry])
        created = await _insert_links(ctx, entity["id"], [entry])
        await events.emit(
            ctx, "entity-link:new",
            {"entity_link_id": created[0]["id"], "entity_in_id": entity["id"],
             "entity_out_id": asset_id, "nb_occurences": entry["nb_occurences"]},
            entity["project_id"],
        )  # fmt: skip
    else:
        await _update_links(ctx, [(link, entry)], entity["project_id"])
    if kind == "Episode":
        await _asset_updates(ctx, [asset_id], entity["project_id"])
    await announce(ctx, entity, kind, [] if link else [asset_id], [])


async def uncast_asset(ctx: Ctx, entity: Row, asset_id: str, cascade_to_shots: bool = True) -> None:
    """Take one asset out of an entity's casting (and of an episode's shots, by default)."""
    link = await rows.first_where(
        ctx.conn, EntityLink, LINK.c.entity_in_id == entity["id"], LINK.c.entity_out_id == asset_id
    )
    if link is None:
        return
    kind = await entity_kind(ctx, entity)
    if cascade_to_shots and kind == "Episode":
        await remove_from_episode_shots(ctx, entity, {asset_id})
    await rows.delete_row(ctx.conn, EntityLink, link["id"])
    await announce(ctx, entity, kind, [], [asset_id])


# ==== shared steps ===========================================================================
async def announce(ctx: Ctx, entity: Row, kind: str, added: list[str], removed: list[str]) -> None:
    """Zou's ``_announce_casting_change``: the live count stored, shot readiness refreshed,
    the ``<kind>:casting-update`` event, and assets no shot of the episode casts any more
    taken out of its casting."""
    entity_id = entity["id"]
    project_id = entity["project_id"]
    count = (await casting_stats.live_counts(ctx, [entity_id]))[entity_id]
    await casting_stats.store_counts(ctx, {entity_id: count})
    diff = {"nb_entities_out": count, "added_asset_ids": added, "removed_asset_ids": removed}
    if kind == "Shot":
        await casting_stats.refresh_ready_counts(ctx, [entity_id], project_id)
        await events.emit(ctx, "shot:casting-update", {"shot_id": entity_id, **diff}, project_id)
        if removed:
            await detach_from_episode(ctx, entity, removed)
    elif kind == "Episode":
        await events.emit(
            ctx, "episode:casting-update", {"episode_id": entity_id, **diff}, project_id
        )
    else:
        await events.emit(ctx, "asset:casting-update", {"asset_id": entity_id, **diff}, project_id)


def _episode_shots(episode_id: str) -> Any:
    sequence = ENTITY.alias("sequence")
    return (
        select(ENTITY.c.id)
        .join(sequence, sequence.c.id == ENTITY.c.parent_id)
        .where(sequence.c.parent_id == episode_id)
    )


async def _episode_of(ctx: Ctx, shot: Row) -> str | None:
    if shot["parent_id"] is None:
        return None
    sequence = await rows.fetch_one(ctx.conn, Entity, shot["parent_id"])
    return sequence["parent_id"] if sequence else None


async def add_episode_links(ctx: Ctx, shot: Row, entries: list[Entry]) -> None:
    """Casting an asset in a shot of an episode casts it in the episode too (an ``auto`` link
    of one occurence, ``asset:update`` for each)."""
    episode_id = await _episode_of(ctx, shot)
    if episode_id is None or not entries:
        return
    present = set(
        (
            await ctx.conn.execute(
                select(LINK.c.entity_out_id).where(
                    LINK.c.entity_in_id == episode_id,
                    LINK.c.entity_out_id.in_([entry["asset_id"] for entry in entries]),
                )
            )
        ).scalars()
    )
    missing = [entry for entry in entries if entry["asset_id"] not in present]
    if not missing:
        return
    await _insert_links(
        ctx, episode_id, [{**entry, "nb_occurences": 1} for entry in missing], {"auto": True}
    )
    await ctx.conn.execute(
        update(ENTITY)
        .where(ENTITY.c.id == episode_id)
        .values(nb_entities_out=ENTITY.c.nb_entities_out + len(missing))
    )
    await _asset_updates(ctx, [entry["asset_id"] for entry in missing], shot["project_id"])


async def remove_from_episode_shots(ctx: Ctx, episode: Row, asset_ids: set[str]) -> None:
    """Assets taken out of an episode leave the casting of its shots."""
    if not asset_ids:
        return
    doomed = (
        await ctx.conn.execute(
            select(LINK.c.id, LINK.c.entity_in_id, LINK.c.entity_out_id).where(
                LINK.c.entity_in_id.in_(_episode_shots(episode["id"])),
                LINK.c.entity_out_id.in_(sorted(asset_ids)),
            )
        )
    ).all()
    if not doomed:
        return
    await ctx.conn.execute(delete(LINK).where(LINK.c.id.in_([row.id for row in doomed])))
    project_id = episode["project_id"]
    shot_ids = sorted({row.entity_in_id for row in doomed})
    counts = await casting_stats.refresh_shots(ctx, shot_ids, project_id)
    await events.emit_many(
        ctx,
        "shot:casting-update",
        [
            ({"shot_id": row.entity_in_id, "nb_entities_out": counts[row.entity_in_id],
              "added_asset_ids": [], "removed_asset_ids": [row.entity_out_id]}, project_id)
            for row in doomed
        ],
    )  # fmt: skip


async def detach_from_episode(ctx: Ctx, shot: Row, asset_ids: list[str]) -> None:
    """Auto episode links of assets no shot of the episode casts any more are removed."""
    episode_id = await _episode_of(ctx, shot)
    if episode_id is None:
        return
    still_cast = set(
        (
            await ctx.conn.execute(
                select(LINK.c.entity_out_id).where(
                    LINK.c.entity_in_id.in_(_episode_shots(episode_id)),
                    LINK.c.entity_out_id.in_(asset_ids),
                )
            )
        ).scalars()
    )
    links = await rows.fetch_where(
        ctx.conn, EntityLink, LINK.c.entity_in_id == episode_id,
        LINK.c.entity_out_id.in_([asset_id for asset_id in asset_ids if asset_id not in still_cast]),
    )  # fmt: skip
    links = [link for link in links if (link["data"] or {}).get("auto")]
    if not links:
        return
    episode = await rows.fetch_one(ctx.conn, Entity, episode_id)
    assert episode is not None  # the shot's episode: a foreign key
    await ctx.conn.execute(delete(LINK).where(LINK.c.id.in_([link["id"] for link in links])))
    count = episode["nb_entities_out"] or 0
    payloads = []
    for link in sorted(links, key=lambda link: link["entity_out_id"]):
        count = max(count - 1, 0)
        payloads.append(
            ({"episode_id": episode_id, "nb_entities_out": count, "added_asset_ids": [],
              "removed_asset_ids": [link["entity_out_id"]]}, episode["project_id"])
        )  # fmt: skip
    await casting_stats.store_counts(ctx, {episode_id: count})
    await events.emit_many(ctx, "episode:casting-update", payloads)
    await _asset_updates(ctx, [link["entity_out_id"] for link in links], episode["project_id"])


async def _insert_links(
    ctx: Ctx, entity_in_id: str, entries: list[Entry], data: Any = None
) -> list[Row]:
    now = utc_now()
    values = [
        {
            "id": new_id(),
            "created_at": now,
            "updated_at": now,
            "entity_in_id": entity_in_id,
            "entity_out_id": entry["asset_id"],
            "nb_occurences": entry["nb_occurences"],
            "label": entry.get("label") or "",
            "data": data,
        }
        for entry in entries
    ]
    if values:
        with rows.database_refusals():
            await ctx.conn.execute(insert(LINK), values)
    return values


async def _update_links(ctx: Ctx, changes: list[tuple[Row, Entry]], project_id: str) -> None:
    """Links given new values (``entity-link:update`` each)."""
    if not changes:
        return
    by_id = {link["id"]: entry for link, entry in changes}
    await casting_stats.set_values(
        ctx, LINK, "nb_occurences", {key: entry["nb_occurences"] for key, entry in by_id.items()}
    )
    await casting_stats.set_values(
        ctx, LINK, "label", {key: entry.get("label") or "" for key, entry in by_id.items()}
    )
    await events.emit_many(
        ctx,
        "entity-link:update",
        [
            ({"entity_link_id": link["id"], "nb_occurences": entry["nb_occurences"]}, project_id)
            for link, entry in changes
        ],
    )


async def _asset_updates(ctx: Ctx, asset_ids: list[str], project_id: str) -> None:
    await events.emit_many(
        ctx, "asset:update", [({"asset_id": asset_id}, project_id) for asset_id in asset_ids]
    )
