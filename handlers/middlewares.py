"""The dispatcher's middlewares (their order is in docs/architecture.md, checked by a test).

One unit of work per update, opened here; repositories and services never commit. The
transaction is committed when the handler returns, rolled back when it raises, and also
committed just before each call to Telegram (`CommitBeforeTelegram`): a reply never confirms
what is not yet durable, and no transaction (and no SQLite write lock) is ever held while
waiting on the network.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import (
    EditMessageReplyMarkup,
    EditMessageText,
    SendDocument,
    SendMessage,
    SendPhoto,
    SendVoice,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import Message, MessageEntity, TelegramObject, Update
from aiogram.types import User as TelegramUser
from aiogram.utils.i18n import I18n

from bot.domain.scrub import clean_input
from bot.i18n import pick_locale
from bot.keyboards import buttons
from bot.keyboards.callbacks import ForgetCB, NoticeCB
from bot.services.container import Services
from bot.services.profile import PRIVACY_VERSION
from bot.views import messages
from storage.base import utcnow
from storage.repositories.people import UserRepo
from storage.unit_of_work import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)
LAST_SEEN_GRAIN = timedelta(days=1)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
_update_session: ContextVar[UnitOfWork | None] = ContextVar("update_session", default=None)


class InFlightMiddleware(BaseMiddleware):
    """Outermost: knows how many updates are being handled, so that a shutdown (SIGTERM) can
    wait for them to finish instead of cutting a conversation in the middle of a write."""

    def __init__(self) -> None:
        self.active = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        self.active += 1
        self._idle.clear()
        try:
            return await handler(event, data)
        finally:
            self.active -= 1
            if not self.active:
                self._idle.set()

    async def wait_idle(self, timeout: float) -> int:
        """Wait until no update is being handled (at most `timeout` s); returns how many were
        in flight when called."""
        in_flight = self.active
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            log.warning(
                "%s update(s) still running after %s s; stopping anyway", self.active, timeout
            )
        return in_flight


class PerUserOrderMiddleware(BaseMiddleware):
    """Handle one person's updates one at a time, in arrival order (within this process).

    Telegram may deliver a double tap or two quick messages concurrently; serialising them keeps
    the reply order sane. Correctness does not depend on it: the services use compare-and-set.
    """

    def __init__(self) -> None:
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        tg_user: TelegramUser | None = data.get("event_from_user")
        if tg_user is None:
            return await handler(event, data)
        lock = self._locks.setdefault(tg_user.id, asyncio.Lock())
        self._users[tg_user.id] = self._users.get(tg_user.id, 0) + 1
        try:
            async with lock:
                return await handler(event, data)
        finally:
            self._users[tg_user.id] -= 1
            if not self._users[tg_user.id]:  # nobody waiting: forget the lock
                del self._users[tg_user.id]
                del self._locks[tg_user.id]


class DbSessionMiddleware(BaseMiddleware):
    def __init__(self, session_factory: UnitOfWorkFactory) -> None:
        self.session_factory = session_factory

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        async with self.session_factory() as session:
            data["session"] = session
            token = _update_session.set(session)
            try:
                result = await handler(event, data)
            except TelegramForbiddenError:
                # The person blocked the bot while we answered. Their input was handled before
                # the reply, so keep it, and stop writing to them until they come back.
                tg_user: TelegramUser | None = data.get("event_from_user")
                if tg_user is not None:
                    await UserRepo(session).set_active(tg_user.id, False)
                await session.commit()
                log.info("reply refused by Telegram (bot blocked); input kept")
                return None
            except BaseException:
                await session.rollback()
                raise
            finally:
                _update_session.reset(token)
            await session.commit()
            return result


class CommitBeforeTelegram(BaseRequestMiddleware):
    """Commit the current update's transaction before any Bot API request goes out."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        session = _update_session.get()
        if session is not None and session.in_transaction():
            await session.commit()
        return await make_request(bot, method)


