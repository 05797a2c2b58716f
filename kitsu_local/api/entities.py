"""An entity's side routes: its chat, news, time spents and working files (zou-behaviour.md
3.11, 3.12).

    GET    /data/entities/{entity_id}/chat                         chat, participants, messages
    GET    /data/entities/{entity_id}/chat/messages                oldest first
    POST   /data/entities/{entity_id}/chat/messages                {"message"} or multipart + files
    GET    /data/entities/{entity_id}/chat/messages/{chat_message_id}
    DELETE /data/entities/{entity_id}/chat/messages/{chat_message_id}   author or admin
    GET    /data/entities/{entity_id}/news                         page of the last 2000 news
    GET    /data/entities/{entity_id}/time-spents                  latest date first
    GET    /data/entities/{entity_id}/working-files                ?task_id, name, relations

The chat is created when first read, so its GET routes open a write unit.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from pydantic import ConfigDict

from ..bodies import Body
from ..context import Ctx
from ..services import entity_chats, entity_feeds
from .endpoint import endpoint, parse
from .files_http import received_uploads

MESSAGE = "/data/entities/{entity_id}/chat/messages/{chat_message_id}"


class ChatMessageBody(Body):
    model_config = ConfigDict(extra="ignore")
    message: str


@endpoint("GET", "/data/entities/{entity_id}/chat", write=True)
async def get_chat(ctx: Ctx, entity_id: str) -> Any:
    return await entity_chats.get_chat(ctx, entity_id)


@endpoint("GET", "/data/entities/{entity_id}/chat/messages", write=True)
async def get_chat_messages(ctx: Ctx, entity_id: str) -> Any:
    return await entity_chats.chat_messages(ctx, entity_id)


@endpoint("POST", "/data/entities/{entity_id}/chat/messages")
async def post_chat_message(ctx: Ctx, request: Request, entity_id: str) -> Any:
    async with received_uploads(request, ctx.state.store) as uploads:
        body = await parse(request, ChatMessageBody)
        files = [upload for uploaded in uploads.files.values() for upload in uploaded]
        return await entity_chats.post_message(ctx, entity_id, body.message, files), 201


@endpoint("GET", MESSAGE, write=True)
async def get_chat_message(ctx: Ctx, entity_id: str, chat_message_id: str) -> Any:
    return await entity_chats.get_message(ctx, entity_id, chat_message_id)


@endpoint("DELETE", MESSAGE)
async def delete_chat_message(ctx: Ctx, entity_id: str, chat_message_id: str) -> Any:
    await entity_chats.delete_message(ctx, entity_id, chat_message_id)
    return None, 204


@endpoint("GET", "/data/entities/{entity_id}/news")
async def get_entity_news(ctx: Ctx, entity_id: str) -> Any:
    return await entity_feeds.entity_news(ctx, entity_id)


@endpoint("GET", "/data/entities/{entity_id}/time-spents")
async def get_entity_time_spents(ctx: Ctx, entity_id: str) -> Any:
    return await entity_feeds.entity_time_spents(ctx, entity_id)


@endpoint("GET", "/data/entities/{entity_id}/working-files")
async def get_entity_working_files(ctx: Ctx, entity_id: str) -> Any:
    return await entity_feeds.entity_working_files(ctx, entity_id)


ROUTES = [
    get_chat,
    get_chat_messages,
    post_chat_message,
    get_chat_message,
    delete_chat_message,
    get_entity_news,
    get_entity_time_spents,
    get_entity_working_files,
]
