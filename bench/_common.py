"""Shared set-up for the benchmarks: a throw-away database, people mid-draft, updates to feed."""

from __future__ import annotations

import itertools
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiogram.types import Chat, Message, Update, User  # noqa: E402

from bot.domain.questionnaire import parse_questionnaire  # noqa: E402
from bot.services.profile import PRIVACY_VERSION  # noqa: E402

TEXT_QUESTIONS = 6


def person_rows(first_id: int, count: int, now: datetime) -> list[dict[str, Any]]:
    """Field staff with complete profiles in Isère (84), for bulk inserts into `users`."""
    return [
        {
            "id": first_id + i,
            "language": "fr",
            "consented_at": now,
            "privacy_version": PRIVACY_VERSION,
            "structure_type": "ai",
            "structure_name": f"AI {i}",
            "department_code": "38",
            "region_code": "84",
            "role": "cip",
            "is_active": True,
            "is_organiser": False,
            "is_admin": False,
            "reminders_muted": False,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(count)
    ]


def bench_questionnaire():
    """One theme of free-text questions: every update of the run is an answer that is stored."""
    text = {"fr": "Question", "en": "Question"}
    return parse_questionnaire(
        {
            "version": 1,
            "themes": [
                {
                    "key": "bench",
                    "title": {"fr": "Banc", "en": "Bench"},
                    "description": {"fr": "Banc d'essai", "en": "Bench"},
                    "questions": [
                        {"key": f"q{i}", "kind": "text", "prompt": text}
                        for i in range(TEXT_QUESTIONS)
                    ],
                }
            ],
        },
        source="bench",
    )


def database_url(label: str) -> str:
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url
    folder = Path(tempfile.mkdtemp(prefix=f"relais-bench-{label}-"))
    return f"sqlite+aiosqlite:///{folder}/bench.sqlite3"


_update_ids = itertools.count(1)
_message_ids = itertools.count(1)


def text_update(user_id: int, text: str) -> Update:
    message = Message(
        message_id=next(_message_ids),
        date=datetime.now(UTC),
        chat=Chat(id=user_id, type="private"),
        from_user=User(id=user_id, is_bot=False, first_name="Bench", language_code="fr"),
        text=text,
    )
    return Update(update_id=next(_update_ids), message=message)


async def prepare_people(session_factory: Any, questionnaire: Any, count: int) -> list[int]:
    """People with a complete profile and a draft in focus on its first question."""
    from bot.services.contributions import ContributionService
    from storage.models import User as Person

    ids = list(range(10_000, 10_000 + count))
    async with session_factory() as session:
        if session.bind.dialect.name == "postgresql":  # a shared server: start from empty tables
            from sqlalchemy import text

            await session.execute(text("TRUNCATE users, contributions, answers CASCADE"))
        for user_id in ids:
            session.add(
                Person(
                    id=user_id,
                    language="fr",
                    consented_at=datetime.now(UTC),
                    privacy_version=PRIVACY_VERSION,
                    structure_type="ai",
                    structure_name="AI",
                    department_code="38",
                    region_code="84",
                    role="cip",
                )
            )
        await session.flush()
        service = ContributionService(session, questionnaire)
        for user_id in ids:
            await service.start_or_resume(user_id, "bench")
        await session.commit()
    return ids
