"""/mescontributions (see, edit, withdraw), /confidentialite, /mesdonnees, /oubli, /aide."""

from __future__ import annotations

import contextlib

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from bot.config import Settings
from bot.keyboards import buttons
from bot.keyboards.callbacks import (
    ForgetCB,
    MenuAction,
    MenuCB,
    MineAction,
    MineCB,
    ProfileCB,
    ProfileField,
)
from bot.services.container import Services
from bot.services.contributions import StepKind
from bot.services.profile import PRIVACY_VERSION
from bot.services.roles import MenuHolder, role_of
from bot.views import menus, messages
from bot.views.personal_data import CSV_FILENAME, JSON_FILENAME, personal_data_files
from handlers.common import expired, locale, remove_buttons, send_long, show_step
from handlers.menus import apply_menu
from handlers.profile_required import (
    profile_or_ask_consent,
    profile_or_expired,
    profile_or_nothing_stored,
    require_profiles,
)
from storage.models import Contribution, ContributionStatus, User

router = Router(name=__name__)
require_profiles(router)


@router.message(Command("aide", "help"))
async def cmd_help(message: Message, user: User | None, settings: Settings) -> None:
    """What this person can do: field staff's commands, and their role's."""
    role = role_of(message.chat.id, user, settings)
    await message.answer(menus.help_text(role), reply_markup=buttons.main_menu_keyboard())


@router.message(Command("confidentialite", "privacy"))
@router.callback_query(MenuCB.filter(F.action == MenuAction.PRIVACY))
async def cmd_privacy(event: Message | CallbackQuery, bot: Bot, settings: Settings) -> None:
    if isinstance(event, CallbackQuery):
        await event.answer()
    await send_long(bot, event.from_user.id, messages.privacy_text(settings, PRIVACY_VERSION))


# --- /mescontributions: one handler per MineAction ----------------------------------------------


@router.message(Command("mescontributions", "mycontributions"), flags=profile_or_ask_consent())
@router.callback_query(MenuCB.filter(F.action == MenuAction.MINE), flags=profile_or_ask_consent())
@router.callback_query(MineCB.filter(F.action == MineAction.LIST), flags=profile_or_ask_consent())
async def cmd_my_contributions(
    event: Message | CallbackQuery, bot: Bot, user: User, services: Services
) -> None:
    if isinstance(event, CallbackQuery):
        await event.answer()
    chat_id = event.from_user.id
    contributions = await services.contributions.list_submitted(user.id)
    if not contributions:
        await bot.send_message(chat_id, messages.no_contributions())
        return
    lang, questionnaire, tz = locale(), services.questionnaire, services.settings.tz
    items = [
        (c.id, messages.contribution_label(c, questionnaire.theme(c.theme_key), lang, tz))
        for c in contributions
    ]
    await bot.send_message(
        chat_id,
        messages.my_contributions_text(len(items)),
        reply_markup=buttons.my_contributions_keyboard(items),
    )


@router.callback_query(MineCB.filter(F.action == MineAction.VIEW), flags=profile_or_expired())
async def on_contribution_chosen(
    callback: CallbackQuery, callback_data: MineCB, bot: Bot, user: User, services: Services
) -> None:
    step = await services.contributions.view(user.id, callback_data.contribution_id)
    if step.kind == StepKind.STALE:
        await expired(callback)
        return
    await callback.answer()
    await show_step(bot, callback.from_user.id, step, services.settings)


@router.callback_query(
    MineCB.filter(F.action == MineAction.PICK_QUESTION), flags=profile_or_expired()
)
async def on_edit_chosen(
    callback: CallbackQuery, callback_data: MineCB, bot: Bot, user: User, services: Services
) -> None:
    """Which answer to change: one button per question."""
    step = await services.contributions.view(user.id, callback_data.contribution_id)
    if step.kind == StepKind.STALE or _withdrawn(step.contribution):
        await expired(callback)
        return
    await callback.answer()
    assert step.theme is not None
    markup = buttons.edit_question_keyboard(callback_data.contribution_id, step.theme)
    await bot.send_message(
        callback.from_user.id, messages.pick_question_to_edit(), reply_markup=markup
    )


@router.callback_query(MineCB.filter(F.action == MineAction.CHANGE), flags=profile_or_expired())
async def on_question_to_edit_chosen(
    callback: CallbackQuery, callback_data: MineCB, bot: Bot, user: User, services: Services
) -> None:
    step = await services.contributions.change(
        user.id, callback_data.contribution_id, callback_data.question
    )
    if step.kind == StepKind.STALE:
        await expired(callback)
        return
    await callback.answer()
    await show_step(bot, callback.from_user.id, step, services.settings)


