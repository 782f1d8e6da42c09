"""Update-level middlewares, outermost first: per-person ordering, DB transaction, profile+locale.

One session per update, opened here; repositories never commit. The transaction is committed
when the handler returns, rolled back when it raises, and also committed just before each call
to Telegram (`CommitBeforeTelegram`): a reply never confirms what is not yet durable, and no
transaction (and no SQLite write lock) is ever held while waiting on the network.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import TelegramObject
from aiogram.types import User as TelegramUser
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import pick_locale
from storage.repositories import UserRepo

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
_update_session: ContextVar[AsyncSession | None] = ContextVar("update_session", default=None)


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
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
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


class ProfileLocaleMiddleware(BaseMiddleware):
    """Load the person's profile (None before consent) and translate in their language."""

    def __init__(self, i18n: I18n) -> None:
        self.i18n = i18n

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        tg_user: TelegramUser | None = data.get("event_from_user")
        user = None
        if tg_user is not None and not tg_user.is_bot:
            session: AsyncSession = data["session"]
            user = await UserRepo(session).get(tg_user.id)
            if user is not None and not user.is_active and _is_from_person(event):
                user.is_active = True  # they wrote again: they unblocked the bot
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


def _is_from_person(event: TelegramObject) -> bool:
    update_type = getattr(event, "event_type", None)
    return update_type in ("message", "callback_query")
