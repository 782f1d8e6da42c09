"""The tallies of a result set's closed questions, theme by theme (the rule: bot/domain/tallies.py).

Only themes at least `threshold` people answered in the scope are tallied, like excerpts; each
question is then tallied on its own respondents.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from bot.domain.questionnaire import Questionnaire
from bot.domain.tallies import CLOSED_KINDS, ClosedAnswer, Tally, TallyCounter
from bot.services.disclosure import scope_is_disclosable, themes_to_show
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


async def collect_tallies_by_region(
    uow: UnitOfWork,
    questionnaire: Questionnaire,
    scope: Scope,
    threshold: int,
) -> dict[str, dict[str, list[Tally]]]:
    """{region code: {theme key: tallies}} for each region of the scope that may be shown on
    its own (bot/services/disclosure.py: enough people in it, and in what it leaves out), in one
    pass over the answers; within a region, only its themes and questions at least `threshold`
    people answered, as overall."""
    reports = ReportRepo(uow)
    regions = [g.key for g in await reports.groups(scope, "region_code") if g.key is not None]
    if scope.regions:
        regions = [code for code in regions if code in scope.regions]
    if len(regions) < 2:
        return {}  # one region's tally is the overall one
    allowed: dict[str, dict[str, int]] = {}
    for code in sorted(regions):
        one = replace(scope, regions=(code,))
        if await scope_is_disclosable(reports, one, threshold):
            shown = await themes_to_show(reports, one, threshold)
            if shown:
                allowed[code] = shown
    if not allowed:
        return {}
    questions = {
        question.key: question
        for theme in questionnaire.themes
        for question in theme.questions
        if question.kind in CLOSED_KINDS and any(theme.key in s for s in allowed.values())
    }
    counters: dict[tuple[str, str], TallyCounter] = {}
    person: int | None = None
    region: str | None = None
    pending: dict[str, list[ClosedAnswer]] = {}

    everyone = {key: TallyCounter(question) for key, question in questions.items()}

    def flush() -> None:
        for key, answers in pending.items():
            everyone[key].add_person(answers)
            if region in allowed:
                counter = counters.get((region, key))
                if counter is None:
                    counter = counters[(region, key)] = TallyCounter(questions[key])
                counter.add_person(answers)
        pending.clear()

    async for batch in reports.stream_closed_answers(scope, list(questions), with_region=True):
        for row in batch:
            if row.user_id != person:
                flush()
                person, region = row.user_id, row.region_code
            pending.setdefault(row.question_key, []).append(
                ClosedAnswer(row.user_id, tuple(row.choice_keys or ()), row.scale_value)
            )
    flush()
    result: dict[str, dict[str, list[Tally]]] = {}
    for theme in questionnaire.themes:
        for question in theme.questions:
            if question.key not in questions:
                continue
            shown_here = {}
            for code, themes in allowed.items():
                counter = counters.get((code, question.key))
                tally = counter.result(threshold) if counter and theme.key in themes else None
                if tally is not None:
                    shown_here[code] = tally
            # What the shown regions leave out of this question's respondents (other regions,
            # people without one) is subtracted from the overall tally by anyone: it must be
            # nobody or at least `threshold` people; the smallest regions go until it is.
            left = everyone[question.key].respondents - sum(
                t.respondents for t in shown_here.values()
            )
            while shown_here and 0 < left < threshold:
                smallest = min(shown_here, key=lambda c: (shown_here[c].respondents, c))
                left += shown_here.pop(smallest).respondents
            for code, tally in shown_here.items():
                result.setdefault(code, {}).setdefault(theme.key, []).append(tally)
    return dict(sorted(result.items()))
