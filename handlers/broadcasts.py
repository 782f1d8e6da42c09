"""`/diffuser`: admins compose a broadcast, choose its audience, preview, send or schedule it,
follow it, cancel it, retry what failed. The scheduler and the sender do the delivery.

One handler per button (`BroadcastAction`), in the order an admin meets them: the draft's
audience (each criterion's list, then the choice made in it), preview and sending, then the
buttons of a confirmed broadcast (cancel, retry the failed, resend the uncertain).
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from typing import Literal

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.config import Settings
from bot.delivery.sender import send_payload
from bot.keyboards import buttons
from bot.keyboards.callbacks import BroadcastAction, BroadcastCB
from bot.services.audience import (
    INACTIVE_CHOICES,
    departments_in,
    every_region,
    inactive_for,
    not_contributed_to,
    toggle_region,
    toggle_role,
    with_departments,
)
from bot.services.broadcasts import ScheduleError, broadcast_payload, parse_schedule
from bot.services.container import Services
from bot.services.roles import Role
from bot.views import broadcasts as bv
from bot.views import messages
from bot.views.meetings import when_examples
from handlers.access import RequireRole
from handlers.common import expired, locale
from handlers.filters import has_text
from handlers.states import BroadcastForm
from storage.base import utcnow
from storage.models import Broadcast
from storage.repositories.audience import Audience

router = Router(name=__name__)
ALBUM = "broadcast_album"  # conversation state: the album whose first item was kept
router.message.middleware(RequireRole(Role.ADMIN))
router.callback_query.middleware(RequireRole(Role.ADMIN))


@router.message(Command("diffuser", "broadcast"))
async def cmd_broadcast(message: Message, state: FSMContext, services: Services) -> None:
    for broadcast in await services.broadcasts.list_active():  # each can be cancelled
        await message.answer(
            bv.active_broadcast(broadcast, locale(), services.settings.tz),
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
async def process_content(message: Message, state: FSMContext, services: Services) -> None:
    if await rest_of_album(message, state):
        return  # a late item of the album whose first item is already a draft
    media_kind, media_file_id = _media_of(message)
    if message.text is None and media_kind is None:
        await message.answer(bv.content_refused())  # sticker, voice, location...: ask again
        return
    body = message.html_text if (message.text or message.caption) else ""
    draft = await services.broadcasts.create_draft(message.chat.id, body, media_kind, media_file_id)
    await state.clear()
    if message.media_group_id:  # an album: Telegram sends each item as its own message
        await state.update_data({ALBUM: message.media_group_id})
        await message.answer(bv.album_first_item_only())
    text, markup = await _audience_screen(services, draft)
    await message.answer(text, reply_markup=markup)


async def rest_of_album(message: Message, state: FSMContext) -> bool:
    """The other items of an album whose first item became a broadcast draft."""
    group = message.media_group_id
    return group is not None and (await state.get_data()).get(ALBUM) == group


@router.message(StateFilter(None), rest_of_album)
async def fallback_album_item(message: Message) -> None:
    """Already said: only the album's first item is kept. Nothing more to say per item."""


# The draft's audience: a list per criterion, and what each choice in it does.


@router.callback_query(BroadcastCB.filter(F.action == BroadcastAction.AUDIENCE))
async def on_audience_chosen(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services
) -> None:
    draft = await _audience_draft(callback, callback_data, services)
    if draft is not None:
        await _audience_changed(callback, services, draft, services.broadcasts.audience_of(draft))


@router.callback_query(BroadcastCB.filter(F.action == BroadcastAction.EVERYONE))
async def on_everyone_chosen(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services
) -> None:
    draft = await _audience_draft(callback, callback_data, services)
    if draft is not None:
        await _audience_changed(callback, services, draft, Audience())


@router.callback_query(BroadcastCB.filter(F.action == BroadcastAction.REGIONS))
async def on_regions_chosen(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services
) -> None:
    draft = await _audience_draft(callback, callback_data, services)
    if draft is not None:
        await _show_regions(callback, draft.id, services.broadcasts.audience_of(draft))


@router.callback_query(BroadcastCB.filter(F.action == BroadcastAction.REGION_TOGGLE))
async def on_region_toggled(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services
) -> None:
    draft = await _audience_draft(callback, callback_data, services)
    if draft is not None:
        audience = toggle_region(services.broadcasts.audience_of(draft), callback_data.value)
        services.broadcasts.set_audience(draft, audience)
        await _show_regions(callback, draft.id, audience)


