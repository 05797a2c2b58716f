"""The official ``gazu`` client, unchanged, against the real server over a real socket."""

from __future__ import annotations

import uuid

import gazu
import pytest

from .support.server import ADMIN_EMAIL, ADMIN_PASSWORD


@pytest.fixture
def client(server):
    client = gazu.client.create_client(server.api)
    gazu.log_in(ADMIN_EMAIL, ADMIN_PASSWORD, client=client)
    yield client
    gazu.log_out(client=client)


def test_gazu_checks_the_host(server, client):
    assert gazu.client.host_is_up(client=client)
    assert gazu.client.host_is_valid(client=client)
    assert gazu.client.get_api_version(client=client)


def test_login_and_current_user(client):
    user = gazu.client.get_current_user(client=client)
    assert user["email"] == ADMIN_EMAIL and user["role"] == "admin"


def test_projects_through_gazu(client):
    name = f"Gazu {uuid.uuid4().hex[:6]}"
    project = gazu.project.new_project(name, client=client)
    assert project["name"] == name and project["type"] == "Project"
    assert gazu.project.get_project_by_name(name, client=client)["id"] == project["id"]
    assert project["id"] in [p["id"] for p in gazu.project.all_projects(client=client)]
    assert gazu.project.get_project(project["id"], client=client)["project_status_name"] == "Open"
    project["fps"] = "24"
    assert gazu.project.update_project(project, client=client)["fps"] == "24"
    again = gazu.project.new_project(name, client=client)  # gazu finds it instead of duplicating
    assert again["id"] == project["id"]


def test_people_through_gazu(client):
    email = f"gazu-{uuid.uuid4().hex[:6]}@example.com"
    person = gazu.person.new_person("Ada", "Lovelace", email, role="supervisor", client=client)
    assert person["full_name"] == "Ada Lovelace"
    assert gazu.person.get_person_by_email(email, client=client)["id"] == person["id"]
    assert person["id"] in [p["id"] for p in gazu.person.all_persons(client=client)]
    gazu.person.remove_person(person, force=True, client=client)
    assert gazu.person.get_person_by_email(email, client=client) is None


def test_reference_data_through_gazu(client):
    statuses = gazu.task.all_task_statuses(client=client)
    assert {"todo", "wip", "wfa", "retake", "done"} <= {status["short_name"] for status in statuses}
    assert (
        gazu.task.get_task_status_by_short_name("wip", client=client)["name"] == "Work In Progress"
    )
    assert gazu.task.get_task_type_by_name("Modeling", client=client)["for_entity"] == "Asset"
    names = {asset_type["name"] for asset_type in gazu.asset.all_asset_types(client=client)}
    assert {"Character", "Prop", "Environment", "FX"} <= names
    asset_type = gazu.asset.get_asset_type_by_name("Character", client=client)
    assert asset_type["id"] in {item["id"] for item in gazu.asset.all_asset_types(client=client)}


def test_tasks_through_gazu(client, studio):
    asset = gazu.asset.get_asset(studio.asset["id"], client=client)
    assert asset["type"] == "Asset" and asset["project_name"] == studio.project["name"]
    task_type = gazu.task.get_task_type_by_name("Shading", client=client)
    task = gazu.task.new_task(asset, task_type, name="gazu", client=client)
    assert task["entity_id"] == asset["id"] and task["name"] == "gazu"
    assert gazu.task.get_task(task["id"], client=client)["id"] == task["id"]
    found = gazu.task.get_task_by_entity(asset, task_type, name="gazu", client=client)
    assert found["id"] == task["id"]
    gazu.task.remove_task(task, client=client)
    assert gazu.task.get_task_by_entity(asset, task_type, name="gazu", client=client) is None


def test_paginated_fetch_through_gazu(client):
    everything = gazu.client.fetch_all("task-status", client=client)
    paged = gazu.client.fetch_all("task-status", paginated=True, limit=2, client=client)
    assert sorted(item["id"] for item in paged) == sorted(item["id"] for item in everything)


def test_gazu_errors_map_to_its_exceptions(client):
    with pytest.raises(gazu.exception.RouteNotFoundException):
        gazu.client.fetch_one("projects", str(uuid.uuid4()), client=client)
    with pytest.raises(gazu.exception.ParameterException):
        gazu.client.create("departments", {"name": "no colour"}, client=client)
