"""The caller's own work views (``/data/user/...``): what each role reads of their own work,
that nobody reads another person's assigned tasks, the enriched to-do list, the context, the
bulk property of the lists, and every ``gazu.user`` / ``gazu.context`` function on them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import gazu
import pytest

from .support.api import Api
from .support.server import ADMIN_EMAIL, ADMIN_PASSWORD
from .support.studio import PASSWORD, Studio, unique

ROLES = ("admin", "manager", "supervisor", "user", "client", "vendor")
MISSING = "00000000-0000-0000-0000-000000000000"


@dataclass
class Work:
    """A tv show of the studio's team: an episode, a sequence, a shot, a scene, an asset, and
    tasks: the artist's (to do, done, commented), the vendor's waiting for approval, and a second
    artist's, which nobody else may read in their own views."""

    project: dict[str, Any]
    episode: dict[str, Any]
    sequence: dict[str, Any]
    shot: dict[str, Any]
    scene: dict[str, Any]
    asset: dict[str, Any]
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)
    other: dict[str, Any] = field(default_factory=dict)  # the second artist
    other_api: Api | None = None


def _task_type(studio: Studio, *names: str) -> str:
    return next(studio.task_types[name]["id"] for name in names if name in studio.task_types)


@pytest.fixture(scope="module")
def work(admin: Api, studio: Studio) -> Work:
    people = studio.people
    other = admin.create(
        "persons", first_name="Other", last_name="Artist", email=f"{unique('o').split()[1]}@x.io",
        password=PASSWORD, role="user",
    )  # fmt: skip
    team = [person["id"] for person in people.values() if person["role"] != "admin"]
    project = admin.create(
        "projects", name=unique("Work"), production_type="tvshow", team=[*team, other["id"]]
    )
    types = studio.types
    entity = lambda **values: admin.create("entities", project_id=project["id"], **values)  # noqa: E731
    episode = entity(name=unique("E"), entity_type_id=types["Episode"])
    sequence = entity(name=unique("SQ"), entity_type_id=types["Sequence"], parent_id=episode["id"])
    shot = entity(name=unique("SH"), entity_type_id=types["Shot"], parent_id=sequence["id"])
    scene = entity(name=unique("SC"), entity_type_id=types["Scene"], parent_id=sequence["id"])
    asset = entity(name=unique("Hero"), entity_type_id=types["Character"])
    data = Work(project, episode, sequence, shot, scene, asset, other=other)
    statuses = studio.statuses
    user, vendor = people["user"]["id"], people["vendor"]["id"]

    def task(key: str, entity_row: dict, task_type: str, status: str, assignee: str) -> None:
        data.tasks[key] = admin.create(
            "tasks", project_id=project["id"], entity_id=entity_row["id"],
            task_type_id=task_type, task_status_id=statuses[status]["id"], assignees=[assignee],
        )  # fmt: skip

    shot_types = ("Animation/Shot", "Layout/Shot", "Lighting/Shot", "Compositing/Shot")
    task("asset", asset, _task_type(studio, "Modeling/Asset"), "todo", user)
    task("done", asset, _task_type(studio, "Rigging/Asset", "Shading/Asset"), "done", user)
    task("shot", shot, _task_type(studio, *shot_types), "todo", user)
    for kind in ("Sequence", "Scene"):  # the default data has no task type for them
        studio.task_types.setdefault(
            f"UW/{kind}", admin.create("task-types", name=unique(f"UW {kind}"), for_entity=kind)
        )
    task("sequence", sequence, _task_type(studio, "UW/Sequence"), "todo", user)
    task("scene", scene, _task_type(studio, "UW/Scene"), "todo", user)
    task("wfa", shot, _task_type(studio, *shot_types[1:]), "wfa", vendor)
    task("other", shot, _task_type(studio, *shot_types[2:]), "todo", other["id"])
    task("other_asset", asset, _task_type(studio, "Concept/Asset", "Shading/Asset"), "todo",
         other["id"])  # fmt: skip
    admin.ok(
        "POST", f"/actions/tasks/{data.tasks['asset']['id']}/comment", 201,
        json={"task_status_id": statuses["wip"]["id"], "comment": "first pass"},
    )  # fmt: skip
    data.other_api = admin.as_token(None)
    data.other_api.login(other["email"], PASSWORD)
    return data


