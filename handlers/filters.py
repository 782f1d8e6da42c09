"""Small async filters.

aiogram runs synchronous filters (including magic `F` expressions at router or handler level)
in a worker thread; each of those hops costs ~0.1 ms on a small VM, several per update. These
coroutine filters run inline. (`F` inside `CallbackData.filter(...)` is evaluated inline too.)
"""

from __future__ import annotations

from aiogram.enums import ChatType
from aiogram.types import CallbackQuery, Message


async def in_private_chat(event: Message | CallbackQuery) -> bool:
    message = event.message if isinstance(event, CallbackQuery) else event
    return message is not None and message.chat.type == ChatType.PRIVATE


async def has_text(message: Message) -> bool:
    return message.text is not None


async def looks_like_command(message: Message) -> bool:
    return message.text is not None and message.text.startswith("/")


async def has_text_or_voice(message: Message) -> bool:
    return message.text is not None or message.voice is not None
