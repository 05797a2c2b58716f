"""The caller's own account data through the official gazu client (``gazu.user``), over a
real socket, logged in as the studio's artist."""

from __future__ import annotations

import gazu
import pytest

from .support.studio import PASSWORD, Studio
from .test_user_account import comment, for_task, new_task


@pytest.fixture(scope="module")
def spent(studio: Studio) -> dict:
    user = studio.people["user"]
    task = new_task(studio, assignees=[user["id"]])
    first = studio.admin.create("time-spents", task_id=task["id"], person_id=user["id"],
                                date="2023-05-02", duration=90)  # fmt: skip
    day_off = studio.admin.create("day-offs", person_id=user["id"], date="2023-05-03",
                                  end_date="2023-05-04")  # fmt: skip
    return {"task": task, "first": first, "day_off": day_off}


@pytest.fixture(scope="module")
def gazu_user(server, studio: Studio):
    """gazu logged in as the studio's artist."""
    client = gazu.client.create_client(server.api)
    gazu.log_in(studio.people["user"]["email"], PASSWORD, client=client)
    yield client
    gazu.log_out(client=client)


def test_gazu_filters(gazu_user):
    created = gazu.user.new_filter("gazu", "wip", "asset", entity_type="Asset", client=gazu_user)
    assert created["name"] == "gazu" and created["search_query"] == "wip"
    assert created in gazu.user.all_filters(client=gazu_user)["asset"]["all"]
    created["name"] = "gazu 2"
    assert gazu.user.update_filter(created, client=gazu_user)["name"] == "gazu 2"
    gazu.user.remove_filter(created, client=gazu_user)
    assert "asset" not in gazu.user.all_filters(client=gazu_user)


def test_gazu_filter_groups(gazu_user):
    group = gazu.user.new_filter_group("gazu group", client=gazu_user)
    assert group["name"] == "gazu group" and group["list_type"] == "todo"
    assert gazu.user.get_filter_group(group, client=gazu_user)["id"] == group["id"]
    assert group in gazu.user.all_filter_groups(client=gazu_user)["todo"]["all"]
    group["name"] = "renamed"
    assert gazu.user.update_filter_group(group, client=gazu_user)["name"] == "renamed"
    gazu.user.remove_filter_group(group, client=gazu_user)
    assert "todo" not in gazu.user.all_filter_groups(client=gazu_user)


def test_gazu_notifications(studio, gazu_user):
    task = new_task(studio, assignees=[studio.people["user"]["id"]])
    comment(studio.admin, studio, task, "gazu notification")
    found = for_task(gazu.user.all_notifications(client=gazu_user), task)
    assert [item["comment_text"] for item in found] == ["gazu notification"]
    one = gazu.user.get_notification(found[0]["id"], client=gazu_user)
    assert one["id"] == found[0]["id"] and one["read"] is False
    one["read"] = True
    assert gazu.user.update_notification(one, client=gazu_user)["read"] is True
    assert gazu.user.mark_all_notifications_as_read(client=gazu_user) == {"success": True}
    assert not any(item["read"] is False for item in gazu.user.all_notifications(client=gazu_user))


def test_gazu_task_subscriptions(studio, gazu_user):
    task = new_task(studio)
    assert gazu.user.check_task_subscription(task, client=gazu_user) is False
    subscription = gazu.user.subscribe_to_task(task, client=gazu_user)
    assert subscription["task_id"] == task["id"]
    assert gazu.user.check_task_subscription(task, client=gazu_user) is True
    gazu.user.unsubscribe_from_task(task, client=gazu_user)
    assert gazu.user.check_task_subscription(task, client=gazu_user) is False


def test_gazu_chats(studio, gazu_user):
    chat = gazu.user.join_chat(studio.asset, client=gazu_user)
    assert chat["object_id"] == studio.asset["id"]
    assert chat["id"] in [item["id"] for item in gazu.user.all_chats(client=gazu_user)]
    gazu.user.leave_chat(studio.asset, client=gazu_user)
    assert chat["id"] not in [item["id"] for item in gazu.user.all_chats(client=gazu_user)]


def test_gazu_time_spents_and_day_offs(spent, gazu_user):
    task, first = spent["task"], spent["first"]
    ranged = gazu.user.get_timespents_range("2023-05-01", "2023-05-31", client=gazu_user)
    assert [item["id"] for item in ranged] == [first["id"]]
    assert gazu.user.get_time_spents_by_date("2023-05-02", client=gazu_user) == [first]
    assert gazu.user.get_task_time_spent(task, "2023-05-02", client=gazu_user) == first
    assert gazu.user.get_day_off("2023-05-03", client=gazu_user) == spent["day_off"]
    assert gazu.user.get_day_off("2024-01-01", client=gazu_user) == {}


def test_gazu_desktop_login_logs(gazu_user):
    log = gazu.user.log_desktop_session_log_in(client=gazu_user)
    assert log["type"] == "DesktopLoginLog"
    assert gazu.user.all_desktop_login_logs(client=gazu_user)[0]["id"] == log["id"]
