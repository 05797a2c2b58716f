"""``POST /import/kitsu/<name>``, Zou's upsert by id (zou-behaviour.md 5.2, 5.8), for the 16
names Zou serves: a whole production imported with the ids and dates of its records, imported
again (an update, no duplicate), the per-model rules, bad input (4xx, nothing written), callers
who are not admins, ``?silent=true``, ``gazu.sync``, and the sync engine's options of
``import_record`` (``project_links="replace"``, ``keep_casting``) on a database of its own.

Deliberate differences from Zou written down here: a failing entry fails the whole request
(Zou keeps the entries before it), unknown keys and project links to unknown ids are ignored
(Zou: 500 and a foreign key 400), bad entries are 400s (Zou: 500), a department mention keeps
the mentions, an untyped entity record keeps its entity type (Zou: a Shot).
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import gazu
import pytest
from sqlalchemy import select

from kitsu_local import registry
from kitsu_local.app_state import AppState
from kitsu_local.context import Ctx
from kitsu_local.models import (
    DepartmentLink,
    EntityLink,
    EntityType,
    Person,
    ProjectTaskTypeLink,
    TaskType,
)
from kitsu_local.services.init_data import prepare_database
from kitsu_local.services.kitsu_import import IMPORT_NAMES, import_record
from kitsu_local.settings import Settings

from .support.studio import unique

STAMP = "2021-02-03T04:05:06"
# Entities, tasks, comments and projects end with updated_at = now on Zou (an extra save()).
TOUCHED = {"entities", "tasks", "comments", "projects"}
ORDER = (
    "projects", "metadata-descriptors", "milestones", "entities", "schedule-items",
    "entity-links", "tasks", "preview-files", "comments", "attachment-files", "news",
    "notifications", "subscriptions", "time-spents", "playlists", "build-jobs",
)  # fmt: skip
MODEL_NAMES = {
    "projects": "Project", "metadata-descriptors": "MetadataDescriptor",
    "milestones": "Milestone", "entities": "Entity", "schedule-items": "ScheduleItem",
    "entity-links": "EntityLink", "tasks": "Task", "preview-files": "PreviewFile",
    "comments": "Comment", "attachment-files": "AttachmentFile", "news": "News",
    "notifications": "Notification", "subscriptions": "Subscription",
    "time-spents": "TimeSpent", "playlists": "Playlist", "build-jobs": "BuildJob",
}  # fmt: skip
LIST_EXPECTED = "A list of entities is expected."


def new_id() -> str:
    return str(uuid.uuid4())


def post(api, name: str, records: Any, **params: str):
    return api.post(f"/import/kitsu/{name}", json=records, params=params)


def imported(api, name: str, records: Any, **params: str) -> list[dict[str, Any]]:
    response = post(api, name, records, **params)
    assert response.status_code == 200, response.text
    return response.json()


def refused(api, name: str, records: Any, status: int = 400) -> str:
    response = post(api, name, records)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] is True and "data" in body, body
    return body["message"]


def events_of(api, project_id: str) -> list[dict[str, Any]]:
    return api.ok("GET", f"/data/events/last?project_id={project_id}&limit=1000")


def production(studio) -> dict[str, Any]:
    """Ids and one record list per route, in an order that satisfies the foreign keys."""
    ids = {key: new_id() for key in (
        "project", "descriptor", "milestone", "sequence", "asset", "shot", "schedule_item",
        "link", "task", "preview", "comment", "attachment", "news", "notification",
        "subscription", "time_spent", "playlist", "build_job",
    )}  # fmt: skip
    admin_id, user = studio.people["admin"]["id"], studio.people["user"]["id"]
    modeling, todo = studio.task_types["Modeling/Asset"]["id"], studio.statuses["todo"]["id"]
    departments = [item["id"] for item in studio.admin.ok("GET", "/data/departments")]
    stamp = {"created_at": STAMP, "updated_at": STAMP}
    p = {"project_id": ids["project"]}
    records = {
        "projects": [{
            "id": ids["project"], "name": unique("Imported"), "type": "Project",
            "project_status_name": "Open", "team": [user], "task_types": [modeling],
            "task_statuses": [todo], "asset_types": [studio.types["Character"]], **stamp,
        }],
        "metadata-descriptors": [{
            "id": ids["descriptor"], **p, "entity_type": "Asset", "name": "Size",
            "field_name": "size", "choices": [], "departments": departments[:1],
            "type": "MetadataDescriptor", **stamp,
        }],
        "milestones": [{"id": ids["milestone"], **p, "name": "M1", "date": "2021-03-01",
                        "type": "Milestone", **stamp}],
        "entities": [
            # A wrong entity type on purpose: a sequence takes the local "Sequence" type.
            {"id": ids["sequence"], **p, "name": "SQ01", "type": "Sequence",
             "entity_type_id": studio.types["Character"], **stamp},
            {"id": ids["asset"], **p, "name": "Bob", "type": "Asset",
             "asset_type_id": studio.types["Character"], "asset_type_name": "Character",
             "project_name": "x", **stamp},
            {"id": ids["shot"], **p, "name": "SH010", "type": "Shot",
             "sequence_id": ids["sequence"], "frame_in": 1, "frame_out": 24, "fps": "25",
             "data": {"x": 1}, "entities_out": [ids["asset"], new_id()],
             "preview_file_id": new_id(), **stamp},
        ],
        "schedule-items": [{"id": ids["schedule_item"], **p, "task_type_id": modeling,
                            "start_date": "2021-03-01", "end_date": "2021-04-01",
                            "type": "ScheduleItem", **stamp}],
        # The shot's casting made this pair: the import updates it and gives it this id.
        "entity-links": [{"id": ids["link"], "entity_in_id": ids["shot"],
                          "entity_out_id": ids["asset"], "nb_occurences": 3, "label": "fg",
                          "project_name": "x", "type": "EntityLink", **stamp}],
        "tasks": [{"id": ids["task"], **p, "name": "main", "entity_id": ids["asset"],
                   "task_type_id": modeling, "task_status_id": todo, "type": "Task",
                   "assignees": [user, "unassigned", "bad", new_id()], **stamp}],
        "preview-files": [{"id": ids["preview"], "name": "v1", "revision": 1,
                           "task_id": ids["task"], "person_id": admin_id, "extension": "png",
                           "status": None, "comments": [], "type": "PreviewFile", **stamp}],
        "comments": [{"id": ids["comment"], "object_id": ids["task"], "object_type": "Task",
                      "person_id": admin_id, "task_status_id": todo, "text": "hi",
                      "previews": [ids["preview"], new_id()], "mentions": [user],
                      "department_mentions": departments[:1], "acknowledgements": [admin_id],
                      "attachment_files": [], "checklist": None, "type": "Comment", **stamp}],
        "attachment-files": [{"id": ids["attachment"], "name": "notes.txt", "size": 3,
                              "extension": "txt", "mimetype": "text/plain",
                              "comment_id": ids["comment"], "comment": None,
                              "chat_message": None, "type": "AttachmentFile", **stamp}],
        "news": [{"id": ids["news"], "created_at": STAMP, "change": True, "author_id": admin_id,
                  "comment_id": ids["comment"], "preview_file_id": ids["preview"],
                  "task_id": ids["task"], "type": "News", "extra": 1}],
        "notifications": [{"id": ids["notification"], "notification_type": "comment",
                           "person_id": user, "author_id": admin_id, "comment_id": ids["comment"],
                           "task_id": ids["task"], "read": False, "change": False,
                           "type": "Notification", **stamp}],
        "subscriptions": [{"id": ids["subscription"], "person_id": user, "task_id": ids["task"],
                           "type": "Subscription", **stamp}],
        "time-spents": [{"id": ids["time_spent"], "person_id": user, "task_id": ids["task"],
                         "date": "2021-03-02", "duration": 60, "type": "TimeSpent", **stamp}],
        "playlists": [{"id": ids["playlist"], **p, "name": "Daily", "shots": [],
                       "build_jobs": [], "type": "Playlist", **stamp}],
        "build-jobs": [{"id": ids["build_job"], "playlist_id": ids["playlist"],
                        "status": "succeeded", "job_type": "movie", "type": "BuildJob", **stamp}],
    }  # fmt: skip
    return {"ids": ids, "records": records, "departments": departments}


@pytest.fixture(scope="module")
def world(studio):
    """The production imported once (events on), then every record imported again."""
    made = production(studio)
    made["first"] = {name: imported(studio.admin, name, made["records"][name]) for name in ORDER}
    made["events"] = events_of(studio.admin, made["ids"]["project"])
    made["second"] = {name: imported(studio.admin, name, made["records"][name]) for name in ORDER}
    made["all_events"] = events_of(studio.admin, made["ids"]["project"])
    return made


def get(api, path: str) -> Any:
    return api.ok("GET", path)


# ==== every route: created with its ids and dates, then updated ===============================
def test_the_sixteen_routes():
    assert tuple(IMPORT_NAMES) == (
        "comments", "entities", "entity-links", "projects", "tasks", "attachment-files",
        "build-jobs", "metadata-descriptors", "milestones", "news", "notifications",
        "playlists", "preview-files", "schedule-items", "subscriptions", "time-spents",
    )  # fmt: skip
    assert set(ORDER) == set(IMPORT_NAMES)


@pytest.mark.parametrize("name", ORDER)
def test_import_keeps_ids_and_dates(world, name):
    answer, records = world["first"][name], world["records"][name]
    assert [item["id"] for item in answer] == [record["id"] for record in records]
    for item in answer:
        assert item["type"] == MODEL_NAMES[name]
        assert item["created_at"] == STAMP
        if name in TOUCHED:
            assert item["updated_at"] > STAMP  # the import time, as Zou's second save
        else:
            assert item["updated_at"] == STAMP
        assert not {"team", "assignees", "previews", "entities_out", "departments"} & set(item)


@pytest.mark.parametrize("name", ORDER)
def test_import_again_updates_the_same_rows(world, name):
    first, second = world["first"][name], world["second"][name]
    assert [item["id"] for item in second] == [item["id"] for item in first]
    for before, after in zip(first, second, strict=True):
        assert without_dates(before) == without_dates(after)


def without_dates(item: dict[str, Any]) -> dict[str, Any]:
    """The item without ``updated_at``, nested objects (an attachment's comment) included."""
    return {
        key: without_dates(value) if isinstance(value, dict) else value
        for key, value in item.items()
        if key != "updated_at"
    }


def test_no_duplicate_after_two_imports(studio, world):
    admin, ids = studio.admin, world["ids"]
    project = f"/data/projects/{ids['project']}"
    entities = get(admin, f"/data/entities?project_id={ids['project']}")
    assert sorted(e["name"] for e in entities if e["name"] in ("SQ01", "Bob", "SH010")) == [
        "Bob", "SH010", "SQ01"
    ]  # fmt: skip
    assert len(get(admin, f"/data/tasks?entity_id={ids['asset']}")) == 1
    assert len(get(admin, f"/data/entity-links?entity_in_id={ids['shot']}")) == 1
    assert len(get(admin, f"/data/comments?object_id={ids['task']}")) == 1
    assert len(get(admin, f"/data/preview-files?task_id={ids['task']}")) == 1
    assert len(get(admin, f"/data/time-spents?task_id={ids['task']}")) == 1
    assert len(get(admin, f"/data/milestones?project_id={ids['project']}&name=M1")) == 1
    assert [job["id"] for job in get(admin, f"{project}/build-jobs")] == [ids["build_job"]]
    for route, key in (("news", "news"), ("notifications", "notification"),
                       ("subscriptions", "subscription"), ("schedule-items", "schedule_item"),
                       ("metadata-descriptors", "descriptor"), ("playlists", "playlist"),
                       ("attachment-files", "attachment")):  # fmt: skip
        assert get(admin, f"/data/{route}/{ids[key]}")["id"] == ids[key]


EVENTS = {  # route -> (event name prefix, payload keys besides project_id)
    "projects": ("project", set()),
    "metadata-descriptors": ("metadata-descriptor", {"metadata_descriptor_id"}),
    "milestones": ("milestone", {"milestone_id"}),
    "schedule-items": ("schedule-item", {"schedule_item_id"}),
    "entity-links": ("entity-link", set()),
    "tasks": ("task", set()),
    "preview-files": ("preview-file", {"preview_file_id"}),
    "comments": ("comment", {"comment_id", "task_id", "person_id", "for_client"}),
    "attachment-files": ("attachment-file", {"attachment_file_id"}),
    "news": ("news", {"news_id"}),
    "notifications": ("notification", {"notification_id"}),
    "subscriptions": ("subscription", {"subscription_id"}),
    "time-spents": ("time-spent", {"time_spent_id"}),
    "playlists": ("playlist", {"playlist_id"}),
    "build-jobs": ("build-job", {"build_job_id"}),
}


@pytest.mark.parametrize("name", sorted(EVENTS))
def test_events_new_then_update(world, name):
    prefix, keys = EVENTS[name]
    first = [event for event in world["events"] if event["name"].startswith(f"{prefix}:")]
    every = [event for event in world["all_events"] if event["name"].startswith(f"{prefix}:")]
    expected_new = 0 if name == "entity-links" else 1  # the casting had made the link
    assert [event["name"] for event in first].count(f"{prefix}:new") == expected_new
    assert [event["name"] for event in every].count(f"{prefix}:update") == 2 - expected_new
    for event in every:
        assert set(event["data"]) == keys | {"project_id"}
        assert event["project_id"] == world["ids"]["project"]


def test_entity_events_have_zous_capitalised_keys(world):
    ids = world["ids"]
    names = {event["name"]: event["data"] for event in world["events"]}
    assert names["sequence:new"] == {"Sequence_id": ids["sequence"], "project_id": ids["project"]}
    assert names["asset:new"]["Asset_id"] == ids["asset"]
    assert names["shot:new"]["Shot_id"] == ids["shot"]


# ==== the per-model rules =====================================================================
def test_entity_rules(studio, world):
    admin, ids = studio.admin, world["ids"]
    sequence = get(admin, f"/data/entities/{ids['sequence']}")
    assert sequence["entity_type_id"] == studio.types["Sequence"] and sequence["type"] == "Sequence"
    shot = get(admin, f"/data/entities/{ids['shot']}")
    assert shot["entity_type_id"] == studio.types["Shot"]
    assert shot["parent_id"] == ids["sequence"]
    assert shot["data"] == {"x": 1, "frame_in": 1, "frame_out": 24, "fps": "25"}
    assert shot["preview_file_id"] is None  # unknown here: dropped
    assert shot["entities_out"] == [ids["asset"]]  # the unknown id dropped
    asset = get(admin, f"/data/entities/{ids['asset']}")
    assert asset["entity_type_id"] == studio.types["Character"] and asset["type"] == "Asset"


def test_entity_links_are_matched_on_their_pair(studio, world):
    admin, ids = studio.admin, world["ids"]
    links = get(admin, f"/data/entity-links?entity_in_id={ids['shot']}")
    assert [(link["id"], link["nb_occurences"], link["label"]) for link in links] == [
        (ids["link"], 3, "fg")
    ]
    other = new_id()  # the same pair under another id: still one link, now with that id
    [answer] = imported(admin, "entity-links", [{"id": other, "entity_in_id": ids["shot"],
                                                 "entity_out_id": ids["asset"],
                                                 "nb_occurences": 5}])  # fmt: skip
    assert answer["id"] == other and answer["nb_occurences"] == 5
    links = get(admin, f"/data/entity-links?entity_in_id={ids['shot']}")
    assert [link["id"] for link in links] == [other]
    record = {**world["records"]["entity-links"][0], "nb_occurences": 3}
    imported(admin, "entity-links", [record])  # back to the world's id


def test_entity_without_entities_out_loses_its_casting(studio, world):
    admin, ids = studio.admin, world["ids"]
    shot = {"id": new_id(), "project_id": ids["project"], "name": unique("SH"), "type": "Shot",
            "sequence_id": ids["sequence"], "entities_out": [ids["asset"]]}  # fmt: skip
    imported(admin, "entities", [shot])
    assert get(admin, f"/data/entities/{shot['id']}")["entities_out"] == [ids["asset"]]
    imported(admin, "entities", [{**shot, "entities_out": None}])  # null: left as it is
    assert get(admin, f"/data/entities/{shot['id']}")["entities_out"] == [ids["asset"]]
    del shot["entities_out"]
    imported(admin, "entities", [shot])  # absent: Zou's rule, the casting is cleared
    assert get(admin, f"/data/entities/{shot['id']}")["entities_out"] == []


def test_a_record_without_type(studio, world):
    """A Shot only when nothing else says what it is (Zou: always, updates included)."""
    admin, ids = studio.admin, world["ids"]
    prop = {"id": new_id(), "project_id": ids["project"], "name": unique("Untyped")}
    imported(admin, "entities", [{**prop, "entity_type_id": studio.types["Prop"]}])
    assert get(admin, f"/data/entities/{prop['id']}")["type"] == "Asset"
    imported(admin, "entities", [{"id": prop["id"], "description": "still a prop"}])
    assert get(admin, f"/data/entities/{prop['id']}")["type"] == "Asset"
    bare = {"id": new_id(), "project_id": ids["project"], "name": unique("Bare")}
    imported(admin, "entities", [bare])
    assert get(admin, f"/data/entities/{bare['id']}")["type"] == "Shot"


def test_project_links_only_grow(studio, world):
    admin, ids, people = studio.admin, world["ids"], studio.people
    project = get(admin, f"/data/projects/{ids['project']}")
    assert project["team"] == [people["user"]["id"]]
    assert project["project_status_id"] is None  # as on Zou: an imported project has none
    record = {"id": ids["project"], "team": [people["manager"]["id"], new_id()], "task_types": []}
    imported(admin, "projects", [record])
    project = get(admin, f"/data/projects/{ids['project']}")
    assert sorted(project["team"]) == sorted([people["user"]["id"], people["manager"]["id"]])
    assert project["task_types"] == [studio.task_types["Modeling/Asset"]["id"]]
    assert project["name"] == world["records"]["projects"][0]["name"]  # absent keys kept


def test_task_assignees_are_replaced(studio, world):
    admin, ids, people = studio.admin, world["ids"], studio.people
    path = f"/data/tasks/{ids['task']}"
    assert get(admin, path)["assignees"] == [people["user"]["id"]]  # unassigned, bad: skipped
    imported(admin, "tasks", [{"id": ids["task"], "priority": 2}])  # absent: untouched
    assert get(admin, path)["assignees"] == [people["user"]["id"]]
    imported(admin, "tasks", [{"id": ids["task"], "assignees": [people["manager"]["id"]]}])
    assert get(admin, path)["assignees"] == [people["manager"]["id"]]
    imported(admin, "tasks", [world["records"]["tasks"][0]])
    assert get(admin, path)["assignees"] == [people["user"]["id"]]


def test_comment_relations(studio, world):
    admin, ids, people = studio.admin, world["ids"], studio.people
    comment = get(admin, f"/data/comments/{ids['comment']}")
    assert comment["previews"] == [ids["preview"]]  # the unknown preview dropped
    assert comment["mentions"] == [people["user"]["id"]]  # kept (Zou's import empties them)
    assert comment["department_mentions"] == world["departments"][:1]
    assert comment["acknowledgements"] == [people["admin"]["id"]]
    assert comment["checklist"] == []  # a null checklist is stored as []
    assert [item["id"] for item in comment["attachment_files"]] == [ids["attachment"]]
    # A comment listing an attachment takes it; one listing none lets it go.
    other = {
        **world["records"]["comments"][0],
        "id": new_id(),
        "attachment_files": [ids["attachment"]],
    }
    imported(admin, "comments", [other])
    assert get(admin, f"/data/attachment-files/{ids['attachment']}")["comment_id"] == other["id"]
    imported(admin, "comments", [{**other, "attachment_files": []}])
    assert get(admin, f"/data/attachment-files/{ids['attachment']}")["comment_id"] is None
    imported(admin, "attachment-files", world["records"]["attachment-files"])


def test_preview_notification_news_rules(studio, world):
    admin, ids = studio.admin, world["ids"]
    preview = get(admin, f"/data/preview-files/{ids['preview']}")
    assert preview["status"] == "ready" and preview["data"] == {"imported_only": True}
    notification = get(admin, f"/data/notifications/{ids['notification']}")
    assert notification["notification_type"] == "comment"
    news = get(admin, f"/data/news/{ids['news']}")
    assert news["created_at"] == news["updated_at"] == STAMP
    descriptor = get(admin, f"/data/metadata-descriptors/{ids['descriptor']}")
    assert descriptor["departments"] == world["departments"][:1]
    imported(admin, "metadata-descriptors",
             [{"id": ids["descriptor"], "departments": world["departments"][1:2]}])  # fmt: skip
    descriptor = get(admin, f"/data/metadata-descriptors/{ids['descriptor']}")
    assert sorted(descriptor["departments"]) == sorted(world["departments"][:2])  # grows


# ==== bad input: a 4xx, and nothing written ===================================================
@pytest.mark.parametrize("body", [b'{"id": "x"}', b"null", b'"tasks"', b"3"])
def test_the_body_must_be_a_list(studio, body):
    response = studio.admin.request(
        "POST", "/import/kitsu/tasks", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json() == {"error": True, "message": LIST_EXPECTED, "data": None}


def test_empty_and_malformed_bodies(studio):
    admin = studio.admin
    assert imported(admin, "tasks", []) == []
    for content in (b"", b"not json"):
        response = admin.request("POST", "/import/kitsu/tasks", content=content,
                                 headers={"Content-Type": "application/json"})  # fmt: skip
        assert response.status_code == 400 and response.json()["error"] is True


def test_bad_entries(studio, world):
    admin, ids = studio.admin, world["ids"]
    assert refused(admin, "tasks", ["task"]) == "Entry 0 (no id): An entry must be a JSON object."
    assert refused(admin, "milestones", [{"name": "M"}]).endswith("The entry has no id.")
    assert refused(admin, "milestones", [{"id": "nope", "name": "M"}]) == (
        "Entry 0 (id nope): Malformed ID."
    )
    link = {"entity_in_id": "bad", "entity_out_id": ids["asset"]}
    assert "entity_in_id must be an entity id." in refused(admin, "entity-links", [link])
    task = {"id": new_id(), "project_id": ids["project"]}
    assert refused(admin, "tasks", [task]).endswith("A required field is missing: name.")
    wrong = {**world["records"]["time-spents"][0], "duration": "long"}
    assert "invalid format: duration" in refused(admin, "time-spents", [wrong])
    listed = {"id": ids["task"], "assignees": "everyone"}
    assert "invalid format" in refused(admin, "tasks", [listed])


def test_a_failing_entry_writes_nothing(studio, world):
    admin, ids = studio.admin, world["ids"]
    good, orphan = new_id(), new_id()
    records = [
        {"id": good, "project_id": ids["project"], "name": "Kept?"},
        {"id": orphan, "project_id": new_id(), "name": "No project"},
    ]
    message = refused(admin, "milestones", records)
    assert message.startswith(f"Entry 1 (id {orphan}): ")
    for milestone_id in (good, orphan):
        assert admin.get(f"/data/milestones/{milestone_id}").status_code == 404
    before = events_of(admin, ids["project"])[0]
    refused(admin, "tasks", [{**world["records"]["tasks"][0], "priority": "high"}])
    assert events_of(admin, ids["project"])[0] == before  # no event of the failed request


def test_unknown_keys_are_ignored(studio, world):
    admin, ids = studio.admin, world["ids"]
    record = {"id": new_id(), "project_id": ids["project"], "name": "M9", "colour": "red"}
    [answer] = imported(admin, "milestones", [record])  # Zou: 500 on a new row
    assert "colour" not in answer and answer["name"] == "M9"


def test_non_admins_get_an_empty_list(studio, world):
    record = {"id": new_id(), "project_id": world["ids"]["project"], "name": "Sneaky"}
    for role in ("manager", "user", "vendor"):
        assert imported(studio.as_role(role), "milestones", [record]) == []
        assert studio.as_role(role).post("/import/kitsu/tasks", json={}).status_code == 400
    assert studio.admin.get(f"/data/milestones/{record['id']}").status_code == 404
    assert studio.admin.as_token(None).post("/import/kitsu/tasks", json=[]).status_code == 401


@pytest.mark.parametrize("flag", ["true", "1", "yes", "True"])
def test_silent_imports_emit_nothing(studio, world, flag):
    admin, ids = studio.admin, world["ids"]
    record = {"id": new_id(), "project_id": ids["project"], "name": "Quiet"}
    imported(admin, "milestones", [record], silent=flag)
    imported(admin, "milestones", [{**record, "name": "Still quiet"}], silent=flag)
    assert get(admin, f"/data/milestones/{record['id']}")["name"] == "Still quiet"
    events = events_of(admin, ids["project"])
    assert not [event for event in events if event["data"].get("milestone_id") == record["id"]]
    imported(admin, "milestones", [record], silent="no")
    assert events_of(admin, ids["project"])[0]["data"]["milestone_id"] == record["id"]


# ==== gazu.sync ===============================================================================
def test_gazu_sync_imports(studio, world, gazu_client):
    ids = world["ids"]
    shot = {"id": new_id(), "project_id": ids["project"], "name": unique("SH"), "type": "Shot",
            "sequence_id": ids["sequence"], "nb_frames": 12}  # fmt: skip
    [entity] = gazu.sync.import_entities([shot], client=gazu_client)
    assert (entity["id"], entity["type"], entity["nb_frames"]) == (shot["id"], "Entity", 12)
    assert entity["parent_id"] == ids["sequence"]
    task = {"id": new_id(), "project_id": ids["project"], "entity_id": shot["id"], "name": "anim",
            "task_type_id": studio.task_types["Animation/Shot"]["id"],
            "task_status_id": studio.statuses["todo"]["id"], "created_at": STAMP}  # fmt: skip
    [stored] = gazu.sync.import_tasks([task], client=gazu_client)
    assert (stored["id"], stored["type"], stored["created_at"]) == (task["id"], "Task", STAMP)
    assert stored["entity_id"] == shot["id"]
    link = {"entity_in_id": shot["id"], "entity_out_id": ids["asset"], "nb_occurences": 2}
    [made] = gazu.sync.import_entity_links([link], client=gazu_client)
    assert (made["entity_in_id"], made["nb_occurences"], made["type"]) == (
        shot["id"],
        2,
        "EntityLink",
    )
    casting = gazu.casting.get_shot_casting(entity, client=gazu_client)
    assert [(item["asset_id"], item["nb_occurences"]) for item in casting] == [(ids["asset"], 2)]


# ==== import_record's options for the sync engine (a database of its own) =====================
def run_in_state(tmp_path: Path, scenario) -> Any:
    """Run ``scenario(ctx)`` in one write transaction on a fresh initialised database."""

    async def main() -> Any:
        registry.install()
        state = AppState.from_settings(Settings(data_dir=tmp_path))
        try:
            await prepare_database(state)
            async with state.db.write() as conn:
                return await scenario(Ctx(conn=conn, state=state))
        finally:
            await state.db.dispose()

    return asyncio.run(main())


def test_import_record_options(tmp_path):
    project_id, shot_id, asset_id = new_id(), new_id(), new_id()

    async def scenario(ctx: Ctx) -> dict[str, Any]:
        types = dict((await ctx.conn.execute(select(EntityType.name, EntityType.id))).all())
        task_types = list((await ctx.conn.execute(select(TaskType.id).limit(2))).scalars())
        record = {"id": project_id, "name": "Mirror", "task_types": task_types,
                  "created_at": STAMP, "updated_at": STAMP}  # fmt: skip
        project, created = await import_record(ctx, "projects", record)
        await import_record(ctx, "projects", {"id": project_id, "task_types": task_types[:1]})
        grown = await _links(ctx, ProjectTaskTypeLink, project_id)
        await import_record(
            ctx, "projects", {"id": project_id, "task_types": task_types[1:]},
            project_links="replace",
        )  # fmt: skip
        replaced = await _links(ctx, ProjectTaskTypeLink, project_id)
        base = {"project_id": project_id, "created_at": STAMP, "updated_at": STAMP}
        await import_record(
            ctx,
            "entities",
            {
                "id": asset_id,
                "name": "Bob",
                "type": "Asset",
                "entity_type_id": types["Character"],
                **base,
            },
        )
        shot = {"id": shot_id, "name": "SH1", "type": "Shot", "entities_out": [asset_id], **base}
        await import_record(ctx, "entities", shot)
        bare = {key: value for key, value in shot.items() if key != "entities_out"}
        item, again = await import_record(ctx, "entities", bare, keep_casting=True)
        kept = await _links(ctx, EntityLink, shot_id, "entity_in_id", "entity_out_id")
        await import_record(ctx, "entities", bare)
        cleared = await _links(ctx, EntityLink, shot_id, "entity_in_id", "entity_out_id")
        # Any other CRUD route: the generic rule (hidden columns such as a password ignored).
        department_id, person_id = new_id(), new_id()
        department = {"id": department_id, "name": "Imported", "color": "#000000"}
        await import_record(ctx, "departments", department)
        person = {"id": person_id, "first_name": "Ann", "last_name": "Lee",
                  "email": "ann@example.com", "password": "a-hash",
                  "departments": [department_id, new_id()], "full_name": "Ann",
                  "type": "Person"}  # fmt: skip
        stored_person, _ = await import_record(ctx, "persons", person)
        departments = await _links(ctx, DepartmentLink, person_id, "person_id", "department_id")
        password = (
            await ctx.conn.execute(select(Person.password).where(Person.id == person_id))
        ).scalar_one()
        return {"project": project, "created": created, "grown": grown, "replaced": replaced,
                "task_types": task_types, "shot": item, "again": again, "kept": kept,
                "cleared": cleared, "person": stored_person, "departments": departments,
                "department_id": department_id, "password": password}  # fmt: skip

    result = run_in_state(tmp_path, scenario)
    assert result["created"] is True and result["again"] is False
    assert result["project"]["updated_at"] == STAMP  # the record's dates, kept
    assert result["grown"] == sorted(result["task_types"])
    assert result["replaced"] == result["task_types"][1:]
    assert result["shot"]["updated_at"] == STAMP and result["shot"]["type"] == "Entity"
    assert result["kept"] and result["cleared"] == []
    assert result["person"]["email"] == "ann@example.com" and "password" not in result["person"]
    assert result["departments"] == [result["department_id"]] and result["password"] is None


async def _links(ctx: Ctx, model: Any, owner: str, local: str = "project_id",
                 remote: str = "task_type_id") -> list[str]:  # fmt: skip
    table = model.__table__
    query = select(table.c[remote]).where(table.c[local] == owner).order_by(table.c[remote])
    return list((await ctx.conn.execute(query)).scalars())
