"""The tallies of a result set's closed questions, theme by theme (the rule: bot/domain/tallies.py).

Only themes at least `threshold` people answered in the scope are tallied, like excerpts; each
question is then tallied on its own respondents.
"""

from __future__ import annotations

from collections.abc import Collection

from bot.domain.questionnaire import Questionnaire
from bot.domain.tallies import CLOSED_KINDS, ClosedAnswer, Tally, tally
from bot.services.disclosure import themes_to_show
from storage.reports import ReportRepo, Scope
from storage.unit_of_work import UnitOfWork


async def collect_tallies(
    uow: UnitOfWork,
    questionnaire: Questionnaire,
    scope: Scope,
    threshold: int,
    shown: Collection[str] | None = None,
) -> dict[str, list[Tally]]:
    """{theme key: the tallies of its closed questions, in questionnaire order}. `shown`: the
    themes that may be shown, when the caller has them already."""
    reports = ReportRepo(uow)
    if shown is None:
        shown = await themes_to_show(reports, scope, threshold)
    questions = [
        question
        for theme in questionnaire.themes
        if theme.key in shown
        for question in theme.questions
        if question.kind in CLOSED_KINDS
    ]
    if not questions:
        return {}
    answers: dict[str, list[ClosedAnswer]] = {}
    for row in await reports.closed_answers(scope, [q.key for q in questions]):
        answers.setdefault(row.question_key, []).append(
            ClosedAnswer(row.user_id, tuple(row.choice_keys or ()), row.scale_value)
        )
    tallies: dict[str, list[Tally]] = {}
    for theme in questionnaire.themes:
        if theme.key not in shown:
            continue
        for question in theme.questions:
            if question.kind in CLOSED_KINDS:
                result = tally(question, answers.get(question.key, ()), threshold)
                if result is not None:
                    tallies.setdefault(theme.key, []).append(result)
    return tallies
