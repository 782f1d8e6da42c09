"""Regional meetings (workshop days): what a valid meeting is, and how people write one.

Pure validation here; storage in `MeetingRepo`. Dates are typed and shown in TIMEZONE
(Europe/Paris) and stored in UTC. Used by the CLI import and by `/reunions` in the bot.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.domain.geo import resolve_region
from bot.domain.questionnaire import Questionnaire

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
    """'14/03/2026 09:30' as typed in the bot (the time defaults to 09:00)."""
    parts = text.split()
    if not parts or len(parts) > 2:
        raise MeetingProblem("bad_date", text.strip())
    return parse_moment(parts[0], parts[1] if len(parts) == 2 else "", now, tz)


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


def read_csv(content: str) -> list[MeetingInput]:
    """Rows of a CSV with the header date,time,city,regions,theme,venue (`;` or `,`)."""
    dialect = csv.Sniffer().sniff(content.splitlines()[0], delimiters=",;") if content else None
    reader = csv.DictReader(io.StringIO(content), dialect=dialect) if dialect else []
    rows = []
    for row in reader:
        values = {key: (row.get(key) or "").strip() for key in CSV_COLUMNS}
        rows.append(MeetingInput(**values))
    return rows


def new_meeting(
    starts_at: datetime,
    city: str,
    regions: list[str],
    theme_key: str | None,
    venue: str | None,
    created_by: int | None,
):
    """A scheduled meeting from checked values (the bot's form; the CLI import)."""
    from storage.models import Meeting

    return Meeting(
        starts_at=starts_at,
        city=city,
        regions=list(regions),
        theme_key=theme_key,
        venue=venue,
        status="scheduled",
        created_by=created_by,
    )


async def cancel_meeting(session, meeting_id: int) -> int | None:
    """Cancel a meeting and every reminder not yet sent; returns how many were withdrawn."""
    from sqlalchemy import update

    from storage.models import Meeting, OutboxMessage, OutboxStatus

    # Locked (PostgreSQL): a reminder wave being written waits, then sees the cancellation.
    meeting = await session.get(Meeting, meeting_id, with_for_update=True)
    if meeting is None or meeting.status != "scheduled":
        return None
    meeting.status = "cancelled"
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.group_key.like(f"reminder:{meeting_id}:%"),
            OutboxMessage.status.in_((OutboxStatus.PENDING, "claimed")),
        )
        .values(status=OutboxStatus.CANCELLED, last_error="meeting cancelled")
    )
    return result.rowcount


async def update_meeting(session, meeting_id: int, **changes) -> bool:
    """Change a scheduled meeting (starts_at, city, regions, theme_key, venue). Reminders not
    yet sent were written with the old details: they are withdrawn, and their waves planned
    again (for the new date) for the people they had not reached; nobody gets a wave twice."""
    from sqlalchemy import delete, select, update

    from storage.models import Meeting, OutboxMessage, OutboxStatus, ReminderRun

    meeting = await session.get(Meeting, meeting_id, with_for_update=True)
    if meeting is None or meeting.status != "scheduled":
        return False
    for name, value in changes.items():
        setattr(meeting, name, list(value) if name == "regions" else value)
    for run in list(
        await session.scalars(select(ReminderRun).where(ReminderRun.meeting_id == meeting_id))
    ):
        group = f"reminder:{meeting_id}:{run.days_before}"
        withdrawn = await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.group_key == group,
                OutboxMessage.status.in_((OutboxStatus.PENDING, "claimed")),
            )
            .values(status=OutboxStatus.CANCELLED, last_error="meeting changed")
        )
        if run.skipped or withdrawn.rowcount:
            # Plan the wave again: the scheduler sends it (with the new details) to whoever
            # of its audience has not received this wave yet.
            await session.execute(delete(ReminderRun).where(ReminderRun.id == run.id))
    return True


async def reschedule_meeting(session, meeting_id: int, starts_at: datetime) -> bool:
    """Move a meeting (see `update_meeting`)."""
    return await update_meeting(session, meeting_id, starts_at=starts_at)
