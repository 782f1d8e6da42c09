"""/start, consent, the profile questions and /profil.

The profile's truth is the `users` row: if the FSM state is lost (restart), the next text message
is read as the first missing field (see `handlers.contribute.process_free_text`).
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import SUPPORTED_LOCALES, Settings
from bot.keyboards import buttons
from bot.keyboards.callbacks import (
    ConsentCB,
    DepartmentCB,
    LanguageCB,
    NoticeCB,
    ProfileCB,
    RoleCB,
    StructureTypeCB,
)
from bot.services.profile import PRIVACY_VERSION, ProfileService, ProfileStep, next_profile_step
from bot.services.roles import INVITE_PREFIX, INVITE_TOKEN, Redemption, RoleService
from bot.views import messages
from handlers.common import (
    PROFILE_STATES,
    ask_profile_step,
    expired,
    locale,
    send_long,
    show_menu,
)
from handlers.filters import has_text
from handlers.states import ProfileForm
from storage.models import VOICE_KEEP, User

router = Router(name=__name__)


@router.message(CommandStart())
async def cmd_start(
    message: Message,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
    user: User | None,
    command: CommandObject,
    settings: Settings,
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
            messages.privacy_text(settings, PRIVACY_VERSION) + "\n\n" + messages.consent_prompt(),
            buttons.consent_keyboard(invite),
        )
        return
    if invite:
        result = await RoleService(session, settings).redeem(invite, user)
        await message.answer(messages.invitation_result(result))
        if result == Redemption.ACCEPTED:
            return
    if user.profile_complete:
        await show_menu(bot, message.chat.id, messages.welcome_back())
        return
    await continue_profile(bot, message.chat.id, state, user, editing=False)


@router.callback_query(ConsentCB.filter())
async def on_consent_chosen(
    callback: CallbackQuery,
    callback_data: ConsentCB,
    bot: Bot,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
) -> None:
    if user is not None:  # a second tap, or a consent button from an old /start
        await expired(callback)
        return
    await callback.answer()
    if not callback_data.accept:
        await bot.send_message(callback.from_user.id, messages.declined_text())
        return
    user = await ProfileService(session).consent(callback.from_user.id, locale())
    if callback_data.invite:
        result = await RoleService(session, settings).redeem(callback_data.invite, user)
        await bot.send_message(callback.from_user.id, messages.invitation_result(result))
    await bot.send_message(
        callback.from_user.id, messages.ask_language(), reply_markup=buttons.language_keyboard()
    )


@router.callback_query(NoticeCB.filter())
async def on_notice_chosen(
    callback: CallbackQuery, callback_data: NoticeCB, bot: Bot, user: User | None
) -> None:
    """A new version of the privacy notice, accepted or not (see NoticeVersionMiddleware)."""
    if user is None or callback_data.version != PRIVACY_VERSION:
        await expired(callback)
        return
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=None)
    if not callback_data.accept:
        await bot.send_message(callback.from_user.id, messages.notice_declined())
        return
    ProfileService.accept_notice(user)
    await show_menu(bot, callback.from_user.id, messages.notice_accepted())


@router.callback_query(LanguageCB.filter(F.code.in_(set(SUPPORTED_LOCALES))))
async def on_language_chosen(
    callback: CallbackQuery,
    callback_data: LanguageCB,
    bot: Bot,
    state: FSMContext,
    user: User | None,
    i18n: I18n,
) -> None:
    if user is None:
        await expired(callback)
        return
    ProfileService.set_language(user, callback_data.code)
    i18n.current_locale = callback_data.code
    await callback.answer()
    if user.is_organiser and not user.profile_complete:
        # Organisers need no field profile; /contribuer asks for it if they want to contribute.
        await bot.send_message(callback.from_user.id, messages.organiser_help())
        return
    editing = user.profile_complete
    await continue_profile(bot, callback.from_user.id, state, user, editing=editing)


@router.callback_query(StructureTypeCB.filter())
async def on_structure_type_chosen(
    callback: CallbackQuery,
    callback_data: StructureTypeCB,
    bot: Bot,
    state: FSMContext,
    user: User | None,
) -> None:
    await _choice_chosen(callback, bot, state, user, ProfileStep.STRUCTURE_TYPE, callback_data.key)


@router.callback_query(RoleCB.filter())
async def on_role_chosen(
    callback: CallbackQuery, callback_data: RoleCB, bot: Bot, state: FSMContext, user: User | None
) -> None:
    await _choice_chosen(callback, bot, state, user, ProfileStep.ROLE, callback_data.key)


async def _choice_chosen(
    callback: CallbackQuery,
    bot: Bot,
    state: FSMContext,
    user: User | None,
    step: ProfileStep,
    key: str,
) -> None:
    if user is None or not ProfileService.set_choice(user, step, key):
        await expired(callback)
        return
    await callback.answer()
    editing = (await state.get_data()).get("editing", False)
    await continue_profile(bot, callback.from_user.id, state, user, editing=editing)


@router.callback_query(DepartmentCB.filter())
async def on_department_suggestion_chosen(
    callback: CallbackQuery,
    callback_data: DepartmentCB,
    bot: Bot,
    state: FSMContext,
    user: User | None,
) -> None:
    if user is None or not ProfileService.set_department(user, callback_data.code):
        await expired(callback)
        return
    await callback.answer()
    await bot.send_message(callback.from_user.id, messages.department_saved(user.department_code))
    editing = (await state.get_data()).get("editing", False)
    await continue_profile(bot, callback.from_user.id, state, user, editing=editing)


@router.message(StateFilter(*PROFILE_STATES.values()), has_text)
async def process_profile_text(
    message: Message, bot: Bot, state: FSMContext, session: AsyncSession, user: User | None
) -> None:
    if user is None:
        await state.clear()
        await message.answer(messages.consent_needed_text())
        return
    current = await state.get_state()
    step = {
        ProfileForm.structure_name.state: ProfileStep.STRUCTURE_NAME,
        ProfileForm.department.state: ProfileStep.DEPARTMENT,
        ProfileForm.role_other.state: ProfileStep.ROLE_OTHER,
    }[current]
    editing = (await state.get_data()).get("editing", False)
    await save_profile_text(message, bot, state, session, user, step, editing=editing)


@router.message(StateFilter(*PROFILE_STATES.values()))
async def fallback_profile_text(message: Message) -> None:
    await message.answer(messages.text_expected())


async def save_profile_text(
    message: Message,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
    user: User,
    step: ProfileStep,
    *,
    editing: bool,
) -> None:
    """Validate and store one typed profile field, then move on (also used after a restart)."""
    result = ProfileService(session).set_text(user, step, message.text or "")
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
        await bot.send_message(
            chat_id, messages.profile_text(user, locale()), reply_markup=buttons.profile_keyboard()
        )
    else:
        await show_menu(bot, chat_id, messages.onboarding_done())


@router.message(Command("profil", "profile"))
@router.callback_query(buttons.MenuCB.filter(F.action == "profile"))
async def cmd_profile(
    event: Message | CallbackQuery, bot: Bot, state: FSMContext, user: User | None
) -> None:
    if isinstance(event, CallbackQuery):
        await event.answer()
    chat_id = event.from_user.id
    if user is None:
        await bot.send_message(chat_id, messages.consent_needed_text())
        return
    await state.clear()
    if not user.profile_complete:
        await continue_profile(bot, chat_id, state, user, editing=False)
        return
    await bot.send_message(
        chat_id, messages.profile_text(user, locale()), reply_markup=buttons.profile_keyboard()
    )


@router.callback_query(ProfileCB.filter())
async def on_profile_field_chosen(
    callback: CallbackQuery,
    callback_data: ProfileCB,
    bot: Bot,
    state: FSMContext,
    user: User | None,
) -> None:
    if user is None:
        await expired(callback)
        return
    await callback.answer()
    chat_id = callback.from_user.id
    if callback_data.field == "language":
        await bot.send_message(
            chat_id, messages.ask_language(), reply_markup=buttons.language_keyboard()
        )
        return
    if callback_data.field == "voice":  # consent to be heard is withdrawn as easily as given
        ProfileService.set_voice_choice(user, keep=user.voice_choice != VOICE_KEEP)
        await bot.send_message(
            chat_id, messages.profile_text(user, locale()), reply_markup=buttons.profile_keyboard()
        )
        return
    try:
        step = ProfileStep(callback_data.field)
    except ValueError:
        await expired(callback)
        return
    await state.set_state(None)
    await state.update_data(editing=True)
    await ask_profile_step(bot, chat_id, state, step)
