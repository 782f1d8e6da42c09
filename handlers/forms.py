"""A command is a command in every state: one mechanism for every form that waits for text.

`FormCommandMiddleware` runs on messages before routing. When someone in a form (profile field,
meeting form, broadcast composer, any later one) types `/something`:

- `/annuler` (`/cancel`) leaves the form: the form's own handler does it where it has one (it
  says what was kept); otherwise the form is left here.
- any other command is routed as if no form were open (aiogram's `StateFilter` reads
  `raw_state`, which is hidden for this update only): `/oubli`, `/aide`, `/start` and every
  other known command run, an unknown one gets the help; nothing typed is ever stored as a
  form's answer. If the form is still open afterwards, a one-line reminder says how to go on
  or leave it.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, TelegramObject

from bot.views import messages
from handlers.states import BroadcastForm, MeetingForm

LEAVE = frozenset({"annuler", "cancel"})
# Forms whose own /annuler handler says what happens to what was typed so far.
OWN_CANCEL = frozenset(
    s.state for group in (MeetingForm, BroadcastForm) for s in group.__all_states__
)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


# What Telegram itself treats as a command: "/!\\ Réunion annulée" is a broadcast, not a command.
_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s|$)")


def command_word(text: str | None) -> str | None:
    """`/Aide@relais_bot args` -> "aide"; None when the text is not a command. Captions are
    not read: a photo captioned "/aide" sent to the broadcast composer is content."""
    match = _COMMAND.match(text or "")
    return match.group(1).lower() if match else None


class FormCommandMiddleware(BaseMiddleware):
    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        raw_state = data.get("raw_state")
        command = command_word(event.text) if isinstance(event, Message) else None
        if raw_state is None or command is None:
            return await handler(event, data)
        assert isinstance(event, Message)
        state: FSMContext = data["state"]
        if command in LEAVE:
            if raw_state in OWN_CANCEL:  # their handlers accept any case and @mention
                return await handler(event, data)
            user = data.get("user")
            if user is not None and not user.profile_complete:
                # Onboarding: the profile is needed, and a text typed next would be read as
                # the missing field anyway. Say so, and keep asking.
                await event.answer(messages.profile_needed())
                return None
            await state.set_state(None)
            await event.answer(messages.form_left())
            return None
        data["raw_state"] = None  # route it as a command, whatever form is open
        result = await handler(event, data)
        if await state.get_state() == raw_state:
            await event.answer(messages.form_still_open())
        return result
