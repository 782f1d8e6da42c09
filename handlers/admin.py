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
from bot.views import menus, messages
from handlers.access import RequireRole
from handlers.common import expired, locale
from handlers.menus import apply_menu
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
    numbered = list(enumerate(organisers, start=1))
    await message.answer(
        messages.organisers_text([menus.staff_line(o, number) for number, o in numbered]),
        reply_markup=buttons.organisers_keyboard(
            [(o.id, menus.staff_label(o, number, structure=False)) for number, o in numbered]
        )
        if organisers
        else None,
    )


@router.callback_query(OrganiserCB.filter(F.action == OrganiserAction.ASK_REVOKE))
async def on_revoke_asked(
    callback: CallbackQuery, callback_data: OrganiserCB, bot: Bot, services: Services
) -> None:
    found = await _organiser(callback, callback_data, services)
    if found is None:
        return
    target, number = found
    await bot.send_message(
        callback.from_user.id,
        messages.revoke_confirm(menus.staff_label(target, number)),
        reply_markup=buttons.revoke_confirm_keyboard(target.id),
    )
    await _close(callback)


@router.callback_query(OrganiserCB.filter(F.action == OrganiserAction.REVOKE))
async def on_revoke_confirmed(
    callback: CallbackQuery, callback_data: OrganiserCB, bot: Bot, services: Services
) -> None:
    found = await _organiser(callback, callback_data, services)
    if found is None:
        return
    target, number = found
    label = menus.staff_label(target, number)  # before the revocation forgets their name
    if await services.roles.revoke(callback.from_user.id, target.id):
        await bot.send_message(callback.from_user.id, messages.revoked(label))
        holder = await services.roles.menu_of(target.id)  # an admin keeps the admin menu
        await apply_menu(bot, holder, services.settings.default_locale, services.roles)
    await _close(callback)


@router.callback_query(OrganiserCB.filter(F.action == OrganiserAction.KEEP))
async def on_revoke_dismissed(
    callback: CallbackQuery, callback_data: OrganiserCB, services: Services
) -> None:
    if await _organiser(callback, callback_data, services) is not None:
        await _close(callback)


async def _organiser(
    callback: CallbackQuery, callback_data: OrganiserCB, services: Services
) -> tuple[User, int] | None:
    """The organiser a button is about and their number in /organisateurs, the button
    answered; None (and "expired") if they no longer are one."""
    organisers = await services.roles.list_organisers()
    found = next(
        ((o, n) for n, o in enumerate(organisers, start=1) if o.id == callback_data.user_id), None
    )
    if found is None:
        await expired(callback)
        return None
    await callback.answer()
    return found


async def _close(callback: CallbackQuery) -> None:
    """Take the buttons off the message answered, so they cannot be used twice."""
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=None)
