"""Regional meetings (workshop days): what a valid meeting is, and how people write one.

Pure validation here; storage in `MeetingRepo`. Dates are typed and shown in TIMEZONE
(Europe/Paris) and stored in UTC. Used by the CLI import today, by `/reunions` next.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.questionnaire import Questionnaire
from bot.services.geo import resolve_region

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


def validate(
    raw: MeetingInput, questionnaire: Questionnaire, now: datetime, tz: ZoneInfo
) -> MeetingDraft | list[str]:
    """A meeting ready to store, or every problem found (one sentence each, in English:
    the CLI prints them; the bot translates its own prompts)."""
    errors: list[str] = []
    day = parse_date(raw.date)
    moment = parse_time(raw.time or "09:00")
    if day is None:
        errors.append(f"bad date {raw.date!r}: use YYYY-MM-DD or DD/MM/YYYY")
    if moment is None:
        errors.append(f"bad time {raw.time!r}: use HH:MM")
    starts_at = None
    if day is not None and moment is not None:
        starts_at = datetime.combine(day, moment, tzinfo=tz).astimezone(now.tzinfo)
        if starts_at <= now:
            errors.append(f"{raw.date} {raw.time} is in the past")
    city = " ".join(raw.city.split())
    if not city:
        errors.append("the city is missing")
    elif len(city) > 80:
        errors.append("the city is longer than 80 characters")
    regions: list[str] = []
    if raw.regions.strip().lower() not in NATIONAL:
        for part in raw.regions.replace(";", ",").replace("|", ",").split(","):
            if not part.strip():
                continue
            region = resolve_region(part)
            if region is None:
                errors.append(f"unknown region {part.strip()!r} (a name or an INSEE code like 84)")
            elif region.code not in regions:
                regions.append(region.code)
    theme = raw.theme.strip() or None
    if theme is not None and questionnaire.theme(theme) is None:
        keys = ", ".join(t.key for t in questionnaire.themes)
        errors.append(f"unknown theme {theme!r} (one of: {keys})")
    venue = " ".join(raw.venue.split()) or None
    if venue is not None and len(venue) > 200:
        errors.append("the venue is longer than 200 characters")
    if errors:
        return errors
    assert starts_at is not None
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


async def cancel_meeting(session, meeting_id: int) -> int | None:
    """Cancel a meeting and every reminder not yet sent; returns how many were withdrawn."""
    from sqlalchemy import update

    from storage.models import Meeting, OutboxMessage, OutboxStatus

    meeting = await session.get(Meeting, meeting_id)
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


async def reschedule_meeting(session, meeting_id: int, starts_at: datetime) -> bool:
    """Move a meeting: reminders not yet sent are withdrawn and their waves planned again for
    the new date; waves already delivered are not repeated."""
    from sqlalchemy import delete, select, update

    from storage.models import Meeting, OutboxMessage, OutboxStatus, ReminderRun

    meeting = await session.get(Meeting, meeting_id)
    if meeting is None or meeting.status != "scheduled":
        return False
    meeting.starts_at = starts_at
    for run in list(
        await session.scalars(select(ReminderRun).where(ReminderRun.meeting_id == meeting_id))
    ):
        group = f"reminder:{meeting_id}:{run.days_before}"
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.group_key == group,
                OutboxMessage.status.in_((OutboxStatus.PENDING, "claimed")),
            )
            .values(status=OutboxStatus.CANCELLED, last_error="meeting moved")
        )
        delivered = await session.scalar(
            select(OutboxMessage.id)
            .where(OutboxMessage.group_key == group, OutboxMessage.status != OutboxStatus.CANCELLED)
            .limit(1)
        )
        if run.skipped or delivered is None:  # nothing of this wave reached anyone
            await session.execute(delete(ReminderRun).where(ReminderRun.id == run.id))
    return True
