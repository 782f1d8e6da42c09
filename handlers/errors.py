"""Last resort: stale or forged buttons, and unexpected errors, told truthfully.

Two failures look alike to the person and must not be told alike:
- *our* write failed (a bug, the database): the update's transaction was rolled back, nothing
  was saved, and the person is told so;
- *Telegram* failed after we saved: every write is committed before each Bot API call
  (`CommitBeforeTelegram`), and direct replies were already retried (`RetryDirectReplies`).
  The person is told their action is saved and shown where they are. The conversation state
  remembers that a question may not have been seen (`unseen`): the next typed answer is not
  filed under a question the person never saw (handlers/contribute.py).
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import BaseMiddleware, Bot, Router
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ErrorEvent, TelegramObject

from bot.config import Settings
from bot.domain.questionnaire import Questionnaire
from bot.i18n import pick_locale, use_locale
from bot.keyboards import buttons
from bot.services.container import Services
from bot.services.contributions import StepKind
from bot.views import messages
from handlers.common import expired, show_step
from storage.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)
router = Router(name=__name__)
# Conversation state: [contribution id, question key] of a question whose message may not have
# arrived. A typed text is not filed under it until it has been shown again.
UNSEEN = "unseen"


class UnseenResetMiddleware(BaseMiddleware):
    """A button tap: whatever question it shows, the person sees it (if that reply fails too,
    the error handler marks it again). Without this, a question shown again after a failure
    would keep refusing the person's answer."""

    async def __call__(self, handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        state: FSMContext | None = data.get("state")
        if state is not None and (await state.get_data()).get(UNSEEN):
            await state.update_data({UNSEEN: None})
        return await handler(event, data)


@router.callback_query()
async def fallback_callback(callback: CallbackQuery) -> None:
    """Any callback no other handler took: a button from an old message, or forged data."""
    await expired(callback)


@router.errors()
async def on_error(
    event: ErrorEvent,
    bot: Bot,
    session_factory: UnitOfWorkFactory,
    questionnaire: Questionnaire,
    settings: Settings,
    state: FSMContext | None = None,
) -> None:
    # A 400 or a 403 is an answer about *our* request (our bug, or a blocked bot): only a
    # Bot API that did not answer properly means "saved, but the reply got lost".
    telegram_failed = isinstance(
        event.exception, TelegramNetworkError | TelegramServerError | TelegramRetryAfter
    )
    if telegram_failed:
        log.warning(
            "Bot API failed after the update's writes were saved (update %s): %r",
            event.update.update_id,
            event.exception,
        )
    else:
        log.exception(
            "unhandled error in update %s", event.update.update_id, exc_info=event.exception
        )
    user = event.update.event.from_user if hasattr(event.update.event, "from_user") else None
    chat = getattr(event.update.event, "chat", None) or getattr(
        getattr(event.update.event, "message", None), "chat", None
    )
    if user is None or chat is None or chat.type != "private":
        return
    try:
        # The update's unit of work was rolled back and closed: this one only reads.
        async with session_factory() as session:
            services = Services(session, settings, questionnaire)
            profile = await services.profile.get(user.id)
            language = (
                profile.language
                if profile
                else pick_locale(user.language_code, settings.default_locale)
            )
            # The update's middlewares (and their i18n context) are gone: set the locale here.
            with use_locale(language, settings.default_locale):
                if not telegram_failed:
                    # Not a dead end: the way back to the menu (for someone with a profile).
                    markup = buttons.back_to_menu_keyboard() if profile is not None else None
                    await bot.send_message(user.id, messages.internal_error(), reply_markup=markup)
                elif profile is not None:
                    await _show_where_they_are(bot, user.id, services, state)
    except Exception:  # Telegram is still down, or the person blocked the bot
        log.debug("could not tell user about the error", exc_info=True)


async def _show_where_they_are(
    bot: Bot,
    chat_id: int,
    services: Services,
    state: FSMContext | None,
) -> None:
    """After a reply Telegram did not deliver: say the action is saved, show the question in
    focus, and until it is shown mark it unseen (a typed text will not be filed under it)."""
    if state is not None and await state.get_state() is not None:
        # In a form (profile field, meeting, broadcast): its question is asked again there.
        await bot.send_message(chat_id, messages.saved_but_reply_failed())
        await bot.send_message(chat_id, messages.form_still_open())
        return
    step = await services.contributions.in_focus(chat_id)
    asking = step.kind == StepKind.QUESTION and step.contribution and step.question
    if asking and state is not None:
        await state.update_data({UNSEEN: [step.contribution.id, step.question.key]})
    await bot.send_message(chat_id, messages.saved_but_reply_failed())
    if step.kind in (StepKind.QUESTION, StepKind.REVIEW):
        await show_step(bot, chat_id, step, services.settings)
        if state is not None:
            await state.update_data({UNSEEN: None})  # shown after all
