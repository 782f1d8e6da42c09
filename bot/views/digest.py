"""What an organiser receives for one period: the digest text, a pre-read's header, the chart,
and the package they make together (`DigestPackage`), in the reader's language.

Everything here renders a `DigestReport` (bot/services/digest.py) that was read before; call it
inside `use_locale(locale)` (or an update). bot/jobs/outputs.py reads, renders and attaches the
spreadsheet; bot/delivery/packages.py sends the package or queues it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.numbers import format_decimal, format_percent

from bot.domain.geo import get_department, get_region
from bot.domain.privacy import OTHER, Attribution, visible_count
from bot.domain.profile_options import ROLES, STRUCTURE_TYPES
from bot.domain.questionnaire import Question, Questionnaire, Theme
from bot.domain.tallies import OptionCount, Tally
from bot.i18n import format_day, format_moment, format_number, format_time, month_abbreviations
from bot.services.digest import CHART_DAYS, ChartData, DigestData, DigestReport, GroupChange
from bot.views.charts import daily_chart
from bot.views.messages import (
    count_text,
    escape,
    option_label,
    small_scope_sentence,
    split_for_telegram,
)
from storage.models import Meeting

EXCERPT_LENGTH = 280
QUESTION_LENGTH = 70  # a closed question's wording, shortened in a digest
SERIES_LABEL_LENGTH = 40


@dataclass
class DigestPackage:
    """Everything an organiser receives for one period, rendered in their language."""

    texts: list[str]
    new_contributions: int = 0
    voice_notes: int = 0
    xlsx: bytes | None = None
    chart: bytes | None = None
    filename_stem: str = "relais"
    # The last erasure-ledger entry seen before anything was read: a later one (an erasure, a
    # withdrawal) makes the package stale (bot/delivery/).
    ledger_mark: int = 0
    withheld: bool = False  # nothing could be shown: the next digest covers this period again
    pdf: bytes | None = None  # a pre-read's brief (bot/views/brief.py)
    pdf_filename: str = "relais.pdf"


def render_package(
    report: DigestReport,
    xlsx: bytes | None,
    questionnaire: Questionnaire,
    locale: str,
    tz: ZoneInfo,
    *,
    header: str | None = None,
    filename_stem: str | None = None,
) -> DigestPackage:
    """The texts (a pre-read's `header` first) and the chart around the given spreadsheet."""
    data = report.data
    assert data.scope.end is not None
    stem = filename_stem or "relais-" + data.scope.end.astimezone(tz).strftime("%Y-%m-%d")
    chart = None if report.chart is None else chart_png(report.chart, data, questionnaire, locale)
    text = render_digest(data, questionnaire, locale, tz, with_chart=chart is not None)
    texts = ([header] if header else []) + split_for_telegram(text)
    if data.empty:
        return DigestPackage(
            texts, filename_stem=stem, ledger_mark=report.ledger_mark, withheld=True
        )
    return DigestPackage(
        texts, data.new, data.voice_notes, xlsx, chart, stem, report.ledger_mark, withheld=False
    )


def chart_png(
    chart: ChartData, data: DigestData, questionnaire: Questionnaire, locale: str
) -> bytes:
    series = [
        (t.key, f"{t.number}. {shorten(t.title.get(locale), SERIES_LABEL_LENGTH)}")
        for t in questionnaire.themes
        if t.key in chart.themes
    ]
    title = _("Contributions per day, last {days} days").format(days=CHART_DAYS)
    note = (
        _("Days with fewer than {threshold} people on a theme are not drawn.").format(
            threshold=data.threshold
        )
        if chart.hidden
        else None
    )
    return daily_chart(chart.counts, series, title, note, month_names=month_abbreviations(locale))


def shorten(text: str, limit: int = EXCERPT_LENGTH) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > 0 else limit - 1] + "…"


def attribution_label(who: Attribution) -> str:
    """ "AI · Isère (38) · CIP": never a name, never the structure's name."""
    parts = [
        _(STRUCTURE_TYPES[who.structure_type])
        if who.structure_type in STRUCTURE_TYPES
        else _("structure")
    ]
    if who.place:
        if who.place_is_region:
            region = get_region(who.place)
            parts.append(region.name if region else who.place)
        else:
            department = get_department(who.place)
            parts.append(f"{department.name} ({department.code})" if department else who.place)
    if who.role:
        parts.append(_(ROLES[who.role]) if who.role in ROLES else who.role)
    return " · ".join(parts)


