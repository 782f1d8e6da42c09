"""Whether the bot can reach someone: Telegram's own word on it (`my_chat_member`).

A person who blocks the bot is marked unreachable when a message to them is refused (the
sender, a reply); they become reachable again when they write in their private chat with the
bot (`ProfileLocaleMiddleware`) or when Telegram says they unblocked it (here). A message they
write in a group, which the bot ignores, changes nothing.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.types import ChatMemberUpdated

from bot.services.container import Services
from storage.models import User

router = Router(name=__name__)


@router.my_chat_member()
async def on_membership_changed(
    event: ChatMemberUpdated, user: User | None, services: Services
) -> None:
    if user is None or event.chat.type != ChatType.PRIVATE:
        return
    status = event.new_chat_member.status
    if status == ChatMemberStatus.MEMBER:
        services.profile.set_reachable(user, True)
    elif status == ChatMemberStatus.KICKED:
        services.profile.set_reachable(user, False)
