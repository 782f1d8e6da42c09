"""Organisers' digest: what was submitted in a period, aggregated in SQL, rendered per reader.

`collect_digest` reads (SQL aggregates only), `render_digest` writes the text in the reader's
language, `latest_due` says which period a subscription is owed. The scheduler and `/digest`
both go through here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_date
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.geo import get_department, get_region
from bot.domain.privacy import OTHER, Group, attribute, suppress_small_groups, visible_count
from bot.domain.profile_options import ROLES, STRUCTURE_TYPES
from bot.domain.questionnaire import Questionnaire
from bot.i18n import format_number
from bot.services.disclosure import (
    people_counts,
    scope_is_disclosable,
    themes_to_show,
    voice_scope,
)
from storage.erasures import LedgerRepo
from storage.models import DigestSubscription
from storage.reports import ReportRepo, Scope

EXCERPTS = 5
EXCERPT_LENGTH = 280
CHART_DAYS = 14


@dataclass(frozen=True)
class Excerpt:
    public_id: str
    theme_key: str
    text: str  # scrubbed, shortened; not yet escaped
    attribution: str


@dataclass
class DigestData:
    """What a digest may show. Counts are None where fewer than `threshold` people are behind
    them (rendered "fewer than N"); see services/privacy.py and services/disclosure.py."""

    scope: Scope
    threshold: int = 5
    shown: bool = False  # the scope passed the small-group rule
    new: int = 0
    total: int | None = None
    by_theme: list[Group] = field(default_factory=list)  # small themes merged into OTHER
    by_region: list[Group] = field(default_factory=list)
    new_contributors: int | None = None
    excerpts: list[Excerpt] = field(default_factory=list)
    voice_notes: int = 0  # 0 when fewer than `threshold` people are behind them

    @property
    def empty(self) -> bool:
        """Nothing that may be shown: no new contribution, or too few people behind them.
        Both read the same to the organiser, so that 0 cannot be told from 1-4."""
        return not self.shown


async def collect_digest(
    session: AsyncSession,
    questionnaire: Questionnaire,
    scope: Scope,
    threshold: int,
    locale: str,
) -> DigestData:
    reports = ReportRepo(session)
    data = DigestData(scope=scope, threshold=threshold)
    data.shown = await scope_is_disclosable(reports, scope, threshold)
    if not data.shown:
        return data
    data.new = await reports.count(scope)
    everything = Scope(end=scope.end, themes=scope.themes, regions=scope.regions)
    if await scope_is_disclosable(reports, everything, threshold):
        data.total = await reports.count(everything)
    themes = await reports.by_theme(scope)
    data.by_theme = suppress_small_groups(
        [Group(key, g.contributors, g.contributions) for key, g in themes.items()], threshold
    )
    regions = await reports.groups(scope, "region_code")
    data.by_region = suppress_small_groups(
        [Group(g.key, g.contributors, g.contributions) for g in regions], threshold
    )
    people = await reports.new_contributors(scope)
    data.new_contributors = visible_count(people, people, threshold)
    shown_themes = tuple(await themes_to_show(reports, scope, threshold))
    proposal_keys = [q.key for t in questionnaire.themes for q in t.questions if q.proposal]
    rows = (
        await reports.proposals(replace(scope, themes=shown_themes), proposal_keys, EXCERPTS)
        if shown_themes
        else []
    )
    if rows:
        people_by = await people_counts(
            reports,
            [(r.structure_type, r.department_code, r.region_code, r.role) for r in rows],
            scope,
        )
        for row in rows:
            who = attribute(
                row.structure_type,
                row.department_code,
                row.region_code,
                row.role,
                people_by,
                threshold,
            )
            data.excerpts.append(
                Excerpt(
                    row.public_id,
                    row.theme_key,
                    shorten(row.text),
                    attribution_label(who.structure_type, who.place, who.place_is_region, who.role),
                )
            )
    heard = await voice_scope(reports, scope, threshold)
    data.voice_notes = await reports.count_voice_notes(heard) if heard else 0
    return data


def shorten(text: str, limit: int = EXCERPT_LENGTH) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > 0 else limit - 1] + "…"


def attribution_label(
    structure_type: str | None, place: str | None, place_is_region: bool, role: str | None
) -> str:
    """ "AI · Isère (38) · CIP": never a name, never the structure's name."""
    parts = [
        _(STRUCTURE_TYPES[structure_type]) if structure_type in STRUCTURE_TYPES else _("structure")
    ]
    if place:
        if place_is_region:
            region = get_region(place)
            parts.append(region.name if region else place)
        else:
            department = get_department(place)
            parts.append(f"{department.name} ({department.code})" if department else place)
    if role:
        parts.append(_(ROLES[role]) if role in ROLES else role)
    return " · ".join(parts)


def region_label(code: str | None) -> str:
    if code is OTHER:
        return _("other regions (small groups merged)")
    region = get_region(code)
    return region.name if region else code


