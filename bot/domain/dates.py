"""Dates and times as people type them ("5 mars 9h30", "05/03 9h30", "5/3/27 14h").

Pure: the caller passes the current local moment (TIMEZONE), so that a date typed without a
year means its next occurrence. Used by the admin's meeting form (`/reunions`).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time

__all__ = ["DEFAULT_TIME", "MomentError", "parse_typed_moment"]

DEFAULT_TIME = time(9, 0)  # a date typed without a time

# Month names, French and English, full and abbreviated (accents and a final dot removed).
_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("janvier", "janv", "jan", "january"),
        ("fevrier", "fevr", "fev", "february", "feb"),
        ("mars", "mar", "march"),
        ("avril", "avr", "april", "apr"),
        ("mai", "may"),
        ("juin", "june", "jun"),
        ("juillet", "juil", "july", "jul"),
        ("aout", "august", "aug"),
        ("septembre", "sept", "sep", "september"),
        ("octobre", "oct", "october"),
        ("novembre", "nov", "november"),
        ("decembre", "dec", "december"),
    ),
    start=1,
):
    for _name in _names:
        _MONTHS[_name] = _number
del _number, _names, _name

# "9h30", "9 h 30", "9h", "09:30", "14:00", optionally after "à" / "at" / a comma.
_TIME = r"(?P<hour>\d{1,2})\s*(?:h|:)\s*(?P<minute>\d{1,2})?"
_SPLIT = re.compile(rf"(?P<day>.+?)(?:\s*,?\s+(?:a\s+|at\s+)?{_TIME})?")
_ISO = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})")
_NUMERIC = re.compile(r"(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})(?:[/.-](?P<year>\d{4}|\d{2}))?")
_DAY_MONTH = re.compile(
    r"(?P<day>\d{1,2})(?:er|st|nd|rd|th)?\s*(?P<month>[a-z]+)\.?(?:\s+(?P<year>\d{4}))?"
)
_MONTH_DAY = re.compile(
    r"(?P<month>[a-z]+)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:\s*,?\s+(?P<year>\d{4}))?"
)
# "le", "the", "on" and a weekday name ("mardi 5 mars", "Tuesday 5 March") before the date.
_LEADING = re.compile(
    r"(?:(?:le|the|on|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun|mar|mer|jeu|ven"
    r"|sam|dim|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri"
    r"|sat|sun)\.?,?\s+)+"
)


class MomentError(ValueError):
    """Why a typed moment cannot be used. `reason`: "date" (unreadable or impossible date),
    "time" (unreadable or impossible time), "past" (a date with its year, already gone).
    `part`: the faulty time as typed, for "time"."""

    def __init__(self, reason: str, part: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.part = part


def _normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.split())  # no-break spaces included


def _day_parts(text: str) -> tuple[int, int, int | None] | None:
    """(day, month, year or None) of a typed date, or None when it is not one."""
    if leading := _LEADING.match(text):
        text = text[leading.end() :]
    if match := _ISO.fullmatch(text):
        return int(match["day"]), int(match["month"]), int(match["year"])
    match = _NUMERIC.fullmatch(text) or _DAY_MONTH.fullmatch(text) or _MONTH_DAY.fullmatch(text)
    if match is None:
        return None
    month_text = match["month"]
    month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text)
    if month is None:
        return None
    year = match["year"]
    if year is None:
        return int(match["day"]), month, None
    return int(match["day"]), month, int(year) + (2000 if len(year) == 2 else 0)


def _time_of(match: re.Match[str]) -> time | None:
    if match["hour"] is None:
        return DEFAULT_TIME
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def parse_typed_moment(text: str, now: datetime) -> datetime:
    """The moment `text` designates, in `now`'s time zone (`now`: the current local moment,
    aware). Without a year, the next occurrence after `now` (on 10 December, "5 mars" is next
    March); with one, a moment already gone raises `MomentError("past")`. Without a time,
    09:00. Raises `MomentError` when the text is not a date and time."""
    normalised = _normalise(text)
    split = _SPLIT.fullmatch(normalised)
    if split is None:
        raise MomentError("date")
    parts = _day_parts(split["day"])
    if parts is None:
        # "05/03/2030 25:00" reads as a date and a broken time: say the time is the problem.
        day_only, _, last = split["day"].rpartition(" ")
        if day_only and _day_parts(day_only) is not None and re.fullmatch(r"[\d:h]+", last):
            raise MomentError("time", last)
        raise MomentError("date")
    moment = _time_of(split)
    if moment is None:
        raise MomentError("time", normalised[split.start("hour") :])
    day, month, year = parts
    if year is not None:
        try:
            result = datetime.combine(date(year, month, day), moment, tzinfo=now.tzinfo)
        except ValueError:
            raise MomentError("date") from None
        if result <= now:
            raise MomentError("past")
        return result
    if (day, month) == (now.day, now.month):
        # Today, at an hour already gone: a slip to say, not a meeting a year from now.
        result = datetime.combine(now.date(), moment, tzinfo=now.tzinfo)
        if result <= now:
            raise MomentError("past")
        return result
    for candidate in range(now.year, now.year + 9):  # 29 February comes back within 8 years
        try:
            result = datetime.combine(date(candidate, month, day), moment, tzinfo=now.tzinfo)
        except ValueError:
            continue
        if result > now:
            return result
    raise MomentError("date")  # 31/02, 31 avril: no such day in any year