@router.callback_query(BroadcastCB.filter(F.action == BroadcastAction.REGIONS_ALL))
async def on_every_region_chosen(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services
) -> None:
    draft = await _audience_draft(callback, callback_data, services)
    if draft is not None:
        audience = every_region(services.broadcasts.audience_of(draft))
        services.broadcasts.set_audience(draft, audience)
        await _show_regions(callback, draft.id, audience)


@router.callback_query(BroadcastCB.filter(F.action == BroadcastAction.REGIONS_DONE))
async def on_regions_done(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services
) -> None:
    draft = await _audience_draft(callback, callback_data, services)
    if draft is not None:
        await _audience_changed(callback, services, draft, services.broadcasts.audience_of(draft))


@router.callback_query(BroadcastCB.filter(F.action == BroadcastAction.DEPARTMENTS))
async def on_departments_chosen(
    callback: CallbackQuery,
    callback_data: BroadcastCB,
    bot: Bot,
    state: FSMContext,
    services: Services,
) -> None:
    draft = await _audience_draft(callback, callback_data, services)
    if draft is not None:
        await state.set_state(BroadcastForm.departments)
        await state.update_data(broadcast_id=draft.id)
        await bot.send_message(callback.from_user.id, bv.ask_departments())


@router.message(StateFilter(BroadcastForm.departments), has_text)
async def process_departments(message: Message, state: FSMContext, services: Services) -> None:
    draft = await _draft_being_typed(message, state, services)
    if draft is None:
        return
    codes, unknown = departments_in(message.text or "")
    if unknown:
        await message.answer(bv.departments_unknown(unknown))
        return
    await state.clear()
    audience = with_departments(services.broadcasts.audience_of(draft), codes)
    services.broadcasts.set_audience(draft, audience)
    text, markup = await _audience_screen(services, draft)
    await message.answer(text, reply_markup=markup)


@router.callback_query(BroadcastCB.filter(F.action == BroadcastAction.ROLES))
async def on_roles_chosen(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services
) -> None:
    draft = await _audience_draft(callback, callback_data, services)
    if draft is not None:
        roles = services.broadcasts.audience_of(draft).roles
        await _show(callback, bv.choose_roles(), buttons.broadcast_roles_keyboard(draft.id, roles))


@router.callback_query(BroadcastCB.filter(F.action == BroadcastAction.ROLE_TOGGLE))
async def on_role_toggled(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services
) -> None:
    draft = await _audience_draft(callback, callback_data, services)
    if draft is not None:
        audience = toggle_role(services.broadcasts.audience_of(draft), callback_data.value)
        services.broadcasts.set_audience(draft, audience)
        markup = buttons.broadcast_roles_keyboard(draft.id, audience.roles)
        await _show(callback, bv.choose_roles(), markup)


@router.callback_query(BroadcastCB.filter(F.action == BroadcastAction.NOT_CONTRIBUTED))
async def on_not_contributed_chosen(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services
) -> None:
    draft = await _audience_draft(callback, callback_data, services)
    if draft is not None:
        chosen = services.broadcasts.audience_of(draft).missing_theme
        markup = buttons.broadcast_theme_keyboard(
            draft.id, chosen, services.questionnaire, locale()
        )
        await _show(callback, bv.choose_missing_theme(), markup)


@router.callback_query(BroadcastCB.filter(F.action == BroadcastAction.NOT_CONTRIBUTED_THEME))
async def on_not_contributed_theme_chosen(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services
) -> None:
    draft = await _audience_draft(callback, callback_data, services)
    if draft is not None:
        audience = services.broadcasts.audience_of(draft)
        changed = not_contributed_to(audience, callback_data.value, services.questionnaire)
        await _audience_changed(callback, services, draft, changed)


@router.callback_query(BroadcastCB.filter(F.action == BroadcastAction.INACTIVE))
async def on_inactive_chosen(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services
) -> None:
    draft = await _audience_draft(callback, callback_data, services)
    if draft is not None:
        chosen = services.broadcasts.audience_of(draft).inactive_days
        markup = buttons.broadcast_inactive_keyboard(draft.id, chosen, INACTIVE_CHOICES)
        await _show(callback, bv.choose_inactive(), markup)


