"""Last resort: stale or forged buttons, and unexpected errors."""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.types import CallbackQuery, ErrorEvent

from bot import views
from bot.i18n import pick_locale, use_locale
from handlers.common import expired

log = logging.getLogger(__name__)
router = Router(name=__name__)


@router.callback_query()
async def fallback_callback(callback: CallbackQuery) -> None:
    """Any callback no other handler took: a button from an old message, or forged data."""
    await expired(callback)


@router.errors()
async def on_error(event: ErrorEvent, bot: Bot) -> None:
    # The update's transaction was rolled back: nothing half-saved. Tell the person.
    log.exception("unhandled error in update %s", event.update.update_id, exc_info=event.exception)
    user = event.update.event.from_user if hasattr(event.update.event, "from_user") else None
    chat = getattr(event.update.event, "chat", None) or getattr(
        getattr(event.update.event, "message", None), "chat", None
    )
    if user is None or chat is None or chat.type != "private":
        return
    # The update's middlewares (and their i18n context) are gone by now: set the locale here.
    with use_locale(pick_locale(user.language_code)):
        text = views.internal_error()
    try:
        await bot.send_message(user.id, text)
    except Exception:  # the person may have blocked the bot; nothing more to do
        log.debug("could not tell user about the error", exc_info=True)
