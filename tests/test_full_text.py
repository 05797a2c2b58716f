"""POST /data/search over the SQLite FTS5 indexes, through a real server."""

from __future__ import annotations

import sqlite3
import uuid

import pytest

from .support.api import Api
from .support.server import ADMIN_EMAIL, ADMIN_PASSWORD
from .support.studio import Studio


def word() -> str:
    """A word no other test uses (letters only: the tokenizer splits on digits' neighbours
    never, but keep it plain)."""
    return "zq" + "".join(chr(ord("a") + int(c, 16) % 26) for c in uuid.uuid4().hex[:8])


def search(client: Api, query: str, **body) -> dict:
    return client.ok("POST", "/data/search", json={"query": query, **body})


def ids(hits: list[dict]) -> list[str]:
    return [hit["id"] for hit in hits]


def asset(studio: Studio, name: str, project: dict | None = None, **values) -> dict:
    project = project or studio.project
    return studio.admin.create(
        "entities", name=name, project_id=project["id"],
        entity_type_id=studio.types["Prop"], **values,
    )  # fmt: skip


def test_prefix_and_word_inside_a_name(studio: Studio):
    key = word()
    chair = asset(studio, f"{key}_chair_big", description="A wooden seat")
    found = search(studio.admin, key[:5], index_names=["assets"])
    assert ids(found["assets"]) == [chair["id"]]
    hit = found["assets"][0]
    assert hit["type"] == "Asset" and hit["project_name"] == studio.project["name"]
    assert hit["asset_type_name"] == "Prop" and hit["preview_file_extension"] is None
    assert hit["matched_terms"] == ["name"]
    # a word inside the name, and several words (all must match)
    assert ids(search(studio.admin, f"big {key}", index_names=["assets"])["assets"]) == [
        chair["id"]
    ]
    assert search(studio.admin, f"{key} sofa", index_names=["assets"]) == {"assets": []}
    # the description is searched too
    found = search(studio.admin, f"{key} wood", index_names=["assets"])["assets"]
    assert ids(found) == [chair["id"]] and found[0]["matched_terms"] == ["name", "description"]


def test_default_indexes_and_short_query(studio: Studio):
    found = search(studio.admin, studio.asset["name"].split()[1])
    assert set(found) == {"assets", "shots", "persons"}
    assert ids(found["assets"]) == [studio.asset["id"]]
    assert search(studio.admin, "ab") == {}
    assert search(studio.admin, " - ") == {"assets": [], "shots": [], "persons": []}


def test_shots_sequences_and_persons(studio: Studio):
    shot_word = studio.shot["name"].split()[1]
    found = search(studio.admin, shot_word, index_names=["shots"])["shots"]
    assert ids(found) == [studio.shot["id"]]
    assert found[0]["sequence_name"] == studio.sequence["name"] and found[0]["type"] == "Shot"
    seq_word = studio.sequence["name"].split()[1]
    found = search(studio.admin, seq_word, index_names=["sequences", "episodes", "edits"])
    assert ids(found["sequences"]) == [studio.sequence["id"]]
    assert found["episodes"] == [] and found["edits"] == []
    tag = studio.people["user"]["last_name"].split()[1]
    people = search(studio.admin, f"tester {tag}", index_names=["persons"], limit=20)["persons"]
    assert len(people) == 6 and {p["matched_terms"][0] for p in people} == {"name"}
    assert "email" in people[0]  # the admin gets the full safe form
    minimal = search(studio.as_role("user"), f"user {tag}", index_names=["persons"])["persons"]
    assert ids(minimal) == [studio.people["user"]["id"]]
    assert "email" not in minimal[0] and minimal[0]["first_name"] == "User"


