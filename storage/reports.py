"""Read-only aggregates for organisers (digests, exports, charts), computed in SQL.

Everything counts *submitted* contributions (withdrawn ones never appear) whose `submitted_at`
falls in [start, end), optionally restricted to themes and regions. Nothing here returns a
Telegram id or name; contributions are identified by their pseudonymous `public_id`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, literal_column, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import (
    SCRUBBED_FULLY,
    VOICE_KEEP,
    Answer,
    Contribution,
    ContributionStatus,
    User,
)


@dataclass(frozen=True)
class Scope:
    """Which contributions a report covers."""

    start: datetime | None = None
    end: datetime | None = None
    themes: tuple[str, ...] = ()  # empty: every theme
    regions: tuple[str, ...] = ()  # empty: every region
    # What a selection leaves out, for the small-group rule's complement check.
    not_themes: tuple[str, ...] = ()
    not_regions: tuple[str, ...] = ()

    @property
    def joins_people(self) -> bool:
        return bool(self.regions or self.not_regions)

    def where(self) -> list:
        conditions = [Contribution.status == ContributionStatus.SUBMITTED]
        if self.start is not None:
            conditions.append(Contribution.submitted_at >= self.start)
        if self.end is not None:
            conditions.append(Contribution.submitted_at < self.end)
        if self.themes:
            conditions.append(Contribution.theme_key.in_(self.themes))
        if self.not_themes:
            conditions.append(Contribution.theme_key.not_in(self.not_themes))
        if self.regions:
            conditions.append(User.region_code.in_(self.regions))
        if self.not_regions:
            conditions.append(
                or_(User.region_code.is_(None), User.region_code.not_in(self.not_regions))
            )
        return conditions


@dataclass(frozen=True)
class GroupCount:
    key: str | None
    contributors: int
    contributions: int


@dataclass(frozen=True)
class ClosedRow:
    """One person's current answer to a closed question (choices or a scale value)."""

    user_id: int
    theme_key: str
    question_key: str
    choice_keys: list[str] | None
    scale_value: int | None
    region_code: str | None = None  # only when asked for (`with_region`)


@dataclass(frozen=True)
class ProposalRow:
    public_id: str
    theme_key: str
    question_key: str
    text: str  # scrubbed
    submitted_at: datetime
    structure_type: str | None
    department_code: str | None
    region_code: str | None
    role: str | None


@dataclass(frozen=True)
class TextRow:
    """One current free-text answer, scrubbed, for grouping: `user_id` counts people (it is
    never shown)."""

    public_id: str
    theme_key: str
    question_key: str
    text: str
    user_id: int


@dataclass(frozen=True)
class VoiceRow:
    public_id: str
    theme_key: str
    question_key: str
    file_id: str
    duration: int | None


@dataclass(frozen=True)
class ExportRow:
    contribution_id: int
    public_id: str
    theme_key: str
    submitted_at: datetime
    structure_type: str | None
    department_code: str | None
    region_code: str | None
    role: str | None
    user_id: int  # for small-group counting only; never written out


@dataclass(frozen=True)
class AnswerCells:
    question_key: str
    skipped: bool
    text_value: str | None  # scrubbed by the model, or None while it waits (see `pending`)
    choice_keys: list[str] | None
    scale_value: int | None
    voice_file_id: str | None
    voice_duration: int | None
    pending: bool = False  # a text the scrubbing worker has not reached yet


class ReportRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _base(self, *columns) -> Select:
        return (
            select(*columns).select_from(Contribution).join(User, User.id == Contribution.user_id)
        )

    def _contributions(self, scope: Scope, *columns) -> Select:
        """Like `_base`, joining users only when a region filter needs them (the running total
        then counts straight from the (status, submitted_at) index)."""
        if scope.joins_people:
            return self._base(*columns)
        return select(*columns).select_from(Contribution)

    async def count(self, scope: Scope) -> int:
        query = self._contributions(scope, func.count(Contribution.id)).where(*scope.where())
        return int(await self.session.scalar(query) or 0)

    async def contributors(self, scope: Scope) -> int:
        """Distinct people behind a result set: what the small-group rule is checked on."""
        query = self._contributions(scope, func.count(func.distinct(Contribution.user_id))).where(
            *scope.where()
        )
        return int(await self.session.scalar(query) or 0)

    async def by_theme(self, scope: Scope) -> dict[str, GroupCount]:
        """Contributions and distinct contributors per theme."""
        query = (
            self._contributions(
                scope,
                Contribution.theme_key,
                func.count(func.distinct(Contribution.user_id)),
                func.count(Contribution.id),
            )
            .where(*scope.where())
            .group_by(Contribution.theme_key)
        )
        return {
            theme: GroupCount(theme, people, count)
            for theme, people, count in (await self.session.execute(query)).all()
        }

    async def groups(self, scope: Scope, column: str) -> list[GroupCount]:
        """Contributors and contributions per value of a profile column (region_code...)."""
        key = getattr(User, column)
        query = (
            self._base(key, func.count(func.distinct(Contribution.user_id)), func.count())
            .where(*scope.where())
            .group_by(key)
        )
        return [GroupCount(*row) for row in (await self.session.execute(query)).all()]

    async def new_contributors(self, scope: Scope) -> int:
        """People with a submission in the period and none (matching the scope) before it."""
        query = self._contributions(scope, func.count(func.distinct(Contribution.user_id))).where(
            *scope.where()
        )
        if scope.start is not None:
            earlier = aliased(Contribution)
            conditions = [
                earlier.user_id == Contribution.user_id,
                earlier.status == ContributionStatus.SUBMITTED,
                earlier.submitted_at < scope.start,
            ]
            if scope.themes:
                conditions.append(earlier.theme_key.in_(scope.themes))
            query = query.where(~select(earlier.id).where(*conditions).exists())
        return int(await self.session.scalar(query) or 0)

    async def proposals(
        self, scope: Scope, question_keys: Sequence[str], limit: int
    ) -> list[ProposalRow]:
        query = (
            self._base(
                Contribution.public_id,
                Contribution.theme_key,
                Answer.question_key,
                Answer.scrubbed_text,
                Contribution.submitted_at,
                User.structure_type,
                User.department_code,
                User.region_code,
                User.role,
            )
            .join(Answer, Answer.contribution_id == Contribution.id)
            .where(
                *scope.where(),
                Answer.is_current,
                Answer.question_key.in_(question_keys),
                Answer.text_value.is_not(None),
                # Only texts the model has scrubbed: the others wait for the worker.
                Answer.scrubbed_with == SCRUBBED_FULLY,
            )
            .order_by(Contribution.submitted_at.desc(), Contribution.id.desc())
            .limit(limit)
        )
        return [ProposalRow(*row) for row in (await self.session.execute(query)).all()]

    async def texts(self, scope: Scope, question_keys: Sequence[str]) -> list[TextRow]:
        """Every scrubbed current answer to these text questions in the scope, in reference
        order (grouping is deterministic: bot/domain/grouping.py). Texts the scrubbing worker has
        not reached yet are left out, as everywhere organisers read."""
        query = (
            self._contributions(
                scope,
                Contribution.public_id,
                Contribution.theme_key,
                Answer.question_key,
                Answer.scrubbed_text,
                Contribution.user_id,
            )
            .join(Answer, Answer.contribution_id == Contribution.id)
            .where(
                *scope.where(),
                Answer.is_current,
                Answer.question_key.in_(question_keys),
                Answer.text_value.is_not(None),
                Answer.scrubbed_with == SCRUBBED_FULLY,
            )
            .order_by(Contribution.public_id, Answer.question_key)
        )
        return [TextRow(*row) for row in (await self.session.execute(query)).all()]

    async def count_texts(self, scope: Scope, question_keys: Sequence[str]) -> dict[str, int]:
        """{question: how many answers `texts` would return}."""
        if not question_keys:
            return {}
        query = (
            self._contributions(scope, Answer.question_key, func.count())
            .join(Answer, Answer.contribution_id == Contribution.id)
            .where(
                *scope.where(),
                Answer.is_current,
                Answer.question_key.in_(question_keys),
                Answer.text_value.is_not(None),
                Answer.scrubbed_with == SCRUBBED_FULLY,
            )
            .group_by(Answer.question_key)
        )
        return {key: count for key, count in (await self.session.execute(query)).all()}

    async def stream_closed_answers(
        self,
        scope: Scope,
        question_keys: Sequence[str],
        batch: int = 5000,
        *,
        with_region: bool = False,
    ) -> AsyncIterator[list[ClosedRow]]:
        """The current, non-skipped answers to these closed questions, in the scope, one row per
        contribution, in batches, ordered by person (the tally counts people:
        bot/domain/tallies.py); `with_region`: each row says its author's region."""
        columns = [
            Contribution.user_id,
            Contribution.theme_key,
            Answer.question_key,
            Answer.choice_keys,
            Answer.scale_value,
        ]
        if with_region:
            columns.append(User.region_code)
        query = (
            (self._base(*columns) if with_region else self._contributions(scope, *columns))
            .join(Answer, Answer.contribution_id == Contribution.id)
            .where(
                *scope.where(),
                Answer.is_current,
                Answer.skipped.is_(False),
                Answer.question_key.in_(question_keys),
            )
        )
        # In person order, so that the tally counts each person once without remembering who.
        query = query.order_by(Contribution.user_id, Contribution.id)
        result = await self.session.stream(query.execution_options(yield_per=batch))
        async for partition in result.partitions(batch):
            yield [ClosedRow(*row) for row in partition]

    async def voice_notes(self, scope: Scope, limit: int | None = None) -> list[VoiceRow]:
        query = (
            self._base(
                Contribution.public_id,
                Contribution.theme_key,
                Answer.question_key,
                Answer.voice_file_id,
                Answer.voice_duration,
            )
            .join(Answer, Answer.contribution_id == Contribution.id)
            .where(*scope.where(), *self._voice_conditions())
            .order_by(Contribution.submitted_at, Contribution.id)
        )
        if limit is not None:
            query = query.limit(limit)
        return [VoiceRow(*row) for row in (await self.session.execute(query)).all()]

    async def count_voice_notes(self, scope: Scope) -> int:
        query = (
            self._base(func.count(Answer.id))
            .join(Answer, Answer.contribution_id == Contribution.id)
            .where(*scope.where(), *self._voice_conditions())
        )
        return int(await self.session.scalar(query) or 0)

    async def voice_contributors(self, scope: Scope) -> int:
        query = (
            self._base(func.count(func.distinct(Contribution.user_id)))
            .join(Answer, Answer.contribution_id == Contribution.id)
            .where(*scope.where(), *self._voice_conditions())
        )
        return int(await self.session.scalar(query) or 0)

    @staticmethod
    def _voice_conditions() -> list:
        """Current voice answers of people who were told organisers would hear them and chose
        to keep them (notes stored before that question existed stay with their author)."""
        return [
            Answer.is_current,
            Answer.voice_file_id.is_not(None),
            User.voice_choice == VOICE_KEEP,
            # Only notes recorded since that choice: older ones were kept without it.
            User.voice_choice_at <= Answer.created_at,
        ]

    async def hourly(self, scope: Scope) -> list[tuple[str, str, int, int]]:
        """(UTC hour "YYYY-MM-DD HH", theme, person, contributions): callers regroup by local
        day, which stays exact across daylight-saving changes since offsets are whole hours, and
        count the distinct people of each day for the small-group rule. The person is an
        internal key, never shown."""
        dialect = self.session.bind.dialect.name
        if dialect == "sqlite":
            bucket = func.strftime("%Y-%m-%d %H", Contribution.submitted_at)
        else:
            bucket = func.to_char(
                func.timezone("UTC", Contribution.submitted_at), literal_column("'YYYY-MM-DD HH24'")
            )
        query = (
            self._base(
                bucket.label("hour"), Contribution.theme_key, Contribution.user_id, func.count()
            )
            .where(*scope.where())
            .group_by(bucket, Contribution.theme_key, Contribution.user_id)
        )
        return [tuple(row) for row in (await self.session.execute(query))]

    async def profile_groups(
        self,
        columns: Sequence[str],
        only: Sequence[tuple] | None = None,
        scope: Scope | None = None,
    ) -> dict[tuple, int]:
        """Contributors per combination of profile columns: the people with a submitted
        contribution in `scope` (everyone who contributed when None); `only` restricts the
        count to the combinations asked about."""
        keys = [getattr(User, column) for column in columns]
        submitted = select(Contribution.id).where(
            Contribution.user_id == User.id, *(scope or Scope()).where()
        )
        query = select(*keys, func.count()).where(submitted.exists()).group_by(*keys)
        if only is not None:
            if not only:
                return {}
            query = query.where(tuple_(*keys).in_(list(set(only))))
        return {tuple(row[:-1]): row[-1] for row in (await self.session.execute(query)).all()}

    async def stream_contributions(
        self, scope: Scope, batch: int = 2000
    ) -> AsyncIterator[list[ExportRow]]:
        query = (
            self._base(
                Contribution.id,
                Contribution.public_id,
                Contribution.theme_key,
                Contribution.submitted_at,
                User.structure_type,
                User.department_code,
                User.region_code,
                User.role,
                Contribution.user_id,
            )
            .where(*scope.where())
            .order_by(Contribution.theme_key, Contribution.submitted_at, Contribution.id)
        )
        result = await self.session.stream(query.execution_options(yield_per=batch))
        async for partition in result.partitions(batch):
            yield [ExportRow(*row) for row in partition]

    async def current_answers(
        self, contribution_ids: Sequence[int]
    ) -> dict[int, list[AnswerCells]]:
        """Current answers of many contributions, as light rows (no ORM objects: exports read
        hundreds of thousands of them)."""
        if not contribution_ids:
            return {}
        rows = await self.session.execute(
            select(
                Answer.contribution_id,
                Answer.question_key,
                Answer.skipped,
                Answer.text_value.is_not(None),
                Answer.scrubbed_text,
                Answer.scrubbed_with,
                Answer.choice_keys,
                Answer.scale_value,
                Answer.voice_file_id,
                Answer.voice_duration,
            ).where(Answer.contribution_id.in_(contribution_ids), Answer.is_current)
        )
        answers: dict[int, list[AnswerCells]] = {}
        for row in rows:
            (cid, key, skipped, has_text, scrubbed, scrubbed_with, *rest) = row
            ready = scrubbed_with == SCRUBBED_FULLY
            answers.setdefault(cid, []).append(
                AnswerCells(
                    key,
                    skipped,
                    scrubbed if has_text and ready else None,
                    *rest,
                    pending=bool(has_text and not ready),
                )
            )
        return answers
