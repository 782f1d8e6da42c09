"""Organisers' spreadsheets: an export (bot/services/export.py) written as XLSX or CSV, in the
reader's language.

The XLSX is a summary sheet, one sheet per theme (one row per contribution), a long sheet of
answers, the tallies (overall, and per region where a region may be shown on its own), the
groups of text answers and the workshop notes; the CSV is one file whose themes each follow
their own header row (themes have different questions). Both stream to temporary files (the
XLSX with XlsxWriter's constant_memory mode), so memory stays flat. The submission time is
shown to the day; a text the scrubbing worker has not reached yet is replaced by a note. Cells
that a spreadsheet would read as a formula are defused, and characters a spreadsheet cannot
hold are removed.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _

from bot.domain.geo import get_department, get_region
from bot.domain.privacy import OTHER, Attribution
from bot.domain.profile_options import ROLES, STRUCTURE_TYPES
from bot.domain.questionnaire import Question, Questionnaire, Theme
from bot.domain.tallies import Tally
from bot.services.export import ExportData, ExportEntry, ExportGroups
from bot.views.messages import fewer_than, option_label
from storage.reports import AnswerCells
from storage.repositories.workshop_notes import WorkshopNoteRow

if TYPE_CHECKING:  # imported when a workbook is written, not at the bot's start
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook

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
        # Worked out once per export, not once per row: an export has 100,000s of rows.
        self._skipped = _("(skipped)")
        self._voice = _("🎤 voice note ({seconds} s)")
        self._pending = _("(being checked for personal data: in the next export)")
        self._profiles: dict[Attribution, list[object]] = {}  # the 4 profile cells, by author
        self._columns = [
            _Question(
                question,
                f"{theme.number}.{number} {question.prompt.get(locale)}",
                tuple((o.key, defuse(o.label.get(locale))) for o in question.options),
            )
            for number, question in enumerate(theme.questions, start=1)
        ]

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
        row = entry.row
        profile = self._profiles.get(entry.who)
        if profile is None:
            profile = self._profiles[entry.who] = self._profile(entry.who)
        cells = [
            row.public_id,
            row.submitted_at.astimezone(self.tz).date(),  # to the day: no finer trail
            *profile,
        ]
        answers = entry.answers
        for column in self._columns:
            question = column.question
            answer = answers.get(question.key)
            cells.append(defuse(self.answer(question, answer)))
            if question.kind == "multi":  # one 0/1 column per option
                if answer is None or answer.skipped or answer.choice_keys is None:
                    cells += [None] * len(column.options)
                else:
                    chosen = answer.choice_keys
                    cells += [int(key in chosen) for key, _label in column.options]
        return cells

    def _profile(self, who: Attribution) -> list[object]:
        """Type of structure, department, region, role."""
        department = None if who.place_is_region else get_department(who.place or "")
        region = (
            get_region(who.place or "")
            if who.place_is_region
            else (department.region if department else None)
        )
        return [
            _(STRUCTURE_TYPES[who.structure_type]) if who.structure_type else self.other,
            f"{department.name} ({department.code})" if department else self.other,
            region.name if region else self.other,
            _(ROLES[who.role]) if who.role else self.other,
        ]

    def long_rows(self, entry: ExportEntry) -> list[list[object]]:
        """The "Answers" sheet's rows for one contribution, for pivot tables: one per answer,
        and one per ticked option of a multiple-choice answer."""
        rows = []
        reference, theme, answers = entry.row.public_id, self.theme.number, entry.answers
        for column in self._columns:
            question = column.question
            answer = answers.get(question.key)
            if answer is None:
                continue
            chosen = answer.choice_keys
            if question.kind in ("single", "multi") and chosen and not answer.skipped:
                rows += [
                    [reference, theme, column.wording, label]
                    for key, label in column.options
                    if key in chosen
                ]
            else:
                rows.append(
                    [reference, theme, column.wording, defuse(self.answer(question, answer))]
                )
        return rows

    def answer(self, question: Question, answer: AnswerCells | None) -> object:
        if answer is None:
            return None
        if answer.skipped:
            return self._skipped
        if answer.voice_file_id:
            return self._voice.format(seconds=answer.voice_duration or 0)
        if answer.pending:
            return self._pending
        if answer.text_value is not None:
            return answer.text_value
        if answer.scale_value is not None:
            return answer.scale_value
        if answer.choice_keys is not None:
            return question.labels(answer.choice_keys, self.locale)
        return None


@dataclass(frozen=True)
class _Question:
    """A question as its columns need it: its wording on the "Answers" sheet ("1.2 ..."), and
    its options' keys and labels, in the questionnaire's order."""

    question: Question
    wording: str
    options: tuple[tuple[str, object], ...]


async def write_xlsx(
    export: ExportData, questionnaire: Questionnaire, locale: str, tz: ZoneInfo
) -> bytes:
    """A workbook: a summary sheet, one sheet per theme, the long answers sheet, the tallies.
    XlsxWriter's constant_memory mode streams each sheet's rows to its own temporary file (a
    row is written out when the next one begins), so memory stays flat; each sheet has its own
    function below, and all are open at once."""
    import xlsxwriter  # only when a workbook is written (on the worker), not at start

    # XlsxWriter's own temporary files (one per sheet) go in a folder of ours, removed even when
    # the export fails half-way (XlsxWriter removes them only when the workbook is closed).
    with (
        tempfile.TemporaryDirectory(prefix="relais-xlsx-") as folder,
        tempfile.TemporaryFile(dir=folder) as handle,
    ):
        workbook = xlsxwriter.Workbook(
            handle,
            {
                "constant_memory": True,
                "tmpdir": folder,
                # Cells are values: no text becomes a formula or a link (defuse() aside).
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "default_date_format": DATE_FORMATS.get(locale, DATE_FORMATS["en"]),
            },
        )
        header_format = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        summary = Sheet(workbook, _("Summary"), [ANSWER_WIDTH, LABEL_WIDTH], header_format)
        counts = await write_contributions(workbook, export, locale, tz, header_format)
        write_summary(summary, export, questionnaire, locale, counts)
        if export.tallies:
            write_tallies(workbook, export, questionnaire, locale, header_format)
        by_region = await export.region_tallies()
        if by_region:
            write_region_tallies(workbook, export, by_region, questionnaire, locale, header_format)
        notes = await export.notes()
        write_groups(workbook, await export.groups(notes), questionnaire, locale, header_format)
        if notes:
            write_notes(workbook, notes, questionnaire, locale, tz, header_format)
        workbook.close()
        handle.seek(0)
        return handle.read()


async def write_contributions(
    workbook: Workbook, export: ExportData, locale: str, tz: ZoneInfo, header_format: Format
) -> dict[str, int]:
    """One sheet per theme (one row per contribution) and the "Answers" sheet (one row per
    answer, for pivot tables), filled from one pass over the contributions; returns the rows of
    each theme."""
    renderers = {theme.key: RowRenderer(theme, locale, tz) for theme in export.themes}
    sheets = {
        key: Sheet(
            workbook,
            sheet_title(renderer.theme, locale),
            renderer.widths(),
            header_format,
            renderer.header(),
        )
        for key, renderer in renderers.items()
    }
    answers = Sheet(
        workbook,
        _("Answers"),
        [CODE_WIDTH, CODE_WIDTH, ANSWER_WIDTH, ANSWER_WIDTH],
        header_format,
        [_("Reference"), _("Theme"), _("Question"), _("Answer")],
    )
    async for entry in export.entries():
        key = entry.theme.key
        renderer = renderers[key]
        sheets[key].append(renderer.cells(entry))
        for row in renderer.long_rows(entry):
            answers.append(row)
    for sheet in (*sheets.values(), answers):
        sheet.filter()
    return {key: sheet.rows - 1 for key, sheet in sheets.items()}  # below the header


def write_summary(
    summary: Sheet,
    export: ExportData,
    questionnaire: Questionnaire,
    locale: str,
    counts: dict[str, int],
) -> None:
    """The "Summary" sheet: contributions per theme, and the small-group rule in a sentence."""
    summary.header([_("Theme"), _("Contributions")])
    threshold = export.threshold
    for theme in questionnaire.themes:
        if theme.key in counts:
            summary.append([f"{theme.number}. {theme.title.get(locale)}", counts[theme.key]])
        elif not export.scope.themes or theme.key in export.scope.themes:
            summary.append([f"{theme.number}. {theme.title.get(locale)}", fewer_than(threshold)])
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


def write_tallies(
    workbook: Workbook,
    export: ExportData,
    questionnaire: Questionnaire,
    locale: str,
    header_format: Format,
) -> None:
    """The "Tallies" sheet: every option of every closed question, in people, one row each
    (bot/domain/tallies.py decides what may be shown)."""
    header = [_("Theme"), _("Question"), _("Answer"), _("People"), _("Share"), _("Respondents")]
    widths = [CODE_WIDTH, ANSWER_WIDTH, LABEL_WIDTH, CODE_WIDTH, CODE_WIDTH, CODE_WIDTH]
    sheet = Sheet(workbook, _("Tallies"), widths, header_format, header)
    sheet.format_column(4, workbook.add_format({"num_format": "0%"}))  # the share
    for row in tally_rows(export.tallies, questionnaire, locale, export.threshold):
        sheet.append(row)
    sheet.filter()


def write_region_tallies(
    workbook: Workbook,
    export: ExportData,
    by_region: dict[str, dict[str, list[Tally]]],
    questionnaire: Questionnaire,
    locale: str,
    header_format: Format,
) -> None:
    """The "Tallies by region" sheet: the same rows, region by region, for the regions that
    may be shown on their own (bot/services/tallies.py)."""
    header = [
        _("Region"),
        _("Theme"),
        _("Question"),
        _("Answer"),
        _("People"),
        _("Share"),
        _("Respondents"),
    ]
    widths = [
        LABEL_WIDTH,
        CODE_WIDTH,
        ANSWER_WIDTH,
        LABEL_WIDTH,
        CODE_WIDTH,
        CODE_WIDTH,
        CODE_WIDTH,
    ]
    sheet = Sheet(workbook, _("Tallies by region"), widths, header_format, header)
    sheet.format_column(5, workbook.add_format({"num_format": "0%"}))
    for code, tallies in by_region.items():
        region = get_region(code)
        name = region.name if region else code
        for row in tally_rows(tallies, questionnaire, locale, export.threshold):
            sheet.append([name, *row])
    sheet.filter()


def tally_rows(
    tallies: dict[str, list[Tally]], questionnaire: Questionnaire, locale: str, threshold: int
) -> Iterator[list[object]]:
    """(theme, question, answer, people, share, respondents) for every option shown."""
    for theme in questionnaire.themes:
        for result in tallies.get(theme.key, ()):
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
                yield [theme.number, wording, defuse(label), people, share, result.respondents]
            if result.median is not None:
                yield [theme.number, wording, _("median"), result.median, None, None]


def write_groups(
    workbook: Workbook,
    groups: ExportGroups,
    questionnaire: Questionnaire,
    locale: str,
    header_format: Format,
) -> None:
    """The "Groups" sheet: each text question's answers grouped by topic (bot/domain/grouping.py),
    one row per group, largest first, with its members and quotes; workshop notes among them."""
    header = [
        _("Theme"),
        _("Question"),
        _("Key terms"),
        _("Answers"),
        _("People"),
        _("Workshop notes"),
        _("References"),
        *(_("Quote {number}").format(number=n) for n in range(1, MAX_QUOTES + 1)),
    ]
    widths = [
        CODE_WIDTH,
        ANSWER_WIDTH,
        LABEL_WIDTH,
        CODE_WIDTH,
        CODE_WIDTH,
        CODE_WIDTH,
        LABEL_WIDTH,
        *([ANSWER_WIDTH] * MAX_QUOTES),
    ]
    sheet = Sheet(workbook, _("Groups"), widths, header_format, header)
    wrapped = workbook.add_format({"text_wrap": True, "valign": "top"})
    for column in range(6, len(widths)):
        sheet.format_column(column, wrapped)
    for theme in questionnaire.themes:
        for question_groups in groups.by_theme.get(theme.key, ()):
            question = question_groups.question
            number = f"{theme.number}.{theme.index_of(question.key) + 1}"
            wording = defuse(f"{number} {question.prompt.get(locale)}")
            for group in question_groups.grouping.groups:
                quotes = [
                    defuse(_quote_cell(quote.text, quote.reference, quote.repeated_by))
                    for quote in group.quotes[:MAX_QUOTES]
                ]
                notes = sum(1 for member in group.members if member.startswith("W-"))
                sheet.append(
                    [
                        theme.number,
                        wording,
                        defuse(" · ".join(group.terms)),
                        group.size,
                        group.authors,
                        notes,
                        ", ".join(group.members),
                        *quotes,
                    ]
                )
            ungrouped = question_groups.grouping.ungrouped
            if ungrouped:
                sheet.append(
                    [
                        theme.number,
                        wording,
                        _("(in no group)"),
                        len(ungrouped),
                        None,
                        sum(1 for member in ungrouped if member.startswith("W-")),
                        ", ".join(ungrouped),
                    ]
                )
    for key, count in groups.too_many.items():
        theme = next((t for t in questionnaire.themes if t.question(key)), None)
        question = theme.question(key) if theme else None
        if theme is None or question is None:
            continue
        number = f"{theme.number}.{theme.index_of(question.key) + 1}"
        sheet.append(
            [
                theme.number,
                defuse(f"{number} {question.prompt.get(locale)}"),
                _(
                    "{count} answers: too many to group in a spreadsheet (the synthesis and the "
                    "brief group them)"
                ).format(count=count),
                count,
            ]
        )
    sheet.filter()


def _quote_cell(text: str, reference: str, repeated_by: int) -> str:
    if repeated_by > 1:
        return _("{quote} ({reference}, repeated by {count})").format(
            quote=text, reference=reference, count=repeated_by
        )
    return f"{text} ({reference})"


def write_notes(
    workbook: Workbook,
    notes: list[WorkshopNoteRow],
    questionnaire: Questionnaire,
    locale: str,
    tz: ZoneInfo,
    header_format: Format,
) -> None:
    """The "Workshop notes" sheet: what was written down at workshop days, scrubbed."""
    header = [_("Reference"), _("Theme"), _("Region"), _("Imported"), _("Text")]
    widths = [LABEL_WIDTH, CODE_WIDTH, LABEL_WIDTH, DATE_WIDTH, ANSWER_WIDTH]
    sheet = Sheet(workbook, _("Workshop notes"), widths, header_format, header)
    sheet.format_column(4, workbook.add_format({"text_wrap": True, "valign": "top"}))
    numbers = {theme.key: theme.number for theme in questionnaire.themes}
    for note in notes:
        region = get_region(note.region_code) if note.region_code else None
        sheet.append(
            [
                defuse(note.reference),
                numbers.get(note.theme_key, note.theme_key),
                region.name if region else _("national"),
                note.imported_at.astimezone(tz).date(),  # the organiser's day
                defuse(note.text),
            ]
        )
    sheet.filter()


MAX_QUOTES = 3  # per group, in the "Groups" sheet
EXCEL_ROWS = 1_048_576  # rows in one sheet, Excel's limit (XlsxWriter ignores rows beyond it)

# Column widths, in characters: a code or a count, a date, a label, an answer's text, a 0/1 flag.
CODE_WIDTH, DATE_WIDTH, LABEL_WIDTH, ANSWER_WIDTH, FLAG_WIDTH = 12, 12, 28, 60, 14
# A day as its reader writes it (a real date in the cell: it sorts and filters as one).
DATE_FORMATS = {"fr": "dd/mm/yyyy", "en": "yyyy-mm-dd"}


class Sheet:
    """A worksheet written row by row, top to bottom (XlsxWriter's constant_memory mode writes
    a row out when the next begins): widths, the header row frozen, bold and wrapped, and an
    autofilter over what was written (`filter`)."""

    def __init__(
        self,
        workbook: Workbook,
        name: str,
        widths: list[int],
        header_format: Format,
        header: list[str] | None = None,
    ) -> None:
        self.worksheet = workbook.add_worksheet(name[:31])
        self._write_row = self.worksheet.write_row
        self._header_format = header_format
        self._widths = widths
        for column in range(len(widths)):
            self.format_column(column)
        self.worksheet.freeze_panes(1, 0)
        self.rows = 0  # written so far, the header included
        self.dropped = 0  # rows beyond Excel's limit, left out
        self.columns = 0
        if header is not None:
            self.header(header)

    def format_column(self, column: int, cell_format: Format | None = None) -> None:
        """A column's width (7 pixels a character in Calibri 11, without XlsxWriter's padding:
        the file holds `width`, as openpyxl wrote it) and the format of its cells."""
        self.worksheet.set_column_pixels(column, column, self._widths[column] * 7, cell_format)

    def header(self, titles: list[str]) -> None:
        self.columns = len(titles)
        self.append(titles, self._header_format)

    def append(self, cells: list[object], cell_format: Format | None = None) -> None:
        """The next row. None leaves a cell empty; a date is a date, a number a number. A sheet
        holds at most Excel's 1,048,576 rows: the last one says the rest is in the CSV, and
        what comes after is left out (`dropped` counts it) rather than silently lost."""
        if self.rows >= EXCEL_ROWS - 1:
            if self.rows == EXCEL_ROWS - 1:
                full = _(
                    "This sheet reached Excel's limit of 1,048,576 rows: the rest is left out. "
                    "The CSV export holds every row."
                )
                self._write_row(self.rows, 0, [full])
                self.rows += 1
            self.dropped += 1
            return
        self._write_row(self.rows, 0, cells, cell_format)
        self.rows += 1

    def filter(self) -> None:
        """An autofilter over the header and the rows below it."""
        self.worksheet.autofilter(0, 0, max(self.rows - 1, 0), max(self.columns - 1, 0))


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
