"""/contribuer: choose a theme, answer one question at a time, review, submit.

Free text and voice notes are matched to the question in focus *from the database*, not from FSM
memory, so a draft resumes exactly where it was, even after a restart.

```mermaid
stateDiagram-v2
    [*] --> Themes: /contribuer
    Themes --> Question: ThemeCB (starts or resumes the theme's draft)
    Themes --> Contributed: ThemeCB, a theme already contributed (✓) and no draft
    Contributed --> Question: ReviewAction.ANOTHER (a new draft on the theme)
    Contributed --> [*]: MenuAction.HOME
    Themes --> Discarding: ReviewAction.ASK_DISCARD (a draft's 🗑 button)
    Discarding --> Themes: ReviewAction.DISCARD (the draft and its answers deleted), or keep it
    Question --> Question: an answer (text, voice, OPTION, SCALE, VALIDATE, SKIP), or BACK
    Question --> Question: KEEP (a text answer kept as it is), to the next unanswered question
    Question --> Question: TOGGLE (only the keyboard changes)
    Question --> Paused: PAUSE
    Paused --> Question: /contribuer, same theme
    Question --> Review: the last question answered, or KEEP once all are answered
    Review --> Question: ReviewAction.CHANGE
    Review --> Submitted: ReviewAction.SUBMIT
    Submitted --> Editing: MineAction.CHANGE (handlers/my_data.py)
    Editing --> Submitted: an answer, or PAUSE (cancels the edit)
    Submitted --> Withdrawn: MineAction.WITHDRAW
```
"""

from __future__ import annotations

import contextlib

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.config import Settings
from bot.domain import flows
from bot.domain.flows import AnswerValue
from bot.keyboards import buttons
from bot.keyboards.callbacks import (
    AnswerAction,
    AnswerCB,
    MenuAction,
    MenuCB,
    ReviewAction,
    ReviewCB,
    ThemeCB,
    VoiceChoiceCB,
)
from bot.services.container import Services
from bot.services.contributions import STALE, Step, StepKind
from bot.services.profile import TEXT_STEPS, next_profile_step
from bot.services.roles import role_of
from bot.views import menus, messages
from handlers.common import (
    close_question_message,
    expired,
    locale,
    remove_buttons,
    show_menu,
    show_step,
)
from handlers.errors import UNSEEN
from handlers.filters import has_text_or_voice, looks_like_command
from handlers.onboarding import continue_profile, save_profile_text
from handlers.profile_required import profile_or_ask_consent, profile_or_expired, require_profiles
from storage.models import VOICE_KEEP, VOICE_TYPE, ContributionStatus, User

router = Router(name=__name__)
require_profiles(router)
MAX_VOICE_SECONDS = 600
PENDING_VOICE = "pending_voice"  # conversation state: a voice note waiting for the voice choice


@router.message(Command("contribuer", "contribute"), flags=profile_or_ask_consent())
@router.callback_query(
    MenuCB.filter(F.action == MenuAction.CONTRIBUTE), flags=profile_or_ask_consent()
)
async def cmd_contribute(
    event: Message | CallbackQuery, bot: Bot, state: FSMContext, user: User, services: Services
) -> None:
    if isinstance(event, CallbackQuery):
        await event.answer()
    chat_id = event.from_user.id
    await state.clear()
    if not user.profile_complete:
        await continue_profile(bot, chat_id, state, user, editing=False)
        return
    await _show_themes(bot, chat_id, user, services)


async def _show_themes(bot: Bot, chat_id: int, user: User, services: Services) -> None:
    progress = await services.contributions.progress(user.id)
    marks = {key: messages.theme_mark(p) for key, p in progress.items()}
    drafts = {key: p.draft_id for key, p in progress.items() if p.draft_id is not None}
    await bot.send_message(
        chat_id,
        messages.choose_theme(len(drafts)),
        reply_markup=buttons.themes_keyboard(services.questionnaire, locale(), marks, drafts),
    )


@router.callback_query(MenuCB.filter(F.action == MenuAction.HOME), flags=profile_or_ask_consent())
async def on_home_chosen(callback: CallbackQuery, bot: Bot, state: FSMContext) -> None:
    """Back to the main menu, from a dead end (a withdrawal, an error, "not another one")."""
    await callback.answer()
    await state.clear()
    with contextlib.suppress(TelegramBadRequest):  # an old message may not be editable
        await remove_buttons(callback)
    await show_menu(bot, callback.from_user.id)


