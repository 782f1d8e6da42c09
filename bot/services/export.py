"""What an organisers' export may hold, streamed from the database, as data.

The small-group rule (bot/domain/privacy.py) applies to the result: an export whose scope
covers fewer than `threshold` people is refused (`ExportService.data` returns None), and so is
each theme on its own (no sheet for a theme fewer than `threshold` people answered). Each row's
description (type · place · role) is one that `threshold` contributors of the scope share.
Rows never carry a Telegram id, a name or the structure's name; free text is the scrubbed
revision. bot/views/spreadsheets.py writes the XLSX or CSV in the reader's language.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.domain.geo import all_regions
from bot.domain.privacy import Attribution, PeopleCounts, attribute
from bot.domain.questionnaire import Questionnaire, Theme
from bot.domain.tallies import Tally
from bot.services.disclosure import people_counts, scope_is_disclosable, themes_to_show
from bot.services.synthesis import GROUPED_TEXTS, QuestionGroups, group_theme
from bot.services.tallies import collect_tallies, collect_tallies_by_region
from storage.reports import AnswerCells, ExportRow, ReportRepo, Scope
from storage.repositories.roles import AuditLog
from storage.repositories.workshop_notes import WorkshopNoteRepo, WorkshopNoteRow
from storage.unit_of_work import UnitOfWork

PERIODS = ("7", "30", "all")  # days, or everything


@dataclass(frozen=True)
class ExportSelection:
    """What the export screen has ticked so far. It lives in the buttons themselves (bit
    masks in each button's data), so ticking writes nothing; a forged or outdated button is
    caught here (`checked` returns None)."""

    themes: int = 0  # bit mask over questionnaire.themes; 0: all themes
    regions: int = 0  # bit mask over all_regions(); 0: all regions
    period: str = "all"  # one of PERIODS

    def checked(self, questionnaire: Questionnaire) -> ExportSelection | None:
        valid = (
            0 <= self.themes < 1 << len(questionnaire.themes)
            and 0 <= self.regions < 1 << len(all_regions())
            and self.period in PERIODS
        )
        return self if valid else None

    def toggle_theme(self, index: int, questionnaire: Questionnaire) -> ExportSelection | None:
        """Tick or untick one theme; at least one theme stays ticked."""
        count = len(questionnaire.themes)
        if self.checked(questionnaire) is None or not 0 <= index < count:
            return None
        every = (1 << count) - 1  # 0 stands for "all themes"
        themes = (self.themes or every) ^ (1 << index)
        if themes == 0:
            return None
        return replace(self, themes=0 if themes == every else themes)

    def toggle_region(self, index: int, questionnaire: Questionnaire) -> ExportSelection | None:
        if self.checked(questionnaire) is None or not 0 <= index < len(all_regions()):
            return None
        return replace(self, regions=self.regions ^ (1 << index))

    def scope(self, questionnaire: Questionnaire, now: datetime) -> Scope:
        themes = tuple(t.key for i, t in enumerate(questionnaire.themes) if self.themes & (1 << i))
        regions = tuple(r.code for i, r in enumerate(all_regions()) if self.regions & (1 << i))
        start = None if self.period == "all" else now - timedelta(days=int(self.period))
        return Scope(start=start, end=now, themes=themes, regions=regions)


@dataclass(frozen=True)
class ExportEntry:
    """One contribution of an export, with what its row may say about its author."""

    theme: Theme
    row: ExportRow
    answers: dict[str, AnswerCells]  # by question key
    who: Attribution


@dataclass(frozen=True)
class ExportGroups:
    by_theme: dict[str, list[QuestionGroups]]  # theme key -> its text questions, grouped
    too_many: dict[str, int]  # question key -> its answers, when too many to group here


class ExportData:
    """An export that may be shown: its themes (those with a sheet, in questionnaire order)
    and its contributions, streamed theme by theme (`entries`), so memory stays flat."""

    def __init__(
        self,
        reports: ReportRepo,
        scope: Scope,
        threshold: int,
        themes: list[Theme],
        people: PeopleCounts,
        tallies: dict[str, list[Tally]] | None = None,
        questionnaire: Questionnaire | None = None,
    ) -> None:
        self.reports = reports
        self.questionnaire = questionnaire
        self.scope = scope
        self.threshold = threshold
        self.themes = themes
        self._people = people
        self.tallies = tallies or {}  # {theme key: its closed questions' tallies}

    async def region_tallies(self) -> dict[str, dict[str, list[Tally]]]:
        """{region: {theme: tallies}} for the regions that may be shown on their own."""
        if self.questionnaire is None:
            return {}
        return await collect_tallies_by_region(
            self.reports.session, self.questionnaire, self.scope, self.threshold
        )

    async def notes(self) -> list[WorkshopNoteRow]:
        """The workshop notes of the export's themes and regions, imported in its period."""
        scope = replace(self.scope, themes=tuple(theme.key for theme in self.themes))
        return await WorkshopNoteRepo(self.reports.session).in_scope_of(scope)

    async def groups(self, notes: list[WorkshopNoteRow]) -> ExportGroups:
        """Each sheet's text answers grouped by topic (bot/services/synthesis.py), workshop
        notes with them; a question with more than GROUPED_TEXTS answers is left out (grouping
        it would take longer than the export itself: `python -m bot synthesis` groups it)."""
        questions = [q.key for theme in self.themes for q in theme.questions if q.kind == "text"]
        shown = replace(self.scope, themes=tuple(theme.key for theme in self.themes))
        counts = await self.reports.count_texts(shown, questions)
        too_many = {key: count for key, count in counts.items() if count > GROUPED_TEXTS}
        keys = [key for key in questions if key not in too_many]
        texts = await self.reports.texts(shown, keys) if keys else []
        grouped = {}
        for theme in self.themes:
            theme_texts = [row for row in texts if row.theme_key == theme.key]
            theme_notes = [note for note in notes if note.theme_key == theme.key]
            grouped[theme.key] = [
                groups
                for groups in group_theme(theme, theme_texts, theme_notes)
                if groups.question.key not in too_many
            ]
        return ExportGroups(grouped, too_many)

    async def entries(self) -> AsyncIterator[ExportEntry]:
        by_key = {theme.key: theme for theme in self.themes}
        async for batch in self.reports.stream_contributions(self.scope):
            answers = await self.reports.current_answers([row.contribution_id for row in batch])
            for row in batch:
                theme = by_key.get(row.theme_key)
                if theme is None:
                    continue
                # The whole description (type · place · role) must be shared by `threshold`
                # people, not each column on its own: see privacy.attribute.
                who = attribute(
                    row.structure_type,
                    row.department_code,
                    row.region_code,
                    row.role,
                    self._people,
                    self.threshold,
                )
                cells = {a.question_key: a for a in answers.get(row.contribution_id, [])}
                yield ExportEntry(theme, row, cells, who)


async def export_counts(
    reports: ReportRepo, questionnaire: Questionnaire, scope: Scope, threshold: int
) -> dict[str, int] | None:
    """{theme: rows} of what an export of `scope` holds (the themes at least `threshold` people
    answered), or None when the scope may not be shown at all (services/disclosure.py)."""
    if not await scope_is_disclosable(reports, scope, threshold):
        return None
    shown = await themes_to_show(reports, scope, threshold)
    return {t.key: shown[t.key] for t in questionnaire.themes if t.key in shown}


class ExportService:
    def __init__(self, session: UnitOfWork, questionnaire: Questionnaire, threshold: int) -> None:
        self.session = session
        self.reports = ReportRepo(session)
        self.audit_log = AuditLog(session)
        self.questionnaire = questionnaire
        self.threshold = threshold

    async def data(self, scope: Scope) -> ExportData | None:
        """What an export of `scope` holds, or None when it may not be shown."""
        counts = await export_counts(self.reports, self.questionnaire, scope, self.threshold)
        if counts is None:
            return None
        themes = [t for t in self.questionnaire.themes if t.key in counts]
        people = await people_counts(self.reports, scope=scope)
        tallies = await collect_tallies(
            self.session, self.questionnaire, scope, self.threshold, [t.key for t in themes]
        )
        return ExportData(
            self.reports, scope, self.threshold, themes, people, tallies, self.questionnaire
        )

    async def record(
        self,
        actor: int | None,
        scope: Scope,
        *,
        written: bool,
        format: str,
        period: str | None = None,
        by: str | None = None,
    ) -> int:
        """Audit an export (`written`) or its refusal; returns how many contributions the file
        holds: what it holds, not the scope (a theme too few answered has no rows in it).
        `period`: the export screen's choice; `by`: "console" for `python -m bot export`."""
        counts = await export_counts(self.reports, self.questionnaire, scope, self.threshold)
        count = sum(counts.values()) if written and counts else 0
        details: dict[str, object] = {
            "format": format,
            "themes": list(scope.themes),
            "regions": list(scope.regions),
        }
        if period is not None:
            details["period"] = period
        details["contributions"] = count
        self.audit_log.add(actor, "export" if written else "export_refused", by=by, **details)
        return count
