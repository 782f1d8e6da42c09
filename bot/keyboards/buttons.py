"""Inline keyboards and their callback data (short prefixes: Telegram allows 64 bytes).

Every button that acts on a contribution carries its id and the question it was drawn for, so the
service can tell a live button from a stale or forged one.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.config import SUPPORTED_LOCALES, language_name
from bot.domain.geo import Department, department_label
from bot.domain.profile_options import ROLES, STRUCTURE_TYPES
from bot.domain.questionnaire import Question, Questionnaire, Theme
from bot.keyboards.callbacks import (
    AnswerCB,
    BroadcastCB,
    ConsentCB,
    DepartmentCB,
    ExportCB,
    ForgetCB,
    LanguageCB,
    MeetingCB,
    MenuCB,
    MineCB,
    NoticeCB,
    OrganiserCB,
    ProfileCB,
    ReviewCB,
    RoleCB,
    StructureTypeCB,
    SubscriptionCB,
    ThemeCB,
    VoiceCB,
    VoiceChoiceCB,
    VoiceSource,
)


class InlineKeyboardBuilder:
    """The subset of aiogram's builder used here, without its per-button deep copies
    (they cost ~0.1 ms a button on a small VM, and a question has up to 12 buttons)."""

    def __init__(self) -> None:
        self._buttons: list[InlineKeyboardButton] = []
        self._sizes: tuple[int, ...] = (1,)

    def button(self, *, text: str, callback_data: CallbackData) -> None:
        self._buttons.append(InlineKeyboardButton(text=text, callback_data=callback_data.pack()))

    def adjust(self, *sizes: int) -> InlineKeyboardBuilder:
        """Row sizes in order; the last size repeats for the remaining buttons."""
        self._sizes = tuple(size for size in sizes if size > 0) or (1,)
        return self

    def as_markup(self) -> InlineKeyboardMarkup:
        rows: list[list[InlineKeyboardButton]] = []
        position, index = 0, 0
        while position < len(self._buttons):
            size = self._sizes[min(index, len(self._sizes) - 1)]
            rows.append(self._buttons[position : position + size])
            position, index = position + size, index + 1
        return InlineKeyboardMarkup(inline_keyboard=rows)


def notice_keyboard(version: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=_("✅ I accept"), callback_data=NoticeCB(version=version, accept=True))
    kb.button(text=_("Not now"), callback_data=NoticeCB(version=version, accept=False))
    return kb.adjust(2).as_markup()


def consent_keyboard(invite: str | None = None) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=_("✅ I agree"), callback_data=ConsentCB(accept=True, invite=invite or ""))
    kb.button(text=_("Not now"), callback_data=ConsentCB(accept=False))
    return kb.adjust(1).as_markup()


def language_keyboard() -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for code in SUPPORTED_LOCALES:  # the catalogs in locales/: a new one is a new button
        kb.button(text=language_name(code), callback_data=LanguageCB(code=code))
    return kb.adjust(2).as_markup()


def structure_type_keyboard() -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for key, label in STRUCTURE_TYPES.items():
        kb.button(text=_(label), callback_data=StructureTypeCB(key=key))
    return kb.adjust(1).as_markup()


def role_keyboard() -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for key, label in ROLES.items():
        kb.button(text=_(label), callback_data=RoleCB(key=key))
    return kb.adjust(1).as_markup()


def department_suggestions_keyboard(suggestions: tuple[Department, ...]) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for department in suggestions:
        kb.button(
            text=department_label(department), callback_data=DepartmentCB(code=department.code)
        )
    return kb.adjust(1).as_markup()


def main_menu_keyboard() -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=_("✍️ Contribute"), callback_data=MenuCB(action="contribute"))
    kb.button(text=_("📋 My contributions"), callback_data=MenuCB(action="mine"))
    kb.button(text=_("👤 My profile"), callback_data=MenuCB(action="profile"))
    kb.button(text=_("🔒 My data"), callback_data=MenuCB(action="privacy"))
    return kb.adjust(2).as_markup()


def profile_keyboard() -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=_("Language"), callback_data=ProfileCB(field="language"))
    kb.button(text=_("Type of structure"), callback_data=ProfileCB(field="structure_type"))
    kb.button(text=_("Structure name"), callback_data=ProfileCB(field="structure_name"))
    kb.button(text=_("Department"), callback_data=ProfileCB(field="department"))
    kb.button(text=_("Role"), callback_data=ProfileCB(field="role"))
    kb.button(text=_("🎤 Voice notes"), callback_data=ProfileCB(field="voice"))
    return kb.adjust(2).as_markup()


def themes_keyboard(
    questionnaire: Questionnaire, locale: str, marks: dict[str, str]
) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for theme in questionnaire.themes:
        mark = marks.get(theme.key, "")
        text = f"{theme.number}. {theme.title.get(locale)}{mark}"
        kb.button(text=text, callback_data=ThemeCB(key=theme.key))
    return kb.adjust(1).as_markup()


def question_keyboard(
    contribution_id: int,
    question: Question,
    locale: str,
    *,
    mask: int = 0,
    can_go_back: bool,
    pause_is_cancel: bool = False,
) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    sizes: list[int] = []

    def cb(action: str, index: int = 0, selection: int = 0) -> AnswerCB:
        return AnswerCB(cid=contribution_id, q=question.key, a=action, i=index, m=selection)

    if question.kind == "single":
        for index, option in enumerate(question.options):
            kb.button(text=option.label.get(locale), callback_data=cb("o", index))
            sizes.append(1)
    elif question.kind == "multi":
        for index, option in enumerate(question.options):
            ticked = "☑️ " if mask & (1 << index) else "⬜ "
            kb.button(text=ticked + option.label.get(locale), callback_data=cb("t", index, mask))
            sizes.append(1)
        kb.button(text=_("✅ Validate"), callback_data=cb("v", 0, mask))
        sizes.append(1)
    elif question.kind == "scale":
        for value in range(1, 6):
            kb.button(text=str(value), callback_data=cb("s", value))
        sizes.append(5)
    navigation = 0
    if can_go_back:
        kb.button(text=_("⬅️ Back"), callback_data=cb("b"))
        navigation += 1
    if question.optional:
        kb.button(text=_("⏭ Skip"), callback_data=cb("k"))
        navigation += 1
    pause_label = _("✖️ Cancel") if pause_is_cancel else _("⏸ Pause")
    kb.button(text=pause_label, callback_data=cb("p"))
    navigation += 1
    sizes.append(navigation)
    return kb.adjust(*sizes).as_markup()


def review_keyboard(contribution_id: int, theme: Theme) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for number, question in enumerate(theme.questions, start=1):
        kb.button(
            text=_("✏️ {number}").format(number=number),
            callback_data=ReviewCB(cid=contribution_id, a="e", q=question.key),
        )
    kb.button(
        text=_("📨 Submit my contribution"), callback_data=ReviewCB(cid=contribution_id, a="s")
    )
    return kb.adjust(
        *([5] * (len(theme.questions) // 5)), len(theme.questions) % 5 or 1, 1
    ).as_markup()


def my_contributions_keyboard(items: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for contribution_id, label in items:
        kb.button(text=label, callback_data=MineCB(cid=contribution_id, a="v"))
    return kb.adjust(1).as_markup()


def contribution_keyboard(contribution_id: int, *, withdrawn: bool) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    if not withdrawn:
        kb.button(text=_("✏️ Edit an answer"), callback_data=MineCB(cid=contribution_id, a="e"))
        kb.button(text=_("🗑 Withdraw"), callback_data=MineCB(cid=contribution_id, a="w"))
    kb.button(text=_("⬅️ My contributions"), callback_data=MineCB(cid=0, a="l"))
    return kb.adjust(1).as_markup()


def edit_question_keyboard(contribution_id: int, theme: Theme) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for number, question in enumerate(theme.questions, start=1):
        kb.button(
            text=str(number), callback_data=MineCB(cid=contribution_id, a="q", q=question.key)
        )
    kb.button(text=_("⬅️ Back"), callback_data=MineCB(cid=contribution_id, a="v"))
    return kb.adjust(5, 1).as_markup()


def withdraw_confirm_keyboard(contribution_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=_("Yes, withdraw it"), callback_data=MineCB(cid=contribution_id, a="W"))
    kb.button(text=_("No, keep it"), callback_data=MineCB(cid=contribution_id, a="v"))
    return kb.adjust(1).as_markup()


def voice_choice_keyboard() -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=_("🎤 Keep my voice notes"), callback_data=VoiceChoiceCB(keep=True))
    kb.button(text=_("⌨️ I will type instead"), callback_data=VoiceChoiceCB(keep=False))
    return kb.adjust(1).as_markup()


def forget_confirm_keyboard() -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=_("Yes, erase everything"), callback_data=ForgetCB(confirm=True))
    kb.button(text=_("No, cancel"), callback_data=ForgetCB(confirm=False))
    return kb.adjust(1).as_markup()


def voice_notes_keyboard(source: VoiceSource, ref: int, count: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=_("🎧 Listen to the voice notes ({count})").format(count=count),
        callback_data=VoiceCB(source=source, ref=ref),
    )
    return kb.as_markup()


def subscription_keyboard(
    subscription, questionnaire: Questionnaire, locale: str
) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    labels = {"daily": _("Daily"), "weekly": _("Weekly (Monday)"), "off": _("Off")}
    for value, label in labels.items():
        mark = "● " if subscription.frequency == value else ""
        kb.button(text=mark + label, callback_data=SubscriptionCB(a="f", v=value))
    for hour in (7, 8, 9, 12, 14, 17, 18):
        mark = "● " if subscription.hour == hour else ""
        kb.button(text=f"{mark}{hour:02d}:00", callback_data=SubscriptionCB(a="h", v=str(hour)))
    for theme in questionnaire.themes:
        on = not subscription.themes or theme.key in subscription.themes
        kb.button(
            text=("☑️ " if on else "⬜ ") + f"{theme.number}. {theme.title.get(locale)}",
            callback_data=SubscriptionCB(a="t", v=theme.key),
        )
    regions = len(subscription.regions or [])
    label = _("Regions: all") if not regions else _("Regions: {count} chosen").format(count=regions)
    kb.button(text="🗺 " + label, callback_data=SubscriptionCB(a="r"))
    return kb.adjust(3, 4, 3, 1, 1, 1, 1).as_markup()


def regions_keyboard(chosen: list[str], callback) -> InlineKeyboardMarkup:
    """Toggle regions; `callback(action, value)` builds each button's data."""
    from bot.domain.geo import all_regions

    kb = InlineKeyboardBuilder()
    kb.button(text=("● " if not chosen else "") + _("All regions"), callback_data=callback("x", ""))
    for region in all_regions():
        mark = "☑️ " if region.code in chosen else "⬜ "
        kb.button(text=mark + region.name, callback_data=callback("g", region.code))
    kb.button(text=_("✅ Done"), callback_data=callback("d", ""))
    return kb.adjust(1, 2).as_markup()