@router.callback_query(ThemeCB.filter(), flags=profile_or_expired())
async def on_theme_chosen(
    callback: CallbackQuery, callback_data: ThemeCB, bot: Bot, user: User, services: Services
) -> None:
    if not user.profile_complete:
        await expired(callback)
        return
    step = await services.contributions.start_or_resume(user.id, callback_data.key)
    if step.kind == StepKind.STALE:
        await expired(callback)
        return
    await callback.answer()
    assert step.theme is not None and step.contribution is not None
    if step.kind == StepKind.CONTRIBUTED:
        await bot.send_message(
            callback.from_user.id,
            messages.theme_already_contributed(step.theme, locale()),
            reply_markup=buttons.theme_contributed_keyboard(step.contribution.id),
        )
        return
    await _show_started(bot, callback.from_user.id, step, services)


@router.callback_query(
    ReviewCB.filter(F.action == ReviewAction.ANOTHER), flags=profile_or_expired()
)
async def on_another_chosen(
    callback: CallbackQuery, callback_data: ReviewCB, bot: Bot, user: User, services: Services
) -> None:
    """Another contribution on a theme already contributed to (a second tap resumes the draft
    the first one started: never two drafts on a theme)."""
    if not user.profile_complete:
        await expired(callback)
        return
    step = await services.contributions.start_another(user.id, callback_data.contribution_id)
    if step.kind == StepKind.STALE:
        await expired(callback)
        return
    await callback.answer()
    with contextlib.suppress(TelegramBadRequest):
        await remove_buttons(callback)
    await _show_started(bot, callback.from_user.id, step, services)


async def _show_started(bot: Bot, chat_id: int, step: Step, services: Services) -> None:
    """A draft started or resumed: the theme's introduction first if nothing is answered yet."""
    assert step.theme is not None
    if not step.answers:
        await bot.send_message(chat_id, messages.theme_intro(step.theme, locale()))
    await show_step(bot, chat_id, step, services.settings)


# --- Discarding a draft (from the list of themes) --------------------------------------------


@router.callback_query(
    ReviewCB.filter(F.action == ReviewAction.ASK_DISCARD), flags=profile_or_expired()
)
async def on_discard_chosen(
    callback: CallbackQuery, callback_data: ReviewCB, bot: Bot, user: User, services: Services
) -> None:
    """Discard this draft? Asks to confirm (an empty draft too)."""
    step = await services.contributions.draft(user.id, callback_data.contribution_id)
    if step.kind == StepKind.STALE or step.theme is None:
        await expired(callback)
        return
    await callback.answer()
    await bot.send_message(
        callback.from_user.id,
        messages.discard_draft_confirm(step.theme, locale(), len(step.answers)),
        reply_markup=buttons.discard_confirm_keyboard(callback_data.contribution_id),
    )


@router.callback_query(
    ReviewCB.filter(F.action == ReviewAction.DISCARD), flags=profile_or_expired()
)
async def on_discard_confirmed(
    callback: CallbackQuery, callback_data: ReviewCB, bot: Bot, user: User, services: Services
) -> None:
    if not await services.contributions.discard(user.id, callback_data.contribution_id):
        await expired(callback)  # a second tap, or a draft submitted or discarded meanwhile
        return
    await callback.answer()
    with contextlib.suppress(TelegramBadRequest):
        await remove_buttons(callback)
    await bot.send_message(callback.from_user.id, messages.draft_discarded())
    await _show_themes(bot, callback.from_user.id, user, services)


# --- The buttons of a question: one handler per AnswerAction ----------------------------------


@router.callback_query(AnswerCB.filter(F.action == AnswerAction.TOGGLE), flags=profile_or_expired())
async def on_choice_toggled(
    callback: CallbackQuery, callback_data: AnswerCB, user: User, services: Services
) -> None:
    """Tick or untick an option: only the keyboard changes (its buttons carry the selection)."""
    step = await _asked(services, user, callback_data)
    question = step.question
    mask = flows.toggled_mask(question, callback_data.mask, callback_data.index)
    if question is None or mask is None:
        await expired(callback)
        return
    if mask == flows.TOO_MANY:
        await callback.answer(messages.too_many_choices(question.max_choices or 0), show_alert=True)
        return
    await callback.answer()
    assert isinstance(callback.message, Message)
    markup = buttons.question_keyboard(step, locale(), mask=mask)
    await callback.message.edit_reply_markup(reply_markup=markup)


