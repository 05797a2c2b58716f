"""The shape of two JSON answers, compared: what the differential check calls "the same JSON".

Two bodies have the same shape when they have the same key sets, the same value types (``null``
is a type of its own: a key null on one side and set on the other differs), lists of the same
length, and ids that refer to the same object. Ids differ between the two servers, so each side
translates the ids it knows (the scenario's objects, reference data) to symbolic names first;
an id neither side knows is compared by type only, like any other string. Values that are not
ids (names, dates, numbers) are compared by type only: the scenario makes them equal where they
matter, and timestamps never are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    return "object"


def shape_differences(
    zou: Any,
    local: Any,
    zou_names: Mapping[str, str],
    local_names: Mapping[str, str],
    allowed: frozenset[str] = frozenset(),
    where: str = "$",
) -> list[str]:
    """Every difference of shape between the two bodies, as ``<json path>: <what>`` lines.
    ``allowed`` holds json paths (``$.items[].last_presence``, list indexes written ``[]``)
    whose differences are deliberate."""
    if where in allowed:
        return []
    zou_type, local_type = json_type(zou), json_type(local)
    if zou_type != local_type:
        return [f"{where}: {zou_type} on Zou, {local_type} here"]
    if zou_type == "object":
        # Keys that are ids (task_types_priority, stats by status...) compare by what they name.
        zou_keys = {zou_names.get(key, key): key for key in zou}
        local_keys = {local_names.get(key, key): key for key in local}
        found = []
        for key in sorted(zou_keys.keys() - local_keys.keys()):
            if f"{where}.{key}" not in allowed:
                found.append(f"{where}.{key}: missing here")
        for key in sorted(local_keys.keys() - zou_keys.keys()):
            if f"{where}.{key}" not in allowed:
                found.append(f"{where}.{key}: not on Zou")
        for key in sorted(zou_keys.keys() & local_keys.keys()):
            found += shape_differences(
                zou[zou_keys[key]], local[local_keys[key]], zou_names, local_names, allowed,
                f"{where}.{key}",
            )  # fmt: skip
        return found
    if zou_type == "list":
        if len(zou) != len(local):
            return [f"{where}: {len(zou)} items on Zou, {len(local)} here"]
        found = []
        for zou_item, local_item in _paired(zou, local, zou_names, local_names):
            found += shape_differences(
                zou_item, local_item, zou_names, local_names, allowed, f"{where}[]"
            )
        return found
    if zou_type == "string":
        zou_name, local_name = zou_names.get(zou), local_names.get(local)
        if (zou_name or local_name) and zou_name != local_name:
            return [f"{where}: refers to {zou_name or zou!r} on Zou, {local_name or local!r} here"]
    return []


def _paired(
    zou: list, local: list, zou_names: Mapping[str, str], local_names: Mapping[str, str]
) -> list[tuple[Any, Any]]:
    """Pair list items by what they refer to (their translated id, else their name), so that two
    servers listing the same rows in another order still compare row by row. Items with neither
    (news, notifications, links with ids of their own) are paired with the first item of the
    other side that has the same shape: rows created in the same second come in any order."""

    def key(item: Any, names: Mapping[str, str]) -> Any:
        if isinstance(item, dict):
            if isinstance(item.get("id"), str) and item["id"] in names:
                return ("id", names[item["id"]])
            if isinstance(item.get("name"), str):
                return ("name", item["name"])
        if isinstance(item, str) and item in names:
            return ("id", names[item])
        return None

    zou_keys = [repr(key(item, zou_names)) for item in zou]
    local_keys = [repr(key(item, local_names)) for item in local]
    keyed = "None" not in zou_keys and "None" not in local_keys
    if keyed and sorted(zou_keys) == sorted(local_keys) and len(set(local_keys)) == len(local):
        by_key = dict(zip(local_keys, local, strict=True))
        return [(item, by_key[k]) for k, item in zip(zou_keys, zou, strict=True)]
    pairs, free = [], list(local)
    for item in zou:
        match = next(
            (other for other in free if not shape_differences(item, other, zou_names, local_names)),
            free[0],
        )
        free.remove(match)
        pairs.append((item, match))
    return pairs


def translated(body: Any, names: Mapping[str, str]) -> Any:
    """The body with the dict keys that are known ids replaced by their scenario names."""
    if isinstance(body, dict):
        return {names.get(key, key): translated(value, names) for key, value in body.items()}
    if isinstance(body, list):
        return [translated(item, names) for item in body]
    return body
