"""Contributions and their answers (every revision kept; one current per question)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import utcnow
from storage.models import SCRUBBED_FULLY, Answer, Contribution, ContributionStatus, User

_PUBLIC_ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in meetings


def new_public_id() -> str:
    return "C-" + "".join(secrets.choice(_PUBLIC_ID_ALPHABET) for _ in range(8))


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

    async def delete_draft(self, contribution_id: int, user_id: int) -> bool:
        """Delete a draft and its answers, if it is still one of `user_id`'s drafts: False if
        it is not (submitted meanwhile, already discarded: a double tap deletes once)."""
        owned_draft = select(Contribution.id).where(
            Contribution.id == contribution_id,
            Contribution.user_id == user_id,
            Contribution.status == ContributionStatus.DRAFT,
        )
        await self.session.execute(
            delete(Answer)
            .where(Answer.contribution_id.in_(owned_draft))
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(
            delete(Contribution)
            .where(
                Contribution.id == contribution_id,
                Contribution.user_id == user_id,
                Contribution.status == ContributionStatus.DRAFT,
            )
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1

    async def withdraw_submitted(self, public_ids: set[str]) -> int:
        """Withdraw the submitted contributions among `public_ids` (replaying the erasure
        ledger after a restore); returns how many were."""
        if not public_ids:
            return 0
        result = await self.session.execute(
            update(Contribution)
            .where(
                Contribution.public_id.in_(public_ids),
                Contribution.status == ContributionStatus.SUBMITTED,
            )
            .values(
                status=ContributionStatus.WITHDRAWN,
                withdrawn_at=utcnow(),
                in_focus=False,
                cursor=None,
            )
        )
        return result.rowcount

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
