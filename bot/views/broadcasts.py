"""What `/diffuser` says to admins: composing, audience, preview, progress, report.

Rendering only (gettext; user content escaped). The broadcast itself is the admin's own HTML and
is sent untouched: see `bot.services.broadcasts.broadcast_payload`.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.geo import get_department, get_region
from bot.domain.profile_options import ROLES
from bot.domain.questionnaire import Questionnaire
from bot.i18n import format_moment, format_number
from bot.services.broadcasts import DeliveryCounts, Progress
from bot.views.messages import echo, escape
from storage.repositories.audience import Audience


def progress_bar(fraction: float, width: int = 12) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "▓" * filled + "░" * (width - filled)


def ask_content() -> str:
    return _(
        "📣 <b>New broadcast</b>\n\n"
        "Send me the message exactly as people should receive it: text with Telegram "
        "formatting (bold, italics, links), or one photo or one document with a caption.\n"
        "/annuler to stop."
    )


def content_refused() -> str:
    return _(
        "A broadcast can hold text, or one photo or one document with a caption. "
        "Send one of those, or /annuler to stop."
    )


def compose_stopped() -> str:
    return _("Broadcast abandoned; nothing was sent.")


def active_broadcast(broadcast, locale: str, tz: ZoneInfo) -> str:
    if broadcast.status == "scheduled" and broadcast.due_at is not None:
        return _("📣 Broadcast #{id} is scheduled for {moment}.").format(
            id=broadcast.id, moment=format_moment(broadcast.due_at, locale, tz)
        )
    return _("📣 Broadcast #{id} is being sent.").format(id=broadcast.id)


def audience_summary(
    audience: Audience, count: int, questionnaire: Questionnaire, locale: str, threshold: int
) -> str:
    lines = [_("👥 <b>Audience</b>")]
    if audience.is_everyone:
        lines.append(_("Everyone who can be reached."))
    if audience.regions:
        names = [r.name for code in audience.regions if (r := get_region(code))]
        lines.append(_("Regions: {names}").format(names=escape(", ".join(names))))
    if audience.departments:
        names = [d.name for code in audience.departments if (d := get_department(code))]
        lines.append(_("Departments: {names}").format(names=escape(", ".join(names))))
    if audience.roles:
        names = [_(ROLES[key]) for key in audience.roles if key in ROLES]
        lines.append(_("Roles: {names}").format(names=escape(", ".join(names))))
    if audience.missing_theme and (theme := questionnaire.theme(audience.missing_theme)):
        lines.append(
            _("Has not yet contributed to theme {number}").format(number=theme.number)
            + f" ({escape(theme.title.get(locale))})"
        )
    if audience.inactive_days:
        lines.append(
            ngettext(
                "Inactive for at least {days} day (no answer saved)",
                "Inactive for at least {days} days (no answer saved)",
                audience.inactive_days,
            ).format(days=audience.inactive_days)
        )
    lines.append("")
    lines.append(recipient_count(count, locale, threshold))
    return "\n".join(lines)


def recipient_count(count: int, locale: str, threshold: int) -> str:
    """An audience below the small-group threshold is "fewer than N": combining filters must
    not count people one by one (docs/privacy.md)."""
    if count < threshold:
        return _("Fewer than {threshold} people will receive it.").format(threshold=threshold)
    return ngettext(
        "<b>{count}</b> person will receive it.",
        "<b>{count}</b> people will receive it.",
        count,
    ).format(count=format_number(count, locale))


def choose_regions() -> str:
    return _("Tick the regions to reach (none ticked: every region).")


def choose_roles() -> str:
    return _("Tick the roles to reach (none ticked: every role).")


def choose_missing_theme() -> str:
    return _("Reach only people who have not yet submitted a contribution on this theme:")


def choose_inactive() -> str:
    return _("Reach only people with no answer saved for at least:")


def ask_departments() -> str:
    return _(
        "Type the departments to reach, as codes or names separated by commas "
        "(for example <code>38, 73, Rhône</code>). Send <code>0</code> for every department."
    )


def departments_unknown(values: list[str]) -> str:
    return _("I don't know these departments: {values}. Type them again.").format(
        values=echo(", ".join(values), limit=200)
    )


def album_first_item_only() -> str:
    return _(
        "This was an album: only its first item is kept for the broadcast (a broadcast holds one "
        "photo or one document). To send the others, make one broadcast for each."
    )


def preview_intro() -> str:
    return _("👁 <b>Preview</b>: the next message is exactly what recipients will receive.")


def preview_summary(count: int, urgent: bool, locale: str, threshold: int) -> str:
    lines = ["⬆️ " + recipient_count(count, locale, threshold)]
    if urgent:
        lines.append(_("⚠️ Urgent: delivered even during quiet hours."))
    else:
        lines.append(_("Quiet hours are respected: nothing is delivered at night or on Sundays."))
    return "\n".join(lines)


def ask_schedule(example: str) -> str:
    return _(
        "When should it go out? Type a date and a time, for example <code>{example}</code>."
    ).format(example=example)


def schedule_error(reason: str, example: str) -> str:
    if reason == "past":
        return _("That moment has passed. Type a date and time in the future.")
    if reason == "too_far":
        return _("That is more than 90 days away. Choose a closer date.")
    return _("I could not read that. Type a date and a time like <code>{example}</code>.").format(
        example=example
    )


def confirm_now(count: int, locale: str, threshold: int) -> str:
    if count < threshold:
        return _("Send it now to fewer than {threshold} people?").format(threshold=threshold)
    return ngettext(
        "Send it now to {count} person?",
        "Send it now to {count} people?",
        count,
    ).format(count=format_number(count, locale))


def confirm_at(count: int, due_at: datetime, locale: str, tz: ZoneInfo, threshold: int) -> str:
    if count < threshold:
        return _(
            "Send it on {moment} to fewer than {threshold} people? (The audience is counted "
            "again then.)"
        ).format(moment=format_moment(due_at, locale, tz), threshold=threshold)
    return ngettext(
        "Send it on {moment} to {count} person? (The audience is counted again then.)",
        "Send it on {moment} to {count} people? (The audience is counted again then.)",
        count,
    ).format(count=format_number(count, locale), moment=format_moment(due_at, locale, tz))


def nobody_to_reach() -> str:
    return _("Nobody matches this audience. Change it before sending.")


def scheduled(broadcast_id: int, due_at: datetime, locale: str, tz: ZoneInfo) -> str:
    return _("📣 Broadcast #{id} is scheduled for {moment}.").format(
        id=broadcast_id, moment=format_moment(due_at, locale, tz)
    )


def starting(broadcast_id: int) -> str:
    return _("📣 Broadcast #{id} is starting…").format(id=broadcast_id)


def progress(
    broadcast_id: int,
    progress: Progress,
    locale: str,
    threshold: int,
    quiet_until: str | None = None,
) -> str:
    lines = [_("📣 <b>Broadcast #{id}</b> is being sent").format(id=broadcast_id)]
    if progress.total < threshold:  # a bar or a ratio would count the people one by one
        lines.append(few_recipients(threshold))
    else:
        lines += [
            f"{progress_bar(progress.fraction)} {round(progress.fraction * 100)} %",
            _("{done} / {total} handled").format(
                done=format_number(progress.done, locale),
                total=format_number(progress.total, locale),
            ),
        ]
    if quiet_until is not None:
        lines.append(_("⏸ Quiet hours: delivery resumes {moment}.").format(moment=quiet_until))
    elif progress.rate is not None and progress.seconds_left is not None:
        lines.append(
            _("{rate} messages/s · about {minutes} min left").format(
                rate=format_number(round(progress.rate, 1), locale),
                minutes=format_number(max(1, round(progress.seconds_left / 60)), locale),
            )
        )
    return "\n".join(lines)


def finished(broadcast_id: int, counts: DeliveryCounts, locale: str) -> str:
    return _("✅ Broadcast #{id} finished.").format(id=broadcast_id) + "\n" + progress_bar(1.0)


def few_recipients(threshold: int) -> str:
    return _("Fewer than {threshold} recipients: the counts are not shown.").format(
        threshold=threshold
    )


def report(broadcast_id: int, counts: DeliveryCounts, locale: str, threshold: int) -> str:
    title = _("📊 <b>Report of broadcast #{id}</b>").format(id=broadcast_id)
    if counts.total < threshold:
        lines = [title, few_recipients(threshold)]
        if counts.failed or counts.unknown:
            lines.append(_("Some messages failed: you can send them again."))
        return "\n".join(lines)
    lines = [
        title,
        _("Delivered: {count}").format(count=format_number(counts.sent, locale)),
        _("Blocked the bot: {count}").format(count=format_number(counts.blocked, locale)),
        _("Failed: {count}").format(count=format_number(counts.failed, locale)),
    ]
    if counts.unknown:
        lines.append(
            _("Outcome unknown (perhaps delivered): {count}").format(
                count=format_number(counts.unknown, locale)
            )
        )
    if counts.cancelled:
        lines.append(_("Withdrawn: {count}").format(count=format_number(counts.cancelled, locale)))
    if counts.waiting:  # cancelled while these were in their Bot API call
        lines.append(
            _("Still being sent: {count}").format(count=format_number(counts.waiting, locale))
        )
    return "\n".join(lines)


def cancel_confirm(broadcast_id: int) -> str:
    return _("Cancel broadcast #{id}? Messages not yet sent will be withdrawn.").format(
        id=broadcast_id
    )


def cancelled(broadcast_id: int, counts: DeliveryCounts, locale: str, threshold: int) -> str:
    return (
        _("✖️ Broadcast #{id} cancelled.").format(id=broadcast_id)
        + "\n"
        + report(broadcast_id, counts, locale, threshold)
    )


def resend_uncertain_confirm(count: int) -> str:
    return ngettext(
        "Send again the {count} message whose outcome is unknown? Telegram may have delivered "
        "it: that person could get it twice.",
        "Send again the {count} messages whose outcome is unknown? Telegram may have delivered "
        "some: those people could get them twice.",
        count,
    ).format(count=count)


def resend_declined() -> str:
    return _("Nothing is sent again.")


def retrying(count: int) -> str:
    return ngettext(
        "🔁 {count} failed message is queued again.",
        "🔁 {count} failed messages are queued again.",
        count,
    ).format(count=count)


def nothing_to_retry() -> str:
    return _("Nothing to retry: no failed message, or the broadcast is still running.")


def discarded() -> str:
    return _("Draft discarded; nothing was sent.")


def content_refused_typed() -> str:
    return _("Type your answer as a text message, or /annuler to stop.")


def cancel_kept(broadcast_id: int) -> str:
    return _("Broadcast #{id} goes on.").format(id=broadcast_id)


def already_over(broadcast_id: int) -> str:
    return _("Broadcast #{id} is already finished or cancelled.").format(id=broadcast_id)
