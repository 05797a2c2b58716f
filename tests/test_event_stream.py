"""The live event stream in the server's own process (issue 10, point 1): a real
``gazu.events`` listener (python-socketio client) on the server's ``/socket.io``, namespace
``/events``, receives committed changes with Zou's names, ids and ``project_id``; a client with
a bad token is refused; ``/status`` says the stream is up and ``status/test-event`` reaches it.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import gazu
import pytest
import socketio

from .support.clips import make_picture


class Heard:
    """What a listener received, by event name, with a wait that gives up."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict]] = []
        self.lock = threading.Condition()

    def handler(self, name: str):
        def receive(data: dict) -> None:
            with self.lock:
                self.events.append((name, data))
                self.lock.notify_all()

        return receive

    def wait_for(self, name: str, timeout: float = 10, **expected: str) -> dict:
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                for event_name, data in self.events:
                    if event_name == name and all(data.get(k) == v for k, v in expected.items()):
                        return data
                left = deadline - time.monotonic()
                assert left > 0, f"no {name} {expected} in {self.events[-10:]}"
                self.lock.wait(left)


NAMES = ("project:new", "project:update", "asset:new", "asset:update", "sequence:new", "shot:new", "shot:update",
         "task:new", "task:assign", "task:status-changed", "comment:new", "person:new",
         "playlist:new", "main:test", "preview-file:new", "preview-file:update",
         "asset-type:new", "task-type:new")  # fmt: skip


@pytest.fixture(scope="module")
def listener(server, gazu_client) -> Iterator[Heard]:
    heard = Heard()
    events = gazu.events.init(client=gazu_client)
    for name in NAMES:
        gazu.events.add_listener(events, name, heard.handler(name))
    yield heard
    events.disconnect()


def test_status_says_the_stream_is_up(anonymous):
    assert anonymous.ok("GET", "/status")["event-stream-up"] is True


def test_test_event_reaches_a_listener(listener, anonymous):
    anonymous.ok("GET", "/status/test-event")
    listener.wait_for("main:test")


def test_a_production_made_with_gazu_is_heard(listener, gazu_client, tmp_path):
    c = {"client": gazu_client}
    tag = uuid.uuid4().hex[:6]
    project = gazu.project.new_project(f"Live {tag}", **c)
    listener.wait_for("project:new", project_id=project["id"])
    gazu.project.update_project({"id": project["id"], "description": "live"}, **c)
    listener.wait_for("project:update", project_id=project["id"])
    prop = gazu.asset.get_asset_type_by_name("Prop", **c)
    asset = gazu.asset.new_asset(project, prop, "Lamp", **c)
    listener.wait_for("asset:new", asset_id=asset["id"], project_id=project["id"])
    sequence = gazu.shot.new_sequence(project, "SQ01", **c)
    listener.wait_for("sequence:new", sequence_id=sequence["id"], project_id=project["id"])
    shot = gazu.shot.new_shot(project, sequence, "SH010", **c)
    listener.wait_for("shot:new", shot_id=shot["id"], project_id=project["id"])
    gazu.shot.update_shot({"id": shot["id"], "description": "wide"}, **c)
    listener.wait_for("shot:update", shot_id=shot["id"], project_id=project["id"])
    task_type = gazu.task.get_task_type_by_name("Animation", **c)
    task = gazu.task.new_task(shot, task_type, **c)
    listener.wait_for("task:new", task_id=task["id"], project_id=project["id"])
    person = gazu.person.new_person("Liv", "Listener", f"liv-{tag}@example.com", **c)
    listener.wait_for("person:new", person_id=person["id"])
    gazu.task.assign_task(task, person, **c)
    listener.wait_for("task:assign", task_id=task["id"], project_id=project["id"])
    wip = gazu.task.get_task_status_by_short_name("wip", **c)
    comment = gazu.task.add_comment(task, wip, "live", **c)
    listener.wait_for("comment:new", comment_id=comment["id"], project_id=project["id"])
    listener.wait_for("task:status-changed", task_id=task["id"], project_id=project["id"])
    playlist = gazu.playlist.new_playlist(project, "Dailies", **c)
    listener.wait_for("playlist:new", playlist_id=playlist["id"], project_id=project["id"])
    asset_type = gazu.asset.new_asset_type(f"Vehicle {tag}", **c)
    listener.wait_for("asset-type:new", asset_type_id=asset_type["id"])
    new_type = gazu.task.new_task_type(f"Paint {tag}", **c)
    listener.wait_for("task-type:new", task_type_id=new_type["id"])
    # A preview: its record at once, then its processed state from the job queue.
    picture = make_picture(tmp_path / "frame.png", 64, 48)
    preview = gazu.task.add_preview(task, comment, str(picture), **c)
    listener.wait_for("preview-file:new", preview_file_id=preview["id"], project_id=project["id"])
    listener.wait_for("preview-file:update", 60, preview_file_id=preview["id"])


@pytest.mark.parametrize("token", ["not-a-token", None])
def test_a_client_without_a_valid_token_is_refused(server, token):
    client = socketio.Client(reconnection=False)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(server.url, headers=headers, namespaces=["/events"], wait_timeout=5)
    client.disconnect()


