"""Broadcast targeting queries, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from storage.models import User
from storage.repositories.audience import Audience, AudienceRepo
from tests.seed import Person, add_contribution, add_people, entry_answers

NOW = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)  # people joined on 2025-01-01


async def seed(session) -> None:
    await add_people(
        session,
        [
            Person(1),  # Isère, CIP, submitted theme "entry" 3 days ago
            Person(2, role="director"),  # Isère, director, a draft answered 40 days ago
            Person(3, department="73", role="director"),  # Savoie: same region (84)
            Person(4, department="33", region="75", language="en"),  # Gironde
            Person(5, department="33", region="75"),  # blocked the bot
        ],
    )
    await add_contribution(session, 1, "entry", NOW - timedelta(days=3), entry_answers())
    await add_contribution(
        session, 2, "entry", NOW - timedelta(days=40), entry_answers(), status="draft"
    )
    await session.execute(update(User).where(User.id == 5).values(is_active=False))


async def ids(session, audience: Audience) -> list[int]:
    people = await AudienceRepo(session).members(audience, NOW)
    assert await AudienceRepo(session).count(audience, NOW) == len(people)
    return [user_id for user_id, _ in people]


async def test_everyone_means_every_reachable_person_with_their_language(session) -> None:
    await seed(session)
    assert await AudienceRepo(session).members(Audience(), NOW) == [
        (1, "fr"),
        (2, "fr"),
        (3, "fr"),
        (4, "en"),
    ]


async def test_each_criterion_narrows_the_audience(session) -> None:
    await seed(session)
    assert await ids(session, Audience(regions=("84",))) == [1, 2, 3]
    assert await ids(session, Audience(regions=("84", "75"))) == [1, 2, 3, 4]
    assert await ids(session, Audience(departments=("73", "33"))) == [3, 4]
    assert await ids(session, Audience(roles=("director",))) == [2, 3]
    # a draft is not a contribution: person 2 has still not contributed to "entry"
    assert await ids(session, Audience(missing_theme="entry")) == [2, 3, 4]
    assert await ids(session, Audience(missing_theme="pathway")) == [1, 2, 3, 4]
    # no answer for 30 days: 2 (answered 40 days ago) and those who never answered
    assert await ids(session, Audience(inactive_days=30)) == [2, 3, 4]
    assert await ids(session, Audience(inactive_days=60)) == [3, 4]


async def test_criteria_combine_as_and(session) -> None:
    await seed(session)
    audience = Audience(regions=("84",), roles=("director",), missing_theme="entry")
    assert await ids(session, audience) == [2, 3]
    assert await ids(session, Audience(regions=("75",), roles=("director",))) == []


async def test_people_who_joined_recently_are_not_inactive(session) -> None:
    await seed(session)
    await add_people(session, [Person(6)])
    await session.execute(update(User).where(User.id == 6).values(consented_at=NOW))
    assert 6 not in await ids(session, Audience(inactive_days=7))
    assert 6 in await ids(session, Audience())
