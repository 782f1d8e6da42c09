"""Where the next digest starts is one rule, shared by the scheduler and `digest --preview`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services.digest import next_period_start
from storage.models import DigestRun, DigestSubscription
from tests.seed import Person, add_people

PARIS = ZoneInfo("Europe/Paris")
END = datetime(2025, 3, 5, 7, 0, tzinfo=UTC)  # 08:00 in Paris


async def subscribed(session, frequency: str) -> DigestSubscription:
    await add_people(session, [Person(7, organiser=True)])
    subscription = DigestSubscription(user_id=7, frequency=frequency, hour=8)
    session.add(subscription)
    await session.flush()
    return subscription


async def test_the_first_digest_covers_one_period_before_its_end_when_nothing_was_sent(
    session,
) -> None:
    daily = await subscribed(session, "daily")
    assert await next_period_start(session, daily, END, PARIS) == END - timedelta(days=1)
    daily.frequency = "weekly"
    assert await next_period_start(session, daily, END, PARIS) == END - timedelta(days=7)


async def test_the_next_digest_starts_where_the_last_shown_one_ended_when_some_were_sent(
    session,
) -> None:
    daily = await subscribed(session, "daily")
    shown_end = END - timedelta(hours=5)
    session.add_all(
        [
            DigestRun(
                user_id=7, period_start=None, period_end=shown_end, claimed_by="t", created_at=END
            ),
            DigestRun(
                user_id=7,
                period_start=shown_end,
                period_end=END,
                claimed_by="t",
                created_at=END,
                withheld=True,
            ),
        ]
    )
    await session.flush()
    # The withheld one showed nothing: its period is covered again.
    assert await next_period_start(session, daily, END, PARIS) == shown_end
