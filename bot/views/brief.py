"""A meeting's brief as a PDF (A4, printable, readable zoomed on a phone), from `BriefData`
(bot/services/brief.py), in the current gettext locale (call inside `use_locale`).

fpdf2 writes it: pure Python, fast, with Unicode TrueType fonts. The font is DejaVu Sans, which
matplotlib ships (already a dependency for the charts): every French character and the narrow
no-break space print. Charts are matplotlib PNGs (bot/views/charts.py) placed at the text's
width. fpdf2 is imported when a brief is printed, never with the bot (docs/architecture.md).
"""

from __future__ import annotations

import importlib.util
import io
import struct
from pathlib import Path
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.numbers import format_percent

from bot.domain.geo import get_department, get_region
from bot.domain.grouping import ProposalGroup
from bot.domain.privacy import OTHER
from bot.domain.questionnaire import Question, Questionnaire
from bot.domain.tallies import OptionCount, Tally
from bot.i18n import format_day, format_number, format_time, month_abbreviations
from bot.services.brief import BriefData
from bot.services.synthesis import QuestionGroups, ThemeSynthesis
from bot.views.charts import Bar, bar_chart, weekly_chart
from bot.views.digest import shorten
from bot.views.messages import count_text, fewer_than
from bot.views.synthesis import tally_option_label, too_many_text
from storage.repositories.workshop_notes import WorkshopNoteRow

MARGIN_MM = 15
TEXT_WIDTH_MM = 210 - 2 * MARGIN_MM
QUOTE_LENGTH = 400
FONT = "DejaVu"


def _font_folder() -> Path:
    """matplotlib's bundled fonts, found without importing matplotlib."""
    spec = importlib.util.find_spec("matplotlib")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


def brief_filename(meeting_id: int) -> str:
    return f"relais-dossier-reunion-{meeting_id}.pdf"


def render_brief(data: BriefData, questionnaire: Questionnaire, locale: str, tz: ZoneInfo) -> bytes:
    from fpdf import FPDF  # see the module docstring

    pdf = _Document(FPDF, data, locale, tz)
    pdf.cover(questionnaire)
    pdf.participation(questionnaire)
    if data.since is not None:
        pdf.since_previous(questionnaire)
    for theme in data.synthesis.themes:
        pdf.theme(theme)
    pdf.method()
    return bytes(pdf.doc.output())


