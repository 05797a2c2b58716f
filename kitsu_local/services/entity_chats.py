"""The chat of an entity: one chat row per entity (created when first read), its participants
and messages with attachment files (zou-behaviour.md 3.11, 4.3; Zou's ``chats_service``).

The chat events (``chat:new-message``, ``chat:deleted-message``) are live only, as in Zou.
"""

from __future__ import annotations

import asyncio
import contextlib
import mimetypes
from typing import Any

from sqlalchemy import select

from .. import events, rows
from ..context import Ctx
from ..errors import PermissionDenied, WrongParameter
from ..media.errors import MediaError
from ..models import AttachmentFile, Chat, ChatMessage, ChatParticipant
from ..models.base import new_id
from ..permissions import require_entity_access
from .crud import serialize, serialize_plain
from .entity_feeds import entity_or_404
from .output_files import lookup_or_404
from .previews import Upload, extension_of
from .spec import Row, spec_for_table

THUMBNAIL_SIZE = (150, 150)


async def chat_entity(ctx: Ctx, entity_id: str) -> Row:
    """The entity (404 for an unknown or malformed id), for a member with entity access."""
    entity = await entity_or_404(ctx, entity_id)
    await require_entity_access(ctx, entity)
    return entity


async def chat_of(ctx: Ctx, entity: Row) -> Row:
    chat = await rows.first_where(ctx.conn, Chat, Chat.object_id == entity["id"])
    if chat is None:
        chat = await rows.insert_row(ctx.conn, Chat, {"object_id": entity["id"]})
    return chat


async def _present_messages(ctx: Ctx, messages: list[Row]) -> list[dict[str, Any]]:
    """Messages with a light form of their attachments (id, name, extension), one query."""
    items = serialize_plain(spec_for_table("chat_message"), messages)
    ids = [message["id"] for message in messages]
    attachments: dict[str, list[dict[str, Any]]] = {message_id: [] for message_id in ids}
    for chunk in rows.chunked(ids):
        query = (
            select(AttachmentFile.id, AttachmentFile.name, AttachmentFile.extension,
                   AttachmentFile.chat_message_id)
            .where(AttachmentFile.chat_message_id.in_(chunk))
            .order_by(AttachmentFile.created_at)
        )  # fmt: skip
        for row in await ctx.conn.execute(query):
            attachments[row.chat_message_id].append(
                {"id": row.id, "name": row.name, "extension": row.extension}
            )
    for item in items:
        item["attachment_files"] = attachments[item["id"]]
    return items


async def _messages(ctx: Ctx, chat: Row) -> list[dict[str, Any]]:
    found = await rows.fetch_where(
        ctx.conn, ChatMessage, ChatMessage.chat_id == chat["id"], order_by=ChatMessage.created_at
    )
    return await _present_messages(ctx, found)


async def get_chat(ctx: Ctx, entity_id: str) -> dict[str, Any]:
    """The chat with its participant ids and its messages. Zou 1.0.97 looks the messages up
    with the entity id as chat id and always answers ``[]``: we answer the messages."""
    chat = await chat_of(ctx, await chat_entity(ctx, entity_id))
    item = (await serialize(ctx, spec_for_table("chat"), [chat], relations=True))[0]
    item["messages"] = await _messages(ctx, chat)
    return item


async def chat_messages(ctx: Ctx, entity_id: str) -> list[dict[str, Any]]:
    return await _messages(ctx, await chat_of(ctx, await chat_entity(ctx, entity_id)))


