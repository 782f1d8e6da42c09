"""Storage on both engines: migrations, revisions, compare-and-set, cascades, time zones."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bot.domain.flows import AnswerValue
from bot.domain.questionnaire import default_questionnaire
from bot.services.contributions import REVIEW, ContributionService, StepKind
from bot.services.profile import PRIVACY_VERSION
from storage.base import Base
from storage.engine import create_engine, create_session_factory
from storage.migrate import current_revision, head_revision
from storage.models import Answer, Contribution, User
from storage.repositories.contributions import AnswerRepo, ContributionRepo
from storage.repositories.people import UserRepo

QUESTIONNAIRE = default_questionnaire()


async def add_user(session, user_id: int = 1) -> User:
    user = User(
        id=user_id,
        language="fr",
        consented_at=datetime.now(UTC),
        privacy_version=PRIVACY_VERSION,
        structure_type="ai",
        structure_name="AI Test",
        department_code="38",
        region_code="84",
        role="cip",
    )
    session.add(user)
    await session.flush()
    return user


async def test_database_is_at_head_and_matches_the_models_when_migrated(engine) -> None:
    assert await current_revision(engine) == head_revision()

    def diff(connection):
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)

    async with engine.connect() as connection:
        assert await connection.run_sync(diff) == []


async def test_answer_revisions_are_kept_when_an_answer_changes(session) -> None:
    await add_user(session)
    contribution = await ContributionRepo(session).add_draft(1, "entry", 1)
    answers = AnswerRepo(session)
    previous = None
    for text in ("v1", "v2", "v3"):
        previous = await answers.add_revision(
            Answer(
                contribution_id=contribution.id,
                question_key="entry_barriers",
                questionnaire_version=1,
                text_value=text,
            ),
            previous=previous,
        )
    await session.commit()

    history = await answers.history(contribution.id, "entry_barriers")
    assert [(a.revision, a.is_current, a.text_value) for a in history] == [
        (1, False, "v1"),
        (2, False, "v2"),
        (3, True, "v3"),
    ]
    assert (await answers.current(contribution.id))["entry_barriers"].text_value == "v3"


async def test_two_current_answers_are_impossible_when_inserted_directly(session) -> None:
    await add_user(session)
    contribution = await ContributionRepo(session).add_draft(1, "entry", 1)
    now = datetime.now(UTC)
    for revision in (1, 2):
        session.add(
            Answer(
                contribution_id=contribution.id,
                question_key="q",
                revision=revision,
                questionnaire_version=1,
                is_current=True,
                skipped=False,
                created_at=now,
            )
        )
    with pytest.raises(IntegrityError):
        await session.flush()


async def test_only_one_draft_per_theme_when_a_second_is_added(session) -> None:
    await add_user(session)
    repo = ContributionRepo(session)
    await repo.add_draft(1, "entry", 1)
    await repo.add_draft(1, "pathway", 1)  # another theme is fine
    with pytest.raises(IntegrityError):
        await repo.add_draft(1, "entry", 1)


async def test_cursor_moves_once_when_two_moves_expect_the_same_position(session) -> None:
    await add_user(session)
    repo = ContributionRepo(session)
    contribution = await repo.add_draft(1, "entry", 1)
    assert await repo.move_cursor(contribution.id, None, "a") is True
    assert await repo.move_cursor(contribution.id, "a", "b") is True
    assert await repo.move_cursor(contribution.id, "a", "c") is False
    assert await repo.set_status(contribution.id, "draft", "submitted") is True
    assert await repo.set_status(contribution.id, "draft", "submitted") is False


async def test_erasing_a_person_deletes_contributions_and_answers_when_cascading(session) -> None:
    await add_user(session, 1)
    await add_user(session, 2)
    service = ContributionService(session, QUESTIONNAIRE)
    for user_id in (1, 2):
        step = await service.start_or_resume(user_id, "entry")
        await service.record(user_id, step.contribution.id, "entry_barriers", AnswerValue(text="x"))
    await session.commit()

    assert await UserRepo(session).delete(1) is True
    await session.commit()
    counts = [
        await session.scalar(select(func.count()).select_from(model))
        for model in (User, Contribution, Answer)
    ]
    assert counts == [1, 1, 1]


async def test_timestamps_come_back_in_utc_when_stored_with_another_offset(session) -> None:
    paris_winter = timezone(timedelta(hours=1))
    user = User(
        id=5,
        language="fr",
        privacy_version=PRIVACY_VERSION,
        consented_at=datetime(2025, 3, 5, 9, 30, tzinfo=paris_winter),
    )
    session.add(user)
    await session.commit()
    session.expunge_all()

    stored = await session.get(User, 5)
    assert stored.consented_at == datetime(2025, 3, 5, 8, 30, tzinfo=UTC)
    assert stored.consented_at.tzinfo is not None


async def test_service_flow_reaches_review_and_submits_once_on_both_engines(session) -> None:
    await add_user(session)
    service = ContributionService(session, QUESTIONNAIRE)
    step = await service.start_or_resume(1, "territory")
    values = {
        "text": AnswerValue(text="texte"),
        "single": AnswerValue(choices=("cash_flow",)),
        "multi": AnswerValue(choices=("building", "logistics")),
        "scale": AnswerValue(scale=3),
    }
    while step.kind == StepKind.QUESTION:
        value = AnswerValue(skipped=True) if step.question.optional else values[step.question.kind]
        step = await service.record(1, step.contribution.id, step.question.key, value)
    assert step.kind == StepKind.REVIEW and step.contribution.cursor == REVIEW
    await session.commit()

    assert (await service.submit(1, step.contribution.id)).kind == StepKind.VIEW
    assert (await service.submit(1, step.contribution.id)).kind == StepKind.STALE


async def test_concurrent_answers_to_one_question_store_one_revision(db_url) -> None:
    """Two units of work read the same draft, then both try to answer the question: the second
    must find the cursor moved (compare-and-set), not store a second revision."""
    engines = [create_engine(db_url, inline=False) for _ in range(2)]
    factories = [create_session_factory(engine) for engine in engines]
    try:
        async with factories[0]() as session:
            await add_user(session)
            step = await ContributionService(session, QUESTIONNAIRE).start_or_resume(1, "entry")
            await session.commit()
        contribution_id = step.contribution.id
        async with factories[0]() as first, factories[1]() as second:
            services = [ContributionService(s, QUESTIONNAIRE) for s in (first, second)]
            seen = [
                await service.asked(1, contribution_id, "entry_barriers") for service in services
            ]
            assert [s.kind for s in seen] == [StepKind.QUESTION, StepKind.QUESTION]
            won = await services[0].record_for(seen[0], AnswerValue(text="premier"))
            late = asyncio.create_task(services[1].record_for(seen[1], AnswerValue(text="second")))
            await asyncio.sleep(0.2)  # the second one now waits for the first's lock
            await first.commit()
            lost = await late
            await second.commit()
        assert (won.kind, lost.kind) == (StepKind.QUESTION, StepKind.STALE)
        async with factories[0]() as session:
            history = await AnswerRepo(session).history(contribution_id, "entry_barriers")
        assert [a.text_value for a in history] == ["premier"]
    finally:
        for engine in engines:
            await engine.dispose()