def test_limit_offset_and_order(studio: Studio):
    key = word()
    made = [asset(studio, f"{key} {n}") for n in ("delta", "alpha", "charlie", "bravo")]
    # in the order they were made, not by name
    assert ids(search(studio.admin, key, index_names=["assets"])["assets"]) == ids(made[:3])
    page = search(studio.admin, key, index_names=["assets"], limit=2, offset=1)["assets"]
    assert ids(page) == ids(made[1:3])
    assert search(studio.admin, key, index_names=["assets"], offset=10) == {"assets": []}


def test_project_id_and_closed_projects(studio: Studio):
    admin = studio.admin
    key = word()
    here = asset(studio, f"{key} here")
    project = admin.create("projects", name=f"Closing {key}")
    there = asset(studio, f"{key} there", project=project)
    assert set(ids(search(admin, key, index_names=["assets"], limit=10)["assets"])) == {
        here["id"],
        there["id"],
    }
    only = search(admin, key, index_names=["assets"], project_id=project["id"])["assets"]
    assert ids(only) == [there["id"]]
    closed = next(s for s in admin.ok("GET", "/data/project-status") if s["name"] == "Closed")
    admin.put(f"/data/projects/{project['id']}", json={"project_status_id": closed["id"]})
    assert ids(search(admin, key, index_names=["assets"])["assets"]) == [here["id"]]
    assert search(admin, key, index_names=["assets"], project_id=project["id"]) == {"assets": []}


def test_artist_and_vendor_scopes(studio: Studio):
    user, vendor = studio.as_role("user"), studio.as_role("vendor")
    other_word = studio.other_asset["name"].split()[1]
    assert search(user, other_word, index_names=["assets"]) == {"assets": []}
    assert search(studio.admin, other_word, index_names=["assets"])["assets"]
    asset_word = studio.asset["name"].split()[1]
    assert ids(search(user, asset_word, index_names=["assets"])["assets"]) == [studio.asset["id"]]
    # the vendor holds a task on the asset, none on the shot
    assert ids(search(vendor, asset_word, index_names=["assets"])["assets"]) == [studio.asset["id"]]
    shot_word = studio.shot["name"].split()[1]
    assert search(vendor, shot_word, index_names=["shots"]) == {"shots": []}
    assert ids(search(user, shot_word, index_names=["shots"])["shots"]) == [studio.shot["id"]]


def test_rename_and_delete_are_seen_at_once(studio: Studio):
    admin = studio.admin
    old, new = word(), word()
    item = asset(studio, f"{old} lamp")
    assert ids(search(admin, old, index_names=["assets"])["assets"]) == [item["id"]]
    admin.ok("PUT", f"/data/entities/{item['id']}", json={"name": f"{new} lamp"})
    assert search(admin, old, index_names=["assets"]) == {"assets": []}
    assert ids(search(admin, new, index_names=["assets"])["assets"]) == [item["id"]]
    admin.ok("DELETE", f"/data/entities/{item['id']}", expected=204)
    assert search(admin, new, index_names=["assets"]) == {"assets": []}
    # a renamed person too
    person = admin.create("persons", first_name=old.capitalize(), last_name="Lamp")
    assert ids(search(admin, old, index_names=["persons"])["persons"]) == [person["id"]]
    admin.ok("PUT", f"/data/persons/{person['id']}", json={"first_name": new, "active": False})
    assert search(admin, old, index_names=["persons"]) == {"persons": []}
    assert ids(search(admin, new, index_names=["persons"])["persons"]) == [person["id"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "query"),
        ({"limit": 2}, "query"),
        ({"query": 12}, "query"),
        ({"query": "abc", "limit": 0}, "limit"),
        ({"query": "abc", "limit": "x"}, "limit"),
        ({"query": "abc", "limit": 2.5}, "limit"),
        ({"query": "abc", "limit": None}, "limit"),
        ({"query": "abc", "offset": -1}, "offset"),
        ({"query": "abc", "project_id": "nope"}, "project_id"),
        ({"query": "abc", "project_id": 5}, "project_id"),
        ({"query": "abc", "index_names": "assets"}, "index_names"),
        ({"query": "abc", "index_names": [1]}, "index_names.0"),
        ({"query": "abc", "index_names": None}, "index_names"),
        (["abc"], ""),
    ],
)
def test_bad_input(admin: Api, body: dict, field: str):
    answer = admin.post("/data/search", json=body)
    assert answer.status_code == 400
    error = answer.json()
    assert error["error"] is True and error["message"]
    assert error["data"]["errors"][0]["field"] == field


