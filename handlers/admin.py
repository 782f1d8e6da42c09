"""Admins (ADMIN_IDS): organiser invitations and the list of organisers. (Meetings are in
handlers/meetings.py, broadcasts in handlers/broadcasts.py.)"""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.deep_linking import create_start_link
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.i18n import format_moment
from bot.keyboards import buttons
from bot.keyboards.callbacks import OrganiserCB
from bot.services.roles import Role, RoleService
from bot.views import messages
from handlers.access import RequireRole
from handlers.common import expired, locale

router = Router(name=__name__)
router.message.middleware(RequireRole(Role.ADMIN))
router.callback_query.middleware(RequireRole(Role.ADMIN))


@router.message(Command("inviter", "invite"))
async def cmd_invite(message: Message, bot: Bot, session: AsyncSession, settings: Settings) -> None:
    invitation = await RoleService(session, settings).create_invitation(message.chat.id)
    link = await create_start_link(bot, invitation.token)
    expires = format_moment(invitation.expires_at, locale(), settings.tz)
    await message.answer(messages.invitation_text(link, expires))


@router.message(Command("organisateurs", "organisers"))
async def cmd_organisers(message: Message, session: AsyncSession, settings: Settings) -> None:
    organisers = await RoleService(session, settings).list_organisers()
    labels = [(o.id, organiser_label(o)) for o in organisers]
    await message.answer(
        messages.organisers_text([f"• {messages.escape(label)}" for _, label in labels]),
        reply_markup=buttons.organisers_keyboard(labels) if labels else None,
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
            messages.revoke_confirm(label),
            reply_markup=buttons.revoke_confirm_keyboard(target.id),
        )
    elif callback_data.a == "R" and await service.revoke(callback.from_user.id, target.id):
        await bot.send_message(callback.from_user.id, messages.revoked(label))
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=None)


def organiser_label(user) -> str:
    """Admins see organisers by id and structure: they invited them, this is not field data."""
    return f"{user.id}" + (f" · {user.structure_name}" if user.structure_name else "")
