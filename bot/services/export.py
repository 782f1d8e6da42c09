"""Spreadsheet and CSV exports for organisers, streamed from the database.

The small-group rule (services/privacy.py) applies to the result: an export whose scope covers
fewer than `threshold` people is refused (the writers return None), and so is each theme's
sheet on its own. Rows never carry a Telegram id, a name or the structure's name; the
submission time is shown to the day; free text is the scrubbed revision (a text the scrubbing
worker has not reached yet is replaced by a note); each row's description (type · place · role)
is one that `threshold` contributors share. Cells that a spreadsheet would read as a formula are
defused, and characters a spreadsheet cannot hold are removed.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Callable
from datetime import date
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.geo import get_department, get_region
from bot.domain.privacy import PeopleCounts, attribute
from bot.domain.profile_options import ROLES, STRUCTURE_TYPES
from bot.domain.questionnaire import Question, Questionnaire, Theme
from bot.services.disclosure import people_counts, scope_is_disclosable, themes_to_show
from storage.reports import AnswerCells, ExportRow, ReportRepo, Scope

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_FORBIDDEN = re.compile(r"[\[\]\*\?/\\:]")


# Control characters that XML (so XLSX) cannot hold, and bidi controls that would reorder what
# organisers read. Input is cleaned as it arrives; this is the last guard.
_ILLEGAL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def defuse(value: object) -> object:
    """Keep spreadsheet software from running text as a formula (CSV/formula injection), and
    drop characters that would make the file unreadable."""
    if isinstance(value, str):
        value = _ILLEGAL.sub("", value)
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value


class RowRenderer:
    """One contribution as spreadsheet cells, in the reader's language."""

    def __init__(
        self, theme: Theme, locale: str, tz: ZoneInfo, people: PeopleCounts, threshold: int
    ) -> None:
        self.theme, self.locale, self.tz = theme, locale, tz
        self.people, self.threshold = people, threshold
        self.other = _("other")

    def header(self) -> list[str]:
        fixed = [
            _("Reference"),
            _("Submitted"),
            _("Type of structure"),
            _("Department"),
            _("Region"),
            _("Role"),
        ]
        return fixed + [
            f"{n}. {q.prompt.get(self.locale)}" for n, q in enumerate(self.theme.questions, start=1)
        ]

    def cells(self, row: ExportRow, answers: list[AnswerCells]) -> list[object]:
        by_key = {a.question_key: a for a in answers}
        # The whole description (type · place · role) must be shared by `threshold` people,
        # not each column on its own: see privacy.attribute.
        who = attribute(
            row.structure_type,
            row.department_code,
            row.region_code,
            row.role,
            self.people,
            self.threshold,
        )
        department = None if who.place_is_region else get_department(who.place or "")
        region = (
            get_region(who.place or "")
            if who.place_is_region
            else (department.region if department else None)
        )
        fixed = [
            row.public_id,
            row.submitted_at.astimezone(self.tz).date(),  # to the day: no finer trail
            _(STRUCTURE_TYPES[who.structure_type]) if who.structure_type else self.other,
            f"{department.name} ({department.code})" if department else self.other,
            region.name if region else self.other,
            _(ROLES[who.role]) if who.role else self.other,
        ]
        return fixed + [defuse(self.answer(q, by_key.get(q.key))) for q in self.theme.questions]

    def answer(self, question: Question, answer: AnswerCells | None) -> object:
        if answer is None:
            return None
        if answer.skipped:
            return _("(skipped)")
        if answer.voice_file_id:
            return _("🎤 voice note ({seconds} s)").format(seconds=answer.voice_duration or 0)
        if answer.pending:
            return _("(being checked for personal data: in the next export)")
        if answer.text_value is not None:
            return answer.text_value
        if answer.scale_value is not None:
            return answer.scale_value
        if answer.choice_keys is not None:
            return question.labels(answer.choice_keys, self.locale)
        return None


async def _stream_rows(
    session: AsyncSession,
    questionnaire: Questionnaire,
    scope: Scope,
    threshold: int,
    locale: str,
    tz: ZoneInfo,
    renderers_ready: Callable[[dict[str, RowRenderer]], None],
    on_row: Callable[[RowRenderer, list[object]], None],
) -> dict[str, int]:
    """Stream every contribution of the scope, theme by theme, as rendered cells; only the
    themes that at least `threshold` people answered in the scope (`export_counts`). Each
    row's description is one that `threshold` people of the scope share."""
    reports = ReportRepo(session)
    shown = await export_counts(reports, questionnaire, scope, threshold) or {}
    people = await people_counts(reports, scope=scope)
    renderers = {
        t.key: RowRenderer(t, locale, tz, people, threshold)
        for t in questionnaire.themes
        if t.key in shown
    }
    renderers_ready(renderers)
    counts = dict.fromkeys(renderers, 0)
    async for batch in reports.stream_contributions(scope):
        answers = await reports.current_answers([row.contribution_id for row in batch])
        for row in batch:
            renderer = renderers.get(row.theme_key)
            if renderer is not None:
                on_row(renderer, renderer.cells(row, answers.get(row.contribution_id, [])))
                counts[row.theme_key] += 1
    return counts


