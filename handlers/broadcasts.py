"""`/diffuser`: admins compose a broadcast, choose its audience, preview, send or schedule it,
follow it, cancel it, retry what failed. The scheduler and the sender do the delivery.

Callback actions (BroadcastCB.a) — draft: A audience, R/rx/rg/rd regions, D departments,
O/og roles, T/tt theme not contributed, I/ii inactive, E everyone, P preview, U urgent,
N send now, S schedule, K confirm, X discard; running: c/C/n cancel, r retry failed.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Literal

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.delivery.sender import send_payload
from bot.domain.geo import resolve_department
from bot.domain.questionnaire import Questionnaire
from bot.keyboards import buttons
from bot.keyboards.callbacks import BroadcastCB
from bot.services.audience import INACTIVE_CHOICES, Audience
from bot.services.broadcasts import (
    BroadcastService,
    ScheduleError,
    broadcast_payload,
    delivery_counts,
    parse_schedule,
)
from bot.services.roles import Role, RoleService
from bot.views import broadcasts as bv
from bot.views import messages
from handlers.access import RequireRole
from handlers.common import expired, locale
from handlers.filters import has_text
from handlers.states import BroadcastForm
from storage.base import utcnow
from storage.models import Broadcast

router = Router(name=__name__)
ALBUM = "broadcast_album"  # conversation state: the album whose first item was kept
router.message.middleware(RequireRole(Role.ADMIN))
router.callback_query.middleware(RequireRole(Role.ADMIN))

AUDIENCE_ACTIONS = {"A", "R", "rx", "rg", "rd", "O", "og", "T", "tt", "I", "ii", "E", "D"}


@router.message(Command("diffuser", "broadcast"))
async def cmd_broadcast(
    message: Message, state: FSMContext, session: AsyncSession, settings: Settings
) -> None:
    for broadcast in await BroadcastService(session).list_active():  # each can be cancelled
        await message.answer(
            bv.active_broadcast(broadcast, locale(), settings.tz),
            reply_markup=buttons.broadcast_running_keyboard(broadcast.id),
        )
    await state.set_state(BroadcastForm.content)
    await message.answer(bv.ask_content())


@router.message(
    StateFilter(*BroadcastForm.__all_states__),
    Command("annuler", "cancel", ignore_case=True, ignore_mention=True),
)
async def cmd_stop_composing(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(bv.compose_stopped())


@router.message(StateFilter(BroadcastForm.content))
async def process_content(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    questionnaire: Questionnaire,
    settings: Settings,
) -> None:
    if await rest_of_album(message, state):
        return  # a late item of the album whose first item is already a draft
    media_kind, media_file_id = _media_of(message)
    if message.text is None and media_kind is None:
        await message.answer(bv.content_refused())  # sticker, voice, location...: ask again
        return
    body = message.html_text if (message.text or message.caption) else ""
    service = BroadcastService(session)
    draft = await service.create_draft(message.chat.id, body, media_kind, media_file_id)
    await state.clear()
    if message.media_group_id:  # an album: Telegram sends each item as its own message
        await state.update_data({ALBUM: message.media_group_id})
        await message.answer(bv.album_first_item_only())
    text, markup = await _audience_screen(service, draft, questionnaire, settings)
    await message.answer(text, reply_markup=markup)


async def rest_of_album(message: Message, state: FSMContext) -> bool:
    """The other items of an album whose first item became a broadcast draft."""
    group = message.media_group_id
    return group is not None and (await state.get_data()).get(ALBUM) == group


@router.message(StateFilter(None), rest_of_album)
async def fallback_album_item(message: Message) -> None:
    """Already said: only the album's first item is kept. Nothing more to say per item."""


@router.callback_query(BroadcastCB.filter(F.a.in_(AUDIENCE_ACTIONS)))
async def on_audience_chosen(
    callback: CallbackQuery,
    callback_data: BroadcastCB,
    state: FSMContext,
    session: AsyncSession,
    questionnaire: Questionnaire,
    settings: Settings,
) -> None:
    service = BroadcastService(session)
    draft = await service.draft_of(callback_data.b, callback.from_user.id)
    if draft is None:
        await expired(callback)
        return
    await callback.answer()
    audience, action, value = Audience.from_json(draft.audience), callback_data.a, callback_data.v
    screen = _audience_subscreen(draft.id, audience, action, questionnaire)
    if screen is not None:  # R, O, T, I: show a choice list
        await _show(callback, *screen)
        return
    if action == "D":
        await state.set_state(BroadcastForm.departments)
        await state.update_data(broadcast_id=draft.id)
        await callback.bot.send_message(callback.from_user.id, bv.ask_departments())  # type: ignore[union-attr]
        return
    audience = _changed(audience, action, value, questionnaire)
    service.set_audience(draft, audience)
    if action in ("rg", "rx", "og"):  # stay on the toggle list
        screen = _audience_subscreen(draft.id, audience, action[0].upper(), questionnaire)
        assert screen is not None
        await _show(callback, *screen)
        return
    await _show(callback, *await _audience_screen(service, draft, questionnaire, settings))


