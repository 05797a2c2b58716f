"""Output files, file tree paths and an entity's side routes (chat, news, time spents, working
files) against Zou, on a project of their own with the ``simple`` tree.

The paths are compared as text, not only by shape: the same tree on the same names must give
the same folders and file names. Zou 1.0.97 no longer serves ``set-file-tree`` (404): the tree
is set on Zou with ``PUT /data/projects/{id}`` (what gazu's ``update_project_file_tree`` does)
and on kitsu-local with the action.
"""

from __future__ import annotations

import json
import uuid
from importlib import resources
from typing import Any

import pytest

ROLES = ("manager", "supervisor", "user", "client", "vendor", "outsider")
SIMPLE = json.loads(resources.files("kitsu_local.file_trees").joinpath("simple.json").read_text())
BODY = {"output_type_id": "{output-type:files}", "task_type_id": "{task-type:Modeling/Asset}"}
INSTANCE = "/data/asset-instances/{asset-instance:files-1}/entities/{shot:files-SH010}"
# Zou embeds the working file under source_file; both sides answer null without one.


@pytest.fixture(scope="module")
def files(compat):
    tag = compat.tag
    compat.create(
        "project:files",
        "/data/projects",
        {"name": f"Compat Files {tag}", "team": [f"{{person:{role}}}" for role in ROLES[:-1]]},
    )
    zou_id, local_id = compat.ids["project:files"]
    assert compat.zou.put(f"/data/projects/{zou_id}", json={"file_tree": SIMPLE}).status_code == 200
    local = compat.local.post(
        f"/actions/projects/{local_id}/set-file-tree", json={"tree_name": "simple"}
    )
    assert local.status_code == 200 and local.json()["file_tree"] == SIMPLE
    for name, kind, parent in (
        ("asset:files-Bob", "Character", None),
        ("asset:files-Tree", "Prop", None),
        ("sequence:files-SQ01", "Sequence", None),
        ("shot:files-SH010", "Shot", "sequence:files-SQ01"),
        ("scene:files-SC01", "Scene", "sequence:files-SQ01"),
    ):
        body = {"name": name.split("-", 1)[1], "project_id": "{project:files}",
                "entity_type_id": f"{{entity-type:{kind}}}"}  # fmt: skip
        if parent:
            body["parent_id"] = f"{{{parent}}}"
        compat.create(name, "/data/entities", body)
    compat.create(
        "task:files-Bob",
        "/data/tasks",
        {"project_id": "{project:files}", "entity_id": "{asset:files-Bob}",
         "task_type_id": "{task-type:Modeling/Asset}", "task_status_id": "{status:todo}",
         "assignees": ["{person:user}", "{person:vendor}"]},
    )  # fmt: skip
    compat.create(
        "output-type:files", "/data/output-types", {"name": f"Cache {tag}", "short_name": "cch"}
    )
    compat.create(
        "asset-instance:files-1",
        "/data/asset-instances",
        {"asset_id": "{asset:files-Bob}", "number": 1, "name": "Bob Inst"},
    )
    compat.create(
        "asset-instance:files-2",
        "/data/asset-instances",
        {"asset_id": "{asset:files-Bob}", "number": 2, "target_asset_id": "{asset:files-Tree}"},
    )
    return compat


def test_set_file_tree_is_gone_from_zou(files):
    """Kept on purpose: the catalogue (and older Zou) serve it; 1.0.97 answers 404."""
    zou, local = files.both(
        "POST", "/actions/projects/{project:files}/set-file-tree", {"tree_name": "simple"}
    )
    assert (zou.status_code, local.status_code) == (404, 200)


@pytest.mark.parametrize(
    "entity", ["asset:files-Bob", "shot:files-SH010", "sequence:files-SQ01", "scene:files-SC01"]
)
def test_entity_output_file_paths(files, entity):
    for extra in (
        {},
        {"name": "Hi Res", "revision": 3, "separator": "\\", "representation": "abc"},
    ):
        zou, local = files.check(
            "POST", f"/data/entities/{{{entity}}}/output-file-path", {**BODY, **extra}
        )
        assert zou == local, (entity, extra)


def test_instance_output_file_paths(files):
    for instance in ("asset-instance:files-1", "asset-instance:files-2"):
        path = (
            f"/data/asset-instances/{{{instance}}}/entities/{{shot:files-SH010}}/output-file-path"
        )
        zou, local = files.check("POST", path, BODY)
        assert zou == local, instance


def _created(files, name: str, zou: dict, local: dict) -> None:
    files.add(name, zou["id"], local["id"])
    for key in ("folder_path", "file_name", "path", "revision", "nb_elements", "representation"):
        assert zou[key] == local[key], key


