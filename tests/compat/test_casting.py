"""Casting, asset instances and entity links against Zou: the scenario's casting read back per
role, then the same changes made on both servers (on objects of this file's own) and compared.

Answers keyed by ids (``{shot id: casting}``) have their keys translated to scenario names on each
side before the shapes are compared.
"""

from __future__ import annotations

from typing import Any

import pytest

from .shape import shape_differences, translated

ROLES = ("manager", "supervisor", "user", "client", "vendor", "outsider")

READS = (
    "/data/projects/{project}/entities/{shot:SH010}/casting",
    "/data/projects/{project}/entities/{episode:E01}/casting",
    "/data/assets/{asset:Bob}/casting",
    "/data/assets/{asset:Bob}/cast-in",
    "/data/assets/{asset:Forest}/assets",
    "/data/shots/{shot:SH010}/assets",
    "/data/shots/{shot:SH010}/asset-types",
    "/data/shots/{shot:SH030}/asset-instances",
    "/data/scenes/{scene:SC01}/shots",
    "/data/assets/{asset:Sword}/shot-asset-instances",
    "/data/assets/{asset:Alice}/asset-asset-instances",
)
KEYED_READS = (
    "/data/projects/{project}/sequences/{sequence:SQ01}/casting",
    "/data/projects/{project}/sequences/all/casting",
    "/data/projects/{project}/episodes/{episode:E01}/sequences/all/casting",
    "/data/projects/{project}/episodes/{episode:E02}/sequences/all/casting",
    "/data/projects/{project}/episodes/main/sequences/all/casting",
    "/data/projects/{project}/asset-types/{entity-type:Environment}/casting",
    "/data/scenes/{scene:SC01}/asset-instances",
    "/data/assets/{asset:Bob}/scene-asset-instances",
)
ERRORS = (
    ("GET", "/data/projects/{project}/entities/5f0c1a2b-3d4e-4f50-8a6b-7c8d9e0f1a2b/casting"),
    ("GET", "/data/projects/{other_project}/entities/{shot:SH010}/casting"),
    ("GET", "/data/projects/{project}/sequences/{shot:SH010}/casting"),
    ("GET", "/data/projects/{project}/asset-types/{entity-type:Shot}/casting"),
    ("GET", "/data/assets/{shot:SH010}/cast-in"),
    ("GET", "/data/shots/{asset:Bob}/assets"),
    ("GET", "/data/scenes/{shot:SH010}/asset-instances"),
    ("GET", "/data/projects/5f0c1a2b-3d4e-4f50-8a6b-7c8d9e0f1a2b/entity-links"),
    ("DELETE", "/data/projects/{project}/entity-links/5f0c1a2b-3d4e-4f50-8a6b-7c8d9e0f1a2b"),
    ("DELETE", "/data/shots/{shot:SH010}/asset-instances/5f0c1a2b-3d4e-4f50-8a6b-7c8d9e0f1a2b"),
)


@pytest.mark.parametrize("path", READS)
def test_reads_as_admin(compat, path):
    compat.check("GET", path)


@pytest.mark.parametrize("path", KEYED_READS)
def test_keyed_reads_as_admin(compat, path):
    compat.keyed("GET", path)


@pytest.mark.parametrize("role", ROLES)
def test_reads_per_role(compat, role):
    for path in READS:
        compat.check("GET", path, role=role)
    for path in KEYED_READS:
        compat.keyed("GET", path, role=role)
    compat.check("GET", "/data/projects/{project}/entity-links", role=role)


def test_episodes_casting_lists_episodes_like_zou(compat):
    """Zou also lists the casting of shots there; only its episode keys are compared."""
    zou, local = compat.both("GET", "/data/projects/{project}/episodes/casting")
    assert zou.status_code == local.status_code == 200
    episodes = {name for name in compat.ids if name.startswith("episode:")}
    zou_body = {k: v for k, v in translated(zou.json(), compat.names(0)).items() if k in episodes}
    local_body = translated(local.json(), compat.names(1))
    assert set(local_body) <= episodes
    assert shape_differences(zou_body, local_body, compat.names(0), compat.names(1)) == []