def region_label(code: str | None) -> str:
    if code is OTHER:
        return _("other regions (small groups merged)")
    region = get_region(code)
    return region.name if region else code


def period_label(start: datetime | None, end: datetime, locale: str, tz: ZoneInfo) -> str:
    if start is None:
        return _("since the start, until {end}").format(
            end=format_moment(end, locale, tz, format="full")
        )
    first = start.astimezone(tz)
    last = (end - timedelta(seconds=1)).astimezone(tz)
    if first.date() == last.date():
        return _("{day}, {start}–{end}").format(
            day=format_day(first, locale, format="full"),
            start=format_time(first, locale),
            end=format_time(end, locale, tz),
        )
    return _("from {start} to {end}").format(
        start=format_moment(first, locale, format="full"),
        # the last day of the period, at the end's time
        end=format_moment(
            datetime.combine(last.date(), end.astimezone(tz).time()), locale, format="full"
        ),
    )


LEADING_OPTIONS = 3  # per closed question, in a digest (the spreadsheet has them all)


def tally_lines(theme: Theme, tallies: list[Tally], locale: str, threshold: int) -> list[str]:
    """ "1.2 Among these barriers… — Mobilité 12 (60 %) · Logement 6 (30 %)" per question."""
    lines = []
    for result in tallies:
        question = theme.question(result.question)
        if question is None:
            continue
        leading = result.leading(LEADING_OPTIONS)
        figures = [option_figure(question, option, result, locale) for option in leading]
        if result.median is not None:
            value = format_decimal(result.median, locale=locale)
            figures.append(_("median {value}").format(value=value))
        if not figures:
            continue
        figures.append(
            ngettext("{count} respondent", "{count} respondents", result.respondents).format(
                count=format_number(result.respondents, locale)
            )
        )
        number = f"{theme.number}.{theme.index_of(question.key) + 1}"
        wording = escape(shorten(question.prompt.get(locale), QUESTION_LENGTH))
        lines.append(f"{number} <i>{wording}</i>\n   " + " · ".join(figures))
    return lines


def option_figure(question: Question, option: OptionCount, result: Tally, locale: str) -> str:
    """ "Mobilité 12 (60 %)", or "Mobilité at least 8" when its exact count would tell who did
    not choose it (bot/domain/tallies.py)."""
    label = escape(option_label(question, option.key or "", locale))
    if option.people is None:
        count = format_number(option.at_least or 0, locale)
        return _("{option} at least {count}").format(option=label, count=count)
    return _("{option} {count} ({share})").format(
        option=label,
        count=format_number(option.people, locale),
        share=format_percent(option.share(result.respondents) or 0, locale=locale),
    )


