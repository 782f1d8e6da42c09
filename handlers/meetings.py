"""`/reunions`: admins keep the calendar of regional meetings: list, add, edit, cancel, and a
pre-read on demand. Each meeting's entry shows its reminders and pre-read, planned or sent.

Adding asks field by field (date and time, city, regions, theme focus, venue), then confirms;
editing asks one field and saves it at once. The answers so far live in the FSM data (a short,
admin-only form); the meeting itself is written only when confirmed.

Callback actions (MeetingCB.a): l list, o open, p pre-read, c/C cancel, e edit menu, f field,
+ add, rg/rx/rd regions, th theme, sk skip the venue, ok create, X discard.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.domain.geo import get_region
from bot.domain.questionnaire import Questionnaire
from bot.keyboards import buttons
from bot.keyboards.callbacks import MeetingCB, VoiceSource
from bot.services.meetings import (
    MeetingProblem,
    cancel_meeting,
    clean_city,
    clean_venue,
    new_meeting,
    parse_moment_text,
    parse_regions,
    update_meeting,
)
from bot.services.preread import build_preread, planned_sends
from bot.services.roles import Role, RoleService
from bot.views import meetings as mv
from bot.views.messages import escape
from handlers.access import RequireRole
from handlers.common import expired, locale, send_package
from handlers.filters import has_text
from handlers.states import MeetingForm
from storage.base import utcnow
from storage.meetings import MeetingRepo
from storage.models import Meeting

router = Router(name=__name__)
router.message.middleware(RequireRole(Role.ADMIN))
router.callback_query.middleware(RequireRole(Role.ADMIN))

STEPS = ("when", "city", "regions", "theme", "venue")  # the order of the add form
STATES = {
    "when": MeetingForm.when,
    "city": MeetingForm.city,
    "regions": MeetingForm.regions,
    "theme": MeetingForm.theme,
    "venue": MeetingForm.venue,
}
TYPED = {  # fields typed as text, and how each is read
    MeetingForm.when.state: ("when", lambda text, s: parse_moment_text(text, utcnow(), s.tz)),
    MeetingForm.city.state: ("city", lambda text, s: clean_city(text)),
    MeetingForm.regions.state: ("regions", lambda text, s: parse_regions(text)),
    MeetingForm.venue.state: ("venue", lambda text, s: clean_venue(text)),
}


@router.message(Command("reunions", "meetings"))
async def cmd_meetings(message: Message, session: AsyncSession, settings: Settings) -> None:
    text, markup = await _calendar(session, settings)
    await message.answer(text, reply_markup=markup)


@router.message(
    StateFilter(*MeetingForm.__all_states__),
    Command("annuler", "cancel", ignore_case=True, ignore_mention=True),
)
async def cmd_stop_form(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(mv.form_stopped())


@router.callback_query(MeetingCB.filter(F.a.in_({"l", "o", "p", "c", "C", "e", "f"})))
async def on_meeting_action_chosen(
    callback: CallbackQuery,
    callback_data: MeetingCB,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
    settings: Settings,
    questionnaire: Questionnaire,
) -> None:
    action, chat_id = callback_data.a, callback.from_user.id
    if action == "l":
        await callback.answer()
        text, markup = await _calendar(session, settings)
        await bot.send_message(chat_id, text, reply_markup=markup)
        return
    meeting = await MeetingRepo(session).get_scheduled(callback_data.m)
    if meeting is None or (action == "f" and callback_data.v not in STEPS):
        await expired(callback)
        return
    await callback.answer()
    label = meeting_label(meeting, settings)
    if action == "o":
        await _send_entry(bot, chat_id, session, meeting, settings, questionnaire)
    elif action == "e":
        await bot.send_message(
            chat_id, mv.choose_field(), reply_markup=buttons.meeting_edit_keyboard(meeting.id)
        )
    elif action == "f":
        await state.set_state(None)
        await state.set_data({"editing": meeting.id, "regions": list(meeting.regions)})
        await _ask(bot, chat_id, state, callback_data.v, meeting.id, questionnaire, settings)
    elif action == "c":
        markup = buttons.meeting_cancel_keyboard(meeting.id)
        await bot.send_message(chat_id, mv.cancel_confirm(label), reply_markup=markup)
    elif action == "C":
        withdrawn = await cancel_meeting(session, meeting.id) or 0
        await RoleService(session, settings).audit(chat_id, "meeting_cancelled", meeting.id)
        await bot.send_message(chat_id, mv.cancelled(label, withdrawn))
    else:  # p
        await session.commit()  # release the update's connection while the worker builds
        package = await build_preread(settings, questionnaire, meeting, utcnow(), locale())
        await send_package(bot, chat_id, package, voice=(VoiceSource.PREREAD, meeting.id))


@router.callback_query(MeetingCB.filter(F.a == "+"))
async def on_add_chosen(
    callback: CallbackQuery,
    bot: Bot,
    state: FSMContext,
    settings: Settings,
    questionnaire: Questionnaire,
) -> None:
    await callback.answer()
    await state.set_data({"editing": 0, "regions": []})
    await _ask(bot, callback.from_user.id, state, "when", 0, questionnaire, settings)


@router.message(StateFilter(*(s for s in MeetingForm.__all_states__ if s.state in TYPED)), has_text)
async def process_typed_field(
    message: Message,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
    settings: Settings,
    questionnaire: Questionnaire,
) -> None:
    field, read = TYPED[await state.get_state() or ""]
    try:
        value = read(message.text or "", settings)
    except MeetingProblem as problem:
        await message.answer(mv.problem(problem))
        return
    stored = value.isoformat() if isinstance(value, datetime) else value
    stored = list(stored) if isinstance(stored, tuple) else stored
    await _field_done(bot, message.chat.id, state, session, settings, questionnaire, field, stored)


@router.message(StateFilter(*MeetingForm.__all_states__))
async def fallback_meeting_form(message: Message, state: FSMContext) -> None:
    typed = await state.get_state() in TYPED
    await message.answer(mv.type_text() if typed else mv.use_buttons())


@router.callback_query(MeetingCB.filter(F.a.in_({"rg", "rx", "rd", "th", "sk", "ok", "X"})))
async def on_form_button_chosen(
    callback: CallbackQuery,
    callback_data: MeetingCB,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
    settings: Settings,
    questionnaire: Questionnaire,
) -> None:
    data, current = await state.get_data(), await state.get_state()
    expected = {"rg": "regions", "rx": "regions", "rd": "regions", "th": "theme", "sk": "venue"}
    wanted = STATES[expected[callback_data.a]].state if callback_data.a in expected else None
    if callback_data.a in ("ok", "X"):
        wanted = MeetingForm.confirm.state
    if current != wanted or data.get("editing") != callback_data.m:  # an old form's button
        await expired(callback)
        return
    await callback.answer()
    action, value, chat_id = callback_data.a, callback_data.v, callback.from_user.id
    if action in ("rg", "rx"):
        regions = [] if action == "rx" else _toggled(data.get("regions", []), value)
        await state.update_data(regions=regions)
        markup = buttons.regions_keyboard(regions, _region_callback(callback_data.m))
        if isinstance(callback.message, Message):
            try:
                await callback.message.edit_reply_markup(reply_markup=markup)
            except TelegramBadRequest as error:  # the same ticks as before: nothing to redraw
                if "not modified" not in error.message:
                    raise
    elif action == "rd":
        regions = data.get("regions", [])
        await _field_done(bot, chat_id, state, session, settings, questionnaire, "regions", regions)
    elif action == "th":
        theme = value if questionnaire.theme(value) else None
        await _field_done(bot, chat_id, state, session, settings, questionnaire, "theme", theme)
    elif action == "sk":
        await _field_done(bot, chat_id, state, session, settings, questionnaire, "venue", None)
    elif action == "X":
        await state.clear()
        await bot.send_message(chat_id, mv.form_stopped())
    else:
        await _create(bot, chat_id, state, session, settings, questionnaire)


# The form's steps.


async def _field_done(
    bot: Bot,
    chat_id: int,
    state: FSMContext,
    session: AsyncSession,
    settings: Settings,
    questionnaire: Questionnaire,
    field: str,
    value: Any,
) -> None:
    data = await state.update_data({field: value, f"has_{field}": True})
    if data.get("editing"):
        await _save_edit(bot, chat_id, state, session, settings, questionnaire, field, data)
        return
    missing = next((step for step in STEPS if not data.get(f"has_{step}")), None)
    if missing is not None:
        await _ask(bot, chat_id, state, missing, 0, questionnaire, settings)
        return
    await state.set_state(MeetingForm.confirm)
    text = mv.confirm_new(_details(data, questionnaire, settings))
    await bot.send_message(chat_id, text, reply_markup=buttons.meeting_create_keyboard())


async def _ask(
    bot: Bot,
    chat_id: int,
    state: FSMContext,
    field: str,
    meeting_id: int,
    questionnaire: Questionnaire,
    settings: Settings,
) -> None:
    await state.set_state(STATES[field])
    if field == "when":
        example = f"{utcnow().astimezone(settings.tz) + timedelta(days=30):%d/%m/%Y} 09:30"
        ask = mv.ask_when_again if meeting_id else mv.ask_when
        await bot.send_message(chat_id, ask(example))
    elif field == "city":
        await bot.send_message(chat_id, mv.ask_city())
    elif field == "regions":
        regions = (await state.get_data()).get("regions", [])
        markup = buttons.regions_keyboard(regions, _region_callback(meeting_id))
        await bot.send_message(chat_id, mv.ask_regions(), reply_markup=markup)
    elif field == "theme":
        markup = buttons.meeting_theme_keyboard(meeting_id, questionnaire, locale())
        await bot.send_message(chat_id, mv.ask_theme(), reply_markup=markup)
    else:
        markup = buttons.meeting_skip_keyboard(meeting_id)
        await bot.send_message(chat_id, mv.ask_venue(), reply_markup=markup)


async def _create(
    bot: Bot,
    chat_id: int,
    state: FSMContext,
    session: AsyncSession,
    settings: Settings,
    questionnaire: Questionnaire,
) -> None:
    data = await state.get_data()
    meeting = MeetingRepo(session).add(
        new_meeting(
            datetime.fromisoformat(data["when"]),
            data["city"],
            data["regions"],
            data["theme"],
            data["venue"],
            created_by=chat_id,
        )
    )
    await session.flush()
    await RoleService(session, settings).audit(chat_id, "meeting_added", meeting.id)
    await state.clear()
    await bot.send_message(chat_id, mv.added(meeting.id))
    await _send_entry(bot, chat_id, session, meeting, settings, questionnaire)


async def _save_edit(
    bot: Bot,
    chat_id: int,
    state: FSMContext,
    session: AsyncSession,
    settings: Settings,
    questionnaire: Questionnaire,
    field: str,
    data: dict[str, Any],
) -> None:
    meeting_id = data["editing"]
    column = {"when": "starts_at", "theme": "theme_key"}.get(field, field)
    value = datetime.fromisoformat(data[field]) if field == "when" else data[field]
    await state.clear()
    if not await update_meeting(session, meeting_id, **{column: value}):
        await bot.send_message(chat_id, mv.form_stopped())  # cancelled meanwhile
        return
    await RoleService(session, settings).audit(chat_id, "meeting_updated", meeting_id, field=field)
    meeting = await MeetingRepo(session).get_scheduled(meeting_id)
    assert meeting is not None
    await bot.send_message(chat_id, mv.updated(meeting_id))
    await _send_entry(bot, chat_id, session, meeting, settings, questionnaire)


# Rendering helpers.


async def _calendar(session: AsyncSession, settings: Settings):
    upcoming = await MeetingRepo(session).list_upcoming(utcnow())
    labels = [(m.id, meeting_label(m, settings)) for m in upcoming]
    lines = [f"• #{i} {escape(label)}" for i, label in labels]
    return mv.meetings_list(lines), buttons.meetings_keyboard(labels)


async def _send_entry(
    bot: Bot,
    chat_id: int,
    session: AsyncSession,
    meeting: Meeting,
    settings: Settings,
    questionnaire: Questionnaire,
) -> None:
    plan = await planned_sends(session, meeting, settings, utcnow())
    details = mv.details(
        meeting.starts_at,
        meeting.city,
        meeting.regions,
        meeting.theme_key,
        meeting.venue,
        questionnaire,
        locale(),
        settings.tz,
    )
    text = mv.entry(meeting.id, details, plan, locale(), settings.tz)
    await bot.send_message(chat_id, text, reply_markup=buttons.meeting_entry_keyboard(meeting.id))


def _details(data: dict[str, Any], questionnaire: Questionnaire, settings: Settings) -> str:
    return mv.details(
        datetime.fromisoformat(data["when"]),
        data["city"],
        data["regions"],
        data["theme"],
        data["venue"],
        questionnaire,
        locale(),
        settings.tz,
    )


def _toggled(regions: list[str], code: str) -> list[str]:
    if get_region(code) is None:
        return regions  # forged
    return [r for r in regions if r != code] if code in regions else [*regions, code]


def _region_callback(meeting_id: int):
    return lambda action, value: MeetingCB(a="r" + action, m=meeting_id, v=value)


def meeting_label(meeting: Meeting, settings: Settings) -> str:
    local = meeting.starts_at.astimezone(settings.tz)
    return f"{local:%d/%m %H:%M} {meeting.city}"
