"""`python -m bot grant`."""

from __future__ import annotations

import argparse
import sys

from bot.app import create_bot
from bot.cli.common import open_database
from bot.config import Settings
from bot.services.roles import CONSOLE, MenuHolder, Role, RoleService
from handlers.menus import apply_menu


async def run(settings: Settings, args: argparse.Namespace) -> int:
    """`grant --organiser ID` or `grant --admin ID` (`--remove` to take it back), from a
    platform's console."""
    role = Role.ADMIN if args.admin is not None else Role.ORGANISER
    user_id = args.admin if args.admin is not None else args.organiser
    engine, factory = await open_database(settings)
    try:
        async with factory() as session, session.begin():
            roles = RoleService(session, settings)
            done = await roles.grant(None, user_id, role, args.remove, by=CONSOLE)
            holder = await roles.menu_of(user_id)
    finally:
        await engine.dispose()
    if not done:
        print(
            f"No person {user_id}: they must send /start to the bot and accept the privacy "
            "notice first.",
            file=sys.stderr,
        )
        return 1
    what = "an admin" if role == Role.ADMIN else "an organiser"
    print(f"{user_id} is {'no longer ' if args.remove else ''}{what}.")
    print(await _update_menu(settings, holder))
    return 0


async def _update_menu(settings: Settings, holder: MenuHolder) -> str:
    """Their Telegram command menu follows the new role now if this console has the bot's
    token; else at the bot's next start (which sets every organiser's and admin's menu)."""
    if settings.bot_token is None:
        return "Their command menu follows at the bot's next start (no BOT_TOKEN here)."
    bot = create_bot(settings)
    try:
        updated = await apply_menu(bot, holder, settings.default_locale)
    finally:
        await bot.session.close()
    if updated:
        engine, factory = await open_database(settings)
        try:
            async with factory() as session, session.begin():
                await RoleService(session, settings).menu_applied(holder)
        finally:
            await engine.dispose()
        return "Their command menu is updated."
    return "Telegram did not take their command menu now; it follows at the bot's next start."
