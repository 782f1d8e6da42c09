"""Input at the edges: echoes that always fit, empty-looking answers, albums, start-up errors.
Both engines, through the dispatcher (start-up: a real process)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

from aiogram.methods import SendMessage
from aiogram.types import (
    Chat,
    ChatMemberBanned,
    ChatMemberMember,
    ChatMemberUpdated,
    Message,
    Update,
)
from aiogram.types import User as User_

from storage.models import Answer, Broadcast, User
from tests.conftest import ADMIN_ID
from tests.e2e.test_delivery_crash import ROOT
from tests.handlers.test_contribute import start_theme
from tests.handlers.test_onboarding import onboard_until_department
from tests.helpers import joined


def longest(sent) -> int:
    return max(len(r.text) for r in sent if isinstance(r, SendMessage))


async def test_a_4096_character_department_is_answered_with_a_short_echo(app, db) -> None:
    person = app.person()
    await onboard_until_department(person)
    sent = await person.send("x" * 4096)
    assert "Je ne connais pas le département" in joined(sent)
    assert "…" in joined(sent) and longest(sent) < 1000
    assert (await db.user()).department_code is None


async def test_a_4096_character_meeting_date_is_answered_with_a_short_echo(app) -> None:
    admin = app.person(ADMIN_ID)
    await admin.send("/reunions")
    await admin.click("Ajouter une réunion")
    sent = await admin.send("5" * 4096)
    assert "pas pu lire" in joined(sent) and longest(sent) < 1000


async def test_an_answer_of_only_invisible_characters_is_refused(member, db) -> None:
    await start_theme(member)
    for text in ("\u200b\u200b", " \u2060 \u00a0 ", "\u200e\u202f"):
        sent = await member.send(text)
        assert "Ce message est vide" in joined(sent)
    assert await db.count(Answer) == 0


async def test_an_album_sent_as_broadcast_content_keeps_its_first_item_and_says_so(app, db) -> None:
    admin = app.person(ADMIN_ID)
    await admin.send("/diffuser")
    sent = await admin.send_photo(caption="Affiche", media_group_id="album-1")
    assert "seul son premier élément est gardé" in joined(sent)
    sent = await admin.send_photo(media_group_id="album-1")
    assert sent == []  # the rest of the album: already said
    assert await db.count(Broadcast) == 1


def test_start_up_against_an_unreachable_database_says_one_sentence() -> None:
    for url in (
        "postgresql+asyncpg://postgres@127.0.0.1:1/test",  # nothing listens on port 1
        "postgresql+asyncpg://no_such_role@127.0.0.1:5432/test",
    ):
        result = subprocess.run(
            [sys.executable, "-m", "bot", "migrate"],
            cwd=ROOT,
            env={"DATABASE_URL": url, "PATH": "/usr/bin:/bin", "LOG_LEVEL": "INFO"},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 2
        assert result.stderr.startswith("Database error: Cannot use the database of DATABASE_URL")
        assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


async def set_active(db, active: bool, user_id: int = 1001) -> None:
    async with db.session_factory() as session, session.begin():
        (await session.get(User, user_id)).is_active = active


async def test_a_group_message_does_not_mark_someone_who_blocked_the_bot_as_reachable(
    app, member, db
) -> None:
    await set_active(db, False)
    group = Chat(id=-100123, type="group", title="Réseau IAE 38")
    message = Message(
        message_id=9999,
        date=datetime.now(UTC),
        chat=group,
        from_user=member.user,
        text="bonjour à tous",
    )
    sent = await member._feed(Update(update_id=424242, message=message))
    assert sent == [] and not (await db.user()).is_active  # ignored, and still unreachable
    await member.send("/aide")  # a private message: they can be reached again
    assert (await db.user()).is_active


async def test_telegram_saying_the_person_unblocked_the_bot_marks_them_reachable(
    app, member, db
) -> None:
    await set_active(db, False)
    chat = Chat(id=1001, type="private")
    bot_user = User_(id=424242, is_bot=True, first_name="Relais")

    def change(old: str, new: str, update_id: int) -> Update:
        return Update(
            update_id=update_id,
            my_chat_member=ChatMemberUpdated(
                chat=chat,
                from_user=member.user,
                date=datetime.now(UTC),
                old_chat_member=_member(old, bot_user),
                new_chat_member=_member(new, bot_user),
            ),
        )

    await member._feed(change("kicked", "member", 500001))
    assert (await db.user()).is_active
    await member._feed(change("member", "kicked", 500002))
    assert not (await db.user()).is_active


def _member(status: str, user):
    if status == "kicked":
        return ChatMemberBanned(user=user, until_date=datetime.fromtimestamp(0, UTC))
    return ChatMemberMember(user=user)


async def test_blank_letters_are_refused_and_a_recent_emoji_is_an_answer(member, db) -> None:
    await start_theme(member)
    sent = await member.send("\u3164\u3164")  # Hangul fillers: look like nothing
    assert "Ce message est vide" in joined(sent) and await db.count(Answer) == 0
    sent = await member.send("🩷")
    assert "Question 2/5" in joined(sent) and await db.count(Answer) == 1


def test_start_up_with_an_sqlite_folder_that_cannot_be_made_says_one_sentence() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "migrate"],
        cwd=ROOT,
        env={"DATABASE_URL": "sqlite+aiosqlite:////dev/null/x/relais.db", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("Database error:") and "Traceback" not in result.stderr
