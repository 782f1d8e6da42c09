"""Repositories: one per aggregate. They query and stage changes; they never commit.

The caller owns the transaction: the per-update middleware for handlers, the job itself for
background work.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import utcnow
from storage.models import Answer, Contribution, ContributionStatus, Meeting, User

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