def export_keyboard(
    state: ExportCB, questionnaire: Questionnaire, locale: str
) -> InlineKeyboardMarkup:
    from bot.domain.geo import all_regions

    kb = InlineKeyboardBuilder()

    def cb(action: str, index: int = 0, **changes) -> ExportCB:
        values = {"t": state.t, "r": state.r, "p": state.p, "a": action, "i": index}
        values.update(changes)
        return ExportCB(**values)

    for index, theme in enumerate(questionnaire.themes):
        on = not state.t or state.t & (1 << index)
        kb.button(
            text=("☑️ " if on else "⬜ ") + f"{theme.number}. {theme.title.get(locale)}",
            callback_data=cb("t", index),
        )
    periods = {"7": _("7 days"), "30": _("30 days"), "all": _("Everything")}
    for value, label in periods.items():
        kb.button(text=("● " if state.p == value else "") + label, callback_data=cb("p", p=value))
    for index, region in enumerate(all_regions()):
        on = state.r & (1 << index)
        kb.button(text=("☑️ " if on else "⬜ ") + region.name, callback_data=cb("r", index))
    kb.button(text="📊 XLSX", callback_data=cb("x"))
    kb.button(text="📄 CSV", callback_data=cb("c"))
    themes = len(questionnaire.themes)
    regions = len(all_regions())
    return kb.adjust(
        *([1] * themes), 3, *([2] * (regions // 2)), *([1] * (regions % 2)), 2
    ).as_markup()


def organisers_keyboard(organisers: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for user_id, label in organisers:
        kb.button(
            text=_("Revoke {who}").format(who=label), callback_data=OrganiserCB(a="r", u=user_id)
        )
    return kb.adjust(1).as_markup()


def revoke_confirm_keyboard(user_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=_("Yes, revoke"), callback_data=OrganiserCB(a="R", u=user_id))
    kb.button(text=_("No"), callback_data=OrganiserCB(a="n", u=user_id))
    return kb.adjust(2).as_markup()


def meetings_keyboard(meetings: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for meeting_id, label in meetings:
        kb.button(text="📅 " + label, callback_data=MeetingCB(a="o", m=meeting_id))
    kb.button(text="➕ " + _("Add a meeting"), callback_data=MeetingCB(a="+", m=0))
    return kb.adjust(1).as_markup()


def meeting_entry_keyboard(meeting_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text="📄 " + _("Pre-read now"), callback_data=MeetingCB(a="p", m=meeting_id))
    kb.button(text="✏️ " + _("Edit"), callback_data=MeetingCB(a="e", m=meeting_id))
    kb.button(text="✖️ " + _("Cancel the meeting"), callback_data=MeetingCB(a="c", m=meeting_id))
    kb.button(text="◀️ " + _("All meetings"), callback_data=MeetingCB(a="l", m=meeting_id))
    return kb.adjust(2, 1, 1).as_markup()


MEETING_FIELDS = ("when", "city", "regions", "theme", "venue")


def meeting_edit_keyboard(meeting_id: int) -> InlineKeyboardMarkup:
    labels = {
        "when": _("Date and time"),
        "city": _("City"),
        "regions": _("Regions"),
        "theme": _("Theme focus"),
        "venue": _("Venue or link"),
    }
    kb = InlineKeyboardBuilder()
    for field in MEETING_FIELDS:
        kb.button(text=labels[field], callback_data=MeetingCB(a="f", m=meeting_id, v=field))
    kb.button(text="◀️ " + _("Back"), callback_data=MeetingCB(a="o", m=meeting_id))
    return kb.adjust(2, 2, 1, 1).as_markup()


def meeting_theme_keyboard(
    meeting_id: int, questionnaire: Questionnaire, locale: str
) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for theme in questionnaire.themes:
        kb.button(
            text=f"{theme.number}. {theme.title.get(locale)}",
            callback_data=MeetingCB(a="th", m=meeting_id, v=theme.key),
        )
    kb.button(text=_("No theme focus"), callback_data=MeetingCB(a="th", m=meeting_id))
    return kb.adjust(1).as_markup()


def meeting_skip_keyboard(meeting_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=_("Skip"), callback_data=MeetingCB(a="sk", m=meeting_id))
    return kb.as_markup()


def meeting_create_keyboard() -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text="✅ " + _("Add the meeting"), callback_data=MeetingCB(a="ok", m=0))
    kb.button(text="🗑 " + _("Discard"), callback_data=MeetingCB(a="X", m=0))
    return kb.adjust(2).as_markup()


def meeting_cancel_keyboard(meeting_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=_("Yes, cancel the meeting"), callback_data=MeetingCB(a="C", m=meeting_id))
    kb.button(text=_("No"), callback_data=MeetingCB(a="o", m=meeting_id))
    return kb.adjust(1).as_markup()


def broadcast_audience_keyboard(
    broadcast_id: int, audience, questionnaire: Questionnaire
) -> InlineKeyboardMarkup:
    def cb(action: str) -> BroadcastCB:
        return BroadcastCB(a=action, b=broadcast_id)

    def count(values: tuple[str, ...]) -> str:
        return f" ({len(values)})" if values else ""

    kb = InlineKeyboardBuilder()
    kb.button(text="🗺 " + _("Regions") + count(audience.regions), callback_data=cb("R"))
    kb.button(text="📍 " + _("Departments") + count(audience.departments), callback_data=cb("D"))
    kb.button(text="👤 " + _("Roles") + count(audience.roles), callback_data=cb("O"))
    missing = questionnaire.theme(audience.missing_theme) if audience.missing_theme else None
    kb.button(
        text="📝 " + _("Not yet contributed") + (f" ({missing.number})" if missing else ""),
        callback_data=cb("T"),
    )
    kb.button(
        text="💤 "
        + _("Inactive")
        + (f" ({audience.inactive_days})" if audience.inactive_days else ""),
        callback_data=cb("I"),
    )
    kb.button(text="👥 " + _("Everyone"), callback_data=cb("E"))
    kb.button(text="👁 " + _("Preview"), callback_data=cb("P"))
    kb.button(text="🗑 " + _("Discard"), callback_data=cb("X"))
    return kb.adjust(2, 2, 2, 1, 1).as_markup()


def broadcast_roles_keyboard(broadcast_id: int, chosen: tuple[str, ...]) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for key, label in ROLES.items():
        mark = "☑️ " if key in chosen else "⬜ "
        kb.button(text=mark + _(label), callback_data=BroadcastCB(a="og", b=broadcast_id, v=key))
    kb.button(text=_("✅ Done"), callback_data=BroadcastCB(a="A", b=broadcast_id))
    return kb.adjust(1).as_markup()


def broadcast_theme_keyboard(
    broadcast_id: int, chosen: str | None, questionnaire: Questionnaire, locale: str
) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for theme in questionnaire.themes:
        mark = "● " if theme.key == chosen else ""
        kb.button(
            text=f"{mark}{theme.number}. {theme.title.get(locale)}",
            callback_data=BroadcastCB(a="tt", b=broadcast_id, v=theme.key),
        )
    kb.button(
        text=("● " if chosen is None else "") + _("No condition"),
        callback_data=BroadcastCB(a="tt", b=broadcast_id),
    )
    return kb.adjust(1).as_markup()


def broadcast_inactive_keyboard(
    broadcast_id: int, chosen: int | None, choices: tuple[int, ...]
) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for days in choices:
        mark = "● " if days == chosen else ""
        kb.button(
            text=mark + _("{days} days").format(days=days),
            callback_data=BroadcastCB(a="ii", b=broadcast_id, v=str(days)),
        )
    kb.button(
        text=("● " if chosen is None else "") + _("No condition"),
        callback_data=BroadcastCB(a="ii", b=broadcast_id),
    )
    return kb.adjust(len(choices), 1).as_markup()


def broadcast_preview_keyboard(broadcast_id: int, urgent: bool) -> InlineKeyboardMarkup:
    def cb(action: str) -> BroadcastCB:
        return BroadcastCB(a=action, b=broadcast_id)

    kb = InlineKeyboardBuilder()
    kb.button(text="🚀 " + _("Send now"), callback_data=cb("N"))
    kb.button(text="🕒 " + _("Schedule"), callback_data=cb("S"))
    kb.button(
        text=("☑️ " if urgent else "⬜ ") + _("Urgent (ignore quiet hours)"), callback_data=cb("U")
    )
    kb.button(text="◀️ " + _("Audience"), callback_data=cb("A"))
    kb.button(text="🗑 " + _("Discard"), callback_data=cb("X"))
    return kb.adjust(2, 1, 2).as_markup()


def broadcast_confirm_keyboard(broadcast_id: int, when: str) -> InlineKeyboardMarkup:
    """`when`: "now" or the confirmed moment (Unix seconds): the button confirms exactly what
    its message said, even if the draft changed since."""
    kb = InlineKeyboardBuilder()
    kb.button(text="✅ " + _("Confirm"), callback_data=BroadcastCB(a="K", b=broadcast_id, v=when))
    kb.button(text="◀️ " + _("Back"), callback_data=BroadcastCB(a="P", b=broadcast_id))
    return kb.adjust(2).as_markup()


def broadcast_running_keyboard(broadcast_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(
        text="✖️ " + _("Cancel broadcast #{id}").format(id=broadcast_id),
        callback_data=BroadcastCB(a="c", b=broadcast_id),
    )
    return kb.as_markup()


def broadcast_cancel_keyboard(broadcast_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=_("Yes, cancel it"), callback_data=BroadcastCB(a="C", b=broadcast_id))
    kb.button(text=_("No"), callback_data=BroadcastCB(a="n", b=broadcast_id))
    return kb.adjust(2).as_markup()


def broadcast_report_keyboard(
    broadcast_id: int, failed: int, *, uncertain: int = 0, exact: bool = True
) -> InlineKeyboardMarkup | None:
    """Retry what Telegram refused; resend, after a warning, what may have been delivered.
    `exact`: False for an audience below the small-group threshold (no count shown)."""
    kb = InlineKeyboardBuilder()
    if failed:
        label = (
            _("Retry the {count} failed").format(count=failed) if exact else _("Retry the failed")
        )
        kb.button(text="🔁 " + label, callback_data=BroadcastCB(a="r", b=broadcast_id))
    if uncertain:
        label = (
            _("Resend the {count} uncertain…").format(count=uncertain)
            if exact
            else _("Resend the uncertain…")
        )
        kb.button(text="⚠️ " + label, callback_data=BroadcastCB(a="u", b=broadcast_id))
    return kb.adjust(1).as_markup() if (failed or uncertain) else None


def broadcast_resend_keyboard(broadcast_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=_("Yes, send them again"), callback_data=BroadcastCB(a="uy", b=broadcast_id))
    kb.button(text=_("No"), callback_data=BroadcastCB(a="un", b=broadcast_id))
    return kb.adjust(2).as_markup()