class _Document:
    """The brief's sections, written one after the other on one fpdf2 document."""

    def __init__(self, fpdf_class, data: BriefData, locale: str, tz: ZoneInfo) -> None:
        self.data, self.locale, self.tz = data, locale, tz
        doc = fpdf_class(orientation="portrait", unit="mm", format="A4")
        folder = _font_folder()
        doc.add_font(FONT, "", folder / "DejaVuSans.ttf")
        doc.add_font(FONT, "B", folder / "DejaVuSans-Bold.ttf")
        doc.add_font(FONT, "I", folder / "DejaVuSans-Oblique.ttf")
        doc.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
        doc.set_auto_page_break(True, margin=MARGIN_MM + 5)
        doc.set_title(self.title())
        doc.set_creator("Relais")
        footer = _("Relais · {title} · page").format(title=self.title())

        def draw_footer() -> None:
            doc.set_y(-MARGIN_MM)
            doc.set_font(FONT, "", 8)
            doc.set_text_color(110)
            doc.cell(0, 5, f"{footer} {doc.page_no()}/{{nb}}", align="C")
            doc.set_text_color(0)

        doc.footer = draw_footer
        doc.alias_nb_pages()
        doc.add_page()
        self.doc = doc

    # --- building blocks ---------------------------------------------------------------------

    def title(self) -> str:
        return _("Workshop brief: {city}").format(city=self.data.meeting.city)

    def heading(self, text: str, size: int = 14) -> None:
        if self.doc.will_page_break(30):
            self.doc.add_page()
        self.doc.ln(3)
        self.doc.set_font(FONT, "B", size)
        self.doc.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT", align="L")
        self.doc.ln(1)

    def paragraph(self, text: str, style: str = "", size: int = 10, colour: int = 0) -> None:
        self.doc.set_font(FONT, style, size)
        self.doc.set_text_color(colour)
        self.doc.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT", align="L")
        self.doc.set_text_color(0)

    def image(self, png: bytes, width_px: int | None = None) -> None:
        width, height = struct.unpack(">II", png[16:24])  # the PNG header's IHDR chunk
        height_mm = TEXT_WIDTH_MM * height / width
        if self.doc.will_page_break(height_mm + 2):
            self.doc.add_page()
        self.doc.image(io.BytesIO(png), x=MARGIN_MM, w=TEXT_WIDTH_MM, h=height_mm)
        self.doc.ln(2)

    def table(self, header: tuple[str, ...], rows: list[tuple[str, ...]], widths) -> None:
        self.doc.set_font(FONT, "", 9)
        with self.doc.table(
            col_widths=widths,
            text_align=("LEFT",) + ("RIGHT",) * (len(header) - 1),
            line_height=5,
            first_row_as_headings=True,
            headings_style=_headings_style(self.doc),
        ) as table:
            for values in (header, *rows):
                row = table.row()
                for value in values:
                    row.cell(value)
        self.doc.ln(2)

    def count(self, value: int | None) -> str:
        return count_text(value, self.data.threshold, self.locale)

    # --- sections -----------------------------------------------------------------------------

    def cover(self, questionnaire: Questionnaire) -> None:
        meeting, locale = self.data.meeting, self.locale
        local = meeting.starts_at.astimezone(self.tz)
        self.paragraph(self.title(), "B", 20)
        self.doc.ln(2)
        regions = ", ".join(r.name for code in meeting.regions or () if (r := get_region(code)))
        when = _("{day} at {time}").format(
            day=format_day(local, locale, format="full"),
            time=format_time(local, locale),
        )
        self.paragraph(when, "", 12)
        self.paragraph(regions or _("National meeting"), "", 12)
        if meeting.venue:
            self.paragraph(meeting.venue, "", 11)
        if meeting.theme_key and (theme := questionnaire.theme(meeting.theme_key)):
            self.paragraph(
                _("Theme: {number}. {title}").format(
                    number=theme.number, title=theme.title.get(locale)
                ),
                "",
                11,
            )
        self.doc.ln(3)
        generated = self.data.generated_at.astimezone(self.tz)
        self.paragraph(
            _(
                "What the field said until {date}, {time}: contributions through Relais from "
                "the meeting's regions, next to the national figures, and the workshop notes "
                "imported. Counts are people; fewer than {threshold} people read “fewer than "
                "{threshold}”, to protect them. Quotes are scrubbed of personal data."
            ).format(
                date=format_day(generated, locale, format="long"),
                time=format_time(generated, locale),
                threshold=self.data.threshold,
            ),
            "",
            9,
            80,
        )

    def participation(self, questionnaire: Questionnaire) -> None:
        data, part = self.data, self.data.participation
        self.heading(_("Participation"))
        if not part.shown:
            self.paragraph(
                _(
                    "Fewer than {threshold} people of the meeting's regions have contributed: "
                    "their figures are not shown, to protect them."
                ).format(threshold=data.threshold)
            )
            return
        self.paragraph(
            _("{people} people contributed from these regions ({national} nationally).").format(
                people=self.count(part.people), national=self.count(part.national_people)
            )
            if not data.national
            else _("{people} people contributed.").format(people=self.count(part.people))
        )
        header = (_("Theme"), _("People"), _("Contributions"))
        if not data.national:
            header += (_("People, national"), _("Contributions, national"))
        rows = []
        for row in part.themes:
            theme = questionnaire.theme(row.theme_key)
            label = f"{theme.number}. {theme.title.get(self.locale)}" if theme else row.theme_key
            values = (label, self.count(row.people), self.count(row.contributions))
            if not data.national and row.national_hidden:
                values += ("—", "—")  # it would count the few who answered elsewhere
            elif not data.national:
                values += (self.count(row.national_people), self.count(row.national_contributions))
            rows.append(values)
        widths = (70, 22, 28, 28, 32) if not data.national else (110, 30, 40)
        self.table(header, rows, widths)
        if part.departments:
            self.paragraph(_("By department"), "B", 10)
            rows = [
                (_department_label(group.key), self.count(group.contributors))
                for group in part.departments
            ]
            self.table((_("Department"), _("People")), rows, (140, 40))
        if part.regions:
            bars = [
                Bar(
                    _region_label(group.key),
                    float(group.contributors),
                    format_number(group.contributors, self.locale),
                )
                for group in part.regions
            ]
            self.image(
                bar_chart(
                    _("People who contributed, per region (national)"),
                    bars,
                    subtitle=_("Regions with fewer than {threshold} people are merged.").format(
                        threshold=data.threshold
                    ),
                )
            )
        if part.weekly:
            series = [
                (t.key, f"{t.number}. {(t.short_title or t.title).get(self.locale)}")
                for t in questionnaire.themes
            ]
            note = (
                ngettext(
                    "{count} bar left out: fewer than {threshold} people behind it.",
                    "{count} bars left out: fewer than {threshold} people behind each.",
                    part.weeks_hidden,
                ).format(count=part.weeks_hidden, threshold=data.threshold)
                if part.weeks_hidden
                else None
            )
            months = month_abbreviations(self.locale)
            title = _("Contributions per week")
            self.image(weekly_chart(part.weekly, series, title, note, month_names=months))

    def since_previous(self, questionnaire: Questionnaire) -> None:
        since, locale = self.data.since, self.locale
        assert since is not None
        previous = since.meeting
        self.heading(
            _("Since the previous meeting ({city}, {day})").format(
                city=previous.city,
                day=format_day(previous.starts_at, locale, self.tz, format="long"),
            )
        )
        if since.contributions is None:
            self.paragraph(
                _("Fewer than {threshold} people contributed since: nothing is shown.").format(
                    threshold=self.data.threshold
                )
            )
            return
        self.paragraph(
            _("{contributions} new contributions from {people} people.").format(
                contributions=format_number(since.contributions, locale),
                people=self.count(since.people),
            )
        )
        moved = []
        for theme in self.data.synthesis.themes:
            for groups in theme.groups:
                for group in groups.grouping.groups:
                    new = self.data.new_members(group)
                    if new:
                        moved.append((new == group.size, new, theme, group))
        moved.sort(key=lambda item: (-item[1], item[3].terms))
        for is_new, new, theme, group in moved[:8]:
            label = _("New") if is_new else _("Grown")
            self.paragraph(
                _("{label}: {terms} (theme {number}), {size} answers, {new} since").format(
                    label=label,
                    terms=" · ".join(group.terms),
                    number=theme.theme.number,
                    size=format_number(group.size, locale),
                    new=format_number(new, locale),
                ),
                "",
                10,
            )

    def theme(self, theme: ThemeSynthesis) -> None:
        locale = self.locale
        self.heading(f"{theme.theme.number}. {theme.theme.title.get(locale)}", 15)
        facts = [_("Contributors: {count}").format(count=self.count(theme.contributors))]
        if theme.notes:
            facts.append(
                ngettext(
                    "{count} workshop note", "{count} workshop notes", len(theme.notes)
                ).format(count=format_number(len(theme.notes), locale))
            )
        self.paragraph(" · ".join(facts))
        if not theme.shown:
            self.paragraph(
                _(
                    "Fewer than {threshold} people answered this theme in these regions: only "
                    "workshop notes are shown."
                ).format(threshold=self.data.threshold),
                "I",
                9,
                80,
            )
        national = {t.question: t for t in self.data.national_tallies.get(theme.theme.key, [])}
        for tally in theme.tallies:
            question = theme.theme.question(tally.question)
            if question is not None:
                self.closed_question(theme, question, tally, national.get(tally.question))
        notes = {note.reference: note for note in theme.notes}
        for key, count in theme.too_many.items():
            if question := theme.theme.question(key):
                self.paragraph(too_many_text(question.prompt.get(locale), count, locale), "I", 9)
        for groups in theme.groups:
            self.groups(groups, notes)

    def closed_question(
        self, theme: ThemeSynthesis, question: Question, tally: Tally, national: Tally | None
    ) -> None:
        number = f"{theme.theme.number}.{theme.theme.index_of(question.key) + 1}"
        bars = [self.bar(question, option, tally, national) for option in tally.options]
        subtitle = ngettext(
            "{count} person answered", "{count} people answered", tally.respondents
        ).format(count=format_number(tally.respondents, self.locale))
        if tally.median is not None:
            subtitle += " · " + _("median {value}").format(
                value=format_number(tally.median, self.locale)
            )
        if national is not None:
            subtitle += " · " + _("in brackets: the national share")
        png = bar_chart(
            f"{number} {shorten(question.prompt.get(self.locale), 110)}",
            bars,
            subtitle=subtitle,
            sort=question.kind != "scale",  # a scale reads in its own order
        )
        self.image(png)

    def bar(
        self, question: Question, option: OptionCount, tally: Tally, national: Tally | None
    ) -> Bar:
        locale, threshold = self.locale, self.data.threshold
        label = tally_option_label(question, option.key, locale)
        if option.people is not None:
            count = format_number(option.people, locale)
            text = f"{count} · {format_percent(option.people / tally.respondents, locale=locale)}"
            value, exact = float(option.people), True
        elif option.at_least:
            text = _("at least {count}").format(count=format_number(option.at_least, locale))
            value, exact = float(option.at_least), False
        else:
            text, value, exact = fewer_than(threshold), 0.0, False
        share = None
        if national and not 0 < national.respondents - tally.respondents < threshold:
            share = _national_share(national, option.key)  # else it would tell the few others
        if share is not None:
            text += f" ({format_percent(share, locale=locale)})"
        return Bar(label, value, text, exact)

    def groups(self, groups: QuestionGroups, notes: dict[str, WorkshopNoteRow]) -> None:
        locale = self.locale
        grouping = groups.grouping
        if not grouping.groups and not grouping.ungrouped:
            return
        self.paragraph("")
        self.paragraph(
            _("Answers to “{question}” ({count})").format(
                question=shorten(groups.question.prompt.get(locale), 120),
                count=format_number(groups.texts, locale),
            ),
            "B",
            11,
        )
        for group in grouping.groups:
            self.group(group)
        alone = [ref for ref in grouping.ungrouped if ref in notes]
        if alone:  # a workshop note is shown whole, grouped or not
            self.doc.ln(1)
            self.paragraph(_("Workshop notes in no group"), "B", 10)
            for reference in alone:
                self.quote(
                    _("“{quote}”").format(quote=shorten(notes[reference].text, QUOTE_LENGTH)),
                    _("workshop note {reference}").format(reference=reference),
                )
        others = [ref for ref in grouping.ungrouped if ref not in notes]
        if others:
            self.paragraph(
                ngettext(
                    "{count} other answer in no group: {references}",
                    "{count} other answers in no group: {references}",
                    len(others),
                ).format(
                    count=format_number(len(others), locale),
                    references=", ".join(others[:30]) + ("…" if len(others) > 30 else ""),
                ),
                "",
                8,
                90,
            )

    def group(self, group: ProposalGroup) -> None:
        locale = self.locale
        if self.doc.will_page_break(25):
            self.doc.add_page()
        facts = ngettext("{count} answer", "{count} answers", group.size).format(
            count=format_number(group.size, locale)
        )
        notes = sum(1 for member in group.members if member.startswith("W-"))
        if notes:
            facts += ", " + ngettext(
                "{count} from a workshop", "{count} from workshops", notes
            ).format(count=format_number(notes, locale))
        new = self.data.new_members(group)
        if new:
            facts += ", " + _("{count} since the previous meeting").format(
                count=format_number(new, locale)
            )
        self.doc.ln(1)
        self.paragraph(f"{' · '.join(group.terms)} — {facts}", "B", 10)
        for quote in group.quotes:
            text = _("“{quote}”").format(quote=shorten(quote.text, QUOTE_LENGTH))
            origin = (
                _("workshop note {reference}").format(reference=quote.reference)
                if quote.reference.startswith("W-")
                else quote.reference
            )
            if quote.repeated_by > 1:
                origin += ", " + ngettext(
                    "repeated by {count} person", "repeated by {count} people", quote.repeated_by
                ).format(count=format_number(quote.repeated_by, locale))
            self.quote(text, origin)

    def quote(self, text: str, origin: str) -> None:
        self.doc.set_x(MARGIN_MM + 4)
        self.doc.set_font(FONT, "I", 9.5)
        self.doc.multi_cell(
            TEXT_WIDTH_MM - 4, 4.8, f"{text} ({origin})", new_x="LMARGIN", new_y="NEXT", align="L"
        )

    def method(self) -> None:
        self.heading(_("How this brief is made"), 12)
        self.paragraph(
            _(
                "Closed questions are counted in people, per option (a person who ticked two "
                "options counts under each). An option fewer than {threshold} people chose reads "
                "“fewer than {threshold}”; on a single choice or a scale, small options are "
                "merged into “other answers”. Free-text answers are grouped by the words they "
                "share and by meaning (a French language model), near-identical ones merged; "
                "the key terms label each group. Groups are a reading aid, to be checked by a "
                "person: read the quotes."
            ).format(threshold=self.data.threshold),
            "",
            9,
            60,
        )


def _headings_style(doc):
    from fpdf.fonts import FontFace  # with fpdf, see the module docstring

    return FontFace(emphasis="BOLD", fill_color=(230, 236, 245))


def _national_share(national: Tally, key: str | None) -> float | None:
    for option in national.options:
        if option.key == key and option.people is not None:
            return option.people / national.respondents
    return None


def _region_label(code: str | None) -> str:
    if code is OTHER:
        return _("other regions (small groups merged)")
    region = get_region(code) if code else None
    return region.name if region else (code or "?")


def _department_label(code: str | None) -> str:
    if code is OTHER:
        return _("other departments (small groups merged)")
    department = get_department(code) if code else None
    return f"{department.name} ({department.code})" if department else (code or "?")
