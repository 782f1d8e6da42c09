"""Meeting reminders: when each wave is due, who receives it, what it says.

A wave is (meeting, days before). It is due at REMINDER_TIME (Paris) that many days before the
meeting's local date, and only until the meeting starts. If the bot was down through an earlier
wave and a later one is due too, only the later one goes out: nobody gets two reminders at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from babel.dates import format_date
from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.geo import get_region
from bot.domain.questionnaire import Questionnaire
from bot.domain.quiet import QuietHours
from storage.models import Contribution, ContributionStatus, Meeting, User


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
class Recipient:
    user_id: int
    language: str
    contributed: bool  # already submitted on the meeting's theme (or on any theme)


async def audience(session: AsyncSession, meeting: Meeting) -> list[Recipient]:
    """Field staff of the meeting's regions (everyone for a national meeting) who can be
    reached and did not mute reminders."""
    submitted = exists().where(
        Contribution.user_id == User.id, Contribution.status == ContributionStatus.SUBMITTED
    )
    if meeting.theme_key:
        submitted = submitted.where(Contribution.theme_key == meeting.theme_key)
    query = select(User.id, User.language, submitted).where(
        User.is_active, ~User.reminders_muted, User.role.is_not(None)
    )
    if meeting.regions:
        query = query.where(User.region_code.in_(meeting.regions))
    rows = await session.execute(query.order_by(User.id))
    return [Recipient(user_id, language, bool(done)) for user_id, language, done in rows]


def reminder_text(
    meeting: Meeting, recipient: Recipient, questionnaire: Questionnaire, tz: ZoneInfo
) -> str:
    """In the current gettext locale (the caller sets the recipient's)."""
    from bot.views.messages import escape

    local = meeting.starts_at.astimezone(tz)
    when = format_date(local.date(), format="full", locale=recipient.language)
    place = escape(meeting.city) + (f" ({escape(meeting.venue)})" if meeting.venue else "")
    regions = ", ".join(r.name for code in meeting.regions if (r := get_region(code)))
    theme = questionnaire.theme(meeting.theme_key) if meeting.theme_key else None
    lines = [
        _("📅 <b>Regional meeting on the IAE roadmap</b>: {day} at {time}, {place}.").format(
            day=when, time=local.strftime("%H:%M"), place=place
        )
    ]
    if regions:
        lines.append(_("For: {regions}.").format(regions=escape(regions)))
    if theme:
        lines.append(_("Focus: {theme}.").format(theme=escape(theme.title.get(recipient.language))))
    if recipient.contributed:
        lines.append(
            _(
                "🙏 Thank you for your contribution: it will be read before the meeting. "
                "You can still add to it with /mescontributions."
            )
        )
    else:
        lines.append(
            _(
                "Can't attend? Your experience counts all the same: a few minutes to "
                "contribute before the meeting, and it will be read there."
            )
        )
    lines.append(_("/rappels to stop these reminders."))
    return "\n".join(lines)


def reminder_keyboard(meeting: Meeting, recipient: Recipient) -> InlineKeyboardMarkup | None:
    from bot.keyboards.buttons import InlineKeyboardBuilder
    from bot.keyboards.callbacks import MenuCB, ThemeCB

    if recipient.contributed:
        return None
    builder = InlineKeyboardBuilder()
    data = ThemeCB(key=meeting.theme_key) if meeting.theme_key else MenuCB(action="contribute")
    builder.button(text=_("✍️ Contribute now"), callback_data=data)
    return builder.as_markup()


@dataclass(frozen=True)
class PlannedSend:
    """One reminder wave (days_before) or the pre-read (days_before None) of a meeting."""

    days_before: int | None
    due_at: datetime
    state: str  # planned | due (goes out at the next tick) | sent | skipped
    recipients: int | None = None


def reminder_plan(
    meeting: Meeting,
    runs: list,
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
