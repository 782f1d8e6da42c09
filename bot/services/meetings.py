"""Regional meetings (workshop days): what a valid meeting is, and how people write one.

Validation is pure (the functions); `MeetingService` keeps the calendar (`MeetingRepo`). Dates
are typed and shown in TIMEZONE (Europe/Paris) and stored in UTC. Used by the CLI import and by
`/reunions` in the bot.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain.dates import MomentError, parse_typed_moment
from bot.domain.geo import get_region, resolve_region
from bot.domain.questionnaire import Questionnaire
from bot.domain.quiet import QuietHours
from bot.services.preread import preread_due_at
from bot.services.reminders import PlannedSend, reminder_plan
from storage.models import Meeting
from storage.repositories.jobs import PrereadRunRepo
from storage.repositories.meetings import MeetingRepo
from storage.unit_of_work import UnitOfWork

NATIONAL = ("national", "nationale", "france", "")
CSV_COLUMNS = ("date", "time", "city", "regions", "theme", "venue")


@dataclass(frozen=True)
class MeetingDraft:
    starts_at: datetime  # UTC
    city: str
    regions: tuple[str, ...]  # INSEE codes; empty: national
    theme_key: str | None
    venue: str | None


@dataclass
class MeetingInput:
    date: str
    time: str = "09:00"
    city: str = ""
    regions: str = ""
    theme: str = ""
    venue: str = ""
    errors: list[str] = field(default_factory=list)


def parse_date(text: str) -> date | None:
    """ "2025-03-05", "05/03/2025" or "5/3/2025" """
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    parts = text.replace(".", "/").replace("-", "/").split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        day, month, year = (int(p) for p in parts)
        if year < 100:
            year += 2000
        try:
            return date(year, month, day)
        except ValueError:
            return None
    return None


def parse_time(text: str) -> time | None:
    """ "09:30", "9h30", "9h", "14" """
    text = text.strip().lower().replace("h", ":")
    hour, _, minute = text.partition(":")
    minute = minute or "0"
    if hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60:
        return time(int(hour), int(minute))
    return None


_ENGLISH = {
    "bad_date": "bad date {value!r}: use YYYY-MM-DD or DD/MM/YYYY",
    "bad_time": "bad time {value!r}: use HH:MM",
    "past": "{value} is in the past",
    "no_city": "the city is missing",
    "long_city": "the city is longer than 80 characters",
    "unknown_region": "unknown region {value!r} (a name or an INSEE code like 84)",
    "unknown_theme": "unknown theme {value!r} (one of: {themes})",
    "long_venue": "the venue is longer than 200 characters",
}


class MeetingProblem(ValueError):
    """One reason a meeting field is unusable. `code` picks the sentence (English here for the
    CLI, translated by the bot); `value` is what was typed."""

    def __init__(self, code: str, value: str = "", themes: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.value = value
        self.themes = themes

    def english(self) -> str:
        return _ENGLISH[self.code].format(value=self.value, themes=self.themes)


def parse_moment(day_text: str, time_text: str, now: datetime, tz: ZoneInfo) -> datetime:
    """A local date and time (TIMEZONE) in the future, as UTC."""
    day = parse_date(day_text)
    moment = parse_time(time_text or "09:00")
    if day is None:
        raise MeetingProblem("bad_date", day_text)
    if moment is None:
        raise MeetingProblem("bad_time", time_text)
    starts_at = datetime.combine(day, moment, tzinfo=tz).astimezone(now.tzinfo)
    if starts_at <= now:
        raise MeetingProblem("past", f"{day_text} {time_text}".strip())
    return starts_at


def parse_moment_text(text: str, now: datetime, tz: ZoneInfo) -> datetime:
    """What an admin types in the bot, as UTC: "5 mars 9h30", "05/03 9h30", "5/3/27 14h",
    "14/03/2026 09:30" (bot/domain/dates.py: the year defaults to the next occurrence, the time
    to 09:00)."""
    try:
        return parse_typed_moment(text, now.astimezone(tz)).astimezone(now.tzinfo)
    except MomentError as error:
        code = {"date": "bad_date", "time": "bad_time", "past": "past"}[error.reason]
        raise MeetingProblem(code, error.part or " ".join(text.split())) from None


def clean_city(text: str) -> str:
    city = " ".join(text.split())
    if not city:
        raise MeetingProblem("no_city")
    if len(city) > 80:
        raise MeetingProblem("long_city")
    return city


def parse_regions(text: str) -> tuple[str, ...]:
    """INSEE codes from names or codes separated by commas; () for a national meeting.
    Raises for the first unknown region."""
    if text.strip().lower() in NATIONAL:
        return ()
    regions: list[str] = []
    for part in text.replace(";", ",").replace("|", ",").split(","):
        if not part.strip():
            continue
        region = resolve_region(part)
        if region is None:
            raise MeetingProblem("unknown_region", part.strip())
        if region.code not in regions:
            regions.append(region.code)
    return tuple(regions)


def check_theme(key: str, questionnaire: Questionnaire) -> str | None:
    key = key.strip()
    if key and questionnaire.theme(key) is None:
        themes = ", ".join(t.key for t in questionnaire.themes)
        raise MeetingProblem("unknown_theme", key, themes)
    return key or None


def clean_venue(text: str) -> str | None:
    venue = " ".join(text.split()) or None
    if venue is not None and len(venue) > 200:
        raise MeetingProblem("long_venue")
    return venue


def validate(
    raw: MeetingInput, questionnaire: Questionnaire, now: datetime, tz: ZoneInfo
) -> MeetingDraft | list[str]:
    """A meeting ready to store, or every problem found (one English sentence each: the CLI
    prints them; the bot checks field by field and translates)."""
    errors: list[str] = []

    def field(check, *args):
        try:
            return check(*args)
        except MeetingProblem as problem:
            errors.append(problem.english())
            return None

    starts_at = field(parse_moment, raw.date, raw.time, now, tz)
    city = field(clean_city, raw.city)
    regions: list[str] = []
    if raw.regions.strip().lower() not in NATIONAL:  # report every unknown region, not the first
        for part in raw.regions.replace(";", ",").replace("|", ",").split(","):
            codes = field(parse_regions, part) if part.strip() else ()
            regions += [code for code in codes or () if code not in regions]
    theme = field(check_theme, raw.theme, questionnaire)
    venue = field(clean_venue, raw.venue)
    if errors:
        return errors
    assert starts_at is not None and city is not None
    return MeetingDraft(starts_at, city, tuple(regions), theme, venue)


def toggle_region(regions: list[str], code: str) -> list[str]:
    """The regions ticked after one tap; a code the bot never offered changes nothing."""
    if get_region(code) is None:
        return regions  # forged
    return [r for r in regions if r != code] if code in regions else [*regions, code]


def read_csv(content: str) -> list[MeetingInput]:
    """Rows of a CSV with the header date,time,city,regions,theme,venue (`;` or `,`)."""
    dialect = csv.Sniffer().sniff(content.splitlines()[0], delimiters=",;") if content else None
    reader = csv.DictReader(io.StringIO(content), dialect=dialect) if dialect else []
    rows = []
    for row in reader:
        values = {key: (row.get(key) or "").strip() for key in CSV_COLUMNS}
        rows.append(MeetingInput(**values))
    return rows


class MeetingService:
    """The calendar behind `/reunions` and `python -m bot meetings`; runs in the caller's unit of
    work (never commits)."""

    def __init__(self, session: UnitOfWork, settings: Settings) -> None:
        self.meetings = MeetingRepo(session)
        self.prereads = PrereadRunRepo(session)
        self.settings = settings

    async def upcoming(self, now: datetime) -> list[Meeting]:
        return await self.meetings.list_upcoming(now)

    async def get_scheduled(self, meeting_id: int) -> Meeting | None:
        return await self.meetings.get_scheduled(meeting_id)

    async def add(self, draft: MeetingDraft, created_by: int | None) -> Meeting:
        """A scheduled meeting from checked values (the bot's form; the CLI import)."""
        return await self.meetings.add_scheduled(
            draft.starts_at, draft.city, draft.regions, draft.theme_key, draft.venue, created_by
        )

    async def cancel(self, meeting_id: int) -> int | None:
        """Cancel a meeting and every reminder not yet sent; returns how many were withdrawn
        (None if it is not scheduled)."""
        meeting = await self.meetings.get_locked(meeting_id)
        if meeting is None or meeting.status != "scheduled":
            return None
        meeting.status = "cancelled"
        return await self.meetings.withdraw_reminders(meeting_id, "meeting cancelled")

    async def update(self, meeting_id: int, **changes: Any) -> bool:
        """Change a scheduled meeting (starts_at, city, regions, theme_key, venue). Reminders
        not yet sent were written with the old details: they are withdrawn, and their waves
        planned again (for the new date) for the people they had not reached; nobody gets a
        wave twice."""
        meeting = await self.meetings.get_locked(meeting_id)
        if meeting is None or meeting.status != "scheduled":
            return False
        for name, value in changes.items():
            setattr(meeting, name, list(value) if name == "regions" else value)
        for run in await self.meetings.reminder_runs(meeting_id):
            withdrawn = await self.meetings.withdraw_reminders(
                meeting_id, "meeting changed", days_before=run.days_before
            )
            if run.skipped or withdrawn:
                # Plan the wave again: the scheduler sends it (with the new details) to whoever
                # of its audience has not received this wave yet.
                await self.meetings.forget_run(run)
        return True

    async def reschedule(self, meeting_id: int, starts_at: datetime) -> bool:
        """Move a meeting (see `update`)."""
        return await self.update(meeting_id, starts_at=starts_at)

    async def plan(self, meeting: Meeting, now: datetime) -> list[PlannedSend]:
        """A meeting's reminder waves and pre-read: when each is due and whether it went out."""
        settings = self.settings
        return reminder_plan(
            meeting,
            await self.meetings.reminder_runs(meeting.id),
            await self.prereads.get_for_meeting(meeting.id) is not None,
            settings.reminder_days,
            time.fromisoformat(settings.reminder_time),
            preread_due_at(meeting, settings),
            settings.tz,
            now,
            QuietHours.from_settings(settings),
        )
