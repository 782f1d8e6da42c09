"""The daily retention purge (bot/services/retention.py; docs/privacy.md).

The first scheduler tick of each local day claims that day (`purge_runs.day` is unique), so one
instance purges, once.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.config import Settings
from bot.services.retention import purge
from storage.models import PurgeRun
from storage.unit_of_work import AlreadyClaimed, UnitOfWorkFactory, insert_claim

log = logging.getLogger(__name__)


async def purge_once_a_day(
    session_factory: UnitOfWorkFactory,
    settings: Settings,
    now: datetime,
    name: str,
) -> int:
    """Claim today's purge and run it; 0 if it was already done (here or elsewhere)."""
    day = now.astimezone(settings.tz).date().isoformat()
    try:
        async with session_factory() as session, session.begin():
            run = PurgeRun(day=day, claimed_by=name, created_at=now)
            await insert_claim(session, run)
            run.deleted = await purge(session, settings, now)
    except AlreadyClaimed:
        return 0
    if run.deleted:
        log.info("retention purge of %s: %s", day, run.deleted)
    return 1
