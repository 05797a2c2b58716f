"""The event stream against Zou's (its separate process, ``KITSU_COMPAT_ZOU_EVENTS_URL``,
refzou's ``http://127.0.0.1:5001`` by default; ours is the API server's own root): the same
refusals, a committed change heard with the same payload, and a review room played the same
way gives the same messages with the same shapes, to the same people."""

from __future__ import annotations

import os
import threading
import time
from typing import Any

import pytest
import socketio

from .shape import shape_differences

ZOU_EVENTS_URL = os.environ.get("KITSU_COMPAT_ZOU_EVENTS_URL", "http://127.0.0.1:5001")
ROOM_EVENTS = ("room-people-updated", "room-updated", "add-annotation", "panzoom-changed")


class Listener:
    def __init__(self, url: str, token: str | None, names: tuple[str, ...] = ()) -> None:
        self.events: list[tuple[str, Any]] = []
        self.errors: list[Any] = []
        self.changed = threading.Condition()
        self.client = socketio.Client(reconnection=False)
        self.client.on("connect_error", self.errors.append, namespace="/events")
        for name in names:
            self.client.on(name, self._keep(name), namespace="/events")
        self.connected = True
        try:
            auth = {"token": token} if token else None
            self.client.connect(url, auth=auth, namespaces=["/events"], wait_timeout=10)
        except socketio.exceptions.ConnectionError:
            self.connected = False

    def _keep(self, name: str):
        def keep(data: Any) -> None:
            with self.changed:
                self.events.append((name, data))
                self.changed.notify_all()

        return keep

    def send(self, name: str, **data: Any) -> None:
        self.client.emit(f"preview-room:{name}", data, namespace="/events")

    def wait(self, name: str, count: int = 1, timeout: float = 10) -> list[Any]:
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                found = [data for event, data in self.events if event == name]
                if len(found) >= count or time.monotonic() > deadline:
                    return found
                self.changed.wait(0.1)

    def close(self) -> None:
        self.client.disconnect()


def _urls(compat_server) -> tuple[str, str]:
    return ZOU_EVENTS_URL, compat_server.url


def _token(api) -> str:
    return api.headers()["Authorization"].split(" ", 1)[1]


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (None, "Missing access token: send the Kitsu cookie, an Authorization header, "
               'or {"token": "<access token>"} in the socket.io auth payload.'),
        ("not-a-token", "Invalid access token."),
    ],
)  # fmt: skip
def test_a_refusal_says_zous_reason(compat, compat_server, token, reason):
    """Deliberate difference: Zou 1.0.97 means to refuse such a client with this reason (its
    connect handler raises ConnectionRefusedError), but its namespace error handler
    (``@socketio.on_error("/events")``) catches the refusal, so the client stays connected,
    with the reason only in Zou's log. kitsu-local refuses it, as the issue asks, and the
    client gets the reason in its ``connect_error``."""
    zou = Listener(ZOU_EVENTS_URL, token)
    assert zou.connected and zou.errors == []
    zou.close()
    local = Listener(compat_server.url, token)
    assert not local.connected
    assert [error.get("message") for error in local.errors] == [reason]
    local.close()


def test_a_committed_change_is_heard_alike(compat, compat_server):
    listeners = [
        Listener(url, _token(api), ("asset:update",))
        for url, api in zip(_urls(compat_server), (compat.zou, compat.local), strict=True)
    ]
    try:
        compat.both("PUT", "/data/entities/{asset:Sword}", {"description": f"live {compat.tag}"})
        heard = []
        for side, listener in enumerate(listeners):
            asset_id = compat.ids["asset:Sword"][side]
            for _ in range(50):
                found = [e for e in listener.wait("asset:update") if e["asset_id"] == asset_id]
                if found:
                    break
                time.sleep(0.1)
            assert found, f"side {side} heard no asset:update"
            heard.append(found[0])
        differences = shape_differences(heard[0], heard[1], compat.names(0), compat.names(1))
        assert differences == [], differences
    finally:
        for listener in listeners:
            listener.close()


def _play_room(url: str, compat, side: int, playlist_id: str) -> dict[str, list]:
    """A supervisor leads, an artist follows, a vendor and an outsider watch nothing."""
    names = tuple(f"preview-room:{name}" for name in ROOM_EVENTS)
    people = {
        role: Listener(url, _token(compat.client(side, role)), names)
        for role in ("supervisor", "user", "vendor", "outsider")
    }
    lead, artist = people["supervisor"], people["user"]
    try:
        # one message at a time, each waited for where it is heard: the order is the test's
        lead.send("open-playlist", playlist_id=playlist_id)
        lead.wait("preview-room:room-people-updated")
        artist.send("open-playlist", playlist_id=playlist_id)
        lead.wait("preview-room:room-people-updated", 2)
        people["vendor"].send("open-playlist", playlist_id=playlist_id)  # refused: not heard
        time.sleep(0.5)
        lead.send("join", playlist_id=playlist_id, current_frame=5, is_playing=False)
        artist.wait("preview-room:room-updated")
        artist.send("join", playlist_id=playlist_id)
        lead.wait("preview-room:room-updated", 2)
        lead.send("room-updated", playlist_id=playlist_id, is_playing=True, current_frame=9,
                  speed=2, comparing={"enable": True, "mode": "overlay", "junk": 1})  # fmt: skip
        artist.wait("preview-room:room-updated", 3)
        lead.send("add-annotation", playlist_id=playlist_id, annotation={"time": 0.5})
        artist.wait("preview-room:add-annotation")
        artist.send("leave", playlist_id=playlist_id)
        lead.wait("preview-room:room-people-updated", 5)
        lead.send("panzoom-changed", playlist_id=playlist_id, zoom=2)
        lead.wait("preview-room:panzoom-changed")
        artist.wait("preview-room:panzoom-changed")
        time.sleep(0.5)  # what else is coming arrives
        return {role: list(listener.events) for role, listener in people.items()}
    finally:
        for listener in people.values():
            listener.close()


def test_a_review_room_plays_alike(compat, compat_server):
    playlists = compat.create(
        "playlist:room",
        "/data/playlists",
        {"name": f"Room {compat.tag}", "project_id": "{project}", "for_entity": "shot"},
    )
    played = [
        _play_room(url, compat, side, playlists[side]["id"])
        for side, url in enumerate(_urls(compat_server))
    ]
    zou, local = played
    for role in zou:
        assert [name for name, _ in zou[role]] == [name for name, _ in local[role]], role
        for (name, zou_data), (_, local_data) in zip(zou[role], local[role], strict=True):
            differences = shape_differences(zou_data, local_data, compat.names(0), compat.names(1))
            assert differences == [], (role, name, differences)
    assert zou["vendor"] == [] and zou["outsider"] == []
