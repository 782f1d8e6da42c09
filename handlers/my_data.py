"""/mescontributions (see, edit, withdraw), /confidentialite, /mesdonnees, /oubli, /aide."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.domain.questionnaire import Questionnaire
from bot.keyboards import buttons
from bot.keyboards.callbacks import ForgetCB, MenuCB, MineCB
from bot.services.contributions import ContributionService, StepKind
from bot.services.erasure import erase_person
from bot.services.profile import PRIVACY_VERSION, ProfileService, export_personal_data
from bot.views import messages
from handlers.common import expired, locale, render_step, send_long
from storage.models import User

router = Router(name=__name__)


@router.message(Command("aide", "help"))
async def cmd_help(message: Message) -> None:
    await message.answer(messages.help_text(), reply_markup=buttons.main_menu_keyboard())


@router.message(Command("confidentialite", "privacy"))
@router.callback_query(MenuCB.filter(F.action == "privacy"))
async def cmd_privacy(event: Message | CallbackQuery, bot: Bot, settings: Settings) -> None:
    if isinstance(event, CallbackQuery):
        await event.answer()
    await send_long(bot, event.from_user.id, messages.privacy_text(settings, PRIVACY_VERSION))


@router.message(Command("mescontributions", "mycontributions"))
@router.callback_query(MenuCB.filter(F.action == "mine"))
@router.callback_query(MineCB.filter(F.a == "l"))
async def cmd_my_contributions(
    event: Message | CallbackQuery,
    bot: Bot,
    session: AsyncSession,
    user: User | None,
    questionnaire: Questionnaire,
    settings: Settings,
) -> None:
    if isinstance(event, CallbackQuery):
        await event.answer()
    chat_id = event.from_user.id
    if user is None:
        await bot.send_message(chat_id, messages.consent_needed_text())
        return
    contributions = await ContributionService(session, questionnaire).list_submitted(user.id)
    if not contributions:
        await bot.send_message(chat_id, messages.no_contributions())
        return
    lang = locale()
    items = [
        (c.id, messages.contribution_label(c, questionnaire.theme(c.theme_key), lang, settings.tz))
        for c in contributions
    ]
    await bot.send_message(
        chat_id,
        messages.my_contributions_text(len(items)),
        reply_markup=buttons.my_contributions_keyboard(items),
    )


@router.callback_query(MineCB.filter(F.a.in_({"v", "e", "q", "w", "W"})))
async def on_contribution_action_chosen(
    callback: CallbackQuery,
    callback_data: MineCB,
    bot: Bot,
    session: AsyncSession,
    user: User | None,
    questionnaire: Questionnaire,
    settings: Settings,
) -> None:
    if user is None:
        await expired(callback)
        return
    service = ContributionService(session, questionnaire)
    action, chat_id = callback_data.a, callback.from_user.id
    if action == "q":
        step = await service.change(user.id, callback_data.cid, callback_data.q)
    elif action == "W":
        step = await service.withdraw(user.id, callback_data.cid)
    else:
        step = await service.view(user.id, callback_data.cid)
    withdrawn = step.contribution is not None and step.contribution.status == "withdrawn"
    if step.kind == StepKind.STALE or (withdrawn and action in {"e", "w"}):
        await expired(callback)
        return
    await callback.answer()
    if action == "e":
        assert step.theme is not None
        markup = buttons.edit_question_keyboard(callback_data.cid, step.theme)
        await bot.send_message(chat_id, messages.pick_question_to_edit(), reply_markup=markup)
    elif action == "w":
        markup = buttons.withdraw_confirm_keyboard(callback_data.cid)
        await bot.send_message(chat_id, messages.withdraw_confirm(), reply_markup=markup)
    elif action == "W":
        if isinstance(callback.message, Message):
            await callback.message.edit_reply_markup(reply_markup=None)
        await bot.send_message(chat_id, messages.withdrawn_text())
    else:
        await render_step(bot, chat_id, step, settings)


@router.message(Command("mesdonnees", "mydata"))
async def cmd_my_data(
    message: Message,
    session: AsyncSession,
    user: User | None,
    questionnaire: Questionnaire,
    settings: Settings,
) -> None:
    if user is None:
        await message.answer(messages.consent_needed_text())
        return
    json_bytes, csv_bytes = await export_personal_data(
        session, user, settings, questionnaire, locale()
    )
    await message.answer_document(
        BufferedInputFile(json_bytes, filename="relais-mes-donnees.json"),
        caption=messages.data_export_caption(),
    )
    await message.answer_document(BufferedInputFile(csv_bytes, filename="relais-mes-reponses.csv"))


@router.message(Command("oubli", "forget"))
async def cmd_forget(message: Message, user: User | None) -> None:
    if user is None:
        await message.answer(messages.declined_text())
        return
    await message.answer(messages.forget_confirm(), reply_markup=buttons.forget_confirm_keyboard())


@router.callback_query(ForgetCB.filter())
async def on_forget_confirmed(
    callback: CallbackQuery,
    callback_data: ForgetCB,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
) -> None:
    if user is None:
        await expired(callback)
        return
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=None)
    if not callback_data.confirm:
        await bot.send_message(callback.from_user.id, messages.forget_cancelled())
        return
    await erase_person(session, user.id, settings.ledger_key)
    await state.clear()
    await bot.send_message(callback.from_user.id, messages.forgotten())


@router.message(Command("rappels", "reminders"))
async def cmd_reminders(message: Message, user: User | None) -> None:
    if user is None:
        await message.answer(messages.consent_needed_text())
        return
    muted = ProfileService.toggle_reminders(user)
    await message.answer(messages.reminders_toggled(muted=muted))
