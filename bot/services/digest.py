"""Organisers' digest: what was submitted in a period, aggregated in SQL, as data.

`collect_report` reads what one digest (or pre-read) may show: the figures (`DigestData`), the
chart's bars (`ChartData`) and the erasure-ledger mark they were read at. Nothing here is text:
bot/views/digest.py writes it in the reader's language, bot/jobs/outputs.py assembles the
package. `latest_due` says which period a subscription is owed. The scheduler and `/digest`
both go through here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.grouping import Proposal, ProposalGroup, group_proposals
from bot.domain.privacy import Attribution, Group, attribute, suppress_small_groups, visible_count
from bot.domain.questionnaire import Questionnaire
from bot.domain.tallies import Tally
from bot.services.disclosure import people_counts, scope_is_disclosable, themes_to_show, voice_scope
from bot.services.synthesis import GROUPED_TEXTS
from bot.services.tallies import collect_tallies
from storage.models import DigestSubscription
from storage.reports import ReportRepo, Scope
from storage.repositories.erasures import LedgerRepo
from storage.repositories.jobs import DigestRunRepo
from storage.unit_of_work import UnitOfWork

EXCERPTS = 5
GROUP_CHANGES = 3  # groups in a digest (the synthesis and the brief have them all)
CHART_DAYS = 14


@dataclass(frozen=True)
class Excerpt:
    public_id: str
    theme_key: str
    text: str  # scrubbed, whole; shortened and escaped where shown
    who: Attribution  # a description that at least `threshold` contributors share


@dataclass(frozen=True)
class TallyMove:
    """A closed question whose leading option changed: `leader` now (in the period), `before`
    (everything earlier in the same themes and regions). Only options at least `threshold`
    people chose on both sides; no count is given, so two digests cannot be subtracted to
    tell what fewer than `threshold` people said."""

    theme_key: str
    question_key: str
    leader: str
    before: str


@dataclass(frozen=True)
class GroupChange:
    """A group of concrete proposals (everything until the period's end) with `new` of its
    answers written in the period: all of them for a new group."""

    theme_key: str
    group: ProposalGroup
    new: int

    @property
    def is_new(self) -> bool:
        return self.new == self.group.size


@dataclass
class DigestData:
    """What a digest may show. Counts are None where fewer than `threshold` people are behind
    them (rendered "fewer than N"); see bot/domain/privacy.py and services/disclosure.py."""

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
    # {theme key: tallies of its closed questions}, for the themes that may be shown
    tallies: dict[str, list[Tally]] = field(default_factory=dict)
    # the closed questions whose most chosen option in the period is not the one before it
    moves: list[TallyMove] = field(default_factory=list)
    # the groups of concrete proposals that received answers in the period, most grown first
    groups: list[GroupChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Nothing that may be shown: no new contribution, or too few people behind them.
        Both read the same to the organiser, so that 0 cannot be told from 1-4."""
        return not self.shown


@dataclass(frozen=True)
class ChartData:
    """Contributions per local day and theme over the last CHART_DAYS days: only the bars at
    least `threshold` people are behind; `hidden` says how many were left out."""

    counts: dict[date, dict[str, int]]
    themes: tuple[str, ...]  # the themes drawn, in questionnaire order
    hidden: int


@dataclass(frozen=True)
class DigestReport:
    """Everything one digest or pre-read shows, read in one go."""

    data: DigestData
    chart: ChartData | None  # None: not shown (too few people, or every bar hidden)
    # The last erasure-ledger entry seen before anything was read: a later one (an erasure, a
    # withdrawal) makes what was built from this report stale (bot/delivery/).
    ledger_mark: int


async def collect_report(
    uow: UnitOfWork, questionnaire: Questionnaire, scope: Scope, threshold: int, tz: ZoneInfo
) -> DigestReport:
    ledger_mark = await LedgerRepo(uow).latest_id()  # first: see DigestReport.ledger_mark
    data = await collect_digest(uow, questionnaire, scope, threshold)
    chart = None if data.empty else await collect_chart(uow, questionnaire, scope, threshold, tz)
    return DigestReport(data, chart, ledger_mark)


async def collect_digest(
    uow: UnitOfWork, questionnaire: Questionnaire, scope: Scope, threshold: int
) -> DigestData:
    reports = ReportRepo(uow)
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
    data.tallies = await collect_tallies(uow, questionnaire, scope, threshold, shown_themes)
    data.moves = await tally_moves(uow, questionnaire, scope, threshold, data.tallies)
    data.groups = await group_changes(uow, questionnaire, scope, threshold, shown_themes)
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
        data.excerpts = [
            Excerpt(
                row.public_id,
                row.theme_key,
                row.text,
                attribute(
                    row.structure_type,
                    row.department_code,
                    row.region_code,
                    row.role,
                    people_by,
                    threshold,
                ),
            )
            for row in rows
        ]
    heard = await voice_scope(reports, scope, threshold)
    data.voice_notes = await reports.count_voice_notes(heard) if heard else 0
    return data


async def tally_moves(
    uow: UnitOfWork,
    questionnaire: Questionnaire,
    scope: Scope,
    threshold: int,
    tallies: dict[str, list[Tally]],
) -> list[TallyMove]:
    if scope.start is None or not tallies:
        return []
    before = replace(scope, start=None, end=scope.start)
    if not await scope_is_disclosable(ReportRepo(uow), before, threshold):
        return []
    earlier = await collect_tallies(uow, questionnaire, before, threshold, tuple(tallies))
    earlier_by = {t.question: t for results in earlier.values() for t in results}
    moves = []
    for theme_key, results in tallies.items():
        for result in results:
            now, then = _leader(result), _leader(earlier_by.get(result.question))
            if now is not None and then is not None and now != then:
                moves.append(TallyMove(theme_key, result.question, now, then))
    return moves


def _leader(result: Tally | None) -> str | None:
    """The option most people chose, if it is shown exactly and clearly ahead (a tie leads
    nowhere)."""
    if result is None or result.kind == "scale":
        return None
    if any(o.at_least is not None for o in result.options):
        return None  # an option nearly everyone chose has no exact count: it may lead
    exact = [o for o in result.options if o.key is not None and o.people is not None]
    if not exact or (len(exact) > 1 and exact[1].people == exact[0].people):
        return None
    return exact[0].key


async def group_changes(
    uow: UnitOfWork,
    questionnaire: Questionnaire,
    scope: Scope,
    threshold: int,
    shown_themes: tuple[str, ...],
) -> list[GroupChange]:
    """The concrete proposals of the shown themes until the period's end, grouped
    (bot/domain/grouping.py); the groups with answers from the period, most grown first."""
    keys = [
        q.key
        for t in questionnaire.themes
        if t.key in shown_themes
        for q in t.questions
        if q.proposal
    ]
    if not keys:
        return []
    reports = ReportRepo(uow)
    # The organiser's own selection, from the start: it passes the rule (it holds the period,
    # which does); the shown themes restrict the texts within it, they are not a selection.
    if not await scope_is_disclosable(reports, replace(scope, start=None), threshold):
        return []
    everything = replace(scope, start=None, themes=shown_themes)
    counts = await reports.count_texts(everything, keys)
    keys = [key for key in keys if counts.get(key, 0) <= GROUPED_TEXTS]  # see GROUPED_TEXTS
    if not keys:
        return []
    rows = await reports.texts(everything, keys)
    period = (
        rows
        if scope.start is None
        else await reports.texts(replace(everything, start=scope.start), keys)
    )
    new = {row.public_id for row in period}
    changes = []
    for theme in questionnaire.themes:
        proposals = [
            Proposal(row.public_id, row.text, str(row.user_id))
            for row in rows
            if row.theme_key == theme.key
        ]
        if not proposals:
            continue
        for group in group_proposals(proposals).groups:
            count = sum(1 for member in group.members if member in new)
            if count:
                changes.append(GroupChange(theme.key, group, count))
    changes.sort(key=lambda change: (-change.new, -change.group.size, change.group.terms))
    return changes[:GROUP_CHANGES]


async def collect_chart(
    uow: UnitOfWork, questionnaire: Questionnaire, scope: Scope, threshold: int, tz: ZoneInfo
) -> ChartData | None:
    """The chart's bars, or None when its window may not be shown or every bar is hidden (an
    empty chart says nothing)."""
    assert scope.end is not None
    days = chart_days(scope.end, tz)
    start = datetime.combine(days[0], datetime.min.time(), tzinfo=tz)
    chart_scope = Scope(start=start, end=scope.end, themes=scope.themes, regions=scope.regions)
    reports = ReportRepo(uow)
    if not await scope_is_disclosable(reports, chart_scope, threshold):
        return None
    counts, hidden = daily_counts(await reports.hourly(chart_scope), tz, days, threshold)
    if not any(counts.values()):
        return None
    themes = tuple(t.key for t in questionnaire.themes if not scope.themes or t.key in scope.themes)
    return ChartData(counts, themes, hidden)


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


async def next_period_start(
    session: UnitOfWork, subscription: DigestSubscription, end: datetime, tz: ZoneInfo
) -> datetime | None:
    """Where an organiser's next digest starts, for the scheduler and `digest --preview` alike:
    where the digests they received end (their runs), or, before the first one, one period
    (a day or a week) before `end`."""
    has_runs, start = await DigestRunRepo(session).next_start(subscription.user_id)
    return start if has_runs else default_period_start(subscription, end, tz)


def chart_days(end: datetime, tz: ZoneInfo, days: int = CHART_DAYS) -> list[date]:
    last = (end - timedelta(seconds=1)).astimezone(tz).date()
    return [last - timedelta(days=offset) for offset in range(days - 1, -1, -1)]


def daily_counts(
    hourly: list[tuple[str, str, int, int]], tz: ZoneInfo, days: list[date], threshold: int
) -> tuple[dict[date, dict[str, int]], int]:
    """Regroup UTC hour buckets into local days, keeping only the (day, theme) bars that at
    least `threshold` people are behind; returns the bars and how many were left out."""
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
