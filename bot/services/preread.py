"""Workshop pre-reads: what a meeting's region(s) said, for its organisers and the admins.

The same package as a digest (counts by theme, concrete proposals scrubbed and attributed
coarsely, voice-note count, the XLSX), scoped to the meeting's regions and to everything
submitted so far. Sent `PREREAD_DAYS` before the meeting at REMINDER_TIME, and on demand.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from aiogram.utils.i18n import gettext as _
from babel.dates import format_date
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.domain.geo import get_region
from bot.domain.questionnaire import Questionnaire
from bot.domain.quiet import QuietHours
from bot.services.digest import DigestPackage
from bot.services.profile import PRIVACY_VERSION
from storage.models import Meeting, User
from storage.reports import Scope


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


async def preread_recipients(session: AsyncSession, settings: Settings) -> list[User]:
    """Organisers and admins who accepted the privacy notice and can be reached."""
    rows = await session.scalars(
        select(User)
        .where(
            or_(User.is_organiser, User.is_admin, User.id.in_(settings.admin_ids)),
            User.is_active,
            User.privacy_version >= PRIVACY_VERSION,  # nothing until a new notice is accepted
        )
        .order_by(User.id)
    )
    return list(rows)


def preread_header(meeting: Meeting, locale: str, settings: Settings) -> str:
    from bot.views.messages import escape

    local = meeting.starts_at.astimezone(settings.tz)
    regions = ", ".join(r.name for code in meeting.regions if (r := get_region(code)))
    return _("📄 <b>Pre-read</b> for the meeting in {city}, {day} at {time} ({regions}).").format(
        city=escape(meeting.city),
        day=format_date(local.date(), format="full", locale=locale),
        time=local.strftime("%H:%M"),
        regions=escape(regions) if regions else _("national"),
    )


async def build_preread(
    settings: Settings, questionnaire: Questionnaire, meeting: Meeting, now: datetime, locale: str
) -> DigestPackage:
    from bot.services.organiser import build_package_in_worker

    package = await build_package_in_worker(
        settings, questionnaire, preread_scope(meeting, now), locale
    )
    from bot.i18n import use_locale

    with use_locale(locale, settings.default_locale):
        header = preread_header(meeting, locale, settings)
    package.texts = [header, *package.texts]
    package.filename_stem = f"relais-prelecture-{meeting.id}"
    return package


async def planned_sends(
    session: AsyncSession, meeting: Meeting, settings: Settings, now: datetime
) -> list:
    """A meeting's reminder waves and pre-read: when each is due and whether it went out."""
    from bot.services.reminders import reminder_plan
    from storage.models import PrereadRun, ReminderRun

    runs = list(
        await session.scalars(select(ReminderRun).where(ReminderRun.meeting_id == meeting.id))
    )
    preread_sent = await session.scalar(
        select(PrereadRun.id).where(PrereadRun.meeting_id == meeting.id)
    )
    return reminder_plan(
        meeting,
        runs,
        preread_sent is not None,
        settings.reminder_days,
        time.fromisoformat(settings.reminder_time),
        preread_due_at(meeting, settings),
        settings.tz,
        now,
        QuietHours.from_settings(settings),
    )