def _ids(items: list[dict[str, Any]]) -> set[str]:
    return {item["id"] for item in items}


def _mine(work: Work, role: str, *keys: str) -> set[str]:
    """The ids of those tasks of the scenario assigned to the person of that role."""
    assigned = {"user": {"asset", "done", "shot", "sequence", "scene"}, "vendor": {"wfa"}}
    return {work.tasks[key]["id"] for key in keys if key in assigned.get(role, set())}


# ==== per-entity views: every role =========================================================
@pytest.mark.parametrize("role", ROLES)
def test_entity_task_lists_hold_only_the_callers_tasks(studio: Studio, work: Work, role: str):
    api = studio.as_role(role)
    cases = {
        f"/data/user/assets/{work.asset['id']}/tasks": ("asset", "done", "other_asset"),
        f"/data/user/shots/{work.shot['id']}/tasks": ("shot", "wfa", "other"),
        f"/data/user/sequences/{work.sequence['id']}/tasks": ("sequence",),
        f"/data/user/scenes/{work.scene['id']}/tasks": ("scene",),
    }
    for path, keys in cases.items():
        found = api.ok("GET", path)
        assert _ids(found) == _mine(work, role, *keys), path
        assert all(item["type"] == "Task" and "assignees" not in item for item in found)
        types = api.ok("GET", path.replace("/tasks", "/task-types"))
        expected = {work.tasks[key]["task_type_id"] for key in keys if _mine(work, role, key)}
        assert _ids(types) == expected, path
        assert all(item["type"] == "TaskType" for item in types)


@pytest.mark.parametrize("role", ROLES)
def test_entity_lists_hold_what_the_caller_works_on(studio: Studio, work: Work, role: str):
    api = studio.as_role(role)
    project_id = work.project["id"]
    character = studio.types["Character"]
    asset_types = api.ok("GET", f"/data/user/projects/{project_id}/asset-types")
    assets = api.ok("GET", f"/data/user/projects/{project_id}/asset-types/{character}/assets")
    sequences = api.ok("GET", f"/data/user/projects/{project_id}/sequences")
    episodes = api.ok("GET", f"/data/user/projects/{project_id}/episodes")
    shots = api.ok("GET", f"/data/user/sequences/{work.sequence['id']}/shots")
    scenes = api.ok("GET", f"/data/user/sequences/{work.sequence['id']}/scenes")
    artist, vendor = role == "user", role == "vendor"
    assert _ids(asset_types) == ({character} if artist else set())
    assert all(item["type"] == "AssetType" for item in asset_types)
    assert _ids(assets) == ({work.asset["id"]} if artist else set())
    assert all(item["type"] == "Asset" for item in assets)
    works_on_shot = artist or vendor  # the vendor has the shot's "wfa" task
    assert _ids(sequences) == ({work.sequence["id"]} if works_on_shot else set())
    assert _ids(episodes) == ({work.episode["id"]} if works_on_shot else set())
    assert [item["type"] for item in episodes] == ["Episode"] * len(episodes)
    assert _ids(shots) == ({work.shot["id"]} if works_on_shot else set())
    assert _ids(scenes) == ({work.scene["id"]} if artist else set())
    assert [item["type"] for item in scenes] == ["Scene"] * len(scenes)


def test_a_second_artist_sees_only_their_own_work(work: Work):
    api = work.other_api
    assert _ids(api.ok("GET", f"/data/user/shots/{work.shot['id']}/tasks")) == {
        work.tasks["other"]["id"]
    }
    assert _ids(api.ok("GET", "/data/user/tasks")) == {
        work.tasks["other"]["id"], work.tasks["other_asset"]["id"]
    }  # fmt: skip
    assert api.ok("GET", "/data/user/done-tasks") == []
    assert api.ok("GET", f"/data/user/sequences/{work.sequence['id']}/tasks") == []


@pytest.mark.parametrize("role", ("user", "client", "vendor"))
def test_outsiders_read_nothing_of_another_production(studio: Studio, role: str):
    """Zou lets anybody ask (it checks only that the parent exists): the answer is empty."""
    api = studio.as_role(role)
    other = studio.other_project["id"]
    assert api.ok("GET", f"/data/user/projects/{other}/asset-types") == []
    assert api.ok("GET", f"/data/user/projects/{other}/sequences") == []
    assert api.ok("GET", f"/data/user/projects/{other}/episodes") == []
    prop = studio.types["Prop"]
    assert api.ok("GET", f"/data/user/projects/{other}/asset-types/{prop}/assets") == []
    assert api.ok("GET", f"/data/user/assets/{studio.other_asset['id']}/tasks") == []
    assert api.ok("GET", f"/data/user/assets/{studio.other_asset['id']}/task-types") == []
    assert other not in _ids(api.ok("GET", "/data/user/projects/open"))