def test_entity_output_files(files):
    new = "/data/entities/{shot:files-SH010}/output-files/new"
    zou, local = files.check(
        "POST", new, {**BODY, "nb_elements": 3, "extension": ".abc", "comment": "c"}
    )
    _created(files, "output-file:sh-1", zou, local)
    zou, local = files.check("POST", new, BODY)
    _created(files, "output-file:sh-2", zou, local)
    files.check("POST", new, {**BODY, "revision": 2})
    zou, local = files.check("POST", new, {**BODY, "representation": "obj"})
    _created(files, "output-file:sh-3", zou, local)
    for values in ({"output_type_id": "bad"}, {"person_id": str(uuid.uuid4())},
                   {"task_type_id": str(uuid.uuid4())}, {"nb_elements": "x"}, {"output_type_id": ""}):  # fmt: skip
        files.check("POST", new, {**BODY, **values})
    files.check("POST", f"/data/entities/{uuid.uuid4()}/output-files/new", BODY)
    shot = "/data/entities/{shot:files-SH010}"
    files.check("POST", f"{shot}/output-files/next-revision", BODY)
    files.check("POST", f"{shot}/output-files/next-revision", {})
    for tail in ("output-files", "output-files?representation=obj", "output-files/last-revisions",
                 "output-files/last-revisions?file_status_id=", "output-types",
                 "output-types/{output-type:files}/output-files",
                 "output-types/{output-type:files}/output-files?representation=obj"):  # fmt: skip
        files.check("GET", f"{shot}/{tail}")
    files.check("GET", f"{shot}/output-types/{uuid.uuid4()}/output-files")
    files.check("GET", f"/data/entities/{uuid.uuid4()}/output-types")


def test_instance_output_files(files):
    zou, local = files.check(
        "POST", INSTANCE + "/output-files/new", {**BODY, "representation": "abc", "nb_elements": 2}
    )
    _created(files, "output-file:instance-1", zou, local)
    files.check(
        "POST", INSTANCE + "/output-files/new", {**BODY, "representation": "abc", "revision": 1}
    )
    files.check(
        "POST", INSTANCE + "/output-files/new", {**BODY, "output_type_id": str(uuid.uuid4())}
    )
    files.check("POST", INSTANCE + "/output-files/next-revision", BODY)
    files.check("POST", "/data/entities/{asset:files-Bob}/output-files/next-revision", BODY)
    for tail in (
        "output-files/last-revisions",
        "output-types",
        "output-types/{output-type:files}/output-files",
    ):
        files.check("GET", f"{INSTANCE}/{tail}")
    files.check("GET", "/data/asset-instances/{asset-instance:files-1}/output-files")
    files.check(
        "GET",
        "/data/asset-instances/{asset-instance:files-1}/output-files?temporal_entity_id={shot:files-SH010}",
    )
    files.check("GET", "/data/entities/{asset:files-Bob}/output-files")
    files.check("GET", f"/data/asset-instances/{uuid.uuid4()}/output-files")


@pytest.mark.parametrize("role", ROLES)
def test_output_routes_by_role(files, role):
    for entity in ("asset:files-Bob", "shot:files-SH010"):
        base = f"/data/entities/{{{entity}}}"
        files.check("POST", f"{base}/output-file-path", BODY, role=role)
        files.check("POST", f"{base}/output-files/next-revision", BODY, role=role)
        for tail in ("output-files", "output-files/last-revisions", "output-types"):
            files.check("GET", f"{base}/{tail}", role=role)
    files.check(
        "POST",
        "/data/entities/{asset:files-Bob}/output-files/new",
        {**BODY, "name": role},
        role=role,
    )
    files.check("POST", INSTANCE + "/output-file-path", BODY, role=role)
    files.check("GET", INSTANCE + "/output-types", role=role)
    files.check("GET", "/data/asset-instances/{asset-instance:files-1}/output-files", role=role)


# ==== guess-from-path ==========================================================================
def _guesses(files, role: str, path: str) -> tuple[Any, Any]:
    """Both answers to one path, ids read back as scenario names (values, not keys)."""
    zou, local = files.check(
        "POST", "/data/entities/guess-from-path", {"project_id": "{project:files}", "file_path": path},
        role=role,
    )  # fmt: skip

    def named(body: Any, side: int) -> Any:
        names = files.names(side)
        if not isinstance(body, list):
            return body
        return [{key: names.get(value, value) for key, value in match.items()} for match in body]

    return named(zou, 0), named(local, 1)


def test_guess_from_path(files):
    project = f"compat_files_{files.tag}".lower()
    root = f"/simple/productions/{project}"
    for path in (
        f"{root}/assets/character/bob/modeling/blender",
        f"{root}/assets/character/bob",
        f"{root}/assets/character/nobody/modeling",
        f"{root}/shots/sq01/sh010/modeling",
        f"{root}/SHOTS/SQ01/SH010",
        f"{root}/scenes/sq01/sc01/modeling",
        f"{root}/sequences/sq01",
        f"/simple/productions/export/{project}/shots/sq01/sh010/modeling/cache_{files.tag}",
        "/simple/productions/another_project/shots/sq01/sh010",
        "/simple/productions/",
        "/elsewhere/bob.blend",
    ):
        zou, local = _guesses(files, "admin", path)
        assert zou == local, path
    zou, _ = _guesses(files, "admin", f"{root}/shots/sq01/sh010/modeling")
    assert {"Template": "shot", "Project": "project:files", "Sequence": "sequence:files-SQ01",
            "Shot": "shot:files-SH010", "TaskType": "task-type:Modeling/Asset"} in zou  # fmt: skip


