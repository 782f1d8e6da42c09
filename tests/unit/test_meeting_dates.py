"""Meeting dates as admins type them (bot/domain/dates.py): pure, the current moment passed in."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.dates import MomentError, parse_typed_moment
from bot.services.meetings import MeetingProblem, parse_moment_text
from bot.views.meetings import when_examples

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=PARIS)  # Wednesday 2 December 2026, 10:00


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("5 mars 9h30", at(2027, 3, 5, 9, 30)),
        ("5 mars 2027 9h30", at(2027, 3, 5, 9, 30)),
        ("05/03 9h30", at(2027, 3, 5, 9, 30)),
        ("5/3/27 14h", at(2027, 3, 5, 14)),
        ("05/03/2027 14:00", at(2027, 3, 5, 14)),
        ("2027-03-05 09:30", at(2027, 3, 5, 9, 30)),
        ("  5   MARS   9H30 ", at(2027, 3, 5, 9, 30)),
        ("le 5 mars à 9h30", at(2027, 3, 5, 9, 30)),
        ("5 mars, 9 h 30", at(2027, 3, 5, 9, 30)),
        ("5\u00a0mars 9\u00a0h\u00a030", at(2027, 3, 5, 9, 30)),  # as the bot writes times
        ("1er févr. 10h", at(2027, 2, 1, 10)),
        ("5 March 2:30", at(2027, 3, 5, 2, 30)),
        ("March 5, 2027 14:00", at(2027, 3, 5, 14)),
        ("05.03.2027", at(2027, 3, 5, 9)),  # no time: 09:00
        ("5 mars", at(2027, 3, 5, 9)),
        ("vendredi 5 mars 9h30", at(2027, 3, 5, 9, 30)),  # a weekday name before the date
        ("ven. 5 mars 9h30", at(2027, 3, 5, 9, 30)),
        ("le vendredi 5 mars à 9h30", at(2027, 3, 5, 9, 30)),
        ("Friday 5 March 9:30", at(2027, 3, 5, 9, 30)),
        ("mars 5 9h", at(2027, 3, 5, 9)),  # "mar" of mardi is not the month
    ],
)
def test_typed_moments_are_read_in_every_usual_way(typed, expected) -> None:
    assert parse_typed_moment(typed, NOW) == expected


def test_a_date_without_a_year_is_its_next_occurrence() -> None:
    assert parse_typed_moment("15/12 9h", NOW) == at(2026, 12, 15, 9)  # later this month
    assert parse_typed_moment("1/12 9h", NOW) == at(2027, 12, 1, 9)  # gone this year
    assert parse_typed_moment("2/12 11h", NOW) == at(2026, 12, 2, 11)  # later today
    with pytest.raises(MomentError) as error:  # earlier today: a slip, not next year
        parse_typed_moment("2/12 9h", NOW)
    assert error.value.reason == "past"
    assert parse_typed_moment("29/02", NOW) == at(2028, 2, 29, 9)  # the next leap year


def test_the_year_is_inferred_in_the_time_zone_of_now() -> None:
    # 31 December 23:30 UTC is already 1 January in Paris: "1/1 9h" is the next morning.
    now = datetime(2026, 12, 31, 23, 30, tzinfo=UTC).astimezone(PARIS)
    assert parse_typed_moment("1/1 9h", now) == at(2027, 1, 1, 9)


@pytest.mark.parametrize(
    ("typed", "reason", "part"),
    [
        ("31/02/2030 10:00", "date", ""),
        ("31/02 10:00", "date", ""),  # in no year
        ("31 avril", "date", ""),
        ("12/25 9h", "date", ""),
        ("hello", "date", ""),
        ("", "date", ""),
        ("5 foo 9h", "date", ""),
        ("05/03/2030 25:00", "time", "25:00"),
        ("5 mars 9h75", "time", "9h75"),
        ("5 mars 14", "time", "14"),
        ("01/01/2020 10:00", "past", ""),
        ("02/12/2026 9h", "past", ""),  # an hour ago, its year written
    ],
)
def test_what_is_not_a_future_moment_says_why(typed, reason, part) -> None:
    with pytest.raises(MomentError) as raised:
        parse_typed_moment(typed, NOW)
    assert (raised.value.reason, raised.value.part) == (reason, part)


def test_the_service_turns_the_reason_into_the_forms_problem_and_answers_in_utc() -> None:
    now = NOW.astimezone(UTC)
    assert parse_moment_text("5 mars 9h30", now, PARIS) == datetime(2027, 3, 5, 8, 30, tzinfo=UTC)
    for typed, code, value in [
        ("31/02 9h", "bad_date", "31/02 9h"),
        ("05/03 25:00", "bad_time", "25:00"),
        ("01/01/2020  10:00", "past", "01/01/2020 10:00"),
    ]:
        with pytest.raises(MeetingProblem) as raised:
            parse_moment_text(typed, now, PARIS)
        assert (raised.value.code, raised.value.value) == (code, value)


def test_the_examples_are_a_few_weeks_ahead_and_read_back_as_they_say() -> None:
    words, numeric = when_examples(date(2026, 12, 2), "fr")
    assert words == "23 décembre 9\u00a0h\u00a030" and numeric == "23/12/2026 14\u00a0h\u00a000"
    assert parse_typed_moment(words, NOW) == at(2026, 12, 23, 9, 30)
    assert parse_typed_moment(numeric, NOW) == at(2026, 12, 23, 14)
    words, numeric = when_examples(date(2026, 12, 20), "en")
    assert words == "10 January 09:30" and numeric == "10/01/2027 14:00"
    assert parse_typed_moment(words, NOW) == at(2027, 1, 10, 9, 30)
