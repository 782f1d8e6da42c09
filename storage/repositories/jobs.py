"""What the scheduler records about its jobs (digest runs, pre-read runs, failures), and who
they go to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import utcnow
from storage.models import DigestRun, DigestSubscription, JobFailure, PrereadRun, User

MAX_JOB_ATTEMPTS = 3


def _organisers_and_admins(admin_ids: tuple[int, ...], notice_version: int) -> list:
    """Organisers and admins (granted or in ADMIN_IDS) who can be reached and accepted the
    current privacy notice (nothing reaches them until they accept a new one)."""
    return [
        or_(User.is_organiser, User.is_admin, User.id.in_(admin_ids)),
        User.is_active,
        User.privacy_version >= notice_version,
    ]


class JobFailureRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, job: str, key: str, error: str) -> JobFailure:
        """One more failed attempt of (job, key); the row, locked on PostgreSQL."""
        now = utcnow()
        failure = await self.session.scalar(
            select(JobFailure).where(JobFailure.job == job, JobFailure.key == key).with_for_update()
        )
        if failure is None:
            failure = JobFailure(job=job, key=key, attempts=0, created_at=now, gave_up=False)
            self.session.add(failure)
        failure.attempts += 1
        failure.last_error = error[:255]
        failure.updated_at = now
        await self.session.flush()
        return failure


class DigestRunRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, run_id: int) -> DigestRun | None:
        return await self.session.get(DigestRun, run_id)

    async def add(self, run: DigestRun) -> DigestRun:
        """Stage a run and flush it, so that it has its id (a digest's voice-note button)."""
        self.session.add(run)
        await self.session.flush()
        return run

    async def recipients(
        self, admin_ids: tuple[int, ...], notice_version: int, only: int | None = None
    ) -> list[tuple[DigestSubscription, User]]:
        """Who is owed digests: organisers and admins (granted or in ADMIN_IDS) who can be
        reached, accepted the current notice and did not turn digests off. The scheduler and
        `digest --preview` both read it, so the preview shows what will be sent."""
        query = (
            select(DigestSubscription, User)
            .join(User, User.id == DigestSubscription.user_id)
            .where(
                *_organisers_and_admins(admin_ids, notice_version),
                DigestSubscription.frequency != "off",
            )
            .order_by(User.id)
        )
        if only is not None:
            query = query.where(User.id == only)
        return [tuple(row) for row in (await self.session.execute(query)).all()]

    async def next_start(self, user_id: int) -> tuple[bool, datetime | None]:
        """(has any run, where this organiser's next digest starts): the end of the last digest
        that showed something (or was given up); with none, the start of the first one. A
        withheld digest's period is covered again by the next, so that no small window can be
        told apart by comparing totals."""
        shown_end = await self.session.scalar(
            select(func.max(DigestRun.period_end)).where(
                DigestRun.user_id == user_id, DigestRun.withheld.is_(False)
            )
        )
        if shown_end is not None:
            return True, shown_end
        first = (
            await self.session.execute(
                select(DigestRun.period_start)
                .where(DigestRun.user_id == user_id)
                .order_by(DigestRun.period_start.is_not(None), DigestRun.period_start)
                .limit(1)
            )
        ).first()
        return (first is not None), (first[0] if first else None)

    async def last_period_ends(self) -> dict[int, datetime]:
        """Per organiser, the end of the latest period a digest run covers."""
        rows = await self.session.execute(
            select(DigestRun.user_id, func.max(DigestRun.period_end)).group_by(DigestRun.user_id)
        )
        return dict(rows.all())


class PrereadRunRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_for_meeting(self, meeting_id: int) -> PrereadRun | None:
        return await self.session.scalar(
            select(PrereadRun).where(PrereadRun.meeting_id == meeting_id)
        )

    async def recipients(self, admin_ids: tuple[int, ...], notice_version: int) -> list[User]:
        """Who receives pre-reads: the organisers and admins who can be reached and accepted
        the current notice."""
        rows = await self.session.scalars(
            select(User).where(*_organisers_and_admins(admin_ids, notice_version)).order_by(User.id)
        )
        return list(rows)
