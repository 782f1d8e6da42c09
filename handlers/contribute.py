"""/contribuer: choose a theme, answer one question at a time, review, submit.

Free text and voice notes are matched to the question in focus *from the database*, not from FSM
memory, so a draft resumes exactly where it was, even after a restart.
"""

from __future__ import annotations

import contextlib

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.domain import flows
from bot.domain.flows import AnswerValue
from bot.domain.questionnaire import Questionnaire
from bot.keyboards import buttons
from bot.keyboards.callbacks import AnswerCB, MenuCB, ReviewCB, ThemeCB, VoiceChoiceCB
from bot.services.contributions import ContributionService, Step, StepKind
from bot.services.profile import TEXT_STEPS, ProfileService, next_profile_step
from bot.views import messages
from handlers.common import close_question_message, expired, locale, render_step, show_menu
from handlers.errors import UNSEEN
from handlers.filters import has_text_or_voice, looks_like_command
from handlers.onboarding import continue_profile, save_profile_text
from storage.models import VOICE_KEEP, VOICE_TYPE, User

router = Router(name=__name__)
MAX_VOICE_SECONDS = 600


@router.message(Command("contribuer", "contribute"))
@router.callback_query(MenuCB.filter(F.action == "contribute"))
async def cmd_contribute(
    event: Message | CallbackQuery,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
    user: User | None,
    questionnaire: Questionnaire,
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
    progress = await ContributionService(session, questionnaire).progress(user.id)
    marks = {key: messages.theme_mark(p) for key, p in progress.items()}
    drafts = sum(1 for p in progress.values() if p.draft_answered is not None)
    await bot.send_message(
        chat_id,
        messages.choose_theme(drafts),
        reply_markup=buttons.themes_keyboard(questionnaire, locale(), marks),
    )


@router.callback_query(ThemeCB.filter())
async def on_theme_chosen(
    callback: CallbackQuery,
    callback_data: ThemeCB,
    bot: Bot,
    session: AsyncSession,
    user: User | None,
    questionnaire: Questionnaire,
    settings: Settings,
) -> None:
    if user is None or not user.profile_complete:
        await expired(callback)
        return
    step = await ContributionService(session, questionnaire).start_or_resume(
        user.id, callback_data.key
    )
    if step.kind == StepKind.STALE:
        await expired(callback)
        return
    await callback.answer()
    assert step.theme is not None
    if not step.answers:
        await bot.send_message(callback.from_user.id, messages.theme_intro(step.theme, locale()))
    await render_step(bot, callback.from_user.id, step, settings)


@router.callback_query(AnswerCB.filter(F.a == "t"))
async def on_choice_toggled(
    callback: CallbackQuery,
    callback_data: AnswerCB,
    session: AsyncSession,
    user: User | None,
    questionnaire: Questionnaire,
) -> None:
    step = await _asked(session, user, questionnaire, callback_data)
    question = step.question
    if (
        question is None
        or question.kind != "multi"
        or not 0 <= callback_data.i < len(question.options)
    ):
        await expired(callback)
        return
    if not flows.mask_is_valid(question, callback_data.m):
        await expired(callback)
        return
    mask = flows.toggle_choice(question, callback_data.m, callback_data.i)
    if mask is None:
        await callback.answer(messages.too_many_choices(question.max_choices or 0), show_alert=True)
        return
    await callback.answer()
    assert step.contribution is not None and isinstance(callback.message, Message)
    markup = buttons.question_keyboard(
        step.contribution.id,
        question,
        locale(),
        mask=mask,
        can_go_back=step.position > 1 and step.contribution.status == "draft",
        pause_is_cancel=step.contribution.status != "draft",
    )
    await callback.message.edit_reply_markup(reply_markup=markup)


@router.callback_query(AnswerCB.filter(F.a.in_({"o", "v", "s", "k"})))
async def on_answer_chosen(
    callback: CallbackQuery,
    callback_data: AnswerCB,
    bot: Bot,
    session: AsyncSession,
    user: User | None,
    questionnaire: Questionnaire,
    settings: Settings,
) -> None:
    step = await _asked(session, user, questionnaire, callback_data)
    value = _button_value(step, callback_data)
    if user is None or step.contribution is None or value is None:
        if step.question is not None and callback_data.a == "v" and callback_data.m == 0:
            await callback.answer(messages.choose_at_least_one(), show_alert=True)
            return
        await expired(callback)
        return
    next_step = await ContributionService(session, questionnaire).record_for(step, value)
    if next_step.kind == StepKind.STALE:
        await expired(callback)
        return
    await callback.answer()
    assert step.question is not None
    answer = next_step.answers.get(step.question.key)
    await close_question_message(callback, messages.answered_recap(step.question, answer, locale()))
    await _after_answer(bot, callback.from_user.id, next_step, settings)


@router.callback_query(AnswerCB.filter(F.a.in_({"b", "p"})))
async def on_navigation_chosen(
    callback: CallbackQuery,
    callback_data: AnswerCB,
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
    if callback_data.a == "b":
        step = await service.go_back(user.id, callback_data.cid, callback_data.q)
    else:
        step = await service.pause(user.id, callback_data.cid, callback_data.q)
    if step.kind == StepKind.STALE or step.contribution is None:
        await expired(callback)
        return
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=None)
    if callback_data.a == "b":
        await render_step(bot, callback.from_user.id, step, settings)
    elif step.contribution.status == "draft":
        await show_menu(bot, callback.from_user.id, messages.paused_text())
    else:  # cancelling the edit of a submitted contribution
        view = await service.view(user.id, step.contribution.id)
        await render_step(bot, callback.from_user.id, view, settings)


@router.callback_query(ReviewCB.filter())
async def on_review_action_chosen(
    callback: CallbackQuery,
    callback_data: ReviewCB,
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
    if callback_data.a == "s":
        step = await service.submit(user.id, callback_data.cid)
    elif callback_data.a == "e":
        step = await service.change(user.id, callback_data.cid, callback_data.q)
    else:
        step = Step(StepKind.STALE)
    if step.kind == StepKind.STALE:
        await expired(callback)
        return
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=None)
    if callback_data.a == "s":
        await show_menu(bot, callback.from_user.id, messages.submitted_text())
    else:
        await render_step(bot, callback.from_user.id, step, settings)


@router.message(StateFilter(None), looks_like_command)
async def fallback_unknown_command(message: Message) -> None:
    await message.answer(messages.not_understood() + "\n\n" + messages.help_text())


@router.message(StateFilter(None), has_text_or_voice)
async def process_free_text(
    message: Message,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
    user: User | None,
    questionnaire: Questionnaire,
    settings: Settings,
) -> None:
    """A typed answer or a voice note: for the question in focus, or the missing profile field."""
    if user is None:
        await message.answer(messages.consent_needed_text())
        return
    missing = next_profile_step(user)
    if missing is not None:
        if missing in TEXT_STEPS and message.text:
            await save_profile_text(message, bot, state, session, user, missing, editing=False)
        else:
            await continue_profile(bot, message.chat.id, state, user, editing=False)
        return
    service = ContributionService(session, questionnaire)
    step = await service.in_focus(user.id)
    if step.kind == StepKind.REVIEW:
        await message.answer(messages.review_pending())
        await render_step(bot, message.chat.id, step, settings)
        return
    if step.kind == StepKind.STALE or step.question is None or step.contribution is None:
        await show_menu(bot, message.chat.id, messages.not_understood())
        return
    if step.question.kind != "text":
        await message.answer(messages.buttons_expected())
        await render_step(bot, message.chat.id, step, settings)
        return
    if (await state.get_data()).get(UNSEEN) == [step.contribution.id, step.question.key]:
        # The reply that showed this question failed: this text may answer the previous one.
        await state.update_data({UNSEEN: None})
        await message.answer(messages.unseen_question())
        await render_step(bot, message.chat.id, step, settings)
        return
    value = _typed_value(message, step, settings)
    if isinstance(value, str):
        await message.answer(value)
        return
    if value.voice_file_id and user.voice_choice != VOICE_KEEP:
        # A voice identifies its author: nothing is kept before they say so (docs/privacy.md).
        # The note waits in the conversation state, which the database does not hold.
        await state.update_data(pending_voice=_pending_voice(step, value))
        await message.answer(
            messages.voice_choice_question(
                chose_typing=user.voice_choice == VOICE_TYPE,
                threshold=settings.small_group_threshold,
            ),
            reply_markup=buttons.voice_choice_keyboard(),
        )
        return
    next_step = await service.record_for(step, value)
    if next_step.kind == StepKind.STALE:
        await message.answer(messages.button_expired())
        return
    await _after_answer(bot, message.chat.id, next_step, settings)


@router.message(StateFilter(None))
async def fallback_other_content(
    message: Message,
    bot: Bot,
    session: AsyncSession,
    user: User | None,
    questionnaire: Questionnaire,
    settings: Settings,
) -> None:
    """Stickers, photos, locations, documents...: explain what is expected; store nothing."""
    if user is None:
        await message.answer(messages.consent_needed_text())
        return
    step = await ContributionService(session, questionnaire).in_focus(user.id)
    if step.kind == StepKind.REVIEW:
        await message.answer(messages.review_pending())
        await render_step(bot, message.chat.id, step, settings)
    elif step.question is None:
        await show_menu(bot, message.chat.id, messages.not_understood())
    elif step.question.kind == "text":
        await message.answer(messages.text_or_voice_expected())
    else:
        await message.answer(messages.buttons_expected())
        await render_step(bot, message.chat.id, step, settings)


@router.callback_query(VoiceChoiceCB.filter())
async def on_voice_choice_chosen(
    callback: CallbackQuery,
    callback_data: VoiceChoiceCB,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
    user: User | None,
    questionnaire: Questionnaire,
    settings: Settings,
) -> None:
    """Keep voice notes (and the one waiting), or type instead; remembered for next time."""
    if user is None:
        await expired(callback)
        return
    ProfileService.set_voice_choice(user, keep=callback_data.keep)
    data = await state.get_data()
    pending = data.pop("pending_voice", None)
    await state.set_data(data)
    service = ContributionService(session, questionnaire)
    step = Step(StepKind.STALE)
    if callback_data.keep and pending:
        step = await service.record(
            user.id,
            pending["contribution"],
            pending["question"],
            AnswerValue(
                voice_file_id=pending["file_id"],
                voice_duration=pending["duration"],
                voice_mime=pending["mime"],
            ),
        )
    recorded = step.kind != StepKind.STALE
    await callback.answer()  # only after the writes: a Bot API hiccup here loses nothing
    if isinstance(callback.message, Message):
        with contextlib.suppress(TelegramBadRequest):  # an old message may not be editable
            await callback.message.edit_reply_markup(reply_markup=None)
    chat_id = callback.from_user.id
    await bot.send_message(
        chat_id, messages.voice_choice_saved(keep=callback_data.keep, recorded=recorded)
    )
    if recorded:
        await _after_answer(bot, chat_id, step, settings)
        return
    step = await service.in_focus(user.id)
    if step.kind == StepKind.STALE:
        await show_menu(bot, chat_id)
    else:
        await render_step(bot, chat_id, step, settings)


def _pending_voice(step: Step, value: AnswerValue) -> dict:
    assert step.contribution is not None and step.question is not None
    return {
        "contribution": step.contribution.id,
        "question": step.question.key,
        "file_id": value.voice_file_id,
        "duration": value.voice_duration,
        "mime": value.voice_mime,
    }


async def _asked(
    session: AsyncSession, user: User | None, questionnaire: Questionnaire, data: AnswerCB
) -> Step:
    if user is None:
        return Step(StepKind.STALE)
    return await ContributionService(session, questionnaire).asked(user.id, data.cid, data.q)


def _button_value(step: Step, data: AnswerCB) -> AnswerValue | None:
    """The answer a button stands for, or None if it does not fit the question asked."""
    question = step.question
    if question is None:
        return None
    if data.a == "k":
        return AnswerValue(skipped=True) if question.optional else None
    if data.a == "o" and question.kind == "single" and 0 <= data.i < len(question.options):
        return AnswerValue(choices=(question.options[data.i].key,))
    if data.a == "s" and question.kind == "scale" and flows.is_valid_scale(data.i):
        return AnswerValue(scale=data.i)
    if (
        data.a == "v"
        and question.kind == "multi"
        and data.m
        and flows.mask_is_valid(question, data.m)
    ):
        return AnswerValue(choices=flows.keys_from_mask(question, data.m))
    return None


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
    await render_step(bot, chat_id, step, settings)
