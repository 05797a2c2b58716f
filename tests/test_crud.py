"""The generic CRUD routes ``/data/<model>`` of every registry entry: create, read, list with
filters and pagination, update, delete, and the events they write."""

from __future__ import annotations

import re

import pytest

from kitsu_local.registry import REGISTRY

from .support.samples import SAMPLES, SAMPLES_BY_ROUTE, Sample

DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
CREATABLE = [sample for sample in SAMPLES if sample.route != "salary-scales"]


def test_every_registry_route_has_a_sample():
    assert {spec.route for spec in REGISTRY} == set(SAMPLES_BY_ROUTE)


def create(studio, sample: Sample) -> dict:
    return studio.admin.create(sample.route, **sample.body(studio))


@pytest.mark.parametrize("sample", CREATABLE, ids=lambda sample: sample.route)
def test_create_read_list_update_delete(studio, sample):
    admin = studio.admin
    spec = next(spec for spec in REGISTRY if spec.route == sample.route)
    row = create(studio, sample)
    assert UUID.match(row["id"])
    assert row["type"] == sample.wire_type
    assert DATETIME.match(row["created_at"]) and DATETIME.match(row["updated_at"])
    for relation in spec.relations:
        assert isinstance(row[relation.name], list), relation.name

    one = admin.ok("GET", f"/data/{sample.route}/{row['id']}")
    assert one["id"] == row["id"] and one["type"] == sample.wire_type
    plain = admin.ok("GET", f"/data/{sample.route}/{row['id']}?relations=false")
    # Comments always embed their attachments on read (as Zou does).
    if sample.route != "comments" and not (spec.hooks and spec.hooks.always_relations()):
        assert not {relation.name for relation in spec.relations if not relation.always} & set(
            plain
        )

    listed = admin.ok("GET", f"/data/{sample.route}")
    assert isinstance(listed, list) and row["id"] in {item["id"] for item in listed}
    assert [item["id"] for item in admin.ok("GET", f"/data/{sample.route}?id={row['id']}")] == [
        row["id"]
    ]
    in_list = admin.ok("GET", f'/data/{sample.route}?id=["{row["id"]}"]&relations=true')
    assert [item["id"] for item in in_list] == [row["id"]]
    for relation in spec.relations:
        assert isinstance(in_list[0][relation.name], list)
    picked = admin.ok("GET", f"/data/{sample.route}?id={row['id']}&fields=id")
    assert set(picked[0]) == {"id", "type"}

    page = admin.ok("GET", f"/data/{sample.route}?page=1&limit=1")
    assert set(page) == {"data", "total", "nb_pages", "limit", "offset", "page"}
    assert page["limit"] == 1 and page["offset"] == 0 and page["page"] == 1
    assert len(page["data"]) == 1 and page["nb_pages"] == page["total"] >= 1

    field, value = sample.update
    updated = admin.ok("PUT", f"/data/{sample.route}/{row['id']}", json={field: value})
    assert updated["id"] == row["id"] and updated[field] == value
    assert admin.ok("GET", f"/data/{sample.route}/{row['id']}")[field] == value

    if sample.before_delete:
        sample.before_delete(studio, row)
    assert admin.delete(f"/data/{sample.route}/{row['id']}?force=true").status_code == 204
    missing = admin.get(f"/data/{sample.route}/{row['id']}")
    assert missing.status_code == 404
    assert missing.json()["error"] is True


@pytest.mark.parametrize(
    ("route", "event", "key"),
    [
        ("departments", "department", "department_id"),
        ("task-status", "task-status", "task_status_id"),
        ("entity-types", "asset-type", "asset_type_id"),
        ("projects", "project", "project_id"),
        ("entities", "asset", "asset_id"),
        ("tasks", "task", "task_id"),
        ("time-spents", "time-spent", "time_spent_id"),
        ("metadata-descriptors", "metadata-descriptor", "metadata_descriptor_id"),
    ],
)
def test_changes_write_events(studio, route, event, key):
    admin = studio.admin
    sample = SAMPLES_BY_ROUTE[route]
    row = create(studio, sample)
    field, value = sample.update
    admin.ok("PUT", f"/data/{route}/{row['id']}", json={field: value})
    if sample.before_delete:
        sample.before_delete(studio, row)
    admin.ok("DELETE", f"/data/{route}/{row['id']}?force=true", 204)
    names = []
    # Deleting a project with force removes the project's own event log, as Zou does.
    actions = ("delete",) if route == "projects" else ("new", "update", "delete")
    for action in actions:
        found = [
            item
            for item in admin.ok("GET", f"/data/events?name={event}:{action}")
            if item["data"].get(key) == row["id"]
        ]
        assert found, f"{event}:{action}"
        names.append(found[0]["name"])
        assert found[0]["user_id"] == studio.people["admin"]["id"] or found[0]["user_id"]
        if row.get("project_id"):
            assert found[0]["project_id"] == row["project_id"]
            assert found[0]["data"]["project_id"] == row["project_id"]
    assert names == [f"{event}:{action}" for action in actions]