@router.callback_query(BroadcastCB.filter(F.action == BroadcastAction.INACTIVE_DAYS))
async def on_inactive_days_chosen(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services
) -> None:
    draft = await _audience_draft(callback, callback_data, services)
    if draft is not None:
        audience = inactive_for(services.broadcasts.audience_of(draft), callback_data.value)
        await _audience_changed(callback, services, draft, audience)


async def _audience_draft(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services
) -> Broadcast | None:
    """The draft a button of its audience screens is for, the button answered."""
    draft = await _draft(callback, callback_data, services)
    if draft is not None:
        await callback.answer()
    return draft


async def _audience_changed(
    callback: CallbackQuery, services: Services, draft: Broadcast, audience: Audience
) -> None:
    """Store the audience and show its summary again."""
    services.broadcasts.set_audience(draft, audience)
    await _show(callback, *await _audience_screen(services, draft))


async def _show_regions(callback: CallbackQuery, broadcast_id: int, audience: Audience) -> None:
    markup = buttons.broadcast_regions_keyboard(broadcast_id, audience.regions)
    await _show(callback, bv.choose_regions(), markup)


# Preview, then send now or at a given moment.


@router.callback_query(BroadcastCB.filter(F.action == BroadcastAction.PREVIEW))
async def on_preview_chosen(
    callback: CallbackQuery, callback_data: BroadcastCB, bot: Bot, services: Services
) -> None:
    draft = await _draft(callback, callback_data, services)
    if draft is None:
        return
    await callback.answer()
    summary, markup = await _preview_summary(services, draft)
    chat_id = callback.from_user.id
    # Three Bot API calls: each commits first (CommitBeforeTelegram), so none waits holding a
    # transaction.
    await bot.send_message(chat_id, bv.preview_intro())
    await send_payload(bot, chat_id, broadcast_payload(draft))
    await bot.send_message(chat_id, summary, reply_markup=markup)


@router.callback_query(BroadcastCB.filter(F.action == BroadcastAction.URGENT))
async def on_urgent_toggled(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services
) -> None:
    draft = await _draft(callback, callback_data, services)
    if draft is None:
        return
    await callback.answer()
    services.broadcasts.toggle_urgent(draft)
    await _show(callback, *await _preview_summary(services, draft))


@router.callback_query(BroadcastCB.filter(F.action == BroadcastAction.DISCARD))
async def on_discard_chosen(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services
) -> None:
    draft = await _draft(callback, callback_data, services)
    if draft is None:
        return
    await services.broadcasts.discard(draft.id, callback.from_user.id)
    await callback.answer()
    await _show(callback, bv.discarded(), None)


@router.callback_query(BroadcastCB.filter(F.action == BroadcastAction.SEND_NOW))
async def on_send_now_chosen(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services
) -> None:
    draft = await _draft(callback, callback_data, services)
    if draft is None:
        return
    count = await _recipients_or_refuse(callback, services, draft)
    if not count:
        return
    services.broadcasts.set_due(draft, None)
    text = bv.confirm_now(count, locale(), services.settings.small_group_threshold)
    await _show(callback, text, _confirm_keyboard(draft))


@router.callback_query(BroadcastCB.filter(F.action == BroadcastAction.SCHEDULE))
async def on_schedule_chosen(
    callback: CallbackQuery, callback_data: BroadcastCB, state: FSMContext, services: Services
) -> None:
    draft = await _draft(callback, callback_data, services)
    if draft is None or not await _recipients_or_refuse(callback, services, draft):
        return
    await state.set_state(BroadcastForm.schedule)
    await state.update_data(broadcast_id=draft.id)
    await _show(callback, bv.ask_schedule(_example(services.settings)), None)


@router.message(StateFilter(BroadcastForm.schedule), has_text)
async def process_schedule(message: Message, state: FSMContext, services: Services) -> None:
    draft = await _draft_being_typed(message, state, services)
    if draft is None:
        return
    settings = services.settings
    try:
        due_at = parse_schedule(message.text or "", utcnow(), settings.tz)
    except ScheduleError as error:
        await message.answer(bv.schedule_error(error.reason, _example(settings)))
        return
    services.broadcasts.set_due(draft, due_at)
    await state.clear()
    count = await services.broadcasts.count_recipients(draft)
    text = bv.confirm_at(count, due_at, locale(), settings.tz, settings.small_group_threshold)
    await message.answer(text, reply_markup=_confirm_keyboard(draft))


@router.message(StateFilter(BroadcastForm.departments, BroadcastForm.schedule))
async def fallback_typed_answer(message: Message) -> None:
    await message.answer(bv.content_refused_typed())