def test_missing_or_mistyped_parents_are_404(studio: Studio, work: Work):
    api = studio.as_role("user")
    project_id, shot_type = work.project["id"], studio.types["Shot"]
    for path in (
        f"/data/user/assets/{MISSING}/tasks",
        "/data/user/shots/not-an-id/tasks",  # Zou: 404, not 400, on these routes
        f"/data/user/scenes/{work.shot['id']}/tasks",  # a shot is no scene
        f"/data/user/assets/{work.shot['id']}/task-types",
        f"/data/user/sequences/{work.shot['id']}/shots",
        "/data/user/projects/nope/asset-types",
        f"/data/user/projects/{MISSING}/sequences",
        f"/data/user/projects/{project_id}/asset-types/{shot_type}/assets",  # not an asset type
        f"/data/user/projects/{project_id}/asset-types/nope/assets",
    ):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"] is True


def test_bots_are_refused(admin: Api):
    bot = admin.create("persons", first_name="Bot", last_name=unique("W"), is_bot=True)
    api = admin.as_token(bot["access_token"])
    for path in ("/data/user/context", "/data/user/tasks", "/data/user/projects/open"):
        assert api.get(path).status_code == 403, path


# ==== to do, done, to check ================================================================
@pytest.mark.parametrize("role", ROLES)
def test_todo_and_done_lists_by_role(studio: Studio, work: Work, role: str):
    api = studio.as_role(role)
    todo = [
        item
        for item in api.ok("GET", "/data/user/tasks")
        if item["project_id"] == work.project["id"]
    ]
    done = [item for item in api.ok("GET", "/data/user/done-tasks")
            if item["project_id"] == work.project["id"]]  # fmt: skip
    assert _ids(todo) == _mine(work, role, "asset", "shot", "sequence", "scene", "wfa")
    assert _ids(done) == _mine(work, role, "done")


def test_todo_items_carry_zous_enriched_keys(admin: Api, studio: Studio, work: Work):
    items = {item["id"]: item for item in studio.as_role("user").ok("GET", "/data/user/tasks")}
    asset_task = items[work.tasks["asset"]["id"]]
    assert asset_task["project_name"] == work.project["name"]
    assert asset_task["project_has_avatar"] is False
    assert asset_task["entity_name"] == work.asset["name"]
    assert asset_task["entity_type_name"] == "Character"
    assert asset_task["entity_preview_file_id"] == "" and asset_task["entity_source_id"] == ""
    assert asset_task["task_type_name"] == "Modeling"
    assert asset_task["task_status_short_name"] == "wip"  # the comment changed it
    assert asset_task["task_status_name"] and asset_task["task_status_color"]
    assert asset_task["task_type_color"] and asset_task["task_type_for_entity"] == "Asset"
    assert asset_task["assignees"] == [studio.people["user"]["id"]]
    assert asset_task["last_comment"]["text"] == "first pass"
    author = admin.ok("GET", "/auth/authenticated")["user"]["id"]
    assert asset_task["last_comment"]["person_id"] == author
    assert {"task_estimation", "task_duration", "task_start_date", "task_due_date"} <= set(
        asset_task
    )
    assert asset_task["episode_id"] == "" and asset_task["sequence_name"] is None
    shot_task = items[work.tasks["shot"]["id"]]
    assert shot_task["sequence_name"] == work.sequence["name"]
    assert shot_task["episode_id"] == work.episode["id"]
    assert shot_task["episode_name"] == work.episode["name"]
    assert shot_task["last_comment"] == {}
    # a sequence's episode is its parent (Zou's rule)
    sequence_task = items[work.tasks["sequence"]["id"]]
    assert sequence_task["episode_id"] == work.episode["id"]