def render_digest(
    data: DigestData,
    questionnaire: Questionnaire,
    locale: str,
    tz: ZoneInfo,
    *,
    with_chart: bool = True,
) -> str:
    """The digest text (HTML), in the current gettext locale; may exceed one message."""
    assert data.scope.end is not None
    period = period_label(data.scope.start, data.scope.end, locale, tz)
    if data.empty:
        return (
            _("📭 Relais digest, {period}: nothing new that can be shown.").format(
                period=escape(period)
            )
            + "\n"
            + small_scope_sentence(data.threshold)
        )

    def shown(count: int | None) -> str:
        return count_text(count, data.threshold, locale)

    lines = [
        _("📬 <b>Relais digest</b>, {period}").format(period=escape(period)),
        "",
        ngettext(
            "<b>{count}</b> new contribution", "<b>{count}</b> new contributions", data.new
        ).format(count=format_number(data.new, locale))
        + " · "
        + _("{total} in all").format(total=shown(data.total)),
        _("New contributors: {count}").format(count=shown(data.new_contributors)),
        "",
        _("<b>By theme</b>"),
    ]
    order = {theme.key: index for index, theme in enumerate(questionnaire.themes)}
    for group in sorted(data.by_theme, key=lambda g: order.get(g.key, len(order))):
        theme = questionnaire.theme(group.key) if group.key is not OTHER else None
        label = (
            f"{theme.number}. {escape(theme.title.get(locale))}"
            if theme
            else _("other themes (small groups merged)")
        )
        count = visible_count(group.contributions, group.contributors, data.threshold)
        lines.append(_("{label}: {count}").format(label=label, count=shown(count)))
    lines += ["", _("<b>By region</b>")]
    for group in data.by_region:
        label = escape(region_label(group.key))
        count = shown(visible_count(group.contributions, group.contributors, data.threshold))
        lines.append("• " + _("{label}: {count}").format(label=label, count=count))
    if data.tallies:
        lines += ["", _("<b>Closed questions</b> (the most chosen answers)")]
        for theme_key, tallies in data.tallies.items():
            theme = questionnaire.theme(theme_key)
            if theme is not None:
                lines += tally_lines(theme, tallies, locale, data.threshold)
    if data.moves:
        lines += move_lines(data, questionnaire, locale)
    if data.groups and data.scope.start is None:  # a pre-read: everything is "new"
        lines += ["", _("<b>Proposals that gather</b> (the largest groups)")]
        lines += [group_change_line(c, questionnaire, locale, whole=True) for c in data.groups]
    elif data.groups:
        lines += ["", _("<b>Proposals that gather</b> (new or grown in this period)")]
        lines += [group_change_line(change, questionnaire, locale) for change in data.groups]
    if data.excerpts:
        lines += ["", _("<b>Latest concrete proposals</b>")]
        for excerpt in data.excerpts:
            theme = questionnaire.theme(excerpt.theme_key)
            number = theme.number if theme else "?"
            lines.append(
                f"— <i>{escape(shorten(excerpt.text))}</i>\n   "
                + _("{who} · theme {number} · {reference}").format(
                    who=escape(attribution_label(excerpt.who)),
                    number=number,
                    reference=excerpt.public_id,
                )
            )
    if data.voice_notes:
        lines += [
            "",
            ngettext(
                "🎤 {count} voice note in this period.",
                "🎤 {count} voice notes in this period.",
                data.voice_notes,
            ).format(count=data.voice_notes),
        ]
    lines += [
        "",
        _("The spreadsheet and the chart follow.") if with_chart else _("The spreadsheet follows."),
    ]
    return "\n".join(lines)


def move_lines(data: DigestData, questionnaire: Questionnaire, locale: str) -> list[str]:
    """ "↗ 1.2 Among these barriers…: Mobilité leads in this period (before: Logement)"."""
    lines = []
    for move in data.moves:
        theme = questionnaire.theme(move.theme_key)
        question = theme.question(move.question_key) if theme else None
        if theme is None or question is None:
            continue
        number = f"{theme.number}.{theme.index_of(question.key) + 1}"
        lines.append(
            "↗ "
            + _(
                "{number} <i>{question}</i>: {leader} leads in this period (before: {before})"
            ).format(
                number=number,
                question=escape(shorten(question.prompt.get(locale), QUESTION_LENGTH)),
                leader=escape(option_label(question, move.leader, locale)),
                before=escape(option_label(question, move.before, locale)),
            )
        )
    return lines


def group_change_line(
    change: GroupChange, questionnaire: Questionnaire, locale: str, *, whole: bool = False
) -> str:
    """ "🆕 mobilité · permis · bus: 6 answers, 6 in this period (theme 1)" and one quote;
    `whole`: a group of everything so far, "• mobilité · permis · bus: 6 answers (theme 1)"."""
    group = change.group
    theme = questionnaire.theme(change.theme_key)
    terms = escape(" · ".join(group.terms))
    size = ngettext("{count} answer", "{count} answers", group.size).format(
        count=format_number(group.size, locale)
    )
    number = theme.number if theme else "?"
    if whole:
        line = "• " + _("<b>{terms}</b>: {size} (theme {number})").format(
            terms=terms, size=size, number=number
        )
    else:
        line = ("🆕 " if change.is_new else "📈 ") + _(
            "<b>{terms}</b>: {size}, {new} in this period (theme {number})"
        ).format(terms=terms, size=size, new=format_number(change.new, locale), number=number)
    if group.quotes:
        quote = group.quotes[0]
        line += f"\n   <i>{escape(shorten(quote.text, 160))}</i> {quote.reference}"
    return line


def preread_header(meeting: Meeting, locale: str, tz: ZoneInfo) -> str:
    local = meeting.starts_at.astimezone(tz)
    regions = ", ".join(r.name for code in meeting.regions if (r := get_region(code)))
    return _("📄 <b>Pre-read</b> for the meeting in {city}, {day} at {time} ({regions}).").format(
        city=escape(meeting.city),
        day=format_day(local, locale, format="full"),
        time=format_time(local, locale),
        regions=escape(regions) if regions else _("national"),
    )
