"""Chats about entities (zou-data-model.md 3.8)."""

from __future__ import annotations

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel

from .base import BaseTable, fk, text


class Chat(BaseTable, table=True):
    __tablename__ = "chat"
    object_id: str = Field(max_length=36, index=True, sa_column_kwargs={"info": {"uuid": True}})
    object_type: str = Field(default="entity", max_length=80)
    last_message: NaiveDatetime | None = None


class ChatParticipant(SQLModel, table=True):
    __tablename__ = "chat_participant"
    chat_id: str = fk("chat", primary_key=True)
    person_id: str = fk("person", primary_key=True)


class ChatMessage(BaseTable, table=True):
    __tablename__ = "chat_message"
    chat_id: str = fk("chat", nullable=False)
    person_id: str = fk("person", nullable=False)
    text: str | None = text()
