"""What a meeting reminder says to field staff (a personalised message per recipient)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _

from bot.domain.geo import get_region
from bot.domain.questionnaire import Questionnaire
from bot.i18n import format_day, format_time
from bot.views.messages import escape
from storage.models import Meeting
from storage.repositories.meetings import ReminderRecipient


def reminder_text(
    meeting: Meeting, recipient: ReminderRecipient, questionnaire: Questionnaire, tz: ZoneInfo
) -> str:
    """In the current gettext locale (the caller sets the recipient's)."""
    local = meeting.starts_at.astimezone(tz)
    when = format_day(local, recipient.language, format="full")
    place = escape(meeting.city) + (f" ({escape(meeting.venue)})" if meeting.venue else "")
    regions = ", ".join(r.name for code in meeting.regions if (r := get_region(code)))
    theme = questionnaire.theme(meeting.theme_key) if meeting.theme_key else None
    lines = [
        _("📅 <b>Regional meeting on the IAE roadmap</b>: {day} at {time}, {place}.").format(
            day=when, time=format_time(local, recipient.language), place=place
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
