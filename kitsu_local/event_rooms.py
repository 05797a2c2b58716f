"""Review rooms of the event stream (zou-behaviour.md 4.6; Zou's ``event_stream.py``): people
watching a playlist together see the same shot, preview, frame and annotations.

Client -> server messages, each with a ``playlist_id`` (the room):

- ``preview-room:open-playlist`` / ``close-playlist``: enter / leave the room's channel (what
  a playlist page does as it opens and closes); an opening is answered by the room's people;
- ``preview-room:join`` / ``leave``: join / leave the review itself. A join is answered to the
  room by ``preview-room:room-people-updated`` ``{people, playlist_id, id}`` and
  ``preview-room:room-updated`` (the room's state); the first person in sets the state;
- ``preview-room:room-updated``: the player's state changed (playing, frame, entity, preview,
  comparison...); relayed to the room with ``only_newcomer: false``;
- ``preview-room:add-annotation``, ``remove-annotation``, ``update-annotation``,
  ``change-version``, ``panzoom-changed``, ``comparison-panzoom-changed``: relayed as they are.

As in Zou: every message re-checks the connection's token (a connection whose token is no longer
good is closed); joining needs read access to the playlist (its production's members but
vendors, clients for the playlists shared with them); preview accounts (a person with a
``preview_project_id``) watch but do not drive; a person who disconnects leaves their rooms.
The rooms' state lives in this process's memory, as in Zou's single event-stream process.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import socketio

from . import rows
from .app_state import AppState
from .context import Actor, Ctx
from .errors import ApiError
from .models import Playlist
from .permissions import project_member_not_vendor
from .services import identity

log = logging.getLogger(__name__)
PREFIX = "preview-room:"
RELAYED = (
    "add-annotation",
    "remove-annotation",
    "update-annotation",
    "change-version",
    "panzoom-changed",
    "comparison-panzoom-changed",
)
COMPARING_FIELDS = ("enable", "task_type", "revision", "mode", "comparison_preview_index")
# room-updated fields copied from the message, with the value a missing one takes
PLAYING_FIELDS = {
    "user_id": None,
    "local_id": None,
    "is_playing": False,
    "is_repeating": None,
    "is_laser_mode": None,
    "is_annotations_displayed": False,
    "is_zoom_enabled": False,
    "is_waveform_displayed": False,
    "current_entity_id": None,
    "current_entity_index": None,
    "current_preview_file_id": None,
    "current_preview_file_index": None,
    "handle_in": None,
    "handle_out": None,
}


def empty_room() -> dict[str, Any]:
    return {
        "playlist_id": None,
        "user_id": None,
        "local_id": None,
        "people": [],
        "is_playing": False,
        "current_entity_id": None,
        "current_entity_index": None,
        "current_preview_file_id": None,
        "current_preview_file_index": None,
        "current_frame": 0,
        "is_repeating": None,
        "is_annotations_displayed": False,
        "is_zoom_enabled": False,
        "is_waveform_displayed": False,
        "is_laser_mode": None,
        "handle_in": None,
        "handle_out": None,
        "speed": None,
        "comparing": {
            "enable": False,
            "task_type": None,
            "revision": None,
            "mode": "sidebyside",
            "comparison_preview_index": 0,
        },
    }


def update_playing_status(data: dict[str, Any], room: dict[str, Any]) -> dict[str, Any]:
    """Zou's ``_update_room_playing_status``: the player's state from a message."""
    room["playlist_id"] = data.get("playlist_id", "")
    for key, default in PLAYING_FIELDS.items():
        room[key] = data.get(key, default)
    if "current_frame" in data:
        room["current_frame"] = data["current_frame"]
    comparing = data.get("comparing")
    if isinstance(comparing, dict):
        room["comparing"] = {k: v for k, v in comparing.items() if k in COMPARING_FIELDS}
    speed = data.get("speed")
    if isinstance(speed, int | float) and not isinstance(speed, bool):
        room["speed"] = speed
    return room


@dataclass
class ReviewRooms:
    """The rooms of one event-stream server, and the handlers of its room messages."""

    server: socketio.AsyncServer
    state: AppState
    namespace: str
    rooms: dict[str, dict[str, Any]] = field(default_factory=dict)
    person_rooms: dict[str, set[str]] = field(default_factory=dict)

    def install(self) -> None:
        on = self.server.on
        on(f"{PREFIX}open-playlist", self._checked(self.open_playlist), namespace=self.namespace)
        on(f"{PREFIX}close-playlist", self._checked(self.close_playlist), namespace=self.namespace)
        on(f"{PREFIX}join", self._checked(self.join), namespace=self.namespace)
        on(f"{PREFIX}leave", self._checked(self.leave), namespace=self.namespace)
        on(
            f"{PREFIX}room-updated",
            self._checked(self.room_updated, drives=True),
            namespace=self.namespace,
        )
        for name in RELAYED:
            on(
                f"{PREFIX}{name}",
                self._checked(self._relay(name), drives=True),
                namespace=self.namespace,
            )

    # ---- authentication of every message -------------------------------------------------
    def _checked(
        self,
        handler: Callable[[str, Actor, dict[str, Any]], Awaitable[None]],
        drives: bool = False,
    ) -> Callable[..., Awaitable[None]]:
        async def on_message(sid: str, data: Any = None) -> None:
            actor = await self.actor_of(sid)
            if actor is None:
                await self.server.disconnect(sid, namespace=self.namespace)
                return
            if drives and actor.person.get("preview_project_id"):
                return  # preview accounts watch a review room, they do not drive it
            await handler(sid, actor, data if isinstance(data, dict) else {})

        return on_message

    async def actor_of(self, sid: str) -> Actor | None:
        """Who the connection is, its token checked again (None: not good any more)."""
        session = await self.server.get_session(sid, namespace=self.namespace)
        try:
            async with self.state.db.read() as conn:
                return await identity.authenticate(
                    Ctx(conn=conn, state=self.state), session.get("token")
                )
        except ApiError as error:
            log.info("event stream: message refused (%s)", error.body)
            return None

    async def may_join(self, actor: Actor, playlist_id: Any) -> bool:
        """Zou's check_playlist_room_access: read access to the playlist."""
        if not isinstance(playlist_id, str):
            return False
        async with self.state.db.read() as conn:
            ctx = Ctx(conn=conn, state=self.state, actor=actor)
            playlist = await rows.fetch_one(conn, Playlist, playlist_id)
            if playlist is None:
                return False
            try:
                await project_member_not_vendor(ctx, playlist)
            except ApiError:
                return False
            role = actor.role_in(playlist["project_id"])
            return not (role == "client" and not actor.is_admin and not playlist["for_client"])

    # ---- the messages --------------------------------------------------------------------
    def _room(self, data: dict[str, Any]) -> tuple[dict[str, Any], str]:
        room_id = data.get("playlist_id", "0")
        room_id = room_id if isinstance(room_id, str) else str(room_id)
        return self.rooms.get(room_id) or empty_room(), room_id

    async def _emit(self, event: str, data: dict[str, Any], room_id: str) -> None:
        await self.server.emit(f"{PREFIX}{event}", data, room=room_id, namespace=self.namespace)

    async def _people_updated(self, room_id: str, people: list[str]) -> None:
        await self._emit(
            "room-people-updated",
            {"people": people, "playlist_id": room_id, "id": room_id},
            room_id,
        )

    # The access check awaits the database: a room is read only after it, and changed with no
    # await in between, so two messages never work on two copies of one room.
    async def open_playlist(self, sid: str, actor: Actor, data: dict[str, Any]) -> None:
        if not await self.may_join(actor, data.get("playlist_id", "0")):
            return
        room, room_id = self._room(data)
        self.rooms[room_id] = room
        await self.server.enter_room(sid, room_id, namespace=self.namespace)
        await self._people_updated(room_id, room["people"])

    async def close_playlist(self, sid: str, actor: Actor, data: dict[str, Any]) -> None:
        _, room_id = self._room(data)
        await self.server.leave_room(sid, room_id, namespace=self.namespace)

    async def join(self, sid: str, actor: Actor, data: dict[str, Any]) -> None:
        if not await self.may_join(actor, data.get("playlist_id", "0")):
            return
        room, room_id = self._room(data)
        if not room["people"]:
            update_playing_status(data, room)
        if actor.id not in room["people"]:
            room["people"].append(actor.id)
        room["playlist_id"] = room_id
        self.rooms[room_id] = room
        self.person_rooms.setdefault(actor.id, set()).add(room_id)
        await self._people_updated(room_id, room["people"])
        await self._emit("room-updated", room, room_id)

    async def leave(self, sid: str, actor: Actor, data: dict[str, Any]) -> None:
        room_id = data.get("playlist_id", "")
        await self.leave_room(str(room_id), actor.id)

    async def leave_room(self, room_id: str, person_id: str) -> None:
        room = self.rooms.get(room_id) or empty_room()
        room["people"] = [person for person in room["people"] if person != person_id]
        rooms_of = self.person_rooms.get(person_id, set())
        rooms_of.discard(room_id)
        if not rooms_of:
            self.person_rooms.pop(person_id, None)
        if room["people"]:
            self.rooms[room_id] = room
        else:
            self.rooms.pop(room_id, None)
        await self._people_updated(room_id, room["people"])

    async def room_updated(self, sid: str, actor: Actor, data: dict[str, Any]) -> None:
        room, room_id = self._room(data)
        self.rooms[room_id] = update_playing_status(data, room)
        await self._emit("room-updated", {"only_newcomer": False, **self.rooms[room_id]}, room_id)

    def _relay(self, name: str) -> Callable[[str, Actor, dict[str, Any]], Awaitable[None]]:
        async def relay(sid: str, actor: Actor, data: dict[str, Any]) -> None:
            await self._emit(name, data, str(data.get("playlist_id", "")))

        return relay

    async def disconnected(self, sid: str) -> None:
        """A person who disconnects leaves the review rooms they joined."""
        actor = await self.actor_of(sid)
        if actor is None:
            return
        for room_id in list(self.person_rooms.get(actor.id, ())):
            await self.leave_room(room_id, actor.id)
