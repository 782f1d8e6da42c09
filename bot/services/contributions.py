"""Contribution use cases: start or resume a draft, record answers, review, submit, edit, withdraw.

The database is the truth: a draft is rows, and `Contribution.cursor` says which question is being
asked. Every button carries the question it was drawn for; moving the cursor is a compare-and-set,
so a stale button, a double tap or two concurrent updates change nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from bot.domain.flows import AnswerValue, next_question, previous_question
from bot.domain.questionnaire import Question, Questionnaire, Theme
from bot.domain.scrub import scrub
from storage.models import SCRUBBED_PATTERNS, Answer, Contribution, ContributionStatus, LedgerKind
from storage.repositories.contributions import AnswerRepo, ContributionRepo
from storage.repositories.erasures import LedgerRepo
from storage.unit_of_work import UnitOfWork

REVIEW = "@review"  # cursor value while the draft's review screen is shown


class StepKind(StrEnum):
    QUESTION = "question"  # ask `question`
    REVIEW = "review"  # every question answered: show the review of a draft
    VIEW = "view"  # a submitted contribution after an edit
    STALE = "stale"  # the button or message no longer matches the draft: change nothing
    # The theme has a submitted contribution and no draft: ask before starting another
    # (`contribution`: the latest submitted one).
    CONTRIBUTED = "contributed"


@dataclass
class Step:
    kind: StepKind
    contribution: Contribution | None = None
    theme: Theme | None = None
    question: Question | None = None
    answers: dict[str, Answer] = field(default_factory=dict)
    # Kinds of personal data found in the answer just recorded (patterns only, at once):
    # the author is told that organisers will see them masked.
    masked: frozenset[str] = frozenset()

    @property
    def position(self) -> int:
        assert self.theme and self.question
        return self.theme.index_of(self.question.key) + 1


STALE = Step(StepKind.STALE)


@dataclass(frozen=True)
class ThemeProgress:
    total: int
    draft_answered: int | None = None  # None: no draft on this theme
    submitted: int = 0
    draft_id: int | None = None


class ContributionService:
    def __init__(self, session: UnitOfWork, questionnaire: Questionnaire) -> None:
        self.questionnaire = questionnaire
        self.contributions = ContributionRepo(session)
        self.answers = AnswerRepo(session)
        self.ledger = LedgerRepo(session)

    async def start_or_resume(self, user_id: int, theme_key: str) -> Step:
        """Resume the theme's draft, or start one; a theme already contributed to asks first
        (CONTRIBUTED, then `start_another`)."""
        theme = self.questionnaire.theme(theme_key)
        if theme is None:
            return STALE
        if await self.contributions.get_draft(user_id, theme_key) is None:
            submitted = [
                c
                for c in await self.contributions.list_for_user(
                    user_id, (ContributionStatus.SUBMITTED,)
                )
                if c.theme_key == theme_key
            ]
            if submitted:
                return Step(StepKind.CONTRIBUTED, submitted[-1], theme)
        return await self._start(user_id, theme)

    async def start_another(self, user_id: int, contribution_id: int) -> Step:
        """A new draft on the theme of `contribution_id` (one of the person's submitted or
        withdrawn contributions); the theme's draft, if one was started meanwhile."""
        contribution = await self.contributions.get_owned(contribution_id, user_id)
        if contribution is None or contribution.status == ContributionStatus.DRAFT:
            return STALE
        theme = self.questionnaire.theme(contribution.theme_key)
        if theme is None:
            return STALE
        return await self._start(user_id, theme)

    async def draft(self, user_id: int, contribution_id: int) -> Step:
        """One of the person's drafts, wherever its cursor is (QUESTION; STALE if it is not
        a draft of theirs any more)."""
        contribution = await self.contributions.get_owned(contribution_id, user_id)
        if contribution is None or contribution.status != ContributionStatus.DRAFT:
            return STALE
        theme = self.questionnaire.theme(contribution.theme_key)
        if theme is None:
            return STALE
        answers = await self.answers.current(contribution.id)
        return Step(StepKind.QUESTION, contribution, theme, None, answers)

    async def discard(self, user_id: int, contribution_id: int) -> bool:
        """Delete a draft and its answers (never seen by anyone but its author): False if it
        is not one of the person's drafts (a second tap, submitted meanwhile, forged)."""
        return await self.contributions.delete_draft(contribution_id, user_id)

    async def keep(self, user_id: int, contribution_id: int, question_key: str) -> Step:
        """Leave the current answer of the question asked as it is and go on: to the next
        unanswered question, or back to the review once every question is answered."""
        asked = await self.asked(user_id, contribution_id, question_key)
        contribution, theme, question = asked.contribution, asked.theme, asked.question
        if asked.kind != StepKind.QUESTION or not (contribution and theme and question):
            return STALE
        if contribution.status != ContributionStatus.DRAFT or question.key not in asked.answers:
            return STALE
        following = next_question(theme, asked.answers.keys(), after=question.key)
        new_cursor = following.key if following else REVIEW
        if not await self.contributions.move_cursor(contribution.id, question.key, new_cursor):
            return STALE
        contribution.cursor = new_cursor
        return self._step(contribution, theme, following, asked.answers)

    async def _start(self, user_id: int, theme: Theme) -> Step:
        theme_key = theme.key
        draft = await self.contributions.get_draft(user_id, theme_key)
        if draft is None:
            draft = await self.contributions.add_draft(
                user_id, theme_key, self.questionnaire.version
            )
        await self.contributions.focus(user_id, draft.id)
        answers = await self.answers.current(draft.id)
        question = next_question(theme, answers.keys())
        await self._point_cursor(draft, question.key if question else REVIEW)
        return self._step(draft, theme, question, answers)

    async def in_focus(self, user_id: int) -> Step:
        """Where the person is (the question a free-text message answers, or the review of a
        finished draft), rebuilt from the database."""
        contribution = await self.contributions.get_in_focus(user_id)
        if contribution is None or contribution.cursor is None:
            return STALE
        theme = self.questionnaire.theme(contribution.theme_key)
        if theme is None:
            return STALE
        if contribution.cursor == REVIEW:
            answers = await self.answers.current(contribution.id)
            return Step(StepKind.REVIEW, contribution, theme, None, answers)
        question = theme.question(contribution.cursor)
        if question is None:
            return STALE
        answers = await self.answers.current(contribution.id)
        return Step(StepKind.QUESTION, contribution, theme, question, answers)

    async def record(
        self, user_id: int, contribution_id: int, question_key: str, value: AnswerValue
    ) -> Step:
        return await self.record_for(
            await self.asked(user_id, contribution_id, question_key), value
        )

    async def record_for(self, asked: Step, value: AnswerValue) -> Step:
        """Store `value` for the question of `asked`, a step read in this unit of work."""
        contribution, theme, question = asked.contribution, asked.theme, asked.question
        if asked.kind != StepKind.QUESTION or not (contribution and theme and question):
            return STALE
        if value.skipped and not question.optional:
            return STALE
        answers = dict(asked.answers)
        if contribution.status == ContributionStatus.DRAFT:
            following = next_question(theme, {*answers, question.key}, after=question.key)
            new_cursor = following.key if following else REVIEW
        else:
            following, new_cursor = None, None
        # Claim the move first: of two concurrent answers to one question, exactly one wins.
        if not await self.contributions.move_cursor(contribution.id, question.key, new_cursor):
            return STALE
        contribution.cursor = new_cursor
        await self._focus(contribution)
        row = _answer_row(contribution, question, value)
        answers[question.key] = await self.answers.add_revision(
            row, previous=answers.get(question.key)
        )
        masked = frozenset(row.pii_kinds or ())
        if contribution.status != ContributionStatus.DRAFT:
            return Step(StepKind.VIEW, contribution, theme, None, answers, masked)
        return replace(self._step(contribution, theme, following, answers), masked=masked)

    async def go_back(self, user_id: int, contribution_id: int, question_key: str) -> Step:
        contribution, theme, question = await self._asked(user_id, contribution_id, question_key)
        if contribution is None or theme is None or question is None:
            return STALE
        target = previous_question(theme, question.key) or question
        if not await self.contributions.move_cursor(contribution.id, question.key, target.key):
            return STALE
        contribution.cursor = target.key
        await self._focus(contribution)
        answers = await self.answers.current(contribution.id)
        return Step(StepKind.QUESTION, contribution, theme, target, answers)

    async def pause(self, user_id: int, contribution_id: int, question_key: str) -> Step:
        contribution, theme, question = await self._asked(user_id, contribution_id, question_key)
        if contribution is None or theme is None or question is None:
            return STALE
        # The cursor stays where it is: that is where /contribuer resumes. Pausing an older
        # theme from one of its messages leaves the open theme in focus.
        if contribution.in_focus:
            await self.contributions.focus(user_id, None)
        answers = await self.answers.current(contribution.id)
        return Step(StepKind.QUESTION, contribution, theme, question, answers)

    async def change(self, user_id: int, contribution_id: int, question_key: str) -> Step:
        """Ask one question again: from a draft's review, or to edit a submitted contribution."""
        contribution = await self.contributions.get_owned(contribution_id, user_id)
        if contribution is None or contribution.status == ContributionStatus.WITHDRAWN:
            return STALE
        theme = self.questionnaire.theme(contribution.theme_key)
        question = theme.question(question_key) if theme else None
        if theme is None or question is None:
            return STALE
        if contribution.status == ContributionStatus.DRAFT and contribution.cursor != REVIEW:
            return STALE
        if not await self.contributions.move_cursor(
            contribution.id, contribution.cursor, question.key
        ):
            return STALE
        contribution.cursor = question.key
        await self.contributions.focus(user_id, contribution.id)
        answers = await self.answers.current(contribution.id)
        return Step(StepKind.QUESTION, contribution, theme, question, answers)

    async def submit(self, user_id: int, contribution_id: int) -> Step:
        contribution = await self.contributions.get_owned(contribution_id, user_id)
        if contribution is None or contribution.cursor != REVIEW:
            return STALE
        if not await self.contributions.set_status(
            contribution.id, ContributionStatus.DRAFT, ContributionStatus.SUBMITTED
        ):
            return STALE
        if contribution.in_focus:  # submitting from an older message keeps the open theme
            await self.contributions.focus(user_id, None)
        theme = self.questionnaire.theme(contribution.theme_key)
        return Step(StepKind.VIEW, contribution, theme, None, {})

    async def withdraw(self, user_id: int, contribution_id: int) -> Step:
        contribution = await self.contributions.get_owned(contribution_id, user_id)
        if contribution is None or not await self.contributions.set_status(
            contribution.id, ContributionStatus.SUBMITTED, ContributionStatus.WITHDRAWN
        ):
            return STALE
        # Recorded for restores, and so that digests built before it are built again.
        await self.ledger.add(LedgerKind.CONTRIBUTION, contribution.public_id)
        return Step(StepKind.VIEW, contribution, self.questionnaire.theme(contribution.theme_key))

    async def view(self, user_id: int, contribution_id: int) -> Step:
        contribution = await self.contributions.get_owned(contribution_id, user_id)
        if contribution is None or contribution.status == ContributionStatus.DRAFT:
            return STALE
        theme = self.questionnaire.theme(contribution.theme_key)
        answers = await self.answers.current(contribution.id)
        return Step(StepKind.VIEW, contribution, theme, None, answers)

    async def review(self, user_id: int, contribution_id: int) -> Step:
        contribution = await self.contributions.get_owned(contribution_id, user_id)
        if contribution is None or contribution.status != ContributionStatus.DRAFT:
            return STALE
        theme = self.questionnaire.theme(contribution.theme_key)
        answers = await self.answers.current(contribution.id)
        return Step(StepKind.REVIEW, contribution, theme, None, answers)

    async def asked(self, user_id: int, contribution_id: int, question_key: str) -> Step:
        """The step a question button belongs to, if that question is the one being asked."""
        contribution, theme, question = await self._asked(user_id, contribution_id, question_key)
        if contribution is None or question is None:
            return STALE
        await self._focus(contribution)
        answers = await self.answers.current(contribution.id)
        return Step(StepKind.QUESTION, contribution, theme, question, answers)

    async def progress(self, user_id: int) -> dict[str, ThemeProgress]:
        """Per theme: how far the draft is, and how many contributions were submitted."""
        result = {t.key: ThemeProgress(total=len(t.questions)) for t in self.questionnaire.themes}
        for contribution in await self.contributions.list_for_user(user_id):
            current = result.get(contribution.theme_key)
            if current is None:
                continue
            if contribution.status == ContributionStatus.DRAFT:
                answered = len(await self.answers.current(contribution.id))
                result[contribution.theme_key] = replace(
                    current, draft_answered=answered, draft_id=contribution.id
                )
            elif contribution.status == ContributionStatus.SUBMITTED:
                result[contribution.theme_key] = replace(current, submitted=current.submitted + 1)
        return result

    async def list_submitted(self, user_id: int) -> list[Contribution]:
        return await self.contributions.list_for_user(
            user_id, (ContributionStatus.SUBMITTED, ContributionStatus.WITHDRAWN)
        )

    async def list_drafts(self, user_id: int) -> list[Contribution]:
        return await self.contributions.list_for_user(user_id, (ContributionStatus.DRAFT,))

    async def _asked(
        self, user_id: int, contribution_id: int, question_key: str
    ) -> tuple[Contribution | None, Theme | None, Question | None]:
        """The contribution if `question_key` is the question it is asking right now."""
        contribution = await self.contributions.get_owned(contribution_id, user_id)
        if (
            contribution is None
            or contribution.cursor != question_key
            or contribution.status == ContributionStatus.WITHDRAWN
        ):
            return None, None, None
        theme = self.questionnaire.theme(contribution.theme_key)
        question = theme.question(question_key) if theme else None
        return contribution, theme, question

    async def _focus(self, contribution: Contribution) -> None:
        """The draft whose question the person is shown is the one a typed answer goes to,
        whichever theme was open before (a live button of an older message counts). A
        submitted contribution being edited takes the focus only through `change`."""
        if contribution.status == ContributionStatus.DRAFT and not contribution.in_focus:
            await self.contributions.focus(contribution.user_id, contribution.id)
            contribution.in_focus = True

    async def _point_cursor(self, contribution: Contribution, key: str) -> None:
        if contribution.cursor != key:
            await self.contributions.move_cursor(contribution.id, contribution.cursor, key)
            contribution.cursor = key

    @staticmethod
    def _step(
        contribution: Contribution, theme: Theme, question: Question | None, answers: dict
    ) -> Step:
        if question is None:
            return Step(StepKind.REVIEW, contribution, theme, None, answers)
        return Step(StepKind.QUESTION, contribution, theme, question, answers)


def _answer_row(contribution: Contribution, question: Question, value: AnswerValue) -> Answer:
    """The revision to store. A text is scrubbed by the patterns at once (cheap, no model):
    what they found is told to the author now; the worker completes it with the model before
    any organiser sees it (bot/jobs/scrubbing.py)."""
    scrubbed = scrub(value.text) if value.text is not None else None
    return Answer(
        scrubbed_text=scrubbed.text if scrubbed else None,
        scrubbed_with=SCRUBBED_PATTERNS if scrubbed else None,
        pii_kinds=sorted(scrubbed.found) if scrubbed else None,
        contribution_id=contribution.id,
        question_key=question.key,
        questionnaire_version=contribution.questionnaire_version,
        skipped=value.skipped,
        text_value=value.text,
        choice_keys=list(value.choices) if value.choices is not None else None,
        scale_value=value.scale,
        voice_file_id=value.voice_file_id,
        voice_duration=value.voice_duration,
        voice_mime=value.voice_mime,
    )
