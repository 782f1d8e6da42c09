"""Meeting reminders: when each wave is due, and what an admin sees planned.

A wave is (meeting, days before). It is due at REMINDER_TIME (Paris) that many days before the
meeting's local date, and only until the meeting starts. If the bot was down through an earlier
wave and a later one is due too, only the later one goes out: nobody gets two reminders at once.
Who receives a wave is `MeetingRepo.reminder_recipients`; what it says, bot/views/reminders.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.quiet import QuietHours
from storage.models import Meeting, ReminderRun


def wave_due_at(
    meeting: Meeting,
    days_before: int,
    at: time,
    tz: ZoneInfo,
    quiet: QuietHours | None = None,
) -> datetime:
    """When a wave goes: `days_before` the meeting at `at`, moved *earlier* to the last allowed
    moment when that falls in quiet hours (a reminder held until the morning could arrive on
    the day of the meeting, or after it)."""
    local_day = meeting.starts_at.astimezone(tz).date() - timedelta(days=days_before)
    planned = datetime.combine(local_day, at, tzinfo=tz).astimezone(meeting.starts_at.tzinfo)
    return quiet.last_allowed_at_or_before(planned) if quiet else planned


def due_waves(
    meeting: Meeting,
    days: tuple[int, ...],
    at: time,
    tz: ZoneInfo,
    now: datetime,
    quiet: QuietHours | None = None,
) -> tuple[int | None, list[int]]:
    """(the wave to send now, the earlier waves it supersedes); (None, []) if none is due."""
    if meeting.status != "scheduled" or meeting.starts_at <= now:
        return None, []
    due = sorted((d for d in days if wave_due_at(meeting, d, at, tz, quiet) <= now), reverse=True)
    if not due:
        return None, []
    return due[-1], due[:-1]  # the closest to the meeting wins


@dataclass(frozen=True)
class PlannedSend:
    """One reminder wave (days_before) or the pre-read (days_before None) of a meeting."""

    days_before: int | None
    due_at: datetime
    state: str  # planned | due (goes out at the next tick) | sent | skipped
    recipients: int | None = None


def reminder_plan(
    meeting: Meeting,
    runs: list[ReminderRun],
    preread_sent: bool,
    days: tuple[int, ...],
    at: time,
    preread_at: datetime,
    tz: ZoneInfo,
    now: datetime,
    quiet: QuietHours | None = None,
) -> list[PlannedSend]:
    """What an admin sees on a meeting's entry: each wave and the pre-read, in time order,
    at the times they really go (quiet hours moved them earlier)."""
    by_wave = {run.days_before: run for run in runs}
    plan = []
    for wave in sorted(days, reverse=True):
        due_at = wave_due_at(meeting, wave, at, tz, quiet)
        if due_at >= meeting.starts_at:
            continue  # a wave later than the meeting itself is never sent
        run = by_wave.get(wave)
        if run is not None:
            state = "skipped" if run.skipped else "sent"
            plan.append(PlannedSend(wave, due_at, state, None if run.skipped else run.recipients))
        else:
            plan.append(PlannedSend(wave, due_at, "due" if due_at <= now else "planned"))
    preread_state = "sent" if preread_sent else ("due" if preread_at <= now else "planned")
    plan.append(PlannedSend(None, preread_at, preread_state))
    return sorted(plan, key=lambda item: item.due_at)
