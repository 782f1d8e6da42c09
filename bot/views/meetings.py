"""What `/reunions` says to admins: the calendar, a meeting's entry, adding and editing one."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import get_i18n, ngettext
from aiogram.utils.i18n import gettext as _

from bot.domain.geo import get_region
from bot.domain.questionnaire import Questionnaire
from bot.i18n import format_day, format_moment, format_time
from bot.services.meetings import MeetingProblem
from bot.services.reminders import PlannedSend
from bot.views.messages import echo, escape
from storage.models import Meeting


def meeting_label(meeting: Meeting, tz: ZoneInfo, locale: str | None = None) -> str:
    """A meeting in a list or a button: "14/03 9 h 30 Grenoble" (not escaped); `locale`: the
    current gettext locale when not given."""
    local = meeting.starts_at.astimezone(tz)
    when = format_time(local, locale or get_i18n().current_locale)
    return f"{local:%d/%m} {when} {meeting.city}"


def meetings_list(labels: list[tuple[int, str]]) -> str:
    """`labels`: (meeting id, `meeting_label`) in date order."""
    if not labels:
        # No shell command here: importing a calendar is the operators' job (README).
        return _("No upcoming meeting. Add one with the button below.")
    lines = [f"• #{meeting_id} {escape(label)}" for meeting_id, label in labels]
    return _("📅 <b>Upcoming meetings</b>") + "\n" + "\n".join(lines)


def details(
    starts_at: datetime,
    city: str,
    regions: list[str] | tuple[str, ...],
    theme_key: str | None,
    venue: str | None,
    questionnaire: Questionnaire,
    locale: str,
    tz: ZoneInfo,
) -> str:
    names = [r.name for code in regions if (r := get_region(code))]
    theme = questionnaire.theme(theme_key) if theme_key else None
    lines = [
        _("When: {moment}").format(moment=format_moment(starts_at, locale, tz, format="full")),
        _("Where: {city}").format(city=escape(city)) + (f" — {escape(venue)}" if venue else ""),
        _("Regions: {names}").format(names=escape(", ".join(names)))
        if names
        else _("National meeting (every region)"),
        _("Theme focus: {theme}").format(theme=f"{theme.number}. {theme.title.get(locale)}")
        if theme
        else _("No theme focus"),
    ]
    return "\n".join(lines)


def entry(meeting_id: int, details_text: str, plan: list[PlannedSend], locale: str, tz) -> str:
    lines = [_("📅 <b>Meeting #{id}</b>").format(id=meeting_id), details_text, ""]
    lines.append(_("<b>Reminders and pre-read</b>"))
    for item in plan:
        what = (
            _("Pre-read")
            if item.days_before is None
            else _("Reminder D-{days}").format(days=item.days_before)
        )
        when = format_moment(item.due_at, locale, tz, format="MMMEd")
        lines.append(
            _("• {what}, {when}: {state}").format(what=what, when=when, state=_state(item))
        )
    return "\n".join(lines)


def _state(item: PlannedSend) -> str:
    if item.state == "sent" and item.recipients is not None:
        return ngettext("sent to {count} person", "sent to {count} people", item.recipients).format(
            count=item.recipients
        )
    return {
        "sent": _("sent"),
        "skipped": _("skipped (a later reminder went out instead)"),
        "due": _("going out now"),
        "planned": _("planned"),
    }[item.state]


def ask_when(example: str) -> str:
    return _(
        "📅 <b>New meeting</b>\nDate and time (Paris time), for example <code>{example}</code>. "
        "/annuler to stop."
    ).format(example=example)


def ask_when_again(example: str) -> str:
    return _("New date and time (Paris time), for example <code>{example}</code>.").format(
        example=example
    )


def ask_city() -> str:
    return _("City of the meeting (for example Grenoble)?")


def ask_regions() -> str:
    return _("Tick the regions whose field staff are invited (none ticked: a national meeting).")


def ask_theme() -> str:
    return _("Does the meeting focus on one theme? Reminders will open that theme.")


def ask_venue() -> str:
    return _("Venue or video link (optional, 200 characters at most):")


def when_examples(today: date, locale: str, ahead: int = 21) -> tuple[str, str]:
    """Two ways to type a date and time `ahead` days after `today` (never a past example): in
    words ("23 décembre 9 h 30") and in figures ("23/12/2026 14 h 00")."""
    day = today + timedelta(days=ahead)
    words = f"{format_day(day, locale, format='d MMMM')} {format_time(time(9, 30), locale)}"
    return words, f"{day:%d/%m/%Y} {format_time(time(14, 0), locale)}"


def problem(error: MeetingProblem, today: date, locale: str) -> str:
    """`today`: in TIMEZONE, for the examples."""
    value = echo(error.value)
    example, numeric = (f"<code>{escape(text)}</code>" for text in when_examples(today, locale))
    messages = {
        "bad_date": _(
            "I could not read the date {value}. Write it for example {example} or {numeric} "
            "(without a year: its next occurrence)."
        ),
        "bad_time": _("I could not read the time {value}. Write it like 9h30 or 14:00."),
        "past": _("{value} is in the past. Choose a date to come."),
        "no_city": _("The city is missing."),
        "long_city": _("The city is longer than 80 characters."),
        "unknown_region": _("I don't know the region {value}."),
        "unknown_theme": _("I don't know the theme {value}."),
        "long_venue": _("The venue is longer than 200 characters."),
    }
    return messages[error.code].format(value=value, example=example, numeric=numeric)


def type_text() -> str:
    return _("Type your answer as a text message, or /annuler to stop.")


def use_buttons() -> str:
    return _("Please use the buttons above, or /annuler to stop.")


def confirm_new(details_text: str) -> str:
    return _("Add this meeting?") + "\n\n" + details_text


def added(meeting_id: int) -> str:
    return _("✅ Meeting #{id} added. Reminders are planned as below.").format(id=meeting_id)


def updated(meeting_id: int) -> str:
    return _("✅ Meeting #{id} updated. Reminders not yet sent will use the new details.").format(
        id=meeting_id
    )


def choose_field() -> str:
    return _("What do you want to change?")


def form_stopped() -> str:
    return _("Stopped; the calendar is unchanged.")


def cancel_confirm(label: str) -> str:
    return _("Cancel the meeting {meeting}? Reminders not yet sent will be withdrawn.").format(
        meeting=escape(label)
    )


def cancelled(label: str, withdrawn: int) -> str:
    return ngettext(
        "Meeting {meeting} cancelled; {count} pending reminder withdrawn.",
        "Meeting {meeting} cancelled; {count} pending reminders withdrawn.",
        withdrawn,
    ).format(meeting=escape(label), count=withdrawn)