@router.callback_query(AnswerCB.filter(F.action == AnswerAction.OPTION), flags=profile_or_expired())
async def on_option_chosen(
    callback: CallbackQuery, callback_data: AnswerCB, bot: Bot, user: User, services: Services
) -> None:
    step = await _asked(services, user, callback_data)
    value = flows.option_answer(step.question, callback_data.index)
    await _record_tapped(callback, bot, services, step, value)


@router.callback_query(AnswerCB.filter(F.action == AnswerAction.SCALE), flags=profile_or_expired())
async def on_scale_chosen(
    callback: CallbackQuery, callback_data: AnswerCB, bot: Bot, user: User, services: Services
) -> None:
    step = await _asked(services, user, callback_data)
    value = flows.scale_answer(step.question, callback_data.index)
    await _record_tapped(callback, bot, services, step, value)


@router.callback_query(
    AnswerCB.filter(F.action == AnswerAction.VALIDATE), flags=profile_or_expired()
)
async def on_choices_validated(
    callback: CallbackQuery, callback_data: AnswerCB, bot: Bot, user: User, services: Services
) -> None:
    step = await _asked(services, user, callback_data)
    question, mask = step.question, callback_data.mask
    if question is not None and not mask:
        await callback.answer(messages.choose_at_least_one(), show_alert=True)
        return
    await _record_tapped(callback, bot, services, step, flows.choices_answer(question, mask))


@router.callback_query(AnswerCB.filter(F.action == AnswerAction.SKIP), flags=profile_or_expired())
async def on_question_skipped(
    callback: CallbackQuery, callback_data: AnswerCB, bot: Bot, user: User, services: Services
) -> None:
    step = await _asked(services, user, callback_data)
    await _record_tapped(callback, bot, services, step, flows.skip_answer(step.question))


@router.callback_query(AnswerCB.filter(F.action == AnswerAction.BACK), flags=profile_or_expired())
async def on_back_chosen(
    callback: CallbackQuery, callback_data: AnswerCB, bot: Bot, user: User, services: Services
) -> None:
    step = await services.contributions.go_back(
        user.id, callback_data.contribution_id, callback_data.question
    )
    if step.kind == StepKind.STALE or step.contribution is None:
        await expired(callback)
        return
    await callback.answer()
    await remove_buttons(callback)
    await show_step(bot, callback.from_user.id, step, services.settings)


@router.callback_query(AnswerCB.filter(F.action == AnswerAction.PAUSE), flags=profile_or_expired())
async def on_pause_chosen(
    callback: CallbackQuery, callback_data: AnswerCB, bot: Bot, user: User, services: Services
) -> None:
    """Pause a draft (it resumes with /contribuer), or cancel the edit of a submitted one."""
    step = await services.contributions.pause(
        user.id, callback_data.contribution_id, callback_data.question
    )
    if step.kind == StepKind.STALE or step.contribution is None:
        await expired(callback)
        return
    await callback.answer()
    await remove_buttons(callback)
    if step.contribution.status == ContributionStatus.DRAFT:
        await show_menu(bot, callback.from_user.id, messages.paused_text())
        return
    view = await services.contributions.view(user.id, step.contribution.id)
    await show_step(bot, callback.from_user.id, view, services.settings)


@router.callback_query(AnswerCB.filter(F.action == AnswerAction.KEEP), flags=profile_or_expired())
async def on_answer_kept(
    callback: CallbackQuery, callback_data: AnswerCB, bot: Bot, user: User, services: Services
) -> None:
    """Keep the current answer as it is (no new revision): back to the review once every
    question is answered, else on to the next unanswered one."""
    step = await services.contributions.keep(
        user.id, callback_data.contribution_id, callback_data.question
    )
    if step.kind == StepKind.STALE or step.theme is None:
        await expired(callback)
        return
    await callback.answer()
    question = step.theme.question(callback_data.question)
    assert question is not None
    recap = messages.answered_recap(question, step.answers.get(question.key), locale())
    await close_question_message(callback, recap)
    await show_step(bot, callback.from_user.id, step, services.settings)


# --- The review of a finished draft ------------------------------------------------------------


@router.callback_query(ReviewCB.filter(F.action == ReviewAction.CHANGE), flags=profile_or_expired())
async def on_review_change_chosen(
    callback: CallbackQuery, callback_data: ReviewCB, bot: Bot, user: User, services: Services
) -> None:
    step = await services.contributions.change(
        user.id, callback_data.contribution_id, callback_data.question
    )
    if step.kind == StepKind.STALE:
        await expired(callback)
        return
    await callback.answer()
    await remove_buttons(callback)
    await show_step(bot, callback.from_user.id, step, services.settings)