@router.message(StateFilter(BroadcastForm.departments), has_text)
async def process_departments(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    questionnaire: Questionnaire,
    settings: Settings,
) -> None:
    service = BroadcastService(session)
    draft = await _draft_being_typed(message, state, service)
    if draft is None:
        return
    codes, unknown = _departments_in(message.text or "")
    if unknown:
        await message.answer(bv.departments_unknown(unknown))
        return
    await state.clear()
    audience = Audience.from_json(draft.audience)
    service.set_audience(draft, replace(audience, departments=tuple(codes)))
    text, markup = await _audience_screen(service, draft, questionnaire, settings)
    await message.answer(text, reply_markup=markup)


@router.callback_query(BroadcastCB.filter(F.a.in_({"P", "U"})))
async def on_preview_chosen(
    callback: CallbackQuery,
    callback_data: BroadcastCB,
    bot: Bot,
    session: AsyncSession,
    settings: Settings,
) -> None:
    service = BroadcastService(session)
    draft = await service.draft_of(callback_data.b, callback.from_user.id)
    if draft is None:
        await expired(callback)
        return
    await callback.answer()
    if callback_data.a == "U":
        draft.urgent = not draft.urgent
    count = await service.recipients(draft)
    summary = bv.preview_summary(count, draft.urgent, locale(), settings.small_group_threshold)
    markup = buttons.broadcast_preview_keyboard(draft.id, draft.urgent)
    if callback_data.a == "U":
        await _show(callback, summary, markup)
        return
    chat_id = callback.from_user.id
    await session.commit()  # the preview is three Bot API calls: hold no transaction meanwhile
    await bot.send_message(chat_id, bv.preview_intro())
    await send_payload(bot, chat_id, broadcast_payload(draft))
    await bot.send_message(chat_id, summary, reply_markup=markup)


@router.callback_query(BroadcastCB.filter(F.a.in_({"N", "S", "K", "X"})))
async def on_send_chosen(
    callback: CallbackQuery,
    callback_data: BroadcastCB,
    state: FSMContext,
    session: AsyncSession,
    settings: Settings,
) -> None:
    service = BroadcastService(session)
    admin = callback.from_user.id
    draft = await service.draft_of(callback_data.b, admin)
    if draft is None:
        await expired(callback)
        return
    if callback_data.a == "X":
        await service.discard(draft.id, admin)
        await callback.answer()
        await _show(callback, bv.discarded(), None)
        return
    count = await service.recipients(draft)
    if count == 0:
        await callback.answer(bv.nobody_to_reach(), show_alert=True)
        return
    await callback.answer()
    if callback_data.a == "N":
        draft.due_at = None
        await _show(
            callback,
            bv.confirm_now(count, locale(), settings.small_group_threshold),
            _confirm(draft),
        )
    elif callback_data.a == "S":
        await state.set_state(BroadcastForm.schedule)
        await state.update_data(broadcast_id=draft.id)
        await _show(callback, bv.ask_schedule(_example(settings)), None)
    elif (when := _confirmed_moment(callback_data.v, draft)) == "stale":
        await _show(callback, messages.button_expired(), None)  # rescheduled since: use the newer
    elif when == "past":
        await _show(callback, bv.schedule_error("past", _example(settings)), None)
    elif await service.confirm(draft.id, admin, admin, _message_id(callback), when):
        await RoleService(session, settings).audit(admin, "broadcast_confirmed", draft.id)
        await session.refresh(draft)
        shown_on = await _show_running(callback, draft, settings)
        if shown_on != draft.progress_message_id:  # the old message could not be edited
            draft.progress_message_id = shown_on
            await session.commit()


@router.message(StateFilter(BroadcastForm.schedule), has_text)
async def process_schedule(
    message: Message, state: FSMContext, session: AsyncSession, settings: Settings
) -> None:
    service = BroadcastService(session)
    draft = await _draft_being_typed(message, state, service)
    if draft is None:
        return
    try:
        draft.due_at = parse_schedule(message.text or "", utcnow(), settings.tz)
    except ScheduleError as error:
        await message.answer(bv.schedule_error(error.reason, _example(settings)))
        return
    await state.clear()
    count = await service.recipients(draft)
    text = bv.confirm_at(count, draft.due_at, locale(), settings.tz, settings.small_group_threshold)
    await message.answer(text, reply_markup=_confirm(draft))


