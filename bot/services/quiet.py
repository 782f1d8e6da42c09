"""Quiet hours ("droit à la déconnexion"): when nothing but urgent messages goes out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
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

    @classmethod
    def from_settings(cls, settings) -> QuietHours:
        start, end = settings.quiet_window
        return cls(start, end, settings.quiet_sundays, settings.tz)
