"""/start, consent, the profile questions and /profil.

The profile's truth is the `users` row: if the FSM state is lost (restart), the next text message
is read as the first missing field (see `handlers.contribute.process_free_text`).
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.types import User as TelegramUser
from aiogram.utils.i18n import I18n

from bot.config import SUPPORTED_LOCALES
from bot.keyboards import buttons
from bot.keyboards.callbacks import (
    ConsentCB,
    DepartmentCB,
    LanguageCB,
    MenuAction,
    MenuCB,
    NoticeCB,
    ProfileCB,
    ProfileField,
    RoleCB,
    StructureTypeCB,
)
from bot.services.container import Services
from bot.services.profile import PRIVACY_VERSION, ProfileStep, next_profile_step
from bot.services.roles import INVITE_PREFIX, INVITE_TOKEN, Redemption, Role
from bot.views import menus, messages
from handlers.common import (
    PROFILE_STATES,
    ask_profile_step,
    expired,
    locale,
    remove_buttons,
    send_long,
    show_menu,
)
from handlers.filters import has_text
from handlers.menus import apply_menu
from handlers.profile_required import profile_or_ask_consent, profile_or_expired, require_profiles
from storage.models import VOICE_KEEP, User

router = Router(name=__name__)
require_profiles(router)
FIELD_STEPS = {
    ProfileField.STRUCTURE_TYPE: ProfileStep.STRUCTURE_TYPE,
    ProfileField.STRUCTURE_NAME: ProfileStep.STRUCTURE_NAME,
    ProfileField.DEPARTMENT: ProfileStep.DEPARTMENT,
    ProfileField.ROLE: ProfileStep.ROLE,
}
STATE_STEPS = {state.state: step for step, state in PROFILE_STATES.items()}


@router.message(CommandStart())
async def cmd_start(
    message: Message,
    bot: Bot,
    state: FSMContext,
    user: User | None,
    command: CommandObject,
    services: Services,
) -> None:
    await state.clear()
    args = (command.args or "").strip()
    invite = args if args.startswith(INVITE_PREFIX) else None
    if invite and not INVITE_TOKEN.match(invite):
        invite = "org_" + "0" * 24  # malformed: redeeming it gives the "not valid" answer
    if user is None:
        await message.answer(messages.welcome_text())
        await send_long(
            bot,
            message.chat.id,
            messages.privacy_text(services.settings, PRIVACY_VERSION)
            + "\n\n"
            + messages.consent_prompt()
            + ("\n\n" + menus.names_shown_to_admins() if invite else ""),
            buttons.consent_keyboard(invite),
        )
        return
    if invite:
        result = await services.roles.redeem(invite, user)
        await message.answer(_invitation_result(result))
        if result == Redemption.ACCEPTED:
            await _role_follow_up(bot, services, message.from_user, user)
            return
    if user.profile_complete:
        await show_menu(bot, message.chat.id, messages.welcome_back())
        return
    await continue_profile(bot, message.chat.id, state, user, editing=False)


# --- Consent: the one step that runs *without* a profile (it creates it) -----------------------


@router.callback_query(ConsentCB.filter(F.accept))
async def on_consent_accepted(
    callback: CallbackQuery,
    callback_data: ConsentCB,
    bot: Bot,
    state: FSMContext,
    user: User | None,
    services: Services,
) -> None:
    if user is not None:  # a second tap, or a consent button from an old /start
        await expired(callback)
        return
    await callback.answer()
    user = await services.profile.consent(callback.from_user.id, locale())
    if callback_data.invite:
        result = await services.roles.redeem(callback_data.invite, user)
        await bot.send_message(callback.from_user.id, _invitation_result(result))
    await _role_follow_up(bot, services, callback.from_user, user)  # an organiser, an admin
    await _go_on_in_detected_language(bot, callback.from_user.id, state, services, user)


async def _go_on_in_detected_language(
    bot: Bot, chat_id: int, state: FSMContext, services: Services, user: User
) -> None:
    """The language is not asked: Telegram told it (`user.language`, from `language_code`,
    French by default). The next message says so and switches in one tap (`LanguageCB`, read
    by `on_language_chosen`, which also takes the older language buttons); /profil later."""
    notice = messages.language_preselected()
    if user.is_organiser and not user.profile_complete:
        holder = await services.roles.menu_of(user.id)
        text, markup = notice + "\n\n" + menus.help_text(holder.role), None
    elif next_profile_step(user) == ProfileStep.STRUCTURE_TYPE:  # a new row: always
        await state.set_state(None)
        await state.update_data(editing=False)
        text = notice + "\n\n" + messages.ask_structure_type()
        markup = buttons.structure_type_keyboard()
    else:
        await bot.send_message(
            chat_id, notice, reply_markup=buttons.with_language_switch(None, user.language)
        )
        await continue_profile(bot, chat_id, state, user, editing=False)
        return
    await bot.send_message(
        chat_id, text, reply_markup=buttons.with_language_switch(markup, user.language)
    )


def _invitation_result(result: Redemption) -> str:
    if result == Redemption.ACCEPTED:
        return messages.invitation_result(result) + "\n\n" + menus.names_shown_to_admins()
    return messages.invitation_result(result)


async def _role_follow_up(bot: Bot, services: Services, sender: TelegramUser, user: User) -> None:
    """Someone who has a role now (an invitation accepted, an ADMIN_IDS admin's consent): the
    name admins see, and their role's command menu."""
    holder = await services.roles.menu_of(user.id)
    if holder.role == Role.MEMBER:
        return
    if user.is_organiser:  # told at the invitation; admins are listed nowhere, so not stored
        services.roles.remember_name(user, sender.first_name, sender.username)
    await apply_menu(bot, holder, services.settings.default_locale, services.roles)


@router.callback_query(ConsentCB.filter(~F.accept))
async def on_consent_declined(callback: CallbackQuery, bot: Bot, user: User | None) -> None:
    if user is not None:
        await expired(callback)
        return
    await callback.answer()
    await bot.send_message(callback.from_user.id, messages.declined_text())


# --- A new version of the privacy notice (see NoticeVersionMiddleware) --------------------------


@router.callback_query(NoticeCB.filter(F.accept), flags=profile_or_expired())
async def on_notice_accepted(
    callback: CallbackQuery, callback_data: NoticeCB, bot: Bot, user: User, services: Services
) -> None:
    if callback_data.version != PRIVACY_VERSION:
        await expired(callback)
        return
    await callback.answer()
    await remove_buttons(callback)
    services.profile.accept_notice(user)
    await show_menu(bot, callback.from_user.id, messages.notice_accepted())


@router.callback_query(NoticeCB.filter(~F.accept), flags=profile_or_expired())
async def on_notice_declined(callback: CallbackQuery, callback_data: NoticeCB, bot: Bot) -> None:
    if callback_data.version != PRIVACY_VERSION:
        await expired(callback)
        return
    await callback.answer()
    await remove_buttons(callback)
    await bot.send_message(callback.from_user.id, messages.notice_declined())


# --- The profile questions ----------------------------------------------------------------------


@router.callback_query(
    LanguageCB.filter(F.code.in_(set(SUPPORTED_LOCALES))), flags=profile_or_expired()
)
async def on_language_chosen(
    callback: CallbackQuery,
    callback_data: LanguageCB,
    bot: Bot,
    state: FSMContext,
    user: User,
    i18n: I18n,
    services: Services,
) -> None:
    services.profile.set_language(user, callback_data.code)
    i18n.current_locale = callback_data.code
    await callback.answer()
    holder = await services.roles.menu_of(user.id)
    if holder.role != Role.MEMBER:  # their own menu, in the language just chosen
        await apply_menu(bot, holder, services.settings.default_locale, services.roles)
    if user.is_organiser and not user.profile_complete:
        # Organisers need no field profile; /contribuer asks for it if they want to contribute.
        await bot.send_message(callback.from_user.id, menus.help_text(holder.role))
        return
    editing = user.profile_complete
    await continue_profile(bot, callback.from_user.id, state, user, editing=editing)


@router.callback_query(StructureTypeCB.filter(), flags=profile_or_expired())
async def on_structure_type_chosen(
    callback: CallbackQuery,
    callback_data: StructureTypeCB,
    bot: Bot,
    state: FSMContext,
    user: User,
    services: Services,
) -> None:
    chosen = services.profile.set_choice(user, ProfileStep.STRUCTURE_TYPE, callback_data.key)
    await _choice_chosen(callback, bot, state, user, chosen)


@router.callback_query(RoleCB.filter(), flags=profile_or_expired())
async def on_role_chosen(
    callback: CallbackQuery,
    callback_data: RoleCB,
    bot: Bot,
    state: FSMContext,
    user: User,
    services: Services,
) -> None:
    chosen = services.profile.set_choice(user, ProfileStep.ROLE, callback_data.key)
    await _choice_chosen(callback, bot, state, user, chosen)


async def _choice_chosen(
    callback: CallbackQuery, bot: Bot, state: FSMContext, user: User, chosen: bool
) -> None:
    if not chosen:  # not one of the options (a forged button)
        await expired(callback)
        return
    await callback.answer()
    editing = (await state.get_data()).get("editing", False)
    await continue_profile(bot, callback.from_user.id, state, user, editing=editing)


@router.callback_query(DepartmentCB.filter(), flags=profile_or_expired())
async def on_department_suggestion_chosen(
    callback: CallbackQuery,
    callback_data: DepartmentCB,
    bot: Bot,
    state: FSMContext,
    user: User,
    services: Services,
) -> None:
    if not services.profile.set_department(user, callback_data.code):
        await expired(callback)
        return
    await callback.answer()
    await bot.send_message(callback.from_user.id, messages.department_saved(user.department_code))
    editing = (await state.get_data()).get("editing", False)
    await continue_profile(bot, callback.from_user.id, state, user, editing=editing)


@router.message(StateFilter(*PROFILE_STATES.values()), has_text, flags=profile_or_ask_consent())
async def process_profile_text(
    message: Message, bot: Bot, state: FSMContext, user: User, services: Services
) -> None:
    step = STATE_STEPS[await state.get_state()]
    editing = (await state.get_data()).get("editing", False)
    await save_profile_text(message, bot, state, services, user, step, editing=editing)


@router.message(StateFilter(*PROFILE_STATES.values()))
async def fallback_profile_text(message: Message) -> None:
    await message.answer(messages.text_expected())


async def save_profile_text(
    message: Message,
    bot: Bot,
    state: FSMContext,
    services: Services,
    user: User,
    step: ProfileStep,
    *,
    editing: bool,
) -> None:
    """Validate and store one typed profile field, then move on (also used after a restart)."""
    result = services.profile.set_text(user, step, message.text or "")
    if not result.ok:
        if result.department is not None:
            match = result.department
            await message.answer(
                messages.department_not_found(message.text or "", bool(match.suggestions)),
                reply_markup=buttons.department_suggestions_keyboard(match.suggestions)
                if match.suggestions
                else None,
            )
        elif result.too_long:
            await message.answer(messages.too_long(result.too_long, result.limit))
        else:
            await message.answer(messages.empty_text())
        await state.set_state(PROFILE_STATES[step])  # the next message answers the same field
        return
    if step == ProfileStep.DEPARTMENT:
        await message.answer(messages.department_saved(user.department_code or ""))
    await continue_profile(bot, message.chat.id, state, user, editing=editing)


async def continue_profile(
    bot: Bot, chat_id: int, state: FSMContext, user: User, *, editing: bool
) -> None:
    """Ask the next missing field; when none is missing, show the profile or the main menu."""
    step = next_profile_step(user)
    if step is not None:
        await state.set_state(None)
        await state.update_data(editing=editing)
        await ask_profile_step(bot, chat_id, state, step)
        return
    await state.clear()
    if editing:
        await _show_profile(bot, chat_id, user)
    else:
        await show_menu(bot, chat_id, messages.onboarding_done())


async def _show_profile(bot: Bot, chat_id: int, user: User) -> None:
    await bot.send_message(
        chat_id, messages.profile_text(user, locale()), reply_markup=buttons.profile_keyboard()
    )


# --- /profil ------------------------------------------------------------------------------------


@router.message(Command("profil", "profile"), flags=profile_or_ask_consent())
@router.callback_query(
    MenuCB.filter(F.action == MenuAction.PROFILE), flags=profile_or_ask_consent()
)
async def cmd_profile(
    event: Message | CallbackQuery, bot: Bot, state: FSMContext, user: User
) -> None:
    if isinstance(event, CallbackQuery):
        await event.answer()
    chat_id = event.from_user.id
    await state.clear()
    if not user.profile_complete:
        await continue_profile(bot, chat_id, state, user, editing=False)
        return
    await _show_profile(bot, chat_id, user)


@router.callback_query(
    ProfileCB.filter(F.field == ProfileField.LANGUAGE), flags=profile_or_expired()
)
async def on_language_field_chosen(callback: CallbackQuery, bot: Bot) -> None:
    await callback.answer()
    await bot.send_message(
        callback.from_user.id, messages.ask_language(), reply_markup=buttons.language_keyboard()
    )


@router.callback_query(ProfileCB.filter(F.field == ProfileField.VOICE), flags=profile_or_expired())
async def on_voice_field_chosen(
    callback: CallbackQuery, bot: Bot, user: User, services: Services
) -> None:
    """Consent to be heard is withdrawn as easily as given: each tap switches it."""
    await callback.answer()
    services.profile.set_voice_choice(user, keep=user.voice_choice != VOICE_KEEP)
    await _show_profile(bot, callback.from_user.id, user)


@router.callback_query(ProfileCB.filter(F.field.in_(set(FIELD_STEPS))), flags=profile_or_expired())
async def on_profile_field_chosen(
    callback: CallbackQuery, callback_data: ProfileCB, bot: Bot, state: FSMContext
) -> None:
    await callback.answer()
    await state.set_state(None)
    await state.update_data(editing=True)
    await ask_profile_step(bot, callback.from_user.id, state, FIELD_STEPS[callback_data.field])
