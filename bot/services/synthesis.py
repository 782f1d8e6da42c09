"""What the field says, theme by theme: tallies of the closed questions, the free-text answers
grouped by topic, and the workshop notes, as data (views write it: bot/views/synthesis.py, the
brief in bot/views/brief.py; the command line prints it: `python -m bot synthesis`).

The small-group rule (docs/privacy.md) protects people: a theme fewer than `threshold` people
answered in the scope shows neither its tallies nor their words, and a scope that fails the rule
as a whole (too few people, a region too small on its own) shows nobody's. Workshop notes are
not people: they are always shown (scrubbed at import), so a synthesis of notes alone is whole.

Grouping is CPU work (a second or so per thousand texts, plus a language model): call this on
the worker (bot/jobs/worker.py) or from the command line, never on the bot's event loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.domain.grouping import Grouping, Proposal, group_proposals
from bot.domain.questionnaire import Question, Questionnaire, Theme
from bot.domain.tallies import Tally
from bot.services.disclosure import scope_is_disclosable, themes_to_show
from bot.services.tallies import collect_tallies
from storage.reports import ReportRepo, Scope, TextRow
from storage.repositories.workshop_notes import WorkshopNoteRepo, WorkshopNoteRow
from storage.unit_of_work import UnitOfWork

# Answers grouped per question at most: 10,000 take up to ~20 s and ~500 MB at their peak
# (bench/README.md); a question with more is named, not grouped.
GROUPED_TEXTS = 10_000


@dataclass(frozen=True)
class QuestionGroups:
    """One text question's answers, grouped (workshop notes join the proposal question)."""

    question: Question
    grouping: Grouping
    texts: int  # how many texts were grouped, workshop notes included


@dataclass(frozen=True)
class ThemeSynthesis:
    theme: Theme
    contributors: int | None  # None: fewer than `threshold` people (nothing of theirs shown)
    contributions: int | None
    tallies: list[Tally] = field(default_factory=list)
    groups: list[QuestionGroups] = field(default_factory=list)  # the proposal question first
    notes: list[WorkshopNoteRow] = field(default_factory=list)
    too_many: dict[str, int] = field(default_factory=dict)  # question -> answers, not grouped

    @property
    def shown(self) -> bool:
        return self.contributors is not None


@dataclass(frozen=True)
class Synthesis:
    scope: Scope
    threshold: int
    people_shown: bool  # the scope passed the small-group rule as a whole
    themes: list[ThemeSynthesis]  # in questionnaire order: the themes with something to show

    @property
    def notes(self) -> int:
        return sum(len(theme.notes) for theme in self.themes)

    def theme(self, key: str) -> ThemeSynthesis | None:
        return next((theme for theme in self.themes if theme.theme.key == key), None)


async def collect_synthesis(
    uow: UnitOfWork, questionnaire: Questionnaire, scope: Scope, threshold: int
) -> Synthesis:
    reports = ReportRepo(uow)
    people_shown = await scope_is_disclosable(reports, scope, threshold)
    shown = await themes_to_show(reports, scope, threshold) if people_shown else {}
    counts = await reports.by_theme(scope) if shown else {}
    tallies = await collect_tallies(uow, questionnaire, scope, threshold, shown) if shown else {}
    themes = [t for t in questionnaire.themes if not scope.themes or t.key in scope.themes]
    text_questions = [
        q.key for t in themes if t.key in shown for q in t.questions if q.kind == "text"
    ]
    within = replace(scope, themes=tuple(shown))
    answered = await reports.count_texts(within, text_questions) if text_questions else {}
    too_many = {key: count for key, count in answered.items() if count > GROUPED_TEXTS}
    keys = [key for key in text_questions if key not in too_many]
    texts = await reports.texts(within, keys) if keys else []
    notes = await WorkshopNoteRepo(uow).in_scope_of(scope)
    result = []
    for theme in themes:
        theme_notes = [note for note in notes if note.theme_key == theme.key]
        if theme.key not in shown and not theme_notes:
            continue
        group = counts.get(theme.key)
        theme_texts = [row for row in texts if row.theme_key == theme.key]
        result.append(
            ThemeSynthesis(
                theme=theme,
                contributors=group.contributors if theme.key in shown and group else None,
                contributions=group.contributions if theme.key in shown and group else None,
                tallies=tallies.get(theme.key, []),
                groups=[
                    groups
                    for groups in group_theme(theme, theme_texts, theme_notes)
                    if groups.question.key not in too_many
                ],
                notes=theme_notes,
                too_many={q.key: too_many[q.key] for q in theme.questions if q.key in too_many},
            )
        )
    return Synthesis(scope, threshold, people_shown, result)


def group_theme(
    theme: Theme, texts: list[TextRow], notes: list[WorkshopNoteRow]
) -> list[QuestionGroups]:
    """Each text question's answers grouped on their own (an answer about barriers and a
    proposal are different kinds of text), the proposal questions first; workshop notes are
    grouped with the theme's first proposal question."""
    questions = sorted(
        (q for q in theme.questions if q.kind == "text"), key=lambda q: not q.proposal
    )
    result = []
    for index, question in enumerate(questions):
        proposals = [
            Proposal(row.public_id, row.text, str(row.user_id))
            for row in texts
            if row.question_key == question.key
        ]
        if index == 0:
            proposals += [Proposal(note.reference, note.text, None) for note in notes]
        if proposals:
            result.append(QuestionGroups(question, group_proposals(proposals), len(proposals)))
    return result
