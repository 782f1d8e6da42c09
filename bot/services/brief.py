"""A regional meeting's brief, as data: what its region(s) said until now, next to the national
figures, and what is new since the previous meeting. bot/views/brief.py prints it as a PDF.

Everything goes through the small-group rule like any organiser output (bot/services/disclosure
.py): a count fewer than `threshold` people are behind is None ("fewer than N"), a theme fewer
than `threshold` people answered in the meeting's regions shows neither tallies nor quotes.
Workshop notes are not people and are shown whole (scrubbed at import).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.grouping import ProposalGroup
from bot.domain.privacy import Group, suppress_small_groups, visible_count
from bot.domain.questionnaire import Questionnaire
from bot.domain.tallies import Tally
from bot.services.disclosure import scope_is_disclosable, themes_to_show
from bot.services.synthesis import Synthesis, collect_synthesis
from bot.services.tallies import collect_tallies
from storage.models import Meeting
from storage.reports import ReportRepo, Scope
from storage.repositories.meetings import MeetingRepo
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ThemeParticipation:
    theme_key: str
    people: int | None  # in the meeting's regions; None: fewer than the threshold
    contributions: int | None
    national_people: int | None
    national_contributions: int | None
    # Not shown: with the regional figures, it would count the 1 to threshold-1 people who
    # answered elsewhere (rule 1's complement, docs/privacy.md)
    national_hidden: bool = False


@dataclass(frozen=True)
class Participation:
    shown: bool  # the meeting's regions pass the small-group rule
    people: int | None
    national_people: int | None
    themes: list[ThemeParticipation]
    departments: list[Group]  # small departments merged into OTHER
    regions: list[Group]  # national: people per region, small regions merged into OTHER
    # {Monday of the week: {theme: contributions}}: the bars at least `threshold` people are
    # behind; `weeks_hidden` says how many were left out
    weekly: dict[date, dict[str, int]]
    weeks_hidden: int


@dataclass(frozen=True)
class SincePrevious:
    meeting: Meeting  # the previous meeting
    contributions: int | None  # in the meeting's regions since it; None: too few people
    people: int | None
    new_references: frozenset[str]  # the texts written since, to mark new and grown groups


@dataclass(frozen=True)
class BriefData:
    meeting: Meeting
    generated_at: datetime
    threshold: int
    synthesis: Synthesis  # the meeting's regions, everything until `generated_at`
    national_tallies: dict[str, list[Tally]]  # for the comparison (empty for a national meeting)
    participation: Participation
    since: SincePrevious | None  # None: no earlier meeting

    @property
    def national(self) -> bool:
        return not self.meeting.regions

    def new_members(self, group: ProposalGroup) -> int:
        """How many of a group's texts were written since the previous meeting."""
        if self.since is None:
            return 0
        return sum(1 for member in group.members if member in self.since.new_references)


async def collect_brief(
    uow: UnitOfWork,
    questionnaire: Questionnaire,
    meeting: Meeting,
    now: datetime,
    threshold: int,
    tz: ZoneInfo,
) -> BriefData:
    scope = Scope(end=now, regions=tuple(meeting.regions or ()))
    synthesis = await collect_synthesis(uow, questionnaire, scope, threshold)
    national_tallies = (
        await collect_tallies(uow, questionnaire, Scope(end=now), threshold)
        if meeting.regions
        else {}
    )
    participation = await collect_participation(uow, scope, threshold, tz)
    since = await since_previous(uow, questionnaire, meeting, scope, threshold)
    if since is not None:  # workshop notes imported since count as new too
        notes = {
            note.reference
            for theme in synthesis.themes
            for note in theme.notes
            if note.imported_at >= since.meeting.starts_at
        }
        since = replace(since, new_references=since.new_references | notes)
    return BriefData(meeting, now, threshold, synthesis, national_tallies, participation, since)


