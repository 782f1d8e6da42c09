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
from pathlib import Path
from typing import Any, TextIO

from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    SendDocument,
    SendMessage,
    SetMyCommands,
)
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, Message

from bot.app import create_bot, create_dispatcher, set_bot_commands
from bot.config import Settings
from bot.fake_api import FAKE_TOKEN, ChatDriver, FakeTelegramSession, buttons_of
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade_to_head

HELP = """Relais sandbox: you are talking to the real bot, without Telegram.
Type a message, a /command, or the number of a button of the last message
(a number that is not a button is sent as text; :text 2 sends "2" as text).
Also: :voice [seconds]  :sticker  :photo  :location  :document  :text <literal text>  :quit"""

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
            if isinstance(request, SendMessage):
                self.print(self._bot_says(self._plain(request.text)))
            elif isinstance(request, EditMessageText):
                self.print(self._bot_says("(edited) " + self._plain(request.text)))
            elif isinstance(request, AnswerCallbackQuery) and request.text:
                self.print(self._bot_says("⚠ " + request.text))
            elif isinstance(request, SendDocument):
                self.print(self._bot_says(self._save(request)))
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

    def _save(self, request: SendDocument) -> str:
        document = request.document
        if not isinstance(document, BufferedInputFile):
            return "📎 (file)"
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = self.files_dir / (document.filename or "file")
        path.write_bytes(document.data)
        caption = f" {self._plain(request.caption)}" if request.caption else ""
        return f"📎 {path} ({len(document.data)} bytes){caption}"


async def run_sandbox(
    settings: Settings, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
) -> None:
    engine = create_engine(settings.database_url)
    await upgrade_to_head(engine)
    fake = FakeTelegramSession()
    bot = create_bot(settings, session=fake, token=FAKE_TOKEN)
    dispatcher = create_dispatcher(settings, create_session_factory(engine))
    await set_bot_commands(bot)
    driver = ChatDriver(
        dispatcher,
        bot,
        fake,
        user_id=1001,
        first_name="Vous",
        language_code=settings.default_locale,
    )
    files_dir = Path("data") / "sandbox-files"
    terminal = Terminal(stdout, files_dir)
    interactive = stdin.isatty()
    terminal.print(HELP)
    terminal.print(f"(database: {settings.database_url}; files you receive go to {files_dir}/)")
    terminal.print()
    try:
        while True:
            if interactive:
                stdout.write("vous › ")
                stdout.flush()
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            line = line.rstrip("\n")
            if not interactive:
                terminal.print(f"vous › {line}")
            if line.strip() in (":quit", ":q"):
                break
            requests = await _act(line, driver, terminal)
            if requests is not None:
                terminal.show(requests, driver)
    finally:
        await bot.session.close()
        await engine.dispose()
    terminal.print("(end of the sandbox session)")


async def _act(line: str, driver: ChatDriver, terminal: Terminal) -> list[Any] | None:
    stripped = line.strip()
    if stripped.isdigit() and 1 <= int(stripped) <= len(terminal.buttons):
        message, data = terminal.buttons[int(stripped) - 1]
        return await driver.click_data(data, message)
    command, _, argument = stripped.partition(" ")
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
