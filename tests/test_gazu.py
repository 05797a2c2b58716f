"""The official ``gazu`` client, unchanged, against the real server over a real socket."""

from __future__ import annotations

import uuid

import gazu
import pytest

from .support.server import ADMIN_EMAIL


def test_gazu_checks_the_host(server, gazu_client):
    assert gazu.client.host_is_up(client=gazu_client)
    assert gazu.client.host_is_valid(client=gazu_client)
    assert gazu.client.get_api_version(client=gazu_client)


def test_login_and_current_user(gazu_client):
    user = gazu.client.get_current_user(client=gazu_client)
    assert user["email"] == ADMIN_EMAIL and user["role"] == "admin"


def test_projects_through_gazu(gazu_client):
    name = f"Gazu {uuid.uuid4().hex[:6]}"
    project = gazu.project.new_project(name, client=gazu_client)
    assert project["name"] == name and project["type"] == "Project"
    assert gazu.project.get_project_by_name(name, client=gazu_client)["id"] == project["id"]
    assert project["id"] in [p["id"] for p in gazu.project.all_projects(client=gazu_client)]
    assert (
        gazu.project.get_project(project["id"], client=gazu_client)["project_status_name"] == "Open"
    )
    project["fps"] = "24"
    assert gazu.project.update_project(project, client=gazu_client)["fps"] == "24"
    again = gazu.project.new_project(
        name, client=gazu_client
    )  # gazu finds it instead of duplicating
    assert again["id"] == project["id"]


def test_people_through_gazu(gazu_client):
    email = f"gazu-{uuid.uuid4().hex[:6]}@example.com"
    person = gazu.person.new_person("Ada", "Lovelace", email, role="supervisor", client=gazu_client)
    assert person["full_name"] == "Ada Lovelace"
    assert gazu.person.get_person_by_email(email, client=gazu_client)["id"] == person["id"]
    assert person["id"] in [p["id"] for p in gazu.person.all_persons(client=gazu_client)]
    gazu.person.remove_person(person, force=True, client=gazu_client)
    assert gazu.person.get_person_by_email(email, client=gazu_client) is None


def test_reference_data_through_gazu(gazu_client):
    statuses = gazu.task.all_task_statuses(client=gazu_client)
    assert {"todo", "wip", "wfa", "retake", "done"} <= {status["short_name"] for status in statuses}
    assert (
        gazu.task.get_task_status_by_short_name("wip", client=gazu_client)["name"]
        == "Work In Progress"
    )
    assert gazu.task.get_task_type_by_name("Modeling", client=gazu_client)["for_entity"] == "Asset"
    names = {asset_type["name"] for asset_type in gazu.asset.all_asset_types(client=gazu_client)}
    assert {"Character", "Prop", "Environment", "FX"} <= names
    asset_type = gazu.asset.get_asset_type_by_name("Character", client=gazu_client)
    assert asset_type["id"] in {
        item["id"] for item in gazu.asset.all_asset_types(client=gazu_client)
    }


def test_tasks_through_gazu(gazu_client, studio):
    asset = gazu.asset.get_asset(studio.asset["id"], client=gazu_client)
    assert asset["type"] == "Asset" and asset["project_name"] == studio.project["name"]
    task_type = gazu.task.get_task_type_by_name("Shading", client=gazu_client)
    task = gazu.task.new_task(asset, task_type, name="gazu", client=gazu_client)
    assert task["entity_id"] == asset["id"] and task["name"] == "gazu"
    assert gazu.task.get_task(task["id"], client=gazu_client)["id"] == task["id"]
    found = gazu.task.get_task_by_entity(asset, task_type, name="gazu", client=gazu_client)
    assert found["id"] == task["id"]
    gazu.task.remove_task(task, client=gazu_client)
    assert gazu.task.get_task_by_entity(asset, task_type, name="gazu", client=gazu_client) is None


def test_paginated_fetch_through_gazu(gazu_client):
    everything = gazu.client.fetch_all("task-status", client=gazu_client)
    paged = gazu.client.fetch_all("task-status", paginated=True, limit=2, client=gazu_client)
    assert sorted(item["id"] for item in paged) == sorted(item["id"] for item in everything)


def test_gazu_errors_map_to_its_exceptions(gazu_client):
    with pytest.raises(gazu.exception.RouteNotFoundException):
        gazu.client.fetch_one("projects", str(uuid.uuid4()), client=gazu_client)
    with pytest.raises(gazu.exception.ParameterException):
        gazu.client.create("departments", {"name": "no colour"}, client=gazu_client)
