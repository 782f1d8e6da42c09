"""Inline keyboards and their callback data (short prefixes: Telegram allows 64 bytes).

Every button that acts on a contribution carries its id and the question it was drawn for, so the
service can tell a live button from a stale or forged one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import time

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.config import SUPPORTED_LOCALES, language_name
from bot.domain.flows import mask_from_keys
from bot.domain.geo import (
    Department,
    all_regions,
    department_label,
    is_overseas,
    regions_for_display,
)
from bot.domain.profile_options import ROLES, STRUCTURE_TYPES
from bot.domain.questionnaire import Questionnaire, Theme
from bot.i18n import format_time
from bot.keyboards.callbacks import (
    AnswerAction,
    AnswerCB,
    BroadcastAction,
    BroadcastCB,
    ConsentCB,
    DepartmentCB,
    ExportAction,
    ExportCB,
    ForgetCB,
    LanguageCB,
    MeetingAction,
    MeetingCB,
    MenuAction,
    MenuCB,
    MineAction,
    MineCB,
    NoticeCB,
    OrganiserAction,
    OrganiserCB,
    ProfileCB,
    ProfileField,
    ReviewAction,
    ReviewCB,
    RoleCB,
    StructureTypeCB,
    SubscriptionAction,
    SubscriptionCB,
    ThemeCB,
    VoiceCB,
    VoiceChoiceCB,
    VoiceSource,
)
from bot.services.contributions import Step
from bot.services.export import ExportSelection
from storage.models import ContributionStatus


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
    kb.button(text=_("✍️ Contribute"), callback_data=MenuCB(action=MenuAction.CONTRIBUTE))
    kb.button(text=_("📋 My contributions"), callback_data=MenuCB(action=MenuAction.MINE))
    kb.button(text=_("👤 My profile"), callback_data=MenuCB(action=MenuAction.PROFILE))
    kb.button(text=_("🔒 My data"), callback_data=MenuCB(action=MenuAction.PRIVACY))
    return kb.adjust(2).as_markup()


def profile_keyboard() -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=_("Language"), callback_data=ProfileCB(field=ProfileField.LANGUAGE))
    kb.button(
        text=_("Type of structure"), callback_data=ProfileCB(field=ProfileField.STRUCTURE_TYPE)
    )
    kb.button(text=_("Structure name"), callback_data=ProfileCB(field=ProfileField.STRUCTURE_NAME))
    kb.button(text=_("Department"), callback_data=ProfileCB(field=ProfileField.DEPARTMENT))
    kb.button(text=_("Role"), callback_data=ProfileCB(field=ProfileField.ROLE))
    kb.button(text=_("🎤 Voice notes"), callback_data=ProfileCB(field=ProfileField.VOICE))
    return kb.adjust(2).as_markup()


def themes_keyboard(
    questionnaire: Questionnaire,
    locale: str,
    marks: dict[str, str],
    drafts: dict[str, int] | None = None,
) -> InlineKeyboardMarkup:
    """One button per theme; then, per theme with a draft (`drafts`: theme key → draft id),
    a button to discard it."""
    kb = InlineKeyboardBuilder()
    for theme in questionnaire.themes:
        mark = marks.get(theme.key, "")
        text = f"{theme.number}. {theme.title.get(locale)}{mark}"
        kb.button(text=text, callback_data=ThemeCB(key=theme.key))
    for theme in questionnaire.themes:
        draft_id = (drafts or {}).get(theme.key)
        if draft_id is not None:
            kb.button(
                text=_("🗑 Discard the draft of theme {number}").format(number=theme.number),
                callback_data=ReviewCB(contribution_id=draft_id, action=ReviewAction.ASK_DISCARD),
            )
    return kb.adjust(1).as_markup()


def back_to_menu_keyboard() -> InlineKeyboardMarkup:
    """The way out of a dead end (after a withdrawal, an error)."""
    kb = InlineKeyboardBuilder()
    kb.button(text=_("🏠 Back to the menu"), callback_data=MenuCB(action=MenuAction.HOME))
    return kb.as_markup()


def theme_contributed_keyboard(contribution_id: int) -> InlineKeyboardMarkup:
    """A theme already contributed to: start another contribution on it, or back to the menu."""
    kb = InlineKeyboardBuilder()
    kb.button(
        text=_("➕ Start another"),
        callback_data=ReviewCB(contribution_id=contribution_id, action=ReviewAction.ANOTHER),
    )
    kb.button(text=_("🏠 Back to the menu"), callback_data=MenuCB(action=MenuAction.HOME))
    return kb.adjust(1).as_markup()


def discard_confirm_keyboard(contribution_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=_("Yes, discard it"),
        callback_data=ReviewCB(contribution_id=contribution_id, action=ReviewAction.DISCARD),
    )
    kb.button(text=_("No, keep my draft"), callback_data=MenuCB(action=MenuAction.CONTRIBUTE))
    return kb.adjust(1).as_markup()


def reminders_keyboard(*, muted: bool) -> InlineKeyboardMarkup:
    """/rappels: explicit on and off (● marks the current state)."""
    kb = InlineKeyboardBuilder()
    on, off = ("", "● ") if muted else ("● ", "")
    kb.button(text=on + _("🔔 On"), callback_data=ProfileCB(field=ProfileField.REMINDERS_ON))
    kb.button(text=off + _("🔕 Off"), callback_data=ProfileCB(field=ProfileField.REMINDERS_OFF))
    return kb.adjust(2).as_markup()


def with_language_switch(markup: InlineKeyboardMarkup | None, current: str) -> InlineKeyboardMarkup:
    """`markup` and a last row switching to each other language in one tap."""
    row = [
        InlineKeyboardButton(
            text="🌐 " + language_name(code), callback_data=LanguageCB(code=code).pack()
        )
        for code in SUPPORTED_LOCALES
        if code != current
    ]
    rows = list(markup.inline_keyboard) if markup is not None else []
    return InlineKeyboardMarkup(inline_keyboard=[*rows, row])


def question_keyboard(step: Step, locale: str, *, mask: int | None = None) -> InlineKeyboardMarkup:
    """The buttons of the question `step` asks. A multi-choice question shows `mask` ticked
    (None: the current answer's choices). Back is offered from the second question of a draft;
    while a submitted contribution is being edited, "pause" cancels the edit."""
    contribution, question = step.contribution, step.question
    assert contribution is not None and question is not None
    draft = contribution.status == ContributionStatus.DRAFT
    if mask is None:
        mask = _current_mask(step)
    kb = InlineKeyboardBuilder()
    sizes: list[int] = []

    def cb(action: AnswerAction, index: int = 0, selection: int = 0) -> AnswerCB:
        return AnswerCB(
            contribution_id=contribution.id,
            question=question.key,
            action=action,
            index=index,
            mask=selection,
        )

    if question.kind == "single":
        for index, option in enumerate(question.options):
            kb.button(text=option.label.get(locale), callback_data=cb(AnswerAction.OPTION, index))
            sizes.append(1)
    elif question.kind == "multi":
        for index, option in enumerate(question.options):
            ticked = "☑️ " if mask & (1 << index) else "⬜ "
            kb.button(
                text=ticked + option.label.get(locale),
                callback_data=cb(AnswerAction.TOGGLE, index, mask),
            )
            sizes.append(1)
        kb.button(text=_("✅ Validate"), callback_data=cb(AnswerAction.VALIDATE, 0, mask))
        sizes.append(1)
    elif question.kind == "scale":
        for value in range(1, 6):
            kb.button(text=str(value), callback_data=cb(AnswerAction.SCALE, value))
        sizes.append(5)
    current = step.answers.get(question.key)
    if draft and question.kind == "text" and current is not None and not current.skipped:
        kb.button(text=_("↩️ Keep my current answer"), callback_data=cb(AnswerAction.KEEP))
        sizes.append(1)
    navigation = 0
    if draft and step.position > 1:
        kb.button(text=_("⬅️ Back"), callback_data=cb(AnswerAction.BACK))
        navigation += 1
    if question.optional:
        kb.button(text=_("⏭ Skip"), callback_data=cb(AnswerAction.SKIP))
        navigation += 1
    pause_label = _("⏸ Pause") if draft else _("✖️ Cancel")
    kb.button(text=pause_label, callback_data=cb(AnswerAction.PAUSE))
    navigation += 1
    sizes.append(navigation)
    return kb.adjust(*sizes).as_markup()


def _current_mask(step: Step) -> int:
    """The choices of the current answer to a multi-choice question, as a bit mask."""
    assert step.question is not None
    answer = step.answers.get(step.question.key)
    if step.question.kind != "multi" or answer is None or not answer.choice_keys:
        return 0
    return mask_from_keys(step.question, answer.choice_keys)


def review_keyboard(contribution_id: int, theme: Theme) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for number, question in enumerate(theme.questions, start=1):
        kb.button(
            text=_("✏️ {number}").format(number=number),
            callback_data=ReviewCB(
                contribution_id=contribution_id, action=ReviewAction.CHANGE, question=question.key
            ),
        )
    kb.button(
        text=_("📨 Submit my contribution"),
        callback_data=ReviewCB(contribution_id=contribution_id, action=ReviewAction.SUBMIT),
    )
    return kb.adjust(
        *([5] * (len(theme.questions) // 5)), len(theme.questions) % 5 or 1, 1
    ).as_markup()


def _mine(contribution_id: int, action: MineAction, question: str = "") -> MineCB:
    return MineCB(contribution_id=contribution_id, action=action, question=question)


def my_contributions_keyboard(items: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for contribution_id, label in items:
        kb.button(text=label, callback_data=_mine(contribution_id, MineAction.VIEW))
    return kb.adjust(1).as_markup()


def contribution_keyboard(contribution_id: int, *, withdrawn: bool) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    if not withdrawn:
        kb.button(
            text=_("✏️ Edit an answer"),
            callback_data=_mine(contribution_id, MineAction.PICK_QUESTION),
        )
        kb.button(
            text=_("🗑 Withdraw"), callback_data=_mine(contribution_id, MineAction.ASK_WITHDRAW)
        )
    kb.button(text=_("⬅️ My contributions"), callback_data=_mine(0, MineAction.LIST))
    return kb.adjust(1).as_markup()


def edit_question_keyboard(contribution_id: int, theme: Theme) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for number, question in enumerate(theme.questions, start=1):
        kb.button(
            text=str(number),
            callback_data=_mine(contribution_id, MineAction.CHANGE, question.key),
        )
    kb.button(text=_("⬅️ Back"), callback_data=_mine(contribution_id, MineAction.VIEW))
    return kb.adjust(5, 1).as_markup()


def withdraw_confirm_keyboard(contribution_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=_("Yes, withdraw it"), callback_data=_mine(contribution_id, MineAction.WITHDRAW))
    kb.button(text=_("No, keep it"), callback_data=_mine(contribution_id, MineAction.VIEW))
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


def voice_notes_keyboard(source: VoiceSource, source_id: int, count: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=_("🎧 Listen to the voice notes ({count})").format(count=count),
        callback_data=VoiceCB(source=source, source_id=source_id),
    )
    return kb.as_markup()


def subscription_keyboard(
    subscription, questionnaire: Questionnaire, locale: str
) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    labels = {"daily": _("Daily"), "weekly": _("Weekly (Monday)"), "off": _("Off")}
    for value, label in labels.items():
        mark = "● " if subscription.frequency == value else ""
        kb.button(
            text=mark + label, callback_data=_subscription(SubscriptionAction.FREQUENCY, value)
        )
    for hour in (7, 8, 9, 12, 14, 17, 18):
        mark = "● " if subscription.hour == hour else ""
        kb.button(
            text=mark + format_time(time(hour, 0), locale),
            callback_data=_subscription(SubscriptionAction.HOUR, str(hour)),
        )
    for theme in questionnaire.themes:
        on = not subscription.themes or theme.key in subscription.themes
        kb.button(
            text=("☑️ " if on else "⬜ ") + f"{theme.number}. {theme.title.get(locale)}",
            callback_data=_subscription(SubscriptionAction.THEME, theme.key),
        )
    regions = len(subscription.regions or [])
    label = _("Regions: all") if not regions else _("Regions: {count} chosen").format(count=regions)
    kb.button(text="🗺 " + label, callback_data=_subscription(SubscriptionAction.REGIONS))
    return kb.adjust(3, 4, 3, 1, 1, 1, 1).as_markup()


def _subscription(action: SubscriptionAction, value: str = "") -> SubscriptionCB:
    return SubscriptionCB(action=action, value=value)


def subscription_regions_keyboard(chosen: list[str]) -> InlineKeyboardMarkup:
    """The regions screen of /abonnement."""
    return regions_keyboard(
        chosen,
        everywhere=_subscription(SubscriptionAction.ALL_REGIONS),
        toggle=lambda code: _subscription(SubscriptionAction.REGION, code),
        done=_subscription(SubscriptionAction.DONE),
    )


def regions_keyboard(
    chosen: list[str],
    *,
    everywhere: CallbackData,
    toggle: Callable[[str], CallbackData],
    done: CallbackData,
) -> InlineKeyboardMarkup:
    """The regions screen shared by /abonnement, /reunions and /diffuser: "all regions", one
    button per region (`toggle(code)`: tick or untick it), "done"."""
    kb = InlineKeyboardBuilder()
    kb.button(text=("● " if not chosen else "") + _("All regions"), callback_data=everywhere)
    for region in regions_for_display():
        mark = "☑️ " if region.code in chosen else "⬜ "
        kb.button(text=mark + region.name, callback_data=toggle(region.code))
    kb.button(text=_("✅ Done"), callback_data=done)
    return kb.adjust(1, *region_rows(), 1).as_markup()


def region_rows() -> list[int]:
    """Row widths for the buttons of `regions_for_display()`, so that a phone screen holds them:
    the metropolitan regions two by two, then the short overseas names three by three."""
    overseas = sum(1 for region in all_regions() if is_overseas(region))
    metropolitan = len(all_regions()) - overseas
    rows = [2] * (metropolitan // 2) + [1] * (metropolitan % 2) + [3] * (overseas // 3)
    return rows + [overseas % 3] * bool(overseas % 3)


def export_keyboard(
    selection: ExportSelection, questionnaire: Questionnaire, locale: str
) -> InlineKeyboardMarkup:
    """Every button carries the whole selection (what it would be after the tap, for a period)."""
    kb = InlineKeyboardBuilder()

    def cb(action: ExportAction, index: int = 0, period: str | None = None) -> ExportCB:
        return ExportCB(
            themes=selection.themes,
            regions=selection.regions,
            period=period or selection.period,
            action=action,
            index=index,
        )

    for index, theme in enumerate(questionnaire.themes):
        on = not selection.themes or selection.themes & (1 << index)
        kb.button(
            text=("☑️ " if on else "⬜ ") + f"{theme.number}. {theme.title.get(locale)}",
            callback_data=cb(ExportAction.THEME, index),
        )
    periods = {"7": _("7 days"), "30": _("30 days"), "all": _("Everything")}
    for value, label in periods.items():
        mark = "● " if selection.period == value else ""
        kb.button(text=mark + label, callback_data=cb(ExportAction.PERIOD, period=value))
    bits = {region: index for index, region in enumerate(all_regions())}  # the mask's order
    for region in regions_for_display():
        index = bits[region]
        on = selection.regions & (1 << index)
        kb.button(
            text=("☑️ " if on else "⬜ ") + region.name, callback_data=cb(ExportAction.REGION, index)
        )
    kb.button(text="📊 XLSX", callback_data=cb(ExportAction.XLSX))
    kb.button(text="📄 CSV", callback_data=cb(ExportAction.CSV))
    themes = len(questionnaire.themes)
    return kb.adjust(*([1] * themes), 3, *region_rows(), 2).as_markup()


def organisers_keyboard(organisers: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for user_id, label in organisers:
        kb.button(
            text=_("Revoke {who}").format(who=label),
            callback_data=OrganiserCB(action=OrganiserAction.ASK_REVOKE, user_id=user_id),
        )
    return kb.adjust(1).as_markup()


def revoke_confirm_keyboard(user_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=_("Yes, revoke"),
        callback_data=OrganiserCB(action=OrganiserAction.REVOKE, user_id=user_id),
    )
    kb.button(text=_("No"), callback_data=OrganiserCB(action=OrganiserAction.KEEP, user_id=user_id))
    return kb.adjust(2).as_markup()


def meetings_keyboard(meetings: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for meeting_id, label in meetings:
        kb.button(text="📅 " + label, callback_data=_meeting(MeetingAction.OPEN, meeting_id))
    kb.button(text="➕ " + _("Add a meeting"), callback_data=_meeting(MeetingAction.ADD))
    return kb.adjust(1).as_markup()


def meeting_entry_keyboard(meeting_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(
        text="📄 " + _("Pre-read now"), callback_data=_meeting(MeetingAction.PREREAD, meeting_id)
    )
    kb.button(text="✏️ " + _("Edit"), callback_data=_meeting(MeetingAction.EDIT, meeting_id))
    kb.button(
        text="✖️ " + _("Cancel the meeting"),
        callback_data=_meeting(MeetingAction.ASK_CANCEL, meeting_id),
    )
    kb.button(text="◀️ " + _("All meetings"), callback_data=_meeting(MeetingAction.LIST, meeting_id))
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
        kb.button(
            text=labels[field], callback_data=_meeting(MeetingAction.EDIT_FIELD, meeting_id, field)
        )
    kb.button(text="◀️ " + _("Back"), callback_data=_meeting(MeetingAction.OPEN, meeting_id))
    return kb.adjust(2, 2, 1, 1).as_markup()


def meeting_regions_keyboard(meeting_id: int, chosen: list[str]) -> InlineKeyboardMarkup:
    return regions_keyboard(
        chosen,
        everywhere=_meeting(MeetingAction.REGIONS_ALL, meeting_id),
        toggle=lambda code: _meeting(MeetingAction.REGION_TOGGLE, meeting_id, code),
        done=_meeting(MeetingAction.REGIONS_DONE, meeting_id),
    )


def meeting_theme_keyboard(
    meeting_id: int, questionnaire: Questionnaire, locale: str
) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for theme in questionnaire.themes:
        kb.button(
            text=f"{theme.number}. {theme.title.get(locale)}",
            callback_data=_meeting(MeetingAction.THEME, meeting_id, theme.key),
        )
    kb.button(text=_("No theme focus"), callback_data=_meeting(MeetingAction.THEME, meeting_id))
    return kb.adjust(1).as_markup()


def meeting_skip_keyboard(meeting_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=_("Skip"), callback_data=_meeting(MeetingAction.SKIP_VENUE, meeting_id))
    return kb.as_markup()


def meeting_create_keyboard() -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text="✅ " + _("Add the meeting"), callback_data=_meeting(MeetingAction.CREATE))
    kb.button(text="🗑 " + _("Discard"), callback_data=_meeting(MeetingAction.DISCARD))
    return kb.adjust(2).as_markup()


def meeting_cancel_keyboard(meeting_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=_("Yes, cancel the meeting"), callback_data=_meeting(MeetingAction.CANCEL, meeting_id)
    )
    kb.button(text=_("No"), callback_data=_meeting(MeetingAction.OPEN, meeting_id))
    return kb.adjust(1).as_markup()


def reminder_keyboard(theme_key: str | None, contributed: bool) -> InlineKeyboardMarkup | None:
    """Under a meeting reminder: contribute now (on the meeting's theme, if it has one)."""
    if contributed:
        return None
    kb = InlineKeyboardBuilder()
    data = ThemeCB(key=theme_key) if theme_key else MenuCB(action=MenuAction.CONTRIBUTE)
    kb.button(text=_("✍️ Contribute now"), callback_data=data)
    return kb.as_markup()


def _meeting(action: MeetingAction, meeting_id: int = 0, value: str = "") -> MeetingCB:
    return MeetingCB(action=action, meeting_id=meeting_id, value=value)


def broadcast_audience_keyboard(
    broadcast_id: int, audience, questionnaire: Questionnaire
) -> InlineKeyboardMarkup:
    def cb(action: BroadcastAction) -> BroadcastCB:
        return _broadcast(action, broadcast_id)

    def count(values: tuple[str, ...]) -> str:
        return f" ({len(values)})" if values else ""

    kb = InlineKeyboardBuilder()
    kb.button(
        text="🗺 " + _("Regions") + count(audience.regions),
        callback_data=cb(BroadcastAction.REGIONS),
    )
    kb.button(
        text="📍 " + _("Departments") + count(audience.departments),
        callback_data=cb(BroadcastAction.DEPARTMENTS),
    )
    kb.button(
        text="👤 " + _("Roles") + count(audience.roles), callback_data=cb(BroadcastAction.ROLES)
    )
    missing = questionnaire.theme(audience.missing_theme) if audience.missing_theme else None
    kb.button(
        text="📝 " + _("Not yet contributed") + (f" ({missing.number})" if missing else ""),
        callback_data=cb(BroadcastAction.NOT_CONTRIBUTED),
    )
    kb.button(
        text="💤 "
        + _("Inactive")
        + (f" ({audience.inactive_days})" if audience.inactive_days else ""),
        callback_data=cb(BroadcastAction.INACTIVE),
    )
    kb.button(text="👥 " + _("Everyone"), callback_data=cb(BroadcastAction.EVERYONE))
    kb.button(text="👁 " + _("Preview"), callback_data=cb(BroadcastAction.PREVIEW))
    kb.button(text="🗑 " + _("Discard"), callback_data=cb(BroadcastAction.DISCARD))
    return kb.adjust(2, 2, 2, 1, 1).as_markup()


def broadcast_regions_keyboard(broadcast_id: int, chosen: tuple[str, ...]) -> InlineKeyboardMarkup:
    return regions_keyboard(
        list(chosen),
        everywhere=_broadcast(BroadcastAction.REGIONS_ALL, broadcast_id),
        toggle=lambda code: _broadcast(BroadcastAction.REGION_TOGGLE, broadcast_id, code),
        done=_broadcast(BroadcastAction.REGIONS_DONE, broadcast_id),
    )


def broadcast_roles_keyboard(broadcast_id: int, chosen: tuple[str, ...]) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for key, label in ROLES.items():
        mark = "☑️ " if key in chosen else "⬜ "
        kb.button(
            text=mark + _(label),
            callback_data=_broadcast(BroadcastAction.ROLE_TOGGLE, broadcast_id, key),
        )
    kb.button(text=_("✅ Done"), callback_data=_broadcast(BroadcastAction.AUDIENCE, broadcast_id))
    return kb.adjust(1).as_markup()


def broadcast_theme_keyboard(
    broadcast_id: int, chosen: str | None, questionnaire: Questionnaire, locale: str
) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for theme in questionnaire.themes:
        mark = "● " if theme.key == chosen else ""
        kb.button(
            text=f"{mark}{theme.number}. {theme.title.get(locale)}",
            callback_data=_broadcast(
                BroadcastAction.NOT_CONTRIBUTED_THEME, broadcast_id, theme.key
            ),
        )
    kb.button(
        text=("● " if chosen is None else "") + _("No condition"),
        callback_data=_broadcast(BroadcastAction.NOT_CONTRIBUTED_THEME, broadcast_id),
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
            callback_data=_broadcast(BroadcastAction.INACTIVE_DAYS, broadcast_id, str(days)),
        )
    kb.button(
        text=("● " if chosen is None else "") + _("No condition"),
        callback_data=_broadcast(BroadcastAction.INACTIVE_DAYS, broadcast_id),
    )
    return kb.adjust(len(choices), 1).as_markup()


def broadcast_preview_keyboard(broadcast_id: int, urgent: bool) -> InlineKeyboardMarkup:
    def cb(action: BroadcastAction) -> BroadcastCB:
        return _broadcast(action, broadcast_id)

    kb = InlineKeyboardBuilder()
    kb.button(text="🚀 " + _("Send now"), callback_data=cb(BroadcastAction.SEND_NOW))
    kb.button(text="🕒 " + _("Schedule"), callback_data=cb(BroadcastAction.SCHEDULE))
    kb.button(
        text=("☑️ " if urgent else "⬜ ") + _("Urgent (ignore quiet hours)"),
        callback_data=cb(BroadcastAction.URGENT),
    )
    kb.button(text="◀️ " + _("Audience"), callback_data=cb(BroadcastAction.AUDIENCE))
    kb.button(text="🗑 " + _("Discard"), callback_data=cb(BroadcastAction.DISCARD))
    return kb.adjust(2, 1, 2).as_markup()


def broadcast_confirm_keyboard(broadcast_id: int, when: str) -> InlineKeyboardMarkup:
    """`when`: "now" or the confirmed moment (Unix seconds): the button confirms exactly what
    its message said, even if the draft changed since."""
    kb = InlineKeyboardBuilder()
    kb.button(
        text="✅ " + _("Confirm"),
        callback_data=_broadcast(BroadcastAction.CONFIRM, broadcast_id, when),
    )
    kb.button(
        text="◀️ " + _("Back"), callback_data=_broadcast(BroadcastAction.PREVIEW, broadcast_id)
    )
    return kb.adjust(2).as_markup()


def broadcast_running_keyboard(broadcast_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(
        text="✖️ " + _("Cancel broadcast #{id}").format(id=broadcast_id),
        callback_data=_broadcast(BroadcastAction.ASK_CANCEL, broadcast_id),
    )
    return kb.as_markup()


def broadcast_cancel_keyboard(broadcast_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=_("Yes, cancel it"), callback_data=_broadcast(BroadcastAction.CANCEL, broadcast_id)
    )
    kb.button(text=_("No"), callback_data=_broadcast(BroadcastAction.KEEP, broadcast_id))
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
        kb.button(
            text="🔁 " + label,
            callback_data=_broadcast(BroadcastAction.RETRY_FAILED, broadcast_id),
        )
    if uncertain:
        label = (
            _("Resend the {count} uncertain…").format(count=uncertain)
            if exact
            else _("Resend the uncertain…")
        )
        kb.button(
            text="⚠️ " + label,
            callback_data=_broadcast(BroadcastAction.ASK_RESEND_UNCERTAIN, broadcast_id),
        )
    return kb.adjust(1).as_markup() if (failed or uncertain) else None


def broadcast_resend_keyboard(broadcast_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=_("Yes, send them again"),
        callback_data=_broadcast(BroadcastAction.RESEND_UNCERTAIN, broadcast_id),
    )
    kb.button(text=_("No"), callback_data=_broadcast(BroadcastAction.KEEP_UNCERTAIN, broadcast_id))
    return kb.adjust(2).as_markup()


def _broadcast(action: BroadcastAction, broadcast_id: int, value: str = "") -> BroadcastCB:
    return BroadcastCB(action=action, broadcast_id=broadcast_id, value=value)