async def export_counts(
    reports: ReportRepo, questionnaire: Questionnaire, scope: Scope, threshold: int
) -> dict[str, int] | None:
    """{theme: rows} of what an export of `scope` holds (the themes at least `threshold` people
    answered), or None when the scope may not be shown at all (services/disclosure.py)."""
    if not await scope_is_disclosable(reports, scope, threshold):
        return None
    shown = await themes_to_show(reports, scope, threshold)
    return {t.key: shown[t.key] for t in questionnaire.themes if t.key in shown}


async def export_xlsx(
    session: AsyncSession,
    questionnaire: Questionnaire,
    scope: Scope,
    threshold: int,
    locale: str,
    tz: ZoneInfo,
) -> bytes | None:
    """A workbook: a summary sheet, then one sheet per theme (one row per contribution); None
    when the scope may not be shown (services/disclosure.py).

    openpyxl's write-only mode streams rows to temporary files, so memory stays flat."""
    if await export_counts(ReportRepo(session), questionnaire, scope, threshold) is None:
        return None
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(_("Summary")[:31])
    sheets = {}
    bold = Font(bold=True)

    def create_sheets(renderers: dict[str, RowRenderer]) -> None:
        for key, renderer in renderers.items():
            sheet = workbook.create_sheet(sheet_title(renderer.theme, locale))
            sheet.append([_bold(sheet, title, bold) for title in renderer.header()])
            sheets[key] = sheet

    def add_row(renderer: RowRenderer, cells: list[object]) -> None:
        sheets[renderer.theme.key].append(cells)

    counts = await _stream_rows(
        session, questionnaire, scope, threshold, locale, tz, create_sheets, add_row
    )
    summary.append([_bold(summary, _("Theme"), bold), _bold(summary, _("Contributions"), bold)])
    for theme in questionnaire.themes:
        if theme.key in counts:
            summary.append([f"{theme.number}. {theme.title.get(locale)}", counts[theme.key]])
        elif not scope.themes or theme.key in scope.themes:
            summary.append(
                [f"{theme.number}. {theme.title.get(locale)}", _fewer_than_note(threshold)]
            )
    summary.append([_("Total"), sum(counts.values())])
    summary.append([])
    summary.append(
        [
            _(
                "Groups of fewer than {threshold} contributors are shown as “other”; a theme "
                "fewer than {threshold} people answered has no sheet."
            ).format(threshold=threshold)
        ]
    )
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
        handle.seek(0)
        return handle.read()


def _bold(sheet: object, value: str, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell


async def export_csv(
    session: AsyncSession,
    questionnaire: Questionnaire,
    scope: Scope,
    threshold: int,
    locale: str,
    tz: ZoneInfo,
) -> bytes | None:
    """One CSV, one row per contribution; each theme's rows follow their own header row
    (themes have different questions). Rows go to a temporary file, not to memory. None when
    the scope may not be shown (services/disclosure.py)."""
    if await export_counts(ReportRepo(session), questionnaire, scope, threshold) is None:
        return None
    headed: set[str] = set()
    with tempfile.TemporaryFile() as handle:
        # UTF-8 with a BOM so that spreadsheet software opens accents correctly.
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)

        def add_row(renderer: RowRenderer, cells: list[object]) -> None:
            theme = renderer.theme
            if theme.key not in headed:
                headed.add(theme.key)
                writer.writerow([_("Theme"), *renderer.header()])
            label = f"{theme.number}. {theme.title.get(locale)}"
            writer.writerow([label, *(_csv(c) for c in cells)])

        await _stream_rows(
            session, questionnaire, scope, threshold, locale, tz, lambda r: None, add_row
        )
        text.flush()
        handle.seek(0)
        content = handle.read()
        text.detach()
        return content


def _csv(value: object) -> object:
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return "" if value is None else value


def _fewer_than_note(threshold: int) -> str:
    from bot.views.messages import fewer_than

    return fewer_than(threshold)


def sheet_title(theme: Theme, locale: str) -> str:
    return _SHEET_FORBIDDEN.sub(" ", f"{theme.number}. {theme.title.get(locale)}")[:31]
