"""`python -m bot grant`."""

from __future__ import annotations

import argparse
import sys

from bot.cli.common import open_database
from bot.config import Settings
from bot.services.roles import CONSOLE, Role, RoleService


async def run(settings: Settings, args: argparse.Namespace) -> int:
    """`grant --organiser ID` or `grant --admin ID` (`--remove` to take it back), from a
    platform's console."""
    role = Role.ADMIN if args.admin is not None else Role.ORGANISER
    user_id = args.admin if args.admin is not None else args.organiser
    engine, factory = await open_database(settings)
    try:
        async with factory() as session, session.begin():
            done = await RoleService(session, settings).grant(
                None, user_id, role, args.remove, by=CONSOLE
            )
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
    return 0
