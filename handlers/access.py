"""Server-side role checks for a whole router: refuse politely, and log the attempt."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.config import Settings
from bot.services.container import Services
from bot.services.roles import Role, role_of
from bot.views import menus, messages

log = logging.getLogger(__name__)


class RequireRole(BaseMiddleware):
    """Inner middleware: runs only once a handler of the router matched the update."""

    def __init__(self, *allowed: Role, needs_profile: bool = False) -> None:
        self.allowed = allowed
        self.needs_profile = needs_profile

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        settings: Settings = data["settings"]
        user_id = data["event_from_user"].id
        role = role_of(user_id, data.get("user"), settings)
        data["role"] = role
        if role in self.allowed and self.needs_profile and data.get("user") is None:
            # Admins come from the settings, but digests and exports are stored against a
            # profile: they accept the privacy notice like everyone else first.
            await _reply(event, messages.consent_needed_text())
            return None
        if role in self.allowed:
            user = data.get("user")
            # Keep the name admins see up to date, only for an organiser who was told at the
            # invitation (one granted from the console was not: they stay unnamed).
            if user is not None and user.is_organiser and (user.display_name or user.username):
                sender = data["event_from_user"]
                data["services"].roles.remember_name(user, sender.first_name, sender.username)
            return await handler(event, data)
        attempt = event.text if isinstance(event, Message) else getattr(event, "data", None)
        # The command word or the button's data, never the rest of what was typed.
        action = (attempt or "").split(maxsplit=1)[0][:32] if attempt else ""
        services: Services = data["services"]
        # Before consent nothing about a person is stored or logged, not even their id.
        actor = user_id if data.get("user") is not None else None
        log.warning("refused %s to %s (role %s)", action, actor or "a person without consent", role)
        await services.roles.audit(actor, "access_refused", attempt=action, role=role.value)
        await _reply(event, menus.access_refused(self.allowed))
        return None


async def _reply(event: TelegramObject, text: str) -> None:
    if isinstance(event, CallbackQuery):
        await event.answer(text, show_alert=True)
    elif isinstance(event, Message):
        await event.answer(text)
