"""The terminal sandbox: talk to the real bot with no token and no network.

The production dispatcher and handlers run against the in-process fake Bot API. The terminal
shows what the bot sends (HTML rendered as plain text) with its buttons numbered; type text, a
/command, or a button number. Piped input works too, for scripts:

    printf '/start\\n1\\n' | python -m bot sandbox
"""

from __future__ import annotations

import asyncio
import html
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
    SetMyCommands,
)
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, Message

from bot.app import create_bot, create_dispatcher, set_bot_commands
from bot.config import Settings
from bot.delivery.sender import PacedSender
from bot.devtools.fake_api import FAKE_TOKEN, ChatDriver, FakeTelegramSession, buttons_of
from bot.domain.questionnaire import default_questionnaire
from bot.jobs.scheduler import Scheduler
from storage.base import utcnow
from storage.engine import check_reachable, create_engine, create_session_factory
from storage.migrate import upgrade_to_head

HELP = """Relais sandbox: you are talking to the real bot, without Telegram.
Type a message, a /command, or the number of a button of the last message
(a number that is not a button is sent as text; :text 2 sends "2" as text).
Also: :voice [seconds]  :sticker  :photo  :location  :document  :text <literal text>
      :user <id>   become another person (e.g. to open an invitation link)
      :tick [+2h|+1d]   move the clock forward and run the scheduler (digests) and the sender
      :quit"""

_TAG = re.compile(r"<[^>]+>")


class Terminal:
    def __init__(self, out: TextIO, files_dir: Path) -> None:
        self.out = out
        self.files_dir = files_dir
        self.buttons: list[tuple[Message, str]] = []  # number - 1 -> (message, callback data)
        self.color = out.isatty()

    def print(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def show(self, requests: list[Any], driver: ChatDriver) -> None:
        for request in requests:
            chat = getattr(request, "chat_id", None)
            if isinstance(chat, int) and chat != driver.chat.id:
                self.print(f"(to person {chat})")
            if isinstance(request, SendMessage):
                self.print(self._bot_says(self._plain(request.text)))
            elif isinstance(request, EditMessageText):
                self.print(self._bot_says("(edited) " + self._plain(request.text)))
            elif isinstance(request, AnswerCallbackQuery) and request.text:
                self.print(self._bot_says("⚠ " + request.text))
            elif isinstance(request, SendDocument | SendPhoto):
                self.print(self._bot_says(self._save(request)))
            elif isinstance(request, SendVoice):
                self.print(self._bot_says(f"🎤 (voice note {request.voice})"))
            elif isinstance(request, EditMessageReplyMarkup | SetMyCommands):
                continue
        self._number_buttons(driver)

    def _number_buttons(self, driver: ChatDriver) -> None:
        """Number the buttons of the newest message only: what a person would tap on a phone."""
        newest = driver.messages_newest_first()
        message = newest[0] if newest else None
        self.buttons = []
        if message is None or not isinstance(message.reply_markup, InlineKeyboardMarkup):
            return
        for button in buttons_of(message):
            if button.callback_data:
                self.buttons.append((message, button.callback_data))
                self.print(f"   [{len(self.buttons)}] {button.text}")

    def _bot_says(self, text: str) -> str:
        prefix = "\033[1mRelais\033[0m" if self.color else "Relais"
        lines = text.split("\n")
        return "\n".join([f"{prefix} › {lines[0]}", *(f"         {line}" for line in lines[1:])])

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


class Session:
    """The sandbox's state: who is typing, and a clock that `:tick` moves forward."""

    def __init__(self, dispatcher, bot, fake, scheduler, sender, language: str) -> None:
        self.dispatcher, self.bot, self.fake = dispatcher, bot, fake
        self.scheduler, self.sender = scheduler, sender
        self.language = language
        self.offset = timedelta(0)
        self.people: dict[int, ChatDriver] = {}
        self.driver = self.person(1001)

    def now(self) -> datetime:
        return utcnow() + self.offset

    def person(self, user_id: int) -> ChatDriver:
        if user_id not in self.people:
            self.people[user_id] = ChatDriver(
                self.dispatcher,
                self.bot,
                self.fake,
                user_id=user_id,
                first_name=f"Personne {user_id}",
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
    await set_bot_commands(bot, settings.default_locale)
    questionnaire = default_questionnaire()
    state: Session
    scheduler = Scheduler(factory, settings, questionnaire, clock=lambda: state.now(), bot=bot)
    sender = PacedSender(
        bot,
        factory,
        rate=settings.send_rate,
        per_chat_interval=0.0,
        clock=lambda: state.now(),
        admin_ids=settings.admin_ids,
    )
    state = Session(dispatcher, bot, fake, scheduler, sender, settings.default_locale)
    files_dir = Path("data") / "sandbox-files"
    terminal = Terminal(stdout, files_dir)
    interactive = stdin.isatty()
    terminal.print(HELP)
    terminal.print(f"(database: {settings.database_url}; files you receive go to {files_dir}/)")
    terminal.print(f"(you are person 1001; admins: {', '.join(map(str, settings.admin_ids))})")
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
    finally:
        await bot.session.close()
        await engine.dispose()
    terminal.print("(end of the sandbox session)")


async def _act(line: str, state: Session, terminal: Terminal) -> list[Any] | None:
    driver = state.driver
    stripped = line.strip()
    if stripped.isdigit() and 1 <= int(stripped) <= len(terminal.buttons):
        message, data = terminal.buttons[int(stripped) - 1]
        return await driver.click_data(data, message)
    command, _, argument = stripped.partition(" ")
    if command == ":user" and argument.strip().isdigit():
        state.driver = state.person(int(argument))
        terminal.print(f"(you are now person {state.driver.user_id})")
        return None
    if command == ":tick":
        state.offset += _duration(argument.strip() or "+1h")
        terminal.print(f"(clock: {state.now().isoformat(timespec='minutes')} UTC)")
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
