"""The consented-profile requirement, said once: a handler that needs the person's profile says
so with one of the flags below, which also says what someone without one is told instead:

    @router.callback_query(ThemeCB.filter(), flags=profile_or_expired())

Someone has a profile once they accepted the privacy notice (`users` row, loaded by
`ProfileLocaleMiddleware`); before that, nothing about them is stored. `ProfileRequired` is an
*inner* middleware (`require_profiles(router)` installs it on a router's messages and buttons):
it runs once a handler matched, reads the handler's flag, and either calls the handler (which
then receives `user: User`, never None) or answers for it.

Why not a filter: a filter that says no lets the update fall through to the next handler (a
command would reach "unknown command", a typed text the profile questions), while the refusal
must be said by the handler that was meant. (A filter would also have to be a coroutine:
aiogram runs synchronous filters in a worker thread, see handlers/filters.py.)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any

from aiogram import BaseMiddleware, Bot, Router
from aiogram.dispatcher.flags import get_flag
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.views import messages

FLAG = "without_profile"


class WithoutProfile(StrEnum):
    """What someone without a profile is told by a handler that needs one."""

    ASK_CONSENT = "ask_consent"  # a command, or a menu button standing for one: start with /start
    EXPIRED = "expired"  # a button of a conversation they do not have (any more)
    NOTHING_STORED = "nothing_stored"  # /oubli: nothing about them is stored


# The flags, a new dict for each handler: aiogram's filters add their own flags to it.


def profile_or_ask_consent() -> dict[str, Any]:
    return {FLAG: WithoutProfile.ASK_CONSENT}


def profile_or_expired() -> dict[str, Any]:
    return {FLAG: WithoutProfile.EXPIRED}


def profile_or_nothing_stored() -> dict[str, Any]:
    return {FLAG: WithoutProfile.NOTHING_STORED}


def require_profiles(router: Router) -> None:
    """Check the flags above on the router's messages and buttons."""
    middleware = ProfileRequired()
    router.message.middleware(middleware)
    router.callback_query.middleware(middleware)


class ProfileRequired(BaseMiddleware):
    """Inner middleware (message and callback observers of a router): see the module docstring."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        otherwise: WithoutProfile | None = get_flag(data, FLAG)
        if otherwise is None or data.get("user") is not None:
            return await handler(event, data)
        state: FSMContext | None = data.get("state")
        if state is not None and data.get("raw_state") is not None:
            await state.clear()  # a form left over from before an erasure: left too
        await _refuse(event, data["bot"], otherwise)
        return None


async def _refuse(event: TelegramObject, bot: Bot, otherwise: WithoutProfile) -> None:
    text = REFUSALS[otherwise]()
    if isinstance(event, Message):
        await event.answer(text)
    elif isinstance(event, CallbackQuery) and otherwise == WithoutProfile.EXPIRED:
        await event.answer(text, show_alert=True)
    elif isinstance(event, CallbackQuery):  # a menu button: said in the chat, like its command
        await event.answer()
        await bot.send_message(event.from_user.id, text)


REFUSALS: dict[WithoutProfile, Callable[[], str]] = {
    WithoutProfile.ASK_CONSENT: messages.consent_needed_text,
    WithoutProfile.EXPIRED: messages.button_expired,
    WithoutProfile.NOTHING_STORED: messages.declined_text,
}
