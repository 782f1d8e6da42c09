"""Read-only queries for `/mesdonnees`: every row that is about one person, table by table.

Like the repositories, these never write and never commit. They return rows as stored
(`bot/services/personal_data.py` gathers them); turning them into something the person can read
is `bot/views/personal_data.py`'s job.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    PERSON_SUBJECT_ACTIONS,
    Answer,
    AuditEntry,
    Broadcast,
    Contribution,
    DigestRun,
    DigestSubscription,
    Invitation,
    JobFailure,
    Meeting,
    OutboxFile,
    OutboxMessage,
)


class PersonalDataRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def contributions(self, user_id: int) -> list[Contribution]:
        rows = await self.session.scalars(
            select(Contribution)
            .where(Contribution.user_id == user_id)
            .order_by(Contribution.created_at, Contribution.id)
        )
        return list(rows)

    async def answers(self, user_id: int) -> list[Answer]:
        """Every revision of every answer, the retired ones too."""
        rows = await self.session.scalars(
            select(Answer)
            .join(Contribution, Contribution.id == Answer.contribution_id)
            .where(Contribution.user_id == user_id)
            .order_by(Answer.contribution_id, Answer.question_key, Answer.revision)
        )
        return list(rows)

    async def digest_subscription(self, user_id: int) -> DigestSubscription | None:
        return await self.session.get(DigestSubscription, user_id)

    async def digest_runs(self, user_id: int) -> list[DigestRun]:
        rows = await self.session.scalars(
            select(DigestRun)
            .where(DigestRun.user_id == user_id)
            .order_by(DigestRun.period_end, DigestRun.id)
        )
        return list(rows)

    async def messages_received(self, user_id: int) -> list[tuple[OutboxMessage, str | None]]:
        """Outbox rows addressed to them, with the attached file's name when there is one."""
        rows = await self.session.execute(
            select(OutboxMessage, OutboxFile.filename)
            .outerjoin(OutboxFile, OutboxFile.id == OutboxMessage.file_id)
            .where(OutboxMessage.recipient_id == user_id)
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
        )
        return [(message, filename) for message, filename in rows]

    async def audit_entries(self, user_id: int) -> list[AuditEntry]:
        """Rows where they acted, or where they are the person acted upon."""
        rows = await self.session.scalars(
            select(AuditEntry)
            .where(
                or_(
                    AuditEntry.actor_id == user_id,
                    (AuditEntry.subject_id == user_id)
                    & AuditEntry.action.in_(PERSON_SUBJECT_ACTIONS),
                )
            )
            .order_by(AuditEntry.at, AuditEntry.id)
        )
        return list(rows)

    async def invitations(self, user_id: int) -> list[Invitation]:
        """Invitations they created or used."""
        rows = await self.session.scalars(
            select(Invitation)
            .where(or_(Invitation.created_by == user_id, Invitation.used_by == user_id))
            .order_by(Invitation.created_at, Invitation.id)
        )
        return list(rows)

    async def meetings_created(self, user_id: int) -> list[Meeting]:
        rows = await self.session.scalars(
            select(Meeting)
            .where(Meeting.created_by == user_id)
            .order_by(Meeting.starts_at, Meeting.id)
        )
        return list(rows)

    async def broadcasts_created(self, user_id: int) -> list[Broadcast]:
        rows = await self.session.scalars(
            select(Broadcast)
            .where(Broadcast.created_by == user_id)
            .order_by(Broadcast.created_at, Broadcast.id)
        )
        return list(rows)

    async def job_failures(self, user_id: int) -> list[JobFailure]:
        """Scheduled work for them that failed (a digest: key "<user id>:<period end>")."""
        rows = await self.session.scalars(
            select(JobFailure)
            .where(JobFailure.key.like(f"{int(user_id)}:%"))
            .order_by(JobFailure.created_at, JobFailure.id)
        )
        return list(rows)
