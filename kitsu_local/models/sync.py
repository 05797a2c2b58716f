"""What the sync with a remote keeps (issue 9, docs/sync.md): for every record that travelled,
the copy both sides last agreed on (the *base* of the three-way merge), each remote's
cursors and checkpoints, and the open conflicts. None of it is on the API."""

from __future__ import annotations

from typing import Any

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel

from .base import BaseTable, json_field, text, utc_now


class SyncBase(SQLModel, table=True):
    """The last copy of a record both sides agreed on, per remote (``data``: the record's
    synced fields as the API serializes them)."""

    __tablename__ = "kitsu_local_sync_base"
    remote: str = Field(primary_key=True, max_length=40)
    kind: str = Field(primary_key=True, max_length=40)
    record_id: str = Field(primary_key=True, max_length=36)
    project_id: str | None = Field(default=None, max_length=36, index=True)
    data: Any = json_field({})
    synced_at: NaiveDatetime | None = Field(default_factory=utc_now)


class SyncRemoteState(SQLModel, table=True):
    """One remote's last pull and push, the remote event log position reached, and the
    checkpoint of a run that did not finish (resumed by the next run)."""

    __tablename__ = "kitsu_local_sync_remote"
    remote: str = Field(primary_key=True, max_length=40)
    last_pull_at: NaiveDatetime | None = None
    last_push_at: NaiveDatetime | None = None
    # The created_at (ISO) of the newest remote event applied, and its id.
    event_cursor: str | None = Field(default=None, max_length=40)
    # The ids of the events applied in the cursor's last second (the route's ``after`` has a
    # precision of one second: they come again, and are skipped).
    cursor_event_ids: Any = json_field([])
    pull_checkpoint: Any = json_field(None)
    push_checkpoint: Any = json_field(None)


class SyncConflict(BaseTable, table=True):
    """A field changed on both sides since the last sync: neither side is overwritten until
    ``kitsu-local sync resolve`` keeps one."""

    __tablename__ = "kitsu_local_sync_conflict"
    remote: str = Field(max_length=40, index=True)
    kind: str = Field(max_length=40)
    record_id: str = Field(max_length=36, index=True)
    project_id: str | None = Field(default=None, max_length=36)
    field_name: str = Field(max_length=80)
    local_value: Any = json_field(None)
    remote_value: Any = json_field(None)
    base_value: Any = json_field(None)
    label: str | None = text()  # what the record is, for a person reading the list
    resolved_at: NaiveDatetime | None = None
    resolution: str | None = Field(default=None, max_length=10)  # local | remote
