"""A digest or pre-read package as messages: one description, sent now or queued.

`/digest` and a pre-read asked for in /reunions reply directly (`send_package`); the scheduler
queues digests and pre-reads in the outbox (`enqueue_package`). Both walk `package_messages`,
so an organiser receives the same either way: the texts (the voice-note button on the last),
then a pre-read's PDF brief, the spreadsheet, the chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup

from bot.delivery.outbox import Outbox
from bot.delivery.sender import send_payload
from bot.keyboards.buttons import voice_notes_keyboard
from bot.keyboards.callbacks import VoiceSource
from bot.views.digest import DigestPackage

PACKAGE_KIND = "digest"  # the outbox kind of digests and pre-reads alike


@dataclass(frozen=True)
class PackageMessage:
    """A text (with its keyboard), or a file (a document, or a photo)."""

    text: str | None = None
    reply_markup: InlineKeyboardMarkup | None = None
    filename: str | None = None
    content: bytes | None = None
    as_photo: bool = False

    @property
    def payload(self) -> dict[str, Any]:
        """As an outbox row stores it and `send_payload` sends it (bot/delivery/outbox.py)."""
        if self.content is None:
            payload: dict[str, Any] = {"method": "message", "text": self.text}
            if self.reply_markup is not None:
                payload["reply_markup"] = self.reply_markup.model_dump(exclude_none=True)
            return payload
        return {"method": "photo" if self.as_photo else "document", "caption": None}


def package_messages(
    package: DigestPackage, voice: tuple[VoiceSource, int] | None
) -> list[PackageMessage]:
    """`voice`: (source, digest run or meeting id) for the voice-note button, if it may show."""
    messages = []
    for index, text in enumerate(package.texts):
        last = index == len(package.texts) - 1
        markup = (
            voice_notes_keyboard(*voice, package.voice_notes)
            if last and package.voice_notes and voice is not None
            else None
        )
        messages.append(PackageMessage(text, markup))
    stem = package.filename_stem
    if package.pdf is not None:
        messages.append(PackageMessage(filename=package.pdf_filename, content=package.pdf))
    if package.xlsx is not None:
        messages.append(PackageMessage(filename=f"{stem}.xlsx", content=package.xlsx))
    if package.chart is not None:
        messages.append(
            PackageMessage(filename=f"{stem}.png", content=package.chart, as_photo=True)
        )
    return messages


async def send_package(
    bot: Bot, chat_id: int, package: DigestPackage, voice: tuple[VoiceSource, int]
) -> None:
    """As direct replies, one Bot API call per message."""
    for message in package_messages(package, voice):
        upload = (
            None
            if message.content is None
            else BufferedInputFile(message.content, filename=message.filename or "")
        )
        await send_payload(bot, chat_id, message.payload, upload)


async def enqueue_package(
    outbox: Outbox,
    recipient: int,
    package: DigestPackage,
    *,
    group: str,
    voice: tuple[VoiceSource, int],
) -> None:
    """Into the outbox, in the caller's unit of work. Each row carries the ledger mark its
    content saw: the sender withdraws it if an erasure or a withdrawal came after."""
    mark = package.ledger_mark
    for message in package_messages(package, voice):
        if message.content is None:
            assert message.text is not None
            outbox.text(
                recipient,
                message.text,
                kind=PACKAGE_KIND,
                group=group,
                reply_markup=message.reply_markup,
                ledger_mark=mark,
            )
        else:
            file_id = await outbox.add_file(message.filename or "", message.content)
            outbox.file(
                recipient,
                file_id,
                as_photo=message.as_photo,
                kind=PACKAGE_KIND,
                group=group,
                ledger_mark=mark,
            )
