"""Test data written straight to the database (faster than playing every conversation)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.domain.scrub import SCRUBBER_VERSION, scrub
from bot.services.profile import PRIVACY_VERSION
from storage.models import SCRUBBED_FULLY, Answer, Contribution, User

_public = itertools.count(1)


@dataclass
class Person:
    id: int
    department: str = "38"
    region: str = "84"
    role: str = "cip"
    structure_type: str = "ai"
    language: str = "fr"
    organiser: bool = False
    voice_choice: str | None = "keep"


async def add_people(session, people: list[Person]) -> None:
    for person in people:
        session.add(
            User(
                id=person.id,
                language=person.language,
                consented_at=datetime(2025, 1, 1, tzinfo=UTC),
                privacy_version=PRIVACY_VERSION,
                structure_type=person.structure_type,
                structure_name=f"Structure {person.id}",
                department_code=person.department,
                region_code=person.region,
                role=person.role,
                is_organiser=person.organiser,
                voice_choice=person.voice_choice,
                voice_choice_at=datetime(2025, 1, 1, tzinfo=UTC) if person.voice_choice else None,
            )
        )
    await session.flush()


async def add_contribution(
    session,
    user_id: int,
    theme: str,
    submitted_at: datetime,
    answers: dict[str, dict],
    status: str = "submitted",
    *,
    scrubbed: bool = True,
) -> Contribution:
    """`scrubbed`: the texts as the scrubbing worker leaves them (patterns only here: tests of
    the model call the worker itself); False leaves them waiting for it."""
    contribution = Contribution(
        public_id=f"C-T{next(_public):06d}",
        user_id=user_id,
        theme_key=theme,
        questionnaire_version=1,
        status=status,
        submitted_at=submitted_at,
        created_at=submitted_at,
        updated_at=submitted_at,
    )
    session.add(contribution)
    await session.flush()
    for key, values in answers.items():
        text = values.get("text_value")
        if text is not None and scrubbed:
            values = {
                **values,
                "scrubbed_text": scrub(text).text,
                "scrubbed_with": SCRUBBED_FULLY,
                "scrubbed_version": SCRUBBER_VERSION,
            }
        session.add(
            Answer(
                contribution_id=contribution.id,
                question_key=key,
                questionnaire_version=1,
                revision=1,
                is_current=True,
                skipped=False,
                created_at=submitted_at,
                **values,
            )
        )
    await session.flush()
    return contribution


def entry_answers(proposal: str = "Un référent mobilité partagé", voice: bool = False) -> dict:
    answers = {
        "entry_barriers": {"text_value": "Les transports"},
        "entry_top_barriers": {"choice_keys": ["mobility", "housing"]},
        "entry_prescription": {"scale_value": 3},
        "entry_outreach": {"choice_keys": ["france_travail"]},
        "entry_proposal": {"text_value": proposal},
    }
    if voice:
        answers["entry_barriers"] = {
            "voice_file_id": "voice-abc",
            "voice_duration": 30,
            "voice_mime": "audio/ogg",
        }
    return answers
