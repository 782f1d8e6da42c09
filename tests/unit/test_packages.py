"""A digest package is described once (`package_messages`): sent now (/digest) and queued (the
scheduler) it makes the same messages, in the same order."""

from __future__ import annotations

from aiogram import Bot
from aiogram.methods import SendDocument, SendMessage, SendPhoto

from bot.delivery.outbox import Outbox
from bot.delivery.packages import enqueue_package, package_messages, send_package
from bot.devtools.fake_api import FAKE_TOKEN, FakeTelegramSession
from bot.i18n import use_locale
from bot.keyboards.callbacks import VoiceCB, VoiceSource
from bot.views.digest import DigestPackage
from storage.models import OutboxFile, OutboxMessage

VOICE = (VoiceSource.DIGEST, 42)


def package(voice_notes: int = 3) -> DigestPackage:
    return DigestPackage(
        texts=["first part", "second part"],
        new_contributions=6,
        voice_notes=voice_notes,
        xlsx=b"PK-xlsx",
        chart=b"\x89PNG-chart",
        filename_stem="relais-2025-03-05",
        ledger_mark=7,
    )


class RecordingUnitOfWork:
    """Just enough of a unit of work for `Outbox`: what it stages, ids on flush."""

    def __init__(self) -> None:
        self.staged: list[object] = []

    def add(self, row: object) -> None:
        self.staged.append(row)

    async def flush(self) -> None:
        for number, row in enumerate(self.staged, start=1):
            if getattr(row, "id", None) is None:
                row.id = number


def test_texts_come_first_with_the_voice_button_on_the_last_then_the_files() -> None:
    with use_locale("fr"):
        messages = package_messages(package(), VOICE)
    assert [m.text for m in messages[:2]] == ["first part", "second part"]
    assert messages[0].reply_markup is None
    (button,) = messages[1].reply_markup.inline_keyboard[0]
    assert VoiceCB.unpack(button.callback_data) == VoiceCB(source=VoiceSource.DIGEST, source_id=42)
    assert [(m.filename, m.as_photo) for m in messages[2:]] == [
        ("relais-2025-03-05.xlsx", False),
        ("relais-2025-03-05.png", True),
    ]


def test_no_voice_button_when_no_voice_note_may_be_heard() -> None:
    with use_locale("fr"):
        messages = package_messages(package(voice_notes=0), VOICE)
    assert all(m.reply_markup is None for m in messages)


async def test_sent_now_and_queued_the_package_makes_the_same_messages() -> None:
    fake = FakeTelegramSession()
    bot = Bot(FAKE_TOKEN, session=fake)
    uow = RecordingUnitOfWork()
    with use_locale("fr"):
        await send_package(bot, 1001, package(), VOICE)
        await enqueue_package(Outbox(uow), 1001, package(), group="digest:42", voice=VOICE)
        described = [m.payload for m in package_messages(package(), VOICE)]

    sent = fake.requests
    assert [type(r) for r in sent] == [SendMessage, SendMessage, SendDocument, SendPhoto]
    assert sent[2].document.filename == "relais-2025-03-05.xlsx"
    assert sent[3].photo.data == b"\x89PNG-chart"
    queued = [row for row in uow.staged if isinstance(row, OutboxMessage)]
    files = {row.id: row for row in uow.staged if isinstance(row, OutboxFile)}
    assert [row.payload for row in queued] == described
    assert [files[row.file_id].filename for row in queued if row.file_id] == [
        "relais-2025-03-05.xlsx",
        "relais-2025-03-05.png",
    ]
    assert {(row.kind, row.group_key, row.ledger_mark) for row in queued} == {
        ("digest", "digest:42", 7)
    }
    assert sent[1].reply_markup.model_dump(exclude_none=True) == queued[1].payload["reply_markup"]