def test_guess_from_path_bad_input(files):
    guess = "/data/entities/guess-from-path"
    for body in ({}, {"project_id": "{project:files}"}, {"project_id": "{project:files}", "file_path": ""},
                 {"project_id": "{project:files}", "file_path": 3},
                 {"project_id": "{project:files}", "file_path": "/x", "sep": None},
                 {"project_id": "nope", "file_path": "/x"},
                 {"project_id": str(uuid.uuid4()), "file_path": "/x"}):  # fmt: skip
        files.check("POST", guess, body)
    files.check("POST", guess, ["{project:files}"], allowed=("$.data.errors[].message",))
    # An empty separator on a path outside every root: nothing, on both (on a path inside a
    # root Zou answers 500, ours still nothing).
    files.check("POST", guess, {"project_id": "{project:files}", "file_path": "/x", "sep": ""})
    files.check(
        "POST", "/data/entities/guess_from_path",
        {"project_id": "{project:files}", "file_path": "/simple/productions/"},
    )  # fmt: skip


@pytest.mark.parametrize("role", (*ROLES, "anonymous"))
def test_guess_from_path_by_role(files, role):
    zou, local = _guesses(files, role, f"/simple/productions/compat_files_{files.tag}/assets")
    assert zou == local


# ==== chat, news, time spents, working files ==================================================
@pytest.fixture(scope="module")
def chat(files):
    """The asset's chat, joined by the artist (Zou's join route; the generic chat route here,
    the join route being another area's)."""
    zou, local = files.check(
        "GET", "/data/entities/{asset:files-Bob}/chat", allowed=("$.messages",)
    )
    files.add("chat:files-Bob", zou["id"], local["id"])
    zou_user, _ = files.roles["user"]
    assert (
        zou_user.post(f"/actions/user/chats/{files.ids['asset:files-Bob'][0]}/join").status_code
        == 200
    )
    local_user_id = files.ids["person:user"][1]
    files.local.ok("PUT", f"/data/chats/{local['id']}", json={"participants": [local_user_id]})
    return files


def test_chat_messages(chat):
    base = "/data/entities/{asset:files-Bob}/chat"
    chat.check("POST", base + "/messages", {"message": "hello"}, role="supervisor")
    zou, local = chat.check("POST", base + "/messages", {"message": "hello"}, role="user")
    chat.add("chat-message:hello", zou["id"], local["id"])
    chat.check("POST", base + "/messages", {}, role="user")
    chat.check("GET", base + "/messages")
    chat.check("GET", base + "/messages/{chat-message:hello}")
    chat.check("GET", "/data/entities/{shot:files-SH010}/chat/messages/{chat-message:hello}")
    # Zou answers messages: [] (it reads them by entity id); we list them, on purpose.
    chat.check("GET", base, allowed=("$.messages",))
    chat.check("DELETE", base + "/messages/{chat-message:hello}", role="client")
    chat.check("DELETE", base + "/messages/{chat-message:hello}", role="user")


@pytest.mark.parametrize("role", ROLES)
def test_side_routes_by_role(chat, role):
    for entity in ("asset:files-Bob", "shot:files-SH010"):
        base = f"/data/entities/{{{entity}}}"
        for tail in ("chat/messages", "news", "time-spents", "working-files"):
            chat.check("GET", f"{base}/{tail}", role=role)
        chat.check("GET", f"{base}/chat", role=role, allowed=("$.messages",))


def test_news_time_spents_and_working_files(chat):
    chat.create(
        "comment:files-Bob",
        "/actions/tasks/{task:files-Bob}/comment",
        {"task_status_id": "{status:wip}", "comment": "first pass"},
    )
    chat.check("GET", "/data/entities/{asset:files-Bob}/news")
    chat.create(
        "time-spent:files-Bob",
        "/data/time-spents",
        {
            "task_id": "{task:files-Bob}",
            "person_id": "{person:user}",
            "date": "2025-02-03",
            "duration": 90,
        },
    )
    chat.check("GET", "/data/entities/{asset:files-Bob}/time-spents")
    chat.create(
        "working-file:files-Bob",
        "/data/working-files",
        {
            "name": "main",
            "revision": 1,
            "task_id": "{task:files-Bob}",
            "entity_id": "{asset:files-Bob}",
        },
    )
    for query in ("", "?relations=true", "?name=main&task_id={task:files-Bob}", "?name=other"):
        chat.check("GET", "/data/entities/{asset:files-Bob}/working-files" + query)
    zou, local = chat.check(
        "POST",
        "/data/entities/{asset:files-Bob}/output-files/new",
        {**BODY, "name": "from-wf", "working_file_id": "{working-file:files-Bob}"},
    )
    assert zou["source_file_id"] and local["source_file_id"]
    chat.check("GET", "/data/entities/{asset:files-Bob}/output-files?name=from-wf")
