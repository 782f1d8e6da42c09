"""The terminal sandbox: talk to the real bot with no token and no network.

The production dispatcher and handlers run against the in-process fake Bot API. The terminal
shows what the bot sends (HTML rendered as plain text), each message numbered (`Relais #3 ›`)
with its buttons numbered under it; type text, a /command, a button number (of the last message
with buttons) or `3.2` (button 2 of message 3). Edits are printed again, marked as such. Quiet
hours apply as configured (`:quiet off` for a demo). Piped input works too, for scripts:

    printf '/start\\n1\\n' | python -m bot sandbox
"""

from __future__ import annotations

import asyncio
import html
import math
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    SendDocument,
    SendMessage,
    SendPhoto,
    SendVoice,
)
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.app import create_bot, create_dispatcher, set_bot_commands
from bot.config import Settings
from bot.delivery.sender import PacedSender
from bot.devtools.fake_api import FAKE_TOKEN, ChatDriver, FakeTelegramSession
from bot.domain.questionnaire import default_questionnaire
from bot.domain.quiet import QuietHours
from bot.jobs.scheduler import Scheduler
from storage.base import utcnow
from storage.engine import check_reachable, create_engine, create_session_factory
from storage.migrate import upgrade_to_head
from storage.repositories.outbox_queue import OutboxQueueRepo

HELP = """Relais sandbox: you are talking to the real bot, without Telegram.
Type a message, a /command, or the number of a button of the last message with buttons
(a number that is not a button is sent as text; :text 2 sends "2" as text).
The bot's messages are numbered (Relais #3 ›): 3.2 taps button 2 of message 3, whichever is
still on screen. Edited messages are printed again, marked (edited).
Also: :voice [seconds]  :sticker  :photo  :location  :document  :text <literal text>
      :user <id>   become another person (e.g. to open an invitation link)
      :tick [+2h|+1d]   move the clock forward and run the scheduler (digests) and the sender
      :quiet off|on   quiet hours (QUIET_HOURS): on as configured; off to deliver at night
      :quit"""

_TAG = re.compile(r"<[^>]+>")
_TAP = re.compile(r"(\d+)\.(\d+)")  # "3.2": button 2 of message 3


SANDBOX_FIRST_NAMES = ("Camille", "Karim", "Sophie", "Lucas", "Nadia", "Thomas", "Inès", "Julien")


