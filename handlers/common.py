"""Rendering helpers shared by handler modules (sending only; no decisions, no SQL)."""

from __future__ import annotations

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import get_i18n

from bot.config import Settings
from bot.domain.profile_options import ROLE_OTHER_MAX, STRUCTURE_NAME_MAX
from bot.keyboards import buttons
from bot.services.contributions import Step, StepKind
from bot.services.profile import ProfileStep
from bot.views import messages
from handlers.states import ProfileForm
from storage.models import ContributionStatus

PROFILE_STATES = {
    ProfileStep.STRUCTURE_NAME: ProfileForm.structure_name,
    ProfileStep.DEPARTMENT: ProfileForm.department,
    ProfileStep.ROLE_OTHER: ProfileForm.role_other,
}


def locale() -> str:
    return get_i18n().current_locale


async def send_long(
    bot: Bot, chat_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> None:
    """Send text of any length as several messages; the keyboard goes on the last one."""
    chunks = messages.split_for_telegram(text)
    for chunk in chunks[:-1]:
        await bot.send_message(chat_id, chunk)
    await bot.send_message(chat_id, chunks[-1], reply_markup=reply_markup)


async def show_menu(bot: Bot, chat_id: int, text: str | None = None) -> None:
    await bot.send_message(
        chat_id, text or messages.main_menu_text(), reply_markup=buttons.main_menu_keyboard()
    )


async def ask_profile_step(bot: Bot, chat_id: int, state: FSMContext, step: ProfileStep) -> None:
    if step in PROFILE_STATES:
        await state.set_state(PROFILE_STATES[step])
    if step == ProfileStep.STRUCTURE_TYPE:
        await bot.send_message(
            chat_id, messages.ask_structure_type(), reply_markup=buttons.structure_type_keyboard()
        )
    elif step == ProfileStep.STRUCTURE_NAME:
        await bot.send_message(chat_id, messages.ask_structure_name(STRUCTURE_NAME_MAX))
    elif step == ProfileStep.DEPARTMENT:
        await bot.send_message(chat_id, messages.ask_department())
    elif step == ProfileStep.ROLE:
        await bot.send_message(chat_id, messages.ask_role(), reply_markup=buttons.role_keyboard())
    else:
        await bot.send_message(chat_id, messages.ask_role_other(ROLE_OTHER_MAX))


async def expired(callback: CallbackQuery) -> None:
    await callback.answer(messages.button_expired(), show_alert=True)


async def show_step(bot: Bot, chat_id: int, step: Step, settings: Settings) -> None:
    """Show where the person is in the contribution flow: the question asked, the review of a
    finished draft, or a submitted contribution. The one place a step becomes a message."""
    lang = locale()
    contribution = step.contribution
    assert contribution is not None and step.theme is not None
    if step.kind == StepKind.QUESTION:
        text = messages.question_text(step, lang, settings.max_answer_length)
        await bot.send_message(chat_id, text, reply_markup=buttons.question_keyboard(step, lang))
    elif step.kind == StepKind.REVIEW:
        await send_long(
            bot,
            chat_id,
            messages.review_text(step, lang),
            buttons.review_keyboard(contribution.id, step.theme),
        )
    elif step.kind == StepKind.VIEW:
        withdrawn = contribution.status == ContributionStatus.WITHDRAWN
        await send_long(
            bot,
            chat_id,
            messages.contribution_text(step, lang, settings.tz),
            buttons.contribution_keyboard(contribution.id, withdrawn=withdrawn),
        )


async def close_question_message(callback: CallbackQuery, text: str) -> None:
    """Turn the answered question into a one-line recap so its buttons cannot be reused."""
    message = callback.message
    if isinstance(message, Message):
        await message.edit_text(text, reply_markup=None)


async def remove_buttons(callback: CallbackQuery) -> None:
    """Take the buttons off the message tapped, so they cannot be tapped again."""
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=None)