@router.message(StateFilter(BroadcastForm.departments, BroadcastForm.schedule))
async def fallback_typed_answer(message: Message) -> None:
    await message.answer(bv.content_refused_typed())


@router.callback_query(BroadcastCB.filter(F.a.in_({"c", "C", "n", "r"})))
async def on_running_action_chosen(
    callback: CallbackQuery,
    callback_data: BroadcastCB,
    bot: Bot,
    session: AsyncSession,
    settings: Settings,
) -> None:
    service = BroadcastService(session)
    broadcast = await service.get(callback_data.b)
    if broadcast is None:
        await expired(callback)
        return
    await callback.answer()
    admin, action = callback.from_user.id, callback_data.a
    on_progress = (
        _message_id(callback) == broadcast.progress_message_id
        and callback.from_user.id == broadcast.progress_chat_id
    )
    if action == "c":
        if on_progress:  # the 3-second refresh must not erase the question
            await service.hold_progress(broadcast.id, held=True)
        await _show(callback, bv.cancel_confirm(broadcast.id), _cancel(broadcast))
    elif action == "n":
        if on_progress:
            await service.hold_progress(broadcast.id, held=False)
        await _show(
            callback,
            bv.cancel_kept(broadcast.id),
            buttons.broadcast_running_keyboard(broadcast.id),
        )
    elif action == "C":
        counts = await service.cancel(broadcast.id)
        if counts is None:
            await _show(callback, bv.already_over(broadcast.id), None)
            return
        await RoleService(session, settings).audit(admin, "broadcast_cancelled", broadcast.id)
        text = bv.cancelled(broadcast.id, counts, locale(), settings.small_group_threshold)
        shown_on = await _show(callback, text, None)
        progress = broadcast.progress_message_id
        if progress and progress != shown_on and broadcast.progress_chat_id:
            # Cancelled from the /diffuser list: the progress message says so too.
            with contextlib.suppress(TelegramBadRequest):
                await bot.edit_message_text(
                    text, chat_id=broadcast.progress_chat_id, message_id=progress
                )
    else:
        progress = await bot.send_message(admin, bv.starting(broadcast.id))
        retried = await service.retry_failed(broadcast.id, admin, progress.message_id)
        text = bv.retrying(retried) if retried else bv.nothing_to_retry()
        await bot.edit_message_text(
            text,
            chat_id=admin,
            message_id=progress.message_id,
            reply_markup=buttons.broadcast_running_keyboard(broadcast.id) if retried else None,
        )


@router.callback_query(BroadcastCB.filter(F.a.in_({"u", "uy", "un"})))
async def on_resend_chosen(
    callback: CallbackQuery, callback_data: BroadcastCB, bot: Bot, session: AsyncSession
) -> None:
    """Messages whose outcome is unknown are sent again only after a warning that some people
    may get them twice (u: ask, uy: yes, un: no)."""
    service = BroadcastService(session)
    broadcast = await service.get(callback_data.b)
    if broadcast is None:
        await expired(callback)
        return
    await callback.answer()
    counts = await delivery_counts(session, broadcast.id)
    if callback_data.a == "u":
        markup = buttons.broadcast_resend_keyboard(broadcast.id)
        await bot.send_message(
            callback.from_user.id, bv.resend_uncertain_confirm(counts.unknown), reply_markup=markup
        )
        return
    if callback_data.a == "un":
        await _show(callback, bv.resend_declined(), None)
        return
    # The question's message becomes the progress message of this new round.
    retried = await service.retry_failed(
        broadcast.id, callback.from_user.id, _message_id(callback), uncertain=True
    )
    if not retried:  # a second tap, or already running: leave the message as it is
        await callback.bot.send_message(callback.from_user.id, bv.nothing_to_retry())  # type: ignore[union-attr]
        return
    await _show(callback, bv.retrying(retried), buttons.broadcast_running_keyboard(broadcast.id))


# Helpers: rendering only.


async def _draft_being_typed(
    message: Message, state: FSMContext, service: BroadcastService
) -> Broadcast | None:
    """The draft a typed answer is for; None (and the form closed) if it is gone."""
    draft = await service.draft_of((await state.get_data()).get("broadcast_id", 0), message.chat.id)
    if draft is None:
        await state.clear()
        await message.answer(bv.compose_stopped())
    return draft


def _media_of(message: Message) -> tuple[str | None, str | None]:
    if message.photo:
        return "photo", message.photo[-1].file_id
    if message.document:
        return "document", message.document.file_id
    return None, None


