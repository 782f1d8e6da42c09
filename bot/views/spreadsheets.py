"""Organisers' spreadsheets: an export (bot/services/export.py) written as XLSX or CSV, in the
reader's language.

The XLSX is a summary sheet, then one sheet per theme (one row per contribution); the CSV is one
file whose themes each follow their own header row (themes have different questions). Both
stream to temporary files, so memory stays flat. The submission time is shown to the day; a
text the scrubbing worker has not reached yet is replaced by a note. Cells that a spreadsheet
would read as a formula are defused, and characters a spreadsheet cannot hold are removed.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bot.domain.geo import get_department, get_region
from bot.domain.privacy import OTHER
from bot.domain.profile_options import ROLES, STRUCTURE_TYPES
from bot.domain.questionnaire import Question, Questionnaire, Theme
from bot.services.export import ExportData, ExportEntry
from bot.views.messages import fewer_than, option_label
from storage.reports import AnswerCells

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


def sheet_title(theme: Theme, locale: str) -> str:
    """ "1. Repérage et entrée en IAE": the theme's short title, else its title cut at a word,
    within Excel's 31 characters and without the characters Excel refuses."""
    title = (theme.short_title or theme.title).get(locale)
    name = _SHEET_FORBIDDEN.sub(" ", f"{theme.number}. {title}")
    if len(name) > 31:
        name = name[:31].rsplit(" ", 1)[0].rstrip(" ,;.-")
    return name


def export_filename(now: datetime, tz: ZoneInfo, *, as_csv: bool) -> str:
    stamp = now.astimezone(tz).strftime("%Y-%m-%d")
    return f"relais-export-{stamp}.{'csv' if as_csv else 'xlsx'}"


class RowRenderer:
    """One theme's contributions as spreadsheet cells, in the reader's language."""

    def __init__(self, theme: Theme, locale: str, tz: ZoneInfo) -> None:
        self.theme, self.locale, self.tz = theme, locale, tz
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
        columns = []
        for number, question in enumerate(self.theme.questions, start=1):
            columns.append(f"{number}. {question.prompt.get(self.locale)}")
            if question.kind == "multi":  # then one 0/1 column per option, for filters and sums
                columns += [f"{number}. {o.label.get(self.locale)}" for o in question.options]
        return fixed + columns

    def widths(self) -> list[int]:
        """Each header column's width: the fixed six, then a text or label per question and a
        narrow 0/1 column per option of a multiple-choice question."""
        widths = [CODE_WIDTH, DATE_WIDTH, *[LABEL_WIDTH] * 4]
        for question in self.theme.questions:
            widths.append(CODE_WIDTH if question.kind == "scale" else ANSWER_WIDTH)
            if question.kind == "multi":
                widths += [FLAG_WIDTH] * len(question.options)
        return widths

    def cells(self, entry: ExportEntry) -> list[object]:
        row, who = entry.row, entry.who
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
        cells = []
        for question in self.theme.questions:
            answer = entry.answers.get(question.key)
            cells.append(defuse(self.answer(question, answer)))
            if question.kind == "multi":
                chosen = answer.choice_keys if answer and not answer.skipped else None
                cells += [
                    None if chosen is None else int(o.key in chosen) for o in question.options
                ]
        return fixed + cells

    def long_rows(self, entry: ExportEntry) -> list[list[object]]:
        """The "Answers" sheet's rows for one contribution, for pivot tables: one per answer,
        and one per ticked option of a multiple-choice answer."""
        rows = []
        for number, question in enumerate(self.theme.questions, start=1):
            answer = entry.answers.get(question.key)
            if answer is None:
                continue
            wording = f"{self.theme.number}.{number} {question.prompt.get(self.locale)}"
            if question.kind in ("single", "multi") and answer.choice_keys and not answer.skipped:
                values: list[object] = [
                    o.label.get(self.locale)
                    for o in question.options
                    if o.key in answer.choice_keys
                ]
            else:
                values = [self.answer(question, answer)]
            rows += [
                [entry.row.public_id, self.theme.number, wording, defuse(value)] for value in values
            ]
        return rows

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


async def write_xlsx(
    export: ExportData, questionnaire: Questionnaire, locale: str, tz: ZoneInfo
) -> bytes:
    """A workbook: a summary sheet, then one sheet per theme. openpyxl's write-only mode
    streams rows to temporary files."""
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(_("Summary")[:31])
    lay_out(summary, [ANSWER_WIDTH, LABEL_WIDTH])
    renderers = {theme.key: RowRenderer(theme, locale, tz) for theme in export.themes}
    sheets = {}
    for key, renderer in renderers.items():
        sheet = workbook.create_sheet(sheet_title(renderer.theme, locale))
        lay_out(sheet, renderer.widths())
        sheet.append([_header(sheet, title) for title in renderer.header()])
        sheets[key] = sheet
    answers = workbook.create_sheet(_("Answers")[:31])
    long_header = [_("Reference"), _("Theme"), _("Question"), _("Answer")]
    lay_out(answers, [CODE_WIDTH, CODE_WIDTH, ANSWER_WIDTH, ANSWER_WIDTH])
    answers.append([_header(answers, title) for title in long_header])
    answer_rows = 0
    counts = dict.fromkeys(renderers, 0)
    async for entry in export.entries():
        renderer = renderers[entry.theme.key]
        sheets[entry.theme.key].append(renderer.cells(entry))
        counts[entry.theme.key] += 1
        for row in renderer.long_rows(entry):
            answers.append(row)
            answer_rows += 1
    for key, sheet in sheets.items():
        filter_header(sheet, len(renderers[key].header()), counts[key])
    filter_header(answers, len(long_header), answer_rows)
    summary.append([_header(summary, _("Theme")), _header(summary, _("Contributions"))])
    threshold = export.threshold
    for theme in questionnaire.themes:
        if theme.key in counts:
            summary.append([f"{theme.number}. {theme.title.get(locale)}", counts[theme.key]])
        elif not export.scope.themes or theme.key in export.scope.themes:
            summary.append([f"{theme.number}. {theme.title.get(locale)}", fewer_than(threshold)])
    if export.tallies:
        write_tallies(workbook, export, questionnaire, locale)
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