def test_an_asset_cast_in_an_episode_lists_the_episode(admin: Api, studio: Studio, work: Work):
    admin.ok(
        "PUT", f"/data/projects/{work.project['id']}/entities/{work.episode['id']}/casting",
        json=[{"asset_id": work.asset["id"], "nb_occurences": 1}],
    )  # fmt: skip
    items = {item["id"]: item for item in studio.as_role("user").ok("GET", "/data/user/tasks")}
    asset_task = items[work.tasks["asset"]["id"]]
    assert asset_task["episode_ids"] == [work.episode["id"]]
    assert asset_task["episode_names"] == [work.episode["name"]]


@pytest.mark.parametrize("role", ROLES)
def test_tasks_to_check_by_role(studio: Studio, work: Work, role: str):
    """Admins, managers and supervisors (no department: every one) check; others get []."""
    api = studio.as_role(role)
    found = api.ok("GET", f"/data/user/tasks-to-check?project_id={work.project['id']}")
    checker = role in ("admin", "manager", "supervisor")
    assert _ids(found) == ({work.tasks["wfa"]["id"]} if checker else set())
    page = api.ok("GET", f"/data/user/tasks-to-check?project_id={work.project['id']}&page=1")
    assert set(page) == {"data", "stats", "page", "limit", "is_more"}
    assert page["stats"] == {
        "total": 1 if checker else 0, "total_duration": 0, "total_estimation": 0
    }  # fmt: skip
    assert (page["page"], page["limit"], page["is_more"]) == (1, 100, False)


def test_tasks_to_check_options(studio: Studio, work: Work):
    api = studio.as_role("manager")
    base = f"/data/user/tasks-to-check?project_id={work.project['id']}"
    wfa = work.tasks["wfa"]["id"]
    vendor = studio.people["vendor"]["id"]
    assert _ids(api.ok("GET", f"{base}&person_id={vendor}")) == {wfa}
    assert api.ok("GET", f"{base}&person_id=unassigned") == []
    assert _ids(api.ok("GET", f"{base}&episode_id={work.episode['id']}")) == {wfa}
    assert api.ok("GET", f"{base}&due_date_since=2999-01-01") == []
    assert _ids(api.ok("GET", f"{base}&order_by=priority")) == {wfa}
    assert api.ok("GET", f"{base}&page=0&limit=0")["limit"] == 1  # clamped, as Zou
    for option, message in (
        ("page=abc", "Wrong value for parameter page."),
        ("limit=x", "Wrong value for parameter limit."),
        ("task_type_id=bad", "Wrong UUID format."),
        ("person_id=bad", "Wrong UUID format."),
        ("due_date_until=bad", "Wrong date format for before argument."),
    ):
        response = api.get(f"{base}&{option}")
        assert response.status_code == 400, option
        assert response.json()["message"].startswith(message), option


# ==== open projects and context ============================================================
@pytest.mark.parametrize("role", ROLES)
def test_open_projects_are_the_callers_teams(studio: Studio, work: Work, role: str):
    found = studio.as_role(role).ok("GET", "/data/user/projects/open")
    assert work.project["id"] in _ids(found)
    assert (studio.other_project["id"] in _ids(found)) == (role == "admin")
    project = next(item for item in found if item["id"] == work.project["id"])
    assert {"descriptors", "task_types_priority", "task_statuses_link", "team"} <= set(project)
    named = studio.as_role(role).ok("GET", f"/data/user/projects/open?name={work.project['name']}")
    assert _ids(named) == {work.project["id"]}


