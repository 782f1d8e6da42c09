"""Digests exactly once (restart, missed slot, two schedulers) and the paced sender, on both
engines."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import SendDocument, SendMessage, SendPhoto
from sqlalchemy import func, select

from bot.app import create_bot
from bot.config import load_settings
from bot.delivery.outbox import CLAIM_LEASE, Outbox
from bot.delivery.sender import PacedSender
from bot.devtools.fake_api import FAKE_TOKEN, FakeTelegramSession
from bot.domain.questionnaire import default_questionnaire
from bot.jobs.scheduler import Scheduler
from storage.engine import create_engine, create_session_factory
from storage.models import DigestRun, DigestSubscription, OutboxMessage, User
from tests.seed import Person, add_contribution, add_people, entry_answers

QUESTIONNAIRE = default_questionnaire()
# Wednesday 5 March 2025, 09:30 in Paris (08:30 UTC): the 08:00 digest is due.
NOW = datetime(2025, 3, 5, 8, 30, tzinfo=UTC)
DUE = datetime(2025, 3, 5, 7, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def organiser_with_contributions(session_factory, *, subscribed_at: datetime) -> None:
    async with session_factory() as session, session.begin():
        await add_people(session, [Person(1, organiser=True)] + [Person(100 + i) for i in range(5)])
        session.add(
            DigestSubscription(
                user_id=1,
                frequency="daily",
                hour=8,
                minute=0,
                themes=[],
                regions=[],
                created_at=subscribed_at,
                updated_at=subscribed_at,
            )
        )
        for i in range(5):
            await add_contribution(
                session, 100 + i, "entry", DUE - timedelta(hours=3 + i), entry_answers()
            )


def scheduler(session_factory, clock, name: str = "a") -> Scheduler:
    # Attachments are built by a worker with its own engine: it needs the same database URL.
    url = session_factory.kw["bind"].url.render_as_string(hide_password=False)
    settings = load_settings(database_url=url)
    return Scheduler(session_factory, settings, QUESTIONNAIRE, clock=clock, name=name)


async def counts(session_factory) -> tuple[int, int]:
    async with session_factory() as session:
        runs = await session.scalar(select(func.count()).select_from(DigestRun))
        messages = await session.scalar(select(func.count()).select_from(OutboxMessage))
    return runs, messages


async def test_digest_is_enqueued_once_when_ticking_twice_and_after_restart(
    session_factory,
) -> None:
    await organiser_with_contributions(session_factory, subscribed_at=NOW - timedelta(days=3))
    clock = Clock(NOW)
    assert await scheduler(session_factory, clock).tick() == 1
    assert await scheduler(session_factory, clock).tick() == 0
    assert await scheduler(session_factory, clock, name="after-restart").tick() == 0

    runs, messages = await counts(session_factory)
    assert runs == 1 and messages == 3  # text, spreadsheet, chart
    async with session_factory() as session:
        run = (await session.scalars(select(DigestRun))).one()
    assert (run.period_start, run.period_end, run.contributions) == (
        DUE - timedelta(days=1),
        DUE,
        5,
    )


async def test_missed_digest_is_sent_once_when_the_bot_comes_back_later(session_factory) -> None:
    await organiser_with_contributions(session_factory, subscribed_at=NOW - timedelta(days=3))
    late = Clock(NOW + timedelta(hours=10))  # down from before 08:00 until 18:30
    assert await scheduler(session_factory, late).tick() == 1
    assert await scheduler(session_factory, late).tick() == 0
    late.now = NOW + timedelta(days=1)  # next morning: the next period starts where it ended
    assert await scheduler(session_factory, late).tick() == 1
    async with session_factory() as session:
        periods = [
            (r.period_start, r.period_end)
            for r in await session.scalars(select(DigestRun).order_by(DigestRun.period_end))
        ]
    assert periods == [(DUE - timedelta(days=1), DUE), (DUE, DUE + timedelta(days=1))]


async def test_no_digest_is_owed_for_a_slot_before_subscribing(session_factory) -> None:
    await organiser_with_contributions(session_factory, subscribed_at=NOW - timedelta(minutes=5))
    assert await scheduler(session_factory, Clock(NOW)).tick() == 0


async def test_two_schedulers_enqueue_one_digest_when_running_at_once(db_url) -> None:
    engines = [create_engine(db_url), create_engine(db_url)]
    factories = [create_session_factory(engine) for engine in engines]
    try:
        await organiser_with_contributions(factories[0], subscribed_at=NOW - timedelta(days=3))
        clock = Clock(NOW)
        results = await asyncio.gather(
            scheduler(factories[0], clock, "instance-a").tick(),
            scheduler(factories[1], clock, "instance-b").tick(),
        )
        assert sorted(results) == [0, 1]
        assert await counts(factories[0]) == (1, 3)
    finally:
        for engine in engines:
            await engine.dispose()


async def sender_for(session_factory, fake: FakeTelegramSession, clock) -> PacedSender:
    settings = load_settings(database_url="sqlite+aiosqlite:///:memory:")
    bot = create_bot(settings, session=fake, token=FAKE_TOKEN)
    return PacedSender(bot, session_factory, rate=1000, per_chat_interval=0, clock=clock)


async def test_sender_delivers_a_digest_in_order_and_marks_it_sent(session_factory) -> None:
    await organiser_with_contributions(session_factory, subscribed_at=NOW - timedelta(days=3))
    clock = Clock(NOW)
    await scheduler(session_factory, clock).tick()
    fake = FakeTelegramSession()
    sender = await sender_for(session_factory, fake, clock)
    assert await sender.run_once() == 3
    assert await sender.run_once() == 0

    kinds = [type(r) for r in fake.requests]
    assert kinds == [SendMessage, SendDocument, SendPhoto]
    assert fake.requests[0].chat_id == 1 and "<b>5</b>" in fake.requests[0].text
    async with session_factory() as session:
        statuses = set(await session.scalars(select(OutboxMessage.status)))
    assert statuses == {"sent"}


async def test_blocked_recipient_is_marked_inactive_and_not_retried(session_factory) -> None:
    await organiser_with_contributions(session_factory, subscribed_at=NOW - timedelta(days=3))
    clock = Clock(NOW)
    await scheduler(session_factory, clock).tick()
    fake = FakeTelegramSession()
    fake.blocked_chats.add(1)
    sender = await sender_for(session_factory, fake, clock)
    await sender.run_once()
    assert await sender.run_once() == 0

    async with session_factory() as session:
        statuses = list(
            await session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id))
        )
        user = await session.get(User, 1)
    assert statuses == ["blocked", "blocked", "blocked"]
    assert len(fake.requests) == 1  # one attempt, then the rest is not tried
    assert user.is_active is False


async def test_rate_limited_message_waits_retry_after_then_goes(session_factory) -> None:
    async with session_factory() as session, session.begin():
        await add_people(session, [Person(1)])
        Outbox(session, lambda: NOW).text(1, "bonjour", kind="broadcast")
    clock = Clock(NOW)
    fake = FakeTelegramSession()
    original = fake.make_request
    calls = {"n": 0}

    async def flaky(bot, method, timeout=None):
        calls["n"] += 1
        if calls["n"] == 1:
            raise TelegramRetryAfter(method, "Too Many Requests", retry_after=1)
        return await original(bot, method, timeout)

    fake.make_request = flaky
    sender = await sender_for(session_factory, fake, clock)
    await sender.run_once()
    assert await sender.run_once() == 0  # not due yet
    clock.now = NOW + timedelta(seconds=1)
    assert await sender.run_once() == 1
    async with session_factory() as session:
        row = (await session.scalars(select(OutboxMessage))).one()
    assert (row.status, row.attempts) == ("sent", 1)


async def test_recovery_requeues_claimed_rows_and_never_resends_in_flight_ones(
    session_factory,
) -> None:
    async with session_factory() as session, session.begin():
        await add_people(session, [Person(1), Person(2)])
        outbox = Outbox(session, lambda: NOW)
        outbox.text(1, "queued when the process died", kind="broadcast")
        outbox.text(2, "in flight when the process died", kind="broadcast")
    async with session_factory() as session, session.begin():
        rows = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        rows[0].status, rows[0].claimed_at = "claimed", NOW
        rows[1].status, rows[1].claimed_at = "sending", NOW
    clock = Clock(NOW + CLAIM_LEASE + timedelta(seconds=1))
    fake = FakeTelegramSession()
    sender = await sender_for(session_factory, fake, clock)
    await sender.recover()
    await sender.run_once()

    assert [r.chat_id for r in fake.requests] == [1]
    async with session_factory() as session:
        statuses = list(
            await session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id))
        )
    assert statuses == ["sent", "unknown"]  # in flight at the crash: perhaps delivered


async def test_digest_files_wait_behind_a_text_that_must_be_retried(session_factory) -> None:
    await organiser_with_contributions(session_factory, subscribed_at=NOW - timedelta(days=3))
    clock = Clock(NOW)
    await scheduler(session_factory, clock).tick()
    fake = FakeTelegramSession()
    original = fake.make_request
    failures = {"left": 1}

    async def flaky(bot, method, timeout=None):
        if isinstance(method, SendMessage) and failures["left"]:
            failures["left"] -= 1
            raise TelegramNetworkError(method, "network down")
        return await original(bot, method, timeout)

    fake.make_request = flaky
    sender = await sender_for(session_factory, fake, clock)
    await sender.run_once()
    assert [type(r) for r in fake.requests] == []  # nothing after the failed text
    clock.now = NOW + timedelta(seconds=2)  # the first backoff
    while await sender.run_once():
        pass
    assert [type(r) for r in fake.requests] == [SendMessage, SendDocument, SendPhoto]


async def test_a_clean_stop_hands_back_claimed_rows_at_once(session_factory) -> None:
    async with session_factory() as session, session.begin():
        outbox = Outbox(session, lambda: NOW)
        for recipient in (1, 2, 3):
            outbox.text(recipient, "Bonjour", kind="broadcast")
    clock = Clock(NOW)
    fake = FakeTelegramSession()
    mine = await sender_for(session_factory, fake, clock)
    claimed = await mine._claim(2)
    other = await sender_for(session_factory, fake, clock)
    other.name = "another-instance"
    assert await other.release_claims() == 0  # not its rows
    assert await mine.release_claims() == 2
    async with session_factory() as session:
        statuses = [m.status for m in await session.scalars(select(OutboxMessage))]
    assert len(claimed) == 2 and statuses == ["pending", "pending", "pending"]
    assert await other.run_until_empty() == 3


async def test_a_round_that_fails_midway_hands_its_rows_back(session_factory) -> None:
    """E.g. Redis (the shared rate) unreachable: nothing stays claimed for the lease."""

    class BrokenLimiter:
        async def acquire(self) -> None:
            raise ConnectionError("Redis is down")

    async with session_factory() as session, session.begin():
        outbox = Outbox(session, lambda: NOW)
        for recipient in (1, 2, 3):
            outbox.text(recipient, "Bonjour", kind="broadcast")
    sender = await sender_for(session_factory, FakeTelegramSession(), Clock(NOW))
    sender.limiter = BrokenLimiter()
    try:
        await sender.run_once(10)
    except ConnectionError:
        pass
    else:
        raise AssertionError("the failure must reach run_forever, which backs off")
    async with session_factory() as session:
        statuses = sorted(m.status for m in await session.scalars(select(OutboxMessage)))
    assert statuses == ["pending", "pending", "pending"]


async def test_no_call_goes_out_inside_a_429_pause_even_those_waiting_on_the_rate(
    session_factory,
) -> None:
    async with session_factory() as session, session.begin():
        await add_people(session, [Person(1000 + i) for i in range(30)])
        outbox = Outbox(session, lambda: NOW)
        for i in range(30):
            outbox.text(1000 + i, f"message {i}", kind="broadcast")
    fake = FakeTelegramSession()
    original = fake.make_request
    calls: list[float] = []
    pauses: list[tuple[float, float]] = []

    async def flooded(bot, method, timeout=None):
        calls.append(time.monotonic())
        if len(calls) == 4:  # the fourth call is told to wait one second
            pauses.append((calls[-1], calls[-1] + 1.0))
            raise TelegramRetryAfter(method, "Too Many Requests", retry_after=1)
        return await original(bot, method, timeout)

    fake.make_request = flooded
    settings = load_settings(database_url="sqlite+aiosqlite:///:memory:")
    bot = create_bot(settings, session=fake, token=FAKE_TOKEN)
    # 20 per second: when the 429 comes, a dozen calls are already waiting on the limiter.
    sender = PacedSender(bot, session_factory, rate=20, per_chat_interval=0, clock=Clock(NOW))
    await sender.run_once(limit=30)

    (start, end) = pauses[0]
    inside = [t for t in calls if start < t < end]
    assert inside == []  # counted, not timed: every other call is before or after the pause
    assert len(calls) == 30  # 29 delivered in this round, the refused one waits for its retry


async def test_a_message_whose_first_answer_was_lost_ends_unknown_even_if_later_refused(
    session_factory,
) -> None:
    async with session_factory() as session, session.begin():
        await add_people(session, [Person(1)])
        Outbox(session, lambda: NOW).text(1, "bonjour", kind="broadcast")
    fake = FakeTelegramSession()
    calls = {"n": 0}

    async def flaky(bot, method, timeout=None):
        calls["n"] += 1
        if calls["n"] == 1:
            raise TelegramNetworkError(method, "Request timeout error")  # maybe delivered
        raise TelegramServerError(method, "Bad Gateway")

    fake.make_request = flaky
    clock = Clock(NOW)
    sender = await sender_for(session_factory, fake, clock)
    for _ in range(5):
        await sender.run_once()
        clock.now += timedelta(minutes=10)
    async with session_factory() as session:
        row = (await session.scalars(select(OutboxMessage))).one()
    assert (row.status, row.maybe_delivered, calls["n"]) == ("unknown", True, 5)


async def test_our_own_error_before_the_call_is_failed_not_unknown(session_factory) -> None:
    async with session_factory() as session, session.begin():
        await add_people(session, [Person(1)])
        session.add(
            OutboxMessage(
                recipient_id=1,
                kind="broadcast",
                payload={"method": "message"},  # no text: a bug of ours, before any call
                due_at=NOW,
                status="pending",
                attempts=0,
                created_at=NOW,
            )
        )
    fake = FakeTelegramSession()
    await (await sender_for(session_factory, fake, Clock(NOW))).run_once()
    async with session_factory() as session:
        row = (await session.scalars(select(OutboxMessage))).one()
    assert row.status == "failed" and fake.requests == []
