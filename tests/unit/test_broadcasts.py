"""Pure parts of broadcasts: audience values, schedule parsing, progress figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services.broadcasts import DeliveryCounts, ScheduleError, measure_progress, parse_schedule
from bot.views.broadcasts import progress_bar
from storage.repositories.audience import Audience

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def test_audience_round_trips_through_json_and_toggles_values() -> None:
    audience = Audience(regions=("84",), missing_theme="entry", inactive_days=30)
    assert Audience.from_json(audience.to_json()) == audience
    assert Audience.from_json({}) == Audience() and Audience().is_everyone
    assert audience.toggled("regions", "75").regions == ("84", "75")
    assert audience.toggled("regions", "84").regions == ()


def test_schedule_is_read_in_paris_time_when_typed_in_either_format() -> None:
    expected = datetime(2025, 3, 5, 13, 30, tzinfo=UTC)  # 14:30 in Paris (winter)
    assert parse_schedule("05/03/2025 14:30", NOW, PARIS) == expected
    assert parse_schedule("2025-03-05 14h30", NOW, PARIS) == expected
    assert parse_schedule("5 mars 14h30", NOW, PARIS) == expected  # as the meeting form
    assert parse_schedule("mercredi 5 mars à 14\u00a0h\u00a030", NOW, PARIS) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("demain", "format"),
        ("05/03/2025 9h99", "format"),
        ("31/02/2025 10:00", "format"),
        ("05/03/2025 25:00", "format"),
        ("", "format"),
        ("01/03/2025 10:00", "past"),
        ("05/07/2025 10:00", "too_far"),
    ],
)
def test_schedule_errors_say_why_when_the_input_is_unusable(text: str, reason: str) -> None:
    with pytest.raises(ScheduleError) as error:
        parse_schedule(text, NOW, PARIS)
    assert error.value.reason == reason


def test_progress_gives_rate_and_time_left_from_what_is_finished() -> None:
    counts = DeliveryCounts(sent=900, blocked=50, failed=50, waiting=1000)
    progress = measure_progress(counts, NOW, NOW + timedelta(seconds=40))
    assert (progress.done, progress.total, progress.rate) == (1000, 2000, 25.0)
    assert progress.seconds_left == 40.0 and progress.fraction == 0.5
    assert measure_progress(DeliveryCounts(waiting=10), NOW, NOW).rate is None


def test_progress_bar_is_full_width_and_clamped() -> None:
    assert progress_bar(0.5, 10) == "▓▓▓▓▓░░░░░"
    assert progress_bar(1.7, 4) == "▓▓▓▓" and progress_bar(-1, 4) == "░░░░"
    assert progress_bar(0.0) == "░" * 12
