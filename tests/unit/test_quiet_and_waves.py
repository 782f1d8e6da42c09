"""Quiet hours and reminder waves: pure rules, with a controllable clock."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.domain.quiet import QuietHours
from bot.services.reminders import due_waves, wave_due_at
from storage.models import Meeting

PARIS = ZoneInfo("Europe/Paris")
QUIET = QuietHours(time(20), time(8), True, PARIS)


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [
        (datetime(2025, 3, 5, 18, 59, tzinfo=UTC), False),  # Wednesday 19:59 in Paris
        (datetime(2025, 3, 5, 19, 0, tzinfo=UTC), True),  # 20:00
        (datetime(2025, 3, 6, 6, 59, tzinfo=UTC), True),  # Thursday 07:59
        (datetime(2025, 3, 6, 7, 0, tzinfo=UTC), False),  # 08:00
        (datetime(2025, 3, 9, 12, 0, tzinfo=UTC), True),  # Sunday noon
        (datetime(2025, 7, 2, 6, 30, tzinfo=UTC), False),  # summer: 08:30 in Paris
        (datetime(2025, 7, 2, 18, 30, tzinfo=UTC), True),  # summer: 20:30 in Paris
    ],
)
def test_quiet_hours_follow_paris_time_and_sundays(moment, quiet) -> None:
    assert QUIET.is_quiet(moment) is quiet


def meeting(local: datetime, status: str = "scheduled") -> Meeting:
    return Meeting(
        id=1, starts_at=local.astimezone(UTC), city="Grenoble", regions=["84"], status=status
    )


def test_waves_are_due_at_ten_paris_time_across_the_spring_change() -> None:
    # Meeting on Thursday 3 April 2025 at 09:30; J-7 is 27 March (winter), J-1 is 2 April (summer).
    m = meeting(datetime(2025, 4, 3, 9, 30, tzinfo=PARIS))
    assert wave_due_at(m, 7, time(10), PARIS) == datetime(2025, 3, 27, 9, 0, tzinfo=UTC)
    assert wave_due_at(m, 1, time(10), PARIS) == datetime(2025, 4, 2, 8, 0, tzinfo=UTC)


def test_only_the_latest_due_wave_is_sent_when_the_bot_was_down() -> None:
    m = meeting(datetime(2025, 4, 3, 9, 30, tzinfo=PARIS))
    now = datetime(2025, 4, 2, 12, 0, tzinfo=UTC)  # both J-7 and J-1 are past due
    assert due_waves(m, (7, 1), time(10), PARIS, now) == (1, [7])
    early = datetime(2025, 3, 27, 8, 59, tzinfo=UTC)
    assert due_waves(m, (7, 1), time(10), PARIS, early) == (None, [])


def test_no_wave_is_due_when_meeting_is_cancelled_or_over() -> None:
    m = meeting(datetime(2025, 4, 3, 9, 30, tzinfo=PARIS), status="cancelled")
    assert due_waves(m, (7, 1), time(10), PARIS, datetime(2025, 4, 2, 12, tzinfo=UTC)) == (None, [])
    over = meeting(datetime(2025, 4, 3, 9, 30, tzinfo=PARIS))
    assert due_waves(over, (7, 1), time(10), PARIS, datetime(2025, 4, 4, tzinfo=UTC)) == (None, [])


def test_next_allowed_moment_skips_the_night_and_sunday() -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from bot.domain.quiet import QuietHours

    paris = ZoneInfo("Europe/Paris")
    quiet = QuietHours(time(20, 0), time(8, 0), True, paris)
    tuesday_night = datetime(2025, 3, 4, 21, 30, tzinfo=UTC)  # 22:30 in Paris
    assert quiet.next_allowed(tuesday_night) == datetime(2025, 3, 5, 8, 0, tzinfo=paris)
    saturday_night = datetime(2025, 3, 8, 20, 0, tzinfo=UTC)
    assert quiet.next_allowed(saturday_night) == datetime(2025, 3, 10, 8, 0, tzinfo=paris)


@pytest.mark.parametrize(
    ("meeting_day", "expected_utc"),
    [
        # Monday 31 March 2025: J-1 is Sunday 30 (the spring change): Saturday 29, 10:00 CET.
        (datetime(2025, 3, 31, 9, 30, tzinfo=PARIS), datetime(2025, 3, 29, 9, 0, tzinfo=UTC)),
        # Monday 27 October 2025: J-1 is Sunday 26 (the autumn change): Saturday 25, 10:00 CEST.
        (datetime(2025, 10, 27, 9, 30, tzinfo=PARIS), datetime(2025, 10, 25, 8, 0, tzinfo=UTC)),
        # Tuesday: J-1 is a Monday, nothing moves.
        (datetime(2025, 3, 11, 9, 30, tzinfo=PARIS), datetime(2025, 3, 10, 9, 0, tzinfo=UTC)),
    ],
)
def test_a_reminder_due_on_a_quiet_sunday_goes_the_saturday_before(
    meeting_day, expected_utc
) -> None:
    due = wave_due_at(meeting(meeting_day), 1, time(10), PARIS, QUIET)
    assert due == expected_utc
    assert not QUIET.is_quiet(due) and due < meeting(meeting_day).starts_at


def test_a_reminder_time_inside_the_night_goes_the_evening_before_not_the_morning_after() -> None:
    planned = datetime(2025, 3, 5, 21, 0, tzinfo=PARIS)  # Wednesday 21:00, always quiet
    moved = QUIET.last_allowed_at_or_before(planned)
    assert moved == datetime(2025, 3, 5, 19, 0, tzinfo=PARIS)  # an hour for the wave to go
    assert QUIET.next_allowed(planned) > planned  # what the sender would otherwise wait for


def test_an_allowed_moment_is_kept_as_it_is() -> None:
    moment = datetime(2025, 3, 5, 10, 0, tzinfo=PARIS)
    assert QUIET.last_allowed_at_or_before(moment) == moment


def test_due_waves_use_the_moved_time() -> None:
    m = meeting(datetime(2025, 3, 31, 9, 30, tzinfo=PARIS))
    saturday = datetime(2025, 3, 29, 9, 5, tzinfo=UTC)
    assert due_waves(m, (1,), time(10), PARIS, saturday, QUIET) == (1, [])
    assert due_waves(m, (1,), time(10), PARIS, saturday) == (None, [])  # without: Sunday