@pytest.mark.parametrize(("method", "path"), ERRORS)
def test_errors(compat, method, path):
    compat.check(method, path)


# ---- changes, on this file's own objects ----------------------------------------------------
def _entity(name: str, kind: str, parent: str | None = None) -> dict[str, Any]:
    body = {"name": name, "project_id": "{project}", "entity_type_id": f"{{entity-type:{kind}}}"}
    return {**body, **({"parent_id": f"{{{parent}}}"} if parent else {})}


@pytest.fixture(scope="module")
def own(compat):
    compat.create("shot:CAST10", "/data/entities", _entity("CAST10", "Shot", "sequence:SQ02"))
    compat.create("shot:CAST20", "/data/entities", _entity("CAST20", "Shot", "sequence:SQ02"))
    compat.create("scene:CASTSC", "/data/entities", _entity("CASTSC", "Scene", "sequence:SQ02"))
    compat.create("asset:CastProp", "/data/entities", _entity("Cast Prop", "Prop"))
    compat.create("asset:CastSet", "/data/entities", _entity("CastSet", "Environment"))
    return compat


def test_put_shot_casting(own):
    body = [
        {"asset_id": "{asset:CastProp}", "nb_occurences": 2, "label": "animate"},
        {"asset_id": "{asset:Bob}", "nb_occurences": 1},
        {"asset_id": "{asset:Sword}"},
    ]
    own.check("PUT", "/data/projects/{project}/entities/{shot:CAST10}/casting", json=body)
    zou, local = own.check("GET", "/data/projects/{project}/entities/{shot:CAST10}/casting")
    assert [(e["asset_name"], e["nb_occurences"], e["label"]) for e in zou] == [
        (e["asset_name"], e["nb_occurences"], e["label"]) for e in local
    ]
    zou, local = own.check("GET", "/data/entities/{shot:CAST10}")
    assert zou["nb_entities_out"] == local["nb_entities_out"] == 2
    zou, local = own.check("GET", "/data/entities/{episode:E02}")
    assert zou["nb_entities_out"] == local["nb_entities_out"]
    own.keyed("GET", "/data/projects/{project}/episodes/{episode:E02}/sequences/all/casting")
    # A replacement: one removed, one changed.
    body = [{"asset_id": "{asset:CastProp}", "nb_occurences": 5}]
    own.check("PUT", "/data/projects/{project}/entities/{shot:CAST10}/casting", json=body)
    zou, local = own.check("GET", "/data/projects/{project}/entities/{shot:CAST10}/casting")
    assert zou[0]["nb_occurences"] == local[0]["nb_occurences"] == 5
    zou, local = own.check("GET", "/data/entities/{episode:E02}")
    assert zou["nb_entities_out"] == local["nb_entities_out"]


def test_put_asset_casting_and_cast_in(own):
    body = [{"asset_id": "{asset:CastProp}", "nb_occurences": 3}]
    own.check("PUT", "/data/assets/{asset:CastSet}/casting", json=body)
    own.check("GET", "/data/assets/{asset:CastSet}/casting")
    own.check("GET", "/data/assets/{asset:CastSet}/assets")
    own.check("GET", "/data/assets/{asset:CastProp}/cast-in")
    own.keyed("GET", "/data/projects/{project}/asset-types/{entity-type:Environment}/casting")
    own.check("PUT", "/data/assets/{asset:CastSet}/casting", json={"a": 1})
    own.check(
        "PUT",
        "/data/assets/{asset:CastSet}/casting",
        json=[{"asset_id": "{asset:Bob}", "nb_occurences": -1}],
    )


def test_cast_one_asset_in_several_entities(own):
    path = "/data/projects/{project}/entities/casting/assets/{asset:Forest}"
    own.keyed("PUT", path, json={"entity_ids": ["{shot:CAST20}"], "nb_occurences": 2})
    own.keyed("PUT", path, json={"entity_ids": ["{shot:CAST20}"]})
    own.keyed("PUT", path, json={"entity_ids": ["{shot:CAST20}"], "nb_occurences": 0})
    own.check("PUT", path, json={"entity_ids": []})


