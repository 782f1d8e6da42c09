"""Sends an organiser's or admin's command menu to Telegram (texts: bot/views/menus.py).

- Everyone's menu (field staff) and the bot's description are set at start-up by
  `bot/app.py:set_bot_commands`.
- An organiser's or admin's menu is their chat's own scope, in their profile's language: set at
  start-up for everyone with a role, and again whenever their role or language changes; deleted
  when they lose their role or erase their data, so they see everyone's menu again.

A menu that Telegram refuses (a chat that no longer exists, a blocked bot, a network error) is
logged and skipped: the role change it follows is already saved. Each chat's menu that
Telegram took is recorded (`users.chat_menu`), so the next start sets the missing ones and
removes a role's menu left on a chat that lost the role.
"""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommandScopeChat

from bot.services.roles import MenuHolder, Role, RoleService
from bot.views import menus

log = logging.getLogger(__name__)


async def apply_menu(
    bot: Bot, holder: MenuHolder, default_locale: str = "fr", roles: RoleService | None = None
) -> bool:
    """The chat's own menu for an organiser or admin; none (everyone's) for anyone else.
    False when Telegram refused it (logged). `roles`: records what Telegram took."""
    scope = BotCommandScopeChat(chat_id=holder.user_id)
    try:
        if holder.role == Role.MEMBER:
            await bot.delete_my_commands(scope=scope)
        else:
            locale = holder.language or default_locale
            await bot.set_my_commands(menus.bot_commands(holder.role, locale), scope=scope)
    except TelegramAPIError as error:
        log.info("menu of chat %s not updated: %s", holder.user_id, error)
        return False
    if roles is not None:
        await roles.menu_applied(holder)
    return True


async def apply_menus(
    bot: Bot, holders: list[MenuHolder], default_locale: str = "fr"
) -> list[MenuHolder]:
    """Start-up: every organiser's and admin's menu (and the stale ones removed); returns
    those Telegram took, for the caller to record outside any transaction's wait."""
    return [holder for holder in holders if await apply_menu(bot, holder, default_locale)]