CONTEXT_KEYS = {
    "asset_types", "custom_actions", "status_automations", "departments", "studios",
    "notification_count", "persons", "project_status", "project_roles", "projects", "task_types",
    "task_status", "search_filters", "search_filter_groups", "preview_background_files",
    "plugins",
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_context_by_role(studio: Studio, work: Work, role: str):
    context = studio.as_role(role).ok("GET", "/data/user/context")
    assert set(context) == CONTEXT_KEYS | ({"user_limit"} if role == "admin" else set())
    assert work.project["id"] in _ids(context["projects"])
    assert "Character" in {item["name"] for item in context["asset_types"]}
    assert all(item["type"] == "AssetType" and "task_types" in item
               for item in context["asset_types"])  # fmt: skip
    assert {"todo", "wfa"} <= {item["short_name"] for item in context["task_status"]}
    assert isinstance(context["notification_count"], int)
    persons = {item["id"]: item for item in context["persons"]}
    me = persons[studio.people[role]["id"]]
    if role == "client":  # the teams of their productions only, in the client form
        assert "departments" not in me and "email" not in me
        assert work.other["id"] in persons
        # Only the teams of their productions (other tests of the session may add people).
        teams = set()
        for project in context["projects"]:
            teams |= set(studio.admin.ok("GET", f"/data/projects/{project['id']}")["team"])
        assert set(persons) <= teams
    elif role in ("admin", "manager"):
        assert me["email"] == studio.people[role]["email"] and "password" not in me
    else:
        assert "email" not in me and "departments" in me
    assert context["project_roles"] == {}


def test_the_artist_counts_their_unread_notifications(studio: Studio, work: Work):
    # the comment on their task notified the artist
    context = studio.as_role("user").ok("GET", "/data/user/context")
    assert context["notification_count"] >= 1


def test_context_lists_the_callers_filters(admin: Api, studio: Studio, work: Work):
    mine = admin.create(
        "search-filters", list_type="asset", name="heroes", search_query="hero",
        person_id=studio.people["user"]["id"], project_id=work.project["id"],
    )  # fmt: skip
    filters = studio.as_role("user").ok("GET", "/data/user/context")["search_filters"]
    assert [item["id"] for item in filters["asset"][work.project["id"]]] == [mine["id"]]
    others = studio.as_role("vendor").ok("GET", "/data/user/context")["search_filters"]
    assert mine["id"] not in _ids(others.get("asset", {}).get(work.project["id"], []))


# ==== bulk ================================================================================
def test_the_lists_run_a_constant_number_of_statements(start_server):
    server = start_server(count_queries="true")
    admin = Api(server.api)
    admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    artist = admin.create(
        "persons", first_name="Bulk", last_name="Artist", email="bulk@example.com",
        password=PASSWORD, role="user",
    )  # fmt: skip
    api = admin.as_token(None)
    api.login("bulk@example.com", PASSWORD)
    types = {item["name"]: item["id"] for item in admin.ok("GET", "/data/entity-types")}
    wfa = admin.ok("GET", "/data/task-status?short_name=wfa")[0]["id"]

    def production(size: int) -> dict[str, int]:
        project = admin.create("projects", name=unique("Bulk"), team=[artist["id"]])
        sequence = admin.create("entities", name="SQ", project_id=project["id"],
                                entity_type_id=types["Sequence"])  # fmt: skip
        for index in range(size):
            admin.create("entities", name=f"SH{index:03}", project_id=project["id"],
                         entity_type_id=types["Shot"], parent_id=sequence["id"])  # fmt: skip
        task_type = admin.ok("GET", "/data/task-types?for_entity=Shot")[0]["id"]
        admin.ok("POST", f"/actions/projects/{project['id']}/task-types/{task_type}/shots/"
                 "create-tasks", 201)  # fmt: skip
        tasks = admin.ok("GET", f"/data/projects/{project['id']}/tasks")
        admin.ok("PUT", f"/actions/persons/{artist['id']}/assign",
                 json={"task_ids": [task["id"] for task in tasks]})  # fmt: skip
        for task in tasks:
            admin.ok("POST", f"/actions/tasks/{task['id']}/comment", 201,
                     json={"task_status_id": wfa, "comment": "look"})  # fmt: skip
        counts = {}
        for path in ("/data/user/tasks", "/data/user/tasks-to-check?page=1",
                     "/data/user/tasks-to-check", "/data/user/context"):  # fmt: skip
            response = (admin if "check" in path else api).get(path)
            assert response.status_code == 200, response.text
            counts[path] = int(response.headers["X-Query-Count"])
        return counts

    small = production(2)
    large = production(25)
    assert small == large
    assert all(count < 40 for count in small.values()), small


# ==== gazu ================================================================================
@pytest.fixture(scope="module")
def artist_gazu(server, studio: Studio) -> Any:
    client = gazu.client.create_client(server.api)
    gazu.log_in(studio.people["user"]["email"], PASSWORD, client=client)
    yield client
    gazu.log_out(client=client)


def test_gazu_user_projects_and_asset_views(artist_gazu, studio: Studio, work: Work):
    client = artist_gazu
    assert work.project["id"] in _ids(gazu.user.all_open_projects(client=client))
    assert work.project["id"] in _ids(
        gazu.context.all_open_projects(user_context=True, client=client)
    )
    asset_types = gazu.user.all_asset_types_for_project(work.project, client=client)
    assert [item["name"] for item in asset_types] == ["Character"]
    assert (
        gazu.context.all_asset_types_for_project(work.project, user_context=True, client=client)
        == asset_types
    )
    assets = gazu.user.all_assets_for_asset_type_and_project(
        work.project, asset_types[0], client=client
    )
    assert _ids(assets) == {work.asset["id"]}
    assert _ids(gazu.context.all_assets_for_asset_type_and_project(
        work.project, asset_types[0], user_context=True, client=client
    )) == {work.asset["id"]}  # fmt: skip
    tasks = gazu.user.all_tasks_for_asset(work.asset, client=client)
    assert _ids(tasks) == {work.tasks["asset"]["id"], work.tasks["done"]["id"]}
    task_types = gazu.user.all_task_types_for_asset(work.asset, client=client)
    assert _ids(task_types) == {work.tasks[key]["task_type_id"] for key in ("asset", "done")}
    assert _ids(gazu.context.all_task_types_for_asset(
        work.asset, user_context=True, client=client
    )) == _ids(task_types)  # fmt: skip


def test_gazu_user_shot_views(artist_gazu, work: Work):
    client = artist_gazu
    sequences = gazu.user.all_sequences_for_project(work.project, client=client)
    assert _ids(sequences) == {work.sequence["id"]}
    assert _ids(gazu.context.all_sequences_for_project(
        work.project, user_context=True, client=client
    )) == {work.sequence["id"]}  # fmt: skip
    episodes = gazu.user.all_episodes_for_project(work.project, client=client)
    assert _ids(episodes) == {work.episode["id"]}
    assert _ids(gazu.context.all_episodes_for_project(
        work.project, user_context=True, client=client
    )) == {work.episode["id"]}  # fmt: skip
    shots = gazu.user.all_shots_for_sequence(work.sequence, client=client)
    assert _ids(shots) == {work.shot["id"]}
    assert _ids(gazu.context.all_shots_for_sequence(
        work.sequence, user_context=True, client=client
    )) == {work.shot["id"]}  # fmt: skip
    scenes = gazu.user.all_scenes_for_sequence(work.sequence, client=client)
    assert _ids(scenes) == {work.scene["id"]}
    assert _ids(gazu.context.all_scenes_for_sequence(
        work.sequence, user_context=True, client=client
    )) == {work.scene["id"]}  # fmt: skip
    for key, entity, tasks_of, types_of, context_types_of in (
        ("shot", work.shot, gazu.user.all_tasks_for_shot, gazu.user.all_task_types_for_shot,
         gazu.context.all_task_types_for_shot),
        ("scene", work.scene, gazu.user.all_tasks_for_scene, gazu.user.all_task_types_for_scene,
         gazu.context.all_task_types_for_scene),
        ("sequence", work.sequence, gazu.user.all_tasks_for_sequence,
         gazu.user.all_task_types_for_sequence, gazu.context.all_task_types_for_sequence),
    ):  # fmt: skip
        assert _ids(tasks_of(entity, client=client)) == {work.tasks[key]["id"]}, key
        expected = {work.tasks[key]["task_type_id"]}
        assert _ids(types_of(entity, client=client)) == expected, key
        assert _ids(context_types_of(entity, user_context=True, client=client)) == expected


def test_gazu_user_task_lists_and_context(artist_gazu, server, studio: Studio, work: Work):
    client = artist_gazu
    todo = gazu.user.all_tasks_to_do(client=client)
    assert _ids(todo) >= {work.tasks[key]["id"] for key in ("asset", "shot", "sequence", "scene")}
    assert work.tasks["other"]["id"] not in _ids(todo)
    done = gazu.user.all_done_tasks(client=client)
    assert work.tasks["done"]["id"] in _ids(done)
    assert all(item["task_status_short_name"] == "done" for item in done)
    context = gazu.user.get_context(client=client)
    assert work.project["id"] in _ids(context["projects"])
    assert gazu.user.all_tasks_requiring_feedback(client=client) == []
    manager = gazu.client.create_client(server.api)
    gazu.log_in(studio.people["manager"]["email"], PASSWORD, client=manager)
    to_check = gazu.user.all_tasks_requiring_feedback(client=manager)
    assert work.tasks["wfa"]["id"] in _ids(to_check)
    gazu.log_out(client=manager)
