"""Organisers: /digest now, /export on demand, /abonnement (digest settings), voice notes.

Every handler here runs behind `RequireRole(ORGANISER, ADMIN)`. A digest and an export are
built on the worker (handlers/heavy_builds.py commits the update first); what they hold is decided
by the small-group rule (docs/privacy.md).
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message

from bot.delivery.packages import send_package
from bot.jobs.outputs import digest_build, export_build
from bot.keyboards import buttons
from bot.keyboards.callbacks import (
    ExportAction,
    ExportCB,
    SubscriptionAction,
    SubscriptionCB,
    VoiceCB,
    VoiceSource,
)
from bot.services.container import Services
from bot.services.export import ExportSelection
from bot.services.organiser import VoiceReplay
from bot.services.roles import Role
from bot.views import messages
from bot.views.spreadsheets import export_filename
from handlers.access import RequireRole
from handlers.common import expired, locale
from handlers.heavy_builds import build_fresh_package, build_on_worker
from storage.base import instance_name, utcnow
from storage.models import DigestSubscription

router = Router(name=__name__)
# Digests and exports are stored against a profile: admins accept the privacy notice first.
router.message.middleware(RequireRole(Role.ORGANISER, Role.ADMIN, needs_profile=True))
router.callback_query.middleware(RequireRole(Role.ORGANISER, Role.ADMIN, needs_profile=True))


# --- /digest and its voice notes ------------------------------------------------------------


@router.message(Command("digest"))
async def cmd_digest(message: Message, bot: Bot, services: Services) -> None:
    """What this organiser has not received yet, now, recorded as a digest run."""
    scope = await services.organiser.digest_scope(message.chat.id)
    build = digest_build(services.settings, services.questionnaire, scope, locale())
    package = await build_fresh_package(services, locale(), build)
    run_id = await services.organiser.record_digest(
        message.chat.id,
        scope,
        contributions=package.new_contributions,
        withheld=package.withheld,
        claimed_by=instance_name(),
    )
    await send_package(bot, message.chat.id, package, voice=(VoiceSource.DIGEST, run_id))


@router.callback_query(VoiceCB.filter(F.source == VoiceSource.DIGEST))
async def on_digest_voice_notes_chosen(
    callback: CallbackQuery, callback_data: VoiceCB, bot: Bot, services: Services
) -> None:
    replay = await services.organiser.digest_voice_notes(
        callback.from_user.id, callback_data.source_id
    )
    await _replay(callback, bot, services, replay)


@router.callback_query(VoiceCB.filter(F.source == VoiceSource.PREREAD))
async def on_preread_voice_notes_chosen(
    callback: CallbackQuery, callback_data: VoiceCB, bot: Bot, services: Services
) -> None:
    replay = await services.organiser.preread_voice_notes(
        callback.from_user.id, callback_data.source_id
    )
    await _replay(callback, bot, services, replay)


async def _replay(
    callback: CallbackQuery, bot: Bot, services: Services, replay: VoiceReplay | None
) -> None:
    if replay is None or (replay.allowed and not replay.notes):
        await expired(callback)
        return
    if not replay.allowed:
        threshold = services.settings.small_group_threshold
        await callback.answer(messages.small_scope_sentence(threshold), show_alert=True)
        return
    await callback.answer()
    for note in replay.notes:
        theme = services.questionnaire.theme(note.theme_key)
        caption = messages.voice_note_caption(note.public_id, theme.number if theme else 0)
        await bot.send_voice(callback.from_user.id, note.file_id, caption=caption)


# --- /abonnement ------------------------------------------------------------------------------


@router.message(Command("abonnement", "subscription"))
async def cmd_subscription(message: Message, services: Services) -> None:
    subscription = await services.subscriptions.get(message.chat.id)
    await message.answer(
        messages.subscription_text(subscription, services.questionnaire, locale()),
        reply_markup=buttons.subscription_keyboard(subscription, services.questionnaire, locale()),
    )


@router.callback_query(SubscriptionCB.filter(F.action == SubscriptionAction.FREQUENCY))
async def on_frequency_chosen(
    callback: CallbackQuery, callback_data: SubscriptionCB, services: Services
) -> None:
    changed = await services.subscriptions.set_frequency(callback.from_user.id, callback_data.value)
    await _show_subscription(callback, services, changed)


@router.callback_query(SubscriptionCB.filter(F.action == SubscriptionAction.HOUR))
async def on_hour_chosen(
    callback: CallbackQuery, callback_data: SubscriptionCB, services: Services
) -> None:
    changed = await services.subscriptions.set_hour(callback.from_user.id, callback_data.value)
    await _show_subscription(callback, services, changed)


@router.callback_query(SubscriptionCB.filter(F.action == SubscriptionAction.THEME))
async def on_subscription_theme_toggled(
    callback: CallbackQuery, callback_data: SubscriptionCB, services: Services
) -> None:
    changed = await services.subscriptions.toggle_theme(callback.from_user.id, callback_data.value)
    await _show_subscription(callback, services, changed)


@router.callback_query(SubscriptionCB.filter(F.action == SubscriptionAction.DONE))
async def on_subscription_regions_done(callback: CallbackQuery, services: Services) -> None:
    await _show_subscription(
        callback, services, await services.subscriptions.get(callback.from_user.id)
    )


@router.callback_query(SubscriptionCB.filter(F.action == SubscriptionAction.REGIONS))
async def on_subscription_regions_opened(callback: CallbackQuery, services: Services) -> None:
    await _show_regions(callback, await services.subscriptions.get(callback.from_user.id))


@router.callback_query(SubscriptionCB.filter(F.action == SubscriptionAction.REGION))
async def on_subscription_region_toggled(
    callback: CallbackQuery, callback_data: SubscriptionCB, services: Services
) -> None:
    changed = await services.subscriptions.toggle_region(callback.from_user.id, callback_data.value)
    await _show_regions(callback, changed)


@router.callback_query(SubscriptionCB.filter(F.action == SubscriptionAction.ALL_REGIONS))
async def on_subscription_all_regions_chosen(callback: CallbackQuery, services: Services) -> None:
    await _show_regions(callback, await services.subscriptions.all_regions(callback.from_user.id))


async def _show_subscription(
    callback: CallbackQuery, services: Services, subscription: DigestSubscription | None
) -> None:
    """The settings screen, as changed; "expired" for a value no button offers."""
    if subscription is None:
        await expired(callback)
        return
    await callback.answer()
    questionnaire = services.questionnaire
    await _edit(
        callback,
        messages.subscription_text(subscription, questionnaire, locale()),
        buttons.subscription_keyboard(subscription, questionnaire, locale()),
    )


async def _show_regions(callback: CallbackQuery, subscription: DigestSubscription | None) -> None:
    if subscription is None:
        await expired(callback)
        return
    await callback.answer()
    markup = buttons.subscription_regions_keyboard(subscription.regions)
    await _edit(callback, messages.choose_regions(), markup)


# --- /export ------------------------------------------------------------------------------------


@router.message(Command("export"))
async def cmd_export(message: Message, services: Services) -> None:
    markup = buttons.export_keyboard(ExportSelection(), services.questionnaire, locale())
    await message.answer(messages.export_prompt(), reply_markup=markup)


@router.callback_query(ExportCB.filter(F.action == ExportAction.THEME))
async def on_export_theme_toggled(
    callback: CallbackQuery, callback_data: ExportCB, services: Services
) -> None:
    selection = _selection(callback_data).toggle_theme(callback_data.index, services.questionnaire)
    await _show_export(callback, services, selection)


@router.callback_query(ExportCB.filter(F.action == ExportAction.REGION))
async def on_export_region_toggled(
    callback: CallbackQuery, callback_data: ExportCB, services: Services
) -> None:
    selection = _selection(callback_data).toggle_region(callback_data.index, services.questionnaire)
    await _show_export(callback, services, selection)


@router.callback_query(ExportCB.filter(F.action == ExportAction.PERIOD))
async def on_export_period_chosen(
    callback: CallbackQuery, callback_data: ExportCB, services: Services
) -> None:
    selection = _selection(callback_data).checked(services.questionnaire)
    await _show_export(callback, services, selection)


@router.callback_query(ExportCB.filter(F.action == ExportAction.XLSX))
async def on_export_xlsx_chosen(
    callback: CallbackQuery, callback_data: ExportCB, bot: Bot, services: Services
) -> None:
    await _send_export(callback, callback_data, bot, services, as_csv=False)


@router.callback_query(ExportCB.filter(F.action == ExportAction.CSV))
async def on_export_csv_chosen(
    callback: CallbackQuery, callback_data: ExportCB, bot: Bot, services: Services
) -> None:
    await _send_export(callback, callback_data, bot, services, as_csv=True)


def _selection(callback_data: ExportCB) -> ExportSelection:
    return ExportSelection(callback_data.themes, callback_data.regions, callback_data.period)


async def _show_export(
    callback: CallbackQuery, services: Services, selection: ExportSelection | None
) -> None:
    if selection is None:
        await expired(callback)
        return
    await callback.answer()
    markup = buttons.export_keyboard(selection, services.questionnaire, locale())
    await _edit(callback, messages.export_prompt(), markup)


async def _send_export(
    callback: CallbackQuery, callback_data: ExportCB, bot: Bot, services: Services, *, as_csv: bool
) -> None:
    """The file of the selection, or the small-group sentence; audited either way."""
    selection = _selection(callback_data).checked(services.questionnaire)
    if selection is None:
        await expired(callback)
        return
    await callback.answer()
    settings, user_id, now = services.settings, callback.from_user.id, utcnow()
    scope = selection.scope(services.questionnaire, now)
    build = export_build(settings, services.questionnaire, scope, locale(), as_csv=as_csv)
    content = await build_on_worker(services, locale(), build)
    count = await services.exports.record(
        user_id,
        scope,
        written=content is not None,
        format="csv" if as_csv else "xlsx",
        period=selection.period,
    )
    if content is None:
        await bot.send_message(
            user_id, messages.small_scope_sentence(settings.small_group_threshold)
        )
        return
    await bot.send_document(
        user_id,
        BufferedInputFile(content, filename=export_filename(now, settings.tz, as_csv=as_csv)),
        caption=messages.export_caption(count),
    )


async def _edit(callback: CallbackQuery, text: str, markup: InlineKeyboardMarkup) -> None:
    if isinstance(callback.message, Message):
        await callback.message.edit_text(text, reply_markup=markup)
