"""Repositories: one per aggregate. They query and stage changes; they never commit.

The caller owns the transaction: the per-update middleware for handlers, the job itself for
background work.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import utcnow
from storage.models import (
    PERSON_SUBJECT_ACTIONS,
    SCRUBBED_FULLY,
    Answer,
    AuditEntry,
    Broadcast,
    Contribution,
    ContributionStatus,
    DigestRun,
    DigestSubscription,
    ErasureLedger,
    Invitation,
    JobFailure,
    Meeting,
    OutboxFile,
    OutboxMessage,
    PrereadRun,
    User,
)

_PUBLIC_ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in meetings


def new_public_id() -> str:
    return "C-" + "".join(secrets.choice(_PUBLIC_ID_ALPHABET) for _ in range(8))


class UserRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    def add(self, user: User) -> User:
        self.session.add(user)
        return user

    async def delete(self, user_id: int) -> bool:
        # Contributions and answers follow through ON DELETE CASCADE.
        result = await self.session.execute(delete(User).where(User.id == user_id))
        return bool(result.rowcount)

    async def set_active(self, user_id: int, active: bool) -> None:
        await self.session.execute(
            update(User)
            .where(User.id == user_id, User.is_active != active)
            .values(is_active=active)
        )


class ContributionRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_owned(self, contribution_id: int, user_id: int) -> Contribution | None:
        return await self.session.scalar(
            select(Contribution).where(
                Contribution.id == contribution_id, Contribution.user_id == user_id
            )
        )

    async def get_draft(self, user_id: int, theme_key: str) -> Contribution | None:
        return await self.session.scalar(
            select(Contribution).where(
                Contribution.user_id == user_id,
                Contribution.theme_key == theme_key,
                Contribution.status == ContributionStatus.DRAFT,
            )
        )

    async def get_in_focus(self, user_id: int) -> Contribution | None:
        return await self.session.scalar(
            select(Contribution).where(Contribution.user_id == user_id, Contribution.in_focus)
        )

    async def list_for_user(
        self, user_id: int, statuses: Sequence[str] | None = None
    ) -> list[Contribution]:
        query = select(Contribution).where(Contribution.user_id == user_id)
        if statuses:
            query = query.where(Contribution.status.in_(statuses))
        query = query.order_by(Contribution.created_at, Contribution.id)
        return list(await self.session.scalars(query))

    async def add_draft(self, user_id: int, theme_key: str, version: int) -> Contribution:
        contribution = Contribution(
            public_id=new_public_id(),
            user_id=user_id,
            theme_key=theme_key,
            questionnaire_version=version,
            status=ContributionStatus.DRAFT,
        )
        self.session.add(contribution)
        await self.session.flush()
        return contribution

    async def focus(self, user_id: int, contribution_id: int | None) -> None:
        """Make one contribution the one free-text messages answer (or none)."""
        await self.session.execute(
            update(Contribution)
            .where(Contribution.user_id == user_id, Contribution.in_focus)
            .values(in_focus=False)
        )
        if contribution_id is not None:
            await self.session.execute(
                update(Contribution)
                .where(Contribution.id == contribution_id)
                .values(in_focus=True, updated_at=utcnow())
            )

    async def move_cursor(
        self, contribution_id: int, expected: str | None, new: str | None
    ) -> bool:
        """Compare-and-set the asked question: False if someone else moved it first."""
        condition = (
            Contribution.cursor.is_(None) if expected is None else Contribution.cursor == expected
        )
        result = await self.session.execute(
            update(Contribution)
            .where(Contribution.id == contribution_id, condition)
            .values(cursor=new, updated_at=utcnow())
            .execution_options(synchronize_session="fetch")
        )
        return result.rowcount == 1

    async def set_status(self, contribution_id: int, expected: str, new: str) -> bool:
        """Compare-and-set the status: a double tap on "submit" flips it exactly once."""
        now = utcnow()
        values: dict[str, object] = {"status": new, "updated_at": now, "cursor": None}
        if new == ContributionStatus.SUBMITTED:
            values["submitted_at"] = now
        elif new == ContributionStatus.WITHDRAWN:
            values["withdrawn_at"] = now
            values["in_focus"] = False
        result = await self.session.execute(
            update(Contribution)
            .where(Contribution.id == contribution_id, Contribution.status == expected)
            .values(**values)
            .execution_options(synchronize_session="fetch")
        )
        return result.rowcount == 1


@dataclass(frozen=True)
class WaitingText:
    """An answer revision the scrubbing job has to (re)do, with what it needs to tell the author."""

    answer_id: int
    text: str
    structure_name: str | None
    author_id: int
    author_language: str
    theme_key: str
    question_key: str
    is_current: bool
    told_kinds: list[str] | None  # what the author was already told would be masked


class AnswerRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def current(self, contribution_id: int) -> dict[str, Answer]:
        rows = await self.session.scalars(
            select(Answer).where(Answer.contribution_id == contribution_id, Answer.is_current)
        )
        return {answer.question_key: answer for answer in rows}

    async def history(self, contribution_id: int, question_key: str) -> list[Answer]:
        rows = await self.session.scalars(
            select(Answer)
            .where(Answer.contribution_id == contribution_id, Answer.question_key == question_key)
            .order_by(Answer.revision)
        )
        return list(rows)

    async def add_revision(self, answer: Answer, previous: Answer | None) -> Answer:
        """Store a new revision; `previous` (the current one, if any) is kept but retired.

        The caller read `previous` in this unit of work and holds the contribution's cursor
        (compare-and-set), so no other writer can add a revision of this answer meanwhile; the
        unique indexes are the backstop.
        """
        if previous is not None:
            await self.session.execute(
                update(Answer)
                .where(Answer.id == previous.id)
                .values(is_current=False)
                .execution_options(synchronize_session=False)
            )
            previous.is_current = False
        answer.revision = previous.revision + 1 if previous is not None else 1
        answer.is_current = True
        answer.created_at = utcnow()
        self.session.add(answer)
        await self.session.flush()
        return answer

    async def awaiting_scrub(self, limit: int, version: int) -> list[WaitingText]:
        """Texts the model has not scrubbed yet, or scrubbed by an older `version` of the
        scrubber, oldest first."""
        rows = await self.session.execute(
            select(
                Answer.id,
                Answer.text_value,
                User.structure_name,
                User.id,
                User.language,
                Contribution.theme_key,
                Answer.question_key,
                Answer.is_current,
                Answer.pii_kinds,
            )
            .join(Contribution, Contribution.id == Answer.contribution_id)
            .join(User, User.id == Contribution.user_id)
            .where(
                Answer.text_value.is_not(None),
                or_(
                    Answer.scrubbed_with.is_(None),
                    Answer.scrubbed_with != SCRUBBED_FULLY,
                    Answer.scrubbed_version.is_(None),
                    Answer.scrubbed_version < version,
                ),
            )
            .order_by(Answer.id)
            .limit(limit)
        )
        return [WaitingText(*row) for row in rows]

    async def set_scrubbed(self, answer_id: int, text: str, kinds: list[str], version: int) -> None:
        await self.session.execute(
            update(Answer)
            .where(Answer.id == answer_id)
            .values(
                scrubbed_text=text,
                scrubbed_with=SCRUBBED_FULLY,
                scrubbed_version=version,
                pii_kinds=kinds,
            )
            .execution_options(synchronize_session=False)
        )

    async def all_for_user(self, user_id: int) -> list[Answer]:
        rows = await self.session.scalars(
            select(Answer)
            .join(Contribution, Contribution.id == Answer.contribution_id)
            .where(Contribution.user_id == user_id)
            .order_by(Answer.contribution_id, Answer.question_key, Answer.revision)
        )
        return list(rows)


class MeetingRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, meeting: Meeting) -> Meeting:
        self.session.add(meeting)
        return meeting

    async def list_upcoming(self, now: datetime, include_cancelled: bool = False) -> list[Meeting]:
        query = select(Meeting).where(Meeting.starts_at >= now).order_by(Meeting.starts_at)
        if not include_cancelled:
            query = query.where(Meeting.status == "scheduled")
        return list(await self.session.scalars(query))

    async def get_scheduled(self, meeting_id: int) -> Meeting | None:
        return await self.session.scalar(
            select(Meeting).where(Meeting.id == meeting_id, Meeting.status == "scheduled")
        )


class LedgerRepo:
    """The erasure ledger: what was erased or withdrawn, without personal data."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, kind: str, ref: str, at: datetime | None = None) -> None:
        """Record an erasure or a withdrawal. On PostgreSQL the table is locked until commit, so
        entries commit in id order: a package that saw entry N saw every entry before it."""
        if self.session.bind.dialect.name == "postgresql":
            await self.session.execute(
                text("LOCK TABLE erasure_ledger IN SHARE ROW EXCLUSIVE MODE")
            )
        entry = ErasureLedger(kind=kind, ref=ref, at=at or utcnow())
        self.session.add(entry)
        await self.session.flush()
        await OutboxRepo(self.session).withdraw_stale_packages(entry.id)

    async def latest_id(self) -> int:
        """The newest entry's id (0 when empty): what a digest's content had seen."""
        return int(await self.session.scalar(select(func.max(ErasureLedger.id))) or 0)

    async def all(self) -> list[ErasureLedger]:
        return list(await self.session.scalars(select(ErasureLedger).order_by(ErasureLedger.id)))

    async def refs(self, kind: str) -> set[str]:
        return set(
            await self.session.scalars(select(ErasureLedger.ref).where(ErasureLedger.kind == kind))
        )


