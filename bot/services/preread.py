"""Workshop pre-reads: what a meeting's region(s) said, for its organisers and the admins.

The same package as a digest (counts by theme, concrete proposals scrubbed and attributed
coarsely, voice-note count, the XLSX), scoped to the meeting's regions and to everything
submitted so far. Sent `PREREAD_DAYS` before the meeting at REMINDER_TIME, and on demand.
bot/jobs/outputs.py builds it; bot/views/digest.py writes its header.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.config import Settings
from bot.domain.quiet import QuietHours
from bot.services.profile import PRIVACY_VERSION
from storage.models import Meeting, User
from storage.reports import Scope
from storage.repositories.jobs import PrereadRunRepo
from storage.unit_of_work import UnitOfWork


def preread_due_at(meeting: Meeting, settings: Settings) -> datetime:
    """PREREAD_DAYS before the meeting at REMINDER_TIME, moved earlier out of quiet hours."""
    local_day = meeting.starts_at.astimezone(settings.tz).date() - timedelta(
        days=settings.preread_days
    )
    at = time.fromisoformat(settings.reminder_time)
    planned = datetime.combine(local_day, at, tzinfo=settings.tz).astimezone(
        meeting.starts_at.tzinfo
    )
    return QuietHours.from_settings(settings).last_allowed_at_or_before(planned)


def preread_scope(meeting: Meeting, now: datetime) -> Scope:
    return Scope(end=now, regions=tuple(meeting.regions or ()))


async def preread_recipients(session: UnitOfWork, settings: Settings) -> list[User]:
    """Organisers and admins who accepted the privacy notice and can be reached."""
    return await PrereadRunRepo(session).recipients(settings.admin_ids, PRIVACY_VERSION)