async def _add_attachment(ctx: Ctx, message: Row, upload: Upload) -> Row:
    name = upload.file_name or "attachment"
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    taken = await rows.first_where(
        ctx.conn,
        AttachmentFile,
        AttachmentFile.chat_message_id == message["id"],
        AttachmentFile.name == name,
    )
    if taken is not None:
        # Zou retries a name taken on the message with a random suffix.
        stem, extension = extension_of(name)
        name = f"{stem}-{new_id()[:8]}.{extension}" if extension else f"{stem}-{new_id()[:8]}"
    attachment = await rows.insert_row(
        ctx.conn,
        AttachmentFile,
        {
            "name": name[:250],
            "size": upload.path.stat().st_size,
            "extension": extension_of(name)[1],
            "mimetype": mimetype,
            "chat_message_id": message["id"],
        },
    )
    store = ctx.state.store
    if "png" in mimetype or "jpg" in mimetype or "jpeg" in mimetype:
        target = store.path("pictures", "thumbnails", attachment["id"])
        target.parent.mkdir(parents=True, exist_ok=True)
        # A file named like a picture that is not one keeps no thumbnail (Zou: a 500).
        from ..media import make_avatar

        with contextlib.suppress(MediaError):
            await asyncio.to_thread(make_avatar, upload.path, target, THUMBNAIL_SIZE)
    store.put_file("files", "attachments", attachment["id"], upload.path, move=True)
    return attachment


async def post_message(
    ctx: Ctx, entity_id: str, text: str, uploads: list[Upload]
) -> dict[str, Any]:
    """A message of the caller, who must have joined the chat; 201 with the message (and
    ``attachment_files`` when files came with it, as Zou)."""
    chat = await chat_of(ctx, await chat_entity(ctx, entity_id))
    joined = await rows.count_where(
        ctx.conn,
        ChatParticipant,
        ChatParticipant.chat_id == chat["id"],
        ChatParticipant.person_id == ctx.me.id,
    )
    if not joined:
        raise WrongParameter("You are not a participant of this chat")
    message = await rows.insert_row(
        ctx.conn, ChatMessage, {"chat_id": chat["id"], "person_id": ctx.me.id, "text": text}
    )
    await rows.update_row(ctx.conn, Chat, chat["id"], {"last_message": message["created_at"]})
    item = serialize_plain(spec_for_table("chat_message"), [message])[0]
    if uploads:
        attachments = [await _add_attachment(ctx, message, upload) for upload in uploads]
        item["attachment_files"] = [
            {key: attachment[key] for key in ("id", "name", "extension", "size")}
            for attachment in attachments
        ]
    await events.emit(
        ctx,
        "chat:new-message",
        {
            "chat_id": chat["id"],
            "chat_message_id": message["id"],
            "last_message": item["created_at"],
        },
        persist=False,
    )
    return item


async def _message_of(ctx: Ctx, entity_id: str, message_id: str) -> tuple[Row, Row]:
    """(chat, message): 404 for an unknown message (Zou: 500), 403 when it belongs to the
    chat of another entity."""
    chat = await chat_of(ctx, await chat_entity(ctx, entity_id))
    message = await lookup_or_404(ctx, ChatMessage, message_id)
    if message["chat_id"] != chat["id"]:
        raise PermissionDenied()
    return chat, message


async def get_message(ctx: Ctx, entity_id: str, message_id: str) -> dict[str, Any]:
    _, message = await _message_of(ctx, entity_id, message_id)
    return (await _present_messages(ctx, [message]))[0]


async def delete_message(ctx: Ctx, entity_id: str, message_id: str) -> None:
    """The author or an admin; the attachments and their files go with the message."""
    chat, message = await _message_of(ctx, entity_id, message_id)
    if message["person_id"] != ctx.me.id and not ctx.me.is_admin:
        raise PermissionDenied()
    attachments = await rows.fetch_where(
        ctx.conn, AttachmentFile, AttachmentFile.chat_message_id == message["id"]
    )
    await rows.delete_where(
        ctx.conn, AttachmentFile, AttachmentFile.chat_message_id == message["id"]
    )
    await rows.delete_row(ctx.conn, ChatMessage, message["id"])
    store = ctx.state.store
    for attachment in attachments:
        ctx.after_commit.append(lambda key=attachment["id"]: _remove_files(store, key))
    await events.emit(
        ctx,
        "chat:deleted-message",
        {"chat_id": chat["id"], "chat_message_id": message["id"]},
        persist=False,
    )


def _remove_files(store: Any, attachment_id: str) -> None:
    store.delete("files", "attachments", attachment_id)
    store.delete("pictures", "thumbnails", attachment_id)