def test_entity_links(own):
    path = "/data/projects/{project}/entity-links"
    own.check("GET", path)
    own.check("GET", path + "?page=1&limit=2")
    own.check("GET", path + "?page=99&limit=2")
    own.check("GET", path + "?cursor_created_at=2020-01-01T00:00:00.000000&limit=3")
    own.check("GET", path + "?page=abc")
    own.check("PUT", "/data/projects/{project}/entities/{shot:CAST20}/casting",
              json=[{"asset_id": "{asset:Sword}", "nb_occurences": 1}])  # fmt: skip
    zou = own.zou.ok("GET", own.fill(path, 0))
    local = own.local.ok("GET", own.fill(path, 1))
    shot = own.ids["shot:CAST20"]
    zou_link = next(link for link in zou if link["entity_in_id"] == shot[0])
    local_link = next(link for link in local if link["entity_in_id"] == shot[1])
    own.add("entity-link:CAST20-Sword", zou_link["id"], local_link["id"])
    own.check("DELETE", path + "/{entity-link:CAST20-Sword}")
    own.check("GET", "/data/projects/{project}/entities/{shot:CAST20}/casting")


def test_asset_instances(own):
    own.create(
        "asset-instance:CastProp-1", "/data/scenes/{scene:CASTSC}/asset-instances",
        {"asset_id": "{asset:CastProp}", "description": "first"},
    )  # fmt: skip
    zou, local = own.create(
        "asset-instance:CastProp-2", "/data/scenes/{scene:CASTSC}/asset-instances",
        {"asset_id": "{asset:CastProp}"},
    )  # fmt: skip
    assert (zou["name"], zou["number"]) == (local["name"], local["number"]) == ("Cast_Prop_0002", 2)
    own.keyed("GET", "/data/scenes/{scene:CASTSC}/asset-instances")
    own.keyed("GET", "/data/scenes/{scene:CASTSC}/camera-instances")
    own.check("POST", "/data/shots/{shot:CAST20}/asset-instances",
              json={"asset_instance_id": "{asset-instance:CastProp-1}"})  # fmt: skip
    own.keyed("GET", "/data/shots/{shot:CAST20}/asset-instances")
    own.keyed("GET", "/data/assets/{asset:CastProp}/shot-asset-instances")
    own.keyed("GET", "/data/assets/{asset:CastProp}/scene-asset-instances")
    own.check("DELETE", "/data/shots/{shot:CAST20}/asset-instances/{asset-instance:CastProp-1}")
    own.keyed("GET", "/data/shots/{shot:CAST20}/asset-instances")
    own.create(
        "asset-instance:CastSet-Prop", "/data/assets/{asset:CastSet}/asset-asset-instances",
        {"asset_to_instantiate_id": "{asset:CastProp}"},
    )  # fmt: skip
    own.keyed("GET", "/data/assets/{asset:CastSet}/asset-asset-instances")
    own.check("POST", "/data/shots/{shot:CAST20}/asset-instances", json={})
    own.check("POST", "/data/scenes/{scene:CASTSC}/asset-instances", json={"asset_id": "nope"})


def test_scene_shots(own):
    own.check("POST", "/data/scenes/{scene:CASTSC}/shots", json={"shot_id": "{shot:CAST10}"})
    own.check("GET", "/data/scenes/{scene:CASTSC}/shots")
    own.check("DELETE", "/data/scenes/{scene:CASTSC}/shots/{shot:CAST10}")
    own.check("GET", "/data/scenes/{scene:CASTSC}/shots")
    own.check("POST", "/data/scenes/{scene:CASTSC}/shots", json={"shot_id": "{asset:Bob}"})


@pytest.mark.parametrize("role", ROLES)
def test_writes_per_role(own, role):
    own.check(
        "PUT", "/data/projects/{project}/entities/{shot:CAST20}/casting",
        json=[{"asset_id": "{asset:Bob}", "nb_occurences": 1}], role=role,
    )  # fmt: skip
    own.check("PUT", "/data/assets/{asset:CastSet}/casting", json=[], role=role)
    zou, local = own.both(
        "POST", "/data/scenes/{scene:CASTSC}/asset-instances", {"asset_id": "{asset:Sword}"},
        role,
    )  # fmt: skip
    assert zou.status_code == local.status_code, (role, zou.text, local.text)
