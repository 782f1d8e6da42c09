from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.questionnaire import default_questionnaire
from bot.services.meetings import MeetingInput, parse_date, parse_time, read_csv, validate

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
Q = default_questionnaire()


def test_meeting_is_stored_in_utc_when_typed_in_paris_time() -> None:
    draft = validate(
        MeetingInput(
            "12/03/2025",
            "9h30",
            "Grenoble",
            "Auvergne-Rhône-Alpes",
            "entry",
            "Maison des associations",
        ),
        Q,
        NOW,
        PARIS,
    )
    assert draft.starts_at == datetime(2025, 3, 12, 8, 30, tzinfo=UTC)
    assert (draft.city, draft.regions, draft.theme_key) == ("Grenoble", ("84",), "entry")


def test_summer_time_is_applied_when_the_meeting_is_after_the_change() -> None:
    draft = validate(MeetingInput("2025-04-03", "10:00", "Bordeaux", "75"), Q, NOW, PARIS)
    assert draft.starts_at == datetime(2025, 4, 3, 8, 0, tzinfo=UTC)


def test_national_meeting_has_no_region_when_regions_say_national() -> None:
    draft = validate(MeetingInput("2025-04-03", "10:00", "Paris", "national"), Q, NOW, PARIS)
    assert draft.regions == ()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (MeetingInput("31/02/2025", "10:00", "Lyon", "84"), "bad date '31/02/2025'"),
        (MeetingInput("2025-02-01", "10:00", "Lyon", "84"), "is in the past"),
        (MeetingInput("2025-04-01", "25:00", "Lyon", "84"), "bad time '25:00'"),
        (MeetingInput("2025-04-01", "10:00", "Lyon", "Atlantide"), "unknown region 'Atlantide'"),
        (MeetingInput("2025-04-01", "10:00", "", "84"), "the city is missing"),
        (MeetingInput("2025-04-01", "10:00", "Lyon", "84", "weather"), "unknown theme 'weather'"),
    ],
)
def test_bad_meeting_gets_a_clear_error(raw, expected) -> None:
    errors = validate(raw, Q, NOW, PARIS)
    assert isinstance(errors, list) and any(expected in e for e in errors), errors


def test_dates_and_times_are_read_in_french_habits() -> None:
    assert parse_date("5/3/25").isoformat() == "2025-03-05"
    assert parse_date("2025-03-05").isoformat() == "2025-03-05"
    assert parse_time("14h").isoformat() == "14:00:00"
    assert parse_time("9h30").isoformat() == "09:30:00"


def test_csv_with_semicolons_is_read_when_exported_from_a_french_spreadsheet() -> None:
    rows = read_csv("date;time;city;regions;theme;venue\n12/03/2025;9:30;Grenoble;84;;Salle A\n")
    assert [(r.date, r.city, r.regions, r.venue) for r in rows] == [
        ("12/03/2025", "Grenoble", "84", "Salle A")
    ]