@router.callback_query(ReviewCB.filter(F.action == ReviewAction.SUBMIT), flags=profile_or_expired())
async def on_submit_chosen(
    callback: CallbackQuery, callback_data: ReviewCB, bot: Bot, user: User, services: Services
) -> None:
    step = await services.contributions.submit(user.id, callback_data.contribution_id)
    if step.kind == StepKind.STALE:
        await expired(callback)
        return
    await callback.answer()
    await remove_buttons(callback)
    await show_menu(bot, callback.from_user.id, messages.submitted_text())


# --- Messages: typed answers, voice notes, and everything else ---------------------------------


@router.message(StateFilter(None), looks_like_command)
async def fallback_unknown_command(message: Message, user: User | None, settings: Settings) -> None:
    """A command nobody handles: said so, with what this person can do (their role's list)."""
    role = role_of(message.chat.id, user, settings)
    await message.answer(messages.not_understood() + "\n\n" + menus.help_text(role))


@router.message(StateFilter(None), has_text_or_voice, flags=profile_or_ask_consent())
async def process_free_text(
    message: Message, bot: Bot, state: FSMContext, user: User, services: Services
) -> None:
    """A typed answer or a voice note: for the question in focus, or the missing profile field."""
    settings = services.settings
    missing = next_profile_step(user)
    if missing is not None:
        if missing in TEXT_STEPS and message.text:
            await save_profile_text(message, bot, state, services, user, missing, editing=False)
        else:
            await continue_profile(bot, message.chat.id, state, user, editing=False)
        return
    step = await services.contributions.in_focus(user.id)
    if step.kind == StepKind.REVIEW:
        await message.answer(messages.review_pending())
        await show_step(bot, message.chat.id, step, settings)
        return
    if step.kind == StepKind.STALE or step.question is None or step.contribution is None:
        await show_menu(bot, message.chat.id, messages.not_understood())
        return
    if step.question.kind != "text":
        await message.answer(messages.buttons_expected())
        await show_step(bot, message.chat.id, step, settings)
        return
    if (await state.get_data()).get(UNSEEN) == [step.contribution.id, step.question.key]:
        # The reply that showed this question failed: this text may answer the previous one.
        await state.update_data({UNSEEN: None})
        await message.answer(messages.unseen_question())
        await show_step(bot, message.chat.id, step, settings)
        return
    value = _typed_value(message, step, settings)
    if isinstance(value, str):
        await message.answer(value)
        return
    if value.voice_file_id and user.voice_choice != VOICE_KEEP:
        # A voice identifies its author: nothing is kept before they say so (docs/privacy.md).
        # The note waits in the conversation state, which the database does not hold.
        await state.update_data({PENDING_VOICE: _pending_voice(step, value)})
        await message.answer(
            messages.voice_choice_question(
                chose_typing=user.voice_choice == VOICE_TYPE,
                threshold=settings.small_group_threshold,
            ),
            reply_markup=buttons.voice_choice_keyboard(),
        )
        return
    next_step = await services.contributions.record_for(step, value)
    if next_step.kind == StepKind.STALE:
        await message.answer(messages.button_expired())
        return
    if value.voice_file_id:
        await message.answer(messages.voice_saved(value.voice_duration or 0))
    await _after_answer(bot, message.chat.id, next_step, settings)


@router.message(StateFilter(None), flags=profile_or_ask_consent())
async def fallback_other_content(
    message: Message, bot: Bot, user: User, services: Services
) -> None:
    """Stickers, photos, locations, documents...: explain what is expected; store nothing."""
    step = await services.contributions.in_focus(user.id)
    if step.kind == StepKind.REVIEW:
        await message.answer(messages.review_pending())
        await show_step(bot, message.chat.id, step, services.settings)
    elif step.question is None:
        await show_menu(bot, message.chat.id, messages.not_understood())
    elif step.question.kind == "text":
        await message.answer(messages.text_or_voice_expected())
    else:
        await message.answer(messages.buttons_expected())
        await show_step(bot, message.chat.id, step, services.settings)


# --- Before the first voice note is kept --------------------------------------------------------


@router.callback_query(VoiceChoiceCB.filter(F.keep), flags=profile_or_expired())
async def on_voice_notes_kept(
    callback: CallbackQuery, bot: Bot, state: FSMContext, user: User, services: Services
) -> None:
    """Keep voice notes from now on, the one waiting first; remembered for next time."""
    services.profile.set_voice_choice(user, keep=True)
    pending = await _take_pending_voice(state)
    step, seconds = STALE, 0
    if pending:
        seconds = pending["duration"] or 0
        step = await services.contributions.record(
            user.id,
            pending["contribution"],
            pending["question"],
            AnswerValue(
                voice_file_id=pending["file_id"],
                voice_duration=pending["duration"],
                voice_mime=pending["mime"],
            ),
        )
    await _voice_choice_saved(callback, bot, user, services, step, keep=True, seconds=seconds)


