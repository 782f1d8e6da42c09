"""Retention deletes: what the daily purge removes once it is past its time.

The caller owns the transaction; services/retention.py decides the cut-offs and claims the day.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import (
    Answer,
    AuditEntry,
    Broadcast,
    Contribution,
    DigestRun,
    ErasureLedger,
    Invitation,
    JobFailure,
    Meeting,
    OutboxMessage,
    PrereadRun,
    PurgeRun,
    ReminderRun,
    User,
)
from storage.repositories.outbox import FINISHED, OutboxRepo


async def inactive_people(session: AsyncSession, cutoff: datetime) -> list[int]:
    """People whose last message to the bot is older than `cutoff`."""
    last_seen = func.coalesce(User.last_seen_at, User.updated_at)
    return list(await session.scalars(select(User.id).where(last_seen < cutoff)))


async def delete_expired(
    session: AsyncSession, cutoff: datetime, delivered_cutoff: datetime
) -> dict[str, int]:
    """Rows older than `cutoff` (delivered messages: older than `delivered_cutoff`); returns
    how many were deleted per table."""
    deleted: dict[str, int] = {}

    async def run(name: str, statement) -> None:
        deleted[name] = deleted.get(name, 0) + (await session.execute(statement)).rowcount

    await run("contributions", delete(Contribution).where(Contribution.updated_at < cutoff))
    # A replaced revision goes RETENTION_DAYS after it was replaced: when the next one came.
    successor = aliased(Answer)
    replaced_long_ago = (
        select(successor.id)
        .where(
            successor.contribution_id == Answer.contribution_id,
            successor.question_key == Answer.question_key,
            successor.revision == Answer.revision + 1,
            successor.created_at < cutoff,
        )
        .exists()
    )
    await run("answers", delete(Answer).where(Answer.is_current.is_(False), replaced_long_ago))
    await run(
        "outbox",
        delete(OutboxMessage).where(
            OutboxMessage.status.in_(FINISHED), OutboxMessage.created_at < delivered_cutoff
        ),
    )
    await run("outbox", delete(OutboxMessage).where(OutboxMessage.created_at < cutoff))
    await OutboxRepo(session).strip_finished_packages()
    deleted["outbox_files"] = await OutboxRepo(session).delete_unused_files()
    await run("audit_log", delete(AuditEntry).where(AuditEntry.at < cutoff))
    await run("invitations", delete(Invitation).where(Invitation.created_at < cutoff))
    await run("digest_runs", delete(DigestRun).where(DigestRun.created_at < cutoff))
    await run("reminder_runs", delete(ReminderRun).where(ReminderRun.created_at < cutoff))
    await run("preread_runs", delete(PrereadRun).where(PrereadRun.created_at < cutoff))
    await run("meetings", delete(Meeting).where(Meeting.starts_at < cutoff))
    await run("broadcasts", delete(Broadcast).where(Broadcast.created_at < cutoff))
    await run("erasure_ledger", delete(ErasureLedger).where(ErasureLedger.at < cutoff))
    await run("job_failures", delete(JobFailure).where(JobFailure.updated_at < cutoff))
    await run("purge_runs", delete(PurgeRun).where(PurgeRun.created_at < cutoff))
    return {name: count for name, count in deleted.items() if count}
