"""Organisers: /digest now, /export on demand, /abonnement (digest settings), voice notes.

Every handler here runs behind `RequireRole(ORGANISER, ADMIN)`.
"""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.domain.questionnaire import Questionnaire
from bot.keyboards import buttons
from bot.keyboards.callbacks import ExportCB, SubscriptionCB, VoiceCB, VoiceSource
from bot.services import organiser as service
from bot.services.roles import Role
from bot.views import messages
from handlers.access import RequireRole
from handlers.common import expired, locale, send_package

router = Router(name=__name__)
# Digests and exports are stored against a profile: admins accept the privacy notice first.
router.message.middleware(RequireRole(Role.ORGANISER, Role.ADMIN, needs_profile=True))
router.callback_query.middleware(RequireRole(Role.ORGANISER, Role.ADMIN, needs_profile=True))


@router.message(Command("digest"))
async def cmd_digest(
    message: Message,
    bot: Bot,
    session: AsyncSession,
    questionnaire: Questionnaire,
    settings: Settings,
) -> None:
    package, run_id = await service.digest_now(
        session, questionnaire, settings, message.chat.id, locale()
    )
    await send_package(bot, message.chat.id, package, voice=(VoiceSource.DIGEST, run_id))


@router.callback_query(VoiceCB.filter())
async def on_voice_notes_chosen(
    callback: CallbackQuery,
    callback_data: VoiceCB,
    bot: Bot,
    session: AsyncSession,
    questionnaire: Questionnaire,
    settings: Settings,
) -> None:
    replay = await service.voice_notes(
        session, settings, callback.from_user.id, callback_data.source, callback_data.ref
    )
    if replay is None or (replay.allowed and not replay.notes):
        await expired(callback)
        return
    if not replay.allowed:
        await callback.answer(
            messages.small_scope_sentence(settings.small_group_threshold), show_alert=True
        )
        return
    await callback.answer()
    for note in replay.notes:
        theme = questionnaire.theme(note.theme_key)
        caption = messages.voice_note_caption(note.public_id, theme.number if theme else 0)
        await bot.send_voice(callback.from_user.id, note.file_id, caption=caption)


@router.message(Command("abonnement", "subscription"))
async def cmd_subscription(
    message: Message, session: AsyncSession, questionnaire: Questionnaire, settings: Settings
) -> None:
    subscription = await service.subscription(session, settings, message.chat.id)
    await message.answer(
        messages.subscription_text(subscription, questionnaire, locale()),
        reply_markup=buttons.subscription_keyboard(subscription, questionnaire, locale()),
    )


@router.callback_query(SubscriptionCB.filter())
async def on_subscription_changed(
    callback: CallbackQuery,
    callback_data: SubscriptionCB,
    session: AsyncSession,
    questionnaire: Questionnaire,
    settings: Settings,
) -> None:
    subscription = await service.subscription(session, settings, callback.from_user.id)
    action = callback_data.a
    if action in ("r", "g", "x"):  # the regions screen
        if action != "r" and not service.change_subscription(
            subscription, action, callback_data.v, questionnaire
        ):
            await expired(callback)
            return
        await callback.answer()
        markup = buttons.regions_keyboard(
            subscription.regions, lambda a, v: SubscriptionCB(a=a, v=v)
        )
        await _edit(callback, messages.choose_regions(), markup)
        return
    if action != "d" and not service.change_subscription(
        subscription, action, callback_data.v, questionnaire
    ):
        await expired(callback)
        return
    await callback.answer()
    await _edit(
        callback,
        messages.subscription_text(subscription, questionnaire, locale()),
        buttons.subscription_keyboard(subscription, questionnaire, locale()),
    )


@router.message(Command("export"))
async def cmd_export(message: Message, questionnaire: Questionnaire) -> None:
    state = ExportCB(t=0, r=0, p="all", a="")
    await message.answer(
        messages.export_prompt(),
        reply_markup=buttons.export_keyboard(state, questionnaire, locale()),
    )


@router.callback_query(ExportCB.filter())
async def on_export_chosen(
    callback: CallbackQuery,
    callback_data: ExportCB,
    bot: Bot,
    session: AsyncSession,
    questionnaire: Questionnaire,
    settings: Settings,
) -> None:
    state = service.next_export_state(callback_data, questionnaire)
    if state is None:
        await expired(callback)
        return
    await callback.answer()
    if callback_data.a not in ("x", "c"):
        await _edit(
            callback,
            messages.export_prompt(),
            buttons.export_keyboard(state, questionnaire, locale()),
        )
        return
    export = await service.export_file(
        session,
        questionnaire,
        settings,
        callback.from_user.id,
        state,
        locale(),
        as_csv=callback_data.a == "c",
    )
    if export.content is None:
        await bot.send_message(
            callback.from_user.id, messages.small_scope_sentence(settings.small_group_threshold)
        )
        return
    await bot.send_document(
        callback.from_user.id,
        BufferedInputFile(export.content, filename=export.filename),
        caption=messages.export_caption(export.contributions),
    )


async def _edit(callback: CallbackQuery, text: str, markup) -> None:
    if isinstance(callback.message, Message):
        await callback.message.edit_text(text, reply_markup=markup)
