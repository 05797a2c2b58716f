"""The three-way merge of one record: the base copy both sides last agreed on, the local copy
and the remote copy. A field changed on one side only takes that side's value; a field changed
on both sides to different values is a conflict: the local value stays, the base stays, and the
conflict is listed until someone keeps one side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .kinds import NOT_COMPARED, Kind


def canonical(kind: Kind, record: dict[str, Any], columns: frozenset[str]) -> dict[str, Any]:
    """The synced fields of a serialized record: its table's columns and the kind's relation
    lists (sorted: their order carries no meaning)."""
    found = {key: value for key, value in record.items() if key in columns}
    for name in kind.relations:
        if name in record:
            found[name] = sorted(
                item["id"] if isinstance(item, dict) else item for item in record[name] or ()
            )
    if kind.route == "entities" and "asset_type_id" in record and "entity_type_id" not in found:
        found["entity_type_id"] = record["asset_type_id"]
    return found


def compared(record: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (record or {}).items() if k not in NOT_COMPARED}


def differs(left: dict[str, Any] | None, right: dict[str, Any] | None) -> bool:
    return compared(left) != compared(right)


@dataclass
class Merge:
    merged: dict[str, Any]  # what the record becomes on the side being written
    base: dict[str, Any]  # the new base copy (conflicting fields keep the old base value)
    conflicts: dict[str, tuple[Any, Any, Any]] = field(
        default_factory=dict
    )  # (local, remote, base)
    local_changes: set[str] = field(default_factory=set)  # fields the other side lacks


def three_way(
    base: dict[str, Any] | None,
    local: dict[str, Any],
    remote: dict[str, Any],
    *,
    open_conflicts: set[str] = frozenset(),  # type: ignore[assignment]
    never_conflicts: bool = False,
    derived: tuple[str, ...] = (),
) -> Merge:
    """Merge ``remote`` into ``local``. Without a base (the record never synced), the remote
    copy wins every field that differs (nothing local was ever agreed on to diverge from).
    ``never_conflicts`` (comments): a field changed on both sides takes the remote value.
    ``derived`` fields (a task's last comment date, set by the server) never conflict either:
    both sides changed, the later value wins (the remote's when they do not compare)."""
    merged = dict(local)
    new_base = dict(remote)
    result = Merge(merged=merged, base=new_base)
    for key in sorted(set(local) | set(remote)):
        if key in NOT_COMPARED:
            if key in remote:
                merged[key] = remote[key]
            continue
        mine, theirs = local.get(key), remote.get(key)
        if key not in remote:
            continue  # the remote did not send it: nothing to merge
        was = base.get(key) if base is not None else theirs
        if mine == theirs:
            continue
        if key in derived and base is not None and mine != was and theirs != was:
            if _later(mine, theirs) is mine:
                result.local_changes.add(key)  # the remote gets the later value
            else:
                merged[key] = theirs
        elif base is None or mine == was or never_conflicts:
            merged[key] = theirs
        elif theirs == was:
            result.local_changes.add(key)
            new_base[key] = was
        else:
            result.conflicts[key] = (mine, theirs, was)
            new_base[key] = was
    for key in open_conflicts:
        if key in remote and key not in result.conflicts and local.get(key) != remote.get(key):
            result.conflicts[key] = (local.get(key), remote.get(key), (base or {}).get(key))
            new_base[key] = (base or {}).get(key)
            merged[key] = local.get(key)
    return result


def _later(mine: Any, theirs: Any) -> Any:
    try:
        return mine if mine is not None and (theirs is None or mine > theirs) else theirs
    except TypeError:
        return theirs