@router.callback_query(VoiceChoiceCB.filter(~F.keep), flags=profile_or_expired())
async def on_typing_chosen(
    callback: CallbackQuery, bot: Bot, state: FSMContext, user: User, services: Services
) -> None:
    """Type instead: the voice note waiting is dropped; remembered for next time."""
    services.profile.set_voice_choice(user, keep=False)
    await _take_pending_voice(state)
    await _voice_choice_saved(callback, bot, user, services, STALE, keep=False)


async def _take_pending_voice(state: FSMContext) -> dict | None:
    data = await state.get_data()
    pending = data.pop(PENDING_VOICE, None)
    await state.set_data(data)
    return pending


async def _voice_choice_saved(
    callback: CallbackQuery,
    bot: Bot,
    user: User,
    services: Services,
    after: Step,
    *,
    keep: bool,
    seconds: int = 0,
) -> None:
    """Say what was chosen, then show where the person is: `after` the voice note waiting, if
    it was recorded (else STALE; `seconds`: its length)."""
    recorded = after.kind != StepKind.STALE
    await callback.answer()  # only after the writes: a Bot API hiccup here loses nothing
    if isinstance(callback.message, Message):
        with contextlib.suppress(TelegramBadRequest):  # an old message may not be editable
            await callback.message.edit_reply_markup(reply_markup=None)
    chat_id = callback.from_user.id
    await bot.send_message(
        chat_id, messages.voice_choice_saved(keep=keep, recorded=recorded, seconds=seconds)
    )
    if recorded:
        await _after_answer(bot, chat_id, after, services.settings)
        return
    step = await services.contributions.in_focus(user.id)
    if step.kind == StepKind.STALE:
        await show_menu(bot, chat_id)
    else:
        await show_step(bot, chat_id, step, services.settings)


# --- Shared by the handlers above -----------------------------------------------------------------


async def _asked(services: Services, user: User, data: AnswerCB) -> Step:
    """The step a question button belongs to (STALE unless its question is the one asked)."""
    return await services.contributions.asked(user.id, data.contribution_id, data.question)


async def _record_tapped(
    callback: CallbackQuery, bot: Bot, services: Services, step: Step, value: AnswerValue | None
) -> None:
    """Record the answer a button stands for (None: it does not fit the question asked), turn
    the question into its recap, and show what comes next."""
    if step.question is None or value is None:
        await expired(callback)
        return
    next_step = await services.contributions.record_for(step, value)
    if next_step.kind == StepKind.STALE:
        await expired(callback)
        return
    await callback.answer()
    answer = next_step.answers.get(step.question.key)
    await close_question_message(callback, messages.answered_recap(step.question, answer, locale()))
    await _after_answer(bot, callback.from_user.id, next_step, services.settings)


def _pending_voice(step: Step, value: AnswerValue) -> dict:
    assert step.contribution is not None and step.question is not None
    return {
        "contribution": step.contribution.id,
        "question": step.question.key,
        "file_id": value.voice_file_id,
        "duration": value.voice_duration,
        "mime": value.voice_mime,
    }


def _typed_value(message: Message, step: Step, settings: Settings) -> AnswerValue | str:
    """The answer in a text or voice message, or the sentence explaining why it was refused."""
    assert step.question is not None
    if message.voice is not None:
        voice = message.voice
        if voice.duration > MAX_VOICE_SECONDS:
            return messages.voice_too_long(MAX_VOICE_SECONDS)
        return AnswerValue(
            voice_file_id=voice.file_id, voice_duration=voice.duration, voice_mime=voice.mime_type
        )
    check = flows.check_text(step.question, message.text or "", settings.max_answer_length)
    if check.empty:
        return messages.empty_text()
    if not check.ok:
        limit = flows.text_limit(step.question, settings.max_answer_length)
        return messages.too_long(len(check.value), limit)
    return AnswerValue(text=check.value)


async def _after_answer(bot: Bot, chat_id: int, step: Step, settings: Settings) -> None:
    if step.masked:
        await bot.send_message(chat_id, messages.masked_notice(step.masked))
    if step.kind == StepKind.VIEW:
        await bot.send_message(chat_id, messages.answer_updated())
    await show_step(bot, chat_id, step, settings)
