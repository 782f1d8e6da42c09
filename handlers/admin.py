"""Admins (ADMIN_IDS): organiser invitations and the list of organisers."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.deep_linking import create_start_link
from sqlalchemy.ext.asyncio import AsyncSession

from bot import keyboards, views
from bot.config import Settings
from bot.i18n import format_moment
from bot.keyboards import MeetingCB, OrganiserCB
from bot.questionnaire import Questionnaire
from bot.services.meetings import cancel_meeting
from bot.services.preread import build_preread
from bot.services.roles import Role, RoleService
from handlers.access import RequireRole
from handlers.common import expired, locale, send_package
from storage.base import utcnow
from storage.repositories import MeetingRepo

router = Router(name=__name__)
router.message.middleware(RequireRole(Role.ADMIN))
router.callback_query.middleware(RequireRole(Role.ADMIN))


@router.message(Command("inviter", "invite"))
async def cmd_invite(message: Message, bot: Bot, session: AsyncSession, settings: Settings) -> None:
    invitation = await RoleService(session, settings).create_invitation(message.chat.id)
    link = await create_start_link(bot, invitation.token)
    expires = format_moment(invitation.expires_at, locale(), settings.tz)
    await message.answer(views.invitation_text(link, expires))


@router.message(Command("organisateurs", "organisers"))
async def cmd_organisers(message: Message, session: AsyncSession, settings: Settings) -> None:
    organisers = await RoleService(session, settings).list_organisers()
    labels = [(o.id, organiser_label(o)) for o in organisers]
    await message.answer(
        views.organisers_text([f"• {views.escape(label)}" for _, label in labels]),
        reply_markup=keyboards.organisers_keyboard(labels) if labels else None,
    )


@router.callback_query(OrganiserCB.filter())
async def on_organiser_action_chosen(
    callback: CallbackQuery,
    callback_data: OrganiserCB,
    bot: Bot,
    session: AsyncSession,
    settings: Settings,
) -> None:
    service = RoleService(session, settings)
    target = next((o for o in await service.list_organisers() if o.id == callback_data.u), None)
    if target is None or callback_data.a not in ("r", "R", "n"):
        await expired(callback)
        return
    await callback.answer()
    label = organiser_label(target)
    if callback_data.a == "r":
        await bot.send_message(
            callback.from_user.id,
            views.revoke_confirm(label),
            reply_markup=keyboards.revoke_confirm_keyboard(target.id),
        )
    elif callback_data.a == "R" and await service.revoke(callback.from_user.id, target.id):
        await bot.send_message(callback.from_user.id, views.revoked(label))
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=None)


def organiser_label(user) -> str:
    """Admins see organisers by id and structure: they invited them, this is not field data."""
    return f"{user.id}" + (f" · {user.structure_name}" if user.structure_name else "")


@router.message(Command("reunions", "meetings"))
async def cmd_meetings(message: Message, session: AsyncSession, settings: Settings) -> None:
    upcoming = await MeetingRepo(session).list_upcoming(utcnow())
    labels = [(m.id, meeting_label(m, settings)) for m in upcoming]
    await message.answer(
        views.meetings_text([f"• #{i} {views.escape(label)}" for i, label in labels]),
        reply_markup=keyboards.meetings_keyboard(labels) if labels else None,
    )


@router.callback_query(MeetingCB.filter())
async def on_meeting_action_chosen(
    callback: CallbackQuery,
    callback_data: MeetingCB,
    bot: Bot,
    session: AsyncSession,
    settings: Settings,
    questionnaire: Questionnaire,
) -> None:
    meeting = await MeetingRepo(session).get_scheduled(callback_data.m)
    if meeting is None or callback_data.a not in ("p", "c", "C", "n"):
        await expired(callback)
        return
    await callback.answer()
    chat_id, label = callback.from_user.id, meeting_label(meeting, settings)
    if callback_data.a == "c":
        await bot.send_message(
            chat_id,
            views.meeting_cancel_confirm(label),
            reply_markup=keyboards.meeting_cancel_keyboard(meeting.id),
        )
    elif callback_data.a == "C":
        withdrawn = await cancel_meeting(session, meeting.id) or 0
        await RoleService(session, settings).audit(chat_id, "meeting_cancelled", meeting.id)
        await bot.send_message(chat_id, views.meeting_cancelled(label, withdrawn))
    elif callback_data.a == "p":
        await session.commit()  # release the update's connection while the worker builds
        package = await build_preread(settings, questionnaire, meeting, utcnow(), locale())
        await send_package(bot, chat_id, package)
    if callback_data.a != "p" and isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=None)


def meeting_label(meeting, settings: Settings) -> str:
    local = meeting.starts_at.astimezone(settings.tz)
    return f"{local:%d/%m %H:%M} {meeting.city}"
