"""Reading what the bot sent, for assertions."""

from __future__ import annotations

from typing import Any

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendDocument, SendMessage
from aiogram.types import InlineKeyboardMarkup


def texts(requests: list[Any]) -> list[str]:
    """Texts of the messages sent or edited, in order."""
    return [r.text for r in requests if isinstance(r, SendMessage | EditMessageText)]


def joined(requests: list[Any]) -> str:
    return "\n---\n".join(texts(requests))


def alerts(requests: list[Any]) -> list[str]:
    return [r.text or "" for r in requests if isinstance(r, AnswerCallbackQuery) and r.text]


def button_labels(requests: list[Any]) -> list[str]:
    """Labels of the buttons of the last message sent with a keyboard."""
    for request in reversed(requests):
        markup = getattr(request, "reply_markup", None)
        if isinstance(request, SendMessage) and isinstance(markup, InlineKeyboardMarkup):
            return [b.text for row in markup.inline_keyboard for b in row]
    return []


def documents(requests: list[Any]) -> list[SendDocument]:
    return [r for r in requests if isinstance(r, SendDocument)]


def has_button(requests: list[Any], label: str) -> bool:
    return any(label in text for text in button_labels(requests))