def test_name_filter_is_case_insensitive_with_wildcards(studio):
    admin = studio.admin
    department = admin.create("departments", name="Ligné Département Xyz", color="#000000")
    assert [d["id"] for d in admin.ok("GET", "/data/departments?name=ligné département xyz")] == [
        department["id"]
    ]
    assert department["id"] in [d["id"] for d in admin.ok("GET", "/data/departments?name=LIGN%25")]


def test_boolean_and_uuid_filters_are_checked(studio):
    admin = studio.admin
    assert admin.ok("GET", "/data/departments?archived=false")
    bad_bool = admin.get("/data/departments?archived=maybe")
    assert bad_bool.status_code == 400 and "boolean" in bad_bool.json()["message"]
    bad_id = admin.get("/data/tasks?project_id=not-a-uuid")
    assert bad_id.status_code == 400 and bad_id.json()["error"] is True
    bad_list = admin.get("/data/tasks?project_id=[not json")
    assert (
        bad_list.status_code == 400
        and bad_list.json()["message"] == "Malformed list filter for field project_id."
    )


def test_unknown_query_parameters_are_ignored(studio):
    listed = studio.admin.ok("GET", "/data/departments?whatever=1")
    assert listed == studio.admin.ok("GET", "/data/departments")


def test_relation_filter_and_relations_switch(studio):
    admin = studio.admin
    artist = studio.people["user"]["id"]
    tasks = admin.ok("GET", f"/data/tasks?assignees={artist}&relations=true")
    assert studio.asset_task["id"] in [task["id"] for task in tasks]
    assert all(artist in task["assignees"] for task in tasks)
    assert "assignees" not in admin.ok("GET", f"/data/tasks?id={studio.asset_task['id']}")[0]
    project = admin.ok("GET", f"/data/projects/{studio.project['id']}")
    assert set(project["team"]) == {
        person["id"] for role, person in studio.people.items() if role != "admin"
    }


def test_pagination_beyond_the_end_and_page_zero(studio):
    admin = studio.admin
    total = admin.ok("GET", "/data/task-status?page=1")["total"]
    beyond = admin.ok("GET", f"/data/task-status?page={total + 5}&limit=1")
    assert beyond["data"] == [] and beyond["total"] == total
    assert admin.ok("GET", "/data/task-status?page=0")["data"] == []
    assert admin.get("/data/task-status?page=x").json()["message"] == "page must be an integer."


def test_pages_are_ordered_by_last_update(studio):
    admin = studio.admin
    first = admin.create("studios", name="Order A", color="#000001")
    second = admin.create("studios", name="Order B", color="#000002")
    admin.ok("PUT", f"/data/studios/{first['id']}", json={"color": "#000003"})
    page = admin.ok("GET", "/data/studios?page=1&limit=100")["data"]
    ids = [item["id"] for item in page]
    assert ids.index(first["id"]) < ids.index(second["id"])


def test_read_only_fields_are_kept(studio):
    admin = studio.admin
    task = admin.ok("GET", f"/data/tasks/{studio.shot_task['id']}")
    updated = admin.ok(
        "PUT",
        f"/data/tasks/{task['id']}",
        json={
            "project_id": studio.other_project["id"],
            "id": "x",
            "created_at": "2000-01-01",
            "nope": 1,
        },
    )
    assert (
        updated["project_id"] == task["project_id"] and updated["created_at"] == task["created_at"]
    )


def test_delete_of_a_referenced_row_is_refused(studio):
    admin = studio.admin
    department = admin.create("departments", name="Referenced", color="#000000")
    admin.create("task-types", name="Uses dept", department_id=department["id"])
    refused = admin.delete(f"/data/departments/{department['id']}")
    assert refused.status_code == 400
    assert refused.json() == {"message": "The change conflicts with records referencing this one."}
    assert admin.ok("GET", f"/data/departments/{department['id']}")["id"] == department["id"]


def test_unique_violation_answers_zou_message(studio):
    admin = studio.admin
    admin.create("studios", name="Unique studio", color="#000000")
    response = admin.post("/data/studios", json={"name": "Unique studio", "color": "#000000"})
    assert response.status_code == 400
    assert response.json() == {"message": "A record with the same unique values already exists."}


def test_unknown_key_on_create(studio):
    response = studio.admin.post(
        "/data/departments", json={"name": "x", "color": "#000000", "foo": 1}
    )
    assert response.status_code == 400
    assert response.json() == {"message": "'foo' is an invalid keyword argument for Department"}


def test_missing_required_field(studio):
    response = studio.admin.post("/data/departments", json={"name": "No colour"})
    assert response.status_code == 400
    assert response.json() == {"message": "A required field is missing."}


def test_invalid_date_on_update(studio):
    response = studio.admin.put(
        f"/data/tasks/{studio.shot_task['id']}", json={"due_date": "2026-04-"}
    )
    assert response.status_code == 400
    assert response.json()["message"] == (
        "Invalid date format for 'due_date': '2026-04-'. Expected an ISO 8601 date or datetime."
    )
    ok = studio.admin.ok(
        "PUT", f"/data/tasks/{studio.shot_task['id']}", json={"due_date": "2030-02-03T10:00:00Z"}
    )
    assert ok["due_date"] == "2030-02-03T10:00:00"
