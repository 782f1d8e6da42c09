"""Input at the edges: echoes that always fit, empty-looking answers, albums, start-up errors.
Both engines, through the dispatcher (start-up: a real process)."""

from __future__ import annotations

import subprocess
import sys

from aiogram.methods import SendMessage

from storage.models import Answer, Broadcast
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