@router.callback_query(
    MineCB.filter(F.action == MineAction.ASK_WITHDRAW), flags=profile_or_expired()
)
async def on_withdraw_chosen(
    callback: CallbackQuery, callback_data: MineCB, bot: Bot, user: User, services: Services
) -> None:
    """Withdraw? Asks to confirm."""
    step = await services.contributions.view(user.id, callback_data.contribution_id)
    if step.kind == StepKind.STALE or _withdrawn(step.contribution):
        await expired(callback)
        return
    await callback.answer()
    markup = buttons.withdraw_confirm_keyboard(callback_data.contribution_id)
    await bot.send_message(callback.from_user.id, messages.withdraw_confirm(), reply_markup=markup)


@router.callback_query(MineCB.filter(F.action == MineAction.WITHDRAW), flags=profile_or_expired())
async def on_withdraw_confirmed(
    callback: CallbackQuery, callback_data: MineCB, bot: Bot, user: User, services: Services
) -> None:
    step = await services.contributions.withdraw(user.id, callback_data.contribution_id)
    if step.kind == StepKind.STALE:
        await expired(callback)
        return
    await callback.answer()
    await remove_buttons(callback)
    await bot.send_message(
        callback.from_user.id,
        messages.withdrawn_text(),
        reply_markup=buttons.back_to_menu_keyboard(),
    )


def _withdrawn(contribution: Contribution | None) -> bool:
    return contribution is not None and contribution.status == ContributionStatus.WITHDRAWN


# --- The person's data: /mesdonnees, /oubli, /rappels --------------------------------------------


@router.message(Command("mesdonnees", "mydata"), flags=profile_or_ask_consent())
async def cmd_my_data(message: Message, user: User, services: Services) -> None:
    data = await services.personal_data.collect(user)
    json_bytes, csv_bytes = personal_data_files(
        data, services.questionnaire, locale(), services.settings.tz
    )
    await message.answer_document(
        BufferedInputFile(json_bytes, filename=JSON_FILENAME),
        caption=messages.data_export_caption(),
    )
    await message.answer_document(BufferedInputFile(csv_bytes, filename=CSV_FILENAME))


@router.message(Command("oubli", "forget"), flags=profile_or_nothing_stored())
async def cmd_forget(message: Message) -> None:
    await message.answer(messages.forget_confirm(), reply_markup=buttons.forget_confirm_keyboard())


@router.callback_query(ForgetCB.filter(F.confirm), flags=profile_or_expired())
async def on_forget_confirmed(
    callback: CallbackQuery, bot: Bot, state: FSMContext, user: User, services: Services
) -> None:
    await callback.answer()
    await remove_buttons(callback)
    await services.erasure.erase_person(user.id)
    await state.clear()
    await bot.send_message(callback.from_user.id, messages.forgotten())
    # Their own menu goes (an ADMIN_IDS admin keeps the admin's, in the default language).
    holder = MenuHolder(user.id, role_of(user.id, None, services.settings))
    await apply_menu(bot, holder, services.settings.default_locale, services.roles)


@router.callback_query(ForgetCB.filter(~F.confirm), flags=profile_or_expired())
async def on_forget_cancelled(callback: CallbackQuery, bot: Bot) -> None:
    await callback.answer()
    await remove_buttons(callback)
    await bot.send_message(callback.from_user.id, messages.forget_cancelled())


@router.message(Command("rappels", "reminders"), flags=profile_or_ask_consent())
async def cmd_reminders(message: Message, user: User) -> None:
    """The current state, with explicit on and off buttons (nothing changes until one is tapped)."""
    muted = user.reminders_muted
    await message.answer(
        messages.reminders_state(muted=muted), reply_markup=buttons.reminders_keyboard(muted=muted)
    )


@router.callback_query(
    ProfileCB.filter(F.field == ProfileField.REMINDERS_ON), flags=profile_or_expired()
)
@router.callback_query(
    ProfileCB.filter(F.field == ProfileField.REMINDERS_OFF), flags=profile_or_expired()
)
async def on_reminders_chosen(
    callback: CallbackQuery, callback_data: ProfileCB, user: User, services: Services
) -> None:
    """Set, not toggle: a second tap (or an old message's button) says there is nothing to
    change."""
    muted = callback_data.field == ProfileField.REMINDERS_OFF
    if user.reminders_muted == muted:
        await callback.answer(messages.reminders_unchanged(muted=muted))
        return
    services.profile.set_reminders_muted(user, muted)
    await callback.answer()
    if isinstance(callback.message, Message):
        with contextlib.suppress(TelegramBadRequest):  # an old message may not be editable
            await callback.message.edit_text(
                messages.reminders_state(muted=muted),
                reply_markup=buttons.reminders_keyboard(muted=muted),
            )
