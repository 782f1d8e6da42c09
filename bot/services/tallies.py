"""The tallies of a result set's closed questions, theme by theme (the rule: bot/domain/tallies.py).

Only themes at least `threshold` people answered in the scope are tallied, like excerpts; each
question is then tallied on its own respondents.
"""

from __future__ import annotations

from collections.abc import Collection

from bot.domain.questionnaire import Questionnaire
from bot.domain.tallies import CLOSED_KINDS, ClosedAnswer, Tally, TallyCounter
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
    counters = {question.key: TallyCounter(question) for question in questions}
    person: int | None = None
    pending: dict[str, list[ClosedAnswer]] = {}  # the current person's answers, per question

    def flush() -> None:
        for key, answers in pending.items():
            counters[key].add_person(answers)
        pending.clear()

    async for batch in reports.stream_closed_answers(scope, list(counters)):
        for row in batch:
            if row.user_id != person:
                flush()
                person = row.user_id
            pending.setdefault(row.question_key, []).append(
                ClosedAnswer(row.user_id, tuple(row.choice_keys or ()), row.scale_value)
            )
    flush()
    tallies: dict[str, list[Tally]] = {}
    for theme in questionnaire.themes:
        for question in theme.questions:
            counter = counters.get(question.key)
            result = counter.result(threshold) if counter else None
            if result is not None:
                tallies.setdefault(theme.key, []).append(result)
    return tallies