@router.callback_query(BroadcastCB.filter(F.action == BroadcastAction.CONFIRM))
async def on_confirm_chosen(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services
) -> None:
    draft = await _draft(callback, callback_data, services)
    if draft is None or not await _recipients_or_refuse(callback, services, draft):
        return
    when = _confirmed_moment(callback_data.value, draft)
    if when == "stale":  # rescheduled since: the newer question's button is the one to use
        await _show(callback, messages.button_expired(), None)
        return
    if when == "past":
        await _show(callback, bv.schedule_error("past", _example(services.settings)), None)
        return
    admin = callback.from_user.id
    confirmed = await services.broadcasts.confirm(
        draft.id, admin, admin, _message_id(callback), when
    )
    if confirmed is None:
        return
    await services.roles.audit(admin, "broadcast_confirmed", confirmed.id)
    shown_on = await _show_running(callback, confirmed, services.settings)
    if shown_on != confirmed.progress_message_id:  # the old message could not be edited
        services.broadcasts.move_progress(confirmed, shown_on)


async def _recipients_or_refuse(
    callback: CallbackQuery, services: Services, draft: Broadcast
) -> int:
    """How many the draft reaches now, the button answered (with an alert when nobody)."""
    count = await services.broadcasts.count_recipients(draft)
    if count == 0:
        await callback.answer(bv.nobody_to_reach(), show_alert=True)
    else:
        await callback.answer()
    return count


async def _preview_summary(
    services: Services, draft: Broadcast
) -> tuple[str, InlineKeyboardMarkup]:
    count = await services.broadcasts.count_recipients(draft)
    threshold = services.settings.small_group_threshold
    summary = bv.preview_summary(count, draft.urgent, locale(), threshold)
    return summary, buttons.broadcast_preview_keyboard(draft.id, draft.urgent)


# A confirmed broadcast: cancel it, retry what failed, resend what may not have arrived.


@router.callback_query(BroadcastCB.filter(F.action == BroadcastAction.ASK_CANCEL))
async def on_cancel_chosen(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services
) -> None:
    broadcast = await _broadcast(callback, callback_data, services)
    if broadcast is None:
        return
    if _on_progress_message(callback, broadcast):  # the 3-second refresh must not erase it
        await services.broadcasts.hold_progress(broadcast.id, held=True)
    markup = buttons.broadcast_cancel_keyboard(broadcast.id)
    await _show(callback, bv.cancel_confirm(broadcast.id), markup)


@router.callback_query(BroadcastCB.filter(F.action == BroadcastAction.KEEP))
async def on_cancel_declined(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services
) -> None:
    broadcast = await _broadcast(callback, callback_data, services)
    if broadcast is None:
        return
    if _on_progress_message(callback, broadcast):
        await services.broadcasts.hold_progress(broadcast.id, held=False)
    markup = buttons.broadcast_running_keyboard(broadcast.id)
    await _show(callback, bv.cancel_kept(broadcast.id), markup)


@router.callback_query(BroadcastCB.filter(F.action == BroadcastAction.CANCEL))
async def on_cancel_confirmed(
    callback: CallbackQuery, callback_data: BroadcastCB, bot: Bot, services: Services
) -> None:
    broadcast = await _broadcast(callback, callback_data, services)
    if broadcast is None:
        return
    counts = await services.broadcasts.cancel(broadcast.id)
    if counts is None:
        await _show(callback, bv.already_over(broadcast.id), None)
        return
    await services.roles.audit(callback.from_user.id, "broadcast_cancelled", broadcast.id)
    threshold = services.settings.small_group_threshold
    text = bv.cancelled(broadcast.id, counts, locale(), threshold)
    shown_on = await _show(callback, text, None)
    progress = broadcast.progress_message_id
    if progress and progress != shown_on and broadcast.progress_chat_id:
        # Cancelled from the /diffuser list: the progress message says so too.
        with contextlib.suppress(TelegramBadRequest):
            await bot.edit_message_text(
                text, chat_id=broadcast.progress_chat_id, message_id=progress
            )