class Terminal:
    """Prints what the bot sends, numbering its messages (`Relais #3 ›`) and their buttons."""

    def __init__(self, out: TextIO, files_dir: Path, fake: FakeTelegramSession) -> None:
        self.out = out
        self.files_dir = files_dir
        self.fake = fake
        self.keys: list[tuple[int, int]] = []  # number - 1 -> (chat id, message id)
        self.numbers: dict[tuple[int, int], int] = {}
        self.color = out.isatty()

    def print(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def show(self, requests: list[Any], driver: ChatDriver) -> None:
        for request in requests:
            chat = getattr(request, "chat_id", None)
            if isinstance(chat, int) and chat != driver.chat.id:
                self.print(f"(to person {chat})")
            if isinstance(request, SendMessage | SendDocument | SendPhoto | SendVoice):
                created = self.fake.created.get(id(request))
                number = self._number(created.chat.id, created.message_id) if created else None
                self.print(self._bot_says(self._body(request), number))
                self._print_buttons(request.reply_markup)
            elif isinstance(request, EditMessageText | EditMessageReplyMarkup):
                self._show_edit(request)
            elif isinstance(request, AnswerCallbackQuery) and request.text:
                self.print(self._bot_says("⚠ " + request.text))

    def message(self, number: int) -> Message | None:
        """The message numbered `number`, as it is now (edits included)."""
        if not 1 <= number <= len(self.keys):
            return None
        return self.fake.messages.get(self.keys[number - 1])

    def _number(self, chat_id: int, message_id: int) -> int:
        key = (chat_id, message_id)
        if key not in self.numbers:
            self.keys.append(key)
            self.numbers[key] = len(self.keys)
        return self.numbers[key]

    def _body(self, request: SendMessage | SendDocument | SendPhoto | SendVoice) -> str:
        if isinstance(request, SendMessage):
            return self._plain(request.text)
        if isinstance(request, SendVoice):
            return f"🎤 (voice note {request.voice})"
        return self._save(request)

    def _show_edit(self, request: EditMessageText | EditMessageReplyMarkup) -> None:
        """An edit, of the last message or of an older one: printed again with its number."""
        if not isinstance(request.chat_id, int) or request.message_id is None:
            return  # an inline message: the sandbox sends none
        number = self._number(request.chat_id, request.message_id)
        if isinstance(request, EditMessageText):
            self.print(self._bot_says(self._plain(request.text), number, edited=True))
        elif not callback_buttons(request.reply_markup):
            self.print(f"(message #{number}: buttons removed)")
            return
        else:
            current = self.fake.messages.get((request.chat_id, request.message_id))
            text = (current.text or current.caption or "") if current else ""
            self.print(self._bot_says(self._plain(text), number, edited=True))
        self._print_buttons(request.reply_markup)

    def _print_buttons(self, markup: Any) -> None:
        for index, button in enumerate(callback_buttons(markup), start=1):
            self.print(f"   [{index}] {button.text}")

    def _bot_says(self, text: str, number: int | None = None, *, edited: bool = False) -> str:
        label = "Relais" + (f" #{number}" if number else "") + (" (edited)" if edited else "")
        prefix = f"\033[1m{label}\033[0m" if self.color else label
        indent = " " * (len(label) + 3)
        lines = text.split("\n")
        return "\n".join([f"{prefix} › {lines[0]}", *(f"{indent}{line}" for line in lines[1:])])

    def _plain(self, text: str) -> str:
        if self.color:
            text = text.replace("<b>", "\033[1m").replace("</b>", "\033[0m")
        return html.unescape(_TAG.sub("", text))

    def _save(self, request: SendDocument | SendPhoto) -> str:
        document = request.document if isinstance(request, SendDocument) else request.photo
        if not isinstance(document, BufferedInputFile):
            return "📎 (file)"
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = self.files_dir / (document.filename or "file")
        path.write_bytes(document.data)
        caption = f" {self._plain(request.caption)}" if request.caption else ""
        return f"📎 {path} ({len(document.data)} bytes){caption}"


def callback_buttons(markup: Any) -> list[InlineKeyboardButton]:
    """The buttons a person can tap in the sandbox (link buttons open nothing here)."""
    if not isinstance(markup, InlineKeyboardMarkup):
        return []
    return [button for row in markup.inline_keyboard for button in row if button.callback_data]


class Session:
    """The sandbox's state: who is typing, a clock that `:tick` moves forward, and the quiet
    hours the sender and the scheduler apply (as configured, unless `:quiet off`)."""

    def __init__(
        self, dispatcher, bot, fake, scheduler, sender, language: str, quiet: QuietHours
    ) -> None:
        self.dispatcher, self.bot, self.fake = dispatcher, bot, fake
        self.scheduler, self.sender = scheduler, sender
        self.language = language
        self.quiet = quiet  # QUIET_HOURS and QUIET_SUNDAYS
        self.offset = timedelta(0)
        self.people: dict[int, ChatDriver] = {}
        self.driver = self.person(1001)
        self.holding_said = False  # "messages wait for the morning" said once per wait

    @property
    def quiet_on(self) -> bool:
        return self.sender.quiet is not None

    def set_quiet(self, on: bool) -> None:
        """Where the real bot applies quiet hours: the sender holds what is not urgent, and the
        broadcast job says so on progress messages (reminders are planned with them anyway)."""
        self.sender.quiet = self.quiet if on else None
        self.scheduler.broadcasts.quiet = self.quiet if on else None
        self.holding_said = False

    def quiet_status(self) -> str:
        quiet = self.quiet
        window = f"{quiet.start:%H:%M}-{quiet.end:%H:%M}" + (
            " and Sundays" if quiet.sundays else ""
        )
        if not self.quiet_on:
            return f"(quiet hours off for this session: {window} ignored; :quiet on to restore)"
        now = self.now()
        configured = f"(quiet hours on as configured: {window}, {quiet.tz.key}"
        if quiet.is_quiet(now):
            until = quiet.next_allowed(now).astimezone(quiet.tz)
            return (
                f"{configured}. It is quiet now: only urgent messages go out until "
                f"{until:%a %H:%M}; :quiet off for a demo)"
            )
        return f"{configured}; :quiet off for a demo)"

    def now(self) -> datetime:
        return utcnow() + self.offset

    def person(self, user_id: int) -> ChatDriver:
        if user_id not in self.people:
            self.people[user_id] = ChatDriver(
                self.dispatcher,
                self.bot,
                self.fake,
                user_id=user_id,
                # A first name as Telegram gives one (never the id: organisers are listed by it).
                first_name=SANDBOX_FIRST_NAMES[user_id % len(SANDBOX_FIRST_NAMES)],
                username=f"personne_{user_id}",
                language_code=self.language,
            )
        return self.people[user_id]

    async def deliver(self) -> list[Any]:
        """Start due broadcasts, run the paced sender until the outbox has nothing due, then
        let the scheduler report on what finished (and deliver that report)."""
        before = len(self.fake.requests)
        for _ in range(2):
            await self.scheduler.tick_broadcasts()
            while await self.sender.run_once():
                pass
        return self.fake.requests[before:]

    async def held_notice(self) -> str | None:
        """Once, when quiet hours hold messages back: what the terminal would otherwise not
        show (nothing arrives, as on a phone at night)."""
        if not self.quiet_on or not self.quiet.is_quiet(self.now()):
            self.holding_said = False
            return None
        async with self.sender.session_factory() as session:
            waiting = await OutboxQueueRepo(session).anything_waiting()
        if not waiting:
            self.holding_said = False
            return None
        if self.holding_said:
            return None
        self.holding_said = True
        until = self.quiet.next_allowed(self.now()).astimezone(self.quiet.tz)
        hours = math.ceil((until - self.now()) / timedelta(hours=1))
        return (
            f"(quiet hours: messages wait in the outbox until {until:%a %H:%M} "
            f"{self.quiet.tz.key}; :tick +{hours}h to get there, or :quiet off)"
        )


async def run_sandbox(
    settings: Settings, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
) -> None:
    if not settings.admin_ids:  # in the sandbox, the first person is an admin
        settings = settings.model_copy(update={"admin_ids": (1001,)})
    engine = create_engine(settings.database_url)
    await check_reachable(engine)
    await upgrade_to_head(engine)
    fake = FakeTelegramSession()
    bot = create_bot(settings, session=fake, token=FAKE_TOKEN)
    factory = create_session_factory(engine)
    dispatcher = create_dispatcher(settings, factory)
    await set_bot_commands(bot, settings.default_locale, session_factory=factory, settings=settings)
    questionnaire = default_questionnaire()
    state: Session
    quiet = QuietHours.from_settings(settings)  # as bot/app.py:attach_background_jobs
    scheduler = Scheduler(
        factory, settings, questionnaire, clock=lambda: state.now(), bot=bot, quiet=quiet
    )
    sender = PacedSender(
        bot,
        factory,
        rate=settings.send_rate,
        per_chat_interval=0.0,
        clock=lambda: state.now(),
        quiet=quiet,
        admin_ids=settings.admin_ids,
    )
    state = Session(dispatcher, bot, fake, scheduler, sender, settings.default_locale, quiet)
    files_dir = Path("data") / "sandbox-files"
    terminal = Terminal(stdout, files_dir, fake)
    interactive = stdin.isatty()
    terminal.print(HELP)
    terminal.print(f"(database: {settings.database_url}; files you receive go to {files_dir}/)")
    terminal.print(f"(you are person 1001; admins: {', '.join(map(str, settings.admin_ids))})")
    terminal.print(state.quiet_status())
    terminal.print()
    try:
        while True:
            if interactive:
                stdout.write(f"{state.driver.user_id} › ")
                stdout.flush()
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            line = line.rstrip("\n")
            if not interactive:
                terminal.print(f"vous › {line}")
            if line.strip() in (":quit", ":q"):
                break
            requests = await _act(line, state, terminal)
            if requests is not None:
                requests += await state.deliver()
                terminal.show(requests, state.driver)
                notice = await state.held_notice()
                if notice:
                    terminal.print(notice)
    finally:
        await bot.session.close()
        await engine.dispose()
    terminal.print("(end of the sandbox session)")


async def _act(line: str, state: Session, terminal: Terminal) -> list[Any] | None:
    driver = state.driver
    stripped = line.strip()
    if stripped.isdigit():  # a button of the last message with buttons, else text
        message = next(
            (m for m in driver.messages_newest_first() if callback_buttons(m.reply_markup)), None
        )
        buttons = callback_buttons(message.reply_markup) if message else []
        if 1 <= int(stripped) <= len(buttons):
            return await driver.click_data(buttons[int(stripped) - 1].callback_data or "", message)
    if tap := _TAP.fullmatch(stripped):
        return await _tap(int(tap[1]), int(tap[2]), state, terminal)
    command, _, argument = stripped.partition(" ")
    if command == ":quiet":
        choice = argument.strip().lower()
        if choice in ("on", "off"):
            state.set_quiet(choice == "on")
        elif choice:
            terminal.print("(:quiet off switches quiet hours off for a demo; :quiet on again)")
        terminal.print(state.quiet_status())
        return [] if choice in ("on", "off") else None  # [] : what was held may go now
    if command == ":user" and argument.strip().isdigit():
        state.driver = state.person(int(argument))
        terminal.print(f"(you are now person {state.driver.user_id})")
        return None
    if command == ":tick":
        state.offset += _duration(argument.strip() or "+1h")
        local = state.now().astimezone(state.quiet.tz)
        terminal.print(f"(clock: {local:%a %Y-%m-%d %H:%M} {state.quiet.tz.key})")
        before = len(state.fake.requests)
        await state.scheduler.tick()
        return state.fake.requests[before:]
    if command == ":voice":
        return await driver.send_voice(int(argument) if argument.isdigit() else 15)
    if command == ":text":
        return await driver.send(argument)
    specials = {
        ":sticker": driver.send_sticker,
        ":photo": driver.send_photo,
        ":location": driver.send_location,
        ":document": driver.send_document,
    }
    if command in specials:
        return await specials[command]()
    if command.startswith(":"):
        terminal.print(HELP)
        return None
    return await driver.send(line)


async def _tap(number: int, index: int, state: Session, terminal: Terminal) -> list[Any] | None:
    """`3.2`: button 2 of message 3, if that message is still on this person's screen with
    that button. Anything else is explained and nothing is sent."""
    typed = f"{number}.{index}"
    message = terminal.message(number)
    if message is None:
        terminal.print(
            f"(no message #{number} on screen: the bot's messages are numbered Relais #1, #2…; "
            f":text {typed} sends it as text)"
        )
        return None
    if message.chat.id != state.driver.chat.id:
        who = message.chat.id
        terminal.print(f"(message #{number} was sent to person {who}: :user {who} first)")
        return None
    buttons = callback_buttons(message.reply_markup)
    if not 1 <= index <= len(buttons):
        has = f"has {len(buttons)} button(s)" if buttons else "has no buttons now"
        terminal.print(f"(message #{number} {has}; :text {typed} sends it as text)")
        return None
    return await state.driver.click_data(buttons[index - 1].callback_data or "", message)


def _duration(text: str) -> timedelta:
    """ "+2h", "+1d", "+30m" """
    match = re.fullmatch(r"\+?(\d+)([mhd])", text)
    if not match:
        return timedelta(hours=1)
    amount, unit = int(match.group(1)), match.group(2)
    return {
        "m": timedelta(minutes=amount),
        "h": timedelta(hours=amount),
        "d": timedelta(days=amount),
    }[unit]
