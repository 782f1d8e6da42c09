"""Retention, as a job: what the privacy notice promises about time is done here, daily.

- A person is erased (exactly as with `/oubli`) RETENTION_DAYS after their last message or
  button in the bot; each contribution is deleted RETENTION_DAYS after its last change, and
  earlier revisions of an answer RETENTION_DAYS after they were replaced.
- Outbox messages once delivered (or given up) are deleted after OUTBOX_RETENTION_DAYS, their
  attachments with them; digests and pre-reads lose their content as soon as they are delivered.
- Audit rows, invitations, digest/reminder/pre-read runs, meetings, broadcasts and the erasure
  ledger go after RETENTION_DAYS.

We chose a rolling RETENTION_DAYS (default 365, the "12 months" of the notice) over a fixed
consultation end date: the roadmap consultation has no published end, and a rolling limit keeps
the promise whenever the bot stops being used. An end date can still be had by lowering the
setting then.

The first scheduler tick of each local day claims that day (`purge_runs.day` is unique), so one
instance purges, once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.services.erasure import erase_person
from storage.models import PurgeRun
from storage.retention import delete_expired, inactive_people

log = logging.getLogger(__name__)


async def purge(session: AsyncSession, settings: Settings, now: datetime) -> dict[str, int]:
    """Delete everything past its retention; returns the counts per table."""
    cutoff = now - timedelta(days=settings.retention_days)
    people = await inactive_people(session, cutoff)
    for user_id in people:
        await erase_person(session, user_id, settings.ledger_key)
    deleted = await delete_expired(
        session, cutoff, now - timedelta(days=settings.outbox_retention_days)
    )
    if people:
        deleted["people"] = len(people)
    return deleted


async def purge_once_a_day(
    session_factory: async_sessionmaker[AsyncSession],
    settings: Settings,
    now: datetime,
    name: str,
) -> int:
    """Claim today's purge and run it; 0 if it was already done (here or elsewhere)."""
    day = now.astimezone(settings.tz).date().isoformat()
    try:
        async with session_factory() as session, session.begin():
            run = PurgeRun(day=day, claimed_by=name, created_at=now)
            session.add(run)
            await session.flush()  # the claim
            run.deleted = await purge(session, settings, now)
    except IntegrityError:
        return 0
    if run.deleted:
        log.info("retention purge of %s: %s", day, run.deleted)
    return 1
