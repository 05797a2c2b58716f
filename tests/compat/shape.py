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
        found = []
        for key in sorted(zou.keys() - local.keys()):
            if f"{where}.{key}" not in allowed:
                found.append(f"{where}.{key}: missing here")
        for key in sorted(local.keys() - zou.keys()):
            if f"{where}.{key}" not in allowed:
                found.append(f"{where}.{key}: not on Zou")
        for key in sorted(zou.keys() & local.keys()):
            found += shape_differences(
                zou[key], local[key], zou_names, local_names, allowed, f"{where}.{key}"
            )
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
    servers listing the same rows in another order still compare row by row."""

    def key(item: Any, names: Mapping[str, str]) -> Any:
        if isinstance(item, dict):
            if isinstance(item.get("id"), str) and item["id"] in names:
                return ("id", names[item["id"]])
            if isinstance(item.get("name"), str):
                return ("name", item["name"])
        if isinstance(item, str) and item in names:
            return ("id", names[item])
        return None

    zou_keys = [key(item, zou_names) for item in zou]
    local_keys = [key(item, local_names) for item in local]
    if None in zou_keys or None in local_keys or sorted(map(repr, zou_keys)) != sorted(
        map(repr, local_keys)
    ):
        return list(zip(zou, local, strict=True))
    by_key = {repr(k): item for k, item in zip(local_keys, local, strict=True)}
    if len(by_key) != len(local):  # duplicate keys: keep the servers' own order
        return list(zip(zou, local, strict=True))
    return [(item, by_key[repr(k)]) for k, item in zip(zou_keys, zou, strict=True)]