async def collect_participation(
    uow: UnitOfWork, scope: Scope, threshold: int, tz: ZoneInfo
) -> Participation:
    reports = ReportRepo(uow)
    national = Scope(end=scope.end)
    shown = await scope_is_disclosable(reports, scope, threshold)
    national_shown = await scope_is_disclosable(reports, national, threshold)
    regional = await reports.by_theme(scope) if shown else {}
    everywhere = await reports.by_theme(national) if national_shown else {}
    themes = []
    for key in sorted(set(regional) | set(everywhere)):
        here, there = regional.get(key), everywhere.get(key)
        elsewhere = (there.contributors if there else 0) - (here.contributors if here else 0)
        hidden = bool(here) and 0 < elsewhere < threshold
        if hidden:
            there = None
        themes.append(
            ThemeParticipation(
                key,
                visible_count(here.contributors, here.contributors, threshold) if here else None,
                visible_count(here.contributions, here.contributors, threshold) if here else None,
                visible_count(there.contributors, there.contributors, threshold) if there else None,
                visible_count(there.contributions, there.contributors, threshold)
                if there
                else None,
                hidden,
            )
        )
    departments = (
        suppress_small_groups(
            [
                Group(g.key, g.contributors, g.contributions)
                for g in await reports.groups(scope, "department_code")
            ],
            threshold,
        )
        if shown
        else []
    )
    weekly, hidden = weekly_counts(await reports.hourly(scope), tz, threshold) if shown else ({}, 0)
    regions = (
        suppress_small_groups(
            [
                Group(g.key, g.contributors, g.contributions)
                for g in await reports.groups(national, "region_code")
            ],
            threshold,
        )
        if national_shown
        else []
    )
    people = await reports.contributors(scope) if shown else None
    national_people = await reports.contributors(national) if national_shown else None
    return Participation(
        shown, people, national_people, themes, departments, regions, weekly, hidden
    )


def weekly_counts(
    hourly: list[tuple[str, str, int, int]], tz: ZoneInfo, threshold: int
) -> tuple[dict[date, dict[str, int]], int]:
    """Regroup UTC hour buckets into local weeks (keyed by their Monday), keeping the (week,
    theme) bars at least `threshold` people are behind; returns them and how many were left
    out. Weeks with no bar in between are kept empty, so the axis has no gap."""
    contributions: dict[tuple[date, str], int] = {}
    people: dict[tuple[date, str], set[int]] = {}
    for hour, theme, person, count in hourly:
        local = datetime.strptime(hour, "%Y-%m-%d %H").replace(tzinfo=UTC).astimezone(tz).date()
        cell = (local - timedelta(days=local.weekday()), theme)
        contributions[cell] = contributions.get(cell, 0) + count
        people.setdefault(cell, set()).add(person)
    if not contributions:
        return {}, 0
    first = min(week for week, _ in contributions)
    last = max(week for week, _ in contributions)
    counts: dict[date, dict[str, int]] = {}
    week = first
    while week <= last:
        counts[week] = {}
        week += timedelta(days=7)
    hidden = 0
    for (week, theme), count in contributions.items():
        if visible_count(count, len(people[(week, theme)]), threshold) is None:
            hidden += 1
        else:
            counts[week][theme] = count
    return counts, hidden


async def since_previous(
    uow: UnitOfWork, questionnaire: Questionnaire, meeting: Meeting, scope: Scope, threshold: int
) -> SincePrevious | None:
    """The latest meeting held before this one and before now, and what its region(s) said
    since."""
    assert scope.end is not None
    earlier = [
        m
        for m in await MeetingRepo(uow).list_held_before(min(meeting.starts_at, scope.end))
        if m.id != meeting.id
    ]
    if not earlier:
        return None
    previous = earlier[-1]
    period = replace(scope, start=previous.starts_at)
    reports = ReportRepo(uow)
    if not await scope_is_disclosable(reports, period, threshold):
        return SincePrevious(previous, None, None, frozenset())
    # Only the themes enough people answered since: a group's "N since" says nothing of fewer.
    shown = await themes_to_show(reports, period, threshold)
    text_keys = [
        q.key
        for t in questionnaire.themes
        if t.key in shown
        for q in t.questions
        if q.kind == "text"
    ]
    rows = await reports.texts(replace(period, themes=tuple(shown)), text_keys) if text_keys else []
    return SincePrevious(
        previous,
        await reports.count(period),
        await reports.contributors(period),
        frozenset(row.public_id for row in rows),
    )
