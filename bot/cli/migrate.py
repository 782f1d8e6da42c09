"""`python -m bot migrate`."""

from __future__ import annotations

import argparse

from bot.config import Settings
from storage.engine import check_reachable, create_engine
from storage.migrate import current_revision, upgrade_to_head


async def run(settings: Settings, args: argparse.Namespace | None = None) -> int:
    engine = create_engine(settings.database_url)
    try:
        await check_reachable(engine)
        await upgrade_to_head(engine)
        print(f"Database at revision {await current_revision(engine)}.")
    finally:
        await engine.dispose()
    return 0