class CleanInputMiddleware(BaseMiddleware):
    """Message-level: remove control and bidi characters from text and captions before any
    handler sees them (`clean_input`, bot/domain/scrub.py), so nothing stored, exported or shown to
    organisers carries them. Entity offsets (formatting of an admin's broadcast) are moved to
    match."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, Message):
            changes: dict[str, Any] = {}
            for field, entities_field in (("text", "entities"), ("caption", "caption_entities")):
                value = getattr(event, field)
                if value is None:
                    continue
                cleaned = clean_input(value)
                if cleaned != value:
                    changes[field] = cleaned
                    entities = getattr(event, entities_field)
                    if entities:
                        changes[entities_field] = _shift_entities(value, entities)
            if changes:
                event = event.model_copy(update=changes)
        return await handler(event, data)


def _shift_entities(original: str, entities: list[MessageEntity]) -> list[MessageEntity]:
    """Entities of `original` moved to the cleaned text (offsets count UTF-16 code units)."""
    kept_before: list[int] = [0]  # UTF-16 units kept before each UTF-16 position
    for char in original:
        units = len(char.encode("utf-16-le")) // 2
        kept = 0 if clean_input(char) == "" else units
        for _unit in range(units):
            kept_before.append(kept_before[-1] + (kept if _unit == 0 else 0))
    shifted = []
    for entity in entities:
        start = kept_before[min(entity.offset, len(kept_before) - 1)]
        end = kept_before[min(entity.offset + entity.length, len(kept_before) - 1)]
        if end > start:
            shifted.append(entity.model_copy(update={"offset": start, "length": end - start}))
    return shifted


RETRIED_METHODS = (
    SendMessage,
    SendDocument,
    SendPhoto,
    SendVoice,
    EditMessageText,
    EditMessageReplyMarkup,
)


class RetryDirectReplies(BaseRequestMiddleware):
    """Direct replies (inside an update) survive a brief Bot API hiccup: a 5xx, a dropped
    connection, a timeout or a short flood wait is retried up to `attempts` times with backoff.
    Outbox messages are not retried here: the paced sender reschedules them itself. A retry after
    a dropped connection may show a reply twice; Telegram offers no way to tell."""

    def __init__(self, attempts: int = 3, first_delay: float = 0.5, longest_wait: float = 5.0):
        self.attempts = attempts
        self.first_delay = first_delay
        self.longest_wait = longest_wait

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        if _update_session.get() is None or not isinstance(method, RETRIED_METHODS):
            # Not a direct reply, or a call whose retry cannot help (a callback answer whose
            # reply was lost is "too old" on the second try).
            return await make_request(bot, method)
        delay = self.first_delay
        for attempt in range(1, self.attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramBadRequest as error:
                # An edit whose first try had landed (its answer lost) is "not modified" now.
                if attempt > 1 and "not modified" in str(error.message):
                    return True
                raise
            except TelegramRetryAfter as error:
                if attempt == self.attempts or error.retry_after > self.longest_wait:
                    raise
                await asyncio.sleep(error.retry_after)
            except (TelegramServerError, TelegramNetworkError):
                if attempt == self.attempts:
                    raise
                log.info("Bot API call failed (attempt %s), retrying in %s s", attempt, delay)
                await asyncio.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")  # pragma: no cover


class ProfileLocaleMiddleware(BaseMiddleware):
    """Load the person's profile (None before consent) and translate in their language."""

    def __init__(self, i18n: I18n) -> None:
        self.i18n = i18n

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        tg_user: TelegramUser | None = data.get("event_from_user")
        user = None
        if tg_user is not None and not tg_user.is_bot:
            session: UnitOfWork = data["session"]
            user = await UserRepo(session).get(tg_user.id)
            if user is not None and _is_from_person(event):
                if not user.is_active:
                    user.is_active = True  # they wrote again: they unblocked the bot
                now = utcnow()
                current = user.privacy_version >= PRIVACY_VERSION  # else: nothing new stored
                if current and (
                    user.last_seen_at is None or now - user.last_seen_at > LAST_SEEN_GRAIN
                ):
                    user.last_seen_at = now  # retention counts from here; a write a day at most
        data["user"] = user
        if user is not None:
            locale = user.language
        else:
            locale = pick_locale(
                tg_user.language_code if tg_user else None, self.i18n.default_locale
            )
        data["i18n"] = self.i18n
        with self.i18n.context(), self.i18n.use_locale(locale):
            return await handler(event, data)


class ServicesMiddleware(BaseMiddleware):
    """Gives each update its services (`services: Services`) over the update's unit of work."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        data["services"] = Services(data["session"], data["settings"], data["questionnaire"])
        return await handler(event, data)


class NoticeVersionMiddleware(BaseMiddleware):
    """Update-level, after the profile is loaded: someone who accepted an older privacy notice
    is shown the new one, and nothing else happens until they accept it (nothing new is
    stored). Reading the notice, downloading one's data and erasing it still work."""

    ALLOWED_COMMANDS = frozenset(
        {"confidentialite", "privacy", "mesdonnees", "mydata", "oubli", "forget"}
    )
    ALLOWED_CALLBACKS = (f"{NoticeCB.__prefix__}:", f"{ForgetCB.__prefix__}:")

    def __init__(self, settings: Any, version: int) -> None:
        self.settings = settings
        self.version = version

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user = data.get("user")
        if user is None or user.privacy_version >= self.version:
            return await handler(event, data)
        update: Update = event  # type: ignore[assignment]
        if update.message is not None and update.message.chat.type == "private":
            command = (update.message.text or "").split(maxsplit=1)[0].lstrip("/").split("@")[0]
            if (update.message.text or "").startswith("/") and command in self.ALLOWED_COMMANDS:
                return await handler(event, data)
            await self._show_notice(data["bot"], update.message.chat.id)
            return None
        if update.callback_query is not None:
            if (update.callback_query.data or "").startswith(self.ALLOWED_CALLBACKS):
                return await handler(event, data)
            await update.callback_query.answer()
            await self._show_notice(data["bot"], update.callback_query.from_user.id)
            return None
        return await handler(event, data)

    async def _show_notice(self, bot: Bot, chat_id: int) -> None:
        await bot.send_message(chat_id, messages.notice_changed())
        chunks = messages.split_for_telegram(messages.privacy_text(self.settings, self.version))
        for chunk in chunks[:-1]:
            await bot.send_message(chat_id, chunk)
        await bot.send_message(
            chat_id, chunks[-1], reply_markup=buttons.notice_keyboard(self.version)
        )


def _is_from_person(event: TelegramObject) -> bool:
    """A message or a button in the person's private chat with the bot (a message in a group,
    which the bot ignores, says nothing about whether they can be reached or are active)."""
    if not isinstance(event, Update):
        return False
    if event.message is not None:
        return event.message.chat.type == "private"
    callback = event.callback_query
    return callback is not None and (
        callback.message is None or callback.message.chat.type == "private"
    )
