"""An in-process stand-in for the Telegram Bot API, and a driver that plays a person.

Used by the terminal sandbox (no token, no network) and by the tests. `FakeTelegramSession`
answers every API call the way Telegram would (a `Message` for send*/edit*, `True` otherwise),
records each request, and can be told to refuse a chat (the person blocked the bot).
`ChatDriver` builds real `Update` objects and feeds them to the production dispatcher.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.methods import (
    DeleteMyCommands,
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    GetMyCommands,
    SendDocument,
    SendMessage,
    SendPhoto,
    SendVoice,
    SetMyCommands,
    SetMyDescription,
    SetMyShortDescription,
    TelegramMethod,
)
from aiogram.types import (
    BotCommand,
    BotCommandScope,
    CallbackQuery,
    Chat,
    Document,
    InlineKeyboardMarkup,
    Location,
    Message,
    PhotoSize,
    Sticker,
    Update,
    User,
    Voice,
)

BOT_USER = User(id=424242, is_bot=True, first_name="Relais", username="relais_sandbox_bot")
FAKE_TOKEN = "424242:sandbox-token-not-used-by-telegram"


class FakeTelegramSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[TelegramMethod[Any]] = []
        self.messages: dict[tuple[int, int], Message] = {}  # what each chat currently shows
        self.blocked_chats: set[int] = set()
        self.rejecting_chats: set[int] = set()  # answer 400 Bad Request (e.g. chat not found)
        # id() of a send* request -> the message it created (the sandbox numbers messages).
        self.created: dict[int, Message] = {}
        # The command menus as Telegram holds them, by (scope type, chat id, language code);
        # `menu()` reads one back the way Telegram picks it. Descriptions by language code.
        self.menus: dict[tuple[str, int | None, str | None], list[BotCommand]] = {}
        self.descriptions: dict[str | None, str] = {}
        self.short_descriptions: dict[str | None, str] = {}
        self._message_ids = itertools.count(1)
        self._file_ids = itertools.count(1)

    async def close(self) -> None:
        return None

    async def make_request(
        self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
    ) -> Any:
        self.requests.append(method)
        chat_id = getattr(method, "chat_id", None)
        if isinstance(chat_id, int) and chat_id in self.blocked_chats:
            raise TelegramForbiddenError(method, "Forbidden: bot was blocked by the user")
        if isinstance(chat_id, int) and chat_id in self.rejecting_chats:
            raise TelegramBadRequest(method, "Bad Request: chat not found")
        if isinstance(method, GetMe):
            return BOT_USER
        if isinstance(method, SetMyCommands | DeleteMyCommands | GetMyCommands):
            return self._commands(method)
        if isinstance(method, SetMyDescription):
            self.descriptions[method.language_code] = method.description or ""
        elif isinstance(method, SetMyShortDescription):
            self.short_descriptions[method.language_code] = method.short_description or ""
        if isinstance(method, SendMessage | SendDocument | SendPhoto | SendVoice):
            self.created[id(method)] = self._store(self._new_message(method))
            return self.created[id(method)]
        if isinstance(method, EditMessageText | EditMessageReplyMarkup):
            return self._edit(method)
        return True

    async def stream_content(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover
        raise NotImplementedError("the fake Bot API serves no files")

    def _new_message(self, method: Any) -> Message:
        fields: dict[str, Any] = {}
        if isinstance(method, SendMessage):
            fields["text"] = method.text
        else:
            fields["caption"] = method.caption
        if isinstance(method, SendDocument):
            name = getattr(method.document, "filename", None)
            fields["document"] = Document(file_name=name, **self._file())
        elif isinstance(method, SendPhoto):
            fields["photo"] = [PhotoSize(width=1280, height=720, **self._file())]
        elif isinstance(method, SendVoice):
            fields["voice"] = Voice(duration=method.duration or 1, **self._file())
        markup = (
            method.reply_markup if isinstance(method.reply_markup, InlineKeyboardMarkup) else None
        )
        return Message(
            message_id=next(self._message_ids),
            date=datetime.now(UTC),
            chat=Chat(id=method.chat_id, type="private"),
            from_user=BOT_USER,
            reply_markup=markup,
            **fields,
        )

    def _commands(self, method: SetMyCommands | DeleteMyCommands | GetMyCommands) -> Any:
        key = _scope_key(method.scope, method.language_code)
        if key[1] is not None and key[1] in self.rejecting_chats:
            raise TelegramBadRequest(method, "Bad Request: chat not found")
        if isinstance(method, SetMyCommands):
            self.menus[key] = list(method.commands)
        elif isinstance(method, DeleteMyCommands):
            self.menus.pop(key, None)
        else:
            return list(self.menus.get(key, []))
        return True

    def menu(self, chat_id: int | None = None, language_code: str | None = None) -> list[str]:
        """The commands a private chat's menu shows, picked as Telegram does: the chat's scope
        (in the person's language, then any), then all private chats, then the default."""
        for scope, scope_chat in (
            ("chat", chat_id),
            ("all_private_chats", None),
            ("default", None),
        ):
            if scope == "chat" and chat_id is None:
                continue
            for code in (language_code, None) if language_code else (None,):
                commands = self.menus.get((scope, scope_chat, code))
                if commands:
                    return [command.command for command in commands]
        return []

    def _file(self) -> dict[str, str]:
        number = next(self._file_ids)
        return {"file_id": f"fake-file-{number}", "file_unique_id": f"fake-unique-{number}"}

    def _store(self, message: Message) -> Message:
        self.messages[(message.chat.id, message.message_id)] = message
        return message

    def _edit(self, method: EditMessageText | EditMessageReplyMarkup) -> Message | bool:
        key = (method.chat_id, method.message_id)
        current = self.messages.get(key)  # type: ignore[arg-type]
        if current is None:
            return True
        update: dict[str, Any] = {"reply_markup": method.reply_markup, "edit_date": 1}
        if isinstance(method, EditMessageText):
            update["text"] = method.text
        return self._store(current.model_copy(update=update))


@dataclass
class ChatDriver:
    """One person talking to the bot in a private chat (or in a group, to test it is ignored)."""

    dispatcher: Dispatcher
    bot: Bot
    session: FakeTelegramSession
    user_id: int = 1001
    first_name: str = "Camille"
    language_code: str | None = "fr"
    username: str | None = None  # Telegram's @username, without the @
    chat_type: str = "private"
    chat_id: int | None = None
    _update_ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _own_message_ids: itertools.count = field(default_factory=lambda: itertools.count(100000))

    @property
    def user(self) -> User:
        return User(
            id=self.user_id,
            is_bot=False,
            first_name=self.first_name,
            username=self.username,
            language_code=self.language_code,
        )

    @property
    def chat(self) -> Chat:
        chat_id = self.chat_id if self.chat_id is not None else self.user_id
        return Chat(
            id=chat_id, type=self.chat_type, title=None if self.chat_type == "private" else "Groupe"
        )

    async def send(self, text: str, **extra: Any) -> list[TelegramMethod[Any]]:
        """A text message; `extra` may carry entities (bold, links...) as Telegram sends them."""
        return await self._message(text=text, **extra)

    async def send_voice(
        self, duration: int = 12, mime_type: str = "audio/ogg"
    ) -> list[TelegramMethod[Any]]:
        number = next(self._own_message_ids)
        voice = Voice(
            file_id=f"voice-{number}",
            file_unique_id=f"u-voice-{number}",
            duration=duration,
            mime_type=mime_type,
        )
        return await self._message(voice=voice)

    async def send_sticker(self) -> list[TelegramMethod[Any]]:
        sticker = Sticker(
            file_id="sticker-1",
            file_unique_id="u-sticker-1",
            type="regular",
            width=512,
            height=512,
            is_animated=False,
            is_video=False,
        )
        return await self._message(sticker=sticker)

    async def send_photo(
        self, caption: str | None = None, **extra: Any
    ) -> list[TelegramMethod[Any]]:
        photo = [PhotoSize(file_id="photo-1", file_unique_id="u-photo-1", width=640, height=480)]
        return await self._message(photo=photo, caption=caption, **extra)

    async def send_location(self) -> list[TelegramMethod[Any]]:
        return await self._message(location=Location(latitude=45.19, longitude=5.72))

    async def send_document(
        self, caption: str | None = None, **extra: Any
    ) -> list[TelegramMethod[Any]]:
        document = Document(file_id="doc-1", file_unique_id="u-doc-1", file_name="notes.pdf")
        return await self._message(document=document, caption=caption, **extra)

    async def click_data(
        self, data: str, message: Message | None = None
    ) -> list[TelegramMethod[Any]]:
        """Press a button by its raw callback data (forged data included)."""
        message = message or self.last_message_with_keyboard() or self._placeholder_message()
        query = CallbackQuery(
            id=str(next(self._update_ids)),
            from_user=self.user,
            chat_instance="fake-chat-instance",
            data=data,
            message=message,
        )
        return await self._feed(Update(update_id=next(self._update_ids), callback_query=query))

    async def click(self, label: str) -> list[TelegramMethod[Any]]:
        """Press the button whose text contains `label`, on the newest message showing one."""
        for message in self.messages_newest_first():
            for button in buttons_of(message):
                if label in (button.text or "") and button.callback_data:
                    return await self.click_data(button.callback_data, message)
        raise LookupError(f"no button labelled {label!r} on screen")

    def messages_newest_first(self) -> list[Message]:
        chat_id = self.chat.id
        mine = [m for (c, _), m in self.session.messages.items() if c == chat_id]
        return sorted(mine, key=lambda m: m.message_id, reverse=True)

    def last_message_with_keyboard(self) -> Message | None:
        return next((m for m in self.messages_newest_first() if buttons_of(m)), None)

    async def _message(self, **content: Any) -> list[TelegramMethod[Any]]:
        message = Message(
            message_id=next(self._own_message_ids),
            date=datetime.now(UTC),
            chat=self.chat,
            from_user=self.user,
            **content,
        )
        return await self._feed(Update(update_id=next(self._update_ids), message=message))

    async def _feed(self, update: Update) -> list[TelegramMethod[Any]]:
        before = len(self.session.requests)
        await self.dispatcher.feed_update(self.bot, update)
        return self.session.requests[before:]

    def _placeholder_message(self) -> Message:
        return Message(
            message_id=1, date=datetime.now(UTC), chat=self.chat, from_user=BOT_USER, text="…"
        )


def _scope_key(
    scope: BotCommandScope | None, language_code: str | None
) -> tuple[str, int | None, str | None]:
    chat_id = getattr(scope, "chat_id", None)
    return (
        scope.type if scope is not None else "default",
        chat_id if isinstance(chat_id, int) else None,
        language_code or None,
    )


def buttons_of(message: Message) -> list[Any]:
    markup = message.reply_markup
    if not isinstance(markup, InlineKeyboardMarkup):
        return []
    return [button for row in markup.inline_keyboard for button in row]
