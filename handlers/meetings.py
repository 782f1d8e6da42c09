"""`/reunions`: admins keep the calendar of regional meetings: list, add, edit, cancel, and a
pre-read on demand. Each meeting's entry shows its reminders and pre-read, planned or sent.

Adding asks field by field (date and time, city, regions, theme focus, venue), then confirms;
editing asks one field and saves it at once. The answers so far live in the FSM data (a short,
admin-only form); the meeting itself is written only when confirmed.

One handler per button (`MeetingAction`): first the buttons on a meeting (its entry, editing,
cancelling, the pre-read), then the buttons of the add/edit form, which only count while the
form is at their step.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.config import Settings
from bot.delivery.packages import send_package
from bot.jobs.outputs import preread_build
from bot.keyboards import buttons
from bot.keyboards.callbacks import MeetingAction, MeetingCB, VoiceSource
from bot.services.container import Services
from bot.services.meetings import (
    MeetingDraft,
    MeetingProblem,
    clean_city,
    clean_venue,
    parse_moment_text,
    parse_regions,
    toggle_region,
)
from bot.services.roles import Role
from bot.views import meetings as mv
from handlers.access import RequireRole
from handlers.common import expired, locale
from handlers.filters import has_text
from handlers.heavy_builds import build_fresh_package
from handlers.states import MeetingForm
from storage.base import utcnow
from storage.models import Meeting

router = Router(name=__name__)
router.message.middleware(RequireRole(Role.ADMIN))
router.callback_query.middleware(RequireRole(Role.ADMIN))

STATES = {  # the add form's steps, in order
    "when": MeetingForm.when,
    "city": MeetingForm.city,
    "regions": MeetingForm.regions,
    "theme": MeetingForm.theme,
    "venue": MeetingForm.venue,
}
STEPS = tuple(STATES)
TYPED = {  # fields typed as text, and how each is read
    MeetingForm.when.state: ("when", lambda text, s: parse_moment_text(text, utcnow(), s.tz)),
    MeetingForm.city.state: ("city", lambda text, s: clean_city(text)),
    MeetingForm.regions.state: ("regions", lambda text, s: parse_regions(text)),
    MeetingForm.venue.state: ("venue", lambda text, s: clean_venue(text)),
}


@router.message(Command("reunions", "meetings"))
async def cmd_meetings(message: Message, services: Services) -> None:
    text, markup = await _calendar(services)
    await message.answer(text, reply_markup=markup)


@router.message(
    StateFilter(*MeetingForm.__all_states__),
    Command("annuler", "cancel", ignore_case=True, ignore_mention=True),
)
async def cmd_stop_form(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(mv.form_stopped())


# The buttons on a meeting.


@router.callback_query(MeetingCB.filter(F.action == MeetingAction.LIST))
async def on_list_chosen(callback: CallbackQuery, bot: Bot, services: Services) -> None:
    await callback.answer()
    text, markup = await _calendar(services)
    await bot.send_message(callback.from_user.id, text, reply_markup=markup)


@router.callback_query(MeetingCB.filter(F.action == MeetingAction.OPEN))
async def on_meeting_chosen(
    callback: CallbackQuery, callback_data: MeetingCB, bot: Bot, services: Services
) -> None:
    meeting = await _scheduled_meeting(callback, callback_data, services)
    if meeting is not None:
        await _send_entry(bot, callback.from_user.id, services, meeting)


@router.callback_query(MeetingCB.filter(F.action == MeetingAction.EDIT))
async def on_edit_chosen(
    callback: CallbackQuery, callback_data: MeetingCB, bot: Bot, services: Services
) -> None:
    meeting = await _scheduled_meeting(callback, callback_data, services)
    if meeting is not None:
        markup = buttons.meeting_edit_keyboard(meeting.id)
        await bot.send_message(callback.from_user.id, mv.choose_field(), reply_markup=markup)


@router.callback_query(MeetingCB.filter(F.action == MeetingAction.EDIT_FIELD))
async def on_field_chosen(
    callback: CallbackQuery,
    callback_data: MeetingCB,
    bot: Bot,
    state: FSMContext,
    services: Services,
) -> None:
    if callback_data.value not in STEPS:
        await expired(callback)
        return
    meeting = await _scheduled_meeting(callback, callback_data, services)
    if meeting is None:
        return
    await state.set_state(None)
    await state.set_data({"editing": meeting.id, "regions": list(meeting.regions)})
    await _ask(bot, callback.from_user.id, state, services, callback_data.value, meeting.id)


@router.callback_query(MeetingCB.filter(F.action == MeetingAction.ASK_CANCEL))
async def on_cancel_chosen(
    callback: CallbackQuery, callback_data: MeetingCB, bot: Bot, services: Services
) -> None:
    meeting = await _scheduled_meeting(callback, callback_data, services)
    if meeting is not None:
        text = mv.cancel_confirm(mv.meeting_label(meeting, services.settings.tz))
        markup = buttons.meeting_cancel_keyboard(meeting.id)
        await bot.send_message(callback.from_user.id, text, reply_markup=markup)


@router.callback_query(MeetingCB.filter(F.action == MeetingAction.CANCEL))
async def on_cancel_confirmed(
    callback: CallbackQuery, callback_data: MeetingCB, bot: Bot, services: Services
) -> None:
    meeting = await _scheduled_meeting(callback, callback_data, services)
    if meeting is None:
        return
    admin = callback.from_user.id
    withdrawn = await services.meetings.cancel(meeting.id) or 0
    await services.roles.audit(admin, "meeting_cancelled", meeting.id)
    label = mv.meeting_label(meeting, services.settings.tz)
    await bot.send_message(admin, mv.cancelled(label, withdrawn))


@router.callback_query(MeetingCB.filter(F.action == MeetingAction.PREREAD))
async def on_preread_chosen(
    callback: CallbackQuery, callback_data: MeetingCB, bot: Bot, services: Services
) -> None:
    meeting = await _scheduled_meeting(callback, callback_data, services)
    if meeting is None:
        return
    build = preread_build(services.settings, services.questionnaire, meeting, utcnow(), locale())
    package = await build_fresh_package(services, locale(), build)
    voice = (VoiceSource.PREREAD, meeting.id)
    await send_package(bot, callback.from_user.id, package, voice=voice)


async def _scheduled_meeting(
    callback: CallbackQuery, callback_data: MeetingCB, services: Services
) -> Meeting | None:
    """The meeting a button is for, the button answered; None (and "expired") if it is gone."""
    meeting = await services.meetings.get_scheduled(callback_data.meeting_id)
    if meeting is None:
        await expired(callback)
        return None
    await callback.answer()
    return meeting


# The add and edit form.


@router.callback_query(MeetingCB.filter(F.action == MeetingAction.ADD))
async def on_add_chosen(
    callback: CallbackQuery, bot: Bot, state: FSMContext, services: Services
) -> None:
    await callback.answer()
    await state.set_data({"editing": 0, "regions": []})
    await _ask(bot, callback.from_user.id, state, services, "when", 0)


@router.message(StateFilter(*(s for s in MeetingForm.__all_states__ if s.state in TYPED)), has_text)
async def process_typed_field(
    message: Message, bot: Bot, state: FSMContext, services: Services, settings: Settings
) -> None:
    field, read = TYPED[await state.get_state() or ""]
    try:
        value = read(message.text or "", settings)
    except MeetingProblem as problem:
        today = utcnow().astimezone(settings.tz).date()
        await message.answer(mv.problem(problem, today, locale()))
        return
    stored = value.isoformat() if isinstance(value, datetime) else value
    stored = list(stored) if isinstance(stored, tuple) else stored
    await _field_done(bot, message.chat.id, state, services, field, stored)


@router.message(StateFilter(*MeetingForm.__all_states__))
async def fallback_meeting_form(message: Message, state: FSMContext) -> None:
    typed = await state.get_state() in TYPED
    await message.answer(mv.type_text() if typed else mv.use_buttons())


@router.callback_query(MeetingCB.filter(F.action == MeetingAction.REGION_TOGGLE))
async def on_region_toggled(
    callback: CallbackQuery, callback_data: MeetingCB, state: FSMContext
) -> None:
    data = await _form_at(callback, callback_data, state, MeetingForm.regions)
    if data is not None:
        regions = toggle_region(data.get("regions", []), callback_data.value)
        await _redraw_regions(callback, state, callback_data.meeting_id, regions)


@router.callback_query(MeetingCB.filter(F.action == MeetingAction.REGIONS_ALL))
async def on_every_region_chosen(
    callback: CallbackQuery, callback_data: MeetingCB, state: FSMContext
) -> None:
    if await _form_at(callback, callback_data, state, MeetingForm.regions) is not None:
        await _redraw_regions(callback, state, callback_data.meeting_id, [])


@router.callback_query(MeetingCB.filter(F.action == MeetingAction.REGIONS_DONE))
async def on_regions_done(
    callback: CallbackQuery,
    callback_data: MeetingCB,
    bot: Bot,
    state: FSMContext,
    services: Services,
) -> None:
    data = await _form_at(callback, callback_data, state, MeetingForm.regions)
    if data is not None:
        regions = data.get("regions", [])
        await _field_done(bot, callback.from_user.id, state, services, "regions", regions)


@router.callback_query(MeetingCB.filter(F.action == MeetingAction.THEME))
async def on_theme_chosen(
    callback: CallbackQuery,
    callback_data: MeetingCB,
    bot: Bot,
    state: FSMContext,
    services: Services,
) -> None:
    if await _form_at(callback, callback_data, state, MeetingForm.theme) is not None:
        value = callback_data.value
        theme = value if services.questionnaire.theme(value) else None
        await _field_done(bot, callback.from_user.id, state, services, "theme", theme)


@router.callback_query(MeetingCB.filter(F.action == MeetingAction.SKIP_VENUE))
async def on_venue_skipped(
    callback: CallbackQuery,
    callback_data: MeetingCB,
    bot: Bot,
    state: FSMContext,
    services: Services,
) -> None:
    if await _form_at(callback, callback_data, state, MeetingForm.venue) is not None:
        await _field_done(bot, callback.from_user.id, state, services, "venue", None)


@router.callback_query(MeetingCB.filter(F.action == MeetingAction.DISCARD))
async def on_discard_chosen(
    callback: CallbackQuery, callback_data: MeetingCB, bot: Bot, state: FSMContext
) -> None:
    if await _form_at(callback, callback_data, state, MeetingForm.confirm) is not None:
        await state.clear()
        await bot.send_message(callback.from_user.id, mv.form_stopped())


@router.callback_query(MeetingCB.filter(F.action == MeetingAction.CREATE))
async def on_create_chosen(
    callback: CallbackQuery,
    callback_data: MeetingCB,
    bot: Bot,
    state: FSMContext,
    services: Services,
) -> None:
    data = await _form_at(callback, callback_data, state, MeetingForm.confirm)
    if data is None:
        return
    admin = callback.from_user.id
    draft = MeetingDraft(
        datetime.fromisoformat(data["when"]),
        data["city"],
        tuple(data["regions"]),
        data["theme"],
        data["venue"],
    )
    meeting = await services.meetings.add(draft, created_by=admin)
    await services.roles.audit(admin, "meeting_added", meeting.id)
    await state.clear()
    await bot.send_message(admin, mv.added(meeting.id))
    await _send_entry(bot, admin, services, meeting)


async def _form_at(
    callback: CallbackQuery, callback_data: MeetingCB, state: FSMContext, step: State
) -> dict[str, Any] | None:
    """The form's data if it is at `step` for this button's meeting (the button answered);
    None, and "expired", for a button of an old form."""
    data, current = await state.get_data(), await state.get_state()
    if current != step.state or data.get("editing") != callback_data.meeting_id:
        await expired(callback)
        return None
    await callback.answer()
    return data


async def _redraw_regions(
    callback: CallbackQuery, state: FSMContext, meeting_id: int, regions: list[str]
) -> None:
    await state.update_data(regions=regions)
    if isinstance(callback.message, Message):
        markup = buttons.meeting_regions_keyboard(meeting_id, regions)
        try:
            await callback.message.edit_reply_markup(reply_markup=markup)
        except TelegramBadRequest as error:  # the same ticks as before: nothing to redraw
            if "not modified" not in error.message:
                raise


async def _field_done(
    bot: Bot, chat_id: int, state: FSMContext, services: Services, field: str, value: Any
) -> None:
    data = await state.update_data({field: value, f"has_{field}": True})
    if data.get("editing"):
        await _save_edit(bot, chat_id, state, services, field, data)
        return
    missing = next((step for step in STEPS if not data.get(f"has_{step}")), None)
    if missing is not None:
        await _ask(bot, chat_id, state, services, missing, 0)
        return
    await state.set_state(MeetingForm.confirm)
    text = mv.confirm_new(_details(data, services))
    await bot.send_message(chat_id, text, reply_markup=buttons.meeting_create_keyboard())


async def _ask(
    bot: Bot, chat_id: int, state: FSMContext, services: Services, field: str, meeting_id: int
) -> None:
    await state.set_state(STATES[field])
    if field == "when":
        example = mv.when_examples(utcnow().astimezone(services.settings.tz).date(), locale())[0]
        ask = mv.ask_when_again if meeting_id else mv.ask_when
        await bot.send_message(chat_id, ask(example))
    elif field == "city":
        await bot.send_message(chat_id, mv.ask_city())
    elif field == "regions":
        regions = (await state.get_data()).get("regions", [])
        markup = buttons.meeting_regions_keyboard(meeting_id, regions)
        await bot.send_message(chat_id, mv.ask_regions(), reply_markup=markup)
    elif field == "theme":
        markup = buttons.meeting_theme_keyboard(meeting_id, services.questionnaire, locale())
        await bot.send_message(chat_id, mv.ask_theme(), reply_markup=markup)
    else:
        markup = buttons.meeting_skip_keyboard(meeting_id)
        await bot.send_message(chat_id, mv.ask_venue(), reply_markup=markup)


async def _save_edit(
    bot: Bot,
    chat_id: int,
    state: FSMContext,
    services: Services,
    field: str,
    data: dict[str, Any],
) -> None:
    meeting_id = data["editing"]
    column = {"when": "starts_at", "theme": "theme_key"}.get(field, field)
    value = datetime.fromisoformat(data[field]) if field == "when" else data[field]
    await state.clear()
    if not await services.meetings.update(meeting_id, **{column: value}):
        await bot.send_message(chat_id, mv.form_stopped())  # cancelled meanwhile
        return
    await services.roles.audit(chat_id, "meeting_updated", meeting_id, field=field)
    meeting = await services.meetings.get_scheduled(meeting_id)
    assert meeting is not None
    await bot.send_message(chat_id, mv.updated(meeting_id))
    await _send_entry(bot, chat_id, services, meeting)


# Rendering helpers.


async def _calendar(services: Services) -> tuple[str, InlineKeyboardMarkup]:
    upcoming = await services.meetings.upcoming(utcnow())
    labels = [(m.id, mv.meeting_label(m, services.settings.tz)) for m in upcoming]
    return mv.meetings_list(labels), buttons.meetings_keyboard(labels)


async def _send_entry(bot: Bot, chat_id: int, services: Services, meeting: Meeting) -> None:
    plan = await services.meetings.plan(meeting, utcnow())
    details = mv.details(
        meeting.starts_at,
        meeting.city,
        meeting.regions,
        meeting.theme_key,
        meeting.venue,
        services.questionnaire,
        locale(),
        services.settings.tz,
    )
    text = mv.entry(meeting.id, details, plan, locale(), services.settings.tz)
    await bot.send_message(chat_id, text, reply_markup=buttons.meeting_entry_keyboard(meeting.id))


def _details(data: dict[str, Any], services: Services) -> str:
    return mv.details(
        datetime.fromisoformat(data["when"]),
        data["city"],
        data["regions"],
        data["theme"],
        data["venue"],
        services.questionnaire,
        locale(),
        services.settings.tz,
    )
