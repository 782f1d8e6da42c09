"""Retention: what the privacy notice promises about time (run daily by bot/jobs/retention.py).

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
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.config import Settings
from bot.services.erasure import ErasureService
from storage.repositories.retention import delete_expired, inactive_people
from storage.unit_of_work import UnitOfWork


async def purge(session: UnitOfWork, settings: Settings, now: datetime) -> dict[str, int]:
    """Delete everything past its retention; returns the counts per table."""
    cutoff = now - timedelta(days=settings.retention_days)
    people = await inactive_people(session, cutoff)
    erasure = ErasureService(session, settings.ledger_key)
    for user_id in people:
        await erasure.erase_person(user_id)
    deleted = await delete_expired(
        session, cutoff, now - timedelta(days=settings.outbox_retention_days)
    )
    if people:
        deleted["people"] = len(people)
    return deleted