class PersonTraces:
    """Everything outside the person's own rows that names them, for `/oubli`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def remove(self, user_id: int) -> None:
        """Delete every message queued for (or sent to) them, and unlink their id from what
        is kept for accountability (audit log, invitations, meetings, broadcasts)."""
        session = self.session
        await session.execute(delete(OutboxMessage).where(OutboxMessage.recipient_id == user_id))
        await session.execute(
            update(AuditEntry)
            .where(
                AuditEntry.subject_id == user_id,
                AuditEntry.action.in_(PERSON_SUBJECT_ACTIONS),  # others name a meeting...
            )
            .values(subject_id=None)
        )
        unlink = (
            (AuditEntry, AuditEntry.actor_id, "actor_id"),
            (Invitation, Invitation.used_by, "used_by"),
            (Invitation, Invitation.created_by, "created_by"),
            (Meeting, Meeting.created_by, "created_by"),
            (Broadcast, Broadcast.created_by, "created_by"),
        )
        for table, column, name in unlink:
            await session.execute(update(table).where(column == user_id).values({name: None}))
        await session.execute(
            update(Broadcast)
            .where(Broadcast.progress_chat_id == user_id)
            .values(progress_chat_id=None, progress_message_id=None)
        )
        await session.execute(delete(JobFailure).where(JobFailure.key.like(f"{int(user_id)}:%")))


PACKAGE_KINDS = ("digest", "preread")  # outbox kinds whose content is read from contributions
FINISHED = ("sent", "failed", "blocked", "cancelled", "unknown")


class OutboxRepo:
    """Outbox queries that are about privacy rather than pacing (bot/delivery/ has those)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def withdraw_package(self, group: str, reason: str) -> int:
        """Withdraw what is left of a digest or pre-read whose content went stale, and give its
        period back to the scheduler (so it is built again) unless part of it was delivered."""
        result = await self.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.group_key == group,
                OutboxMessage.status.in_(("pending", "claimed", "sending")),
            )
            .values(
                status="cancelled",
                last_error=reason,
                claimed_by=None,
                payload={"method": "removed"},
                file_id=None,
                ledger_mark=None,
            )
        )
        delivered = await self.session.scalar(
            select(OutboxMessage.id)
            .where(OutboxMessage.group_key == group, OutboxMessage.status == "sent")
            .limit(1)
        )
        if delivered is None:
            kind, _, ref = group.partition(":")
            if kind == "digest" and ref.isdigit():
                await self.session.execute(delete(DigestRun).where(DigestRun.id == int(ref)))
            elif kind == "preread" and ref.isdigit():
                await self.session.execute(
                    delete(PrereadRun).where(PrereadRun.meeting_id == int(ref))
                )
        await self.delete_unused_files()
        return result.rowcount

    async def withdraw_stale_packages(self, mark: int) -> int:
        """Every digest or pre-read not yet delivered whose content was read before ledger
        entry `mark`: withdrawn now (and built again by the scheduler), in the erasure's own
        transaction, so no copy of the erased content waits in the outbox."""
        groups = set(
            await self.session.scalars(
                select(OutboxMessage.group_key).where(
                    OutboxMessage.kind.in_(PACKAGE_KINDS),
                    OutboxMessage.status.in_(("pending", "claimed")),
                    OutboxMessage.ledger_mark < mark,
                )
            )
        )
        for group in groups:
            await self.withdraw_package(group or "", "content erased or withdrawn; rebuilt")
        return len(groups)

    async def strip_finished_packages(self) -> int:
        """Digests and pre-reads keep their content only until delivered (or given up on)."""
        result = await self.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.kind.in_(PACKAGE_KINDS),
                OutboxMessage.status.in_(FINISHED),
                or_(OutboxMessage.file_id.is_not(None), OutboxMessage.ledger_mark.is_not(None)),
            )
            .values(payload={"method": "removed"}, file_id=None, ledger_mark=None)
        )
        await self.delete_unused_files()
        return result.rowcount

    async def delete_unused_files(self) -> int:
        used = select(OutboxMessage.id).where(OutboxMessage.file_id == OutboxFile.id).exists()
        result = await self.session.execute(delete(OutboxFile).where(~used))
        return result.rowcount


MAX_JOB_ATTEMPTS = 3


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


async def admins_to_tell(session: AsyncSession, settings) -> list[User]:
    """Admins who can be reached (ADMIN_IDS who accepted the notice, and granted admins)."""
    rows = await session.scalars(
        select(User)
        .where(or_(User.is_admin, User.id.in_(settings.admin_ids)), User.is_active)
        .order_by(User.id)
    )
    return list(rows)


class DigestRunRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

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
                or_(User.is_organiser, User.is_admin, User.id.in_(admin_ids)),
                User.is_active,
                User.privacy_version >= notice_version,
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