def period_label(start: datetime | None, end: datetime, locale: str, tz: ZoneInfo) -> str:
    if start is None:
        return _("since the start, until {end}").format(
            end=format_date(end.astimezone(tz).date(), format="full", locale=locale)
            + " "
            + end.astimezone(tz).strftime("%H:%M")
        )
    first = start.astimezone(tz)
    last = (end - timedelta(seconds=1)).astimezone(tz)
    if first.date() == last.date():
        return _("{day}, {start}–{end}").format(
            day=format_date(first.date(), format="full", locale=locale),
            start=first.strftime("%H:%M"),
            end=end.astimezone(tz).strftime("%H:%M"),
        )
    return _("from {start} to {end}").format(
        start=format_date(first.date(), format="full", locale=locale)
        + " "
        + first.strftime("%H:%M"),
        end=format_date(last.date(), format="full", locale=locale)
        + " "
        + end.astimezone(tz).strftime("%H:%M"),
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
    from bot.views.messages import count_text, escape, small_scope_sentence

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
    if data.excerpts:
        lines += ["", _("<b>Latest concrete proposals</b>")]
        for excerpt in data.excerpts:
            theme = questionnaire.theme(excerpt.theme_key)
            number = theme.number if theme else "?"
            lines.append(
                f"— <i>{escape(excerpt.text)}</i>\n   "
                + _("{who} · theme {number} · {reference}").format(
                    who=escape(excerpt.attribution), number=number, reference=excerpt.public_id
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


def latest_due(subscription: DigestSubscription, now: datetime, tz: ZoneInfo) -> datetime | None:
    """The most recent moment (UTC) a digest was due for this subscription, or None."""
    if subscription.frequency == "off":
        return None
    local_now = now.astimezone(tz)
    candidate = datetime.combine(local_now.date(), datetime.min.time(), tzinfo=tz).replace(
        hour=subscription.hour, minute=subscription.minute
    )
    if subscription.frequency == "weekly":
        candidate -= timedelta(days=local_now.weekday())  # Monday of this week
        if candidate > local_now:
            candidate -= timedelta(days=7)
    elif candidate > local_now:
        candidate -= timedelta(days=1)
    # Re-attach the zone so a daylight-saving change between the days is applied correctly.
    candidate = candidate.replace(tzinfo=None).replace(tzinfo=tz)
    return candidate.astimezone(now.tzinfo)


def default_period_start(subscription: DigestSubscription, due: datetime, tz: ZoneInfo) -> datetime:
    days = 7 if subscription.frequency == "weekly" else 1
    local = due.astimezone(tz).replace(tzinfo=None) - timedelta(days=days)
    return local.replace(tzinfo=tz).astimezone(due.tzinfo)


def chart_days(end: datetime, tz: ZoneInfo, days: int = CHART_DAYS) -> list[date]:
    last = (end - timedelta(seconds=1)).astimezone(tz).date()
    return [last - timedelta(days=offset) for offset in range(days - 1, -1, -1)]


def daily_counts(
    hourly: list[tuple[str, str, int, int]], tz: ZoneInfo, days: list[date], threshold: int
) -> tuple[dict[date, dict[str, int]], int]:
    """Regroup UTC hour buckets into local days, keeping only the (day, theme) bars that at
    least `threshold` people are behind; returns the bars and how many were left out."""
    from datetime import UTC

    contributions: dict[tuple[date, str], int] = {}
    people: dict[tuple[date, str], set[int]] = {}
    for hour, theme, person, count in hourly:
        moment = datetime.strptime(hour, "%Y-%m-%d %H").replace(tzinfo=UTC)
        cell = (moment.astimezone(tz).date(), theme)
        contributions[cell] = contributions.get(cell, 0) + count
        people.setdefault(cell, set()).add(person)
    counts: dict[date, dict[str, int]] = {day: {} for day in days}
    hidden = 0
    for (day, theme), count in contributions.items():
        if day not in counts:
            continue
        if visible_count(count, len(people[(day, theme)]), threshold) is None:
            hidden += 1
        else:
            counts[day][theme] = count
    return counts, hidden


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


async def build_package(
    session: AsyncSession,
    questionnaire: Questionnaire,
    scope: Scope,
    *,
    threshold: int,
    locale: str,
    tz: ZoneInfo,
) -> DigestPackage:
    """Collect, render and attach. Call inside `use_locale(locale)` (or an update)."""
    from bot.services.export import export_xlsx
    from bot.views.charts import daily_chart
    from bot.views.messages import split_for_telegram

    ledger_mark = await LedgerRepo(session).latest_id()  # first: see the module docstring
    data = await collect_digest(session, questionnaire, scope, threshold, locale)
    assert scope.end is not None
    stem = "relais-" + scope.end.astimezone(tz).strftime("%Y-%m-%d")
    if data.empty:
        texts = split_for_telegram(render_digest(data, questionnaire, locale, tz))
        return DigestPackage(texts, filename_stem=stem, ledger_mark=ledger_mark, withheld=True)
    xlsx = await export_xlsx(session, questionnaire, scope, threshold, locale, tz)
    days = chart_days(scope.end, tz)
    start = datetime.combine(days[0], datetime.min.time(), tzinfo=tz)
    chart_scope = Scope(start=start, end=scope.end, themes=scope.themes, regions=scope.regions)
    reports = ReportRepo(session)
    chart = None
    if await scope_is_disclosable(reports, chart_scope, threshold):
        series = [
            (t.key, f"{t.number}. {shorten(t.title.get(locale), 40)}")
            for t in questionnaire.themes
            if not scope.themes or t.key in scope.themes
        ]
        counts, hidden = daily_counts(await reports.hourly(chart_scope), tz, days, threshold)
        title = _("Contributions per day, last {days} days").format(days=CHART_DAYS)
        note = (
            _("Days with fewer than {threshold} people on a theme are not drawn.").format(
                threshold=threshold
            )
            if hidden
            else None
        )
        if any(counts.values()):  # every bar hidden: an empty chart says nothing
            chart = daily_chart(counts, series, title, note)
    text = render_digest(data, questionnaire, locale, tz, with_chart=chart is not None)
    texts = split_for_telegram(text)
    return DigestPackage(texts, data.new, data.voice_notes, xlsx, chart, stem, ledger_mark)
