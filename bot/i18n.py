"""Gettext catalogs (aiogram's I18n over `locales/`) and Babel formatting of dates and numbers.

The `.mo` files are compiled from the `.po` sources when missing or older, so a fresh clone runs
without a build step. Outside an update (scheduler, sender, CLI) wrap code in `use_locale(...)`.

French typography (enforced on the catalog and the questionnaire by
`tests/unit/test_typography.py`):

- a narrow no-break space (U+202F) before `;`, `!` and `?`, a no-break space (U+00A0) before `:`
  and inside « »; before `%` a no-break space (Babel's `format_percent` output is fine as is);
- "1er" for the first day of the month ("lundi 1er décembre 2025", "1er déc."): `format_day`;
- times in the style of the *Lexique des règles typographiques en usage à l'Imprimerie
  nationale*, the reference of French public administration (and of the Journal officiel): hour
  without a leading zero, "h", minutes on two digits, held together by no-break spaces:
  "9 h 30", "10 h 00" (`format_time`). The compact "9h30" is an informal habit the Lexique
  rejects, and "09:30" is English (or a timetable's) style, kept for English. No seconds ever.
  People may still *type* "9h30" or "09:30": parsing is lenient, display is not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n
from babel import Locale
from babel.dates import format_date, get_date_format, get_month_names
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from bot.config import LOCALES_DIR, SUPPORTED_LOCALES

DOMAIN = "messages"


def compile_catalogs(locales_dir: Path = LOCALES_DIR) -> list[Path]:
    """Compile every `.po` whose `.mo` is missing or stale; returns the files written."""
    written = []
    for po_path in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        written.append(mo_path)
    return written


_i18n: I18n | None = None


def get_i18n(default_locale: str = "fr") -> I18n:
    global _i18n
    if _i18n is None or _i18n.default_locale != default_locale:
        compile_catalogs()
        _i18n = I18n(path=LOCALES_DIR, default_locale=default_locale, domain=DOMAIN)
    return _i18n


@contextmanager
def use_locale(locale: str, default_locale: str = "fr") -> Iterator[I18n]:
    """Translate outside an update (background jobs, CLI, tests)."""
    i18n = get_i18n(default_locale)
    with i18n.context(), i18n.use_locale(pick_locale(locale, default_locale)):
        yield i18n


def pick_locale(candidate: str | None, default_locale: str = "fr") -> str:
    """Map a Telegram language code ("en-GB", "fr") to a supported locale."""
    if candidate:
        base = candidate.split("-", 1)[0].split("_", 1)[0].lower()
        if base in SUPPORTED_LOCALES:
            return base
    return default_locale


DateFormat = str  # "full"…"short", a CLDR skeleton ("MMMEd") or a CLDR pattern ("EEEE d MMMM")
DAY_FORMATS = ("full", "long", "medium", "short")
NBSP, NNBSP = "\u00a0", "\u202f"
_AT = {"fr": " à ", "en": " at "}  # between a day and a time ("lundi 1er décembre à 9 h 30")


def _language(locale: str) -> str:
    return str(locale).split("-", 1)[0].split("_", 1)[0].lower()


def _french(locale: str) -> bool:
    return _language(locale) == "fr"


def _local(value: datetime, tz: ZoneInfo | None) -> datetime:
    return value.astimezone(tz) if tz is not None and value.tzinfo is not None else value


def _first_of_month(pattern: str) -> str:
    """The pattern with "1er" for the day, outside the quoted literals ("d" -> "d'er'")."""
    parts = re.split(r"('[^']*')", pattern)
    for index in range(0, len(parts), 2):  # even parts are outside quotes
        parts[index] = re.sub(r"(?<!d)d(?!d)", "d'er'", parts[index])
    return "".join(parts)


def month_abbreviations(locale: str) -> tuple[str, ...]:
    """ "janv.", "févr."… or "Jan", "Feb"…: a chart's axis labels in the reader's language."""
    return tuple(get_month_names("abbreviated", locale=locale).values())


def format_day(
    value: date | datetime, locale: str, tz: ZoneInfo | None = None, format: DateFormat = "full"
) -> str:
    """ "lundi 1er décembre 2025" / "Monday, December 1, 2025", in the configured time zone.

    `format` is one of `DAY_FORMATS`, a CLDR skeleton, each locale ordering it its way ("MMMEd":
    "lun. 1er déc." / "Mon, Dec 1"), or a CLDR pattern. In French, the first day of the month is
    "1er" wherever the month is written in letters.
    """
    if isinstance(value, datetime):
        value = _local(value, tz).date()
    if format in DAY_FORMATS:
        pattern = get_date_format(format, locale).pattern
    else:
        skeleton = Locale.parse(locale).datetime_skeletons.get(format)
        pattern = skeleton.pattern if skeleton is not None else format
    if _french(locale) and value.day == 1 and re.search(r"MMM|LLL", pattern):
        pattern = _first_of_month(pattern)
    return format_date(value, pattern, locale=locale)


def format_time(value: datetime | time, locale: str, tz: ZoneInfo | None = None) -> str:
    """ "9 h 30" (no-break spaces) in French, "09:30" in English; never seconds."""
    if isinstance(value, datetime):
        value = _local(value, tz).time()
    if _french(locale):
        return f"{value.hour}{NBSP}h{NBSP}{value.minute:02d}"
    return f"{value.hour:02d}:{value.minute:02d}"


def format_moment(
    value: datetime, locale: str, tz: ZoneInfo | None = None, format: DateFormat = "long"
) -> str:
    """ "1er décembre 2025 à 9 h 30" / "December 1, 2025 at 09:30" (`format`: the day's)."""
    local = _local(value, tz)
    at = _AT.get(_language(locale), ", ")
    return format_day(local, locale, format=format) + at + format_time(local, locale)


def format_number(value: int | float, locale: str) -> str:
    return format_decimal(value, locale=locale)