@pytest.mark.parametrize(
    "query", ['"', "a*b*c", "NOT AND OR", "(((", "col:abc", "^abc", "ééé", "x" * 2000, "a-b-c"]
)
def test_query_syntax_is_never_an_error(admin: Api, query: str):
    assert admin.post("/data/search", json={"query": query}).status_code == 200


def test_not_json_and_anonymous(admin: Api, anonymous: Api):
    assert admin.post("/data/search", content=b"{no", headers={"content-type": "x"}).status_code
    lax = {"query": "abc", "limit": "2", "offset": 0.0, "project_id": None}
    assert admin.post("/data/search", json=lax).status_code == 200  # pydantic's lax ints
    huge = {"query": "abc", "limit": 10**30, "offset": 10**30}
    assert admin.post("/data/search", json=huge).json() == {
        "assets": [],
        "shots": [],
        "persons": [],
    }
    assert anonymous.post("/data/search", json={"query": "abc"}).status_code == 401


def test_index_built_for_an_older_database(start_server):
    """A database made before the index (no FTS tables, no triggers) and before migrations (no
    version: a build between the first release and them) gets one on start, from the upgrade."""
    server = start_server()
    admin = Api(server.api)
    admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    key = word()
    project = admin.create("projects", name=f"Old {key}")
    prop = next(t for t in admin.ok("GET", "/data/entity-types") if t["name"] == "Prop")
    made = admin.create(
        "entities", name=f"{key} crate", project_id=project["id"], entity_type_id=prop["id"]
    )
    server.stop()
    db = sqlite3.connect(server.data_dir / "kitsu.db")
    for name in ("entity_fts", "person_fts"):
        for suffix in ("ai", "ad", "au"):
            db.execute(f"DROP TRIGGER {name}_{suffix}")
        db.execute(f"DROP TABLE {name}")
    db.execute("DROP VIEW entity_fts_source")
    db.execute("DROP TABLE alembic_version")
    db.execute("UPDATE entity SET name = ? WHERE id = ?", (f"{key} barrel", made["id"]))
    db.commit()
    db.close()
    server.start(admin=False)
    assert ids(admin.ok("POST", "/data/search", json={"query": f"{key} barr"})["assets"]) == [
        made["id"]
    ]
    assert admin.ok("POST", "/data/search", json={"query": "Admin", "index_names": ["persons"]})[
        "persons"
    ]


def test_shot_of_a_tv_show_names_its_episode(studio: Studio):
    admin = studio.admin
    key = word()
    show = admin.create("projects", name=f"Show {key}", production_type="tvshow")
    made = lambda kind, name, **values: admin.create(  # noqa: E731
        "entities", name=name, project_id=show["id"], entity_type_id=studio.types[kind], **values
    )
    episode = made("Episode", f"E01 {key}")
    sequence = made("Sequence", f"SQ01 {key}", parent_id=episode["id"])
    shot = made("Shot", f"SH010 {key}", parent_id=sequence["id"])
    found = search(admin, f"sh010 {key}", index_names=["shots", "episodes"])
    hit = found["shots"][0]
    assert ids(found["shots"]) == [shot["id"]] and ids(found["episodes"]) == []
    assert hit["sequence_name"] == sequence["name"] and hit["project_name"] == show["name"]
    assert hit["episode"] == episode["name"] and hit["episode_id"] == episode["id"]
    assert ids(search(admin, key, index_names=["episodes"])["episodes"]) == [episode["id"]]
    assert "episode" not in search(admin, studio.shot["name"], index_names=["shots"])["shots"][0]
