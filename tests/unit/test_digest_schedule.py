"""When a digest is due, across days, Mondays and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.services.digest import chart_days, daily_counts, default_period_start, latest_due
from storage.models import DigestSubscription

PARIS = ZoneInfo("Europe/Paris")


def sub(frequency: str = "daily", hour: int = 8) -> DigestSubscription:
    return DigestSubscription(user_id=1, frequency=frequency, hour=hour, minute=0)


def test_daily_digest_is_due_today_when_the_hour_has_passed() -> None:
    now = datetime(2025, 3, 5, 9, 0, tzinfo=UTC)  # 10:00 in Paris
    assert latest_due(sub(), now, PARIS) == datetime(2025, 3, 5, 7, 0, tzinfo=UTC)


def test_daily_digest_is_yesterdays_when_the_hour_has_not_come() -> None:
    now = datetime(2025, 3, 5, 6, 0, tzinfo=UTC)  # 07:00 in Paris
    assert latest_due(sub(), now, PARIS) == datetime(2025, 3, 4, 7, 0, tzinfo=UTC)


def test_weekly_digest_is_due_on_the_last_monday_when_weekly() -> None:
    now = datetime(2025, 3, 6, 12, 0, tzinfo=UTC)  # a Thursday
    assert latest_due(sub("weekly"), now, PARIS) == datetime(2025, 3, 3, 7, 0, tzinfo=UTC)


def test_no_digest_is_due_when_subscription_is_off() -> None:
    assert latest_due(sub("off"), datetime(2025, 3, 6, tzinfo=UTC), PARIS) is None


def test_digest_keeps_paris_hour_when_clocks_change() -> None:
    # 30 March 2025: Paris moves from UTC+1 to UTC+2 at 02:00.
    after = datetime(2025, 3, 30, 12, 0, tzinfo=UTC)
    due = latest_due(sub(), after, PARIS)
    assert due == datetime(2025, 3, 30, 6, 0, tzinfo=UTC)  # 08:00 summer time
    start = default_period_start(sub(), due, PARIS)
    assert start == datetime(2025, 3, 29, 7, 0, tzinfo=UTC)  # 08:00 winter time: a 23 h period


def test_chart_counts_regroup_utc_hours_into_paris_days() -> None:
    end = datetime(2025, 3, 6, 7, 0, tzinfo=UTC)
    days = chart_days(end, PARIS, days=3)
    assert [d.day for d in days] == [4, 5, 6]
    hourly = [
        ("2025-03-05 23", "entry", 1, 2),
        ("2025-03-05 23", "entry", 2, 1),
        ("2025-03-05 22", "entry", 3, 1),
        ("2025-03-05 22", "entry", 4, 1),
        ("2025-03-04 10", "x", 5, 4),
        ("2025-03-04 10", "x", 6, 1),
    ]
    counts, hidden = daily_counts(hourly, PARIS, days, threshold=2)
    assert counts[days[2]] == {"entry": 3}  # 00:00 Paris on the 6th
    assert counts[days[1]] == {"entry": 2}
    assert counts[days[0]] == {"x": 5}
    assert hidden == 0


def test_chart_leaves_out_bars_when_fewer_people_than_the_threshold_are_behind_them() -> None:
    end = datetime(2025, 3, 6, 7, 0, tzinfo=UTC)
    days = chart_days(end, PARIS, days=3)
    # Five contributions on the 4th, but all from one person: not drawn.
    hourly = [("2025-03-04 10", "x", 1, 5), ("2025-03-05 10", "x", 2, 1)]
    hourly += [("2025-03-05 11", "x", person, 1) for person in range(3, 7)]
    counts, hidden = daily_counts(hourly, PARIS, days, threshold=5)
    assert counts[days[0]] == {}
    assert counts[days[1]] == {"x": 5}
    assert hidden == 1
