"""What the command-line tasks share: each opens its own engine and units of work."""

from __future__ import annotations

import re

from bot.config import Settings
from storage.engine import check_reachable, create_engine, create_session_factory
from storage.migrate import upgrade_to_head

HTML_TAG = re.compile(r"<[^>]+>")


async def open_database(settings: Settings):
    """An engine for a long read-only task (statements off the event loop) and its session factory;
    the embedded SQLite default is migrated on the way."""
    engine = create_engine(settings.database_url, inline=False)
    await check_reachable(engine)
    if settings.sqlite_path() is not None:
        await upgrade_to_head(engine)
    return engine, create_session_factory(engine)