def write_tallies(
    workbook: Workbook, export: ExportData, questionnaire: Questionnaire, locale: str
) -> None:
    """The "Tallies" sheet: every option of every closed question, in people, one row each
    (bot/domain/tallies.py decides what may be shown)."""
    sheet = workbook.create_sheet(_("Tallies")[:31])
    header = [_("Theme"), _("Question"), _("Answer"), _("People"), _("Share"), _("Respondents")]
    lay_out(sheet, [CODE_WIDTH, ANSWER_WIDTH, LABEL_WIDTH, CODE_WIDTH, CODE_WIDTH, CODE_WIDTH])
    sheet.append([_header(sheet, title) for title in header])
    rows = 0
    threshold = export.threshold
    for theme in questionnaire.themes:
        for result in export.tallies.get(theme.key, ()):
            question = theme.question(result.question)
            if question is None:
                continue
            number = f"{theme.number}.{theme.index_of(question.key) + 1}"
            wording = defuse(f"{number} {question.prompt.get(locale)}")
            for option in result.options:
                if option.key is OTHER:
                    label = _("other answers (small groups merged)")
                else:
                    label = option_label(question, option.key or "", locale)
                if option.people is not None:
                    people, share = option.people, option.share(result.respondents)
                elif option.at_least is not None:
                    people, share = _("at least {count}").format(count=option.at_least), None
                else:
                    people, share = fewer_than(threshold), None
                share_cell = WriteOnlyCell(sheet, value=share)
                share_cell.number_format = "0%"
                sheet.append(
                    [theme.number, wording, defuse(label), people, share_cell, result.respondents]
                )
                rows += 1
            if result.median is not None:
                sheet.append([theme.number, wording, _("median"), result.median, None, None])
                rows += 1
    filter_header(sheet, len(header), rows)


# Column widths, in characters: a code or a count, a date, a label, an answer's text, a 0/1 flag.
CODE_WIDTH, DATE_WIDTH, LABEL_WIDTH, ANSWER_WIDTH, FLAG_WIDTH = 12, 12, 28, 60, 14
HEADER_FONT = Font(bold=True)
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")


def lay_out(sheet: object, widths: list[int], columns: int | None = None) -> None:
    """Widths (the first columns as given, the rest as answers: `columns` in all), and the
    header row frozen. In write-only mode this must come before the first row."""
    for index in range(1, max(columns or 0, len(widths)) + 1):
        width = widths[index - 1] if index <= len(widths) else ANSWER_WIDTH
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def filter_header(sheet: object, columns: int, rows: int) -> None:
    """An autofilter over the header and the `rows` rows below it."""
    sheet.auto_filter.ref = f"A1:{get_column_letter(columns)}{rows + 1}"


def _header(sheet: object, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = HEADER_FONT
    cell.alignment = HEADER_ALIGNMENT
    return cell


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV is written: French office software by default (a double-click in French Excel
    splits on semicolons and reads day/month/year dates), or RFC 4180 on request."""

    name: str
    delimiter: str
    date_format: str


FRENCH_EXCEL = CsvDialect("excel-fr", ";", "%d/%m/%Y")
RFC_4180 = CsvDialect("rfc4180", ",", "%Y-%m-%d")
CSV_DIALECTS = {dialect.name: dialect for dialect in (FRENCH_EXCEL, RFC_4180)}


async def write_csv(
    export: ExportData, locale: str, tz: ZoneInfo, dialect: CsvDialect = FRENCH_EXCEL
) -> bytes:
    """One CSV, one row per contribution; each theme's rows follow their own header row.
    UTF-8 with a BOM (so that accents open correctly), CRLF line ends (RFC 4180, and Excel)."""
    renderers = {theme.key: RowRenderer(theme, locale, tz) for theme in export.themes}
    headed: set[str] = set()
    with tempfile.TemporaryFile() as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        writer = csv.writer(text, delimiter=dialect.delimiter, lineterminator="\r\n")
        async for entry in export.entries():
            theme, renderer = entry.theme, renderers[entry.theme.key]
            if theme.key not in headed:
                headed.add(theme.key)
                writer.writerow([_("Theme"), *renderer.header()])
            label = f"{theme.number}. {theme.title.get(locale)}"
            writer.writerow([label, *(_csv(c, dialect) for c in renderer.cells(entry))])
        text.flush()
        handle.seek(0)
        content = handle.read()
        text.detach()
        return content


def _csv(value: object, dialect: CsvDialect) -> object:
    if isinstance(value, date):
        return value.strftime(dialect.date_format)
    return "" if value is None else value