@router.callback_query(BroadcastCB.filter(F.action == BroadcastAction.RETRY_FAILED))
async def on_retry_chosen(
    callback: CallbackQuery, callback_data: BroadcastCB, bot: Bot, services: Services
) -> None:
    broadcast = await _broadcast(callback, callback_data, services)
    if broadcast is None:
        return
    admin = callback.from_user.id
    progress = await bot.send_message(admin, bv.starting(broadcast.id))
    retried = await services.broadcasts.retry_failed(broadcast.id, admin, progress.message_id)
    text = bv.retrying(retried) if retried else bv.nothing_to_retry()
    await bot.edit_message_text(
        text,
        chat_id=admin,
        message_id=progress.message_id,
        reply_markup=buttons.broadcast_running_keyboard(broadcast.id) if retried else None,
    )


@router.callback_query(BroadcastCB.filter(F.action == BroadcastAction.ASK_RESEND_UNCERTAIN))
async def on_resend_uncertain_chosen(
    callback: CallbackQuery, callback_data: BroadcastCB, bot: Bot, services: Services
) -> None:
    """Messages whose outcome is unknown are sent again only after a warning that some people
    may get them twice."""
    broadcast = await _broadcast(callback, callback_data, services)
    if broadcast is None:
        return
    counts = await services.broadcasts.delivery_counts(broadcast.id)
    markup = buttons.broadcast_resend_keyboard(broadcast.id)
    await bot.send_message(
        callback.from_user.id, bv.resend_uncertain_confirm(counts.unknown), reply_markup=markup
    )


@router.callback_query(BroadcastCB.filter(F.action == BroadcastAction.RESEND_UNCERTAIN))
async def on_resend_uncertain_confirmed(
    callback: CallbackQuery, callback_data: BroadcastCB, bot: Bot, services: Services
) -> None:
    broadcast = await _broadcast(callback, callback_data, services)
    if broadcast is None:
        return
    # The question's message becomes the progress message of this new round.
    retried = await services.broadcasts.retry_failed(
        broadcast.id, callback.from_user.id, _message_id(callback), uncertain=True
    )
    if not retried:  # a second tap, or already running: leave the message as it is
        await bot.send_message(callback.from_user.id, bv.nothing_to_retry())
        return
    await _show(callback, bv.retrying(retried), buttons.broadcast_running_keyboard(broadcast.id))


@router.callback_query(BroadcastCB.filter(F.action == BroadcastAction.KEEP_UNCERTAIN))
async def on_resend_uncertain_declined(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services
) -> None:
    if await _broadcast(callback, callback_data, services) is not None:
        await _show(callback, bv.resend_declined(), None)


async def _broadcast(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services
) -> Broadcast | None:
    """The broadcast a button is for, the button answered; None (and "expired") if unknown."""
    broadcast = await services.broadcasts.get(callback_data.broadcast_id)
    if broadcast is None:
        await expired(callback)
        return None
    await callback.answer()
    return broadcast


def _on_progress_message(callback: CallbackQuery, broadcast: Broadcast) -> bool:
    """The button is on the message the scheduler edits with the progress."""
    return (
        _message_id(callback) == broadcast.progress_message_id
        and callback.from_user.id == broadcast.progress_chat_id
    )


# Helpers.


async def _draft(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services
) -> Broadcast | None:
    """This admin's draft the button is for; None (and "expired") once confirmed or gone."""
    draft = await services.broadcasts.draft_of(callback_data.broadcast_id, callback.from_user.id)
    if draft is None:
        await expired(callback)
    return draft


async def _draft_being_typed(
    message: Message, state: FSMContext, services: Services
) -> Broadcast | None:
    """The draft a typed answer is for; None (and the form closed) if it is gone."""
    broadcast_id = (await state.get_data()).get("broadcast_id", 0)
    draft = await services.broadcasts.draft_of(broadcast_id, message.chat.id)
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
    services: Services, draft: Broadcast
) -> tuple[str, InlineKeyboardMarkup]:
    audience = services.broadcasts.audience_of(draft)
    count = await services.broadcasts.count_recipients(draft)
    questionnaire, threshold = services.questionnaire, services.settings.small_group_threshold
    return (
        bv.audience_summary(audience, count, questionnaire, locale(), threshold),
        buttons.broadcast_audience_keyboard(draft.id, audience, questionnaire),
    )


def _example(settings: Settings) -> str:
    """Tomorrow, as the reader writes it ("3 décembre 9 h 30"): always in the future."""
    words, _ = when_examples(utcnow().astimezone(settings.tz).date(), locale(), ahead=1)
    return words


def _confirm_keyboard(draft: Broadcast) -> InlineKeyboardMarkup:
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
