"""Admins (ADMIN_IDS): organiser invitations and the list of organisers. (Meetings are in
handlers/meetings.py, broadcasts in handlers/broadcasts.py.)"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.deep_linking import create_start_link

from bot.i18n import format_moment
from bot.keyboards import buttons
from bot.keyboards.callbacks import OrganiserAction, OrganiserCB
from bot.services.container import Services
from bot.services.roles import Role
from bot.views import messages
from handlers.access import RequireRole
from handlers.common import expired, locale
from storage.models import User

router = Router(name=__name__)
router.message.middleware(RequireRole(Role.ADMIN))
router.callback_query.middleware(RequireRole(Role.ADMIN))


@router.message(Command("inviter", "invite"))
async def cmd_invite(message: Message, bot: Bot, services: Services) -> None:
    invitation = await services.roles.create_invitation(message.chat.id)
    link = await create_start_link(bot, invitation.token)
    expires = format_moment(invitation.expires_at, locale(), services.settings.tz)
    await message.answer(messages.invitation_text(link, expires))


@router.message(Command("organisateurs", "organisers"))
async def cmd_organisers(message: Message, services: Services) -> None:
    organisers = await services.roles.list_organisers()
    labels = [(o.id, organiser_label(o)) for o in organisers]
    await message.answer(
        messages.organisers_text([f"• {messages.escape(label)}" for _, label in labels]),
        reply_markup=buttons.organisers_keyboard(labels) if labels else None,
    )


@router.callback_query(OrganiserCB.filter(F.action == OrganiserAction.ASK_REVOKE))
async def on_revoke_asked(
    callback: CallbackQuery, callback_data: OrganiserCB, bot: Bot, services: Services
) -> None:
    target = await _organiser(callback, callback_data, services)
    if target is None:
        return
    await bot.send_message(
        callback.from_user.id,
        messages.revoke_confirm(organiser_label(target)),
        reply_markup=buttons.revoke_confirm_keyboard(target.id),
    )
    await _close(callback)


@router.callback_query(OrganiserCB.filter(F.action == OrganiserAction.REVOKE))
async def on_revoke_confirmed(
    callback: CallbackQuery, callback_data: OrganiserCB, bot: Bot, services: Services
) -> None:
    target = await _organiser(callback, callback_data, services)
    if target is None:
        return
    if await services.roles.revoke(callback.from_user.id, target.id):
        await bot.send_message(callback.from_user.id, messages.revoked(organiser_label(target)))
    await _close(callback)


@router.callback_query(OrganiserCB.filter(F.action == OrganiserAction.KEEP))
async def on_revoke_dismissed(
    callback: CallbackQuery, callback_data: OrganiserCB, services: Services
) -> None:
    if await _organiser(callback, callback_data, services) is not None:
        await _close(callback)


async def _organiser(
    callback: CallbackQuery, callback_data: OrganiserCB, services: Services
) -> User | None:
    """The organiser a button is about, the button answered; None (and "expired") if they no
    longer are one."""
    organisers = await services.roles.list_organisers()
    target = next((o for o in organisers if o.id == callback_data.user_id), None)
    if target is None:
        await expired(callback)
        return None
    await callback.answer()
    return target


async def _close(callback: CallbackQuery) -> None:
    """Take the buttons off the message answered, so they cannot be used twice."""
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=None)


def organiser_label(user: User) -> str:
    """Admins see organisers by id and structure: they invited them, this is not field data."""
    return f"{user.id}" + (f" · {user.structure_name}" if user.structure_name else "")
