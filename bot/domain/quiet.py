"""Quiet hours ("droit à la déconnexion"): when nothing but urgent messages goes out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class QuietHours:
    start: time  # e.g. 20:00
    end: time  # e.g. 08:00 (the window may cross midnight)
    sundays: bool
    tz: ZoneInfo

    def is_quiet(self, moment: datetime) -> bool:
        local = moment.astimezone(self.tz)
        if self.sundays and local.weekday() == 6:
            return True
        now = local.time()
        if self.start <= self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end

    def next_allowed(self, moment: datetime) -> datetime:
        """The first minute after `moment` outside quiet hours (Monday 08:00 on a Sunday)."""
        probe = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
        for _ in range(8 * 24 * 60):
            if not self.is_quiet(probe):
                return probe
            probe += timedelta(minutes=1)
        return probe  # quiet all week: misconfigured; say "in a week" rather than loop

    def last_allowed_at_or_before(self, moment: datetime) -> datetime:
        """`moment` if it is allowed; else the same time on the closest earlier allowed day (a
        J-1 reminder due on Sunday 10:00 goes on Saturday 10:00); else, when that time of day
        is always quiet (REMINDER_TIME inside the night), one hour before quiet hours begin on
        the closest earlier evening that allows it (19:00 for 20:00-08:00), so that a wave has
        time to go out. Never later: a reminder must not arrive after its planned moment."""
        if not self.is_quiet(moment):
            return moment
        local = moment.astimezone(self.tz).replace(tzinfo=None)
        for days_back in range(1, 8):
            # Same wall-clock time, re-attached to the zone: exact across daylight saving.
            candidate = (local - timedelta(days=days_back)).replace(tzinfo=self.tz)
            if not self.is_quiet(candidate):
                return candidate.astimezone(moment.tzinfo)
        evening = (datetime.combine(local.date(), self.start) - timedelta(hours=1)).time()
        for days_back in range(8):
            day = local.date() - timedelta(days=days_back)
            candidate = datetime.combine(day, evening, tzinfo=self.tz)
            if candidate < moment and not self.is_quiet(candidate):
                return candidate.astimezone(moment.tzinfo)
        return moment  # quiet all week: misconfigured; keep the planned time

    @classmethod
    def from_settings(cls, settings) -> QuietHours:
        start, end = settings.quiet_window
        return cls(start, end, settings.quiet_sundays, settings.tz)