async def _audience_screen(
    service: BroadcastService, draft: Broadcast, questionnaire: Questionnaire, settings: Settings
) -> tuple[str, InlineKeyboardMarkup]:
    audience = Audience.from_json(draft.audience)
    count = await service.recipients(draft)
    return (
        bv.audience_summary(
            audience, count, questionnaire, locale(), settings.small_group_threshold
        ),
        buttons.broadcast_audience_keyboard(draft.id, audience, questionnaire),
    )


def _audience_subscreen(
    broadcast_id: int, audience: Audience, action: str, questionnaire: Questionnaire
) -> tuple[str, InlineKeyboardMarkup] | None:
    if action == "R":
        return bv.choose_regions(), buttons.regions_keyboard(
            list(audience.regions), lambda a, v: BroadcastCB(a="r" + a, b=broadcast_id, v=v)
        )
    if action == "O":
        return bv.choose_roles(), buttons.broadcast_roles_keyboard(broadcast_id, audience.roles)
    if action == "T":
        return bv.choose_missing_theme(), buttons.broadcast_theme_keyboard(
            broadcast_id, audience.missing_theme, questionnaire, locale()
        )
    if action == "I":
        return bv.choose_inactive(), buttons.broadcast_inactive_keyboard(
            broadcast_id, audience.inactive_days, INACTIVE_CHOICES
        )
    return None


def _changed(audience: Audience, action: str, value: str, questionnaire: Questionnaire) -> Audience:
    """The audience after one button; values not offered by the bot are ignored (forged)."""
    from bot.domain.geo import get_region
    from bot.domain.profile_options import ROLES

    if action == "rg" and get_region(value):
        return audience.toggled("regions", value)
    if action == "rx":
        return replace(audience, regions=())
    if action == "og" and value in ROLES:
        return audience.toggled("roles", value)
    if action == "tt":
        theme = value if questionnaire.theme(value) else None
        return replace(audience, missing_theme=theme)
    if action == "ii":
        days = int(value) if value.isdigit() and int(value) in INACTIVE_CHOICES else None
        return replace(audience, inactive_days=days)
    if action == "E":
        return Audience()
    return audience  # A, rd: back to the summary unchanged


def _departments_in(text: str) -> tuple[list[str], list[str]]:
    codes: list[str] = []
    unknown: list[str] = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part or part == "0":
            continue
        department = resolve_department(part).department
        if department is None:
            unknown.append(part[:40])
        elif department.code not in codes:
            codes.append(department.code)
    return codes, unknown


def _example(settings: Settings) -> str:
    tomorrow = utcnow().astimezone(settings.tz) + timedelta(days=1)
    return f"{tomorrow:%d/%m/%Y} 09:00"


def _confirm(draft: Broadcast) -> InlineKeyboardMarkup:
    when = "now" if draft.due_at is None else str(int(draft.due_at.timestamp()))
    return buttons.broadcast_confirm_keyboard(draft.id, when)


def _confirmed_moment(value: str, draft: Broadcast) -> datetime | Literal["stale", "past"] | None:
    """What a Confirm button confirms: None for "now", or the scheduled moment; "stale" when it
    no longer matches the draft (changed since), "past" when that moment has gone by."""
    if value == "now":
        return None if draft.due_at is None else "stale"
    if not value.isdigit() or draft.due_at is None:
        return "stale"
    if int(draft.due_at.timestamp()) != int(value):
        return "stale"
    moment = datetime.fromtimestamp(int(value), UTC)
    return "past" if moment <= utcnow() else moment


def _cancel(broadcast: Broadcast) -> InlineKeyboardMarkup:
    return buttons.broadcast_cancel_keyboard(broadcast.id)


def _message_id(callback: CallbackQuery) -> int:
    return callback.message.message_id if callback.message else 0


async def _show_running(callback: CallbackQuery, broadcast: Broadcast, settings: Settings) -> int:
    assert broadcast.due_at is not None
    if broadcast.due_at > utcnow() + timedelta(seconds=5):
        text = bv.scheduled(broadcast.id, broadcast.due_at, locale(), settings.tz)
    else:
        text = bv.starting(broadcast.id)
    return await _show(callback, text, buttons.broadcast_running_keyboard(broadcast.id))


async def _show(callback: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> int:
    """Replace the message the button was on (a new message if it can no longer be edited);
    returns the id of the message now showing it."""
    message = callback.message
    if isinstance(message, Message):
        try:
            await message.edit_text(text, reply_markup=markup)
            return message.message_id
        except TelegramBadRequest as error:
            if "not modified" in error.message:
                return message.message_id
    sent = await callback.bot.send_message(callback.from_user.id, text, reply_markup=markup)  # type: ignore[union-attr]
    return sent.message_id