def test_a_rolled_back_change_is_never_broadcast(listener, gazu_client, admin):
    c = {"client": gazu_client}
    project = gazu.project.new_project(f"Rollback {uuid.uuid4().hex[:6]}", **c)
    prop = gazu.asset.get_asset_type_by_name("Prop", **c)
    asset = gazu.asset.new_asset(project, prop, "Chair", **c)
    listener.wait_for("asset:new", asset_id=asset["id"])
    refused = admin.put(f"/data/entities/{asset['id']}", json={"nb_frames": "many"})
    assert refused.status_code == 400, refused.text
    admin.ok("PUT", f"/data/entities/{asset['id']}", json={"description": "kept"})
    listener.wait_for("asset:update", asset_id=asset["id"])
    updates = [data for name, data in listener.events
               if name == "asset:update" and data.get("asset_id") == asset["id"]]  # fmt: skip
    assert len(updates) == 1, updates


# ---- the token in the auth payload, and the reasons of a refusal ----------------------------
def _token_of(api) -> str:
    return api.headers()["Authorization"].split(" ", 1)[1]


def test_the_token_may_come_in_the_auth_payload(server, admin):
    """What a browser or a desktop app sends (a WebSocket cannot carry a header)."""
    client = socketio.Client(reconnection=False)
    client.connect(server.url, auth={"token": _token_of(admin)}, namespaces=["/events"])
    assert client.connected
    client.disconnect()


@pytest.mark.parametrize(
    ("auth", "reason"),
    [
        (None, "Missing access token"),
        ({"token": "not-a-token"}, "Invalid access token."),
    ],
)
def test_a_refused_client_is_told_why(server, auth, reason):
    client = socketio.Client(reconnection=False)
    errors: list = []
    client.on("connect_error", errors.append, namespace="/events")
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(server.url, auth=auth, namespaces=["/events"], wait_timeout=5)
    assert len(errors) == 1 and reason in errors[0]["message"], errors
    client.disconnect()


# ---- review rooms: the room's messages reach its people, and nobody else --------------------
class RoomClient:
    """A python-socketio client of the events namespace, keeping what it heard."""

    def __init__(self, server, api) -> None:
        self.heard = Heard()
        self.client = socketio.Client(reconnection=False)
        for name in ("room-people-updated", "room-updated", "add-annotation", "change-version"):
            self.client.on(f"preview-room:{name}", self.heard.handler(name), namespace="/events")
        self.client.connect(server.url, auth={"token": _token_of(api)}, namespaces=["/events"])

    def send(self, name: str, **data) -> None:
        self.client.emit(f"preview-room:{name}", data, namespace="/events")

    def names(self) -> list[str]:
        return [name for name, _ in self.heard.events]


def test_review_room(server, studio):
    playlist = studio.admin.create("playlists", name=f"Review {uuid.uuid4().hex[:6]}",
                                   project_id=studio.project["id"])  # fmt: skip
    room = playlist["id"]
    lead_id = studio.admin.ok("GET", "/auth/authenticated")["user"]["id"]
    lead = RoomClient(server, studio.admin)
    artist = RoomClient(server, studio.as_role("user"))
    vendor = RoomClient(server, studio.as_role("vendor"))  # vendors never join a room
    outsider = RoomClient(server, studio.admin)  # never opens the playlist
    try:
        for member in (lead, artist, vendor):
            member.send("open-playlist", playlist_id=room)
        for member in (lead, artist):  # each is in the room once told who is in it
            member.heard.wait_for("room-people-updated", people=[], playlist_id=room)
        lead.send("join", playlist_id=room, current_frame=12, is_playing=False)
        joined = artist.heard.wait_for("room-updated", playlist_id=room)
        assert joined["people"] == [lead_id] and joined["current_frame"] == 12
        artist.send("join", playlist_id=room)
        both = [lead_id, studio.people["user"]["id"]]
        lead.heard.wait_for("room-people-updated", people=both)
        lead.send("room-updated", playlist_id=room, is_playing=True, current_frame=40,
                  comparing={"enable": True, "mode": "sidebyside", "secret": 1})  # fmt: skip
        playing = artist.heard.wait_for("room-updated", is_playing=True)
        assert playing["only_newcomer"] is False and playing["current_frame"] == 40
        assert playing["comparing"] == {"enable": True, "mode": "sidebyside"}
        lead.send("add-annotation", playlist_id=room, annotation={"time": 1.5})
        assert artist.heard.wait_for("add-annotation")["annotation"] == {"time": 1.5}
        artist.client.disconnect()  # leaving by disconnecting: the others are told
        lead.heard.wait_for("room-people-updated", people=[lead_id])
        # A last relayed message, then nothing of this room reached the vendor or the outsider.
        lead.send("change-version", playlist_id=room, preview_file_id="x")
        lead.heard.wait_for("change-version")
        assert vendor.names() == [] and outsider.names() == []
    finally:
        for member in (lead, artist, vendor, outsider):
            member.client.disconnect()
