"""Broadcast start and finish are compare-and-set: two schedulers at once, on both engines."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.config import load_settings
from bot.domain.questionnaire import default_questionnaire
from bot.jobs.scheduler import Scheduler
from bot.services.broadcasts import BroadcastService
from storage.engine import create_engine, create_session_factory
from storage.models import Broadcast, OutboxMessage
from tests.seed import Person, add_people

NOW = datetime(2025, 3, 5, 9, 0, tzinfo=UTC)
SETTINGS = load_settings(database_url="sqlite+aiosqlite:///:memory:")


async def scheduled_broadcast(session_factory, people: int) -> int:
    async with session_factory() as session, session.begin():
        await add_people(session, [Person(100 + i) for i in range(people)])
        service = BroadcastService(session, clock=lambda: NOW)
        draft = await service.create_draft(1, "Bonjour", None, None)
        assert await service.confirm(draft.id, 1, 1, 10)
        return draft.id


async def warm_up(factories) -> None:
    """Open each engine's connection first, so that the two schedulers really interleave."""
    for factory in factories:
        async with factory() as session:
            await session.execute(select(1))


def scheduler(factory, name: str) -> Scheduler:
    return Scheduler(factory, SETTINGS, default_questionnaire(), clock=lambda: NOW, name=name)


async def test_two_schedulers_start_a_broadcast_once(db_url) -> None:
    engines = [create_engine(db_url), create_engine(db_url)]
    factories = [create_session_factory(engine) for engine in engines]
    try:
        broadcast_id = await scheduled_broadcast(factories[0], people=40)
        await warm_up(factories)
        started = await asyncio.gather(
            scheduler(factories[0], "a").broadcasts.start(),
            scheduler(factories[1], "b").broadcasts.start(),
        )
        assert sorted(started) == [0, 1]
        async with factories[0]() as session:
            rows = await session.scalar(select(func.count()).select_from(OutboxMessage))
            broadcast = await session.get(Broadcast, broadcast_id)
        assert rows == 40 and (broadcast.status, broadcast.recipients) == ("sending", 40)
    finally:
        for engine in engines:
            await engine.dispose()


async def test_a_broadcast_cancelled_before_its_time_never_starts(session_factory) -> None:
    broadcast_id = await scheduled_broadcast(session_factory, people=3)
    async with session_factory() as session, session.begin():
        counts = await BroadcastService(session, clock=lambda: NOW).cancel(broadcast_id)
        assert counts is not None and counts.total == 0
    assert await scheduler(session_factory, "a").broadcasts.start() == 0


async def test_a_finished_broadcast_is_reported_once_by_two_schedulers(db_url) -> None:
    engines = [create_engine(db_url), create_engine(db_url)]
    factories = [create_session_factory(engine) for engine in engines]
    try:
        await scheduled_broadcast(factories[0], people=0)
        await scheduler(factories[0], "a").broadcasts.start()
        await warm_up(factories)
        finished = await asyncio.gather(
            scheduler(factories[0], "a").broadcasts.track(),
            scheduler(factories[1], "b").broadcasts.track(),
        )
        assert sorted(finished) == [0, 1]
        async with factories[0]() as session:
            reports = await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "report")
            )
            assert len(reports.all()) == 1
    finally:
        for engine in engines:
            await engine.dispose()


async def test_scheduled_for_later_waits(session_factory) -> None:
    async with session_factory() as session, session.begin():
        service = BroadcastService(session, clock=lambda: NOW)
        draft = await service.create_draft(1, "Plus tard", None, None)
        assert await service.confirm(draft.id, 1, 1, 10, due_at=NOW + timedelta(hours=2))
    assert await scheduler(session_factory, "a").broadcasts.start() == 0
