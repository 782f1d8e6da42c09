"""Regional meetings, their reminder waves and their outbox rows (`reminder:<meeting>:<days>`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    NOT_YET_SENT,
    Contribution,
    ContributionStatus,
    Meeting,
    OutboxMessage,
    OutboxStatus,
    PrereadRun,
    ReminderRun,
    User,
)
from storage.unit_of_work import insert_claim


def reminder_group(meeting_id: int, days_before: int) -> str:
    """The outbox group of one reminder wave."""
    return f"reminder:{meeting_id}:{days_before}"


@dataclass(frozen=True)
class ReminderRecipient:
    user_id: int
    language: str
    contributed: bool  # already submitted on the meeting's theme (or on any theme)


class MeetingRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, meeting: Meeting) -> Meeting:
        self.session.add(meeting)
        return meeting

    async def add_scheduled(
        self,
        starts_at: datetime,
        city: str,
        regions: list[str] | tuple[str, ...],
        theme_key: str | None,
        venue: str | None,
        created_by: int | None,
    ) -> Meeting:
        meeting = self.add(
            Meeting(
                starts_at=starts_at,
                city=city,
                regions=list(regions),
                theme_key=theme_key,
                venue=venue,
                status="scheduled",
                created_by=created_by,
            )
        )
        await self.session.flush()
        return meeting

    async def list_upcoming(self, now: datetime, include_cancelled: bool = False) -> list[Meeting]:
        query = select(Meeting).where(Meeting.starts_at >= now).order_by(Meeting.starts_at)
        if not include_cancelled:
            query = query.where(Meeting.status == "scheduled")
        return list(await self.session.scalars(query))

    async def list_held_before(self, moment: datetime) -> list[Meeting]:
        """Meetings not cancelled that started before `moment`, oldest first."""
        query = (
            select(Meeting)
            .where(Meeting.status == "scheduled", Meeting.starts_at < moment)
            .order_by(Meeting.starts_at, Meeting.id)
        )
        return list((await self.session.scalars(query)).all())

    async def get(self, meeting_id: int) -> Meeting | None:
        """Whatever its status (a cancelled meeting's pre-read may still be listened to)."""
        return await self.session.get(Meeting, meeting_id)

    async def get_scheduled(self, meeting_id: int) -> Meeting | None:
        return await self.session.scalar(
            select(Meeting).where(Meeting.id == meeting_id, Meeting.status == "scheduled")
        )

    async def get_locked(self, meeting_id: int) -> Meeting | None:
        """Locked (PostgreSQL): a reminder wave being written waits, then sees the change."""
        return await self.session.get(Meeting, meeting_id, with_for_update=True)

    # --- What the scheduler reads and claims: reminder waves and pre-reads ----------------------
    # A wave or a pre-read is claimed by inserting its run row (`reminder_runs` unique on (meeting,
    # days before), `preread_runs` unique on the meeting) in the transaction that enqueues its
    # messages: it happens once, across restarts and instances.

    async def list_scheduled_after(self, now: datetime) -> list[Meeting]:
        """Scheduled meetings starting strictly after `now` (the scheduler's reminder waves)."""
        return list(
            await self.session.scalars(
                select(Meeting).where(Meeting.status == "scheduled", Meeting.starts_at > now)
            )
        )

    async def list_claimed_waves(self) -> set[tuple[int, int]]:
        """(meeting id, days before) of every wave already sent or skipped."""
        rows = await self.session.execute(select(ReminderRun.meeting_id, ReminderRun.days_before))
        return {(meeting_id, days) for meeting_id, days in rows}

    async def lock_scheduled(self, meeting_id: int) -> Meeting | None:
        """The meeting read again, locked on PostgreSQL: an edit or a cancellation committed
        since the list was read wins, and one in progress waits for us. None if cancelled."""
        return await self.session.scalar(
            select(Meeting)
            .where(Meeting.id == meeting_id, Meeting.status == "scheduled")
            .with_for_update()
        )

    async def claim_wave(self, run: ReminderRun, skipped: list[ReminderRun]) -> None:
        """Claim a wave (raises AlreadyClaimed) and mark the earlier waves it supersedes."""
        self.session.add_all(skipped)  # flushed with the claim: a conflict on either refuses it
        await insert_claim(self.session, run)

    async def list_without_preread(self, now: datetime) -> list[Meeting]:
        """Upcoming meetings whose pre-read has not been claimed yet."""
        return list(
            await self.session.scalars(
                select(Meeting).where(
                    Meeting.status == "scheduled",
                    Meeting.starts_at > now,
                    ~select(PrereadRun.id).where(PrereadRun.meeting_id == Meeting.id).exists(),
                )
            )
        )

    async def claim_preread(self, run: PrereadRun) -> None:
        await insert_claim(self.session, run)

    async def reminder_runs(self, meeting_id: int) -> list[ReminderRun]:
        return list(
            await self.session.scalars(
                select(ReminderRun).where(ReminderRun.meeting_id == meeting_id)
            )
        )

    async def forget_run(self, run: ReminderRun) -> None:
        """Plan a wave again: the scheduler claims it anew."""
        await self.session.execute(delete(ReminderRun).where(ReminderRun.id == run.id))

    async def withdraw_reminders(
        self, meeting_id: int, reason: str, days_before: int | None = None
    ) -> int:
        """Cancel the reminders of one wave (every wave if `days_before` is None) not yet
        handed to the Bot API; returns how many."""
        if days_before is None:
            in_group = OutboxMessage.group_key.like(f"reminder:{meeting_id}:%")
        else:
            in_group = OutboxMessage.group_key == reminder_group(meeting_id, days_before)
        result = await self.session.execute(
            update(OutboxMessage)
            .where(in_group, OutboxMessage.status.in_(NOT_YET_SENT))
            .values(status=OutboxStatus.CANCELLED, last_error=reason)
        )
        return result.rowcount

    async def reminder_recipients(self, meeting: Meeting) -> list[ReminderRecipient]:
        """Field staff of the meeting's regions (everyone for a national meeting) who can be
        reached and did not mute reminders."""
        submitted = exists().where(
            Contribution.user_id == User.id, Contribution.status == ContributionStatus.SUBMITTED
        )
        if meeting.theme_key:
            submitted = submitted.where(Contribution.theme_key == meeting.theme_key)
        query = select(User.id, User.language, submitted).where(
            User.is_active, ~User.reminders_muted, User.role.is_not(None)
        )
        if meeting.regions:
            query = query.where(User.region_code.in_(meeting.regions))
        rows = await self.session.execute(query.order_by(User.id))
        return [ReminderRecipient(user_id, lang, bool(done)) for user_id, lang, done in rows]
